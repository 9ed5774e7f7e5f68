"""Realistic synthetic history: every contract feed for a period, written as contract files.

`generate_frames(start, end, seed=..., scale=..., now=...)` returns one DataFrame per feed
(declarations, queue_observations, incidents, inquiries, trainings, enterprises) with exactly
the contract columns, as strings ready to write. It is vectorised (numpy/pandas; loops run
per day or per month, never per row), seeded and deterministic for (seed, period, scale,
now), and a day's rows are the same however a period is cut into chunks. Records whose
later stages fall after `now` are written as they stand at `now` (in process: later
timestamps empty, status ACCEPTED / REVIEWED / INSPECTION_ORDERED ...); nothing is ever
stamped after `now`.

The feeds are modelled in `gen_declarations`, `gen_queues`, `gen_incidents`, `gen_service`
and `gen_enterprises`, on the calendar of `calendar_cn`; the calibration is
research/domain.md §2-4. `scale=1.0` is the realistic full volume (about 15,400
declarations a day across the four districts); incidents and inquiries shrink only mildly
with scale, queues and trainings not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from dashboard.contract import FEEDS
from dashboard.gen_assignments import incident_spells, materialize_assignments
from dashboard.gen_common import DAY, days_covering, to_wall
from dashboard.gen_declarations import materialize, timelines
from dashboard.gen_enterprises import register
from dashboard.gen_incidents import incident_timelines, materialize_incidents, port_effects
from dashboard.gen_queues import materialize_queues, observations
from dashboard.gen_service import (
    attendance,
    inquiry_timelines,
    materialize_attendance,
    materialize_inquiries,
    materialize_trainings,
    trainings,
)

DEFAULT_SEED = 20140701
INCIDENT_LOOKBACK = 14 * DAY  # incidents this old can still affect a queue
SAMPLE_SCALE = 1.0
# Rough rows per day of each feed at scale 1 (to size the period of a sample).
ROWS_PER_DAY = {
    "declarations": 14000.0,
    "queue_observations": 960.0,
    "incidents": 3.0,
    "inquiries": 250.0,
    "trainings": 0.3,
    "enterprises": 5.0,
    "training_attendance": 60.0,
    "incident_assignments": 12.0,
}


def _declarations(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    tl = timelines(days_covering(start_s, end_s), seed, scale)
    t = tl["declared"].to_numpy()
    return materialize(
        tl[(t >= start_s) & (t < end_s) & (t <= now_s)], now_s, register(seed, scale)
    )


def _incidents_tl(start_s: int, end_s: int, seed: int, scale: float) -> pd.DataFrame:
    return incident_timelines(days_covering(start_s, end_s), seed, scale)


def _incidents(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    tl = _incidents_tl(start_s - DAY, end_s, seed, scale)
    t = tl["reported"].to_numpy()
    return materialize_incidents(tl[(t >= start_s) & (t < end_s) & (t <= now_s)], now_s)


def _assignments(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    tl = _incidents_tl(start_s - DAY, end_s, seed, scale)
    t = tl["reported"].to_numpy()
    spells = incident_spells(tl[(t >= start_s) & (t < end_s) & (t <= now_s)], seed)
    return materialize_assignments(spells, now_s)


def _queues(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    tl = incident_timelines(
        days_covering(start_s - INCIDENT_LOOKBACK, end_s), seed, scale, escalations=False
    )
    effects = port_effects(tl)
    obs = observations(start_s, end_s, now_s, seed, effects)
    if obs.empty:
        return pd.DataFrame(columns=FEEDS["queue_observations"].columns)
    return materialize_queues(obs)


def _inquiries(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    tl = inquiry_timelines(days_covering(start_s, end_s), seed, scale)
    t = tl["received"].to_numpy()
    return materialize_inquiries(tl[(t >= start_s) & (t < end_s) & (t <= now_s)], now_s)


def _trainings(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    months = np.arange(
        np.datetime64(start_s, "s").astype("datetime64[M]").astype(np.int64),
        np.datetime64(end_s - 1, "s").astype("datetime64[M]").astype(np.int64) + 1,
    )
    frame = trainings(months, seed)
    if frame.empty:
        return pd.DataFrame(columns=FEEDS["trainings"].columns)
    t = frame["start"].to_numpy(dtype=np.int64)
    return materialize_trainings(frame[(t >= start_s) & (t < end_s) & (t <= now_s)])


def _attendance(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    months = np.arange(
        np.datetime64(start_s, "s").astype("datetime64[M]").astype(np.int64),
        np.datetime64(end_s - 1, "s").astype("datetime64[M]").astype(np.int64) + 1,
    )
    frame = trainings(months, seed)
    if frame.empty:
        return pd.DataFrame(columns=FEEDS["training_attendance"].columns)
    t = frame["start"].to_numpy(dtype=np.int64)
    sessions = frame[(t >= start_s) & (t < end_s) & (t <= now_s)]
    return materialize_attendance(attendance(sessions, register(seed, scale), seed))


def _enterprises(start_s: int, end_s: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    return register(seed, scale).frame(until_s=min(end_s, now_s + 1))


GENERATORS: dict[str, Callable[[int, int, int, int, float], pd.DataFrame]] = {
    "declarations": _declarations,
    "queue_observations": _queues,
    "incidents": _incidents,
    "inquiries": _inquiries,
    "trainings": _trainings,
    "enterprises": _enterprises,
    "training_attendance": _attendance,
    "incident_assignments": _assignments,
}


def generate_feed(
    feed: str, start: datetime, end: datetime, *, seed: int, scale: float, now: datetime
) -> pd.DataFrame:
    """One feed for [start, end), as it stands at `now`.

    Args:
        feed: a contract feed name.
        start, end: the period (naive Beijing time); records are assigned to it by their
            creation time (declared, observed, reported, received, training start). For
            `enterprises` the result is the register as of `end` (all firms registered
            before it), since declarations of the period may name any of them.
        seed: generator seed.
        scale: volume scale (1.0 = realistic full volume).
        now: current Beijing time (naive); nothing later is generated.

    Returns:
        Exactly the contract columns, all strings ('' for empty).

    Raises:
        KeyError: for an unknown feed.
    """
    if feed not in GENERATORS:
        raise KeyError(f"unknown feed {feed!r}; known feeds: {', '.join(GENERATORS)}")
    frame = GENERATORS[feed](to_wall(start), to_wall(end), to_wall(now), seed, scale)
    columns = FEEDS[feed].columns
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return frame[columns].reset_index(drop=True)


def generate_frames(
    start: datetime, end: datetime, *, seed: int, scale: float, now: datetime
) -> dict[str, pd.DataFrame]:
    """All feeds for [start, end), as they stand at `now`.

    Args:
        start, end: the period (naive Beijing time).
        seed: generator seed.
        scale: volume scale (1.0 = realistic full volume).
        now: current Beijing time (naive); nothing later is generated.

    Returns:
        Feed name -> DataFrame with exactly the contract columns, all strings.
    """
    return {
        feed: generate_feed(feed, start, end, seed=seed, scale=scale, now=now)
        for feed in GENERATORS
    }


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV through Arrow's C++ writer: unquoted cells, or every text cell quoted when some
    cell holds a comma, quote or line break (a valid RFC 4180 file either way)."""
    table = pa.table(
        {
            c: pa.array(frame[c].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
            for c in frame.columns
        }
    )
    try:
        options = pa_csv.WriteOptions(quoting_style="none", quoting_header="none")
        pa_csv.write_csv(table, path, write_options=options)
    except pa.ArrowInvalid:
        options = pa_csv.WriteOptions(quoting_style="needed", quoting_header="none")
        pa_csv.write_csv(table, path, write_options=options)


def write_feed(frame: pd.DataFrame, path: Path) -> int:
    """Write a feed as CSV (UTF-8, header row) or JSON Lines, chosen by the suffix.

    Args:
        frame: string cells, one column per contract field.
        path: `.csv` or `.jsonl` file to create (parent folders are created).

    Returns:
        Number of rows written.

    Raises:
        ValueError: for another suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise ValueError(f"{path.name}: feed files must end in .csv or .jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        _write_csv(frame, path)
        return len(frame)
    import orjson

    with path.open("wb") as fh:
        for record in frame.fillna("").to_dict("records"):
            fh.write(orjson.dumps(record))
            fh.write(b"\n")
    return len(frame)


def write_sample(feed: str, rows: int, seed: int, out: Path, now: datetime) -> int:
    """Write exactly `rows` rows of one feed: the newest of a period ending at `now`.

    The period is grown until it yields at least `rows` rows; volumes are the realistic
    full scale.

    Args:
        feed: contract feed name.
        rows: number of rows wanted (at least 1).
        seed: generator seed.
        out: `.csv` or `.jsonl` file to write.
        now: current Beijing time (naive).

    Returns:
        Number of rows written (== rows).

    Raises:
        ValueError: when rows < 1, or the feed cannot yield that many rows in 20 years.
        KeyError: for an unknown feed.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    time_field = FEEDS[feed].time_field if feed in FEEDS else ""
    days = max(1.0, rows / ROWS_PER_DAY.get(feed, 1.0) * 1.5)
    while True:
        frame = generate_feed(
            feed,
            now - timedelta(days=days),
            now + timedelta(seconds=1),
            seed=seed,
            scale=SAMPLE_SCALE,
            now=now,
        )
        if len(frame) >= rows:
            break
        if days > 7300:
            raise ValueError(f"{feed} yields only {len(frame)} rows in 20 years; ask for fewer")
        days *= 2
    newest = frame.sort_values(time_field, kind="stable").tail(rows)
    return write_feed(newest.reset_index(drop=True), out)
