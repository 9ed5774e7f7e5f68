"""The Emergency Response page in headless Chromium (dash_duo), on hand-made incidents.

Flow: an emergency team lead (command role) opens /emergency; the open incidents are listed
by SLA risk (the breached Xingang incident first); ticking severity IV narrows the list to
the at-risk incident and the URL follows; clearing it brings all three back; clicking the
Xingang incident opens its detail: the timeline, its assignment, and the port's wait and
clearance charts with the incident marked (a band and a label naming severity and
category); the URL names the incident and a reload reopens it; the console stays clean.
"""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from layouts import ids
from tests.app.test_emergency_page import seed_emergency
from tests.browser.helpers import add_tester, click, start_signed_in

pytestmark = pytest.mark.browser
E = ids.Emergency


@pytest.fixture
def emergency_app(sqlite_url: str, sqlite_engine: Engine) -> Any:
    seed_emergency(sqlite_engine, beijing_now())
    add_tester(sqlite_engine, role="command")
    app = create_app(Settings(database_url=sqlite_url, cache_type="SimpleCache", simulate=False))
    yield app
    app.server.extensions["dashboard.engine"].dispose()


def _grid_ids(dash_duo: Any) -> list[str]:
    script = (
        "return [...document.querySelectorAll(arguments[0] + ' .ag-center-cols-container "
        ".ag-row')].sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))"
        ".map(r => r.getAttribute('row-id'));"
    )
    return list(dash_duo.driver.execute_script(script, f"#{E.OPEN_GRID}") or [])


def _marks(dash_duo: Any, graph_id: str) -> tuple[int, str]:
    script = (
        "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "if (!g || !g.layout) return [0, ''];"
        "const s = (g.layout.shapes || []).filter(x => x.type === 'rect').length;"
        "return [s, (g.layout.annotations || []).map(a => a.text).join(' | ')];"
    )
    count, text = dash_duo.driver.execute_script(script, f"#{graph_id}")
    return int(count), str(text)


def _search(dash_duo: Any) -> str:
    return str(dash_duo.driver.execute_script("return window.location.search;"))


def test_em001_filter_open_an_incident_and_see_it_on_its_port_charts(
    dash_duo: Any, emergency_app: Any
) -> None:
    start_signed_in(dash_duo, emergency_app)
    dash_duo.driver.get(dash_duo.server_url + "/emergency")
    dash_duo.wait_for_text_to_equal(".page-header h1", "应急处置")
    until(lambda: _grid_ids(dash_duo) == ["INC-0200-T1", "INC-0200-T2", "INC-0100-B1"], 30)
    assert "恶劣天气" in dash_duo.find_element(f"#{E.OPEN_GRID}").text  # names, not codes

    click(dash_duo, f"#{E.SEVERITY} input[value='IV']")
    until(lambda: _grid_ids(dash_duo) == ["INC-0200-T2"], timeout=10)
    until(lambda: _search(dash_duo) == "?severity=IV", timeout=5)
    click(dash_duo, f"#{E.SEVERITY} input[value='IV']")
    until(lambda: len(_grid_ids(dash_duo)) == 3, timeout=10)

    click(dash_duo, f"#{E.OPEN_GRID} .ag-row[row-id='INC-0200-T1'] .ag-cell")
    dash_duo.wait_for_contains_text(f"#{E.DETAIL}", "INC-0200-T1", timeout=10)
    until(lambda: "冯娜" in dash_duo.find_element(f"#{E.SPELL_GRID}").text, timeout=10)
    for graph in (E.PORT_WAIT, E.PORT_CLEARANCE):
        until(lambda g=graph: _marks(dash_duo, g)[0] >= 1, timeout=10)
        assert "恶劣天气" in _marks(dash_duo, graph)[1], graph
    until(lambda: _search(dash_duo) == "?incident=INC-0200-T1", timeout=5)

    dash_duo.driver.refresh()  # the link opens the same incident
    dash_duo.wait_for_contains_text(f"#{E.DETAIL}", "INC-0200-T1", timeout=15)
    until(lambda: _marks(dash_duo, E.PORT_WAIT)[0] >= 1, timeout=10)
    assert dash_duo.get_logs() == []
