"""The Emergency Response computations against hand-computed cases: rosters across shift
changes and midnight, SLA states (minutes and working days, across weekends and the National
Day holiday), risk ordering, open incidents with no resolve time, workload and the shared
team's split, weekly times, the targets file and the URL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import emergency as em
from dashboard.config import Settings
from dashboard.roster import Member, members

T = pd.Timestamp
NOW = datetime(2026, 11, 25, 12, 0)  # a Wednesday
TARGETS = em.read_targets(Settings().incident_sla_file)
A = Member("A1", "ERT-BTH", "A", 0, 8, frozenset({6, 7}))  # 00-08, rests Sat/Sun
C = Member("C1", "ERT-BTH", "C", 22, 8, frozenset({3}))  # 22-06 (crosses midnight), rests Wed
B = Member("B1", "ERT-BTH", "B", 8, 8, frozenset())  # 08-16 every day


def incidents(*rows: dict[str, object]) -> pd.DataFrame:
    cols = ["incident_id", "severity", "category", "district_code", "reported_at"]
    cols += [f"{s}_at" for s in em.STAGES]
    frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    for c in cols[4:]:
        frame[c] = pd.to_datetime(frame[c])
    return frame


def state_of(states: pd.DataFrame, incident: str, stage: str) -> str:
    row = states[(states["incident_id"] == incident) & (states["stage"] == stage)]
    assert len(row) == 1, (incident, stage)
    return str(row["state"].iloc[0])


# --- rosters --------------------------------------------------------------------------------
def test_a_spell_across_a_shift_change_counts_only_the_rostered_part() -> None:
    # 06:00-10:00 on Monday 23 Nov: A works 00-08, so 2 h inside and 2 h outside
    start, end = datetime(2026, 11, 23, 6), datetime(2026, 11, 23, 10)
    assert A.on_shift_seconds(start, end) == 2 * 3600
    assert B.on_shift_seconds(start, end) == 2 * 3600  # B starts at 08:00


def test_a_shift_crossing_midnight_belongs_to_the_day_it_starts() -> None:
    # C works 22:00-06:00, rests on Wednesdays: Tuesday 22:00 - Wednesday 06:00 is worked,
    # Wednesday 22:00 - Thursday 06:00 is not.
    tue_night = (datetime(2026, 11, 24, 21), datetime(2026, 11, 25, 7))
    wed_night = (datetime(2026, 11, 25, 21), datetime(2026, 11, 26, 7))
    assert C.on_shift_seconds(*tue_night) == 8 * 3600
    assert C.on_shift_seconds(*wed_night) == 0
    assert C.on_duty(datetime(2026, 11, 25, 3, 0))  # inside Tuesday's shift
    assert not C.on_duty(datetime(2026, 11, 26, 3, 0))


def test_rest_days_cut_rostered_hours() -> None:
    # Mon 23 .. Sun 29 Nov: A works Mon-Fri (5 x 8 h), B all 7 days
    assert A.scheduled_hours(date(2026, 11, 23), date(2026, 11, 29)) == 40
    assert B.scheduled_hours(date(2026, 11, 23), date(2026, 11, 29)) == 56
    assert sum(1 for _ in A.windows(datetime(2026, 11, 28), datetime(2026, 11, 30))) == 0


def test_every_shift_of_every_team_is_staffed_every_day() -> None:
    roster = members()
    for team in ("ERT-BTH", "ERT-CD"):
        for day in range(23, 30):
            for hour in (3, 11, 19):
                at = datetime(2026, 11, day, hour)
                on = [m for m in roster.values() if m.team_id == team and m.on_duty(at)]
                assert on, (team, at)


# --- SLA ------------------------------------------------------------------------------------
def test_sla_states_met_breached_at_risk_pending_and_skipped_stages() -> None:
    rep = T(NOW) - timedelta(hours=27)
    frame = incidents(
        # II: ack 8 min (<= 10 met), dispatch 40 min (> 30 breached), mitigated 7 h (met),
        # resolved 47 h? not yet: open, 27 h of 48 used -> pending (56 %)
        {
            "incident_id": "X1",
            "severity": "II",
            "reported_at": rep,
            "acknowledged_at": rep + timedelta(minutes=8),
            "dispatched_at": rep + timedelta(minutes=40),
            "mitigated_at": rep + timedelta(hours=7),
        },
        # III open, not acknowledged after 25 min of 30 -> at risk (83 %)
        {"incident_id": "X2", "severity": "III", "reported_at": T("2026-11-25 11:35")},
        # III open, not acknowledged after 45 min -> breached; dispatch (2 h) pending
        {"incident_id": "X3", "severity": "III", "reported_at": T("2026-11-25 11:15")},
        # I resolved without a recorded dispatch: dispatch counts as reached with mitigation
        {
            "incident_id": "X4",
            "severity": "I",
            "reported_at": T("2026-11-20 10:00"),
            "acknowledged_at": T("2026-11-20 10:04"),
            "mitigated_at": T("2026-11-20 10:14"),
            "resolved_at": T("2026-11-21 09:00"),
        },
    )
    s = em.evaluate(frame, TARGETS, NOW, 0.75)
    assert state_of(s, "X1", "acknowledged") == "met"
    assert state_of(s, "X1", "dispatched") == "breached"
    assert state_of(s, "X1", "mitigated") == "met"
    assert state_of(s, "X1", "resolved") == "pending"
    x1 = s[(s["incident_id"] == "X1") & (s["stage"] == "resolved")]["used"].iloc[0]
    assert x1 == pytest.approx(27 * 60 / (48 * 60))
    assert state_of(s, "X2", "acknowledged") == "at_risk"
    assert state_of(s, "X3", "acknowledged") == "breached"
    assert state_of(s, "X3", "dispatched") == "pending"
    assert state_of(s, "X4", "dispatched") == "met"  # 14 min <= 15, skipped stage
    assert state_of(s, "X4", "resolved") == "met"  # 23 h <= 24
    # III has no mitigation target, IV no dispatch target: no rows for them
    assert s[(s["incident_id"] == "X2") & (s["stage"] == "mitigated")].empty


def test_working_day_deadlines_skip_weekends_and_national_day() -> None:
    # IV resolve within 5 working days. Reported Wed 30 Sep 2026: 1-7 Oct are holidays,
    # Sat 10 Oct is an adjusted working day: 8, 9, 10, 12, 13 Oct -> due 14 Oct 00:00.
    # Reported Fri 20 Nov 17:00: 23-27 Nov -> due Sat 28 Nov 00:00.
    target = TARGETS[("IV", "resolved")]
    reported = pd.Series([T("2026-09-30 10:00"), T("2026-11-20 17:00")])
    assert target.deadlines(reported).tolist() == [T("2026-10-14 00:00"), T("2026-11-28 00:00")]
    frame = incidents(
        {
            "incident_id": "H1",
            "severity": "IV",
            "reported_at": T("2026-09-30 10:00"),
            "acknowledged_at": T("2026-09-30 10:30"),
            "resolved_at": T("2026-10-13 23:59"),
        },
        {
            "incident_id": "H2",
            "severity": "IV",
            "reported_at": T("2026-11-20 17:00"),
            "acknowledged_at": T("2026-11-20 17:10"),
        },
    )
    s = em.evaluate(frame, TARGETS, datetime(2026, 11, 27, 23, 0), 0.75)
    assert state_of(s, "H1", "resolved") == "met"
    assert state_of(s, "H2", "resolved") == "at_risk"  # open, due in an hour
    s = em.evaluate(frame, TARGETS, datetime(2026, 11, 28, 0, 1), 0.75)
    assert state_of(s, "H2", "resolved") == "breached"  # open, no resolve time, overdue


def test_risk_list_puts_breached_first_then_the_most_used_allowance() -> None:
    frame = incidents(
        {"incident_id": "P", "severity": "IV", "reported_at": T("2026-11-25 11:00")},  # 50 %
        {"incident_id": "R", "severity": "III", "reported_at": T("2026-11-25 11:35")},  # 83 %
        {"incident_id": "B1", "severity": "III", "reported_at": T("2026-11-25 11:15")},  # late
        {"incident_id": "B2", "severity": "I", "reported_at": T("2026-11-25 10:00")},  # later
    ).assign(status="OPEN")
    risk = em.risk_list(frame, em.evaluate(frame, TARGETS, NOW, 0.75))
    assert risk["incident_id"].tolist() == ["B2", "B1", "R", "P"]
    assert risk["risk"].tolist() == ["breached", "breached", "at_risk", "pending"]
    assert risk.set_index("incident_id").loc["R", "next_stage"] == "acknowledged"


def test_risk_list_of_no_open_incidents_is_empty() -> None:
    frame = incidents().assign(status=pd.Series(dtype=object))
    risk = em.risk_list(frame, em.evaluate(frame, TARGETS, NOW, 0.75))
    assert risk.empty and {"risk", "next_stage", "used"} <= set(risk.columns)


def test_shares_met_leave_pending_stages_out() -> None:
    states = pd.DataFrame(
        {
            "incident_id": ["a", "b", "c", "d"],
            "stage": ["acknowledged"] * 4,
            "state": ["met", "met", "breached", "pending"],
        }
    )
    out = em.shares_met(states, ["stage"]).iloc[0]
    assert (out["met_n"], out["breached_n"]) == (2, 1)
    assert out["share_met"] == pytest.approx(2 / 3)
    weeks = pd.to_datetime(["2026-11-16", "2026-11-23", "2026-11-23", "2026-11-23"])
    by_week = em.shares_met(states.assign(week=weeks), ["week", "stage"])
    assert by_week["week"].tolist() == [T("2026-11-16"), T("2026-11-23")]
    assert by_week["met_n"].tolist() == [1, 1] and by_week["breached_n"].tolist() == [0, 1]


# --- workload -------------------------------------------------------------------------------
def spells(*rows: tuple[str, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": [f"I{i}" for i in range(len(rows))],
            "member_id": [r[0] for r in rows],
            "district_code": [r[1] for r in rows],
            "assigned_at": pd.to_datetime([r[2] for r in rows]),
            "released_at": pd.to_datetime([r[3] for r in rows]),
        }
    )


def test_workload_hours_off_shift_open_spells_and_utilisation() -> None:
    roster = {"A1": A, "B1": B, "C1": C}
    week, now = datetime(2026, 11, 23), datetime(2026, 11, 25, 12, 0)
    frame = spells(
        ("A1", "0200", "2026-11-23 06:00", "2026-11-23 10:00"),  # 2 h in, 2 h out
        ("A1", "0100", "2026-11-22 23:00", "2026-11-23 01:00"),  # Sunday rest: 1 h out, 1 h in
        ("B1", "0400", "2026-11-25 10:00", None),  # open: 2 h to now, all inside
        ("C1", "0200", "2026-11-24 21:00", "2026-11-25 07:00"),  # 10 h, 8 inside
    )
    work = em.workload(frame, roster, ["A1", "B1", "C1"], week, now, 0.7).set_index("member_id")
    assert work.loc["A1", "hours"] == pytest.approx(5.0)  # only 00:00-01:00 of the 2nd spell
    assert work.loc["A1", "off_shift_hours"] == pytest.approx(2.0)
    assert work.loc["B1", "open_n"] == 1
    assert work.loc["B1", "hours"] == pytest.approx(2.0)
    assert work.loc["C1", "off_shift_hours"] == pytest.approx(2.0)
    # rostered to Wed 12:00: A Mon-Wed 00-08 = 24 h; B Mon, Tue 8 h + Wed 08-12 4 h = 20 h;
    # C: Sunday's 22:00 shift from Monday 00:00 (6 h), Monday's and Tuesday's 22:00-06:00
    # shifts (8 h each), Wednesday rest = 22 h
    assert work.loc["A1", "rostered_hours"] == pytest.approx(24.0)
    assert work.loc["B1", "rostered_hours"] == pytest.approx(20.0)
    assert work.loc["C1", "rostered_hours"] == pytest.approx(22.0)
    assert work.loc["C1", "utilisation"] == pytest.approx(10 / 22)
    assert bool(work.loc["A1", "over_target"]) is False
    shares = em.district_hours(
        em.spell_hours(frame, roster, week, now),
        {"A1": "ERT-BTH", "B1": "ERT-BTH", "C1": "ERT-BTH"},
    ).set_index("district_code")
    total = 5.0 + 2.0 + 10.0
    assert shares.loc["0200", "share"] == pytest.approx((4.0 + 10.0) / total)
    assert shares.loc["0100", "hours"] == pytest.approx(1.0)


def test_an_idle_member_still_has_a_row() -> None:
    work = em.workload(spells(), {"B1": B}, ["B1"], datetime(2026, 11, 23), NOW, 0.7)
    assert work["hours"].tolist() == [0.0]
    assert work["open_n"].tolist() == [0]


# --- trends ---------------------------------------------------------------------------------
def test_weekly_times_are_exact_medians_and_p90_over_reached_stages() -> None:
    base = T("2026-11-23 08:00")  # Monday
    rows = [
        {
            "incident_id": f"W{i}",
            "severity": "IV",
            "reported_at": base + timedelta(hours=i),
            "acknowledged_at": base + timedelta(hours=i, minutes=m),
            "resolved_at": base + timedelta(hours=i + h) if h else None,
        }
        for i, (m, h) in enumerate([(10, 2), (20, 4), (30, 0), (40, 10)])
    ]
    out = em.weekly_times(incidents(*rows)).iloc[0]
    assert out["week"] == T("2026-11-23")
    assert out["n"] == 4
    assert out["ack_p50"] == pytest.approx(25.0)
    assert out["ack_p90"] == pytest.approx(37.0)  # linear between 30 and 40
    assert out["res_p50"] == pytest.approx(4.0)  # over the three resolved: 2, 4, 10


# --- targets file and URL -------------------------------------------------------------------
def test_the_default_targets_are_domain_3_7() -> None:
    assert TARGETS[("I", "acknowledged")].amount == 5
    assert TARGETS[("II", "mitigated")].amount == 8 * 60
    assert TARGETS[("IV", "resolved")].unit == "working_days"
    assert ("IV", "dispatched") not in TARGETS


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("V,acknowledged,5,minutes", "severity 'V'"),
        ("I,closed,5,minutes", "stage 'closed'"),
        ("I,acknowledged,5,hours", "unit 'hours'"),
        ("I,acknowledged,soon,minutes", "not a number"),
        ("IV,resolved,2.5,working_days", "whole"),
    ],
)
def test_a_bad_targets_file_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "sla.csv"
    path.write_text(f"severity,stage,target,unit\nI,resolved,1440,minutes\n{line}\n")
    with pytest.raises(ValueError, match=message) as err:
        em.read_targets(path)
    assert "line 3" in str(err.value)


def test_url_round_trip_and_refused_fields() -> None:
    view = em.View(district="0200", severity=("I", "II"), category="SEVERE_WEATHER", weeks=26)
    query = dict(p.split("=") for p in view.query_string()[1:].split("&"))
    back, refused = em.from_url(query, ["0200"], ["SEVERE_WEATHER"])
    assert (back, refused) == (view, [])
    assert em.View().query_string() == ""
    bad, refused = em.from_url(
        {"district": "0100", "severity": "I,V", "weeks": "3", "incident": "<x>"}, ["0200"], []
    )
    assert bad == em.View()
    assert refused == ["district", "severity", "weeks", "incident"]


def test_period_is_whole_weeks_ending_after_this_week() -> None:
    p = em.Period.ending(NOW, 4)
    assert (p.start, p.end) == (datetime(2026, 11, 2), datetime(2026, 11, 30))
