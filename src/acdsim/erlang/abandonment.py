"""Erlang A (M/M/N+M): the M/M/N queue in which a waiting caller hangs up after an
exponential patience. Holds the result class :class:`MMcMResult`, the truncated queue
tail of the stationary law and the negative-binomial split behind the service level of
the answered and of the offered callers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .classic import log_erlang_b
from .common import (
    SECONDS_PER_HOUR,
    SLBasis,
    _check_basis,
    _check_float,
    _check_int,
    _clip01,
    _log_expm1,
    _logaddexp,
    _logsumexp,
    _threshold_alias,
)

# The Erlang A tail is truncated once its terms fall this many nats (natural-log
# units) below the largest term: e**-50 ~ 2e-22, far below double precision.
_TAIL_DROP_NATS = 50.0
_TAIL_MAX_STATES = 20_000_000


# --------------------------------------------------------------------------- M/M/N+M


@dataclass(frozen=True)
class MMcMResult:
    """Erlang A (M/M/N+M: exponential patience) steady-state figures. Times in seconds.

    Callers are *offered* (every arrival), then either *answered* or *abandoned*
    (a waiting caller hangs up after an exponential patience with mean
    ``patience``).  The model is stable for any load, also ``load >= agents``.
    """

    calls_per_hour: float
    aht: float
    agents: int
    patience: float
    sl_threshold: float
    load_erlangs: float
    #: probability that an offered caller has to wait (finds all agents busy)
    p_wait: float
    #: probability that an offered caller abandons (= "abandon rate" as a share
    #: of offered calls)
    p_abandon: float
    #: P(abandon | had to wait)
    p_abandon_given_wait: float
    #: abandoned calls per hour = calls_per_hour * p_abandon
    abandons_per_hour: float
    #: answered calls per hour = calls_per_hour * (1 - p_abandon)
    answered_per_hour: float
    #: mean time in queue over ALL offered callers (answered at once count 0,
    #: abandoned callers count their time until they hung up)
    mean_wait: float
    #: average speed of answer: mean wait of the ANSWERED callers only
    asa_answered: float
    #: mean time to abandon of the abandoned callers (nan if nobody abandons)
    mean_wait_abandoned: float
    #: P(wait <= threshold | answered): answered within the threshold / answered
    service_level_answered: float
    #: P(answered and wait <= threshold): answered within the threshold / offered
    #: (abandoned callers count as failures, however early they hung up)
    service_level_offered: float
    #: busy agents / agents = load * (1 - p_abandon) / agents
    occupancy: float
    #: mean number of callers waiting
    mean_queue: float
    #: number of queue states kept before the tail was truncated
    truncated_at: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def service_level(self, basis: SLBasis = "offered") -> float:
        """Service level on the chosen basis ("offered" or "answered")."""
        _check_basis(basis)
        return self.service_level_offered if basis == "offered" else self.service_level_answered


def _queue_tail_logs(lam: float, n_mu: float, theta: float) -> np.ndarray:
    """log w_j, j = 0..M, with w_j = prod_{k=1..j} lam / (N mu + k theta), truncated.

    The tail is kept until the terms are decreasing and have fallen more than
    ``_TAIL_DROP_NATS`` below the largest one.
    """
    k_mode = max(0.0, (lam - n_mu) / theta)
    m = 256 + int(k_mode + 12.0 * math.sqrt(lam / theta))
    log_lam = math.log(lam)
    while True:
        if m > _TAIL_MAX_STATES:
            raise ValueError(
                "Erlang A queue tail too long to evaluate "
                f"(more than {_TAIL_MAX_STATES} waiting callers); patience is too long "
                "for this overload"
            )
        k = np.arange(1, m + 1, dtype=float)
        log_ratio = log_lam - np.log(n_mu + k * theta)
        log_w = np.concatenate(([0.0], np.cumsum(log_ratio)))
        if log_ratio[-1] < 0 and log_w[-1] < float(np.max(log_w)) - _TAIL_DROP_NATS:
            return log_w
        m *= 2


def _negbin_split(size: float, theta_t: float, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``(P(NB >= j + 1), P(NB <= j))`` for j = 0..m, both accurate also when tiny.

    NB ~ negative binomial (failures before the ``size``-th success) with success
    probability ``p = exp(-theta_t)``.  The lower tail is a forward sum; the upper tail
    is the mass beyond m (summed pairwise, chunk by chunk until negligible) plus a
    backward sum, so neither side is computed as ``1 - (something close to 1)``.
    """
    q = -math.expm1(-theta_t)  # 1 - p
    if q <= 0.0:  # threshold (numerically) 0: NB = 0
        return np.zeros(m + 1), np.ones(m + 1)
    log_p, log_q = -theta_t, math.log(q)

    def log_pmf(k: np.ndarray, log_poch0: float, log_fact0: float) -> np.ndarray:
        # k is a run of consecutive integers starting at k[0]; *0 are the values at k[0]
        log_poch = log_poch0 + np.concatenate(([0.0], np.cumsum(np.log(size + k[:-1]))))
        log_fact = log_fact0 + np.concatenate(([0.0], np.cumsum(np.log(k[1:]))))
        return size * log_p + log_poch - log_fact + k * log_q

    k = np.arange(m + 1, dtype=float)
    pmf = np.exp(log_pmf(k, 0.0, 0.0))
    cdf = np.cumsum(pmf)
    if cdf[-1] <= 0.5:
        return np.clip(1.0 - cdf, 0.0, 1.0), cdf
    # mass beyond m
    beyond = 0.0
    start = m + 1
    log_poch0 = float(np.sum(np.log(size + k)))  # log Pochhammer(size, m + 1)
    log_fact0 = math.lgamma(m + 2)
    chunk = max(1024, m + 1)
    for _ in range(10_000):
        kk = np.arange(start, start + chunk, dtype=float)
        lp = log_pmf(kk, log_poch0, log_fact0)
        part = np.exp(lp)
        beyond += float(np.sum(part))
        decreasing = lp[-1] < lp[-2]
        if decreasing and part[-1] <= 1e-30 * max(beyond, 1e-300):
            break
        log_poch0 += float(np.sum(np.log(size + kk)))
        log_fact0 += float(np.sum(np.log(kk + 1.0)))
        start += chunk
    rev = np.cumsum(pmf[::-1])[::-1]  # rev[k] = P(k <= NB <= m)
    upper = beyond + np.append(rev[1:], 0.0)  # P(NB >= j + 1)
    small_cdf = cdf < 0.5
    within = np.where(small_cdf, 1.0 - cdf, upper)
    late = np.where(small_cdf, cdf, 1.0 - upper)
    return np.clip(within, 0.0, 1.0), np.clip(late, 0.0, 1.0)


