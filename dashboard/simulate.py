"""Live feed for demo mode: new contract rows every few seconds, loaded through ingest.

Each tick covers the time since the previous one: declarations lodged, incidents reported,
inquiries received and trainings started in that interval, queue observations for every
port at each 15-minute slot reached, all drawn by the same vectorised generator as the
history (so the live rows continue the same synthetic world). Records already sent whose
next stage has now been reached (a declaration released, an incident resolved, an inquiry
answered) are sent again and become updates. Their planned lives are kept in memory; on
start they are picked up again from the database (`in_process_declarations`) so a restart
leaves nothing stuck. The simulator advances the same watermark as the demo loader, so a
later start tops up only the time the app was down. It never crashes the app: errors are
logged and the next tick retries.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard import db
from dashboard.config import Settings
from dashboard.demo import demo_world, record_watermark
from dashboard.gen_assignments import incident_spells, materialize_assignments
from dashboard.gen_common import DAY, NEVER, days_covering, from_wall, to_wall
from dashboard.gen_declarations import DECL_EVENTS, materialize, timelines
from dashboard.gen_enterprises import register
from dashboard.gen_incidents import incident_timelines, materialize_incidents, port_effects
from dashboard.gen_queues import SLOT, materialize_queues, observations
from dashboard.gen_service import (
    attendance,
    inquiry_timelines,
    materialize_attendance,
    materialize_inquiries,
    materialize_trainings,
    trainings,
)
from dashboard.generate import INCIDENT_LOOKBACK
from dashboard.ingest import BatchResult, beijing_now, ingest_records
from dashboard.queries import demo_state

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_S = 5.0
PICKUP_DAYS = 45  # declarations older than this are not looked for on start
CLOSING_DAYS = 5  # released exports close within this many days
SERVICE_LOOKBACK = 30 * DAY
INC_EVENTS = ["acknowledged", "dispatched", "mitigated", "resolved", "closed"]
INQ_EVENTS = ["first_response", "resolved", "published", "escalated_at"]


@dataclass(frozen=True)
class SimState:
    """What the simulator carries from one tick to the next.

    Attributes:
        seed, scale: the synthetic world (as recorded by the demo loader).
        last: wall seconds up to which rows have been sent.
        declarations, incidents, inquiries: planned lives of records not yet final.
    """

    seed: int
    scale: float
    last: int
    declarations: pd.DataFrame
    incidents: pd.DataFrame
    inquiries: pd.DataFrame
    fresh: bool = True


def in_process_declarations(engine: Engine, since: datetime) -> pd.DataFrame:
    """Declarations lodged since `since` that may still change (see queries.demo_state)."""
    closing = since + timedelta(days=PICKUP_DAYS - CLOSING_DAYS)
    return demo_state.in_process_declarations(engine, since, closing)


def _pending(tl: pd.DataFrame, now_s: int) -> pd.DataFrame:
    return tl[tl["final"].to_numpy() > now_s]


def _changed(tl: pd.DataFrame, events: list[str], after: int, upto: int) -> np.ndarray:
    ev = tl[events].to_numpy()
    return ((ev > after) & (ev <= upto) & (ev != NEVER)).any(axis=1)


def start_state(
    engine: Engine,
    now: datetime,
    settings: Settings | None = None,
    *,
    since: datetime | None = None,
) -> SimState:
    """State for a fresh simulator: the watermark, and the records still in process.

    In-process declarations come from the database (their planned lives are regenerated
    from the same seed); incidents and inquiries of the last 30 days are regenerated.

    Args:
        engine: the database.
        now: current Beijing time; the starting point when nothing was generated yet.
        settings: for the seed and scale when the database has none recorded.
        since: start from this time instead of the recorded watermark.
    """
    seed, scale, until = demo_world(engine, settings or Settings())
    start = since or until or now
    last = to_wall(start)
    found = in_process_declarations(engine, from_wall(last) - timedelta(days=PICKUP_DAYS))
    decl = timelines(np.array([], dtype=np.int64), seed, scale)
    if len(found):
        declared = pd.to_datetime(found["ts_declared"]).to_numpy().astype("datetime64[s]")
        days = np.unique(declared.astype(np.int64) // DAY)
        tl = timelines(days, seed, scale)
        ids = found["entry_id"].astype(np.int64).to_numpy()
        decl = _pending(tl[np.isin(tl["entry_id"].to_numpy(), ids)], last)
    service_days = days_covering(last - SERVICE_LOOKBACK, last)
    since_service = from_wall(last - SERVICE_LOOKBACK)
    inc = incident_timelines(service_days, seed, scale)
    inc = inc[inc["incident_id"].isin(demo_state.stored_ids(engine, "incidents", since_service))]
    inq = inquiry_timelines(service_days, seed, scale)
    inq = inq[inq["inquiry_id"].isin(demo_state.stored_ids(engine, "inquiries", since_service))]
    return SimState(
        seed=seed,
        scale=scale,
        last=last,
        declarations=decl,
        incidents=_pending(inc[inc["reported"].to_numpy() < last], last),
        inquiries=_pending(inq[inq["received"].to_numpy() < last], last),
    )


def tick(engine: Engine, now: datetime, state: SimState | None = None) -> SimState:
    """Send everything that happened since the last tick, up to `now`.

    Args:
        engine: the database.
        now: current Beijing time (naive).
        state: the previous tick's state; None starts afresh from the database.

    Returns:
        The state for the next tick (the input state is not modified).
    """
    state = state or start_state(engine, now)
    now_s = to_wall(now.replace(microsecond=0))
    last = state.last
    if now_s <= last:
        return state
    seed, scale = state.seed, state.scale
    days = days_covering(last - DAY, now_s + 1)
    new_decl = timelines(days_covering(last, now_s + 1), seed, scale)
    t = new_decl["declared"].to_numpy()
    new_decl = new_decl[(t >= last) & (t <= now_s)]
    new_inc = incident_timelines(days, seed, scale)
    t = new_inc["reported"].to_numpy()
    new_inc = new_inc[(t >= last) & (t <= now_s)]
    new_inq = inquiry_timelines(days, seed, scale)
    t = new_inq["received"].to_numpy()
    new_inq = new_inq[(t >= last) & (t <= now_s)]
    old_decl, old_inc, old_inq = state.declarations, state.incidents, state.inquiries
    sends = {
        "declarations": materialize(
            pd.concat([old_decl[_changed(old_decl, DECL_EVENTS, last, now_s)], new_decl]),
            now_s,
            register(seed, scale),
        ),
        "incidents": materialize_incidents(
            pd.concat([old_inc[_changed(old_inc, INC_EVENTS, last, now_s)], new_inc]), now_s
        ),
        # after incidents: each spell names a stored incident
        "incident_assignments": _spell_rows(pd.concat([old_inc, new_inc]), seed, last, now_s),
        "inquiries": materialize_inquiries(
            pd.concat([old_inq[_changed(old_inq, INQ_EVENTS, last, now_s)], new_inq]), now_s
        ),
        "queue_observations": _queue_rows(last, now_s, seed, scale, state.fresh),
        "trainings": _training_rows(last, now_s, seed),
        "enterprises": register(seed, scale).frame(until_s=now_s + 1, since_s=last),
        # after trainings and the register: its rows name both
        "training_attendance": _attendance_rows(last, now_s, seed, scale),
    }
    for feed, frame in sends.items():
        if len(frame):
            _send(engine, feed, frame, now)
    record_watermark(engine, from_wall(now_s + 1), seed, scale)
    return replace(
        state,
        last=now_s + 1,
        fresh=False,
        declarations=_pending(pd.concat([old_decl, new_decl], ignore_index=True), now_s),
        incidents=_pending(pd.concat([old_inc, new_inc], ignore_index=True), now_s),
        inquiries=_pending(pd.concat([old_inq, new_inq], ignore_index=True), now_s),
    )


def resend_changed(engine: Engine, since: datetime, now: datetime) -> int:
    """Send again the records created before `since` whose life moved on by `now`.

    Used when the app starts after a pause: the rows stored then are brought up to date
    (released, resolved, answered) without generating anything new.

    Returns:
        Number of records sent.
    """
    state = start_state(engine, now, since=since)
    now_s = to_wall(now.replace(microsecond=0))
    seed, scale, last = state.seed, state.scale, state.last
    sends = {
        "declarations": materialize(
            state.declarations[_changed(state.declarations, DECL_EVENTS, last, now_s)],
            now_s,
            register(seed, scale),
        ),
        "incidents": materialize_incidents(
            state.incidents[_changed(state.incidents, INC_EVENTS, last, now_s)], now_s
        ),
        "incident_assignments": _spell_rows(state.incidents, seed, last, now_s, new=False),
        "inquiries": materialize_inquiries(
            state.inquiries[_changed(state.inquiries, INQ_EVENTS, last, now_s)], now_s
        ),
    }
    for feed, frame in sends.items():
        if len(frame):
            _send(engine, feed, frame, now)
    return sum(len(f) for f in sends.values())


def _spell_rows(
    incidents: pd.DataFrame, seed: int, last: int, now_s: int, *, new: bool = True
) -> pd.DataFrame:
    """Assignment spells of the incidents that began or ended in `[last, now_s]` (with
    `new` False only those begun before `last`: bringing stored spells up to date)."""
    if incidents.empty:
        return pd.DataFrame()
    spells = incident_spells(incidents, seed)
    start, end = spells["start"].to_numpy(dtype=np.int64), spells["end"].to_numpy(dtype=np.int64)
    ended = (end >= last) & (end <= now_s)
    moved = (((start >= last) & (start <= now_s)) | ended) if new else (start < last) & ended
    return materialize_assignments(spells[moved], now_s) if moved.any() else pd.DataFrame()


def _queue_rows(last: int, now_s: int, seed: int, scale: float, first: bool) -> pd.DataFrame:
    """Observations at each 15-minute slot reached since the last tick (and, on the first
    tick, the current slot again)."""
    start = min(last, now_s - now_s % SLOT) if first else last
    if (now_s - now_s % SLOT) < start:
        return pd.DataFrame()
    effects = port_effects(
        incident_timelines(
            days_covering(start - INCIDENT_LOOKBACK, now_s + 1), seed, scale, escalations=False
        )
    )
    obs = observations(start, now_s + 1, now_s, seed, effects)
    return materialize_queues(obs) if len(obs) else pd.DataFrame()


def _new_sessions(last: int, now_s: int, seed: int) -> pd.DataFrame:
    months = np.unique(
        np.array([last, now_s], dtype="datetime64[s]").astype("datetime64[M]").astype(np.int64)
    )
    frame = trainings(np.arange(months.min(), months.max() + 1), seed)
    if frame.empty:
        return frame
    t = frame["start"].to_numpy(dtype=np.int64)
    return frame[(t >= last) & (t <= now_s)]


def _training_rows(last: int, now_s: int, seed: int) -> pd.DataFrame:
    frame = _new_sessions(last, now_s, seed)
    return materialize_trainings(frame) if len(frame) else frame


def _attendance_rows(last: int, now_s: int, seed: int, scale: float) -> pd.DataFrame:
    frame = _new_sessions(last, now_s, seed)
    if frame.empty:
        return frame
    return materialize_attendance(attendance(frame, register(seed, scale), seed))


def _send(engine: Engine, feed: str, frame: pd.DataFrame, now: datetime) -> BatchResult:
    records = cast(list[dict[str, str]], frame.fillna("").astype(str).to_dict("records"))
    result = ingest_records(
        engine, feed, records, name=f"live-{feed}-{now:%Y%m%dT%H%M%S}", source="simulator", now=now
    )
    if result.quarantined:
        log.warning(
            "simulator: %d %s rows quarantined in batch %s",
            result.quarantined,
            feed,
            result.batch_id,
        )
    return result


def run(settings: Settings, stop: threading.Event, interval_s: float) -> None:
    """The simulator loop: tick, sleep, repeat until `stop` is set. Never raises.

    It stays idle while the database holds no demo data (no watermark): synthetic rows
    must never be mixed into real district feeds.
    """
    engine = db.engine_from_settings(settings)
    state: SimState | None = None
    idle_logged = False
    while not stop.is_set():
        started = time.monotonic()
        try:
            if state is None and demo_world(engine, settings)[2] is None:
                if not idle_logged:
                    log.info("simulator idle: this database holds no demo data")
                    idle_logged = True
            else:
                now = beijing_now()
                state = tick(engine, now, state or start_state(engine, now, settings))
        except Exception:  # noqa: BLE001 - the live feed must never take the app down
            log.exception("simulator tick failed; retrying in %.0f s", interval_s)
        stop.wait(max(0.5, interval_s - (time.monotonic() - started)))
    engine.dispose()


def start_background(settings: Settings) -> threading.Thread:
    """Start the live simulator in a daemon thread with its own engine.

    The interval is `settings.extra["simulate_interval_s"]` (default 5 s). The thread's
    `stop_event` attribute stops it cleanly.

    Returns:
        The started thread.
    """
    interval = float(settings.extra.get("simulate_interval_s", DEFAULT_INTERVAL_S))
    stop = threading.Event()
    thread = threading.Thread(
        target=run, args=(settings, stop, interval), name="simulator", daemon=True
    )
    thread.stop_event = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
