"""Timelines for agents shared by several queues (reference §3.9, §4.3, §5.1, §5.5; E23, E26).

Queue 1 and queue 2; answer_time 3, talk 100 unless a trace row says otherwise. Call ids are
"<queue>-<global join sequence>". Offers are (call, agent, offered_at, ended_at, result) in the
order they ended.
"""

from __future__ import annotations

from typing import Any

import pytest

from acdsim.engine import ListRecorder, Simulation
from simkit import agent, offers, run, scenario, tier, with_trace

A1, A2, A3 = "local/1", "local/2", "local/3"
DEAF = {"answer_time": 100}


def two_queues(
    *,
    agents: list[dict[str, Any]],
    q1_tiers: list[dict[str, Any]],
    q2_tiers: list[dict[str, Any]],
    q1_rows: list[Any],
    q2_rows: list[Any],
    strategy1: str = "longest-idle-agent",
    strategy2: str = "longest-idle-agent",
    q1_callers: dict[str, Any] | None = None,
    q2_callers: dict[str, Any] | None = None,
    q1_params: dict[str, Any] | None = None,
    timing: str = "continuous",
    **kw: Any,
) -> Any:
    q1: dict[str, Any] = {
        "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100, **(q1_callers or {})},
        **(q1_params or {}),
    }
    q2 = {
        "id": 2,
        "strategy": strategy2,
        "agents": {"local": q2_tiers},
        "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100, **(q2_callers or {})},
    }
    sc = scenario(agents=agents, tiers=q1_tiers, strategy=strategy1, queue=q1, extra_queues=[q2],
                  timing=timing, **kw)
    return with_trace(with_trace(sc, 1, q1_rows), 2, q2_rows)


def run_probed(sc: Any, probes: dict[float, Any]) -> tuple[ListRecorder, dict[float, Any]]:
    """Run and read engine state at given times (probes fire before other events of that time)."""
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    seen: dict[float, Any] = {}
    for t, fn in probes.items():
        sim.schedule(t, lambda t=t, fn=fn: seen.__setitem__(t, fn(sim)))
    sim.run()
    return rec, seen


def tier_states(sim: Any, ref: str) -> dict[int, str]:
    return {q: row.state for q, row in sim.agents[ref].rows.items()}


# --- Standby (E26) -----------------------------------------------------------------------------


def test_E26_agent_offered_in_one_queue_is_standby_in_the_other_until_the_offer_ends():
    """E26: while offered/bridged in queue 1 the agent's Ready tier in queue 2 is Standby; Ready again after."""
    sc = two_queues(
        agents=[agent(1)],
        q1_tiers=[tier(1)],
        q2_tiers=[tier(1)],
        q1_rows=[{"time": 0, "talk_time": 10}],
        q2_rows=[{"time": 1, "talk_time": 10}],
    )
    probe = {t: (lambda s: tier_states(s, A1)) for t in (0.5, 5.0, 14.0, 30.0)}
    rec, seen = run_probed(sc, probe)
    assert offers(rec) == [
        ("1-1", A1, 0.0, 3.0, "answered"),
        ("2-2", A1, 13.0, 16.0, "answered"),  # not before queue 1's call ended at 13
    ]
    assert seen == {
        0.5: {1: "Offering", 2: "Standby"},
        5.0: {1: "Active Inbound", 2: "Standby"},
        14.0: {1: "Standby", 2: "Offering"},
        30.0: {1: "Ready", 2: "Ready"},
    }


def test_E26_no_answer_tier_stays_no_answer_not_standby():
    """E26: an offer from queue 1 turns only Ready tiers to Standby; queue 2's No Answer tier is left alone."""
    sc = two_queues(
        agents=[agent(1, behavior="deaf", call_timeout=10)],
        q1_tiers=[tier(1)],
        q2_tiers=[tier(1)],
        q1_rows=[{"time": 5, "patience": 20}],
        q2_rows=[{"time": 0, "patience": 12}],
        q1_callers={"base_score": 100},  # queue 1's caller outranks queue 2's at 10
        behaviors={"deaf": DEAF},
    )
    rec, seen = run_probed(sc, {11.0: lambda s: tier_states(s, A1)})
    assert offers(rec) == [
        ("2-1", A1, 0.0, 10.0, "no_answer"),
        ("1-2", A1, 10.0, 20.0, "no_answer"),
        ("1-2", A1, 20.0, 25.0, "cancelled"),
    ]
    assert seen == {11.0: {1: "Offering", 2: "No Answer"}}


# --- global score order (E23, §4.3, §5.1) ------------------------------------------------------


@pytest.mark.parametrize("first_queue", [1, 2])
def test_E23_longer_waiting_caller_of_any_queue_gets_the_shared_agent(first_queue):
    """E23: members of all queues are served in one score order: the longest-waiting caller gets the agent."""
    early, late = [{"time": 10}], [{"time": 20}]
    sc = two_queues(
        agents=[agent(1)],
        q1_tiers=[tier(1)],
        q2_tiers=[tier(1)],
        q1_rows=[{"time": 0, "talk_time": 47}, *(early if first_queue == 1 else late)],
        q2_rows=early if first_queue == 2 else late,
    )
    got = offers(run(sc))
    assert got[0] == ("1-1", A1, 0.0, 3.0, "answered")  # busy until 50
    q_early, q_late = first_queue, 3 - first_queue
    assert got[1:] == [
        (f"{q_early}-2", A1, 50.0, 53.0, "answered"),
        (f"{q_late}-3", A1, 153.0, 156.0, "answered"),
    ]


