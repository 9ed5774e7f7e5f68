"""Synthetic queue observations at port gates: arrivals against open lanes, M/M/c waits.

Every port is observed inbound and outbound on STANDARD lanes, and seaports also on
FAST_TRUSTED lanes (AEO traffic). Truck arrivals follow the port type's hourly profile
(seaports: day peaks 08-11 and 14-17; airports: night freighter peaks too) times the
trade calendar (weekends, holidays, CNY, seasonal peaks); lanes open follow a staffing
plan that lags demand by an hour and is thinner on weekends, so queues build at the morning
ramp and before holidays. The wait is the M/M/c (Erlang C) queueing delay plus a fluid
backlog when arrivals exceed capacity; vehicles waiting follow from Little's law. Incidents
at the port (see `gen_incidents.port_effects`) close lanes, slow the service or bring a
surge for their duration; a closed gate shows CLOSED with the queue growing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from dashboard.calendar_cn import declaration_day_factor, is_working_day
from dashboard.gen_common import DAY, HOUR, codes, fmt_float, fmt_int, fmt_ts, unit_rng, world

SLOT = 15 * 60
SLOTS_PER_DAY = DAY // SLOT
FINE_WINDOW = 7 * DAY
HOURLY_WINDOW = 90 * DAY  # hourly slots for the last 90 days, 3-hourly before that
SERVICE_PER_LANE_H = {"SEAPORT": 40.0, "AIRPORT": 30.0, "BONDED_ZONE": 24.0, "RAIL_PORT": 20.0}
# fmt: off
DEMAND = {
    "SEAPORT": [.35, .30, .25, .25, .30, .40, .60, .80, .95, 1.0, 1.0, .95, .80, .90, 1.0, 1.0,
                .95, .80, .65, .55, .50, .45, .40, .38],
    "AIRPORT": [.80, .90, .70, .50, .35, .30, .40, .60, .85, .95, .90, .85, .70, .80, .90, .90,
                .80, .70, .60, .60, .65, .75, .85, .85],
    "RAIL_PORT": [.50, .45, .40, .40, .45, .55, .70, .85, .95, 1.0, .95, .90, .80, .85, .95, 1.0,
                  .90, .80, .70, .65, .60, .55, .55, .50],
    "BONDED_ZONE": [.15, .10, .10, .10, .10, .15, .30, .60, .90, 1.0, 1.0, .90, .70, .85, 1.0,
                    1.0, .90, .60, .35, .25, .20, .20, .15, .15],
}
# fmt: on
METHOD = {"SEAPORT": "RFID", "AIRPORT": "VIDEO_ANPR", "BONDED_ZONE": "RFID", "RAIL_PORT": "MANUAL"}
METHOD_BY_PORT = {"SJW": "BLUETOOTH"}
PEAK_LOAD = {"STANDARD": 0.85, "FAST_TRUSTED": 0.45}
MISSING_SHARE = 0.002


@dataclass(frozen=True)
class Series:
    """One observed queue (port x direction x lane type), as aligned arrays."""

    port: np.ndarray
    direction: np.ndarray
    lane_type: np.ndarray
    lanes: np.ndarray
    mu: np.ndarray
    peak: np.ndarray
    kind: np.ndarray
    method: np.ndarray


@cache
def series() -> Series:
    """All observed queues, derived from ports.csv (lanes split by direction and type)."""
    ports = world().ports
    rows: list[tuple[int, str, str, int, float, str, str]] = []
    for i, (pid, kind, lanes) in enumerate(
        zip(ports.ids, ports.kind, ports.lanes_max, strict=True)
    ):
        for direction, dir_lanes in (("IN", (lanes + 1) // 2), ("OUT", max(1, lanes // 2))):
            fast = max(1, round(dir_lanes / 4)) if kind == "SEAPORT" else 0
            rate = SERVICE_PER_LANE_H[kind]
            method = METHOD_BY_PORT.get(pid, METHOD[kind])
            rows.append((i, direction, "STANDARD", dir_lanes - fast, rate, kind, method))
            if fast:
                rows.append((i, direction, "FAST_TRUSTED", fast, rate * 2, kind, method))
    cols = list(zip(*rows, strict=True))
    lane_type = np.array(cols[2])
    lanes, mu = np.array(cols[3], dtype=np.int64), np.array(cols[4], dtype=float)
    load = np.array([PEAK_LOAD[str(x)] for x in lane_type])
    return Series(
        port=np.array(cols[0], dtype=np.int64),
        direction=np.array(cols[1]),
        lane_type=lane_type,
        lanes=lanes,
        mu=mu,
        peak=lanes * mu * load,
        kind=np.array(cols[5]),
        method=np.array(cols[6]),
    )


def _profiles(kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Demand and staffing (share of lanes open) by hour, per series: (n, 24) each."""
    demand = np.array([DEMAND[k] for k in kind])
    # the shift plan follows demand partly an hour late: queues build at the morning ramp
    staff = np.clip(0.6 * demand + 0.4 * np.roll(demand, 1, axis=1) + 0.15, 0.3, 1.0)
    return demand, staff


