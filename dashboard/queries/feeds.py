"""Feed queries: freshness per district and feed, ingest batches, quarantined rows.

Ingest keeps `feed_watermarks` (rows, newest source timestamp and last load per feed and
district), `ingest_batches` (one row per batch with its counts) and `quarantine` (each bad
row, whole, with its line number and reason). These functions read them for the Data
Status page and the shell's freshness badges.

Freshness: only the live feeds (`LIVE_FEEDS`: declarations and queue observations) have
age thresholds; the others arrive when something happens (an incident, an inquiry, a
training) and get the state "event". A district's shell badge uses the newest timestamp
of its live feeds.

Quarantined rows are paged by keyset on `quarantine_id`, newest first: the next page is
the rows whose id is below the last id of the current page. Never OFFSET.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from dashboard import schema
from dashboard.cache import cache
from dashboard.contract import FEEDS
from dashboard.queries import Bind, Scope, connect, read_frame

LIVE_FEEDS = ("declarations", "queue_observations")
STATES = ("fresh", "late", "stale", "none", "event")
MAX_PAGE = 500

FRESHNESS_COLUMNS = [
    "district_code",
    "feed",
    "rows",
    "newest_ts",
    "last_batch_id",
    "last_loaded_at",
    "age_minutes",
    "state",
]
BATCH_COLUMNS = [
    "batch_id",
    "feed",
    "file_name",
    "source",
    "rows_read",
    "accepted",
    "updated",
    "duplicates",
    "quarantined",
    "started_at",
    "finished_at",
]
QUARANTINE_COLUMNS = ["quarantine_id", "batch_id", "feed", "line_no", "reason", "raw"]


# --- queries ---------------------------------------------------------------------------------
def data_version(bind: Bind) -> str:
    """The database's data version, which ingest advances with every committed batch.

    Args:
        bind: Engine or Connection.

    Returns:
        The `app_meta` value of "data_version", or "0" before the first batch.
    """
    stmt = select(schema.app_meta.c.value).where(schema.app_meta.c.key == "data_version")
    frame = read_frame(bind, stmt, ["value"])
    return "0" if frame.empty or frame.iloc[0, 0] is None else str(frame.iloc[0, 0])


def watermarks(bind: Bind) -> pd.DataFrame:
    """Every known district crossed with every contract feed, with its watermark if any.

    Args:
        bind: Engine or Connection.

    Returns:
        Columns district_code, feed, rows, newest_ts, last_batch_id, last_loaded_at;
        ordered by district code, then feed in contract order. Feeds a district never
        sent have rows 0 and empty timestamps.
    """
    wm = schema.feed_watermarks.c
    marks = read_frame(
        bind,
        select(
            wm.district_code, wm.feed, wm.rows, wm.newest_ts, wm.last_batch_id, wm.last_loaded_at
        ),
        ["district_code", "feed", "rows", "newest_ts", "last_batch_id", "last_loaded_at"],
    )
    codes = read_frame(
        bind,
        select(schema.districts.c.district_code).order_by(schema.districts.c.district_code),
        ["district_code"],
    )
    known = list(codes["district_code"]) + sorted(
        set(marks["district_code"]) - set(codes["district_code"])
    )
    grid = pd.MultiIndex.from_product([known, list(FEEDS)], names=["district_code", "feed"])
    out = marks.set_index(["district_code", "feed"]).reindex(grid).reset_index()
    # Feeds outside the contract (should not happen) are still shown, after the others.
    extra = marks[~marks["feed"].isin(list(FEEDS))]
    out = pd.concat([out, extra], ignore_index=True) if not extra.empty else out
    out["rows"] = out["rows"].fillna(0).astype("int64")
    for col in ("newest_ts", "last_loaded_at"):
        out[col] = pd.to_datetime(out[col])
    return out


def _age_and_state(
    frame: pd.DataFrame, now: datetime, late_minutes: int, stale_minutes: int, live: pd.Series
) -> pd.DataFrame:
    age = (pd.Timestamp(now) - frame["newest_ts"]).dt.total_seconds() / 60.0
    state = np.select(
        [~live, age.isna(), age < late_minutes, age < stale_minutes],
        ["event", "none", "fresh", "late"],
        default="stale",
    )
    return frame.assign(age_minutes=age.astype("float64"), state=state)


def feed_freshness(
    bind: Bind, now: datetime, *, late_minutes: int = 15, stale_minutes: int = 60
) -> pd.DataFrame:
    """Freshness of every feed in every district.

    Args:
        bind: Engine or Connection.
        now: current Beijing wall time (naive, like the stored timestamps).
        late_minutes: age from which a live feed is "late".
        stale_minutes: age from which a live feed is "stale".

    Returns:
        Columns `FRESHNESS_COLUMNS`: the watermark columns plus age_minutes (NaN without
        data) and state (fresh, late, stale, none for live feeds; event for the others).
    """
    return _with_freshness(watermarks(bind), now, late_minutes, stale_minutes)


def _with_freshness(
    marks: pd.DataFrame, now: datetime, late_minutes: int, stale_minutes: int
) -> pd.DataFrame:
    live = marks["feed"].isin(LIVE_FEEDS)
    return _age_and_state(marks, now, late_minutes, stale_minutes, live)[FRESHNESS_COLUMNS]


def district_freshness(
    bind: Bind, now: datetime, *, late_minutes: int = 15, stale_minutes: int = 60
) -> pd.DataFrame:
    """Freshness of each district: the newest declaration or queue observation it sent.

    Args:
        bind: Engine or Connection.
        now: current Beijing wall time (naive).
        late_minutes: age from which a district is "late".
        stale_minutes: age from which a district is "stale".

    Returns:
        One row per district (all reference districts, in code order) with columns
        district_code, newest_ts, last_loaded_at, age_minutes, state (fresh, late, stale,
        or none when no live feed has arrived yet).
    """
    return _district_view(watermarks(bind), now, late_minutes, stale_minutes)


def _district_view(
    marks: pd.DataFrame, now: datetime, late_minutes: int, stale_minutes: int
) -> pd.DataFrame:
    live = marks[marks["feed"].isin(LIVE_FEEDS)]
    per = (
        live.groupby("district_code", sort=False)
        .agg(newest_ts=("newest_ts", "max"), last_loaded_at=("last_loaded_at", "max"))
        .reset_index()
    )
    everyone = pd.Series(True, index=per.index)
    out = _age_and_state(per, now, late_minutes, stale_minutes, everyone)
    return out[["district_code", "newest_ts", "last_loaded_at", "age_minutes", "state"]]


def recent_batches(bind: Bind, limit: int) -> pd.DataFrame:
    """The most recent ingest batches, newest first.

    Args:
        bind: Engine or Connection.
        limit: how many batches (1..MAX_PAGE).

    Returns:
        Columns `BATCH_COLUMNS`.
    """
    b = schema.ingest_batches.c
    stmt = (
        select(*(b[name] for name in BATCH_COLUMNS))
        .order_by(b.batch_id.desc())
        .limit(_clamp(limit))
    )
    return read_frame(bind, stmt, BATCH_COLUMNS)


def quarantine_page(
    bind: Bind, *, feed: str | None, batch_id: int | None, after_id: int | None, limit: int
) -> pd.DataFrame:
    """One page of quarantined rows, newest first, by keyset on quarantine_id.

    Args:
        bind: Engine or Connection.
        feed: only rows of this feed (None for all).
        batch_id: only rows of this batch (None for all).
        after_id: the last quarantine_id of the previous page (None for the first page);
            the page holds the rows with smaller ids.
        limit: rows per page (1..MAX_PAGE). Ask for one more than you show to learn
            whether a next page exists.

    Returns:
        Columns `QUARANTINE_COLUMNS`, ordered by quarantine_id descending.
    """
    q = schema.quarantine.c
    stmt = select(*(q[name] for name in QUARANTINE_COLUMNS))
    if feed is not None:
        stmt = stmt.where(q.feed == feed)
    if batch_id is not None:
        stmt = stmt.where(q.batch_id == batch_id)
    if after_id is not None:
        stmt = stmt.where(q.quarantine_id < after_id)
    stmt = stmt.order_by(q.quarantine_id.desc()).limit(_clamp(limit))
    return read_frame(bind, stmt, QUARANTINE_COLUMNS)


def quarantine_count(bind: Bind, *, feed: str | None, batch_id: int | None) -> int:
    """How many quarantined rows match the filters (uses the batch index when filtered).

    Args:
        bind: Engine or Connection.
        feed: only rows of this feed (None for all).
        batch_id: only rows of this batch (None for all).

    Returns:
        The row count.
    """
    q = schema.quarantine.c
    stmt = select(func.count()).select_from(schema.quarantine)
    if feed is not None:
        stmt = stmt.where(q.feed == feed)
    if batch_id is not None:
        stmt = stmt.where(q.batch_id == batch_id)
    with connect(bind) as conn:
        return int(conn.execute(stmt).scalar_one())


def _clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_PAGE))


# --- cached facades (what the Data Status page and the shell ask) ----------------------------
# Memoized on the engine (its repr names the database, password hidden), the data version
# and primitives. The version moves with every committed batch, so entries never go stale.
@cache.memoize()
def _watermarks_at(engine: Engine, version: str) -> pd.DataFrame:
    return watermarks(engine)


@cache.memoize()
def _batches_at(engine: Engine, version: str, limit: int) -> pd.DataFrame:
    return recent_batches(engine, limit)


@cache.memoize()
def _quarantine_at(
    engine: Engine,
    version: str,
    feed: str | None,
    batch_id: int | None,
    after_id: int | None,
    limit: int,
) -> pd.DataFrame:
    return quarantine_page(engine, feed=feed, batch_id=batch_id, after_id=after_id, limit=limit)


@cache.memoize()
def _quarantine_count_at(
    engine: Engine, version: str, feed: str | None, batch_id: int | None
) -> int:
    return quarantine_count(engine, feed=feed, batch_id=batch_id)


def cached_feed_freshness(
    engine: Engine, now: datetime, late_minutes: int, stale_minutes: int
) -> pd.DataFrame:
    """`feed_freshness`, with the watermarks cached per data version (ages use `now`)."""
    marks = _watermarks_at(engine, data_version(engine))
    return _with_freshness(marks, now, late_minutes, stale_minutes)


def cached_district_freshness(
    engine: Engine, now: datetime, late_minutes: int, stale_minutes: int, scope: Scope = None
) -> pd.DataFrame:
    """`district_freshness` of the districts in `scope`, with the watermarks cached per
    data version."""
    marks = _watermarks_at(engine, data_version(engine))
    if scope is not None:
        marks = marks[marks["district_code"].isin(scope)]
    return _district_view(marks, now, late_minutes, stale_minutes)


def cached_recent_batches(engine: Engine, limit: int) -> pd.DataFrame:
    """`recent_batches`, cached per data version."""
    return _batches_at(engine, data_version(engine), _clamp(limit))


def cached_quarantine_page(
    engine: Engine, *, feed: str | None, batch_id: int | None, after_id: int | None, limit: int
) -> pd.DataFrame:
    """`quarantine_page`, cached per data version."""
    return _quarantine_at(engine, data_version(engine), feed, batch_id, after_id, _clamp(limit))


def cached_quarantine_count(engine: Engine, *, feed: str | None, batch_id: int | None) -> int:
    """`quarantine_count`, cached per data version."""
    return int(_quarantine_count_at(engine, data_version(engine), feed, batch_id))
