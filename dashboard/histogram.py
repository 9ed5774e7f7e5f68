"""Clearance-time histogram: log-spaced buckets and percentiles read back from them.

Percentiles are not additive, so the rollups keep counts per bucket instead. Buckets are
8 per doubling of minutes; a percentile read back by interpolating geometrically inside its
bucket is off by at most one bucket width, 2^(1/8) - 1 = 9.05 % relative (on realistic,
smooth distributions well under 2 %).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

BUCKETS_PER_DOUBLING = 8
MAX_BUCKET = 8 * 17  # 2^17 minutes is about 91 days; slower clearances share the last bucket
PERCENTILE_RELATIVE_ERROR = 2 ** (1 / BUCKETS_PER_DOUBLING) - 1


def bucket_of_hours(hours: pd.Series) -> pd.Series:
    """Histogram bucket index of clearance durations given in hours (NaN stays NaN)."""
    minutes = np.maximum(hours.to_numpy(dtype=float) * 60.0, 1.0)
    idx = np.floor(BUCKETS_PER_DOUBLING * np.log2(minutes))
    return pd.Series(np.clip(idx, 0, MAX_BUCKET), index=hours.index).where(hours.notna())


def bucket_bounds_hours(bucket: int) -> tuple[float, float]:
    """Lower and upper bound, in hours, of one histogram bucket."""
    low = 0.0 if bucket == 0 else 2 ** (bucket / BUCKETS_PER_DOUBLING) / 60.0
    return low, 2 ** ((bucket + 1) / BUCKETS_PER_DOUBLING) / 60.0


def percentile_from_histogram(
    buckets: pd.Series | np.ndarray, counts: pd.Series | np.ndarray, q: float
) -> float:
    """The q-quantile (0..1) of durations from bucket counts, in hours.

    Interpolates geometrically inside the bucket where the cumulative count crosses q.

    Args:
        buckets: bucket indexes.
        counts: count per bucket (same order).
        q: quantile, e.g. 0.5 for the median.

    Returns:
        Hours, or NaN when there are no counts.
    """
    b = np.asarray(buckets, dtype=np.int64)
    n = np.asarray(counts, dtype=float)
    if b.size == 0:
        return math.nan
    order = np.argsort(b, kind="stable")
    b, n = b[order], n[order]
    uniq, first = np.unique(b, return_index=True)  # sum the counts of repeated buckets
    sums = np.add.reduceat(n, first)
    keep = sums > 0
    uniq, sums = uniq[keep], sums[keep]
    total = float(sums.sum())
    if total <= 0:
        return math.nan
    target = q * total
    cum = np.cumsum(sums)
    pos = min(int(np.searchsorted(cum, target, side="left")), len(sums) - 1)
    bucket = int(uniq[pos])
    before = float(cum[pos - 1]) if pos > 0 else 0.0
    frac = (target - before) / float(sums[pos])
    low, high = bucket_bounds_hours(bucket)
    low = max(low, high / 2 ** (1 / BUCKETS_PER_DOUBLING))
    return float(low * (high / low) ** frac)


def percentiles_by(
    frame: pd.DataFrame, keys: list[str], count: str, quantiles: dict[str, float]
) -> pd.DataFrame:
    """`percentile_from_histogram` for every group of `keys` at once (vectorized).

    Args:
        frame: rows of keys, `bucket` and the `count` column (buckets may repeat).
        keys: group columns.
        count: the column of counts to read.
        quantiles: output column -> q (e.g. {"p50": 0.5}).

    Returns:
        One row per group with any count: the keys, `n` (the group's total) and one
        column of hours per quantile.
    """
    sums = frame.groupby([*keys, "bucket"], sort=True)[count].sum()
    sums = sums[sums > 0].reset_index()
    if sums.empty:
        return pd.DataFrame(columns=[*keys, "n", *quantiles])
    grouped = sums.groupby(keys, sort=False)[count]
    cum = grouped.cumsum().to_numpy(dtype=float)
    total = grouped.transform("sum").to_numpy(dtype=float)
    counts = sums[count].to_numpy(dtype=float)
    out = sums.drop_duplicates(keys)[keys].reset_index(drop=True)
    out["n"] = sums.groupby(keys, sort=False)[count].sum().to_numpy(dtype=float)
    bucket = sums["bucket"].to_numpy(dtype=float)
    for name, q in quantiles.items():
        target = q * total
        hit = cum >= target * (1 - 1e-12)
        first = sums[hit].drop_duplicates(keys).index.to_numpy()
        frac = (target[first] - (cum[first] - counts[first])) / counts[first]
        low = 2 ** (bucket[first] / BUCKETS_PER_DOUBLING) / 60.0
        out[name] = low * 2 ** (np.clip(frac, 0.0, 1.0) / BUCKETS_PER_DOUBLING)
    return out


def from_crossings(crossings: pd.DataFrame) -> pd.Series:
    """Hours of each quantile from its crossing bucket (`queries.trade.hist_crossings`):
    the same geometric interpolation as `percentile_from_histogram`.

    Args:
        crossings: columns q, bucket, n, cum, total (one row per group and quantile).
    """
    c = crossings
    target = c["q"].astype(float) * c["total"].astype(float)
    frac = (target - (c["cum"].astype(float) - c["n"].astype(float))) / c["n"].astype(float)
    low = 2 ** (c["bucket"].astype(float) / BUCKETS_PER_DOUBLING) / 60.0
    return low * 2 ** (frac.clip(0.0, 1.0) / BUCKETS_PER_DOUBLING)
