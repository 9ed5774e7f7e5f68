"""Ingest API tokens: only the hash is stored, revocation is immediate, changes are audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine, select

from dashboard import schema
from dashboard.audit import audit_events
from dashboard.tokens import (
    LIST_COLUMNS,
    MAX_TOKEN_CHARS,
    TOKEN_PREFIX,
    TokenError,
    create_token,
    list_tokens,
    lookup_token,
    revoke_token,
    verify_token,
)


def stored_rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(schema.ingest_tokens))]


def test_only_the_hash_is_stored(sqlite_engine: Engine) -> None:
    token_id, secret = create_token(sqlite_engine, "0200", "Tianjin H2018 gateway", "admin1")
    assert secret.startswith(TOKEN_PREFIX) and len(secret) > 40
    rows = stored_rows(sqlite_engine)
    assert len(rows) == 1
    assert not any(secret in str(cell) for cell in rows[0])
    with sqlite_engine.connect() as conn:
        row = conn.execute(select(schema.ingest_tokens)).one()
    assert row.token_id == token_id
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (row.district_code, row.label, row.created_by) == (
        "0200",
        "Tianjin H2018 gateway",
        "admin1",
    )
    assert row.revoked_at is None
    assert secret not in audit_events(sqlite_engine).to_json()


def test_each_token_is_new(sqlite_engine: Engine) -> None:
    first = create_token(sqlite_engine, "0200", "a", "cli")
    second = create_token(sqlite_engine, "0200", "b", "cli")  # rotation: both live until revoked
    assert first[0] != second[0] and first[1] != second[1]
    assert verify_token(sqlite_engine, first[1]) is not None
    assert verify_token(sqlite_engine, second[1]) is not None


def test_unknown_district_is_refused(sqlite_engine: Engine) -> None:
    with pytest.raises(TokenError, match="unknown district code '9999'; known: 0100, 0200"):
        create_token(sqlite_engine, "9999", "x", "cli")
    assert isinstance(TokenError("x"), ValueError)
    assert stored_rows(sqlite_engine) == []


def test_verify(sqlite_engine: Engine) -> None:
    token_id, secret = create_token(sqlite_engine, "0100", "bj", "cli")
    info = verify_token(sqlite_engine, secret)
    assert info is not None
    assert (info.token_id, info.district_code, info.label, info.actor) == (
        token_id,
        "0100",
        "bj",
        f"token:{token_id}",
    )
    assert verify_token(sqlite_engine, secret + "x") is None
    assert verify_token(sqlite_engine, "") is None
    assert verify_token(sqlite_engine, "x" * (MAX_TOKEN_CHARS + 1)) is None


def test_revoke_is_immediate_and_audited(sqlite_engine: Engine) -> None:
    token_id, secret = create_token(sqlite_engine, "0400", "hebei", "admin1")
    revoked = revoke_token(sqlite_engine, token_id, "admin2")
    assert (revoked.token_id, revoked.district_code) == (token_id, "0400")
    assert verify_token(sqlite_engine, secret) is None
    found = lookup_token(sqlite_engine, secret)
    assert found is not None and found[1] is False  # known, but not live
    with pytest.raises(TokenError, match="revoked already"):
        revoke_token(sqlite_engine, token_id, "admin2")
    with pytest.raises(TokenError, match="no ingest token with id 999"):
        revoke_token(sqlite_engine, 999, "admin2")
    events = audit_events(sqlite_engine).sort_values("audit_id")
    token_events = events[events["action"].str.startswith("token_")]
    assert list(zip(token_events["action"], token_events["actor"], strict=True)) == [
        ("token_add", "admin1"),
        ("token_revoke", "admin2"),
    ]
    assert set(token_events["target"]) == {f"token:{token_id}"}
    assert "district=0400" in token_events["detail"].iloc[0]


def test_list_never_shows_the_hash(sqlite_engine: Engine) -> None:
    assert list(list_tokens(sqlite_engine).columns) == LIST_COLUMNS
    live_id, _ = create_token(sqlite_engine, "0100", "live", "cli")
    gone_id, _ = create_token(sqlite_engine, "0200", "gone\r\nforged line", "cli")
    revoke_token(sqlite_engine, gone_id, "cli")
    frame = list_tokens(sqlite_engine)
    assert list(frame.columns) == LIST_COLUMNS
    assert "token_hash" not in frame.columns
    assert list(frame["token_id"]) == [live_id, gone_id]
    assert list(frame["active"]) == [True, False]
    assert frame["revoked_at"].iloc[0] is None or frame["revoked_at"].isna().iloc[0]
    assert frame["label"].iloc[1] == "gone??forged line"  # control characters removed
