"""Sign-in and hardening for the Flask server the dashboard runs on.

`install(server, ...)` adds, in this order of defence:
- Deny by default: every request needs a live session except `PUBLIC_PREFIXES` (static
  assets, Dash's component bundles, the sign-in page, health checks, the language switch
  and the token-authenticated ingest API). Pages answer a browser with a redirect to the
  sign-in page; everything else with 401.
- Callbacks are authorised by the page their outputs belong to (the id prefix, see
  `layouts.ids`): a role without the page gets 403 and an audit event, never a query.
- CSRF: state-changing requests must come from this site (`Origin` and `Sec-Fetch-Site`
  checked; Dash posts JSON only, which a cross-site form cannot send); the sign-in and
  sign-out forms also carry a per-session synchronizer token.
- Sessions: server-side (`dashboard.auth`), HttpOnly SameSite=Lax cookies, `Secure` and
  the `__Host-` prefix behind TLS, idle and absolute timeouts.
- Security headers on every response: a CSP that allows only this site (plus the hashes of
  Dash's inline scripts), nosniff, frame-ancestors 'none', a referrer policy, COOP, HSTS
  when the request came over TLS, and `no-store` on data responses.
- Rate limits on sign-in (per client address; Redis when configured, so shared by workers)
  and a lock-out per account after repeated failures (counted in the audit log).
- `/healthz` (the process is up) and `/readyz` (database reachable, age of the newest
  data, cache reachable, a configured secret key).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from dashboard import audit, auth, db
from dashboard.cache import cache
from dashboard.config import Settings
from dashboard.i18n import LANG_COOKIE, beijing_now, normalise_lang
from dashboard.queries import QUERY_ERRORS

log = logging.getLogger(__name__)
PUBLIC_PREFIXES = (
    "/assets/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/login",
    "/healthz",
    "/readyz",
    "/lang/",
    "/api/v1/ingest/",
)
CALLBACK_PATH = "/_dash-update-component"
FORM_PATHS = ("/login", "/logout")  # the only POSTs that are not callbacks (besides the API)
WALL_CONFIG_ID = "cc-config-store"  # layouts.ids.CommandCenter.CONFIG (a test checks it)
DATA_PATHS = (CALLBACK_PATH, "/_dash-layout", "/_dash-dependencies", "/api/", "/geo/")
CSRF_KEY = "csrf"
SESSION_GRACE_SECONDS = 300  # how long a validated session survives a database outage
_ID = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\.[A-Za-z_]+")


def csrf_token() -> str:
    """This session's synchronizer token for forms (created on first use)."""
    token = flask.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        flask.session[CSRF_KEY] = token
    return token


def check_csrf_form() -> bool:
    """True when the posted form carries this session's token."""
    sent = flask.request.form.get(CSRF_KEY, "")
    mine = flask.session.get(CSRF_KEY, "")
    return bool(sent) and isinstance(mine, str) and secrets.compare_digest(sent, mine)


def same_site_request() -> bool:
    """False for a request a browser marks as coming from another site."""
    request = flask.request
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        host = urlsplit(request.host_url)
        sent = urlsplit(origin)
        return (sent.scheme, sent.netloc) == (host.scheme, host.netloc)
    return origin != "null"


