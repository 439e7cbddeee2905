"""Queue figures of a call log per interval and overall, with 95 % CIs (docs/metrics.md).

offered per day (Poisson, Garwood CI), abandon rate and service level (answered within the
threshold) as fractions of the callers who left the queue (Wilson CI), ASA the mean wait of
answered callers (normal CI). The same function reads the log and the fitted scenario's
simulated calls, so ``--check`` compares like with like.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

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
    offered = int(keep.sum())
    left = int(np.count_nonzero(outcome != "in_queue"))
    answered = outcome == "answered"
    wait = (log.answered - log.joined)[keep][answered]
    wait = wait[np.isfinite(wait)]
    abandoned = int(np.count_nonzero(outcome == "abandoned"))
    within = int(np.count_nonzero(wait <= threshold))
    lo, hi = garwood(np.array([offered]))
    asa = float(wait.mean()) if len(wait) else math.nan
    h = Z * float(wait.std(ddof=1)) / math.sqrt(len(wait)) if len(wait) > 1 else math.nan
    return {
        "offered": offered / days, "offered_ci": [float(lo[0]) / days, float(hi[0]) / days],
        "abandon_rate": abandoned / left if left else math.nan, "abandon_rate_ci": list(wilson(abandoned, left)),
        "asa": asa, "asa_ci": [asa - h, asa + h],
        "service_level": within / left if left else math.nan, "service_level_ci": list(wilson(within, left)),
        "n": offered,
    }


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
    return abs(a - b) <= math.hypot(ha, hb) + 1e-12
