"""Enterprise Service rollups equal the same aggregates over the raw rows (SQLite and
PostgreSQL), after random batches with repeats and corrections, and after `rebuild`.

The "within commitment" reference here walks the calendar day by day (independently of the
vectorised `dashboard.workdays.deadline_days`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select

from dashboard import rollups, schema
from dashboard.ingest import ingest_records
from dashboard.workdays import COMMITMENT_WORKING_DAYS, is_working_day
from tests.conftest import NOW
from tests.factories import declaration, iso

START = datetime(2026, 1, 26, 8, 0)  # a Monday; the CNY break (15-23 Feb) is in range
UNITS = {"0100": ["0101", "0104"], "0200": ["0201", "0202"], "7900": ["7901"]}


def inquiry(
    serial: int,
    *,
    received: datetime,
    response_h: float | None = 2.0,
    resolve_h: float | None = 5.0,
    channel: str = "HOTLINE_12360",
    category: str = "BUSINESS_CONSULTATION",
    topic: str = "TARIFF_CLASSIFICATION",
    district: str = "0200",
    unit: str | None = None,
    first_contact: bool = True,
    published: bool = False,
    escalated: str = "",
    uscc: str = "91120116MA05XXXX1B",
) -> dict[str, str]:
    """One valid inquiry row (times in hours after receipt; None = not yet)."""
    response = None if response_h is None else received + timedelta(hours=response_h)
    resolved = None if resolve_h is None else received + timedelta(hours=resolve_h)
    return {
        "inquiry_id": f"Q-{district}-{serial:06d}",
        "channel": channel,
        "category": category,
        "topic": topic,
        "district_code": district,
        "first_contact_unit": unit or UNITS[district][0],
        "received_at": iso(received),
        "first_response_at": iso(response),
        "resolved_at": iso(resolved),
        "resolved_first_contact": "true" if first_contact and resolved else "false",
        "published_qa": "true" if published else "false",
        "escalated_incident_id": escalated,
        "enterprise_uscc": uscc,
    }


def due_by_walking(received: date, n: int) -> date:
    """The n-th working day after `received`, found by walking day by day."""
    day, seen = received, 0
    while seen < n:
        day += timedelta(days=1)
        seen += is_working_day(day)
    return day


def met(channel: str, received: pd.Timestamp, done: object) -> bool:
    if channel not in COMMITMENT_WORKING_DAYS or pd.isna(done):
        return False
    due = due_by_walking(received.date(), COMMITMENT_WORKING_DAYS[channel])
    return pd.Timestamp(done).date() <= due


def _read(engine: Engine, table: object) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(table))  # type: ignore[call-overload]
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _bucket(hours: float) -> int:
    return min(int(math.floor(8 * math.log2(max(hours * 60.0, 1.0)))), 8 * 17)


def expected_weekly(raw: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in raw.itertuples():
        rec = pd.Timestamp(r.received_at)
        rows.append(
            {
                "week": (rec.normalize() - pd.Timedelta(days=rec.weekday())).date(),
                "district_code": r.district_code,
                "channel": r.channel,
                "category": r.category,
                "topic": r.topic,
                "received_n": 1,
                "first_contact_n": int(bool(r.resolved_first_contact)),
                "published_n": int(bool(r.published_qa)),
                "escalated_n": int(bool(r.escalated_incident_id)),
                "responded_n": int(not pd.isna(r.first_response_at)),
                "response_met_n": int(met(r.channel, rec, r.first_response_at)),
                "resolved_n": int(not pd.isna(r.resolved_at)),
                "resolve_met_n": int(met(r.channel, rec, r.resolved_at)),
            }
        )
    keys = ["week", "district_code", "channel", "category", "topic"]
    return pd.DataFrame(rows).groupby(keys, as_index=False).sum()


def expected_hist(raw: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in raw.itertuples():
        rec = pd.Timestamp(r.received_at)
        month = rec.replace(day=1).normalize().date()
        for measure, done in (("response_n", r.first_response_at), ("resolve_n", r.resolved_at)):
            if not pd.isna(done):
                hours = (pd.Timestamp(done) - rec).total_seconds() / 3600
                rows.append(
                    {
                        "month": month,
                        "district_code": r.district_code,
                        "channel": r.channel,
                        "bucket": _bucket(hours),
                        "response_n": int(measure == "response_n"),
                        "resolve_n": int(measure == "resolve_n"),
                    }
                )
    keys = ["month", "district_code", "channel", "bucket"]
    if not rows:
        return pd.DataFrame(columns=[*keys, "response_n", "resolve_n"])
    return pd.DataFrame(rows).groupby(keys, as_index=False).sum()


def expected_units(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.assign(
        month=pd.to_datetime(raw["received_at"]).dt.to_period("M").dt.start_time.dt.date,
        received_n=1,
        first_contact_n=raw["resolved_first_contact"].astype(int),
    )
    keys = ["month", "district_code", "first_contact_unit", "channel"]
    return raw.groupby(keys, as_index=False)[["received_n", "first_contact_n"]].sum()


def expected_topics(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.assign(
        month=pd.to_datetime(raw["received_at"]).dt.to_period("M").dt.start_time.dt.date,
        received_n=1,
        published_n=raw["published_qa"].astype(int),
    )
    keys = ["month", "district_code", "channel", "topic"]
    return raw.groupby(keys, as_index=False)[["received_n", "published_n"]].sum()


def with_region(expected: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`expected` plus its sums over all districts under district "*"."""
    region = expected.assign(district_code=schema.SERVICE_REGION)
    region = region.groupby(keys, as_index=False).sum(numeric_only=False)
    return pd.concat([expected, region], ignore_index=True)


