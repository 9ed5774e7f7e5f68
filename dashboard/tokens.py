"""Per-district ingest API tokens: create, revoke, list, verify.

A district system pushes feed files to `POST /api/v1/ingest/<feed>` (`dashboard.api`) with
`Authorization: Bearer <token>`. Each token belongs to exactly one district and may load
rows of that district only (`dashboard.ingest`, `district=`).

- The secret is random (`secrets.token_urlsafe`), shown once by `create_token` and never
  stored: the table `ingest_tokens` keeps only its SHA-256 (`dashboard.auth.token_hash`),
  so a copy of the database does not hand out working tokens. Lookup is by that hash.
- Revoking is immediate and permanent: the row stays (for the audit trail and to name the
  district in old audit events), with `revoked_at` set. Rotation is "create the new token,
  switch the district system over, revoke the old one".
- Token changes are audited (`token_add`, `token_revoke`) in the same transaction.

Timestamps are naive Beijing time, like the other data tables.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Row, select, update

from dashboard import db, schema
from dashboard.audit import audit, clean
from dashboard.auth import AuthError, token_hash
from dashboard.i18n import beijing_now
from dashboard.reference import load_reference

TOKEN_PREFIX = "cci_"  # makes a leaked token recognisable to secret scanners and people
TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 200  # longer Authorization values are not ours; refused without lookup
LIST_COLUMNS = [
    "token_id",
    "district_code",
    "label",
    "created_at",
    "created_by",
    "revoked_at",
    "active",
]

__all__ = [
    "TokenError",
    "TokenInfo",
    "create_token",
    "list_tokens",
    "lookup_token",
    "revoke_token",
    "verify_token",
]


class TokenError(AuthError):
    """A token change that is refused (unknown district or token, revoked already)."""


@dataclass(frozen=True)
class TokenInfo:
    """A live ingest token, as the API sees it after verification.

    Attributes:
        token_id: the row id; audit events name the token as `token:<id>`.
        district_code: the only district whose rows this token may load.
        label: free text given at creation (e.g. the sending system's name).
        created_at: creation time, naive Beijing time.
    """

    token_id: int
    district_code: str
    label: str
    created_at: datetime

    @property
    def actor(self) -> str:
        """The audit actor for requests made with this token."""
        return f"token:{self.token_id}"


def create_token(engine: Engine, district_code: str, label: str, actor: str) -> tuple[int, str]:
    """Create a token for one district.

    Args:
        engine: the database (schema created).
        district_code: a district of the reference data, e.g. "0200".
        label: what the token is for (kept to 80 characters, control characters removed).
        actor: who creates it (user name, or "cli"), for `created_by` and the audit log.

    Returns:
        The token id and the secret token. The secret is not stored anywhere and cannot
        be shown again: hand it to the district system now.

    Raises:
        TokenError: when `district_code` is not a known district.
    """
    code = district_code.strip()
    known = load_reference().code_set("district")
    if code not in known:
        raise TokenError(
            f"unknown district code {district_code!r}; known: {', '.join(sorted(known))}"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    text = clean(label.strip(), 80)
    with db.write_transaction(engine) as conn:
        inserted = conn.execute(
            schema.ingest_tokens.insert().values(
                district_code=code,
                label=text,
                token_hash=token_hash(secret),
                created_at=beijing_now(),
                created_by=clean(actor, 64),
            )
        ).inserted_primary_key
        token_id = int(inserted[0]) if inserted else 0
        audit(
            conn,
            actor,
            "token_add",
            "ok",
            target=f"token:{token_id}",
            detail=f"district={code} label={text}",
        )
    return token_id, secret


def revoke_token(engine: Engine, token_id: int, actor: str) -> TokenInfo:
    """Revoke a token at once; requests made with it get 401 from then on.

    Args:
        engine: the database.
        token_id: the id `create_token` returned (see `list_tokens`).
        actor: who revokes it, for the audit log.

    Returns:
        The token that was revoked (its district and label, for a confirmation message).

    Raises:
        TokenError: when there is no such token or it is revoked already.
    """
    t = schema.ingest_tokens.c
    with db.write_transaction(engine) as conn:
        row = conn.execute(select(schema.ingest_tokens).where(t.token_id == token_id)).first()
        if row is None:
            raise TokenError(f"no ingest token with id {token_id}")
        if row.revoked_at is not None:
            raise TokenError(f"ingest token {token_id} was revoked already at {row.revoked_at}")
        conn.execute(
            update(schema.ingest_tokens)
            .where(t.token_id == token_id)
            .values(revoked_at=beijing_now())
        )
        audit(
            conn,
            actor,
            "token_revoke",
            "ok",
            target=f"token:{token_id}",
            detail=f"district={row.district_code}",
        )
    return _info(row)


def list_tokens(engine: Engine) -> pd.DataFrame:
    """Every token, live and revoked, oldest first; never the hash.

    Returns:
        Columns token_id, district_code, label, created_at, created_by, revoked_at and
        active (False once revoked).
    """
    t = schema.ingest_tokens.c
    stmt = select(
        t.token_id, t.district_code, t.label, t.created_at, t.created_by, t.revoked_at
    ).order_by(t.token_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt).fetchall()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=LIST_COLUMNS[:-1])
    frame["active"] = frame["revoked_at"].isna().astype(bool)
    return frame[LIST_COLUMNS]


def lookup_token(engine: Engine, token: str) -> tuple[TokenInfo, bool] | None:
    """The token a request presents, live or revoked (for the audit trail), or None.

    The lookup is by the token's SHA-256, so no comparison of secrets happens here and
    the stored value never leaves the database.

    Args:
        engine: the database.
        token: the bearer token as sent.

    Returns:
        The token's id, district and label, and whether it is live (not revoked); None
        when the token is empty, too long or unknown.
    """
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    t = schema.ingest_tokens.c
    with engine.connect() as conn:
        row = conn.execute(
            select(schema.ingest_tokens).where(t.token_hash == token_hash(token))
        ).first()
    if row is None:
        return None
    return _info(row), row.revoked_at is None


def verify_token(engine: Engine, token: str) -> TokenInfo | None:
    """The live token a request presents, or None.

    Args:
        engine: the database.
        token: the bearer token as sent.

    Returns:
        The token's id, district and label; None when the token is empty, malformed,
        unknown or revoked.
    """
    found = lookup_token(engine, token)
    if found is None or not found[1]:
        return None
    return found[0]


def _info(row: Row[Any]) -> TokenInfo:
    return TokenInfo(
        token_id=int(row.token_id),
        district_code=str(row.district_code),
        label=str(row.label or ""),
        created_at=row.created_at,
    )
