"""The Enterprise Service page in headless Chromium (dash_duo), on hand-made inquiries.

Flow: a service manager opens /service; the headline numbers count the inquiries of the
default 26 weeks; changing the channel (portal, then hotline) and the period to 13 weeks
changes the numbers and the volume figure's traces, and the URL follows each change; a
reload of that URL restores the view; escalations link to /emergency with the incident id;
the trained-against-untrained panel draws its two groups; every panel draws (no error
figure) and the browser console stays clean.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from dash.testing.wait import until
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from dashboard.ingest import ingest_records
from layouts import ids
from tests.browser.helpers import add_tester, click, start_signed_in
from tests.factories import declaration
from tests.integration.test_service_outcomes import A, C, attended, firm, training
from tests.integration.test_service_rollups import inquiry

pytestmark = pytest.mark.browser
SV = ids.Service


def _sel(component_id: str) -> str:
    return f"#{component_id}"


def _seed(engine: Engine, now: datetime) -> None:
    monday = (now - timedelta(days=now.weekday() + 7)).replace(hour=10, minute=0, second=0)
    rows = [
        inquiry(1, received=monday, channel="HOTLINE_12360"),
        inquiry(2, received=monday, channel="HOTLINE_12360", first_contact=False),
        inquiry(3, received=monday, channel="PORTAL", published=True),
        inquiry(
            4,
            received=monday,
            channel="HOTLINE_12360",
            escalated="INC-0200-20260101-E001",
            first_contact=False,
        ),
        inquiry(5, received=monday - timedelta(weeks=20), district="0100"),
    ]
    ingest_records(engine, "inquiries", rows, name="svc", source="test", now=now)
    _seed_training(engine, now, monday)


def _seed_training(engine: Engine, now: datetime, monday: datetime) -> None:
    """Firm A attended a training 20 weeks back, firm C never; both declared last week."""
    firms = [A, C]
    ingest_records(engine, "enterprises", [firm(u) for u in firms], name="e", source="t", now=now)
    tid, at = "T-0200-000000-001", monday - timedelta(weeks=20)
    ingest_records(engine, "trainings", [training(tid, at)], name="t", source="t", now=now)
    rows = [attended(tid, A, at)]
    ingest_records(engine, "training_attendance", rows, name="a", source="t", now=now)
    decls = [declaration(i, declared=monday + timedelta(hours=i)) for i in range(1, 5)]
    for row, uscc in zip(decls, [A, A, C, C], strict=True):
        row["enterprise_uscc"] = uscc
    decls[2]["status"] = "REJECTED"
    ingest_records(engine, "declarations", decls, name="d", source="t", now=now)


@pytest.fixture
def service_app(sqlite_url: str, sqlite_engine: Engine) -> Any:
    _seed(sqlite_engine, beijing_now())
    add_tester(sqlite_engine, role="leadership")
    settings = Settings(database_url=sqlite_url, cache_type="SimpleCache", simulate=False)
    app = create_app(settings)
    yield app
    app.server.extensions["dashboard.engine"].dispose()


def _kpi(dash_duo: Any, key: str) -> str:
    """A headline number as shown (read by script: the tiles re-render on every change)."""
    script = "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';"
    return str(dash_duo.driver.execute_script(script, f'[data-kpi="{key}"] .svc-kpi-value'))


def _trace_names(dash_duo: Any, graph_id: str) -> list[str]:
    script = (
        "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return g && g.data ? g.data.map(t => t.name) : null;"
    )
    return list(dash_duo.driver.execute_script(script, _sel(graph_id)) or [])


def _search(dash_duo: Any) -> str:
    return str(dash_duo.driver.execute_script("return window.location.search;"))


def _choose(dash_duo: Any, dropdown_id: str, text: str) -> None:
    """Open a dropdown and pick the option showing `text` (clicked by script: the open
    list can sit under the dropdown's own search box)."""
    click(dash_duo, _sel(dropdown_id))
    script = (
        "const o = [...document.querySelectorAll('.dash-dropdown-option')]"
        ".find(e => e.textContent.trim() === arguments[0]);"
        "if (o) { o.click(); return true; } return false;"
    )
    until(lambda: dash_duo.driver.execute_script(script, text), timeout=5)


def test_svc001_channel_and_period_change_the_figures(dash_duo: Any, service_app: Any) -> None:
    start_signed_in(dash_duo, service_app)
    dash_duo.driver.get(dash_duo.server_url + "/service")
    dash_duo.wait_for_text_to_equal(".page-header h1", "企业服务")
    until(lambda: _kpi(dash_duo, "received") == "5", timeout=15)
    assert _search(dash_duo) == ""
    assert _kpi(dash_duo, "escalated") == "1"
    until(lambda: sorted(_trace_names(dash_duo, SV.VOLUME)) == ["12360热线", "门户网站"], 10)

    _choose(dash_duo, SV.CHANNEL, "门户网站")
    until(lambda: _kpi(dash_duo, "received") == "1", timeout=10)
    until(lambda: _search(dash_duo) == "?channel=PORTAL", timeout=5)
    until(lambda: _trace_names(dash_duo, SV.VOLUME) == ["门户网站"], timeout=10)
    assert _kpi(dash_duo, "published") == "1"

    _choose(dash_duo, SV.CHANNEL, "12360热线")
    until(lambda: _kpi(dash_duo, "received") == "4", timeout=10)
    range_26 = dash_duo.find_element(_sel(SV.RANGE)).text
    click(dash_duo, f"{_sel(SV.PERIOD)} label[for$='_input_13']")
    until(lambda: _kpi(dash_duo, "received") == "3", timeout=10)  # 20 weeks back drops out
    until(lambda: len(_trace_names(dash_duo, SV.VOLUME)) == 1, timeout=10)
    assert dash_duo.find_element(_sel(SV.RANGE)).text != range_26
    until(lambda: _search(dash_duo) == "?channel=HOTLINE_12360&weeks=13", timeout=5)
    until(
        lambda: (
            _trace_names(dash_duo, SV.OUTCOMES)
            == ["参训企业（末月前已参训 1 家）", "未参训企业"] * 3
        ),
        10,
    )

    dash_duo.driver.refresh()  # the bookmarked view comes back
    until(lambda: _kpi(dash_duo, "received") == "3", timeout=15)
    assert _search(dash_duo) == "?channel=HOTLINE_12360&weeks=13"
    assert "12360热线" in dash_duo.find_element(_sel(SV.CHANNEL)).text
    checked = dash_duo.find_element(f"{_sel(SV.PERIOD)} input:checked")
    assert checked.get_attribute("value") == "13"
    until(lambda: len(_trace_names(dash_duo, SV.OUTCOMES)) == 6, timeout=10)

    link = dash_duo.find_element(f"{_sel(SV.ESC_GRID)} a")
    assert link.text == "INC-0200-20260101-E001"
    assert link.get_attribute("href").endswith("/emergency?incident=INC-0200-20260101-E001")
    for graph in (SV.FIRST_CONTACT, SV.UNITS, SV.TIMES, SV.MET, SV.QA):
        until(lambda g=graph: len(_trace_names(dash_duo, g)) > 0, timeout=10)
    # no hotline inquiry was published as Q&A: the repeat-question panel says so
    dash_duo.wait_for_contains_text(_sel(SV.REPEAT), "所选时段和范围内没有数据", timeout=10)
    assert "升级" in dash_duo.find_element(".service-page").text
    assert dash_duo.get_logs() == []
