"""Enterprise Service pure computations and figure builders, against hand-computed cases."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from dashboard import service
from dashboard.figures import service as fig
from dashboard.histogram import bucket_of_hours
from dashboard.queries import narrow
from layouts.service import initial


def test_period_whole_weeks_ending_after_this_week() -> None:
    p = service.Period.ending(date(2026, 11, 25), 2)  # a Wednesday
    assert (p.start, p.end) == (date(2026, 11, 16), date(2026, 11, 30))
    assert p.months == (date(2026, 11, 1), date(2026, 12, 1))
    assert p.year == date(2026, 1, 1)
    assert p.end_time == datetime(2026, 11, 30, 0, 0)
    p = service.Period.ending(date(2026, 12, 31), 13)  # Thursday; the week ends 3 Jan 2027
    assert p.end == date(2027, 1, 4)
    assert p.months == (date(2026, 10, 1), date(2027, 2, 1))
    assert p.year == date(2027, 1, 1)


def test_narrow_never_widens() -> None:
    assert narrow(None, None) is None
    assert narrow(None, "0200") == ("0200",)
    assert narrow(("0100", "0200"), "0200") == ("0200",)
    assert narrow(("0100",), "0200") == ()
    assert narrow(("0100",), None) == ("0100",)


def test_rank_units_passed_on() -> None:
    units = pd.DataFrame(
        {
            "district_code": ["0200", "0200", "0100", "0100"],
            "first_contact_unit": ["0201", "0202", "0101", "0104"],
            "received_n": [100, 40, 50, 0],
            "first_contact_n": [90, 10, 20, 0],
        }
    )
    out = service.rank_units(units, top=2)
    assert out["first_contact_unit"].tolist() == ["0101", "0202"]  # 30 and 30 passed on
    assert out["passed_n"].tolist() == [30, 30]
    assert out["passed_share"].tolist() == pytest.approx([0.6, 0.75])


def _hist(channel: str, hours: list[float]) -> pd.DataFrame:
    b = bucket_of_hours(pd.Series(hours)).astype(int)
    frame = pd.DataFrame({"channel": channel, "bucket": b, "response_n": 1, "resolve_n": 1})
    return frame.groupby(["channel", "bucket"], as_index=False).sum()


def test_time_table_percentiles_and_commitment_shares() -> None:
    hist = pd.concat([_hist("HOTLINE_12360", [1.0] * 9 + [30.0]), _hist("ON_SITE", [0.5] * 4)])
    totals = pd.DataFrame(
        {
            "channel": ["HOTLINE_12360", "ON_SITE"],
            "responded_n": [10, 4],
            "response_met_n": [9, 4],
            "resolved_n": [8, 4],
            "resolve_met_n": [6, 4],
        }
    )
    table = service.time_table(hist, totals).set_index("channel")
    hot = table.loc["HOTLINE_12360"]
    assert hot["commitment_days"] == 1
    assert hot["response_p50"] == pytest.approx(1.0, rel=0.10)  # median of nine 1 h, one 30 h
    assert hot["response_p90"] == pytest.approx(1.0, rel=0.10)  # 9th of 10 is still 1 h
    assert hot["response_met_share"] == pytest.approx(0.9)
    assert hot["resolve_met_share"] == pytest.approx(0.75)
    site = table.loc["ON_SITE"]
    assert math.isnan(site["commitment_days"]) and math.isnan(site["resolve_met_share"])
    assert site["resolve_p50"] == pytest.approx(0.5, rel=0.10)


def test_repeat_table_before_after_first_answer() -> None:
    months = pd.date_range("2025-01-01", periods=12, freq="MS")
    received = [10, 10, 10, 10, 12, 6, 6, 6, 6, 6, 6, 6]
    published = [0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0]  # first answer in May 2025
    history = pd.DataFrame(
        {
            "month": list(months) * 2 + [months[0]],
            "topic": ["E_COMMERCE"] * 12 + ["OTHER"] * 12 + ["DUTY_FREE_CAR"],
            "received_n": received + [5] * 12 + [1],
            "published_n": published + [1] + [0] * 11 + [0],
        }
    )
    table = service.repeat_table(history, months=3).set_index("topic")
    assert list(table.index) == ["E_COMMERCE", "OTHER"]  # never answered: left out
    e = table.loc["E_COMMERCE"]
    assert e["first_answer"] == pd.Timestamp("2025-05-01")
    assert (e["months_before"], e["months_after"]) == (3, 3)
    assert e["before_per_month"] == pytest.approx(10.0)  # Feb-Apr
    assert e["after_per_month"] == pytest.approx(6.0)  # Jun-Aug
    assert e["change"] == pytest.approx(-0.4)
    o = table.loc["OTHER"]  # answered in the first month of the data: no "before"
    assert o["months_before"] == 0 and math.isnan(o["before_per_month"])
    assert math.isnan(o["change"]) and o["after_per_month"] == pytest.approx(5.0)
    late = service.repeat_table(history[history["month"] <= months[6]], months=3)
    assert late.set_index("topic").loc["E_COMMERCE", "months_after"] == 2  # data end in July


def test_repeat_table_empty() -> None:
    assert service.repeat_table(pd.DataFrame()).empty


def test_coverage_table() -> None:
    declaring = pd.DataFrame(
        {
            "declare_district": ["0200", "0100", "7900"],
            "enterprises_n": [200, 80, 0],
            "trained_n": [50, 0, 0],
            "declared_n": [1000, 400, 0],
            "returned_n": [30, 4, 0],
            "cross_n": [250, 100, 0],
        }
    )
    out = service.coverage_table(declaring).set_index("district_code")
    assert list(out.index) == ["0100", "0200", "7900"]
    assert out.loc["0200", "coverage"] == pytest.approx(0.25)
    assert out.loc["0200", "returned_share"] == pytest.approx(0.03)
    assert out.loc["0100", "trained_n"] == 0 and out.loc["0100", "coverage"] == 0
    assert out.loc["0100", "cross_share"] == pytest.approx(0.25)
    assert math.isnan(out.loc["7900", "coverage"])  # nobody declared there


def test_coverage_figure_is_a_share_with_counts_in_the_hover() -> None:
    table = service.coverage_table(
        pd.DataFrame(
            {
                "declare_district": ["0200", "0100"],
                "enterprises_n": [2086, 40],
                "trained_n": [1146, 40],
                "declared_n": [1000, 400],
                "returned_n": [30, 4],
                "cross_n": [250, 100],
            }
        )
    )
    figure = fig.coverage_figure(table, "en")
    (bar,) = figure["data"]
    assert bar["x"] == ["Beijing", "Tianjin"]
    assert bar["y"] == pytest.approx([1.0, 1146 / 2086])
    assert bar["text"] == ["100.0%", "54.9%"]
    assert bar["hovertext"][1].startswith("1,146 of 2,086 declaring enterprises trained (54.9%)")
    axis = figure["layout"]["yaxis"]
    assert axis["tickformat"] == ".0%" and axis["range"] == [0, 1.0]
    zh = fig.coverage_figure(table, "zh")
    assert zh["data"][0]["hovertext"][1].startswith("2,086 家申报企业中 1,146 家已参训")
    assert "0200" not in json.dumps(zh, ensure_ascii=False)
    counts = ["enterprises_n", "trained_n", "declared_n", "returned_n", "cross_n"]
    empty = service.coverage_table(pd.DataFrame(columns=["declare_district", *counts]))
    assert fig.coverage_figure(empty, "en")["data"] == []


def test_kpi_values() -> None:
    by_channel = pd.DataFrame(
        {
            "channel": ["HOTLINE_12360", "ON_SITE"],
            "received_n": [10, 10],
            "first_contact_n": [8, 10],
            "published_n": [2, 0],
            "escalated_n": [1, 0],
            "responded_n": [10, 10],
            "response_met_n": [9, 0],
            "resolved_n": [9, 10],
            "resolve_met_n": [6, 0],
        }
    )
    k = service.kpi_values(by_channel)
    assert k["received"] == 20 and k["published"] == 2 and k["escalated"] == 1
    assert k["first_contact_share"] == pytest.approx(0.9)
    assert k["response_met_share"] == pytest.approx(0.9)  # on-site has no commitment
    assert k["resolve_met_share"] == pytest.approx(6 / 9)


def _text(figure: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(figure, ensure_ascii=False)


def test_volume_figure_shows_names_not_codes() -> None:
    weekly = pd.DataFrame(
        {
            "week": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-12"]),
            "channel": ["HOTLINE_12360", "PORTAL", "HOTLINE_12360"],
            "received_n": [5, 3, 7],
        }
    )
    f = fig.volume_figure(weekly, "channel", "zh")
    text = _text(f)
    assert "12360热线" in text and "门户网站" in text and "HOTLINE_12360" not in text
    hot = next(tr for tr in f["data"] if tr["name"] == "12360热线")
    assert hot["y"] == [5, 7]
    assert "Internet portal" in _text(fig.volume_figure(weekly, "channel", "en"))
    assert len(_text(f).encode()) < 150_000


def test_empty_figures_say_why() -> None:
    empty = pd.DataFrame(columns=["week", "channel", "received_n"])
    assert "No data" in _text(fig.volume_figure(empty, "channel", "en"))
    assert "No data" in _text(fig.repeat_figure(service.repeat_table(pd.DataFrame()), "en"))


def test_units_and_escalation_rows_use_names_and_links() -> None:
    units = service.rank_units(
        pd.DataFrame(
            {
                "district_code": ["0200"],
                "first_contact_unit": ["0202"],
                "received_n": [10],
                "first_contact_n": [4],
            }
        )
    )
    f = fig.units_figure(units, "en")
    assert f["data"][0]["x"] == [6] and "Tianjin" in f["data"][0]["y"][0]
    rows = fig.escalation_rows(
        pd.DataFrame(
            {
                "inquiry_id": ["Q-0200-20260301-0001"],
                "received_at": [pd.Timestamp("2026-03-01 09:30")],
                "district_code": ["0200"],
                "channel": ["HOTLINE_12360"],
                "category": ["COMPLAINT_REPORT"],
                "topic": ["E_COMMERCE"],
                "escalated_incident_id": ["INC-0200-20260301-E001"],
            }
        ),
        "en",
        "/emergency",
    )
    assert rows[0]["incident"] == (
        "[INC-0200-20260301-E001](/emergency?incident=INC-0200-20260301-E001)"
    )
    assert rows[0]["channel"] == "12360 hotline" and rows[0]["topic"] == "Cross-border e-commerce"


def test_times_figure_labels_commitments() -> None:
    table = pd.DataFrame(
        {
            "channel": ["HOTLINE_12360", "ON_SITE"],
            "commitment_days": [1.0, np.nan],
            "response_p50": [0.1, 0.2],
            "response_p90": [0.5, 0.4],
            "resolve_p50": [1.0, 2.0],
            "resolve_p90": [9.0, 3.0],
            "response_met_share": [0.9, np.nan],
            "resolve_met_share": [0.8, np.nan],
        }
    )
    text = _text(fig.times_figure(table, "en"))
    assert "1 working day(s)" in text and "no commitment" in text
    met = fig.met_figure(table, "en")
    assert len(met["data"][0]["x"]) == 1  # channels without a commitment are left out
    assert met["data"][1]["y"] == [0.8]


@pytest.mark.parametrize(
    ("query", "expected", "refused"),
    [
        ({}, ("all", "all", 26), []),
        ({"district": "0200", "channel": "PORTAL", "weeks": "52"}, ("0200", "PORTAL", 52), []),
        ({"district": "0100", "weeks": "7"}, ("all", "all", 26), ["district", "weeks"]),
        ({"channel": "<script>", "weeks": "x"}, ("all", "all", 26), ["channel", "weeks"]),
        ({"weeks": "-13"}, ("all", "all", 26), ["weeks"]),
    ],
)
def test_layout_reads_filters_from_the_query_string(
    query: dict,  # type: ignore[type-arg]
    expected: tuple,  # type: ignore[type-arg]
    refused: list[str],
) -> None:
    view, bad = initial(query, ("0200", "7900"))
    assert (view.district, view.channel, view.weeks) == expected
    assert bad == refused


@pytest.mark.parametrize(
    ("view", "text"),
    [
        (service.View(), ""),
        (service.View("0200", "PORTAL", 52), "?district=0200&channel=PORTAL&weeks=52"),
        (service.View(channel="ON_SITE"), "?channel=ON_SITE"),
        (service.View(weeks=104), "?weeks=104"),
    ],
)
def test_url_round_trip(view: service.View, text: str) -> None:
    assert view.query_string() == text
    parsed = dict(p.split("=") for p in text.lstrip("?").split("&") if p)
    assert service.from_url(parsed, ("0100", "0200")) == (view, [])


def _sums(all_: list[float], trained: list[float], firms: float) -> pd.DataFrame:
    cols = ["declared_n", "returned_n", "cross_n", "inquiries_n"]
    frame = pd.DataFrame([all_, trained], columns=cols)
    frame.insert(0, "group", ["all", "trained"])
    frame["firms_n"] = [np.nan, firms]
    return frame


def test_outcome_table_untrained_is_all_minus_trained() -> None:
    table = service.outcome_table(_sums([1000, 50, 300, 40], [400, 10, 200, 4], 12))
    t = table.set_index("group")
    assert t.loc["untrained", ["declared_n", "returned_n", "cross_n", "inquiries_n"]].tolist() == [
        600,
        40,
        100,
        36,
    ]
    assert t.loc["trained", "returned_share"] == pytest.approx(0.025)
    assert t.loc["untrained", "returned_share"] == pytest.approx(40 / 600)
    assert t.loc["trained", "cross_share"] == pytest.approx(0.5)
    assert t.loc["trained", "inquiries_per_1000"] == pytest.approx(10.0)
    assert t.loc["untrained", "inquiries_per_1000"] == pytest.approx(60.0)
    assert t.loc["trained", "firms_n"] == 12 and math.isnan(t.loc["untrained", "firms_n"])


def test_outcome_figure_three_panels_two_groups_and_empty_state() -> None:
    table = service.outcome_table(_sums([1000, 50, 300, 40], [400, 10, 200, 4], 12))
    f = fig.outcome_figure(table, "en")
    assert len(f["data"]) == 6
    assert [d["xaxis"] for d in f["data"]] == ["x", "x", "x2", "x2", "x3", "x3"]
    assert (
        f["data"][0]["name"] == "Trained (12 firms trained before the last month)"
        and f["data"][1]["name"] == "Untrained"
    )
    assert f["data"][0]["text"] == ["2.5%"] and f["data"][5]["text"] == ["60.0"]
    titles = [a["text"] for a in f["layout"]["annotations"]]
    assert titles == [
        "Declarations returned",
        "Cross-district declarations",
        "Inquiries per 1,000 declarations",
    ]
    zh = fig.outcome_figure(table, "zh")
    assert zh["data"][0]["name"].startswith("参训企业")
    empty = fig.outcome_figure(service.outcome_table(_sums([0] * 4, [0] * 4, 0)), "en")
    assert not empty["data"]
