"""Long queues: a pass stops early when no later member could be offered anything.

The dispatcher stops visiting a queue's members in a pass once one of them gets no offer and
no later one could (dispatch._pass_from: no idle agent ready at this instant; the tier gate in
a queue whose members are in join order; round-robin's and random's one list for everyone),
and copies the member list as it goes (dispatch._visit). Ring-all, ring-progressively and
top-down queues stop too (dispatch._ring_done: rules N, G, S), and the members whose turn
still changes something are visited from ``Simulation.marked`` (dispatch._must_visit). On
random scenarios with tens of callers queued behind one to four agents, the offers and calls
must be those of the literal walk (tests/literal_walk.py), which visits every member in every
pass, and the states per caller and per agent those of the engine without the stop.
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


# --- ring-all, ring-progressively, top-down (dispatch._ring_done, _rest_marked) -------------

RING_AND_TOP_DOWN = st.sampled_from(["ring-all", "ring-progressively", "top-down"])


@st.composite
def shared_long_queues(draw: st.DrawFn, **queue: Any) -> dict[str, Any]:
    """``long_queues`` with two queues whose tiers share every agent (levels and positions
    drawn per queue), so that one queue's offers take agents from the other's walk."""
    d = draw(long_queues(**queue))
    agents = [a["id"] for a in d["agents"]["local"]]
    if len(d["queues"]) == 1:
        q2 = dict(d["queues"][0], id=2)
        d["queues"].append(q2)
        d["_trace"][2] = sorted(draw(st.lists(st.integers(0, 60), min_size=20, max_size=60)))
    for q in d["queues"]:
        q["agents"] = {"local": [
            {"agent_id": a, "level": draw(st.integers(0, 2)), "position": draw(st.integers(0, 2))} for a in agents
        ]}
    return d


def _same_as_full_pass(d: dict[str, Any]) -> None:
    fast, full = _runs(d, FullPass)
    assert _instants(fast.offers) == _instants(full.offers)
    assert _instants(fast.calls) == _instants(full.calls)
    assert _by(fast.member_states, "call_api_id") == _by(full.member_states, "call_api_id")
    assert _by(fast.agent_states, "agent") == _by(full.agent_states, "agent")


def _same_as_literal(d: dict[str, Any]) -> None:
    fast, literal = _runs(d, LiteralSimulation)
    assert _instants(fast.offers) == _instants(literal.offers)
    assert _instants(fast.calls) == _instants(literal.calls)


@SETTINGS
@given(long_queues(strategy=RING_AND_TOP_DOWN))
def test_ring_and_top_down_pass_stop_equals_literal_walk(d):
    _same_as_literal(d)


@SETTINGS
@given(long_queues(strategy=RING_AND_TOP_DOWN, tier_rules_apply=True))
def test_ring_and_top_down_pass_stop_with_tier_rules_equals_literal_walk(d):
    _same_as_literal(d)


@SETTINGS
@given(long_queues(strategy=RING_AND_TOP_DOWN, tier_rules_apply=st.booleans()))
def test_ring_and_top_down_pass_stop_changes_no_state_against_visiting_every_member(d):
    _same_as_full_pass(d)


@SETTINGS
@given(shared_long_queues(strategy=RING_AND_TOP_DOWN | WALKED, tier_rules_apply=st.booleans()))
def test_shared_agents_across_queues_pass_stop_equals_full_pass_and_literal_walk(d):
    _same_as_full_pass(d)
    _same_as_literal(d)


class _Turns(Simulation):
    """The engine, noting every member's turn as (pass time, call id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.turns: list[tuple[float, str]] = []

    def _process_member(self, m: Any, t: float, cache: Any) -> bool:
        self.turns.append((round(t, 1), m.call_id))
        return super()._process_member(m, t, cache)


class _FullTurns(_Turns):
    skip_done = False


