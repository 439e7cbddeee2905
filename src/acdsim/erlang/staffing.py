"""Staffing from the Erlang formulas: the fewest agents that reach a service level or an
ASA (Erlang C, or Erlang A when a patience is given), found by a doubling search and
bisection, and the staffing table of ``acdsim erlang`` (one row per agent count).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .abandonment import _erlang_a_from_log_b, erlang_a
from .asymptotic import check_erlang_a_size, is_asymptotic, mmc_halfin_whitt
from .classic import MMcResult, _mmc_from_log_b, log_erlang_b
from .common import SECONDS_PER_HOUR, SLBasis, _check_basis, _check_float, _check_int

#: Largest offered load (Erlangs) accepted at all: past it the agent counts are so large
#: that a float no longer tells N from N + 1 apart well enough for square-root staffing.
MAX_LOAD = 1e12


def offered_load(calls_per_hour: float, aht: float) -> float:
    """``calls_per_hour * aht / 3600`` Erlangs; ``ValueError`` past :data:`MAX_LOAD`."""
    load = calls_per_hour / SECONDS_PER_HOUR * aht
    if not load <= MAX_LOAD:
        raise ValueError(
            f"the offered load calls_per_hour x aht / 3600 = {load:.3g} Erlangs is beyond "
            f"{MAX_LOAD:.0e} Erlangs (check the units: calls per hour, seconds)"
        )
    return load


def _mmc_at(lam: float, aht: float, n: int, t: float, cph: float) -> MMcResult:
    """Erlang C figures: exact up to ``ASYMPTOTIC_LOAD``, Halfin-Whitt beyond."""
    load = lam * aht
    if is_asymptotic(load):
        return mmc_halfin_whitt(lam, aht, n, t, cph)
    return _mmc_from_log_b(lam, aht, n, t, log_erlang_b(n, load), cph)


def min_stable_agents(calls_per_hour: float, aht: float) -> int:
    """Smallest number of agents for which Erlang C is stable (agents > load)."""
    cph = _check_float("calls_per_hour", calls_per_hour, positive=True)
    aht_s = _check_float("aht", aht, positive=True)
    return math.floor(offered_load(cph, aht_s)) + 1


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
    load = offered_load(cph, aht_s)
    cap = (
        _default_max_agents(load) if max_agents is None else _check_int("max_agents", max_agents, 1)
    )
    what = f"a service level of {tgt:.6g} within {t:g} s"
    if patience is None:

        def ok(n: int) -> bool:
            return _mmc_at(lam, aht_s, n, t, cph).service_level >= tgt

        lo = min_stable_agents(cph, aht_s)
    else:
        pat = _check_float("patience", patience, positive=True)
        check_erlang_a_size(load)

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
    load = offered_load(cph, aht_s)
    cap = (
        _default_max_agents(load) if max_agents is None else _check_int("max_agents", max_agents, 1)
    )
    what = f"an ASA of {tgt:g} s"
    if patience is None:

        def ok(n: int) -> bool:
            return _mmc_at(lam, aht_s, n, 0.0, cph).asa <= tgt

        lo = min_stable_agents(cph, aht_s)
    else:
        pat = _check_float("patience", patience, positive=True)
        check_erlang_a_size(load)

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
    """From ``margin`` below the minimum stable staffing to ``margin`` above the answer
    (past ``ASYMPTOTIC_LOAD``: from ``10 * margin`` below the answer)."""
    answer = agents_for_service_level(
        calls_per_hour, aht, target, threshold, patience, sl_basis=sl_basis
    )
    first = max(1, min(min_stable_agents(calls_per_hour, aht), answer) - margin)
    if is_asymptotic(offered_load(calls_per_hour, aht)):
        # the gap from the stable minimum grows like sqrt(load): thousands of rows
        first = max(first, answer - 10 * margin)
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
    load = offered_load(cph, aht_s)
    if patience is not None:
        check_erlang_a_size(load)
    if agents is None:
        agents = default_agent_range(cph, aht_s, target, t, patience, sl_basis=sl_basis)
    rows: list[dict[str, Any]] = []
    for n in agents:
        if patience is None:
            c = _mmc_at(cph / SECONDS_PER_HOUR, aht_s, _check_int("agents", n, 1), t, cph)
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
