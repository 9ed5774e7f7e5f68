"""Incident queries: incidents open now, and incidents that overlap a time range.

The incidents table is small (incidents do not grow with trade volume), and both queries
read a bounded slice of it: open ones by status, overlapping ones by `reported_at` (index)
and resolve time. "Open" means not resolved or closed.

Scope: an incident belongs to its district (`district_code`).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.sql import Executable

from dashboard import schema
from dashboard.contract import RESOLVED_INCIDENT_STATUSES
from dashboard.queries import Bind, Scope, read_frame, scoped

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
    "title",
    "affected_vehicles",
]
TIME_COLUMNS = ("reported_at", "acknowledged_at", "dispatched_at", "mitigated_at", "resolved_at")


def _frame(bind: Bind, stmt: Executable) -> pd.DataFrame:
    frame = read_frame(bind, stmt, INCIDENT_COLUMNS)
    for col in TIME_COLUMNS:
        frame[col] = pd.to_datetime(frame[col])
    return frame


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
