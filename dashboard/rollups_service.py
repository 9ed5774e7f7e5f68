"""Rollup upkeep for the Enterprise Service page (tables in `dashboard.schema`).

Builders in the shape `dashboard.rollups.DELTA_BUILDERS` expects (fact rows -> additive
deltas). Inquiries: weekly counts by district, channel, category and topic, and by district
and channel only (received, solved at first contact, published as Q&A, escalated, answered
within the channel's working-day commitment), monthly counts by first-contact unit, monthly
inquiries and published answers by topic, and monthly histograms of response and
resolution hours; the weekly, topic and histogram tables also get region-wide rows under
district `schema.SERVICE_REGION` ("*"). Declarations: counts per enterprise, declaring
district and year. Declarations and inquiries naming an enterprise: outcomes per firm, month
and district, and the same summed over firms (trained against untrained). All are sums, so
they equal the same aggregate over the raw rows after any sequence of batches. The one
exception is the trained firms' monthly outcomes (`refresh_trained`): a firm enters that set
when it first attends a training, so those rows are recomputed from the per-firm tables for
the months a batch touches.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, Subquery, Table, delete, func, literal, select, union_all

from dashboard import schema
from dashboard.histogram import bucket_of_hours
from dashboard.workdays import within_commitment

Deltas = dict[Table, pd.DataFrame]
RETURNED_STATUSES = ("RETURNED", "REJECTED")


def _sum(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.groupby(keys, as_index=False, sort=False).sum()


def _with_region(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sums by `keys`, plus the same sums over all districts under `SERVICE_REGION`."""
    region = frame.assign(district_code=schema.SERVICE_REGION)
    return _sum(pd.concat([frame, region], ignore_index=True), keys)


def week_start(ts: pd.Series) -> pd.Series:
    """The Monday (00:00) of each timestamp's week."""
    day = pd.to_datetime(ts).dt.normalize()
    return day - pd.to_timedelta(day.dt.weekday, unit="D")


