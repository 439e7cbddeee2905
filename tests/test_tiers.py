"""Timelines for the tier gate (reference §2.3; E3, E4, E5, E6).

W = tier_rule_wait_second = 10 s unless a test says otherwise; answer_time 3; talk 100.
Offers are (call, agent, offered_at, ended_at, result) in the order they ended.
"""

from __future__ import annotations

from typing import Any

import pytest

from simkit import agent, offers, run, scenario, tier, with_trace

A1, A2, A3, A5 = "local/1", "local/2", "local/3", "local/5"
DEAF = {"answer_time": 100}


def gate(w: float = 10, multiply: bool = True, no_wait: bool = True) -> dict[str, Any]:
    return {
        "tier_rules_apply": True,
        "tier_rule_wait_second": w,
        "tier_rule_wait_multiply_level": multiply,
        "tier_rule_no_agent_no_wait": no_wait,
    }


def test_tier_gate_multiply_level_L_opens_at_join_plus_L_times_W_from_join():
    """§2.3 (2): level L opens at J + L*W measured from join, not from when the previous level opened."""
    sc = scenario(
        agents=[agent(1, status="on_break"), agent(2, status="on_break"), agent(3)],
        tiers=[tier(1, level=1), tier(2, level=2), tier(3, level=3)],
        trace=[5.0],
        queue=gate(multiply=True),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", A3, 35.0, 38.0, "answered")]  # 5 + 3*10, not 5 + 20 + 30


@pytest.mark.parametrize("multiply, opens", [(True, 25.0), (False, 15.0)])
def test_tier_gate_closed_level_ends_walk_caller_waits_while_lower_level_busy(multiply, opens):
    """§2.3: a closed level ends the walk: with level 1 busy the caller waits for level 2's gate (2W or W)."""
    sc = scenario(
        agents=[agent(1), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[0.0, 5.0],
        queue=gate(multiply=multiply),
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 0.0, 3.0, "answered"),
        ("1-2", A2, opens, opens + 3, "answered"),
    ]


@pytest.mark.parametrize("level1_status, offered_at", [("logged_out", 5.0), ("on_break", 25.0)])
def test_E4_no_agent_no_wait_opens_lowest_level_with_a_listed_agent(level1_status, offered_at):
    """E4/E6: no-agent-no-wait opens the first row's level; a logged-out level is absent, an On Break one is not."""
    sc = scenario(
        agents=[agent(1, status=level1_status), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[5.0],
        queue=gate(multiply=True, no_wait=True),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", A2, offered_at, offered_at + 3, "answered")]


def test_E4_no_agent_no_wait_only_for_the_first_row_later_levels_from_join():
    """E4: a first row on level 2 opens at once; level 3 still needs 3W from join (not from level 2's opening)."""
    sc = scenario(
        agents=[agent(1, status="logged_out"), agent(2, status="on_break"), agent(3)],
        tiers=[tier(1, level=1), tier(2, level=2), tier(3, level=3)],
        trace=[5.0],
        queue=gate(multiply=True, no_wait=True),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", A3, 35.0, 38.0, "answered")]


@pytest.mark.parametrize("multiply", [True, False])
def test_E3_no_agent_no_wait_false_gates_level_1_itself(multiply):
    """E3: with tier_rule_no_agent_no_wait=false nothing on level 1 is rung before J + W (multiply: 1*W)."""
    sc = scenario(
        agents=[agent(1)],
        tiers=[tier(1, level=1)],
        trace=[5.0],
        queue=gate(multiply=multiply, no_wait=False),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", A1, 15.0, 18.0, "answered")]


def test_tier_gate_level_0_is_never_gated():
    """§2.3 (3): rows at level <= 0 are open at once even with no-agent-no-wait=false; level 1 waits W."""
    sc = scenario(
        agents=[agent(1), agent(2)],
        tiers=[tier(1, level=0), tier(2, level=1)],
        trace=[5.0, 6.0],
        queue=gate(multiply=True, no_wait=False),
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 5.0, 8.0, "answered"),
        ("1-2", A2, 16.0, 19.0, "answered"),
    ]


def test_E5_multiply_false_opens_all_higher_levels_together_at_join_plus_W():
    """E5: multiply=false: every level above the first opens at the same moment J + W."""
    sc = scenario(
        agents=[agent(1, status="on_break"), agent(2, status="on_break"), agent(3)],
        tiers=[tier(1, level=1), tier(2, level=2), tier(3, level=3)],
        trace=[5.0],
        queue=gate(multiply=False),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", A3, 15.0, 18.0, "answered")]


def test_E5_multiply_true_uses_absolute_level_numbers():
    """E5: multiply=true: with levels {1, 5} level 5 waits 5*W although levels 2-4 are empty."""
    sc = scenario(
        agents=[agent(1, status="on_break"), agent(5)],
        tiers=[tier(1, level=1), tier(5, level=5)],
        trace=[5.0],
        queue=gate(multiply=True),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", A5, 55.0, 58.0, "answered")]


@pytest.mark.parametrize("no_wait, offered_at", [(False, 40.0), (True, 20.0)])
def test_tier_gate_round_robin_first_row_on_closed_higher_level(no_wait, offered_at):
    """§2.3 (4): round-robin's first row may be on P's higher level; closed, it ends the walk; no-wait opens it."""
    q2 = {"id": 2, "strategy": "longest-idle-agent", "agents": {"local": [tier(2)]},
          "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 5}}
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(1, level=1, position=1), tier(2, level=2, position=1), tier(3, level=2, position=2)],
        trace=[20.0],
        strategy="round-robin",
        queue=gate(multiply=True, no_wait=no_wait),
        extra_queues=[q2],
        timing="continuous",
    )
    sc = with_trace(sc, 2, [1.0])  # queue 2 offers a2 at 1: a2 becomes queue 1's pointer
    # List for the caller: [a3 (L2 after P)] + [a1, a2, a3]. no-wait=false: a3's level needs 2W = 20 s,
    # so the walk stops at once and the free level-1 a1 is never offered (it would open at 30);
    # no-wait=true: the first row opens immediately and a3 is rung at the join.
    assert offers(run(sc)) == [
        ("2-1", A2, 1.0, 4.0, "answered"),
        ("1-2", A3, offered_at, offered_at + 3, "answered"),
    ]


def test_E4_round_robin_pointer_tied_in_one_second_is_the_first_agent_name():
    """E4 with round-robin (§1.4.6, §2.3 point 4): no-agent-no-wait opens only the first row, and
    the first row follows the pointer. Queue 2 offers local/1 and local/2 at one instant (5.0 s,
    both then talk until 108); the pointer of queue 1 is local/1, the first of the tied agents by
    name (not local/2, the first tier row), so the list of the caller joining queue 1 at 20 starts
    at level 0 (local/1, busy) and level 1 opens at 20 + W = 30: local/3 is offered at 30, not at
    20 (the first tier row would have made [local/3] after local/2 the first row, opened at once)."""
    q2 = {"id": 2, "strategy": "longest-idle-agent", "agents": {"local": [tier(1), tier(2)]},
          "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100}}
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(2, level=1, position=1), tier(3, level=1, position=2), tier(1, level=0, position=1)],
        trace=[20.0],
        strategy="round-robin",
        queue=gate(w=10, multiply=False, no_wait=True),
        extra_queues=[q2],
        timing="continuous",
    )
    sc = with_trace(sc, 2, [5.0, 5.0])
    assert offers(run(sc)) == [
        ("2-1", A1, 5.0, 8.0, "answered"),
        ("2-2", A2, 5.0, 8.0, "answered"),
        ("1-3", A3, 30.0, 33.0, "answered"),
    ]

@pytest.mark.parametrize(
    "no_wait, expected",
    [
        (True, [(A1, 0.0, 10.0, "no_answer"), (A2, 10.0, 13.0, "answered")]),
        (False, [(A1, 100.0, 110.0, "no_answer"), (A2, 200.0, 203.0, "answered")]),
    ],
)
def test_tier_gate_top_down_next_level_is_first_row_with_no_agent_no_wait(no_wait, expected):
    """§2.3 (5): a top-down caller past level 1 sees level 2 as its first row: no-wait opens it at once."""
    sc = scenario(
        agents=[agent(1, behavior="deaf", call_timeout=10), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[0.0],
        strategy="top-down",
        behaviors={"deaf": DEAF},
        queue=gate(w=100, multiply=True, no_wait=no_wait),
        timing="continuous",
    )
    assert offers(run(sc)) == [("1-1", *e) for e in expected]


def test_tier_gate_ring_all_adds_higher_level_while_lower_keeps_ringing():
    """§2.3 (6): ring-all adds a level's agents when it opens; the lower-level agents keep ringing."""
    sc = scenario(
        agents=[agent(1, behavior="deaf"), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[0.0],
        strategy="ring-all",
        behaviors={"deaf": DEAF},
        queue=gate(multiply=True),
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 0.0, 23.0, "lost_race"),
        ("1-1", A2, 20.0, 23.0, "answered"),
    ]


@pytest.mark.parametrize("timing, offered_at", [("pbx", 25.0), ("continuous", 25.7)])
def test_tier_gate_pbx_level_opens_at_integer_second_J_plus_L_W(timing, offered_at):
    """§2.3 / E1: pbx compares floor(now) - floor(join) >= L*W: join 5.7 opens level 2 at 25.0 (continuous 25.7)."""
    sc = scenario(
        agents=[agent(1, status="on_break"), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[5.7],
        queue=gate(multiply=True),
        timing=timing,
    )
    assert offers(run(sc)) == [("1-1", A2, offered_at, offered_at + 3, "answered")]


@pytest.mark.parametrize("timing, offered_at", [("pbx", 15.0), ("continuous", 15.7)])
def test_E3_pbx_level_1_gate_opens_at_integer_second(timing, offered_at):
    """E3 / E1: with no-wait=false and join 5.7, pbx rings level 1 at the integer second 15.0 (continuous 15.7)."""
    sc = scenario(
        agents=[agent(1)],
        tiers=[tier(1, level=1)],
        trace=[5.7],
        queue=gate(multiply=False, no_wait=False),
        timing=timing,
    )
    assert offers(run(sc)) == [("1-1", A1, offered_at, offered_at + 3, "answered")]


def test_pbx_pass_due_at_a_tick_runs_before_an_offer_end_at_that_tick():
    """pbx: a change is seen by the next tick, so a pass due at a tick runs before anything else
    due then, however late it was asked for. 1-1 joins at 9.95 and rings the deaf A1 from 10.0
    to 20.0; 1-2's gate pass at 20.0 (level 2 opens at J + W), asked for at 10.1, runs before
    that no-answer: it offers A2 to 1-2, and A1 is offered again only at the next tick."""
    sc = scenario(
        agents=[agent(1, call_timeout=10, behavior="deaf"), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[9.95, 10.0],
        behaviors={"default": {"answer_time": 0}, "deaf": DEAF},
        queue=gate(multiply=False),
        timing="pbx",
    )
    assert offers(run(sc))[:3] == [
        ("1-1", A1, 10.0, 20.0, "no_answer"),
        ("1-2", A2, 20.0, 20.0, "answered"),
        ("1-1", A1, 20.1, 30.1, "no_answer"),
    ]


def test_continuous_pass_due_at_an_instant_runs_after_a_call_end_at_that_instant():
    """continuous: a change is seen at once, so a pass due at an instant runs after everything
    else due then. 1-2's gate pass at 10 was asked for before 1-1's call end at 10 was
    scheduled, yet it sees A1 free again and offers the lower level."""
    sc = scenario(
        agents=[agent(1), agent(2)],
        tiers=[tier(1, level=1), tier(2, level=2)],
        trace=[0.0, 0.0],
        talk=9,
        behaviors={"default": {"answer_time": 1}},
        queue=gate(multiply=False),
        timing="continuous",
    )
    assert offers(run(sc))[:2] == [("1-1", A1, 0.0, 1.0, "answered"), ("1-2", A1, 10.0, 11.0, "answered")]
