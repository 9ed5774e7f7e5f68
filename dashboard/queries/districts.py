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

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from dashboard import schema, stages
from dashboard.periods import month_cover
from dashboard.queries import Bind, Scope, read_ints, read_tuples, scoped
from dashboard.reference import load_reference


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


def _port_dims(stmt: Select[Any], table: Any, s: Slice, scope: Scope, *extra: str) -> Select[Any]:
    """`_dims` for a port-level rollup keyed (port, district, direction, month, ...): the
    district and the direction are always named (every district in scope, both
    directions), so that each (port, district, direction) is one range of months."""
    c = table.c
    if s.district is not None:
        districts = [s.district]
    else:
        districts = sorted(scope if scope is not None else load_reference().code_set("district"))
    stmt = stmt.where(c.declare_district.in_(districts), c.ie_flag.in_([s.ie] if s.ie else IE))
    return _dims(stmt, table, replace(s, district=None, ie=None), scope, *extra)


IE = ["E", "I"]


def _months(stmt: Select[Any], table: Any, s: Slice) -> Select[Any]:
    """The slice's months: a range of `month`, or of a graded cube (`schema.DISTRICT_GRAINS`)
    the fewest whole years, quarters and months that cover them exactly."""
    c = table.c
    if "grain" not in c:
        return stmt.where(c.month >= s.first, c.month <= s.last)
    segments = month_cover(s.first, s.last, schema.DISTRICT_GRAINS)
    return stmt.where(
        or_(
            *(
                and_(c.grain == g.grain, c.period.between(g.first, g.last))
                if g.first != g.last
                else and_(c.grain == g.grain, c.period == g.first)
                for g in segments
            )
        )
    )


def _cube(stmt: Select[Any], table: Any, s: Slice, scope: Scope) -> Select[Any]:
    """The rows of a district cube (`schema.DIST_ALL`) for the slice's district and direction:
    the "*" rows for every district and either direction, the caller's districts' rows
    (to be summed) when the caller may not see every district."""
    c = table.c
    if s.district is not None:
        stmt = scoped(stmt.where(c.declare_district == s.district), c.declare_district, scope)
    elif scope is None:
        stmt = stmt.where(c.declare_district == schema.DIST_ALL)
    else:
        stmt = scoped(stmt, c.declare_district, scope)
    return stmt.where(c.ie_flag == (s.ie or schema.DIST_ALL))


def totals(bind: Bind, s: Slice, scope: Scope) -> tuple[float, float, float]:
    """Declarations, value (USD) and inspections lodged in the period (district, port and
    direction filters)."""
    r = schema.rollup_decl_port_monthly
    stmt = _cube(
        _months(
            select(
                func.coalesce(func.sum(r.c.declared_n), 0),
                func.coalesce(func.sum(r.c.declared_value_usd), 0.0),
                func.coalesce(func.sum(r.c.inspected_n), 0),
            ),
            r,
            s,
        ),
        r,
        s,
        scope,
    )
    if s.port is not None:
        stmt = stmt.where(r.c.port_id == s.port)
    n, value, inspected = read_tuples(bind, stmt)[0]
    return float(n), float(value), float(inspected)


def port_totals(bind: Bind, s: Slice, scope: Scope) -> list[tuple[Any, ...]]:
    """Per port: declarations, value (USD) and inspections lodged in the period.

    Returns:
        Tuples (port_id, declared_n, declared_value_usd, inspected_n).
    """
    r = schema.rollup_decl_port_monthly
    stmt: Select[Any] = select(
        r.c.port_id,
        func.sum(r.c.declared_n),
        func.sum(r.c.declared_value_usd),
        func.sum(r.c.inspected_n),
    )
    stmt = _cube(_months(stmt, r, s), r, s, scope)
    if s.port is not None:
        stmt = stmt.where(r.c.port_id == s.port)
    return read_tuples(bind, stmt.group_by(r.c.port_id))


def stage_histogram(bind: Bind, s: Slice, scope: Scope) -> list[tuple[Any, ...]]:
    """Stage-duration bucket counts (the six waterfall stages) of declarations released in
    the period: the port-level rollup for a port, else the district cube.

    Returns:
        Tuples (stage, risk_lane, inspection_method, bucket, n).
    """
    if s.port is not None:
        r = schema.rollup_stage_monthly
        where = _port_dims
    else:
        r = schema.rollup_stage_district_monthly
        where = _cube_dims
    keys = (r.c.stage, r.c.risk_lane, r.c.inspection_method, r.c.bucket)
    stmt = _months(select(*keys, func.sum(r.c.n)), r, s).where(r.c.stage.in_(stages.STAGES))
    return read_tuples(bind, where(stmt, r, s, scope, "lane", "method").group_by(*keys))


