"""Small statistics helpers: Student t quantiles, confidence intervals, a bounded quantile sketch."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom (exact for df 1, 2; else a
    Cornish-Fisher expansion around the normal quantile, accurate to ~1e-4 for df >= 3)."""
    if df <= 0:
        raise ValueError("df must be >= 1")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def mean_ci95(values: list[float]) -> tuple[float, tuple[float, float] | None]:
    """Mean and the 95 % Student-t confidence interval over replications (None when n < 2)."""
    n = len(values)
    if n == 0:
        return math.nan, None
    mean = math.fsum(values) / n
    if n < 2:
        return mean, None
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_quantile(0.975, n - 1) * math.sqrt(var / n)
    return mean, (mean - half, mean + half)


class QuantileSketch:
    """Exact quantiles up to ``exact_limit`` values, then a log-bucket histogram (relative error
    below 0.1 %), so memory stays bounded however many callers a run has.

    The histogram counts values below 1 ms apart (``small``, reported as 0) and the others in
    a dense count array over the bucket keys seen (a few hundred KB at most), which a batch
    of values is added to with numpy: a value costs no Python step. ``buckets`` is its dict
    view (key -> count).
    """

    SUB = 1024  # buckets per power of two
    PENDING = 1 << 12  # values from ``add`` gathered before they are counted

    def __init__(self, exact_limit: int = 100_000) -> None:
        self.values: list[float] | None = []
        self.exact_limit = exact_limit
        self.n = 0
        self.max = -math.inf
        self.small = 0  # values below 1 ms, once past the exact limit
        self._sorted = 0  # len(values) when quantile last sorted them (in place)
        self._lo = 0  # the bucket key of _dense[0]
        self._dense = np.zeros(0, np.int64)  # counts by bucket key - _lo
        self._singles: list[float] = []  # values from add, not counted yet

    @property
    def buckets(self) -> dict[int, int]:
        self._count_singles()
        nz = np.flatnonzero(self._dense)
        return dict(zip((nz + self._lo).tolist(), self._dense[nz].tolist(), strict=True))

    def add(self, v: float) -> None:
        self.n += 1
        if v > self.max:
            self.max = v
        values = self.values
        if values is not None:
            values.append(v)
            if len(values) > self.exact_limit:
                self._count(np.array(values, dtype=float))
                self.values = None
            return
        if v < 1e-3:
            self.small += 1
            return
        self._singles.append(v)
        if len(self._singles) >= self.PENDING:
            self._count_singles()

    def add_many(self, values: np.ndarray) -> None:
        """``add`` each of ``values`` (a float array), vectorised: the same state as one by one."""
        if not len(values):
            return
        self.n += len(values)
        top = float(values.max())
        if top > self.max:
            self.max = top
        exact = self.values
        if exact is not None:
            exact.extend(values.tolist())
            if len(exact) <= self.exact_limit:
                return
            values = np.array(exact, dtype=float)
            self.values = None
        self._count(values)

    def _count_singles(self) -> None:
        if self._singles:
            self._count(np.array(self._singles, dtype=float))
            self._singles.clear()

    def _count(self, values: np.ndarray) -> None:
        small = values < 1e-3
        self.small += int(np.count_nonzero(small))
        m, e = np.frexp(values[~small])  # v = m * 2**e, m in [0.5, 1)
        if not len(m):
            return
        keys = e.astype(np.int64) * self.SUB + ((m - 0.5) * 2 * self.SUB).astype(np.int64)
        kmin, kmax = int(keys.min()), int(keys.max())
        lo, dense = self._lo, self._dense
        if not len(dense):
            lo, dense = kmin, np.zeros(kmax - kmin + 1, np.int64)
        elif kmin < lo or kmax >= lo + len(dense):
            new_lo, new_hi = min(lo, kmin), max(lo + len(dense), kmax + 1)
            grown = np.zeros(new_hi - new_lo, np.int64)
            grown[lo - new_lo:lo - new_lo + len(dense)] = dense
            lo, dense = new_lo, grown
        counts = np.bincount(keys - kmin)
        dense[kmin - lo:kmin - lo + len(counts)] += counts
        self._lo, self._dense = lo, dense

    def _value(self, key: int) -> float:
        """The middle of bucket ``key``."""
        e, sub = divmod(key, self.SUB)
        lo = math.ldexp(0.5 + sub / (2 * self.SUB), e)
        hi = math.ldexp(0.5 + (sub + 1) / (2 * self.SUB), e)
        return (lo + hi) / 2

    def quantile(self, q: float) -> float | None:
        """The q-quantile (linear interpolation between order statistics when exact)."""
        if self.n == 0:
            return None
        if self.values is not None:
            data = self.values
            if self._sorted != len(data):  # once for the quantiles asked together
                data.sort()
                self._sorted = len(data)
            pos = q * (len(data) - 1)
            lo = math.floor(pos)
            hi = min(lo + 1, len(data) - 1)
            return data[lo] + (data[hi] - data[lo]) * (pos - lo)
        self._count_singles()
        rank = q * (self.n - 1)
        if self.small > rank:
            return min(0.0, self.max)
        # The first bucket whose cumulated count passes the rank.
        nz = np.flatnonzero(self._dense)
        i = int(np.searchsorted(self.small + np.cumsum(self._dense[nz]), rank, side="right"))
        if i < len(nz):
            return min(self._value(int(nz[i]) + self._lo), self.max)
        return self.max
