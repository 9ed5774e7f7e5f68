"""Demo loader end to end on SQLite and PostgreSQL: history through the ingest path with
zero quarantined rows, temp files cleaned up, and top-ups that add only the new period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from dashboard import db, schema
from dashboard.config import Settings
from dashboard.contract import FEEDS
from dashboard.demo import WATERMARK_KEY, ensure_demo_data
from dashboard.generate import write_sample
from dashboard.ingest import ingest_file
from tests.conftest import NOW

SETTINGS = Settings(demo_history_days=4, demo_scale=0.01)


@pytest.fixture
def feeds_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "feeds"
    monkeypatch.setattr("dashboard.demo.FEEDS_DIR", folder)
    return folder


def _count(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar() or 0)


def _batches(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT * FROM ingest_batches ORDER BY batch_id"), conn)


def test_first_start_loads_history_through_ingest(engine: Engine, feeds_dir: Path) -> None:
    lines: list[str] = []
    ensure_demo_data(engine, SETTINGS, progress=lines.append, now=NOW)
    assert any(line.startswith("generating 2026-11 ... ") for line in lines)
    assert lines[-1].startswith("demo data loaded up to 2026-11-25 12:00 ... 100%")
    batches = _batches(engine)
    assert set(batches["feed"]) == set(FEEDS)
    assert (batches["source"] == "generator").all()
    assert batches["quarantined"].sum() == 0
    assert (batches["rows_read"] == batches["accepted"]).all()
    for feed, table in schema.FACT_TABLES.items():
        assert _count(engine, f"SELECT COUNT(*) FROM {table.name}") > 0, feed
    start = NOW - timedelta(days=4)
    assert (
        _count(
            engine,
            "SELECT COUNT(*) FROM declarations WHERE ts_declared < :s",
            s=start.replace(hour=0),
        )
        == 0
    )
    with engine.connect() as conn:
        assert db.get_meta(conn, WATERMARK_KEY) == NOW.isoformat()
    assert not any(feeds_dir.iterdir())  # temporary files removed


def test_second_start_only_tops_up_the_new_period(engine: Engine, feeds_dir: Path) -> None:
    ensure_demo_data(engine, SETTINGS, progress=lambda _: None, now=NOW)
    before = _count(engine, "SELECT COUNT(*) FROM declarations")
    first_batches = len(_batches(engine))
    later = NOW + timedelta(hours=3)
    ensure_demo_data(engine, SETTINGS, progress=lambda _: None, now=later)
    after = _count(engine, "SELECT COUNT(*) FROM declarations")
    new = _count(engine, "SELECT COUNT(*) FROM declarations WHERE ts_declared >= :n", n=NOW)
    assert new > 0 and after == before + new
    top_up = _batches(engine).iloc[first_batches:]
    assert top_up["duplicates"].sum() == 0 and top_up["quarantined"].sum() == 0
    assert top_up["updated"].sum() > 0  # records open at NOW were brought up to date
    with engine.connect() as conn:
        assert db.get_meta(conn, WATERMARK_KEY) == later.isoformat()
    lines: list[str] = []
    ensure_demo_data(engine, SETTINGS, progress=lines.append, now=later)
    assert lines == ["demo data is up to date"]
    assert _count(engine, "SELECT COUNT(*) FROM declarations") == after


def test_a_database_with_real_data_is_left_alone(
    engine: Engine, feeds_dir: Path, tmp_path: Path
) -> None:
    sample = tmp_path / "real.csv"
    write_sample("declarations", 50, 1, sample, NOW)
    ingest_file(engine, "declarations", sample, source="cli", now=NOW)
    lines: list[str] = []
    ensure_demo_data(engine, SETTINGS, progress=lines.append, now=NOW)
    assert "not generated" in lines[0]
    assert _count(engine, "SELECT COUNT(*) FROM declarations") == 50


def test_restart_within_the_same_quarter_hour(sqlite_engine: Engine, feeds_dir: Path) -> None:
    """A restart a minute later has no new queue slot to generate and must not fail."""
    first = NOW + timedelta(minutes=1)
    ensure_demo_data(sqlite_engine, SETTINGS, progress=lambda _m: None, now=first)
    before = _count(sqlite_engine, "SELECT COUNT(*) FROM queue_observations")
    ensure_demo_data(
        sqlite_engine, SETTINGS, progress=lambda _m: None, now=first + timedelta(minutes=1)
    )
    assert _count(sqlite_engine, "SELECT COUNT(*) FROM queue_observations") == before
