"""Long queues: a pass stops early when no later member could be offered anything.

The dispatcher stops visiting a queue's members in a pass once one of them gets no offer and
no later one could (dispatch._pass_from: no idle agent ready at this instant; the tier gate in
a queue whose members are in join order; round-robin's and random's one list for everyone),
and copies the member list as it goes (dispatch._visit). On random scenarios with tens of
callers queued behind one to four agents, the offers and calls must be those of the literal
walk (tests/literal_walk.py), which visits every member in every pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from acdsim.engine.dispatch import _visit
from literal_walk import LiteralSimulation
from test_invariants import SETTINGS, build, scenario_dicts

REGRESSIONS = Path(__file__).parent / "regressions"
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


def _instants(records: list[Any]) -> list[tuple[Any, ...]]:
    """Records with their times rounded to the engine's tolerance for one instant (EPS, 1e-9 s).

    Two gate openings less than EPS apart are one instant to ``_open_level``: a member whose
    level opens at 20.00000000000004 s is offered at a pass at 20.0 s if one happens, and the
    literal walk, which visits every member, schedules that pass for a later member whose gate
    opens at 20.0 s; the engine stops at the first gated member and offers at the earlier
    member's own gate pass. Same offers, same order, times equal within EPS."""
    return [tuple(round(x, 7) if isinstance(x, float) else x for x in r) for r in records]


@SETTINGS
@given(long_queues(strategy=WALKED))
def test_long_queue_pass_stop_equals_literal_walk_of_every_member(d):
    fast, literal = _runs(d, LiteralSimulation)
    assert _instants(fast.offers) == _instants(literal.offers)
    assert _instants(fast.calls) == _instants(literal.calls)


@SETTINGS
@given(long_queues(strategy=WALKED, tier_rules_apply=True))
def test_long_queue_pass_stop_with_tier_rules_equals_literal_walk(d):
    fast, literal = _runs(d, LiteralSimulation)
    assert _instants(fast.offers) == _instants(literal.offers)
    assert _instants(fast.calls) == _instants(literal.calls)


def test_gate_openings_within_eps_are_one_instant() -> None:
    """The case hypothesis found: a caller joins at 4.2e-14 s, its level 2 opens at
    20.00000000000004 s; another's level 1 opens at 20.0 s (a pass in the literal walk)."""
    d = FAILING_CASE
    fast, literal = _runs(d, LiteralSimulation)
    assert [o.offered_at for o in fast.offers][:2] == [10.0, 20.000000000000043]
    assert [o.offered_at for o in literal.offers][:2] == [10.0, 20.0]
    assert _instants(fast.offers) == _instants(literal.offers)
    assert _instants(fast.calls) == _instants(literal.calls)


@SETTINGS
@given(long_queues(strategy=st.sampled_from(["longest-idle-agent", "round-robin", "ring-all", "ring-progressively"])))
def test_long_queue_pass_stop_changes_nothing_against_visiting_every_member(d):
    fast, full = _runs(d, FullPass)
    assert _instants(fast.offers) == _instants(full.offers)
    assert _instants(fast.calls) == _instants(full.calls)
    # Per caller and per agent: the same states in the same order, at the same times, among
    # the states that last (what a status sample at any instant can see). In continuous
    # timing a pass at an instant can run before a later caller of that instant joins, or
    # after, or not at all: a skipped member's gate pass makes the difference, so records of
    # one instant may interleave differently across callers, and a ring-all caller who joins
    # and leaves at one instant may or may not be Trying for zero seconds in between (E12).
    assert _by(fast.member_states, "call_api_id") == _by(full.member_states, "call_api_id")
    assert _by(fast.agent_states, "agent") == _by(full.agent_states, "agent")


def _by(records: list[Any], field: str) -> dict[str, list[Any]]:
    """Each caller's (agent's) records in order, without those followed by another of the same
    caller at the same instant: a state that lasts no time is in no status sample."""
    out: dict[str, list[Any]] = {}
    for r, rounded in zip(records, _instants(records), strict=True):
        mine = out.setdefault(getattr(r, field), [])
        if mine and mine[-1][0] == rounded[0]:
            mine.pop()
        mine.append(rounded)
    return out



