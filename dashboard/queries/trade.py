"""Trade Trends queries: released value, clearance-time histograms, composition and
district-to-district flows, all from the multi-grain trade rollups (`schema.rollup_trade*`).

Every function takes the periods to read as `Segment`s (from `dashboard.periods`), the
caller's scope, the districts chosen on the page (None: every district in scope) and the
direction ("I", "E" or None for both). Figures belong to the declaring district; a flow
between two districts is shown only when both ends are in the caller's scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from dashboard import schema
from dashboard.periods import Segment
from dashboard.queries import Bind, Scope, read_frame, read_ints, read_tuples, scoped
from dashboard.reference import load_reference
from dashboard.rollups_trade import districts_key

Districts = tuple[str, ...] | None


def _periods(table: Table, segments: Sequence[Segment]) -> ColumnElement[bool]:
    c = table.c
    if not segments:
        return false()
    return or_(
        *(
            and_(c.grain == s.grain, c.period.between(s.first, s.last))
            if s.first != s.last
            else and_(c.grain == s.grain, c.period == s.first)
            for s in segments
        )
    )


def _filtered(
    stmt: Select[Any],
    table: Table,
    segments: Sequence[Segment],
    scope: Scope,
    districts: Districts,
    direction: str | None,
) -> Select[Any]:
    c = table.c
    stmt = stmt.where(_periods(table, segments))
    if scope is None and districts is None and table is schema.rollup_trade_hist:
        stmt = stmt.where(c.declare_district == schema.ALL_DISTRICTS)  # the region, summed
    elif scope is None and districts is None:
        # every district, named: the key leads with the district, so PostgreSQL reads the
        # periods through the index (one range per district) instead of the whole table
        every = sorted(load_reference().code_set("district"))
        stmt = stmt.where(c.declare_district.in_(every))
    else:
        stmt = scoped(stmt, c.declare_district, scope)
        if districts is not None:
            stmt = stmt.where(c.declare_district.in_(list(districts)))
    if direction is not None:
        stmt = stmt.where(c.ie_flag == direction)
    return stmt


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    if "period" in frame:
        frame["period"] = pd.to_datetime(frame["period"])
    return frame


class EpochDay(FunctionElement[int]):
    """Days since 1970-01-01 of a date column, as an integer, in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(EpochDay, "sqlite")
