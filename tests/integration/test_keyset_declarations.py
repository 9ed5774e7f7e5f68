"""Keyset paging of the District Analysis table: page 1 and page 200 hold the right rows,
and no row repeats or goes missing across pages, also while new rows arrive (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from dashboard import schema
from dashboard.ingest import ingest_records
from dashboard.queries import declarations as dq
from dashboard.queries.districts import Slice
from tests.conftest import NOW
from tests.factories import BASE, declaration

PAGE = 10
MARCH = Slice(first=date(BASE.year, BASE.month, 1), last=date(BASE.year, BASE.month, 1))


def _rows(serials: range, *, minutes_offset: int = 0, office: str = "0202") -> list[dict[str, str]]:
    # three declarations share each timestamp, so the entry_id tie-break matters
    return [
        declaration(
            s, declared=BASE + timedelta(minutes=minutes_offset + s // 3), office=office,
            port="0202" if office == "0202" else "0101",
        )
        for s in serials
    ]  # fmt: skip


def _expected(engine: Engine, newest_first: bool = True, district: str | None = None) -> list[str]:
    d = schema.declarations.c
    with engine.connect() as conn:
        raw = pd.DataFrame(
            conn.execute(select(d.entry_id, d.ts_declared, d.declare_district)).all()
        )
    if district:
        raw = raw[raw["declare_district"] == district]
    raw = raw.sort_values(["ts_declared", "entry_id"], ascending=not newest_first)
    return raw["entry_id"].tolist()


def _walk(engine: Engine, f: dq.RowFilter, scope: tuple[str, ...] | None, newest_first: bool = True,
          between: object = None) -> list[list[str]]:  # fmt: skip
    pages: list[list[str]] = []
    after = None
    while True:
        frame = dq.page(engine, f, scope, after=after, newest_first=newest_first, limit=PAGE)
        if frame.empty:
            return pages
        pages.append(frame["entry_id"].tolist())
        after = dq.cursor_of(frame)
        if callable(between):
            between(len(pages))


def test_page_1_and_page_200_and_full_walk(engine: Engine) -> None:
    ingest_records(engine, "declarations", _rows(range(1, 2101)), name="a", source="t", now=NOW)
    ingest_records(
        engine, "declarations", _rows(range(1, 301), office="0101"), name="b", source="t", now=NOW
    )
    f = dq.RowFilter(MARCH)
    expected = _expected(engine)
    pages = _walk(engine, f, None)
    assert pages[0] == expected[:PAGE]
    assert pages[199] == expected[199 * PAGE : 200 * PAGE]
    flat = [e for p in pages for e in p]
    assert flat == expected and len(set(flat)) == len(expected) == 2400
    oldest = _walk(engine, f, None, newest_first=False)
    assert [e for p in oldest for e in p] == expected[::-1]


def test_filters_and_scope(engine: Engine) -> None:
    ingest_records(engine, "declarations", _rows(range(1, 401)), name="a", source="t", now=NOW)
    ingest_records(
        engine, "declarations", _rows(range(1, 201), office="0101"), name="b", source="t", now=NOW
    )
    tianjin = _expected(engine, district="0200")
    by_district = dq.RowFilter(Slice(MARCH.first, MARCH.last, district="0200"))
    assert [e for p in _walk(engine, by_district, None) for e in p] == tianjin
    # a Beijing-only user sees no Tianjin row, whatever the filter asks for
    assert _walk(engine, by_district, ("0100",)) == []
    beijing = [e for p in _walk(engine, dq.RowFilter(MARCH), ("0100",)) for e in p]
    assert beijing == _expected(engine, district="0100")
    # another month: nothing
    april = date(BASE.year + (BASE.month // 12), BASE.month % 12 + 1, 1)
    assert _walk(engine, dq.RowFilter(Slice(april, april)), None) == []
    assert dq.count_capped(engine, dq.RowFilter(MARCH), None, 100) == 101
    assert dq.count_capped(engine, by_district, None, 10_000) == 400


def test_no_repeat_or_gap_while_rows_arrive(engine: Engine) -> None:
    ingest_records(engine, "declarations", _rows(range(1, 601)), name="a", source="t", now=NOW)
    before = set(_expected(engine))
    serial = iter(range(10_000, 20_000))

    def arrive(n_pages: int) -> None:
        # after each page: newer rows (sort before page 1) and rows with old timestamps
        rows = [declaration(next(serial), declared=BASE + timedelta(minutes=500 + n_pages))]
        rows.append(declaration(next(serial), declared=BASE + timedelta(minutes=n_pages % 200)))
        ingest_records(engine, "declarations", rows, name=f"n{n_pages}", source="t", now=NOW)

    pages = _walk(engine, dq.RowFilter(MARCH), None, between=arrive)
    flat = [e for p in pages for e in p]
    assert len(flat) == len(set(flat)), "a row repeated"
    assert before <= set(flat), "a row present from the start went missing"
    ts = dict(zip(*_ts_of(engine), strict=True))
    keys = [(ts[e], e) for e in flat]
    assert keys == sorted(keys, reverse=True)  # strictly in keyset order throughout


def _ts_of(engine: Engine) -> tuple[list[str], list[object]]:
    d = schema.declarations.c
    with engine.connect() as conn:
        rows = conn.execute(select(d.entry_id, d.ts_declared)).all()
    return [r[0] for r in rows], [r[1] for r in rows]


def test_stream_reads_every_row_in_chunks(engine: Engine) -> None:
    ingest_records(engine, "declarations", _rows(range(1, 251)), name="a", source="t", now=NOW)
    rows = list(dq.stream(engine, dq.RowFilter(MARCH), None, ("entry_id", "ts_declared"), chunk=7))
    assert [r[0] for r in rows] == _expected(engine)
