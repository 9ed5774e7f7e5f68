"""Synthetic enterprise service data: inquiries (12360, online hall, e-contact...) and trainings.

Inquiries follow research/domain.md §3.9: per-district daily volumes (Beijing and Tianjin
about 110, Shijiazhuang 30, Chengdu 75 at scale 1; scaled only mildly because service desks
do not shrink with a small demo), office-hours calling, surges around Chinese New Year and
after reform cut-overs, hotline answered at once (or called back within a working day),
online channels answered in about 26 h on average, about 78 % solved at first contact, some
published as Q&A, 1-3 % escalated to the emergency team as ENTERPRISE_COMPLAINT incidents
(the incidents module turns those rows into incidents). Trainings follow §3.10: emergency
drills quarterly per team, hotline refreshers monthly, risk-targeting courses, enterprise
outreach and cut-over training in bursts before each reform.

Published Q&A: each topic's answers are first published on its own date (`QA_FIRST`, spread
from early 2025 to mid 2026, so a two-year demo and a five-year history both hold months
before and after each); only inquiries answered after that date can be published, and once
a topic's answer is out, a quarter of the questions on it are no longer asked (the effect
the Q&A library is meant to have; built in, so the repeat-question chart has one to show).

Training attendance: each session's `enterprises_trained` firms, drawn without replacement
from the firms registered before it, weighted by activity (larger firms attend more) and
five times as likely from the training's own district; about 45 % of firms never attend
outreach. Declarations and inquiries do not depend on attendance: any difference between
trained and untrained firms in this data comes from which firms attend, not from training.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from dashboard.calendar_cn import (
    OFFICE_HOURS,
    ONLINE_HOURS,
    days_since_reform,
    days_until_reform,
    inquiry_day_factor,
    is_working_day,
    reform_days,
)
from dashboard.gen_common import (
    DAY,
    DISTRICTS,
    HOUR,
    NEVER,
    codes,
    cumcount,
    fmt_bool,
    fmt_float,
    fmt_int,
    fmt_ts,
    lognormal_mean,
    pick,
    unit_rng,
    world,
)
from dashboard.gen_enterprises import Register, register

# fmt: off
INQUIRY_BASE = np.array([110.0, 110.0, 30.0, 75.0])
CHANNELS = np.array(["HOTLINE_12360", "ONLINE_SERVICE_HALL", "E_CONTACT", "PORTAL", "ON_SITE"])
CHANNEL_W = np.array([[.42, .25, .15, .10, .08], [.48, .29, .03, .12, .08],
                      [.48, .29, .03, .12, .08], [.48, .29, .03, .12, .08]])
ONLINE = np.array([False, True, True, True, False])
CATEGORIES = np.array(["BUSINESS_CONSULTATION", "CLEARANCE_ASSISTANCE", "COMPLAINT_REPORT",
                       "PETITION_SUGGESTION"])
CATEGORY_W = np.array([0.75, 0.12, 0.08, 0.05])
TOPICS = np.array(["ENTERPRISE_REGISTRATION", "DUTY_FREE_CAR", "TARIFF_CLASSIFICATION",
                   "REGIONAL_INTEGRATION", "E_COMMERCE", "TAX_REFUND_DOCS",
                   "INSPECTION_QUARANTINE", "OTHER"])
TOPIC_W = np.array([[.08, .01, .25, .12, .14, .12, .13, .15], [0, 0, .10, .30, .15, 0, .25, .20],
                    [0, 0, 0, .15, .20, 0, .25, .40], [.20, 0, 0, .20, 0, 0, 0, .60]])
FIRST_CONTACT_P = np.array([0.85, 0.65, 0.35, 0.20])
ESCALATE_P = np.array([0.003, 0.04, 0.08, 0.02])
QA_P = np.array([0.08, 0.04, 0.0, 0.0])
FOLLOW_UP_MEDIAN_H = np.array([20.0, 8.0, 72.0, 120.0])
# First publication of each topic's answers (TOPICS order), as days since 1970-01-01.
QA_FIRST = np.array(
    [np.datetime64(d, "D").astype(np.int64) for d in (
        "2025-09-15", "2026-05-11", "2025-03-10", "2025-01-13",
        "2025-11-17", "2026-02-23", "2025-06-16", "2026-07-06")]
)
# fmt: on
QA_KEEP = 0.75  # share of a topic's questions still asked once its answer is published
N_UNIFORM, N_NORMAL = 20, 7


def mild(scale: float) -> float:
    """Scale for feeds that shrink only a little with volume (service desks, incidents)."""
    return float(np.clip(scale**0.3, 0.25, 3.0))


def inquiry_timelines(days: np.ndarray, seed: int, scale: float) -> pd.DataFrame:
    """Planned life of every inquiry received on `days` (times in wall seconds).

    Returns:
        Attributes and times; `escalate` marks rows that become incidents, with their
        incident id, reported time and the draws the incident planner needs.
    """
    days = np.asarray(days, dtype=np.int64)
    reforms = reform_days(list(DISTRICTS))
    factors = np.stack([inquiry_day_factor(days, reforms[d]) for d in DISTRICTS], axis=1)
    empty = np.zeros(0, dtype=np.int64)
    day_l, dist_l = [empty], [empty]
    u_l, z_l = [np.zeros((N_UNIFORM, 0))], [np.zeros((N_NORMAL, 0))]
    ask_l = [np.zeros(0)]
    for i, day in enumerate(days):  # one pass per day, never per row
        rng = unit_rng(seed, "inquiries", int(day))
        noise = np.exp(0.10 * rng.standard_normal(len(DISTRICTS)))
        counts = rng.poisson(INQUIRY_BASE * mild(scale) * factors[i] * noise)
        n = int(counts.sum())
        day_l.append(np.full(n, day, dtype=np.int64))
        dist_l.append(np.repeat(np.arange(len(DISTRICTS)), counts))
        u_l.append(rng.random((N_UNIFORM, n)))
        z_l.append(rng.standard_normal((N_NORMAL, n)))
        ask_l.append(rng.random(n))  # drawn last: the draws above stay as they were
    day, dist = np.concatenate(day_l), np.concatenate(dist_l)
    u, z = np.concatenate(u_l, axis=1), np.concatenate(z_l, axis=1)
    ask = np.concatenate(ask_l)
    channel = pick(CHANNEL_W, u[0], dist)
    online = ONLINE[channel]
    hour = np.where(online, pick(ONLINE_HOURS, u[1]), pick(OFFICE_HOURS, u[1]))
    received = day * DAY + hour * HOUR + (u[2] * HOUR).astype(np.int64)
    category = pick(CATEGORY_W, u[3])
    topic = pick(TOPIC_W, u[4], category)
    since = np.stack([days_since_reform(day, reforms[d]) for d in DISTRICTS], axis=1)
    surge = since[np.arange(len(day)), dist] < 28
    topic = np.where(surge & (u[5] < 0.35), 3, topic)
    first_response = _first_response(received, channel, online, u[6], z[0])
    first_contact = u[7] < FIRST_CONTACT_P[category]
    quick = np.where(online, (0.1 + 1.9 * u[8]) * HOUR, (2 + 13 * u[8]) * 60).astype(np.int64)
    follow = (
        lognormal_mean(FOLLOW_UP_MEDIAN_H[category] * np.exp(0.9**2 / 2), 0.9, z[1]) * HOUR
    ).astype(np.int64)
    resolved = first_response + np.where(first_contact, quick, follow)
    published = np.where(
        u[9] < QA_P[category], resolved + ((1 + 9 * u[10]) * DAY).astype(np.int64), NEVER
    )
    published = np.where(published >= QA_FIRST[topic] * DAY, published, NEVER)
    escalate = u[11] < ESCALATE_P[category]
    escalated_at = np.where(
        escalate, first_response + ((0.2 + 3.8 * u[12]) * HOUR).astype(np.int64), NEVER
    )
    reg = register(seed, scale)
    firm = reg.sample(dist, received, u[13])
    has_firm = (u[14] < 0.7) & (category < 3)
    offices = [world().offices_by_district[d] for d in DISTRICTS]
    unit = np.empty(len(day), dtype=object)
    for d, office_list in enumerate(offices):
        sel = dist == d
        unit[sel] = np.array(office_list, dtype=object)[(u[15][sel] * len(office_list)).astype(int)]
    frame = (
        pd.DataFrame(
            {
                "day": day,
                "district": dist,
                "channel": channel,
                "category": category,
                "topic": topic,
                "received": received,
                "first_response": first_response,
                "resolved": resolved,
                "first_contact": first_contact,
                "published": published,
                "escalate": escalate,
                "escalated_at": escalated_at,
                "unit": unit,
                "enterprise_uscc": np.where(has_firm, reg.uscc[firm], ""),
                **{f"u_inc{i}": u[16 + i] for i in range(4)},
                **{f"z_inc{i}": z[2 + i] for i in range(5)},
            }
        )
        .assign(_asked=(day < QA_FIRST[topic]) | (ask < QA_KEEP))
        .query("_asked")
        .drop(columns="_asked")
        .sort_values("received", kind="stable")
        .reset_index(drop=True)
    )
    ymd = pd.to_datetime(frame["day"].to_numpy(), unit="D").strftime("%Y%m%d").to_numpy()
    dcode = np.array(DISTRICTS, dtype=object)[frame["district"].to_numpy()]
    seq = cumcount([frame["district"].to_numpy(), frame["day"].to_numpy()])
    frame["inquiry_id"] = (
        "Q-" + dcode + "-" + ymd + "-" + pd.Series(seq + 1).astype(str).str.zfill(4).to_numpy()
    )
    eseq = cumcount(
        [frame["district"].to_numpy(), frame["day"].to_numpy(), frame["escalate"].to_numpy()]
    )
    frame["incident_id"] = np.where(
        frame["escalate"],
        "INC-" + dcode + "-" + ymd + "-E" + pd.Series(eseq + 1).astype(str).str.zfill(3).to_numpy(),
        "",
    )
    ev = frame[["first_response", "resolved", "published", "escalated_at"]].to_numpy()
    frame["final"] = np.where(ev == NEVER, np.iinfo(np.int64).min, ev).max(axis=1)
    return frame


def _first_response(
    received: np.ndarray, channel: np.ndarray, online: np.ndarray, u: np.ndarray, z: np.ndarray
) -> np.ndarray:
    """Hotline and on-site: minutes in office hours, else a call-back next morning; online
    channels: lognormal with a 26 h mean, mostly inside three working days."""
    hour = received // HOUR % 24
    day = received // DAY
    staffed = (hour >= 8) & (hour < 18) & is_working_day(day)
    desk = np.where(channel == 4, lognormal_mean(8.0, 0.6, z), lognormal_mean(3.0, 0.8, z)) * 60
    next_morning = (day + 1) * DAY + 9 * HOUR + (u * 3 * HOUR).astype(np.int64)
    desk_time = np.where(staffed, received + desk.astype(np.int64), next_morning)
    online_time = received + (np.clip(lognormal_mean(26.0, 1.0, z), 0.1, 200) * HOUR).astype(
        np.int64
    )
    return np.where(online, online_time, desk_time)


def materialize_inquiries(tl: pd.DataFrame, now_s: int) -> pd.DataFrame:
    """The inquiries feed as it stands at `now_s` (later times empty, flags not yet true)."""
    resolved = tl["resolved"].to_numpy() <= now_s
    escalated = tl["escalate"].to_numpy() & (tl["escalated_at"].to_numpy() <= now_s)
    return pd.DataFrame(
        {
            "inquiry_id": tl["inquiry_id"].to_numpy(dtype=object),
            "channel": codes(CHANNELS, tl["channel"].to_numpy()),
            "category": codes(CATEGORIES, tl["category"].to_numpy()),
            "topic": codes(TOPICS, tl["topic"].to_numpy()),
            "district_code": codes(np.array(DISTRICTS), tl["district"].to_numpy()),
            "first_contact_unit": tl["unit"].to_numpy(dtype=object),
            "received_at": fmt_ts(tl["received"].to_numpy(), now_s),
            "first_response_at": fmt_ts(tl["first_response"].to_numpy(), now_s),
            "resolved_at": fmt_ts(tl["resolved"].to_numpy(), now_s),
            "resolved_first_contact": fmt_bool(tl["first_contact"].to_numpy() & resolved),
            "published_qa": fmt_bool(tl["published"].to_numpy() <= now_s),
            "escalated_incident_id": np.where(
                escalated, tl["incident_id"].to_numpy(dtype=object), ""
            ),
            "enterprise_uscc": tl["enterprise_uscc"].to_numpy(dtype=object),
        },
        dtype=object,
    )


# --- trainings -----------------------------------------------------------------------------
TRAINING_TYPES = np.array(
    ["ENTERPRISE_OUTREACH", "STAFF_HOTLINE", "EMERGENCY_DRILL", "SYSTEM_CUTOVER", "RISK_TARGETING"]
)
DRILL_HOSTS = {"ERT-BTH": ("0200", "0100", "0400"), "ERT-CD": ("7900",)}
STAFF_SIZE = np.array([30, 30, 12, 20])


def trainings(months: np.ndarray, seed: int) -> pd.DataFrame:
    """Training sessions of the given months (numpy month numbers since 1970-01).

    Returns:
        The trainings feed's columns plus `start` (wall seconds) for filtering.
    """
    rows: list[dict[str, object]] = []
    for month in np.asarray(months, dtype=np.int64):  # one pass per month
        rng = unit_rng(seed, "trainings", int(month))
        first = int(np.datetime64(int(month), "M").astype("datetime64[D]").astype(np.int64))
        last = int((np.datetime64(int(month), "M") + 1).astype("datetime64[D]").astype(np.int64))
        work = np.arange(first, last)[is_working_day(np.arange(first, last))]
        if work.size == 0:
            continue
        for d, district in enumerate(DISTRICTS):
            rows.append(_session(rng, work, district, 1, STAFF_SIZE[d]))
            if rng.random() < 0.5:
                rows.append(_session(rng, work, district, 4, STAFF_SIZE[d] + 10))
            if rng.random() < 0.6:
                rows.append(_session(rng, work, district, 0, 0))
            reform = reform_days([district])[district]
            upcoming = days_until_reform(work, reform)
            burst = work[(upcoming > 0) & (upcoming <= 28)]
            for _ in range(int(rng.integers(4, 9)) if burst.size else 0):
                rows.append(_session(rng, burst, district, 0, 0))
            for _ in range(int(rng.integers(2, 4)) if burst.size else 0):
                rows.append(_session(rng, burst, district, 3, 0))
        for team, hosts in DRILL_HOSTS.items():
            quarter = int(month) // 3
            qrng = unit_rng(seed, "trainings", 100_000 + quarter * 7 + len(team))
            if int(month) % 3 == int(qrng.integers(0, 3)):
                host = hosts[quarter % len(hosts)]
                rows.append(
                    _session(rng, work, host, 2, 18 if team == "ERT-BTH" else 10, team=team)
                )
    if not rows:
        return pd.DataFrame(
            columns=[
                "training_id",
                "type",
                "audience",
                "district_code",
                "start",
                "duration_h",
                "participants",
                "enterprises_trained",
                "team_id",
            ]
        )
    frame = pd.DataFrame(rows).sort_values("start", kind="stable").reset_index(drop=True)
    ym = pd.to_datetime(frame["start"].to_numpy(), unit="s").strftime("%Y%m").to_numpy()
    seq = cumcount([frame["district_code"].to_numpy(), ym])
    frame["training_id"] = (
        "T-"
        + frame["district_code"].to_numpy(dtype=object)
        + "-"
        + ym
        + "-"
        + pd.Series(seq + 1).astype(str).str.zfill(3).to_numpy()
    )
    return frame


def _session(
    rng: np.random.Generator, days: np.ndarray, district: str, kind: int, staff: int, team: str = ""
) -> dict[str, object]:
    """One session: a working day, a morning or afternoon start, size by type."""
    day = int(rng.choice(days))
    start = day * DAY + int(rng.choice([9, 9, 10, 14, 14, 15])) * HOUR + int(rng.choice([0, 1800]))
    if kind == 0:  # enterprise outreach
        audience = "MIXED" if rng.random() < 0.2 else "ENTERPRISE"
        participants = int(rng.integers(50, 501))
        firms = int(participants * rng.uniform(0.5, 0.9))
        hours = float(rng.choice([2.0, 3.0, 4.0]))
    elif kind == 3:  # system cut-over training for staff and brokers
        audience, participants = "MIXED", int(rng.integers(30, 201))
        firms, hours = int(participants * rng.uniform(0.3, 0.6)), float(rng.choice([3.0, 4.0]))
    else:  # hotline refresher, drill, risk targeting: staff only
        audience = "STAFF"
        participants = max(1, int(staff * rng.uniform(0.7, 1.0)))
        firms = 0
        hours = float(rng.choice([4.0, 6.0, 8.0])) if kind == 2 else float(rng.choice([2.0, 3.0]))
    return {
        "type": TRAINING_TYPES[kind],
        "audience": audience,
        "district_code": district,
        "start": start,
        "duration_h": hours,
        "participants": participants,
        "enterprises_trained": firms,
        "team_id": team,
    }


def materialize_trainings(frame: pd.DataFrame) -> pd.DataFrame:
    """The trainings feed (contract columns as strings)."""
    return pd.DataFrame(
        {
            "training_id": frame["training_id"].to_numpy(dtype=object),
            "type": frame["type"].to_numpy(dtype=object),
            "audience": frame["audience"].to_numpy(dtype=object),
            "district_code": frame["district_code"].to_numpy(dtype=object),
            "start_at": fmt_ts(frame["start"].to_numpy(dtype=np.int64)),
            "duration_h": fmt_float(frame["duration_h"].to_numpy(), 2),
            "participants": fmt_int(frame["participants"].to_numpy()),
            "enterprises_trained": fmt_int(frame["enterprises_trained"].to_numpy()),
            "team_id": frame["team_id"].to_numpy(dtype=object),
        },
        dtype=object,
    )


# --- training attendance ---------------------------------------------------------------------
NEVER_ATTEND = 0.45  # share of firms that no outreach session reaches
HOME_PULL = 5.0  # a firm of the training's district is this much more likely to attend


def attendance(sessions: pd.DataFrame, reg: Register, seed: int) -> pd.DataFrame:
    """The firms at each session: `enterprises_trained` distinct firms registered before it.

    Deterministic per session (its own generator, seeded by the training id), so any period
    or tick that includes a session produces the same rows. A session larger than the firms
    registered before it gets all of them (only at tiny scales).

    Args:
        sessions: the `trainings` frame (training_id, district_code, start, enterprises_trained).
        reg: the enterprise register of the same seed and scale.
        seed: generator seed.

    Returns:
        Columns training_id, enterprise_uscc, district_code, start (wall seconds).
    """
    reach = unit_rng(seed, "trainings", 9_000_000).random(reg.size) >= NEVER_ATTEND
    base = np.sqrt(reg.weight) * np.where(reach, 1.0, 1e-9)
    parts = []
    for row in sessions[sessions["enterprises_trained"] > 0].itertuples(index=False):
        rng = unit_rng(seed, "trainings", 10_000_000 + zlib.crc32(str(row.training_id).encode()))
        firms = np.flatnonzero(reg.registered < int(row.start))
        home = DISTRICTS.index(str(row.district_code))
        w = base[firms] * np.where(reg.district[firms] == home, HOME_PULL, 1.0)
        k = min(int(row.enterprises_trained), firms.size)
        chosen = np.sort(rng.choice(firms, size=k, replace=False, p=w / w.sum()))
        parts.append(
            pd.DataFrame(
                {
                    "training_id": row.training_id,
                    "enterprise_uscc": reg.uscc[chosen],
                    "district_code": row.district_code,
                    "start": int(row.start),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["training_id", "enterprise_uscc", "district_code", "start"])
    return pd.concat(parts, ignore_index=True)


def materialize_attendance(frame: pd.DataFrame) -> pd.DataFrame:
    """The training_attendance feed (contract columns as strings; signed in at the start)."""
    return pd.DataFrame(
        {
            "training_id": frame["training_id"].to_numpy(dtype=object),
            "enterprise_uscc": frame["enterprise_uscc"].to_numpy(dtype=object),
            "district_code": frame["district_code"].to_numpy(dtype=object),
            "attended_at": fmt_ts(frame["start"].to_numpy(dtype=np.int64)),
        },
        dtype=object,
    )


__all__ = [
    "attendance",
    "materialize_attendance",
    "inquiry_timelines",
    "materialize_inquiries",
    "materialize_trainings",
    "mild",
    "trainings",
]
