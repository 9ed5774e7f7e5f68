"""Shared building blocks of the synthetic data generator.

Time inside the generator is int64 "wall seconds": seconds since 1970-01-01 00:00 of naive
Beijing time, so a day is `seconds // 86400` and the hour `seconds // 3600 % 24`. An event
that never happens is `NEVER`. Randomness is drawn per *unit* (one calendar day, or one
month for trainings) from `numpy.random.default_rng([seed, stream, unit])`, so a day's rows
are identical however a period is cut into chunks: the demo's monthly files, a one-off
sample and the live simulator's five-second ticks all agree, and serial numbers never
collide. This module also turns reference tables into the arrays the feeds need and
formats values as the contract's strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import numpy as np
import pandas as pd

from dashboard.reference import Reference, load_reference

NEVER = np.iinfo(np.int64).max
DAY = 86_400
HOUR = 3_600
DISTRICTS = ("0100", "0200", "0400", "7900")
# Streams keep the feeds' random numbers independent of each other.
STREAM = {
    "declarations": 1,
    "incidents": 2,
    "inquiries": 3,
    "queue": 4,
    "trainings": 5,
    "enterprises": 6,
}


def to_wall(ts: datetime) -> int:
    """Naive Beijing datetime -> wall seconds."""
    return int(np.datetime64(ts.replace(tzinfo=None), "s").astype(np.int64))


def from_wall(sec: int) -> datetime:
    """Wall seconds -> naive Beijing datetime."""
    return pd.Timestamp(int(sec), unit="s").to_pydatetime()


def unit_rng(seed: int, stream: str, unit: int) -> np.random.Generator:
    """The generator of one unit (a day or a month) of one feed."""
    return np.random.default_rng([seed, STREAM[stream], unit + 1_000_000])


def pick(weights: np.ndarray, u: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Inverse-CDF sampling of categories, vectorised.

    Args:
        weights: 1-D weights (one table) or 2-D (one table per group).
        u: uniform draws in [0, 1), one per output row.
        rows: the group of each output row when `weights` is 2-D.

    Returns:
        Category index per row.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim == 1:
        cdf = np.cumsum(w) / w.sum()
        return np.minimum(np.searchsorted(cdf, u, side="right"), len(w) - 1)
    assert rows is not None
    out = np.zeros(len(u), dtype=np.int64)
    for g in np.unique(rows):  # one pass per group (a handful), never per row
        sel = rows == g
        out[sel] = pick(w[g], u[sel])
    return out


def lognormal_mean(mean: np.ndarray | float, sigma: float, z: np.ndarray) -> np.ndarray:
    """Lognormal draws with the given arithmetic mean (median = mean * exp(-sigma^2/2))."""
    return np.asarray(mean) * np.exp(sigma * z - sigma * sigma / 2.0)


def cumcount(keys: list[np.ndarray]) -> np.ndarray:
    """0-based rank of each row within its group of equal keys, in row order."""
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return frame.groupby(list(frame.columns), sort=False).cumcount().to_numpy()


# --- formatting ---------------------------------------------------------------------------
@cache
def _time_of_day() -> np.ndarray:
    sec = np.arange(DAY)
    hh = np.char.zfill((sec // HOUR).astype(str), 2)
    mm = np.char.zfill((sec // 60 % 60).astype(str), 2)
    ss = np.char.zfill((sec % 60).astype(str), 2)
    return np.strings.add(
        np.strings.add(
            np.strings.add(np.strings.add(np.strings.add("T", hh), ":"), mm),
            np.strings.add(":", ss),
        ),
        "+08:00",
    ).astype(object)


def fmt_ts(sec: np.ndarray, now_s: int | None = None) -> np.ndarray:
    """Wall seconds -> ISO-8601 strings with +08:00; NEVER (and, given now, later) -> ''."""
    sec = np.asarray(sec, dtype=np.int64)
    empty = sec == NEVER
    if now_s is not None:
        empty |= sec > now_s
    out = np.full(sec.shape, "", dtype=object)
    if (~empty).any():
        s = sec[~empty]
        days = s // DAY
        uniq, inv = np.unique(days, return_inverse=True)
        day_str = np.datetime_as_string(uniq.astype("datetime64[D]")).astype(object)
        out[~empty] = day_str[inv] + _time_of_day()[s - days * DAY]
    return out


def fmt_padded(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers -> zero-padded decimal strings of `width` digits."""
    values = np.asarray(values, dtype=np.int64)
    if values.size == 0:
        return np.zeros(0, dtype=object)
    return np.strings.zfill(values.astype(str), width).astype(object)


def fmt_bool(flag: np.ndarray) -> np.ndarray:
    """Booleans -> 'true' / 'false'."""
    return np.where(np.asarray(flag, dtype=bool), "true", "false").astype(object)


def fmt_int(values: np.ndarray) -> np.ndarray:
    """Integers -> decimal strings."""
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


def fmt_float(values: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Floats -> decimal strings rounded to `decimals` (no exponent below 1e16)."""
    spec = f"{{:.{decimals}f}}"
    return np.array(list(map(spec.format, np.asarray(values, dtype=float).tolist())), dtype=object)


def codes(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Index into a table of code strings, as an object array."""
    return np.asarray(table, dtype=object)[idx]


# --- reference-derived arrays ---------------------------------------------------------------
@dataclass(frozen=True)
class Ports:
    """Ports from data/reference/ports.csv, as aligned arrays."""

    ids: np.ndarray
    office: np.ndarray
    district: np.ndarray
    kind: np.ndarray
    lanes_max: np.ndarray
    name_zh: np.ndarray
    name_en: np.ndarray

    def index(self, port_id: str) -> int:
        """Position of `port_id` in the arrays."""
        return int(np.flatnonzero(self.ids == port_id)[0])


@dataclass(frozen=True)
class World:
    """Reference data the generator needs, in array form."""

    ref: Reference
    ports: Ports
    offices_by_district: dict[str, list[str]]
    general_office: dict[str, str]
    members: pd.DataFrame


@cache
def world() -> World:
    """The reference tables as generator arrays (read once per process)."""
    ref = load_reference()
    p = ref.ports
    ports = Ports(
        ids=np.array([r["port_id"] for r in p]),
        office=np.array([r["office_code"] for r in p]),
        district=np.array([r["district_code"] for r in p]),
        kind=np.array([r["port_type"] for r in p]),
        lanes_max=np.array([int(r["lanes_max"]) for r in p]),
        name_zh=np.array([r["name_zh"] for r in p]),
        name_en=np.array([r["name_en"] for r in p]),
    )
    offices: dict[str, list[str]] = {d: [] for d in DISTRICTS}
    general: dict[str, str] = {}
    for o in ref.offices:
        offices[o["district_code"]].append(o["office_code"])
        if not o["port_id"]:
            general.setdefault(o["district_code"], o["office_code"])
    general.setdefault("0400", "0401")  # Shijiazhuang Customs also serves as the HQ office
    return World(
        ref=ref,
        ports=ports,
        offices_by_district=offices,
        general_office=general,
        members=pd.DataFrame(ref.members),
    )


def days_covering(start_s: int, end_s: int) -> np.ndarray:
    """Day numbers of every day that overlaps [start, end)."""
    return np.arange(start_s // DAY, (end_s - 1) // DAY + 1, dtype=np.int64)
