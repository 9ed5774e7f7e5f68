"""Synthetic incidents for the emergency response teams, and their effect on port queues.

Frequencies per district-month follow research/domain.md §3.7 (suspicious cargo about 10,
congestion about 2, outages about 1, weather 0.5-3 with the season, rare accidents),
scaled only mildly with volume. Severities I-IV per category; the stages (acknowledged,
dispatched, mitigated, resolved) are drawn against the SLA targets of §3.7 so that roughly
one in ten breaches. ERT-BTH serves 0100/0200/0400 and ERT-CD serves 7900; the lead member
is on the shift that covers the report time. Escalated 12360 complaints come from the
inquiries module as ENTERPRISE_COMPLAINT incidents. `port_effects` tells the queue model
which incidents cut lanes, slow service or bring a surge of trucks, and for how long.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from dashboard.calendar_cn import (
    DECLARATION_HOURS,
    cny_offset,
    days_since_reform,
    reform_days,
)
from dashboard.gen_common import (
    DAY,
    DISTRICTS,
    HOUR,
    NEVER,
    codes,
    cumcount,
    fmt_int,
    fmt_ts,
    lognormal_mean,
    pick,
    unit_rng,
    world,
)
from dashboard.gen_service import inquiry_timelines, mild
from dashboard.roster import members

# fmt: off
CATEGORIES = np.array(["SYSTEM_OUTAGE", "PORT_CONGESTION", "SEVERE_WEATHER", "PUBLIC_HEALTH",
                       "INDUSTRIAL_ACCIDENT", "SUSPICIOUS_CARGO", "CROSS_DISTRICT_HANDOFF",
                       "REFORM_CUTOVER", "ENTERPRISE_COMPLAINT"])
COMPLAINT = 8
MONTHLY_RATE = np.array([1.0, 2.0, 1.2, 0.3, 0.03, 10.0, 2.5, 0.0])
DISTRICT_FACTOR = np.array([1.0, 1.2, 0.6, 0.9])
SEVERITIES = np.array(["I", "II", "III", "IV"])
SEVERITY_W = np.array([[0, .05, .35, .60], [0, .05, .35, .60], [.02, .15, .43, .40],
                       [.05, .20, .50, .25], [.30, .50, .20, 0], [0, 0, .10, .90],
                       [0, 0, .10, .90], [0, 0, .40, .60], [0, 0, .03, .97]])
PORT_P = np.array([0.6, 1.0, 0.85, 0.5, 1.0, 1.0, 1.0, 0.0, 0.0])
KIND_W = {  # port choice weight by port type, per category group
    "congestion": {"SEAPORT": 2.0, "RAIL_PORT": 2.0, "AIRPORT": 1.0, "BONDED_ZONE": 0.7},
    "weather": {"SEAPORT": 2.0, "RAIL_PORT": 1.0, "AIRPORT": 1.2, "BONDED_ZONE": 0.4},
    "other": {"SEAPORT": 1.0, "RAIL_PORT": 1.0, "AIRPORT": 1.0, "BONDED_ZONE": 1.0},
}
# SLA targets in minutes by severity (domain §3.7); 0 = no target / stage skipped
ACK_SLA = np.array([5.0, 10.0, 30.0, 120.0])
DISPATCH_SLA = np.array([15.0, 30.0, 120.0, 240.0])
RESOLVE_SLA = np.array([24.0, 48.0, 72.0, 120.0]) * 60
IMPACT_MEDIAN_H = np.array([3.0, 5.0, 8.0, 48.0, 72.0, 2.0, 1.5, 8.0, 0.0])
SEVERITY_IMPACT = np.array([2.0, 1.5, 1.0, 0.7])
# queue effect per category: (share of lanes cut by severity I..IV, service factor, surge)
EFFECT_CUT = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, .6, .35], [.5, .5, .5, .3],
                       [1, 1, .7, .5], [.15, .15, .15, .1], [0, 0, 0, 0], [0, 0, 0, 0],
                       [0, 0, 0, 0]])
EFFECT_SERVICE = np.array([0.35, 1.0, 0.8, 0.7, 0.6, 0.95, 0.85, 1.0, 1.0])
EFFECT_SURGE = np.array([1.0, 1.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
AFFECTED_MEDIAN = np.array([2000.0, 600.0, 150.0, 40.0])
TITLES = {
    "SYSTEM_OUTAGE": ("{p}通关系统故障 启用应急通关", "Clearance system outage at {p}"),
    "PORT_CONGESTION": ("{p}卡口车辆拥堵", "Gate congestion at {p}"),
    "SEVERE_WEATHER": ("{p}恶劣天气 卡口临时管控", "Severe weather restricts gates at {p}"),
    "PUBLIC_HEALTH": ("{p}公共卫生事件 加强检疫", "Public health measures at {p}"),
    "INDUSTRIAL_ACCIDENT": ("{p}危险品堆场事故", "Dangerous-goods yard accident at {p}"),
    "SUSPICIOUS_CARGO": ("{p}查验发现可疑货物 移交缉私", "Suspicious cargo found at {p}"),
    "CROSS_DISTRICT_HANDOFF": ("{p}未收到跨关区放行指令", "Cross-district release order missing"
                               " at {p}"),
    "REFORM_CUTOVER": ("{p}改革切换应急值守", "Reform cut-over contingency desk in {p}"),
    "ENTERPRISE_COMPLAINT": ("{p}12360投诉升级 通关延误", "Escalated 12360 complaint in {p}"),
}
# fmt: on
N_UNIFORM, N_NORMAL = 10, 5


def _season(days: np.ndarray, dist: int) -> np.ndarray:
    """Rate multipliers (days x categories) for one district."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    m = np.ones((len(days), len(MONTHLY_RATE)))
    if DISTRICTS[dist] == "7900":
        m[:, 2] = np.where(
            np.isin(months, [7, 8]), 2.5, np.where(np.isin(months, [6, 9]), 1.5, 0.6)
        )
        m[:, 6] = 0.0  # no cross-district release in Chengdu
    else:
        m[:, 2] = np.where(
            np.isin(months, [11, 12, 1, 2]), 2.0, np.where(np.isin(months, [7, 8]), 1.5, 0.5)
        )
    off = cny_offset(days)
    m[:, 1] *= np.where((off >= -21) & (off <= -2), 3.0, 1.0)
    since = days_since_reform(days, reform_days([DISTRICTS[dist]])[DISTRICTS[dist]])
    m[:, 7] = 0.0
    reform_rate = np.where(since <= 14, 0.3 * 30.4, 0.0)
    return np.column_stack([m[:, :7], reform_rate])


