"""Upkeep of the Trade Trends rollups (`schema.rollup_trade*`), one builder for
`dashboard.rollups.DELTA_BUILDERS["declarations"]`.

Trade is counted when goods are released (the statistical time of customs statistics), so
only released declarations contribute, on their release day, week, month or year. Each
rollup holds several grains in one table (`schema.TRADE_GRAINS`): a query reads whole
years, then whole months, then whole weeks or days at the edges of its range, which bounds
the rows it reads whatever the range. The clearance histogram also keeps every district
summed under `schema.ALL_DISTRICTS`, so the whole region's percentiles read a quarter of
the rows; and `schema.rollup_trade_pct` keeps the median and p90 of every stored period for
the region and every set of districts (`refresh_percentiles`, run by `rollups.apply` for the
periods a batch touches), so a series of whole periods reads one row per period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, and_, delete, insert, or_, select

from dashboard import schema
from dashboard.contract import RELEASED_STATUSES
from dashboard.histogram import bucket_of_hours, grouped_percentiles
from dashboard.reference import load_reference

# Composition dimensions: dimension name -> declaration column.
MIX_DIMENSIONS: Mapping[str, str] = {
    "trade_mode": "trade_mode",
    "transport_mode": "transport_mode",
    "hs_chapter": "hs_chapter",
    "partner_region": "trade_country",
}
UNKNOWN_REGION = "UNKNOWN"
OTHER_REGION = "OTHER"
GRAINS_OF: Mapping[str, tuple[str, ...]] = {
    "rollup_trade": ("D", "W", "M", "Q"),
    "rollup_trade_hist": ("D", "W", "M", "Q", "Y"),
    "rollup_trade_od_hist": ("M", "Q", "Y"),
    "rollup_trade_mix": ("M", "Q", "Y"),
}


def period_start(days: pd.Series, grain: str) -> pd.Series:
    """The first day of the `grain` period (D, W = Monday, M, Y) holding each day."""
    if grain == "D":
        return days
    if grain == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days.dt.to_period(grain).dt.start_time.astype(days.dtype)


def partner_region(countries: pd.Series) -> pd.Series:
    """Partner region code of ISO country codes (UNKNOWN when none was declared)."""
    regions = load_reference().extra("country")
    out = countries.map(regions).fillna(OTHER_REGION)
    return out.where(countries.notna() & (countries != ""), UNKNOWN_REGION)


def _stack(
    frame: pd.DataFrame, days: pd.Series, table: Table, measures: Mapping[str, pd.Series]
) -> pd.DataFrame:
    """Sum `measures` by (grain, period, keys) for every grain the table keeps."""
    keys = [c.name for c in table.primary_key.columns if c.name not in ("grain", "period")]
    base = pd.DataFrame({k: frame[k].fillna("") for k in keys})
    for name, values in measures.items():
        base[name] = values.astype(float).to_numpy()
    parts = []
    for grain in GRAINS_OF[table.name]:
        part = base.assign(grain=grain, period=period_start(days, grain).to_numpy())
        parts.append(part.groupby(["grain", "period", *keys], as_index=False, sort=False).sum())
    return pd.concat(parts, ignore_index=True)


def trade_deltas(rows: pd.DataFrame) -> dict[Table, pd.DataFrame]:
    """Additive changes of the four trade rollups for typed declaration rows."""
    rel = rows[rows["status"].isin(RELEASED_STATUSES) & rows["ts_released"].notna()]
    if rel.empty:
        return {}
    days = rel["ts_released"].dt.floor("D")
    one = pd.Series(1.0, index=rel.index)
    out = {
        schema.rollup_trade: _stack(
            rel,
            days,
            schema.rollup_trade,
            {"released_n": one, "released_value_usd": rel["value_usd"]},
        )
    }
    hist_parts, od_parts = [], []
    for metric in ("overall", "customs"):
        bucket = bucket_of_hours(rel[f"{metric}_h"])
        has = bucket.notna()
        part = rel[has].assign(bucket=bucket[has].astype(np.int64))
        counts = {f"{metric}_n": pd.Series(1.0, index=part.index)}
        hist_parts.append(_stack(part, days[has], schema.rollup_trade_hist, counts))
        if metric == "overall":
            od_parts.append(_stack(part, days[has], schema.rollup_trade_od_hist, counts))
    hist_keys = [c.name for c in schema.rollup_trade_hist.primary_key.columns]
    hist = pd.concat(hist_parts, ignore_index=True).fillna(0.0)
    hist = hist.groupby(hist_keys, as_index=False, sort=False).sum()
    every = hist.assign(declare_district=schema.ALL_DISTRICTS)  # all districts, summed
    every = every.groupby(hist_keys, as_index=False, sort=False).sum()
    out[schema.rollup_trade_hist] = pd.concat([hist, every], ignore_index=True)
    out[schema.rollup_trade_od_hist] = pd.concat(od_parts, ignore_index=True)
    mix_parts = []
    for dimension, column in MIX_DIMENSIONS.items():
        codes = partner_region(rel[column]) if dimension == "partner_region" else rel[column]
        part = rel.assign(dimension=dimension, code=codes.fillna(""))
        mix_parts.append(
            _stack(
                part,
                days,
                schema.rollup_trade_mix,
                {"released_n": one, "released_value_usd": rel["value_usd"]},
            )
        )
    out[schema.rollup_trade_mix] = pd.concat(mix_parts, ignore_index=True)
    return {t: f for t, f in out.items() if not f.empty}


# --- stored percentiles (schema.rollup_trade_pct) -----------------------------------------------
QUANTILES: dict[str, float] = {"p50": 0.5, "p90": 0.9}
# Every set of declaring districts is stored while there are at most this many districts
# (2^6 - 1 = 63 sets); with more, only single districts and the region are, and other sets
# are computed from the histogram when read.
MAX_SET_DISTRICTS = 6
_REFRESH_PERIODS = 256  # (grain, period) pairs recomputed per step of a full refresh


def district_sets() -> list[tuple[str, frozenset[str]]]:
    """The stored sets of declaring districts: (key, members); the region is "*"."""
    codes = sorted(load_reference().code_set("district"))
    sizes = range(1, len(codes)) if len(codes) <= MAX_SET_DISTRICTS else range(1, 2)
    sets = [c for n in sizes for c in combinations(codes, n)]
    return [("+".join(c), frozenset(c)) for c in sets] + [
        (schema.ALL_DISTRICTS, frozenset([schema.ALL_DISTRICTS]))
    ]


def districts_key(chosen: Iterable[str] | None) -> str | None:
    """The `rollup_trade_pct` key of a set of declaring districts (None = every district),
    or None when that set is not stored."""
    codes = sorted(load_reference().code_set("district"))
    picked = codes if chosen is None else sorted(set(chosen))
    if picked == codes:
        return schema.ALL_DISTRICTS
    if not picked or (len(picked) > 1 and len(codes) > MAX_SET_DISTRICTS):
        return None
    return "+".join(picked)


def refresh_percentiles(conn: Connection, hist_changes: pd.DataFrame | None) -> None:
    """Recompute `rollup_trade_pct` from `rollup_trade_hist` for the (grain, period) pairs
    in `hist_changes` (the histogram deltas a batch applied), or for every period (None)."""
    hist = schema.rollup_trade_hist
    if hist_changes is None:
        stmt = select(hist.c.grain, hist.c.period).where(
            hist.c.declare_district == schema.ALL_DISTRICTS
        )
        pairs = sorted(set(conn.execute(stmt.distinct()).tuples()))
    else:
        touched = hist_changes[["grain", "period"]].drop_duplicates()
        days = pd.to_datetime(touched["period"]).dt.date
        pairs = sorted(zip(touched["grain"], days, strict=True))
    for i in range(0, len(pairs), _REFRESH_PERIODS):
        _refresh(conn, pairs[i : i + _REFRESH_PERIODS])


def _refresh(conn: Connection, pairs: list[tuple[str, Any]]) -> None:
    pct, hist = schema.rollup_trade_pct, schema.rollup_trade_hist
    by_grain: dict[str, list[Any]] = {}
    for grain, period in pairs:
        by_grain.setdefault(grain, []).append(period)

    def where(table: Table) -> Any:
        return or_(
            *(and_(table.c.grain == g, table.c.period.in_(ps)) for g, ps in by_grain.items())
        )

    conn.execute(delete(pct).where(where(pct)))
    c = hist.c
    stmt = select(
        c.grain, c.period, c.declare_district, c.ie_flag, c.bucket, c.overall_n, c.customs_n
    ).where(where(hist))
    rows = conn.execute(stmt).all()
    if not rows:
        return
    index = {pair: i for i, pair in enumerate(pairs)}
    cols = list(zip(*rows, strict=True))
    pair_of = np.array([index[(g, p)] for g, p in zip(cols[0], cols[1], strict=True)])
    names = {d: i for i, d in enumerate(sorted(set(cols[2])))}
    district = np.fromiter((names[d] for d in cols[2]), np.int64, len(rows))
    code = pair_of * 2 + (np.array(cols[3], dtype=object) == "E")
    bucket = np.array(cols[4], dtype=np.int64)
    counts = {"overall": np.array(cols[5], float), "customs": np.array(cols[6], float)}
    out: list[dict[str, Any]] = []
    for key, members in district_sets():
        mask = np.isin(district, [names[m] for m in members if m in names])
        found: dict[int, dict[str, Any]] = {}
        for metric, n in counts.items():
            groups, totals, hours = grouped_percentiles(
                code[mask], bucket[mask], n[mask], QUANTILES
            )
            for j, g in enumerate(groups.tolist()):
                row = found.setdefault(
                    g, {f"{m}_{x}": None for m in counts for x in ("p50_h", "p90_h")}
                )
                row[f"{metric}_n"] = int(round(totals[j]))
                for q in QUANTILES:
                    row[f"{metric}_{q}_h"] = float(hours[q][j])
        for g, row in found.items():
            grain, period = pairs[g // 2]
            ie = "E" if g % 2 else "I"
            out.append({"grain": grain, "districts": key, "period": period, "ie_flag": ie} | row)
    for row in out:
        row.setdefault("overall_n", 0)
        row.setdefault("customs_n", 0)
    conn.execute(insert(pct), out)
