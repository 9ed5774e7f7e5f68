"""Trade Trends data: growth of released trade value, clearance time beside it,
composition and regional integration, for one validated `TradeView`.

Callbacks call these functions with the engine, the caller's scope and the view; reads are
memoized per data version (ingest advances it, so new data shows at the next request) and
return USD figures; `in_currency` converts for display. Definitions:

- Trade value is the declared value (in USD at the reference rate) of declarations
  released in the period, by release day (the statistical time of customs statistics),
  counted for the declaring district.
- Year-on-year growth compares each period with the same dates a year earlier (weeks with
  the week 52 weeks earlier); a period still running is compared with the same days of
  last year's period, never with the whole of it.
- Clearance time: overall = arrival to release, customs = accepted to release, as median
  and 90th percentile read from log-spaced histograms (error at most
  `histogram.PERCENTILE_RELATIVE_ERROR`).
- Regional integration: declarations lodged in a district of the integrated region
  (Beijing, Tianjin, Shijiazhuang) and released at a port of another district.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.cache import cache
from dashboard.histogram import grouped_percentiles, percentile_from_histogram
from dashboard.i18n import district_names
from dashboard.periods import (
    Segment,
    cover,
    labelled_segments,
    prior_range,
    series_period,
    series_segments,
    whole_months,
    year_before,
)
from dashboard.queries import Scope, feeds
from dashboard.queries import trade as tq
from dashboard.reference import load_reference

CURRENCIES: Final = ("USD", "CNY")
DIRECTIONS: Final = ("IE", "I", "E")
DIMENSIONS: Final = ("trade_mode", "transport_mode", "hs_section", "hs_chapter", "partner_region")
TOP_N: Final = 8
OTHER: Final = "__other__"
TRADE_GRAINS: Final = ("D", "W", "M", "Q")
HIST_GRAINS: Final = ("D", "W", "M", "Q", "Y")
MONTH_GRAINS: Final = ("M", "Q", "Y")


class TradeView(NamedTuple):
    """What the page shows: validated by the callback before it gets here."""

    start: date
    end: date
    granularity: str  # day, week, month, quarter (already fitted to the range)
    districts: tuple[str, ...] | None  # None: every district in the caller's scope
    direction: str  # IE (both), I or E

    @property
    def ie(self) -> str | None:
        """The direction filter for queries (None for both)."""
        return None if self.direction == "IE" else self.direction


def usd_per(currency: str) -> float:
    """USD value of one unit of `currency` (reference table `codes.csv`)."""
    return load_reference().usd_rates()[currency]


def in_currency(values: pd.Series, currency: str) -> pd.Series:
    """USD amounts expressed in `currency` at the reference rate."""
    return values / usd_per(currency)


def integrated_districts() -> frozenset[str]:
    """Districts of the integrated clearance region (those with an integration date)."""
    return frozenset(
        d["district_code"] for d in load_reference().districts if d["integration_start"]
    )


def _segments(segs: Sequence[Segment]) -> tuple[Segment, ...]:
    return tuple(segs)


# --- cached reads --------------------------------------------------------------------------
@cache.memoize()
def _trade(
    engine: Engine, version: str, segs: tuple[Segment, ...], scope: Scope, view: TradeView
) -> pd.DataFrame:
    return tq.trade_rows(engine, segs, scope, view.districts, view.ie)


@cache.memoize()
def _hist(
    engine: Engine,
    version: str,
    segs: tuple[tuple[Segment, date | None], ...],
    scope: Scope,
    view: TradeView,
) -> np.ndarray:
    return tq.hist_rows(engine, segs, scope, view.districts, view.ie)


def _version(engine: Engine) -> str:
    return feeds.data_version(engine)


@cache.memoize()
def _first_day(engine: Engine, version: str, districts: tuple[str, ...]) -> date | None:
    return tq.first_release_day(engine, districts)


def first_day(engine: Engine, view: TradeView, scope: Scope) -> date | None:
    """The first day of data in the view's districts: a year-on-year comparison needs its
    base period to start on or after it (else the growth is not shown)."""
    every = sorted(load_reference().code_set("district"))
    chosen = [d for d in view.districts or every if scope is None or d in scope]
    return _first_day(engine, _version(engine), tuple(chosen))


def _shift_years(periods: pd.Series, years: int) -> pd.Series:
    """Timestamps moved by whole calendar years (29 February to 28 February)."""
    moved = {p: pd.Timestamp(p.date().replace(year=p.year + years, day=min(p.day, 28)))
             if p.month == 2 and p.day == 29 else p.replace(year=p.year + years)
             for p in periods.unique()}  # fmt: skip
    return periods.map(moved)


def _aligned(periods: pd.Series, shift: timedelta | None) -> pd.Series:
    """Periods of the year-earlier range moved onto the current range's periods."""
    if shift is not None:
        return periods + pd.Timedelta(shift)
    return _shift_years(periods, 1)


