"""Periods: presets, exact covers of a range by multi-grain rollup rows, series segments."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.periods import (
    Segment,
    count_periods,
    cover,
    fit_granularity,
    month_cover,
    next_start,
    period_start,
    preset_range,
    prior_range,
    series_period,
    series_segments,
    whole_months,
    year_before,
)

ALL = ("D", "W", "M", "Q", "Y")


def _days(segments: list[Segment]) -> list[date]:
    """Every day the segments' periods hold, in order of the segments."""
    out = []
    for seg in segments:
        p = seg.first
        while p <= seg.last:
            nxt = next_start(p, seg.grain)
            d = p
            while d < nxt:
                out.append(d)
                d += timedelta(days=1)
            p = nxt
    return out


def test_presets() -> None:
    today = date(2026, 11, 25)
    assert preset_range("month", today) == (date(2026, 11, 1), today)
    assert preset_range("quarter", today) == (date(2026, 10, 1), today)
    assert preset_range("ytd", today) == (date(2026, 1, 1), today)
    assert preset_range("12m", today) == (date(2025, 12, 1), today)
    assert preset_range("12m", date(2026, 3, 4)) == (date(2025, 4, 1), date(2026, 3, 4))
    with pytest.raises(ValueError):
        preset_range("decade", today)


def test_cover_of_five_years_reads_few_periods() -> None:
    segs = cover(date(2021, 11, 25), date(2026, 11, 25), ALL)
    assert Segment("Y", date(2022, 1, 1), date(2025, 1, 1)) in segs
    assert Segment("M", date(2021, 12, 1), date(2021, 12, 1)) in segs
    assert Segment("M", date(2026, 10, 1), date(2026, 10, 1)) in segs
    days = _days(segs)
    assert len(days) == len(set(days)) == (date(2026, 11, 25) - date(2021, 11, 25)).days + 1
    assert sum(1 for s in segs if s.grain == "D") <= 4
    assert Segment("Q", date(2026, 1, 1), date(2026, 7, 1)) in segs


@given(
    st.dates(date(2019, 1, 1), date(2027, 12, 31)),
    st.integers(0, 2000),
    st.sampled_from([("D",), ("D", "M"), ("D", "W", "M"), ALL, ("D", "M", "Y"), ("D", "M", "Q")]),
)
def test_cover_is_exact(start: date, length: int, grains: tuple[str, ...]) -> None:
    end = start + timedelta(days=length)
    days = _days(cover(start, end, grains))
    assert sorted(days) == [start + timedelta(days=i) for i in range(length + 1)]
    assert len(days) == len(set(days))


@given(
    st.dates(date(2019, 1, 1), date(2027, 12, 31)),
    st.integers(0, 60),
    st.sampled_from([("M",), ("M", "Q"), ("M", "Y"), ("M", "Q", "Y")]),
)
def test_month_cover_is_exact(day: date, months: int, grains: tuple[str, ...]) -> None:
    """Every day of the months, once, in whole periods of the grains (no day rows)."""
    first = day.replace(day=1)
    last = first
    for _ in range(months):
        last = next_start(last, "M")
    segments = month_cover(first, last, grains)
    assert {s.grain for s in segments} <= set(grains)
    days = _days(segments)
    end = next_start(last, "M") - timedelta(days=1)
    assert sorted(days) == [first + timedelta(days=i) for i in range((end - first).days + 1)]
    assert len(days) == len(set(days))


def test_month_cover_of_the_page_periods() -> None:
    """24 months ending mid-quarter: a month, a year, three quarters, two months."""
    cover24 = month_cover(date(2024, 12, 1), date(2026, 11, 1), ("M", "Q", "Y"))
    assert cover24 == [
        Segment("M", date(2024, 12, 1), date(2024, 12, 1)),
        Segment("Y", date(2025, 1, 1), date(2025, 1, 1)),
        Segment("Q", date(2026, 1, 1), date(2026, 7, 1)),
        Segment("M", date(2026, 10, 1), date(2026, 11, 1)),
    ]
    assert month_cover(date(2026, 10, 1), date(2026, 12, 1), ("M", "Q", "Y")) == [
        Segment("Q", date(2026, 10, 1), date(2026, 10, 1))
    ]
    with pytest.raises(ValueError):
        month_cover(date(2026, 1, 1), date(2026, 2, 1), ("Q",))


@given(
    st.dates(date(2019, 1, 1), date(2027, 12, 31)),
    st.integers(0, 900),
    st.sampled_from(["day", "week", "month", "quarter"]),
)
def test_series_segments_exact_and_inside_one_period(start: date, length: int, g: str) -> None:
    end = start + timedelta(days=length)
    segs = series_segments(start, end, g, ALL)
    days = _days(segs)
    assert sorted(days) == [start + timedelta(days=i) for i in range(length + 1)]
    outer = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}[g]
    for seg in segs:  # each rollup row (one period of seg.grain) lies in one series period
        p = seg.first
        while p <= seg.last:
            last_day = next_start(p, seg.grain) - timedelta(days=1)
            assert period_start(p, outer) == period_start(last_day, outer)
            p = next_start(p, seg.grain)


def test_series_period_and_counts() -> None:
    days = pd.Series(pd.to_datetime(["2026-11-25", "2026-11-30", "2026-02-14"]))
    assert list(series_period(days, "week").dt.date) == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 2, 9),
    ]
    assert list(series_period(days, "quarter").dt.date) == [
        date(2026, 10, 1),
        date(2026, 10, 1),
        date(2026, 1, 1),
    ]
    assert count_periods(date(2026, 1, 1), date(2026, 12, 31), "month") == 12
    assert count_periods(date(2026, 1, 15), date(2026, 2, 1), "week") == 3


def test_fit_granularity_coarsens_long_ranges() -> None:
    assert fit_granularity(date(2026, 1, 1), date(2026, 3, 31), "day") == "day"
    assert fit_granularity(date(2025, 1, 1), date(2026, 3, 31), "day") == "week"
    assert fit_granularity(date(2023, 1, 1), date(2026, 3, 31), "day") == "month"
    assert fit_granularity(date(2021, 1, 1), date(2026, 3, 31), "day") == "quarter"
    assert fit_granularity(date(2016, 1, 1), date(2026, 3, 31), "month") == "quarter"


def test_year_before_and_prior_ranges() -> None:
    assert year_before(date(2024, 2, 29)) == date(2023, 2, 28)
    start, end, shift = prior_range(date(2026, 11, 2), date(2026, 11, 25), "week")
    assert shift == timedelta(days=364) and start.weekday() == date(2026, 11, 2).weekday()
    assert prior_range(date(2026, 1, 1), date(2026, 11, 25), "month") == (
        date(2025, 1, 1),
        date(2025, 11, 25),
        None,
    )
    assert whole_months(date(2026, 2, 10), date(2026, 3, 3)) == (
        date(2026, 2, 1),
        date(2026, 3, 31),
    )
