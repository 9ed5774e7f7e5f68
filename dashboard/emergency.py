"""The Emergency Response page's computations: SLA state, risk, workload, trends.

Definitions (also stated on the page):
- SLA targets per severity and stage (acknowledged, dispatched, mitigated, resolved) are
  read from a CSV (`Settings.incident_sla_file`, default data/reference/incident_sla.csv,
  research/domain.md 3.7), in minutes or working days, each counted from the report. A
  working-day target ends at 24:00 of the N-th working day after the day of the report
  (mainland China calendar with adjusted working days, `dashboard.workdays`).
- A stage is met when reached by its deadline, breached when reached later or when it is
  still not reached after the deadline. A stage skipped (not recorded while a later stage
  is) counts as reached when the later stage was. A stage neither reached nor due yet is
  pending; it is at risk once `at_risk_share` of its allowance is used.
- Share met over a period: met / (met + breached) of the incidents reported in it; pending
  stages are left out until they are met or breached.
- Workload comes from the assignment spells (`incident_assignments`): hours on incidents
  is the time of the spells inside the window (an open spell runs to now); outside shift is
  the part of it outside the member's rostered shifts (`dashboard.roster`); utilisation is
  hours on incidents over rostered hours in the window, against a target (70 %).
- Time to acknowledge / resolve: from report, over the incidents reported in the week that
  have reached the stage; median and p90 exact (incidents are few).

Scope: incidents belong to their district and spells to their incident's district; a user
limited to some districts sees the team's work on those districts only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache as fcache
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.cache import cache
from dashboard.queries import Scope, feeds
from dashboard.queries import incidents as q
from dashboard.roster import Member, members
from dashboard.workdays import deadline_days

STAGES = ("acknowledged", "dispatched", "mitigated", "resolved")
SEVERITIES = ("I", "II", "III", "IV")
UNITS = ("minutes", "working_days")
PERIOD_WEEKS = (4, 13, 26, 52)
DEFAULT_WEEKS = 13
ALL = "all"
STATES = ("met", "breached", "at_risk", "pending")


# --- SLA targets ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """The allowance for reaching one stage of an incident of one severity."""

    severity: str
    stage: str
    amount: float
    unit: str

    def deadlines(self, reported: pd.Series) -> pd.Series:
        """The deadline of each report time (naive Beijing time)."""
        values = self.deadline_array(reported.to_numpy(dtype="datetime64[s]"))
        return pd.Series(pd.to_datetime(values), index=reported.index)

    def deadline_array(self, reported: np.ndarray) -> np.ndarray:
        """`deadlines` on a datetime64[s] array."""
        if self.unit == "minutes":
            return reported + np.timedelta64(int(round(self.amount * 60)), "s")
        day_no = reported.astype("datetime64[D]").astype(np.int64)
        last = deadline_days(day_no, np.full(len(day_no), int(self.amount)))
        return (last + 1).astype("datetime64[D]").astype("datetime64[s]")

    def label(self) -> tuple[float, str]:
        """(amount, unit) for display."""
        return self.amount, self.unit


Targets = dict[tuple[str, str], Target]


def read_targets(path: str | Path) -> Targets:
    """The SLA targets in a CSV of `severity,stage,target,unit` rows.

    Raises:
        ValueError: naming the line and the problem, for an unknown severity, stage or
            unit, a target that is not a positive number, or a stage given twice.
    """
    out: Targets = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            sev, stage, unit = row.get("severity", ""), row.get("stage", ""), row.get("unit", "")
            where = f"{path} line {line}"
            if sev not in SEVERITIES:
                raise ValueError(f"{where}: severity {sev!r} is not one of {SEVERITIES}")
            if stage not in STAGES:
                raise ValueError(f"{where}: stage {stage!r} is not one of {STAGES}")
            if unit not in UNITS:
                raise ValueError(f"{where}: unit {unit!r} is not one of {UNITS}")
            try:
                amount = float(row.get("target", ""))
            except ValueError:
                raise ValueError(f"{where}: target {row.get('target')!r} is not a number") from None
            if not amount > 0 or (unit == "working_days" and amount != int(amount)):
                raise ValueError(f"{where}: target must be a positive (whole for days) number")
            if (sev, stage) in out:
                raise ValueError(f"{where}: {sev} {stage} is given twice")
            out[(sev, stage)] = Target(sev, stage, amount, unit)
    return out


@fcache
def targets_from(path: str) -> Targets:
    """`read_targets` once per process and file."""
    return read_targets(path)


# --- SLA state ------------------------------------------------------------------------------
STATE_COLUMNS = ["incident_id", "severity", "stage", "deadline", "reached", "state", "used"]


def evaluate(
    incidents: pd.DataFrame, targets: Targets, now: datetime, at_risk: float
) -> pd.DataFrame:
    """Each incident's state against each stage that has a target.

    Args:
        incidents: columns incident_id, severity, reported_at and the stage columns
            (`<stage>_at`, NaT when not reached).
        targets: the SLA targets.
        now: the current time.
        at_risk: share of the allowance after which a pending stage is at risk.

    Returns:
        One row per incident and targeted stage: incident_id, severity, stage, deadline,
        reached (time or NaT), state (met, breached, at_risk, pending), used (share of the
        allowance used: reached or now, against the deadline).
    """
    n = len(incidents)
    rep = incidents["reported_at"].to_numpy(dtype="datetime64[s]")
    sev = incidents["severity"].to_numpy(dtype=object)
    ids = incidents["incident_id"].to_numpy(dtype=object)
    now64 = np.datetime64(now, "s")
    reached: dict[str, np.ndarray] = {}
    later = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    for stage in reversed(STAGES):  # a skipped stage counts as reached with the next one
        own = incidents[f"{stage}_at"].to_numpy(dtype="datetime64[s]")
        later = np.where(np.isnat(own), later, own)
        reached[stage] = later
    parts: dict[str, list[np.ndarray]] = {c: [] for c in STATE_COLUMNS}
    for stage in STAGES:
        deadline = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
        for code in SEVERITIES:
            target, mask = targets.get((code, stage)), sev == code
            if target is not None and mask.any():
                deadline[mask] = target.deadline_array(rep[mask])
        has = ~np.isnat(deadline)
        if not has.any():
            continue
        d, r, done = deadline[has], rep[has], reached[stage][has]
        got = ~np.isnat(done)
        clock = np.where(got, done, now64)
        used = (clock - r).astype(np.int64) / (d - r).astype(np.int64)
        state = np.select(
            [got & (done <= d), got | (now64 > d), used >= at_risk],
            ["met", "breached", "at_risk"],
            "pending",
        )
        for col, values in zip(
            STATE_COLUMNS,
            (ids[has], sev[has], np.full(len(d), stage, dtype=object), d, done, state, used),
            strict=True,
        ):
            parts[col].append(values)
    if not parts["incident_id"]:
        return pd.DataFrame(columns=STATE_COLUMNS)
    return pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})


def risk_list(incidents: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """Open incidents ordered by SLA risk: breached first (longest overdue), then by the
    share of the allowance used of the next stage due.

    Args:
        incidents: the open incidents (as for `evaluate`).
        states: `evaluate` of them.

    Returns:
        `incidents` with columns risk (breached, at_risk, pending, none), next_stage,
        next_deadline, used (of the next stage due; for a breached incident the largest),
        ordered by risk.
    """
    open_ = states[
        states["state"].isin(["breached", "at_risk", "pending"]) & states["reached"].isna()
    ]
    late = states[states["state"] == "breached"]
    order = {s: i for i, s in enumerate(STAGES)}
    nxt = (
        open_.assign(_o=open_["stage"].map(order))
        .sort_values(["incident_id", "_o"])
        .drop_duplicates("incident_id")
        .set_index("incident_id")
    )
    worst = late.groupby("incident_id")["used"].max()
    out = incidents.copy()
    ids = out["incident_id"]
    out["next_stage"] = ids.map(nxt["stage"])
    out["next_deadline"] = pd.to_datetime(ids.map(nxt["deadline"]))
    out["used"] = pd.to_numeric(ids.map(worst), errors="coerce").fillna(
        pd.to_numeric(ids.map(nxt["used"]), errors="coerce")
    )
    out["risk"] = np.where(
        ids.isin(worst.index),
        "breached",
        ids.map(nxt["state"]).fillna("none"),
    )
    rank = out["risk"].map({"breached": 0, "at_risk": 1, "pending": 2, "none": 3})
    return (
        out.assign(_r=rank, _u=-out["used"].fillna(0.0))
        .sort_values(["_r", "_u", "reported_at"])
        .drop(columns=["_r", "_u"])
        .reset_index(drop=True)
    )


def shares_met(states: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """met_n, breached_n and share met (NaN without any) grouped by `by` (factorized and
    counted with numpy: a pandas group-by costs more than the whole rest of a panel)."""
    keys = list(by)
    state = states["state"].to_numpy(dtype=object)
    met, late = state == "met", state == "breached"
    judged = met | late
    codes, uniques = [], []
    for k in keys:
        code, unique = pd.factorize(states[k][judged], sort=True)
        codes.append(code)
        uniques.append(pd.Index(unique).astype(object).to_numpy())
    dims = tuple(max(len(u), 1) for u in uniques)
    flat = np.ravel_multi_index(codes, dims) if keys else np.zeros(int(judged.sum()), np.int64)
    size = int(np.prod(dims))
    met_n = np.bincount(flat, weights=met[judged], minlength=size).astype(int)
    late_n = np.bincount(flat, weights=late[judged], minlength=size).astype(int)
    cells = np.flatnonzero(met_n + late_n)
    index = np.unravel_index(cells, dims)
    out = pd.DataFrame({k: u[i] for k, u, i in zip(keys, uniques, index, strict=True)})
    out["met_n"], out["breached_n"] = met_n[cells], late_n[cells]
    total = out["met_n"] + out["breached_n"]
    out["share_met"] = out["met_n"] / total.where(total > 0)
    return out


# --- workload -------------------------------------------------------------------------------
def overlap_hours(spells: pd.DataFrame, start: datetime, end: datetime) -> np.ndarray:
    """Hours of each spell inside `[start, end)` (an open spell runs to `end`), vectorized."""
    a = spells["assigned_at"].to_numpy(dtype="datetime64[s]")
    b = spells["released_at"].to_numpy(dtype="datetime64[s]")
    hi = np.datetime64(end, "s")
    b = np.where(np.isnat(b), hi, np.minimum(b, hi))
    a = np.maximum(a, np.datetime64(start, "s"))
    return np.clip((b - a).astype(np.int64), 0, None) / 3600.0


def spell_hours(
    spells: pd.DataFrame, roster: dict[str, Member], start: datetime, end: datetime
) -> pd.DataFrame:
    """Hours of each spell inside `[start, end)`, and the part outside the member's shifts.

    Args:
        spells: columns member_id, district_code, assigned_at, released_at (NaT: open, runs
            to `end`).
        roster: member rosters.
        start, end: the window (end is usually now).

    Returns:
        `spells` with hours and off_shift_hours.
    """
    hours = overlap_hours(spells, start, end)
    off = np.zeros(len(spells))
    rows = zip(spells["member_id"], spells["assigned_at"], spells["released_at"], strict=True)
    for i, (m, a, b) in enumerate(rows):
        if hours[i] <= 0:
            continue
        low = max(a.to_pydatetime(), start)
        high = min(end if pd.isna(b) else b.to_pydatetime(), end)
        member = roster.get(str(m))
        inside = member.on_shift_seconds(low, high) if member else 0.0
        off[i] = hours[i] - inside / 3600.0
    return spells.assign(hours=hours, off_shift_hours=off)


def workload(
    spells: pd.DataFrame,
    roster: dict[str, Member],
    team_members: Iterable[str],
    start: datetime,
    end: datetime,
    target: float,
) -> pd.DataFrame:
    """Per member of the team: open assignments, hours on incidents in `[start, end)`, of
    which outside shift, rostered hours, utilisation and whether it is over `target`.

    Every member of `team_members` has a row (zero when idle).
    """
    measured = spell_hours(spells, roster, start, end)
    ids = sorted(team_members)
    by = measured.groupby("member_id")[["hours", "off_shift_hours"]].sum()
    open_n = measured[measured["released_at"].isna()].groupby("member_id").size()
    first = start.date()
    last = (end - timedelta(seconds=1)).date()
    rows = []
    for mid in ids:
        member = roster[mid]
        rostered = sum((b - a).total_seconds() for a, b in member.windows(start, end)) / 3600.0
        hours = float(by["hours"].get(mid, 0.0))
        rows.append(
            {
                "member_id": mid,
                "shift": member.shift,
                "open_n": int(open_n.get(mid, 0)),
                "hours": hours,
                "off_shift_hours": float(by["off_shift_hours"].get(mid, 0.0)),
                "rostered_hours": rostered,
                "week_rostered_hours": member.scheduled_hours(first, last),
                "utilisation": hours / rostered if rostered > 0 else float("nan"),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(
            columns=[
                "member_id",
                "shift",
                "open_n",
                "hours",
                "off_shift_hours",
                "rostered_hours",
                "week_rostered_hours",
                "utilisation",
                "over_target",
            ]
        )
    out["over_target"] = out["utilisation"] > target
    return out


def district_hours(measured: pd.DataFrame, member_team: dict[str, str]) -> pd.DataFrame:
    """Team hours by team and incident district, and each district's share of its team's
    hours (of `spell_hours` output).

    Returns:
        Columns team_id, district_code, hours, share.
    """
    f = measured.assign(team_id=measured["member_id"].map(member_team))
    by = f.groupby(["team_id", "district_code"], as_index=False)["hours"].sum()
    total = by.groupby("team_id")["hours"].transform("sum")
    by["share"] = by["hours"] / total.where(total > 0)
    return by.sort_values(["team_id", "district_code"]).reset_index(drop=True)


# --- trends ---------------------------------------------------------------------------------
def week_start(t: pd.Series) -> pd.Series:
    """The Monday 00:00 of each time's ISO week."""
    day = t.dt.normalize()
    return day - pd.to_timedelta(day.dt.weekday, unit="D")


