"""Generator invariants: the synthetic data has the realism properties the dashboard relies on.

The assertions are about properties an analyst would check (cross-district share, import
share of value, CNY dip, weekly cycle, inspection by credit tier, clearance-time bands,
queue behaviour during incidents), plus contract conformance, determinism, chunk
invariance and "never in the future". Small scales and short periods keep the file fast.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from dashboard import calendar_cn
from dashboard.contract import FEEDS
from dashboard.gen_common import to_wall
from dashboard.gen_declarations import timelines
from dashboard.gen_enterprises import USCC_ALPHABET, USCC_WEIGHTS
from dashboard.gen_queues import observations, series
from dashboard.generate import generate_feed, generate_frames, write_feed, write_sample
from dashboard.validate import validate
from tests.conftest import NOW

SEED = 7
SCALE = 0.03
START = NOW - timedelta(days=42)
TS_COLUMNS = {name: [f.name for f in feed.fields if f.kind == "ts"] for name, feed in FEEDS.items()}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """Six weeks of every feed up to NOW."""
    return generate_frames(START, NOW, seed=SEED, scale=SCALE, now=NOW)


@pytest.fixture(scope="module")
def typed(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames as the ingester sees them: validated, typed, with derived columns."""
    out = {}
    for feed, frame in frames.items():
        checked = validate(FEEDS[feed], frame, NOW)
        assert len(checked.bad_index) == 0, checked.bad_reasons.value_counts().head().to_dict()
        out[feed] = checked.good
    return out


