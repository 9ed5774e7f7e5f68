"""Clearance stages in the manner of the WCO Time Release Study (pure computations).

A released declaration passes up to six stages; each is the time between two of its
timestamps, in hours:

| stage     | from                                   | to                    |
|-----------|----------------------------------------|-----------------------|
| declare   | goods arrival (ts_arrival)             | declaration lodged    |
| accept    | declaration lodged (ts_declared)       | accepted              |
| review    | accepted                               | documents reviewed    |
| duty      | reviewed                               | duty paid             |
| inspect   | inspection ordered                     | inspection done       |
| release   | the latest of accepted, reviewed, duty paid and inspection done | released |

A stage whose timestamps are missing (no inspection, no duty, no arrival record) is left out
of that stage's statistics, never counted as zero. A negative duration is left out too: the
commonest case is an advance declaration, lodged before the goods arrive, which has no
arrival-to-declaration wait. `overall` (arrival -> released) and `customs` (accepted ->
released) are the two end-to-end times the rest of the dashboard uses. Only released
declarations are counted, by their release month, like the clearance-time histogram.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

STAGES: Final[tuple[str, ...]] = ("declare", "accept", "review", "duty", "inspect", "release")
TOTALS: Final[tuple[str, ...]] = ("overall", "customs")
ALL_STAGES: Final[tuple[str, ...]] = STAGES + TOTALS
# (stage, start column, end column) for the stages between two fixed timestamps.
SPANS: Final[tuple[tuple[str, str, str], ...]] = (
    ("declare", "ts_arrival", "ts_declared"),
    ("accept", "ts_declared", "ts_accepted"),
    ("review", "ts_accepted", "ts_reviewed"),
    ("duty", "ts_reviewed", "ts_duty_paid"),
    ("inspect", "ts_inspection_ordered", "ts_inspection_done"),
    ("overall", "ts_arrival", "ts_released"),
    ("customs", "ts_accepted", "ts_released"),
)
RELEASE_AFTER: Final[tuple[str, ...]] = (
    "ts_accepted",
    "ts_reviewed",
    "ts_duty_paid",
    "ts_inspection_done",
)
TIMESTAMPS: Final[tuple[str, ...]] = (
    "ts_arrival",
    "ts_declared",
    "ts_accepted",
    "ts_reviewed",
    "ts_duty_paid",
    "ts_inspection_ordered",
    "ts_inspection_done",
    "ts_released",
)


def _ts(rows: pd.DataFrame, col: str) -> pd.Series:
    if col not in rows:
        return pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    return pd.to_datetime(rows[col])


def _hours(later: pd.Series, earlier: pd.Series) -> pd.Series:
    h = (later - earlier).dt.total_seconds() / 3600.0
    return h.where(h >= 0)


def stage_hours(rows: pd.DataFrame) -> pd.DataFrame:
    """Hours spent in each stage, one row per declaration (NaN = not in that stage).

    Args:
        rows: declarations with the `ts_*` columns (datetimes or ISO text; missing = NaT).

    Returns:
        A frame indexed like `rows` with one float column per stage in `ALL_STAGES`.
    """
    out = pd.DataFrame(index=rows.index)
    for stage, start, end in SPANS:
        out[stage] = _hours(_ts(rows, end), _ts(rows, start))
    before = pd.concat([_ts(rows, c) for c in RELEASE_AFTER], axis=1).max(axis=1)
    out["release"] = _hours(_ts(rows, "ts_released"), before)
    return out[list(ALL_STAGES)].astype(float)


def timeline(record: dict[str, object]) -> list[tuple[str, pd.Timestamp, float | None]]:
    """The stage timeline of one declaration: (timestamp column, time, hours since previous).

    Only timestamps that are present are listed, in time order.
    """
    present = [
        (col, pd.Timestamp(record[col]))
        for col in TIMESTAMPS
        if record.get(col) is not None and not pd.isna(record[col])
    ]
    present.sort(key=lambda item: (item[1], TIMESTAMPS.index(item[0])))
    out: list[tuple[str, pd.Timestamp, float | None]] = []
    for i, (col, when) in enumerate(present):
        gap = None if i == 0 else (when - present[i - 1][1]).total_seconds() / 3600.0
        out.append((col, when, gap))
    return out


def stage_medians_order(stages: pd.Series) -> np.ndarray:
    """Sort key putting stage codes in waterfall order (unknown codes last)."""
    order = {s: i for i, s in enumerate(ALL_STAGES)}
    return np.array([order.get(s, len(order)) for s in stages])
