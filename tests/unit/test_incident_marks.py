"""Incidents on a port's time charts: each becomes a band shaded in its severity colour with
a label naming severity and category (never a code), the same on the wait chart and the
clearance chart; the clearance chart plots median and p90 per day, or says there is none."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.figures.command import clearance_figure, detail_figure
from dashboard.figures.incident_marks import LABEL_ROW, incident_marks
from dashboard.histogram import bucket_of_hours
from dashboard.live import daily_clearance
from dashboard.reference import load_reference

NOW = datetime(2026, 12, 4, 15, 20)
FIRST = date(2026, 11, 21)


def _incident(
    n: int,
    severity: str,
    category: str,
    reported: str,
    *,
    mitigated: str | None = None,
    resolved: str | None = None,
) -> dict[str, object]:
    return {
        "incident_id": f"INC-0200-{n:05d}",
        "port_id": "TJ-XG",
        "severity": severity,
        "category": category,
        "reported_at": pd.Timestamp(reported),
        "mitigated_at": pd.Timestamp(mitigated) if mitigated else pd.NaT,
        "resolved_at": pd.Timestamp(resolved) if resolved else pd.NaT,
    }


def _daily(hours_by_day: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"day": pd.Timestamp(day), "bucket": int(b), "overall_n": 1}
        for day, hours in hours_by_day.items()
        for b in bucket_of_hours(pd.Series(hours))
    ]
    return daily_clearance(pd.DataFrame(rows), FIRST, NOW.date())


def test_an_incident_becomes_a_band_in_its_colour_with_a_readable_label() -> None:
    weather = _incident(
        1,
        "II",
        "SEVERE_WEATHER",
        "2026-11-25 08:00",
        mitigated="2026-11-25 14:30",
        resolved="2026-11-26 09:00",
    )
    shapes, notes = incident_marks(
        pd.DataFrame([weather]), "en", start=datetime(2026, 11, 21), end=NOW, now=NOW
    )
    orange = load_reference().extra("severity")["II"]
    assert shapes == [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": "2026-11-25 08:00:00",
            "x1": "2026-11-25 14:30:00",  # to the mitigation, not the resolution
            "y0": 0,
            "y1": 1,
            "fillcolor": orange,
            "opacity": 0.15,
            "line": {"width": 0},
            "layer": "below",
        }
    ]
    (note,) = notes
    assert note["text"] == "Level II · Severe weather"
    assert note["x"] == "2026-11-25 08:00:00" and note["xanchor"] == "left"  # at the band
    assert note["bordercolor"] == orange
    assert "INC-0200-00001" in note["hovertext"] and "mitigated 11-25 14:30" in note["hovertext"]
    _, zh = incident_marks(
        pd.DataFrame([weather]), "zh", start=datetime(2026, 11, 21), end=NOW, now=NOW
    )
    assert zh[0]["text"] == "Ⅱ级 · 恶劣天气"


def test_open_incidents_run_to_now_bands_are_clipped_and_labels_do_not_collide() -> None:
    frame = pd.DataFrame(
        [
            _incident(1, "III", "PORT_CONGESTION", "2026-12-03 10:00"),  # open
            _incident(2, "I", "SYSTEM_OUTAGE", "2026-12-03 11:00", resolved="2026-12-03 12:00"),
            _incident(3, "IV", "PUBLIC_HEALTH", "2026-11-10 09:00", resolved="2026-11-22 12:00"),
            _incident(4, "IV", "PUBLIC_HEALTH", "2026-11-01 09:00", resolved="2026-11-02 12:00"),
        ]
    )
    shapes, notes = incident_marks(frame, "en", start=datetime(2026, 11, 21), end=NOW, now=NOW)
    spans = {(s["x0"], s["x1"]) for s in shapes}
    assert spans == {
        ("2026-12-03 10:00:00", "2026-12-04 15:20:00"),  # open: up to now
        ("2026-12-03 11:00:00", "2026-12-03 12:00:00"),
        ("2026-11-21 00:00:00", "2026-11-22 12:00:00"),  # clipped to the window
    }  # the one before the window is left out
    by_text = {n["text"]: n for n in notes}
    congestion = by_text["Level III · Port congestion"]
    assert congestion["y"] != by_text["Level I · Clearance system outage"]["y"]  # two rows
    assert "still open" in congestion["hovertext"]
    # near the right edge a label ends at the edge instead of running out of the plot
    assert (congestion["x"], congestion["xanchor"]) == ("2026-12-04 15:20:00", "right")
    text = json.dumps(notes)
    for code in ("PORT_CONGESTION", "SYSTEM_OUTAGE", "PUBLIC_HEALTH"):
        assert code not in text


def test_clearance_figure_plots_median_and_p90_with_the_incident_marked() -> None:
    daily = _daily({"2026-12-01": [5, 10, 20, 30, 50], "2026-12-03": [3, 12, 80]})
    weather = _incident(1, "II", "SEVERE_WEATHER", "2026-12-01 08:00", resolved="2026-12-01 20:00")
    fig = clearance_figure(daily, pd.DataFrame([weather]), NOW, "en")
    median, p90 = fig["data"]
    assert (median["name"], p90["name"]) == ("Median", "p90")
    assert len(median["x"]) == 14 and median["x"][10] == "2026-12-01 12:00:00"  # mid-day
    assert median["y"][10] == pytest.approx(daily["p50"].iloc[10], abs=0.01)
    assert median["y"][11] is None  # no releases that day: a gap, not a zero
    assert fig["layout"]["shapes"][0]["fillcolor"] == load_reference().extra("severity")["II"]
    assert fig["layout"]["annotations"][0]["text"] == "Level II · Severe weather"
    assert fig["layout"]["xaxis"]["ticktext"][-1] == "12-04"  # ticks end on today
    lowest = min(n["y"] for n in fig["layout"]["annotations"]) - LABEL_ROW
    assert fig["layout"]["yaxis"]["domain"][1] <= lowest + 1e-9  # no line under a label


def test_both_port_charts_mark_an_incident_the_same_way() -> None:
    frame = pd.DataFrame([_incident(1, "III", "PORT_CONGESTION", "2026-12-04 09:00")])
    hours = pd.date_range("2026-12-03 16:00", "2026-12-04 15:00", freq="h")
    queue = pd.DataFrame({"hour": hours, "wait": 20.0, "vehicles": 30.0})
    wait = detail_figure(queue, queue.iloc[:0], frame, NOW, "zh")
    clear = clearance_figure(_daily({"2026-12-04": [4, 6]}), frame, NOW, "zh")
    assert wait["layout"]["shapes"] == clear["layout"]["shapes"]
    assert [n["text"] for n in wait["layout"]["annotations"]] == ["Ⅲ级 · 口岸拥堵"]
    assert [n["text"] for n in clear["layout"]["annotations"]] == ["Ⅲ级 · 口岸拥堵"]


def test_a_port_without_releases_says_so() -> None:
    fig = clearance_figure(_daily({}), pd.DataFrame([]), NOW, "en")
    texts = [a["text"] for a in fig.layout.annotations]
    assert texts == ["No declarations released at this port in the last 14 days"]