def _cube_dims(stmt: Select[Any], table: Any, s: Slice, scope: Scope, *extra: str) -> Select[Any]:
    """`_cube` and the lane / method filters."""
    return _dims(
        _cube(stmt, table, s, scope), table, replace(s, district=None, ie=None), None, *extra
    )


def port_clearance(bind: Bind, s: Slice, scope: Scope) -> list[tuple[Any, ...]]:
    """Per port: bucket counts of arrival -> release time in the period.

    Returns:
        Tuples (port_id, bucket, n).
    """
    r = schema.rollup_port_clearance_monthly
    stmt: Select[Any] = select(r.c.port_id, r.c.bucket, func.sum(r.c.n))
    stmt = _cube(_months(stmt, r, s), r, s, scope)
    if s.port is not None:
        stmt = stmt.where(r.c.port_id == s.port)
    return read_tuples(bind, stmt.group_by(r.c.port_id, r.c.bucket))


def stage_buckets(bind: Bind, s: Slice, scope: Scope) -> np.ndarray:
    """Bucket counts of arrival -> release time over the whole selection (not by port).

    Returns:
        rows x [bucket, n] int64 array.
    """
    if s.port is not None:
        r = schema.rollup_stage_monthly
        where = _port_dims
    else:
        r = schema.rollup_stage_district_monthly
        where = _cube_dims
    stmt = _months(select(r.c.bucket, func.sum(r.c.n)), r, s).where(r.c.stage == "overall")
    return read_ints(bind, where(stmt, r, s, scope, "lane", "method").group_by(r.c.bucket))


def week_hours(bind: Bind, s: Slice, scope: Scope) -> np.ndarray:
    """Declarations by weekday (0 = Monday) and hour of day (Beijing time) in the period.

    Returns:
        rows x [weekday, hour_of_day, declared_n] int64 array.
    """
    if s.port is not None:
        r = schema.rollup_decl_weekhour_monthly
        where = _dims
    else:
        r = schema.rollup_weekhour_district_monthly
        where = _cube_dims
    keys = (r.c.weekday, r.c.hour_of_day)
    stmt = _months(select(*keys, func.sum(r.c.declared_n)), r, s)
    return read_ints(bind, where(stmt, r, s, scope).group_by(*keys))


def trade_mode_inspection(bind: Bind, s: Slice, scope: Scope) -> list[tuple[Any, ...]]:
    """Declarations and inspections by trade mode in the period (the port-level rollup for a
    port, else the district cube).

    Returns:
        Tuples (trade_mode, declared_n, inspected_n).
    """
    if s.port is not None:
        r = schema.rollup_decl_mode_monthly
        where = _dims
    else:
        r = schema.rollup_mode_district_monthly
        where = _cube_dims
    stmt = _months(
        select(r.c.trade_mode, func.sum(r.c.declared_n), func.sum(r.c.inspected_n)), r, s
    )
    return read_tuples(bind, where(stmt, r, s, scope).group_by(r.c.trade_mode))


def tier_inspection(bind: Bind, s: Slice, scope: Scope) -> list[tuple[Any, ...]]:
    """Declarations and inspections by the enterprise's current credit tier in the period
    (by declaring district, not port or direction); "" = not on the register.

    Returns:
        Tuples (credit_tier, declared_n, inspected_n).
    """
    r = schema.rollup_decl_tier_monthly
    stmt = _months(
        select(r.c.credit_tier, func.sum(r.c.declared_n), func.sum(r.c.inspected_n)), r, s
    )
    stmt = _dims(stmt, r, replace(s, port=None, ie=None), scope).group_by(r.c.credit_tier)
    return read_tuples(bind, stmt)


def queue_waits(bind: Bind, s: Slice, ports: list[str]) -> list[tuple[Any, ...]]:
    """Queue observations and their mean wait per port over the period, for the given
    ports (already scoped).

    Returns:
        Tuples (port_id, obs_n, mean wait minutes or None).
    """
    r = schema.rollup_queue_monthly
    obs = func.sum(r.c.obs_n)
    stmt = _months(
        select(r.c.port_id, obs, func.sum(r.c.wait_minutes_sum) / func.nullif(obs, 0)), r, s
    ).where(r.c.port_id.in_(ports))
    return read_tuples(bind, stmt.group_by(r.c.port_id))


def latest_month(bind: Bind) -> date | None:
    """The newest month with declarations (the page's default period ends there)."""
    r = schema.rollup_decl_weekhour_monthly
    value = read_tuples(bind, select(func.max(r.c.month)))[0][0]
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
