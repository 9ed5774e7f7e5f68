"""Chinese trade calendar for synthetic data: holidays, reform cut-overs, daily and hourly cycles.

Everything here is a pure function of the date, vectorised over numpy arrays of day numbers
(days since 1970-01-01, naive Beijing dates). The tables are the calibration of
`research/domain.md` §4.4: the Chinese New Year (CNY) dip and pre-holiday surge, the May Day
and National Day weeks, the weekly cycle (Saturday about 55 %, Sunday about 40 % of a
weekday), month- and quarter-end peaks, the strong fourth quarter and the intraday profile
(peaks 09-11 and 14-17). The one-day festival dates (Qingming, Dragon Boat, Mid-Autumn) are
approximate and marked [A] in the domain notes; CNY dates are the real lunar new year days.
"""

from __future__ import annotations

from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)

# fmt: off
# Lunar New Year's day (春节, the first day of the first lunar month), one per year.
CNY_DATES: dict[int, date] = {
    2014: date(2014, 1, 31), 2015: date(2015, 2, 19), 2016: date(2016, 2, 8),
    2017: date(2017, 1, 28), 2018: date(2018, 2, 16), 2019: date(2019, 2, 5),
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
    2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
}
# One-day festivals (Qingming, Dragon Boat, Mid-Autumn) for the years the demo spans.
SHORT_HOLIDAYS: tuple[date, ...] = (
    date(2023, 4, 5), date(2023, 6, 22), date(2023, 9, 29),
    date(2024, 4, 4), date(2024, 6, 10), date(2024, 9, 17),
    date(2025, 4, 4), date(2025, 5, 31), date(2025, 10, 6),
    date(2026, 4, 5), date(2026, 6, 19), date(2026, 9, 25),
    date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15),
    date(2028, 4, 4), date(2028, 5, 28), date(2028, 10, 3),
)
# Reform cut-overs that bring inquiry surges, outreach bursts and contingency incidents:
# (date, districts affected, short name). Sources: domain.md F1, F7, S49; 2017/2018/2020
# are the national clearance integration, declaration-form merger and two-step declaration.
REFORMS: tuple[tuple[date, tuple[str, ...], str], ...] = (
    (date(2014, 7, 1), ("0100", "0200"), "BTH regional clearance integration"),
    (date(2014, 9, 22), ("0400",), "Shijiazhuang joins BTH integration"),
    (date(2017, 7, 1), ("0100", "0200", "0400", "7900"), "National clearance integration"),
    (date(2018, 8, 1), ("0100", "0200", "0400", "7900"), "Declaration form merger"),
    (date(2020, 1, 1), ("0100", "0200", "0400", "7900"), "Two-step declaration"),
    (date(2026, 2, 1), ("7900",), "Tianfu Airport bonded zone opens"),
)

WEEKLY = np.array([1.02, 1.03, 1.03, 1.0, 0.97, 0.55, 0.40])  # Monday .. Sunday
MONTHLY = np.array([0.97, 0.95, 1.0, 1.0, 0.99, 1.01, 1.0, 0.99, 1.02, 1.06, 1.10, 1.12])
GROWTH_PER_YEAR = 1.05
GROWTH_BASE = date(2025, 1, 1)
# Share of declarations lodged in each hour of the day (brokers' office hours).
DECLARATION_HOURS = np.array([
    0.9, 0.6, 0.5, 0.5, 0.5, 0.7, 1.2, 2.0, 4.5, 8.5, 9.5, 8.0,
    4.5, 6.0, 8.5, 9.0, 8.5, 6.0, 3.5, 2.8, 2.5, 2.2, 1.6, 1.0])
DECLARATION_HOURS = DECLARATION_HOURS / DECLARATION_HOURS.sum()
OFFICE_HOURS = np.array([
    0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.8, 6.0, 11.0, 11.5, 10.0,
    4.0, 7.0, 11.0, 11.0, 10.0, 5.5, 1.2, 0.6, 0.4, 0.3, 0.2, 0.1])
OFFICE_HOURS = OFFICE_HOURS / OFFICE_HOURS.sum()
ONLINE_HOURS = np.array([
    1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 2.5, 5.5, 7.5, 8.0, 7.0,
    5.0, 6.0, 7.5, 7.5, 7.0, 6.0, 4.5, 4.0, 3.8, 3.2, 2.5, 1.6])
ONLINE_HOURS = ONLINE_HOURS / ONLINE_HOURS.sum()
# fmt: on


def day_number(d: date) -> int:
    """Days since 1970-01-01 of a date."""
    return (d - EPOCH).days


def to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers -> numpy datetime64[D] array."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday=0 .. Sunday=6 of day numbers (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def _year_month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = to_dates(days)
    years = d.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, dom


def cny_offset(days: np.ndarray) -> np.ndarray:
    """Days from the nearest Chinese New Year's day (negative before it).

    Raises:
        ValueError: for a year missing from `CNY_DATES`.
    """
    days = np.asarray(days, dtype=np.int64)
    years, _, _ = _year_month_day(days)
    missing = sorted({int(y) for y in np.unique(years)} - set(CNY_DATES))
    if missing:
        raise ValueError(f"no Chinese New Year date for {missing}; add it to CNY_DATES")
    table = np.array([day_number(CNY_DATES[y]) for y in sorted(CNY_DATES)])
    idx = np.searchsorted(table, days)
    after = table[np.clip(idx, 0, len(table) - 1)]
    before = table[np.clip(idx - 1, 0, len(table) - 1)]
    return np.where(np.abs(days - before) <= np.abs(after - days), days - before, days - after)


