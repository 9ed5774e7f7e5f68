"""Declaration queries for the live view: counts by hour and day, clearance histograms
(by declaring district, or of one port), declarations in process, and today's flows
between districts.

Everything except the in-process count reads rollups. Declaration measures belong to the
declaring district (`declare_district`), so a district's figures are the business lodged
there, wherever the goods are released. The in-process count reads the raw table through
the partial index on unreleased declarations, which holds only the small unreleased set.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, literal, select

from dashboard import schema
from dashboard.queries import Bind, Scope, hour_keys, read_frame, scoped

COUNT_MEASURES = ("declared_n", "released_n", "live_n")
DAILY_MEASURES = ("declared_n", "inspected_n", "released_n", "live_n")


def hourly_counts(
    bind: Bind, windows: list[tuple[datetime, datetime]], scope: Scope
) -> pd.DataFrame:
    """Declarations lodged, released and live per hour and declaring district.

    Args:
        bind: Engine or Connection.
        windows: hour ranges `[start, end)` to read.
        scope: districts the caller may see (None for all).

    Returns:
        Columns hour, declare_district, declared_n, released_n, live_n.
    """
    r = schema.rollup_decl_hourly.c
    stmt = select(
        r.hour, r.declare_district, *(func.sum(r[m]).label(m) for m in COUNT_MEASURES)
    ).where(r.hour.in_(hour_keys(windows)))
    stmt = scoped(stmt, r.declare_district, scope).group_by(r.hour, r.declare_district)
    frame = read_frame(bind, stmt, ["hour", "declare_district", *COUNT_MEASURES])
    frame["hour"] = pd.to_datetime(frame["hour"])
    return frame


def daily_counts(bind: Bind, start: date, end: date, scope: Scope) -> pd.DataFrame:
    """Declarations lodged, inspected, released and live per day and declaring district.

    Args:
        bind: Engine or Connection.
        start: first day (inclusive).
        end: last day (inclusive).
        scope: districts the caller may see (None for all).

    Returns:
        Columns day, declare_district, declared_n, inspected_n, released_n, live_n.
    """
    r = schema.rollup_decl_daily.c
    stmt = select(
        r.day, r.declare_district, *(func.sum(r[m]).label(m) for m in DAILY_MEASURES)
    ).where(r.day >= start, r.day <= end)
    stmt = scoped(stmt, r.declare_district, scope).group_by(r.day, r.declare_district)
    frame = read_frame(bind, stmt, ["day", "declare_district", *DAILY_MEASURES])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def clearance_histogram(
    bind: Bind, days: list[date], scope: Scope, *, by_district: bool = True
) -> pd.DataFrame:
    """Overall clearance-time histogram of the declarations released on each of `days`.

    Args:
        bind: Engine or Connection.
        days: release days to read.
        scope: districts the caller may see (None for all).
        by_district: keep one histogram per declaring district (else one per day, and
            declare_district is empty).

    Returns:
        Columns day, declare_district, bucket, overall_n (see dashboard.histogram).
    """
    h = schema.rollup_clearance_hist.c
    district = h.declare_district if by_district else literal("").label("declare_district")
    stmt = select(h.day, district, h.bucket, func.sum(h.overall_n).label("overall_n")).where(
        h.day.in_(days)
    )
    keys = [h.day, h.declare_district, h.bucket] if by_district else [h.day, h.bucket]
    stmt = scoped(stmt, h.declare_district, scope).group_by(*keys)
    frame = read_frame(bind, stmt, ["day", "declare_district", "bucket", "overall_n"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def port_clearance_histogram(
    bind: Bind, port_id: str, first: date, last: date, scope: Scope
) -> pd.DataFrame:
    """Overall clearance-time histogram of the declarations released at one port, per day.

    Reads `rollup_clearance_hist` (keyed by release day first: the days `[first, last]`
    are one range of its key), summed over declaring districts, directions and risk lanes.

    Args:
        bind: Engine or Connection.
        port_id: the port the goods were released at.
        first: first release day (inclusive).
        last: last release day (inclusive).
        scope: districts the caller may see (None for all), applied to the declaring
            district like every declaration measure.

    Returns:
        Columns day, bucket, overall_n (see dashboard.histogram); days without releases
        have no rows.
    """
    h = schema.rollup_clearance_hist.c
    stmt = select(h.day, h.bucket, func.sum(h.overall_n).label("overall_n")).where(
        h.day >= first, h.day <= last, h.port_id == port_id, h.overall_n > 0
    )
    stmt = scoped(stmt, h.declare_district, scope).group_by(h.day, h.bucket)
    frame = read_frame(bind, stmt, ["day", "bucket", "overall_n"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def in_process(bind: Bind, scope: Scope) -> pd.DataFrame:
    """Declarations lodged and neither released nor ended, per declaring district.

    Args:
        bind: Engine or Connection.
        scope: districts the caller may see (None for all).

    Returns:
        Columns declare_district, in_process.
    """
    d = schema.declarations.c
    stmt = select(d.declare_district, func.count().label("in_process")).where(schema.IN_PROCESS)
    stmt = scoped(stmt, d.declare_district, scope).group_by(d.declare_district)
    return read_frame(bind, stmt, ["declare_district", "in_process"])


def district_flows(bind: Bind, day: date, scope: Scope) -> pd.DataFrame:
    """Declarations lodged on `day` per declaring district and port district.

    Args:
        bind: Engine or Connection.
        day: the day (normally today).
        scope: districts the caller may see (None for all); both ends of a flow must be
            in it (a flow names the port district).

    Returns:
        Columns declare_district, port_district, declared_n, declared_value_usd.
    """
    r = schema.rollup_decl_daily.c
    p = schema.ports.c
    stmt = (
        select(
            r.declare_district,
            p.district_code.label("port_district"),
            func.sum(r.declared_n).label("declared_n"),
            func.sum(r.declared_value_usd).label("declared_value_usd"),
        )
        .join_from(schema.rollup_decl_daily, schema.ports, p.port_id == r.port_id)
        .where(r.day == day)
    )
    both = scoped(scoped(stmt, r.declare_district, scope), p.district_code, scope)
    columns = ["declare_district", "port_district", "declared_n", "declared_value_usd"]
    return read_frame(bind, both.group_by(r.declare_district, p.district_code), columns)
