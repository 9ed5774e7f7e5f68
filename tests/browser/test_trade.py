"""Trade Trends in headless Chromium on fourteen months of declarations: the charts render
with district names; changing the range preset and the granularity changes the periods;
choosing one district leaves only its bars; the URL follows every change and a reload of
it restores the view; the browser console stays clean."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from dashboard.ingest import ingest_records
from layouts import ids
from tests import factories as f
from tests.browser.helpers import add_tester, click, start_signed_in
from tests.browser.test_command_center import _assert_clean_console

pytestmark = pytest.mark.browser
T = ids.Trade
ROUTES = [("0101", "0101"), ("0101", "0202"), ("0202", "0202"), ("0401", "0202"), ("7901", "7901")]


@pytest.fixture
def trade_app(sqlite_url: str, sqlite_engine: Engine) -> Any:
    now = beijing_now().replace(microsecond=0)
    rows = []
    for i in range(900):  # about two a day over fourteen months
        declared = now - timedelta(hours=11 * (i + 1) + 30)
        office, port = ROUTES[i % len(ROUTES)]
        rows.append(
            f.declaration(
                i + 1,
                declared=declared,
                hours=[0.5, 3.0, 12.0, 40.0][i % 4],
                office=office,
                port=port,
                ie="IE"[i % 3 == 0],
                value=5000.0 + 101 * (i % 50),
            )
        )
    rows = [r for r in rows if r["ts_released"] <= f.iso(now)]
    assert ingest_records(
        sqlite_engine, "declarations", rows, name="d", source="t", now=now
    ).accepted
    add_tester(sqlite_engine, role="leadership")
    app = create_app(Settings(database_url=sqlite_url, cache_type="SimpleCache", simulate=False))
    yield app
    app.server.extensions["dashboard.engine"].dispose()


def _traces(dash_duo: Any, graph_id: str) -> list[dict[str, Any]]:
    script = (
        "var g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return g && g.data ? g.data.map(function (t) {"
        "  return {name: t.name, type: t.type, n: (t.x || []).length}; }) : [];"
    )
    return list(dash_duo.driver.execute_script(script, graph_id))


def _bars(dash_duo: Any) -> list[dict[str, Any]]:
    return [t for t in _traces(dash_duo, T.VALUE) if t["type"] == "bar"]


def test_trade001_range_districts_and_url(dash_duo: Any, trade_app: Any) -> None:
    start_signed_in(dash_duo, trade_app)
    base = dash_duo.server_url
    dash_duo.driver.get(f"{base}/trade")
    until(lambda: len(_bars(dash_duo)) == 4, timeout=15)
    names = {b["name"] for b in _bars(dash_duo)}
    assert names == {"北京", "天津", "石家庄", "成都"}
    twelve = max(b["n"] for b in _bars(dash_duo))
    assert twelve >= 12  # last 12 months, by month
    assert _traces(dash_duo, T.CLEARANCE) and _traces(dash_duo, T.OD)
    kpis = dash_duo.find_element(f"#{T.KPIS}").text
    assert "所选期间贸易额" in kpis and ("亿美元" in kpis or "万美元" in kpis)

    # this month, by day: the periods change to days of this month
    click(dash_duo, f"label[for='_dbcprivate_radioitems_{T.PRESET}_input_month']")
    until(lambda: max(b["n"] for b in _bars(dash_duo)) <= 1, timeout=10)
    click(dash_duo, f"label[for='_dbcprivate_radioitems_{T.GRANULARITY}_input_day']")
    day = beijing_now().day
    until(lambda: max(b["n"] for b in _bars(dash_duo)) in range(max(day - 3, 1), day + 1), 10)
    assert "preset=month" in dash_duo.driver.current_url and "g=day" in dash_duo.driver.current_url

    # one district: only its bars remain, and the URL says so
    dash_duo.select_dcc_dropdown(f"#{T.DISTRICTS}", value="天津")
    until(lambda: {b["name"] for b in _bars(dash_duo)} == {"天津"}, timeout=10)
    until(lambda: "districts=0200" in dash_duo.driver.current_url, timeout=5)

    # the shared URL restores the view in a new page load
    dash_duo.driver.get(dash_duo.driver.current_url)
    until(lambda: {b["name"] for b in _bars(dash_duo)} == {"天津"}, timeout=15)
    checked = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{T.PRESET} input:checked")
    assert checked.get_attribute("value") == "month"
    _assert_clean_console(dash_duo)
