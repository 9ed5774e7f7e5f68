"""The Command Center benchmark harness runs end to end on a small seeded database: every
replayed callback answers 200 with data, and a JSON line is recorded per scenario. This
checks the harness, not timings (timings are recorded by hand in bench/README.md)."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from dashboard.i18n import beijing_now
from tests.browser.seed_live import seed_live

BENCH = Path(__file__).resolve().parents[2] / "bench" / "command_center_bench.py"


def load_bench(path: Path) -> Any:
    """Import a bench script as a module (bench/ is not a package; the scripts import
    each other by name)."""
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = bench
    spec.loader.exec_module(bench)
    return bench


def test_command_center_bench_smoke(sqlite_url: str, sqlite_engine: Engine, tmp_path: Path) -> None:
    seed_live(sqlite_engine, beijing_now())
    bench = load_bench(BENCH)
    out = tmp_path / "results.jsonl"
    rc = bench.main(["--database-url", sqlite_url, "--reps", "2", "--out", str(out)])
    assert rc == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    callbacks = {line.get("callback") for line in lines}
    assert {"refresh_kpis", "refresh_map", "refresh_board", "refresh_alarms"} <= callbacks
    assert len(lines) >= 10


SERVICE_BENCH = Path(__file__).resolve().parents[2] / "bench" / "service_bench.py"


def test_service_bench_smoke(sqlite_url: str, sqlite_engine: Engine, tmp_path: Path) -> None:
    from dashboard.ingest import ingest_records
    from tests.integration.test_service_rollups import inquiry

    now = beijing_now()
    rows = [inquiry(i, received=now - timedelta(days=3 * i)) for i in range(1, 6)]
    ingest_records(sqlite_engine, "inquiries", rows, name="svc", source="test", now=now)
    bench = load_bench(SERVICE_BENCH)
    out = tmp_path / "service.jsonl"
    rc = bench.main(["--database-url", sqlite_url, "--reps", "2", "--out", str(out)])
    assert rc == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    callbacks = {line["callback"] for line in lines}
    assert {"update_kpis", "update_volume", "update_times", "update_escalations"} <= callbacks
    assert len(lines) == 2 * 3 * len(callbacks)  # regimes x views x callbacks
    assert all(line["inquiries"] == 5 for line in lines)


DIST_BENCH = Path(__file__).resolve().parents[2] / "bench" / "districts_bench.py"


def test_districts_bench_smoke(sqlite_url: str, sqlite_engine: Engine, tmp_path: Path) -> None:
    """The District Analysis bench runs every callback, page 1 and a deep page of the table
    (page 3 here; page 200 in recorded runs)."""
    from dashboard.ingest import ingest_records
    from tests.factories import declaration

    now = beijing_now().replace(microsecond=0)
    from datetime import timedelta

    rows = [declaration(i, declared=now - timedelta(minutes=3 * i)) for i in range(1, 400)]
    ingest_records(sqlite_engine, "declarations", rows, name="smoke", source="test", now=now)
    bench = load_bench(DIST_BENCH)
    out = tmp_path / "districts.jsonl"
    args = ["--database-url", sqlite_url, "--reps", "1", "--regimes", "cold", "--deep-page", "3"]
    args += ["--district", "0200", "--port", "TJ-XG", "--out", str(out)]
    assert bench.main(args) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    names = {line["callback"] for line in lines}
    assert {"update_kpis", "update_stages", "update_table", "show_detail"} <= names
    assert {line.get("page") for line in lines if line["callback"] == "update_table"} == {1, 3}


TRADE_BENCH = Path(__file__).resolve().parents[2] / "bench" / "trade_bench.py"


def test_trade_bench_smoke(sqlite_url: str, sqlite_engine: Engine, tmp_path: Path) -> None:
    """The Trade Trends bench replays every callback (and the CSV export) for a short and a
    five-year view; every answer is 200 with data."""
    from dashboard.ingest import ingest_records
    from tests.factories import declaration

    now = beijing_now().replace(microsecond=0)
    rows = [declaration(i, declared=now - timedelta(hours=30 * i + 24)) for i in range(1, 300)]
    ingest_records(sqlite_engine, "declarations", rows, name="smoke", source="test", now=now)
    bench = load_bench(TRADE_BENCH)
    out = tmp_path / "trade.jsonl"
    args = ["--database-url", sqlite_url, "--reps", "2", "--views", "month-day,5y-month"]
    assert bench.main([*args, "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    callbacks = {line["callback"] for line in lines}
    assert {"update_state", "refresh_kpis", "refresh_value", "refresh_clearance"} <= callbacks
    assert {"refresh_mix", "refresh_integration", "csv:value", "csv:od"} <= callbacks
    assert all(line["declarations"] == 299 for line in lines)
    figures = [line["figure_bytes"] for line in lines if line["figure_bytes"]]
    assert figures and max(figures) < 150_000


COPY_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "copy_database.py"


@pytest.mark.postgres
def test_copy_database_smoke(sqlite_url: str, sqlite_engine: Engine, pg_url: str) -> None:
    """bench/copy_database.py creates a missing PostgreSQL database, copies a small seeded
    SQLite database into it with every table's count equal, and moves sequences past the
    copied keys. (`pg_url` skips with the reason when PostgreSQL is not reachable, and
    fails under CI/REQUIRE_SERVICES; the copy goes to a second random name, dropped here.)"""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from dashboard.ingest import ingest_records
    from dashboard.schema import metadata
    from tests.factories import declaration

    now = beijing_now().replace(microsecond=0)
    rows = [declaration(i, declared=now - timedelta(hours=7 * i)) for i in range(1, 120)]
    ingest_records(sqlite_engine, "declarations", rows, name="smoke", source="test", now=now)
    target_url = make_url(pg_url)
    target_url = target_url.set(database=f"{target_url.database}_copy")
    target = target_url.render_as_string(hide_password=False)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        assert load_bench(COPY_SCRIPT).main([sqlite_url, target, "--chunk", "50"]) == 0
        copied = create_engine(target)
        try:
            with sqlite_engine.connect() as src, copied.connect() as dst:
                for table in metadata.sorted_tables:
                    query = text(f'SELECT count(*) FROM "{table.name}"')
                    assert src.execute(query).scalar() == dst.execute(query).scalar(), table.name
                assert dst.execute(text("SELECT count(*) FROM declarations")).scalar() == 119
                top = dst.execute(text("SELECT max(batch_id) FROM ingest_batches")).scalar()
                seq = "SELECT nextval(pg_get_serial_sequence('ingest_batches', 'batch_id'))"
                assert top and dst.execute(text(seq)).scalar() > top
        finally:
            copied.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target_url.database}" WITH (FORCE)'))
        admin.dispose()
