"""Ingest: read a feed file, validate, quarantine bad rows, load idempotently, keep rollups.

One file is one batch and one transaction: rows, quarantine, rollups, watermarks and the
batch record commit together or not at all. The guarantees (proved in tests/integration):

- conservation: rows_read == accepted + updated + duplicates + quarantined;
- every quarantined row is stored whole, with its line number and an actionable reason;
- idempotent: a row whose key is known and whose content is unchanged is a duplicate and
  changes nothing; a known key with changed content replaces the record and its rollup
  contribution;
- a whole-file problem (unknown feed, not CSV/JSONL, undecodable bytes, missing required
  columns, over the size limit) raises `FileError` before anything is written.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, Table, select, update
from sqlalchemy.engine import Connection

from dashboard import db, rollups, schema
from dashboard.contract import Feed, get_feed
from dashboard.feedfiles import Chunk, FileError, open_feed, records_chunks
from dashboard.loader import bulk_insert, delete_keys, row_hashes
from dashboard.validate import validate

log = logging.getLogger(__name__)
BEIJING = ZoneInfo("Asia/Shanghai")
KEY_LOOKUP_CHUNK = 2000

__all__ = ["BatchResult", "FileError", "ingest_file", "ingest_records", "beijing_now"]


@dataclass
class BatchResult:
    """What one batch did; `as_json()` is the line the CLI prints."""

    feed: str
    file: str
    rows_read: int = 0
    accepted: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    batch_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The summary as a JSON-ready dict."""
        return asdict(self)


def beijing_now() -> datetime:
    """Current Beijing wall-clock time, naive (the form stored in the database)."""
    return datetime.now(BEIJING).replace(tzinfo=None)


def ingest_file(
    engine: Engine,
    feed: str,
    path: Path,
    *,
    source: str = "cli",
    now: datetime | None = None,
    max_bytes: int | None = None,
) -> BatchResult:
    """Load one feed file as one batch.

    Args:
        engine: the database (schema created).
        feed: feed name (see dashboard.contract.FEEDS).
        path: CSV (UTF-8 with/without BOM, or GB18030) or JSON Lines file.
        source: who loads it (cli, generator, simulator, api) for the batch log.
        now: Beijing time used to reject future timestamps; the clock by default.
        max_bytes: size limit; files above it are refused whole.

    Returns:
        The batch summary.

    Raises:
        FileError: for a whole-file problem; nothing is written then.
    """
    spec = _feed(feed)
    opened = open_feed(spec, Path(path), max_bytes=max_bytes)
    digest = _sha256(Path(path))
    return _run_batch(
        engine,
        spec,
        opened.chunks,
        name=Path(path).name,
        source=source,
        now=now or beijing_now(),
        encoding=opened.encoding,
        digest=digest,
    )


def ingest_records(
    engine: Engine,
    feed: str,
    records: list[dict[str, str]],
    *,
    name: str,
    source: str,
    now: datetime | None = None,
) -> BatchResult:
    """Load records (dicts of column -> string) as one batch, like a file of those rows.

    Raises:
        FileError: when the feed is unknown or required columns are missing from every record.
    """
    spec = _feed(feed)
    return _run_batch(
        engine,
        spec,
        records_chunks(spec, records),
        name=name,
        source=source,
        now=now or beijing_now(),
        encoding="utf-8",
        digest="",
    )


def _feed(name: str) -> Feed:
    try:
        return get_feed(name)
    except KeyError as exc:
        raise FileError(str(exc.args[0])) from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _run_batch(
    engine: Engine,
    feed: Feed,
    chunks: Iterable[Chunk],
    *,
    name: str,
    source: str,
    now: datetime,
    encoding: str,
    digest: str,
) -> BatchResult:
    result = BatchResult(feed=feed.name, file=name)
    with db.write_transaction(engine) as conn:
        inserted = conn.execute(
            schema.ingest_batches.insert().values(
                feed=feed.name,
                file_name=name[:255],
                file_sha256=digest,
                source=source,
                encoding=encoding,
                started_at=beijing_now(),
            )
        ).inserted_primary_key
        batch_id = int(inserted[0]) if inserted else 0
        result.batch_id = batch_id
        for chunk in chunks:
            _load_chunk(conn, feed, chunk, now, result)
            log.info("%s batch %s: %d rows processed", feed.name, batch_id, result.rows_read)
        conn.execute(
            update(schema.ingest_batches)
            .where(schema.ingest_batches.c.batch_id == batch_id)
            .values(
                rows_read=result.rows_read,
                accepted=result.accepted,
                updated=result.updated,
                duplicates=result.duplicates,
                quarantined=result.quarantined,
                finished_at=beijing_now(),
            )
        )
        if result.accepted or result.updated or result.quarantined:
            db.set_meta(conn, "data_version", str(batch_id))  # caches keyed on it expire
    return result


