"""The shell and the Data Status page in headless Chromium (dash_duo), on a seeded database.

Flow: the shell opens in Chinese with district freshness badges and a running Beijing
clock; the language switch turns every label English and survives a reload; /data shows
batches and quarantined rows with reasons, pages by keyset, renders hostile raw rows as
text, and the browser console stays clean.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from dash.testing.wait import until
from sqlalchemy import Engine

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import beijing_now
from layouts import ids
from tests.app.seed import seed_feeds
from tests.browser.helpers import add_tester, click, start_signed_in

pytestmark = pytest.mark.browser
S, D = ids.Shell, ids.DataStatus


def _sel(component_id: str) -> str:
    return f"#{component_id}"


@pytest.fixture
def app_on_seeded_db(sqlite_url: str, sqlite_engine: Engine) -> Any:
    seed_feeds(sqlite_engine, beijing_now(), bad_rows=7)
    add_tester(sqlite_engine)
    settings = Settings(
        database_url=sqlite_url,
        cache_type="SimpleCache",
        simulate=False,
        page_size=5,
        refresh_seconds=5,
    )
    app = create_app(settings)
    yield app
    app.server.extensions["dashboard.engine"].dispose()


def test_shell001_chinese_then_english(dash_duo: Any, app_on_seeded_db: Any) -> None:
    start_signed_in(dash_duo, app_on_seeded_db)
    dash_duo.wait_for_contains_text(_sel(S.FRESHNESS), "天津 · 25 分钟前", timeout=10)
    header = dash_duo.find_element(".shell-header").text
    assert "海关监管指挥平台" in header and "北京时间 (UTC+8)" in header
    for name in ("北京 · 3 分钟前", "石家庄 · 3 小时前", "成都 · 2 分钟前"):
        assert name in dash_duo.find_element(_sel(S.FRESHNESS)).text
    assert dash_duo.find_element(_sel(S.NAV)).text.split() == [
        "指挥中心",
        "贸易趋势",
        "关区分析",
        "应急处置",
        "企业服务",
        "数据状态",
        "用户管理",
    ]
    dash_duo.wait_for_text_to_equal(".page-header h1", "指挥中心")
    clock_ok = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    until(lambda: re.fullmatch(clock_ok, dash_duo.find_element(_sel(S.CLOCK)).text), 5)

    click(dash_duo, _sel(S.LANG_LINK))
    dash_duo.wait_for_contains_text(".shell-header", "Customs Command Dashboard")
    dash_duo.wait_for_contains_text(_sel(S.FRESHNESS), "Tianjin · 25 min ago")
    assert "Beijing time (UTC+8)" in dash_duo.find_element(".shell-header").text
    assert dash_duo.find_element(_sel(S.NAV)).text.splitlines() == [
        "Command Center",
        "Trade Trends",
        "District Analysis",
        "Emergency Response",
        "Enterprise Service",
        "Data Status",
        "Users",
    ]
    dash_duo.wait_for_text_to_equal(".page-header h1", "Command Center")
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text(_sel(S.NAV), "Data Status")
    assert "中文" in dash_duo.find_element(_sel(S.LANG_LINK)).text
    assert dash_duo.get_logs() == []


def test_shell002_data_status_batches_and_quarantine(dash_duo: Any, app_on_seeded_db: Any) -> None:
    start_signed_in(dash_duo, app_on_seeded_db)
    dash_duo.wait_for_contains_text(_sel(S.NAV), "数据状态")
    click(dash_duo, f"{_sel(S.NAV)} a[href='/data']")
    dash_duo.wait_for_contains_text(_sel(D.BATCHES_GRID), "declarations_20261125.csv")
    dash_duo.wait_for_contains_text(_sel(D.FRESHNESS_TABLE), "滞后")
    assert "cd_0900.csv" in dash_duo.find_element(_sel(D.BATCHES_GRID)).text
    grid = _sel(D.QUARANTINE_GRID)
    dash_duo.wait_for_contains_text(grid, "declared_value -5 is outside the allowed range")
    dash_duo.wait_for_text_to_equal(_sel(D.PAGE_LABEL), "第 1 页（每页 5 行）· 共 11 行")

    # hostile raw row: visible as text, never parsed as HTML
    dash_duo.wait_for_contains_text(grid, '<img src=x onerror="window.__pwned=1">')
    assert dash_duo.find_elements(f"{grid} img") == []
    assert dash_duo.find_elements(f"{grid} b") == []
    assert dash_duo.driver.execute_script("return window.__pwned === undefined") is True

    # keyset paging: next page, then back
    first_page = dash_duo.find_element(grid).text
    click(dash_duo, _sel(D.NEXT_BUTTON))
    dash_duo.wait_for_text_to_equal(_sel(D.PAGE_LABEL), "第 2 页（每页 5 行）· 共 11 行")
    dash_duo.wait_for_contains_text(grid, "trade_mode 0999 is not a known trade mode code")
    assert dash_duo.find_element(grid).text != first_page
    click(dash_duo, _sel(D.PREV_BUTTON))
    dash_duo.wait_for_text_to_equal(_sel(D.PAGE_LABEL), "第 1 页（每页 5 行）· 共 11 行")

    # clicking a batch filters the quarantined rows to it; clicking a row shows it raw
    click(dash_duo, f"{_sel(D.BATCHES_GRID)} .ag-row[row-id='2'] .ag-cell")
    dash_duo.wait_for_text_to_equal(_sel(D.PAGE_LABEL), "第 1 页（每页 5 行）· 共 2 行")
    click(dash_duo, f"{grid} .ag-row[row-index='0'] .ag-cell")
    dash_duo.wait_for_contains_text(_sel(D.RAW_DETAIL), '"entry_id": "7901')
    assert dash_duo.get_logs() == []
