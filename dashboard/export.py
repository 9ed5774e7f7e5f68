"""CSV exports: formula-injection escaping and streamed writing.

Every export of the app goes through here, so a cell a spreadsheet would run as a formula
(`=`, `+`, `-`, `@`, tab or carriage return first; OWASP "CSV injection") is always written
as text with a leading apostrophe, and a large export is written row by row instead of
being built in memory. Files start with a UTF-8 BOM so Excel reads Chinese names correctly.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Final

import pandas as pd

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
BOM: Final = "\ufeff"


def escape_cell(value: Any) -> str:
    """`value` as CSV cell text that no spreadsheet evaluates.

    Numbers stay numbers (a negative growth rate is written as -0.12, not as text);
    any text starting with a formula character gets a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 2000
) -> Iterator[str]:
    """Stream a CSV file (BOM, header, rows) as text chunks of about `batch` rows each.

    Memory stays bounded by one batch whatever the number of rows, so a caller can feed a
    server-side cursor straight into a streamed HTTP response.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([escape_cell(h) for h in header])
    pending = 0
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
        pending += 1
        if pending >= batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def frame_to_csv(frame: pd.DataFrame) -> str:
    """A whole (small) DataFrame as escaped CSV text, e.g. the data behind one chart."""
    rows = frame.itertuples(index=False, name=None)
    return "".join(csv_chunks([str(c) for c in frame.columns], rows))
