"""Trade Trends figures on SQLite and real PostgreSQL against the same numbers computed
directly from the raw declaration rows: value per period with year-on-year growth, totals,
clearance percentiles (within the histogram's stated error), integration share, the
district-pair matrix, composition, scope, and growth hidden where history is missing."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import Engine, select

from dashboard import schema, trade
from dashboard.cache import cache
from dashboard.contract import RELEASED_STATUSES
from dashboard.histogram import PERCENTILE_RELATIVE_ERROR
from dashboard.ingest import ingest_records
from dashboard.periods import series_period
from dashboard.trade import TradeView
from tests import factories as f

NOW = datetime(2026, 4, 1, 12, 0)
ROUTES = [  # (office, port): declaring district -> port district
    ("0101", "0101"),
    ("0101", "0202"),
    ("0202", "0202"),
    ("0202", "0101"),
    ("0401", "0401"),
    ("0401", "0202"),
    ("7901", "7901"),
]
COUNTRIES = ["DE", "US", "VN", "", "SA", "BR", "AU"]
LATE_START = datetime(2025, 3, 10)


def _rows() -> list[dict[str, str]]:
    rows, start = [], datetime(2025, 1, 3, 9, 0)
    for i in range(700):
        declared = start + timedelta(hours=14 * i + (i % 5))
        office, port = ROUTES[i % len(ROUTES)]
        row = f.declaration(
            i + 1,
            declared=declared,
            hours=[0.4, 2.0, 7.5, 30.0, 80.0, 1.2, 16.0][i % 7] * (1 + (i % 11) / 10),
            office=office,
            port=port,
            ie="IE"[i % 3 == 0],
            value=1000.0 + 37.0 * (i % 97),
            currency=["USD", "CNY", "EUR"][i % 3],
            trade_mode=["0110", "0615", "9610"][i % 3],
            hs=["84", "85", "27", "87"][i % 4],
            status="RELEASED" if i % 13 else "ACCEPTED",
        )
        row["trade_country"] = COUNTRIES[i % len(COUNTRIES)]
        if row["status"] == "RELEASED" and i % 17 == 5:
            row["status"] = ["RELEASED_GUARANTEE", "CLOSED"][i % 2]  # released too
        if office == "7901" and declared < LATE_START:
            continue  # Chengdu's data starts later than the others'
        rows.append(row)
    return [r for r in rows if not r["ts_released"] or r["ts_released"] <= f.iso(NOW)]


@pytest.fixture
def loaded(engine: Engine) -> Iterator[pd.DataFrame]:
    result = ingest_records(engine, "declarations", _rows(), name="d", source="test", now=NOW)
    assert result.quarantined == 0, result
    with engine.connect() as conn:
        res = conn.execute(select(schema.declarations))
        raw = pd.DataFrame(res.fetchall(), columns=list(res.keys()))
    raw["ts_released"] = pd.to_datetime(raw["ts_released"])
    app = Flask("trade-test")
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
    with app.app_context():
        released = raw[raw["status"].isin(RELEASED_STATUSES)]
        yield released.assign(day=lambda x: x["ts_released"].dt.floor("D"))


def _in(rel: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return rel[(rel["day"] >= pd.Timestamp(start)) & (rel["day"] <= pd.Timestamp(end))]


VIEW = TradeView(date(2026, 1, 10), date(2026, 3, 20), "month", None, "IE")


def test_value_series_and_growth_equal_raw(engine: Engine, loaded: pd.DataFrame) -> None:
    got = trade.value_series(engine, VIEW, None)
    now = _in(loaded, VIEW.start, VIEW.end)
    want = now.groupby([series_period(now["day"], "month"), "declare_district", "ie_flag"])[
        "value_usd"
    ].sum()
    got_now = got[got["value_usd"] > 0].set_index(["period", "declare_district", "ie_flag"])
    pd.testing.assert_series_equal(
        got_now["value_usd"].sort_index(),
        want.rename("value_usd").sort_index(),
        check_names=False,
        check_index_type=False,
    )
    # the same days a year earlier, by the month they compare with, for the districts whose
    # data covers those days (Chengdu's starts in March 2025: no base in January, February)
    first = loaded.groupby("declare_district")["day"].min().dt.date
    before = _in(loaded, date(2025, 1, 10), date(2025, 3, 20))
    starts = {1: date(2025, 1, 10), 2: date(2025, 2, 1), 3: date(2025, 3, 1)}
    month = series_period(before["day"], "month").dt.month
    based = [starts[m] >= first[d] for m, d in zip(month, before["declare_district"], strict=True)]
    prior = before[based].groupby(month[based])["value_usd"].sum()
    by_month = got.groupby(got["period"].dt.month)["prior_value_usd"].sum()
    np.testing.assert_allclose(by_month.loc[prior.index], prior, rtol=1e-9)
    chengdu = got[got["declare_district"] == "7900"]
    assert chengdu[chengdu["period"].dt.month < 3]["prior_value_usd"].isna().all()
    totals = trade.totals(engine, VIEW, None, VIEW.start, VIEW.end)
    assert totals.loc["IE", "value_usd"] == pytest.approx(now["value_usd"].sum())
    like = now[now["declare_district"] != "7900"]  # Chengdu has no base on 2025-01-10
    prior_like = before[before["declare_district"] != "7900"]
    assert totals.loc["IE", "growth"] == pytest.approx(
        like["value_usd"].sum() / prior_like["value_usd"].sum() - 1
    )
    assert totals.loc["I", "released_n"] == (now["ie_flag"] == "I").sum()


def test_growth_hidden_without_a_full_year_of_history(engine: Engine, loaded: pd.DataFrame) -> None:
    early = TradeView(date(2025, 11, 1), date(2026, 2, 28), "month", None, "IE")
    got = trade.value_series(engine, early, None)
    # data starts 2025-01-03: the base of Jan 2026 (Jan 2025) is incomplete, Feb's is whole
    jan = got[got["period"] == pd.Timestamp(2026, 1, 1)]
    feb = got[got["period"] == pd.Timestamp(2026, 2, 1)]
    assert jan["prior_value_usd"].isna().all()
    others = feb[feb["declare_district"] != "7900"]
    assert others["prior_value_usd"].notna().all() and others["prior_value_usd"].sum() > 0
    assert feb[feb["declare_district"] == "7900"]["prior_value_usd"].isna().all()
    totals = trade.totals(engine, early, None, early.start, early.end)
    assert math.isnan(totals.loc["IE", "growth"])


@pytest.mark.parametrize("granularity", ["week", "quarter", "day"])
def test_clearance_percentiles_within_histogram_error(
    engine: Engine, loaded: pd.DataFrame, granularity: str
) -> None:
    view = TradeView(date(2025, 10, 5), date(2026, 3, 20), granularity, None, "IE")
    if granularity == "day":
        view = view._replace(start=date(2026, 2, 1))
    got = trade.clearance_series(engine, view, None).set_index(["period", "ie_flag"])
    rel = _in(loaded, view.start, view.end)
    rel = rel.assign(period=series_period(rel["day"], granularity))
    assert len(got) == rel.groupby(["period", "ie_flag"]).ngroups
    for (period, ie), part in rel.groupby(["period", "ie_flag"]):
        row = got.loc[(period, ie)]
        assert row["overall_n"] == len(part)
        for metric in ("overall", "customs"):
            for name, q in (("p50", 0.5), ("p90", 0.9)):
                exact = float(np.quantile(part[f"{metric}_h"], q, method="inverted_cdf"))
                assert row[f"{metric}_{name}_h"] == pytest.approx(
                    exact, rel=PERCENTILE_RELATIVE_ERROR + 1e-9, abs=1 / 60
                ), (period, ie, metric, name)


def test_clearance_totals_compare_with_last_year(engine: Engine, loaded: pd.DataFrame) -> None:
    got = trade.clearance_totals(engine, VIEW, None).set_index(["ie_flag", "when"])
    for when, (a, b) in (
        ("now", (VIEW.start, VIEW.end)),
        ("prior", (date(2025, 1, 10), date(2025, 3, 20))),
    ):
        part = _in(loaded, a, b)
        for ie in ("I", "E"):
            exact = float(np.median(part[part["ie_flag"] == ie]["overall_h"]))
            assert got.loc[(ie, when), "overall_p50_h"] == pytest.approx(
                exact, rel=PERCENTILE_RELATIVE_ERROR + 0.05
            )


def test_integration_share_and_pairs(engine: Engine, loaded: pd.DataFrame) -> None:
    series = trade.integration_series(engine, VIEW, None)
    rel = _in(loaded, VIEW.start, VIEW.end)
    bth = rel[rel["declare_district"].isin(["0100", "0200", "0400"])]
    cross = bth["declare_district"] != bth["port_district"]
    assert series["released_n"].sum() == len(bth)
    assert series["cross_n"].sum() == cross.sum()
    assert series["cross_value_usd"].sum() == pytest.approx(bth[cross]["value_usd"].sum())
    total = trade.integration_total(engine, VIEW, None)
    assert total["released_n"] == len(bth) and total["cross_n"] == cross.sum()
    assert total["value_usd"] == pytest.approx(bth["value_usd"].sum())
    matrix = trade.od_matrix(engine, VIEW, None).set_index(["declare_district", "port_district"])
    months = _in(loaded, date(2026, 1, 1), date(2026, 3, 31))
    for (d, p), part in months.groupby(["declare_district", "port_district"]):
        assert matrix.loc[(d, p), "released_n"] == len(part)
        assert matrix.loc[(d, p), "overall_p50_h"] == pytest.approx(
            float(np.quantile(part["overall_h"], 0.5, method="inverted_cdf")),
            rel=PERCENTILE_RELATIVE_ERROR + 1e-9,
        )


def test_composition_top_n_and_partner_regions(engine: Engine, loaded: pd.DataFrame) -> None:
    months = _in(loaded, date(2026, 1, 1), date(2026, 3, 31))
    region = {"DE": "EU", "US": "US", "VN": "ASEAN", "": "UNKNOWN", "SA": "MIDEAST"}
    region |= {"BR": "BR", "AU": "AU"}
    codes = months["trade_country"].fillna("").map(region)
    want = months.groupby(codes)["value_usd"].sum().sort_values(ascending=False)
    got = trade.composition(engine, VIEW, None, "partner_region").set_index("code")
    np.testing.assert_allclose(got.loc[want.index, "value_usd"], want, rtol=1e-9)
    assert got["share"].sum() == pytest.approx(1.0)
    sections = trade.composition(engine, VIEW, None, "hs_section").set_index("code")
    assert set(sections.index) == {"XVI", "V", "XVII"}  # 84/85, 27, 87
    assert sections.loc["XVI", "released_n"] == months["hs_chapter"].isin(["84", "85"]).sum()


def test_scope_limits_every_figure(engine: Engine, loaded: pd.DataFrame) -> None:
    tianjin = ("0200",)
    rel = _in(loaded, VIEW.start, VIEW.end)
    got = trade.value_series(engine, VIEW, tianjin)
    assert set(got["declare_district"]) == {"0200"}
    want = rel[rel["declare_district"] == "0200"]["value_usd"].sum()
    assert got["value_usd"].sum() == pytest.approx(want)
    matrix = trade.od_matrix(engine, VIEW, tianjin)
    assert set(matrix["declare_district"]) | set(matrix["port_district"]) == {"0200"}
    mix = trade.composition(engine, VIEW, tianjin, "trade_mode")
    months = _in(loaded, date(2026, 1, 1), date(2026, 3, 31))
    assert mix["released_n"].sum() == (months["declare_district"] == "0200").sum()
    clearance = trade.clearance_series(engine, VIEW, tianjin)
    assert clearance["overall_n"].sum() == (rel["declare_district"] == "0200").sum()
    # a district filter outside the scope finds nothing rather than widening it
    beijing = VIEW._replace(districts=("0100",))
    assert trade.value_series(engine, beijing, tianjin)["value_usd"].sum() == 0
    assert trade.clearance_series(engine, beijing, tianjin).empty


def test_ranges_over_whole_years_read_every_grain(engine: Engine, loaded: pd.DataFrame) -> None:
    """Fifteen months: whole years, quarters and months of the rollups add up exactly."""
    view = TradeView(date(2025, 1, 1), date(2026, 3, 31), "quarter", None, "IE")
    rel = _in(loaded, view.start, view.end)
    totals = trade.totals(engine, view, None, view.start, view.end)
    assert totals.loc["IE", "released_n"] == len(rel)
    assert totals.loc["IE", "value_usd"] == pytest.approx(rel["value_usd"].sum())
    matrix = trade.od_matrix(engine, view, None)
    assert matrix["released_n"].sum() == len(rel)
    mix = trade.composition(engine, view, None, "trade_mode")
    assert mix["released_n"].sum() == len(rel)
    series = trade.value_series(engine, view, None)
    assert series["released_n"].sum() == len(rel) and len(series["period"].unique()) == 5
    clearance = trade.clearance_series(engine, view, None)
    assert clearance["overall_n"].sum() == len(rel)


def test_several_districts_are_summed_for_percentiles(engine: Engine, loaded: pd.DataFrame) -> None:
    view = VIEW._replace(districts=("0100", "0200"), granularity="month")
    got = trade.clearance_series(engine, view, None).set_index(["period", "ie_flag"])
    rel = _in(loaded, view.start, view.end)
    rel = rel[rel["declare_district"].isin(["0100", "0200"])]
    for (period, ie), part in rel.groupby([series_period(rel["day"], "month"), "ie_flag"]):
        exact = float(np.quantile(part["overall_h"], 0.9, method="inverted_cdf"))
        assert got.loc[(period, ie), "overall_n"] == len(part)
        assert got.loc[(period, ie), "overall_p90_h"] == pytest.approx(
            exact, rel=PERCENTILE_RELATIVE_ERROR + 1e-9
        )


def test_leap_day_is_not_compared_with_another_day(engine: Engine) -> None:
    """Day by day around 29 February 2024: that day has no base, 28 February 2025 is
    compared with 28 February 2024 only."""
    now = datetime(2025, 3, 5, 12, 0)
    days = [date(2023, 2, 27), date(2023, 2, 28), date(2024, 2, 28), date(2024, 2, 29)]
    days += [date(2025, 2, 28), date(2024, 3, 1), date(2025, 3, 1)]
    rows = [
        f.declaration(
            i + 1,
            declared=datetime.combine(d, datetime.min.time()) + timedelta(hours=8),
            hours=1.0,
            value=1000.0 * (i + 1),
        )  # fmt: skip
        for i, d in enumerate(days)
    ]
    assert ingest_records(engine, "declarations", rows, name="leap", source="t", now=now).accepted
    app = Flask("leap")
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
    with app.app_context():
        leap = trade.value_series(
            engine, TradeView(date(2024, 2, 28), date(2024, 3, 1), "day", None, "IE"), None
        ).set_index("period")
        later = trade.value_series(
            engine, TradeView(date(2025, 2, 28), date(2025, 3, 1), "day", None, "IE"), None
        ).set_index("period")
    assert list(leap.index.date) == [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert leap.loc["2024-02-28", "prior_value_usd"] == pytest.approx(2000.0)
    assert math.isnan(leap.loc["2024-02-29", "prior_value_usd"])
    assert later.loc["2025-02-28", "prior_value_usd"] == pytest.approx(3000.0)  # not + 29 Feb
    assert later.loc["2025-03-01", "prior_value_usd"] == pytest.approx(6000.0)


@pytest.mark.parametrize(
    ("districts", "scope", "granularity"),
    [
        (None, None, "month"),
        (None, None, "week"),
        (("0200",), None, "day"),
        (("0100", "7900"), None, "quarter"),
        (None, ("0200", "0400"), "month"),
        (("0100", "0200"), ("0200",), "week"),
    ],
)
def test_stored_percentiles_equal_the_histogram(
    engine: Engine,
    loaded: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
    districts: tuple[str, ...] | None,
    scope: tuple[str, ...] | None,
    granularity: str,
) -> None:
    """Whole periods are read from rollup_trade_pct; the same series computed from the
    histogram rows alone is identical (sets of districts, scope, partial edge periods)."""
    view = TradeView(date(2025, 9, 17), date(2026, 3, 20), granularity, districts, "IE")
    if granularity == "day":
        view = view._replace(start=date(2026, 2, 1))
    stored = trade.clearance_series(engine, view, scope)
    monkeypatch.setattr(trade.tq, "stored_percentiles", lambda *a, **k: None)
    from_hist = trade.clearance_series(engine, view, scope)
    assert len(stored) > 3
    pd.testing.assert_frame_equal(stored, from_hist, check_exact=False, rtol=1e-12)
