"""Database engine, schema creation, metadata and write transactions (SQLite, PostgreSQL).

The tables themselves are in `dashboard.schema`. One engine per process, created by
`make_engine` after any fork (never at import). SQLite runs in WAL mode with a busy
timeout so readers never block the single ingest writer. All timestamps are stored as
naive Beijing time (Asia/Shanghai, UTC+8 all year, no DST): the contract converts
offset-aware input on the way in, so day and hour buckets are simply the stored value
truncated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Boolean,
    Engine,
    Float,
    Integer,
    Table,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection

from dashboard.config import REFERENCE_DIR, Settings
from dashboard.schema import (
    REFERENCE_FILES,
    SCHEMA_VERSION,
    app_meta,
    metadata,
)


# --- engine -----------------------------------------------------------------------------------
def make_engine(url: str) -> Engine:
    """Create the process's engine. SQLite gets WAL, a busy timeout and foreign keys on.

    Args:
        url: SQLAlchemy database URL.

    Returns:
        A new Engine; call once per process, after fork.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA cache_size=-131072")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for `settings.database_url` (creating the SQLite folder if needed)."""
    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.database_url)


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet and (re)load the reference tables.

    Safe to run on every start: existing data is kept, reference tables are replaced
    from `data/reference/`, and the schema version is recorded in `app_meta`.

    Upgrade from an older schema version: raw tables keep their rows and gain any new
    table and index; rollup tables are derived data, so those that are new or changed
    (`rollups.stale_rollups`) are dropped, recreated in the new shape and rebuilt from the
    raw rows (`rollups.rebuild`); unchanged rollups are kept as they are.
    """
    from dashboard import rollups

    stored = _stored_version(engine)
    upgrading = stored is not None and stored < SCHEMA_VERSION
    stale = rollups.stale_rollups(engine) if upgrading else []
    if stale:
        metadata.drop_all(engine, tables=stale)
    metadata.create_all(engine)
    if upgrading:
        for table in metadata.sorted_tables:
            for index in table.indexes:
                index.create(engine, checkfirst=True)
    with engine.begin() as conn:
        load_reference(conn)
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))
    if stale:
        rollups.rebuild(engine, tables=stale)
    with engine.begin() as conn:
        rollups.record_revisions(conn)


def _stored_version(engine: Engine) -> int | None:
    if not has_schema(engine):
        return None
    with engine.connect() as conn:
        value = get_meta(conn, "schema_version")
    return int(value) if value else None


def load_reference(conn: Connection) -> None:
    """Replace the reference tables with the contents of `data/reference/*.csv`."""
    for table, file_name in REFERENCE_FILES.items():
        with (REFERENCE_DIR / file_name).open(encoding="utf-8", newline="") as fh:
            rows = [_typed(table, row) for row in csv.DictReader(fh)]
        conn.execute(table.delete())
        if rows:
            conn.execute(table.insert(), rows)


def _typed(table: Table, row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        raw = row.get(col.name, "")
        if isinstance(col.type, Boolean):
            out[col.name] = raw.strip().lower() == "true"
        elif isinstance(col.type, Float | Integer):
            out[col.name] = col.type.python_type(raw) if raw.strip() else None
        else:
            out[col.name] = raw or None
    return out


def has_schema(engine: Engine) -> bool:
    """True when the database already holds the dashboard's tables."""
    return inspect(engine).has_table("app_meta")


def get_meta(conn: Connection, key: str) -> str | None:
    """Value stored under `key` in app_meta, or None."""
    row = conn.execute(app_meta.select().where(app_meta.c.key == key)).first()
    return None if row is None else row.value


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Store `value` under `key` in app_meta."""
    conn.execute(app_meta.delete().where(app_meta.c.key == key))
    conn.execute(app_meta.insert().values(key=key, value=value))


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction; on SQLite it takes the write lock at once (BEGIN IMMEDIATE).

    Taking the lock up front means two writers queue instead of failing half-way with
    "database is locked"; readers are never blocked in WAL mode.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        else:
            with conn.begin():
                # One writer at a time, as on SQLite: concurrent batches would otherwise race
                # on the watermark and metadata rows they both replace.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7900100)")
                # Ingest only ever looks rows up by key. Tables filled inside this very
                # transaction have no statistics yet, and the planner would scan them whole
                # for every key lookup (quadratic in the batch size).
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                yield conn


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics after a bulk load.

    A freshly filled PostgreSQL database has none until autovacuum gets to it, and plans
    made without them can be ten times slower (e.g. `hour IN (...)` on a rollup read as a
    scan); SQLite's `ANALYZE` does the same for its planner.
    """
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1")).scalar() == 1