def _load_chunk(
    conn: Connection, feed: Feed, chunk: Chunk, now: datetime, result: BatchResult
) -> None:
    result.rows_read += len(chunk.frame) + len(chunk.broken)
    checked = validate(feed, chunk.frame, now)
    bad = [
        (int(chunk.line_no[i]), str(checked.bad_reasons[i]), chunk.raw_row(i))
        for i in checked.bad_index
    ]
    _quarantine(conn, feed, result, bad + chunk.broken)
    good = checked.good
    if good.empty:
        return
    good["row_hash"] = row_hashes(good, feed.columns)
    good = _collapse_repeats(good, feed, result)
    table = schema.FACT_TABLES[feed.name]
    known = _stored(conn, table, feed.key, good, [*feed.key, "row_hash"])
    merged = good.merge(
        known.rename(columns={"row_hash": "old_hash"}), on=list(feed.key), how="left"
    )
    is_new = merged["old_hash"].isna().to_numpy()
    is_dup = (~is_new) & (merged["old_hash"] == merged["row_hash"]).to_numpy()
    is_upd = ~is_new & ~is_dup
    result.accepted += int(is_new.sum())
    result.duplicates += int(is_dup.sum())
    result.updated += int(is_upd.sum())
    fresh = good[is_new | is_upd]
    if fresh.empty:
        return
    changed_keys = merged.loc[is_upd, list(feed.key)]
    old = _stored(conn, table, feed.key, changed_keys, [c.name for c in table.columns])
    delete_keys(conn, table, feed.key, changed_keys)
    fresh = fresh.assign(batch_id=result.batch_id)
    bulk_insert(conn, table, fresh)
    change = rollups.combine(
        rollups.deltas(feed.name, fresh, +1),
        rollups.deltas(feed.name, old, -1),
    )
    rollups.apply(conn, change)
    _watermarks(conn, feed, good, is_new, result)


def _collapse_repeats(good: pd.DataFrame, feed: Feed, result: BatchResult) -> pd.DataFrame:
    """Keep the last occurrence of each key in the chunk; count the earlier ones.

    An earlier occurrence identical to the next occurrence of its key is a duplicate; one
    that the next occurrence changes was superseded within the file, which is an update.
    """
    keys = list(feed.key)
    last = ~good.duplicated(keys, keep="last")
    if last.all():
        return good
    following = good.groupby(keys, sort=False)["row_hash"].shift(-1)
    same = (following == good["row_hash"])[~last]
    result.duplicates += int(same.sum())
    result.updated += int((~same).sum())
    return good[last]


def _stored(
    conn: Connection, table: Table, key: tuple[str, ...], keys: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    """`columns` of the stored rows whose key matches a row of `keys` (typed).

    A single-column key is looked up with IN lists; a composite key (queue observations:
    port, time, direction, lane) by the time range the chunk covers, matched in pandas,
    which costs one indexed range scan instead of one bound tuple per row.
    """
    parts: list[pd.DataFrame] = [pd.DataFrame(columns=columns)]
    if keys.empty:
        return rollups.typed_from_db(table, parts[0])
    if len(key) > 1:
        time_col = next(k for k in key if table.c[k].type.python_type is datetime)
        low, high = keys[time_col].min(), keys[time_col].max()
        query = select(*[table.c[c] for c in columns]).where(
            table.c[time_col].between(_py(low), _py(high))
        )
        rows = conn.execute(query).fetchall()
        found = rollups.typed_from_db(table, pd.DataFrame(rows, columns=columns))
        return found.merge(keys[list(key)].drop_duplicates(), on=list(key), how="inner")
    postgres = conn.dialect.name == "postgresql"
    for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
        values = keys[key[0]].iloc[start : start + KEY_LOOKUP_CHUNK].tolist()
        if postgres:  # one array parameter; the index is used even before ANALYZE
            sql = f"SELECT {', '.join(columns)} FROM {table.name} WHERE {key[0]} = ANY(%s)"
            params: tuple[Any, ...] = (values,)
        else:  # driver-level IN: SQLAlchemy's per-value compile costs more than the query
            sql = (
                f"SELECT {', '.join(columns)} FROM {table.name} WHERE {key[0]} IN "
                f"({', '.join(['?'] * len(values))})"
            )
            params = tuple(values)
        rows = conn.exec_driver_sql(sql, params).fetchall()
        if rows:
            parts.append(pd.DataFrame(rows, columns=columns))
    return rollups.typed_from_db(table, pd.concat(parts, ignore_index=True))


def _py(value: Any) -> Any:
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _quarantine(
    conn: Connection, feed: Feed, result: BatchResult, bad: list[tuple[int, str, str]]
) -> None:
    if not bad:
        return
    result.quarantined += len(bad)
    conn.execute(
        schema.quarantine.insert(),
        [
            {
                "batch_id": result.batch_id,
                "feed": feed.name,
                "line_no": line,
                "reason": reason,
                "raw": raw,
            }
            for line, reason, raw in bad
        ],
    )


def _watermarks(
    conn: Connection, feed: Feed, good: pd.DataFrame, is_new: Any, result: BatchResult
) -> None:
    """Row counts and newest timestamps per district, for freshness badges and status."""
    stats = good.groupby(feed.district_field).agg(newest=(feed.time_field, "max"))
    added = good[is_new].groupby(feed.district_field).size()
    wm = schema.feed_watermarks
    current = {r.district_code: r for r in conn.execute(select(wm).where(wm.c.feed == feed.name))}
    loaded_at = beijing_now()
    for district, row in stats.iterrows():
        district = str(district)
        newest = row["newest"].to_pydatetime()
        old = current.get(district)
        rows = int(added.get(district, 0)) + (old.rows if old else 0)
        if old and old.newest_ts and old.newest_ts > newest:
            newest = old.newest_ts
        conn.execute(wm.delete().where((wm.c.feed == feed.name) & (wm.c.district_code == district)))
        conn.execute(
            wm.insert().values(
                feed=feed.name,
                district_code=district,
                rows=rows,
                newest_ts=newest,
                last_batch_id=result.batch_id,
                last_loaded_at=loaded_at,
            )
        )
