"""Erlang B (M/M/N/N, blocked calls lost), Erlang C (M/M/N, callers wait without limit)
and the steady-state figures of the M/M/N queue: probability of waiting, ASA, service
level, occupancy and queue length (:class:`MMcResult`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .common import (
    SECONDS_PER_HOUR,
    _check_float,
    _check_int,
    _log_expm1,
    _logsumexp,
    _threshold_alias,
)

# --------------------------------------------------------------------------- Erlang B / C

#: Largest agent count the exact (O(N) memory) Erlang B sum is evaluated for.
MAX_EXACT_SERVERS = 10_000_000


def log_erlang_b(servers: int, load_erlangs: float) -> float:
    """Natural log of the Erlang B blocking probability B(servers, load).

    Uses ``1/B(N, a) = sum_{k=0..N} N! / (k! a^(N-k))``: the log of every term is a
    partial sum of ``log(i / a)``, and the sum is taken with log-sum-exp, so there is
    neither overflow nor underflow for any N (O(N) time, vectorised).
    """
    n = _check_int("servers", servers, 0)
    a = _check_float("load_erlangs", load_erlangs, positive=False)
    if n > MAX_EXACT_SERVERS:
        # O(N) memory: past this the staffing functions switch to Halfin-Whitt (asymptotic)
        raise ValueError(
            f"servers must be <= {MAX_EXACT_SERVERS:,} for the exact formula, got {n:,}"
        )
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


def mmc(
    calls_per_hour: float,
    aht: float,
    agents: int,
    threshold: float = 20,
    *,
    sl_threshold: float | None = None,
) -> MMcResult:
    """Erlang C figures for an M/M/N queue (no abandonment).

    ``calls_per_hour`` > 0, ``aht`` > 0 seconds, ``agents`` >= 1, ``threshold`` >= 0 s
    (``sl_threshold`` is its deprecated old name; the result keeps the field
    ``sl_threshold``).
    """
    threshold = _threshold_alias(threshold, sl_threshold, "mmc")
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    n = _check_int("agents", agents, 1)
    t = _check_float("threshold", threshold, positive=False)
    lam = cph / SECONDS_PER_HOUR
    return _mmc_from_log_b(lam, aht_s, n, t, log_erlang_b(n, lam * aht_s), cph)
