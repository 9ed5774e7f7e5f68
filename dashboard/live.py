"""The live picture of the Command Center, computed from query results (no SQL, no Dash).

- `port_board`: every port's current queue from the latest observation of each of its
  queues (direction x lane type): worst wait, vehicles waiting, lanes open of max, status
  (normal / busy / congested / closed / unknown) by the thresholds, trend and sparkline.
- `kpis`: today's figures against the median of the same weekday in the previous four
  weeks, compared at the same time of day where the figure accumulates over the day.
- `alarms`: threshold breaches now (queue, wait, closed port, clearance time, serious
  incident, late or stale district feed). Alarms are derived from the current state, so a
  breach that clears drops out at the next refresh.

All times are naive Beijing wall time, like the stored timestamps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from dashboard.config import Settings
from dashboard.histogram import grouped_percentiles, percentile_from_histogram

PORT_STATUSES = ("normal", "busy", "congested", "closed", "unknown")
COMPARE_WEEKS = 4
SPARK_HOURS = 6
SPARK_BIN = "15min"
CURRENT_MINUTES = 90  # an observation older than this is not "current"
TREND_MINUTES = 60
BOARD_COLUMNS = [
    "port_id",
    "district_code",
    "observed_at",
    "wait_minutes",
    "vehicles_waiting",
    "lanes_open",
    "lanes_max",
    "methods",
    "status",
    "trend",
    "spark",
]
ALARM_COLUMNS = ["kind", "level", "at", "district_code", "port_id", "value", "threshold", "detail"]


@dataclass(frozen=True)
class Thresholds:
    """Where a port turns busy or congested, and what raises an alarm."""

    busy_wait: float = 30
    congested_wait: float = 90
    busy_vehicles: float = 120
    congested_vehicles: float = 300
    clearance_p90_hours: float = 72.0
    incident_severities: tuple[str, ...] = ("I", "II")

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        """The thresholds configured in `settings`."""
        return cls(
            busy_wait=settings.queue_busy_wait_minutes,
            congested_wait=settings.queue_congested_wait_minutes,
            busy_vehicles=settings.queue_busy_vehicles,
            congested_vehicles=settings.queue_congested_vehicles,
            clearance_p90_hours=settings.alarm_clearance_p90_hours,
            incident_severities=tuple(
                sorted(
                    s.strip() for s in settings.alarm_incident_severities.split(",") if s.strip()
                )
            ),
        )


# --- queue board -----------------------------------------------------------------------------
def port_status(wait: float, vehicles: float, closed: bool, th: Thresholds) -> str:
    """Status of one port from its worst wait (minutes) and vehicles waiting."""
    if closed:
        return "closed"
    if wait != wait:  # NaN: no current observation
        return "unknown"
    if wait >= th.congested_wait or vehicles >= th.congested_vehicles:
        return "congested"
    if wait >= th.busy_wait or vehicles >= th.busy_vehicles:
        return "busy"
    return "normal"


def _trend(bins: list[int], waits: list[float], now: datetime) -> str:
    """ "up", "down" or "flat": the wait now against the wait an hour before (bins are
    15-minute starts in nanoseconds since the epoch)."""
    if len(waits) < 2:
        return "flat"
    hour_ago = (pd.Timestamp(now) - pd.Timedelta(minutes=TREND_MINUTES)).value
    earlier = [w for b, w in zip(bins, waits, strict=True) if b <= hour_ago]
    before = earlier[-1] if earlier else waits[0]
    change = waits[-1] - before
    if abs(change) < max(5.0, 0.1 * before):
        return "flat"
    return "up" if change > 0 else "down"


def latest_per_queue(obs: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The newest observation of each queue (port x direction x lane type) observed in the
    last `CURRENT_MINUTES`."""
    cutoff = pd.Timestamp(now) - pd.Timedelta(minutes=CURRENT_MINUTES)
    recent = obs[obs["observed_at"] >= cutoff]
    return recent.sort_values("observed_at", kind="stable").drop_duplicates(
        ["port_id", "direction", "lane_type"], keep="last"
    )


