"""Callbacks: one module per page (plus `shell`), each with a `register(app)` function.

Callbacks are thin: validate inputs, call one cached query facade, build rows or a figure.
They reach the process's engine and settings through the Flask app the factory built
(`engine()`, `settings()`), never through module globals, so any number of app instances
and workers behave the same.
"""

from __future__ import annotations

import logging
from typing import cast

import flask

from dashboard.config import EXT_SETTINGS, Settings
from dashboard.queries import Engine, EngineProvider, Scope

EXT_ENGINE = "dashboard.engine"


def install(server: flask.Flask, settings: Settings) -> None:
    """Store the settings and a lazy per-process engine on `server` (called by the factory)."""
    server.extensions[EXT_SETTINGS] = settings
    server.extensions[EXT_ENGINE] = EngineProvider(settings)


def engine(app: flask.Flask | None = None) -> Engine:
    """The engine of the current (or given) Flask app; created on first use."""
    server = app or flask.current_app
    return cast(EngineProvider, server.extensions[EXT_ENGINE]).get()


def settings(app: flask.Flask | None = None) -> Settings:
    """The settings of the current (or given) Flask app."""
    server = app or flask.current_app
    return cast(Settings, server.extensions[EXT_SETTINGS])


def scope() -> Scope:
    """The districts the signed-in user may see (None: every district; () : none).

    Taken from the server-side session, never from a callback input.
    """
    from flask_login import current_user

    if not current_user or not current_user.is_authenticated:
        return ()
    return cast(Scope, current_user.scope)


def actor() -> str:
    """The signed-in user's name for the audit log ("-" outside a session)."""
    from flask_login import current_user

    return str(getattr(current_user, "username", None) or "-")


def client_ip() -> str:
    """The client address of the current request for the audit log ("-" outside one)."""
    return (flask.request.remote_addr or "-") if flask.has_request_context() else "-"


class InvalidInput(ValueError):
    """A value from the browser that is not on its allow-list."""


def refused(what: str) -> InvalidInput:
    """Audit a refused callback value (who, which input) and return the error to raise.

    A value no control can produce is a forged request: it is an error and an `authz
    denied` audit event, never a query.
    """
    from dashboard import audit
    from dashboard.queries import QUERY_ERRORS

    try:
        audit.audit(engine(), actor(), "authz", "denied", target=f"input:{what}", ip=client_ip())
    except QUERY_ERRORS:
        logging.getLogger(__name__).warning("could not audit a refused %s value", what)
    return InvalidInput(what)
