"""Enterprise Service callbacks through real `/_dash-update-component` requests: numbers
against hand-counted inquiries, channel and period change the figures, scope is enforced
from the session, forged values are refused (and audited) before any query."""

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
from tests.integration.test_service_rollups import inquiry

SV, SH = ids.Service, ids.Shell
OFFICE_0201 = "Tianjin Customs"


def _monday(now: datetime) -> datetime:
    return (now - timedelta(days=now.weekday())).replace(hour=10, minute=0, second=0)


@pytest.fixture
def inquiries(sqlite_engine: Engine) -> datetime:
    """Inquiries this week (Tianjin hotline and portal, Beijing hotline) and 20 weeks ago."""
    monday = _monday(beijing_now()) - timedelta(days=7)  # last week: complete whatever today
    rows = [
        # Tianjin hotline: 3 received, 2 solved at first contact, 1 escalated
        inquiry(1, received=monday, channel="HOTLINE_12360", resolve_h=2.0),
        inquiry(2, received=monday, channel="HOTLINE_12360", resolve_h=3.0),
        inquiry(
            3,
            received=monday,
            channel="HOTLINE_12360",
            first_contact=False,
            resolve_h=100.0,  # Monday 10:00 + 100 h = Friday: more than 1 working day
            unit="0202",
            escalated="INC-0200-20260101-E001",
        ),
        # Tianjin portal: 1 received, published as Q&A, not solved at first contact
        inquiry(4, received=monday, channel="PORTAL", first_contact=False, published=True),
        # Beijing hotline, 20 weeks ago
        inquiry(5, received=monday - timedelta(weeks=20), district="0100", channel="HOTLINE_12360"),
    ]
    ingest_records(sqlite_engine, "inquiries", rows, name="svc", source="test", now=beijing_now())
    return monday


FILTERS = [(SV.DISTRICT, "value"), (SV.CHANNEL, "value"), (SV.PERIOD, "value")]


def _inputs(district: Any = "all", channel: Any = "all", weeks: Any = 13) -> list[Any]:
    return [(i, p, v) for (i, p), v in zip(FILTERS, (district, channel, weeks), strict=True)]


LANG = [(SH.LANG, "data", "en")]


def refused(response: Any) -> bool:
    """The callback was refused: an error status or only the shell's error message."""
    body = response.get_data(as_text=True)
    if response.status_code == 200:
        return "shell-error-alert" in body and SV.KPIS not in body
    return response.status_code in (204, 500) and "data-kpi" not in body


def _kpis(client: FlaskClient, **kw: Any) -> dict[str, str]:
    out = call(client, [(SV.KPIS, "children"), (SV.RANGE, "children")], _inputs(**kw), LANG)
    tiles = out[SV.KPIS]["children"]["props"]["children"]
    values = {}
    for col in tiles:
        tile = col["props"]["children"]
        values[tile["props"]["data-kpi"]] = tile["props"]["children"][1]["props"]["children"]
    return values


@pytest.mark.usefixtures("inquiries")
def test_kpis_count_the_inquiries_of_the_period(client: FlaskClient) -> None:
    k = _kpis(client)
    assert k["received"] == "4"  # the Beijing inquiry is 20 weeks back: outside 13 weeks
    assert k["first_contact_share"] == "50.0%"
    assert k["escalated"] == "1" and k["published"] == "1"
    assert k["resolve_met_share"] == "75.0%"  # 3 of 4 resolved within the commitment
    assert _kpis(client, weeks=26)["received"] == "5"
    hot = _kpis(client, channel="HOTLINE_12360")
    assert hot["received"] == "3" and hot["first_contact_share"] == "66.7%"
    assert _kpis(client, district="0100", weeks=26)["received"] == "1"