@dataclass
class _Port:
    """Accumulates one port's current queues and its 15-minute wait bins."""

    observed_at: int | None = None  # nanoseconds since the epoch
    wait: float = math.nan
    vehicles: float = 0.0
    lanes_open: float = 0.0
    lanes_max: float = 0.0
    open_queues: int = 0
    methods: set[str] = field(default_factory=set)


def port_board(
    obs: pd.DataFrame, ports: pd.DataFrame, now: datetime, th: Thresholds
) -> pd.DataFrame:
    """One row per port: its current queue, status, trend and 6-hour sparkline.

    A port's current picture is the newest observation of each of its queues in the last
    `CURRENT_MINUTES`: the worst wait, the vehicles and lanes summed, closed when no queue
    is open or no lane is. The sparkline is, per 15 minutes, the worst queue's mean wait.
    One pass over plain arrays (a few thousand rows): far cheaper than pandas grouping for
    a panel redrawn every refresh.

    Args:
        obs: queue observations of the last hours (`queries.queues.OBS_COLUMNS`).
        ports: reference ports (port_id, district_code, lanes_max).
        now: current Beijing time.
        th: status thresholds.

    Returns:
        Columns `BOARD_COLUMNS`, worst wait first; ports without a current observation
        (none in the last `CURRENT_MINUTES`) have status "unknown" and no wait, and come
        last. `spark` is a list of waits (minutes, one per 15 minutes, oldest first).
    """
    # times as int64 nanoseconds: plain Python ints compare far faster than numpy scalars
    cutoff = (pd.Timestamp(now) - pd.Timedelta(minutes=CURRENT_MINUTES)).value
    spark_start = (pd.Timestamp(now) - pd.Timedelta(hours=SPARK_HOURS)).value
    stamps = obs["observed_at"].to_numpy(dtype="datetime64[ns]")
    times = stamps.astype("int64").tolist()
    bins = obs["observed_at"].dt.floor(SPARK_BIN).to_numpy(dtype="datetime64[ns]")
    bins = bins.astype("int64").tolist()
    cols = [obs[c].tolist() for c in OBS_FIELDS]
    latest: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    binned: dict[str, dict[int, dict[tuple[str, str], list[float]]]] = {}
    for t, b, row in zip(times, bins, zip(*cols, strict=True), strict=True):
        port, direction, lane, wait = row[0], row[1], row[2], float(row[6])
        key = (port, direction, lane)
        if t >= cutoff and (key not in latest or t >= latest[key][0]):
            latest[key] = (t, *row)
        if t >= spark_start and wait == wait:
            acc = (
                binned.setdefault(port, {})
                .setdefault(b, {})
                .setdefault((direction, lane), [0.0, 0.0])
            )
            acc[0] += wait
            acc[1] += 1
    state: dict[str, _Port] = {}
    for t, port, _d, _l, lanes_open, lanes_max, vehicles, wait, status, method in latest.values():
        p = state.setdefault(port, _Port())
        p.observed_at = t if p.observed_at is None or t > p.observed_at else p.observed_at
        p.wait = float(wait) if p.wait != p.wait else max(p.wait, float(wait))
        p.vehicles += float(vehicles)
        p.lanes_open += float(lanes_open)
        p.lanes_max += float(lanes_max)
        p.open_queues += status != "CLOSED"
        p.methods.add(str(method))
    rows = []
    for port, district, lanes_ref in zip(
        ports["port_id"], ports["district_code"], ports["lanes_max"], strict=True
    ):
        p = state.get(port, _Port())
        current = p.observed_at is not None
        closed = current and (p.open_queues == 0 or p.lanes_open == 0)
        status = port_status(p.wait, p.vehicles, closed, th)
        series = sorted(binned.get(port, {}).items())
        spark_bins = [b for b, _ in series]
        spark = [max(s / n for s, n in queues.values()) for _, queues in series]
        rows.append(
            (
                port,
                district,
                pd.Timestamp(p.observed_at) if current else pd.NaT,
                p.wait if current else math.nan,
                p.vehicles if current else math.nan,
                p.lanes_open if current else math.nan,
                p.lanes_max if current else float(lanes_ref),
                ",".join(sorted(p.methods)),
                status,
                _trend(spark_bins, spark, now) if status != "unknown" else "flat",
                [round(w, 1) for w in spark],
            )
        )
    board = pd.DataFrame(rows, columns=BOARD_COLUMNS)
    board["observed_at"] = pd.to_datetime(board["observed_at"])
    board = board.sort_values(
        ["wait_minutes", "vehicles_waiting"], ascending=False, na_position="last", kind="stable"
    )
    return board.reset_index(drop=True)


