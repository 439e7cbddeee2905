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

This package gathers the public names; the formulas live in ``classic`` (Erlang B/C,
M/M/N), ``abandonment`` (Erlang A), ``asymptotic`` (Halfin-Whitt
Erlang C past 10,000 Erlangs) and ``staffing`` (searches and tables).
"""

from .abandonment import MMcMResult, erlang_a
from .asymptotic import ASYMPTOTIC_LOAD, is_asymptotic
from .classic import MMcResult, erlang_b, erlang_c, log_erlang_b, mmc
from .common import SECONDS_PER_HOUR
from .common import SLBasis as SLBasis
from .staffing import (
    MAX_LOAD,
    agents_for_asa,
    agents_for_service_level,
    default_agent_range,
    min_stable_agents,
    offered_load,
    staffing_table,
)

__all__ = [
    "ASYMPTOTIC_LOAD",
    "MAX_LOAD",
    "SECONDS_PER_HOUR",
    "MMcMResult",
    "MMcResult",
    "agents_for_asa",
    "agents_for_service_level",
    "default_agent_range",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "is_asymptotic",
    "log_erlang_b",
    "min_stable_agents",
    "mmc",
    "offered_load",
    "staffing_table",
]
