"""Ingest API: district systems push feed files over HTTP, one file per request.

`POST /api/v1/ingest/<feed>` with `Authorization: Bearer <token>` (a per-district token,
see `dashboard.tokens`) and the raw file as the body: CSV (UTF-8 with or without BOM, or
GB18030) or JSON Lines, `Content-Type: text/csv` or `application/x-ndjson` /
`application/jsonl` (no type, `application/octet-stream` or `text/plain`: the content
decides). The optional `?name=` is a label for the batch log and messages only; it is
sanitised and never used as a path. The body goes to a private temporary file, which
`ingest_file` loads with the guarantees of the CLI (one atomic, idempotent batch, bad
rows quarantined) and with the token's district as the only district it may load.

Responses are JSON and never cached (`Cache-Control: no-store`):

| status | when | body |
|---|---|---|
| 200 | loaded | feed, file, rows_read, accepted, updated, duplicates, quarantined, batch_id |
| 400 | the body ended before its Content-Length | error |
| 401 | no bearer token, unknown or revoked token (`WWW-Authenticate: Bearer`) | error |
| 403 | a valid row of another district, or a row replacing another district's record | error |
| 404 | unknown feed | error |
| 413 | body over the limit (by Content-Length, or while reading) | error |
| 415 | a content type that is not CSV, JSON Lines or raw bytes | error |
| 422 | whole-file problem (empty, not CSV/JSONL, encoding, missing columns) | error |

An error body is `{"error": <code>, "message": <what to do>}`; nothing is written for any
of them. Every request leaves one `upload` audit event (outcome ok, rejected or denied;
actor `token:<id>`, or `anonymous` / `token:unknown`). This module needs Flask only, not
Dash; the app factory registers the blueprint and must exempt its path from the sign-in
and CSRF checks meant for browsers.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import Engine
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from dashboard.audit import audit
from dashboard.contract import FEEDS
from dashboard.ingest import BatchResult, DistrictMismatch, FileError, ingest_file
from dashboard.tokens import TokenInfo, lookup_token

log = logging.getLogger(__name__)

READ_BLOCK = 1 << 20
NAME_CHARS = 60  # at most 3 bytes each in UTF-8: far below the 255-byte file name limit
CSV_TYPES = frozenset({"text/csv", "application/csv"})
JSONL_TYPES = frozenset(
    {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"}
)
SNIFF_TYPES = frozenset({"", "application/octet-stream", "text/plain"})
_UNSAFE_NAME = re.compile(r"[^\w.-]+")  # \w is Unicode-aware: Chinese file names survive

__all__ = ["ApiError", "ingest_blueprint", "safe_name"]


class ApiError(Exception):
    """A refused request: HTTP status, error code, message and audit outcome."""

    def __init__(self, status: int, code: str, message: str, outcome: str = "rejected"):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.outcome = outcome


class _AuthFailure(ApiError):
    """A 401: no usable bearer token.

    Attributes:
        actor: who to name in the audit event (`anonymous`, `token:unknown`, `token:<id>`).
        invalid: a token was sent but is unknown or revoked (RFC 6750 `invalid_token`).
    """

    def __init__(self, message: str, actor: str, invalid: bool):
        super().__init__(401, "unauthorized", message, "denied")
        self.actor = actor
        self.invalid = invalid


def ingest_blueprint(engine_getter: Callable[[], Engine], max_bytes: int) -> Blueprint:
    """The blueprint serving `POST /api/v1/ingest/<feed>`.

    Args:
        engine_getter: returns the process's engine (called per request, so the engine
            may be created after the blueprint, e.g. after a fork).
        max_bytes: largest body accepted; larger ones get 413 before anything is read.

    Returns:
        A blueprint to register on the Flask server.
    """
    bp = Blueprint("ingest_api", __name__, url_prefix="/api/v1")

    @bp.post("/ingest/<feed>")
    def ingest(feed: str) -> Response:
        """Load the request body as one batch of `feed` (see the module docstring)."""
        return _handle(engine_getter(), feed, max_bytes)

    @bp.after_request
    def no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response

    return bp


def _handle(engine: Engine, feed: str, max_bytes: int) -> Response:
    actor = "anonymous"
    ip = request.remote_addr or ""
    try:
        token = _authenticate(engine)
        actor = token.actor
        if feed not in FEEDS:
            raise ApiError(404, "unknown_feed", f"unknown feed {feed!r}; known: {', '.join(FEEDS)}")
        suffix = _suffix(request.mimetype)
        name = safe_name(request.args.get("name"), suffix)
        with tempfile.TemporaryDirectory(prefix="cc-ingest-") as folder:
            path = Path(folder) / name
            size = _receive(path, max_bytes)
            result = _ingest(engine, feed, path, token, max_bytes)
    except ApiError as exc:
        if isinstance(exc, _AuthFailure):
            actor = exc.actor
        audit(
            engine,
            actor,
            "upload",
            exc.outcome,
            target=feed,
            ip=ip,
            detail=f"{exc.status} {exc.code}: {exc.message}",
        )
        return _error(exc)
    audit(engine, actor, "upload", "ok", target=feed, ip=ip, detail=_counts(result, size))
    log.info("api upload %s by %s: %s", feed, actor, _counts(result, size))
    return jsonify(result.as_json())


def _authenticate(engine: Engine) -> TokenInfo:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _AuthFailure(
            "send the district's ingest token as 'Authorization: Bearer <token>'",
            "anonymous",
            invalid=False,
        )
    found = lookup_token(engine, token)
    if found is None:
        raise _AuthFailure("unknown ingest token", "token:unknown", invalid=True)
    info, live = found
    if not live:
        raise _AuthFailure(
            f"ingest token {info.token_id} has been revoked; ask for a new one",
            info.actor,
            invalid=True,
        )
    return info


def _suffix(mimetype: str) -> str:
    """The file suffix that makes `open_feed` read the body as the declared format."""
    if mimetype in CSV_TYPES:
        return ".csv"
    if mimetype in JSONL_TYPES:
        return ".jsonl"
    if mimetype in SNIFF_TYPES:
        return ""
    raise ApiError(
        415,
        "unsupported_media_type",
        f"Content-Type {mimetype!r} is not accepted; send the raw file as the body with "
        "text/csv or application/x-ndjson (not a form upload)",
    )


def safe_name(name: str | None, suffix: str = "") -> str:
    """A label for an uploaded file that is safe as a bare file name in our own folder.

    Only the last path component is kept; anything but letters, digits, '.', '-' and '_'
    becomes '_'; leading dots are removed (no hidden files, no '..'); the length is
    bounded; `suffix` is appended when the name does not end with it already.

    Args:
        name: the client's name, e.g. from `?name=`; None or empty for "upload".
        suffix: ".csv", ".jsonl" or "" (keep the name's own suffix).

    Returns:
        The sanitised name.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).lstrip("._")[:NAME_CHARS].rstrip(".") or "upload"
    if suffix and not base.lower().endswith(suffix):
        base += suffix
    return base