def assert_table(engine: Engine, table: object, expected: pd.DataFrame, keys: list[str]) -> None:
    actual = _read(engine, table)
    measures = [c for c in expected.columns if c not in keys]
    actual = actual[(actual[measures] != 0).any(axis=1)].copy()
    time_key = keys[0]
    actual[time_key] = pd.to_datetime(actual[time_key]).dt.date
    for frame in (actual, expected):
        frame[keys[1:]] = frame[keys[1:]].astype(str)
    a = actual.sort_values(keys).reset_index(drop=True)[keys + measures]
    e = expected.sort_values(keys).reset_index(drop=True)[keys + measures]
    pd.testing.assert_frame_equal(a.astype(str), e.astype(str))


def check_inquiries(engine: Engine) -> None:
    raw = _read(engine, schema.inquiries)
    raw = raw.astype(object).where(raw.notna(), None)
    keys5 = ["week", "district_code", "channel", "category", "topic"]
    assert_table(
        engine, schema.rollup_service_weekly, with_region(expected_weekly(raw), keys5), keys5
    )
    weekly = expected_weekly(raw)
    keys = ["week", "district_code", "channel"]
    assert_table(
        engine,
        schema.rollup_service_weekly_channel,
        weekly.drop(columns=["category", "topic"]).groupby(keys, as_index=False).sum(),
        keys,
    )
    hkeys = ["month", "district_code", "channel", "bucket"]
    assert_table(
        engine, schema.rollup_service_hist_monthly, with_region(expected_hist(raw), hkeys), hkeys
    )
    tkeys = ["month", "district_code", "channel", "topic"]
    assert_table(
        engine,
        schema.rollup_service_topic_monthly,
        with_region(expected_topics(raw), tkeys),
        tkeys,
    )
    assert_table(
        engine,
        schema.rollup_service_unit_monthly,
        expected_units(raw),
        ["month", "district_code", "first_contact_unit", "channel"],
    )


inquiry_rows = st.lists(
    st.tuples(
        st.integers(1, 20),  # serial: repeats become corrections
        st.integers(0, 60 * 24 * 45),  # minutes after START
        st.one_of(st.none(), st.floats(0.01, 200.0)),
        st.one_of(st.none(), st.floats(0.01, 400.0)),
        st.sampled_from(sorted(COMMITMENT_WORKING_DAYS) + ["ON_SITE"]),
        st.sampled_from(["0100", "0200", "7900"]),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=25,
)


def _reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in [schema.inquiries, *rollups.FEED_ROLLUPS["inquiries"]]:
            conn.execute(delete(table))


@pytest.mark.slow
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(inquiry_rows, min_size=1, max_size=3))
def test_service_rollups_equal_raw_aggregates(engine: Engine, batches: list) -> None:
    _reset(engine)
    for i, batch in enumerate(batches):
        rows = [
            inquiry(
                s,
                received=START + timedelta(minutes=m),
                response_h=resp,
                resolve_h=None if res is None else max(res, resp or 0.0),
                channel=ch,
                district=d,
                first_contact=fc,
                published=pub,
                escalated="INC-0200-20260301-E001" if pub and fc else "",
            )
            for s, m, resp, res, ch, d, fc, pub in batch
        ]
        ingest_records(engine, "inquiries", rows, name=f"b{i}", source="test", now=NOW)
    check_inquiries(engine)


def test_rebuild_reproduces_service_rollups(engine: Engine) -> None:
    rows = [
        inquiry(i, received=START + timedelta(hours=7 * i), resolve_h=3.0 * i, channel=ch)
        for i, ch in enumerate(["HOTLINE_12360", "PORTAL", "ON_SITE", "E_CONTACT"] * 5, 1)
    ]
    ingest_records(engine, "inquiries", rows, name="a", source="test", now=NOW)
    rollups.rebuild(engine, ["inquiries"])
    check_inquiries(engine)


def test_enterprise_yearly_counts(engine: Engine) -> None:
    other = "91110105MA01YYYY2C"
    rows = [
        declaration(1, declared=datetime(2025, 12, 31, 23, 0)),  # 2025
        declaration(2, declared=datetime(2026, 1, 1, 0, 30), status="REJECTED"),
        declaration(3, declared=datetime(2026, 2, 1, 9, 0), office="0101", port="0202"),
        declaration(4, declared=datetime(2026, 2, 2, 9, 0)),
    ]
    rows[3]["enterprise_uscc"] = other
    ingest_records(engine, "declarations", rows, name="d", source="test", now=NOW)
    got = _read(engine, schema.rollup_enterprise_yearly)
    got["year"] = pd.to_datetime(got["year"]).dt.year
    got = got.sort_values(["year", "declare_district", "enterprise_uscc"]).reset_index(drop=True)
    assert got[["year", "declare_district", "enterprise_uscc"]].values.tolist() == [
        [2025, "0200", "91120116MA05XXXX1B"],
        [2026, "0100", "91120116MA05XXXX1B"],
        [2026, "0200", "91110105MA01YYYY2C"],
        [2026, "0200", "91120116MA05XXXX1B"],
    ]
    assert got[["declared_n", "returned_n", "cross_n"]].values.tolist() == [
        [1, 0, 0],
        [1, 0, 1],  # declared at Beijing (0101), released at Tianjin's port: cross-district
        [1, 0, 0],
        [1, 1, 0],  # REJECTED counts as returned
    ]
