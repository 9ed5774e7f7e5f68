"""Settings: the one object every part of the dashboard reads its configuration from.

`Settings.from_env()` is called once, in the app factory or the CLI. Nothing else reads
`os.environ`. Tests build `Settings(...)` directly. Well-known deployment variables keep
their conventional names (`DATABASE_URL`, `CACHE_REDIS_URL`, `SECRET_KEY`, `PORT`); the rest
share the `DASHBOARD_` prefix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
# Where the app factory keeps the Settings on its Flask app (`flask_app.extensions[...]`).
EXT_SETTINGS = "dashboard.settings"
DEFAULT_DB_PATH = DATA_DIR / "customs.db"
TIMEZONE = "Asia/Shanghai"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Configuration of one dashboard process.

    Attributes:
        database_url: SQLAlchemy URL; SQLite file under data/ by default.
        cache_type: Flask-Caching backend ("SimpleCache", "RedisCache", "NullCache").
        cache_redis_url: Redis URL; when set and cache_type is not given, RedisCache is used.
        cache_timeout: seconds a memoized query result lives.
        secret_key: Flask session key; the demo generates one per database.
        host, port: where `python app.py` serves.
        refresh_seconds: live refresh interval of wall pages.
        ingest_max_bytes: largest feed file accepted by ingest.
        freshness_late_minutes / freshness_stale_minutes: feed age thresholds per district.
        demo_scale: fraction of realistic national-scale volumes the demo generates.
        demo_history_days: days of history the demo creates on first start.
        simulate: whether `python app.py` starts the live simulator.
        debug: Dash/Flask debug mode (never in production).
        page_size: rows per page in paged tables.
        boundary_file: GeoJSON of province boundaries drawn on the map (a deployment points
            it at its officially approved standard map; see data/geo/SOURCE.md).
        queue_busy_wait_minutes / queue_congested_wait_minutes: a port's status by its
            worst current wait (normal below busy; closed when no lane is open).
        queue_busy_vehicles / queue_congested_vehicles: the same by vehicles waiting.
        alarm_clearance_p90_hours: a district's p90 overall clearance time today above
            this raises an alarm.
        alarm_incident_severities: incident severities that raise an alarm while open.
        proxy_count: reverse proxies in front of the app (0: none); their X-Forwarded-*
            headers are trusted for exactly this many hops.
        secure_cookies: send cookies only over TLS, with the `__Host-` prefix (production).
        session_idle_minutes / session_absolute_hours: a session ends after this long
            without a request, and this long after sign-in, whatever happens.
        login_rate_limit: sign-in attempts allowed per client address (Flask-Limiter).
        api_max_bytes: largest body the ingest API accepts.
        api_rate_limit: ingest API requests allowed per client address.
        incident_sla_file: CSV of the incident SLA targets per severity and stage
            (data/reference/incident_sla.csv is the default; see dashboard.emergency).
        incident_at_risk_share: an open incident is at risk once this share of a stage's
            allowance is used.
        team_utilisation_target: hours on incidents against rostered hours a member should
            stay under (0.7 = 70 %).
    """

    database_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    cache_type: str = "SimpleCache"
    cache_redis_url: str | None = None
    cache_timeout: int = 30
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8050
    refresh_seconds: int = 10
    ingest_max_bytes: int = 1024 * 1024 * 1024
    freshness_late_minutes: int = 15
    freshness_stale_minutes: int = 60
    demo_scale: float = 0.04
    demo_history_days: int = 730
    simulate: bool = True
    debug: bool = False
    page_size: int = 50
    boundary_file: str = str(DATA_DIR / "geo" / "provinces.geojson")
    queue_busy_wait_minutes: int = 30
    queue_congested_wait_minutes: int = 90
    queue_busy_vehicles: int = 120
    queue_congested_vehicles: int = 300
    alarm_clearance_p90_hours: float = 72.0
    alarm_incident_severities: str = "I,II"
    proxy_count: int = 0
    secure_cookies: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    login_rate_limit: str = "10 per minute"
    api_max_bytes: int = 64 * 1024 * 1024
    api_rate_limit: str = "120 per minute"
    incident_sla_file: str = str(REFERENCE_DIR / "incident_sla.csv")
    incident_at_risk_share: float = 0.75
    team_utilisation_target: float = 0.7
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from environment variables (defaults for anything unset).

        Args:
            environ: mapping to read; `os.environ` when None.

        Returns:
            A frozen Settings object.

        Raises:
            ValueError: when a numeric variable does not parse, naming the variable.
        """
        env = os.environ if environ is None else environ
        base = cls()
        values: dict[str, Any] = {}
        plain = {
            "DATABASE_URL": "database_url",
            "CACHE_REDIS_URL": "cache_redis_url",
            "SECRET_KEY": "secret_key",
            "PORT": "port",
        }
        for var, attr in plain.items():
            if env.get(var):
                values[attr] = env[var]
        for attr in base.__dataclass_fields__:
            var = "DASHBOARD_" + attr.upper()
            if attr != "extra" and env.get(var):
                values[attr] = env[var]
        if values.get("cache_redis_url") and "DASHBOARD_CACHE_TYPE" not in env:
            values["cache_type"] = "RedisCache"
        return replace(base, **_coerce(base, values))

    @property
    def is_sqlite(self) -> bool:
        """True when the store is the embedded SQLite database."""
        return self.database_url.startswith("sqlite")


def _coerce(base: Settings, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr, raw in values.items():
        current = getattr(base, attr)
        try:
            if isinstance(current, bool):
                out[attr] = _bool(str(raw))
            elif isinstance(current, int):
                out[attr] = int(raw)
            elif isinstance(current, float):
                out[attr] = float(raw)
            else:
                out[attr] = raw
        except ValueError as exc:
            raise ValueError(f"setting {attr.upper()} must be a number, got {raw!r}") from exc
    return out