def _p50_p90(values: np.ndarray) -> tuple[float, float]:
    """Median and p90 with linear interpolation (numpy's default), without np.percentile's
    per-call overhead (it is called twice per week shown)."""
    if not len(values):
        return float("nan"), float("nan")
    v = np.sort(values)
    out = []
    for p in (0.5, 0.9):
        pos = (len(v) - 1) * p
        lo = int(pos)
        hi = min(lo + 1, len(v) - 1)
        out.append(float(v[lo] + (v[hi] - v[lo]) * (pos - lo)))
    return out[0], out[1]


def weekly_times(incidents: pd.DataFrame) -> pd.DataFrame:
    """Per report week: n, and median and p90 of minutes to acknowledge and hours to resolve
    (over the incidents that reached the stage; linear interpolation, as numpy's default)."""
    columns = ["week", "n", "ack_p50", "ack_p90", "res_p50", "res_p90"]
    if incidents.empty:
        return pd.DataFrame(columns=columns)
    rep = incidents["reported_at"].to_numpy(dtype="datetime64[s]")
    ack = (incidents["acknowledged_at"].to_numpy(dtype="datetime64[s]") - rep).astype(float) / 60
    res = (incidents["resolved_at"].to_numpy(dtype="datetime64[s]") - rep).astype(float) / 3600
    ack[np.isnat(incidents["acknowledged_at"].to_numpy(dtype="datetime64[s]"))] = np.nan
    res[np.isnat(incidents["resolved_at"].to_numpy(dtype="datetime64[s]"))] = np.nan
    day = rep.astype("datetime64[D]")
    week = day - ((day.astype(np.int64) + 3) % 7).astype("timedelta64[D]")  # 1970-01-01: Thu
    rows = []
    for w in np.unique(week):
        sel = week == w
        a, r = ack[sel], res[sel]
        a, r = a[~np.isnan(a)], r[~np.isnan(r)]
        qa, qr = _p50_p90(a), _p50_p90(r)
        rows.append((pd.Timestamp(w), int(sel.sum()), *qa, *qr))
    return pd.DataFrame(rows, columns=columns)


