"""Erlang C beyond the size where the exact formulas are worth their cost: the Halfin-Whitt
(square-root staffing, quality-and-efficiency-driven) approximation of the M/M/N queue.

With offered load ``a`` and ``N = a + beta * sqrt(a)`` agents (``beta > 0``):

* P(wait) ``C ~ 1 / (1 + beta * Phi(beta) / phi(beta))``
* Erlang B ``B ~ phi(beta) / (sqrt(a) * Phi(beta))`` (Jagerman)
* ASA, service level, occupancy and queue length then follow from C exactly as in
  :mod:`.classic` (the wait of a waiting caller is still exponential with mean
  ``aht / (N - a)``).

The relative error of C falls like ``1/sqrt(a)``: below 1 % of C from a few thousand
Erlangs on, so past :data:`ASYMPTOTIC_LOAD` the staffing answer is the exact one or off by
one agent. Erlang A (with patience) is only evaluated exactly and refuses loads beyond
:data:`ASYMPTOTIC_LOAD` (its state space grows with the load).
"""

from __future__ import annotations

import math

from .classic import MMcResult

#: Offered load (Erlangs) above which ``acdsim erlang`` and the staffing functions use the
#: Halfin-Whitt forms for Erlang C and refuse Erlang A.
ASYMPTOTIC_LOAD = 10_000.0

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _big_phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def halfin_whitt_p_wait(agents: int, load: float) -> float:
    """Approximate Erlang C probability of waiting; 1 when ``agents <= load``."""
    if agents <= load:
        return 1.0
    beta = (agents - load) / math.sqrt(load)
    half_sq = 0.5 * beta * beta
    if half_sq > 700.0:  # phi(beta) underflows: nobody waits
        return 0.0
    ratio = beta * _big_phi(beta) * _SQRT_2PI * math.exp(half_sq)
    return 1.0 / (1.0 + ratio)


def halfin_whitt_erlang_b(agents: int, load: float) -> float:
    """Jagerman's approximation of Erlang B for large loads (``agents > load``)."""
    beta = (agents - load) / math.sqrt(load)
    half_sq = 0.5 * beta * beta
    if half_sq > 700.0:
        return 0.0
    return math.exp(-half_sq) / _SQRT_2PI / (math.sqrt(load) * _big_phi(beta))


def mmc_halfin_whitt(
    lam: float, aht: float, agents: int, threshold: float, cph: float
) -> MMcResult:
    """:class:`MMcResult` from the Halfin-Whitt approximation (same fields as ``mmc``)."""
    load = lam * aht
    if agents <= load:
        return MMcResult(
            calls_per_hour=cph, aht=aht, agents=agents, sl_threshold=threshold,
            load_erlangs=load, stable=False, p_block_erlang_b=math.nan, p_wait=1.0,
            asa=math.inf, mean_wait_of_waiting=math.inf, service_level=0.0, occupancy=1.0,
            mean_queue=math.inf,
        )  # fmt: skip
    c = halfin_whitt_p_wait(agents, load)
    w_waiting = aht / (agents - load)
    asa = c * w_waiting
    sl = 1.0 - c * math.exp(-threshold / w_waiting)
    return MMcResult(
        calls_per_hour=cph, aht=aht, agents=agents, sl_threshold=threshold, load_erlangs=load,
        stable=True, p_block_erlang_b=halfin_whitt_erlang_b(agents, load), p_wait=c, asa=asa,
        mean_wait_of_waiting=w_waiting, service_level=min(1.0, max(0.0, sl)),
        occupancy=load / agents, mean_queue=lam * asa,
    )  # fmt: skip


def is_asymptotic(load: float) -> bool:
    """True when ``load`` (Erlangs) is past the exact formulas' documented size."""
    return load > ASYMPTOTIC_LOAD


def check_erlang_a_size(load: float) -> None:
    """Erlang A is exact only: refuse loads past :data:`ASYMPTOTIC_LOAD`."""
    if is_asymptotic(load):
        raise ValueError(
            f"the offered load is {load:,.0f} Erlangs; Erlang A (--patience) is evaluated "
            f"exactly up to {ASYMPTOTIC_LOAD:,.0f} Erlangs only (drop the patience for the "
            "asymptotic Erlang C figures, or split the traffic)"
        )
