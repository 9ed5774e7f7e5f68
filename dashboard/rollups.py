"""Rollup tables: the only aggregate path for charts, and their upkeep.

Every rollup is a table of sums and counts keyed by a time bucket (hour, day or month, in
Beijing time) and a few dimensions. `deltas(feed, rows, sign)` turns a set of fact rows
into additive changes (+1 for new rows, -1 for the old version of an updated row), and
`apply` adds them with one `INSERT ... ON CONFLICT DO UPDATE SET x = x + excluded.x` per
table, inside the ingest transaction. Because all measures are sums, a rollup equals the
same aggregate computed from the raw rows at every commit: counts exactly, float sums
(values, hours) up to floating-point rounding (relative 1e-12 after many updates);
`rebuild` recomputes them from scratch for repair.

Declaration rollups count a declaration on the day it was declared (declared_*, inspected,
red) and, separately, on the day it was released (released_*, clearance hours). Clearance
times are kept as a histogram with log-spaced buckets (see `dashboard.histogram`, which also
reads percentiles back from it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Date, DateTime, Table, delete, inspect, select, tuple_
from sqlalchemy.engine import Connection, Engine

from dashboard import db, rollups_districts, rollups_service, rollups_trade, schema
from dashboard.contract import ENDED_STATUSES, RELEASED_STATUSES
from dashboard.histogram import bucket_of_hours

log = logging.getLogger(__name__)

Deltas = dict[Table, pd.DataFrame]


def _group(
    frame: pd.DataFrame,
    time: pd.Series,
    freq: str,
    keys: list[str],
    measures: Mapping[str, pd.Series],
    time_name: str,
) -> pd.DataFrame:
    """Sum `measures` by (time bucket, keys)."""
    if frame.empty:
        return pd.DataFrame(columns=[time_name, *keys, *measures])
    if freq == "M":
        bucket = time.dt.to_period("M").dt.start_time
    else:
        bucket = time.dt.floor(freq)
    data = pd.DataFrame(
        {
            time_name: bucket,
            **{k: frame[k].fillna("") for k in keys},
            **{m: v.astype(float) for m, v in measures.items()},
        }
    )
    data = data[data[time_name].notna()]
    return data.groupby([time_name, *keys], as_index=False, sort=False).sum()


def _merge(parts: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    return out.groupby(keys, as_index=False, sort=False).sum()


def _declaration_deltas(rows: pd.DataFrame) -> Deltas:
    keys = ["declare_district", "port_id", "ie_flag"]
    released = rows[rows["status"].isin(RELEASED_STATUSES) & rows["ts_released"].notna()]
    one = pd.Series(1.0, index=rows.index)
    rel_one = pd.Series(1.0, index=released.index)
    red = (rows["risk_lane"] == "RED").astype(float)
    live = (~rows["status"].isin(ENDED_STATUSES)).astype(float)
    daily = _merge(
        [
            _group(
                rows,
                rows["ts_declared"],
                "D",
                keys,
                {
                    "declared_n": one,
                    "declared_value_usd": rows["value_usd"],
                    "inspected_n": rows["inspection_flag"].astype(float),
                    "red_n": red,
                    "live_n": live,
                },
                "day",
            ),
            _group(
                released,
                released["ts_released"],
                "D",
                keys,
                {
                    "released_n": rel_one,
                    "released_value_usd": released["value_usd"],
                    "overall_h_sum": released["overall_h"].fillna(0.0),
                    "overall_n": released["overall_h"].notna().astype(float),
                    "customs_h_sum": released["customs_h"].fillna(0.0),
                    "customs_n": released["customs_h"].notna().astype(float),
                },
                "day",
            ),
        ],
        ["day", *keys],
    )
    hourly = _merge(
        [
            _group(
                rows,
                rows["ts_declared"],
                "h",
                keys,
                {
                    "declared_n": one,
                    "declared_value_usd": rows["value_usd"],
                    "live_n": live,
                },
                "hour",
            ),
            _group(released, released["ts_released"], "h", keys, {"released_n": rel_one}, "hour"),
        ],
        ["hour", *keys],
    )
    modes = _group(
        rows,
        rows["ts_declared"],
        "M",
        [*keys, "trade_mode", "transport_mode"],
        {
            "declared_n": one,
            "declared_value_usd": rows["value_usd"],
            "inspected_n": rows["inspection_flag"].astype(float),
        },
        "month",
    )
    hs = _group(
        rows,
        rows["ts_declared"],
        "M",
        ["declare_district", "port_district", "ie_flag", "hs_chapter"],
        {"declared_n": one, "declared_value_usd": rows["value_usd"]},
        "month",
    )
    hist_keys = [*keys, "risk_lane", "bucket"]
    hist_parts = []
    for metric in ("overall", "customs"):
        part = released.assign(bucket=bucket_of_hours(released[f"{metric}_h"]))
        part = part[part["bucket"].notna()]
        part["bucket"] = part["bucket"].astype(int)
        hist_parts.append(
            _group(
                part,
                part["ts_released"],
                "D",
                hist_keys,
                {f"{metric}_n": pd.Series(1.0, index=part.index)},
                "day",
            )
        )
    hist = _merge(hist_parts, ["day", *hist_keys])
    return {
        schema.rollup_decl_daily: daily,
        schema.rollup_decl_hourly: hourly,
        schema.rollup_decl_mode_monthly: modes,
        schema.rollup_decl_hs_monthly: hs,
        schema.rollup_clearance_hist: hist,
    }


def _queue_deltas(rows: pd.DataFrame) -> Deltas:
    hourly = _group(
        rows,
        rows["observed_at"],
        "h",
        ["port_id", "direction", "lane_type"],
        {
            "obs_n": pd.Series(1.0, index=rows.index),
            "wait_minutes_sum": rows["wait_minutes"],
            "vehicles_sum": rows["vehicles_waiting"],
            "lanes_open_sum": rows["lanes_open"],
            "lanes_max_sum": rows["lanes_max"],
        },
        "hour",
    )
    return {schema.rollup_queue_hourly: hourly}


def _minutes(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.total_seconds() / 60.0


def _incident_deltas(rows: pd.DataFrame) -> Deltas:
    ack = _minutes(rows["acknowledged_at"], rows["reported_at"])
    res = _minutes(rows["resolved_at"], rows["reported_at"]) / 60.0
    daily = _group(
        rows,
        rows["reported_at"],
        "D",
        ["district_code", "port_id", "category", "severity"],
        {
            "reported_n": pd.Series(1.0, index=rows.index),
            "acknowledged_n": ack.notna().astype(float),
            "ack_minutes_sum": ack.fillna(0.0),
            "resolved_n": res.notna().astype(float),
            "resolve_hours_sum": res.fillna(0.0),
        },
        "day",
    )
    return {schema.rollup_incident_daily: daily}


def _inquiry_deltas(rows: pd.DataFrame) -> Deltas:
    resp = _minutes(rows["first_response_at"], rows["received_at"]) / 60.0
    res = _minutes(rows["resolved_at"], rows["received_at"]) / 60.0
    daily = _group(
        rows,
        rows["received_at"],
        "D",
        ["district_code", "channel", "category", "topic"],
        {
            "received_n": pd.Series(1.0, index=rows.index),
            "first_contact_n": rows["resolved_first_contact"].astype(float),
            "published_n": rows["published_qa"].astype(float),
            "responded_n": resp.notna().astype(float),
            "response_hours_sum": resp.fillna(0.0),
            "resolved_n": res.notna().astype(float),
            "resolve_hours_sum": res.fillna(0.0),
        },
        "day",
    )
    return {schema.rollup_inquiry_daily: daily}


def _training_deltas(rows: pd.DataFrame) -> Deltas:
    monthly = _group(
        rows,
        rows["start_at"],
        "M",
        ["district_code", "type"],
        {
            "sessions_n": pd.Series(1.0, index=rows.index),
            "participants_sum": rows["participants"],
            "enterprises_sum": rows["enterprises_trained"],
            "hours_sum": rows["duration_h"],
        },
        "month",
    )
    return {schema.rollup_training_monthly: monthly}


# Feed -> the builders of its rollup deltas. A page that needs another rollup adds its
# table to `schema`, a builder here (or in its own module) and the table to FEED_ROLLUPS.
DELTA_BUILDERS: dict[str, list[Callable[[pd.DataFrame], Deltas]]] = {
    "declarations": [
        _declaration_deltas,
        rollups_districts.stage_deltas,
        rollups_districts.pattern_deltas,
        rollups_trade.trade_deltas,
        rollups_service.enterprise_deltas,
        rollups_service.firm_declaration_deltas,
    ],
    "queue_observations": [_queue_deltas, rollups_districts.queue_month_deltas],
    "incidents": [_incident_deltas],
    "inquiries": [
        _inquiry_deltas,
        rollups_service.inquiry_deltas,
        rollups_service.firm_inquiry_deltas,
    ],
    "trainings": [_training_deltas],
    "enterprises": [],
    "training_attendance": [],
    "incident_assignments": [],
}
FEED_ROLLUPS: dict[str, list[Table]] = {
    "declarations": [
        schema.rollup_decl_daily,
        schema.rollup_decl_hourly,
        schema.rollup_decl_mode_monthly,
        schema.rollup_decl_hs_monthly,
        schema.rollup_clearance_hist,
        schema.rollup_stage_monthly,
        schema.rollup_stage_district_monthly,
        schema.rollup_port_clearance_monthly,
        schema.rollup_decl_port_monthly,
        schema.rollup_weekhour_district_monthly,
        schema.rollup_mode_district_monthly,
        schema.rollup_decl_weekhour_monthly,
        schema.rollup_decl_enterprise_monthly,
        schema.rollup_decl_tier_monthly,
        schema.rollup_trade,
        schema.rollup_trade_hist,
        schema.rollup_trade_od_hist,
        schema.rollup_trade_mix,
        schema.rollup_trade_pct,  # derived (DERIVED), listed so a feed's reset covers it
        schema.rollup_enterprise_yearly,
        schema.rollup_service_firm_decl_monthly,
        schema.rollup_service_decl_firms_monthly,
    ],
    "queue_observations": [schema.rollup_queue_hourly, schema.rollup_queue_monthly],
    "incidents": [schema.rollup_incident_daily],
    "inquiries": [
        schema.rollup_inquiry_daily,
        schema.rollup_service_weekly,
        schema.rollup_service_weekly_channel,
        schema.rollup_service_unit_monthly,
        schema.rollup_service_topic_monthly,
        schema.rollup_service_hist_monthly,
        schema.rollup_service_firm_inq_monthly,
        schema.rollup_service_inq_firms_monthly,
    ],
    "trainings": [schema.rollup_training_monthly],
    "enterprises": [],
    "training_attendance": [],
    "incident_assignments": [],
}

# Builders that also read the database, on the batch's own connection inside its
# transaction: for a rollup that joins a feed's rows to another feed's current rows.
# Declarations by credit tier need each declarant's tier from the register, and an
# enterprises batch moves a firm's counts when it registers or its tier changes.
ReadingBuilder = Callable[[Connection, pd.DataFrame], Deltas]
READING_BUILDERS: dict[str, list[ReadingBuilder]] = {
    "declarations": [rollups_districts.tier_deltas],
    "enterprises": [rollups_districts.tier_move_deltas],
}


@dataclass(frozen=True)
class Derived:
    """A rollup recomputed from other rollups (not additive: a percentile, a set a firm
    enters later).

    Attributes:
        sources: the rollups it is computed from; rebuilding one recomputes it.
        recompute: recompute all of it (on the batch's connection).
        on_apply: recompute the keys a batch's deltas changed (`apply` calls it when the
            deltas touch a source); None when ingest keeps it current itself.
    """

    sources: tuple[Table, ...]
    recompute: Callable[[Connection], None]
    on_apply: Callable[[Connection, Deltas], None] | None = None


def _percentiles_of(conn: Connection, changes: Deltas) -> None:
    rollups_trade.refresh_percentiles(conn, changes[schema.rollup_trade_hist])


DERIVED: dict[Table, Derived] = {
    schema.rollup_trade_pct: Derived(
        (schema.rollup_trade_hist,),
        lambda conn: rollups_trade.refresh_percentiles(conn, None),
        _percentiles_of,
    ),
    # kept current by ingest with the batch's rows (`rollups_service.refresh_trained`)
    schema.rollup_service_trained_monthly: Derived(
        (schema.rollup_service_firm_decl_monthly, schema.rollup_service_firm_inq_monthly),
        rollups_service.refresh_trained,
    ),
}


def all_rollups() -> list[Table]:
    """Every rollup table: the feeds' and the derived ones."""
    tables = [t for feed_tables in FEED_ROLLUPS.values() for t in feed_tables]
    return tables + [t for t in DERIVED if t not in tables]


