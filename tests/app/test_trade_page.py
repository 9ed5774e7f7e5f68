"""Trade Trends through real `/_dash-update-component` requests on the seeded database:
roles, the state from controls and from the URL, forged values refused before any query,
names instead of codes, district scope, and the audited CSV export."""

from __future__ import annotations

import csv
import io
import json
from base64 import b64decode
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from dashboard import schema
from dashboard.trade_view import TradeState
from layouts import ids
from tests.app.conftest import PASSWORD
from tests.app.dashcall import call, post, sign_in

T, S = ids.Trade, ids.Shell
STATE_OUT = [
    (T.STATE, "data"),
    (T.DATES, "start_date"),
    (T.DATES, "end_date"),
    (T.DATES, "disabled"),
    (T.NOTICE, "children"),
    (T.BRIEF_META, "children"),
]


VALUE_OUT = [(T.VALUE, "figure"), (T.VALUE_NOTE, "children"), (T.VALUE_STATUS, "children")]
OD_OUT = [(T.OD, "figure"), (T.OD_NOTE, "children"), (T.OD_STATUS, "children")]


def controls(**values: Any) -> list[tuple[str, str, Any]]:
    """The control inputs of the state callback (first: the preset, which changed)."""
    v = {"preset": "12m", "start": None, "end": None, "districts": [], "direction": "IE"}
    v |= {"currency": "USD", "granularity": "month", "dimension": "hs_section"} | values
    return [
        (T.PRESET, "value", v["preset"]),
        (T.DATES, "start_date", v["start"]),
        (T.DATES, "end_date", v["end"]),
        (T.DISTRICTS, "value", v["districts"]),
        (T.DIRECTION, "value", v["direction"]),
        (T.CURRENCY, "value", v["currency"]),
        (T.GRANULARITY, "value", v["granularity"]),
        (T.DIMENSION, "value", v["dimension"]),
        (T.REFRESH, "n_intervals", None),
    ]


def assert_refused(response: Any, output_id: str) -> None:
    """The callback wrote nothing to `output_id` (an error, or the error handler's alert)."""
    assert response.status_code in (200, 204, 500), response.status_code
    if response.status_code == 200:
        written = json.loads(response.get_data(as_text=True)).get("response", {})
        assert output_id not in written, written


def authz_denials(engine: Any, actor: str) -> list[str]:
    a = schema.audit_log.c
    with engine.connect() as conn:
        stmt = select(a.target).where(a.action == "authz", a.actor == actor)
        return [str(x) for x in conn.execute(stmt).scalars()]


def signed_in(dash_app: Any, user: str) -> FlaskClient:
    client = dash_app.server.test_client()
    assert sign_in(client, user, PASSWORD).status_code == 302
    return client


def state_of(client: FlaskClient, **values: Any) -> dict[str, Any]:
    out = call(client, STATE_OUT, controls(**values), [(S.LANG, "data", "en")])
    return dict(out[T.STATE]["data"])


def test_roles_and_the_page_from_a_bookmarked_url(dash_app: Any) -> None:
    leader = signed_in(dash_app, "leader")
    page = leader.get("/trade?preset=ytd&dir=I&cur=CNY&g=week&districts=0100,0200")
    assert page.status_code == 200
    command = signed_in(dash_app, "command")
    assert "trade-" not in json.dumps(command.get("/_dash-layout").get_json())
    kpis = [(T.KPIS, "children"), (T.KPIS_STATUS, "children")]
    state = [(T.STATE, "data", TradeState().to_store())]
    response = post(command, kpis, state, [(S.LANG, "data", "en")])
    assert response.status_code == 403


def test_state_resolves_presets_and_coarsens_too_many_points(client: FlaskClient) -> None:
    out = call(
        client, STATE_OUT, controls(preset="ytd", granularity="day"), [(S.LANG, "data", "en")]
    )
    state = out[T.STATE]["data"]
    assert state["preset"] == "ytd" and state["start"] is None
    assert out[T.DATES]["start_date"].endswith("-01-01") and out[T.DATES]["disabled"] is True
    days = (date.fromisoformat(out[T.DATES]["end_date"]) - date.fromisoformat(
        out[T.DATES]["start_date"])).days + 1  # fmt: skip
    notice = out[T.NOTICE]["children"]
    assert ("Too many points by Day" in notice) == (days > 92), notice
    custom = state_of(client, preset="custom", start="2025-02-03", end="2025-03-04")
    assert (custom["start"], custom["end"]) == ("2025-02-03", "2025-03-04")


@pytest.mark.parametrize(
    "forged",
    [
        {"preset": "decade"},
        {"direction": "IMPORT'; --"},
        {"currency": "BTC"},
        {"granularity": "hour"},
        {"dimension": "enterprise_uscc"},
        {"districts": ["0200", "9999"]},
        {"preset": "custom", "start": "2026-03-01", "end": "2025-01-01"},
        {"preset": "custom", "start": "not a date", "end": "2025-01-01"},
    ],
)
def test_forged_controls_are_refused_and_audited(
    client: FlaskClient, forged: dict[str, Any], sqlite_engine: Any
) -> None:
    response = post(client, STATE_OUT, controls(**forged), [(S.LANG, "data", "en")])
    assert_refused(response, T.STATE)
    assert any(t.startswith("input:trade:") for t in authz_denials(sqlite_engine, "admin"))