def callback_page(body: Any, prefix_pages: Mapping[str, str]) -> str | None:
    """The page key a callback request writes to, "*" for shell/router callbacks, or None
    when any output id has an unknown prefix (denied)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return None
    found: set[str] = set()
    for component in _ID.findall(body["output"]):
        page = next((p for prefix, p in prefix_pages.items() if component.startswith(prefix)), None)
        if page is None:
            return None
        found.add(page)
    pages = found - {"*"}
    if len(pages) > 1:
        return None
    return pages.pop() if pages else ("*" if found else None)


def background_poll(body: Any) -> bool:
    """True for a callback fired only by a page's refresh timer (not by the person), except
    on a wall screen (`wall` in the Command Center's config), which is meant to run
    unattended for the whole session."""
    if not isinstance(body, dict) or not isinstance(body.get("changedPropIds"), list):
        return False
    changed = body["changedPropIds"]
    if not changed or not all(str(c).endswith(".n_intervals") for c in changed):
        return False
    for item in body.get("state") or []:
        if isinstance(item, dict) and item.get("id") == "cc-config-store":
            value = item.get("value")
            if isinstance(value, dict) and value.get("wall") is True:
                return False
    return True


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to continue to after sign-in (no open redirects)."""
    if not value or "\\" in value or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith("/login"):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def client_ip() -> str:
    """The client address (as ProxyFix corrected it when behind a configured proxy)."""
    return flask.request.remote_addr or "-"


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP: this site only; Dash's inline scripts by hash; map workers from blobs."""
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Dash and plotly set inline styles
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "child-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class Security:
    """The installed pieces, kept on `server.extensions["dashboard.security"]`."""

    def __init__(
        self,
        settings: Settings,
        engine: Callable[[], Engine],
        prefix_pages: Mapping[str, str],
        script_hashes: Callable[[], list[str]],
        render_login: Callable[..., str],
    ) -> None:
        """Remember what the hooks need (nothing connects here)."""
        self.settings = settings
        self.engine = engine
        self.prefix_pages = prefix_pages
        self.script_hashes = script_hashes
        self.render_login = render_login
        self._csp: tuple[tuple[str, ...], str] = ((), "")

    def csp(self) -> str:
        """The CSP header value. Dash adds inline scripts after start-up (Dash Pages
        registers a clientside callback on the first request), so the hashes are taken
        per response and the header is rebuilt only when they change."""
        hashes = tuple(self.script_hashes())
        if hashes != self._csp[0]:
            self._csp = (hashes, content_security_policy(list(hashes)))
        return self._csp[1]


def install(
    server: flask.Flask,
    settings: Settings,
    engine: Callable[[], Engine],
    *,
    prefix_pages: Mapping[str, str],
    script_hashes: Callable[[], list[str]],
    render_login: Callable[..., str],
) -> Limiter:
    """Install sign-in, authorisation, CSRF defence, headers, limits and health routes.

    Args:
        server: the Flask server.
        settings: process settings (cookie security, timeouts, proxy count).
        engine: returns the process's engine.
        prefix_pages: component-id prefix -> page key ("*" = any signed-in user).
        script_hashes: returns CSP hashes of the app's inline scripts (`Dash.csp_hashes`).
        render_login: builds the sign-in page HTML (lang, next_url, csrf, error, username).

    Returns:
        The rate limiter (for other routes to decorate, e.g. exports).
    """
    sec = Security(settings, engine, prefix_pages, script_hashes, render_login)
    server.extensions["dashboard.security"] = sec
    if settings.proxy_count > 0:
        n = settings.proxy_count
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    secure = settings.secure_cookies
    server.config.update(
        SESSION_COOKIE_NAME="__Host-cc_session" if secure else "cc_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_DURATION=0,
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=settings.session_absolute_hours * 3600,
    )
    manager = LoginManager(server)
    manager.session_protection = None  # sessions are checked at the server instead

    @manager.user_loader
    def load(token: str) -> auth.User | None:
        return _load_user(sec, token)

    limiter = Limiter(
        get_remote_address,
        app=server,
        storage_uri=settings.cache_redis_url or "memory://",
        default_limits=[],
        strategy="fixed-window",
        headers_enabled=False,
        swallow_errors=True,
    )
    server.before_request(lambda: _guard(sec))
    server.after_request(lambda response: _headers(sec, response))
    login_view = limiter.limit(settings.login_rate_limit, methods=["POST"])(lambda: _login(sec))
    server.add_url_rule("/login", "login", login_view, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", lambda: _logout(sec), methods=["POST"])
    server.add_url_rule("/healthz", "healthz", _healthz)
    server.add_url_rule("/readyz", "readyz", lambda: _readyz(sec))
    return limiter


def _session_key(token: str) -> str:
    return "session:" + auth.token_hash(token)  # never the secret itself in the cache


def _load_user(sec: Security, token: str) -> auth.User | None:
    """The session's user, checked in the database on every request. While the database
    cannot be reached, a session validated in the last few minutes stays valid (from the
    cache), so panels can say that their queries fail instead of the page signing out;
    a session never seen valid is refused."""
    settings = sec.settings
    try:
        user = auth.load_session(
            sec.engine(),
            token,
            idle_minutes=settings.session_idle_minutes,
            absolute_hours=settings.session_absolute_hours,
            activity=not background_poll(flask.request.get_json(silent=True)),
        )
    except QUERY_ERRORS:
        log.warning("session check: database unreachable; using the last validation")
        cached = cache.get(_session_key(token))
        return cached if isinstance(cached, auth.User) else None
    if user is None:
        cache.delete(_session_key(token))
    else:
        cache.set(_session_key(token), user, timeout=SESSION_GRACE_SECONDS)
    return user


def _wants_page(request: flask.Request) -> bool:
    return request.method == "GET" and not any(request.path.startswith(p) for p in DATA_PATHS)


def _guard(sec: Security) -> Response | None:
    request = flask.request
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith(
        "/api/v1/ingest/"
    ):
        if not same_site_request():
            audit.audit(sec.engine(), "-", "csrf", "denied", target=request.path, ip=client_ip())
            return _error(403, "cross-site request refused")
    if any(request.path.startswith(p) for p in PUBLIC_PREFIXES):
        return None
    if not current_user.is_authenticated:
        if _wants_page(request):
            target = request.full_path if request.query_string else request.path
            return flask.redirect("/login?next=" + quote(request.root_path + target), 302)
        return _error(401, "sign-in required")
    if request.method == "POST" and request.path not in FORM_PATHS:
        # Every other POST is a callback, whatever path prefix Dash serves it under: it is
        # authorised by the page its outputs belong to (anything else: no page, refused).
        page = callback_page(request.get_json(silent=True), sec.prefix_pages)
        if page is None or (page != "*" and not current_user.can_open(page)):
            audit.audit(
                sec.engine(),
                current_user.username,
                "authz",
                "denied",
                target=str(page),
                ip=client_ip(),
                detail=str((request.get_json(silent=True) or {}).get("output", ""))[:200],
            )
            return _error(403, "not allowed for your role")
    return None


def _error(status: int, message: str) -> Response:
    response = flask.jsonify({"error": message})
    response.status_code = status
    return response


def _headers(sec: Security, response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", sec.csp())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if flask.request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    path = flask.request.path
    if any(path.startswith(p) for p in DATA_PATHS) or path in ("/login", "/readyz"):
        headers["Cache-Control"] = "no-store"
    return response


def _lang() -> str:
    return normalise_lang(flask.request.cookies.get(LANG_COOKIE))


def _login(sec: Security) -> Response | str | tuple[str, int]:
    request = flask.request
    lang = _lang()
    next_url = safe_next(request.values.get("next"), default="")
    if request.method == "GET":
        if current_user.is_authenticated:
            return flask.redirect(next_url or auth.LANDING[current_user.role])
        return sec.render_login(
            lang=lang, next_url=next_url, csrf=csrf_token(), error="", username=""
        )
    username = request.form.get("username", "")[:64]
    if not check_csrf_form():
        page = sec.render_login(
            lang=lang, next_url=next_url, csrf=csrf_token(), error="csrf", username=username
        )
        return page, 400
    try:
        user, token = auth.authenticate(
            sec.engine(), username, request.form.get("password", "")[:256], ip=client_ip()
        )
    except auth.AuthError as exc:
        message = str(exc)
        key = "locked" if "too many" in message else "disabled" if "disabled" in message else "bad"
        page = sec.render_login(
            lang=lang, next_url=next_url, csrf=csrf_token(), error=key, username=username
        )
        return page, 401
    flask.session.clear()  # a new session on sign-in (no fixation)
    flask.session.permanent = True
    login_user(user)
    csrf_token()
    return flask.redirect(next_url or auth.LANDING[user.role])


def _logout(sec: Security) -> Response:
    if current_user.is_authenticated and check_csrf_form():
        auth.end_session(
            sec.engine(),
            current_user.session_token,
            "logout",
            actor=current_user.username,
            ip=client_ip(),
        )
    elif current_user.is_authenticated:
        return _error(400, "sign-out form expired; reload the page")
    logout_user()
    flask.session.clear()
    response = flask.redirect("/login")
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _healthz() -> Response:
    return flask.jsonify({"status": "ok"})


def _readyz(sec: Security) -> Response:
    checks: dict[str, Any] = {}
    ok = True
    try:
        engine = sec.engine()
        checks["database"] = "ok" if db.ping(engine) else "down"
        newest = _newest_data(engine)
        checks["newest_data"] = newest.isoformat(sep=" ") if newest else None
        checks["newest_data_age_minutes"] = (
            round((beijing_now() - newest).total_seconds() / 60, 1) if newest else None
        )
    except Exception as exc:  # any failure to reach the database means "not ready"
        log.warning("readiness: database check failed: %s", type(exc).__name__)
        checks["database"] = "down"
    ok = checks["database"] == "ok"
    checks["cache"] = _cache_state()
    demo_key = bool(flask.current_app.config.get("DEMO_SECRET"))
    checks["secret_key"] = (
        "configured" if sec.settings.secret_key else "demo" if demo_key else "missing"
    )
    if checks["secret_key"] == "missing":
        ok = False
    # Anonymous callers (load balancers) learn only the verdict; people signed in, the details.
    body = {"status": "ready" if ok else "not ready"}
    if current_user.is_authenticated:
        body.update(checks)
    response = flask.jsonify(body)
    response.status_code = 200 if ok else 503
    return response


def _newest_data(engine: Engine) -> datetime | None:
    from dashboard.queries import feeds

    frame = feeds.watermarks(engine)
    newest = frame["newest_ts"].max()
    return None if newest != newest else newest.to_pydatetime()


def _cache_state() -> str:
    try:
        key = "readyz:" + secrets.token_hex(4)
        cache.set(key, 1, timeout=5)
        return "ok" if cache.get(key) == 1 else "unavailable"
    except Exception:  # the cache backend is optional: the app runs uncached without it
        return "unavailable"
