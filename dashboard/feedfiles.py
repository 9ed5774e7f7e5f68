"""Reading feed files: size, format and encoding checks, then chunks of raw string cells.

`open_feed` does every whole-file check before the caller writes anything: the size limit,
CSV or JSON Lines, UTF-8 (with or without BOM) or GB18030, and the presence of the feed's
required columns. It then hands back a lazy iterator of `Chunk`s: the cells of up to
CHUNK_ROWS records as strings, each with its line number and the raw record kept whole for
quarantine. Records that cannot even be split into the header's columns (wrong number of
fields, a JSON line that is not an object) come back in `Chunk.broken` with their reason.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from dashboard.contract import Feed

CHUNK_ROWS = 50_000
SNIFF_BYTES = 1 << 16
FIELD_LIMIT = 1 << 24  # 16 MB per field for the exact reader


class FileError(Exception):
    """A problem with a whole file (or request); the message says what to do about it."""


@dataclass
class Chunk:
    """Up to CHUNK_ROWS records of one file."""

    frame: pd.DataFrame
    line_no: Sequence[int]
    raw_row: Callable[[int], str]
    broken: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class OpenedFeed:
    """A file that passed the whole-file checks."""

    encoding: str
    chunks: Iterator[Chunk]


def open_feed(feed: Feed, path: Path, *, max_bytes: int | None = None) -> OpenedFeed:
    """Check a feed file as a whole and return its chunks.

    Args:
        feed: contract of the feed.
        path: the file.
        max_bytes: size limit.

    Returns:
        The detected encoding and a lazy chunk iterator.

    Raises:
        FileError: file missing, too large, not CSV/JSONL, undecodable, or required
            columns missing.
    """
    if not path.is_file():
        raise FileError(f"{path}: no such file")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise FileError(
            f"{path.name}: {size:,} bytes is over the limit of {max_bytes:,} bytes;"
            " split the file into smaller batches"
        )
    head = path.open("rb").read(SNIFF_BYTES)
    _reject_binary(path, head)
    encoding = detect_encoding(path)
    kind = _kind(path, head, encoding)
    if kind == "jsonl":
        return OpenedFeed(encoding, _jsonl_chunks(feed, path, encoding))
    return OpenedFeed(encoding, _csv_chunks(feed, path, encoding))


def _reject_binary(path: Path, head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise FileError(
            f"{path.name}: this is a ZIP/Excel workbook, not CSV; save it as "
            "'CSV UTF-8' or export JSON Lines"
        )
    if head.startswith(b"%PDF"):
        raise FileError(f"{path.name}: this is a PDF, not a CSV or JSON Lines feed")
    if b"\x00" in head:
        raise FileError(
            f"{path.name}: contains NUL bytes, so it is binary (or UTF-16), not a "
            "CSV/JSON Lines text file; save it as UTF-8"
        )


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' when the whole file decodes as UTF-8, else 'gb18030'.

    Raises:
        FileError: when it is neither, with the byte offset of the first bad byte.
    """
    errors: list[str] = []
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset = 0
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    decoder.decode(block)
                    offset += len(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            errors.append(f"{encoding}: bad byte at offset {offset + exc.start}")
    raise FileError(
        f"{path.name}: not readable as UTF-8 or GB18030 ({'; '.join(errors)});"
        " re-export the file as UTF-8"
    )


def _kind(path: Path, head: bytes, encoding: str) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".csv", ".txt"}:
        return "csv"
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff").lstrip()
    if text.startswith("{"):
        return "jsonl"
    if "," in text.split("\n", 1)[0]:
        return "csv"
    raise FileError(
        f"{path.name}: neither CSV (comma-separated, header row first) nor JSON "
        "Lines (one JSON object per line); name it .csv or .jsonl"
    )


def _check_columns(feed: Feed, columns: list[str], path_name: str) -> None:
    missing = [c for c in feed.required if c not in columns]
    if not missing:
        return
    hint = ""
    if len(columns) == 1 and any(sep in columns[0] for sep in (";", "\t", "|")):
        hint = " (the header is not comma-separated; the contract requires commas)"
    raise FileError(
        f"{path_name}: missing required {feed.name} columns: {', '.join(missing)}"
        f"{hint}; see docs/data-contract.md"
    )


def _frame(feed: Feed, header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    wanted = [c for c in feed.columns if c in header]
    pos = {c: header.index(c) for c in wanted}
    data = {c: [r[pos[c]] for r in rows] for c in wanted}
    return pd.DataFrame(data, dtype="str")


def _csv_chunks(feed: Feed, path: Path, encoding: str) -> Iterator[Chunk]:
    with path.open(encoding=encoding, newline="") as fh:
        header = [h.strip().lstrip("\ufeff") for h in next(csv.reader(fh), [])]
    if not header or header == [""]:
        raise FileError(f"{path.name}: empty file, no header row")
    _check_columns(feed, header, path.name)
    table = _arrow_table(path, encoding, header)
    if table is None:  # some row has the wrong number of fields: the exact, slower reader
        return _csv_iter(feed, path, encoding, header)
    return _arrow_iter(feed, table)


def _arrow_table(path: Path, encoding: str, header: list[str]) -> pa.Table | None:
    """The whole file parsed by Arrow's C++ CSV reader, all columns as strings.

    Returns None when any row has the wrong number of fields: those rows must be quarantined
    with exact line numbers, which the line-by-line reader gives.
    """
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=encoding.replace("utf-8-sig", "utf8"), column_names=header, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):  # e.g. one enormous field: read exactly
        return None
    return None if invalid else table


