"""CSV export: formula-injection escaping and streaming."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.export import BOM, csv_chunks, escape_cell, frame_to_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@HYPERLINK(x)", "'@HYPERLINK(x)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("北京海关", "北京海关"),
        ("a=b", "a=b"),
        (-0.125, "-0.125"),
        (42, "42"),
        (None, ""),
        (float("nan"), ""),
        (True, "true"),
        (datetime(2026, 11, 25, 9, 30, 5), "2026-11-25 09:30:05"),
        (date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_escape_cell(value: object, expected: str) -> None:
    assert escape_cell(value) == expected


def test_csv_chunks_streams_in_batches_and_round_trips() -> None:
    rows = ([i, f"=row{i}", "天津"] for i in range(5001))
    chunks = list(csv_chunks(["n", "formula", "name"], rows, batch=1000))
    assert len(chunks) == 6  # 5 full batches, then the last row
    text = "".join(chunks)
    assert text.startswith(BOM)
    parsed = list(csv.reader(io.StringIO(text[1:])))
    assert parsed[0] == ["n", "formula", "name"]
    assert len(parsed) == 5002
    assert parsed[5001] == ["5000", "'=row5000", "天津"]


def test_frame_to_csv_escapes_header_and_cells() -> None:
    frame = pd.DataFrame({"=x": ["-1+1", "ok"], "v": [1.5, -2.0]})
    parsed = list(csv.reader(io.StringIO(frame_to_csv(frame)[1:])))
    assert parsed == [["'=x", "v"], ["'-1+1", "1.5"], ["ok", "-2.0"]]
