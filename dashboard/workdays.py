"""Working-day arithmetic over the mainland China public-holiday calendar (with 调休).

The calendar is the State Council's yearly holiday notice (国务院办公厅关于…部分节假日安排的通知)
for 2021-2026: the listed days off are not working days even on a weekday, and the listed
adjusted working days (调休上班日) are working days even on a Saturday or Sunday. Every other
Monday-Friday is a working day. Outside `COVERED_YEARS` no notice is known, so only
weekends are days off there (holidays are not guessed); the page states this range.
The commitment measures are computed at ingest, so after a change to this calendar run
`python -m dashboard rebuild-rollups` (or bump the schema version) to recompute them.

Service commitments (`COMMITMENT_WORKING_DAYS`): an inquiry received on day D meets an
N-working-day commitment when it is answered by the end (24:00 Beijing time) of the N-th
working day after D; day D itself is not counted, whether or not it is a working day.
Example: a hotline call on Wednesday 30 Apr 2025 (before the May Day break, 1-5 May) has
until the end of Tuesday 6 May; one on Sunday 27 Apr 2025 (an adjusted working day) until the end
of Monday 28 Apr. This runs once per inquiry at ingest (vectorised), never per request.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

COVERED_YEARS = (2021, 2026)
CALENDAR_NAME = "mainland China public holidays with adjusted working days (调休), 2021-2026"
# Channel -> working days the answer is due in; channels without a commitment are absent.
COMMITMENT_WORKING_DAYS: dict[str, int] = {
    "HOTLINE_12360": 1,
    "ONLINE_SERVICE_HALL": 3,
    "E_CONTACT": 3,
    "PORTAL": 3,
}


def _span(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# fmt: off
# Days off per the notices (including the weekend days inside each break).
_OFF: tuple[tuple[str, str], ...] = (
    # 2021
    ("2021-01-01", "2021-01-03"), ("2021-02-11", "2021-02-17"), ("2021-04-03", "2021-04-05"),
    ("2021-05-01", "2021-05-05"), ("2021-06-12", "2021-06-14"), ("2021-09-19", "2021-09-21"),
    ("2021-10-01", "2021-10-07"),
    # 2022
    ("2022-01-01", "2022-01-03"), ("2022-01-31", "2022-02-06"), ("2022-04-03", "2022-04-05"),
    ("2022-04-30", "2022-05-04"), ("2022-06-03", "2022-06-05"), ("2022-09-10", "2022-09-12"),
    ("2022-10-01", "2022-10-07"),
    # 2023
    ("2022-12-31", "2023-01-02"), ("2023-01-21", "2023-01-27"), ("2023-04-05", "2023-04-05"),
    ("2023-04-29", "2023-05-03"), ("2023-06-22", "2023-06-24"), ("2023-09-29", "2023-10-06"),
    # 2024
    ("2024-01-01", "2024-01-01"), ("2024-02-10", "2024-02-17"), ("2024-04-04", "2024-04-06"),
    ("2024-05-01", "2024-05-05"), ("2024-06-08", "2024-06-10"), ("2024-09-15", "2024-09-17"),
    ("2024-10-01", "2024-10-07"),
    # 2025
    ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    # 2026
    ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
)
# Adjusted working days (weekend days worked to make up for a long break).
ADJUSTED_WORKING_DAYS: frozenset[date] = frozenset(date.fromisoformat(d) for d in (
    "2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26",
    "2021-10-09",
    "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08",
    "2022-10-09",
    "2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07",
    "2023-10-08",
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
    "2024-09-29", "2024-10-12",
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
))
# fmt: on
HOLIDAYS: frozenset[date] = frozenset(d for a, b in _OFF for d in _span(a, b))
EPOCH = date(1970, 1, 1)


def is_working_day(d: date) -> bool:
    """Whether `d` is a working day in the calendar (weekends only outside its years)."""
    if d in ADJUSTED_WORKING_DAYS:
        return True
    if d in HOLIDAYS:
        return False
    return d.weekday() < 5


@cache
def _working_days(first_year: int, last_year: int) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of every working day of the years, sorted."""
    start, end = date(first_year, 1, 1), date(last_year + 1, 1, 1)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    return np.array([(d - EPOCH).days for d in days if is_working_day(d)], dtype=np.int64)


def deadline_days(received_days: np.ndarray, working_days: np.ndarray) -> np.ndarray:
    """Day number of the last day an answer is on time, per inquiry.

    Args:
        received_days: day numbers of receipt.
        working_days: commitment in working days per inquiry (>= 1).

    Returns:
        Day numbers: the `working_days`-th working day after the day of receipt.
    """
    received_days = np.asarray(received_days, dtype=np.int64)
    if received_days.size == 0:
        return received_days
    low = int(received_days.min())
    high = int(received_days.max())
    first = (EPOCH + timedelta(days=low)).year - 1
    last = (EPOCH + timedelta(days=high)).year + 1
    work = _working_days(first, last)
    after = np.searchsorted(work, received_days, side="right")  # first working day after
    return work[after + np.asarray(working_days, dtype=np.int64) - 1]


def within_commitment(channel: pd.Series, received: pd.Series, answered: pd.Series) -> pd.Series:
    """Whether each inquiry was answered within its channel's commitment.

    Args:
        channel: channel codes.
        received: receipt times (naive Beijing time).
        answered: answer times (first response or resolution); NaT when not yet answered.

    Returns:
        Boolean per row: False for channels without a commitment and for unanswered rows.
    """
    n_days = channel.map(COMMITMENT_WORKING_DAYS)
    sel = n_days.notna() & answered.notna() & received.notna()
    out = pd.Series(False, index=channel.index)
    if not sel.any():
        return out
    rec_day = (received[sel].dt.normalize() - pd.Timestamp(EPOCH)).dt.days.to_numpy()
    due = deadline_days(rec_day, n_days[sel].astype(np.int64).to_numpy())
    ans_day = (answered[sel].dt.normalize() - pd.Timestamp(EPOCH)).dt.days.to_numpy()
    out[sel] = ans_day <= due
    return out
