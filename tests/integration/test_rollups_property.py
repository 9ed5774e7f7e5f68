"""Property: after any sequence of random batches (new rows, repeats, corrections, bad rows),
every rollup equals the same aggregate computed directly from the raw rows. Also checks
`rebuild` reproduces the incrementally kept rollups, and the histogram percentile error."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, Table, delete, select

from dashboard import histogram, rollups, schema
from dashboard.ingest import ingest_records
from tests.conftest import NOW
from tests.factories import BASE, declaration, queue_obs

OFFICES = [
    ("0202", "0202"),
    ("0101", "0202"),
    ("0101", "0101"),
    ("0401", "0402"),
    ("7901", "7903"),
    ("0210", "0217"),
]

decl_rows = st.lists(
    st.tuples(
        st.integers(1, 25),  # serial: small range so keys repeat
        st.integers(0, 60 * 24 * 40),  # minutes after BASE
        st.floats(0.0, 300.0),  # hours accepted -> released
        st.sampled_from(OFFICES),
        st.sampled_from(["I", "E"]),
        st.sampled_from(["GREEN", "YELLOW", "RED"]),
        st.sampled_from(["RELEASED", "ACCEPTED", "REJECTED"]),
        st.floats(1.0, 1e6),
        st.sampled_from(["USD", "CNY", "EUR"]),
        st.sampled_from(["0110", "0615", "9610"]),
        st.sampled_from(["84", "85", "27"]),
        st.booleans(),  # make it invalid
    ),
    min_size=1,
    max_size=30,
)
queue_rows = st.lists(
    st.tuples(
        st.sampled_from(["TJ-XG", "PEK", "CD-RAIL"]),
        st.integers(0, 200),
        st.floats(0, 600),
        st.integers(0, 400),
        st.sampled_from(["IN", "OUT"]),
    ),
    min_size=1,
    max_size=20,
)


def _decl(t: tuple) -> dict[str, str]:  # type: ignore[type-arg]
    serial, minutes, hours, (office, port), ie, lane, status, value, cur, mode, hs, bad = t
    row = declaration(
        serial,
        declared=BASE + timedelta(minutes=minutes),
        hours=hours,
        office=office,
        port=port,
        ie=ie,
        lane=lane,
        status=status,
        value=value,
        currency=cur,
        trade_mode=mode,
        hs=hs,
    )
    if bad:
        row["hs_chapter"] = "77"
    return row


def _read(engine: Engine, table: Table) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(table))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _bucket(hours: float) -> int:
    return min(int(math.floor(8 * math.log2(max(hours * 60.0, 1.0)))), histogram.MAX_BUCKET)


def expected_decl_daily(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.copy()
    raw["day"] = pd.to_datetime(raw["ts_declared"]).dt.date
    keys = ["day", "declare_district", "port_id", "ie_flag"]
    a = raw.groupby(keys).agg(
        declared_n=("entry_id", "size"),
        declared_value_usd=("value_usd", "sum"),
        inspected_n=("inspection_flag", "sum"),
        red_n=("risk_lane", lambda s: int((s == "RED").sum())),
    )
    rel = raw[raw["status"] == "RELEASED"].copy()
    rel["day"] = pd.to_datetime(rel["ts_released"]).dt.date
    b = rel.groupby(keys).agg(
        released_n=("entry_id", "size"),
        released_value_usd=("value_usd", "sum"),
        overall_h_sum=("overall_h", "sum"),
        overall_n=("overall_h", "count"),
        customs_h_sum=("customs_h", "sum"),
        customs_n=("customs_h", "count"),
    )
    return a.join(b, how="outer").fillna(0).reset_index()


def expected_hist(raw: pd.DataFrame) -> pd.DataFrame:
    rel = raw[raw["status"] == "RELEASED"]
    parts = []
    for metric in ("overall", "customs"):
        part = pd.DataFrame(
            {
                "day": pd.to_datetime(rel["ts_released"]).dt.date,
                "declare_district": rel["declare_district"],
                "port_id": rel["port_id"],
                "ie_flag": rel["ie_flag"],
                "risk_lane": rel["risk_lane"],
                "bucket": [_bucket(h) for h in rel[f"{metric}_h"]],
                f"{metric}_n": 1,
            }
        )
        parts.append(part)
    keys = ["day", "declare_district", "port_id", "ie_flag", "risk_lane", "bucket"]
    return pd.concat(parts).fillna(0).groupby(keys, as_index=False).sum()


def expected_queue(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.assign(hour=pd.to_datetime(raw["observed_at"]).dt.floor("h"))
    return raw.groupby(["hour", "port_id", "direction", "lane_type"], as_index=False).agg(
        obs_n=("wait_minutes", "size"),
        wait_minutes_sum=("wait_minutes", "sum"),
        vehicles_sum=("vehicles_waiting", "sum"),
        lanes_open_sum=("lanes_open", "sum"),
        lanes_max_sum=("lanes_max", "sum"),
    )


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    measures = [c for c in expected.columns if c not in keys]
    actual = actual[(actual[measures].abs() > 1e-6).any(axis=1)]
    for frame in (actual, expected):
        for k in keys:
            frame[k] = frame[k].astype(str)
    merged = actual.merge(expected, on=keys, how="outer", suffixes=("_a", "_e"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for m in measures:
        np.testing.assert_allclose(
            merged[f"{m}_a"].astype(float),
            merged[f"{m}_e"].astype(float),
            rtol=1e-9,
            atol=1e-6,
            err_msg=m,
        )


def check_all(engine: Engine) -> None:
    raw = _read(engine, schema.declarations)
    if not raw.empty:
        actual = _read(engine, schema.rollup_decl_daily)
        actual["day"] = pd.to_datetime(actual["day"]).dt.date
        assert_same(
            actual, expected_decl_daily(raw), ["day", "declare_district", "port_id", "ie_flag"]
        )
        hist = _read(engine, schema.rollup_clearance_hist)
        hist["day"] = pd.to_datetime(hist["day"]).dt.date
        assert_same(
            hist,
            expected_hist(raw),
            ["day", "declare_district", "port_id", "ie_flag", "risk_lane", "bucket"],
        )
    q = _read(engine, schema.queue_observations)
    if not q.empty:
        actual = _read(engine, schema.rollup_queue_hourly)
        actual["hour"] = pd.to_datetime(actual["hour"])
        assert_same(actual, expected_queue(q), ["hour", "port_id", "direction", "lane_type"])


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name.startswith("rollup_") or table in schema.FACT_TABLES.values():
                conn.execute(delete(table))


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(decl_rows, min_size=1, max_size=4), queues=st.lists(queue_rows, max_size=3))
def test_rollups_equal_raw_aggregates(engine: Engine, batches: list, queues: list) -> None:
    _reset(engine)
    for i, batch in enumerate(batches):
        ingest_records(
            engine, "declarations", [_decl(t) for t in batch], name=f"b{i}", source="test", now=NOW
        )
    for i, batch in enumerate(queues):
        rows = [
            queue_obs(p, BASE + timedelta(minutes=15 * m), wait=w, vehicles=v, direction=d)
            for p, m, w, v, d in batch
        ]
        ingest_records(engine, "queue_observations", rows, name=f"q{i}", source="test", now=NOW)
    check_all(engine)


def test_rebuild_matches_incremental(engine: Engine) -> None:
    rows = [declaration(i, hours=i * 1.7, lane=["GREEN", "RED"][i % 2]) for i in range(1, 40)]
    ingest_records(engine, "declarations", rows, name="a", source="test", now=NOW)
    ingest_records(
        engine, "declarations", [declaration(5, hours=99)], name="b", source="test", now=NOW
    )
    tables = rollups.FEED_ROLLUPS["declarations"]
    before = {t.name: _read(engine, t) for t in tables}
    rollups.rebuild(engine, ["declarations"])
    for t in tables:
        keys = [c.name for c in t.primary_key.columns]
        after = _read(engine, t)
        b = before[t.name]
        b = b[(b.drop(columns=keys).abs() > 1e-9).any(axis=1)]
        pd.testing.assert_frame_equal(
            b.sort_values(keys).reset_index(drop=True),
            after.sort_values(keys).reset_index(drop=True),
            check_dtype=False,
            atol=1e-6,
        )
    check_all(engine)
