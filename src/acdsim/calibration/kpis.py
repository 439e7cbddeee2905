"""Queue figures of a call log per interval and overall, with 95 % CIs (docs/metrics.md).

offered per day (Poisson, Garwood CI), abandon rate and service level (answered within the
threshold) as fractions of the callers who left the queue (Wilson CI), ASA the mean wait of
answered callers (normal CI); with 3 days or more each CI is widened to the day-cluster
one when that is wider (calls of one day are not independent). The same function reads the
log and the fitted scenario's simulated calls, so ``--check`` compares like with like.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from .arrivals import garwood, slot_of
from .logread import CallLog

Z = 1.959963984540054


def wilson(k: float, n: float, z: float = Z) -> tuple[float, float]:
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h


def figures(log: CallLog, threshold: float, keep: np.ndarray | None = None) -> dict[str, Any]:
    """offered (per day), abandon_rate, asa, service_level of the calls where ``keep``."""
    if keep is None:
        keep = np.ones(len(log.joined), dtype=bool)
    days = max(log.days, 1)
    outcome = log.outcome[keep]
    day = log.day[keep]
    offered = int(keep.sum())
    left = outcome != "in_queue"
    wait = log.answered[keep] - log.joined[keep]
    answered = (outcome == "answered") & np.isfinite(wait)
    abandoned = outcome == "abandoned"
    within = answered & (wait <= threshold)
    lo, hi = garwood(np.array([offered]))
    n_left, n_ans = int(left.sum()), int(answered.sum())
    asa = float(wait[answered].mean()) if n_ans else math.nan
    h = Z * float(wait[answered].std(ddof=1)) / math.sqrt(n_ans) if n_ans > 1 else math.nan
    out = {
        "offered": offered / days, "offered_ci": [float(lo[0]) / days, float(hi[0]) / days],
        "abandon_rate": float(abandoned.sum()) / n_left if n_left else math.nan,
        "abandon_rate_ci": list(wilson(int(abandoned.sum()), n_left)),
        "asa": asa, "asa_ci": [asa - h, asa + h],
        "service_level": float(within.sum()) / n_left if n_left else math.nan,
        "service_level_ci": list(wilson(int(within.sum()), n_left)),
        "n": offered,
    }
    if days >= 3:
        # Calls of one day share its queue, so they are not independent: widen each CI to the
        # day-cluster one (ratio estimator over days, Student t with days - 1 df) when wider.
        def per_day(mask: np.ndarray) -> np.ndarray:
            return np.bincount(day[mask], minlength=days).astype(float)

        count = np.bincount(day, minlength=days).astype(float)
        sums = np.bincount(day[answered], weights=wait[answered], minlength=days)
        pairs = {
            "offered": (count, np.ones(days)),
            "abandon_rate": (per_day(abandoned), per_day(left)),
            "asa": (sums, per_day(answered)),
            "service_level": (per_day(within), per_day(left)),
        }
        t = float(stats.t.ppf(0.975, days - 1))
        for name, (y, x) in pairs.items():
            _widen(out, name, y, x, t)
    return out


def _widen(out: dict[str, Any], name: str, y: np.ndarray, x: np.ndarray, t: float) -> None:
    total = x.sum()
    value = out[name]
    if total <= 0 or not math.isfinite(value):
        return
    d = len(y)
    ratio = y.sum() / total
    se = math.sqrt(float(np.sum((y - ratio * x) ** 2)) / (d * (d - 1))) / (total / d)
    low, high = out[f"{name}_ci"]
    half = t * se
    if not (math.isfinite(low) and math.isfinite(high)) or half > (high - low) / 2:
        out[f"{name}_ci"] = [value - half, value + half]


def per_interval(log: CallLog, interval: float, slots: np.ndarray, threshold: float) -> list[dict[str, Any]]:
    slot = slot_of(log.tod, interval)
    rows = []
    for s in slots:
        row = figures(log, threshold, slot == s)
        row["at"] = float(s * interval)
        rows.append(row)
    return rows


def agree(a: float, a_ci: list[float], b: float, b_ci: list[float]) -> bool | None:
    """Do two estimates agree: is their difference within the combined 95 % half-widths?"""
    if not all(math.isfinite(x) for x in (a, b)):
        return None
    ha = (a_ci[1] - a_ci[0]) / 2 if all(math.isfinite(x) for x in a_ci) else 0.0
    hb = (b_ci[1] - b_ci[0]) / 2 if all(math.isfinite(x) for x in b_ci) else 0.0
    return bool(abs(a - b) <= math.hypot(ha, hb) + 1e-12)
