"""Date ranges, presets and reporting periods, and how a range is read from multi-grain
rollups (`schema.TRADE_GRAINS`). Pure: no database, no Dash.

A range is a pair of days, both inclusive. `cover` splits it into the fewest whole
periods of the grains a rollup keeps (years, then months, then weeks, then days), so a
query over five years reads about 5 + 22 + 8 + 12 period rows per key instead of 1,826.
`series_segments` does the same for a time series, cutting first at the boundaries of the
series' periods so that every rollup row falls inside exactly one of them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final, NamedTuple

import pandas as pd

GRANULARITIES: Final = ("day", "week", "month", "quarter")
# The most periods one chart shows; a finer granularity is coarsened (and the page says so).
# Sized for reading (a bar chart of more than ~80 bars is noise) and for the clearance chart,
# which reads every bucket of every period on a cache miss: 80 weeks or 50 months keep it
# within the 50 ms budget at 10 M declarations (bench/README.md, Trade Trends).
MAX_PERIODS: Final = {"day": 92, "week": 80, "month": 50, "quarter": 48}
PRESETS: Final = ("month", "quarter", "ytd", "12m", "custom")
MAX_RANGE_DAYS: Final = 366 * 10
_GRAIN_ORDER: Final = ("D", "W", "M", "Q", "Y")
_BASE_GRAIN: Final = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}
_EDGE_GRAINS: Final = {"day": ("D",), "week": ("D",), "month": ("D",), "quarter": ("M", "D")}


class Segment(NamedTuple):
    """Rows of one grain whose period starts lie in [first, last] (both inclusive)."""

    grain: str
    first: date
    last: date


def period_start(day: date, grain: str) -> date:
    """Start of the period of `grain` (D, W, M, Q or Y) holding `day`; weeks start Monday."""
    if grain == "D":
        return day
    if grain == "W":
        return day - timedelta(days=day.weekday())
    if grain == "M":
        return day.replace(day=1)
    if grain == "Q":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "Y":
        return date(day.year, 1, 1)
    raise ValueError(f"unknown grain {grain!r}")


def next_start(start: date, grain: str) -> date:
    """The first day of the period after the one starting at `start`."""
    if grain == "D":
        return start + timedelta(days=1)
    if grain == "W":
        return start + timedelta(days=7)
    months = {"M": 1, "Q": 3, "Y": 12}[grain]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _grain_of(granularity: str) -> str:
    return {"day": "D", "week": "W", "month": "M", "quarter": "Q"}[granularity]


def series_start(day: date, granularity: str) -> date:
    """Start of the series period (of `granularity`) holding `day`."""
    return period_start(day, _grain_of(granularity))


def series_period(days: pd.Series, granularity: str) -> pd.Series:
    """Start of the series period (of `granularity`) holding each day (datetime64)."""
    days = pd.to_datetime(days)
    if granularity == "day":
        return days
    if granularity == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    freq = "M" if granularity == "month" else "Q"
    return days.dt.to_period(freq).dt.start_time.astype(days.dtype)


def cover(start: date, end: date, grains: tuple[str, ...]) -> list[Segment]:
    """Whole periods of `grains` (which must include D) that exactly cover [start, end].

    Coarse grains first; what is left at each edge is covered by the next finer grain.
    """
    if start > end:
        return []
    ordered = [g for g in reversed(_GRAIN_ORDER) if g in grains]
    grain, finer = ordered[0], tuple(ordered[1:])
    if grain == "D":
        return [Segment("D", start, end)]
    first = period_start(start, grain)
    if first < start:
        first = next_start(first, grain)
    last = period_start(end, grain)
    if next_start(last, grain) - timedelta(days=1) > end:
        last = _previous_start(last, grain)
    if first > last:
        return cover(start, end, finer)
    return [
        *cover(start, first - timedelta(days=1), finer),
        Segment(grain, first, last),
        *cover(next_start(last, grain), end, finer),
    ]


def month_cover(first: date, last: date, grains: tuple[str, ...]) -> list[Segment]:
    """Whole periods of `grains` (M and coarser) that exactly cover the months from `first`
    to `last` (first days of months, both inclusive): years, then quarters, then months."""
    end = next_start(last, "M") - timedelta(days=1)
    segments = cover(first, end, ("D", *grains))
    if any(s.grain == "D" for s in segments):  # months are whole periods of M
        raise ValueError(f"months {first}..{last} need grain M in {grains}")
    return segments


def _previous_start(start: date, grain: str) -> date:
    return period_start(start - timedelta(days=1), grain)


def labelled_segments(
    start: date, end: date, granularity: str, grains: tuple[str, ...]
) -> list[tuple[Segment, date | None]]:
    """Segments covering [start, end], each with the series period its rows belong to.

    Whole series periods are read at the granularity's own grain and labelled None (each
    row is its own period). The partial periods at the two edges are covered with finer
    grains, labelled with their series period.
    """
    base = _BASE_GRAIN[granularity]
    # Edges use grains that never cross the series' period boundaries (weeks cross months).
    finer = tuple(g for g in _EDGE_GRAINS[granularity] if g in grains) or ("D",)
    outer = _grain_of(granularity)
    out: list[tuple[Segment, date | None]] = []
    whole_first: date | None = None
    whole_last: date | None = None
    p = period_start(start, outer)
    while p <= end:
        nxt = next_start(p, outer)
        a, b = max(p, start), min(nxt - timedelta(days=1), end)
        if a == p and b == nxt - timedelta(days=1):
            whole_first = whole_first or p
            whole_last = period_start(b, base)
        else:
            out += [(seg, p) for seg in cover(a, b, finer)]
        p = nxt
    if whole_first is not None and whole_last is not None:
        out.append((Segment(base, whole_first, whole_last), None))
    return out


def series_segments(
    start: date, end: date, granularity: str, grains: tuple[str, ...]
) -> list[Segment]:
    """Segments covering [start, end] such that each row belongs to one series period
    (`labelled_segments` without the labels)."""
    return [seg for seg, _label in labelled_segments(start, end, granularity, grains)]


def count_periods(start: date, end: date, granularity: str) -> int:
    """How many series periods of `granularity` [start, end] touches."""
    grain = _grain_of(granularity)
    n, p = 0, period_start(start, grain)
    while p <= end:
        n, p = n + 1, next_start(p, grain)
    return n


def fit_granularity(start: date, end: date, granularity: str) -> str:
    """`granularity`, or the finest coarser one that keeps the chart within MAX_PERIODS."""
    for g in GRANULARITIES[GRANULARITIES.index(granularity) :]:
        if count_periods(start, end, g) <= MAX_PERIODS[g]:
            return g
    return GRANULARITIES[-1]


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """The days of a preset ending today: this month, this quarter, year to date, or the
    last 12 months (the current month and the 11 before it)."""
    if preset == "month":
        return today.replace(day=1), today
    if preset == "quarter":
        return period_start(today, "Q"), today
    if preset == "ytd":
        return date(today.year, 1, 1), today
    if preset == "12m":
        month = today.month - 1 - 11
        return date(today.year + month // 12, month % 12 + 1, 1), today
    raise ValueError(f"unknown preset {preset!r}")


def shift_years(day: date, years: int) -> date:
    """The same calendar day `years` later or earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def year_before(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    return shift_years(day, -1)


def prior_range(start: date, end: date, granularity: str) -> tuple[date, date, timedelta | None]:
    """The range a year earlier, for year-on-year growth, and how to align its periods.

    Weeks compare with the week 52 weeks earlier (same weekday; the returned offset is
    364 days); days, months and quarters with the same calendar dates (offset None: add a
    calendar year).
    """
    if granularity == "week":
        shift = timedelta(days=364)
        return start - shift, end - shift, shift
    return year_before(start), year_before(end), None


def whole_months(start: date, end: date) -> tuple[date, date]:
    """[start, end] widened to whole months (composition and flows are kept by month)."""
    last = next_start(end.replace(day=1), "M") - timedelta(days=1)
    return start.replace(day=1), last