@pytest.mark.xfail(strict=True, reason="open: an offer within EPS before the exact instant flips a timeout tie (see docstring)")
def test_gate_pass_within_eps_before_a_delay_end_regression() -> None:
    """Found by this file's tier-rules property (at the e4rr branch's base, not caused by it;
    tests/regressions/long_queue_gate_pass_eps_before_delay_end.json): longest-idle, continuous,
    one agent (level 1, no-answer every time, 5 s no-answer delay), gate W = 3 s, max_wait 20 s.
    Caller 1-19 joins at 29.999999999999993 while 1-18 still waits. The engine's pass stops at
    1-18 (no idle agent ready at that instant), so 1-19's gate pass (J + 3 = 32.99999999999999)
    is never asked for; the literal walk visits 1-19 and asks for it, and at that pass
    ready_now's EPS lets it offer the agent whose delay ends at 33.0. The two runs then differ
    by 1e-14 s on every offer (the same instant within EPS) until caller 1-20's max-wait at
    exactly 63.0: the literal walk's offer at 62.99999999999999 starts before it (E27: the
    caller waits for the ring and leaves at 68.0), the engine's pass at 63.0 runs after it (a
    continuous pass runs after everything else due at its instant: timeout at 63.0). The
    engine's order is the documented one; the oracle offered EPS early. Not settled: either the
    literal walk must not offer before an agent's exact ready instant, or continuous timing
    needs one notion of instant for timers and passes."""
    d = json.loads((REGRESSIONS / "long_queue_gate_pass_eps_before_delay_end.json").read_text())
    d["_trace"] = {int(k): v for k, v in d["_trace"].items()}
    fast, literal = _runs(d, LiteralSimulation)
    assert _instants(fast.offers) == _instants(literal.offers)
    assert _instants(fast.calls) == _instants(literal.calls)

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


# Found by hypothesis (continuous timing, tier rules, a first arrival at 4.2e-14 s).
FAILING_CASE: dict[Any, Any] = {'_trace': {1: [4.2456660781049944e-14, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10],
            2: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]},
 'agents': {'local': [{'behavior': 'default',
                       'busy_delay_time': 0,
                       'call_timeout': 2,
                       'id': 1,
                       'max_no_answer': 1,
                       'no_answer_delay_time': 0,
                       'reject_delay_time': 0,
                       'status': 'available',
                       'wrap_up_time': 0},
                      {'behavior': 'default',
                       'busy_delay_time': 0,
                       'call_timeout': 2,
                       'id': 2,
                       'max_no_answer': 0,
                       'no_answer_delay_time': 0,
                       'reject_delay_time': 0,
                       'status': 'available',
                       'wrap_up_time': 0}]},
 'behaviors': {'default': {'answer_time': 2,
                           'p_busy': 0.0,
                           'p_no_answer': 0.0,
                           'p_reject': 0.0,
                           'reject_after': 0,
                           'talk_time_factor': 1.0},
               'other': {'answer_time': 0,
                         'p_busy': 0.0,
                         'p_no_answer': 0.0,
                         'p_reject': 0.0,
                         'reject_after': 0,
                         'talk_time_factor': 1.0}},
 'drain': True,
 'drain_limit': 600,
 'horizon': 300,
 'queues': [{'abandoned_resume_allowed': False,
             'agent_no_answer_status': 'on_break',
             'agents': {'local': [{'agent_id': 2, 'level': 2, 'position': 0},
                                  {'agent_id': 1, 'level': 1, 'position': 0}]},
             'callers': {'arrivals': {'calls_per_hour': 0},
                         'base_score': 0,
                         'patience': None,
                         'retry': {'delay': 1, 'probability': 0.5},
                         'talk_time': 1},
             'discard_abandoned_after': 0,
             'id': 1,
             'max_wait_time': 0,
             'max_wait_time_with_no_agent': 0,
             'max_wait_time_with_no_agent_time_reached': 0,
             'ring_progressively_delay': 0,
             'strategy': 'longest-idle-agent',
             'tier_rule_no_agent_no_wait': False,
             'tier_rule_wait_multiply_level': True,
             'tier_rule_wait_second': 10,
             'tier_rules_apply': True,
             'timeout_transfer_dst': None},
            {'abandoned_resume_allowed': True,
             'agent_no_answer_status': 'on_break',
             'agents': {'local': []},
             'callers': {'arrivals': {'calls_per_hour': 0},
                         'base_score': 0,
                         'patience': None,
                         'talk_time': 1},
             'discard_abandoned_after': 0,
             'id': 2,
             'max_wait_time': 0,
             'max_wait_time_with_no_agent': 0,
             'max_wait_time_with_no_agent_time_reached': 0,
             'ring_progressively_delay': 0,
             'strategy': 'longest-idle-agent',
             'tier_rule_no_agent_no_wait': True,
             'tier_rule_wait_multiply_level': False,
             'tier_rule_wait_second': 0,
             'tier_rules_apply': True,
             'timeout_transfer_dst': None}],
 'schedule': [{'agent': 'local/1', 'at': 0, 'status': 'available'},
              {'agent': 'local/1', 'at': 0, 'status': 'available'}],
 'seed': 0,
 'timing': 'continuous'}
