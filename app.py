"""Customs command dashboard: the app factory, the gunicorn `server`, and the demo runner.

`create_app(settings)` builds a Dash app on its own Flask server; nothing connects to the
database while it does (the engine is created per process on first use). `python app.py`
creates the schema, fills the demo database on first start, starts the live simulator and
serves on http://127.0.0.1:8050/. Production: `gunicorn "app:server"`.
"""

from __future__ import annotations

import argparse
import logging
import secrets

from dash import Dash
from flask import Flask

import callbacks
from callbacks import (
    admin,
    command_center,
    data_status,
    districts,
    emergency,
    service,
    shell,
    trade,
)
from dashboard import api, security
from dashboard.cache import init_cache
from dashboard.config import Settings
from dashboard.export_routes import EXPORT_RATE_LIMIT, export_blueprint
from dashboard.i18n import t
from layouts import pages as pages_layout
from layouts import shell as shell_layout
from layouts.login import login_page
from layouts.pages import register_pages

log = logging.getLogger(__name__)
# Component-id prefix -> the page whose role may run callbacks writing to it ("*": anyone
# signed in). Ids with any other prefix are refused (deny by default).
CALLBACK_PAGES = {
    "shell-": "*",
    "_pages_": "*",
    "cc-": "command",
    "data-": "data",
    "admin-": "admin",
    "trade-": "trade",
    "dist-": "districts",
    "svc-": "service",
    "em-": "emergency",
}


def create_app(settings: Settings | None = None) -> Dash:
    """Build the dashboard for `settings` (read from the environment when None)."""
    settings = settings or Settings.from_env()
    server = Flask(__name__)
    server.config.update(MAX_CONTENT_LENGTH=8 * 1024 * 1024)  # callback bodies, not uploads
    if settings.secret_key:
        server.config["SECRET_KEY"] = settings.secret_key
    else:  # sessions end on restart and differ per worker: set SECRET_KEY in production
        log.warning(
            "SECRET_KEY is not set: sessions end with this process and differ per worker "
            "(python app.py keeps a demo key in its database instead)"
        )
        server.config["SECRET_KEY"] = secrets.token_urlsafe(32)
    init_cache(server, settings)
    callbacks.install(server, settings)
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        suppress_callback_exceptions=False,
        serve_locally=True,
        title=t("app.name", "zh"),
        update_title=None,
        on_error=shell.on_callback_error,
    )
    register_pages(settings.refresh_seconds)
    app.layout = lambda: shell_layout.layout(settings.refresh_seconds)
    for module in (shell, command_center, data_status, admin, trade, districts, service, emergency):
        module.register(app)
    limiter = security.install(
        server,
        settings,
        lambda: callbacks.engine(server),
        prefix_pages=CALLBACK_PAGES,
        script_hashes=app.csp_hashes,
        render_login=login_page,
    )

    @server.before_request
    def _validation_layout() -> None:  # after Dash's own first-request setup
        if not server.config.get("VALIDATION_LAYOUT_SET"):
            shell_view = shell_layout.layout(settings.refresh_seconds)
            app.validation_layout = pages_layout.validation_layout(shell_view)
            server.config["VALIDATION_LAYOUT_SET"] = True

    api_routes = api.ingest_blueprint(lambda: callbacks.engine(server), settings.api_max_bytes)
    limiter.limit(settings.api_rate_limit)(api_routes)
    server.register_blueprint(api_routes)
    export_routes = export_blueprint(lambda: callbacks.engine(server))
    limiter.limit(EXPORT_RATE_LIMIT)(export_routes)
    server.register_blueprint(export_routes)
    return app


app = create_app()
server = app.server


def main(argv: list[str] | None = None) -> None:
    """Run the demo: schema, demo data on first start, live simulator, local server."""
    from dashboard import db, demo, simulate  # demo-only modules; gunicorn workers skip them

    parser = argparse.ArgumentParser(description="Customs command dashboard (demo server)")
    parser.add_argument("--port", type=int, default=None, help="port (default $PORT or 8050)")
    args = parser.parse_args(argv)
    settings = callbacks.settings(server)
    engine = callbacks.engine(server)
    db.create_schema(engine)
    demo.ensure_demo_data(engine, settings, progress=print)
    if not settings.secret_key:  # the demo keeps one key in its database across restarts
        server.config["SECRET_KEY"] = demo.secret_key(engine)
        server.config["DEMO_SECRET"] = True
    demo.ensure_demo_accounts(engine, settings, progress=print)
    if settings.simulate:
        simulate.start_background(settings)
    port = args.port or settings.port
    print(f"Customs command dashboard: http://{settings.host}:{port}/", flush=True)
    app.run(host=settings.host, port=port, debug=False)


if __name__ == "__main__":
    main()
