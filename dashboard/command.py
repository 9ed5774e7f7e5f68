"""The Command Center's data for one view: cached queries in, `dashboard.live` results out.

Callbacks call these functions with the engine, the current time, the caller's scope and
the view (one district or all). A view narrows the scope, never widens it: the districts
queried are the view's districts that are in the caller's scope. Times are rounded down
to the minute so that every wall screen on one view shares the cached results, and the
cache keys carry the data version, so new data shows at the next refresh.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from dashboard.cache import cache
from dashboard.live import (
    CURRENT_MINUTES,
    SPARK_HOURS,
    Kpi,
    KpiInputs,
    Thresholds,
    alarms,
    compare_days,
    daily_clearance,
    district_p90,
    kpis,
    latest_per_queue,
    port_board,
)
from dashboard.queries import Scope, clearance, feeds, incidents, queues
from dashboard.reference import load_reference

DETAIL_HOURS = 24
CLEARANCE_DAYS = 14  # the port's clearance chart: release days, today included


def minute(now: datetime) -> datetime:
    """`now` rounded down to the minute (the cache grain of the live views)."""
    return now.replace(second=0, microsecond=0)


def _day(d: date) -> datetime:
    return datetime.combine(d, datetime.min.time())


def reference_ports(scope: Scope) -> pd.DataFrame:
    """Reference ports in `scope` with numeric coordinates and lane counts."""
    ports = pd.DataFrame(load_reference().ports)
    ports["lanes_max"] = ports["lanes_max"].astype(int)
    ports[["lat", "lon"]] = ports[["lat", "lon"]].astype(float)
    return ports if scope is None else ports[ports["district_code"].isin(scope)]


@cache.memoize()
def _board_at(
    engine: Engine, version: str, now: datetime, scope: Scope, th: Thresholds
) -> pd.DataFrame:
    obs = queues.recent_observations(engine, now - timedelta(hours=SPARK_HOURS), now, scope)
    return port_board(obs, reference_ports(scope), now, th)


def board(engine: Engine, now: datetime, scope: Scope, th: Thresholds) -> pd.DataFrame:
    """`live.port_board` for the ports in `scope` (cached per data version and minute)."""
    return _board_at(engine, feeds.data_version(engine), minute(now), scope, th)


def stale_districts(
    engine: Engine, now: datetime, late: int, stale: int, scope: Scope
) -> frozenset[str]:
    """Districts in `scope` whose live feeds are stale now."""
    frame = feeds.cached_district_freshness(engine, now, late, stale, scope)
    return frozenset(frame.loc[frame["state"] == "stale", "district_code"])


def kpi_strip(
    engine: Engine, now: datetime, scope: Scope, th: Thresholds
) -> tuple[list[Kpi], pd.DataFrame]:
    """Today's KPIs for `scope`, and the incidents open now (for the severity breakdown)."""
    return _kpis_at(engine, feeds.data_version(engine), minute(now), scope)


@cache.memoize()
def _kpis_at(
    engine: Engine, version: str, now: datetime, scope: Scope
) -> tuple[list[Kpi], pd.DataFrame]:
    today = now.date()
    days = compare_days(today)
    whole_days = [(_day(d), _day(d) + timedelta(days=1)) for d in sorted((today, *days))]
    hours = [_day(d) + timedelta(hours=now.hour) for d in sorted(days)]
    with engine.connect() as conn:  # one connection for the strip's statements
        hourly = clearance.hourly_counts(conn, whole_days, scope)
        daily = clearance.daily_counts(conn, days[-1], today, scope)
        stock = clearance.in_process(conn, scope)
        hist = clearance.clearance_histogram(conn, [today, *days], scope, by_district=False)
        open_now = incidents.open_incidents(conn, scope)
        overlapping = incidents.incidents_between(conn, _day(days[-1]), now, scope)
        queue_hours = queues.hourly(conn, [(h, h + timedelta(hours=1)) for h in hours], scope)
        since = now - timedelta(minutes=CURRENT_MINUTES)
        latest = latest_per_queue(queues.recent_observations(conn, since, now, scope), now)
    measures = ["declared_n", "inspected_n", "released_n", "live_n"]
    inputs = KpiInputs(
        hourly=hourly.groupby("hour", as_index=False)[["declared_n", "released_n", "live_n"]].sum(),
        daily=daily.groupby("day", as_index=False)[measures].sum(),
        histogram=hist,
        in_process_now=float(stock["in_process"].sum()),
        incidents=overlapping,
        open_now=open_now,
        vehicles_now=float(latest["vehicles_waiting"].sum()),
        queue_hourly=queue_hours,
    )
    return kpis(inputs, now), open_now


