"""Copy a dashboard database (normally SQLite) into a PostgreSQL database, row for row.

For benchmarks at scale: rebuilding 10 M declarations through ingest on PostgreSQL takes
over half an hour, copying the SQLite build takes minutes. The target database is created
if missing and gets the project's own schema (`dashboard.db.create_schema`: tables, indexes,
recorded versions); then every table of `dashboard.schema.metadata` is emptied and filled
from the source with COPY FROM STDIN (psycopg 3), in chunks. The schema's secondary indexes
are dropped during the load and created again after it (same definitions), foreign-key
triggers are off during the load (`session_replication_role = replica`; the source is a
consistent dashboard database), serial sequences are moved past the copied keys, and the
database is `VACUUM (ANALYZE)`d. Prints rows per table and fails unless every table's count
matches the source's.

Usage:
    python bench/copy_database.py SOURCE_URL TARGET_URL [--chunk 50000]
    e.g. sqlite:////work/scale/decl10m.db postgresql+psycopg://postgres@127.0.0.1:5432/cc_10m

Both databases must be of the schema version of the code that runs this script.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from dashboard import db  # noqa: E402
from dashboard.schema import SCHEMA_VERSION, metadata  # noqa: E402


def ensure_database(target_url: str) -> bool:
    """Create the target PostgreSQL database when it does not exist; True if created."""
    url = make_url(target_url)
    name = url.database
    assert name, "the target URL must name a database"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if found.first():
                return False
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            return True
    finally:
        admin.dispose()


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())


def copy_table(source: Engine, pg_cursor: Any, table: str, columns: list[str], chunk: int) -> int:
    """Stream one table from the source into COPY FROM STDIN; returns rows written."""
    cols = ", ".join(f'"{c}"' for c in columns)
    written = 0
    with source.connect() as conn:
        result = conn.execution_options(stream_results=True).exec_driver_sql(
            f'SELECT {cols} FROM "{table}"'
        )
        with pg_cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            while rows := result.fetchmany(chunk):
                for row in rows:
                    # SQLite's text timestamps and 0/1 booleans are valid COPY text input.
                    copy.write_row(row)
                written += len(rows)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source_url")
    p.add_argument("target_url", help="postgresql+psycopg://... (created if missing)")
    p.add_argument("--chunk", type=int, default=50_000, help="rows fetched per round trip")
    args = p.parse_args(argv)
    if not args.target_url.startswith("postgresql"):
        p.error("the target must be a PostgreSQL URL")

    source = db.make_engine(args.source_url)
    with source.connect() as conn:
        version = db.get_meta(conn, "schema_version")
    if version != str(SCHEMA_VERSION):
        print(f"source schema version {version}, this code's is {SCHEMA_VERSION}: upgrade first")
        return 2
    created = ensure_database(args.target_url)
    target = db.make_engine(args.target_url)
    db.create_schema(target)
    print(f"target {make_url(args.target_url).database}: {'created' if created else 'exists'}")

    tables = metadata.sorted_tables
    indexes = [ix for t in tables for ix in t.indexes]
    raw = target.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SET session_replication_role = replica")
        cur.execute("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables))
        for ix in indexes:
            cur.execute(f'DROP INDEX IF EXISTS "{ix.name}"')
        for t in tables:
            started = time.perf_counter()
            n = copy_table(source, cur, t.name, [c.name for c in t.columns], args.chunk)
            print(f"{t.name:40} {n:>12,} rows {time.perf_counter() - started:8.1f} s", flush=True)
        raw.commit()
    finally:
        raw.close()

    started = time.perf_counter()
    with target.begin() as conn:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")  # this session only
        for ix in indexes:
            ix.create(conn)
    print(f"indexes recreated: {len(indexes)} in {time.perf_counter() - started:.1f} s")
    with target.begin() as conn:
        for t in tables:
            for c in t.primary_key.columns:
                seq = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": c.name}
                ).scalar()
                if seq:
                    conn.execute(
                        text(
                            f'SELECT setval(:s, COALESCE(MAX("{c.name}"), 0) + 1, false) '
                            f'FROM "{t.name}"'
                        ),
                        {"s": seq},
                    )
    started = time.perf_counter()
    with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) in {time.perf_counter() - started:.1f} s")

    counts = [(t.name, count(source, t.name), count(target, t.name)) for t in tables]
    mismatched = [(name, s, d) for name, s, d in counts if s != d]
    for name, s, d in mismatched:
        print(f"MISMATCH {name}: source {s:,}, target {d:,}")
    source.dispose()
    target.dispose()
    print("counts match" if not mismatched else f"{len(mismatched)} tables differ")
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
