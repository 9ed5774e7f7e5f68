"""The shared Flask-Caching object for memoized query facades.

`cache` is created unbound at import and bound to the Flask server by `init_cache` in the
app factory (the Superset "late-bound extension" pattern), so importing query modules has
no side effects. Facades memoize on primitive arguments only and include the database's
`data_version` in their arguments, so a committed ingest batch makes old entries
unreachable without any explicit invalidation (which would fail when Redis is down).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_caching import Cache

from dashboard.config import Settings

cache = Cache()


def cache_config(settings: Settings) -> dict[str, Any]:
    """Flask-Caching configuration for `settings`.

    Args:
        settings: the process settings (cache type, Redis URL, timeout).

    Returns:
        The `CACHE_*` mapping passed to `Cache.init_app`.
    """
    config: dict[str, Any] = {
        "CACHE_TYPE": settings.cache_type,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        "CACHE_KEY_PREFIX": "customs:",
    }
    if settings.cache_type == "RedisCache" and settings.cache_redis_url:
        config["CACHE_REDIS_URL"] = settings.cache_redis_url
    if settings.cache_type == "SimpleCache":
        config["CACHE_THRESHOLD"] = 2000
    return config


def init_cache(server: Flask, settings: Settings) -> None:
    """Bind the shared `cache` to `server` with the configuration from `settings`."""
    cache.init_app(server, config=cache_config(settings))
