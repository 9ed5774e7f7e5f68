"""Raw declaration reads for the District Analysis table, detail and export.

Keyset pagination, never OFFSET: rows are ordered by (ts_declared, entry_id), newest first
by default, and the next page starts strictly after the last row of the current one. A page
costs the same at any depth because the database seeks straight to the cursor through an
index whose leading columns are the filter and the sort key: (declare_district,
ts_declared, entry_id) for a district, (port_id, ts_declared[, entry_id]) for a port,
(ts_declared, entry_id) otherwise. The order is total (entry_id is the key), so no row
repeats or goes missing across pages while new rows arrive: new declarations sort before
the first page (newest first) or after rows already read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, extract, func, or_, select

from dashboard import schema
from dashboard.queries import Bind, Scope, connect, in_scope, read_frame
from dashboard.queries.districts import Slice

d = schema.declarations.c
TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "entry_id",
    "ts_declared",
    "ie_flag",
    "declare_district",
    "port_id",
    "trade_mode",
    "hs_chapter",
    "risk_lane",
    "inspection_method",
    "status",
    "value_usd",
    "overall_h",
    "enterprise_uscc",
)
Cursor = tuple[str, str]  # (ts_declared as "YYYY-MM-DD HH:MM:SS", entry_id)


@dataclass(frozen=True)
class RowFilter:
    """The table's filters: a `Slice` plus the weekday/hour cell of the heatmap."""

    slice: Slice
    weekday: int | None = None  # 0 = Monday
    hour: int | None = None


def _weekday(bind: Bind) -> ColumnElement[Any]:
    """Weekday of ts_declared, 0 = Monday, in the database's own dialect."""
    if bind.dialect.name == "sqlite":
        return (func.cast(func.strftime("%w", d.ts_declared), schema.Integer) + 6) % 7
    return func.cast(extract("isodow", d.ts_declared), schema.Integer) - 1


def _hour(bind: Bind) -> ColumnElement[Any]:
    if bind.dialect.name == "sqlite":
        return func.cast(func.strftime("%H", d.ts_declared), schema.Integer)
    return func.cast(extract("hour", d.ts_declared), schema.Integer)


def period_bounds(f: RowFilter) -> tuple[datetime, datetime]:
    """[start, end) of the filter's months as timestamps."""
    start = datetime.combine(f.slice.first, datetime.min.time())
    return start, datetime.combine(f.slice.end_day, datetime.min.time()) + timedelta(days=1)


