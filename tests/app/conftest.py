"""Fixtures for Flask test-client tests: a seeded SQLite database and an app built on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import Engine

from app import create_app
from dashboard import auth
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from tests.app.dashcall import sign_in
from tests.app.seed import Seeded, seed_feeds

PASSWORD = "test passphrase 2026"
# user name, role, districts ("" = all)
USERS = (
    ("admin", "admin", ""),
    ("command", "command", ""),
    ("leader", "leadership", ""),
    ("analyst", "analyst", ""),
    ("tianjin", "command", "0200"),
    ("bj.analyst", "analyst", "0100"),
    ("cd.leader", "leadership", "7900"),
    ("bth.command", "command", "0100;0200"),
)


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings for a test app: temporary SQLite, in-process cache, no simulator."""
    return Settings(
        database_url=sqlite_url,
        cache_type="SimpleCache",
        simulate=False,
        page_size=5,
        secret_key="test-secret-key-not-for-production",
    )


@pytest.fixture
def seeded(sqlite_engine: Engine) -> Seeded:
    """Feed history loaded through ingest, "now" being the current Beijing time."""
    return seed_feeds(sqlite_engine, beijing_now())


@pytest.fixture
def dash_app(settings: Settings, seeded: Seeded, sqlite_engine: Engine) -> Iterator[Dash]:
    """The dashboard on the seeded database, with one account per role."""
    for name, role, districts in USERS:
        auth.add_user(sqlite_engine, name, role, PASSWORD, districts=districts)
    app = create_app(settings)
    yield app
    app.server.extensions["dashboard.engine"].dispose()


@pytest.fixture
def anonymous(dash_app: Dash) -> FlaskClient:
    """A test client that has not signed in."""
    return dash_app.server.test_client()


@pytest.fixture
def client(dash_app: Dash) -> FlaskClient:
    """A test client signed in as an admin (every page, every district)."""
    client = dash_app.server.test_client()
    assert sign_in(client, "admin", PASSWORD).status_code == 302
    return client
