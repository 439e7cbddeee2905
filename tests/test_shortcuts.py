"""Work the engine skips because it cannot change anything, against an engine that does it.

- A pass asked for as the last step of a callback, and the bridge of an offer answered at once,
  run at once (not through the kernel) when nothing else is due at that instant: they would
  have been the next thing to run (``Simulation.at_once``; continuous timing for passes).
- An offer of a ring strategy that ends no earlier than an answer already ringing for the same
  caller gets no event: the first answer ends it (``Member.race_decided``).
- In a lone plain queue, a pass with one idle agent who cannot fail at once hands that agent to
  the first Waiting member without walking the idle heap (the hand-over), and a pass over one
  member is that member's turn alone (``DispatchMixin._lone_pass``).

``Plain`` turns both off. On random small scenarios (both timings, every strategy, tiers,
delays, failures, timers, two queues sharing agents) the offers and calls must be the same.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from acdsim.engine.dispatch import DispatchMixin
from acdsim.engine.state import INF, Member
from simkit import agent, offers, run, scenario, tier
from test_invariants import SETTINGS, build, scenario_dicts


class Plain(Simulation):
    def _build(self) -> None:
        super()._build()
        self.at_once = False


def run_both(d: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[ListRecorder, ListRecorder]:
    sc = build(d)
    fast, plain = ListRecorder(), ListRecorder()
    Simulation(sc, fast).run()
    with monkeypatch.context() as mp:
        mp.setattr(Member, "race_decided", property(lambda m: INF, lambda m, v: None))
        Plain(sc, plain).run()
    return fast, plain


@SETTINGS
@given(scenario_dicts())
def test_skipped_work_changes_no_offer_or_call(d: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fast, plain = run_both(d, mp)
    assert fast.offers == plain.offers
    assert fast.calls == plain.calls


@SETTINGS
@given(scenario_dicts(strategy=st.sampled_from(["ring-all", "ring-progressively"])))
def test_ring_races_without_loser_events_change_no_offer_or_call(d: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fast, plain = run_both(d, mp)
    assert fast.offers == plain.offers
    assert fast.calls == plain.calls


def test_bridge_at_once_only_when_nothing_else_is_due_then_pbx():
    """The caller's patience ends at 0.1, the tick of its pass. The pass runs first (a tick's
    pass before the tick's other events) and A1 answers at once, but the bridge waits for what
    else is due at 0.1: the caller hangs up first and the offer is cancelled."""
    sc = scenario(agents=[agent(1)], trace=[0.0], talk=10, patience=0.1,
                  behaviors={"default": {"answer_time": 0}}, timing="pbx")
    rec = run(sc)
    assert offers(rec) == [("1-1", "local/1", 0.1, 0.1, "cancelled")]
    assert [(c.outcome, c.left_at) for c in rec.calls] == [("abandoned", 0.1)]


ONE_AGENT_HEAP = ["longest-idle-agent", "agent-with-least-talk-time", "agent-with-fewest-calls",
                  "sequentially-by-agent-order"]


@SETTINGS
@given(
    scenario_dicts(timing="continuous", strategy=st.sampled_from(ONE_AGENT_HEAP), tier_rules_apply=False),
    st.booleans(),
)
def test_hand_over_changes_no_offer_or_call(d: dict[str, Any], failures: bool) -> None:
    """Aimed at the hand-over: one plain queue without tier rules, agents who mostly cannot
    fail at once (random scenarios rarely have all three)."""
    d = copy.deepcopy(d)
    d["queues"] = d["queues"][:1]
    if not failures:
        for b in d["behaviors"].values():
            b.update(p_busy=0.0, p_reject=0.0, p_no_answer=0.0)
    with pytest.MonkeyPatch.context() as mp:
        fast, plain = run_both(d, mp)
    assert fast.offers == plain.offers
    assert fast.calls == plain.calls


def lone_passes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, bool]]:
    """(time, handled) of every ``_lone_pass`` from now on."""
    used = []
    original = DispatchMixin._lone_pass

    def counting(self: Simulation, q: Any) -> bool:
        done = original(self, q)
        used.append((self.env.t, done))
        return done

    monkeypatch.setattr(DispatchMixin, "_lone_pass", counting)
    return used


def test_call_end_hands_the_freed_agent_to_the_first_waiting_caller(monkeypatch: pytest.MonkeyPatch):
    """One agent, three callers at 0, 1 and 2 s, talk 10 s, instant answer: each call end
    hands A1 to the next caller at once, through the hand-over (no walk of the idle heap)."""
    used = lone_passes(monkeypatch)
    sc = scenario(agents=[agent(1)], trace=[0.0, 1.0, 2.0], talk=10,
                  behaviors={"default": {"answer_time": 0}}, timing="continuous")
    rec = run(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 0.0, "answered"),
        ("1-2", "local/1", 10.0, 10.0, "answered"),
        ("1-3", "local/1", 20.0, 20.0, "answered"),
    ]
    assert (10.0, True) in used and (20.0, True) in used


def test_hand_over_not_to_an_agent_in_a_no_answer_delay():
    """A1 cannot answer in time (answer 3 s, call timeout 2 s) and sits out 5 s after a no
    answer. 1-1 rings A1 at 0 and A1's delay runs 2-7; 1-2 joins at 4, while A1 is idle but in
    its delay: nobody is offered A1 before 7, when 1-1 (first in score order) rings it again.
    Both callers give up (patience 10 s) before A1's next delay ends."""
    sc = scenario(agents=[agent(1, call_timeout=2, no_answer_delay_time=5)], trace=[0.0, 4.0], talk=10,
                  patience=10, behaviors={"default": {"answer_time": 3}}, timing="continuous")
    rec = run(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 2.0, "no_answer"),
        ("1-1", "local/1", 7.0, 9.0, "no_answer"),
    ]
    assert [(c.outcome, c.left_at) for c in rec.calls] == [("abandoned", 10.0), ("abandoned", 14.0)]


def test_lone_pass_of_one_caller_keeps_the_tier_gate(monkeypatch: pytest.MonkeyPatch):
    """Tier rules, level 2 opens after 5 s. A1 (level 1) talks 0-10 with 1-1; 1-2 joins at 1
    into a queue where it is the only member, A2 (level 2) idle: its one-member pass is the
    whole pass, and the gate keeps A2 closed until 6. Both passes at 0 and 1 are the
    one-member kind; the caller, not the level, waits."""
    used = lone_passes(monkeypatch)
    sc = scenario(agents=[agent(1), agent(2)], tiers=[tier(1, level=1), tier(2, level=2)], trace=[0.0, 1.0],
                  talk=10, behaviors={"default": {"answer_time": 0}}, timing="continuous",
                  queue={"tier_rules_apply": True, "tier_rule_wait_second": 5,
                         "tier_rule_wait_multiply_level": False})
    rec = run(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 0.0, "answered"),
        ("1-2", "local/2", 6.0, 6.0, "answered"),
    ]
    assert used[:2] == [(0.0, True), (1.0, True)]
