"""Command Center callbacks through real `/_dash-update-component` requests on a seeded
database: panels name ports and districts, stale districts are marked, forged values are
refused before any query, a failing database keeps the last good data, the port detail's
clearance chart names the port's incidents, and the offline boundary files are served."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from dashboard.i18n import beijing_now
from dashboard.ingest import ingest_records
from layouts import ids
from tests.app.dashcall import call, post
from tests.factories import incident, iso

CC, S = ids.CommandCenter, ids.Shell
REFRESH = (S.REFRESH_INTERVAL, "n_intervals", 1)


def _down(*_args: Any, **_kwargs: Any) -> None:
    """A query against a database that is down."""
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def _panel(
    client: FlaskClient,
    contents: list[tuple[str, str]],
    status: str,
    good: str,
    inputs: list[tuple[str, str, Any]],
    state: list[tuple[str, str, Any]],
) -> dict[str, Any]:
    return call(client, [*contents, (status, "children"), (good, "data")], inputs, state)


def _board(client: FlaskClient, view: str = "all", lang: str = "zh") -> dict[str, Any]:
    return _panel(
        client,
        [(CC.BOARD, "rowData")],
        CC.BOARD_STATUS,
        CC.BOARD_GOOD,
        [REFRESH, (CC.VIEW, "data", view)],
        [(S.LANG, "data", lang), (CC.BOARD_GOOD, "data", None)],
    )


def test_board_ranks_every_port_by_name_and_greys_stale_districts(client: FlaskClient) -> None:
    response = _board(client)
    rows = response[CC.BOARD]["rowData"]
    assert len(rows) == 14
    assert {r["port"] for r in rows[:2]} == {"成都双流国际机场", "天津港新港集装箱码头"}
    assert rows[0]["wait"] == 12 and rows[0]["asof"] != "—"
    no_data = [r for r in rows if r["wait"] is None]
    assert no_data and all(r["asof"] == "—" for r in no_data)  # no wait without its time
    stale = {r["district"] for r in rows if r["stale"]}
    assert stale == {"石家庄"}  # its newest declaration is 3 hours old
    assert re.match(r"更新于 \d{4}-\d\d-\d\d", response[CC.BOARD_STATUS]["children"])
    tianjin = _board(client, view="0200", lang="en")[CC.BOARD]["rowData"]
    assert {r["district"] for r in tianjin} == {"Tianjin"}


def test_kpis_alarms_and_map(client: FlaskClient) -> None:
    lang = (S.LANG, "data", "zh")
    kpis = _panel(
        client,
        [(CC.KPIS, "children")],
        CC.KPIS_STATUS,
        CC.KPIS_GOOD,
        [REFRESH, (CC.VIEW, "data", "all")],
        [lang, (CC.KPIS_GOOD, "data", None)],
    )
    text = json.dumps(kpis[CC.KPIS]["children"], ensure_ascii=False)
    for label in ("今日申报", "今日放行", "在办报关单", "整体通关时间 P90", "查验率", "排队车辆"):
        assert label in text
    assert "kpi-stale" in text  # the all-district view includes stale Shijiazhuang

    alarms = _panel(
        client,
        [(CC.ALARMS, "children"), (CC.STALE_NOTE, "children")],
        CC.ALARMS_STATUS,
        CC.ALARMS_GOOD,
        [REFRESH, (CC.VIEW, "data", "all")],
        [lang, (CC.ALARMS_GOOD, "data", None)],
    )
    assert alarms[CC.STALE_NOTE]["children"] == "数据滞后关区（灰显）：石家庄"
    feed = json.dumps(alarms[CC.ALARMS]["children"], ensure_ascii=False)
    assert "石家庄 数据滞后" in feed

    fig = _panel(
        client,
        [(CC.MAP, "figure")],
        CC.MAP_STATUS,
        CC.MAP_GOOD,
        [REFRESH, (CC.VIEW, "data", "all")],
        [lang, (CC.CONFIG, "data", {"wall": True}), (CC.MAP_GOOD, "data", None)],
    )[CC.MAP]["figure"]
    assert {trace["type"] for trace in fig["data"]} == {"scattermap"}
    sources = [layer["source"] for layer in fig["layout"]["map"]["layers"]]
    assert "/geo/focus.geojson" in sources and "/geo/130000.geojson" in sources
    ports = [p for trace in fig["data"] for p in trace.get("customdata") or []]
    assert len(ports) == 14
    assert "mapbox" not in json.dumps(fig) and "http" not in json.dumps(fig["layout"]["map"])
    assert len(json.dumps(fig)) < 150_000


DETAIL_OUTPUTS = [(CC.DETAIL_HEAD, "children"), (CC.DETAIL, "figure")] + [
    (CC.DETAIL_CLEARANCE, "figure")
]


def _detail(
    client: FlaskClient, port: str, *, view: str = "all", lang: str = "en", good: Any = None
) -> dict[str, Any]:
    return _panel(
        client,
        DETAIL_OUTPUTS,
        CC.DETAIL_STATUS,
        CC.DETAIL_GOOD,
        [REFRESH, (CC.PORT, "data", port), (CC.VIEW, "data", view)],
        [(S.LANG, "data", lang), (CC.CONFIG, "data", {}), (CC.DETAIL_GOOD, "data", good)],
    )


def test_port_detail_names_the_port(client: FlaskClient) -> None:
    response = _detail(client, "TJ-XG")
    head = json.dumps(response[CC.DETAIL_HEAD]["children"])
    assert (
        "Tianjin Port Xingang · Tianjin"
        in json.loads(head)["props"]["children"][0]["props"]["children"]
    )
    assert "TJ-XG" in head
    names = {trace["name"] for trace in response[CC.DETAIL]["figure"]["data"]}
    assert names == {"Last 24 h", "Same hours last week"}


def test_port_outside_a_new_view_clears_the_detail_without_an_error(client: FlaskClient) -> None:
    response = _detail(client, "TJ-XG", view="0100")
    head = json.dumps(response[CC.DETAIL_HEAD]["children"])
    assert "Click a port" in head and "Xingang" not in head
    assert not response[CC.DETAIL_CLEARANCE]["figure"].get("data")


def test_port_detail_shows_clearance_time_with_the_port_s_incident_named(
    client: FlaskClient, sqlite_engine: Engine
) -> None:
    now = beijing_now().replace(microsecond=0)
    fog = {**incident(41), "status": "DISPATCHED", "resolved_at": "", "severity": "II"}
    fog["reported_at"] = iso(now - timedelta(hours=30))
    fog["acknowledged_at"] = iso(now - timedelta(hours=29))
    batch = ingest_records(sqlite_engine, "incidents", [fog], name="i", source="t", now=now)
    assert batch.accepted == 1, batch

    response = _detail(client, "TJ-XG")
    fig = response[CC.DETAIL_CLEARANCE]["figure"]
    assert [trace["name"] for trace in fig["data"]] == ["Median", "p90"]
    released = [n for _, n in fig["data"][0]["customdata"]]
    assert len(released) == 14 and sum(released) == 1  # the seed's one release at Xingang
    assert fig["layout"]["title"]["text"].startswith("Clearance time of releases at this port")
    (band,) = fig["layout"]["shapes"]
    assert band["fillcolor"] == "#ff7f0e" and band["x0"] == fog["reported_at"][:19].replace(
        "T", " "
    )
    (label,) = fig["layout"]["annotations"]
    assert label["text"] == "Level II · Severe weather"
    assert "INC-0200-00041" in label["hovertext"] and "still open" in label["hovertext"]
    wait_labels = [a["text"] for a in response[CC.DETAIL]["figure"]["layout"]["annotations"]]
    assert wait_labels == ["Level II · Severe weather"]  # open through the last 24 h
    text = json.dumps(fig, ensure_ascii=False)
    assert "SEVERE_WEATHER" not in text and "TJ-XG" not in text
    zh = _detail(client, "TJ-XG", lang="zh")[CC.DETAIL_CLEARANCE]["figure"]
    assert [a["text"] for a in zh["layout"]["annotations"]] == ["Ⅱ级 · 恶劣天气"]
    assert [trace["name"] for trace in zh["data"]] == ["中位数", "P90 分位"]


def test_port_without_releases_says_so(client: FlaskClient) -> None:
    fig = _detail(client, "PKX")[CC.DETAIL_CLEARANCE]["figure"]
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert texts == ["No declarations released at this port in the last 14 days"]


def test_clearance_query_failure_keeps_the_detail_and_names_the_last_good_time(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.queries import clearance

    monkeypatch.setattr(clearance, "port_clearance_histogram", _down)
    response = _detail(client, "TJ-XG", good="2026-11-25 11:59:50")
    assert not {CC.DETAIL_HEAD, CC.DETAIL, CC.DETAIL_CLEARANCE, CC.DETAIL_GOOD} & set(response)
    status = json.dumps(response[CC.DETAIL_STATUS]["children"])
    assert "Query failed; showing data as of 2026-11-25 11:59:50" in status


@pytest.mark.parametrize(
    ("view", "port"),
    [("'; DROP TABLE declarations; --", "TJ-XG"), ("all", "../../etc"), (["0200"], "TJ-XG")],
)
def test_forged_values_are_refused_before_any_query(
    client: FlaskClient, view: Any, port: str
) -> None:
    response = post(
        client,
        [*DETAIL_OUTPUTS, (CC.DETAIL_STATUS, "children"), (CC.DETAIL_GOOD, "data")],
        [REFRESH, (CC.PORT, "data", port), (CC.VIEW, "data", view)],
        [(S.LANG, "data", "en"), (CC.CONFIG, "data", {}), (CC.DETAIL_GOOD, "data", None)],
    )
    body = response.get_data(as_text=True)
    assert "Xingang" not in body and "figure" not in body
    assert response.status_code in (200, 204, 500)
    if response.status_code == 200:  # the error handler's message, nothing else
        assert "shell-error-alert" in body


def test_database_failure_keeps_the_panel_and_names_the_last_good_time(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.queries import queues

    monkeypatch.setattr(queues, "recent_observations", _down)
    response = call(
        client,
        [(CC.BOARD, "rowData"), (CC.BOARD_STATUS, "children"), (CC.BOARD_GOOD, "data")],
        [REFRESH, (CC.VIEW, "data", "all")],
        [(S.LANG, "data", "en"), (CC.BOARD_GOOD, "data", "2026-11-25 11:59:50")],
    )
    assert CC.BOARD not in response and CC.BOARD_GOOD not in response  # old rows stay
    status = json.dumps(response[CC.BOARD_STATUS]["children"])
    assert "Query failed; showing data as of 2026-11-25 11:59:50" in status


def test_boundaries_are_served_from_the_configured_file(client: FlaskClient) -> None:
    focus = client.get("/geo/focus.geojson").get_json()
    assert sorted(f["properties"]["adcode"] for f in focus["features"]) == [
        "110000",
        "120000",
        "130000",
        "510000",
    ]
    context = client.get("/geo/context.geojson").get_json()
    assert len(context["features"]) >= 20
    assert all(not f["properties"]["focus"] for f in context["features"])
    assert len(client.get("/geo/130000.geojson").get_json()["features"]) == 1
    for bad in ("/geo/abc.geojson", "/geo/999999.geojson", "/geo/1100000.geojson"):
        assert client.get(bad).status_code == 404


def test_clientside_code_names_only_real_ids() -> None:
    source = (Path(__file__).resolve().parents[2] / "assets" / "clientside.js").read_text()
    named = set(re.findall(r'"((?:shell|cc)-[a-z0-9-]+)"', source))
    assert named and named <= set(ids.all_ids())
