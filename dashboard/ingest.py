"""Ingest: read a feed file, validate, quarantine bad rows, load idempotently, keep rollups.

One file is one batch and one transaction: rows, quarantine, rollups, watermarks and the
batch record commit together or not at all. The guarantees (proved in tests/integration):

- conservation: rows_read == accepted + updated + duplicates + quarantined;
- every quarantined row is stored whole, with its line number and an actionable reason;
- idempotent: a row whose key is known and whose content is unchanged is a duplicate and
  changes nothing; a known key with changed content replaces the record and its rollup
  contribution;
- a whole-file problem (unknown feed, not CSV/JSONL, undecodable bytes, missing required
  columns, over the size limit) raises `FileError` before anything is written;
- a batch restricted to one district (`district=`, the ingest API's per-district tokens)
  that carries valid rows of another district, or would replace records stored for
  another district, raises `DistrictMismatch` (a `FileError`) before anything is written.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, Table, select, update
from sqlalchemy.engine import Connection

from dashboard import db, rollups, rollups_service, schema
from dashboard.contract import Feed, get_feed
from dashboard.feedfiles import Chunk, FileError, open_feed, records_chunks
from dashboard.loader import bulk_insert, delete_keys, row_hashes
from dashboard.validate import Checked, validate

log = logging.getLogger(__name__)
BEIJING = ZoneInfo("Asia/Shanghai")
KEY_LOOKUP_CHUNK = 2000
MISMATCH_LINES = 10  # line numbers named in a DistrictMismatch message

__all__ = [
    "BatchResult",
    "DistrictMismatch",
    "FileError",
    "ingest_file",
    "ingest_records",
    "beijing_now",
]


class DistrictMismatch(FileError):
    """A district-restricted batch holds rows of another district; nothing was written.

    Attributes:
        district: the district the batch was restricted to.
        others: the other districts found ("unknown" where a row's district is not known).
        lines: line numbers (record numbers for `ingest_records`) of the offending rows.
    """

    def __init__(self, district: str, others: Sequence[str], lines: Sequence[int], what: str):
        self.district = district
        self.others = tuple(others)
        self.lines = tuple(lines)
        shown = ", ".join(str(n) for n in self.lines[:MISMATCH_LINES])
        if len(self.lines) > MISMATCH_LINES:
            shown += f", ... (first {MISMATCH_LINES} of {len(self.lines)})"
        plural = "s" if len(self.others) > 1 else ""
        super().__init__(
            f"this batch may load rows of district {district} only, but {len(self.lines)} "
            f"row(s) {what} district{plural} {', '.join(self.others)} (lines {shown}); "
            "nothing was loaded"
        )


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
    district: str | None = None,
) -> BatchResult:
    """Load one feed file as one batch.

    Args:
        engine: the database (schema created).
        feed: feed name (see dashboard.contract.FEEDS).
        path: CSV (UTF-8 with/without BOM, or GB18030) or JSON Lines file.
        source: who loads it (cli, generator, simulator, api) for the batch log.
        now: Beijing time used to reject future timestamps; the clock by default.
        max_bytes: size limit; files above it are refused whole.
        district: restrict the batch to this district's rows (the ingest API passes the
            token's district). Every row that passes validation must belong to it, and
            no row may replace a stored record of another district; see
            `check_district`. The whole file is then validated before the write
            transaction starts. Rows that fail validation are quarantined as usual
            (their district may not be known).

    Returns:
        The batch summary.

    Raises:
        DistrictMismatch: `district` was given and the file holds another district's
            rows; nothing is written then (no batch, no quarantine, no rows).
        FileError: for a whole-file problem; nothing is written then.
    """
    spec = _feed(feed)
    opened = open_feed(spec, Path(path), max_bytes=max_bytes)
    digest = _sha256(Path(path))
    when = now or beijing_now()
    return _run_batch(
        engine,
        spec,
        _checked_chunks(spec, opened.chunks, when, district),
        name=Path(path).name,
        source=source,
        encoding=opened.encoding,
        digest=digest,
        district=district,
    )


def ingest_records(
    engine: Engine,
    feed: str,
    records: list[dict[str, str]],
    *,
    name: str,
    source: str,
    now: datetime | None = None,
    district: str | None = None,
) -> BatchResult:
    """Load records (dicts of column -> string) as one batch, like a file of those rows.

    Args:
        district: restrict the batch to this district's rows, as for `ingest_file`;
            line numbers in a `DistrictMismatch` are record numbers counted from 1.

    Raises:
        DistrictMismatch: `district` was given and some valid record belongs to another
            district; nothing is written then.
        FileError: when the feed is unknown or required columns are missing from every record.
    """
    spec = _feed(feed)
    when = now or beijing_now()
    return _run_batch(
        engine,
        spec,
        _checked_chunks(spec, records_chunks(spec, records), when, district),
        name=name,
        source=source,
        encoding="utf-8",
        digest="",
        district=district,
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


def _checked_chunks(
    feed: Feed, chunks: Iterable[Chunk], now: datetime, district: str | None
) -> Iterable[tuple[Chunk, Checked]]:
    """Each chunk with its validation; for a district batch, all of them checked up front.

    Unrestricted batches stay lazy (one chunk in memory at a time, validated inside the
    transaction as before). A district batch is validated whole first, so that a foreign
    row late in the file is refused before the transaction starts.
    """
    pairs = _validated(feed, chunks, now)
    if district is None:
        return pairs
    every = list(pairs)
    check_district(feed, every, district)
    return every


def _validated(
    feed: Feed, chunks: Iterable[Chunk], now: datetime
) -> Iterator[tuple[Chunk, Checked]]:
    for chunk in chunks:
        yield chunk, validate(feed, chunk.frame, now)


def check_district(feed: Feed, pairs: Iterable[tuple[Chunk, Checked]], district: str) -> None:
    """Refuse valid rows that belong to a district other than `district`.

    A row belongs to the district in the feed's `district_field` after validation:
    declarations to the declaring district (`declare_district`, from the declaring office
    `declare_customs_code`, which is also the entry number's prefix), queue observations
    to the port's district (`district_code`, derived from `port_id`), incidents,
    inquiries and trainings to their `district_code`, enterprises to `home_district`. A
    row whose district cannot be derived counts as foreign. Cross-district declarations
    (lodged in one district for goods at another district's port) belong to the
    declaring district.

    Raises:
        DistrictMismatch: naming the other districts and the first line numbers.
    """
    lines: list[int] = []
    others: set[str] = set()
    for chunk, checked in pairs:
        if checked.good.empty:  # no derived columns then; quarantined rows are not checked
            continue
        owner = checked.good[feed.district_field]
        foreign = (owner.isna() | (owner != district)).fillna(True).to_numpy(dtype=bool)
        if foreign.any():
            lines.extend(int(chunk.line_no[i]) for i in checked.good.index[foreign])
            others.update(owner[foreign].astype(object).fillna("unknown").astype(str))
    if lines:
        raise DistrictMismatch(district, sorted(others), lines, "belong to")


def _check_stored_owner(
    conn: Connection, feed: Feed, pairs: Iterable[tuple[Chunk, Checked]], district: str
) -> None:
    """Refuse rows whose key is stored already under another district.

    Without this a district could take over another district's incident, inquiry,
    training or enterprise record by sending its key with its own district code (for
    declarations and queue observations the key itself fixes the district).

    Raises:
        DistrictMismatch: naming the stored records' districts and the line numbers.
    """
    table = schema.FACT_TABLES[feed.name]
    key, col = list(feed.key), feed.district_field
    lines: list[int] = []
    others: set[str] = set()
    for chunk, checked in pairs:
        good = checked.good
        if good.empty:
            continue
        stored = _stored(conn, table, feed.key, good[key], [*key, col])
        theirs = stored[(stored[col].isna() | (stored[col] != district)).fillna(True)]
        if theirs.empty:
            continue
        probe = good[key].assign(_pos=good.index)
        hit = probe.merge(theirs.rename(columns={col: "_owner"}), on=key, how="inner")
        lines.extend(int(chunk.line_no[int(i)]) for i in hit["_pos"])
        others.update(hit["_owner"].astype(object).fillna("unknown").astype(str))
    if lines:
        raise DistrictMismatch(district, sorted(others), sorted(lines), "would replace records of")


def _run_batch(
    engine: Engine,
    feed: Feed,
    pairs: Iterable[tuple[Chunk, Checked]],
    *,
    name: str,
    source: str,
    encoding: str,
    digest: str,
    district: str | None = None,
) -> BatchResult:
    result = BatchResult(feed=feed.name, file=name)
    with db.write_transaction(engine) as conn:
        if district is not None:  # under the write lock, before anything is written
            pairs = list(pairs)
            _check_stored_owner(conn, feed, pairs, district)
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
        for chunk, checked in pairs:
            _load_chunk(conn, feed, chunk, checked, result)
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
    conn: Connection, feed: Feed, chunk: Chunk, checked: Checked, result: BatchResult
) -> None:
    result.rows_read += len(chunk.frame) + len(chunk.broken)
    good, refused = _unknown_references(conn, feed, checked.good)
    bad = [
        (int(chunk.line_no[i]), str(reason), chunk.raw_row(i))
        for i, reason in [*checked.bad_reasons.items(), *refused.items()]
    ]
    _quarantine(conn, feed, result, bad + chunk.broken)
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
        rollups.deltas(feed.name, fresh, +1, conn),
        rollups.deltas(feed.name, old, -1, conn),
    )
    rollups.apply(conn, change)
    rollups_service.refresh_trained(conn, feed.name, [fresh, old])
    _watermarks(conn, feed, good, is_new, result)


def _unknown_references(
    conn: Connection, feed: Feed, good: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """Split off valid rows naming a record of another feed that is not stored yet.

    A field with `references` must name a stored record of that feed; when both feeds have
    the same district field (attendance and trainings: `district_code`), the record must
    also be held by the row's district.

    Returns:
        The rows that pass, and the reasons of the others (index -> text).
    """
    refs = [f for f in feed.fields if f.references]
    reasons = pd.Series("", index=good.index, dtype=object)
    if not refs or good.empty:
        return good, reasons[reasons != ""]
    for field in refs:
        other = get_feed(str(field.references))
        key, owner_col = other.key[0], other.district_field
        same = owner_col == feed.district_field
        names = good[[field.name]].drop_duplicates().rename(columns={field.name: key})
        cols = [key, owner_col] if same else [key]
        stored = _stored(conn, schema.FACT_TABLES[other.name], other.key, names, cols)
        value = good[field.name].astype(str)
        missing = ~value.isin(set(stored[key]))
        text = pd.Series(
            f"{field.name} " + value + f" is not a known {other.name} record; send the "
            f"{other.name} feed first",
            index=good.index,
        )
        reasons = reasons.where(~missing, reasons + "; " + text)
        if same:
            held = value.map(dict(zip(stored[key], stored[owner_col], strict=True)))
            elsewhere = ~missing & (held != good[feed.district_field])
            text = (
                f"{field.name} "
                + value
                + " is held by district "
                + held.fillna("")
                + f", not {feed.district_field} "
                + good[feed.district_field].astype(str)
            )
            reasons = reasons.where(~elsewhere, reasons + "; " + text)
    reasons = reasons.str.removeprefix("; ")
    ok = reasons == ""
    return good[ok].copy(), reasons[~ok]


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
    time_col = next((k for k in key if table.c[k].type.python_type is datetime), None)
    if len(key) > 1 and time_col is None:  # (training, firm): by the first column's IN list
        found = _stored(conn, table, key[:1], keys[[key[0]]].drop_duplicates(), columns)
        return found.merge(keys[list(key)].drop_duplicates(), on=list(key), how="inner")
    if len(key) > 1 and time_col is not None:
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