def deltas(
    feed: str,
    rows: pd.DataFrame,
    sign: int = 1,
    conn: Connection | None = None,
    *,
    skip: Collection[Callable[..., Deltas]] = (),
    produced: dict[Callable[..., Deltas], set[Table]] | None = None,
) -> Deltas:
    """Additive rollup changes for fact rows of `feed`.

    Args:
        feed: feed name.
        rows: typed fact rows (as produced by validation, or read back from the table).
        sign: +1 to add the rows, -1 to take them out (the old version of an update).
        conn: the transaction's connection, for the feed's `READING_BUILDERS`.
        skip: builders not to run (a rebuild of some tables skips the others' builders).
        produced: filled with the tables each builder that ran gave rows for.

    Returns:
        Rollup table -> DataFrame of key columns and measure deltas.

    Raises:
        ValueError: `conn` is missing and the feed has builders that read the database.
    """
    if rows.empty:
        return {}
    reading = READING_BUILDERS.get(feed, [])
    if reading and conn is None:
        raise ValueError(f"the rollups of {feed} read the database: pass conn")
    parts: list[tuple[Callable[..., Deltas], Deltas]] = [
        (build, build(rows)) for build in DELTA_BUILDERS[feed] if build not in skip
    ]
    if conn is not None:
        parts += [(build, build(conn, rows)) for build in reading if build not in skip]
    if produced is not None:
        for build, part in parts:
            produced.setdefault(build, set()).update(t for t, d in part.items() if not d.empty)
    out = {t: _complete(t, d) for _b, part in parts for t, d in part.items() if not d.empty}
    return {t: d if sign == 1 else _negate(t, d) for t, d in out.items()}