# --- value ---------------------------------------------------------------------------------
VALUE_KEYS: Final = ["period", "declare_district", "ie_flag"]


def _value_by_period(rows: pd.DataFrame, granularity: str) -> pd.DataFrame:
    rows = rows.assign(period=series_period(rows["period"], granularity))
    return rows.groupby(VALUE_KEYS, as_index=False)[["released_n", "released_value_usd"]].sum()


def value_series(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Released declarations and value per period, declaring district and direction, with
    the same periods a year earlier.

    Returns:
        Columns period, declare_district, ie_flag, released_n, value_usd, prior_n,
        prior_value_usd (zeros where a side has no rows).
    """
    version = _version(engine)
    g = view.granularity
    now = _trade(
        engine,
        version,
        _segments(series_segments(view.start, view.end, g, TRADE_GRAINS)),
        scope,
        view,
    )
    p_start, p_end, shift = prior_range(view.start, view.end, g)
    before = _trade(
        engine, version, _segments(series_segments(p_start, p_end, g, TRADE_GRAINS)), scope, view
    )
    cur = _value_by_period(now, g)
    old = _value_by_period(before, g)
    old["period"] = series_period(_aligned(old["period"], shift), g)
    old = old.groupby(VALUE_KEYS, as_index=False)[["released_n", "released_value_usd"]].sum()
    out = cur.merge(old, on=VALUE_KEYS, how="outer", suffixes=("", "_prior")).fillna(0.0)
    out = out[out["period"] >= series_period(pd.Series([pd.Timestamp(view.start)]), g)[0]]
    first = first_day(engine, view, scope)
    # the base of a period is the part of it inside the range, a year earlier
    part_start = out["period"].where(
        out["period"] >= pd.Timestamp(view.start), pd.Timestamp(view.start)
    )
    base_start = (
        part_start - pd.Timedelta(shift) if shift is not None else _shift_years(part_start, -1)
    )
    no_base = base_start < pd.Timestamp(first) if first else pd.Series(True, index=out.index)
    out.loc[no_base, ["released_n_prior", "released_value_usd_prior"]] = np.nan
    out = out.rename(
        columns={
            "released_value_usd": "value_usd",
            "released_n_prior": "prior_n",
            "released_value_usd_prior": "prior_value_usd",
        }
    )
    return out.sort_values(VALUE_KEYS, ignore_index=True)


def growth(current: float, prior: float) -> float:
    """Year-on-year growth (0.12 = +12 %), NaN without a base to compare with."""
    return current / prior - 1.0 if prior > 0 else float("nan")


def totals(engine: Engine, view: TradeView, scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Released declarations and value per direction over [start, end] and the same
    dates a year earlier (for headline figures such as year to date).

    Returns:
        One row per direction (I, E) and a row "IE" for both: released_n, value_usd,
        prior_n, prior_value_usd, growth.
    """
    version = _version(engine)
    cur = _trade(engine, version, _segments(cover(start, end, TRADE_GRAINS)), scope, view)
    old = _trade(
        engine,
        version,
        _segments(cover(year_before(start), year_before(end), TRADE_GRAINS)),
        scope,
        view,
    )
    measures = ["released_n", "released_value_usd"]
    a = cur.groupby("ie_flag")[measures].sum()
    b = old.groupby("ie_flag")[measures].sum().add_prefix("prior_")
    out = a.join(b, how="outer").reindex(["I", "E"]).fillna(0.0)
    out.loc["IE"] = out.sum()
    out = out.rename(columns={"released_value_usd": "value_usd", "prior_released_n": "prior_n"})
    out = out.rename(columns={"prior_released_value_usd": "prior_value_usd"})
    first = first_day(engine, view, scope)
    if first is None or year_before(start) < first:  # no complete base a year earlier
        out[["prior_n", "prior_value_usd"]] = np.nan
    out["growth"] = [
        growth(c, p) for c, p in zip(out["value_usd"], out["prior_value_usd"], strict=True)
    ]
    return out


# --- clearance time --------------------------------------------------------------------------
QUANTILES: Final = {"p50": 0.5, "p90": 0.9}


PERCENTILE_COLUMNS: Final = [
    f"{m}_{x}" for m in ("overall", "customs") for x in ("n", "p50_h", "p90_h")
]


def _percentiles(rows: np.ndarray) -> pd.DataFrame:
    """Median and p90 of overall and customs time per (period, direction) of histogram rows
    from `queries.trade.hist_rows`."""
    if rows.size == 0:
        return pd.DataFrame(columns=["period", "ie_flag", *PERCENTILE_COLUMNS])
    day, ie, bucket = rows[:, 0], rows[:, 1], rows[:, 2]
    codes = day * 2 + ie
    found: dict[int, dict[str, float]] = {}
    for metric, counts in (("overall", rows[:, 3]), ("customs", rows[:, 4])):
        groups, totals, hours = grouped_percentiles(codes, bucket, counts, QUANTILES)
        for i, g in enumerate(groups.tolist()):
            row = found.setdefault(g, {})
            row[f"{metric}_n"] = float(totals[i])
            for q in QUANTILES:
                row[f"{metric}_{q}_h"] = float(hours[q][i])
    keys = sorted(found)
    out = pd.DataFrame([found[k] for k in keys], columns=PERCENTILE_COLUMNS)
    out.insert(0, "ie_flag", ["IE"[k % 2] for k in keys])
    epoch = np.array([k // 2 for k in keys], dtype="datetime64[D]")
    out.insert(0, "period", pd.to_datetime(epoch).astype("datetime64[us]"))
    return out.fillna({"overall_n": 0.0, "customs_n": 0.0})


def clearance_series(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Median and p90 clearance time (overall, customs) per period and direction.

    Returns:
        Columns period, ie_flag, overall_n, overall_p50_h, overall_p90_h, customs_n,
        customs_p50_h, customs_p90_h.
    """
    segs = labelled_segments(view.start, view.end, view.granularity, HIST_GRAINS)
    return _percentiles(_hist(engine, _version(engine), tuple(segs), scope, view))


def clearance_totals(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Median and p90 clearance time per direction over the range and a year earlier.

    Returns:
        Columns ie_flag, when ("now" or "prior") and those of `clearance_series`.
    """
    version = _version(engine)
    parts = []
    for when, (a, b) in (
        ("now", (view.start, view.end)),
        ("prior", (year_before(view.start), year_before(view.end))),
    ):
        segs = tuple((seg, a) for seg in cover(a, b, HIST_GRAINS))  # one group: the range
        parts.append(_percentiles(_hist(engine, version, segs, scope, view)).assign(when=when))
    out = pd.concat(parts, ignore_index=True).drop(columns="period")
    return out[["ie_flag", "when", *PERCENTILE_COLUMNS]]


# --- regional integration ----------------------------------------------------------------------
def integration_series(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Share of declarations and value lodged in one district of the integrated region and
    released at a port of another, per period.

    Returns:
        Columns period, released_n, cross_n, value_usd, cross_value_usd, share_n,
        share_value (NaN where nothing was released).
    """
    segs = _segments(series_segments(view.start, view.end, view.granularity, TRADE_GRAINS))
    rows = _trade(engine, _version(engine), segs, scope, view)
    rows = rows[rows["declare_district"].isin(integrated_districts())]
    cross = rows["declare_district"] != rows["port_district"]
    frame = pd.DataFrame(
        {
            "period": series_period(rows["period"], view.granularity),
            "released_n": rows["released_n"],
            "cross_n": rows["released_n"].where(cross, 0),
            "value_usd": rows["released_value_usd"],
            "cross_value_usd": rows["released_value_usd"].where(cross, 0.0),
        }
    )
    out = frame.groupby("period", as_index=False).sum().sort_values("period", ignore_index=True)
    out["share_n"] = out["cross_n"] / out["released_n"].where(out["released_n"] > 0)
    out["share_value"] = out["cross_value_usd"] / out["value_usd"].where(out["value_usd"] > 0)
    return out


@cache.memoize()
def _od(
    engine: Engine, version: str, segs: tuple[Segment, ...], scope: Scope, view: TradeView
) -> tuple[pd.DataFrame, pd.DataFrame]:
    volume = tq.trade_rows(engine, segs, scope, view.districts, view.ie)
    hist = tq.od_hist(engine, segs, scope, view.districts, view.ie)
    return volume, hist


def od_matrix(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Declaring district x port district over the range widened to whole months:
    released declarations, value and median overall clearance time per pair.

    Both ends of a pair are in the caller's scope.

    Returns:
        Columns declare_district, port_district, released_n, value_usd, overall_p50_h.
    """
    first, last = whole_months(view.start, view.end)
    segs = _segments(cover(first, last, MONTH_GRAINS + ("D",)))
    volume, hist = _od(engine, _version(engine), segs, scope, view)
    if scope is not None:
        volume = volume[volume["port_district"].isin(scope)]
    pairs = ["declare_district", "port_district"]
    vol = volume.groupby(pairs, as_index=False)[["released_n", "released_value_usd"]].sum()
    medians = [
        {
            "declare_district": d,
            "port_district": p,
            "overall_p50_h": percentile_from_histogram(part["bucket"], part["overall_n"], 0.5),
        }
        for (d, p), part in hist.groupby(pairs)
    ]
    med = pd.DataFrame(medians, columns=[*pairs, "overall_p50_h"])
    out = vol.merge(med, on=pairs, how="left").rename(columns={"released_value_usd": "value_usd"})
    return out[out["released_n"] > 0].reset_index(drop=True)


# --- composition ---------------------------------------------------------------------------------
@cache.memoize()
def _mix(
    engine: Engine,
    version: str,
    segs: tuple[Segment, ...],
    dimension: str,
    scope: Scope,
    view: TradeView,
) -> pd.DataFrame:
    return tq.mix(engine, segs, dimension, scope, view.districts, view.ie)


def composition(engine: Engine, view: TradeView, scope: Scope, dimension: str) -> pd.DataFrame:
    """Released value and declarations by code of `dimension` over the range widened to
    whole months, the largest `TOP_N` and the rest summed as `OTHER`, largest first.

    HS sections are summed from chapters (reference `hs_chapters.csv`).

    Returns:
        Columns code, released_n, value_usd, share (of value).
    """
    first, last = whole_months(view.start, view.end)
    segs = _segments(cover(first, last, MONTH_GRAINS + ("D",)))
    stored = "hs_chapter" if dimension == "hs_section" else dimension
    frame = _mix(engine, _version(engine), segs, stored, scope, view)
    if dimension == "hs_section":
        frame = frame.assign(code=frame["code"].map(_chapter_sections()).fillna(frame["code"]))
        frame = frame.groupby("code", as_index=False)[["released_n", "released_value_usd"]].sum()
    frame = frame.rename(columns={"released_value_usd": "value_usd"})
    frame = frame.sort_values("value_usd", ascending=False, ignore_index=True)
    if len(frame) > TOP_N + 1:
        rest = frame.iloc[TOP_N:][["released_n", "value_usd"]].sum()
        other = pd.DataFrame([{"code": OTHER, **rest.to_dict()}])
        frame = pd.concat([frame.iloc[:TOP_N], other], ignore_index=True)
    total = float(frame["value_usd"].sum())
    frame["share"] = frame["value_usd"] / total if total > 0 else np.nan
    return frame


def _chapter_sections() -> dict[str, str]:
    """HS chapter -> HS section (reference `hs_chapters.csv`)."""
    return {c["chapter"]: c["section"] for c in load_reference().hs_chapters}


# --- the data behind each chart, for CSV --------------------------------------------------------
def export_frame(
    engine: Engine,
    view: TradeView,
    scope: Scope,
    chart: str,
    currency: str,
    dimension: str,
    lang: str,
) -> pd.DataFrame:
    """The rows behind one chart of the page, with names instead of codes and values in
    `currency` (columns named in `lang`)."""
    names = district_names(lang)
    cur = in_currency
    zh = lang == "zh"
    if chart == "value":
        s = value_series(engine, view, scope)
        return pd.DataFrame(
            {
                "期间" if zh else "period": s["period"].dt.date,
                "申报关区" if zh else "declaring_district": s["declare_district"].map(names),
                "进出口" if zh else "direction": s["ie_flag"].map(_direction_names(lang)),
                "放行报关单" if zh else "released_declarations": s["released_n"].astype(int),
                f"货值_{currency}" if zh else f"value_{currency}": cur(
                    s["value_usd"], currency
                ).round(2),
                f"去年同期货值_{currency}" if zh else f"prior_value_{currency}": cur(
                    s["prior_value_usd"], currency
                ).round(2),
                "同比" if zh else "yoy_growth": [
                    growth(a, b) for a, b in zip(s["value_usd"], s["prior_value_usd"], strict=True)
                ],
            }
        )
    if chart == "clearance":
        s = clearance_series(engine, view, scope)
        out = s.rename(columns={"period": "期间" if zh else "period"})
        out.insert(1, "进出口" if zh else "direction", s["ie_flag"].map(_direction_names(lang)))
        return out.drop(columns=["ie_flag"]).round(3)
    if chart == "mix":
        s = composition(engine, view, scope, dimension)
        table = {"hs_section": "hs_section", "hs_chapter": "hs_chapter"}.get(dimension, dimension)
        labels = load_reference().names(table, lang)
        return pd.DataFrame(
            {
                "维度" if zh else "dimension": dimension,
                "代码" if zh else "code": s["code"].replace({OTHER: ""}),
                "名称" if zh else "name": [
                    ("其他" if zh else "Other") if c == OTHER else labels.get(str(c), str(c))
                    for c in s["code"]
                ],
                "放行报关单" if zh else "released_declarations": s["released_n"].astype(int),
                f"货值_{currency}" if zh else f"value_{currency}": cur(
                    s["value_usd"], currency
                ).round(2),
                "占比" if zh else "share": s["share"].round(6),
            }
        )
    if chart == "integration":
        s = integration_series(engine, view, scope)
        s["value_usd"] = cur(s["value_usd"], currency)
        s["cross_value_usd"] = cur(s["cross_value_usd"], currency)
        return s.rename(
            columns={"value_usd": f"value_{currency}", "cross_value_usd": f"cross_value_{currency}"}
        )
    s = od_matrix(engine, view, scope)
    return pd.DataFrame(
        {
            "申报关区" if zh else "declaring_district": s["declare_district"].map(names),
            "口岸关区" if zh else "port_district": s["port_district"].map(names),
            "放行报关单" if zh else "released_declarations": s["released_n"].astype(int),
            f"货值_{currency}" if zh else f"value_{currency}": cur(s["value_usd"], currency).round(
                2
            ),
            "整体通关时间中位数_小时" if zh else "overall_median_h": s["overall_p50_h"].round(2),
        }
    )


def _direction_names(lang: str) -> dict[str, str]:
    return load_reference().names("ie_flag", lang)
