"""Trained against untrained enterprises on outcomes (SQLite and PostgreSQL): the
`training_attendance` feed's reference checks and quarantine reasons, the per-firm rollups,
and the page's figures against hand-computed values, including the "trained" boundary (a
first attendance at exactly 00:00 on the 1st does not make that month trained).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import Engine, select

from dashboard import rollups, rollups_service, schema, service
from dashboard.cache import cache
from dashboard.ingest import ingest_records
from dashboard.queries import service as q
from tests.conftest import NOW
from tests.factories import declaration, iso
from tests.integration.test_service_rollups import inquiry

A, B, C = "91120116MA05XXXX1B", "91110105MA01YYYY2C", "91510100MA6CTTTT3D"
UNKNOWN = "91130100MA07WWWW4E"
MARCH, APRIL, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


def firm(uscc: str) -> dict[str, str]:
    return {
        "enterprise_uscc": uscc,
        "home_district": "0200",
        "credit_tier": "GENERAL_CREDIT",
        "registered_at": iso(datetime(2020, 1, 6, 9, 0)),
    }


def training(tid: str, start: datetime, district: str = "0200") -> dict[str, str]:
    return {
        "training_id": tid,
        "type": "ENTERPRISE_OUTREACH",
        "audience": "ENTERPRISE",
        "district_code": district,
        "start_at": iso(start),
        "duration_h": "3",
        "participants": "100",
        "enterprises_trained": "2",
        "team_id": "",
    }


def attended(tid: str, uscc: str, at: datetime, district: str = "0200") -> dict[str, str]:
    return {
        "training_id": tid,
        "enterprise_uscc": uscc,
        "district_code": district,
        "attended_at": iso(at),
    }


def decl(serial: int, uscc: str, day: int, month: int = 3, **kw: object) -> dict[str, str]:
    row = declaration(serial, declared=datetime(2026, month, day, 10, 0), **kw)  # type: ignore[arg-type]
    row["enterprise_uscc"] = uscc
    return row


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """A trained on 10 Feb; B first trained at exactly 1 March 00:00; C never trained.

    March declarations: A 4 (1 rejected, 1 declared at Beijing for Tianjin's port), B 2
    (1 rejected), C 4 (2 cross-district); B 1 more in April. March inquiries: A 1, B 2, C 3,
    one naming no firm (left out).
    """

    def load(engine: Engine, feed: str, rows: list[dict[str, str]], **kw: object) -> None:
        assert ingest_records(engine, feed, rows, **kw).quarantined == 0  # type: ignore[arg-type]

    load(engine, "enterprises", [firm(A), firm(B), firm(C)], name="e", source="t", now=NOW)
    trainings = [
        training("T-0200-202602-001", datetime(2026, 2, 10, 9, 0)),
        training("T-0200-202603-001", datetime(2026, 3, 1, 0, 0)),
    ]
    load(engine, "trainings", trainings, name="t", source="t", now=NOW)
    rows = [
        attended("T-0200-202602-001", A, datetime(2026, 2, 10, 9, 0)),
        attended("T-0200-202603-001", B, datetime(2026, 3, 1, 0, 0)),
    ]
    load(engine, "training_attendance", rows, name="a", source="t", now=NOW)
    decls = [
        decl(1, A, 2),
        decl(2, A, 3, status="REJECTED"),
        decl(3, A, 4, office="0101", port="0202"),
        decl(4, A, 5),
        decl(5, B, 2),
        decl(6, B, 3, status="REJECTED"),
        decl(7, C, 2),
        decl(8, C, 3),
        decl(9, C, 4, office="0101", port="0202"),
        decl(10, C, 5, office="0101", port="0202"),
        decl(11, B, 6, month=4),
    ]
    load(engine, "declarations", decls, name="d", source="t", now=NOW)
    march = datetime(2026, 3, 9, 10, 0)
    inqs = [
        inquiry(i, received=march + timedelta(hours=i), uscc=u)
        for i, u in enumerate([A, B, B, C, C, C, ""], 1)
    ]
    load(engine, "inquiries", inqs, name="q", source="t", now=NOW)
    return engine


def _table(engine: Engine, start: date, end: date, scope: tuple[str, ...] | None) -> pd.DataFrame:
    return service.outcome_table(q.outcomes(engine, start, end, scope)).set_index("group")


def test_march_trained_is_a_only_b_first_attended_at_the_boundary(loaded: Engine) -> None:
    t = _table(loaded, MARCH, APRIL, None)
    cols = ["declared_n", "returned_n", "cross_n", "inquiries_n"]
    assert t.loc["trained", cols].tolist() == [4, 1, 1, 1]
    assert t.loc["untrained", cols].tolist() == [6, 1, 2, 5]  # B and C
    assert t.loc["trained", "firms_n"] == 1
    assert t.loc["trained", "returned_share"] == pytest.approx(1 / 4)
    assert t.loc["untrained", "returned_share"] == pytest.approx(1 / 6)
    assert t.loc["trained", "cross_share"] == pytest.approx(1 / 4)
    assert t.loc["untrained", "cross_share"] == pytest.approx(2 / 6)
    assert t.loc["trained", "inquiries_per_1000"] == pytest.approx(250.0)
    assert t.loc["untrained", "inquiries_per_1000"] == pytest.approx(5 / 6 * 1000)


def test_b_counts_as_trained_from_april(loaded: Engine) -> None:
    t = _table(loaded, MARCH, MAY, None)
    assert t.loc["trained", ["declared_n", "returned_n", "inquiries_n"]].tolist() == [5, 1, 1]
    assert t.loc["untrained", ["declared_n", "returned_n"]].tolist() == [6, 1]
    assert t.loc["trained", "firms_n"] == 2


def test_scope_applies_to_the_declaring_district(loaded: Engine) -> None:
    t = _table(loaded, MARCH, APRIL, ("0200",))  # A's and C's Beijing declarations drop out
    assert t.loc["trained", ["declared_n", "cross_n", "inquiries_n"]].tolist() == [3, 0, 1]
    assert t.loc["untrained", ["declared_n", "cross_n", "inquiries_n"]].tolist() == [4, 0, 5]
    beijing = _table(loaded, MARCH, APRIL, ("0100",))
    assert beijing.loc["trained", "declared_n"] == 1 and beijing.loc["trained", "cross_n"] == 1
    assert beijing.loc["trained", "inquiries_n"] == 0


def test_no_attendance_means_everyone_untrained(engine: Engine) -> None:
    ingest_records(engine, "declarations", [decl(1, C, 2)], name="d", source="t", now=NOW)
    t = _table(engine, MARCH, APRIL, None)
    assert t.loc["trained", "declared_n"] == 0 and t.loc["untrained", "declared_n"] == 1
    assert pd.isna(t.loc["trained", "returned_share"])


def test_unknown_references_are_quarantined_with_their_reason(loaded: Engine) -> None:
    rows = [
        attended("T-0200-209901-009", A, datetime(2026, 2, 10, 9, 0)),  # no such training
        attended("T-0200-202602-001", UNKNOWN, datetime(2026, 2, 10, 9, 0)),  # not registered
        attended("T-0200-202602-001", C, datetime(2026, 2, 10, 9, 0), district="0100"),
        attended("T-0200-202602-001", C, datetime(2026, 2, 10, 9, 0)),  # good
        attended("T-0200-202602-001", A, datetime(2026, 2, 10, 9, 0)),  # stored already
    ]
    res = ingest_records(loaded, "training_attendance", rows, name="b", source="t", now=NOW)
    assert (res.rows_read, res.accepted, res.duplicates, res.quarantined) == (5, 1, 1, 3)
    with loaded.connect() as conn:
        reasons = dict(
            conn.execute(
                select(schema.quarantine.c.line_no, schema.quarantine.c.reason).where(
                    schema.quarantine.c.batch_id == res.batch_id
                )
            ).all()
        )
    assert reasons == {
        1: "training_id T-0200-209901-009 is not a known trainings record; send the "
        "trainings feed first",
        2: f"enterprise_uscc {UNKNOWN} is not a known enterprises record; send the "
        "enterprises feed first",
        3: "training_id T-0200-202602-001 is held by district 0200, not district_code 0100",
    }
    # C attended on 10 February: trained for March now
    t = _table(loaded, MARCH, APRIL, None)
    assert t.loc["trained", "declared_n"] == 8 and t.loc["untrained", "declared_n"] == 2


def test_rebuild_reproduces_the_per_firm_rollups(loaded: Engine) -> None:
    before = _table(loaded, MARCH, MAY, None)
    rollups.rebuild(loaded, ["declarations", "inquiries"])
    pd.testing.assert_frame_equal(_table(loaded, MARCH, MAY, None), before)
    with loaded.begin() as conn:  # the trained rows recomputed from scratch: the same
        rollups_service.refresh_trained(conn)
    pd.testing.assert_frame_equal(_table(loaded, MARCH, MAY, None), before)


def test_attendance_sent_after_the_declarations_gives_the_same_figures(engine: Engine) -> None:
    """The same rows as `loaded`, attendance last: the months after it are recomputed."""
    load = ingest_records
    load(engine, "enterprises", [firm(A), firm(B), firm(C)], name="e", source="t", now=NOW)
    decls = [decl(1, A, 2), decl(2, A, 3, status="REJECTED"), decl(3, B, 2), decl(4, C, 2)]
    load(engine, "declarations", decls, name="d", source="t", now=NOW)
    before = _table(engine, MARCH, APRIL, None)
    assert before.loc["trained", "declared_n"] == 0
    trainings = [training("T-0200-202602-001", datetime(2026, 2, 10, 9, 0))]
    load(engine, "trainings", trainings, name="t", source="t", now=NOW)
    rows = [attended("T-0200-202602-001", A, datetime(2026, 2, 10, 9, 0))]
    load(engine, "training_attendance", rows, name="a", source="t", now=NOW)
    after = _table(engine, MARCH, APRIL, None)
    assert after.loc["trained", ["declared_n", "returned_n"]].tolist() == [2, 1]
    assert after.loc["untrained", ["declared_n", "returned_n"]].tolist() == [2, 0]


# --- training coverage -------------------------------------------------------------------
D, E = "91120116MA05DDDD5F", "91120116MA05EEEE6G"


@pytest.fixture
def covered(engine: Engine) -> Engine:
    """2026 declarants: Tianjin (0200) A, B, C; Beijing (0100) A, C. A trained twice at
    Tianjin before April (counts once); B trained on 10 April at a Beijing training (any
    district counts); C never; D trained in February but never declared; E trained and
    declared at Tianjin in 2025 only (another year)."""
    load = ingest_records
    firms = [firm(u) for u in (A, B, C, D, E)]
    load(engine, "enterprises", firms, name="e", source="t", now=NOW)
    sessions = [
        training("T-0200-202602-001", datetime(2026, 2, 10, 9, 0)),
        training("T-0200-202603-001", datetime(2026, 3, 5, 9, 0)),
        training("T-0100-202604-001", datetime(2026, 4, 10, 9, 0), district="0100"),
    ]
    load(engine, "trainings", sessions, name="t", source="t", now=NOW)
    rows = [
        attended("T-0200-202602-001", A, datetime(2026, 2, 10, 9, 0)),
        attended("T-0200-202603-001", A, datetime(2026, 3, 5, 9, 0)),
        attended("T-0100-202604-001", B, datetime(2026, 4, 10, 9, 0), district="0100"),
        attended("T-0200-202602-001", D, datetime(2026, 2, 10, 9, 0)),
        attended("T-0200-202602-001", E, datetime(2026, 2, 10, 9, 0)),
    ]
    load(engine, "training_attendance", rows, name="a", source="t", now=NOW)
    beijing = {"office": "0101", "port": "0202"}
    e_2025 = declaration(9, declared=datetime(2025, 6, 2, 10, 0))
    e_2025["enterprise_uscc"] = E
    decls = [
        decl(1, A, 2),
        decl(2, A, 3),  # a second declaration: still one firm
        decl(3, A, 4, **beijing),
        decl(4, B, 2),
        decl(5, C, 2),
        decl(6, C, 3, **beijing),
        e_2025,
    ]
    load(engine, "declarations", decls, name="d", source="t", now=NOW)
    return engine


def _coverage(engine: Engine, before: datetime, scope: tuple[str, ...] | None) -> pd.DataFrame:
    declaring = q.declarants(engine, date(2026, 1, 1), before, scope)
    return service.coverage_table(declaring).set_index("district_code")


def test_coverage_counts_each_declaring_firm_once(covered: Engine) -> None:
    t = _coverage(covered, datetime(2026, 4, 1), None)
    assert list(t.index) == ["0100", "0200"]  # D (never declared) and E (2025) add nothing
    assert t[["enterprises_n", "trained_n"]].astype(int).values.tolist() == [[2, 1], [3, 1]]
    assert t.loc["0200", "coverage"] == pytest.approx(1 / 3)  # A; B trained after the end
    assert t.loc["0100", "coverage"] == pytest.approx(1 / 2)  # A
    assert t.loc["0200", "declared_n"] == 4 and t.loc["0100", "declared_n"] == 2
    later = _coverage(covered, datetime(2026, 5, 1), None)  # B's Beijing training counts
    assert later.loc["0200", "coverage"] == pytest.approx(2 / 3)
    assert later.loc["0100", "coverage"] == pytest.approx(1 / 2)
    at_the_start = _coverage(covered, datetime(2026, 4, 10, 9, 0), None)  # cut-off excluded
    assert at_the_start.loc["0200", "trained_n"] == 1
    assert (later["coverage"] <= 1).all()


def test_coverage_scope_limits_the_declaring_district(covered: Engine) -> None:
    t = _coverage(covered, datetime(2026, 5, 1), ("0100",))
    assert list(t.index) == ["0100"]
    assert t.loc["0100", ["enterprises_n", "trained_n"]].tolist() == [2, 1]
    assert _coverage(covered, datetime(2026, 5, 1), ()).empty


def test_coverage_facade_counts_training_up_to_the_period_end(covered: Engine) -> None:
    """The period of 2 weeks ending the week of 8 April ends Monday 13 April 00:00."""
    p = service.Period.ending(date(2026, 4, 8), 2)
    app = Flask("coverage")
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
    with app.app_context():
        attendances, table = service.training(covered, p, None)
    t = table.set_index("district_code")
    assert t.loc["0200", "coverage"] == pytest.approx(2 / 3)  # B trained on 10 April
    # attendances over the months the period touches (March, April): 5 March and 10 April
    assert attendances["enterprises_sum"].sum() == 4