def alarm_feed(
    engine: Engine, now: datetime, scope: Scope, th: Thresholds, late: int, stale: int
) -> pd.DataFrame:
    """Every alarm now in `scope` (`live.alarms`), newest first."""
    version = feeds.data_version(engine)
    now = minute(now)
    current = _board_at(engine, version, now, scope, th)
    with engine.connect() as conn:
        open_now = incidents.open_incidents(conn, scope)
        hist = clearance.clearance_histogram(conn, [now.date()], scope)
    fresh = feeds.cached_district_freshness(engine, now, late, stale, scope)
    return alarms(current, open_now, district_p90(hist, now.date()), fresh, th, now)


def map_data(
    engine: Engine, now: datetime, scope: Scope, th: Thresholds
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Board, open incidents and today's district flows for the map of `scope`."""
    version = feeds.data_version(engine)
    now = minute(now)
    current = _board_at(engine, version, now, scope, th)
    with engine.connect() as conn:
        return (
            current,
            incidents.open_incidents(conn, scope),
            clearance.district_flows(conn, now.date(), scope),
        )


@cache.memoize()
def _detail_at(
    engine: Engine, version: str, now: datetime, port_id: str, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    end = now.replace(minute=0) + timedelta(hours=1)
    start = end - timedelta(hours=DETAIL_HOURS)
    week = timedelta(days=7)
    with engine.connect() as conn:
        rows = queues.hourly(conn, [(start - week, end - week), (start, end)], scope, port_id)
        overlapping = incidents.incidents_between(conn, start, now, scope)
    recent = rows[rows["hour"] >= start]
    before = rows[rows["hour"] < start]
    return recent, before, overlapping[overlapping["port_id"] == port_id]


def port_detail(
    engine: Engine, now: datetime, port_id: str, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Hourly queue of one port over the last 24 h and the same hours a week before, and
    the incidents at the port that overlap the last 24 h (cached per data version and
    minute, so every screen showing the port shares one read).

    Returns empty frames for a port outside `scope`.
    """
    return _detail_at(engine, feeds.data_version(engine), minute(now), port_id, scope)


@cache.memoize()
def _clearance_at(
    engine: Engine, version: str, now: datetime, port_id: str, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    last = now.date()
    first = last - timedelta(days=CLEARANCE_DAYS - 1)
    with engine.connect() as conn:
        hist = clearance.port_clearance_histogram(conn, port_id, first, last, scope)
        overlapping = incidents.incidents_between(conn, _day(first), now, scope)
    return daily_clearance(hist, first, last), overlapping[overlapping["port_id"] == port_id]


def port_clearance(
    engine: Engine, now: datetime, port_id: str, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median and p90 overall clearance time of the declarations released at one port,
    per day over the last `CLEARANCE_DAYS` days (today so far included), and the
    incidents at the port that overlap those days (cached per data version and minute).

    Read from the daily clearance histogram rollup only: there is no hourly one, and the
    daily series costs one range read of 14 days of it.

    Args:
        engine: the database.
        now: current Beijing time.
        port_id: a known port.
        scope: declaring districts the caller may see (None for all): the releases at the
            port are counted for every declaring district in it, not only the port's own
            (under regional clearance much of a port's traffic is declared elsewhere).

    Returns:
        `live.daily_clearance` rows (day, n, p50, p90) and the incidents
        (`queries.incidents.INCIDENT_COLUMNS`).
    """
    return _clearance_at(engine, feeds.data_version(engine), minute(now), port_id, scope)
