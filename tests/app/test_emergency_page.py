"""Emergency Response callbacks through real `/_dash-update-component` requests: hand-made
incidents and spells (relative to now, since the page reads the clock) give known SLA
states, order and workload; names, not codes; the severity filter; scope from the session;
forged values refused (and audited) before any query."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from dashboard import schema
from dashboard.i18n import beijing_now
from dashboard.ingest import ingest_records
from layouts import ids
from tests.app.conftest import PASSWORD
from tests.app.dashcall import call, post, sign_in
from tests.factories import assignment, declaration, incident, iso, queue_obs

E, SH = ids.Emergency, ids.Shell
LANG = [(SH.LANG, "data", "en")]
TICK = (SH.REFRESH_INTERVAL, "n_intervals", 1)
OVERVIEW = [
    (E.KPIS, "children"),
    (E.OPEN_GRID, "rowData"),
    (E.OPEN_BARS, "figure"),
    (E.RANGE, "children"),
]
DETAIL = [
    (E.DETAIL, "children"),
    (E.TIMELINE, "figure"),
    (E.SPELL_GRID, "rowData"),
    (E.PORT_WAIT, "figure"),
    (E.PORT_CLEARANCE, "figure"),
    (E.AFFECTED, "children"),
    (E.AFFECTED_GRID, "rowData"),
]


def _incident(iid: str, district: str, port: str, reported: datetime, **kw: str) -> dict[str, str]:
    row = incident(1)
    row.update(
        {
            "incident_id": iid,
            "district_code": district,
            "port_id": port,
            "lead_member_id": "ERT-BTH-M02",
            "reported_at": iso(reported),
            "acknowledged_at": "",
            "resolved_at": "",
            "status": "OPEN",
        }
    )
    row.update(kw)
    return row


def seed_emergency(engine: Engine, now: datetime) -> None:
    """T1 Tianjin III at Xingang, not acknowledged after 45 min (breached); T2 Tianjin IV,
    not acknowledged after 100 of 120 min (at risk); B1 Beijing II acknowledged and
    dispatched in time, 2 h of 8 to mitigate (on track). A spell on each, one Tianjin spell
    open; a declaration at Xingang in process and one released while T1 was open; hourly
    queue observations at Xingang over the last 30 h, the wait rising after T1 was
    reported."""
    b1 = now - timedelta(hours=2)
    rows = [
        _incident(
            "INC-0200-T1", "0200", "TJ-XG", now - timedelta(minutes=45), affected_vehicles="40"
        ),
        _incident("INC-0200-T2", "0200", "", now - timedelta(minutes=100), severity="IV"),
        _incident(
            "INC-0100-B1",
            "0100",
            "PEK",
            b1,
            severity="II",
            category="SYSTEM_OUTAGE",
            status="DISPATCHED",
            acknowledged_at=iso(b1 + timedelta(minutes=5)),
            dispatched_at=iso(b1 + timedelta(minutes=20)),
        ),
    ]
    assert ingest_records(engine, "incidents", rows, name="i", source="t", now=now).accepted == 3
    spells = [
        assignment("INC-0200-T1", "ERT-BTH-M06", now - timedelta(minutes=40), None),
        assignment(
            "INC-0200-T2", "ERT-BTH-M07", now - timedelta(minutes=90), now - timedelta(minutes=30)
        ),
        assignment("INC-0100-B1", "ERT-BTH-M05", b1 + timedelta(minutes=20), None, district="0100"),
    ]
    got = ingest_records(engine, "incident_assignments", spells, name="a", source="t", now=now)
    assert got.accepted == 3
    decls = [
        declaration(1, declared=now - timedelta(hours=2), status="ACCEPTED"),
        declaration(2, declared=now - timedelta(hours=4), hours=3.5),  # released during T1
    ]
    ingest_records(engine, "declarations", decls, name="d", source="t", now=now)
    hour = now.replace(minute=0, second=0, microsecond=0)
    obs = [
        queue_obs("TJ-XG", hour - timedelta(hours=h), wait=12.0 if h > 1 else 95.0)
        for h in range(30)
    ]
    ingest_records(engine, "queue_observations", obs, name="q", source="t", now=now)


@pytest.fixture
def now(sqlite_engine: Engine) -> datetime:
    """The Beijing time `seed_emergency` loaded its data at."""
    now = beijing_now()
    seed_emergency(sqlite_engine, now)
    return now


def _filters(
    district: Any = "all", severity: Any = None, category: Any = "all", weeks: Any = 13
) -> list[Any]:
    values = (district, [] if severity is None else severity, category, weeks)
    props = [
        (E.DISTRICT, "value"),
        (E.SEVERITY, "value"),
        (E.CATEGORY, "value"),
        (E.PERIOD, "value"),
    ]
    return [(i, p, v) for (i, p), v in zip(props, values, strict=True)]


def _overview(client: FlaskClient, **kw: Any) -> dict[str, Any]:
    return call(client, OVERVIEW, [*_filters(**kw), TICK], LANG)


def _kpi(out: dict[str, Any], key: str) -> Any:
    for col in out[E.KPIS]["children"]["props"]["children"]:
        tile = col["props"]["children"]
        if tile["props"]["data-kpi"] == key:
            return tile["props"]["children"][1]["props"]["children"]
    raise KeyError(key)


def refused(response: Any) -> bool:
    """The callback was refused: an error status or only the shell's error message."""
    body = response.get_data(as_text=True)
    if response.status_code == 200:
        return "shell-error-alert" in body and "data-kpi" not in body and "rowData" not in body
    return response.status_code in (204, 403, 500) and "data-kpi" not in body


