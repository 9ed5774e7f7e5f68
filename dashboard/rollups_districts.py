"""Rollup upkeep for the District Analysis page (tables in `dashboard.schema`).

Builders in the shape `dashboard.rollups.DELTA_BUILDERS` expects (fact rows -> additive
deltas): clearance-stage histograms by release month (`dashboard.stages` defines the
stages), declarations by weekday and hour of day, declarations and inspections by
enterprise, queue waits by port and month. All are sums, so they equal the same aggregate
over the raw rows after any sequence of batches.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Table

from dashboard import schema, stages
from dashboard.contract import RELEASED_STATUSES
from dashboard.histogram import bucket_of_hours

Deltas = dict[Table, pd.DataFrame]
KEYS = ["declare_district", "port_id", "ie_flag"]


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
    no_port = [k for k in keys if k != "port_id"]
    district = frame.groupby(no_port, as_index=False, sort=False)["n"].sum()
    return {schema.rollup_stage_monthly: frame, schema.rollup_stage_district_monthly: district}


def pattern_deltas(rows: pd.DataFrame) -> Deltas:
    """Declarations by weekday x hour and by enterprise, by declaration month."""
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