# Observation columns port_board reads, in this order.
OBS_FIELDS = (
    "port_id",
    "direction",
    "lane_type",
    "lanes_open",
    "lanes_max",
    "vehicles_waiting",
    "wait_minutes",
    "operational_status",
    "measurement_method",
)


# --- KPIs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kpi:
    """One figure of the KPI strip: today's value and the 4-week same-weekday median."""

    key: str
    value: float
    baseline: float
    higher_is_better: bool | None = None

    @property
    def change(self) -> float:
        """Relative change against the baseline (NaN when there is none)."""
        if self.baseline != self.baseline or self.baseline == 0 or self.value != self.value:
            return math.nan
        return self.value / self.baseline - 1.0


def compare_days(today: date, weeks: int = COMPARE_WEEKS) -> list[date]:
    """The same weekday in each of the previous `weeks` weeks, most recent first."""
    return [today - timedelta(days=7 * k) for k in range(1, weeks + 1)]


def _median(values: Sequence[float]) -> float:
    clean = [v for v in values if v == v]
    return float(np.median(clean)) if clean else math.nan


def _by_time_of_day(hours: np.ndarray, values: np.ndarray, day: date, now: datetime) -> float:
    """Sum of `values` (per hour in `hours`) on `day` from midnight to the time of day of
    `now` (the hour of `now` counted in proportion to the minutes passed; today's partial
    hour as it is)."""
    start = np.datetime64(day, "ns")
    hour = start + np.timedelta64(now.hour, "h")
    full = float(values[(hours >= start) & (hours < hour)].sum())
    part = float(values[hours == hour].sum())
    if day == now.date():
        return full + part
    return full + part * (now.minute * 60 + now.second) / 3600.0


def in_process_at(
    now_count: float, hourly: pd.DataFrame, daily: pd.DataFrame, at: datetime, now: datetime
) -> float:
    """Declarations in process at the start of `at`'s hour, from today's count.

    Stock(T) = stock(now) - (live declarations lodged since T) + (releases since T), with
    "live" excluding declarations that ended without release. Hours of `at`'s day and of
    today come from `hourly`, whole days between from `daily`.

    Args:
        now_count: declarations in process now.
        hourly: hourly counts covering `at`'s day and today (hour, live_n, released_n).
        daily: daily counts covering the days between (day, live_n, released_n).
        at: a past time.
        now: the current time.

    Returns:
        The in-process count at the start of `at`'s hour.
    """
    start = np.datetime64(pd.Timestamp(at).floor("h").to_datetime64(), "ns")
    day_end = start.astype("datetime64[D]") + np.timedelta64(1, "D")
    today = np.datetime64(now.date(), "D")
    hours = hourly["hour"].to_numpy(dtype="datetime64[ns]")
    net = hourly["live_n"].to_numpy(dtype=float) - hourly["released_n"].to_numpy(dtype=float)
    in_at_day = (hours >= start) & (hours < day_end)
    in_today = hours >= max(today, day_end)  # today's hours, when `at` is earlier
    days = daily["day"].to_numpy(dtype="datetime64[ns]")
    between = (days >= day_end) & (days < today)
    daily_net = daily["live_n"].to_numpy(dtype=float) - daily["released_n"].to_numpy(dtype=float)
    moved = float(net[in_at_day | in_today].sum()) + float(daily_net[between].sum())
    return now_count - moved


def _percentile(hist: pd.DataFrame, day: date, q: float) -> float:
    rows = hist[hist["day"] == pd.Timestamp(day)]
    return percentile_from_histogram(rows["bucket"], rows["overall_n"], q)


def _open_at(incidents: pd.DataFrame, at: datetime) -> int:
    ts = pd.Timestamp(at)
    reported = incidents["reported_at"] <= ts
    unresolved = incidents["resolved_at"].isna() | (incidents["resolved_at"] > ts)
    return int((reported & unresolved).sum())