@pytest.mark.usefixtures("now")
def test_open_incidents_by_sla_risk_with_names(client: FlaskClient) -> None:
    out = _overview(client)
    rows = out[E.OPEN_GRID]["rowData"]
    assert [r["incident_id"] for r in rows] == ["INC-0200-T1", "INC-0200-T2", "INC-0100-B1"]
    assert [r["risk_code"] for r in rows] == ["breached", "at_risk", "pending"]
    t1 = rows[0]
    assert (t1["category"], t1["district"], t1["port"]) == (
        "Severe weather",
        "Tianjin",
        "Tianjin Port Xingang",
    )
    assert t1["next"] == "Acknowledge" and t1["lead"] == "Liu Na"
    assert rows[2]["next"] == "Mitigate" and rows[2]["used"] == "25.0%"
    assert _kpi(out, "breached") == "1" and _kpi(out, "at_risk") == "1"
    period = call(client, [(E.KPIS_PERIOD, "children")], [*_filters(), TICK], LANG)
    tiles = period[E.KPIS_PERIOD]["children"]["props"]["children"]
    keys = [c["props"]["children"]["props"]["data-kpi"] for c in tiles]
    assert keys == ["met", "ack", "resolve"]
    # B1 acknowledged in 5 of 10 min and dispatched in 20 of 30: met; T1's acknowledgement
    # is overdue: breached; the rest are not due yet
    met = tiles[0]["props"]["children"]["props"]["children"]
    assert met[1]["props"]["children"] == "66.7%" and met[2]["props"]["children"] == "2/3"
    bars = out[E.OPEN_BARS]["figure"]["data"]
    assert {tr["name"] for tr in bars} == {
        "Level II (serious)",
        "Level III (major)",
        "Level IV (general)",
    }


@pytest.mark.usefixtures("now")
def test_severity_and_category_filters_narrow_the_list(client: FlaskClient) -> None:
    only_iv = _overview(client, severity=["IV"])[E.OPEN_GRID]["rowData"]
    assert [r["incident_id"] for r in only_iv] == ["INC-0200-T2"]
    outage = _overview(client, category="SYSTEM_OUTAGE")[E.OPEN_GRID]["rowData"]
    assert [r["incident_id"] for r in outage] == ["INC-0100-B1"]


@pytest.mark.usefixtures("now")
def test_workload_and_the_shared_teams_district_split(client: FlaskClient) -> None:
    out = call(
        client,
        [(E.WORKLOAD, "figure"), (E.WORKLOAD_GRID, "rowData"), (E.DISTRICT_SHARE, "figure")],
        [*_filters(), TICK],
        LANG,
    )
    rows = {r["member_id"]: r for r in out[E.WORKLOAD_GRID]["rowData"]}
    assert len(rows) == 28  # both teams' members, idle ones included
    assert rows["ERT-BTH-M06"]["open_n"] == 1 and rows["ERT-BTH-M06"]["member"] == "Feng Na"
    assert rows["ERT-BTH-M07"]["open_n"] == 0 and rows["ERT-BTH-M07"]["hours"] == pytest.approx(1.0)
    share = out[E.DISTRICT_SHARE]["figure"]["data"][0]
    assert share["x"] == ["Beijing", "Tianjin"]


