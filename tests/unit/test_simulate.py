"""Live simulator: each tick sends the new interval, updates records that moved on, picks up
in-process declarations after a restart, and never takes the app down."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from dashboard import db, simulate
from dashboard.config import Settings
from dashboard.contract import RELEASED_STATUSES
from dashboard.demo import WATERMARK_KEY, ensure_demo_data, record_watermark
from dashboard.gen_common import to_wall
from dashboard.gen_declarations import materialize
from dashboard.gen_enterprises import register
from tests.conftest import NOW

SETTINGS = Settings(demo_history_days=2, demo_scale=0.02)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding two days of demo history up to NOW (built once)."""
    folder = tmp_path_factory.mktemp("demo")
    engine = db.make_engine(f"sqlite:///{folder / 'demo.db'}")
    db.create_schema(engine)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("dashboard.demo.FEEDS_DIR", folder / "feeds")
        ensure_demo_data(engine, SETTINGS, progress=lambda _: None, now=NOW)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return folder / "demo.db"


@pytest.fixture
def demo_engine(demo_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the demo database for one test."""
    shutil.copy(demo_db, tmp_path / "demo.db")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    yield engine
    engine.dispose()


def _batches(engine: Engine, source: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text("SELECT * FROM ingest_batches WHERE source = :s"), conn, params={"s": source}
        )


def _statuses(engine: Engine, ids: list[str]) -> pd.Series:
    with engine.connect() as conn:
        frame = pd.read_sql(text("SELECT entry_id, status FROM declarations"), conn)
    return frame.set_index("entry_id")["status"].reindex(ids)


def test_tick_sends_the_new_interval_and_moves_the_watermark(demo_engine: Engine) -> None:
    later = NOW + timedelta(minutes=40)
    simulate.tick(demo_engine, later)
    batches = _batches(demo_engine, "simulator")
    assert set(batches["feed"]) >= {"declarations", "queue_observations"}
    assert batches["quarantined"].sum() == 0
    with demo_engine.connect() as conn:
        new = pd.read_sql(
            text("SELECT ts_declared FROM declarations WHERE ts_declared >= :a"),
            conn,
            params={"a": NOW},
        )
        mark = db.get_meta(conn, WATERMARK_KEY)
        slots = pd.read_sql(
            text(
                "SELECT observed_at, COUNT(*) AS n FROM queue_observations"
                " WHERE observed_at >= :a GROUP BY observed_at"
            ),
            conn,
            params={"a": NOW},
        )
    assert len(new) > 0 and (pd.to_datetime(new["ts_declared"]) <= later).all()
    assert mark == (later + timedelta(seconds=1)).isoformat()
    # every 15-minute slot reached is observed at (nearly) every gate: 38 series
    assert sorted(pd.to_datetime(slots["observed_at"]).dt.minute) == [0, 15, 30]
    assert (slots["n"] >= 36).all()


def test_in_process_declarations_are_released_live(demo_engine: Engine) -> None:
    open_ids = simulate.in_process_declarations(demo_engine, NOW - timedelta(days=45))
    ids = open_ids["entry_id"].tolist()
    assert len(ids) > 5
    before = _statuses(demo_engine, ids)
    state = simulate.tick(demo_engine, NOW + timedelta(minutes=5))
    simulate.tick(demo_engine, NOW + timedelta(hours=8), state)
    after = _statuses(demo_engine, ids)
    newly = after.isin(RELEASED_STATUSES) & ~before.isin(RELEASED_STATUSES)
    assert newly.sum() >= 0.3 * (~before.isin(RELEASED_STATUSES)).sum()
    assert _batches(demo_engine, "simulator")["updated"].sum() > 0
    assert _batches(demo_engine, "simulator")["quarantined"].sum() == 0


def test_restart_picks_up_in_process_records_from_the_database(demo_engine: Engine) -> None:
    state = simulate.start_state(demo_engine, NOW)
    assert state.last == to_wall(NOW)
    assert len(state.declarations) > 0
    db_open = simulate.in_process_declarations(demo_engine, NOW - timedelta(days=45))
    picked = {f"{e:018d}" for e in state.declarations["entry_id"]}
    assert picked <= set(db_open["entry_id"])
    # the regenerated lives are the same records: materialized at NOW they equal the DB rows
    again = materialize(state.declarations, to_wall(NOW), register(state.seed, state.scale))
    stored = _statuses(demo_engine, again["entry_id"].tolist())
    assert (again.set_index("entry_id")["status"] == stored).all()
    assert len(state.incidents) + len(state.inquiries) > 0


def test_tick_without_time_passing_changes_nothing(demo_engine: Engine) -> None:
    state = simulate.start_state(demo_engine, NOW)
    assert simulate.tick(demo_engine, NOW - timedelta(seconds=1), state) is state
    assert _batches(demo_engine, "simulator").empty


def test_resend_changed_brings_stored_rows_up_to_date(demo_engine: Engine) -> None:
    sent = simulate.resend_changed(demo_engine, NOW, NOW + timedelta(hours=3))
    assert sent > 0
    batches = _batches(demo_engine, "simulator")
    assert batches["accepted"].sum() == 0  # nothing new, only updates
    assert batches["updated"].sum() > 0 and batches["quarantined"].sum() == 0


def test_background_thread_logs_errors_and_keeps_running(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def broken(*args: object, **kwargs: object) -> None:
        calls.append(1)
        raise RuntimeError("boom")

    monkeypatch.setattr(simulate, "start_state", broken)
    settings = Settings(database_url=sqlite_url, extra={"simulate_interval_s": 0.01})
    engine = db.make_engine(sqlite_url)
    db.create_schema(engine)
    record_watermark(engine, NOW, 1, 0.01)  # a demo database
    engine.dispose()
    with caplog.at_level(logging.ERROR, logger="dashboard.simulate"):
        thread = simulate.start_background(settings)
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert thread.is_alive() and thread.daemon
        thread.stop_event.set()  # type: ignore[attr-defined]
        thread.join(timeout=5)
    assert len(calls) >= 2 and not thread.is_alive()
    assert "simulator tick failed" in caplog.text


def test_background_thread_stays_idle_without_demo_data(
    sqlite_engine: Engine, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=sqlite_url, extra={"simulate_interval_s": 0.01})
    with caplog.at_level(logging.INFO, logger="dashboard.simulate"):
        thread = simulate.start_background(settings)
        time.sleep(0.3)
        thread.stop_event.set()  # type: ignore[attr-defined]
        thread.join(timeout=5)
    assert "simulator idle" in caplog.text
    assert _batches(sqlite_engine, "simulator").empty
