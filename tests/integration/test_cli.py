"""The `python -m dashboard` commands as a user runs them: JSON summaries, exit codes,
status, and atomicity when the ingest process is killed mid-batch (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard import db, schema
from tests.factories import declaration, write_csv

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], url: str, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )  # type: ignore


def test_ingest_prints_one_json_line_per_file(db_url: str, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "a.csv", [declaration(i) for i in range(1, 6)])
    rows = [declaration(i) for i in range(6, 9)]
    rows[0]["currency"] = "XXX"
    mixed = write_csv(tmp_path / "b.csv", rows)
    out = run(["ingest", "declarations", str(good), str(mixed)], db_url)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [set(x) for x in lines] == [
        {
            "feed",
            "file",
            "rows_read",
            "accepted",
            "updated",
            "duplicates",
            "quarantined",
            "batch_id",
        }
    ] * 2
    assert (lines[0]["accepted"], lines[1]["accepted"], lines[1]["quarantined"]) == (5, 2, 1)
    again = run(["ingest", "declarations", str(good)], db_url)
    assert json.loads(again.stdout)["duplicates"] == 5

    status = run(["status", "--json"], db_url)
    feeds = json.loads(status.stdout)["feeds"]
    assert {(f["feed"], f["district_code"], f["rows"]) for f in feeds} == {
        ("declarations", "0200", 7)
    }
    assert feeds[0]["newest"].endswith("+08:00")


def test_whole_file_error_exits_non_zero_with_one_message(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "book.xlsx"
    bad.write_bytes(b"PK\x03\x04junk")
    out = run(["ingest", "declarations", str(bad)], sqlite_url)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        "error: book.xlsx: this is a ZIP/Excel workbook, not CSV; save it as 'CSV UTF-8' or "
        "export JSON Lines"
    ]
    unknown = run(["ingest", "shipments", str(bad)], sqlite_url)
    assert unknown.returncode == 2 and "unknown feed 'shipments'" in unknown.stderr


@pytest.mark.slow
def test_killed_ingest_leaves_database_as_before(db_url: str, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "first.csv", [declaration(i) for i in range(1, 11)])
    assert run(["ingest", "declarations", str(first)], db_url).returncode == 0
    big = write_csv(tmp_path / "big.csv", [declaration(i) for i in range(100, 200_100)])
    engine = db.make_engine(db_url)
    tables = [
        schema.declarations,
        schema.ingest_batches,
        schema.rollup_decl_daily,
        schema.rollup_decl_hourly,
        schema.quarantine,
        schema.feed_watermarks,
    ]

    def counts() -> list[int]:
        with engine.connect() as conn:
            return [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables]

    before = counts()
    env = {**os.environ, "DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "-v", "ingest", "declarations", str(big)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the first 50,000 rows are written, uncommitted
        if "rows processed" in line:
            break
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL, "ingest finished before it was killed"
    assert counts() == before
    # and the database still takes the same file afterwards
    assert run(["ingest", "declarations", str(first)], db_url).returncode == 0
    engine.dispose()