def _hours(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.total_seconds() / 3600.0


def inquiry_deltas(rows: pd.DataFrame) -> Deltas:
    """Weekly service counts, unit counts and time histograms of inquiry rows."""
    received = pd.to_datetime(rows["received_at"])
    response = pd.to_datetime(rows["first_response_at"])
    resolved = pd.to_datetime(rows["resolved_at"])
    keys = {k: rows[k].fillna("") for k in ("district_code", "channel", "category", "topic")}
    weekly = pd.DataFrame(
        {
            "week": week_start(received),
            **keys,
            "received_n": 1.0,
            "first_contact_n": rows["resolved_first_contact"].astype(float),
            "published_n": rows["published_qa"].astype(float),
            "escalated_n": rows["escalated_incident_id"].fillna("").ne("").astype(float),
            "responded_n": response.notna().astype(float),
            "response_met_n": within_commitment(rows["channel"], received, response).astype(float),
            "resolved_n": resolved.notna().astype(float),
            "resolve_met_n": within_commitment(rows["channel"], received, resolved).astype(float),
        },
        index=rows.index,
    )
    month = received.dt.to_period("M").dt.start_time
    units = pd.DataFrame(
        {
            "month": month,
            "district_code": keys["district_code"],
            "first_contact_unit": rows["first_contact_unit"].fillna(""),
            "channel": keys["channel"],
            "received_n": 1.0,
            "first_contact_n": rows["resolved_first_contact"].astype(float),
        },
        index=rows.index,
    )
    base = pd.DataFrame(
        {"month": month, "district_code": keys["district_code"], "channel": keys["channel"]},
        index=rows.index,
    )
    topics = base.assign(
        topic=keys["topic"],
        received_n=1.0,
        published_n=rows["published_qa"].astype(float),
    )
    parts = []
    for measure, done in (("response_n", response), ("resolve_n", resolved)):
        bucket = bucket_of_hours(_hours(done, received))
        ok = bucket.notna()
        if ok.any():
            part = base[ok].assign(bucket=bucket[ok].astype(int), response_n=0.0, resolve_n=0.0)
            part[measure] = 1.0
            parts.append(part)
    out: Deltas = {
        schema.rollup_service_weekly: _with_region(
            weekly,
            ["week", "district_code", "channel", "category", "topic"],
        ),
        schema.rollup_service_weekly_channel: _sum(
            weekly.drop(columns=["category", "topic"]), ["week", "district_code", "channel"]
        ),
        schema.rollup_service_unit_monthly: _sum(
            units, ["month", "district_code", "first_contact_unit", "channel"]
        ),
        schema.rollup_service_topic_monthly: _with_region(
            topics, ["month", "district_code", "channel", "topic"]
        ),
    }
    if parts:
        out[schema.rollup_service_hist_monthly] = _with_region(
            pd.concat(parts, ignore_index=True), ["month", "district_code", "channel", "bucket"]
        )
    return out


def enterprise_deltas(rows: pd.DataFrame) -> Deltas:
    """Declarations, returned/rejected and cross-district counts per enterprise and year."""
    declared = pd.to_datetime(rows["ts_declared"])
    frame = pd.DataFrame(
        {
            "year": declared.dt.to_period("Y").dt.start_time,
            "declare_district": rows["declare_district"].fillna(""),
            "enterprise_uscc": rows["enterprise_uscc"].fillna(""),
            "declared_n": 1.0,
            "returned_n": rows["status"].isin(RETURNED_STATUSES).astype(float),
            "cross_n": rows["cross_district"].fillna(False).astype(bool).astype(float),
        },
        index=rows.index,
    )
    frame = frame[frame["year"].notna()]
    return {
        schema.rollup_enterprise_yearly: _sum(
            frame, ["year", "declare_district", "enterprise_uscc"]
        )
    }


def _outcomes(frame: pd.DataFrame, per_firm: Table, all_firms: Table) -> Deltas:
    """Per-firm monthly outcome counts and their sums over firms (rows naming a firm only)."""
    frame = frame[(frame["enterprise_uscc"] != "") & frame["month"].notna()]
    return {
        per_firm: _sum(frame, ["enterprise_uscc", "month", "district_code"]),
        all_firms: _sum(frame.drop(columns=["enterprise_uscc"]), ["month", "district_code"]),
    }


def firm_declaration_deltas(rows: pd.DataFrame) -> Deltas:
    """Declarations, returned/rejected and cross-district ones per firm, month and the
    declaring district."""
    frame = pd.DataFrame(
        {
            "enterprise_uscc": rows["enterprise_uscc"].fillna(""),
            "month": pd.to_datetime(rows["ts_declared"]).dt.to_period("M").dt.start_time,
            "district_code": rows["declare_district"].fillna(""),
            "declared_n": 1.0,
            "returned_n": rows["status"].isin(RETURNED_STATUSES).astype(float),
            "cross_n": rows["cross_district"].fillna(False).astype(bool).astype(float),
        },
        index=rows.index,
    )
    return _outcomes(
        frame, schema.rollup_service_firm_decl_monthly, schema.rollup_service_decl_firms_monthly
    )


def firm_inquiry_deltas(rows: pd.DataFrame) -> Deltas:
    """Inquiries per firm, month received and the district asked."""
    frame = pd.DataFrame(
        {
            "enterprise_uscc": rows["enterprise_uscc"].fillna(""),
            "month": pd.to_datetime(rows["received_at"]).dt.to_period("M").dt.start_time,
            "district_code": rows["district_code"].fillna(""),
            "inquiries_n": 1.0,
        },
        index=rows.index,
    )
    return _outcomes(
        frame, schema.rollup_service_firm_inq_monthly, schema.rollup_service_inq_firms_monthly
    )


# --- trained firms (recomputed, not additive) ------------------------------------------------
TRAINED = schema.rollup_service_trained_monthly
# feed -> its time column: the months a batch touches
TRAINED_TIME = {
    "declarations": "ts_declared",
    "inquiries": "received_at",
    "training_attendance": "attended_at",
}


def first_attendance() -> Subquery:
    """Each firm's first training attendance (enterprise_uscc, first_at)."""
    a = schema.training_attendance
    return (
        select(a.c.enterprise_uscc, func.min(a.c.attended_at).label("first_at"))
        .group_by(a.c.enterprise_uscc)
        .subquery("first_attendance")
    )


def _opaque(column: Any) -> Any:
    """The column wrapped so that SQLite does not pick this term for the index: the batch's
    months (an IN list or a lower bound) are the selective condition on the key."""
    return func.coalesce(column, column)


def _trained_parts(first: Subquery) -> tuple[Select[Any], Select[Any]]:
    """Per-firm monthly rows of trained firms (month after their first attendance)."""
    d, i = schema.rollup_service_firm_decl_monthly, schema.rollup_service_firm_inq_monthly
    zero = literal(0)
    decl = select(
        d.c.month,
        d.c.district_code,
        d.c.declared_n,
        d.c.returned_n,
        d.c.cross_n,
        zero.label("inquiries_n"),
    ).join(
        first,
        (d.c.enterprise_uscc == first.c.enterprise_uscc) & (_opaque(d.c.month) > first.c.first_at),
    )
    inq = select(
        i.c.month,
        i.c.district_code,
        zero.label("declared_n"),
        zero.label("returned_n"),
        zero.label("cross_n"),
        i.c.inquiries_n,
    ).join(
        first,
        (i.c.enterprise_uscc == first.c.enterprise_uscc) & (_opaque(i.c.month) > first.c.first_at),
    )
    return decl, inq


def refresh_trained(
    conn: Connection, feed: str | None = None, frames: list[pd.DataFrame] | None = None
) -> None:
    """Recompute the trained firms' monthly outcomes the rows of a batch can have changed.

    Args:
        conn: the batch's connection (inside its transaction).
        feed: the batch's feed; None recomputes every month (repair, or a new table).
        frames: the batch's new rows and the old versions they replaced.

    Declarations and inquiries change their own months; attendance changes every month
    after its earliest sign-in (the firms may now count as trained from then on).
    """
    if feed is not None and feed not in TRAINED_TIME:
        return
    month_col = TRAINED.c.month
    where = None
    if feed is not None:
        rows = pd.concat([f for f in frames or [] if not f.empty], ignore_index=True)
        if rows.empty or "enterprise_uscc" not in rows:
            return
        rows = rows[rows["enterprise_uscc"].fillna("") != ""]
        stamps = pd.to_datetime(rows[TRAINED_TIME[feed]]).dropna()
        if stamps.empty:
            return
        if feed == "training_attendance":
            where = lambda c: c > stamps.min().to_pydatetime()  # noqa: E731
        else:
            months = sorted({m.date() for m in stamps.dt.to_period("M").dt.start_time})
            where = lambda c: c.in_(months)  # noqa: E731
    first = first_attendance()
    decl, inq = _trained_parts(first)
    if where is not None:
        decl, inq = (
            decl.where(where(decl.selected_columns.month)),
            inq.where(where(inq.selected_columns.month)),
        )
    parts = union_all(decl, inq).subquery("parts")
    measures = [c.name for c in TRAINED.columns if not c.primary_key]
    summed = select(
        parts.c.month,
        parts.c.district_code,
        *(func.sum(parts.c[m]).label(m) for m in measures),
    ).group_by(parts.c.month, parts.c.district_code)
    conn.execute(delete(TRAINED).where(where(month_col)) if where is not None else delete(TRAINED))
    conn.execute(TRAINED.insert().from_select(["month", "district_code", *measures], summed))