@pytest.fixture(scope="module")
def decl(typed: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Declarations with the declarant's credit tier joined on."""
    tiers = typed["enterprises"].set_index("enterprise_uscc")["credit_tier"]
    d = typed["declarations"].copy()
    d["tier"] = d["enterprise_uscc"].map(tiers)
    return d


# --- contract ------------------------------------------------------------------------------
def test_every_feed_has_exactly_the_contract_columns_and_validates(
    frames: dict[str, pd.DataFrame], typed: dict[str, pd.DataFrame]
) -> None:
    for feed, frame in frames.items():
        assert list(frame.columns) == FEEDS[feed].columns
        assert len(frame) > 0, feed
        assert len(typed[feed]) == len(frame)  # zero quarantined rows


def test_no_timestamp_after_now(typed: dict[str, pd.DataFrame]) -> None:
    for feed, cols in TS_COLUMNS.items():
        for col in cols:
            assert (typed[feed][col].dropna() <= NOW).all(), (feed, col)


def test_timestamps_are_written_with_beijing_offset(frames: dict[str, pd.DataFrame]) -> None:
    stamped = frames["declarations"]["ts_declared"]
    assert stamped.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00").all()


def test_entry_id_layout_is_office_year_flag_serial_and_unique(decl: pd.DataFrame) -> None:
    eid = decl["entry_id"]
    assert eid.is_unique
    assert (eid.str[:4] == decl["declare_customs_code"]).all()
    assert (eid.str[4:8].astype(int) == decl["ts_declared"].dt.year).all()
    assert (eid.str[8] == decl["ie_flag"].map({"I": "1", "E": "0"})).all()


def test_uscc_check_character_follows_gb32100(typed: dict[str, pd.DataFrame]) -> None:
    index = {c: i for i, c in enumerate(USCC_ALPHABET)}
    for code in typed["enterprises"]["enterprise_uscc"].head(200):
        values = np.array([index[c] for c in code[:17]])
        check = (31 - (values * USCC_WEIGHTS).sum() % 31) % 31
        assert code[17] == USCC_ALPHABET[check]
    assert typed["enterprises"]["enterprise_uscc"].is_unique


# --- declarations: volumes, mixes, risk ----------------------------------------------------
def test_district_volumes_follow_the_calibration(decl: pd.DataFrame) -> None:
    per_day = decl.groupby("declare_district").size() / 42 / SCALE
    assert 2500 < per_day["0100"] < 7000
    assert 5000 < per_day["0200"] < 11000
    assert per_day["0400"] < 600
    assert 1500 < per_day["7900"] < 4000


def test_about_a_quarter_of_bth_declarations_release_in_another_district(
    decl: pd.DataFrame,
) -> None:
    bth = decl[decl["declare_district"].isin(["0100", "0200", "0400"])]
    assert 0.20 <= bth["cross_district"].mean() <= 0.35
    assert decl.loc[decl["declare_district"] == "7900", "cross_district"].sum() == 0
    beijing_cross = bth[(bth["declare_district"] == "0100") & bth["cross_district"]]
    assert (beijing_cross["port_district"] == "0200").mean() > 0.5  # classic: Tianjin port


def test_beijing_is_import_heavy_by_value(decl: pd.DataFrame) -> None:
    bj = decl[decl["declare_district"] == "0100"]
    share = bj.loc[bj["ie_flag"] == "I", "value_usd"].sum() / bj["value_usd"].sum()
    assert share > 0.70


def test_chengdu_is_skewed_to_processing_and_bonded_trade(decl: pd.DataFrame) -> None:
    processing = {"0214", "0615", "0654", "0255", "1233", "5034", "6033"}
    share = decl.assign(p=decl["trade_mode"].isin(processing)).groupby("declare_district")["p"]
    shares = share.mean()
    assert shares["7900"] > shares["0100"] + 0.10
    general = decl.assign(g=decl["trade_mode"] == "0110").groupby("declare_district")["g"]
    assert 0.50 <= general.mean()["0200"] <= 0.70
    assert 0.30 <= general.mean()["7900"] <= 0.50


def test_transport_mode_follows_the_port(decl: pd.DataFrame) -> None:
    by_port = decl.groupby("port_id")["transport_mode"].agg(lambda s: s.value_counts().idxmax())
    assert by_port["PEK"] == "5" and by_port["CTU"] == "5"
    assert by_port["TJ-XG"] == "2" and by_port["HB-TS"] == "2"
    assert by_port["CD-RAIL"] == "3"
    assert by_port["BJ-TZ"] == "4"


def test_currency_and_value_distribution(decl: pd.DataFrame) -> None:
    assert 0.75 <= (decl["currency"] == "USD").mean() <= 0.85
    assert 12_000 <= decl["value_usd"].median() <= 50_000
    assert decl["value_usd"].quantile(0.99) > 20 * decl["value_usd"].median()  # heavy tail


def test_aeo_firms_are_few_but_carry_much_of_the_value(
    typed: dict[str, pd.DataFrame], decl: pd.DataFrame
) -> None:
    tiers = typed["enterprises"]["credit_tier"].value_counts(normalize=True)
    assert 0.005 <= tiers["ADVANCED_CERTIFIED"] <= 0.02
    assert tiers.get("DISHONEST", 0) < 0.01
    value = decl.groupby("tier")["value_usd"].sum() / decl["value_usd"].sum()
    assert 0.25 <= value["ADVANCED_CERTIFIED"] <= 0.60


def test_red_lane_is_the_inspection_rate_and_depends_on_credit(decl: pd.DataFrame) -> None:
    released = decl[decl["status"].isin(["RELEASED", "RELEASED_GUARANTEE", "CLOSED"])]
    assert (released["inspection_flag"] == (released["risk_lane"] == "RED")).all()
    assert 0.012 <= (released["risk_lane"] == "RED").mean() <= 0.035
    assert 0.03 <= (released["risk_lane"] == "YELLOW").mean() <= 0.15
    by_tier = released.groupby("tier")["inspection_flag"].mean()
    assert by_tier["ADVANCED_CERTIFIED"] < 0.015
    assert by_tier["DISHONEST"] > 0.5
    assert by_tier["DISHONEST"] > 20 * by_tier["ADVANCED_CERTIFIED"]


def test_clearance_times_are_in_the_expected_bands(decl: pd.DataFrame) -> None:
    done = decl[decl["overall_h"].notna()]
    med = done.groupby("ie_flag")["overall_h"].median()
    assert 6 <= med["I"] <= 20
    assert med["E"] < 2 and med["E"] < med["I"] / 5
    mean_import = done.loc[done["ie_flag"] == "I", "overall_h"].mean()
    assert 15 <= mean_import <= 40
    share = (done["customs_h"] / done["overall_h"])[done["risk_lane"] == "GREEN"]
    assert 0.08 <= share.median() <= 0.32  # customs time 10-30 % of overall
    red = done.groupby("risk_lane")["customs_h"].median()
    assert red["RED"] > red["GREEN"] + 8


def test_stage_timestamps_are_monotone(decl: pd.DataFrame) -> None:
    chain = ["ts_declared", "ts_accepted", "ts_reviewed", "ts_released"]
    for a, b in zip(chain, chain[1:], strict=False):
        both = decl[a].notna() & decl[b].notna()
        assert (decl.loc[both, a] <= decl.loc[both, b]).all(), (a, b)
    for a, b in [
        ("ts_inspection_ordered", "ts_inspection_done"),
        ("ts_inspection_done", "ts_released"),
        ("ts_duty_paid", "ts_released"),
        ("ts_arrival", "ts_accepted"),
    ]:
        both = decl[a].notna() & decl[b].notna()
        assert (decl.loc[both, a] <= decl.loc[both, b]).all(), (a, b)


def test_statuses_include_ended_and_in_process_only_near_now(decl: pd.DataFrame) -> None:
    counts = decl["status"].value_counts()
    for status in ("REJECTED", "CANCELLED", "RELEASED", "CLOSED", "RELEASED_GUARANTEE"):
        assert counts.get(status, 0) > 0, status
    assert counts[["REJECTED", "CANCELLED"]].sum() / len(decl) < 0.03
    open_ = decl[
        ~decl["status"].isin(["RELEASED", "RELEASED_GUARANTEE", "CLOSED", "REJECTED", "CANCELLED"])
    ]
    assert len(open_) > 0
    assert (open_["ts_declared"] > NOW - timedelta(days=31)).all()
    assert open_["ts_released"].isna().all()
    assert {"ACCEPTED", "REVIEWED"} <= set(open_["status"])


# --- seasonality ---------------------------------------------------------------------------
def _daily(days: np.ndarray, scale: float = 0.05) -> pd.Series:
    tl = timelines(days, SEED, scale)
    return pd.Series(tl["declared"].to_numpy() // 86_400).value_counts().sort_index()


def test_chinese_new_year_week_dips_below_60_percent_of_surrounding_weeks() -> None:
    cny = calendar_cn.day_number(date(2026, 2, 17))
    counts = _daily(np.arange(cny - 35, cny + 28))
    holiday = counts.loc[cny - 1 : cny + 6].mean()
    around = pd.concat([counts.loc[cny - 35 : cny - 22], counts.loc[cny + 14 : cny + 27]]).mean()
    assert holiday < 0.60 * around
    surge = counts.loc[cny - 14 : cny - 2].mean()
    assert surge > 1.1 * around  # the pre-holiday rush


def test_weekly_cycle_sunday_below_saturday_below_wednesday(decl: pd.DataFrame) -> None:
    per_day = decl.groupby(decl["ts_declared"].dt.date).size()
    weekday = pd.Series(pd.to_datetime(per_day.index).weekday, index=per_day.index)
    by_wd = per_day.groupby(weekday.to_numpy()).mean()
    assert by_wd[6] < by_wd[5] < by_wd[2]
    assert by_wd[6] < 0.55 * by_wd[2]


def test_intraday_peaks_in_office_hours(decl: pd.DataFrame) -> None:
    hours = decl["ts_declared"].dt.hour.value_counts(normalize=True)
    assert hours[[9, 10, 14, 15, 16]].min() > hours[[0, 1, 2, 3, 4, 5, 6]].max() * 5
    assert 0.02 <= hours[[0, 1, 2, 3, 4, 5, 6]].sum() <= 0.08


def test_national_day_week_is_quiet() -> None:
    oct1 = calendar_cn.day_number(date(2026, 10, 1))
    counts = _daily(np.arange(oct1 - 14, oct1 + 14))
    assert counts.loc[oct1 : oct1 + 6].mean() < 0.65 * counts.loc[oct1 - 14 : oct1 - 1].mean()


def test_calendar_tables_cover_the_demo_years_and_fail_loudly_outside() -> None:
    for year in range(2014, 2031):
        assert year in calendar_cn.CNY_DATES
    assert calendar_cn.CNY_DATES[2025] == date(2025, 1, 29)
    with pytest.raises(ValueError, match="Chinese New Year"):
        calendar_cn.cny_offset(np.array([calendar_cn.day_number(date(2040, 5, 1))]))


# --- determinism ---------------------------------------------------------------------------
def test_same_seed_same_rows_other_seed_other_rows() -> None:
    a, b = NOW - timedelta(days=2), NOW
    one = generate_feed("declarations", a, b, seed=3, scale=SCALE, now=NOW)
    two = generate_feed("declarations", a, b, seed=3, scale=SCALE, now=NOW)
    other = generate_feed("declarations", a, b, seed=4, scale=SCALE, now=NOW)
    pd.testing.assert_frame_equal(one, two)
    assert not one["entry_id"].equals(other["entry_id"])


@pytest.mark.parametrize("feed", ["declarations", "queue_observations", "incidents", "inquiries"])
def test_chunking_does_not_change_the_rows(feed: str) -> None:
    a, mid, b = NOW - timedelta(days=3), NOW - timedelta(days=1, hours=7, minutes=13), NOW
    whole = generate_feed(feed, a, b, seed=SEED, scale=SCALE, now=NOW)
    parts = pd.concat(
        [
            generate_feed(feed, a, mid, seed=SEED, scale=SCALE, now=NOW),
            generate_feed(feed, mid, b, seed=SEED, scale=SCALE, now=NOW),
        ]
    )
    key = list(FEEDS[feed].key)
    pd.testing.assert_frame_equal(
        whole.sort_values(key).reset_index(drop=True), parts.sort_values(key).reset_index(drop=True)
    )


def test_records_in_process_at_an_earlier_now_are_released_later() -> None:
    a, b = NOW - timedelta(days=1), NOW - timedelta(hours=12)
    early = generate_feed("declarations", a, b, seed=SEED, scale=SCALE, now=b)
    late = generate_feed("declarations", a, b, seed=SEED, scale=SCALE, now=NOW)
    assert list(early["entry_id"]) == list(late["entry_id"])
    was_open = early["ts_released"] == ""
    assert was_open.sum() > 0
    assert (late.loc[was_open, "ts_released"] != "").sum() > 0.5 * was_open.sum()


# --- queues --------------------------------------------------------------------------------
def test_queue_series_intervals_and_consistency(typed: dict[str, pd.DataFrame]) -> None:
    q = typed["queue_observations"]
    seaports = {"TJ-XG", "TJ-DJ", "HB-HH", "HB-QHD", "HB-TS"}
    fast_ports = set(q.loc[q["lane_type"] == "FAST_TRUSTED", "port_id"])
    assert fast_ports == seaports
    assert set(q["direction"]) == {"IN", "OUT"}
    assert q["port_id"].nunique() == 14
    recent = q[q["observed_at"] >= NOW - timedelta(days=7)]
    older = q[q["observed_at"] < NOW - timedelta(days=7)]
    assert set(recent["observed_at"].dt.minute) == {0, 15, 30, 45}
    assert set(older["observed_at"].dt.minute) == {0}
    assert (q["lanes_open"] <= q["lanes_max"]).all()
    closed = q["operational_status"] == "CLOSED"
    assert (q.loc[closed, "lanes_open"] == 0).all() and (q.loc[~closed, "lanes_open"] > 0).all()
    std = q[q["lane_type"] == "STANDARD"]
    by_hour = std.groupby(std["observed_at"].dt.hour)["wait_minutes"].mean()
    assert by_hour[[9, 10, 15]].mean() > by_hour[[2, 3, 4]].mean()  # daytime peaks
    fast = q[q["lane_type"] == "FAST_TRUSTED"]["wait_minutes"].median()
    assert fast < std[std["port_id"].isin(seaports)]["wait_minutes"].median()


def test_queue_wait_is_higher_during_an_incident_at_the_port() -> None:
    port = int(np.flatnonzero(series().port == series().port[0])[0])
    port_index = int(series().port[port])
    start = to_wall(NOW - timedelta(hours=30))
    end = to_wall(NOW - timedelta(hours=18))
    fog = pd.DataFrame(
        {
            "port": [port_index],
            "start": [start],
            "end": [end],
            "cut": [0.6],
            "service": [0.8],
            "surge": [1.0],
            "incident_id": ["X"],
        }
    )
    none = fog.iloc[:0]
    lo, hi = to_wall(NOW - timedelta(days=2)), to_wall(NOW)
    with_incident = observations(lo, hi, hi, SEED, fog)
    without = observations(lo, hi, hi, SEED, none)
    mask = (with_incident["observed"] >= start) & (with_incident["observed"] < end)
    at_port = series().port[with_incident["series"].to_numpy()] == port_index
    sel = (mask & at_port).to_numpy()
    assert (
        with_incident.loc[sel, "wait_minutes"].mean() > 2 * without.loc[sel, "wait_minutes"].mean()
    )
    assert (with_incident.loc[sel, "lanes_open"] <= without.loc[sel, "lanes_open"]).all()
    assert with_incident.loc[sel, "status"].isin(["DELAYED", "CLOSED"]).all()
    outside = ~mask.to_numpy()
    pd.testing.assert_series_equal(
        with_incident.loc[outside, "wait_minutes"], without.loc[outside, "wait_minutes"]
    )


# --- incidents, inquiries, trainings -------------------------------------------------------
def test_incidents_teams_leads_and_open_ones(typed: dict[str, pd.DataFrame]) -> None:
    inc = typed["incidents"]
    bth = inc["district_code"].isin(["0100", "0200", "0400"])
    assert (inc.loc[bth, "team_id"] == "ERT-BTH").all()
    assert (inc.loc[~bth, "team_id"] == "ERT-CD").all()
    led = inc["lead_member_id"].notna()
    assert (inc.loc[led, "lead_member_id"].str.split("-M").str[0] == inc.loc[led, "team_id"]).all()
    assert (~inc["status"].isin(["RESOLVED", "CLOSED"])).sum() > 0
    per_month = len(inc) / (42 / 30.4) / 4
    assert 5 <= per_month <= 60  # per district-month, scaled mildly
    ack = (inc["acknowledged_at"] - inc["reported_at"]).dt.total_seconds() / 60
    target = inc["severity"].map({"I": 5, "II": 10, "III": 30, "IV": 120})
    assert 0.02 <= (ack > target).mean() <= 0.30  # some SLA breaches, not many


def test_inquiries_channels_response_times_and_escalations(
    typed: dict[str, pd.DataFrame],
) -> None:
    q = typed["inquiries"]
    done = q[q["resolved_at"].notna()]
    assert 0.70 <= done["resolved_first_contact"].mean() <= 0.85
    resp = (q["first_response_at"] - q["received_at"]).dt.total_seconds() / 3600
    online = q["channel"].isin(["ONLINE_SERVICE_HALL", "PORTAL", "E_CONTACT"])
    assert 15 <= resp[online].mean() <= 40
    assert resp[q["channel"] == "HOTLINE_12360"].median() < 1
    escalated = q["escalated_incident_id"].notna()
    assert 0.003 <= escalated.mean() <= 0.03
    incident_ids = set(typed["incidents"]["incident_id"])
    assert set(q.loc[escalated, "escalated_incident_id"]) <= incident_ids
    assert q["published_qa"].sum() > 0
    weekday = q["received_at"].dt.weekday
    assert (weekday < 5).mean() > 0.85


def test_trainings_cadence_and_rules() -> None:
    t = generate_feed(
        "trainings", datetime(2025, 1, 1), datetime(2026, 1, 1), seed=SEED, scale=SCALE, now=NOW
    )
    checked = validate(FEEDS["trainings"], t, NOW)
    assert len(checked.bad_index) == 0
    g = checked.good
    assert (g["enterprises_trained"] <= g["participants"]).all()
    assert (g.loc[g["audience"] == "STAFF", "enterprises_trained"] == 0).all()
    drills = g[g["type"] == "EMERGENCY_DRILL"]
    per_team_quarter = drills.groupby(["team_id", drills["start_at"].dt.quarter]).size()
    assert len(per_team_quarter) == 8  # every team drills every quarter
    hotline = g[g["type"] == "STAFF_HOTLINE"]
    assert hotline.groupby("district_code").size().min() == 12  # monthly refresher


# --- files ---------------------------------------------------------------------------------
def test_write_feed_csv_and_jsonl_round_trip(frames: dict[str, pd.DataFrame], tmp_path) -> None:
    frame = frames["incidents"]
    write_feed(frame, tmp_path / "i.csv")
    back = pd.read_csv(tmp_path / "i.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, frame.astype(str), check_dtype=False)
    write_feed(frame, tmp_path / "i.jsonl")
    lines = (tmp_path / "i.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == frame.to_dict("records")
    with pytest.raises(ValueError, match=r"\.csv or \.jsonl"):
        write_feed(frame, tmp_path / "i.txt")


def test_write_feed_quotes_cells_that_need_it(tmp_path) -> None:
    frame = pd.DataFrame({"title": ['a, "b"', "plain"], "n": ["1", "2"]})
    write_feed(frame, tmp_path / "q.csv")
    back = pd.read_csv(tmp_path / "q.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, frame)


@pytest.mark.parametrize("feed", ["declarations", "queue_observations", "inquiries"])
def test_write_sample_writes_exactly_the_newest_rows(feed: str, tmp_path) -> None:
    out = tmp_path / f"{feed}.csv"
    assert write_sample(feed, 300, 1, out, NOW) == 300
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(back) == 300 and list(back.columns) == FEEDS[feed].columns
    checked = validate(FEEDS[feed], back, NOW)
    assert len(checked.bad_index) == 0
    newest = checked.good[FEEDS[feed].time_field].max()
    assert newest > NOW - timedelta(hours=6)


def test_topics_get_their_first_published_answer_at_different_times() -> None:
    from dashboard.gen_service import QA_FIRST, TOPICS, inquiry_timelines

    days = np.arange(
        np.datetime64("2024-11-25", "D").astype(np.int64),
        np.datetime64("2026-11-25", "D").astype(np.int64),
    )
    tl = inquiry_timelines(days, SEED, 0.5)
    published = tl[tl["published"] < np.iinfo(np.int64).max]
    first = published.groupby("topic")["published"].min() // 86_400
    answered = first.index.to_numpy()
    # never before the topic's own first date, and close after it (within two months)
    assert (first.to_numpy() >= QA_FIRST[answered]).all()
    assert (first.to_numpy() - QA_FIRST[answered] < 60).all()
    months = pd.to_datetime(first.to_numpy(), unit="D").to_period("M")
    assert len(set(months)) >= 5  # spread over the history, not all in month 1
    assert months.min() > pd.Period("2024-12", "M")
    # a quarter fewer questions on a topic once its answer is out (per day, same topic)
    t = TOPICS.tolist().index("TARIFF_CLASSIFICATION")
    rows = tl[tl["topic"] == t]
    per_day = rows.groupby(rows["day"] >= QA_FIRST[t]).size() / [
        (QA_FIRST[t] - days[0]),
        (days[-1] + 1 - QA_FIRST[t]),
    ]
    assert 0.6 < per_day[True] / per_day[False] < 0.9


def test_attendance_matches_each_sessions_count_with_registered_firms() -> None:
    start, end = datetime(2025, 1, 1), datetime(2025, 7, 1)
    sessions = generate_feed("trainings", start, end, seed=SEED, scale=SCALE, now=NOW)
    att = generate_feed("training_attendance", start, end, seed=SEED, scale=SCALE, now=NOW)
    assert list(att.columns) == FEEDS["training_attendance"].columns
    assert len(validate(FEEDS["training_attendance"], att, NOW).bad_index) == 0
    counts = sessions.set_index("training_id")["enterprises_trained"].astype(int)
    got = att.groupby("training_id").size()
    assert got.to_dict() == counts[counts > 0].to_dict()
    assert not att.duplicated(["training_id", "enterprise_uscc"]).any()
    firms = generate_feed("enterprises", start, end, seed=SEED, scale=SCALE, now=NOW)
    registered = firms.set_index("enterprise_uscc")["registered_at"]
    assert att["enterprise_uscc"].isin(registered.index).all()
    assert (att["enterprise_uscc"].map(registered) < att["attended_at"]).all()  # same offset
    held = sessions.set_index("training_id")["district_code"]
    assert (att["training_id"].map(held) == att["district_code"]).all()
    # repeat attendance: fewer distinct firms than attendances, and many firms never attend
    assert att["enterprise_uscc"].nunique() < len(att)
    again = generate_feed("training_attendance", start, end, seed=SEED, scale=SCALE, now=NOW)
    pd.testing.assert_frame_equal(att, again)