def _arrow_iter(feed: Feed, table: pa.Table) -> Iterator[Chunk]:
    """Chunks of the Arrow table; line numbers count newlines inside quoted values."""
    embedded = np.zeros(table.num_rows, dtype=np.int64)
    for name in table.column_names:
        embedded += pc.count_substring(table[name], "\n").to_numpy(zero_copy_only=False)
    line_no = 2 + np.arange(table.num_rows) + np.concatenate(([0], np.cumsum(embedded)[:-1]))
    wanted = [c for c in feed.columns if c in table.column_names]
    for start in range(0, table.num_rows, CHUNK_ROWS):
        part = table.slice(start, CHUNK_ROWS)
        frame = part.select(wanted).to_pandas(
            types_mapper=lambda _t: pd.StringDtype("pyarrow", np.nan)
        )
        yield Chunk(frame, line_no[start : start + part.num_rows].tolist(), _arrow_raw(part), [])


def _arrow_raw(part: pa.Table) -> Callable[[int], str]:
    def raw(i: int) -> str:
        return json.dumps(
            {k: v[0] for k, v in part.slice(i, 1).to_pydict().items()}, ensure_ascii=False
        )

    return raw


def _csv_iter(feed: Feed, path: Path, encoding: str, header: list[str]) -> Iterator[Chunk]:
    csv.field_size_limit(min(sys.maxsize, FIELD_LIMIT))
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows: list[list[str]] = []
        lines: list[int] = []
        broken: list[tuple[int, str, str]] = []
        last_line = reader.line_num
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if not record:  # a truly blank line is not a record
                continue
            if len(record) != len(header):
                reason = (
                    f"row has {len(record)} fields but the header has {len(header)} "
                    "(check quoting of commas)"
                )
                broken.append((start, reason, json.dumps(record, ensure_ascii=False)))
            else:
                rows.append(record)
                lines.append(start)
            if len(rows) + len(broken) >= CHUNK_ROWS:
                yield _csv_chunk(feed, header, rows, lines, broken)
                rows, lines, broken = [], [], []
        if rows or broken:
            yield _csv_chunk(feed, header, rows, lines, broken)


def _csv_chunk(
    feed: Feed,
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    broken: list[tuple[int, str, str]],
) -> Chunk:
    def raw(i: int) -> str:
        return json.dumps(dict(zip(header, rows[i], strict=True)), ensure_ascii=False)

    return Chunk(_frame(feed, header, rows), lines, raw, broken)


def _jsonl_chunks(feed: Feed, path: Path, encoding: str) -> Iterator[Chunk]:
    with path.open(encoding=encoding) as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line.lstrip("\ufeff"))
                except json.JSONDecodeError as exc:
                    raise FileError(
                        f"{path.name}: first line is not JSON ({exc.msg}); JSON "
                        "Lines needs one JSON object per line"
                    ) from None
                if isinstance(first, dict):
                    _check_columns(feed, list(first), path.name)
                break
    return _jsonl_iter(feed, path, encoding)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_object(text: str) -> tuple[dict[str, Any] | None, str]:
    """The JSON object on one line, or None and the reason it is not one."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"line is not valid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(obj, dict):
        return None, "line is JSON but not an object {...}"
    return obj, ""


def _jsonl_iter(feed: Feed, path: Path, encoding: str) -> Iterator[Chunk]:
    records: list[dict[str, str]] = []
    lines: list[int] = []
    raws: list[str] = []
    broken: list[tuple[int, str, str]] = []
    with path.open(encoding=encoding) as fh:
        for number, line in enumerate(fh, start=1):
            text = line.rstrip("\r\n").lstrip("\ufeff")
            if not text.strip():
                continue
            obj, reason = _json_object(text)
            if obj is None:
                broken.append((number, reason, text))
            else:
                records.append({k: _cell(v) for k, v in obj.items()})
                lines.append(number)
                raws.append(text)
            if len(records) + len(broken) >= CHUNK_ROWS:
                yield _records_chunk(feed, records, lines, raws.__getitem__, broken)
                records, lines, raws, broken = [], [], [], []
    if records or broken:
        yield _records_chunk(feed, records, lines, raws.__getitem__, broken)


def _records_chunk(
    feed: Feed,
    records: list[dict[str, str]],
    lines: list[int],
    raw_of: Callable[[int], str],
    broken: list[tuple[int, str, str]],
) -> Chunk:
    frame = pd.DataFrame({c: [r.get(c, "") for r in records] for c in feed.columns}, dtype="str")
    missing = [[c for c in feed.required if c not in r] for r in records]
    if any(missing):
        keep = [i for i, m in enumerate(missing) if not m]
        for i, m in enumerate(missing):
            if m:
                broken.append((lines[i], f"missing required fields: {', '.join(m)}", raw_of(i)))
        frame = frame.iloc[keep].reset_index(drop=True)
        lines = [lines[i] for i in keep]
        kept_raw = raw_of
        return Chunk(frame, lines, lambda j: kept_raw(keep[j]), broken)
    return Chunk(frame, lines, raw_of, broken)


def records_chunks(feed: Feed, records: list[dict[str, str]]) -> Iterator[Chunk]:
    """Chunks for in-memory records (numbered from 1), e.g. from the simulator or the API.

    Raises:
        FileError: when the first record lacks required columns.
    """
    if records:
        _check_columns(feed, list(records[0]), "records")
    for start in range(0, len(records), CHUNK_ROWS):
        part = records[start : start + CHUNK_ROWS]
        yield _records_chunk(
            feed,
            [{k: _cell(v) for k, v in r.items()} for r in part],
            list(range(start + 1, start + len(part) + 1)),
            lambda i, part=part: json.dumps(part[i], ensure_ascii=False, default=str),  # type: ignore[misc]
            [],
        )
