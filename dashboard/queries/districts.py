"""District Analysis queries: rollup reads for the page's charts.

Every function takes the caller's scope (applied in SQL on the declaring district) and a
`Slice`: the period in months and the dimension filters the rollup carries. Declaration
measures belong to the declaring district (`declare_district`); ports are the ports the
goods went through (`port_id`). Nothing here reads the raw declarations table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, func, select

from dashboard import schema, stages
from dashboard.queries import Bind, Scope, read_frame, scoped


@dataclass(frozen=True)
class Slice:
    """Rows to aggregate: months [first, last] and optional dimension filters (None = any)."""

    first: date  # first day of the first month
    last: date  # first day of the last month
    district: str | None = None
    port: str | None = None
    ie: str | None = None
    lane: str | None = None
    method: str | None = None
    trade_mode: str | None = None
    tier: str | None = None

    @property
    def end_day(self) -> date:
        """The last day of the last month."""
        nxt = date(self.last.year + self.last.month // 12, self.last.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)


def _dims(stmt: Select[Any], table: Any, s: Slice, scope: Scope, *extra: str) -> Select[Any]:
    c = table.c
    stmt = scoped(stmt, c.declare_district, scope)
    conds: list[ColumnElement[bool]] = []
    if s.district is not None:
        conds.append(c.declare_district == s.district)
    if s.port is not None:
        conds.append(c.port_id == s.port)
    if s.ie is not None:
        conds.append(c.ie_flag == s.ie)
    for name in extra:
        value = getattr(s, name)
        col = {"lane": "risk_lane", "method": "inspection_method"}.get(name, name)
        if value is not None:
            conds.append(c[col] == ("" if value == "NONE" else value))
    return stmt.where(*conds) if conds else stmt


def _months(stmt: Select[Any], table: Any, s: Slice) -> Select[Any]:
    return stmt.where(table.c.month >= s.first, table.c.month <= s.last)


def port_totals(bind: Bind, s: Slice, scope: Scope) -> pd.DataFrame:
    """Per port: declarations, value (USD) and inspections lodged in the period.

    Returns:
        Columns port_id, declared_n, declared_value_usd, inspected_n.
    """
    r = schema.rollup_decl_daily
    stmt = select(
        r.c.port_id,
        func.sum(r.c.declared_n).label("declared_n"),
        func.sum(r.c.declared_value_usd).label("declared_value_usd"),
        func.sum(r.c.inspected_n).label("inspected_n"),
    ).where(r.c.day >= s.first, r.c.day <= s.end_day)
    stmt = _dims(stmt, r, s, scope).group_by(r.c.port_id)
    return read_frame(bind, stmt, ["port_id", "declared_n", "declared_value_usd", "inspected_n"])


def _stage_rollup(s: Slice) -> Any:
    """The port-level stage rollup for a port filter, else the 4x smaller district one."""
    return schema.rollup_stage_monthly if s.port else schema.rollup_stage_district_monthly


def stage_histogram(bind: Bind, s: Slice, scope: Scope) -> pd.DataFrame:
    """Stage-duration bucket counts (the six waterfall stages) of declarations released in
    the period.

    Returns:
        Columns stage, risk_lane, inspection_method, bucket, n.
    """
    r = _stage_rollup(s)
    keys = (r.c.stage, r.c.risk_lane, r.c.inspection_method, r.c.bucket)
    # naming the stages lets SQLite seek the covering (stage, month, ...) index per stage
    stmt = _months(select(*keys, func.sum(r.c.n).label("n")), r, s).where(
        r.c.stage.in_(stages.STAGES)
    )
    stmt = _dims(stmt, r, s, scope, "lane", "method").group_by(*keys)
    return read_frame(bind, stmt, ["stage", "risk_lane", "inspection_method", "bucket", "n"])


def port_clearance(bind: Bind, s: Slice, scope: Scope, stage: str = "overall") -> pd.DataFrame:
    """Per port: bucket counts of one stage (default: arrival -> release) in the period.

    Returns:
        Columns port_id, bucket, n.
    """
    r = schema.rollup_stage_monthly
    stmt = _months(select(r.c.port_id, r.c.bucket, func.sum(r.c.n).label("n")), r, s).where(
        r.c.stage == stage
    )
    stmt = _dims(stmt, r, s, scope, "lane", "method").group_by(r.c.port_id, r.c.bucket)
    return read_frame(bind, stmt, ["port_id", "bucket", "n"])


def stage_buckets(bind: Bind, s: Slice, scope: Scope, stage: str = "overall") -> pd.DataFrame:
    """Bucket counts of one stage over the whole selection (not split by port).

    Returns:
        Columns bucket, n.
    """
    r = _stage_rollup(s)
    stmt = _months(select(r.c.bucket, func.sum(r.c.n).label("n")), r, s).where(r.c.stage == stage)
    stmt = _dims(stmt, r, s, scope, "lane", "method").group_by(r.c.bucket)
    return read_frame(bind, stmt, ["bucket", "n"])


def week_hours(bind: Bind, s: Slice, scope: Scope) -> pd.DataFrame:
    """Declarations by weekday (0 = Monday) and hour of day (Beijing time) in the period.

    Returns:
        Columns weekday, hour_of_day, declared_n.
    """
    r = schema.rollup_decl_weekhour_monthly
    keys = (r.c.weekday, r.c.hour_of_day)
    stmt = _months(select(*keys, func.sum(r.c.declared_n).label("declared_n")), r, s)
    stmt = _dims(stmt, r, s, scope).group_by(*keys)
    return read_frame(bind, stmt, ["weekday", "hour_of_day", "declared_n"])


def trade_mode_inspection(bind: Bind, s: Slice, scope: Scope) -> pd.DataFrame:
    """Declarations and inspections by trade mode in the period.

    Returns:
        Columns trade_mode, declared_n, inspected_n.
    """
    r = schema.rollup_decl_mode_monthly
    stmt = _months(
        select(
            r.c.trade_mode,
            func.sum(r.c.declared_n).label("declared_n"),
            func.sum(r.c.inspected_n).label("inspected_n"),
        ),
        r,
        s,
    )
    stmt = _dims(stmt, r, s, scope).group_by(r.c.trade_mode)
    return read_frame(bind, stmt, ["trade_mode", "declared_n", "inspected_n"])


def tier_inspection(bind: Bind, s: Slice, scope: Scope) -> pd.DataFrame:
    """Declarations and inspections by the enterprise's current credit tier in the period.

    A join of the per-enterprise monthly rollup (by declaring district, not port or
    direction) with `enterprises`; an enterprise missing from the register counts as "".

    Returns:
        Columns credit_tier, declared_n, inspected_n.
    """
    r = schema.rollup_decl_enterprise_monthly
    e = schema.enterprises
    per_firm = _months(
        select(
            r.c.enterprise_uscc,
            func.sum(r.c.declared_n).label("declared_n"),
            func.sum(r.c.inspected_n).label("inspected_n"),
        ),
        r,
        s,
    )
    per_firm = _dims(per_firm, r, replace(s, port=None, ie=None), scope)
    firms = per_firm.group_by(r.c.enterprise_uscc).subquery()
    tier = func.coalesce(e.c.credit_tier, "").label("credit_tier")
    stmt = (
        select(
            tier,
            func.sum(firms.c.declared_n).label("declared_n"),
            func.sum(firms.c.inspected_n).label("inspected_n"),
        )
        .select_from(firms.outerjoin(e, e.c.enterprise_uscc == firms.c.enterprise_uscc))
        .group_by(tier)
    )
    return read_frame(bind, stmt, ["credit_tier", "declared_n", "inspected_n"])


def queue_waits(bind: Bind, s: Slice, ports: list[str]) -> pd.DataFrame:
    """Mean queue wait per port over the period, for the given ports (already scoped).

    Returns:
        Columns port_id, obs_n, wait_minutes_sum.
    """
    r = schema.rollup_queue_monthly
    stmt = _months(
        select(
            r.c.port_id,
            func.sum(r.c.obs_n).label("obs_n"),
            func.sum(r.c.wait_minutes_sum).label("wait_minutes_sum"),
        ),
        r,
        s,
    ).where(r.c.port_id.in_(ports))
    return read_frame(bind, stmt.group_by(r.c.port_id), ["port_id", "obs_n", "wait_minutes_sum"])


def latest_month(bind: Bind) -> date | None:
    """The newest month with declarations (the page's default period ends there)."""
    r = schema.rollup_decl_weekhour_monthly
    frame = read_frame(bind, select(func.max(r.c.month).label("m")), ["m"])
    value = frame["m"].iloc[0] if len(frame) else None
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()
