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

import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Final, NamedTuple, TypeVar, cast

import flask
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.cache import cache
from dashboard.histogram import grouped_percentiles
from dashboard.periods import (
    Segment,
    cover,
    labelled_segments,
    prior_range,
    series_start,
    shift_years,
    whole_months,
    year_before,
)
from dashboard.queries import Scope, feeds
from dashboard.queries import trade as tq
from dashboard.reference import load_reference
from dashboard.rollups_trade import QUANTILES

T = TypeVar("T")
EPOCH: Final = date(1970, 1, 1)
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


# --- cached reads --------------------------------------------------------------------------
@cache.memoize()
def _sums(
    engine: Engine,
    version: str,
    segs: tuple[tuple[Segment, date | None], ...],
    scope: Scope,
    view: TradeView,
    ports: bool,
) -> list[tuple[Any, ...]]:
    return tq.trade_sums(engine, segs, scope, view.districts, view.ie, ports=ports)


@cache.memoize()
def _hist(
    engine: Engine,
    version: str,
    segs: tuple[tuple[Segment, date | None], ...],
    scope: Scope,
    view: TradeView,
) -> np.ndarray:
    return tq.hist_rows(engine, segs, scope, view.districts, view.ie)


def _once(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()` once per request and key (a callback calls several facades)."""
    if not flask.has_request_context():
        return compute()
    memo: dict[tuple[Any, ...], Any] = flask.g.setdefault("trade_memo", {})
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])


def _version(engine: Engine) -> str:
    """The data version, read once per request."""
    return _once(("version",), lambda: feeds.data_version(engine))


@cache.memoize()
def _first_days(
    engine: Engine, version: str, districts: tuple[str, ...], scope: Scope
) -> dict[str, date]:
    return tq.first_release_days(engine, districts, scope)


def first_days(engine: Engine, view: TradeView, scope: Scope) -> dict[str, date]:
    """The first day of data of each of the view's districts: a district's year-on-year
    comparison needs its base to start on or after it (else its growth is not shown, and
    it is left out of the growth of a total)."""
    chosen = tuple(view.districts or sorted(load_reference().code_set("district")))
    return _once(
        ("first", chosen, scope), lambda: _first_days(engine, _version(engine), chosen, scope)
    )


def _has_base(first: dict[str, date], district: str, base: date) -> bool:
    return district in first and base >= first[district]


def _day(epoch: int) -> date:
    return EPOCH + timedelta(days=int(epoch))


def _aligned(day: date, shift: timedelta | None) -> date:
    """A year-earlier period start moved onto the current range's period."""
    return day + shift if shift is not None else shift_years(day, 1)


def _frame(
    rows: dict[tuple[Any, ...], list[float]], keys: list[str], measures: list[str]
) -> pd.DataFrame:
    ordered = sorted(rows)
    out = pd.DataFrame(ordered, columns=keys)
    values = np.array([rows[k] for k in ordered], dtype=float).reshape(-1, len(measures))
    for i, m in enumerate(measures):
        out[m] = values[:, i]
    if "period" in out:
        out["period"] = pd.to_datetime(out["period"]).astype("datetime64[us]")
    return out


# --- value ---------------------------------------------------------------------------------
VALUE_KEYS: Final = ["period", "declare_district", "ie_flag"]
VALUE_MEASURES: Final = ["released_n", "value_usd", "prior_n", "prior_value_usd"]


def value_series(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Released declarations and value per period, declaring district and direction, with
    the same days a year earlier (NaN where the data does not cover them).

    Returns:
        Columns period, declare_district, ie_flag, released_n, value_usd, prior_n,
        prior_value_usd.
    """
    version = _version(engine)
    g = view.granularity
    segs = tuple(labelled_segments(view.start, view.end, g, TRADE_GRAINS))
    p_start, p_end, shift = prior_range(view.start, view.end, g)
    prior_segs = tuple(labelled_segments(p_start, p_end, g, TRADE_GRAINS))
    by_day = g == "day"
    rows: dict[tuple[Any, ...], list[float]] = {}
    for epoch, district, ie, n, value in _sums(engine, version, segs, scope, view, False):
        rows[(_day(epoch), district, ie)] = [float(n), float(value or 0), 0.0, 0.0]
    for epoch, district, ie, n, value in _sums(engine, version, prior_segs, scope, view, False):
        day = _day(epoch)
        if by_day and (day.month, day.day) == (2, 29):
            continue  # 29 February has no day a year later
        period = _aligned(day, shift)
        row = rows.setdefault((period, district, ie), [0.0, 0.0, 0.0, 0.0])
        row[2] += float(n)
        row[3] += float(value or 0)
    first = first_days(engine, view, scope)
    for (period, district, _ie), row in rows.items():
        part_start = max(period, view.start)  # the base is the part inside the range
        base = part_start - shift if shift is not None else year_before(part_start)
        leap = by_day and (period.month, period.day) == (2, 29)
        if leap or not _has_base(first, district, base):
            row[2] = row[3] = math.nan
    start = series_start(view.start, g)
    return _frame({k: v for k, v in rows.items() if k[0] >= start}, VALUE_KEYS, VALUE_MEASURES)


def growth(current: float, prior: float) -> float:
    """Year-on-year growth (0.12 = +12 %), NaN without a base to compare with."""
    return current / prior - 1.0 if prior > 0 else float("nan")


def totals(engine: Engine, view: TradeView, scope: Scope, start: date, end: date) -> pd.DataFrame:
    """`_totals`, once per request and range (year to date is often the range itself)."""
    return _once(
        ("totals", view, scope, start, end), lambda: _totals(engine, view, scope, start, end)
    )


def _totals(engine: Engine, view: TradeView, scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Released declarations and value per direction over [start, end] and the same
    dates a year earlier (for headline figures such as year to date).

    Growth compares like with like: only districts whose data covers the year-earlier
    dates count in it (`based_value_usd` now against `prior_value_usd`).

    Returns:
        Index I, E and IE (both): released_n, value_usd, prior_n, prior_value_usd,
        based_value_usd, growth (prior and growth NaN when no district has a base).
    """
    version = _version(engine)
    first = first_days(engine, view, scope)
    based = {d for d in first if _has_base(first, d, year_before(start))}
    # per direction: all districts now; districts with a base now and a year earlier
    sums = {ie: [0.0, 0.0, 0.0, 0.0, 0.0] for ie in ("I", "E")}
    for when, (a, b) in (("now", (start, end)), ("prior", (year_before(start), year_before(end)))):
        segs = tuple((seg, a) for seg in cover(a, b, TRADE_GRAINS))
        for _p, district, ie, n, value in _sums(engine, version, segs, scope, view, False):
            row = sums[ie]
            if when == "now":
                row[0] += float(n)
                row[1] += float(value or 0)
                row[4] += float(value or 0) if district in based else 0.0
            elif district in based:
                row[2] += float(n)
                row[3] += float(value or 0)
    columns = [*VALUE_MEASURES, "based_value_usd"]
    out = pd.DataFrame.from_dict(sums, orient="index", columns=columns)
    out.loc["IE"] = out.sum()
    if not based:  # no district has data a year before the start
        out[["prior_n", "prior_value_usd"]] = np.nan
    out["growth"] = [
        growth(c, p) for c, p in zip(out["based_value_usd"], out["prior_value_usd"], strict=True)
    ]
    return out


# --- clearance time --------------------------------------------------------------------------


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
    version = _version(engine)
    whole = tuple(seg for seg, label in segs if label is None)
    stored = _stored(engine, version, whole, scope, view) if whole else []
    if stored is None:  # a set of districts without stored percentiles
        return _percentiles(_hist(engine, version, tuple(segs), scope, view))
    edges = tuple((seg, label) for seg, label in segs if label is not None)
    parts = [_percentiles(_hist(engine, version, edges, scope, view))] if edges else []
    if stored:
        parts.append(_stored_frame(stored))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _percentiles(np.empty((0, 5), dtype=np.int64))
    out = pd.concat(parts, ignore_index=True)
    # the histogram path's order: by period, import ("I") before export ("E")
    return out.sort_values(["period", "ie_flag"], ascending=[True, False], ignore_index=True)


@cache.memoize()
def _stored(
    engine: Engine, version: str, segs: tuple[Segment, ...], scope: Scope, view: TradeView
) -> list[tuple[Any, ...]] | None:
    return tq.stored_percentiles(engine, segs, scope, view.districts, view.ie)


def _stored_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """`_percentiles`' frame from stored percentile rows (`queries.trade.stored_percentiles`)."""
    cols = list(zip(*rows, strict=True))
    out = pd.DataFrame(
        {name: np.array(cols[i + 2], dtype=float) for i, name in enumerate(PERCENTILE_COLUMNS)}
    )
    out.insert(0, "ie_flag", ["IE"[k] for k in cols[1]])
    out.insert(
        0,
        "period",
        pd.to_datetime(np.array(cols[0], dtype="datetime64[D]")).astype("datetime64[us]"),
    )
    return out


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
    segs = tuple(labelled_segments(view.start, view.end, view.granularity, TRADE_GRAINS))
    region = integrated_districts()
    rows: dict[tuple[Any, ...], list[float]] = {}
    for epoch, declared, port, _ie, n, value in _sums(
        engine, _version(engine), segs, scope, view, True
    ):
        if declared not in region or port not in region:
            continue  # integration is between the districts of the region
        row = rows.setdefault((_day(epoch),), [0.0, 0.0, 0.0, 0.0])
        cross = declared != port
        row[0] += float(n)
        row[1] += float(n) if cross else 0.0
        row[2] += float(value or 0)
        row[3] += float(value or 0) if cross else 0.0
    out = _frame(rows, ["period"], ["released_n", "cross_n", "value_usd", "cross_value_usd"])
    out["share_n"] = out["cross_n"] / out["released_n"].where(out["released_n"] > 0)
    out["share_value"] = out["cross_value_usd"] / out["value_usd"].where(out["value_usd"] > 0)
    return out


def integration_total(engine: Engine, view: TradeView, scope: Scope) -> dict[str, float]:
    """`integration_series` summed over the whole range (one read of whole periods).

    Returns:
        released_n, cross_n, value_usd, cross_value_usd.
    """
    segs = tuple((seg, view.start) for seg in cover(view.start, view.end, TRADE_GRAINS))
    region = integrated_districts()
    out = dict.fromkeys(("released_n", "cross_n", "value_usd", "cross_value_usd"), 0.0)
    for _p, declared, port, _ie, n, value in _sums(
        engine, _version(engine), segs, scope, view, True
    ):
        if declared in region and port in region:
            cross = declared != port
            out["released_n"] += float(n)
            out["cross_n"] += float(n) if cross else 0.0
            out["value_usd"] += float(value or 0)
            out["cross_value_usd"] += float(value or 0) if cross else 0.0
    return out


@cache.memoize()
def _od_hist(
    engine: Engine, version: str, segs: tuple[Segment, ...], scope: Scope, view: TradeView
) -> list[tuple[Any, ...]]:
    return tq.od_hist(engine, segs, scope, view.districts, view.ie)


def od_matrix(engine: Engine, view: TradeView, scope: Scope) -> pd.DataFrame:
    """Declaring district x port district over the range widened to whole months:
    released declarations, value and median overall clearance time per pair.

    Both ends of a pair are in the caller's scope.

    Returns:
        Columns declare_district, port_district, released_n, value_usd, overall_p50_h.
    """
    version = _version(engine)
    first, last = whole_months(view.start, view.end)
    segs = tuple((seg, first) for seg in cover(first, last, TRADE_GRAINS))
    pairs: dict[tuple[Any, ...], list[float]] = {}
    for _p, declared, port, _ie, n, value in _sums(engine, version, segs, scope, view, True):
        row = pairs.setdefault((declared, port), [0.0, 0.0, math.nan])
        row[0] += float(n)
        row[1] += float(value or 0)
    hist = _od_hist(engine, version, tuple(cover(first, last, MONTH_GRAINS + ("D",))), scope, view)
    if hist:
        index = {pair: i for i, pair in enumerate(sorted({(d, p) for d, p, _b, _n in hist}))}
        codes = np.array([index[(d, p)] for d, p, _b, _n in hist])
        buckets = np.array([b for _d, _p, b, _n in hist])
        counts = np.array([float(n) for _d, _p, _b, n in hist])
        groups, _totals, hours = grouped_percentiles(codes, buckets, counts, {"p50": 0.5})
        pair_of = {i: pair for pair, i in index.items()}
        for g, median in zip(groups.tolist(), hours["p50"].tolist(), strict=True):
            if pair_of[g] in pairs:
                pairs[pair_of[g]][2] = median
    out = _frame(
        {k: v for k, v in pairs.items() if v[0] > 0},
        ["declare_district", "port_district"],
        ["released_n", "value_usd", "overall_p50_h"],
    )
    return out


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
    segs = tuple(cover(first, last, MONTH_GRAINS + ("D",)))
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
