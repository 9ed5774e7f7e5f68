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

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Date,
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

from dashboard import schema
from dashboard.periods import Segment
from dashboard.queries import Bind, Scope, read_frame, scoped

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


def trade_rows(
    bind: Bind,
    segments: Sequence[Segment],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
) -> pd.DataFrame:
    """Released declarations and value per period row, declaring district, port district
    and direction.

    Returns:
        Columns grain, period, declare_district, port_district, ie_flag, released_n,
        released_value_usd (one row per rollup row read).
    """
    t = schema.rollup_trade
    c = t.c
    cols = [c.grain, c.period, c.declare_district, c.port_district, c.ie_flag]
    stmt = select(*cols, c.released_n, c.released_value_usd)
    stmt = _filtered(stmt, t, segments, scope, districts, direction)
    names = [col.name for col in cols] + ["released_n", "released_value_usd"]
    return _dates(read_frame(bind, stmt, names))


def hist_rows(
    bind: Bind,
    segments: Sequence[Segment],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
    *,
    by_period: bool = True,
) -> pd.DataFrame:
    """Clearance-time histogram counts (overall and customs) per direction and bucket,
    summed over the chosen districts; per period row when `by_period`.

    Returns:
        Columns [grain, period,] ie_flag, bucket, overall_n, customs_n.
    """
    t = schema.rollup_trade_hist
    c = t.c
    keys = [c.grain, c.period, c.ie_flag, c.bucket] if by_period else [c.ie_flag, c.bucket]
    stmt = select(
        *keys,
        func.sum(c.overall_n).label("overall_n"),
        func.sum(c.customs_n).label("customs_n"),
    )
    stmt = _filtered(stmt, t, segments, scope, districts, direction).group_by(*keys)
    names = [k.name for k in keys] + ["overall_n", "customs_n"]
    return _dates(read_frame(bind, stmt, names))


def hist_crossings(
    bind: Bind,
    segments: Sequence[tuple[Segment, date | None]],
    quantiles: dict[str, float],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
    *,
    by_period: bool = True,
) -> pd.DataFrame:
    """For each group (period row and direction, or direction only) and each quantile of
    overall and customs time, the histogram bucket where the cumulative count crosses it.

    The database sums the histograms and finds the crossings with window functions, so
    only a few rows per group come back whatever the number of buckets;
    `dashboard.histogram.from_crossings` turns them into hours.

    Returns:
        Columns [period,] ie_flag, metric (overall, customs), quantile (the key of
        `quantiles`), q, bucket, n (the bucket's count), cum (cumulative count up to and
        including the bucket), total (the group's count).
    """
    t = schema.rollup_trade_hist
    c = t.c
    qs = list(quantiles.values())
    labelled = [(seg, label) for seg, label in segments if label is not None]
    period: ColumnElement[Any] = c.period
    if labelled:
        whens = [(_periods(t, [seg]), literal(label, Date)) for seg, label in labelled]
        period = case(*whens, else_=c.period)
    groups: list[ColumnElement[Any]] = [period, c.ie_flag] if by_period else [c.ie_flag]
    keys = [period.label("period"), c.ie_flag] if by_period else [c.ie_flag]
    summed: Select[Any] = select(
        *keys,
        c.bucket,
        func.sum(c.overall_n).label("overall"),
        func.sum(c.customs_n).label("customs"),
    )
    summed = _filtered(summed, t, [seg for seg, _ in segments], scope, districts, direction)
    h = summed.group_by(*groups, c.bucket).cte("h")
    part = [h.c[k.name] for k in keys]
    windows = [
        select(
            *part,
            literal(metric).label("metric"),
            h.c.bucket,
            h.c[metric].label("n"),
            func.sum(h.c[metric]).over(partition_by=part, order_by=h.c.bucket).label("cum"),
            func.sum(h.c[metric]).over(partition_by=part).label("total"),
        ).where(h.c[metric] > 0)
        for metric in ("overall", "customs")
    ]
    w = union_all(*windows).subquery("w")
    crosses = [and_(w.c.cum >= q * w.c.total, w.c.cum - w.c.n < q * w.c.total) for q in qs]
    stmt = select(*(w.c[k.name] for k in keys), w.c.metric, w.c.bucket, w.c.n, w.c.cum, w.c.total)
    names = [k.name for k in keys] + ["metric", "bucket", "n", "cum", "total"]
    rows = _dates(read_frame(bind, stmt.where(or_(*crosses)), names))
    rows[["n", "cum", "total"]] = rows[["n", "cum", "total"]].astype(float)  # PG: Decimal
    parts = []
    for name, q in quantiles.items():  # a bucket may cross several quantiles
        target = q * rows["total"].astype(float)
        hit = (rows["cum"] >= target) & (rows["cum"] - rows["n"] < target)
        parts.append(rows[hit].assign(quantile=name, q=q))
    return pd.concat(parts, ignore_index=True) if parts else rows.assign(quantile="", q=0.0)


def od_hist(
    bind: Bind,
    segments: Sequence[Segment],
    scope: Scope,
    districts: Districts = None,
    direction: str | None = None,
) -> pd.DataFrame:
    """Overall clearance-time histogram per (declaring district, port district) pair.

    Both ends of a pair must be in the caller's scope.

    Returns:
        Columns declare_district, port_district, bucket, overall_n.
    """
    t = schema.rollup_trade_od_hist
    c = t.c
    keys = [c.declare_district, c.port_district, c.bucket]
    stmt: Select[Any] = select(*keys, func.sum(c.overall_n).label("overall_n"))
    stmt = _filtered(stmt, t, segments, scope, districts, direction)
    stmt = scoped(stmt, c.port_district, scope).group_by(*keys)
    return read_frame(bind, stmt, [k.name for k in keys] + ["overall_n"])


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


def first_release_day(bind: Bind, districts: Sequence[str]) -> date | None:
    """The first day with released declarations in any of `districts` (None: no data).

    Args:
        districts: district codes, already limited to the caller's scope.

    One index seek per district (the key starts with grain and district).
    """
    c = schema.rollup_trade.c
    firsts = [
        select(func.min(c.period).label("first")).where(c.grain == "D", c.declare_district == d)
        for d in districts
    ]
    if not firsts:
        return None
    frame = read_frame(bind, union_all(*firsts), ["first"]).dropna()
    return pd.to_datetime(frame["first"]).min().date() if not frame.empty else None
