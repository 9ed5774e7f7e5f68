"""Emergency Response data on SQLite and PostgreSQL: the `incident_assignments` feed's
checks and quarantine reasons, the spell, incident and affected-declaration reads, weekly
counts from the rollup against the raw rows, and scope."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from dashboard import emergency as em
from dashboard import schema
from dashboard.config import Settings
from dashboard.ingest import ingest_records
from dashboard.queries import incidents as q
from tests.conftest import NOW
from tests.factories import assignment, declaration, incident, iso

TARGETS = em.read_targets(Settings().incident_sla_file)
REPORTED = datetime(2026, 11, 24, 14, 0)  # Tuesday


def _incident(
    iid: str, district: str, port: str, reported: datetime, **kw: object
) -> dict[str, str]:
    row = incident(1)
    row.update(
        {
            "incident_id": iid,
            "district_code": district,
            "port_id": port,
            "team_id": "ERT-CD" if district == "7900" else "ERT-BTH",
            "lead_member_id": "ERT-CD-M01" if district == "7900" else "ERT-BTH-M02",
            "reported_at": iso(reported),
            "acknowledged_at": iso(reported + timedelta(minutes=20)),
            "resolved_at": "",
            "status": "ACK",
        }
    )
    row.update({k: str(v) for k, v in kw.items()})
    return row


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """Two open incidents (Tianjin at Xingang, Beijing at the airport), one resolved in
    Chengdu; spells on them; declarations at Xingang around the Tianjin incident."""
    rows = [
        _incident("INC-0200-T1", "0200", "TJ-XG", REPORTED, affected_vehicles=40),
        _incident("INC-0100-B1", "0100", "PEK", REPORTED - timedelta(days=3), severity="II"),
        _incident(
            "INC-7900-C1",
            "7900",
            "",
            REPORTED - timedelta(days=8),
            category="SYSTEM_OUTAGE",
            resolved_at=iso(REPORTED - timedelta(days=7)),
            status="RESOLVED",
        ),
    ]
    assert ingest_records(engine, "incidents", rows, name="i", source="t", now=NOW).accepted == 3
    decls = [
        declaration(1, declared=REPORTED - timedelta(hours=80)),  # before the lookback
        declaration(2, declared=REPORTED - timedelta(hours=10), hours=2),  # released before
        declaration(3, declared=REPORTED - timedelta(hours=10), hours=30),  # in process
        declaration(4, declared=REPORTED + timedelta(hours=1), status="ACCEPTED"),  # in
        declaration(5, declared=REPORTED + timedelta(hours=2), office="0101", port="0202"),
        declaration(6, declared=REPORTED + timedelta(hours=1), office="0101", port="0101"),
    ]
    assert (
        ingest_records(engine, "declarations", decls, name="d", source="t", now=NOW).accepted == 6
    )
    return engine


def test_assignment_checks_quarantine_with_reasons_and_conserve_rows(loaded: Engine) -> None:
    start = REPORTED + timedelta(minutes=30)
    rows = [
        assignment("INC-0200-T1", "ERT-BTH-M06", start, start + timedelta(hours=3)),
        assignment("INC-0200-T1", "ERT-BTH-M02", start, None, task="COORDINATE"),
        assignment("INC-0200-NOPE", "ERT-BTH-M06", start, None),  # unknown incident
        assignment("INC-0200-T1", "ERT-BTH-M07", start, start - timedelta(hours=1)),  # order
        assignment("INC-0200-T1", "ERT-CD-M03", start, None),  # Chengdu's team
        assignment("INC-0100-B1", "ERT-BTH-M05", start, None, district="0200"),  # elsewhere
    ]
    result = ingest_records(loaded, "incident_assignments", rows, name="a", source="t", now=NOW)
    assert (result.rows_read, result.accepted, result.quarantined) == (6, 2, 4)
    with loaded.connect() as conn:
        reasons = [
            r
            for (r,) in conn.execute(
                select(schema.quarantine.c.reason).where(
                    schema.quarantine.c.feed == "incident_assignments"
                )
            )
        ]
    text = " | ".join(reasons)
    assert "INC-0200-NOPE is not a known incidents record; send the incidents feed first" in text
    assert "released_at is before assigned_at" in text
    assert "member ERT-CD-M03 is on a team that does not cover district 0200" in text
    assert "INC-0100-B1 is held by district 0100, not district_code 0200" in text
    again = ingest_records(loaded, "incident_assignments", rows[:2], name="a2", source="t", now=NOW)
    assert again.accepted == 0  # idempotent: the same spells change nothing


def test_spells_between_takes_overlapping_and_every_open_spell_within_scope(loaded: Engine) -> None:
    week = datetime(2026, 11, 23)
    rows = [
        assignment("INC-0200-T1", "ERT-BTH-M06", REPORTED, REPORTED + timedelta(hours=2)),
        assignment("INC-0100-B1", "ERT-BTH-M05", week - timedelta(days=2), None, district="0100"),
        assignment(
            "INC-0100-B1",
            "ERT-BTH-M01",
            week - timedelta(days=2),
            week - timedelta(days=1),  # ended before the week
            district="0100",
        ),
    ]
    assert (
        ingest_records(loaded, "incident_assignments", rows, name="a", source="t", now=NOW).accepted
        == 3
    )
    got = q.spells_between(loaded, week, NOW, None)
    assert sorted(got["member_id"]) == ["ERT-BTH-M05", "ERT-BTH-M06"]
    tianjin = q.spells_between(loaded, week, NOW, ("0200",))
    assert tianjin["member_id"].tolist() == ["ERT-BTH-M06"]
    assert q.incident_spells(loaded, "INC-0100-B1", ("0200",)).empty


def test_affected_declarations_are_those_in_process_at_the_port(loaded: Engine) -> None:
    end = REPORTED + timedelta(hours=6)
    frame, n = q.affected_declarations(loaded, "TJ-XG", REPORTED, end, None)
    # 3 (in process since before), 4 (accepted, not released), 5 (declared at Beijing for
    # Xingang); not 1 (outside the 72 h lookback), 2 (released before), 6 (another port)
    assert n == 3
    assert [e[-1] for e in frame["entry_id"]] == ["3", "4", "5"]
    _, tianjin_only = q.affected_declarations(loaded, "TJ-XG", REPORTED, end, ("0200",))
    assert tianjin_only == 2  # a declaration belongs to its declaring district
    _, capped = q.affected_declarations(loaded, "TJ-XG", REPORTED, end, None, cap=1)
    assert capped == 2  # cap + 1: "more than the cap"


def test_weekly_counts_from_the_rollup_equal_the_raw_rows(loaded: Engine) -> None:
    p = em.Period.ending(NOW, 4)
    days = q.weekly_counts(loaded, p.start.date(), p.end.date(), None, "category")
    with loaded.connect() as conn:
        raw = conn.execute(
            select(func.count()).where(
                schema.incidents.c.reported_at >= p.start, schema.incidents.c.reported_at < p.end
            )
        ).scalar_one()
    assert int(days["reported_n"].sum()) == raw == 3
    only_ii = q.weekly_counts(loaded, p.start.date(), p.end.date(), None, "severity", ("II",))
    assert only_ii["severity"].tolist() == ["II"]
    scoped = q.weekly_counts(loaded, p.start.date(), p.end.date(), ("7900",), "district_code")
    assert scoped["district_code"].unique().tolist() == ["7900"]


def test_incident_detail_is_scoped_and_measures_spells_to_now(loaded: Engine) -> None:
    start = REPORTED + timedelta(minutes=30)
    rows = [assignment("INC-0200-T1", "ERT-BTH-M02", start, None, task="COORDINATE")]
    ingest_records(loaded, "incident_assignments", rows, name="a", source="t", now=NOW)
    d = em.incident_detail(loaded, "INC-0200-T1", None, NOW, TARGETS, 0.75)
    assert d.incident is not None and d.incident["port_id"] == "TJ-XG"
    assert d.spells["hours"].tolist() == [pytest.approx((NOW - start).total_seconds() / 3600)]
    assert d.affected_n == 3
    assert set(d.states["stage"]) == {"acknowledged", "dispatched", "resolved"}  # III
    assert em.incident_detail(loaded, "INC-0200-T1", ("0100",), NOW, TARGETS, 0.75).incident is None
