"""Rollup upkeep for the District Analysis page (tables in `dashboard.schema`).

Builders in the shape `dashboard.rollups.DELTA_BUILDERS` expects (fact rows -> additive
deltas): clearance-stage histograms by release month (`dashboard.stages` defines the
stages; their district cubes also by quarter and year, `schema.DISTRICT_GRAINS`),
declarations by weekday and hour of day, declarations and inspections by enterprise, queue
waits by port and month. All are sums, so they equal the same aggregate over the raw rows
after any sequence of batches.

Declarations by credit tier join two feeds: a declaration counts under its declarant's tier
as the register has it now ("" when the firm is not registered). Its two builders read the
database inside the batch's transaction (`dashboard.rollups.READING_BUILDERS`): a
declarations batch looks up the tiers of its declarants; an enterprises row moves its firm's
counts (read from the per-enterprise rollup) from "" to its tier, so that the old version of
an updated row (sign -1) moves them back and a tier change nets out as old tier -> new tier.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Table
from sqlalchemy.engine import Connection

from dashboard import schema, stages
from dashboard.contract import RELEASED_STATUSES
from dashboard.histogram import bucket_of_hours

Deltas = dict[Table, pd.DataFrame]
KEYS = ["declare_district", "port_id", "ie_flag"]
UNREGISTERED = ""  # the tier of a declarant missing from the register
LOOKUP_CHUNK = 2000  # keys per IN list


def _month(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts).dt.to_period("M").dt.start_time


def stage_deltas(rows: pd.DataFrame) -> Deltas:
    """Stage-duration histogram counts of released declarations, by release month."""
    released = rows[rows["status"].isin(RELEASED_STATUSES) & rows["ts_released"].notna()]
    if released.empty:
        return {}
    hours = stages.stage_hours(released)
    base = pd.DataFrame(
        {
            "month": _month(released["ts_released"]),
            **{k: released[k].fillna("") for k in KEYS},
            "risk_lane": released["risk_lane"].fillna(""),
            "inspection_method": released["inspection_method"].fillna("")
            if "inspection_method" in released
            else "",
        },
        index=released.index,
    )
    parts = []
    for stage in stages.ALL_STAGES:
        bucket = bucket_of_hours(hours[stage])
        ok = bucket.notna()
        if not ok.any():
            continue
        parts.append(base[ok].assign(stage=stage, bucket=bucket[ok].astype(int), n=1.0))
    if not parts:
        return {}
    keys = ["month", *KEYS, "risk_lane", "inspection_method", "stage", "bucket"]
    frame = pd.concat(parts, ignore_index=True).groupby(keys, as_index=False, sort=False).sum()
    district = _graded(_cube(frame, ["stage", "risk_lane", "inspection_method", "bucket"], ["n"]))
    overall = frame[frame["stage"] == "overall"]
    ports = _graded(_cube(overall, ["port_id", "bucket"], ["n"]))
    return {
        schema.rollup_stage_monthly: frame,
        schema.rollup_stage_district_monthly: district,
        schema.rollup_port_clearance_monthly: ports,
    }


def _cube(frame: pd.DataFrame, keys: list[str], measures: list[str]) -> pd.DataFrame:
    """`measures` summed by (declare_district, ie_flag, month, *keys), plus the same sums
    under district "*", direction "*" and both (`schema.DIST_ALL`)."""
    every = schema.DIST_ALL
    parts = [
        frame,
        frame.assign(declare_district=every),
        frame.assign(ie_flag=every),
        frame.assign(declare_district=every, ie_flag=every),
    ]
    by = ["declare_district", "ie_flag", "month", *keys]
    return (
        pd.concat(parts, ignore_index=True).groupby(by, as_index=False, sort=False)[measures].sum()
    )


def _graded(cube: pd.DataFrame, measures: tuple[str, ...] = ("n",)) -> pd.DataFrame:
    """A `_cube` frame's rows at every grain of `schema.DISTRICT_GRAINS`: columns grain and
    period (the first day of the month, quarter or year holding the row's month) in place of
    month, `measures` summed by the new key."""
    month = pd.to_datetime(cube["month"])
    keys = [c for c in cube.columns if c != "month" and c not in measures]
    base = cube.drop(columns="month")
    parts = []
    for grain in schema.DISTRICT_GRAINS:
        period = month if grain == "M" else month.dt.to_period(grain).dt.start_time
        part = base.assign(grain=grain, period=period.to_numpy())
        parts.append(part.groupby(["grain", "period", *keys], as_index=False, sort=False).sum())
    return pd.concat(parts, ignore_index=True)


def pattern_deltas(rows: pd.DataFrame) -> Deltas:
    """Declarations by weekday x hour, by port (with value and inspections), by trade mode
    and by enterprise, by declaration month."""
    declared = pd.to_datetime(rows["ts_declared"])
    keyed = pd.DataFrame(
        {"month": _month(declared), **{k: rows[k].fillna("") for k in KEYS}}, index=rows.index
    )
    week = keyed.assign(
        weekday=declared.dt.day_of_week.astype(int),
        hour_of_day=declared.dt.hour.astype(int),
        declared_n=1.0,
    )
    week = week.groupby(
        ["month", *KEYS, "weekday", "hour_of_day"], as_index=False, sort=False
    ).sum()
    measures = ["declared_n", "declared_value_usd", "inspected_n"]
    each = (
        keyed.assign(
            trade_mode=rows["trade_mode"].fillna(""),
            declared_n=1.0,
            declared_value_usd=rows["value_usd"].fillna(0.0).astype(float),
            inspected_n=rows["inspection_flag"].fillna(False).astype(float),
        )
        .groupby(["month", *KEYS, "trade_mode"], as_index=False, sort=False)[measures]
        .sum()
    )
    ports = _cube(each, ["port_id"], measures)
    modes = _cube(each, ["trade_mode"], ["declared_n", "inspected_n"])
    ent = pd.DataFrame(
        {
            "month": keyed["month"],
            "declare_district": keyed["declare_district"],
            "enterprise_uscc": rows["enterprise_uscc"].fillna(""),
            "declared_n": 1.0,
            "inspected_n": rows["inspection_flag"].fillna(False).astype(float),
        }
    )
    ent = ent.groupby(
        ["month", "declare_district", "enterprise_uscc"], as_index=False, sort=False
    ).sum()
    return {
        schema.rollup_decl_weekhour_monthly: week,
        schema.rollup_weekhour_district_monthly: _cube(
            week, ["weekday", "hour_of_day"], ["declared_n"]
        ),
        schema.rollup_decl_port_monthly: ports,
        schema.rollup_mode_district_monthly: modes,
        schema.rollup_decl_enterprise_monthly: ent,
    }


def queue_month_deltas(rows: pd.DataFrame) -> Deltas:
    """Queue observations and wait minutes by port and month."""
    wait = rows["wait_minutes"].astype(float)
    frame = pd.DataFrame(
        {
            "month": _month(rows["observed_at"]),
            "port_id": rows["port_id"].fillna(""),
            "obs_n": wait.notna().astype(float),
            "wait_minutes_sum": wait.fillna(0.0),
        }
    )
    frame = frame.groupby(["month", "port_id"], as_index=False, sort=False).sum()
    return {schema.rollup_queue_monthly: frame}


def _lookup(conn: Connection, table: Table, columns: list[str], usccs: list[str]) -> pd.DataFrame:
    """`columns` of the rows of `table` whose enterprise_uscc is one of `usccs`.

    Driver-level IN lists, as in `dashboard.ingest`: compiling thousands of bound values
    through SQLAlchemy costs more than the lookup.
    """
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    parts = [pd.DataFrame(columns=columns)]
    for start in range(0, len(usccs), LOOKUP_CHUNK):
        keys = usccs[start : start + LOOKUP_CHUNK]
        sql = (
            f"SELECT {', '.join(columns)} FROM {table.name} "
            f"WHERE enterprise_uscc IN ({', '.join([mark] * len(keys))})"
        )
        found = [tuple(r) for r in conn.exec_driver_sql(sql, tuple(keys))]
        if found:
            parts.append(pd.DataFrame(found, columns=columns))
    return pd.concat(parts, ignore_index=True)


def tier_deltas(conn: Connection, rows: pd.DataFrame) -> Deltas:
    """Declarations and inspections by declaring district and the declarant's current
    credit tier, by declaration month."""
    uscc = rows["enterprise_uscc"].fillna("")
    e = schema.enterprises
    firms = sorted(k for k in uscc.unique().tolist() if k)
    register = _lookup(conn, e, ["enterprise_uscc", "credit_tier"], firms)
    tiers = dict(zip(register["enterprise_uscc"], register["credit_tier"].fillna(""), strict=True))
    frame = pd.DataFrame(
        {
            "month": _month(rows["ts_declared"]),
            "declare_district": rows["declare_district"].fillna(""),
            "credit_tier": uscc.map(tiers).fillna(UNREGISTERED),
            "declared_n": 1.0,
            "inspected_n": rows["inspection_flag"].fillna(False).astype(float),
        }
    )
    keys = ["month", "declare_district", "credit_tier"]
    return {schema.rollup_decl_tier_monthly: frame.groupby(keys, as_index=False, sort=False).sum()}


def tier_move_deltas(conn: Connection, rows: pd.DataFrame) -> Deltas:
    """For enterprises rows: each firm's declarations and inspections (every month and
    declaring district, from the per-enterprise rollup) added under its tier and taken
    from the unregistered tier ""."""
    tiers = dict(
        zip(rows["enterprise_uscc"], rows["credit_tier"].fillna(UNREGISTERED), strict=True)
    )
    r = schema.rollup_decl_enterprise_monthly
    cols = ["month", "declare_district", "enterprise_uscc", "declared_n", "inspected_n"]
    counts = _lookup(conn, r, cols, sorted(tiers))
    counts["credit_tier"] = counts["enterprise_uscc"].map(tiers)
    counts = counts[counts["credit_tier"] != UNREGISTERED]
    if counts.empty:
        return {}
    measures = ["declared_n", "inspected_n"]
    counts[measures] = counts[measures].astype(float)
    out = counts.drop(columns="enterprise_uscc")
    taken = out.assign(credit_tier=UNREGISTERED)
    taken[measures] = -taken[measures]
    keys = ["month", "declare_district", "credit_tier"]
    frame = pd.concat([out, taken], ignore_index=True)
    frame["month"] = pd.to_datetime(frame["month"])
    return {schema.rollup_decl_tier_monthly: frame.groupby(keys, as_index=False, sort=False).sum()}
