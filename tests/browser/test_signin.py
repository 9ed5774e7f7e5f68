"""Signing in and out in headless Chromium: the dashboard is closed until sign-in, a
wrong password says so, the header names the user, sign-out ends the session, and a
scoped command user sees only their pages and district."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from layouts import ids
from tests.browser.helpers import PASSWORD, USER, add_tester, fill_sign_in
from tests.browser.seed_live import seed_live

pytestmark = pytest.mark.browser
S, CC = ids.Shell, ids.CommandCenter


@pytest.fixture
def secured_app(sqlite_url: str, sqlite_engine: Engine) -> Iterator[Any]:
    seed_live(sqlite_engine, beijing_now())
    add_tester(sqlite_engine, role="command", districts="0200")
    settings = Settings(database_url=sqlite_url, simulate=False, refresh_seconds=120)
    app = create_app(settings)
    yield app
    app.server.extensions["dashboard.engine"].dispose()


def test_signin001_sign_in_and_out(dash_duo: Any, secured_app: Any) -> None:
    dash_duo.start_server(secured_app, navigate=False)
    base = dash_duo.server.url.rstrip("/")
    dash_duo.driver.get(f"{base}/?wall=1")  # closed: on to the sign-in page
    dash_duo.wait_for_element("#login-submit")
    assert "/login?next=/?wall%3D1" in dash_duo.driver.current_url or "/login" in (
        dash_duo.driver.current_url
    )
    fill_sign_in(dash_duo, USER, "not the password at all")
    dash_duo.wait_for_contains_text(".alert-danger", "用户名或密码错误")
    fill_sign_in(dash_duo, USER, PASSWORD)
    dash_duo.wait_for_contains_text(f"#{S.USER}", "测试员 · 指挥中心", timeout=10)
    # the scoped user: Tianjin only, and only the command role's pages
    dash_duo.wait_for_text_to_equal(f"#{CC.VIEW_TITLE}", "当前关区：全部关区", timeout=10)
    dash_duo.wait_for_element(f"#{CC.BOARD} .ag-row", timeout=10)
    board = dash_duo.find_element(f"#{CC.BOARD}").text
    assert "天津" in board and "北京" not in board and "石家庄" not in board
    links = dash_duo.find_elements(f"#{S.NAV} a")  # hidden on the wall: read textContent
    assert [a.get_attribute("textContent") for a in links] == ["指挥中心", "应急处置"]

    dash_duo.find_element(f"#{S.LOGOUT}").click()
    dash_duo.wait_for_element("#login-submit")
    dash_duo.driver.get(f"{base}/")  # the old session no longer opens the dashboard
    dash_duo.wait_for_element("#login-submit")
    assert dash_duo.driver.execute_script("return window.localStorage.length") == 0
    errors = [e for e in dash_duo.get_logs() if "401" not in str(e.get("message", ""))]
    assert [e for e in errors if "webgl" not in str(e).lower()] == []