def _erlang_a_core(
    lam: float, mu: float, theta: float, agents: int, threshold: float, log_b: float
) -> dict[str, float]:
    n_mu = agents * mu
    log_w = _queue_tail_logs(lam, n_mu, theta)
    m = log_w.size - 1
    j = np.arange(m + 1, dtype=float)
    # Stationary law, relative to p_N: sum_{n<N} p_n / p_N = 1/B - 1, p_{N+j}/p_N = w_j.
    log_free = _log_expm1(-log_b)  # log(1/B - 1)
    log_s = _logsumexp(log_w)
    log_den = _logaddexp(log_free, log_s)
    p_free = math.exp(log_free - log_den)  # P(arrival finds a free agent)   (PASTA)
    pi = np.exp(log_w - log_den)  # P(arrival finds N + j in system)
    p_wait = math.exp(log_s - log_den)

    # Given j callers waiting ahead, the caller's offered wait V (time to reach an agent if
    # infinitely patient) is sum_{i=0..j} Exp(r_i), r_i = N mu + i theta, and the caller is
    # answered iff V <= own patience ~ Exp(theta), i.e. with probability E[exp(-theta V)].
    # Exponential tilting: E[exp(-theta V) f(V)] = (r_0 / r_{j+1}) E[f(V')] with
    # V' = sum_{i=1..j+1} Exp(r_i); the actual wait is min(V, patience).
    r = n_mu + (j + 1.0) * theta  # r_{j+1}
    p_served_j = n_mu / r
    p_ab_j = ((j + 1.0) * theta) / r
    h = np.cumsum(1.0 / r)  # E[V'] = E[V | answered, j]
    p_abandon = float(np.sum(pi * p_ab_j))
    mean_wait = float(np.sum(pi * (j + 1.0) / r))  # E[min(V, patience)] = (1 - r_0/r_{j+1})/theta
    wait_served = float(np.sum(pi * p_served_j * h))
    mean_queue = float(np.sum(pi * j))

    # P(V' <= t) = P(NB >= j + 1), NB ~ negative binomial (failures before the size-th
    # success) with size N mu/theta + 1 and success probability exp(-theta t), because
    # V' = -log(Beta(size, j + 1)) / theta  (compare Laplace transforms).
    if threshold > 0:
        within, late = _negbin_split(n_mu / theta + 1.0, theta * threshold, m)
    else:
        within, late = np.zeros_like(j), np.ones_like(j)
    p_answered = p_free + float(np.sum(pi * p_served_j))
    # answered within t / offered, and answered after t / offered; use whichever form of
    # each service level avoids subtracting nearly equal numbers
    on_time = p_free + float(np.sum(pi * p_served_j * within))
    too_late = float(np.sum(pi * p_served_j * late))
    sl_offered = on_time if on_time < 0.5 else (1.0 - p_abandon) - too_late
    if p_answered > 0:
        sl_answered = on_time / p_answered
        if sl_answered >= 0.5:
            sl_answered = 1.0 - too_late / p_answered
    else:
        sl_answered = math.nan
    return {
        "p_wait": p_wait,
        "p_abandon": p_abandon,
        "mean_wait": mean_wait,
        "asa_answered": wait_served / p_answered if p_answered > 0 else math.nan,
        "mean_wait_abandoned": (mean_wait - wait_served) / p_abandon if p_abandon > 0 else math.nan,
        "service_level_offered": _clip01(sl_offered),
        "service_level_answered": _clip01(sl_answered),
        "mean_queue": mean_queue,
        "truncated_at": float(m),
    }


