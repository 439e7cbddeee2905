"""Long queues: a pass stops early when no later member could be offered anything.

The dispatcher stops visiting a queue's members in a pass once one of them gets no offer and
no later one could (dispatch._pass_from: no idle agent ready at this instant; the tier gate in
a queue whose members are in join order; round-robin's and random's one list for everyone),
and copies the member list as it goes (dispatch._visit). On random scenarios with tens of
callers queued behind one to four agents, the offers and calls must be those of the literal
walk (tests/literal_walk.py), which visits every member in every pass.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from acdsim.engine.dispatch import _visit
from literal_walk import LiteralSimulation
from test_invariants import SETTINGS, build, scenario_dicts

WALKED = st.sampled_from([
    "longest-idle-agent", "agent-with-least-talk-time", "agent-with-fewest-calls",
    "sequentially-by-agent-order", "round-robin", "top-down",
])


@st.composite
def long_queues(draw: st.DrawFn, **queue: Any) -> dict[str, Any]:
    """A scenario of test_invariants.scenario_dicts whose queues each get 20-60 callers in
    their first minute (several at the same instant), so that most of them wait in line."""
    d = draw(scenario_dicts(trace=True, **queue))
    for q in d["queues"]:
        n = draw(st.integers(20, 60))
        times = sorted(draw(st.lists(st.integers(0, 60) | st.floats(0, 60, allow_nan=False), min_size=n, max_size=n)))
        d["_trace"][q["id"]] = times
    return d


class FullPass(Simulation):
    """The engine without the early stop: every pass visits every member."""

    skip_done = False


def _runs(d: dict[str, Any], other: type[Simulation]) -> tuple[ListRecorder, ListRecorder]:
    sc = build(d)
    fast, slow = ListRecorder(), ListRecorder()
    Simulation(sc, fast).run()
    other(sc, slow).run()
    return fast, slow


@SETTINGS
@given(long_queues(strategy=WALKED))
def test_long_queue_pass_stop_equals_literal_walk_of_every_member(d):
    fast, literal = _runs(d, LiteralSimulation)
    assert fast.offers == literal.offers
    assert fast.calls == literal.calls


@SETTINGS
@given(long_queues(strategy=WALKED, tier_rules_apply=True))
def test_long_queue_pass_stop_with_tier_rules_equals_literal_walk(d):
    fast, literal = _runs(d, LiteralSimulation)
    assert fast.offers == literal.offers
    assert fast.calls == literal.calls


@SETTINGS
@given(long_queues(strategy=st.sampled_from(["longest-idle-agent", "round-robin", "ring-all", "ring-progressively"])))
def test_long_queue_pass_stop_changes_nothing_against_visiting_every_member(d):
    fast, full = _runs(d, FullPass)
    assert fast.offers == full.offers
    assert fast.calls == full.calls
    # Per caller and per agent: the same states in the same order, at the same times. (In
    # continuous timing a pass at an instant can run before a later caller of that instant
    # joins, or after: a skipped member's gate pass makes the difference, so records of one
    # instant may interleave differently across callers.)
    assert _by(fast.member_states, "call_api_id") == _by(full.member_states, "call_api_id")
    assert _by(fast.agent_states, "agent") == _by(full.agent_states, "agent")


def _by(records: list[Any], field: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for r in records:
        out.setdefault(getattr(r, field), []).append(r)
    return out


@given(st.integers(0, 200), st.data())
def test_visit_hands_out_every_member_of_the_start_once_in_order(n, data):
    """_visit copies the list a chunk at a time; the member being visited may leave the list."""
    members = [SimpleNamespace(sort_key=(float(i // 3), i)) for i in range(n)]
    start = list(members)
    seen = []
    for m in _visit(members):
        seen.append(m)
        if data.draw(st.booleans()):
            members.remove(m)
    assert seen == start
