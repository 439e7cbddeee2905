"""The pointer strategies' block walk (engine/ordered.py) against the literal walk it replaced.

``LiteralSimulation`` (tests/literal_walk.py) sorts every listed row for every member and
walks the list row by row with the tier gate, as reference §1.4.6, §1.4.7 and §2.3 read. On
random small scenarios (statuses, shifts, tiers on levels 0-2 with equal positions, tier
rules, delays, failures, two queues sharing agents) both engines must emit the same offers
and calls, record for record.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from literal_walk import LiteralSimulation
from test_invariants import SETTINGS, build, scenario_dicts

POINTER = st.sampled_from(["round-robin", "top-down"])


def both(d):
    sc = build(d)
    fast, literal = ListRecorder(), ListRecorder()
    Simulation(sc, fast).run()
    LiteralSimulation(sc, literal).run()
    return fast, literal


@SETTINGS
@given(scenario_dicts(strategy=POINTER))
def test_pointer_strategies_block_walk_equals_literal_walk(d):
    fast, literal = both(d)
    assert fast.offers == literal.offers
    assert fast.calls == literal.calls


@SETTINGS
@given(scenario_dicts(strategy=POINTER, tier_rules_apply=True, trace=False))
def test_pointer_strategies_with_tier_rules_equal_literal_walk(d):
    fast, literal = both(d)
    assert fast.offers == literal.offers
    assert fast.calls == literal.calls
