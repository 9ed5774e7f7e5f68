"""District Analysis: filters, their validation, and the memoized data behind each panel.

The page's state is a set of filters kept in the URL query string (bookmarkable): period,
district, port, direction, and the cross-filters a click on a chart adds (risk lane,
inspection method, trade mode, credit tier, weekday x hour cell). `parse_filters` checks
every value against allow-lists (reference code tables, fixed presets) and raises
`InvalidFilter` for anything else, so a forged value never reaches a query. Facades memoize
on primitive arguments, the caller's scope and the database's data version.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Final, TypeVar
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard import stages
from dashboard.cache import cache
from dashboard.histogram import grouped_percentiles, percentile_from_histogram
from dashboard.queries import Scope, feeds
from dashboard.queries import declarations as decl_q
from dashboard.queries import districts as q
from dashboard.queries.districts import Slice
from dashboard.reference import load_reference

PERIODS: Final[dict[str, int]] = {"1m": 1, "3m": 3, "6m": 6, "12m": 12, "24m": 24}
DEFAULT_PERIOD: Final = "3m"
SPLITS: Final[tuple[str, ...]] = ("lane", "method")
# URL key -> (Filters field, reference code table or None for a fixed set)
CODE_KEYS: Final[dict[str, str]] = {
    "district": "district",
    "port": "port",
    "lane": "risk_lane",
    "method": "inspection_method",
    "mode": "trade_mode",
    "tier": "credit_tier",
}
FIELD_OF_KEY: Final[dict[str, str]] = {
    "district": "district",
    "port": "port",
    "lane": "lane",
    "method": "method",
    "mode": "trade_mode",
    "tier": "tier",
    "ie": "ie",
    "wd": "weekday",
    "hr": "hour",
}
CHIP_KEYS: Final[tuple[str, ...]] = (
    "district",
    "port",
    "ie",
    "lane",
    "method",
    "mode",
    "tier",
    "wd",
)
# Which filters each chart's rollup carries (the table applies all of them).
APPLIES: Final[dict[str, frozenset[str]]] = {
    "kpis": frozenset({"district", "port", "ie"}),
    "ports": frozenset({"district", "port", "ie"}),
    "stages": frozenset({"district", "port", "ie", "lane", "method"}),
    "heatmap": frozenset({"district", "port", "ie"}),
    "hist": frozenset({"district", "port", "ie", "lane", "method"}),
    "mode": frozenset({"district", "port", "ie", "mode"}),
    "tier": frozenset({"district", "tier"}),
}


class InvalidFilter(ValueError):
    """A filter value that is not on its allow-list (names the URL key)."""


@dataclass(frozen=True)
class Filters:
    """The page state. All fields are primitives, so it hashes into cache keys."""

    period: str = DEFAULT_PERIOD
    district: str | None = None
    port: str | None = None
    ie: str | None = None
    lane: str | None = None
    method: str | None = None  # an inspection method or "NONE" (not inspected)
    trade_mode: str | None = None
    tier: str | None = None
    weekday: int | None = None
    hour: int | None = None
    split: str = "lane"
    newest_first: bool = True

    def to_query(self) -> dict[str, str]:
        """The URL query-string pairs of this state (defaults left out)."""
        out: dict[str, str] = {}
        if self.period != DEFAULT_PERIOD:
            out["period"] = self.period
        for key, field in FIELD_OF_KEY.items():
            value = getattr(self, field)
            if value is not None:
                out[key] = str(value)
        if self.split != "lane":
            out["split"] = self.split
        if not self.newest_first:
            out["sort"] = "oldest"
        return out

    def search(self) -> str:
        """ "?a=b&..." for dcc.Location (empty for the defaults)."""
        pairs = self.to_query()
        return "?" + urlencode(pairs) if pairs else ""

    def without(self, key: str) -> Filters:
        """This state with one chip's filter removed (the cell chip clears weekday and hour)."""
        if key == "wd":
            return replace(self, weekday=None, hour=None)
        if key == "district":
            return replace(self, district=None, port=None)
        values = self.as_dict()
        values[FIELD_OF_KEY[key]] = None
        return Filters(**values)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for a dcc.Store)."""
        return asdict(self)


def _int_in(value: Any, low: int, high: int, key: str) -> int:
    if isinstance(value, bool):
        raise InvalidFilter(key)
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit() and len(value) <= 2):
        number = int(value)
        if low <= number <= high:
            return number
    raise InvalidFilter(key)


def parse_filters(query: Mapping[str, Any], scope: Scope) -> Filters:
    """Validated `Filters` from URL query pairs or a stored state dict.

    Accepts either URL keys (district, port, ie, lane, method, mode, tier, wd, hr, period,
    split, sort) or `Filters` field names (a dcc.Store round trip). Unknown keys are ignored;
    a known key with a value off its allow-list raises.

    Args:
        query: the pairs.
        scope: the caller's districts; a district or port outside it is refused.

    Raises:
        InvalidFilter: naming the offending key.
    """
    ref = load_reference()
    values = dict(query)
    for key, field in FIELD_OF_KEY.items():
        if field in values and key not in values:
            values[key] = values[field]
    out: dict[str, Any] = {}
    period = values.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        raise InvalidFilter("period")
    out["period"] = period
    for key, table in CODE_KEYS.items():
        value = values.get(key)
        if value in (None, ""):
            continue
        allowed = ref.code_set(table) | ({"NONE"} if key == "method" else set())
        if not isinstance(value, str) or value not in allowed:
            raise InvalidFilter(key)
        out[FIELD_OF_KEY[key]] = value
    ie = values.get("ie")
    if ie not in (None, ""):
        if ie not in ("I", "E"):
            raise InvalidFilter("ie")
        out["ie"] = ie
    for key, high in (("wd", 6), ("hr", 23)):
        if values.get(key) not in (None, ""):
            out[FIELD_OF_KEY[key]] = _int_in(values[key], 0, high, key)
    if ("weekday" in out) != ("hour" in out):
        raise InvalidFilter("wd")
    split = values.get("split", "lane")
    if split not in SPLITS:
        raise InvalidFilter("split")
    out["split"] = split
    sort = values.get("sort", values.get("newest_first", "newest"))
    if sort not in ("newest", "oldest", True, False):
        raise InvalidFilter("sort")
    out["newest_first"] = sort in ("newest", True)
    f = Filters(**out)
    port_district = ref.port_district()
    if scope is not None:
        if f.district is not None and f.district not in scope:
            raise InvalidFilter("district")
        if f.port is not None and port_district.get(f.port) not in scope and f.district is None:
            raise InvalidFilter("port")
    return f


def month_range(period: str, latest: date) -> tuple[date, date]:
    """First days of the first and last month of a period ending with `latest`'s month."""
    last = latest.replace(day=1)
    n = PERIODS[period]
    index = last.year * 12 + last.month - 1 - (n - 1)
    return date(index // 12, index % 12 + 1, 1), last


def year_before(first: date, last: date) -> tuple[date, date]:
    """The same months one year earlier."""
    return first.replace(year=first.year - 1), last.replace(year=last.year - 1)


def make_slice(f: Filters, first: date, last: date, only: frozenset[str] | None = None) -> Slice:
    """The `Slice` of a filter state, keeping only the dimensions in `only` (None = all)."""

    def keep(key: str, value: Any) -> Any:
        return value if only is None or key in only else None

    return Slice(
        first=first,
        last=last,
        district=keep("district", f.district),
        port=keep("port", f.port),
        ie=keep("ie", f.ie),
        lane=keep("lane", f.lane),
        method=keep("method", f.method),
        trade_mode=keep("mode", f.trade_mode),
        tier=keep("tier", f.tier),
    )


# --- pure computations ----------------------------------------------------------------------
QUANTILES: Final = {"p50": 0.5, "p90": 0.9}


K = TypeVar("K", bound=Hashable)


def percentiles_of(
    keys: Sequence[K], buckets: Any, counts: Any
) -> dict[K, tuple[float, float, float]]:
    """Median, p90 (hours) and count per key of histogram rows (row i: keys[i], buckets[i],
    counts[i]), all groups at once with `histogram.grouped_percentiles`; groups without
    counts are left out. Plain tuples in, no pandas: this runs on every cold request."""
    index: dict[K, int] = {}
    codes = np.fromiter(
        (index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys)
    )
    groups, totals, hours = grouped_percentiles(
        codes, np.asarray(buckets, dtype=np.int64), np.asarray(counts, dtype=float), QUANTILES
    )
    names = list(index)
    p50, p90 = hours["p50"], hours["p90"]
    return {
        names[g]: (float(p50[i]), float(p90[i]), float(totals[i])) for i, g in enumerate(groups)
    }


def percentiles(hist: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Median, p90 and count per group of a bucket-count frame (columns *by, bucket, n)."""
    keys: list[tuple[Any, ...]] = list(zip(*(hist[k] for k in by), strict=True))
    found = percentiles_of(keys, hist["bucket"].to_numpy(), hist["n"].to_numpy())
    return pd.DataFrame.from_records(
        [(*k, *v) for k, v in found.items()], columns=[*by, "p50", "p90", "n"]
    )


def stage_table(rows: Sequence[tuple[Any, ...]], split: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-stage median/p90 overall and per split value (risk lane or inspection method).

    Args:
        rows: (stage, risk_lane, inspection_method, bucket, n) histogram rows.
        split: "lane" or "method" (an empty method is shown as "NONE").

    Returns:
        (overall: stage, p50, p90, n in waterfall order; by split: stage, group, p50, p90, n)
    """
    buckets = np.array([r[3] for r in rows], dtype=np.int64)
    counts = np.array([r[4] for r in rows], dtype=float)
    if split == "lane":
        groups = [(r[0], r[1]) for r in rows]
    else:
        groups = [(r[0], r[2] or "NONE") for r in rows]
    overall = percentiles_of([str(r[0]) for r in rows], buckets, counts)
    by = percentiles_of(groups, buckets, counts)
    order = {s: i for i, s in enumerate(stages.ALL_STAGES)}
    first = sorted(overall.items(), key=lambda kv: order.get(kv[0], len(order)))
    return (
        pd.DataFrame.from_records(
            [(k, *v) for k, v in first], columns=["stage", "p50", "p90", "n"]
        ),
        pd.DataFrame.from_records(
            [(*k, *v) for k, v in by.items()], columns=["stage", "group", "p50", "p90", "n"]
        ),
    )


def rate(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is 0."""
    return numerator / denominator if denominator else math.nan


# --- memoized facades -------------------------------------------------------------------------
def version(engine: Engine) -> str:
    """The database's data version (part of every cache key)."""
    return feeds.data_version(engine)


@cache.memoize()
def latest(engine: Engine, ver: str) -> date:
    """The newest month with declarations (today's month on an empty database)."""
    del ver
    found = q.latest_month(engine)
    return found or date.today().replace(day=1)


def months_of(engine: Engine, f: Filters, ver: str | None = None) -> tuple[date, date]:
    """The period's first and last month (`ver`: the data version, when the caller has it)."""
    return month_range(f.period, latest(engine, ver if ver is not None else version(engine)))


@cache.memoize()
def kpis(engine: Engine, ver: str, f: Filters, scope: Scope) -> dict[str, dict[str, float]]:
    """KPIs of the selection, of the whole region (the scope) and of the same months a year
    earlier: declarations, value (USD), inspection rate, median and p90 clearance (hours)."""
    first, last = months_of(engine, f, ver)
    here = make_slice(f, first, last, APPLIES["kpis"])
    region = Slice(first=first, last=last, ie=f.ie)
    past = replace(here, first=year_before(first, last)[0], last=year_before(first, last)[1])
    found = {here: _kpi(engine, here, scope)}
    for s in (region, past):  # the region view is its own region: read it once
        if s not in found:
            found[s] = _kpi(engine, s, scope)
    return {"here": found[here], "region": found[region], "past": found[past]}


def _kpi(engine: Engine, s: Slice, scope: Scope) -> dict[str, float]:
    n, value, inspected = q.totals(engine, s, scope)
    hist = q.stage_buckets(engine, s, scope)
    return {
        "declared_n": n,
        "value_usd": value,
        "inspection_rate": rate(inspected, n),
        "p50": percentile_from_histogram(hist[:, 0], hist[:, 1], 0.5),
        "p90": percentile_from_histogram(hist[:, 0], hist[:, 1], 0.9),
    }


def scope_ports(scope: Scope, district: str | None) -> list[str]:
    """Ports of the districts in scope (of `district` when given), reference order."""
    ref = load_reference()
    out = []
    for port, owner in ref.port_district().items():
        if (scope is None or owner in scope) and (district is None or owner == district):
            out.append(port)
    return out


@cache.memoize()
def ports(engine: Engine, ver: str, f: Filters, scope: Scope) -> pd.DataFrame:
    """Ports side by side: declarations, value, median/p90 clearance, inspection rate, wait.

    Returns:
        One row per port used by the selection, most declarations first: port_id,
        declared_n, declared_value_usd, inspected_n, inspection_rate, p50, p90,
        wait_minutes (mean of queue observations; NaN: none).
    """
    first, last = months_of(engine, f, ver)
    s = make_slice(f, first, last, APPLIES["ports"] - {"port"})
    totals = {r[0]: r[1:] for r in q.port_totals(engine, s, scope)}
    clearance = q.port_clearance(engine, s, scope)
    pct = percentiles_of(
        [r[0] for r in clearance], [r[1] for r in clearance], [r[2] for r in clearance]
    )
    ids = sorted(set(totals) | set(pct))
    waits = (
        {p: w for p, n, w in q.queue_waits(engine, s, [p for p in ids if p]) if n} if ids else {}
    )
    nan = math.nan
    records = []
    for port in ids:
        declared, value, inspected = (float(v or 0) for v in totals.get(port, (0, 0, 0)))
        p50, p90, _ = pct.get(port, (nan, nan, 0.0))
        wait = waits.get(port)
        records.append(
            (port, declared, value, inspected, rate(inspected, declared), p50, p90,
             nan if wait is None else float(wait))
        )  # fmt: skip
    records.sort(key=lambda r: -r[1])
    return pd.DataFrame.from_records(records, columns=PORT_COLUMNS)


PORT_COLUMNS: Final = [
    "port_id", "declared_n", "declared_value_usd", "inspected_n", "inspection_rate", "p50",
    "p90", "wait_minutes",
]  # fmt: skip


@cache.memoize()
def stage_stats(
    engine: Engine, ver: str, f: Filters, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`stage_table` of the selection's stage histograms."""
    first, last = months_of(engine, f, ver)
    rows = q.stage_histogram(engine, make_slice(f, first, last, APPLIES["stages"]), scope)
    return stage_table(rows, f.split)


@cache.memoize()
def clearance_hist(engine: Engine, ver: str, f: Filters, scope: Scope) -> pd.DataFrame:
    """Bucket counts of arrival -> release hours (stage "overall") of the selection."""
    first, last = months_of(engine, f, ver)
    found = q.stage_buckets(engine, make_slice(f, first, last, APPLIES["hist"]), scope)
    return pd.DataFrame(found, columns=["bucket", "n"])


@cache.memoize()
def heatmap(engine: Engine, ver: str, f: Filters, scope: Scope) -> pd.DataFrame:
    """Declarations by weekday x hour of the selection."""
    first, last = months_of(engine, f, ver)
    found = q.week_hours(engine, make_slice(f, first, last, APPLIES["heatmap"]), scope)
    return pd.DataFrame(found, columns=["weekday", "hour_of_day", "declared_n"])


@cache.memoize()
def inspection_by(engine: Engine, ver: str, f: Filters, scope: Scope, what: str) -> pd.DataFrame:
    """Inspection rate by trade mode (`what` = "mode") or credit tier ("tier").

    The chart's own dimension is not filtered (a click highlights its bar instead).
    """
    first, last = months_of(engine, f, ver)
    s = make_slice(f, first, last, APPLIES[what] - {what})
    read = q.trade_mode_inspection if what == "mode" else q.tier_inspection
    found = [(code, float(d), float(i)) for code, d, i in read(engine, s, scope) if d]
    found.sort(key=lambda r: -r[1])
    frame = pd.DataFrame.from_records(found, columns=["code", "declared_n", "inspected_n"])
    return frame.assign(rate=frame["inspected_n"] / frame["declared_n"])


def row_filter(engine: Engine, f: Filters) -> decl_q.RowFilter:
    """The table's filter for a state."""
    first, last = months_of(engine, f)
    return decl_q.RowFilter(make_slice(f, first, last), f.weekday, f.hour)


def table_page(
    engine: Engine, f: Filters, scope: Scope, after: decl_q.Cursor | None, limit: int
) -> pd.DataFrame:
    """One keyset page of the filtered declarations (not cached: pages are cheap and live)."""
    return decl_q.page(
        engine, row_filter(engine, f), scope, after=after, newest_first=f.newest_first, limit=limit
    )


def declaration(engine: Engine, entry_id: str, scope: Scope) -> dict[str, Any] | None:
    """One declaration's full record with its stage hours (None if absent or out of scope)."""
    record = decl_q.detail(engine, entry_id, scope)
    if record is None:
        return None
    hours = stages.stage_hours(pd.DataFrame([record])).iloc[0]
    record["stage_hours"] = {k: (None if pd.isna(v) else float(v)) for k, v in hours.items()}
    record["timeline"] = stages.timeline(record)
    return record
