"""Queue queries: recent gate observations, and hourly queue history per port.

A port is observed as several queues (direction x lane type); each observation carries
lanes open of max, vehicles waiting, the wait in minutes, the operational status and how
it was measured. The live board reads the raw observations of the last few hours (a
bounded range on the `observed_at` index, so its cost does not grow with history); port
detail and comparisons read `rollup_queue_hourly`.

Scope: queue data belongs to the port's district (`district_code` on the observation, the
port's district for the rollup).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import select

from dashboard import schema
from dashboard.queries import Bind, Scope, hour_keys, in_scope, read_frame, scoped

OBS_COLUMNS = [
    "port_id",
    "district_code",
    "observed_at",
    "direction",
    "lane_type",
    "lanes_open",
    "lanes_max",
    "vehicles_waiting",
    "wait_minutes",
    "operational_status",
    "measurement_method",
]
HOURLY_COLUMNS = [
    "hour",
    "port_id",
    "direction",
    "lane_type",
    "obs_n",
    "wait_minutes_sum",
    "vehicles_sum",
    "lanes_open_sum",
    "lanes_max_sum",
]


def recent_observations(bind: Bind, since: datetime, until: datetime, scope: Scope) -> pd.DataFrame:
    """Every queue observation with `since <= observed_at <= until`, oldest first.

    Args:
        bind: Engine or Connection.
        since: start of the window (naive Beijing time).
        until: end of the window (normally now).
        scope: districts the caller may see (None for all).

    Returns:
        Columns `OBS_COLUMNS`.
    """
    q = schema.queue_observations.c
    stmt = select(*(q[name] for name in OBS_COLUMNS)).where(
        q.observed_at >= since, q.observed_at <= until
    )
    stmt = scoped(stmt, q.district_code, scope).order_by(q.observed_at)
    frame = read_frame(bind, stmt, OBS_COLUMNS)
    frame["observed_at"] = pd.to_datetime(frame["observed_at"])
    return frame


def hourly(
    bind: Bind, windows: list[tuple[datetime, datetime]], scope: Scope, port_id: str | None = None
) -> pd.DataFrame:
    """Hourly queue sums per queue for the hours in `windows` (each `[start, end)`).

    Args:
        bind: Engine or Connection.
        windows: time ranges to read, e.g. the last 24 h and the same hours a week before.
        scope: districts the caller may see (None for all).
        port_id: only this port (None for every port in scope).

    Returns:
        Columns `HOURLY_COLUMNS`, ordered by hour.
    """
    r = schema.rollup_queue_hourly.c
    p = schema.ports.c
    stmt = select(*(r[name] for name in HOURLY_COLUMNS)).where(r.hour.in_(hour_keys(windows)))
    if port_id is not None:
        stmt = stmt.where(r.port_id == port_id)
    if scope is not None:
        stmt = stmt.where(r.port_id.in_(select(p.port_id).where(in_scope(p.district_code, scope))))
    frame = read_frame(bind, stmt.order_by(r.hour), HOURLY_COLUMNS)
    frame["hour"] = pd.to_datetime(frame["hour"])
    return frame