def holiday_level(days: np.ndarray) -> np.ndarray:
    """Activity on public holidays as a share of a weekday; NaN on ordinary days.

    CNY week (eve to the sixth day) 0.45; May Day (1-5 May) and National Day (1-7 Oct)
    0.5; one-day festivals 0.6.
    """
    days = np.asarray(days, dtype=np.int64)
    _, months, dom = _year_month_day(days)
    level = np.full(days.shape, np.nan)
    level[np.isin(days, [day_number(d) for d in SHORT_HOLIDAYS])] = 0.6
    level[(months == 5) & (dom <= 5)] = 0.5
    level[(months == 10) & (dom <= 7)] = 0.5
    off = cny_offset(days)
    level[(off >= -1) & (off <= 6)] = 0.45
    return level


def is_working_day(days: np.ndarray) -> np.ndarray:
    """Monday-Friday and not a public holiday."""
    return (weekday(days) < 5) & np.isnan(holiday_level(days))


def _period_end_factor(days: np.ndarray) -> np.ndarray:
    """+15 % on the last three working days of a month, +30 % at quarter end."""
    days = np.asarray(days, dtype=np.int64)
    if days.size == 0:
        return np.ones(0)
    months = to_dates(days).astype("datetime64[M]")
    first = int(months.min().astype("datetime64[D]").astype(np.int64))
    last = int((months.max() + 1).astype("datetime64[D]").astype(np.int64))
    span = np.arange(first, last, dtype=np.int64)
    work = is_working_day(span)
    month = to_dates(span).astype("datetime64[M]").astype(np.int64)
    # rank of each working day counted from the end of its month
    rev_work = work[::-1].astype(np.int64)
    rev_month = month[::-1]
    starts = np.r_[True, rev_month[1:] != rev_month[:-1]]
    csum = np.cumsum(rev_work)
    base = np.maximum.accumulate(np.where(starts, csum - rev_work, 0))
    rank = (csum - base)[::-1]
    end_of_month = work & (rank <= 3)
    quarter_end = (month % 12 + 1) % 3 == 0
    factor = np.where(end_of_month, np.where(quarter_end, 1.30, 1.15), 1.0)
    return factor[days - first]


def declaration_day_factor(days: np.ndarray) -> np.ndarray:
    """Expected declarations on each day relative to an ordinary weekday of early 2025.

    Combines the weekly cycle, public holidays, the CNY dip (-55 % holiday week, -15 % the
    week after) and pre-CNY surge (+20-35 % in the three weeks before), month/quarter-end
    peaks, the seasonal month profile (Q4 strongest) and 5 % yearly growth.
    """
    days = np.asarray(days, dtype=np.int64)
    _, months, _ = _year_month_day(days)
    factor = WEEKLY[weekday(days)] * MONTHLY[months - 1]
    off = cny_offset(days)
    factor = factor * np.select(
        [(off >= -21) & (off <= -15), (off >= -14) & (off <= -2), (off >= 7) & (off <= 13)],
        [1.20, 1.35, 0.85],
        1.0,
    )
    factor = factor * _period_end_factor(days)
    hol = holiday_level(days)
    factor = np.where(np.isnan(hol), factor, hol * MONTHLY[months - 1])
    years = (days - day_number(GROWTH_BASE)) / 365.25
    return factor * GROWTH_PER_YEAR**years


def reform_days(district_codes: list[str]) -> dict[str, np.ndarray]:
    """District -> day numbers of the reform cut-overs that affect it."""
    return {
        d: np.array([day_number(when) for when, ds, _ in REFORMS if d in ds], dtype=np.int64)
        for d in district_codes
    }


def days_since_reform(days: np.ndarray, reform: np.ndarray) -> np.ndarray:
    """Days since the latest reform on or before each day (large when there is none)."""
    days = np.asarray(days, dtype=np.int64)
    if reform.size == 0:
        return np.full(days.shape, 10**6)
    idx = np.searchsorted(reform, days, side="right") - 1
    return np.where(idx >= 0, days - reform[np.clip(idx, 0, None)], 10**6)


def days_until_reform(days: np.ndarray, reform: np.ndarray) -> np.ndarray:
    """Days until the next reform after each day (large when there is none)."""
    days = np.asarray(days, dtype=np.int64)
    if reform.size == 0:
        return np.full(days.shape, 10**6)
    idx = np.searchsorted(reform, days, side="right")
    return np.where(idx < reform.size, reform[np.clip(idx, 0, reform.size - 1)] - days, 10**6)


def inquiry_day_factor(days: np.ndarray, reform: np.ndarray) -> np.ndarray:
    """Expected inquiries per day relative to an ordinary working day.

    Weekends and holidays are quiet (manual service runs in office hours); the working days
    around CNY run at 1.8x, and the four weeks after a reform cut-over at 2.5x fading to 1.5x.
    """
    days = np.asarray(days, dtype=np.int64)
    work = is_working_day(days)
    wd = weekday(days)
    factor = np.where(work, 1.0, np.where(wd == 5, 0.30, 0.20))
    factor = np.where(np.isnan(holiday_level(days)), factor, 0.15)
    off = cny_offset(days)
    around_cny = work & (((off >= -10) & (off <= -2)) | ((off >= 7) & (off <= 14)))
    factor = np.where(around_cny, factor * 1.8, factor)
    since = days_since_reform(days, reform)
    surge = np.where(since < 28, 2.5 - since / 28.0, 1.0)
    return factor * surge
