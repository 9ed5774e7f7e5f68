"""Users, roles, district scope, server-side sessions and the audit trail.

- Roles and what each may open are one table, `ROLE_PAGES`; an admin sees everything and
  manages users. A user may be limited to some districts (`User.scope`); queries apply it.
- Passwords are stored as scrypt hashes (werkzeug); at least `MIN_PASSWORD` characters,
  not containing the user name, not one of the commonest passwords.
- Sign-in failures are counted per user name and client address in the audit log (shared
  by every worker): after `MAX_FAILURES` within `LOCKOUT_MINUTES` the account is locked
  for that address for that long, even for the right password. Keying by address keeps a
  stranger from locking a colleague (or a wall screen) out; the per-address rate limit on
  the sign-in form bounds guessing from many names.
- Sessions live in the database: the browser holds a random token, the table its SHA-256.
  Logout, disabling the user, the idle timeout and the absolute timeout end a session at
  the server.
- Every sign-in, failure, sign-out and user change is written to the audit log
  (`dashboard.audit`).

The tables are `users` and `user_sessions` in `dashboard.schema`; this module is the only
code that reads or writes them.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard import db, schema
from dashboard.audit import audit, clean, utcnow
from dashboard.i18n import beijing_now
from dashboard.reference import load_reference

ROLES = ("command", "leadership", "analyst", "admin")
PAGE_KEYS = ("command", "trade", "districts", "emergency", "service", "data", "admin")
ROLE_PAGES: dict[str, frozenset[str]] = {
    "command": frozenset({"command", "emergency", "data"}),
    "leadership": frozenset({"command", "trade", "service"}),
    "analyst": frozenset({"trade", "districts", "emergency", "service", "data"}),
    "admin": frozenset(PAGE_KEYS),
}
LANDING = {"command": "/", "leadership": "/trade", "analyst": "/districts", "admin": "/"}
MIN_PASSWORD = 12
MAX_PASSWORD = 128
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
TOUCH_SECONDS = 60  # last_seen is written at most this often per session
USERNAME = re.compile(r"[a-z][a-z0-9_.-]{2,31}")
COMMON = frozenset(
    {"password1234", "123456789012", "qwertyuiop12", "administrator", "passw0rd1234"}
)


class AuthError(ValueError):
    """A sign-in or user change that is refused; the message says why."""


@dataclass(frozen=True)
class User:
    """A signed-in user (the flask-login user object)."""

    user_id: int
    username: str
    display_name: str
    role: str
    districts: tuple[str, ...]  # () = every district
    active: bool = True
    session_token: str = ""  # the browser's secret; the table holds only its SHA-256

    @property
    def scope(self) -> tuple[str, ...] | None:
        """Districts this user may see: a sorted tuple, or None for every district."""
        return self.districts or None

    @property
    def pages(self) -> frozenset[str]:
        """Page keys this user may open."""
        return ROLE_PAGES.get(self.role, frozenset())

    def can_open(self, page: str) -> bool:
        """True when the user's role includes `page` (Data Status shows every district's
        feeds, so it also needs a user who is not limited to some districts)."""
        if page == "data" and self.scope is not None:
            return False
        return page in self.pages

    # flask-login protocol
    @property
    def is_authenticated(self) -> bool:
        """Always True for a loaded user."""
        return True

    @property
    def is_active(self) -> bool:
        """False for a disabled account."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """Never anonymous."""
        return False

    def get_id(self) -> str:
        """The session token (flask-login keeps it in the signed cookie)."""
        return self.session_token


def token_hash(token: str) -> str:
    """SHA-256 hex digest of a secret token (what is stored at rest)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- validation ------------------------------------------------------------------------------