def _epoch_day_sqlite(element: EpochDay, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(EpochDay, "postgresql")
def _epoch_day_pg(element: EpochDay, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


def epoch_day(day: date) -> int:
    """`EpochDay` of a Python date."""
    return (day - date(1970, 1, 1)).days


def _label(table: Table, segments: Sequence[tuple[Segment, date | None]]) -> ColumnElement[Any]:
    """The series period of each row as days since 1970: its segment's label, else its own
    period."""
    labelled = [(seg, lab) for seg, lab in segments if lab is not None]
    own = EpochDay(table.c.period)
    if not labelled:
        return own
    labels = {lab for _seg, lab in labelled}
    if len(labelled) == len(segments) and len(labels) == 1:  # one group: no CASE needed
        return literal(epoch_day(labels.pop()))
    return case(
        *((_periods(table, [seg]), literal(epoch_day(lab))) for seg, lab in labelled), else_=own
    )


def trade_sums(
    bind: Bind,
    segments: Sequence[tuple[Segment, date | None]],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
    *,
    ports: bool = False,
) -> list[tuple[Any, ...]]:
    """Released declarations and value per series period, declaring district (and port
    district when `ports`) and direction, summed by the database.

    Args:
        segments: the periods to read, each with the series period its rows count in
            (see `hist_rows`).

    Returns:
        Tuples (period as days since 1970, declare_district, [port_district,] ie_flag,
        released_n, released_value_usd); with `ports`, both districts are in the scope.
    """
    t = schema.rollup_trade
    c = t.c
    period = _label(t, segments)
    keys = [period, c.declare_district, *([c.port_district] if ports else []), c.ie_flag]
    stmt: Select[Any] = select(
        *keys, func.sum(c.released_n), func.sum(c.released_value_usd)
    ).group_by(*keys)
    stmt = _filtered(stmt, t, [seg for seg, _ in segments], scope, districts, direction)
    if ports:  # a flow shows only when both ends are in the caller's scope
        stmt = scoped(stmt, c.port_district, scope)
    return read_tuples(bind, stmt)


def hist_rows(
    bind: Bind,
    segments: Sequence[tuple[Segment, date | None]],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
) -> np.ndarray:
    """Clearance-time histogram counts summed over the chosen districts, per series
    period, direction and bucket.

    Args:
        segments: the periods to read, each with the series period its rows count in
            (None: each row is its own period; see `periods.labelled_segments`).

    The whole region (and a single district) are stored rows of their own, so a series of
    them needs no sum: they come back in key order. Several districts, and any read whose
    periods all count in one series period (a range's total), are summed by the database,
    which then returns one row per direction and bucket. Read as plain integers
    (`read_ints`).

    Returns:
        int64 array, one row per (period, direction, bucket), columns: the period's first
        day as days since 1970-01-01, direction (0 import, 1 export), bucket, overall_n,
        customs_n. Rows may repeat a (period, direction, bucket) when edge days share a
        period; counts add.
    """
    t = schema.rollup_trade_hist
    c = t.c
    period = _label(t, segments)
    ie = case((c.ie_flag == "I", 0), else_=1)
    chosen = districts if districts is not None else scope
    labels = {label for _seg, label in segments}
    one_period = len(labels) == 1 and None not in labels
    if (chosen is None or len(chosen) == 1) and not one_period:  # stored rows: no sum
        stmt: Select[Any] = select(period, ie, c.bucket, c.overall_n, c.customs_n)
    else:
        sums = [func.sum(c.overall_n), func.sum(c.customs_n)]
        stmt = select(period, ie, c.bucket, *sums).group_by(period, ie, c.bucket)
    stmt = _filtered(stmt, t, [seg for seg, _ in segments], scope, districts, direction)
    return read_ints(bind, stmt)


def stored_percentiles(
    bind: Bind,
    segments: Sequence[Segment],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
) -> list[tuple[Any, ...]] | None:
    """Median and p90 clearance times of whole stored periods (`schema.rollup_trade_pct`)
    for the chosen districts within the scope, or None when that set is not stored.

    Returns:
        Tuples (period as days since 1970, direction 0 import / 1 export, overall_n,
        overall_p50_h, overall_p90_h, customs_n, customs_p50_h, customs_p90_h), in key order.
    """
    chosen = set(districts) if districts is not None else None
    if scope is not None:
        chosen = set(scope) if chosen is None else chosen & set(scope)
    key = districts_key(chosen)
    if key is None:
        return None
    t = schema.rollup_trade_pct
    c = t.c
    stmt: Select[Any] = select(
        EpochDay(c.period),
        case((c.ie_flag == "I", 0), else_=1),
        c.overall_n,
        c.overall_p50_h,
        c.overall_p90_h,
        c.customs_n,
        c.customs_p50_h,
        c.customs_p90_h,
    ).where(c.districts == key, _periods(t, segments))
    if direction is not None:
        stmt = stmt.where(c.ie_flag == direction)
    return read_tuples(bind, stmt)


def od_hist(
    bind: Bind,
    segments: Sequence[Segment],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
) -> list[tuple[Any, ...]]:
    """Overall clearance-time histogram per (declaring district, port district) pair.

    Both ends of a pair must be in the caller's scope.

    Returns:
        Tuples (declare_district, port_district, bucket, overall_n).
    """
    t = schema.rollup_trade_od_hist
    c = t.c
    keys = [c.declare_district, c.port_district, c.bucket]
    stmt: Select[Any] = select(*keys, func.sum(c.overall_n))
    stmt = _filtered(stmt, t, segments, scope, districts, direction)
    return read_tuples(bind, scoped(stmt, c.port_district, scope).group_by(*keys))


def mix(
    bind: Bind,
    segments: Sequence[Segment],
    dimension: str,
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
) -> pd.DataFrame:
    """Released declarations and value by code of one composition dimension.

    Args:
        dimension: trade_mode, transport_mode, hs_chapter or partner_region.

    Returns:
        Columns code, released_n, released_value_usd.
    """
    t = schema.rollup_trade_mix
    c = t.c
    stmt = select(
        c.code,
        func.sum(c.released_n).label("released_n"),
        func.sum(c.released_value_usd).label("released_value_usd"),
    ).where(c.dimension == dimension)
    stmt = _filtered(stmt, t, segments, scope, districts, direction).group_by(c.code)
    return read_frame(bind, stmt, ["code", "released_n", "released_value_usd"])


def first_release_days(bind: Bind, districts: Sequence[str], scope: Scope) -> dict[str, date]:
    """The first day with released declarations of each of `districts` in the caller's
    scope (districts without any are left out).

    One index seek per district (the key starts with grain and district).
    """
    c = schema.rollup_trade.c
    chosen = [d for d in districts if scope is None or d in scope]
    firsts = [
        select(literal(d).label("district"), func.min(c.period).label("first")).where(
            c.grain == "D", c.declare_district == d
        )
        for d in chosen
    ]
    if not firsts:
        return {}
    frame = read_frame(bind, union_all(*firsts), ["district", "first"]).dropna()
    return {
        str(d): pd.Timestamp(f).date()
        for d, f in zip(frame["district"], frame["first"], strict=True)
    }
