"""Synthetic enterprise register: who declares, how much, and with what credit standing.

The register depends on (seed, scale) only, never on the period generated, so every chunk
and every live tick draws its declarants from the same firms. Activity is Pareto-like
(alpha about 1.2, capped), and the credit tiers follow it: advanced-certified (AEO) firms
are about 1 % of the register, drawn from the most active 4 %, so they carry a large share
of trade value; dishonest firms are a few per thousand, drawn from the small ones
(domain.md §3.3). Codes are well-formed unified social credit codes (GB 32100 check
character, district-typical administrative division codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from dashboard.calendar_cn import day_number
from dashboard.gen_common import DAY, DISTRICTS, HOUR, fmt_ts, unit_rng

TIERS = ("ADVANCED_CERTIFIED", "GENERAL_CERTIFIED", "GENERAL_CREDIT", "DISHONEST")
AEO, CERTIFIED, CREDIT, DISHONEST = range(4)
HOME_SHARE = np.array([0.30, 0.45, 0.10, 0.15])  # firms by home district, DISTRICTS order
ADMIN_CODES = {
    "0100": ["110101", "110105", "110108", "110113", "110115", "110106"],
    "0200": ["120116", "120101", "120114", "120103", "120110"],
    "0400": ["130102", "130200", "130300", "130900", "130600"],
    "7900": ["510104", "510107", "510116", "510100", "510112"],
}
USCC_ALPHABET = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
FIRMS_AT_FULL_SCALE = 36_000
PARETO_ALPHA = 1.2
REGISTER_START = day_number(date(2000, 1, 1))
REGISTER_SPLIT = day_number(date(2024, 7, 1))
REGISTER_END = day_number(date(2031, 1, 1))
CERTIFIED_BEFORE = day_number(date(2020, 1, 1))


@dataclass(frozen=True)
class Register:
    """The enterprise register as aligned arrays (one entry per firm).

    Attributes:
        uscc: unified social credit codes.
        district: home district index (into DISTRICTS).
        tier: credit tier index (into TIERS).
        registered: registration time, wall seconds.
        weight: relative declaration activity.
    """

    uscc: np.ndarray
    district: np.ndarray
    tier: np.ndarray
    registered: np.ndarray
    weight: np.ndarray

    @property
    def size(self) -> int:
        """Number of firms."""
        return len(self.uscc)

    def sample(self, home: np.ndarray, when_s: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Pick a declarant per row: a firm of district `home` registered before `when_s`.

        Firms are chosen with probability proportional to their activity weight.

        Args:
            home: district index per row.
            when_s: wall seconds per row; only firms registered earlier qualify.
            u: uniform draws per row.

        Returns:
            Firm index per row.
        """
        out = np.zeros(len(home), dtype=np.int64)
        for d in range(len(DISTRICTS)):
            sel = np.flatnonzero(home == d)
            if sel.size == 0:
                continue
            firms, reg, cumw = self._by_district(d)
            k = np.maximum(np.searchsorted(reg, when_s[sel], side="right"), 1)
            target = u[sel] * cumw[k - 1]
            pos = np.minimum(np.searchsorted(cumw, target, side="right"), k - 1)
            out[sel] = firms[pos]
        return out

    def _by_district(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        firms = np.flatnonzero(self.district == d)
        firms = firms[np.argsort(self.registered[firms], kind="stable")]
        return firms, self.registered[firms], np.cumsum(self.weight[firms])

    def frame(self, until_s: int, since_s: int | None = None) -> pd.DataFrame:
        """The enterprises feed: firms registered before `until_s` (and from `since_s`).

        Returns:
            Contract columns as strings, oldest registration first.
        """
        sel = self.registered < until_s
        if since_s is not None:
            sel &= self.registered >= since_s
        idx = np.flatnonzero(sel)
        idx = idx[np.argsort(self.registered[idx], kind="stable")]
        return pd.DataFrame(
            {
                "enterprise_uscc": self.uscc[idx],
                "home_district": np.array(DISTRICTS, dtype=object)[self.district[idx]],
                "credit_tier": np.array(TIERS, dtype=object)[self.tier[idx]],
                "registered_at": fmt_ts(self.registered[idx]),
            },
            dtype=object,
        )


def uscc_codes(index: np.ndarray, admin: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique unified social credit codes: '91' + admin division + organisation code + check.

    The last four organisation-code characters encode `index` in base 31, so codes are
    unique; the check character follows GB 32100-2015.
    """
    n = len(index)
    values = np.zeros((n, 17), dtype=np.int64)
    values[:, 0], values[:, 1] = 9, 1
    values[:, 2:8] = np.array([list(a) for a in admin], dtype=np.int64)
    values[:, 8:13] = rng.integers(0, 31, size=(n, 5))
    rest = index.copy()
    for pos in range(16, 12, -1):
        values[:, pos] = rest % 31
        rest //= 31
    check = (31 - (values * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    chars = USCC_ALPHABET[np.column_stack([values, check])]
    return chars.view("<U18").ravel().astype(object)


@cache
def register(seed: int, scale: float) -> Register:
    """The enterprise register for (seed, scale); deterministic and period-independent.

    Args:
        seed: generator seed.
        scale: volume scale (1.0 = realistic full volume, about 36,000 firms).

    Returns:
        The register.
    """
    rng = unit_rng(seed, "enterprises", 0)
    n = max(400, int(round(FIRMS_AT_FULL_SCALE * scale**0.8)))
    district = rng.choice(len(DISTRICTS), size=n, p=HOME_SHARE)
    weight = np.minimum((1.0 - rng.random(n)) ** (-1.0 / PARETO_ALPHA), 400.0)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-weight, kind="stable")] = np.arange(n)
    share = rank / n
    u = rng.random(n)
    tier = np.full(n, CREDIT)
    tier[(share < 0.30) & (u < 0.15)] = CERTIFIED
    tier[(share >= 0.30) & (u < 0.01)] = CERTIFIED
    tier[(share < 0.04) & (u < 0.25)] = AEO
    tier[(share >= 0.30) & (u > 0.996)] = DISHONEST
    late = rng.random(n) < 0.10
    reg_day = np.where(
        late,
        rng.integers(REGISTER_SPLIT, REGISTER_END, n),
        rng.integers(REGISTER_START, REGISTER_SPLIT, n),
    )
    trusted = tier <= CERTIFIED
    reg_day = np.where(trusted, rng.integers(REGISTER_START, CERTIFIED_BEFORE, n), reg_day)
    registered = reg_day * DAY + 9 * HOUR + rng.integers(0, 8 * HOUR, n)
    admin = np.array([ADMIN_CODES[DISTRICTS[d]][0] for d in district])
    alt = rng.integers(0, 5, n)
    for d, code_list in enumerate(ADMIN_CODES.values()):
        sel = district == d
        admin[sel] = np.array(code_list)[alt[sel] % len(code_list)]
    uscc = uscc_codes(np.arange(n, dtype=np.int64), admin, rng)
    return Register(uscc=uscc, district=district, tier=tier, registered=registered, weight=weight)