def _vehicles_at_hour(queue_hourly: pd.DataFrame, hour: datetime) -> float:
    rows = queue_hourly[queue_hourly["hour"] == pd.Timestamp(hour).floor("h")]
    if rows.empty:
        return math.nan
    return float((rows["vehicles_sum"] / rows["obs_n"].where(rows["obs_n"] > 0)).sum())


@dataclass(frozen=True)
class KpiInputs:
    """Query results the KPI strip is computed from (already filtered to one view)."""

    hourly: pd.DataFrame  # declarations per hour: today and the compare days (whole days)
    daily: pd.DataFrame  # declarations per day: the 4 weeks before today, and today
    histogram: pd.DataFrame  # clearance histogram: today and the compare days
    in_process_now: float
    incidents: pd.DataFrame  # incidents open at some time since the first compare day
    open_now: pd.DataFrame  # incidents open now
    vehicles_now: float
    queue_hourly: pd.DataFrame  # queue rollup at the compare hours


def kpis(inputs: KpiInputs, now: datetime) -> list[Kpi]:
    """The KPI strip: today's value and the same-weekday 4-week median of each figure.

    Args:
        inputs: query results for the current view.
        now: current Beijing time.

    Returns:
        Kpis in display order: lodged, released, in_process, p50_hours, p90_hours,
        inspection_rate, open_incidents, vehicles_waiting.
    """
    today = now.date()
    days = compare_days(today)
    past = [datetime.combine(d, now.time()) for d in days]

    hours = inputs.hourly["hour"].to_numpy(dtype="datetime64[ns]")

    def accumulated(measure: str) -> tuple[float, float]:
        values = inputs.hourly[measure].to_numpy(dtype=float)
        value = _by_time_of_day(hours, values, today, now)
        return value, _median([_by_time_of_day(hours, values, d, now) for d in days])

    lodged, lodged_base = accumulated("declared_n")
    released, released_base = accumulated("released_n")
    stock_base = _median(
        [in_process_at(inputs.in_process_now, inputs.hourly, inputs.daily, t, now) for t in past]
    )
    daily = inputs.daily.groupby("day")[["declared_n", "inspected_n"]].sum()

    def rate(day: date) -> float:
        key = pd.Timestamp(day)
        if key not in daily.index or daily.loc[key, "declared_n"] <= 0:
            return math.nan
        return float(daily.loc[key, "inspected_n"] / daily.loc[key, "declared_n"])

    out = [
        Kpi("lodged", lodged, lodged_base, None),
        Kpi("released", released, released_base, True),
        Kpi("in_process", inputs.in_process_now, stock_base, False),
    ]
    for key, q in (("p50_hours", 0.5), ("p90_hours", 0.9)):
        base = _median([_percentile(inputs.histogram, d, q) for d in days])
        out.append(Kpi(key, _percentile(inputs.histogram, today, q), base, False))
    out.append(Kpi("inspection_rate", rate(today), _median([rate(d) for d in days]), None))
    out.append(
        Kpi(
            "open_incidents",
            float(len(inputs.open_now)),
            _median([float(_open_at(inputs.incidents, t)) for t in past]),
            False,
        )
    )
    vehicles_base = _median([_vehicles_at_hour(inputs.queue_hourly, t) for t in past])
    out.append(Kpi("vehicles_waiting", inputs.vehicles_now, vehicles_base, False))
    return out


MIN_RELEASES_FOR_P90 = 30  # fewer releases (early in the day) say nothing about a p90


def district_p90(hist: pd.DataFrame, day: date) -> dict[str, float]:
    """p90 overall clearance hours of each declaring district for releases on `day`
    (districts with fewer than `MIN_RELEASES_FOR_P90` releases so far are left out)."""
    rows = hist[hist["day"] == pd.Timestamp(day)]
    return {
        str(code): percentile_from_histogram(g["bucket"], g["overall_n"], 0.9)
        for code, g in rows.groupby("declare_district")
        if g["overall_n"].sum() >= MIN_RELEASES_FOR_P90
    }


CLEARANCE_QUANTILES = {"p50": 0.5, "p90": 0.9}