def test_forged_state_store_is_refused_by_every_panel(client: FlaskClient) -> None:
    forged = {**TradeState().to_store(), "districts": ["0200'; DROP TABLE users; --"]}
    for outputs in (VALUE_OUT, [(T.CLEARANCE, "figure"), (T.CLEARANCE_STATUS, "children")]):
        response = post(client, outputs, [(T.STATE, "data", forged)], [(S.LANG, "data", "en")])
        assert_refused(response, outputs[0][0])


def test_panels_show_names_not_codes(client: FlaskClient) -> None:
    state = state_of(client, preset="month", granularity="day")
    lang = [(S.LANG, "data", "en")]
    value = call(client, VALUE_OUT, [(T.STATE, "data", state)], lang)
    names = {trace["name"] for trace in value[T.VALUE]["figure"]["data"]}
    assert {"Beijing", "Tianjin"} <= names and not names & {"0100", "0200"}
    kpis = json.dumps(call(client, [(T.KPIS, "children"), (T.KPIS_STATUS, "children")],
                           [(T.STATE, "data", state)], lang))  # fmt: skip
    assert "Trade value in range" in kpis and "Year to date" in kpis
    speed = json.dumps(call(client, [(T.SPEED, "children"), (T.SPEED_STATUS, "children")],
                            [(T.STATE, "data", state)], lang))  # fmt: skip
    assert "Cross-district share" in speed and "Import overall clearance" in speed
    od = call(client, OD_OUT, [(T.STATE, "data", state)], lang)
    heat = od[T.OD]["figure"]["data"][0]
    assert "Tianjin" in heat["x"] and "0200" not in heat["x"]


def test_scoped_leader_sees_only_their_district(dash_app: Any, sqlite_engine: Any) -> None:
    chengdu = signed_in(dash_app, "cd.leader")
    lang = [(S.LANG, "data", "en")]
    assert_refused(post(chengdu, STATE_OUT, controls(districts=["0200"]), lang), T.STATE)
    assert "input:trade:districts" in authz_denials(sqlite_engine, "cd.leader")
    state = dict(call(chengdu, STATE_OUT, controls(preset="month"), lang)[T.STATE]["data"])
    value = call(chengdu, VALUE_OUT, [(T.STATE, "data", state)], lang)
    names = {trace["name"] for trace in value[T.VALUE]["figure"]["data"]}
    assert names == {"Chengdu", "YoY growth"}
    bars = [tr for tr in value[T.VALUE]["figure"]["data"] if tr["type"] == "bar"]
    assert sum(bars[0]["y"]) > 0


def _download(client: FlaskClient, chart: str, state: dict[str, Any]) -> Any:
    button = {"chart": chart, "type": T.CSV}
    body = {
        "output": f"{T.DOWNLOAD}.data",
        "outputs": {"id": T.DOWNLOAD, "property": "data"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            {"id": T.STATE, "property": "data", "value": state},
            {"id": S.LANG, "property": "data", "value": "en"},
        ],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    client.get("/")
    return client.post("/_dash-update-component", json=body)


def _csv_rows(response: Any) -> tuple[str, list[dict[str, str]]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()["response"][T.DOWNLOAD]["data"]
    text = b64decode(data["content"]).decode("utf-8") if data.get("base64") else data["content"]
    assert text.startswith("\ufeff")  # BOM: Excel reads the Chinese names
    return data["filename"], list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_is_named_scoped_and_audited(
    client: FlaskClient, dash_app: Any, sqlite_engine: Any
) -> None:
    state = state_of(client, preset="month", granularity="day")
    name, rows = _csv_rows(_download(client, "value", state))
    assert name.startswith("trade-value-")
    assert rows and {"period", "declaring_district", "value_USD"} <= set(rows[0])
    assert {r["declaring_district"] for r in rows} == {
        "Beijing",
        "Tianjin",
        "Shijiazhuang",
        "Chengdu",
    }
    chengdu = signed_in(dash_app, "cd.leader")
    scoped_state = state_of(chengdu, preset="month", granularity="day")
    _name, scoped = _csv_rows(_download(chengdu, "value", scoped_state))
    assert scoped and {r["declaring_district"] for r in scoped} == {"Chengdu"}
    a = schema.audit_log.c
    with sqlite_engine.connect() as conn:
        found = conn.execute(select(a.actor, a.target).where(a.action == "export")).all()
    assert {("admin", "trade:value"), ("cd.leader", "trade:value")} <= {tuple(r) for r in found}
    assert_refused(_download(client, "secrets", state), T.DOWNLOAD)
