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
    below 0.1 %), so memory stays bounded however many callers a run has."""

    SUB = 1024  # buckets per power of two

    def __init__(self, exact_limit: int = 100_000) -> None:
        self.values: list[float] | None = []
        self.exact_limit = exact_limit
        self.buckets: dict[int, int] = {}
        self.n = 0
        self.max = -math.inf
        self._sorted = 0  # len(values) when quantile last sorted them (in place)

    def add(self, v: float) -> None:
        self.n += 1
        if v > self.max:
            self.max = v
        values = self.values
        if values is not None:
            values.append(v)
            if len(values) > self.exact_limit:
                for x in values:
                    self._bucket(x)
                self.values = None
            return
        key = self._key(v) if v >= 1e-3 else -1  # (the test repeated: most waits are zero)
        self.buckets[key] = self.buckets.get(key, 0) + 1

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
        small = values < 1e-3
        m, e = np.frexp(values[~small])
        keys = e.astype(np.int64) * self.SUB + ((m - 0.5) * 2 * self.SUB).astype(np.int64)
        buckets = self.buckets
        n_small = int(np.count_nonzero(small))
        if n_small:
            buckets[-1] = buckets.get(-1, 0) + n_small
        for key, count in zip(*(a.tolist() for a in np.unique(keys, return_counts=True)), strict=True):
            buckets[key] = buckets.get(key, 0) + count

    def _bucket(self, v: float) -> None:
        key = self._key(v)
        self.buckets[key] = self.buckets.get(key, 0) + 1

    def _key(self, v: float) -> int:
        if v < 1e-3:
            return -1
        m, e = math.frexp(v)  # v = m * 2**e, m in [0.5, 1)
        return e * self.SUB + int((m - 0.5) * 2 * self.SUB)

    def _value(self, key: int) -> float:
        if key < 0:
            return 0.0
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
        rank = q * (self.n - 1)
        seen = 0
        for key in sorted(self.buckets):
            seen += self.buckets[key]
            if seen > rank:
                return min(self._value(key), self.max)
        return self.max
