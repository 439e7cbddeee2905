"""What every Erlang formula shares: the units, the service-level bases, argument checks
that turn bad input into a ``ValueError`` naming the argument, and the log-space
arithmetic (log-sum-exp, ``log(exp(x) - 1)``) that keeps the formulas free of overflow.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np

SECONDS_PER_HOUR = 3600.0

SLBasis = Literal["offered", "answered"]
_SL_BASES: tuple[str, ...] = ("offered", "answered")


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def _check_float(name: str, value: object, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and x <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if x < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def _log_expm1(x: float) -> float:
    """log(exp(x) - 1) for x >= 0 without overflow."""
    if x <= 0:
        return -math.inf
    if x > 30:
        return x + math.log1p(-math.exp(-x))
    return math.log(math.expm1(x))


def _clip01(x: float) -> float:
    return x if math.isnan(x) else min(1.0, max(0.0, x))


def _logsumexp(values: np.ndarray) -> float:
    m = float(np.max(values))
    if not math.isfinite(m):
        return m
    return m + math.log(float(np.sum(np.exp(values - m))))


def _logaddexp(x: float, y: float) -> float:
    return float(np.logaddexp(x, y))


def _check_basis(basis: str) -> None:
    if basis not in _SL_BASES:
        raise ValueError(f"sl_basis must be one of {_SL_BASES}, got {basis!r}")


def _threshold_alias(threshold: float, sl_threshold: float | None, func: str) -> float:
    """The service-level threshold argument is ``threshold`` everywhere; ``sl_threshold``
    (the old name of ``mmc`` and ``erlang_a``) still works, with a DeprecationWarning."""
    if sl_threshold is None:
        return threshold
    warnings.warn(
        f"{func}(sl_threshold=...) is deprecated, use threshold=...",
        DeprecationWarning,
        stacklevel=3,
    )
    return sl_threshold