def _complete(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Add measure columns a part did not produce (e.g. no released rows) as zeros."""
    for col in table.columns:
        if not col.primary_key and col.name not in frame:
            frame[col.name] = 0.0
    return frame


def _negate(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    measures = [c.name for c in table.columns if not c.primary_key]
    frame = frame.copy()
    frame[measures] = -frame[measures]
    return frame


def combine(a: Deltas, b: Deltas) -> Deltas:
    """Sum two sets of deltas table by table."""
    out = dict(a)
    for table, frame in b.items():
        if table in out:
            keys = [c.name for c in table.primary_key.columns]
            out[table] = pd.concat([out[table], frame]).groupby(keys, as_index=False).sum()
        else:
            out[table] = frame
    return out


def apply(conn: Connection, changes: Deltas, *, refresh: bool = True) -> None:
    """Add `changes` to the rollup tables (upsert with col = col + excluded.col), then
    recompute the `DERIVED` rollups for the keys changed in their sources (unless
    `refresh` is False: a rebuild recomputes them once at the end).

    Runs as one driver-level executemany per table: rollup upkeep sits on the ingest hot
    path and SQLAlchemy's per-row parameter processing would dominate it.
    """
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    for table, frame in changes.items():
        if frame.empty:
            continue
        keys = [c.name for c in table.primary_key.columns]
        measures = [c.name for c in table.columns if not c.primary_key]
        names = keys + measures
        sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join(mark for _ in names)}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{m} = {table.name}.{m} + excluded.{m}" for m in measures)
        )
        conn.exec_driver_sql(sql, _rows(conn, table, frame, names))
    if refresh:
        for derived in DERIVED.values():
            touched = any(s in changes and not changes[s].empty for s in derived.sources)
            if derived.on_apply is not None and touched:
                derived.on_apply(conn, changes)


def _rows(
    conn: Connection, table: Table, frame: pd.DataFrame, names: list[str]
) -> list[tuple[Any, ...]]:
    """Parameter tuples in `names` order, with driver-friendly Python values."""
    sqlite = conn.dialect.name == "sqlite"
    columns: list[list[Any]] = []
    for name in names:
        column = table.c[name]
        if isinstance(column.type, Date):
            days = pd.to_datetime(frame[name])
            columns.append([d.date().isoformat() if sqlite else d.date() for d in days])
        elif isinstance(column.type, DateTime):
            stamps = pd.to_datetime(frame[name])
            if sqlite:
                columns.append(stamps.dt.strftime(schema.SQLITE_TS_FORMAT).tolist())
            else:
                columns.append(stamps.dt.to_pydatetime().tolist())
        elif column.primary_key:
            columns.append(frame[name].tolist())
        elif column.type.python_type is int:
            columns.append(frame[name].round().astype("int64").tolist())
        else:
            columns.append(frame[name].astype(float).tolist())
    return list(zip(*columns, strict=True))


def rebuild(
    engine: Engine,
    feeds: list[str] | None = None,
    chunk_rows: int = 200_000,
    tables: Collection[Table] | None = None,
) -> None:
    """Recompute rollups from the raw rows (repair), one transaction per feed, then the
    `DERIVED` rollups computed from what was rebuilt, in one more.

    Args:
        engine: the database.
        feeds: feeds to rebuild (all when None).
        chunk_rows: raw rows read per step, to bound memory.
        tables: only these rollup tables (all of each feed's when None); a derived table
            alone is recomputed from its sources without reading raw rows.
    """
    wanted = None if tables is None else set(tables)
    rebuilt: set[Table] = set()
    for feed in feeds or list(FEED_ROLLUPS):
        targets = [t for t in FEED_ROLLUPS[feed] if wanted is None or t in wanted]
        if not targets:
            continue
        with db.write_transaction(engine) as conn:
            for table in targets:
                conn.execute(delete(table))
            _replay(conn, feed, targets, chunk_rows)
        rebuilt |= set(targets)
        log.info("rebuilt rollups for %s: %s", feed, ", ".join(t.name for t in targets))
    derived = [
        t
        for t, d in DERIVED.items()
        if (wanted is not None and t in wanted) or rebuilt & set(d.sources)
    ]
    if derived:
        with db.write_transaction(engine) as conn:
            for table in derived:
                conn.execute(delete(table))
                DERIVED[table].recompute(conn)
        log.info("recomputed %s", ", ".join(t.name for t in derived))


def _replay(conn: Connection, feed: str, tables: list[Table], chunk_rows: int) -> None:
    """Apply the deltas of every raw row of `feed` to `tables`."""
    fact = schema.FACT_TABLES[feed]
    key = list(fact.primary_key.columns)
    last: tuple[object, ...] | None = None
    produced: dict[Callable[..., Deltas], set[Table]] = {}
    skip: set[Callable[..., Deltas]] = set()
    while True:  # keyset pages over the primary key: bounded memory, no cursor
        query = select(fact).order_by(*key).limit(chunk_rows)
        if last is not None:
            query = query.where(tuple_(*key) > last)
        result = conn.execute(query)
        page = result.fetchall()
        if not page:
            break
        rows = pd.DataFrame(page, columns=list(result.keys()))
        changes = deltas(feed, typed_from_db(fact, rows), conn=conn, skip=skip, produced=produced)
        apply(conn, {t: f for t, f in changes.items() if t in tables}, refresh=False)
        # builders seen writing only other tables need not run again
        skip |= {b for b, made in produced.items() if made and not made & set(tables)}
        last = tuple(page[-1]._mapping[c.name] for c in key)


def stale_rollups(engine: Engine) -> list[Table]:
    """Rollup tables an upgrade must rebuild: missing, with other columns or key than their
    definition, or with another `info["revision"]` than the one recorded (see SCHEMA_VERSION).
    """
    inspector = inspect(engine)
    with engine.connect() as conn:
        stale = []
        for table in all_rollups():
            if not inspector.has_table(table.name):
                stale.append(table)
                continue
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            key = inspector.get_pk_constraint(table.name)["constrained_columns"]
            revision = db.get_meta(conn, f"revision:{table.name}") or "0"
            if (
                columns != {c.name for c in table.columns}
                or list(key) != [c.name for c in table.primary_key.columns]
                or revision != str(table.info.get("revision", 0))
            ):
                stale.append(table)
    return stale


def record_revisions(conn: Connection) -> None:
    """Record each rollup table's `info["revision"]` (read by `stale_rollups`)."""
    for table in all_rollups():
        db.set_meta(conn, f"revision:{table.name}", str(table.info.get("revision", 0)))


def typed_from_db(table: Table, rows: pd.DataFrame) -> pd.DataFrame:
    """Give rows read back from a fact table the dtypes validation produces."""
    rows = rows.copy()
    for col in table.columns:
        if col.name not in rows:
            continue
        python_type = col.type.python_type
        if python_type.__name__ == "datetime":
            rows[col.name] = pd.to_datetime(rows[col.name]).astype("datetime64[us]")
        elif python_type is bool:
            rows[col.name] = rows[col.name].astype(bool)
        elif python_type is float or python_type is int:
            rows[col.name] = pd.to_numeric(rows[col.name])
    return rows