def _one_agent_in_wrap_up(strategy: str) -> dict[str, Any]:
    """pbx; one agent (level 1, position 1, wrap-up 5 s, answers after 1 s); talk 2 s; callers
    1-3 join at 0, caller 4 at 4. Caller 1 is offered at 0.1, answered at 1.1 and hangs up at
    3.1: the agent is idle but in wrap-up until 9 (E1: 3 + 5 + 1). Callers 2-4 then get the
    agent one after another, at 9, 18 and 27."""
    return {
        "seed": 1, "horizon": 30, "timing": "pbx", "drain": False, "drain_limit": 600,
        "queues": [{
            "id": 1, "strategy": strategy,
            "agents": {"local": [{"agent_id": 1, "level": 1, "position": 1}]},
            "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 2},
        }],
        "agents": {"local": [{"id": 1, "status": "available", "wrap_up_time": 5}]},
        "behaviors": {"default": {"answer_time": 1}},
        "schedule": [],
        "_trace": {1: [0, 0, 0, 4]},
    }


def _turns(d: dict[str, Any]) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    sc = build(d)
    fast, full = _Turns(sc, ListRecorder()), _FullTurns(sc, ListRecorder())
    fast.run()
    full.run()
    offers = [(o.call_api_id, o.offered_at, o.result) for o in fast.recorder.offers]  # type: ignore[attr-defined]
    assert offers == [("1-1", 0.1, "answered"), ("1-2", 9.0, "answered"),
                      ("1-3", 18.0, "answered"), ("1-4", 27.0, "answered")]
    assert offers == [(o.call_api_id, o.offered_at, o.result) for o in full.recorder.offers]  # type: ignore[attr-defined]
    assert fast.recorder.member_states == full.recorder.member_states  # type: ignore[attr-defined]
    return fast.turns, full.turns


def test_ring_all_caller_who_rang_every_free_agent_ends_the_pass_for_ringing_callers_behind():
    """Rule G. At 4.1 (caller 4 joins) the agent is idle, in wrap-up: caller 2's walk rings
    nobody, and callers behind it in a ring-all queue could ring no more than it did; caller
    3, Trying, is not visited, caller 4, Waiting, is (it turns Trying: E12)."""
    fast, full = _turns(_one_agent_in_wrap_up("ring-all"))
    assert [c for t, c in fast if t == 4.1] == ["1-2", "1-4"]
    assert [c for t, c in full if t == 4.1] == ["1-2", "1-3", "1-4"]


def test_ring_progressively_pass_ends_when_no_idle_agent_can_be_offered_now():
    """Rule N. At 4.1 the only idle agent is in wrap-up (its end has a pass asked for, at 9):
    after caller 2 got nothing, caller 3 (Trying, never offered) is not visited; caller 4
    (Waiting) is, to turn Trying (E12)."""
    fast, full = _turns(_one_agent_in_wrap_up("ring-progressively"))
    assert [c for t, c in fast if t == 4.1] == ["1-2", "1-4"]
    assert [c for t, c in full if t == 4.1] == ["1-2", "1-3", "1-4"]


def test_top_down_callers_without_a_pointer_share_one_list_so_the_first_who_gets_nothing_ends_the_pass():
    """Rule S. Callers without a pointer all walk the rows after (0, 0). At 0.1 caller 1 is
    offered the agent and caller 2 finds nobody: caller 3 is not visited. At 4.1 caller 2 finds
    the agent in wrap-up: callers 3 and 4 are not visited. At 9 caller 2 is offered the agent,
    caller 3 finds nobody, caller 4 is not visited."""
    fast, full = _turns(_one_agent_in_wrap_up("top-down"))
    assert [c for t, c in fast if t in (0.1, 4.1, 9.0)] == ["1-1", "1-2", "1-2", "1-2", "1-3"]
    assert [c for t, c in full if t in (0.1, 4.1, 9.0)] == [
        "1-1", "1-2", "1-3", "1-2", "1-3", "1-4", "1-2", "1-3", "1-4"]