def where(
    bind: Bind,
    f: RowFilter,
    scope: Scope,
    *,
    after: Cursor | None = None,
    newest_first: bool = True,
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the filtered rows (scope first, then each filter), and of the
    rows after `after` in page order.

    A cursor inside the period replaces the period's bound on its side: SQLite uses one
    upper (or lower) bound of ts_declared to seek, and if it took the period's end instead
    of the cursor it would walk over every earlier page (page 200 cost 10x page 1).
    """
    s = f.slice
    start, end = period_bounds(f)
    conds: list[ColumnElement[bool]] = [in_scope(d.declare_district, scope)]
    at = datetime.fromisoformat(after[0]) if after is not None else None
    if at is None or newest_first or at < start:
        conds.append(d.ts_declared >= start)
    if at is None or not newest_first or at >= end:
        conds.append(d.ts_declared < end)
    conds += _after(after, newest_first)
    if s.district is not None:
        conds.append(d.declare_district == s.district)
    if s.port is not None:
        conds.append(d.port_id == s.port)
    if s.ie is not None:
        conds.append(d.ie_flag == s.ie)
    if s.lane is not None:
        conds.append(d.risk_lane == s.lane)
    if s.method is not None:
        conds.append(
            d.inspection_method.is_(None) if s.method == "NONE" else d.inspection_method == s.method
        )
    if s.trade_mode is not None:
        conds.append(d.trade_mode == s.trade_mode)
    if s.tier is not None:
        e = schema.enterprises.c
        tiered = select(e.enterprise_uscc).where(e.credit_tier == s.tier)
        conds.append(d.enterprise_uscc.in_(tiered.scalar_subquery()))
    if f.weekday is not None:
        conds.append(_weekday(bind) == f.weekday)
    if f.hour is not None:
        conds.append(_hour(bind) == f.hour)
    return conds


def _after(cursor: Cursor | None, newest_first: bool) -> list[ColumnElement[bool]]:
    if cursor is None:
        return []
    ts = datetime.fromisoformat(cursor[0])
    if newest_first:
        return [d.ts_declared <= ts, or_(d.ts_declared < ts, d.entry_id < cursor[1])]
    return [d.ts_declared >= ts, or_(d.ts_declared > ts, d.entry_id > cursor[1])]


def _select(
    bind: Bind,
    f: RowFilter,
    scope: Scope,
    columns: tuple[str, ...],
    after: Cursor | None = None,
    newest_first: bool = True,
) -> Select[Any]:
    conds = where(bind, f, scope, after=after, newest_first=newest_first)
    return select(*(d[c] for c in columns)).where(and_(*conds))


def page(
    bind: Bind,
    f: RowFilter,
    scope: Scope,
    *,
    after: Cursor | None = None,
    newest_first: bool = True,
    limit: int = 50,
    columns: tuple[str, ...] = TABLE_COLUMNS,
) -> pd.DataFrame:
    """One keyset page of filtered declarations.

    Args:
        bind: Engine or Connection.
        f: the filters.
        scope: districts the caller may see (None for all).
        after: the (ts_declared, entry_id) of the last row of the previous page, or None.
        newest_first: sort direction of (ts_declared, entry_id).
        limit: rows per page.
        columns: columns to return (must include ts_declared and entry_id).

    Returns:
        Up to `limit` rows in page order, with the given columns.
    """
    order = (
        (d.ts_declared.desc(), d.entry_id.desc())
        if newest_first
        else (
            d.ts_declared.asc(),
            d.entry_id.asc(),
        )
    )
    stmt = _select(bind, f, scope, columns, after, newest_first)
    frame = read_frame(bind, stmt.order_by(*order).limit(limit), list(columns))
    if "ts_declared" in frame:
        frame["ts_declared"] = pd.to_datetime(frame["ts_declared"])
    return frame


def cursor_of(frame: pd.DataFrame) -> Cursor | None:
    """The cursor after the last row of a page (None for an empty page)."""
    if frame.empty:
        return None
    last = frame.iloc[-1]
    return (pd.Timestamp(last["ts_declared"]).strftime("%Y-%m-%d %H:%M:%S"), str(last["entry_id"]))


def stream(
    bind: Bind, f: RowFilter, scope: Scope, columns: tuple[str, ...], *, chunk: int = 5000
) -> Iterator[tuple[Any, ...]]:
    """Every filtered row, newest first, read in keyset chunks (bounded memory).

    Each chunk is its own short statement, so no transaction or cursor stays open while the
    client reads a long download.
    """
    after: Cursor | None = None
    while True:
        frame = page(bind, f, scope, after=after, limit=chunk, columns=columns)
        if frame.empty:
            return
        yield from frame.itertuples(index=False, name=None)
        if len(frame) < chunk:
            return
        after = cursor_of(frame)


def count_capped(bind: Bind, f: RowFilter, scope: Scope, cap: int) -> int:
    """The number of filtered rows, counting at most `cap + 1` (enough to know "too many")."""
    inner = _select(bind, f, scope, ("entry_id",)).limit(cap + 1).subquery()
    with connect(bind) as conn:
        return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())


def detail(bind: Bind, entry_id: str, scope: Scope) -> dict[str, Any] | None:
    """The full record of one declaration the caller may see (None if absent/out of scope)."""
    stmt = select(schema.declarations).where(
        d.entry_id == entry_id, in_scope(d.declare_district, scope)
    )
    with connect(bind) as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None