def daily_clearance(hist: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """Median and p90 overall clearance hours per release day, from histogram buckets.

    Percentiles are read back from the log-spaced buckets (`histogram.grouped_percentiles`,
    one group per day), within `histogram.PERCENTILE_RELATIVE_ERROR` of the raw durations'
    percentiles.

    Args:
        hist: day, bucket, overall_n (`queries.clearance.port_clearance_histogram`).
        first: first day of the window.
        last: last day of the window (normally today, so far).

    Returns:
        One row per day of `[first, last]` in order: day, n (releases), p50 and p90
        (hours; NaN on a day without releases).
    """
    days = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="D")
    out = pd.DataFrame({"day": days, "n": 0})
    for name in CLEARANCE_QUANTILES:
        out[name] = math.nan
    if hist.empty:
        return out
    # one day per group, straight to the vectorized reader (a panel redrawn every refresh)
    slot = ((hist["day"] - days[0]).dt.days).to_numpy()
    inside = (slot >= 0) & (slot < len(days))
    groups, totals, hours = grouped_percentiles(
        slot[inside],
        hist["bucket"].to_numpy()[inside],
        hist["overall_n"].to_numpy(dtype=float)[inside],
        CLEARANCE_QUANTILES,
    )
    out.loc[groups, "n"] = totals.astype(int)
    for name, values in hours.items():
        out.loc[groups, name] = values
    return out


# --- alarms ----------------------------------------------------------------------------------
def alarms(
    board: pd.DataFrame,
    open_now: pd.DataFrame,
    p90_by_district: dict[str, float],
    freshness: pd.DataFrame,
    th: Thresholds,
    now: datetime,
) -> pd.DataFrame:
    """Every threshold breach in the current state, newest first.

    Args:
        board: `port_board` result.
        open_now: incidents open now (`queries.incidents.INCIDENT_COLUMNS`).
        p90_by_district: today's p90 overall clearance hours per declaring district.
        freshness: district freshness (district_code, newest_ts, age_minutes, state).
        th: thresholds.
        now: current Beijing time (the time of an alarm that has no event time).

    Returns:
        Columns `ALARM_COLUMNS`: kind (queue, wait, closed, clearance, incident, feed),
        level (critical or warning), at, district_code, port_id (None for district-wide
        alarms), value and threshold (numbers; severity or state text for incidents and
        feeds), detail (the incident's title; the feed's age in minutes).
    """
    rows: list[tuple[object, ...]] = []
    for r in board.itertuples(index=False):
        if r.status == "closed":
            rows.append(("closed", "critical", r.observed_at, r.district_code, r.port_id, 0, 0, ""))
        if r.status == "unknown" or r.status == "closed":
            continue
        if r.vehicles_waiting >= th.congested_vehicles:
            rows.append(
                ("queue", "critical", r.observed_at, r.district_code, r.port_id,
                 float(r.vehicles_waiting), th.congested_vehicles, "")
            )  # fmt: skip
        if r.wait_minutes >= th.congested_wait:
            rows.append(
                ("wait", "critical", r.observed_at, r.district_code, r.port_id,
                 float(r.wait_minutes), th.congested_wait, "")
            )  # fmt: skip
    for code, p90 in p90_by_district.items():
        if p90 == p90 and p90 > th.clearance_p90_hours:
            rows.append(
                ("clearance", "warning", pd.Timestamp(now).floor("min"), code, None,
                 round(p90, 1), th.clearance_p90_hours, "")
            )  # fmt: skip
    serious = open_now[open_now["severity"].isin(th.incident_severities)]
    for r in serious.itertuples(index=False):
        level = "critical" if r.severity == "I" else "warning"
        port = r.port_id if isinstance(r.port_id, str) and r.port_id else None
        title = r.title if isinstance(r.title, str) else ""
        rows.append(
            ("incident", level, r.reported_at, r.district_code, port, r.severity, "", title)
        )
    for r in freshness[freshness["state"].isin(["late", "stale"])].itertuples(index=False):
        level = "critical" if r.state == "stale" else "warning"
        rows.append(("feed", level, r.newest_ts, r.district_code, None, r.state, "", r.age_minutes))
    out = pd.DataFrame(rows, columns=ALARM_COLUMNS)
    out["at"] = pd.to_datetime(out["at"])
    return out.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)
