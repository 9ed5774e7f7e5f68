"""Clearance-time histogram: percentiles read back within the stated error."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import histogram


def test_percentile_error_within_stated_bound() -> None:
    rng = np.random.default_rng(3)
    hours = pd.Series(rng.lognormal(mean=2.0, sigma=1.33, size=20_000))
    buckets = histogram.bucket_of_hours(hours)
    counts = buckets.value_counts()
    for q in (0.5, 0.9, 0.99):
        exact = float(np.quantile(hours, q))
        approx = histogram.percentile_from_histogram(
            pd.Series(counts.index), pd.Series(counts.to_numpy()), q
        )
        assert abs(approx / exact - 1) <= histogram.PERCENTILE_RELATIVE_ERROR
        assert abs(approx / exact - 1) < 0.02  # smooth data: far inside the bound
