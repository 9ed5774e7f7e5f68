"""The District Analysis CSV export: a guarded, audited, rate-limited, streamed download.

`GET /export/districts.csv?<the page's URL query>` writes every declaration matching the
page's filters, within the signed-in user's scope (from the session, never the query),
newest first. Rows are read in keyset chunks and written through `dashboard.export`
(formula-injection escaping), so memory stays bounded whatever the row count. Above the
cap (default 1,000,000 rows; `export_blueprint(cap=...)` or the Flask config key
DISTRICTS_EXPORT_CAP) the export is refused with a
message saying so. Every export, refused or not, is in the audit log. The app's security
middleware requires a session for this path; the route also checks the page permission.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

import flask
from flask import Blueprint, Response, stream_with_context
from flask_login import current_user
from sqlalchemy import Engine

from dashboard import audit
from dashboard import districts as dist
from dashboard.export import csv_chunks
from dashboard.i18n import LANG_COOKIE, normalise_lang, t
from dashboard.queries import declarations as decl_q
from dashboard.reference import load_reference
from dashboard.security import client_ip

EXPORT_CAP: Final = 1_000_000
EXPORT_RATE_LIMIT: Final = "10 per minute"
CAP_CONFIG: Final = "DISTRICTS_EXPORT_CAP"  # Flask config key overriding the cap
CODED: Final[dict[str, str]] = {
    "ie_flag": "ie_flag",
    "declare_district": "district",
    "port_id": "port",
    "trade_mode": "trade_mode",
    "hs_chapter": "hs_chapter",
    "risk_lane": "risk_lane",
    "inspection_method": "inspection_method",
    "status": "decl_status",
}


def readable_rows(rows: Iterator[tuple[Any, ...]], lang: str) -> Iterator[list[Any]]:
    """Rows with coded columns replaced by their names in `lang` (codes kept in brackets)."""
    ref = load_reference()
    maps = [ref.names(CODED[c], lang) if c in CODED else None for c in decl_q.TABLE_COLUMNS]
    for row in rows:
        yield [
            (f"{m.get(v, v)} ({v})" if v is not None else None) if m is not None else v
            for m, v in zip(maps, row, strict=True)
        ]


def export_blueprint(engine_getter: Callable[[], Engine], cap: int = EXPORT_CAP) -> Blueprint:
    """The export routes (register with the app's rate limiter)."""
    bp = Blueprint("district_export", __name__)

    @bp.get("/export/districts.csv")
    def districts_csv() -> Response:
        return _export(engine_getter(), int(flask.current_app.config.get(CAP_CONFIG, cap)))

    return bp


def _export(engine: Engine, cap: int) -> Response:
    lang = normalise_lang(flask.request.cookies.get(LANG_COOKIE))
    user = current_user.username
    if not current_user.can_open("districts"):
        audit.audit(engine, user, "export", "denied", target="districts.csv", ip=client_ip())
        return Response("not allowed for your role", 403, mimetype="text/plain")
    scope = current_user.scope
    query = flask.request.args.to_dict()
    try:
        f = dist.parse_filters(query, scope)
    except dist.InvalidFilter as exc:
        audit.audit(engine, user, "export", "refused", target="districts.csv", ip=client_ip(),
                    detail=f"invalid {exc}")  # fmt: skip
        return Response(t("dist.invalid", lang, what=str(exc)), 400, mimetype="text/plain")
    rf = dist.row_filter(engine, f)
    found = decl_q.count_capped(engine, rf, scope, cap)
    detail = f"{flask.request.query_string.decode()[:300]} rows={found}"
    if found > cap:
        audit.audit(engine, user, "export", "refused", target="districts.csv", ip=client_ip(),
                    detail=detail + " over cap")  # fmt: skip
        message = t("dist.export.too_many", lang, cap=f"{cap:,}")
        return Response(message, 413, mimetype="text/plain; charset=utf-8")
    audit.audit(engine, user, "export", "ok", target="districts.csv", ip=client_ip(), detail=detail)
    header = [t(f"dist.col.{c}", lang) for c in decl_q.TABLE_COLUMNS]
    rows = readable_rows(decl_q.stream(engine, rf, scope, decl_q.TABLE_COLUMNS), lang)
    response = Response(
        stream_with_context(csv_chunks(header, rows)), mimetype="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="districts.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
