"""Trade Trends state: URL round trip, lenient URL reading, strict control checking, and
the figure builders' names and numbers."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

import pandas as pd
import pytest

from dashboard.figures import trade as tf
from dashboard.trade_view import InvalidState, TradeState, from_url, strict

TODAY = date(2026, 11, 25)
EVERY = frozenset({"0100", "0200", "0400", "7900"})


def test_url_round_trip() -> None:
    state = TradeState(
        preset="custom",
        start=date(2024, 2, 29),
        end=date(2026, 3, 1),
        districts=("0100", "0200"),
        direction="E",
        currency="CNY",
        granularity="quarter",
        dimension="partner_region",
    )
    query = dict(parse_qsl(state.query_string()[1:]))
    again, refused = from_url(query, EVERY, TODAY)
    assert again == state and refused == []
    assert TradeState().query_string() == ""


def test_bad_url_values_fall_back_and_are_named() -> None:
    state, refused = from_url(
        {"preset": "custom", "start": "2026-13-01", "end": "x", "dir": "<script>", "g": "day"},
        EVERY,
        TODAY,
    )
    assert state.preset == "12m" and state.direction == "IE" and state.granularity == "day"
    assert set(refused) == {"direction", "range"}
    scoped, refused = from_url({"districts": "0100,7900"}, frozenset({"7900"}), TODAY)
    assert scoped.districts == () and refused == ["districts"]


def test_strict_checks_and_clamps() -> None:
    ok = strict({"preset": "custom", "start": "2026-01-01", "end": "2027-05-01"}, EVERY, TODAY)
    assert ok.end == TODAY  # never after today
    for bad in (
        {"preset": "custom", "start": "1990-01-01", "end": "2026-01-01"},
        {"preset": "custom", "start": "2010-01-01", "end": "2026-11-01"},  # over ten years
        {"districts": "0100,0100,0100,0100,0100"},
        {"districts": [1, 2]},
        {"currency": None},
    ):
        with pytest.raises(InvalidState):
            strict(bad, EVERY, TODAY)


def test_view_fits_granularity() -> None:
    view = TradeState(preset="custom", start=date(2019, 1, 1), end=TODAY, granularity="day")
    assert view.view(TODAY).granularity == "quarter"
    assert TradeState(preset="month", granularity="day").view(TODAY).granularity == "day"


def test_money_hours_and_percent_read_like_a_person_writes_them() -> None:
    assert tf.money(3.2034e10, "USD", "zh") == "320.34 亿美元"
    assert tf.money(3.2034e10, "USD", "en") == "USD 32.03 bn"
    assert tf.money(5.0e6, "USD", "en") == "USD 5.00 m"
    assert tf.hours(0.5, "en") == "30 min" and tf.hours(31.46, "zh") == "31.5 小时"
    assert tf.percent(0.1234) == "+12.3%" and tf.percent(float("nan")) == "—"


def test_value_figure_stacks_districts_by_name_and_plots_growth() -> None:
    series = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-02-01"]),
            "declare_district": ["0100", "0200", "0200"],
            "ie_flag": ["I", "I", "E"],
            "released_n": [3, 4, 5],
            "value_usd": [1e9, 2e9, 1e9],
            "prior_value_usd": [1e9, 1e9, 0.0],
        }
    )
    fig = tf.value_figure(series, "month", "USD", "en", ["2025-12-15", "2026-02-15"])
    bars = [tr for tr in fig["data"] if tr["type"] == "bar"]
    assert [b["name"] for b in bars] == ["Beijing", "Tianjin"]
    growth = fig["data"][-1]
    assert growth["y"] == [50.0, None]  # (3e9 / 2e9 - 1) %, and no base in February
    assert fig["layout"]["barmode"] == "stack"


def test_layout_panels_hold_only_components() -> None:
    """No stray strings between the components of the page (a positional slip once put
    the language code on screen)."""
    from dash.development.base_component import Component

    from layouts.trade import layout

    def strays(node: object) -> list[str]:
        if isinstance(node, str):
            return []
        children = getattr(node, "children", None)
        items = children if isinstance(children, list) else [children]
        found = [c for c in items if isinstance(c, str) and c in ("zh", "en")]
        return found + [s for c in items if isinstance(c, Component) for s in strays(c)]

    assert strays(layout()) == []