@pytest.mark.usefixtures("inquiries")
def test_channel_changes_the_volume_figure(client: FlaskClient) -> None:
    def volume(channel: str) -> dict[str, list[int]]:
        out = call(
            client,
            [(SV.VOLUME, "figure")],
            [*_inputs(channel=channel), (SV.VOLUME_BY, "value", "channel")],
            LANG,
        )
        return {tr["name"]: tr["y"] for tr in out[SV.VOLUME]["figure"]["data"]}

    assert volume("all") == {"12360 hotline": [3], "Internet portal": [1]}
    assert volume("PORTAL") == {"Internet portal": [1]}


@pytest.mark.usefixtures("inquiries")
def test_units_times_escalations(client: FlaskClient) -> None:
    fc = call(
        client,
        [(SV.FIRST_CONTACT, "figure"), (SV.UNITS, "figure")],
        [*_inputs(), (SV.FC_BY, "value", "channel")],
        LANG,
    )
    shares = fc[SV.FIRST_CONTACT]["figure"]["data"][0]
    assert dict(zip(shares["y"], shares["x"], strict=True)) == pytest.approx(
        {"12360 hotline": 2 / 3, "Internet portal": 0.0}, abs=1e-4
    )
    units = fc[SV.UNITS]["figure"]["data"][0]
    # 0201 received 3 (two solved there), 0202 received 1 (passed on); most at the top
    assert units["x"] == [1, 1] and [y.split(" · ")[1] for y in units["y"]] == ["Tianjin"] * 2
    assert units["y"][1].startswith(OFFICE_0201)
    times = call(client, [(SV.TIMES, "figure"), (SV.MET, "figure")], _inputs(), LANG)
    met = times[SV.MET]["figure"]["data"][1]  # resolved within commitment
    assert dict(zip(met["x"], met["y"], strict=True)) == pytest.approx(
        {
            "12360 hotline<br>(1 working day(s))": 2 / 3,
            "Internet portal<br>(3 working day(s))": 1.0,
        },
        abs=1e-4,
    )
    esc = call(client, [(SV.ESCALATIONS, "figure"), (SV.ESC_GRID, "rowData")], _inputs(), LANG)
    rows = esc[SV.ESC_GRID]["rowData"]
    assert [r["incident"] for r in rows] == [
        "[INC-0200-20260101-E001](/emergency?incident=INC-0200-20260101-E001)"
    ]


@pytest.mark.usefixtures("inquiries")
def test_scope_comes_from_the_session(dash_app: Any, sqlite_engine: Engine) -> None:
    client = dash_app.server.test_client()
    assert sign_in(client, "bj.analyst", PASSWORD).status_code == 302
    assert _kpis(client, weeks=26)["received"] == "1"  # only Beijing, whatever "all" says
    response = post(client, [(SV.KPIS, "children"), (SV.RANGE, "children")], _inputs("0200"), LANG)
    assert refused(response)  # a district outside the scope: refused, no query
    with sqlite_engine.connect() as conn:
        audit = conn.execute(
            select(schema.audit_log.c.target).where(schema.audit_log.c.outcome == "denied")
        ).all()
    assert ("input:district",) in audit


@pytest.mark.parametrize(
    ("district", "channel", "weeks"),
    [
        ("9999", "all", 13),
        ("all", "FAX", 13),
        ("all", "all", 14),
        ("all", "all", "13"),
        ("all", "all", True),
        (["0200"], "all", 13),
    ],  # fmt: skip
)
def test_forged_filters_are_refused(
    client: FlaskClient, district: Any, channel: Any, weeks: Any
) -> None:
    response = post(
        client,
        [(SV.KPIS, "children"), (SV.RANGE, "children")],
        _inputs(district, channel, weeks),
        LANG,
    )
    assert refused(response)


def test_page_renders_for_service_managers(dash_app: Any) -> None:
    client = dash_app.server.test_client()
    assert sign_in(client, "leader", PASSWORD).status_code == 302
    assert client.get("/service").status_code == 200
    out = call(client, [(SV.KPIS, "children"), (SV.RANGE, "children")], _inputs(), LANG)
    start, _, rest = out[SV.RANGE]["children"].partition(" to ")
    assert datetime.fromisoformat(start).weekday() == 0 and "whole weeks" in rest
