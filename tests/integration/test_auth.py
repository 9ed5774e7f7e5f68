"""Users, sign-in, lock-out, server-side sessions and the audit trail, on SQLite and on
real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from dashboard import audit, auth, schema
from dashboard.i18n import beijing_now

PASSWORD = "correct horse battery"


def _add(engine: Engine, name: str = "ops.li", role: str = "command", **kw: object) -> auth.User:
    return auth.add_user(engine, name, role, PASSWORD, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "role", "password", "districts", "message"),
    [
        ("Li Wei", "command", PASSWORD, None, "user name must be"),
        ("ops.li", "superuser", PASSWORD, None, "unknown role"),
        ("ops.li", "analyst", PASSWORD, "0100;9999", "unknown district code '9999'"),
        ("ops.li", "analyst", "short", None, "at least 12 characters"),
        ("ops.li", "analyst", "my ops.li password", None, "must not contain the user name"),
        ("ops.li", "analyst", "aaaaaaaaaaaaaaa", None, "too easy to guess"),
    ],
)
def test_add_user_refuses_with_a_reason(
    engine: Engine, name: str, role: str, password: str, districts: str | None, message: str
) -> None:
    with pytest.raises(auth.AuthError, match=message):
        auth.add_user(engine, name, role, password, districts=districts)
    assert auth.count_users(engine) == 0


def test_password_is_hashed_and_scope_kept(engine: Engine) -> None:
    user = _add(engine, "tj.analyst", "analyst", districts="0200, 0100")
    assert user.scope == ("0100", "0200") and user.pages >= {"districts", "trade"}
    with engine.connect() as conn:
        stored = conn.execute(select(schema.users.c.password_hash)).scalar_one()
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    with pytest.raises(auth.AuthError, match="exists already"):
        _add(engine, "tj.analyst")
    everyone = _add(engine, "boss", "admin")
    assert everyone.scope is None and everyone.can_open("admin")


def test_sign_in_session_and_logout(engine: Engine) -> None:
    _add(engine)
    user, token = auth.authenticate(engine, "OPS.LI ", PASSWORD, ip="10.0.0.7")
    assert user.username == "ops.li" and len(token) >= 40
    with engine.connect() as conn:
        hashes = conn.execute(select(schema.user_sessions.c.session_hash)).scalars().all()
    assert hashes == [auth.token_hash(token)] and token not in hashes  # only the hash at rest
    loaded = auth.load_session(engine, user.session_token, idle_minutes=30, absolute_hours=12)
    assert loaded is not None and loaded.username == "ops.li"
    auth.end_session(engine, user.session_token, "logout", actor="ops.li")
    assert auth.load_session(engine, user.session_token, idle_minutes=30, absolute_hours=12) is None
    actions = list(audit.audit_events(engine)["action"])
    assert actions[:2] == ["logout", "login"]


def test_wrong_and_unknown_give_the_same_answer_then_lock(engine: Engine) -> None:
    _add(engine)
    for name in ("ops.li", "nobody"):
        with pytest.raises(auth.AuthError, match="wrong user name or password"):
            auth.authenticate(engine, name, "not the password!")
    for _ in range(auth.MAX_FAILURES - 1):
        with pytest.raises(auth.AuthError):
            auth.authenticate(engine, "ops.li", "still not it....")
    with pytest.raises(auth.AuthError, match="too many failed sign-ins"):
        auth.authenticate(engine, "ops.li", PASSWORD)  # locked even with the right password
    events = audit.audit_events(engine, action="login")
    assert list(events["outcome"][:2]) == ["locked", "failure"]


def test_disable_and_password_change_end_sessions(engine: Engine) -> None:
    _add(engine)
    user, _ = auth.authenticate(engine, "ops.li", PASSWORD)
    auth.set_active(engine, "ops.li", False, actor="boss")
    assert auth.load_session(engine, user.session_token, idle_minutes=30, absolute_hours=12) is None
    with pytest.raises(auth.AuthError, match="disabled"):
        auth.authenticate(engine, "ops.li", PASSWORD)
    auth.set_active(engine, "ops.li", True, actor="boss")
    user, _ = auth.authenticate(engine, "ops.li", PASSWORD)
    auth.set_password(engine, "ops.li", "a brand new passphrase", actor="ops.li")
    assert auth.load_session(engine, user.session_token, idle_minutes=30, absolute_hours=12) is None
    with pytest.raises(auth.AuthError, match="no user"):
        auth.set_active(engine, "ghost", False)


@pytest.mark.parametrize(
    ("column", "back", "reason"), [("last_seen", 31, "idle"), ("created_at", 13 * 60, "absolute")]
)
def test_idle_and_absolute_timeouts_end_the_session_at_the_server(
    engine: Engine, column: str, back: int, reason: str
) -> None:
    _add(engine)
    user, _ = auth.authenticate(engine, "ops.li", PASSWORD)
    s = schema.user_sessions.c
    with engine.begin() as conn:
        conn.execute(
            update(schema.user_sessions)
            .where(s.session_hash == auth.token_hash(user.session_token))
            .values({column: beijing_now() - timedelta(minutes=back)})
        )
    assert auth.load_session(engine, user.session_token, idle_minutes=30, absolute_hours=12) is None
    with engine.connect() as conn:
        ended = conn.execute(
            select(s.end_reason).where(s.session_hash == auth.token_hash(user.session_token))
        )
        assert ended.scalar_one() == reason


def test_audit_lines_cannot_be_split(engine: Engine) -> None:
    with pytest.raises(auth.AuthError):
        auth.authenticate(engine, "evil\r\nadmin login ok", "whatever-whatever")
    row = audit.audit_events(engine).iloc[0]
    assert "\n" not in row["actor"] and "\r" not in row["target"]


def test_lock_out_is_per_address(engine: Engine) -> None:
    _add(engine)
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError):
            auth.authenticate(engine, "ops.li", "guessing, guessing", ip="203.0.113.9")
    with pytest.raises(auth.AuthError, match="too many"):
        auth.authenticate(engine, "ops.li", PASSWORD, ip="203.0.113.9")
    user, _ = auth.authenticate(engine, "ops.li", PASSWORD, ip="10.1.2.3")  # the colleague
    assert user.username == "ops.li"
