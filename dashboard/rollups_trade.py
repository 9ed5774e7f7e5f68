"""Upkeep of the Trade Trends rollups (`schema.rollup_trade*`), one builder for
`dashboard.rollups.DELTA_BUILDERS["declarations"]`.

Trade is counted when goods are released (the statistical time of customs statistics), so
only released declarations contribute, on their release day, week, month or year. Each
rollup holds several grains in one table (`schema.TRADE_GRAINS`): a query reads whole
years, then whole months, then whole weeks or days at the edges of its range, which bounds
the rows it reads whatever the range. The clearance histogram also keeps every district
summed under `schema.ALL_DISTRICTS`, so the whole region's percentiles read a quarter of
the rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import Table

from dashboard import schema
from dashboard.contract import RELEASED_STATUSES
from dashboard.histogram import bucket_of_hours
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
        return days - pd.to_timedelta(days.dt.weekday, unit="D")
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
