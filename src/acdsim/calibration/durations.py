"""Talk time, patience and wrap-up from a call log.

- Talk time: ``left - answered`` of answered calls; every family of the format fitted by
  maximum likelihood, the lowest AIC chosen, its KS statistic reported; ``empirical`` (200
  quantiles) when even the best family misses (KS p < 0.01 and statistic > 0.03: large
  logs reject every family over tiny misfits, hence the second condition).
- Patience: the wait of abandoned callers is an observed patience; answered, timed-out and
  no-agent-timeout callers were still willing to wait, so their patience is censored at
  their wait. Kaplan-Meier curve plus censored parametric fits, the lowest AIC chosen. The
  naive estimate (mean wait of the abandoned alone) is reported beside it for contrast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from . import families as fam
from .arrivals import slot_of
from .logread import CallLog

EMPIRICAL_POINTS = 200
MISFIT_P = 0.01
MISFIT_KS = 0.03


@dataclass
class DurationFit:
    """The chosen distribution (scenario map), every candidate, and the data's own figures."""

    what: str
    dist: dict[str, Any] | None
    best: fam.Fit | None
    candidates: list[fam.Fit]
    n: int
    n_censored: int
    mean: float
    mean_ci: tuple[float, float]
    values: np.ndarray  # observed values (for plots)
    censored: np.ndarray
    km: fam.KaplanMeier | None = None
    naive_mean: float | None = None

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": self.n, "n_censored": self.n_censored, "chosen": self.dist,
            "mean": self.mean, "mean_ci": list(self.mean_ci),
            "candidates": [_candidate(f) for f in sorted(self.candidates, key=lambda f: f.aic)],
        }
        if self.best is not None:
            out["goodness_of_fit"] = {"ks_statistic": self.best.ks, "ks_p_value": self.best.ks_p}
        if self.naive_mean is not None:
            out["naive_mean_abandoned_wait"] = self.naive_mean
        if self.km is not None:
            out["kaplan_meier_median"] = self.km.median()
        return out


def _candidate(f: fam.Fit) -> dict[str, Any]:
    return {
        "family": f.family, "params": f.params, "ci": {k: list(v) for k, v in f.ci.items()},
        "loglik": f.loglik, "aic": f.aic, "ks_statistic": f.ks, "ks_p_value": f.ks_p,
    }


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def mean_ci(values: np.ndarray, level: float) -> tuple[float, tuple[float, float]]:
    n = len(values)
    if n == 0:
        return math.nan, (math.nan, math.nan)
    m = float(values.mean())
    h = _z(level) * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return m, (m - h, m + h)


def fit_talk_time(log: CallLog, level: float = 0.95) -> DurationFit:
    answered = (log.outcome == "answered") & np.isfinite(log.answered) & np.isfinite(log.left)
    talk = (log.left - log.answered)[answered]
    m, ci = mean_ci(talk, level)
    if len(talk) == 0:
        return DurationFit("talk_time", None, None, [], 0, 0, m, ci, talk, np.empty(0))
    s = fam.sample(talk)
    z = _z(level)
    fits = [f for f in (fam.fit_family(name, s, z) for name in fam.UNCENSORED) if f is not None]
    for f in fits:
        fam.ks_uncensored(f, talk)
    best = fam.select(fits)
    if best is None:
        dist: dict[str, Any] = {"dist": "constant", "value": round(m, 3)}
    elif best.ks_p is not None and best.ks is not None and best.ks_p < MISFIT_P and best.ks > MISFIT_KS:
        dist = {"dist": "empirical", "values": empirical_points(talk)}
    else:
        dist = best.as_dist()
    return DurationFit("talk_time", dist, best, fits, len(talk), 0, m, ci, talk, np.empty(0))


def empirical_points(values: np.ndarray) -> list[float]:
    """Evenly spaced quantiles (all values when few) standing for the data when resampled."""
    if len(values) <= EMPIRICAL_POINTS:
        return [round(float(v), 3) for v in np.sort(values)]
    q = (np.arange(EMPIRICAL_POINTS) + 0.5) / EMPIRICAL_POINTS
    return [round(float(v), 3) for v in np.quantile(values, q)]


def patience_data(log: CallLog) -> tuple[np.ndarray, np.ndarray]:
    """(observed patience of abandoned callers, censoring times of everyone else who left)."""
    wait_left = log.left - log.joined
    abandoned = (log.outcome == "abandoned") & np.isfinite(wait_left)
    answered = (log.outcome == "answered") & np.isfinite(log.answered)
    gave_up_not = np.isin(log.outcome, ["timeout", "no_agent_timeout"]) & np.isfinite(wait_left)
    censored = np.concatenate([(log.answered - log.joined)[answered], wait_left[gave_up_not]])
    return wait_left[abandoned], censored


def fit_patience(log: CallLog, level: float = 0.95) -> DurationFit:
    observed, censored = patience_data(log)
    z = _z(level)
    naive = float(observed.mean()) if len(observed) else None
    km = fam.kaplan_meier(observed, censored, z) if len(observed) else None
    if len(observed) < 2:
        # Nobody (or one caller) gave up: patience is not identifiable; infinite is the honest default.
        return DurationFit("patience", None, None, [], len(observed), len(censored), math.nan,
                           (math.nan, math.nan), observed, censored, km, naive)
    s = fam.sample(observed, censored)
    fits = [f for f in (fam.fit_family(name, s, z) for name in fam.CENSORABLE) if f is not None]
    for f in fits:
        if km is not None:
            f.ks = fam.km_distance(f, km)
    best = fam.select(fits)
    dist = best.as_dist() if best is not None else None
    mean = best.mean() if best is not None else math.nan
    mci = best.ci.get("mean", (math.nan, math.nan)) if best is not None else (math.nan, math.nan)
    return DurationFit("patience", dist, best, fits, len(observed), len(censored), mean, mci,
                       observed, censored, km, naive)


def aht_by_interval(log: CallLog, interval: float, slots: np.ndarray, level: float = 0.95) -> dict[str, Any]:
    """Mean talk time per interval (by join time) and whether it varies (chi-square test of
    the interval means against the overall mean, each weighed by its standard error)."""
    answered = (log.outcome == "answered") & np.isfinite(log.answered) & np.isfinite(log.left)
    talk = (log.left - log.answered)[answered]
    slot = slot_of(log.tod[answered], interval)
    means, ses, ns = [], [], []
    for s in slots:
        v = talk[slot == s]
        ns.append(len(v))
        means.append(float(v.mean()) if len(v) else math.nan)
        ses.append(float(v.std(ddof=1)) / math.sqrt(len(v)) if len(v) > 1 else math.nan)
    overall = float(talk.mean()) if len(talk) else math.nan
    m, se = np.array(means), np.array(ses)
    ok = np.isfinite(se) & (se > 0)
    p = None
    if ok.sum() >= 2:
        chi = float(np.sum(((m[ok] - overall) / se[ok]) ** 2))
        p = float(stats.chi2.sf(chi, int(ok.sum()) - 1))
    return {"aht": means, "n": ns, "p_value_constant": p, "varies": p is not None and p < 0.01}


def wrap_up(log: CallLog, level: float = 0.95) -> dict[str, Any] | None:
    if log.wrap_up is None:
        return None
    v = log.wrap_up[np.isfinite(log.wrap_up) & (log.outcome == "answered")]
    if len(v) == 0:
        return None
    m, ci = mean_ci(v, level)
    return {"mean": m, "ci": list(ci), "n": len(v),
            "method": "mean of the wrap_up column over answered calls (the scenario's wrap_up_time is one constant per agent)"}
