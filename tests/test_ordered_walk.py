"""The pointer strategies' block walk (engine/ordered.py) against the literal walk it replaced.

``LiteralSimulation`` (tests/literal_walk.py) sorts every listed row for every member and
walks the list row by row with the tier gate, as reference §1.4.6, §1.4.7 and §2.3 read. On
random small scenarios (statuses, shifts, tiers on levels 0-2 with equal positions, tier
rules, delays, failures, two queues sharing agents) both engines must emit the same offers
and calls, record for record. The same oracle style checks the dispatcher's shortcut for
members stopped by the tier gate.
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


HEAP = st.sampled_from(
    ["longest-idle-agent", "agent-with-least-talk-time", "agent-with-fewest-calls", "sequentially-by-agent-order"]
)


@SETTINGS
@given(scenario_dicts(strategy=HEAP))
def test_heap_strategies_pick_equals_sorting_the_idle_rows_by_current_key(d):
    fast, literal = both(d)
    assert fast.offers == literal.offers
    assert fast.calls == literal.calls


class NoGateShortcut(Simulation):
    """Walks every member in every pass: no queue counts as monotone, so the dispatcher never
    skips the later members of a queue whose tier gate stopped a member."""

    def _build(self) -> None:
        super()._build()
        for q in self.queues.values():
            q.monotone = False


@SETTINGS
@given(scenario_dicts(tier_rules_apply=True, strategy=st.sampled_from(["longest-idle-agent", "sequentially-by-agent-order"])))
def test_gate_shortcut_changes_nothing(d):
    # Once the gate stops a member of a plain queue, later members of that queue are not walked
    # in that pass (dispatch._pass_from). The offers and calls must be those of walking them.
    sc = build(d)
    fast, full = ListRecorder(), ListRecorder()
    Simulation(sc, fast).run()
    NoGateShortcut(sc, full).run()
    assert fast.offers == full.offers
    assert fast.calls == full.calls
