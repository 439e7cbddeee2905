"""Closed-form staffing formulas: Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M).

Conventions used throughout:

* rates are given as ``calls_per_hour``; every time (``aht``, ``patience``,
  thresholds, results such as ``asa``) is in **seconds**;
* ``aht`` is the mean handling time (exponential service), ``patience`` the mean
  patience of a waiting caller (exponential, Erlang A only);
* the offered load is ``a = calls_per_hour * aht / 3600`` Erlangs.

Everything is computed in log space or with scaled probabilities, so the
functions stay exact (to rounding) and free of overflow for thousands of agents
and for loads near or above the number of agents.  See ``docs/erlang.md`` for the
formulas and the definitions of the service-level / ASA variants.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

SECONDS_PER_HOUR = 3600.0

SLBasis = Literal["offered", "answered"]
_SL_BASES: tuple[str, ...] = ("offered", "answered")

# The Erlang A tail is truncated once its terms fall this many nats (natural-log
# units) below the largest term: e**-50 ~ 2e-22, far below double precision.
_TAIL_DROP_NATS = 50.0
_TAIL_MAX_STATES = 20_000_000


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- Erlang B / C


def log_erlang_b(servers: int, load_erlangs: float) -> float:
    """Natural log of the Erlang B blocking probability B(servers, load).

    Uses ``1/B(N, a) = sum_{k=0..N} N! / (k! a^(N-k))``: the log of every term is a
    partial sum of ``log(i / a)``, and the sum is taken with log-sum-exp, so there is
    neither overflow nor underflow for any N (O(N) time, vectorised).
    """
    n = _check_int("servers", servers, 0)
    a = _check_float("load_erlangs", load_erlangs, positive=False)
    if n == 0:
        return 0.0
    if a == 0.0:
        return -math.inf
    # log_terms[m] = sum_{i=N-m+1..N} log(i/a)  (term k = N - m)
    logs = np.log(np.arange(n, 0, -1, dtype=float)) - math.log(a)
    log_terms = np.concatenate(([0.0], np.cumsum(logs)))
    return -_logsumexp(log_terms)


def erlang_b(servers: int, load_erlangs: float) -> float:
    """Erlang B: probability that a call is blocked in M/M/N/N (no queue)."""
    return math.exp(log_erlang_b(servers, load_erlangs))


def _erlang_c_from_log_b(servers: int, load: float, log_b: float) -> float:
    if load >= servers:
        return 1.0
    # C = 1 / (1 + (1 - rho) (1/B - 1)),   rho = a / N
    log_x = math.log1p(-load / servers) + _log_expm1(-log_b)
    if log_x > 0:
        e = math.exp(-log_x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(log_x))


def erlang_c(servers: int, load_erlangs: float) -> float:
    """Erlang C: probability that an arriving call waits in M/M/N (infinite patience).

    Returns 1.0 when ``load_erlangs >= servers`` (the queue is unstable: everyone waits).
    """
    n = _check_int("servers", servers, 1)
    a = _check_float("load_erlangs", load_erlangs, positive=False)
    return _erlang_c_from_log_b(n, a, log_erlang_b(n, a))


# --------------------------------------------------------------------------- M/M/N


@dataclass(frozen=True)
class MMcResult:
    """Erlang C (M/M/N, infinite patience) steady-state figures. Times in seconds.

    ``stable`` is False when ``load_erlangs >= agents``; the queue then grows
    without bound and ``p_wait = 1``, ``asa = mean_wait_of_waiting = mean_queue =
    inf``, ``service_level = 0`` and ``occupancy = 1``.
    """

    calls_per_hour: float
    aht: float
    agents: int
    sl_threshold: float
    load_erlangs: float
    stable: bool
    p_block_erlang_b: float
    #: probability that a caller has to wait at all (Erlang C formula)
    p_wait: float
    #: average speed of answer = mean wait over ALL callers (including those who
    #: are answered at once); every caller is answered in this model
    asa: float
    #: mean wait of the callers who do wait: ``aht / (agents - load)``
    mean_wait_of_waiting: float
    #: P(wait <= sl_threshold) over all callers (= answered = offered here)
    service_level: float
    #: agent utilisation, ``load / agents``
    occupancy: float
    #: mean number of callers waiting (Little: arrival rate * asa)
    mean_queue: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mmc_from_log_b(
    lam: float, aht: float, agents: int, threshold: float, log_b: float, cph: float
) -> MMcResult:
    load = lam * aht
    p_block = math.exp(log_b)
    if load >= agents:
        return MMcResult(
            calls_per_hour=cph,
            aht=aht,
            agents=agents,
            sl_threshold=threshold,
            load_erlangs=load,
            stable=False,
            p_block_erlang_b=p_block,
            p_wait=1.0,
            asa=math.inf,
            mean_wait_of_waiting=math.inf,
            service_level=0.0,
            occupancy=1.0,
            mean_queue=math.inf,
        )
    c = _erlang_c_from_log_b(agents, load, log_b)
    w_waiting = aht / (agents - load)
    asa = c * w_waiting
    sl = 1.0 - c * math.exp(-threshold / w_waiting)
    return MMcResult(
        calls_per_hour=cph,
        aht=aht,
        agents=agents,
        sl_threshold=threshold,
        load_erlangs=load,
        stable=True,
        p_block_erlang_b=p_block,
        p_wait=c,
        asa=asa,
        mean_wait_of_waiting=w_waiting,
        service_level=min(1.0, max(0.0, sl)),
        occupancy=load / agents,
        mean_queue=lam * asa,
    )


def mmc(calls_per_hour: float, aht: float, agents: int, sl_threshold: float = 20) -> MMcResult:
    """Erlang C figures for an M/M/N queue (no abandonment).

    ``calls_per_hour`` > 0, ``aht`` > 0 seconds, ``agents`` >= 1, ``sl_threshold`` >= 0 s.
    """
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    n = _check_int("agents", agents, 1)
    t = _check_float("sl_threshold", sl_threshold, positive=False)
    lam = cph / SECONDS_PER_HOUR
    return _mmc_from_log_b(lam, aht_s, n, t, log_erlang_b(n, lam * aht_s), cph)


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


def _check_basis(basis: str) -> None:
    if basis not in _SL_BASES:
        raise ValueError(f"sl_basis must be one of {_SL_BASES}, got {basis!r}")


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
    sl_threshold: float = 20,
) -> MMcMResult:
    """Erlang A figures for an M/M/N+M queue (exponential patience, mean ``patience`` s).

    Works for any load, including ``load >= agents``.  See :class:`MMcMResult` for
    the meaning of each field.
    """
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    n = _check_int("agents", agents, 1)
    pat = _check_float("patience", patience, positive=True)
    t = _check_float("sl_threshold", sl_threshold, positive=False)
    load = cph / SECONDS_PER_HOUR * aht_s
    return _erlang_a_from_log_b(cph, aht_s, n, pat, t, log_erlang_b(n, load))


# --------------------------------------------------------------------------- staffing


def min_stable_agents(calls_per_hour: float, aht: float) -> int:
    """Smallest number of agents for which Erlang C is stable (agents > load)."""
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    return math.floor(cph * aht_s / SECONDS_PER_HOUR) + 1


def _smallest_meeting(ok: Callable[[int], bool], lo: int, max_agents: int, what: str) -> int:
    """Smallest N in [lo, max_agents] with ok(N), assuming ok is monotone in N."""
    if ok(lo):
        return lo
    bad, step = lo, 1
    while True:
        if bad >= max_agents:
            raise ValueError(f"no staffing up to {max_agents} agents meets {what}")
        hi = min(max_agents, bad + step)
        if ok(hi):
            break
        bad, step = hi, 2 * step
    while hi - bad > 1:
        mid = (bad + hi) // 2
        if ok(mid):
            hi = mid
        else:
            bad = mid
    return hi


def _default_max_agents(load: float) -> int:
    return int(10 * load + 100 * math.sqrt(load) + 1000)


def agents_for_service_level(
    calls_per_hour: float,
    aht: float,
    target: float = 0.8,
    threshold: float = 20,
    patience: float | None = None,
    *,
    sl_basis: SLBasis = "offered",
    max_agents: int | None = None,
) -> int:
    """Fewest agents whose service level P(wait <= threshold) reaches ``target``.

    Erlang C when ``patience`` is None, otherwise Erlang A with the service level
    counted on ``sl_basis`` ("offered": answered within threshold / offered, the
    default and stricter one; "answered": answered within threshold / answered).
    ``target`` is a fraction in (0, 1).  The service level increases with the
    number of agents, so the answer is found by bisection.
    """
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    tgt = _check_float("target", target, positive=True)
    if tgt >= 1:
        raise ValueError(f"target must be a fraction in (0, 1), got {target!r}")
    t = _check_float("threshold", threshold, positive=False)
    _check_basis(sl_basis)
    lam = cph / SECONDS_PER_HOUR
    load = lam * aht_s
    cap = (
        _default_max_agents(load) if max_agents is None else _check_int("max_agents", max_agents, 1)
    )
    what = f"a service level of {tgt:.6g} within {t:g} s"
    if patience is None:

        def ok(n: int) -> bool:
            res = _mmc_from_log_b(lam, aht_s, n, t, log_erlang_b(n, load), cph)
            return res.service_level >= tgt

        lo = min_stable_agents(cph, aht_s)
    else:
        pat = _check_float("patience", patience, positive=True)

        def ok(n: int) -> bool:
            res = _erlang_a_from_log_b(cph, aht_s, n, pat, t, log_erlang_b(n, load))
            return res.service_level(sl_basis) >= tgt

        # Answered within t / offered <= answered / offered <= agents / load.
        lo = max(1, math.ceil(tgt * load) if sl_basis == "offered" else 1)
    return _smallest_meeting(ok, min(lo, cap), cap, what)


def agents_for_asa(
    calls_per_hour: float,
    aht: float,
    target_asa: float,
    patience: float | None = None,
    *,
    max_agents: int | None = None,
) -> int:
    """Fewest agents whose average speed of answer is <= ``target_asa`` seconds.

    Erlang C (``patience`` None): ASA over all callers (all are answered).
    Erlang A: ASA of the answered callers (:attr:`MMcMResult.asa_answered`).
    """
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    tgt = _check_float("target_asa", target_asa, positive=False)
    lam = cph / SECONDS_PER_HOUR
    load = lam * aht_s
    cap = (
        _default_max_agents(load) if max_agents is None else _check_int("max_agents", max_agents, 1)
    )
    what = f"an ASA of {tgt:g} s"
    if patience is None:

        def ok(n: int) -> bool:
            return _mmc_from_log_b(lam, aht_s, n, 0.0, log_erlang_b(n, load), cph).asa <= tgt

        lo = min_stable_agents(cph, aht_s)
    else:
        pat = _check_float("patience", patience, positive=True)

        def ok(n: int) -> bool:
            res = _erlang_a_from_log_b(cph, aht_s, n, pat, 0.0, log_erlang_b(n, load))
            return res.asa_answered <= tgt

        lo = 1
    return _smallest_meeting(ok, min(lo, cap), cap, what)


def default_agent_range(
    calls_per_hour: float,
    aht: float,
    target: float = 0.8,
    threshold: float = 20,
    patience: float | None = None,
    *,
    sl_basis: SLBasis = "offered",
    margin: int = 3,
) -> range:
    """From ``margin`` below the minimum stable staffing to ``margin`` above the answer."""
    answer = agents_for_service_level(
        calls_per_hour, aht, target, threshold, patience, sl_basis=sl_basis
    )
    first = max(1, min(min_stable_agents(calls_per_hour, aht), answer) - margin)
    return range(first, answer + margin + 1)


def staffing_table(
    calls_per_hour: float,
    aht: float,
    patience: float | None = None,
    threshold: float = 20,
    agents: Iterable[int] | None = None,
    *,
    target: float = 0.8,
    sl_basis: SLBasis = "offered",
) -> list[dict[str, Any]]:
    """One row (a dict) per agent count.

    Every row has ``agents``, ``service_level`` (Erlang C, or Erlang A on
    ``sl_basis``), ``asa`` (Erlang C: over all callers; Erlang A: answered callers),
    ``occupancy`` and ``p_wait``.  Erlang C rows add ``stable`` (False when
    agents <= load: SL 0, ASA inf).  Erlang A rows add ``p_abandon``,
    ``abandons_per_hour``, ``mean_wait``, ``service_level_answered`` and
    ``service_level_offered``.  ``agents`` defaults to :func:`default_agent_range`
    (which uses ``target``).
    """
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    t = _check_float("threshold", threshold, positive=False)
    _check_basis(sl_basis)
    if agents is None:
        agents = default_agent_range(cph, aht_s, target, t, patience, sl_basis=sl_basis)
    rows: list[dict[str, Any]] = []
    for n in agents:
        if patience is None:
            c = mmc(cph, aht_s, n, t)
            rows.append(
                {
                    "agents": c.agents,
                    "service_level": c.service_level,
                    "asa": c.asa,
                    "occupancy": c.occupancy,
                    "p_wait": c.p_wait,
                    "stable": c.stable,
                }
            )
        else:
            r = erlang_a(cph, aht_s, n, patience, t)
            rows.append(
                {
                    "agents": r.agents,
                    "service_level": r.service_level(sl_basis),
                    "asa": r.asa_answered,
                    "occupancy": r.occupancy,
                    "p_wait": r.p_wait,
                    "p_abandon": r.p_abandon,
                    "abandons_per_hour": r.abandons_per_hour,
                    "mean_wait": r.mean_wait,
                    "service_level_answered": r.service_level_answered,
                    "service_level_offered": r.service_level_offered,
                }
            )
    return rows


__all__ = [
    "SECONDS_PER_HOUR",
    "MMcMResult",
    "MMcResult",
    "agents_for_asa",
    "agents_for_service_level",
    "default_agent_range",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "log_erlang_b",
    "min_stable_agents",
    "mmc",
    "staffing_table",
]
