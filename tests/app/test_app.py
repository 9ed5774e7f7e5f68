"""The app through the Flask test client: pages, Dash endpoints, language route, callbacks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from dashboard.config import Settings
from dashboard.i18n import LANG_COOKIE
from layouts import ids
from tests.app.dashcall import call

PAGES = ["/", "/trade", "/districts", "/emergency", "/service", "/data"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_serves_offline_html(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    external = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", html)
    assert external == [], "assets must be served locally"
    assert "00_bootstrap.min.css" in html and "clientside.js" in html


def test_unknown_page_is_not_an_error(client: FlaskClient) -> None:
    assert client.get("/no-such-page").status_code == 200  # Dash renders its 404 content


def test_layout_is_chinese_by_default_and_english_with_cookie(client: FlaskClient) -> None:
    zh = client.get("/_dash-layout").get_data(as_text=True)
    assert "海关监管指挥平台" in zh and "北京时间 (UTC+8)" in zh and "数据状态" in zh
    client.set_cookie(LANG_COOKIE, "en")
    en = client.get("/_dash-layout").get_data(as_text=True)
    assert "Customs Command Dashboard" in en and "Beijing time (UTC+8)" in en
    assert "Data Status" in en and "数据状态" not in en
    client.set_cookie(LANG_COOKIE, "<script>")
    assert "海关监管指挥平台" in client.get("/_dash-layout").get_data(as_text=True)


def test_dependencies_list_every_callback(client: FlaskClient) -> None:
    client.get("/")  # Dash Pages adds its router on the first request
    deps = client.get("/_dash-dependencies").get_json()
    outputs = " ".join(d["output"] for d in deps)
    for component, prop in [
        (ids.Shell.FRESHNESS, "children"),
        (ids.Shell.CLOCK, "children"),
        (ids.Shell.LANG_LINK, "href"),
        (ids.DataStatus.FRESHNESS_TABLE, "children"),
        (ids.DataStatus.BATCHES_GRID, "rowData"),
        (ids.DataStatus.QUARANTINE_GRID, "rowData"),
        (ids.DataStatus.CURSOR, "data"),
        (ids.DataStatus.RAW_DETAIL, "children"),
        (ids.DataStatus.BATCH_FILTER, "value"),
    ]:
        assert f"{component}.{prop}" in outputs
    # pages with their own callback tests (tests/app/test_<page>*.py) are counted there
    own_tests = ("trade-", "dist-", "svc-", "em-")
    core = [d for d in deps if not any(p in d["output"] for p in own_tests)]
    assert len(core) == 20 + 2  # ours + the Pages router and its title callback


def test_lang_route_sets_cookie_and_redirects_back(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/data%3Ffeed%3Dx")
    assert response.status_code == 303
    assert response.headers["Location"] == "/data?feed=x"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{LANG_COOKIE}=en;") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    assert "Customs Command Dashboard" in client.get("/_dash-layout").get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil", "javascript:alert(1)", "data", ""],
)
def test_lang_route_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.get("/lang/zh", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_lang_route_rejects_unknown_language(client: FlaskClient) -> None:
    response = client.get("/lang/fr?next=/data")
    assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_freshness_badges_callback_names_districts(client: FlaskClient) -> None:
    for lang, words in [
        ("zh", ["北京 · 3 分钟前", "天津 · 25 分钟前", "石家庄 · 3 小时前"]),
        ("en", ["Beijing · 3 min ago", "Tianjin · 25 min ago", "Chengdu"]),
    ]:
        response = call(
            client,
            [(ids.Shell.FRESHNESS, "children")],
            [(ids.Shell.REFRESH_INTERVAL, "n_intervals", 0)],
            [(ids.Shell.LANG, "data", lang)],
        )
        text = json.dumps(response, ensure_ascii=False)
        for word in words:
            assert word in text
        assert '"data-state": "stale"' in text


def test_quarantine_callback_pages_and_ignores_forged_cursor(client: FlaskClient) -> None:
    d = ids.DataStatus
    outputs = [
        (d.QUARANTINE_GRID, "rowData"),
        (d.PAGE_LABEL, "children"),
        (d.FIRST_BUTTON, "disabled"),
        (d.PREV_BUTTON, "disabled"),
        (d.NEXT_BUTTON, "disabled"),
        (d.PAGE_INFO, "data"),
    ]
    forged = {"feed": "'; DROP TABLE quarantine; --", "batch": "1 OR 1=1", "stack": ["x", 10**30]}
    response = call(
        client,
        outputs,
        [(d.CURSOR, "data", forged), (ids.Shell.REFRESH_INTERVAL, "n_intervals", 1)],
        [(ids.Shell.LANG, "data", "en")],
    )
    rows = response[d.QUARANTINE_GRID]["rowData"]
    assert len(rows) == 5  # page_size, first page, all feeds
    assert response[d.PAGE_LABEL]["children"] == "Page 1 (5 rows a page) · 11 rows in all"
    assert response[d.NEXT_BUTTON]["disabled"] is False
    info = response[d.PAGE_INFO]["data"]
    second = call(
        client,
        outputs,
        [
            (d.CURSOR, "data", {"feed": None, "batch": None, "stack": [info["last_id"]]}),
            (ids.Shell.REFRESH_INTERVAL, "n_intervals", 1),
        ],
        [(ids.Shell.LANG, "data", "zh")],
    )
    ids_1 = [r["quarantine_id"] for r in rows]
    ids_2 = [r["quarantine_id"] for r in second[d.QUARANTINE_GRID]["rowData"]]
    assert not set(ids_1) & set(ids_2) and max(ids_2) < min(ids_1)
    assert second[d.PAGE_LABEL]["children"] == "第 2 页（每页 5 行）· 共 11 行"
    assert second[d.NEXT_BUTTON]["disabled"] is False and second[d.PREV_BUTTON]["disabled"] is False


def test_create_app_does_not_touch_the_database(tmp_path: Path) -> None:
    target = tmp_path / "not-yet" / "x.db"
    app = create_app(Settings(database_url=f"sqlite:///{target}", cache_type="SimpleCache"))
    client = app.server.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/").status_code == 302  # to the sign-in page
    assert client.get("/_dash-layout").status_code == 401
    assert not target.parent.exists()


def test_failed_refresh_keeps_old_badges_and_warns(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.queries import feeds

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("database went away: secret detail")

    monkeypatch.setattr(feeds, "cached_district_freshness", broken)
    client.get("/")
    body = {
        "output": f"{ids.Shell.FRESHNESS}.children",
        "outputs": {"id": ids.Shell.FRESHNESS, "property": "children"},
        "inputs": [{"id": ids.Shell.REFRESH_INTERVAL, "property": "n_intervals", "value": 3}],
        "state": [{"id": ids.Shell.LANG, "property": "data", "value": "en"}],
        "changedPropIds": [f"{ids.Shell.REFRESH_INTERVAL}.n_intervals"],
    }
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    assert "secret detail" not in text and "Traceback" not in text
    payload = json.loads(text) if response.status_code == 200 else {}
    alert = payload.get("sideUpdate", {}).get(ids.Shell.ERROR, {})
    assert alert.get("is_open") is True and "刷新失败" in alert.get("children", "")
    assert ids.Shell.FRESHNESS not in payload.get("response", {})
