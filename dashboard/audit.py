"""The audit trail: who did what, when, from where, with what outcome.

Sign-ins, failures, lock-outs, sign-outs, authorisation and CSRF refusals, uploads, and user
and token changes are appended to `audit_log`, one row per event, in UTC (so the log lines
up with other systems), every text bounded and with control characters replaced, so a
crafted user name cannot forge or split a line.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, select

from dashboard import schema

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def utcnow() -> datetime:
    """The current UTC time, naive, to the second (audit timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def clean(text: object, limit: int = 500) -> str:
    """Text safe for one log line: control characters (CR, LF, ...) replaced, bounded."""
    return _CONTROL.sub("?", str(text))[:limit]


def audit(
    bind: Engine | Connection,
    actor: str,
    action: str,
    outcome: str,
    *,
    target: str = "",
    ip: str = "",
    detail: str = "",
) -> None:
    """Append one audit event (own transaction when given an Engine)."""
    row = {
        "at_utc": utcnow(),
        "actor": clean(actor, 80),
        "action": clean(action, 32),
        "outcome": clean(outcome, 16),
        "target": clean(target, 120),
        "ip": clean(ip, 64),
        "detail": clean(detail, 2000),
    }
    if isinstance(bind, Connection):
        bind.execute(schema.audit_log.insert().values(**row))
        return
    with bind.begin() as conn:
        conn.execute(schema.audit_log.insert().values(**row))


def audit_events(engine: Engine, limit: int = 200, action: str | None = None) -> pd.DataFrame:
    """The newest audit events (for the admin page and tests)."""
    a = schema.audit_log.c
    stmt = select(schema.audit_log).order_by(a.audit_id.desc()).limit(limit)
    if action:
        stmt = stmt.where(a.action == action)
    with engine.connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