def parse_districts(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """District codes from "0100;0200" or a list; () for every district.

    Raises:
        AuthError: naming an unknown district code.
    """
    if value is None:
        return ()
    items = value.replace(",", ";").split(";") if isinstance(value, str) else list(value)
    codes = sorted({c.strip() for c in items if c and c.strip()})
    known = load_reference().code_set("district")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise AuthError(f"unknown district code {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return tuple(codes)


def check_password(username: str, password: str) -> None:
    """Refuse a weak password with the reason.

    Raises:
        AuthError: too short, too long, contains the user name, or too common.
    """
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AuthError(f"password must have at most {MAX_PASSWORD} characters")
    if username.lower() in password.lower():
        raise AuthError("password must not contain the user name")
    if password.lower() in COMMON or len(set(password)) < 5:
        raise AuthError("password is too easy to guess; use a longer passphrase")


def new_password() -> str:
    """A random password that passes `check_password` (for demo accounts and resets)."""
    return secrets.token_urlsafe(15)


# --- users -----------------------------------------------------------------------------------
def _user(row: Any, session_token: str = "") -> User:
    districts = tuple(d for d in (row.districts or "").split(";") if d)
    return User(
        user_id=int(row.user_id),
        username=row.username,
        display_name=row.display_name or row.username,
        role=row.role,
        districts=districts,
        active=bool(row.active),
        session_token=session_token,
    )


def add_user(
    engine: Engine,
    username: str,
    role: str,
    password: str,
    *,
    districts: str | Iterable[str] | None = None,
    display_name: str = "",
    actor: str = "cli",
) -> User:
    """Create a user.

    Raises:
        AuthError: bad user name, unknown role or district, weak password, name taken.
    """
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise AuthError(
            "user name must be 3-32 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter"
        )
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    codes = parse_districts(districts)
    check_password(username, password)
    now = beijing_now()
    with db.write_transaction(engine) as conn:
        taken = conn.execute(
            select(func.count())
            .select_from(schema.users)
            .where(schema.users.c.username == username)
        ).scalar_one()
        if taken:
            raise AuthError(f"user {username!r} exists already")
        conn.execute(
            schema.users.insert().values(
                username=username,
                display_name=display_name.strip()[:80] or username,
                role=role,
                districts=";".join(codes),
                password_hash=generate_password_hash(password),
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
        audit(
            conn,
            actor,
            "user_add",
            "ok",
            target=username,
            detail=f"role={role} districts={';'.join(codes) or 'all'}",
        )
        row = conn.execute(select(schema.users).where(schema.users.c.username == username)).one()
    return _user(row)


def _update_user(
    engine: Engine,
    username: str,
    values: dict[str, Any],
    *,
    end_sessions: str | None,
    action: str,
    actor: str,
) -> None:
    """Change one user's row, optionally end all their sessions (with that reason), and
    audit it, in one transaction.

    Raises:
        AuthError: unknown user.
    """
    u = schema.users.c
    with db.write_transaction(engine) as conn:
        row = conn.execute(select(u.user_id).where(u.username == username)).first()
        if row is None:
            raise AuthError(f"no user {username!r}")
        conn.execute(
            update(schema.users)
            .where(u.user_id == row.user_id)
            .values(**values, updated_at=beijing_now())
        )
        if end_sessions:
            _end_sessions(conn, row.user_id, end_sessions)
        audit(conn, actor, action, "ok", target=username)


def set_active(engine: Engine, username: str, active: bool, *, actor: str = "cli") -> None:
    """Enable or disable a user; disabling ends every session of the user at once.

    Raises:
        AuthError: unknown user.
    """
    action = "user_enable" if active else "user_disable"
    ended = None if active else "disabled"
    _update_user(
        engine, username, {"active": active}, end_sessions=ended, action=action, actor=actor
    )


def set_password(engine: Engine, username: str, password: str, *, actor: str = "cli") -> None:
    """Replace a user's password and end the user's sessions.

    Raises:
        AuthError: unknown user or weak password.
    """
    check_password(username, password)
    values = {"password_hash": generate_password_hash(password)}
    _update_user(
        engine, username, values, end_sessions="password", action="user_password", actor=actor
    )


def list_users(engine: Engine) -> pd.DataFrame:
    """Every user (no password hashes): user_id, username, display_name, role, districts,
    active, created_at, updated_at."""
    u = schema.users.c
    cols = [
        u.user_id,
        u.username,
        u.display_name,
        u.role,
        u.districts,
        u.active,
        u.created_at,
        u.updated_at,
    ]
    with engine.connect() as conn:
        result = conn.execute(select(*cols).order_by(u.username))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def count_users(engine: Engine) -> int:
    """How many users exist."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.users)).scalar_one())


# --- sign-in and sessions --------------------------------------------------------------------
def failures_since(engine: Engine, username: str, since_utc: datetime, ip: str = "") -> int:
    """Failed sign-ins for `username` from address `ip` since a UTC time (audit log)."""
    a = schema.audit_log.c
    stmt = (
        select(func.count())
        .select_from(schema.audit_log)
        .where(
            a.action == "login",
            a.outcome == "failure",
            a.target == clean(username, 120),
            a.ip == clean(ip, 64),
            a.at_utc >= since_utc,
        )
    )
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def authenticate(engine: Engine, username: str, password: str, *, ip: str = "") -> tuple[User, str]:
    """Check a sign-in and start a session.

    Returns:
        The user and the new session token (for the browser's cookie).

    Raises:
        AuthError: wrong name or password, disabled, or locked after repeated failures
            (one generic message for the first two, so names cannot be probed).
    """
    username = username.strip().lower()[:64]
    window = utcnow() - timedelta(minutes=LOCKOUT_MINUTES)
    if failures_since(engine, username, window, ip) >= MAX_FAILURES:
        audit(engine, username, "login", "locked", target=username, ip=ip)
        raise AuthError(f"too many failed sign-ins; try again in {LOCKOUT_MINUTES} minutes")
    u = schema.users.c
    with engine.connect() as conn:
        row = conn.execute(select(schema.users).where(u.username == username)).first()
    # Verify a hash even for unknown names, so the time taken does not reveal them.
    stored = row.password_hash if row is not None else _dummy_hash()
    if not check_password_hash(stored, password) or row is None:
        audit(engine, username, "login", "failure", target=username, ip=ip)
        raise AuthError("wrong user name or password")
    if not row.active:
        audit(engine, username, "login", "disabled", target=username, ip=ip)
        raise AuthError("this account is disabled")
    token = secrets.token_urlsafe(32)
    now = beijing_now()
    with db.write_transaction(engine) as conn:
        conn.execute(
            schema.user_sessions.insert().values(
                session_hash=token_hash(token), user_id=row.user_id, created_at=now, last_seen=now
            )
        )
        audit(conn, username, "login", "ok", target=username, ip=ip)
    return _user(row, token), token


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown names against (made on first use: scrypt is slow on purpose,
    and importing the module must not pay for it)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def load_session(
    engine: Engine,
    token: str,
    *,
    idle_minutes: int,
    absolute_hours: int,
    activity: bool = True,
) -> User | None:
    """The user of a live session, or None when it ended, timed out or the user is
    disabled (a timed-out session is ended at the server as it is found).

    `activity=False` (a page's own timed refresh, not the person) checks the session
    without counting as activity, so an unattended desk still times out when idle.
    """
    s, u = schema.user_sessions.c, schema.users.c
    session_hash = token_hash(token)
    stmt = (
        select(schema.users, s.created_at.label("s_created"), s.last_seen, s.ended_at)
        .join_from(schema.user_sessions, schema.users, u.user_id == s.user_id)
        .where(s.session_hash == session_hash)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None or row.ended_at is not None or not row.active:
        return None
    now = beijing_now()
    created, seen = pd.Timestamp(row.s_created), pd.Timestamp(row.last_seen)
    reason = ""
    if now - seen > timedelta(minutes=idle_minutes):
        reason = "idle"
    elif now - created > timedelta(hours=absolute_hours):
        reason = "absolute"
    if reason:
        end_session(engine, token, reason, actor=row.username)
        return None
    if activity and (now - seen).total_seconds() >= TOUCH_SECONDS:
        with db.write_transaction(engine) as conn:
            conn.execute(
                update(schema.user_sessions)
                .where(s.session_hash == session_hash)
                .values(last_seen=now)
            )
    return _user(row, token)


def end_session(engine: Engine, token: str, reason: str, *, actor: str = "", ip: str = "") -> None:
    """End one session at the server (logout, timeout)."""
    s = schema.user_sessions.c
    session_hash = token_hash(token)
    with db.write_transaction(engine) as conn:
        conn.execute(
            update(schema.user_sessions)
            .where(s.session_hash == session_hash, s.ended_at.is_(None))
            .values(ended_at=beijing_now(), end_reason=reason)
        )
        audit(
            conn,
            actor or "-",
            "logout" if reason == "logout" else "session_end",
            "ok",
            target=reason,
            ip=ip,
        )


def _end_sessions(conn: Connection, user_id: int, reason: str) -> None:
    s = schema.user_sessions.c
    conn.execute(
        update(schema.user_sessions)
        .where(s.user_id == user_id, s.ended_at.is_(None))
        .values(ended_at=beijing_now(), end_reason=reason)
    )
