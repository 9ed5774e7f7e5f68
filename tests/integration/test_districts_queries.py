"""District Analysis rollup reads equal the same aggregates over raw rows (SQLite and
PostgreSQL), for the whole region, one district, one port, one direction and a risk lane,
within the caller's scope (every district, one, two): declarations, value and inspections
(in total and by port), clearance-time buckets (in total and by port), the stage histograms,
declarations by weekday x hour, inspection rate by trade mode and by credit tier (the
register loaded after the declarations)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from dashboard import schema, stages
from dashboard.ingest import ingest_records
from dashboard.queries import districts as q
from dashboard.queries.districts import Slice
from tests.conftest import NOW
from tests.factories import BASE, declaration
from tests.integration.test_districts_rollups import expected_stages

FIRMS = {"91120116MA05XXXX1B": "ADVANCED_CERTIFIED", "91110105MA01ABCD2C": "DISHONEST"}
MARCH = Slice(date(BASE.year, BASE.month, 1), date(BASE.year, BASE.month, 1))
SLICES = {
    "region": MARCH,
    "district": replace(MARCH, district="0200"),
    "port": replace(MARCH, district="0200", port="TJ-XG"),
    "port only": replace(MARCH, port="PEK"),
    "imports": replace(MARCH, ie="I"),
    "district exports red": replace(MARCH, district="0100", ie="E", lane="RED"),
}
SCOPES = [None, ("0100",), ("0100", "0200")]


def _seed(engine: Engine) -> pd.DataFrame:
    rows = []
    for i in range(1, 61):
        office, port = [("0202", "0202"), ("0101", "0101"), ("0101", "0202")][i % 3]
        lane, mode = ("RED" if i % 4 == 0 else "GREEN"), ["0110", "0615"][i % 2]
        declared = BASE + timedelta(hours=5 * i)
        row = declaration(
            i,
            declared=declared,
            hours=1.0 + i % 7 * 3.5,
            office=office,
            port=port,
            lane=lane,
            trade_mode=mode,
            ie="IE"[i % 5 == 0],
            value=1000.0 * i,
        )
        row["ts_arrival"] = (declared - timedelta(hours=i % 4)).isoformat(timespec="seconds")
        row["enterprise_uscc"] = list(FIRMS)[i % 2] if i % 5 else "91440300MA5XXXXX9Z"
        if i % 6 == 0:
            row["inspection_flag"] = "true"
        rows.append(row)
    ingest_records(engine, "declarations", rows, name="a", source="t", now=NOW)
    firms = [
        {"enterprise_uscc": uscc, "home_district": "0200", "credit_tier": tier,
         "registered_at": "2020-01-01T00:00:00+08:00"}
        for uscc, tier in FIRMS.items()
    ]  # fmt: skip
    ingest_records(engine, "enterprises", firms, name="e", source="t", now=NOW)
    with engine.connect() as conn:
        res = conn.execute(select(schema.declarations))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _part(raw: pd.DataFrame, s: Slice, scope: tuple[str, ...] | None) -> pd.DataFrame:
    keep = pd.Series(True, index=raw.index)
    if scope is not None:
        keep &= raw["declare_district"].isin(scope)
    for field, col in (("district", "declare_district"), ("port", "port_id"), ("ie", "ie_flag")):
        if getattr(s, field) is not None:
            keep &= raw[col] == getattr(s, field)
    if s.lane is not None:
        keep &= raw["risk_lane"] == s.lane
    return raw[keep]


def _nonzero(pairs: list[tuple[object, ...]]) -> dict[object, tuple[int, ...]]:
    out = {}
    for key, *values in pairs:
        if any(values):
            out[key] = tuple(int(round(v)) for v in values)
    return out


@pytest.mark.parametrize("name", list(SLICES))
def test_rollup_reads_equal_raw_aggregates(engine: Engine, name: str) -> None:
    raw = _seed(engine)
    raw["inspected"] = raw["inspection_flag"].fillna(False).astype(int)
    raw["tier"] = raw["enterprise_uscc"].map(FIRMS).fillna("")
    hist = expected_stages(raw)
    s = SLICES[name]
    for scope in SCOPES:
        n, value, inspected = q.totals(engine, replace(s, lane=None), scope)
        plain = _part(raw, replace(s, lane=None), scope)
        assert (n, inspected) == (len(plain), plain["inspected"].sum())
        assert value == pytest.approx(plain["value_usd"].sum())
        by_port = plain.groupby("port_id").agg(
            d=("entry_id", "size"), v=("value_usd", "sum"), i=("inspected", "sum")
        )
        got_ports = {p: (d, v, i) for p, d, v, i in q.port_totals(engine, s, scope) if d}
        assert sorted(got_ports) == sorted(by_port.index)
        for port, row in by_port.iterrows():
            assert got_ports[port][0] == row["d"] and got_ports[port][2] == row["i"]
            assert got_ports[port][1] == pytest.approx(row["v"])
        _check_histograms(engine, s, scope, _part(hist, s, scope))
        ts = pd.to_datetime(plain["ts_declared"])
        want_week = plain.groupby([ts.dt.day_of_week, ts.dt.hour]).size()
        week = q.week_hours(engine, replace(s, lane=None), scope)
        assert {(int(w), int(h)): int(c) for w, h, c in week if c} == {
            (int(w), int(h)): int(c) for (w, h), c in want_week.items()
        }
        modes = plain.groupby("trade_mode").agg(d=("entry_id", "size"), i=("inspected", "sum"))
        assert _nonzero(q.trade_mode_inspection(engine, replace(s, lane=None), scope)) == {
            m: (int(r["d"]), int(r["i"])) for m, r in modes.iterrows()
        }
        region = _part(raw, replace(MARCH, district=s.district), scope)
        tiers = region.groupby("tier").agg(d=("entry_id", "size"), i=("inspected", "sum"))
        assert _nonzero(q.tier_inspection(engine, s, scope)) == {
            t: (int(r["d"]), int(r["i"])) for t, r in tiers.iterrows()
        }


def _check_histograms(
    engine: Engine, s: Slice, scope: tuple[str, ...] | None, hist: pd.DataFrame
) -> None:
    """Stage histograms, overall buckets and per-port buckets against `expected_stages`."""
    waterfall = hist[hist["stage"].isin(stages.STAGES)]
    want = waterfall.groupby(["stage", "risk_lane", "inspection_method", "bucket"])["n"].sum()
    got = {tuple(r[:4]): int(r[4]) for r in q.stage_histogram(engine, s, scope) if r[4]}
    assert got == {k: int(v) for k, v in want.items()}
    overall = hist[hist["stage"] == "overall"]
    buckets = q.stage_buckets(engine, s, scope)
    assert isinstance(buckets, np.ndarray)
    want_b = overall.groupby("bucket")["n"].sum()
    assert {int(b): int(c) for b, c in buckets if c} == {int(k): int(v) for k, v in want_b.items()}
    if s.lane is None:
        port_hist = overall.groupby(["port_id", "bucket"])["n"].sum()
        got_p = {(p, int(b)): int(c) for p, b, c in q.port_clearance(engine, s, scope) if c}
        assert got_p == {(p, int(b)): int(v) for (p, b), v in port_hist.items()}


# Month ranges read from the graded cubes (years, quarters, months: `periods.month_cover`)
# and from the port-level rollup (stage before month): within a year, across quarters,
# whole years, across a year end, and the page's 24 months.
RANGES = [
    (date(2026, 6, 1), date(2026, 6, 1)),
    (date(2025, 2, 1), date(2025, 4, 1)),
    (date(2025, 1, 1), date(2025, 12, 1)),
    (date(2025, 12, 1), date(2026, 11, 1)),
    (date(2024, 11, 1), date(2026, 10, 1)),
]


def _seed_months(engine: Engine) -> pd.DataFrame:
    """Declarations every 4 days from October 2024 to November 2026, some released in the
    month after they were declared."""
    rows = []
    start = datetime(2024, 10, 3, 9, 0)
    for i in range(1, 195):
        office, port = [("0202", "0202"), ("0101", "0101"), ("0101", "0202")][i % 3]
        declared = start + timedelta(days=4 * i, hours=i % 11)
        row = declaration(
            i,
            declared=declared,
            hours=2.0 + (i % 9) * 13.0,
            office=office,
            port=port,
            lane="RED" if i % 4 == 0 else "GREEN",
            ie="IE"[i % 5 == 0],
        )
        row["ts_arrival"] = (declared - timedelta(hours=i % 5)).isoformat(timespec="seconds")
        rows.append(row)
    ingest_records(engine, "declarations", rows, name="m", source="t", now=NOW)
    with engine.connect() as conn:
        res = conn.execute(select(schema.declarations))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


@pytest.mark.parametrize("months", RANGES, ids=lambda r: f"{r[0]:%Y-%m}..{r[1]:%Y-%m}")
def test_month_ranges_equal_raw_aggregates(engine: Engine, months: tuple[date, date]) -> None:
    """Stage histograms, clearance buckets and port clearance over several months (graded
    cubes for the region and a district, the port-level rollup for a port) equal the raw
    aggregates of the declarations released in those months."""
    raw = _seed_months(engine)
    hist = expected_stages(raw)
    first, last = months
    hist = hist[(hist["month"] >= first) & (hist["month"] <= last)]
    assert not hist.empty
    base = Slice(first, last)
    cases = [
        base,
        replace(base, district="0200"),
        replace(base, ie="E"),
        replace(base, district="0200", port="TJ-XG"),
        replace(base, port="PEK", lane="RED"),
    ]
    for s in cases:
        for scope in SCOPES:
            _check_histograms(engine, s, scope, _part(hist, s, scope))
