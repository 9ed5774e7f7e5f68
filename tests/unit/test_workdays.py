"""Working-day arithmetic over the mainland China holiday calendar, hand-computed cases."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.workdays import (
    ADJUSTED_WORKING_DAYS,
    COVERED_YEARS,
    HOLIDAYS,
    deadline_days,
    is_working_day,
    within_commitment,
)

EPOCH = date(1970, 1, 1)


def _due(received: str, n: int) -> str:
    day = (date.fromisoformat(received) - EPOCH).days
    out = int(deadline_days(np.array([day]), np.array([n]))[0])
    return date.fromordinal(EPOCH.toordinal() + out).isoformat()


@pytest.mark.parametrize(
    ("received", "n", "due"),
    [
        ("2025-03-05", 1, "2025-03-06"),  # Wednesday -> Thursday
        ("2025-03-07", 1, "2025-03-10"),  # Friday -> Monday over a weekend
        ("2025-03-08", 1, "2025-03-10"),  # Saturday -> Monday
        ("2025-03-07", 3, "2025-03-12"),  # Friday + 3 working days -> Wednesday
        ("2025-04-30", 1, "2025-05-06"),  # before May Day (1-5 May off) -> Tuesday 6 May
        ("2025-04-26", 1, "2025-04-27"),  # Saturday -> Sunday 27 Apr, an adjusted working day
        ("2025-01-24", 3, "2025-02-05"),  # Fri: Sun 26 Jan (worked), Mon 27, then after CNY
        ("2026-02-13", 1, "2026-02-14"),  # Friday -> Saturday 14 Feb 2026 (adjusted)
        ("2026-02-13", 3, "2026-02-25"),  # 14 Feb, then CNY 15-23 Feb off, 24, 25
        ("2024-09-30", 1, "2024-10-08"),  # National Day week 1-7 Oct 2024
        ("2023-12-29", 1, "2024-01-02"),  # New Year's Day 2024 (Monday) off
        ("2021-02-10", 1, "2021-02-18"),  # CNY 2021: 11-17 Feb off
        ("2021-09-17", 1, "2021-09-18"),  # Friday -> Saturday 18 Sep 2021 (adjusted)
        ("2020-10-02", 1, "2020-10-05"),  # outside the covered years: weekends only
        ("2027-02-05", 1, "2027-02-08"),  # (no 2027 notice: CNY not known, weekends only)
    ],
)
def test_deadline_hand_computed(received: str, n: int, due: str) -> None:
    assert _due(received, n) == due


def test_calendar_facts() -> None:
    assert not is_working_day(date(2025, 10, 8))  # 8-day National Day + Mid-Autumn break
    assert is_working_day(date(2025, 10, 11))  # Saturday made a working day
    assert is_working_day(date(2025, 10, 9))
    assert not is_working_day(date(2025, 10, 12))  # ordinary Sunday
    assert all(d.weekday() >= 5 for d in ADJUSTED_WORKING_DAYS)
    assert not HOLIDAYS & ADJUSTED_WORKING_DAYS
    years = {d.year for d in HOLIDAYS}  # (2022-12-31 is from the 2023 notice)
    assert years == set(range(COVERED_YEARS[0], COVERED_YEARS[1] + 1))


def test_within_commitment_per_channel() -> None:
    received = pd.Series(pd.to_datetime(["2025-04-30 17:00"] * 4 + ["2025-04-30 17:00"]))
    answered = pd.Series(
        pd.to_datetime(
            [
                "2025-05-06 23:59",  # hotline: due end of 6 May -> met
                "2025-05-07 00:01",  # hotline: late
                "2025-05-08 20:00",  # online hall: 3 working days -> 6, 7, 8 May: met
                None,  # not answered: not met
                "2025-04-30 17:05",  # on site: no commitment, never counted as met
            ]
        )
    )
    channel = pd.Series(
        ["HOTLINE_12360", "HOTLINE_12360", "ONLINE_SERVICE_HALL", "PORTAL", "ON_SITE"]
    )
    assert within_commitment(channel, received, answered).tolist() == [
        True,
        False,
        True,
        False,
        False,
    ]


def test_within_commitment_empty() -> None:
    empty = pd.Series([], dtype="datetime64[ns]")
    out = within_commitment(pd.Series([], dtype=object), empty, empty)
    assert out.empty
