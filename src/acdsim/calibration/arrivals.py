"""Arrival rates per interval of the day, their CIs, and over-dispersion across days.

Calls are counted by the interval of the day they joined in (``tod // interval``), summed
over the log's days and divided by days x interval length: the mean rate, a Poisson
process's MLE. The 95 % CI is Garwood's exact Poisson interval on the count. With two
days or more, the index of dispersion of the daily counts of each interval (variance ÷
mean; 1 for Poisson traffic) tells whether the days differ more than chance allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from .logread import CallLog

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Profile:
    """Rates per interval ``slot`` (slot k covers [k*interval, (k+1)*interval))."""

    interval: float
    slots: np.ndarray  # int slot numbers, first..last active
    counts: np.ndarray  # calls per slot, all days
    days: int
    rate: np.ndarray  # calls per hour
    low: np.ndarray
    high: np.ndarray
    dispersion: np.ndarray | None  # per slot, None with one day
    dispersion_p: float | None  # chi-square test of "Poisson across days" over all slots

    @property
    def start(self) -> float:
        return float(self.slots[0] * self.interval)

    @property
    def end(self) -> float:
        return float((self.slots[-1] + 1) * self.interval)

    def rows(self) -> list[dict[str, Any]]:
        return [{"at": float(s * self.interval), "calls_per_hour": round(float(r), 4)}
                for s, r in zip(self.slots, self.rate, strict=True)]


def slot_of(tod: np.ndarray, interval: float) -> np.ndarray:
    return np.floor(tod / interval).astype(np.int64)


def garwood(count: np.ndarray, z_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    a = 1 - z_level
    low = np.where(count > 0, stats.chi2.ppf(a / 2, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - a / 2, 2 * (count + 1)) / 2
    return low, high


def fit_profile(log: CallLog, interval: float, level: float = 0.95, slots: np.ndarray | None = None) -> Profile:
    """The rate of each interval between the first and the last one with calls."""
    slot = slot_of(log.tod, interval)
    if slots is None:
        slots = np.arange(slot.min(), slot.max() + 1) if len(slot) else np.arange(0, 1)
    days = max(log.days, 1)
    col = _vector_lookup(slot, slots)
    inside = col >= 0
    matrix = np.zeros((days, len(slots)))
    np.add.at(matrix, (log.day[inside], col[inside]), 1.0)
    counts = matrix.sum(axis=0)
    per_hour = 3600.0 / (interval * days)
    low, high = garwood(counts, level)
    dispersion = None
    p = None
    if days >= 2:
        mean = matrix.mean(axis=0)
        var = matrix.var(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            dispersion = np.where(mean > 0, var / mean, np.nan)
        ok = mean > 0
        if ok.any():
            chi = float(np.sum((days - 1) * dispersion[ok]))
            p = float(stats.chi2.sf(chi, int(ok.sum()) * (days - 1)))
    return Profile(interval, slots, counts, days, counts * per_hour, low * per_hour, high * per_hour,
                   dispersion, p)


def _vector_lookup(slot: np.ndarray, slots: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(slots, slot)
    pos = np.clip(pos, 0, len(slots) - 1)
    return np.where(slots[pos] == slot, pos, -1)


def by_weekday(log: CallLog, interval: float, level: float = 0.95) -> dict[str, Profile]:
    """One profile per weekday present (logs with datetimes), over the overall slots."""
    if log.weekday_of_day is None:
        return {}
    overall = slot_of(log.tod, interval)
    slots = np.arange(overall.min(), overall.max() + 1)
    out = {}
    weekday = log.weekday_of_day[log.day]
    for wd in range(7):
        keep = weekday == wd
        if not keep.any():
            continue
        sub = log.select(keep)
        # Renumber the days of this weekday from 0.
        kept, renumbered = np.unique(sub.day, return_inverse=True)
        sub.day = renumbered.astype(np.int64)
        sub.days = len(kept)
        out[WEEKDAYS[wd]] = fit_profile(sub, interval, level, slots)
    return out


def summary(profile: Profile) -> dict[str, Any]:
    """fit.json's arrivals entry."""
    rows = []
    for i, s in enumerate(profile.slots):
        row = {"at": float(s * profile.interval), "calls_per_hour": float(profile.rate[i]),
               "ci": [float(profile.low[i]), float(profile.high[i])], "n": int(profile.counts[i])}
        if profile.dispersion is not None:
            d = profile.dispersion[i]
            row["dispersion"] = None if not math.isfinite(d) else float(d)
        rows.append(row)
    out: dict[str, Any] = {
        "method": "Poisson MLE per interval (count / (days x interval)), Garwood exact CI",
        "interval": profile.interval, "days": profile.days, "n": int(profile.counts.sum()),
        "profile": rows,
    }
    if profile.dispersion is not None:
        d = profile.dispersion[np.isfinite(profile.dispersion)]
        out["dispersion"] = {
            "mean_index": float(d.mean()) if len(d) else None,
            "p_value_poisson": profile.dispersion_p,
            "method": "index of dispersion (variance / mean) of the daily counts of each interval; "
                      "chi-square test of sum (days-1) x index",
        }
    return out
