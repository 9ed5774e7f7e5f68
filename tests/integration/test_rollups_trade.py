"""Property: after random batches (new rows, repeats, corrections, bad rows), the Trade
Trends rollups equal the same aggregates computed directly from the raw rows, at every
grain, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import date, timedelta
from itertools import combinations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from dashboard import rollups, schema
from dashboard.histogram import percentile_from_histogram
from dashboard.ingest import ingest_records
from dashboard.reference import load_reference
from tests.conftest import NOW
from tests.factories import declaration
from tests.integration.test_rollups_property import _bucket, _decl, _read, assert_same, decl_rows

# serial -> trading country: mapped regions, an unmapped code and none at all
COUNTRIES = ["DE", "US", "VN", "ZZ", "", "SA", "BR"]
REGION = {"DE": "EU", "US": "US", "VN": "ASEAN", "ZZ": "OTHER", "": "UNKNOWN", "SA": "MIDEAST"}
REGION["BR"] = "BR"


def _row(t: tuple) -> dict[str, str]:  # type: ignore[type-arg]
    row = _decl(t)
    row["trade_country"] = COUNTRIES[t[0] % len(COUNTRIES)]
    return row


def _period(day: date, grain: str) -> date:
    if grain == "D":
        return day
    if grain == "W":
        return day - timedelta(days=day.weekday())
    if grain == "M":
        return day.replace(day=1)
    if grain == "Q":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def _released(raw: pd.DataFrame) -> pd.DataFrame:
    rel = raw[raw["status"] == "RELEASED"].copy()
    rel["day"] = pd.to_datetime(rel["ts_released"]).dt.date
    return rel


def _by_grain(
    rel: pd.DataFrame, grains: tuple[str, ...], keys: list[str], agg: dict
) -> pd.DataFrame:  # type: ignore[type-arg]
    parts = []
    for grain in grains:
        part = rel.assign(grain=grain, period=[_period(d, grain) for d in rel["day"]])
        parts.append(part.groupby(["grain", "period", *keys], as_index=False).agg(**agg))
    return pd.concat(parts, ignore_index=True)


def expected(raw: pd.DataFrame) -> dict[str, pd.DataFrame]:
    rel = _released(raw)
    out = {
        "rollup_trade": _by_grain(
            rel,
            ("D", "W", "M", "Q"),
            ["declare_district", "port_district", "ie_flag"],
            {"released_n": ("entry_id", "size"), "released_value_usd": ("value_usd", "sum")},
        )
    }
    hist = []
    for metric in ("overall", "customs"):
        part = rel[rel[f"{metric}_h"].notna()].copy()
        part["bucket"] = [_bucket(h) for h in part[f"{metric}_h"]]
        hist.append(
            _by_grain(
                part,
                ("D", "W", "M", "Q", "Y"),
                ["declare_district", "ie_flag", "bucket"],
                {f"{metric}_n": ("entry_id", "size")},
            )
        )
        if metric == "overall":
            out["rollup_trade_od_hist"] = _by_grain(
                part,
                ("M", "Q", "Y"),
                ["declare_district", "port_district", "ie_flag", "bucket"],
                {"overall_n": ("entry_id", "size")},
            )
    keys = ["grain", "period", "declare_district", "ie_flag", "bucket"]
    per = pd.concat(hist).fillna(0).groupby(keys, as_index=False).sum()
    region = per.assign(declare_district="*").groupby(keys, as_index=False).sum()
    out["rollup_trade_hist"] = pd.concat([per, region], ignore_index=True)
    mix = []
    for dimension, column in (
        ("trade_mode", "trade_mode"),
        ("transport_mode", "transport_mode"),
        ("hs_chapter", "hs_chapter"),
        ("partner_region", "trade_country"),
    ):
        codes = rel[column].fillna("")
        if dimension == "partner_region":
            codes = codes.map(REGION)
        part = rel.assign(dimension=dimension, code=codes)
        mix.append(
            _by_grain(
                part,
                ("M", "Q", "Y"),
                ["declare_district", "ie_flag", "dimension", "code"],
                {"released_n": ("entry_id", "size"), "released_value_usd": ("value_usd", "sum")},
            )
        )
    out["rollup_trade_mix"] = pd.concat(mix, ignore_index=True)
    return out


TABLES = (
    schema.rollup_trade,
    schema.rollup_trade_hist,
    schema.rollup_trade_od_hist,
    schema.rollup_trade_mix,
)


def expected_percentiles(hist: pd.DataFrame) -> pd.DataFrame:
    """Median and p90 per stored period, direction and set of districts (every proper
    subset of the reference districts, joined by "+", and "*"), by the scalar reference
    `percentile_from_histogram` over the expected histogram."""
    codes = sorted(load_reference().code_set("district"))
    sets = [("+".join(c), set(c)) for n in range(1, len(codes)) for c in combinations(codes, n)]
    sets.append(("*", {"*"}))
    rows = []
    for key, members in sets:
        part = hist[hist["declare_district"].isin(members)]
        for (grain, period, ie), group in part.groupby(["grain", "period", "ie_flag"]):
            row = {"grain": grain, "districts": key, "period": period, "ie_flag": ie}
            for metric in ("overall", "customs"):
                n = group[f"{metric}_n"].to_numpy(float)
                row[f"{metric}_n"] = n.sum()
                for name, q in (("p50", 0.5), ("p90", 0.9)):
                    value = percentile_from_histogram(group["bucket"], n, q)
                    row[f"{metric}_{name}_h"] = -1.0 if math.isnan(value) else value
            if row["overall_n"] or row["customs_n"]:
                rows.append(row)
    columns = ["grain", "districts", "period", "ie_flag"] + [
        f"{m}_{s}" for m in ("overall", "customs") for s in ("n", "p50_h", "p90_h")
    ]
    return pd.DataFrame(rows, columns=columns)  # columns named even with no releases


def check_trade(engine: Engine) -> None:
    raw = _read(engine, schema.declarations)
    want = expected(raw)
    for table in TABLES:
        actual = _read(engine, table)
        actual["period"] = pd.to_datetime(actual["period"]).dt.date
        keys = [c.name for c in table.primary_key.columns]
        assert_same(actual, want[table.name], keys)
    stored = _read(engine, schema.rollup_trade_pct).fillna(-1.0)  # NULL: no such times
    stored["period"] = pd.to_datetime(stored["period"]).dt.date
    keys = ["grain", "districts", "period", "ie_flag"]
    assert_same(stored, expected_percentiles(want["rollup_trade_hist"]), keys)


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (schema.declarations, *rollups.FEED_ROLLUPS["declarations"]):
            conn.execute(delete(table))


@pytest.mark.slow
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(decl_rows, min_size=1, max_size=4))
def test_trade_rollups_equal_raw_aggregates(engine: Engine, batches: list) -> None:  # type: ignore[type-arg]
    _reset(engine)
    for i, batch in enumerate(batches):
        rows = [_row(t) for t in batch]
        ingest_records(engine, "declarations", rows, name=f"b{i}", source="test", now=NOW)
    check_trade(engine)


def test_trade_rollups_with_nothing_released(engine: Engine) -> None:
    """No release yet: no stored percentiles, and the check compares empty tables (Hypothesis
    found the expected frame had no columns then)."""
    pending = [declaration(1, status="ACCEPTED")]
    ingest_records(engine, "declarations", pending, name="a", source="test", now=NOW)
    check_trade(engine)


def test_trade_rollups_follow_a_correction_and_rebuild(engine: Engine) -> None:
    """A declaration released late (an update) moves from nowhere into the release period;
    a rebuild gives the same tables."""
    first = [declaration(i, hours=30.0 * i, ie="IE"[i % 2]) for i in range(1, 30)]
    ingest_records(engine, "declarations", first, name="a", source="test", now=NOW)
    pending = declaration(40, status="ACCEPTED")
    ingest_records(engine, "declarations", [pending], name="b", source="test", now=NOW)
    ingest_records(
        engine, "declarations", [declaration(40, hours=400.0)], name="c", source="test", now=NOW
    )
    check_trade(engine)
    rollups.rebuild(engine, ["declarations"])
    check_trade(engine)
