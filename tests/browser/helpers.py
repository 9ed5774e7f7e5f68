"""Browser-test helpers: signing in through the real sign-in page (every page needs it)
and clicking like a user."""

from __future__ import annotations

from typing import Any

from dash.testing.wait import until
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from sqlalchemy import Engine

from dashboard import auth

USER, PASSWORD = "tester", "browser test passphrase"


def add_tester(engine: Engine, role: str = "admin", districts: str = "") -> None:
    """Create the browser tests' account in the test database."""
    auth.add_user(engine, USER, role, PASSWORD, districts=districts, display_name="测试员")


def fill_sign_in(dash_duo: Any, user: str = USER, password: str = PASSWORD) -> None:
    """Type the name and password into the sign-in form and submit it."""
    driver = dash_duo.driver
    driver.find_element(By.ID, "username").clear()
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


def start_signed_in(dash_duo: Any, app: Any, user: str = USER, password: str = PASSWORD) -> None:
    """Start the app, sign in on its sign-in page, and wait for the dashboard."""
    dash_duo.start_server(app, navigate=False)
    base = dash_duo.server.url.rstrip("/")
    dash_duo.driver.get(f"{base}/login")
    fill_sign_in(dash_duo, user, password)
    dash_duo.server_url = base  # waits for the Dash app to load


def click(dash_duo: Any, selector: str) -> None:
    """Scroll the element to the middle of the window and click it like a user.

    Scrolling is instant (Bootstrap makes it smooth, which would move the target after the
    click point is computed); a grid may re-render its rows between find and click, so a
    stale element is looked up again.
    """

    def attempt() -> bool:
        try:
            element = dash_duo.find_element(selector)
            dash_duo.driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
            )
            element.click()
        except StaleElementReferenceException:
            return False
        return True

    until(attempt, timeout=5)