def observations(
    start_s: int, end_s: int, now_s: int, seed: int, effects: pd.DataFrame
) -> pd.DataFrame:
    """Queue observations in [start, end) up to now: 15-minute slots in the week before
    `now`, hourly slots in the 90 days before that, 6-hourly slots earlier (keeps two years
    of demo history small; rollups are hourly either way).

    Args:
        start_s, end_s: period, wall seconds.
        now_s: current time; no observation after it.
        seed: generator seed.
        effects: `gen_incidents.port_effects` of incidents that may overlap the period.

    Returns:
        Internal frame (series index, observed time and the observed values).
    """
    s = series()
    first, last = start_s // DAY, (min(end_s, now_s + 1) - 1) // DAY
    if last < first:
        return pd.DataFrame()
    days = np.arange(first, last + 1, dtype=np.int64)
    noise = np.stack(
        [
            unit_rng(seed, "queue", int(d)).standard_normal((3, len(s.port), SLOTS_PER_DAY))
            for d in days
        ]
    )  # one draw per day
    n_ser = len(s.port)
    t = (
        days[:, None, None] * DAY
        + np.arange(SLOTS_PER_DAY)[None, None, :] * SLOT
        + np.zeros((1, n_ser, 1), dtype=np.int64)
    )
    ser = np.broadcast_to(np.arange(n_ser)[None, :, None], t.shape)
    fine = t >= now_s - FINE_WINDOW
    hourly = (t >= now_s - HOURLY_WINDOW) & (t % HOUR == 0)
    keep = (t >= start_s) & (t < end_s) & (t <= now_s) & (fine | hourly | (t % (6 * HOUR) == 0))
    keep &= noise[:, 2] < 2.878  # about 0.2 % of observations missing (sensor gaps)
    t, ser = t[keep], ser[keep]
    n0, n1 = noise[:, 0][keep], noise[:, 1][keep]
    return _model(s, t, ser, n0, n1, effects)