def _erlang_a_from_log_b(
    cph: float, aht: float, agents: int, patience: float, threshold: float, log_b: float
) -> MMcMResult:
    lam = cph / SECONDS_PER_HOUR
    load = lam * aht
    core = _erlang_a_core(lam, 1.0 / aht, 1.0 / patience, agents, threshold, log_b)
    p_ab = core["p_abandon"]
    p_wait = core["p_wait"]
    return MMcMResult(
        calls_per_hour=cph,
        aht=aht,
        agents=agents,
        patience=patience,
        sl_threshold=threshold,
        load_erlangs=load,
        p_wait=p_wait,
        p_abandon=p_ab,
        p_abandon_given_wait=p_ab / p_wait if p_wait > 0 else 0.0,
        abandons_per_hour=cph * p_ab,
        answered_per_hour=cph * (1.0 - p_ab),
        mean_wait=core["mean_wait"],
        asa_answered=core["asa_answered"],
        mean_wait_abandoned=core["mean_wait_abandoned"],
        service_level_answered=core["service_level_answered"],
        service_level_offered=core["service_level_offered"],
        occupancy=min(1.0, load * (1.0 - p_ab) / agents),
        mean_queue=core["mean_queue"],
        truncated_at=int(core["truncated_at"]),
    )


def erlang_a(
    calls_per_hour: float,
    aht: float,
    agents: int,
    patience: float,
    threshold: float = 20,
    *,
    sl_threshold: float | None = None,
) -> MMcMResult:
    """Erlang A figures for an M/M/N+M queue (exponential patience, mean ``patience`` s).

    Works for any load, including ``load >= agents``.  See :class:`MMcMResult` for
    the meaning of each field.  ``sl_threshold`` is the deprecated old name of
    ``threshold``.
    """
    threshold = _threshold_alias(threshold, sl_threshold, "erlang_a")
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    n = _check_int("agents", agents, 1)
    pat = _check_float("patience", patience, positive=True)
    t = _check_float("threshold", threshold, positive=False)
    load = cph / SECONDS_PER_HOUR * aht_s
    return _erlang_a_from_log_b(cph, aht_s, n, pat, t, log_erlang_b(n, load))