def change(frame: pd.DataFrame, col: str, weeks: int = 4) -> tuple[float, float]:
    """The median of `col` over the last `weeks` weeks against the `weeks` before them."""
    values = frame.sort_values("week")[col].dropna()
    recent, before = values.iloc[-weeks:], values.iloc[-2 * weeks : -weeks]
    return (
        float(recent.median()) if len(recent) else float("nan"),
        float(before.median()) if len(before) else float("nan"),
    )


# --- the page's view and URL ----------------------------------------------------------------
URL_FIELDS = ("district", "severity", "category", "weeks", "incident")


@dataclass(frozen=True)
class View:
    """The page's filters: district or ALL, severities (empty: all), category or ALL,
    period weeks, and the incident opened (empty: none)."""

    district: str = ALL
    severity: tuple[str, ...] = ()
    category: str = ALL
    weeks: int = DEFAULT_WEEKS
    incident: str = ""

    def query_string(self) -> str:
        """The URL query, defaults left out ("" when all are)."""
        values = {
            "district": self.district,
            "severity": ",".join(self.severity),
            "category": self.category,
            "weeks": str(self.weeks),
            "incident": self.incident,
        }
        base = View()
        default = {
            "district": base.district,
            "severity": "",
            "category": base.category,
            "weeks": str(base.weeks),
            "incident": "",
        }
        parts = [f"{k}={values[k]}" for k in URL_FIELDS if values[k] != default[k]]
        return "?" + "&".join(parts) if parts else ""