@pytest.mark.usefixtures("now")
def test_incident_detail_timeline_spells_and_affected(client: FlaskClient) -> None:
    out = call(client, DETAIL, [(E.INCIDENT, "data", "INC-0200-T1"), TICK], LANG)
    spells = out[E.SPELL_GRID]["rowData"]
    assert spells[0]["member"] == "Feng Na" and spells[0]["task"] == "On scene"
    assert spells[0]["released"] == "ongoing"
    assert "Vehicles affected: 40" in out[E.AFFECTED]["children"]
    # this fixture's two declarations, and the seed's Xingang declaration accepted 25 min ago
    assert "Declarations in process at the port while it was open: 3" in out[E.AFFECTED]["children"]
    assert len(out[E.AFFECTED_GRID]["rowData"]) == 3
    stages = out[E.TIMELINE]["figure"]["data"][0]["y"]
    assert stages == ["Reported"]  # not acknowledged yet
    deadlines = out[E.TIMELINE]["figure"]["data"][1]
    assert "Breached" in deadlines["text"]
    # the incident is marked on its port's wait and clearance charts, by name, not code
    for graph in (E.PORT_WAIT, E.PORT_CLEARANCE):
        layout = out[graph]["figure"]["layout"]
        assert any(s["type"] == "rect" for s in layout["shapes"]), graph
        labels = " ".join(a["text"] for a in layout["annotations"])
        assert "Severe weather" in labels and "SEVERE_WEATHER" not in labels, graph
    wait = out[E.PORT_WAIT]["figure"]["data"][0]["y"]
    assert max(wait) == 95.0  # the observations after the report


def test_scope_comes_from_the_session(dash_app: Any, sqlite_engine: Engine, now: datetime) -> None:
    client = dash_app.server.test_client()
    assert sign_in(client, "tianjin", PASSWORD).status_code == 302
    rows = _overview(client)[E.OPEN_GRID]["rowData"]
    assert {r["incident_id"] for r in rows} == {"INC-0200-T1", "INC-0200-T2"}
    detail = call(client, DETAIL, [(E.INCIDENT, "data", "INC-0100-B1"), TICK], LANG)
    assert "was not found, or is outside your districts" in str(detail[E.DETAIL]["children"])
    work = call(
        client,
        [(E.WORKLOAD, "figure"), (E.WORKLOAD_GRID, "rowData"), (E.DISTRICT_SHARE, "figure")],
        [*_filters(), TICK],
        LANG,
    )
    assert {r["member_id"] for r in work[E.WORKLOAD_GRID]["rowData"] if r["hours"] > 0} == {
        "ERT-BTH-M06",
        "ERT-BTH-M07",
    }  # Beijing's spell is not Tianjin's to see
    assert refused(post(client, OVERVIEW, [*_filters("0100"), TICK], LANG))
    with sqlite_engine.connect() as conn:
        audit = conn.execute(
            select(schema.audit_log.c.target).where(schema.audit_log.c.outcome == "denied")
        ).all()
    assert ("input:district",) in audit


@pytest.mark.parametrize(
    ("district", "severity", "category", "weeks"),
    [
        ("9999", [], "all", 13),
        ("all", ["V"], "all", 13),
        ("all", "I", "all", 13),
        ("all", [], "FIRE", 13),
        ("all", [], "all", 14),
        ("all", [], "all", "13"),
        (["0200"], [], "all", 13),
    ],  # fmt: skip
)
def test_forged_filters_are_refused(
    client: FlaskClient, district: Any, severity: Any, category: Any, weeks: Any
) -> None:
    response = post(client, OVERVIEW, [*_filters(district, severity, category, weeks), TICK], LANG)
    assert refused(response)


@pytest.mark.parametrize("forged", ["<script>", "inc-1", 42, ["INC-0200-T1"]])
def test_a_forged_incident_is_refused(client: FlaskClient, forged: Any) -> None:
    assert refused(post(client, DETAIL, [(E.INCIDENT, "data", forged), TICK], LANG))


def test_page_renders_and_leadership_is_refused(dash_app: Any) -> None:
    client = dash_app.server.test_client()
    assert sign_in(client, "command", PASSWORD).status_code == 302
    page = client.get("/emergency?severity=I,II&weeks=26")
    assert page.status_code == 200
    leader = dash_app.server.test_client()
    assert sign_in(leader, "leader", PASSWORD).status_code == 302
    assert post(leader, OVERVIEW, [*_filters(), TICK], LANG).status_code == 403
