"""Shell callbacks: district freshness badges, the clock, the language switch, errors.

The clock and the language link are clientside (`assets/clientside.js`): they only format
the browser's time and rewrite a link. The badges come from the cached freshness facade.
The language switch is a plain Flask route that sets a cookie and redirects back, so
every layout (shell and pages) is rebuilt in the new language and the choice survives
reloads.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import dash
import flask
from dash import ClientsideFunction, Dash, Input, Output, State, set_props
from werkzeug.wrappers import Response

import callbacks
from dashboard.figures.feeds import district_badges
from dashboard.i18n import LANG_COOKIE, LANGS, beijing_now, normalise_lang, t
from dashboard.queries import feeds
from layouts import ids
from layouts.components import current_lang, state_badge

logger = logging.getLogger(__name__)
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def update_freshness_badges(_n_intervals: int | None, lang: str | None) -> list[Any]:
    """Fires on load and every refresh interval: one badge per district."""
    lang = normalise_lang(lang)
    cfg = callbacks.settings()
    frame = feeds.cached_district_freshness(
        callbacks.engine(),
        beijing_now(),
        cfg.freshness_late_minutes,
        cfg.freshness_stale_minutes,
        callbacks.scope(),
    )
    return [
        state_badge(b["text"], b["state"], f"{b['state_label']} · {b['title']}")
        for b in district_badges(frame, lang)
    ]


def safe_next(value: str | None, default: str) -> str:
    """A local path to send the browser back to, or `default` for anything else.

    Only same-site paths pass ("/data?x=1"); absolute URLs, scheme-relative "//host" and
    backslash tricks would turn the language switch into an open redirect.
    """
    if not value or "\\" in value or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def set_language(code: str) -> Response:
    """GET /lang/<code>?next=/path: remember the language in a cookie and go back."""
    if code not in LANGS:
        flask.abort(404)
    target = safe_next(flask.request.args.get("next"), default=dash.get_relative_path("/"))
    response = flask.redirect(target, code=303)
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=LANG_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=flask.request.is_secure,
    )
    return response


def on_callback_error(err: Exception) -> None:
    """Dash's global error handler: log the traceback, tell the user, keep old outputs."""
    logger.exception("callback failed: %s", type(err).__name__)
    set_props(ids.Shell.ERROR, {"is_open": True, "children": t("error.callback", current_lang())})


def register(app: Dash) -> None:
    """Wire the shell's callbacks and the language route on `app`."""
    app.server.add_url_rule(
        app.config.routes_pathname_prefix + "lang/<code>",
        endpoint="set_language",
        view_func=set_language,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="shell", function_name="clock"),
        Output(ids.Shell.CLOCK, "children"),
        Input(ids.Shell.CLOCK_INTERVAL, "n_intervals"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="shell", function_name="langHref"),
        Output(ids.Shell.LANG_LINK, "href"),
        Input(ids.Shell.URL, "pathname"),
        Input(ids.Shell.URL, "search"),
        State(ids.Shell.LANG_LINK, "href"),
    )
    app.callback(
        Output(ids.Shell.FRESHNESS, "children"),
        Input(ids.Shell.REFRESH_INTERVAL, "n_intervals"),
        State(ids.Shell.LANG, "data"),
    )(update_freshness_badges)
