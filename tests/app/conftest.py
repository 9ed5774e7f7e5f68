"""Fixtures for Flask test-client tests: a seeded SQLite database and an app built on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from tests.app.seed import Seeded, seed_feeds


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings for a test app: temporary SQLite, in-process cache, no simulator."""
    return Settings(database_url=sqlite_url, cache_type="SimpleCache", simulate=False, page_size=5)


@pytest.fixture
def seeded(sqlite_engine: Engine) -> Seeded:
    """Feed history loaded through ingest, "now" being the current Beijing time."""
    return seed_feeds(sqlite_engine, beijing_now())


@pytest.fixture
def dash_app(settings: Settings, seeded: Seeded) -> Iterator[Dash]:
    """The dashboard on the seeded database."""
    app = create_app(settings)
    yield app
    app.server.extensions["dashboard.engine"].dispose()


@pytest.fixture
def client(dash_app: Dash) -> FlaskClient:
    """Flask test client of the app."""
    return dash_app.server.test_client()
