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
