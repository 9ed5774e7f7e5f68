"""Enterprise Service queries: inquiries, first-contact resolution, Q&A, training, escalations.

Charts read the service rollups (`rollup_service_weekly` and its district-channel sibling
`rollup_service_weekly_channel`, `rollup_service_unit_monthly`, `rollup_service_topic_monthly`,
`rollup_service_hist_monthly`, `rollup_training_monthly`, `rollup_enterprise_yearly` (with
an index probe of `training_attendance` per declaring firm for training coverage), and
for trained against untrained firms the per-firm monthly outcome rollups joined to each
firm's first `training_attendance` row);
only the escalation list reads raw inquiry rows (newest first, LIMIT, on the received-time
index). Every function takes the caller's `scope` and applies it in SQL (an unscoped caller
reads the region-wide "*" rows where a table has them); `channel` narrows
to one channel (None: all). Ranges are half-open `[start, end)` on the rollup's time key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, Subquery, case, func, select, true

from dashboard import schema
from dashboard.queries import Bind, Scope, in_scope, read_frame, read_tuples

W = schema.rollup_service_weekly
WC = schema.rollup_service_weekly_channel
U = schema.rollup_service_unit_monthly
M = schema.rollup_service_topic_monthly
H = schema.rollup_service_hist_monthly
T = schema.rollup_training_monthly
E = schema.rollup_enterprise_yearly
WEEKLY_DIMENSIONS = ("channel", "category", "topic", "district_code")
WEEKLY_MEASURES = (
    "received_n",
    "first_contact_n",
    "published_n",
    "escalated_n",
    "responded_n",
    "response_met_n",
    "resolved_n",
    "resolve_met_n",
)


def _districts(column: ColumnElement[str], scope: Scope, region: bool) -> ColumnElement[bool]:
    """Scope condition; on tables with region-wide rows, an unscoped caller reads those."""
    if scope is None and region:
        return column == schema.SERVICE_REGION
    return in_scope(column, scope)


def _channel(column: ColumnElement[str], channel: str | None) -> ColumnElement[bool]:
    return true() if channel is None else column == channel


def _weekly(
    keys: list[str],
    start: date,
    end: date,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...],
) -> Select[tuple[object, ...]]:
    """Sums of `measures` by `keys`, from the district-channel table when it has the keys."""
    table = WC if set(keys) <= {"week", "district_code", "channel"} else W
    cols = [table.c[k] for k in keys]
    if not set(measures) <= set(WEEKLY_MEASURES):
        raise ValueError(f"unknown measures {measures!r}")
    return (
        select(*cols, *(func.sum(table.c[m]).label(m) for m in measures))
        .where(table.c.week >= start, table.c.week < end)
        .where(_districts(table.c.district_code, scope, table is W))
        .where(_channel(table.c.channel, channel))
        .group_by(*cols)
    )


def weekly_by(
    bind: Bind,
    dimension: str,
    start: date,
    end: date,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...] = WEEKLY_MEASURES,
) -> pd.DataFrame:
    """Weekly sums of service measures by one dimension.

    Args:
        dimension: one of `WEEKLY_DIMENSIONS`.
        start, end: weeks (Mondays) `[start, end)`.
        measures: which of `WEEKLY_MEASURES` to sum (fewer sums, less time).

    Returns:
        Columns week, <dimension>, and the `measures`.
    """
    if dimension not in WEEKLY_DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    stmt = _weekly(["week", dimension], start, end, scope, channel, measures)
    frame = read_frame(bind, stmt.order_by("week"), ["week", dimension, *measures])
    frame["week"] = pd.to_datetime(frame["week"])
    return frame


def totals_by(
    bind: Bind,
    dimension: str,
    start: date,
    end: date,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...] = WEEKLY_MEASURES,
) -> pd.DataFrame:
    """Sums of service measures over the range by one dimension (no time axis)."""
    if dimension not in WEEKLY_DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    stmt = _weekly([dimension], start, end, scope, channel, measures)
    return read_frame(bind, stmt, [dimension, *measures])


def topic_history(bind: Bind, scope: Scope, channel: str | None) -> pd.DataFrame:
    """Inquiries and published answers per topic and month over all history (repeat questions).

    Returns:
        Columns month, topic, received_n, published_n.
    """
    stmt = (
        select(
            M.c.month,
            M.c.topic,
            func.sum(M.c.received_n).label("received_n"),
            func.sum(M.c.published_n).label("published_n"),
        )
        .where(_districts(M.c.district_code, scope, True), _channel(M.c.channel, channel))
        .group_by(M.c.month, M.c.topic)
        .order_by(M.c.month)
    )
    frame = read_frame(bind, stmt, ["month", "topic", "received_n", "published_n"])
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def units(bind: Bind, start: date, end: date, scope: Scope, channel: str | None) -> pd.DataFrame:
    """Inquiries and first-contact solutions per first-contact unit (months `[start, end)`).

    Returns:
        Columns district_code, first_contact_unit, received_n, first_contact_n.
    """
    stmt = (
        select(
            U.c.district_code,
            U.c.first_contact_unit,
            func.sum(U.c.received_n).label("received_n"),
            func.sum(U.c.first_contact_n).label("first_contact_n"),
        )
        .where(U.c.month >= start, U.c.month < end)
        .where(in_scope(U.c.district_code, scope), _channel(U.c.channel, channel))
        .group_by(U.c.district_code, U.c.first_contact_unit)
    )
    cols = ["district_code", "first_contact_unit", "received_n", "first_contact_n"]
    return read_frame(bind, stmt, cols)


def time_histogram(
    bind: Bind, start: date, end: date, scope: Scope, channel: str | None
) -> pd.DataFrame:
    """Response and resolution time histogram counts per channel (months `[start, end)`).

    Returns:
        Columns channel, bucket, response_n, resolve_n.
    """
    stmt = (
        select(
            H.c.channel,
            H.c.bucket,
            func.sum(H.c.response_n).label("response_n"),
            func.sum(H.c.resolve_n).label("resolve_n"),
        )
        .where(H.c.month >= start, H.c.month < end)
        .where(_districts(H.c.district_code, scope, True), _channel(H.c.channel, channel))
        .group_by(H.c.channel, H.c.bucket)
    )
    return read_frame(bind, stmt, ["channel", "bucket", "response_n", "resolve_n"])


def trainings(bind: Bind, start: date, end: date, scope: Scope) -> pd.DataFrame:
    """Training sessions and enterprises trained per month, district and type.

    Returns:
        Columns month, district_code, type, sessions_n, enterprises_sum, participants_sum.
    """
    stmt = (
        select(
            T.c.month,
            T.c.district_code,
            T.c.type,
            func.sum(T.c.sessions_n).label("sessions_n"),
            func.sum(T.c.enterprises_sum).label("enterprises_sum"),
            func.sum(T.c.participants_sum).label("participants_sum"),
        )
        .where(T.c.month >= start, T.c.month < end, in_scope(T.c.district_code, scope))
        .group_by(T.c.month, T.c.district_code, T.c.type)
        .order_by(T.c.month)
    )
    cols = ["month", "district_code", "type", "sessions_n", "enterprises_sum", "participants_sum"]
    frame = read_frame(bind, stmt, cols)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def declarants(bind: Bind, year: date, trained_before: datetime, scope: Scope) -> pd.DataFrame:
    """Enterprises declaring per district in one calendar year: how many, how many of them
    had been trained, and their declaration outcomes.

    A firm counts once per district (the rollup's key is year, district, firm) however many
    trainings it attended; it counts as trained when it has any `training_attendance` row
    (a training held by any district) before `trained_before`. The attending firms are read
    once (PostgreSQL hashes them; SQLite builds a temporary index) rather than probed per
    declaring firm, which was four times slower on PostgreSQL at 10 M declarations.

    Args:
        year: the year as a 1 January date.
        trained_before: the attendance cut-off (the end of the page's period).

    Returns:
        Columns declare_district, enterprises_n (firms that declared there), trained_n (of
        those, firms trained before `trained_before`), declared_n, returned_n, cross_n.
    """
    a = schema.training_attendance
    attended = select(a.c.enterprise_uscc).where(a.c.attended_at < trained_before)
    trained = E.c.enterprise_uscc.in_(attended.scalar_subquery())
    stmt = (
        select(
            E.c.declare_district,
            func.count().label("enterprises_n"),
            func.count(case((trained, 1))).label("trained_n"),
            func.sum(E.c.declared_n).label("declared_n"),
            func.sum(E.c.returned_n).label("returned_n"),
            func.sum(E.c.cross_n).label("cross_n"),
        )
        .where(E.c.year == year, E.c.enterprise_uscc != "", E.c.declared_n > 0)
        .where(in_scope(E.c.declare_district, scope))
        .group_by(E.c.declare_district)
    )
    cols = ["declare_district", "enterprises_n", "trained_n", "declared_n", "returned_n", "cross_n"]
    return read_frame(bind, stmt, cols)


def outcomes(bind: Bind, start: date, end: date, scope: Scope) -> pd.DataFrame:
    """Outcomes of all firms and of trained firms over months `[start, end)`.

    A firm counts as trained in a month when its first attended training (the earliest
    `training_attendance.attended_at`, at any district) is before the month begins; its
    declarations and inquiries of that month then count as trained (the trained part is
    kept per month and district in `rollup_service_trained_monthly`). Districts: the
    declaring district for declarations, the district asked for inquiries.

    Returns:
        One row per group ("all", "trained"): group, declared_n, returned_n, cross_n,
        inquiries_n, firms_n (firms trained before the last month of the range; NaN for
        "all").
    """
    tr = schema.rollup_service_trained_monthly
    dt, it = schema.rollup_service_decl_firms_monthly, schema.rollup_service_inq_firms_monthly
    cols = ["declared_n", "returned_n", "cross_n"]

    def sums(table: Any, names: list[str], prefix: str) -> Subquery:
        return (
            select(*(func.sum(table.c[n]).label(f"{prefix}{n}") for n in names))
            .where(table.c.month >= start, table.c.month < end)
            .where(in_scope(table.c.district_code, scope))
            .subquery()
        )

    a = schema.training_attendance
    last_month = date(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1)
    firms = (
        select(func.count(func.distinct(a.c.enterprise_uscc)).label("firms_n"))
        .where(a.c.attended_at < datetime.combine(last_month, datetime.min.time()))
        .subquery()
    )
    parts = [
        sums(dt, cols, "all_"),
        sums(it, ["inquiries_n"], "all_"),
        sums(tr, [*cols, "inquiries_n"], "tr_"),
        firms,
    ]
    # one statement (four one-row subqueries side by side): one round trip on PostgreSQL
    joined = parts[0]
    for part in parts[1:]:  # one-row subqueries side by side ("ON true": no cartesian warning)
        joined = joined.join(part, true())  # type: ignore[assignment]
    stmt = select(*parts).select_from(joined)
    ((*all_decl, all_inq, d0, d1, d2, t_inq, firms_n),) = read_tuples(bind, stmt)
    trained = (d0, d1, d2, t_inq)
    frame = pd.DataFrame(
        [
            ["all", *all_decl, all_inq, None],
            ["trained", *trained, firms_n],
        ],
        columns=["group", *cols, "inquiries_n", "firms_n"],
    )
    num = [*cols, "inquiries_n"]
    frame[num] = frame[num].apply(pd.to_numeric).fillna(0.0)
    frame["firms_n"] = pd.to_numeric(frame["firms_n"])
    return frame


def escalations(
    bind: Bind, start: datetime, end: datetime, scope: Scope, channel: str | None, limit: int
) -> pd.DataFrame:
    """The newest inquiries escalated to incidents, received in `[start, end)`.

    Returns:
        Columns inquiry_id, received_at, district_code, channel, category, topic,
        escalated_incident_id; newest first, at most `limit` rows.
    """
    q = schema.inquiries
    cols = [
        q.c.inquiry_id,
        q.c.received_at,
        q.c.district_code,
        q.c.channel,
        q.c.category,
        q.c.topic,
        q.c.escalated_incident_id,
    ]
    stmt = (
        select(*cols)
        .where(q.c.received_at >= start, q.c.received_at < end)
        .where(schema.ESCALATED, q.c.escalated_incident_id != "")
        .where(in_scope(q.c.district_code, scope), _channel(q.c.channel, channel))
        .order_by(q.c.received_at.desc(), q.c.inquiry_id.desc())
        .limit(limit)
    )
    return read_frame(bind, stmt, [c.name for c in cols])
