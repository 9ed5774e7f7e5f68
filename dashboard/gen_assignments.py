"""Synthetic work spells of emergency team members on incidents (`incident_assignments`).

Per incident (its planned life from `gen_incidents.incident_timelines`):
- Coordination from acknowledgement until the incident is mitigated (or, for incidents
  without a mitigation stage, for up to four hours), held by a member on shift; when the
  holder's shift ends first, the holder stays a little (hand-over overtime) and passes it to
  a member of the next shift, who holds it the same way.
- Responders at dispatch: one to three members on shift (more for severe incidents), each
  working a lognormal spell that may run past the end of their shift.
- For severity I and II, one off-duty member is called in half an hour after dispatch: the
  off-hours burden the workload panel shows.
- A closing spell by the member on shift when the incident is resolved (reports, hand-back).

Members are drawn from the incident's team using the rosters of `dashboard.roster`, with
random numbers seeded by the incident id, so a spell is the same whichever month or tick
generates it.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from dashboard.gen_common import HOUR, NEVER, fmt_ts
from dashboard.gen_incidents import CATEGORIES
from dashboard.roster import Member, members

TASKS = {
    "SYSTEM_OUTAGE": ("SYSTEMS", "CLEARANCE_BACKLOG"),
    "PORT_CONGESTION": ("ON_SCENE", "CLEARANCE_BACKLOG"),
    "SEVERE_WEATHER": ("ON_SCENE", "CLEARANCE_BACKLOG"),
    "PUBLIC_HEALTH": ("ON_SCENE", "REMOTE_SUPPORT"),
    "INDUSTRIAL_ACCIDENT": ("ON_SCENE", "CLEARANCE_BACKLOG"),
    "SUSPICIOUS_CARGO": ("ON_SCENE", "REMOTE_SUPPORT"),
    "CROSS_DISTRICT_HANDOFF": ("REMOTE_SUPPORT", "CLEARANCE_BACKLOG"),
    "REFORM_CUTOVER": ("REMOTE_SUPPORT", "SYSTEMS"),
    "ENTERPRISE_COMPLAINT": ("REMOTE_SUPPORT", "CLEARANCE_BACKLOG"),
}
RESPONDERS = (3, 2, 1, 1)  # by severity I..IV, before a Poisson extra
RESPONDER_HOURS = (6.0, 4.0, 2.5, 1.5)  # mean spell length by severity
MAX_HANDOVERS = 12
COLUMNS = ["incident_id", "district", "member", "task", "start", "end"]
EPOCH = datetime(1970, 1, 1)


def _at(sec: int) -> datetime:
    return EPOCH + timedelta(seconds=int(sec))


def _sec(t: datetime) -> int:
    return int((t - EPOCH).total_seconds())


def _shift_end(m: Member, sec: int) -> int:
    """End (wall seconds) of the member's shift running at `sec` (`sec` when off duty)."""
    at = _at(sec)
    day = timedelta(hours=24)
    return next((_sec(b) for a, b in m.windows(at - day, at + day) if a <= at < b), sec)


def _on_duty(team: list[Member], sec: int) -> list[Member]:
    at = _at(sec)
    return [m for m in team if m.on_duty(at)]


def _choose(pool: list[Member], rng: np.random.Generator, avoid: set[str]) -> Member | None:
    free = [m for m in pool if m.member_id not in avoid] or pool
    return free[int(rng.integers(len(free)))] if free else None


def incident_spells(tl: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every planned spell of the incidents in `tl` (wall seconds; `end` may be NEVER only
    for spells of incidents never resolved, which the generator does not plan).

    Returns:
        Columns `COLUMNS`: incident_id, district (index), member id, task code, start, end.
    """
    roster = members()
    teams: dict[str, list[Member]] = {}
    for m in roster.values():
        teams.setdefault(m.team_id, []).append(m)
    rows: list[tuple[object, ...]] = []
    for r in tl.itertuples(index=False):
        rng = np.random.default_rng([seed, zlib.crc32(str(r.incident_id).encode())])
        team = sorted(teams.get(str(r.team), []), key=lambda m: m.member_id)
        if not team:
            continue
        sev, cat = int(r.severity), str(CATEGORIES[int(r.category)])
        tasks = TASKS[cat]
        out: list[tuple[str, str, int, int]] = []
        ack = int(r.acknowledged)
        work_end = int(r.mitigated) if r.mitigated != NEVER else ack + int(4 * HOUR * rng.random())
        lead = str(r.lead) if r.lead in roster else None
        holder = roster[lead] if lead else _choose(_on_duty(team, ack), rng, set())
        t, handovers = ack, 0
        while holder is not None and t < work_end and handovers <= MAX_HANDOVERS:
            stop = _shift_end(holder, t) + int(HOUR * 0.75 * rng.random())
            if stop >= work_end or work_end - stop < HOUR:
                out.append((holder.member_id, "COORDINATE", t, max(work_end, t + 600)))
                break
            out.append((holder.member_id, "COORDINATE", t, stop))
            handovers += 1
            t = stop
            holder = _choose(_on_duty(team, t), rng, {holder.member_id})
        if r.dispatched != NEVER:
            d = int(r.dispatched)
            busy = {o[0] for o in out}
            n = RESPONDERS[sev] + int(rng.poisson(0.4))
            pool = _on_duty(team, d)
            for i in range(n):
                responder = _choose(pool, rng, busy)
                if responder is None:
                    break
                busy.add(responder.member_id)
                hours = RESPONDER_HOURS[sev] * float(np.exp(0.6 * rng.standard_normal() - 0.18))
                end = min(d + int(hours * HOUR), max(work_end, d + HOUR))
                out.append((responder.member_id, tasks[i % len(tasks)], d, end))
            if sev <= 1:
                off = [m for m in team if not m.on_duty(_at(d)) and m.member_id not in busy]
                called = _choose(off, rng, busy)
                if called is not None:
                    start = d + 1800
                    hours = RESPONDER_HOURS[sev] * float(np.exp(0.5 * rng.standard_normal()))
                    out.append((called.member_id, tasks[-1], start, start + int(hours * HOUR)))
        res = int(r.resolved)
        closer = _choose(_on_duty(team, res), rng, set())
        if closer is not None and res != NEVER:
            length = int((0.5 + 1.5 * rng.random()) * HOUR)
            out.append((closer.member_id, "COORDINATE", max(res - length, ack), res))
        seen: set[tuple[str, int]] = set()
        for member, task, start, end in out:
            if (member, start) in seen:  # the key: one spell per member and start
                continue
            seen.add((member, start))
            rows.append((r.incident_id, int(r.district), member, task, start, end))
    return pd.DataFrame(rows, columns=COLUMNS)


def materialize_assignments(spells: pd.DataFrame, now_s: int) -> pd.DataFrame:
    """The incident_assignments feed as it stands at `now_s` (spells begun by then)."""
    from dashboard.gen_common import DISTRICTS

    spells = spells[spells["start"].to_numpy(dtype=np.int64) <= now_s]
    return pd.DataFrame(
        {
            "incident_id": spells["incident_id"].astype(object).to_numpy(),
            "district_code": np.array(DISTRICTS, dtype=object)[
                spells["district"].to_numpy(dtype=np.int64)
            ],
            "member_id": spells["member"].astype(object).to_numpy(),
            "task": spells["task"].astype(object).to_numpy(),
            "assigned_at": fmt_ts(spells["start"].to_numpy(dtype=np.int64)),
            "released_at": fmt_ts(spells["end"].to_numpy(dtype=np.int64), now_s),
        },
        dtype=object,
    )