@pytest.mark.parametrize("base_score, winner", [(15, "1-3"), (5, "2-2"), (10, "2-2")])
def test_E23_base_score_counts_as_extra_waiting_seconds(base_score, winner):
    """E23/§4.3: score = waited + base_score: queue 1's caller (joined 20) beats queue 2's (joined 10) iff base > 10."""
    sc = two_queues(
        agents=[agent(1)],
        q1_tiers=[tier(1)],
        q2_tiers=[tier(1)],
        q1_rows=[{"time": 0, "talk_time": 47}, {"time": 20}],
        q2_rows=[{"time": 10}],
        q1_callers={"base_score": base_score},
    )
    got = offers(run(sc))
    # equal scores (base 10) keep join order (documented choice, §4.3)
    assert got[1] == (winner, A1, 50.0, 53.0, "answered")


@pytest.mark.parametrize("time_base_score, winner", [("system", "1-3"), ("queue", "2-2")])
def test_E23_time_base_score_system_adds_pre_queue_time(time_base_score, winner):
    """E23/§4.3: time_base_score=system adds the pre-queue time (15 s) to the score; queue ignores it."""
    sc = two_queues(
        agents=[agent(1)],
        q1_tiers=[tier(1)],
        q2_tiers=[tier(1)],
        q1_rows=[{"time": 0, "talk_time": 47}, {"time": 20}],
        q2_rows=[{"time": 10}],
        q1_callers={"pre_queue_time": 15},
        q1_params={"time_base_score": time_base_score},
    )
    assert offers(run(sc))[1] == (winner, A1, 50.0, 53.0, "answered")


# --- greedy matching (§5.5) --------------------------------------------------------------------


@pytest.mark.parametrize("timing, at", [("continuous", 50.0), ("pbx", 50.1)])
def test_greedy_one_pass_offers_min_free_agents_waiting_callers(timing, at):
    """§5.5: one pass matches greedily in score order: 2 free agents, 3 callers -> 2 offers in that pass."""
    sc = two_queues(
        agents=[agent(1, status="logged_out"), agent(2, status="logged_out")],
        q1_tiers=[tier(1), tier(2)],
        q2_tiers=[tier(1), tier(2)],
        q1_rows=[10.0, 30.0],
        q2_rows=[20.0],
        schedule=[{"at": 50, "agent": A1, "status": "available"}, {"at": 50, "agent": A2, "status": "available"}],
        timing=timing,
    )
    assert offers(run(sc)) == [
        ("1-1", A1, at, at + 3, "answered"),
        ("2-2", A2, at, at + 3, "answered"),
        ("1-3", A1, 153.0 if timing == "continuous" else 154.0, (156.0 if timing == "continuous" else 157.0),
         "answered"),
    ]


def test_greedy_more_free_agents_than_callers_each_caller_one_offer():
    """§5.5: 3 free agents, 2 waiting callers -> exactly 2 offers (one per caller) in the pass."""
    sc = two_queues(
        agents=[agent(i, status="logged_out") for i in (1, 2, 3)],
        q1_tiers=[tier(1), tier(2), tier(3)],
        q2_tiers=[tier(1), tier(2), tier(3)],
        q1_rows=[20.0],
        q2_rows=[10.0],
        schedule=[{"at": 50, "agent": f"local/{i}", "status": "available"} for i in (1, 2, 3)],
    )
    assert offers(run(sc)) == [("2-1", A1, 50.0, 53.0, "answered"), ("1-2", A2, 50.0, 53.0, "answered")]


# --- per-agent counters shared by all queues (§3.9) --------------------------------------------


@pytest.mark.parametrize(
    "strategy",
    [
        "longest-idle-agent",  # last_bridge_end
        "agent-with-least-talk-time",  # talk_time
        "agent-with-fewest-calls",  # calls_answered
        "sequentially-by-agent-order",  # last_offered_call tie-break
        "round-robin",  # pointer / last_offered_call
    ],
)
def test_counters_are_per_agent_across_queues_and_steer_the_other_queue(strategy):
    """§3.9: a call taken in queue 1 updates the agent's counters, so queue 2 (tie otherwise) picks the other agent."""
    sc = two_queues(
        agents=[agent(1), agent(2)],
        q1_tiers=[tier(1)],
        q2_tiers=[tier(1), tier(2)],
        q1_rows=[{"time": 1, "talk_time": 5}],
        q2_rows=[{"time": 20, "talk_time": 5}],
        strategy2=strategy,
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 1.0, 4.0, "answered"),
        ("2-2", A2, 20.0, 23.0, "answered"),  # without queue 1's call a1 would win the tie
    ]


def test_idle_heap_of_a_queue_nobody_calls_stays_small_and_still_picks_longest_idle():
    # Agents 1 and 2 serve both queues, agent 3 queue 2 only. Queue 1 gets 60 calls (talk 5 s,
    # one every 10 s), so each call end adds an entry to queue 2's idle heap, which nobody pops:
    # the heap is rebuilt from its live entries when stale ones outnumber them. Agent 3's entry,
    # pushed at t = 0, must survive the rebuilds: never bridged, it is the longest idle and
    # takes queue 2's one caller at t = 605.
    q1_rows = [{"time": 10.0 * k, "talk_time": 5} for k in range(60)]
    sc = two_queues(
        agents=[agent(1), agent(2), agent(3)],
        q1_tiers=[tier(1), tier(2)],
        q2_tiers=[tier(1), tier(2), tier(3)],
        q1_rows=q1_rows,
        q2_rows=[{"time": 605.0, "talk_time": 5}],
        behaviors={"default": {"answer_time": 0}},
        horizon=700,
    )
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    sim.run()
    (q2_call,) = [c for c in rec.calls if c.queue == 2]
    assert (q2_call.agent, q2_call.answered_at) == (A3, 605.0)
    q2 = sim.queues[2]
    assert len(q2.idle_heap) <= 2 * len(q2.idle_rows) + 33
