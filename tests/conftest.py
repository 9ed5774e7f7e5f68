"""Shared fixtures: databases (SQLite file, real PostgreSQL), Redis, reference time.

PostgreSQL and Redis are used for real when reachable. Their URLs come from
TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to the local servers at 127.0.0.1. Where
they are not reachable the tests that need them are skipped with the reason, except under
CI (CI=true) or REQUIRE_SERVICES=1, where a missing service fails the run instead.
Each PostgreSQL test gets its own freshly created database with a random name, dropped
afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dashboard import db

PG_ADMIN_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1"
# A fixed "now" (Beijing time) so validation of future timestamps is repeatable.
NOW = datetime(2026, 11, 25, 12, 0, 0)


def _unavailable(what: str, why: str) -> None:
    message = f"{what} not reachable ({why}); set TEST_DATABASE_URL/TEST_REDIS_URL to run"
    if REQUIRED:
        pytest.fail(f"{message} - required under CI", pytrace=False)
    pytest.skip(message)


def _pg_admin() -> Engine:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not available"
        engine.dispose()
        _unavailable("PostgreSQL", f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    return engine


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    admin = _pg_admin()
    name = "cc_test_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a new SQLite file database in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on SQLite and on real PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database (SQLite and PostgreSQL) with the schema created."""
    eng = db.make_engine(db_url)
    db.create_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """An engine on a fresh SQLite database with the schema created."""
    eng = db.make_engine(sqlite_url)
    db.create_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def redis_url() -> str:
    """URL of the real Redis server (database 15), flushed before the test."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        _unavailable("Redis", f"{type(exc).__name__}: {exc}")
    client.flushdb()
    return REDIS_URL


def pytest_setup_options():  # type: ignore[no-untyped-def]
    """Chromium options for dash_duo: headless, offline, a fresh profile every run."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='cc-chromium-')}",
    ):
        options.add_argument(flag)
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    return options


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests where Chromium/chromedriver are missing (fail instead under CI)."""
    if shutil.which("chromedriver") and (shutil.which("chromium") or shutil.which("chrome")):
        return
    if REQUIRED:
        return  # under CI a missing browser must fail the browser tests, not hide them
    reason = (
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    )
    for item in items:
        if "browser" in item.keywords or "dash_duo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))