def from_url(
    query: dict[str, object], districts: Iterable[str], categories: Iterable[str]
) -> tuple[View, list[str]]:
    """The view a bookmarked URL asks for; a bad value falls back to its default.

    Returns:
        The view and the names of the fields refused.
    """
    view, refused = View(), []
    district = str(query.get("district", ALL))
    if district == ALL or district in set(districts):
        view = replace(view, district=district)
    else:
        refused.append("district")
    sev = [s for s in str(query.get("severity", "")).split(",") if s]
    if all(s in SEVERITIES for s in sev):
        view = replace(view, severity=tuple(s for s in SEVERITIES if s in sev))
    else:
        refused.append("severity")
    category = str(query.get("category", ALL))
    if category == ALL or category in set(categories):
        view = replace(view, category=category)
    else:
        refused.append("category")
    weeks = str(query.get("weeks", DEFAULT_WEEKS))
    if weeks.isdigit() and int(weeks) in PERIOD_WEEKS:
        view = replace(view, weeks=int(weeks))
    else:
        refused.append("weeks")
    incident = str(query.get("incident", ""))
    if incident == "" or q.INCIDENT_ID.fullmatch(incident):
        view = replace(view, incident=incident)
    else:
        refused.append("incident")
    return view, refused


@dataclass(frozen=True)
class Period:
    """Whole weeks `[start, end)` (Mondays 00:00), ending after the current week."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, now: datetime, weeks: int) -> Period:
        """The `weeks` weeks up to and including the week of `now`."""
        monday = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time())
        end = monday + timedelta(days=7)
        return cls(end - timedelta(weeks=weeks), end)


def this_week(now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 of the week of `now`, and `now`."""
    return datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time()), now


