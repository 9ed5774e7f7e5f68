"""District Analysis through real requests on a seeded database: the page renders, panel
numbers equal direct counts of the raw rows, the table and the export honour the user's
scope, forged filter values are refused before any query, the export is escaped, capped
and audited."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pandas as pd
import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from dashboard import audit, schema
from layouts import ids
from tests.app.conftest import PASSWORD
from tests.app.dashcall import call, post, sign_in

D, S = ids.Districts, ids.Shell
DEFAULT = {"period": "3m"}


def _signed_in(dash_app: Dash, user: str) -> FlaskClient:
    client = dash_app.server.test_client()
    assert sign_in(client, user, PASSWORD).status_code == 302
    return client


def _raw(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(schema.declarations))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _table(client: FlaskClient, filters: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    return call(
        client,
        [(D.GRID, "rowData"), (D.PAGER, "data"), (D.PAGE, "children"), (D.NEXT, "disabled"),
         (D.PREV, "disabled")],
        [(D.FILTERS, "data", filters), (D.FIRST, "n_clicks", None), (D.PREV, "n_clicks", None),
         (D.NEXT, "n_clicks", None)],
        [(D.PAGER, "data", {"cursors": [None], "page": 1}), (S.LANG, "data", lang)],
    )  # fmt: skip


def test_page_renders_for_an_analyst(dash_app: Dash) -> None:
    client = _signed_in(dash_app, "analyst")
    assert client.get("/districts?district=0200&period=6m").status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200


def test_table_rows_are_the_raw_rows_newest_first_with_names(
    dash_app: Dash, sqlite_engine: Engine
) -> None:
    raw = _raw(sqlite_engine).sort_values(["ts_declared", "entry_id"], ascending=False)
    rows = _table(_signed_in(dash_app, "analyst"), DEFAULT)[D.GRID]["rowData"]
    assert [r["entry_id"] for r in rows] == raw["entry_id"].tolist()
    assert {r["port_id"] for r in rows} >= {"Tianjin Xingang"} or all(
        r["port_id"] and not r["port_id"].isupper() for r in rows
    )
    assert "0200" not in {r["declare_district"] for r in rows}  # names, not codes


def test_scoped_analyst_sees_only_their_district(dash_app: Dash, sqlite_engine: Engine) -> None:
    raw = _raw(sqlite_engine)
    client = _signed_in(dash_app, "bj.analyst")
    rows = _table(client, DEFAULT)[D.GRID]["rowData"]
    expected = raw[raw["declare_district"] == "0100"]["entry_id"]
    assert sorted(r["entry_id"] for r in rows) == sorted(expected)
    # a stored state naming Tianjin is forged for this user: refused, no rows
    response = post(
        client,
        [(D.GRID, "rowData"), (D.PAGER, "data"), (D.PAGE, "children"), (D.NEXT, "disabled"),
         (D.PREV, "disabled")],
        [(D.FILTERS, "data", {"district": "0200"}), (D.FIRST, "n_clicks", None),
         (D.PREV, "n_clicks", None), (D.NEXT, "n_clicks", None)],
        [(D.PAGER, "data", {"cursors": [None], "page": 1}), (S.LANG, "data", "en")],
    )  # fmt: skip
    assert "rowData" not in response.get_data(as_text=True)
    events = audit.audit_events(sqlite_engine, action="authz")
    assert (events["target"] == "input:dist-filters.district").any()


def test_kpis_equal_raw_counts(dash_app: Dash, sqlite_engine: Engine) -> None:
    raw = _raw(sqlite_engine)
    out = call(
        _signed_in(dash_app, "analyst"),
        [(D.KPIS, "children")],
        [(D.FILTERS, "data", {"district": "0200"})],
        [(S.LANG, "data", "en")],
    )
    text = json.dumps(out[D.KPIS]["children"])
    here = int((raw["declare_district"] == "0200").sum())
    assert f'"{here:,}"' in text
    assert f"region {len(raw):,}" in text


@pytest.mark.parametrize(
    "filters",
    [{"district": "9999"}, {"port": "NOPE"}, {"period": "99y"}, {"lane": "PURPLE"},
     {"wd": 9, "hr": 3}, {"ie": "X"}, "not a dict", {"mode": ["0110"]}],
)  # fmt: skip
def test_forged_filters_are_refused_before_any_query(
    dash_app: Dash, filters: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.queries import districts as q

    def no_query(*_a: Any, **_k: Any) -> None:
        raise AssertionError("queried with a forged value")

    monkeypatch.setattr(q, "totals", no_query)
    response = post(
        _signed_in(dash_app, "analyst"),
        [(D.KPIS, "children")],
        [(D.FILTERS, "data", filters)],
        [(S.LANG, "data", "en")],
    )
    assert response.status_code in (200, 204, 500)
    assert "region" not in response.get_data(as_text=True)


FILTER_OUTPUTS = [(D.FILTERS, "data"), (D.URL, "search"), (D.PORT, "options"),
                  (D.DISTRICT, "value"), (D.PORT, "value")]  # fmt: skip


def filter_request(changed: str, value: Any, state: dict[str, Any]) -> dict[str, Any]:
    """The body of the filter callback as the browser posts it (`changed` fired)."""
    values: dict[str, tuple[str, Any]] = {
        D.DISTRICT: ("value", ""), D.PORT: ("value", ""), D.PERIOD: ("value", "3m"),
        D.IE: ("value", ""), D.SPLIT: ("value", "lane"), D.SORT: ("value", "newest"),
        D.PORTS: ("clickData", None), D.STAGES: ("clickData", None),
        D.HEATMAP: ("clickData", None), D.MODE: ("clickData", None), D.TIER: ("clickData", None),
    }  # fmt: skip
    prop = values[changed][0]
    values[changed] = (prop, value)
    inputs: list[Any] = [{"id": i, "property": p, "value": v} for i, (p, v) in values.items()]
    inputs.append([])  # no chips on the page
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in FILTER_OUTPUTS) + "..",
        "outputs": [{"id": i, "property": p} for i, p in FILTER_OUTPUTS],
        "inputs": inputs,
        "state": [
            {"id": D.FILTERS, "property": "data", "value": state},
            {"id": S.LANG, "property": "data", "value": "en"},
        ],  # fmt: skip
        "changedPropIds": [f"{changed}.{prop}"],
    }


def test_chart_click_narrows_the_state_and_the_url(dash_app: Dash) -> None:
    client = _signed_in(dash_app, "analyst")
    client.get("/")
    click = {"points": [{"customdata": "TJ-XG"}]}
    body = filter_request(D.PORTS, click, {"period": "3m"})
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    out = response.get_json()["response"]
    assert out[D.FILTERS]["data"]["port"] == "TJ-XG"
    assert out[D.URL]["search"] == "?port=TJ-XG"
    cell = filter_request(D.HEATMAP, {"points": [{"customdata": [2, 14]}]}, out[D.FILTERS]["data"])
    both = client.post("/_dash-update-component", json=cell).get_json()["response"]
    assert both[D.URL]["search"] == "?port=TJ-XG&wd=2&hr=14"
    forged = filter_request(D.PORTS, {"points": [{"customdata": "<script>"}]}, {"period": "3m"})
    response = client.post("/_dash-update-component", json=forged)
    assert "<script>" not in response.get_data(as_text=True)


def test_detail_shows_names_and_timeline_and_respects_scope(
    dash_app: Dash, sqlite_engine: Engine
) -> None:
    raw = _raw(sqlite_engine)
    tianjin = raw[(raw["declare_district"] == "0200") & raw["ts_released"].notna()].iloc[0]
    cell = {"rowId": tianjin["entry_id"], "colId": "entry_id"}
    out = call(
        _signed_in(dash_app, "analyst"),
        [(D.DETAIL, "children")],
        [(D.GRID, "cellClicked", cell)],
        [(S.LANG, "data", "en")],
    )
    text = json.dumps(out[D.DETAIL]["children"])
    assert tianjin["entry_id"] in text and "Released" in text and "Tianjin" in text
    hidden = call(
        _signed_in(dash_app, "bj.analyst"),
        [(D.DETAIL, "children")],
        [(D.GRID, "cellClicked", cell)],
        [(S.LANG, "data", "en")],
    )
    assert "outside your scope" in json.dumps(hidden)


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_export_is_scoped_escaped_capped_and_audited(dash_app: Dash, sqlite_engine: Engine) -> None:
    raw = _raw(sqlite_engine)
    row = raw[raw["declare_district"] == "0100"].iloc[0].to_dict()
    row = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
    row.update(entry_id="010120269999999999", enterprise_uscc='=HYPERLINK("http://x")')
    with sqlite_engine.begin() as conn:
        conn.execute(schema.declarations.insert().values(**row))
    everyone = _signed_in(dash_app, "analyst").get("/export/districts.csv")
    assert everyone.status_code == 200 and everyone.mimetype == "text/csv"
    rows = _csv(everyone)
    assert rows[0][0] == "Entry number" or rows[0][0] == "报关单号"
    assert len(rows) - 1 == len(raw) + 1
    assert ['\'=HYPERLINK("http://x")'] == [r[-1] for r in rows if r[0] == "010120269999999999"]
    beijing = _csv(_signed_in(dash_app, "bj.analyst").get("/export/districts.csv"))
    assert {r[0] for r in beijing[1:]} == set(
        raw[raw["declare_district"] == "0100"]["entry_id"]
    ) | {"010120269999999999"}
    refused = _signed_in(dash_app, "bj.analyst").get("/export/districts.csv?district=0200")
    assert refused.status_code == 400
    dash_app.server.config["DISTRICTS_EXPORT_CAP"] = 2
    capped = _signed_in(dash_app, "analyst").get("/export/districts.csv")
    assert capped.status_code == 413 and "2" in capped.get_data(as_text=True)
    events = audit.audit_events(sqlite_engine, action="export")
    assert set(events["outcome"]) == {"ok", "refused"}
    assert len(events) == 4
    assert dash_app.server.test_client().get("/export/districts.csv").status_code in (302, 401)


def test_export_needs_the_page_permission(dash_app: Dash, sqlite_engine: Engine) -> None:
    response = _signed_in(dash_app, "command").get("/export/districts.csv")
    assert response.status_code == 403
    events = audit.audit_events(sqlite_engine, action="export")
    assert list(events["outcome"]) == ["denied"]
