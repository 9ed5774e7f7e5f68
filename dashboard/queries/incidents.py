"""Incident queries: incidents open now or in a time range, assignment spells, one
incident's record, the declarations an incident touched, weekly counts.

The incidents and assignment tables are small (incidents do not grow with trade volume:
a few thousand a year for the region), and every query reads a bounded slice: open ones by
status, a range by `reported_at` or `assigned_at` (indexes), one incident by its key. The
weekly counts read the daily incident rollup. The declarations an incident touched are read
from the raw table through the (port, declared time) index, capped.
"Open" means not resolved or closed.

Scope: an incident belongs to its district (`district_code`), and a spell to its incident's
district; a declaration to its declaring district.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, func, or_, select

from dashboard import schema
from dashboard.contract import RESOLVED_INCIDENT_STATUSES
from dashboard.queries import Bind, Scope, connect, read_frame, read_tuples, scoped

INCIDENT_COLUMNS = [
    "incident_id",
    "district_code",
    "port_id",
    "category",
    "severity",
    "status",
    "reported_at",
    "acknowledged_at",
    "dispatched_at",
    "mitigated_at",
    "resolved_at",
    "team_id",
    "lead_member_id",
    "title",
    "affected_vehicles",
]
INCIDENT_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{2,39}")  # the contract's pattern
SPELL_COLUMNS = ["incident_id", "district_code", "member_id", "task", "assigned_at", "released_at"]
MAX_SPELL_HOURS = 72  # a spell this long before a window is not looked at (a data problem)
TIME_COLUMNS = ("reported_at", "acknowledged_at", "dispatched_at", "mitigated_at", "resolved_at")


def _frame(bind: Bind, stmt: Select[Any]) -> pd.DataFrame:
    """Rows straight from the driver into object and datetime64 columns (SQLite hands text
    timestamps, PostgreSQL datetimes; numpy reads both), without pandas' type inference."""
    rows = read_tuples(bind, stmt)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(INCIDENT_COLUMNS)
    data: dict[str, Any] = {}
    for name, values in zip(INCIDENT_COLUMNS, columns, strict=True):
        if name in TIME_COLUMNS:
            data[name] = np.array(values, dtype="datetime64[s]").astype("datetime64[ns]")
        elif name == "affected_vehicles":
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = np.array(values, dtype=object)
    return pd.DataFrame(data)


def open_incidents(bind: Bind, scope: Scope) -> pd.DataFrame:
    """Incidents not resolved or closed, newest report first.

    Args:
        bind: Engine or Connection.
        scope: districts the caller may see (None for all).

    Returns:
        Columns `INCIDENT_COLUMNS`.
    """
    i = schema.incidents.c
    stmt = select(*(i[name] for name in INCIDENT_COLUMNS)).where(
        i.status.not_in(sorted(RESOLVED_INCIDENT_STATUSES)), i.resolved_at.is_(None)
    )
    stmt = scoped(stmt, i.district_code, scope).order_by(i.reported_at.desc())
    return _frame(bind, stmt)


def incidents_between(
    bind: Bind, start: datetime, end: datetime, scope: Scope, *, max_open_days: int = 60
) -> pd.DataFrame:
    """Incidents open at some time in `[start, end]`: reported by `end`, not resolved
    before `start`.

    Args:
        bind: Engine or Connection.
        start: beginning of the range (naive Beijing time).
        end: end of the range.
        scope: districts the caller may see (None for all).
        max_open_days: incidents reported this long before `start` are not looked at (an
            incident open for longer is a data problem shown on the Data Status page).

    Returns:
        Columns `INCIDENT_COLUMNS`, ordered by reported_at.
    """
    i = schema.incidents.c
    earliest = pd.Timestamp(start) - pd.Timedelta(days=max_open_days)
    stmt = select(*(i[name] for name in INCIDENT_COLUMNS)).where(
        i.reported_at >= earliest.to_pydatetime(),
        i.reported_at <= end,
        or_(i.resolved_at.is_(None), i.resolved_at >= start),
    )
    stmt = scoped(stmt, i.district_code, scope).order_by(i.reported_at)
    return _frame(bind, stmt)


def incidents_reported(bind: Bind, start: datetime, end: datetime, scope: Scope) -> pd.DataFrame:
    """Incidents reported in `[start, end)`, oldest first (columns `INCIDENT_COLUMNS`)."""
    i = schema.incidents.c
    stmt = select(*(i[name] for name in INCIDENT_COLUMNS)).where(
        i.reported_at >= start, i.reported_at < end
    )
    return _frame(bind, scoped(stmt, i.district_code, scope).order_by(i.reported_at))