# --- memoized reads -------------------------------------------------------------------------
def _version(engine: Engine) -> str:
    return feeds.data_version(engine)


@cache.memoize()
def _reported(
    engine: Engine, version: str, start: datetime, end: datetime, scope: Scope
) -> pd.DataFrame:
    return q.incidents_reported(engine, start, end, scope)


def reported(engine: Engine, p: Period, scope: Scope) -> pd.DataFrame:
    """Incidents reported in the period (cached per data version)."""
    return _reported(engine, _version(engine), p.start, p.end, scope)


@cache.memoize()
def _open(engine: Engine, version: str, scope: Scope) -> pd.DataFrame:
    return q.open_incidents(engine, scope)


def open_now(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Incidents not resolved (cached per data version)."""
    return _open(engine, _version(engine), scope)


@cache.memoize()
def _spells(
    engine: Engine, version: str, start: datetime, end: datetime, scope: Scope
) -> pd.DataFrame:
    return q.spells_between(engine, start, end, scope)


def spells(engine: Engine, start: datetime, end: datetime, scope: Scope) -> pd.DataFrame:
    """Spells overlapping `[start, end)` and every open spell (cached per data version)."""
    return _spells(engine, _version(engine), start, end, scope)


@cache.memoize()
def _weekly_counts(
    engine: Engine,
    version: str,
    start: date,
    end: date,
    scope: Scope,
    dim: str,
    severities: tuple[str, ...],
    category: str | None,
) -> pd.DataFrame:
    return q.weekly_counts(engine, start, end, scope, dim, severities, category)


def weekly_counts(engine: Engine, p: Period, scope: Scope, dim: str, view: View) -> pd.DataFrame:
    """Incidents of the view reported per week (Monday) by `dim`, from the daily rollup
    (cached).

    Returns:
        Columns week, `dim`, reported_n.
    """
    category = None if view.category == ALL else view.category
    days = _weekly_counts(
        engine, _version(engine), p.start.date(), p.end.date(), scope, dim, view.severity, category
    )
    return (
        days.assign(week=week_start(days["day"]))
        .groupby(["week", dim], as_index=False)["reported_n"]
        .sum()
    )


def filtered(frame: pd.DataFrame, view: View) -> pd.DataFrame:
    """Incidents of the view's severities and category."""
    out = frame
    if view.severity:
        out = out[out["severity"].isin(view.severity)]
    if view.category != ALL:
        out = out[out["category"] == view.category]
    return out


# --- one incident ---------------------------------------------------------------------------
AFFECTED_ROWS = 20
AFFECTED_CAP = 500  # counted up to here (an index range of the port), then "over"
CONTEXT_HOURS = 24  # port charts show this long before the report and after the end
MAX_CONTEXT_DAYS = 10


@dataclass(frozen=True)
class IncidentDetail:
    """What the detail panel shows of one incident (frames empty when not applicable)."""

    incident: pd.Series | None
    states: pd.DataFrame
    spells: pd.DataFrame
    affected: pd.DataFrame
    affected_n: int
    window: tuple[datetime, datetime]


def incident_detail(
    engine: Engine, incident_id: str, scope: Scope, now: datetime, targets: Targets, at_risk: float
) -> IncidentDetail:
    """One incident the caller may see, with its SLA states, its spells (hours measured to
    now), the declarations at its port in process while it was open, and the window its
    port charts cover (None for `incident` when it is absent or out of scope)."""
    with engine.connect() as conn:
        found = q.incident(conn, incident_id, scope)
        if found.empty:
            none = pd.DataFrame()
            return IncidentDetail(None, none, none, none, 0, (now, now))
        row = found.iloc[0]
        spells_ = q.incident_spells(conn, incident_id, scope)
        start = row["reported_at"].to_pydatetime()
        end = now if pd.isna(row["resolved_at"]) else row["resolved_at"].to_pydatetime()
        affected, n = pd.DataFrame(), 0
        if isinstance(row["port_id"], str) and row["port_id"]:
            affected, n = q.affected_declarations(
                conn, row["port_id"], start, end, scope, rows=AFFECTED_ROWS, cap=AFFECTED_CAP
            )
    first = min((a for a in spells_["assigned_at"]), default=pd.Timestamp(start))
    measured = spell_hours(spells_, members(), min(first.to_pydatetime(), start), now)
    lo = start - timedelta(hours=CONTEXT_HOURS)
    hi = min(end + timedelta(hours=CONTEXT_HOURS), now, lo + timedelta(days=MAX_CONTEXT_DAYS))
    return IncidentDetail(
        row, evaluate(found, targets, now, at_risk), measured, affected, n, (lo, hi)
    )


@dataclass(frozen=True)
class PortContext:
    """An incident's port around the incident: hourly queue sums over the window, daily
    clearance percentiles over the window's days (and the week before), and the port's
    incidents overlapping them."""

    hourly: pd.DataFrame
    daily: pd.DataFrame
    incidents: pd.DataFrame
    days: tuple[date, date]


CLEARANCE_LEAD_DAYS = 3  # the clearance chart starts this long before the window


@cache.memoize()
def _port_context(
    engine: Engine, version: str, port_id: str, lo: datetime, hi: datetime, scope: Scope
) -> PortContext:
    from dashboard.live import daily_clearance
    from dashboard.queries import clearance, queues

    first = lo.date() - timedelta(days=CLEARANCE_LEAD_DAYS)
    last = hi.date()
    day0 = datetime.combine(first, datetime.min.time())
    with engine.connect() as conn:
        hourly = queues.hourly(conn, [(lo, hi)], scope, port_id)
        hist = clearance.port_clearance_histogram(conn, port_id, first, last, scope)
        around = q.incidents_between(conn, day0, hi, scope)
    return PortContext(
        hourly,
        daily_clearance(hist, first, last),
        around[around["port_id"] == port_id],
        (first, last),
    )


def port_context(
    engine: Engine, port_id: str, window: tuple[datetime, datetime], scope: Scope
) -> PortContext:
    """The port's queue and clearance around an incident (cached per data version); read
    from the hourly queue and daily clearance-histogram rollups only."""
    lo, hi = (w.replace(minute=0, second=0, microsecond=0) for w in window)
    hi += timedelta(hours=1)
    return _port_context(engine, _version(engine), port_id, lo, hi, scope)
