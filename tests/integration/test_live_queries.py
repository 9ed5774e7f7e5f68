"""Command Center queries on SQLite and real PostgreSQL: rollup answers equal the same
figures computed from the raw rows (a port's daily clearance percentiles within the
histogram's stated error), and scope limits every query."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import Engine, select

from dashboard import command, schema
from dashboard.cache import cache
from dashboard.contract import ENDED_STATUSES
from dashboard.histogram import PERCENTILE_RELATIVE_ERROR
from dashboard.ingest import ingest_records
from dashboard.live import daily_clearance, in_process_at
from dashboard.queries import clearance, incidents, queues
from tests import factories as f

NOW = datetime(2026, 3, 9, 14, 30)  # a week after factories.BASE (Monday 2026-03-02 08:00)
STATUSES = ["RELEASED", "RELEASED", "ACCEPTED", "REJECTED", "RELEASED", "CANCELLED", "REVIEWED"]


def _declarations() -> list[dict[str, str]]:
    rows = []
    for i in range(140):  # every 70 minutes over the week before NOW
        declared = NOW - timedelta(minutes=70 * (i + 1))
        office, port = [("0202", "0202"), ("0101", "0202"), ("0401", "0401"), ("7901", "7901")][
            i % 4
        ]
        rows.append(
            f.declaration(
                i,
                declared=declared,
                hours=(i % 9) * 4.0,
                office=office,
                port=port,
                status=STATUSES[i % len(STATUSES)],
                lane="RED" if i % 5 == 0 else "GREEN",
            )
        )
    return rows


@pytest.fixture
def loaded(engine: Engine) -> pd.DataFrame:
    decl = _declarations()
    # releases must not lie in the future
    decl = [r for r in decl if not r["ts_released"] or r["ts_released"] <= f.iso(NOW)]
    result = ingest_records(engine, "declarations", decl, name="decl", source="test", now=NOW)
    assert result.quarantined == 0, result
    obs = [
        f.queue_obs(port, NOW - timedelta(minutes=m), wait=w, vehicles=v)
        for port, m, w, v in [("TJ-XG", 5, 95, 200), ("TJ-XG", 65, 40, 90), ("PEK", 3, 8, 10)]
    ]
    obs.append(f.queue_obs("SJW", NOW - timedelta(days=7, minutes=20), wait=30, vehicles=20))
    assert ingest_records(engine, "queue_observations", obs, name="q", source="t", now=NOW).accepted
    inc_open = {**f.incident(1), "status": "ACK", "resolved_at": "", "severity": "II"}
    inc_open["reported_at"] = f.iso(NOW - timedelta(hours=2))
    inc_open["acknowledged_at"] = f.iso(NOW - timedelta(hours=1))
    inc_done = f.incident(2)
    assert ingest_records(
        engine, "incidents", [inc_open, inc_done], name="i", source="t", now=NOW
    ).accepted
    with engine.connect() as conn:
        result = conn.execute(select(schema.declarations))
        raw = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for col in ("ts_declared", "ts_released"):
        raw[col] = pd.to_datetime(raw[col])
    return raw


def _live(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[~raw["status"].isin(ENDED_STATUSES)]


def test_in_process_equals_the_raw_unreleased_count(engine: Engine, loaded: pd.DataFrame) -> None:
    got = clearance.in_process(engine, None).set_index("declare_district")["in_process"]
    live = _live(loaded)
    expected = live[live["ts_released"].isna()].groupby("declare_district").size()
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    only = clearance.in_process(engine, ("0200",))
    assert set(only["declare_district"]) == {"0200"}


@pytest.mark.parametrize("hours_back", [1, 5, 30, 100])
def test_in_process_at_a_past_hour_matches_the_raw_rows(
    engine: Engine, loaded: pd.DataFrame, hours_back: int
) -> None:
    at = NOW - timedelta(hours=hours_back)
    start = pd.Timestamp(at).floor("h")
    day0 = start.normalize().to_pydatetime()
    days = sorted({day0, datetime(2026, 3, 9)})  # the day of `at`, and today
    hourly = clearance.hourly_counts(engine, [(d, d + timedelta(days=1)) for d in days], None)
    hourly = hourly.groupby("hour", as_index=False)[["declared_n", "released_n", "live_n"]].sum()
    daily = clearance.daily_counts(engine, day0.date(), NOW.date(), None)
    daily = daily.groupby("day", as_index=False)[["live_n", "released_n"]].sum()
    now_count = float(clearance.in_process(engine, None)["in_process"].sum())
    live = _live(loaded)
    expected = (
        (live["ts_declared"] < start)
        & (live["ts_released"].isna() | (live["ts_released"] >= start))
    ).sum()
    assert in_process_at(now_count, hourly, daily, at, NOW) == expected


def test_hourly_counts_and_flows_equal_raw_aggregates(engine: Engine, loaded: pd.DataFrame) -> None:
    day = datetime(2026, 3, 8)
    got = clearance.hourly_counts(engine, [(day, day + timedelta(days=1))], None)
    sel = loaded[(loaded["ts_declared"] >= day) & (loaded["ts_declared"] < day + timedelta(days=1))]
    assert int(got["declared_n"].sum()) == len(sel)
    flows = clearance.district_flows(engine, day.date(), None)
    expected = sel.groupby(["declare_district", "port_district"]).size()
    assert flows.set_index(["declare_district", "port_district"])["declared_n"].to_dict() == (
        expected.to_dict()
    )
    scoped = clearance.district_flows(engine, day.date(), ("0100", "0200"))
    both = expected[
        expected.index.get_level_values(0).isin(["0100", "0200"])
        & expected.index.get_level_values(1).isin(["0100", "0200"])
    ]
    assert scoped.set_index(["declare_district", "port_district"])["declared_n"].to_dict() == (
        both.to_dict()
    )
    assert not both.empty


def test_queue_queries_respect_window_and_scope(engine: Engine, loaded: pd.DataFrame) -> None:
    recent = queues.recent_observations(engine, NOW - timedelta(hours=6), NOW, None)
    assert sorted(recent["port_id"]) == ["PEK", "TJ-XG", "TJ-XG"]
    tianjin = queues.recent_observations(engine, NOW - timedelta(hours=6), NOW, ("0200",))
    assert set(tianjin["port_id"]) == {"TJ-XG"}
    week_ago = NOW - timedelta(days=7)
    hour = week_ago.replace(minute=0)
    rows = queues.hourly(engine, [(hour - timedelta(hours=1), hour + timedelta(hours=1))], None)
    assert list(rows["port_id"]) == ["SJW"] and rows["vehicles_sum"].sum() == 20
    assert queues.hourly(engine, [(hour, hour + timedelta(hours=1))], ("0200",)).empty


def test_open_and_overlapping_incidents(engine: Engine, loaded: pd.DataFrame) -> None:
    open_now = incidents.open_incidents(engine, None)
    assert list(open_now["severity"]) == ["II"]
    assert incidents.open_incidents(engine, ("0100",)).empty
    between = incidents.incidents_between(engine, NOW - timedelta(hours=3), NOW, None)
    assert len(between) == 1  # the resolved one was a week earlier


# --- a port's clearance chart ------------------------------------------------------------------
CLEARANCE_PORT = "TJ-XG"


def _port_releases() -> list[dict[str, str]]:
    """600 releases over the 6 days before NOW (log-normal durations, median about 12 h):
    at Xingang declared in Tianjin and in Beijing, and at Beijing Capital Airport."""
    rng = np.random.default_rng(20261204)
    rows = []
    for i in range(600):
        released = NOW - timedelta(minutes=int(rng.integers(10, 6 * 24 * 60)))
        hours = float(rng.lognormal(np.log(12.0), 0.8))
        declared = released - timedelta(hours=hours, minutes=2)  # accepted 2 min after
        office, port = [("0202", "0202"), ("0101", "0202"), ("0101", "0101")][i % 3]
        lane = ["GREEN", "YELLOW", "RED"][i % 5 % 3]
        rows.append(
            f.declaration(
                5000 + i, declared=declared, hours=hours, office=office, port=port, lane=lane
            )
        )
    return rows


@pytest.fixture
def port_releases(engine: Engine) -> pd.DataFrame:
    result = ingest_records(engine, "declarations", _port_releases(), name="d", source="t", now=NOW)
    assert result.quarantined == 0, result
    elsewhere = {**f.incident(7), "port_id": "PEK", "district_code": "0100"}
    elsewhere["incident_id"] = "INC-0100-00007"
    there = {**f.incident(3), "status": "MITIGATING", "resolved_at": ""}
    there["mitigated_at"] = f.iso(datetime(2026, 3, 2, 18, 0))
    batch = ingest_records(engine, "incidents", [there, elsewhere], name="i", source="t", now=NOW)
    assert batch.accepted == 2, batch
    with engine.connect() as conn:
        result = conn.execute(select(schema.declarations))
        raw = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    raw["ts_released"] = pd.to_datetime(raw["ts_released"])
    return raw.assign(day=raw["ts_released"].dt.floor("D"))


def test_port_daily_clearance_percentiles_equal_raw(
    engine: Engine, port_releases: pd.DataFrame
) -> None:
    first, last = date(2026, 3, 2), NOW.date()
    hist = clearance.port_clearance_histogram(engine, CLEARANCE_PORT, first, last, None)
    daily = daily_clearance(hist, first, last)
    assert list(daily["day"]) == list(pd.date_range("2026-03-02", "2026-03-09", freq="D"))
    raw = port_releases[port_releases["port_id"] == CLEARANCE_PORT]
    assert set(raw["declare_district"]) == {"0100", "0200"}  # declared in two districts
    compared = 0
    for row in daily.itertuples(index=False):
        part = raw.loc[raw["day"] == row.day, "overall_h"]
        assert row.n == len(part)
        if part.empty:
            assert math.isnan(row.p50) and math.isnan(row.p90)
            continue
        for q, got in ((0.5, row.p50), (0.9, row.p90)):
            exact = float(np.quantile(part, q, method="inverted_cdf"))
            assert got == pytest.approx(exact, rel=PERCENTILE_RELATIVE_ERROR + 1e-9)
        compared += len(part) >= 50
    assert compared >= 5  # days with enough releases for the percentiles to mean something

    tianjin = clearance.port_clearance_histogram(engine, CLEARANCE_PORT, first, last, ("0200",))
    declared_there = raw[raw["declare_district"] == "0200"]
    assert int(tianjin["overall_n"].sum()) == len(declared_there)
    assert clearance.port_clearance_histogram(engine, CLEARANCE_PORT, first, last, ("7900",)).empty


def test_port_clearance_facade_names_the_port_s_incidents(
    engine: Engine, port_releases: pd.DataFrame
) -> None:
    app = Flask("clearance-test")
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
    with app.app_context():
        daily, found = command.port_clearance(engine, NOW, CLEARANCE_PORT, None)
        assert len(daily) == command.CLEARANCE_DAYS and daily["day"].iloc[-1] == pd.Timestamp(
            NOW.date()
        )
        assert int(daily["n"].sum()) == int((port_releases["port_id"] == CLEARANCE_PORT).sum())
        assert list(found["incident_id"]) == ["INC-0200-00003"]  # not the airport's
        assert found["mitigated_at"].iloc[0] == pd.Timestamp("2026-03-02 18:00")
        none, _ = command.port_clearance(engine, NOW, "PKX", None)
        assert len(none) == command.CLEARANCE_DAYS and (none["n"] == 0).all()
