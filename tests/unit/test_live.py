"""The Command Center's live computations against hand-computed cases."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.live import (
    ALARM_COLUMNS,
    BOARD_COLUMNS,
    KpiInputs,
    Thresholds,
    alarms,
    compare_days,
    in_process_at,
    kpis,
    port_board,
    port_status,
)
from dashboard.queries import narrow

NOW = datetime(2026, 11, 25, 12, 30)  # a Wednesday
TH = Thresholds()


def obs(
    port: str, minutes_ago: float, wait: float, vehicles: int, **kw: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "port_id": port,
        "district_code": {"TJ-XG": "0200", "PEK": "0100", "SJW": "0400"}[port],
        "observed_at": pd.Timestamp(NOW) - pd.Timedelta(minutes=minutes_ago),
        "direction": "IN",
        "lane_type": "STANDARD",
        "lanes_open": 4,
        "lanes_max": 8,
        "vehicles_waiting": vehicles,
        "wait_minutes": wait,
        "operational_status": "OPEN",
        "measurement_method": "RFID",
    }
    row.update(kw)
    return row


PORTS = pd.DataFrame(
    {
        "port_id": ["TJ-XG", "PEK", "SJW"],
        "district_code": ["0200", "0100", "0400"],
        "lanes_max": [16, 8, 4],
    }
)


@pytest.mark.parametrize(
    ("wait", "vehicles", "closed", "expected"),
    [
        (10, 10, False, "normal"),
        (29.9, 119, False, "normal"),
        (30, 0, False, "busy"),
        (0, 120, False, "busy"),
        (90, 0, False, "congested"),
        (5, 300, False, "congested"),
        (500, 900, True, "closed"),
        (math.nan, 0, False, "unknown"),
    ],
)
def test_port_status_thresholds(wait: float, vehicles: float, closed: bool, expected: str) -> None:
    assert port_status(wait, vehicles, closed, TH) == expected


def test_port_board_takes_latest_of_each_queue_worst_wait_and_sums() -> None:
    frame = pd.DataFrame(
        [
            obs("TJ-XG", 40, 20, 50),  # older observation of the IN queue: superseded
            obs("TJ-XG", 10, 35, 60),
            obs("TJ-XG", 12, 95, 80, direction="OUT", lanes_open=2),
            obs("PEK", 5, 8, 12),
            obs("SJW", 200, 50, 40),  # only an old observation: not current
        ]
    )
    board = port_board(frame, PORTS, NOW, TH)
    assert list(board.columns) == BOARD_COLUMNS
    assert list(board["port_id"]) == ["TJ-XG", "PEK", "SJW"]  # worst wait first, unknown last
    xg = board.iloc[0]
    assert xg["wait_minutes"] == 95  # the worse of the two current queues
    assert xg["vehicles_waiting"] == 60 + 80
    assert (xg["lanes_open"], xg["lanes_max"]) == (4 + 2, 8 + 8)
    assert xg["status"] == "congested"
    assert xg["observed_at"] == pd.Timestamp(NOW) - pd.Timedelta(minutes=10)
    sjw = board.iloc[2]
    assert sjw["status"] == "unknown" and math.isnan(sjw["wait_minutes"])
    assert sjw["lanes_max"] == 4  # the reference lane count when nothing is current


def test_port_board_closed_trend_and_sparkline() -> None:
    rows = [obs("PEK", m, w, 10) for m, w in [(300, 5), (240, 6), (120, 8), (60, 10), (5, 40)]]
    rows += [obs("TJ-XG", 3, 0, 0, lanes_open=0, operational_status="CLOSED")]
    board = port_board(pd.DataFrame(rows), PORTS, NOW, TH).set_index("port_id")
    assert board.loc["TJ-XG", "status"] == "closed"
    assert board.loc["PEK", "trend"] == "up"  # 10 an hour ago, 40 now
    assert board.loc["PEK", "spark"] == [5.0, 6.0, 8.0, 10.0, 40.0]  # one point per 15-min bin
    falling = [obs("PEK", 60, 50, 10), obs("PEK", 5, 20, 10)]
    assert (
        port_board(pd.DataFrame(falling), PORTS, NOW, TH).set_index("port_id").loc["PEK", "trend"]
        == "down"
    )


def test_compare_days_are_the_same_weekday() -> None:
    days = compare_days(date(2026, 11, 25))
    assert days == [date(2026, 11, 18), date(2026, 11, 11), date(2026, 11, 4), date(2026, 10, 28)]
    assert {d.weekday() for d in days} == {2}


def _hourly(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(pd.Timestamp(h), d, r, li) for h, d, r, li in rows],
        columns=["hour", "declared_n", "released_n", "live_n"],
    )


def test_in_process_at_walks_back_from_now() -> None:
    # 5 in process now. Since 2026-11-24 10:00: lodged live 3 + 2 + 4, released 1 + 6 + 2.
    hourly = _hourly(
        [
            ("2026-11-24 09:00", 9, 9, 9),  # before the hour asked: not counted
            ("2026-11-24 10:00", 3, 1, 3),
            ("2026-11-24 23:00", 2, 6, 2),
            ("2026-11-25 11:00", 5, 2, 4),  # one of the 5 lodged ended (rejected): live 4
        ]
    )
    daily = pd.DataFrame(columns=["day", "live_n", "released_n"])
    at = datetime(2026, 11, 24, 10, 40)
    # stock(10:00) = 5 - (3 + 2 + 4) + (1 + 6 + 2) = 5
    assert in_process_at(5, hourly, daily, at, NOW) == 5 - 9 + 9
    at2 = datetime(2026, 11, 24, 23, 5)
    assert in_process_at(5, hourly, daily, at2, NOW) == 5 - (2 + 4) + (6 + 2)


def test_in_process_at_uses_daily_rows_for_whole_days_between() -> None:
    hourly = _hourly([("2026-11-18 12:00", 4, 1, 4), ("2026-11-25 08:00", 2, 3, 2)])
    daily = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-11-18", "2026-11-19", "2026-11-24", "2026-11-25"]),
            "live_n": [100, 10, 20, 100],
            "released_n": [100, 7, 30, 100],
        }
    )
    # 11-19..11-24 are whole days between: (10 - 7) + (20 - 30) = -7; 11-18 and today hourly.
    expected = 50 - ((4 - 1) + (2 - 3) + (-7))
    assert in_process_at(50, hourly, daily, datetime(2026, 11, 18, 12, 10), NOW) == expected


def test_kpis_compare_today_with_the_median_at_the_same_time_of_day() -> None:
    today = NOW.date()
    rows = []
    for k, per_hour in enumerate([10, 20, 30, 40, 50]):  # today 10/h, then 20, 30, 40, 50/h
        day = pd.Timestamp(today) - pd.Timedelta(days=7 * k)
        rows += [(str(day + pd.Timedelta(hours=h)), per_hour, 0, per_hour) for h in range(24)]
    hourly = _hourly(rows)
    daily = pd.DataFrame(
        {
            "day": pd.to_datetime([today - timedelta(days=7), today]),
            "declared_n": [200, 100],
            "inspected_n": [10, 8],
            "released_n": [0, 0],
            "live_n": [200, 100],
        }
    )
    hist = pd.DataFrame(columns=["day", "declare_district", "bucket", "overall_n"])
    incidents = pd.DataFrame(
        {
            "reported_at": pd.to_datetime(["2026-11-18 08:00", "2026-11-25 09:00"]),
            "resolved_at": pd.to_datetime(["2026-11-18 20:00", None]),
        }
    )
    queue = pd.DataFrame(
        {"hour": pd.to_datetime(["2026-11-18 12:00"]), "vehicles_sum": [300], "obs_n": [4]}
    )
    inputs = KpiInputs(hourly, daily, hist, 7, incidents, incidents.iloc[1:], 60, queue)
    got = {k.key: k for k in kpis(inputs, NOW)}
    # Today by 12:30: 12 whole hours + the 12:00 hour as it is (10) = 130. The compare days
    # count 12 hours + half of the 12:00 hour: 250, 375, 500, 625 -> median 437.5.
    assert got["lodged"].value == 130
    assert got["lodged"].baseline == pytest.approx(437.5)
    assert got["lodged"].change == pytest.approx(130 / 437.5 - 1)
    assert got["inspection_rate"].value == pytest.approx(0.08)
    assert got["inspection_rate"].baseline == pytest.approx(0.05)  # the one day with data
    assert got["open_incidents"].value == 1
    assert got["open_incidents"].baseline == 0  # open at 12:30 on 11-18: yes; other days: no
    assert got["vehicles_waiting"].baseline == 75  # 300 / 4 at the 12:00 hour of 11-18
    assert math.isnan(got["p50_hours"].value) and math.isnan(got["p50_hours"].change)


def test_alarms_list_breaches_newest_first_and_clear_when_gone() -> None:
    board = port_board(
        pd.DataFrame(
            [
                obs("TJ-XG", 10, 120, 350),
                obs("PEK", 2, 5, 5, lanes_open=0, operational_status="CLOSED"),
            ]
        ),
        PORTS,
        NOW,
        TH,
    )
    open_now = pd.DataFrame(
        {
            "severity": ["II", "IV"],
            "district_code": ["0200", "0100"],
            "port_id": ["TJ-XG", None],
            "reported_at": pd.to_datetime(["2026-11-25 12:20", "2026-11-25 12:25"]),
            "title": ["Fog closes gates", "minor"],
        }
    )
    fresh = pd.DataFrame(
        {
            "district_code": ["0100", "0400"],
            "newest_ts": pd.to_datetime(["2026-11-25 12:29", "2026-11-25 10:00"]),
            "age_minutes": [1.0, 150.0],
            "state": ["fresh", "stale"],
        }
    )
    found = alarms(board, open_now, {"0200": 80.0, "0100": 10.0}, fresh, TH, NOW)
    assert list(found.columns) == ALARM_COLUMNS
    kinds = list(zip(found["kind"], found["district_code"], strict=True))
    assert kinds == [
        ("clearance", "0200"),  # evaluated now (12:30)
        ("closed", "0100"),  # 12:28
        ("queue", "0200"),  # 12:20, observed 10 min ago
        ("wait", "0200"),
        ("incident", "0200"),  # 12:20 too (severity II; the IV incident is no alarm)
        ("feed", "0400"),  # 10:00
    ]
    assert found.loc[found["kind"] == "feed", "level"].item() == "critical"
    assert found.loc[found["kind"] == "incident", "detail"].item() == "Fog closes gates"
    calm = port_board(pd.DataFrame([obs("TJ-XG", 1, 20, 40)]), PORTS, NOW, TH)
    assert alarms(calm, open_now.iloc[1:], {}, fresh.iloc[:1], TH, NOW).empty


def test_narrow_never_widens_the_scope() -> None:
    assert narrow(None, None) is None
    assert narrow(None, "0200") == ("0200",)
    assert narrow(("0100", "0200"), "0200") == ("0200",)
    assert narrow(("0100",), "0200") == ()
    assert narrow(("0100",), None) == ("0100",)


def test_feed_text_in_map_hover_is_escaped() -> None:
    from dashboard.figures.command_map import BoundaryUrls, map_figure

    hostile = '<a href="javascript:alert(1)">click</a><b>'
    incidents = pd.DataFrame(
        {
            "incident_id": ["X"],
            "district_code": ["0200"],
            "port_id": ["TJ-XG"],
            "severity": ["II"],
            "title": [hostile],
            "reported_at": pd.to_datetime(["2026-11-25 12:00"]),
        }
    )
    board = port_board(pd.DataFrame([obs("TJ-XG", 5, 10, 10)]), PORTS, NOW, TH)
    flows = pd.DataFrame(columns=["declare_district", "port_district", "declared_n"])
    urls = BoundaryUrls("/geo/context.geojson", "/geo/focus.geojson", [])
    fig = map_figure(board, incidents, flows, frozenset(), "en", urls=urls, districts=None)
    hover = fig["data"][0]["text"][0]
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in hover and "<a " not in hover