def _receive(path: Path, max_bytes: int) -> int:
    """Copy the body to `path`, never reading more than `max_bytes` + 1 bytes.

    Returns:
        The body's size in bytes.

    Raises:
        ApiError: 413 when the body is larger than `max_bytes`, 422 when it is empty.
    """
    too_large = ApiError(
        413,
        "too_large",
        f"the body is over the limit of {max_bytes:,} bytes; split the file into smaller batches",
    )
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    # Also bounds a body without Content-Length (chunked). One byte of slack: werkzeug
    # raises as soon as a read reaches its limit, even for a body of exactly that size.
    request.max_content_length = max_bytes + 1
    size = 0
    try:
        with path.open("wb") as out:
            while size <= max_bytes:
                block = request.stream.read(min(READ_BLOCK, max_bytes + 1 - size))
                if not block:
                    break
                out.write(block)
                size += len(block)
    except RequestEntityTooLarge:
        raise too_large from None
    except ClientDisconnected:
        raise ApiError(400, "incomplete_body", "the body ended before Content-Length") from None
    if size > max_bytes:
        raise too_large
    if size == 0:
        raise ApiError(422, "invalid_file", "the request body is empty; send the file as the body")
    return size


def _ingest(engine: Engine, feed: str, path: Path, token: TokenInfo, max_bytes: int) -> BatchResult:
    try:
        return ingest_file(
            engine, feed, path, source="api", max_bytes=max_bytes, district=token.district_code
        )
    except DistrictMismatch as exc:
        raise ApiError(403, "district_mismatch", str(exc), "denied") from None
    except FileError as exc:
        raise ApiError(422, "invalid_file", str(exc)) from None


def _counts(result: BatchResult, size: int) -> str:
    return (
        f"file={result.file} bytes={size} batch={result.batch_id} rows_read={result.rows_read} "
        f"accepted={result.accepted} updated={result.updated} duplicates={result.duplicates} "
        f"quarantined={result.quarantined}"
    )


def _error(exc: ApiError) -> Response:
    response = jsonify({"error": exc.code, "message": exc.message})
    response.status_code = exc.status
    if exc.status == 401:
        challenge = 'Bearer realm="ingest"'
        if isinstance(exc, _AuthFailure) and exc.invalid:
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    return response
