"""District Analysis rollups equal the same aggregates over the raw rows (SQLite and
PostgreSQL), after random batches with repeats and corrections, and after `rebuild`."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, Table, delete, select

from dashboard import histogram, rollups, schema, stages
from dashboard.ingest import ingest_records
from tests.conftest import NOW
from tests.factories import BASE, declaration, queue_obs

KEYS = ["declare_district", "port_id", "ie_flag"]

decl_rows = st.lists(
    st.tuples(
        st.integers(1, 20),  # serial: repeats -> updates
        st.integers(0, 60 * 24 * 70),  # minutes after BASE (spans months)
        st.floats(0.0, 300.0),
        st.sampled_from([("0202", "0202"), ("0101", "0202"), ("7901", "7903")]),
        st.sampled_from(["I", "E"]),
        st.sampled_from(["GREEN", "YELLOW", "RED"]),
        st.sampled_from(["RELEASED", "ACCEPTED"]),
        st.sampled_from(["", "NII", "MANUAL"]),
        st.floats(-5.0, 40.0),  # arrival hours before declaration (negative = advance)
        st.sampled_from(["91120116MA05XXXX1B", "91110105MA01ABCD2C"]),
    ),
    min_size=1,
    max_size=25,
)


def _decl(t: tuple) -> dict[str, str]:  # type: ignore[type-arg]
    serial, minutes, hours, (office, port), ie, lane, status, method, before, uscc = t
    declared = BASE + timedelta(minutes=minutes)
    row = declaration(
        serial,
        declared=declared,
        hours=hours,
        office=office,
        port=port,
        ie=ie,
        lane=lane,
        status=status,
    )
    row["ts_arrival"] = (declared - timedelta(hours=before)).isoformat(timespec="seconds")
    row["enterprise_uscc"] = uscc
    if method and status == "RELEASED":
        accepted = declared + timedelta(minutes=2)
        row["inspection_flag"] = "true"
        row["inspection_method"] = method
        row["ts_inspection_ordered"] = (accepted + timedelta(minutes=30)).isoformat()
        row["ts_inspection_done"] = (accepted + timedelta(minutes=30 + hours * 20)).isoformat()
    return row


def _read(engine: Engine, table: Table) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(table))
        frame = pd.DataFrame(res.fetchall(), columns=list(res.keys()))
    time = "period" if "period" in frame else "month"
    frame[time] = pd.to_datetime(frame[time]).dt.date
    return frame


def _bucket(hours: float) -> int:
    return min(int(math.floor(8 * math.log2(max(hours * 60.0, 1.0)))), histogram.MAX_BUCKET)


def _month(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts).dt.to_period("M").dt.start_time.dt.date


def expected_stages(raw: pd.DataFrame) -> pd.DataFrame:
    rel = raw[raw["status"] == "RELEASED"]
    rows = []
    for _, r in rel.iterrows():
        ts = {c: r[c] for c in stages.TIMESTAMPS}
        spans = {s: (a, b) for s, a, b in stages.SPANS}
        for stage in stages.ALL_STAGES:
            if stage == "release":
                prior = [ts[c] for c in stages.RELEASE_AFTER if not pd.isna(ts[c])]
                start = max(prior) if prior else None
                end = ts["ts_released"]
            else:
                start, end = ts[spans[stage][0]], ts[spans[stage][1]]
            if start is None or pd.isna(start) or pd.isna(end):
                continue
            h = (pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / 3600
            if h < 0:
                continue
            rows.append(
                {
                    "month": pd.Timestamp(r["ts_released"]).replace(day=1).date(),
                    **{k: r[k] for k in KEYS},
                    "risk_lane": r["risk_lane"],
                    "inspection_method": ""
                    if pd.isna(r["inspection_method"])
                    else r["inspection_method"],
                    "stage": stage,
                    "bucket": _bucket(h),
                    "n": 1,
                }
            )
    keys = ["month", *KEYS, "risk_lane", "inspection_method", "stage", "bucket"]
    return pd.DataFrame(rows, columns=[*keys, "n"]).groupby(keys, as_index=False).sum()


def _same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    measures = [c for c in expected.columns if c not in keys]
    actual = actual[(actual[measures] != 0).any(axis=1)]
    a = actual.sort_values(keys).reset_index(drop=True)[keys + measures]
    e = expected.sort_values(keys).reset_index(drop=True)[keys + measures]
    assert len(a) == len(e)
    for k in keys:
        assert a[k].astype(str).tolist() == e[k].astype(str).tolist(), k
    for m in measures:
        assert a[m].astype(float).round(6).tolist() == e[m].astype(float).round(6).tolist(), m


def cube(frame: pd.DataFrame, keys: list[str], measures: list[str]) -> pd.DataFrame:
    """Sums by (district, direction, month, keys), also under district and direction "*"."""
    every = schema.DIST_ALL
    parts = [
        frame,
        frame.assign(declare_district=every),
        frame.assign(ie_flag=every),
        frame.assign(declare_district=every, ie_flag=every),
    ]
    by = ["declare_district", "ie_flag", "month", *keys]
    return pd.concat(parts).groupby(by, as_index=False)[measures].sum()


def graded(monthly: pd.DataFrame) -> pd.DataFrame:
    """A monthly cube's sums at every grain of `schema.DISTRICT_GRAINS` (grain, period)."""
    parts = []
    for grain in schema.DISTRICT_GRAINS:
        start = {
            "M": lambda d: d,
            "Q": lambda d: date(d.year, 3 * ((d.month - 1) // 3) + 1, 1),
            "Y": lambda d: date(d.year, 1, 1),
        }[grain]
        part = monthly.assign(grain=grain, period=monthly["month"].map(start))
        parts.append(part.drop(columns="month"))
    keys = [c for c in monthly.columns if c not in ("month", "n")]
    return pd.concat(parts).groupby(["grain", "period", *keys], as_index=False)["n"].sum()


def check(engine: Engine) -> None:
    raw = _read_raw(engine)
    keys = ["month", *KEYS, "risk_lane", "inspection_method", "stage", "bucket"]
    stages_expected = expected_stages(raw)
    _same(_read(engine, schema.rollup_stage_monthly), stages_expected, keys)
    hist_keys = ["stage", "risk_lane", "inspection_method", "bucket"]
    by_district = cube(stages_expected, hist_keys, ["n"])
    cube_keys = ["declare_district", "ie_flag", "month"]
    graded_keys = ["grain", "declare_district", "ie_flag", "period"]
    _same(
        _read(engine, schema.rollup_stage_district_monthly),
        graded(by_district),
        graded_keys + hist_keys,
    )
    overall = stages_expected[stages_expected["stage"] == "overall"]
    _same(
        _read(engine, schema.rollup_port_clearance_monthly),
        graded(cube(overall, ["port_id", "bucket"], ["n"])),
        [*graded_keys, "port_id", "bucket"],
    )
    raw["month"] = _month(raw["ts_declared"])
    ts = pd.to_datetime(raw["ts_declared"])
    raw["inspected"] = raw["inspection_flag"].fillna(False).astype(int)
    week = (
        raw.assign(weekday=ts.dt.weekday, hour_of_day=ts.dt.hour)
        .groupby(["month", *KEYS, "weekday", "hour_of_day"], as_index=False)
        .agg(declared_n=("entry_id", "size"))
    )
    _same(
        _read(engine, schema.rollup_decl_weekhour_monthly),
        week,
        ["month", *KEYS, "weekday", "hour_of_day"],
    )
    _same(
        _read(engine, schema.rollup_weekhour_district_monthly),
        cube(week, ["weekday", "hour_of_day"], ["declared_n"]),
        [*cube_keys, "weekday", "hour_of_day"],
    )
    ports = raw.groupby(["month", *KEYS], as_index=False).agg(
        declared_n=("entry_id", "size"),
        declared_value_usd=("value_usd", "sum"),
        inspected_n=("inspected", "sum"),
    )
    _same(
        _read(engine, schema.rollup_decl_port_monthly),
        cube(ports, ["port_id"], ["declared_n", "declared_value_usd", "inspected_n"]),
        [*cube_keys, "port_id"],
    )
    modes = raw.groupby(["month", *KEYS, "trade_mode"], as_index=False).agg(
        declared_n=("entry_id", "size"), inspected_n=("inspected", "sum")
    )
    _same(
        _read(engine, schema.rollup_mode_district_monthly),
        cube(modes, ["trade_mode"], ["declared_n", "inspected_n"]),
        [*cube_keys, "trade_mode"],
    )
    ent_keys = ["month", "declare_district", "enterprise_uscc"]
    ent = raw.groupby(ent_keys, as_index=False).agg(
        declared_n=("entry_id", "size"), inspected_n=("inspection_flag", "sum")
    )
    _same(_read(engine, schema.rollup_decl_enterprise_monthly), ent, ent_keys)


def _read_raw(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(schema.declarations))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name.startswith("rollup_") or table in schema.FACT_TABLES.values():
                conn.execute(delete(table))


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(decl_rows, min_size=1, max_size=3))
def test_district_rollups_equal_raw_aggregates(engine: Engine, batches: list) -> None:  # type: ignore[type-arg]
    _reset(engine)
    for i, batch in enumerate(batches):
        ingest_records(
            engine, "declarations", [_decl(t) for t in batch], name=f"b{i}", source="test", now=NOW
        )
    check(engine)


def test_district_rollups_rebuild_and_queue_month(engine: Engine) -> None:
    """After `rebuild` the district rollups equal the raw aggregates again."""
    rows = [
        _decl(
            (
                i,
                i * 997,
                i * 1.3,
                ("0202", "0202"),
                "I",
                "RED",
                "RELEASED",
                "NII",
                3.0,
                "91120116MA05XXXX1B",
            )
        )
        for i in range(1, 30)
    ]
    ingest_records(engine, "declarations", rows, name="a", source="test", now=NOW)
    with engine.begin() as conn:  # a damaged rollup is repaired by the rebuild
        conn.execute(delete(schema.rollup_stage_district_monthly))
    rollups.rebuild(engine, ["declarations"])
    check(engine)
    obs = [queue_obs("TJ-XG", BASE + timedelta(days=d), wait=10.0 + d) for d in range(0, 60, 7)]
    ingest_records(engine, "queue_observations", obs, name="q", source="test", now=NOW)
    q = _read(engine, schema.rollup_queue_monthly)
    raw = pd.DataFrame({"at": [BASE + timedelta(days=d) for d in range(0, 60, 7)]})
    raw["wait"] = [10.0 + d for d in range(0, 60, 7)]
    raw["month"] = _month(raw["at"])
    exp = raw.groupby("month")["wait"].agg(["size", "sum"]).reset_index()
    q = q.sort_values("month")
    assert q["obs_n"].tolist() == exp["size"].tolist()
    assert q["wait_minutes_sum"].round(6).tolist() == exp["sum"].round(6).tolist()