def _model(
    s: Series, t: np.ndarray, ser: np.ndarray, n0: np.ndarray, n1: np.ndarray, effects: pd.DataFrame
) -> pd.DataFrame:
    demand_p, staff_p = _profiles(s.kind)
    hour = t // HOUR % 24
    day = t // DAY
    uniq, inv = np.unique(day, return_inverse=True)
    day_f = declaration_day_factor(uniq)[inv]
    work = is_working_day(uniq)[inv]
    lanes = s.lanes[ser]
    demand = s.peak[ser] * demand_p[ser, hour] * day_f**0.7 * np.exp(0.15 * n0)
    staffing = staff_p[ser, hour] * np.where(work, 1.0, 0.8)
    c = np.clip(np.ceil(lanes * staffing), 1, lanes).astype(np.int64)
    mu = s.mu[ser].astype(float)
    active = np.zeros(len(t), dtype=bool)
    elapsed = np.zeros(len(t))
    cut = np.zeros(len(t))
    port_row = s.port[ser]
    order = np.lexsort((t, port_row))
    t_sorted = t[order]
    block = np.searchsorted(port_row[order], np.arange(len(world().ports.ids) + 1))
    e_port = effects["port"].to_numpy(dtype=np.int64)
    e_start, e_end = (
        effects["start"].to_numpy(dtype=np.int64),
        effects["end"].to_numpy(dtype=np.int64),
    )
    e_cut, e_service, e_surge = (
        effects[c].to_numpy(dtype=float) for c in ("cut", "service", "surge")
    )
    for i in range(len(effects)):  # one pass per port incident, never per row
        lo, hi = block[e_port[i]], block[e_port[i] + 1]
        a, b = lo + np.searchsorted(t_sorted[lo:hi], [e_start[i], e_end[i]])
        if a == b:
            continue
        sel = order[a:b]
        active[sel] = True
        cut[sel] = np.maximum(cut[sel], e_cut[i])
        mu[sel] *= e_service[i]
        demand[sel] *= e_surge[i]
        elapsed[sel] = np.maximum(elapsed[sel], (t[sel] - e_start[i]) / HOUR)
    c_eff = np.where(cut >= 1, 0, np.floor(c * (1 - cut))).astype(np.int64)
    c_eff = np.where((cut > 0) & (cut < 1), np.maximum(c_eff, 1), c_eff)
    wait_h, queue = _mmc(demand, mu, c_eff)
    closed = c_eff == 0
    wait_min = np.where(
        closed, np.minimum(elapsed * 60 + 30, 10080), (wait_h * 60 + 60 / mu) * np.exp(0.2 * n1)
    )
    vehicles = np.where(
        closed,
        np.minimum(demand * np.maximum(elapsed, 0.25) * 0.6, 20000),
        queue * np.exp(0.2 * n1),
    )
    status = np.where(closed, "CLOSED", np.where(active | (wait_min > 45), "DELAYED", "OPEN"))
    return pd.DataFrame(
        {
            "series": ser,
            "observed": t,
            "lanes_open": c_eff,
            "lanes_max": lanes,
            "vehicles_waiting": np.clip(np.round(vehicles), 0, 20000).astype(np.int64),
            "wait_minutes": np.clip(wait_min, 0, 10080),
            "status": status,
            "incident": active,
        }
    )


def _mmc(demand: np.ndarray, mu: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Erlang-C mean wait (hours) and queue length; beyond 97 % load a fluid backlog is added.

    Rows with c == 0 get zeros (handled by the caller as a closed gate).
    """
    cf = np.maximum(c, 1).astype(float)
    capacity = cf * mu
    lam = np.minimum(demand, 0.97 * capacity)
    a = lam / mu
    term = np.ones_like(a)
    total = np.zeros_like(a)
    for k in range(int(cf.max()) if cf.size else 0):  # one pass per lane count, never per row
        total += np.where(k < cf, term, 0.0)
        term = np.where(k < cf, term * a / (k + 1), term)
    tail = term / (1 - lam / capacity)
    erlang_c = tail / (total + tail)
    wait = erlang_c / (capacity - lam)
    backlog = np.maximum(demand / capacity - 0.97, 0) * 3.0
    wait = np.where(c > 0, wait + backlog, 0.0)
    return wait, demand * wait


def materialize_queues(obs: pd.DataFrame) -> pd.DataFrame:
    """The queue_observations feed (contract columns as strings)."""
    s = series()
    ser = obs["series"].to_numpy()
    return pd.DataFrame(
        {
            "port_id": codes(world().ports.ids, s.port[ser]),
            "observed_at": fmt_ts(obs["observed"].to_numpy()),
            "direction": codes(s.direction, ser),
            "lane_type": codes(s.lane_type, ser),
            "lanes_open": fmt_int(obs["lanes_open"].to_numpy()),
            "lanes_max": fmt_int(obs["lanes_max"].to_numpy()),
            "vehicles_waiting": fmt_int(obs["vehicles_waiting"].to_numpy()),
            "wait_minutes": fmt_float(obs["wait_minutes"].to_numpy(), 1),
            "operational_status": obs["status"].to_numpy(dtype=object),
            "measurement_method": codes(s.method, ser),
        },
        dtype=object,
    )
