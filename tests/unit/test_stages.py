"""Clearance stages (WCO Time Release Study) against hand-computed declarations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import stages
from dashboard.districts import percentiles, stage_table


def _row(**ts: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {c: None for c in stages.TIMESTAMPS}
    base.update(ts)
    return base


FULL = _row(
    ts_arrival="2026-03-02 06:00:00",
    ts_declared="2026-03-02 08:00:00",  # declare: 2 h
    ts_accepted="2026-03-02 08:30:00",  # accept: 0.5 h
    ts_reviewed="2026-03-02 10:00:00",  # review: 1.5 h
    ts_duty_paid="2026-03-02 13:00:00",  # duty: 3 h
    ts_inspection_ordered="2026-03-02 10:30:00",
    ts_inspection_done="2026-03-02 14:45:00",  # inspect: 4.25 h; latest step before release
    ts_released="2026-03-02 16:45:00",  # release: 2 h after inspection done
)
GREEN = _row(  # no inspection, no duty, no arrival record
    ts_declared="2026-03-03 09:00:00",
    ts_accepted="2026-03-03 09:01:00",
    ts_reviewed="2026-03-03 09:07:00",
    ts_released="2026-03-03 09:10:00",
)
ADVANCE = _row(  # declared before the goods arrived
    ts_arrival="2026-03-04 12:00:00",
    ts_declared="2026-03-04 09:00:00",
    ts_accepted="2026-03-04 09:20:00",
    ts_duty_paid="2026-03-04 10:20:00",  # duty without a review timestamp: not a stage
    ts_released="2026-03-04 13:00:00",
)


def test_stage_hours_full_declaration() -> None:
    h = stages.stage_hours(pd.DataFrame([FULL])).iloc[0]
    assert h["declare"] == pytest.approx(2.0)
    assert h["accept"] == pytest.approx(0.5)
    assert h["review"] == pytest.approx(1.5)
    assert h["duty"] == pytest.approx(3.0)
    assert h["inspect"] == pytest.approx(4.25)
    assert h["release"] == pytest.approx(2.0)
    assert h["overall"] == pytest.approx(10.75)
    assert h["customs"] == pytest.approx(8.25)


def test_missing_stages_are_excluded_not_zero() -> None:
    h = stages.stage_hours(pd.DataFrame([GREEN])).iloc[0]
    assert math.isnan(h["declare"]) and math.isnan(h["duty"]) and math.isnan(h["inspect"])
    assert math.isnan(h["overall"])
    assert h["accept"] == pytest.approx(1 / 60)
    assert h["review"] == pytest.approx(6 / 60)
    assert h["release"] == pytest.approx(3 / 60)  # from review, the latest step


def test_advance_declaration_and_release_after_duty() -> None:
    h = stages.stage_hours(pd.DataFrame([ADVANCE])).iloc[0]
    assert math.isnan(h["declare"])  # negative: left out
    assert math.isnan(h["review"]) and math.isnan(h["duty"])  # no review timestamp
    assert h["release"] == pytest.approx(2 + 40 / 60)  # from duty paid (10:20)
    assert h["overall"] == pytest.approx(1.0)


def test_timeline_in_time_order_with_gaps() -> None:
    steps = stages.timeline(FULL)
    assert [c for c, _, _ in steps] == [
        "ts_arrival", "ts_declared", "ts_accepted", "ts_reviewed", "ts_inspection_ordered",
        "ts_duty_paid", "ts_inspection_done", "ts_released",
    ]  # fmt: skip
    assert steps[0][2] is None
    assert steps[1][2] == pytest.approx(2.0)
    assert steps[-1][2] == pytest.approx(2.0)


def test_stage_medians_exclude_missing_stages() -> None:
    """Three declarations: inspection exists for one only, so its median is that one's."""
    frame = stages.stage_hours(pd.DataFrame([FULL, GREEN, ADVANCE]))
    from dashboard.histogram import bucket_of_hours

    rows = []
    for stage in stages.STAGES:
        b = bucket_of_hours(frame[stage]).dropna()
        one = {"stage": stage, "risk_lane": "RED", "inspection_method": "", "n": 1}
        rows += [{**one, "bucket": int(x)} for x in b]
    cols = ["stage", "risk_lane", "inspection_method", "bucket", "n"]
    overall, by = stage_table(list(pd.DataFrame(rows)[cols].itertuples(index=False)), "lane")
    got = overall.set_index("stage")
    assert got.loc["inspect", "n"] == 1
    assert got.loc["inspect", "p50"] == pytest.approx(4.25, rel=0.1)
    assert got.loc["duty", "n"] == 1 and got.loc["declare", "n"] == 1
    assert got.loc["accept", "n"] == 3
    assert list(overall["stage"]) == [s for s in stages.STAGES if s in set(overall["stage"])]
    assert set(by["group"]) == {"RED"}


def test_percentiles_per_group() -> None:
    hist = pd.DataFrame({"port_id": ["A", "A", "B"], "bucket": [40, 48, 56], "n": [1, 1, 4]})
    p = percentiles(hist, ["port_id"]).set_index("port_id")
    assert p.loc["B", "n"] == 4
    assert p.loc["A", "p50"] < p.loc["B", "p50"]
