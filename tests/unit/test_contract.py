"""The contract: documentation in sync, example rows valid, parsing rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard.contract import FEEDS
from dashboard.contract_doc import render
from dashboard.validate import parse_timestamps, validate

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0)


def test_committed_contract_doc_is_current() -> None:
    committed = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m dashboard contract-doc"


@pytest.mark.parametrize("feed", list(FEEDS))
def test_example_row_of_each_feed_is_valid(feed: str) -> None:
    spec = FEEDS[feed]
    frame = pd.DataFrame([{f.name: f.example for f in spec.fields}], dtype=object)
    checked = validate(spec, frame, NOW)
    assert list(checked.bad_reasons) == []
    assert len(checked.good) == 1


def test_timestamps_with_and_without_offset_become_beijing_time() -> None:
    values = pd.Series(
        [
            "2025-03-03T01:02:00Z",
            "2025-03-03T09:02:00+08:00",
            "2025-03-03 09:02",
            "2025-03-03T10:02:00+09:00",
            "",
            "yesterday",
        ]
    )
    out = parse_timestamps(values)
    assert list(out[:4]) == [pd.Timestamp("2025-03-03 09:02")] * 4
    assert out[4:].isna().all()


def test_codes_padded_booleans_and_reasons() -> None:
    spec = FEEDS["declarations"]
    row = {f.name: f.example for f in spec.fields}
    rows = [
        dict(row, trade_mode="110", inspection_flag="否"),
        dict(
            row,
            entry_id="020220251000000009",
            currency="usd",
            inspection_flag="maybe",
            ts_released="2030-01-01T00:00:00+08:00",
        ),
    ]
    checked = validate(spec, pd.DataFrame(rows, dtype=object), NOW)
    assert list(checked.good["trade_mode"]) == ["0110"]
    assert checked.good["inspection_flag"].tolist() == [False]
    reason = checked.bad_reasons.iloc[0]
    assert "inspection_flag 'maybe' is not true/false" in reason
    assert "ts_released 2030-01-01T00:00:00+08:00 is in the future" in reason
    assert "currency" not in reason  # lower-case codes are accepted