def incident(bind: Bind, incident_id: str, scope: Scope) -> pd.DataFrame:
    """The one incident `incident_id` if the caller may see it (empty otherwise)."""
    i = schema.incidents.c
    stmt = select(*(i[name] for name in INCIDENT_COLUMNS)).where(i.incident_id == incident_id)
    return _frame(bind, scoped(stmt, i.district_code, scope))


def _spell_frame(bind: Bind, stmt: Select[Any]) -> pd.DataFrame:
    rows = read_tuples(bind, stmt)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(SPELL_COLUMNS)
    return pd.DataFrame(
        {
            name: np.array(values, dtype="datetime64[s]").astype("datetime64[ns]")
            if name.endswith("_at")
            else np.array(values, dtype=object)
            for name, values in zip(SPELL_COLUMNS, columns, strict=True)
        }
    )


def spells_between(bind: Bind, start: datetime, end: datetime, scope: Scope) -> pd.DataFrame:
    """Assignment spells that overlap `[start, end)` (an open spell runs to now), and every
    open spell however old.

    Returns:
        Columns `SPELL_COLUMNS`, ordered by assigned_at.
    """
    a = schema.incident_assignments.c
    earliest = start - timedelta(hours=MAX_SPELL_HOURS)
    stmt = select(*(a[c] for c in SPELL_COLUMNS)).where(
        or_(
            a.released_at.is_(None),
            (a.assigned_at >= earliest) & (a.assigned_at < end) & (a.released_at > start),
        )
    )
    return _spell_frame(bind, scoped(stmt, a.district_code, scope).order_by(a.assigned_at))


def incident_spells(bind: Bind, incident_id: str, scope: Scope) -> pd.DataFrame:
    """The assignment spells of one incident the caller may see, by assigned_at."""
    a = schema.incident_assignments.c
    stmt = select(*(a[c] for c in SPELL_COLUMNS)).where(a.incident_id == incident_id)
    return _spell_frame(bind, scoped(stmt, a.district_code, scope).order_by(a.assigned_at))


AFFECTED_COLUMNS = [
    "entry_id",
    "declare_district",
    "ie_flag",
    "ts_declared",
    "ts_released",
    "status",
]


def affected_declarations(
    bind: Bind,
    port_id: str,
    start: datetime,
    end: datetime,
    scope: Scope,
    *,
    lookback_hours: int = 72,
    rows: int = 20,
    cap: int = 10_000,
) -> tuple[pd.DataFrame, int]:
    """Declarations at `port_id` in process while an incident there was open: declared in
    `[start - lookback_hours, end]` and not released before `start`.

    Returns:
        The first `rows` of them by declared time (columns `AFFECTED_COLUMNS`), and their
        number counted up to `cap + 1` (more than `cap` means "over cap").
    """
    d = schema.declarations.c
    cond = [
        d.port_id == port_id,
        d.ts_declared >= start - timedelta(hours=lookback_hours),
        d.ts_declared <= end,
        or_(d.ts_released.is_(None), d.ts_released >= start),
    ]
    base = scoped(select(*(d[c] for c in AFFECTED_COLUMNS)).where(*cond), d.declare_district, scope)
    frame = read_frame(bind, base.order_by(d.ts_declared, d.entry_id).limit(rows), AFFECTED_COLUMNS)
    for col in ("ts_declared", "ts_released"):
        frame[col] = pd.to_datetime(frame[col])
    inner = scoped(select(d.entry_id).where(*cond), d.declare_district, scope).limit(cap + 1)
    with connect(bind) as conn:
        n = int(conn.execute(select(func.count()).select_from(inner.subquery())).scalar_one())
    return frame, n


WEEKLY_DIMS = ("category", "district_code", "severity")


def weekly_counts(
    bind: Bind,
    start: date,
    end: date,
    scope: Scope,
    dim: str,
    severities: tuple[str, ...] = (),
    category: str | None = None,
) -> pd.DataFrame:
    """Incidents reported per day in `[start, end)` by `dim` from the daily rollup.

    Args:
        severities: only these severities (empty: all).
        category: only this category (None: all).

    Returns:
        Columns day, `dim`, reported_n (the caller groups days into weeks).
    """
    if dim not in WEEKLY_DIMS:
        raise ValueError(f"dim must be one of {WEEKLY_DIMS}")
    r = schema.rollup_incident_daily.c
    stmt = select(r.day, r[dim], func.sum(r.reported_n).label("reported_n")).where(
        r.day >= start, r.day < end
    )
    if severities:
        stmt = stmt.where(r.severity.in_(severities))
    if category is not None:
        stmt = stmt.where(r.category == category)
    stmt = scoped(stmt, r.district_code, scope).group_by(r.day, r[dim])
    frame = read_frame(bind, stmt, ["day", dim, "reported_n"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame
