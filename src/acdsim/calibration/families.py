"""Maximum-likelihood fits of the scenario format's duration families, with censoring.

Each family is written in the scenario's own parameters (mean and sd of the values, or
low/high, or mean and k), so a fit is a distribution map ready for a scenario. The fit
maximises sum(log f(x)) over observed values plus sum(log S(c)) over censored ones
(values known only to exceed c), as scipy's ``CensoredData`` does, on values rounded to 4
on a logarithmic grid (relative step 0.1 %) and weighted by their count: a million values
become a few thousand distinct ones, and the rounding error (at most 0.05 %, unbiased on
average) is far below any CI. Confidence
intervals come from the observed information (the inverse Hessian of the log-likelihood in
log-parameters), so they stay positive.

The Kaplan-Meier estimator (with Greenwood's variance) is written here in numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, special, stats

CENSORABLE = ("exponential", "lognormal", "gamma", "erlang")
UNCENSORED = ("constant", "exponential", "uniform", "lognormal", "gamma", "erlang")
TINY = 1e-3  # seconds: zero durations are read as this (log-densities need x > 0)
STEP = 1e-3  # relative rounding of values before a fit (0.05 % at most, unbiased on average)


@dataclass
class Sample:
    """Distinct values with weights: observed (``x``, ``w``) and censored (``c``, ``cw``)."""

    x: np.ndarray
    w: np.ndarray
    c: np.ndarray
    cw: np.ndarray
    lo: float = math.nan  # the smallest and largest observed values, unrounded
    hi: float = math.nan

    @property
    def n_observed(self) -> int:
        return int(self.w.sum())

    @property
    def n_censored(self) -> int:
        return int(self.cw.sum())


def compress(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values rounded on a logarithmic grid of relative step STEP, distinct, with their counts."""
    v = np.maximum(np.asarray(values, dtype=float), TINY)
    cells = np.round(np.log(v) / STEP)
    uniq, counts = np.unique(cells, return_counts=True)
    return np.exp(uniq * STEP), counts.astype(float)


def sample(observed: np.ndarray, censored: np.ndarray | None = None) -> Sample:
    x, w = compress(observed) if len(observed) else (np.empty(0), np.empty(0))
    if censored is not None and len(censored):
        c, cw = compress(censored)
    else:
        c, cw = np.empty(0), np.empty(0)
    lo, hi = (float(np.min(observed)), float(np.max(observed))) if len(observed) else (math.nan, math.nan)
    return Sample(x, w, c, cw, lo, hi)


@dataclass
class Fit:
    """One family fitted: its parameters (scenario names), CIs, log-likelihood and AIC."""

    family: str
    params: dict[str, float]
    ci: dict[str, tuple[float, float]]
    loglik: float
    n_params: int
    frozen: Any = field(repr=False, default=None)  # the scipy distribution
    ks: float | None = None  # KS statistic (or the KM distance when censored)
    ks_p: float | None = None

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    def as_dist(self) -> dict[str, Any]:
        """The scenario's distribution map."""
        out: dict[str, Any] = {"dist": self.family}
        for key, value in self.params.items():
            out[key] = int(value) if key == "k" else _round(value)
        return out

    def mean(self) -> float:
        if self.family == "constant":
            return self.params["value"]
        if self.family == "uniform":
            return (self.params["low"] + self.params["high"]) / 2
        return self.params["mean"]


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def frozen(family: str, p: dict[str, float]) -> Any:
    """The scipy distribution of a family in the scenario's parameters."""
    if family == "exponential":
        return stats.expon(scale=p["mean"])
    if family == "lognormal":
        s2 = math.log1p((p["sd"] / p["mean"]) ** 2)
        return stats.lognorm(s=math.sqrt(s2), scale=p["mean"] * math.exp(-s2 / 2))
    if family == "gamma":
        return stats.gamma(a=(p["mean"] / p["sd"]) ** 2, scale=p["sd"] ** 2 / p["mean"])
    if family == "erlang":
        return stats.gamma(a=p["k"], scale=p["mean"] / p["k"])
    if family == "uniform":
        return stats.uniform(loc=p["low"], scale=max(p["high"] - p["low"], 1e-12))
    raise ValueError(family)


def _shape(family: str, p: dict[str, float]) -> tuple[float, float]:
    """(shape, scale) of the gamma-like families, (sigma, mu) of the lognormal."""
    if family == "lognormal":
        s2 = math.log1p((p["sd"] / p["mean"]) ** 2)
        return math.sqrt(s2), math.log(p["mean"]) - s2 / 2
    if family == "gamma":
        return (p["mean"] / p["sd"]) ** 2, p["sd"] ** 2 / p["mean"]
    if family == "erlang":
        return p["k"], p["mean"] / p["k"]
    return 1.0, p["mean"]  # exponential


def _loglik_fast(family: str, p: dict[str, float], s: Sample) -> float:
    """The censored log-likelihood written with special functions (no scipy object per call:
    an optimiser evaluates it hundreds of times)."""
    a, b = _shape(family, p)
    x, c = s.x, s.c
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if family == "lognormal":
            lx = np.log(x)
            logpdf = -lx - math.log(a) - 0.5 * math.log(2 * math.pi) - 0.5 * ((lx - b) / a) ** 2
            logsf = special.log_ndtr(-(np.log(c) - b) / a)
        elif family == "exponential":
            logpdf = -math.log(b) - x / b
            logsf = -c / b
        else:
            logpdf = (a - 1) * np.log(x) - x / b - special.gammaln(a) - a * math.log(b)
            logsf = np.log(special.gammaincc(a, c / b))
        total = float(np.dot(s.w, logpdf)) + (float(np.dot(s.cw, logsf)) if len(c) else 0.0)
    return total if math.isfinite(total) else -math.inf


def _mle(names: tuple[str, ...], start: list[float], family: str,
         s: Sample, z: float, fixed: dict[str, float] | None = None) -> tuple[dict[str, float], dict[str, tuple[float, float]], float]:
    """Maximise the log-likelihood over log-parameters; CIs from the observed information."""
    fixed = fixed or {}

    def nll(theta: np.ndarray) -> float:
        p = {**fixed, **{k: math.exp(v) for k, v in zip(names, theta, strict=True)}}
        try:
            value = -_loglik_fast(family, p, s)
        except (ValueError, OverflowError, ZeroDivisionError):
            return 1e300
        return value if math.isfinite(value) else 1e300

    x0 = np.log(np.maximum(start, 1e-9))
    res = optimize.minimize(nll, x0, method="Nelder-Mead",
                            options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 2000})
    theta = res.x
    best = {**fixed, **{k: math.exp(v) for k, v in zip(names, theta, strict=True)}}
    cov = _inverse_hessian(nll, theta)
    ci = {}
    for i, k in enumerate(names):
        se = math.sqrt(cov[i, i]) if cov is not None and cov[i, i] > 0 else math.nan
        ci[k] = (math.exp(theta[i] - z * se), math.exp(theta[i] + z * se)) if math.isfinite(se) else (math.nan, math.nan)
    return best, ci, -float(res.fun)


def _inverse_hessian(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray | None:
    n = len(x)
    hess = np.empty((n, n))
    f0 = f(x)
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            if i == j:
                v = (f(x + ei) - 2 * f0 + f(x - ei)) / h**2
            else:
                v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
            hess[i, j] = hess[j, i] = v
    try:
        return np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return None


def _moments(s: Sample) -> tuple[float, float]:
    n = s.w.sum()
    mean = float(np.dot(s.w, s.x) / n)
    var = float(np.dot(s.w, (s.x - mean) ** 2) / max(n - 1, 1))
    return mean, math.sqrt(var)


def fit_family(family: str, s: Sample, z: float = 1.96) -> Fit | None:
    """The maximum-likelihood fit of one family, or None when it cannot describe the data."""
    if s.n_observed == 0:
        return None
    censored = s.n_censored > 0
    mean, sd = _moments(s)
    if censored:
        # Exponential MLE under censoring (total time / events): a start for every family.
        mean = float((np.dot(s.w, s.x) + np.dot(s.cw, s.c)) / s.w.sum())
        sd = mean
    if family == "constant":
        if censored or s.lo != s.hi:
            return None
        v = s.lo
        return Fit("constant", {"value": v}, {"value": (v, v)}, 0.0, 1)
    if family == "uniform":
        if censored or len(s.x) < 2:
            return None
        lo, hi = s.lo, s.hi
        n = s.n_observed
        # The MLE (min, max) lies inside (low, high): P(low < min - pad) = (1 - pad/range)^n,
        # so the one-sided CI reaches pad = range * -ln(1 - level) / n outwards, plus the
        # millisecond of a CSV's times.
        level = 2 * stats.norm.cdf(z) - 1
        pad = (hi - lo) * -math.log(1 - level) / n + 1e-3
        p = {"low": lo, "high": hi}
        dist = frozen("uniform", p)
        # The log-likelihood from the raw extremes (rounded values may fall just outside them).
        loglik = -n * math.log(hi - lo) if hi > lo else -math.inf
        return Fit("uniform", p, {"low": (max(lo - pad, 0.0), lo + 1e-3), "high": (hi - 1e-3, hi + pad)},
                   loglik, 2, dist)
    if sd <= 0 or len(s.x) < 2:
        return None
    if family == "exponential":
        p, ci, ll = _mle(("mean",), [mean], "exponential", s, z)
        return Fit(family, p, ci, ll, 1, frozen(family, p))
    if family in ("lognormal", "gamma"):
        p, ci, ll = _mle(("mean", "sd"), [mean, sd], family, s, z)
        return Fit(family, p, ci, ll, 2, frozen(family, p))
    if family == "erlang":
        gamma_fit = fit_family("gamma", s, z)
        if gamma_fit is None:
            return None
        shape = (gamma_fit.params["mean"] / gamma_fit.params["sd"]) ** 2
        best: Fit | None = None
        for k in sorted({max(1, math.floor(shape)), max(1, math.ceil(shape))}):
            if k == 1:
                continue  # erlang k=1 is the exponential, fitted on its own
            p, ci, ll = _mle(("mean",), [gamma_fit.params["mean"]], "erlang", s, z,
                             fixed={"k": float(k)})
            p["k"] = float(k)
            ci["k"] = (float(k), float(k))
            if best is None or ll > best.loglik:
                best = Fit("erlang", p, ci, ll, 2, frozen("erlang", p))
        return best
    raise ValueError(f"unknown family {family!r}")


def ks_uncensored(fit: Fit, values: np.ndarray) -> None:
    """The KS statistic and p-value of the fit against the raw values (p is optimistic:
    the parameters were estimated from the same values)."""
    if fit.frozen is None:
        fit.ks, fit.ks_p = 0.0, 1.0
        return
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    cdf = fit.frozen.cdf(v)
    i = np.arange(1, n + 1)
    d = float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))
    p = stats.kstwo.sf(d, n) if n <= 10_000 else stats.kstwobign.sf(d * math.sqrt(n))
    fit.ks, fit.ks_p = d, float(p)


def select(fits: list[Fit]) -> Fit | None:
    """The fit with the lowest AIC (ties: the family listed first)."""
    usable = [f for f in fits if math.isfinite(f.loglik)]
    return min(usable, key=lambda f: f.aic) if usable else None


# --------------------------------------------------------------------------- Kaplan-Meier


@dataclass
class KaplanMeier:
    """Survival S(t) just after each event time, with a pointwise 95 % CI (Greenwood)."""

    time: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    at_risk: np.ndarray

    def at(self, t: float | np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self.time, t, side="right") - 1
        return np.where(idx >= 0, self.survival[np.maximum(idx, 0)], 1.0)

    def median(self) -> float | None:
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.time[below[0]]) if len(below) else None


def kaplan_meier(observed: np.ndarray, censored: np.ndarray, z: float = 1.96) -> KaplanMeier:
    """Kaplan-Meier estimate from event times and censoring times (ties: events first)."""
    times = np.concatenate([observed, censored]).astype(float)
    events = np.concatenate([np.ones(len(observed)), np.zeros(len(censored))])
    order = np.lexsort((1 - events, times))
    times, events = times[order], events[order]
    uniq, first = np.unique(times, return_index=True)
    d = np.add.reduceat(events, first) if len(times) else np.empty(0)
    total = np.diff(np.append(first, len(times)))
    at_risk = len(times) - first
    hit = d > 0
    uniq, d, at_risk, total = uniq[hit], d[hit], at_risk[hit], total[hit]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1 - d / at_risk)
        green = np.cumsum(d / (at_risk * (at_risk - d)))
        se = surv * np.sqrt(green)
    return KaplanMeier(uniq, surv, np.clip(surv - z * se, 0, 1), np.clip(surv + z * se, 0, 1), at_risk)


def km_distance(fit: Fit, km: KaplanMeier) -> float:
    """max |S_KM(t) - S_fit(t)| over the event times: a KS-like figure for censored data."""
    if fit.frozen is None or len(km.time) == 0:
        return math.nan
    return float(np.max(np.abs(km.survival - fit.frozen.sf(km.time))))
