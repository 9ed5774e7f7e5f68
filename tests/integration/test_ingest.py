"""Ingest guarantees on SQLite and on real PostgreSQL: conservation, quarantine,
idempotency, updates, whole-file errors, encodings, JSON Lines."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, func, select

from dashboard import schema
from dashboard.ingest import FileError, ingest_file, ingest_records
from tests.conftest import NOW
from tests.factories import BASE, columns, declaration, incident, write_csv, write_jsonl


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every fact, rollup and bookkeeping row, sorted, for before/after comparisons."""
    tables = [
        *schema.FACT_TABLES.values(),
        schema.quarantine,
        schema.feed_watermarks,
        *[t for t in schema.metadata.sorted_tables if t.name.startswith("rollup_")],
    ]
    out = {}
    with engine.connect() as conn:
        for table in tables:
            cols = [
                c
                for c in table.columns
                if c.name not in ("batch_id", "last_batch_id", "last_loaded_at")
            ]
            out[table.name] = sorted(tuple(map(str, r)) for r in conn.execute(select(*cols)))
    return out


def count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def mixed_rows() -> list[dict[str, str]]:
    rows = [declaration(i) for i in range(1, 9)]
    rows[2]["trade_mode"] = "0999"
    rows[4]["ts_released"] = ""  # RELEASED without release time
    rows[6]["entry_id"] = "12345"
    return rows


