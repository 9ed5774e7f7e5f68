"""District Analysis pure parts: filter validation (allow-lists, scope), URL round trip,
month ranges, and the vectorised percentiles against the reference implementation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import districts as dist
from dashboard.histogram import percentile_from_histogram


def test_round_trip_through_the_url() -> None:
    f = dist.Filters(period="6m", district="0200", port="TJ-XG", lane="RED", weekday=2, hour=14)
    assert dist.parse_filters(f.to_query(), None) == f
    assert dist.parse_filters(f.as_dict(), None) == f
    assert f.search() == "?period=6m&district=0200&port=TJ-XG&lane=RED&wd=2&hr=14"
    assert f.without("wd") == dist.Filters(period="6m", district="0200", port="TJ-XG", lane="RED")
    assert f.without("district").port is None


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"district": "9999"}, "district"),
        ({"port": "'; DROP TABLE x"}, "port"),
        ({"period": "7y"}, "period"),
        ({"lane": "PURPLE"}, "lane"),
        ({"mode": ["0110"]}, "mode"),
        ({"wd": "7", "hr": "1"}, "wd"),
        ({"wd": "1"}, "wd"),
        ({"wd": "1", "hr": "24"}, "hr"),
        ({"ie": "Z"}, "ie"),
        ({"split": "port"}, "split"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_values_off_the_allow_lists_are_refused(query: dict[str, object], key: str) -> None:
    with pytest.raises(dist.InvalidFilter, match=key):
        dist.parse_filters(query, None)


def test_scope_refuses_other_districts_and_their_ports() -> None:
    with pytest.raises(dist.InvalidFilter, match="district"):
        dist.parse_filters({"district": "0200"}, ("0100",))
    with pytest.raises(dist.InvalidFilter, match="port"):
        dist.parse_filters({"port": "TJ-XG"}, ("0100",))
    assert dist.parse_filters({"port": "PEK"}, ("0100",)).port == "PEK"


def test_month_ranges() -> None:
    assert dist.month_range("3m", date(2026, 2, 17)) == (date(2025, 12, 1), date(2026, 2, 1))
    assert dist.month_range("1m", date(2026, 2, 17)) == (date(2026, 2, 1), date(2026, 2, 1))
    assert dist.year_before(date(2025, 12, 1), date(2026, 2, 1)) == (
        date(2024, 12, 1),
        date(2025, 2, 1),
    )


def test_vectorised_percentiles_equal_the_reference() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "port_id": rng.choice(["A", "B", "C"], 400),
            "bucket": rng.integers(0, 120, 400),
            "n": rng.integers(0, 30, 400),
        }
    )
    got = dist.percentiles(frame, ["port_id"]).set_index("port_id")
    for port, part in frame.groupby("port_id"):
        for name, q in (("p50", 0.5), ("p90", 0.9)):
            want = percentile_from_histogram(part["bucket"], part["n"], q)
            assert got.loc[port, name] == pytest.approx(want, rel=1e-12)
        assert got.loc[port, "n"] == part["n"].sum()
