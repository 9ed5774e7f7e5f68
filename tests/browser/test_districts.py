"""District Analysis (/districts) in headless Chromium: click a port bar to filter the
table, page through it, open a declaration, export; the URL keeps the state; the browser
console stays clean.

Data: 120 declarations lodged in Tianjin through Xingang (TJ-XG) and 30 in Beijing through
Capital Airport (PEK), released, in the last days, ingested through the normal path.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from dashboard.ingest import ingest_records
from layouts import ids
from tests.browser.helpers import add_tester, click, start_signed_in
from tests.factories import declaration

pytestmark = pytest.mark.browser
D = ids.Districts
XINGANG = "天津港新港集装箱码头"
CAPITAL = "首都国际机场"


@pytest.fixture
def district_app(sqlite_url: str, sqlite_engine: Engine) -> Iterator[Any]:
    now = beijing_now().replace(microsecond=0) - timedelta(hours=8)  # released 5 h later
    rows = [declaration(i, declared=now - timedelta(minutes=7 * i)) for i in range(1, 121)]
    rows += [
        declaration(i, declared=now - timedelta(minutes=11 * i), office="0101", port="0101")
        for i in range(1, 31)
    ]
    ingest_records(sqlite_engine, "declarations", rows, name="b", source="test", now=beijing_now())
    add_tester(sqlite_engine, role="analyst")
    settings = Settings(
        database_url=sqlite_url, cache_type="SimpleCache", simulate=False, refresh_seconds=120
    )
    app = create_app(settings)
    yield app
    app.server.extensions["dashboard.engine"].dispose()


ROWS_JS = """
    var api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]);
    if (!api) { return []; }
    var out = [];
    api.forEachNode(function (n) { out.push([n.data.entry_id, n.data.port_id]); });
    return out;
"""


def _grid_rows(dash_duo: Any) -> list[list[str]]:
    """(entry id, port name) of every row the grid holds (rendered or not)."""
    try:
        return dash_duo.driver.execute_script(ROWS_JS, D.GRID) or []
    except Exception:  # the grid API is not ready yet
        return []


def _grid_ids(dash_duo: Any) -> list[str]:
    return [r[0] for r in _grid_rows(dash_duo)]


def _grid_ports(dash_duo: Any) -> list[str]:
    return [r[1] for r in _grid_rows(dash_duo)]


def _click_port_bar(dash_duo: Any, port: str) -> None:
    """Click the port's bar in the first panel of the ports figure, like a user."""
    index = dash_duo.driver.execute_script(
        "var gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return gd && gd.data ? gd.data[0].customdata.indexOf(arguments[1]) : -1;",
        D.PORTS,
        port,
    )
    assert index >= 0
    bar = dash_duo.find_elements(f"#{D.PORTS} .barlayer .trace")[0].find_elements(
        "css selector", ".point path"
    )[index]
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", bar
    )
    ActionChains(dash_duo.driver).move_to_element(bar).pause(0.3).click().perform()


def test_dist001_click_filter_page_detail_export(dash_duo: Any, district_app: Any) -> None:
    start_signed_in(dash_duo, district_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/districts")
    until(lambda: len(_grid_ids(dash_duo)) == 50, timeout=15)
    assert CAPITAL in _grid_ports(dash_duo) or XINGANG in _grid_ports(dash_duo)
    until(lambda: dash_duo.find_elements(f"#{D.PORTS} .barlayer .point"), timeout=15)

    _click_port_bar(dash_duo, "TJ-XG")
    until(lambda: "port=TJ-XG" in dash_duo.driver.current_url, timeout=10)
    until(lambda: dash_duo.find_elements(".dist-chip"), timeout=10)
    assert XINGANG in dash_duo.find_element(f"#{D.CHIPS}").text
    until(lambda: set(_grid_ports(dash_duo)) == {XINGANG}, timeout=10)
    first_page = _grid_ids(dash_duo)
    assert len(first_page) == 50

    click(dash_duo, f"#{D.NEXT}")
    dash_duo.wait_for_text_to_equal(f"#{D.PAGE}", "第 2 页", timeout=10)
    until(lambda: _grid_ids(dash_duo) and _grid_ids(dash_duo)[0] not in first_page, timeout=10)
    second_page = _grid_ids(dash_duo)
    assert not set(first_page) & set(second_page)
    click(dash_duo, f"#{D.NEXT}")
    dash_duo.wait_for_text_to_equal(f"#{D.PAGE}", "第 3 页（末页）", timeout=10)
    until(lambda: len(_grid_ids(dash_duo)) == 20, timeout=10)

    entry = _grid_ids(dash_duo)[0]
    click(dash_duo, f"#{D.GRID} .ag-row[row-id='{entry}'] .ag-cell[col-id='port_id']")
    until(lambda: entry in dash_duo.find_element(f"#{D.DETAIL}").text, timeout=10)
    detail = dash_duo.find_element(f"#{D.DETAIL}").text
    assert XINGANG in detail and "放行" in detail and "接受申报" in detail

    href = dash_duo.find_element(f"#{D.EXPORT}").get_attribute("href")
    assert href.endswith("/export/districts.csv?port=TJ-XG")
    text = dash_duo.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done);",
        href,
    )
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line]
    assert len(lines) == 1 + 120 and all(XINGANG in line for line in lines[1:])

    # removing the chip widens the table again
    click(dash_duo, ".dist-chip")
    until(lambda: "port=" not in dash_duo.driver.current_url, timeout=10)
    until(lambda: CAPITAL in _grid_ports(dash_duo), timeout=10)
    errors = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert not errors, errors


def test_dist002_state_from_the_url_survives_the_first_render(
    dash_duo: Any, district_app: Any
) -> None:
    start_signed_in(dash_duo, district_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/districts?district=0200&port=TJ-XG&period=6m")
    until(lambda: dash_duo.find_elements(".dist-chip"), timeout=10)
    until(lambda: _grid_rows(dash_duo), timeout=15)
    assert set(_grid_ports(dash_duo)) == {XINGANG}
    assert "district=0200" in dash_duo.driver.current_url
    assert "port=TJ-XG" in dash_duo.driver.current_url
    assert len(dash_duo.find_elements(".dist-chip")) == 2
    errors = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert not errors, errors