def test_conservation_and_quarantine_reasons(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", mixed_rows())
    r = ingest_file(engine, "declarations", path, now=NOW)
    assert (r.rows_read, r.accepted, r.updated, r.duplicates, r.quarantined) == (8, 5, 0, 0, 3)
    assert r.rows_read == r.accepted + r.updated + r.duplicates + r.quarantined
    with engine.connect() as conn:
        q = conn.execute(select(schema.quarantine).order_by(schema.quarantine.c.line_no)).fetchall()
    assert [row.line_no for row in q] == [4, 6, 8]  # header is line 1
    assert "trade_mode 0999 is not a known trade mode code" in q[0].reason
    assert "status RELEASED needs ts_released" in q[1].reason
    assert "entry_id '12345' does not match the format" in q[2].reason
    raw = json.loads(q[0].raw)
    assert raw == {k: v for k, v in mixed_rows()[2].items()}  # kept whole
    assert count(engine, schema.declarations) == 5


def test_line_numbers_with_multiline_field_and_broken_row(engine: Engine, tmp_path: Path) -> None:
    rows = [incident(1, title="line one\nline two"), incident(2), incident(3)]
    rows[2]["severity"] = "V"
    path = write_csv(tmp_path / "i.csv", rows, columns=columns("incidents"))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("too,few,fields\n")
    r = ingest_file(engine, "incidents", path, now=NOW)
    assert (r.rows_read, r.accepted, r.quarantined) == (4, 2, 2)
    with engine.connect() as conn:
        q = conn.execute(select(schema.quarantine).order_by(schema.quarantine.c.line_no)).fetchall()
    # incident 1 spans lines 2-3, incident 2 is line 4, incident 3 line 5, the broken row 6
    assert [(row.line_no, row.reason.split(" ")[0]) for row in q] == [(5, "severity"), (6, "row")]
    assert "severity V is not a known severity code" in q[0].reason
    assert "has 3 fields but the header has" in q[1].reason


def test_reload_is_idempotent(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", mixed_rows())
    ingest_file(engine, "declarations", path, now=NOW)
    before = snapshot(engine)
    before.pop("quarantine")
    r = ingest_file(engine, "declarations", path, now=NOW)
    assert (r.accepted, r.updated, r.duplicates, r.quarantined) == (0, 0, 5, 3)
    after = snapshot(engine)
    after.pop("quarantine")  # the bad rows are quarantined again, under the new batch
    assert after == before


def test_overlapping_file_and_corrected_row_update_record_and_rollups(
    engine: Engine, tmp_path: Path
) -> None:
    first = [declaration(i, hours=2) for i in range(1, 6)]
    ingest_file(engine, "declarations", write_csv(tmp_path / "a.csv", first), now=NOW)
    corrected = declaration(3, hours=30, value=50000)
    second = [first[3], corrected, declaration(6)]  # one repeat, one fix, one new
    r = ingest_file(engine, "declarations", write_csv(tmp_path / "b.csv", second), now=NOW)
    assert (r.accepted, r.updated, r.duplicates) == (1, 1, 1)
    with engine.connect() as conn:
        rec = conn.execute(
            select(schema.declarations).where(
                schema.declarations.c.entry_id == corrected["entry_id"]
            )
        ).one()
        daily = conn.execute(
            select(
                func.sum(schema.rollup_decl_daily.c.declared_n),
                func.sum(schema.rollup_decl_daily.c.declared_value_usd),
                func.sum(schema.rollup_decl_daily.c.customs_h_sum),
            )
        ).one()
        hist = conn.execute(select(func.sum(schema.rollup_clearance_hist.c.customs_n))).scalar()
    assert rec.declared_value == 50000 and rec.customs_h == pytest.approx(30)
    assert daily[0] == 6 and daily[1] == pytest.approx(4 * 10000 + 50000 + 10000)
    assert daily[2] == pytest.approx(4 * 2 + 30 + 5)
    assert hist == 6


def test_repeated_key_within_file(engine: Engine, tmp_path: Path) -> None:
    a = declaration(1)
    b = declaration(1, value=99.0)
    r = ingest_file(engine, "declarations", write_csv(tmp_path / "d.csv", [a, a, b]), now=NOW)
    assert (r.rows_read, r.accepted, r.updated, r.duplicates) == (3, 1, 1, 1)
    with engine.connect() as conn:
        assert conn.execute(select(schema.declarations.c.declared_value)).scalar_one() == 99.0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(engine: Engine, tmp_path: Path, encoding: str) -> None:
    rows = [incident(1, title="天津港大雾，闸口关闭"), incident(2)]
    path = write_csv(tmp_path / "i.csv", rows, encoding=encoding, columns=columns("incidents"))
    r = ingest_file(engine, "incidents", path, now=NOW)
    assert r.accepted == 2
    with engine.connect() as conn:
        titles = sorted(conn.execute(select(schema.incidents.c.title)).scalars())
    assert "天津港大雾，闸口关闭" in titles


def test_jsonl_with_bad_line(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [declaration(1), declaration(2)])
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"entry_id": "broken"\n[1, 2]\n')
    r = ingest_file(engine, "declarations", path, now=NOW)
    assert (r.rows_read, r.accepted, r.quarantined) == (4, 2, 2)
    with engine.connect() as conn:
        reasons = [row.reason for row in conn.execute(select(schema.quarantine))]
    assert any("not valid JSON" in x for x in reasons)
    assert any("not an object" in x for x in reasons)


def test_future_timestamps_are_quarantined(engine: Engine) -> None:
    row = declaration(1, declared=NOW + timedelta(hours=2))
    r = ingest_records(engine, "declarations", [row], name="api", source="test", now=NOW)
    assert r.quarantined == 1


def _nothing_written(engine: Engine) -> None:
    assert count(engine, schema.ingest_batches) == 0
    assert count(engine, schema.quarantine) == 0
    assert count(engine, schema.declarations) == 0


@pytest.mark.parametrize(
    "case",
    ["xlsx", "missing", "bytes", "too_big", "semicolon", "empty", "unknown_feed", "not_json"],
)
def test_whole_file_problems_write_nothing(engine: Engine, tmp_path: Path, case: str) -> None:
    feed, max_bytes = "declarations", None
    path = tmp_path / "f.csv"
    if case == "xlsx":
        path = tmp_path / "f.xlsx"
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
        expect = "ZIP/Excel"
    elif case == "missing":
        rows = [{k: v for k, v in declaration(1).items() if k != "currency"}]
        write_csv(path, rows)
        expect = "missing required declarations columns: currency"
    elif case == "bytes":
        path.write_bytes(b"entry_id,ie_flag\n" + b"\xff\xfe\xfa\x81\x30" * 10)
        expect = "not readable as UTF-8 or GB18030"
    elif case == "too_big":
        write_csv(path, [declaration(i) for i in range(1, 50)])
        max_bytes = 1000
        expect = "over the limit of 1,000 bytes"
    elif case == "semicolon":
        path.write_text("entry_id;ie_flag;status\n1;2;3\n", encoding="utf-8")
        expect = "not comma-separated"
    elif case == "empty":
        path.write_text("", encoding="utf-8")
        expect = "empty file"
    elif case == "unknown_feed":
        write_csv(path, [declaration(1)])
        feed, expect = "shipments", "unknown feed 'shipments'"
    else:
        path = tmp_path / "f.jsonl"
        path.write_text("this is not json\n", encoding="utf-8")
        expect = "first line is not JSON"
    with pytest.raises(FileError, match=expect.replace("(", r"\(")):
        ingest_file(engine, feed, path, now=NOW, max_bytes=max_bytes)
    _nothing_written(engine)


def test_watermarks_track_rows_and_newest(engine: Engine) -> None:
    rows = [declaration(i, office="0202") for i in range(1, 4)] + [declaration(9, office="0101")]
    ingest_records(engine, "declarations", rows, name="t", source="test", now=NOW)
    with engine.connect() as conn:
        wm = {r.district_code: r for r in conn.execute(select(schema.feed_watermarks))}
    assert wm["0200"].rows == 3 and wm["0100"].rows == 1
    assert wm["0200"].newest_ts == BASE + timedelta(minutes=17 * 3)


def test_hour_only_offset_and_z(engine: Engine) -> None:
    rows = [declaration(1), declaration(2)]
    rows[0]["ts_arrival"] = rows[0]["ts_arrival"].replace("+08:00", "+08")
    rows[1]["ts_arrival"] = "2026-03-01T21:00:00Z"  # 05:00 Beijing time
    r = ingest_records(engine, "declarations", rows, name="t", source="test", now=NOW)
    assert (r.accepted, r.quarantined) == (2, 0)
    with engine.connect() as conn:
        arrivals = sorted(conn.execute(select(schema.declarations.c.ts_arrival)).scalars())
    assert [a.strftime("%H:%M") for a in arrivals] == ["05:00", "05:17"]


def test_blank_and_empty_string_lines_keep_count_and_line_numbers(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [declaration(i) for i in range(1, 5)]
    rows[3]["trade_mode"] = "0999"
    path = write_csv(tmp_path / "d.csv", rows[:2])
    with path.open("a", encoding="utf-8") as fh:
        fh.write('\n""\n')  # line 4 blank (not a record), line 5 a one-field record
    write_csv(tmp_path / "tail.csv", rows[2:])
    tail = (tmp_path / "tail.csv").read_text(encoding="utf-8").split("\n", 1)[1]
    with path.open("a", encoding="utf-8") as fh:
        fh.write(tail)  # lines 6 and 7
    r = ingest_file(engine, "declarations", path, now=NOW)
    assert (r.rows_read, r.accepted, r.quarantined) == (5, 3, 2)
    with engine.connect() as conn:
        q = conn.execute(select(schema.quarantine).order_by(schema.quarantine.c.line_no)).fetchall()
    assert [row.line_no for row in q] == [5, 7]
    assert "0999" in q[1].reason


def test_json_null_line_is_quarantined_not_lost(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [declaration(1)])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("null\n")
    r = ingest_file(engine, "declarations", path, now=NOW)
    assert (r.rows_read, r.accepted, r.quarantined) == (2, 1, 1)