def _port_weights() -> np.ndarray:
    """Rows district*3 + group (congestion, weather, other); columns port index."""
    ports = world().ports
    out = np.zeros((len(DISTRICTS) * 3, len(ports.ids)))
    for d, code in enumerate(DISTRICTS):
        for g, table in enumerate(KIND_W.values()):
            w = ports.lanes_max * pd.Series(ports.kind).map(table).to_numpy(dtype=float)
            out[d * 3 + g] = np.where(ports.district == code, w, 0.0)
    return out


def incident_timelines(
    days: np.ndarray, seed: int, scale: float, *, escalations: bool = True
) -> pd.DataFrame:
    """Planned life of every incident reported on `days` (times in wall seconds).

    Args:
        days: day numbers.
        seed: generator seed.
        scale: volume scale.
        escalations: include the ENTERPRISE_COMPLAINT incidents escalated from that day's
            inquiries (they never affect a port, so the queue model leaves them out).
    """
    days = np.asarray(days, dtype=np.int64)
    season = [_season(days, d) for d in range(len(DISTRICTS))]
    empty = np.zeros(0, dtype=np.int64)
    day_l, dist_l, cat_l = [empty], [empty], [empty]
    u_l, z_l = [np.zeros((N_UNIFORM, 0))], [np.zeros((N_NORMAL, 0))]
    k = len(MONTHLY_RATE)
    for i, day in enumerate(days):  # one pass per day, never per row
        rng = unit_rng(seed, "incidents", int(day))
        rates = (
            np.stack(
                [MONTHLY_RATE * season[d][i] * DISTRICT_FACTOR[d] for d in range(len(DISTRICTS))]
            )
            * mild(scale)
            / 30.4
        )
        rates[:, 7] = np.stack([season[d][i][7] for d in range(len(DISTRICTS))]) / 30.4
        counts = rng.poisson(rates).ravel()
        n = int(counts.sum())
        cells = np.repeat(np.arange(len(DISTRICTS) * k), counts)
        day_l.append(np.full(n, day, dtype=np.int64))
        dist_l.append(cells // k)
        cat_l.append(cells % k)
        u_l.append(rng.random((N_UNIFORM, n)))
        z_l.append(rng.standard_normal((N_NORMAL, n)))
    day, dist, cat = np.concatenate(day_l), np.concatenate(dist_l), np.concatenate(cat_l)
    u, z = np.concatenate(u_l, axis=1), np.concatenate(z_l, axis=1)
    hour = np.where(
        np.isin(cat, [5, 6, 1]), pick(DECLARATION_HOURS, u[0]), (u[0] * 24).astype(np.int64)
    )
    reported = day * DAY + hour * HOUR + (u[1] * HOUR).astype(np.int64)
    severity = pick(SEVERITY_W, u[2], cat)
    group = np.where(cat == 1, 0, np.where(cat == 2, 1, 2))
    port = np.where(u[3] < PORT_P[cat], pick(_port_weights(), u[4], dist * 3 + group), -1)
    frame = pd.DataFrame(
        {
            "day": day,
            "district": dist,
            "category": cat,
            "severity": severity,
            "port": port,
            "reported": reported,
        }
    )
    frame = _plan(frame, u[5:], z)
    esc = inquiry_timelines(days, seed, scale) if escalations else None
    if esc is not None:
        esc = esc[esc["escalate"].to_numpy()]
    if esc is not None and len(esc):
        e = pd.DataFrame(
            {
                "day": esc["day"].to_numpy(),
                "district": esc["district"].to_numpy(),
                "category": COMPLAINT,
                "severity": np.where(esc["u_inc0"].to_numpy() < 0.03, 2, 3),
                "port": -1,
                "reported": esc["escalated_at"].to_numpy(),
            }
        )
        eu = esc[[f"u_inc{i}" for i in range(4)]].to_numpy().T
        ez = esc[[f"z_inc{i}" for i in range(N_NORMAL)]].to_numpy().T
        # the inquiry's id, set before planning so the rows keep their order (an id set after
        # _plan re-sorted them named incidents of other districts)
        e["incident_id"] = esc["incident_id"].to_numpy()
        e = _plan(e, eu, ez)
        frame = pd.concat([frame, e], ignore_index=True)
    return frame.sort_values("reported", kind="stable").reset_index(drop=True)


def _plan(f: pd.DataFrame, u: np.ndarray, z: np.ndarray) -> pd.DataFrame:
    """Stage times against the SLA targets, team, lead member, title, affected vehicles."""
    w = world()
    sev = f["severity"].to_numpy()
    cat = f["category"].to_numpy()
    rep = f["reported"].to_numpy()
    port = f["port"].to_numpy()
    ack = rep + (lognormal_mean(0.35 * ACK_SLA[sev] * 1.3, 0.75, z[0]) * 60).astype(np.int64)
    dispatched = np.where(
        (sev <= 2) | ((port >= 0) & (u[0] < 0.3)),
        ack + (lognormal_mean(0.3 * DISPATCH_SLA[sev], 0.75, z[1]) * 60).astype(np.int64),
        NEVER,
    )
    impact = lognormal_mean(IMPACT_MEDIAN_H[cat] * SEVERITY_IMPACT[sev] * 1.28, 0.7, z[2]) * HOUR
    start = np.where(dispatched == NEVER, ack, dispatched)
    mitigated = np.where(
        cat != COMPLAINT, np.maximum(rep + impact.astype(np.int64), start + 60), NEVER
    )
    base = np.where(mitigated == NEVER, ack, mitigated)
    resolved = base + (lognormal_mean(0.3 * RESOLVE_SLA[sev] * 1.38, 0.8, z[3]) * 60).astype(
        np.int64
    )
    closed = resolved + ((12 + 60 * u[1]) * HOUR).astype(np.int64)
    district_codes = np.array(DISTRICTS)[f["district"].to_numpy()]
    team_of = {d["district_code"]: d["emergency_team_id"] for d in w.ref.districts}
    team = pd.Series(district_codes).map(team_of).to_numpy(dtype=object)
    f = f.copy()
    f["acknowledged"], f["dispatched"], f["mitigated"] = ack, dispatched, mitigated
    f["resolved"], f["closed"], f["team"] = resolved, closed, team
    f["lead"] = _lead(team, rep, u[2])
    f["title"] = _titles(cat, port, f["district"].to_numpy(), u[3])
    with_effect = (port >= 0) & (
        (EFFECT_CUT[cat, sev] > 0) | (EFFECT_SERVICE[cat] < 1) | (EFFECT_SURGE[cat] > 1)
    )
    affected = np.round(lognormal_mean(AFFECTED_MEDIAN[sev] * 1.13, 0.5, z[4]))
    f["affected"] = np.where(with_effect, affected, -1).astype(np.int64)
    ev = f[["acknowledged", "dispatched", "mitigated", "resolved", "closed"]].to_numpy()
    f["final"] = np.where(ev == NEVER, np.iinfo(np.int64).min, ev).max(axis=1)
    if "incident_id" not in f:
        f = f.assign(_order=rep).sort_values("_order", kind="stable").drop(columns="_order")
        seq = cumcount([f["district"].to_numpy(), f["day"].to_numpy()])
        ymd = pd.to_datetime(f["day"].to_numpy(), unit="D").strftime("%Y%m%d").to_numpy()
        f["incident_id"] = (
            "INC-"
            + np.array(DISTRICTS, dtype=object)[f["district"].to_numpy()]
            + "-"
            + ymd
            + "-"
            + pd.Series(seq + 1).astype(str).str.zfill(3).to_numpy()
        )
    return f


def _lead(team: np.ndarray, reported: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A member of the team on shift when the incident is reported (`dashboard.roster`:
    shift hours and rest days)."""
    roster = sorted(members().values(), key=lambda m: m.member_id)
    out = np.empty(len(team), dtype=object)
    for i, (t, sec) in enumerate(zip(team, reported, strict=True)):
        at = datetime(1970, 1, 1) + timedelta(seconds=int(sec))
        ids = [m.member_id for m in roster if m.team_id == t and m.on_duty(at)]
        ids = ids or [m.member_id for m in roster if m.team_id == t]
        out[i] = ids[int(u[i] * len(ids))] if ids else None
    return out


def _titles(cat: np.ndarray, port: np.ndarray, dist: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Plain-text titles, Chinese for about 70 %, naming the port (or district)."""
    w = world()
    district_zh = {d["district_code"]: d["name_zh"] for d in w.ref.districts}
    district_en = {d["district_code"]: d["name_en"] for d in w.ref.districts}
    where_zh = np.where(
        port >= 0,
        w.ports.name_zh[np.maximum(port, 0)],
        np.array([district_zh[d] for d in DISTRICTS])[dist],
    )
    where_en = np.where(
        port >= 0,
        w.ports.name_en[np.maximum(port, 0)],
        np.array([district_en[d] for d in DISTRICTS])[dist],
    )
    out = np.empty(len(cat), dtype=object)
    for c, (zh, en) in TITLES.items():
        sel = CATEGORIES[cat] == c
        if sel.any():
            zh_t = np.array([zh.format(p=p) for p in where_zh[sel]], dtype=object)
            en_t = np.array([en.format(p=p) for p in where_en[sel]], dtype=object)
            out[sel] = np.where(u[sel] < 0.7, zh_t, en_t)
    return out


def materialize_incidents(tl: pd.DataFrame, now_s: int) -> pd.DataFrame:
    """The incidents feed as it stands at `now_s`."""
    g = {c: tl[c].to_numpy() for c in tl.columns}
    ack = g["acknowledged"] <= now_s
    status = np.select(
        [
            g["closed"] <= now_s,
            g["resolved"] <= now_s,
            g["mitigated"] <= now_s,
            g["dispatched"] <= now_s,
            ack,
        ],
        ["CLOSED", "RESOLVED", "MITIGATING", "DISPATCHED", "ACK"],
        "OPEN",
    )
    ports = world().ports
    port = g["port"]
    return pd.DataFrame(
        {
            "incident_id": g["incident_id"].astype(object),
            "district_code": codes(np.array(DISTRICTS), g["district"]),
            "port_id": np.where(port >= 0, ports.ids[np.maximum(port, 0)], "").astype(object),
            "category": codes(CATEGORIES, g["category"]),
            "severity": codes(SEVERITIES, g["severity"]),
            "status": status.astype(object),
            "reported_at": fmt_ts(g["reported"], now_s),
            "acknowledged_at": fmt_ts(g["acknowledged"], now_s),
            "dispatched_at": fmt_ts(g["dispatched"], now_s),
            "mitigated_at": fmt_ts(g["mitigated"], now_s),
            "resolved_at": fmt_ts(g["resolved"], now_s),
            "team_id": g["team"].astype(object),
            "lead_member_id": np.where(ack, g["lead"], "").astype(object),
            "title": g["title"].astype(object),
            "affected_vehicles": np.where(g["affected"] >= 0, fmt_int(g["affected"]), ""),
        },
        dtype=object,
    )


def port_effects(tl: pd.DataFrame) -> pd.DataFrame:
    """Incidents that change a port's queue: port index, start, end and the effect.

    Returns:
        Columns port, start, end (wall seconds: report to mitigation, or to resolution),
        cut (share of lanes closed), service (factor on service rate), surge (factor on
        arrivals).
    """
    port = tl["port"].to_numpy()
    cat, sev = tl["category"].to_numpy(), tl["severity"].to_numpy()
    cut, service, surge = EFFECT_CUT[cat, sev], EFFECT_SERVICE[cat], EFFECT_SURGE[cat]
    keep = (port >= 0) & ((cut > 0) | (service < 1) | (surge > 1))
    mitigated, resolved = tl["mitigated"].to_numpy(), tl["resolved"].to_numpy()
    end = np.where(mitigated != NEVER, mitigated, resolved)
    return pd.DataFrame(
        {
            "port": port[keep],
            "start": tl["reported"].to_numpy()[keep],
            "end": end[keep],
            "cut": cut[keep],
            "service": service[keep],
            "surge": surge[keep],
            "incident_id": tl["incident_id"].to_numpy()[keep],
        }
    )
