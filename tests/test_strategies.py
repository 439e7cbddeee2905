"""Timelines for the nine strategies (reference §1.3, §1.4, §1.5; E7, E8, E9, E13).

Tiny hand-checkable scenarios: 1-4 agents, constant durations, answer_time 3 unless a
behavior says otherwise. Each offer is (call, agent, offered_at, ended_at, result) in the
order the offers ended.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from acdsim.engine import ListRecorder, Simulation
from acdsim.loader import load_scenario
from simkit import agent, calls, offers, run, scenario, tier, with_trace

A1, A2, A3, A4 = "local/1", "local/2", "local/3", "local/4"
DATA = Path(__file__).parent / "data"

# An agent who never picks up: rings until its 10 s call_timeout.
DEAF = {"answer_time": 100}


def rows(*spec: tuple[float, float]) -> list[dict[str, Any]]:
    """Trace rows from (join time, talk time) pairs."""
    return [{"time": t, "talk_time": talk} for t, talk in spec]


def run_probed(sc: Any, probes: dict[float, Any]) -> tuple[ListRecorder, dict[float, Any]]:
    """Run and read engine state at given times (probes fire before other events of that time)."""
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    seen: dict[float, Any] = {}
    for t, fn in probes.items():
        sim.schedule(t, lambda t=t, fn=fn: seen.__setitem__(t, fn(sim)))
    sim.run()
    return rec, seen


# --- longest-idle-agent (§1.4.1) -----------------------------------------------------------


def test_longest_idle_orders_by_last_bridge_end_never_bridged_first():
    """longest-idle-agent: sort by (level, last_bridge_end, position); never bridged (0) sorts first."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        trace=rows((0, 40), (10, 5), (20, 5), (50, 5), (60, 5), (70, 5)),
        timing="continuous",
    )
    # ends: a1 43, a2 18, a3 28 -> at 20 a3 (never bridged) beats a2 (18); at 50 a2 (18);
    # at 60 a3 (28 < 43); at 70 a1 (43 < a2 58 < a3 68).
    assert offers(run(sc)) == [
        ("1-1", A1, 0.0, 3.0, "answered"),
        ("1-2", A2, 10.0, 13.0, "answered"),
        ("1-3", A3, 20.0, 23.0, "answered"),
        ("1-4", A2, 50.0, 53.0, "answered"),
        ("1-5", A3, 60.0, 63.0, "answered"),
        ("1-6", A1, 70.0, 73.0, "answered"),
    ]


@pytest.mark.parametrize(
    "strategy",
    ["longest-idle-agent", "sequentially-by-agent-order", "agent-with-fewest-calls", "agent-with-least-talk-time"],
)
def test_E7_failed_offer_keeps_agent_first_and_it_is_rerung(strategy):
    """E7: a no-answer without no_answer_delay changes none of the sort keys, so the same agent is rung again."""
    sc = scenario(
        agents=[agent(1, behavior="deaf", call_timeout=10), agent(2)],
        tiers=[tier(1, position=1), tier(2, position=2)],
        trace=[{"time": 0, "patience": 25}],
        strategy=strategy,
        behaviors={"deaf": DEAF},
        timing="continuous",
    )
    rec = run(sc)
    assert offers(rec) == [
        ("1-1", A1, 0.0, 10.0, "no_answer"),
        ("1-1", A1, 10.0, 20.0, "no_answer"),
        ("1-1", A1, 20.0, 25.0, "cancelled"),
    ]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.offers) == ("abandoned", 25.0, 3)


# --- agent-with-least-talk-time / agent-with-fewest-calls (§1.4.2) ---------------------------


def test_least_talk_time_orders_by_accumulated_talk_time():
    """agent-with-least-talk-time: sort by (level, talk_time, position); talk_time grows when the call ends."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        trace=rows((0, 50), (10, 5), (20, 20), (60, 5), (70, 5)),
        strategy="agent-with-least-talk-time",
        timing="continuous",
    )
    # talk: a1 50, a2 5, a3 20 -> 60: a2 (5) -> a2 10 -> 70: a2 again (longest-idle would pick a3).
    rec, seen = run_probed(sc, {4.0: lambda s: s.agents[A1].talk_time, 54.0: lambda s: s.agents[A1].talk_time})
    assert offers(rec) == [
        ("1-1", A1, 0.0, 3.0, "answered"),
        ("1-2", A2, 10.0, 13.0, "answered"),
        ("1-3", A3, 20.0, 23.0, "answered"),
        ("1-4", A2, 60.0, 63.0, "answered"),
        ("1-5", A2, 70.0, 73.0, "answered"),
    ]
    assert seen == {4.0: 0.0, 54.0: 50.0}


def test_fewest_calls_orders_by_calls_answered_counted_at_bridge():
    """agent-with-fewest-calls: sort by (level, calls_answered, position); calls_answered += 1 at the bridge."""
    sc = scenario(
        agents=[agent(1), agent(2)],
        trace=rows((0, 50), (10, 5), (20, 5), (60, 5)),
        strategy="agent-with-fewest-calls",
        timing="continuous",
    )
    # a1 takes one long call (ends 53), a2 two short ones (ends 28): at 60 fewest-calls picks a1
    # (1 < 2) where longest-idle would pick a2.
    probe = {2.0: lambda s: s.agents[A1].calls_answered, 4.0: lambda s: s.agents[A1].calls_answered}
    rec, seen = run_probed(sc, probe)
    assert offers(rec) == [
        ("1-1", A1, 0.0, 3.0, "answered"),
        ("1-2", A2, 10.0, 13.0, "answered"),
        ("1-3", A2, 20.0, 23.0, "answered"),
        ("1-4", A1, 60.0, 63.0, "answered"),
    ]
    assert seen == {2.0: 0, 4.0: 1}  # ringing: 0; bridged at 3, talking until 53: already 1


@pytest.mark.parametrize("strategy", ["agent-with-least-talk-time", "agent-with-fewest-calls"])
def test_counters_reset_on_available_reorder_an_idle_agent(strategy: str):
    """§1.4.2 / §3.6: Available set on an agent that held another status resets talk_time and
    calls_answered, and the next pick reads the reset values, also when the agent was idle the
    whole time (On Demand, Waiting, to Available). a1 talks 100 s in two calls (0 and 60), a2
    50 s in one; at 300 a1 goes On Demand, at 350 Available (0 s, 0 calls): at 400 a1 is
    picked, not a2."""
    sc = scenario(
        agents=[agent(1), agent(2)],
        trace=rows((0, 50), (1, 50), (60, 50), (400, 10)),
        strategy=strategy,
        timing="continuous",
        schedule=[
            {"at": 300, "agent": A1, "status": "available_on_demand"},
            {"at": 350, "agent": A1, "status": "available"},
        ],
    )
    rec = run(sc)
    assert offers(rec) == [
        ("1-1", A1, 0.0, 3.0, "answered"),
        ("1-2", A2, 1.0, 4.0, "answered"),
        ("1-3", A1, 60.0, 63.0, "answered"),
        ("1-4", A1, 400.0, 403.0, "answered"),
    ]


# --- sequentially-by-agent-order (§1.4.3) -----------------------------------------------------


def test_sequentially_by_agent_order_always_starts_from_the_top():
    """sequentially-by-agent-order: every pass walks (level, position) from the top; no memory."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(1, position=2), tier(2, position=1), tier(3, position=3)],
        trace=rows((1, 5), (10, 5), (20, 50), (30, 50), (40, 5)),
        strategy="sequentially-by-agent-order",
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A2, 1.0, 4.0, "answered"),
        ("1-2", A2, 10.0, 13.0, "answered"),
        ("1-3", A2, 20.0, 23.0, "answered"),
        ("1-4", A1, 30.0, 33.0, "answered"),
        ("1-5", A3, 40.0, 43.0, "answered"),
    ]


def test_sequentially_equal_positions_break_ties_by_last_offered_call():
    """sequentially-by-agent-order: equal (level, position) -> least recently offered (last_offered_call) first."""
    sc = scenario(
        agents=[agent(1), agent(2)],
        trace=rows((1, 5), (10, 5), (20, 5), (30, 5)),
        strategy="sequentially-by-agent-order",
        timing="continuous",
    )
    assert [o[1] for o in offers(run(sc))] == [A1, A2, A1, A2]


# --- random (§1.4.4) ---------------------------------------------------------------------------


def _random_scenario(seed: int, n: int) -> Any:
    return scenario(
        agents=[agent(1), agent(2), agent(3), agent(4)],
        tiers=[tier(1), tier(2), tier(3), tier(4, level=2)],
        trace=rows(*[(10.0 * k, 5) for k in range(n)]),
        strategy="random",
        timing="continuous",
        horizon=10.0 * n + 10,
        seed=seed,
    )


def test_random_uniform_within_level_levels_first_reproducible():
    """random: key (level, random()) redrawn per query: uniform within the lowest level; same seed, same run."""
    rec = run(_random_scenario(seed=7, n=300))
    picked = Counter(o[1] for o in offers(rec))
    assert set(picked) == {A1, A2, A3}  # the level-2 agent is never used while level 1 is free
    assert all(70 <= picked[a] <= 130 for a in (A1, A2, A3)), picked  # ~100 each (sd ~8)
    assert offers(run(_random_scenario(seed=7, n=300))) == offers(rec)
    assert offers(run(_random_scenario(seed=8, n=300))) != offers(rec)


def test_random_higher_level_used_only_when_lower_level_busy():
    """random: levels still come first; the level-2 agent gets the 4th call only because level 1 is busy."""
    sc = _random_scenario(seed=3, n=1)
    sc = with_trace(sc, 1, rows((0, 100), (1, 100), (2, 100), (3, 100)))
    got = offers(run(sc))
    assert sorted(o[1] for o in got[:3]) == [A1, A2, A3]
    assert got[3][:4] == ("1-4", A4, 3.0, 6.0)



@pytest.mark.parametrize("seed", range(12))
def test_random_picks_only_among_contactable_agents_of_the_level(seed):
    """random: agents in wrap-up are listed but not contactable; the pick is uniform among the
    contactable ones only, so the one free level-1 agent gets the call (whatever the draws)."""
    sc = scenario(
        agents=[agent(i, wrap_up_time=100) for i in (1, 2, 3)],
        tiers=[tier(1), tier(2), tier(3)],
        trace=rows((0, 1), (0, 1), (5, 1)),
        strategy="random",
        timing="continuous",
        horizon=60,
        seed=seed,
    )
    got = offers(run(sc))
    first_two = {got[0][1], got[1][1]}  # talk 1 s, then wrap-up until 101
    (free,) = {A1, A2, A3} - first_two
    assert got[2][:3] == ("1-3", free, 5.0)

# --- ring-all (§1.4.5, E13) --------------------------------------------------------------------

DELAYS = {"no_answer_delay_time": 30, "reject_delay_time": 30, "busy_delay_time": 30}


def test_ring_all_rings_everyone_first_answer_wins_losers_pay_nothing():
    """ring-all: every contactable row (all levels) rings at once; first answer wins; others lost_race, no delay."""
    sc = scenario(
        agents=[
            agent(1, behavior="a5", **DELAYS),
            agent(2, **DELAYS),
            agent(3, behavior="a8", **DELAYS),
        ],
        tiers=[tier(1), tier(2), tier(3, level=2)],
        trace=[0, 4],
        strategy="ring-all",
        behaviors={"a5": {"answer_time": 5}, "a8": {"answer_time": 8}},
        timing="continuous",
    )
    rec = run(sc)
    assert offers(rec) == [
        ("1-1", A1, 0.0, 3.0, "lost_race"),
        ("1-1", A3, 0.0, 3.0, "lost_race"),
        ("1-1", A2, 0.0, 3.0, "answered"),
        # the losers are rung again at once for the next caller (no delay, although delays are 30)
        ("1-2", A3, 4.0, 9.0, "lost_race"),
        ("1-2", A1, 4.0, 9.0, "answered"),
    ]
    c = calls(rec)
    assert (c["1-1"].agent, c["1-1"].answered_at) == (A2, 3.0)
    assert (c["1-2"].agent, c["1-2"].answered_at, c["1-2"].offers) == (A1, 9.0, 2)


def test_ring_all_pbx_everyone_rung_on_the_same_tick():
    """ring-all (pbx): all contactable agents are offered in the one pass after the join."""
    sc = scenario(agents=[agent(1), agent(2, behavior="a5")], trace=[0.33], strategy="ring-all",
                  behaviors={"a5": {"answer_time": 5}}, timing="pbx")
    assert offers(run(sc)) == [("1-1", A2, 0.4, 3.4, "lost_race"), ("1-1", A1, 0.4, 3.4, "answered")]


def test_E13_ring_all_recruits_agents_freed_during_the_wait():
    """E13: later passes add agents that became free while the member waits (ring-all keeps recruiting)."""
    sc = scenario(
        agents=[agent(1), agent(2, behavior="mute")],
        trace=rows((0, 10), (5, 10)),
        strategy="ring-all",
        behaviors={"mute": {"p_no_answer": 1}},
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A2, 0.0, 3.0, "lost_race"),
        ("1-1", A1, 0.0, 3.0, "answered"),
        # caller 2: a2 rings from 5; a1 (talking until 13) is added at 13 and wins at 16
        ("1-2", A2, 5.0, 16.0, "lost_race"),
        ("1-2", A1, 13.0, 16.0, "answered"),
    ]


@pytest.mark.parametrize("delay, rerung_at", [(0, 10.0), (4, 14.0)])
def test_E13_ring_all_non_answering_agent_rerung_next_pass(delay, rerung_at):
    """E13: a ring-all agent that times out is rung again on the next pass (after its no_answer_delay)."""
    sc = scenario(
        agents=[agent(1, behavior="deaf", call_timeout=10, no_answer_delay_time=delay), agent(2, behavior="a15")],
        trace=[0],
        strategy="ring-all",
        behaviors={"deaf": DEAF, "a15": {"answer_time": 15}},
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 0.0, 10.0, "no_answer"),
        ("1-1", A1, rerung_at, 15.0, "lost_race"),
        ("1-1", A2, 0.0, 15.0, "answered"),
    ]


# --- ring-progressively (§1.4.8) ---------------------------------------------------------------

RP_BEHAVIORS = {"default": DEAF, "fast": {"answer_time": 2}}


def _rp(join: float, delay: float, timing: str) -> Any:
    return scenario(
        agents=[agent(1), agent(2), agent(3, behavior="fast")],
        trace=[join],
        strategy="ring-progressively",
        behaviors=RP_BEHAVIORS,
        queue={"ring_progressively_delay": delay},
        timing=timing,
    )


@pytest.mark.parametrize("delay, starts", [(5, (0.0, 5.0, 10.0)), (0, (0.0, 10.0, 20.0))])
def test_ring_progressively_adds_one_agent_per_delay_earlier_keep_ringing(delay, starts):
    """ring-progressively: one more agent every ring_progressively_delay (0 means 10); earlier ones keep ringing."""
    s1, s2, s3 = starts
    assert offers(run(_rp(0.0, delay, "continuous"))) == [
        ("1-1", A1, s1, s3 + 2, "lost_race"),
        ("1-1", A2, s2, s3 + 2, "lost_race"),
        ("1-1", A3, s3, s3 + 2, "answered"),
    ]


@pytest.mark.parametrize(
    "join, starts",
    [(0.05, (0.1, 5.0, 10.5)), (0.35, (0.4, 5.3, 10.2)), (0.85, (0.9, 5.2, 10.1)), (0.95, (1.0, 6.5, 11.4))],
)
def test_ring_progressively_pbx_step_between_D_minus_1_and_D(join, starts):
    """ring-progressively (pbx): floor(now) < floor(t_last) + D skips, so each step lasts D-1..D s plus
    dispatch latency; inside the window every pass sleeps 0.5 s (E11), so passes come every 0.6 s
    from the tick after the offer and the latency is up to 0.6 s."""
    got = offers(run(_rp(join, 5, "pbx")))
    assert [o[2] for o in sorted(got, key=lambda o: o[2])] == list(starts)
    steps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(4.0 - 1e-9 <= s <= 5.0 + 0.6 + 1e-9 for s in steps)
    assert got[-1] == ("1-1", A3, starts[2], starts[2] + 2, "answered")


# --- round-robin (§1.4.6, E8) ------------------------------------------------------------------


def test_round_robin_positions_rotate_after_pointer_then_wrap():
    """round-robin: agents after the pointer P (newest last_offered_call) in P's level first, then wrap."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(1, position=1), tier(2, position=2), tier(3, position=3)],
        trace=rows((1, 5), (10, 5), (20, 5), (30, 5)),
        strategy="round-robin",
        timing="continuous",
    )
    assert [o[1] for o in offers(run(sc))] == [A1, A2, A3, A1]


def test_E8_round_robin_equal_positions_least_recently_offered_first():
    """E8: with the default equal positions round-robin is "least recently offered first" within the level."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        trace=rows((1, 50), (10, 5), (20, 5), (30, 5), (60, 5)),
        strategy="round-robin",
        timing="continuous",
    )
    # a1 busy until 54: at 30 a2 (offered at 10) before a3 (offered at 20); at 60 a1 (offered at 1).
    assert [o[1] for o in offers(run(sc))] == [A1, A2, A3, A2, A1]


def test_E8_round_robin_lower_levels_scanned_before_pointer_level():
    """E8: after the pointer's level is exhausted the wrap starts at the lowest level, not at P's level."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3), agent(4)],
        tiers=[tier(1, 1, 1), tier(2, 2, 1), tier(3, 2, 2), tier(4, 2, 3)],
        trace=rows((1, 50), (10, 5), (20, 5), (30, 5), (60, 5), (70, 5)),
        strategy="round-robin",
        timing="continuous",
    )
    # a1 busy until 54 -> a2, a3, a4 by pointer; then the wrap starts at level 1: a1, and a1 again
    # (level-2 a2 is never reached while a1 is free).
    assert [o[1] for o in offers(run(sc))] == [A1, A2, A3, A4, A1, A1]


def test_E8_round_robin_pointer_is_global_across_queues():
    """E8: the pointer is the queue's agent offered most recently from ANY queue."""
    q2 = {"id": 2, "strategy": "longest-idle-agent", "agents": {"local": [tier(2)]},
          "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 5}}
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(1, position=1), tier(2, position=2), tier(3, position=3)],
        trace=rows((1, 5), (20, 5)),
        strategy="round-robin",
        extra_queues=[q2],
        timing="continuous",
    )
    sc = with_trace(sc, 2, [10.0])
    assert offers(run(sc)) == [
        ("1-1", A1, 1.0, 4.0, "answered"),
        ("2-2", A2, 10.0, 13.0, "answered"),
        ("1-3", A3, 20.0, 23.0, "answered"),  # queue 2's offer moved queue 1's pointer to a2
    ]


def test_round_robin_pbx_pointer_tie_in_one_second_goes_to_first_agent_name():
    """round-robin, pbx: last_offered_call is whole seconds. local/1 (10.3 s) and local/2 (10.6 s)
    are both offered in second 10; the module's pointer query (ORDER BY last_offered_call DESC
    LIMIT 1) returns the first of them by agent name (here also the first tier row), local/1, so
    caller 3 goes to local/2 (/work/shared/reference/tools/rr_pointer_tie*, copied to tests/data;
    name order, not tier order: test_round_robin_pointer_tie_goes_to_first_agent_name_not_first_tier_row)."""
    sc = load_scenario(DATA / "rr_pointer_tie.yaml")
    assert offers(run(sc)) == [
        ("10-1", A1, 10.3, 11.3, "answered"),
        ("10-2", A2, 10.6, 11.6, "answered"),
        ("10-3", A2, 30.3, 31.3, "answered"),
    ]


def test_round_robin_continuous_pointer_tie_at_one_instant_goes_to_first_agent_name():
    """round-robin, continuous: the same rule; a tie needs two offers at one instant. Callers 1
    and 2 join at 1 s: one pass offers local/1 (no pointer yet) and then local/2 (after local/1).
    The pointer is local/1, the first of the two by name (and tier row), so caller 3 goes to
    local/2 again, not to local/3 (after local/2, the agent offered last)."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(1, position=1), tier(2, position=2), tier(3, position=3)],
        trace=rows((1, 5), (1, 5), (20, 5)),
        strategy="round-robin",
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 1.0, 4.0, "answered"),
        ("1-2", A2, 1.0, 4.0, "answered"),
        ("1-3", A2, 20.0, 23.0, "answered"),
    ]



@pytest.mark.parametrize("timing, trace", [("pbx", (10.3, 10.6, 30.3)), ("continuous", (10.0, 10.0, 30.0))])
def test_round_robin_pointer_tie_goes_to_first_agent_name_not_first_tier_row(timing, trace):
    """round-robin: among agents tied on the newest last_offered_call (one second in pbx, one
    instant in continuous), the pointer is the first by agent NAME. The tiers are listed
    local/2 (position 1), local/1 (2), local/3 (3): callers 1 and 2 get local/2 then local/1 in
    one second; the module's whole round-robin query (SQLite reads the queue's tiers through an
    automatic index on (queue, agent)) takes local/1 as P, so caller 3 goes to local/3, the agent
    after local/1. The first tier row, local/2, would have sent it to local/1."""
    t1, t2, t3 = trace
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(2, position=1), tier(1, position=2), tier(3, position=3)],
        trace=rows((t1, 5), (t2, 5), (t3, 5)),
        strategy="round-robin",
        timing=timing,
    )
    assert [(o[0], o[1]) for o in offers(run(sc))] == [("1-1", A2), ("1-2", A1), ("1-3", A3)]

# --- top-down (§1.4.7, E9) ---------------------------------------------------------------------


def test_top_down_every_new_caller_starts_from_the_top():
    """top-down: the pointer belongs to the caller; each new caller starts at (0, 0)."""
    sc = scenario(
        agents=[agent(1), agent(2), agent(3)],
        tiers=[tier(1, position=1), tier(2, position=2), tier(3, position=3)],
        trace=rows((1, 5), (10, 5), (20, 5)),
        strategy="top-down",
        timing="continuous",
    )
    assert [o[1] for o in offers(run(sc))] == [A1, A1, A1]


def test_top_down_caller_walks_down_and_wraps_after_zero_row_pass():
    """top-down: a caller moves past each agent it was offered; it wraps only after a pass with zero rows."""
    sc = scenario(
        agents=[agent(i, behavior="deaf", call_timeout=10) for i in (1, 2, 3)],
        tiers=[tier(1, position=1), tier(2, position=2), tier(3, position=3)],
        trace=[{"time": 0, "patience": 35}],
        strategy="top-down",
        behaviors={"deaf": DEAF},
        timing="continuous",
    )
    assert offers(run(sc)) == [
        ("1-1", A1, 0.0, 10.0, "no_answer"),
        ("1-1", A2, 10.0, 20.0, "no_answer"),  # a1 is free again but lies before the pointer
        ("1-1", A3, 20.0, 30.0, "no_answer"),
        ("1-1", A1, 30.0, 35.0, "cancelled"),  # zero rows after a3 -> pointer cleared -> top
    ]


@pytest.mark.parametrize(
    "new_status, expected",
    [
        ("available", [(A2, 50.0, 53.0, "answered")]),
        ("logged_out", [(A1, 50.0, 60.0, "no_answer"), (A1, 60.0, 65.0, "cancelled")]),
    ],
)
def test_E9_top_down_stall_behind_on_break_agent(new_status, expected):
    """E9: while an agent after the pointer is On Break the free agent before it is ignored (no zero-row pass)."""
    sc = scenario(
        agents=[agent(1, behavior="deaf", call_timeout=10), agent(2, status="on_break")],
        tiers=[tier(1, position=1), tier(2, position=2)],
        trace=[{"time": 0, "patience": 65}],
        strategy="top-down",
        behaviors={"deaf": DEAF},
        schedule=[{"at": 50, "agent": A2, "status": new_status}],
        timing="continuous",
    )
    got = offers(run(sc))
    # a1 is free from 10 to 50 but never offered: the stall ends when a2 frees up or logs out.
    assert got == [("1-1", A1, 0.0, 10.0, "no_answer"), *[("1-1", *e) for e in expected]]


def test_E9_top_down_stall_behind_busy_agent():
    """E9: an agent after the pointer busy in another queue's call keeps the caller waiting for it."""
    q2 = {"id": 2, "strategy": "longest-idle-agent", "agents": {"local": [tier(2)]},
          "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100}}
    sc = scenario(
        agents=[agent(1, behavior="deaf", call_timeout=10), agent(2)],
        tiers=[tier(1, position=1), tier(2, position=2)],
        trace=[1.0],
        strategy="top-down",
        behaviors={"deaf": DEAF},
        extra_queues=[q2],
        timing="continuous",
    )
    sc = with_trace(sc, 2, [0.0])
    assert offers(run(sc)) == [
        ("2-1", A2, 0.0, 3.0, "answered"),
        ("1-2", A1, 1.0, 11.0, "no_answer"),
        ("1-2", A2, 103.0, 106.0, "answered"),  # a1 (free since 11) ignored until a2 hangs up
    ]


# --- documented tie-breaks (§1.5) --------------------------------------------------------------


@pytest.mark.parametrize(
    "strategy",
    [
        "longest-idle-agent",
        "agent-with-least-talk-time",
        "agent-with-fewest-calls",
        "sequentially-by-agent-order",
        "ring-progressively",
    ],
)
def test_ties_level_sorted_strategies_by_agent_creation_order(strategy):
    """§1.5 (documented choice): rows tied on every key come in agent creation order (file order)."""
    sc = scenario(agents=[agent(2), agent(1)], trace=[1.0], strategy=strategy, timing="continuous")
    assert offers(run(sc)) == [("1-1", A2, 1.0, 4.0, "answered")]


@pytest.mark.parametrize("strategy", ["round-robin", "top-down"])
def test_ties_union_strategies_by_agent_name(strategy):
    """§1.5 (documented choice): the round-robin/top-down UNION returns tied rows by agent name (ref)."""
    sc = scenario(agents=[agent(2), agent(1)], trace=[1.0], strategy=strategy, timing="continuous")
    assert offers(run(sc))[0][1] == A1


def test_ties_locals_before_remotes():
    """§1.5 (documented choice): creation order puts local agents before remote agents."""
    from acdsim.model import Scenario

    data = {
        "horizon": 3600,
        "timing": "continuous",
        "queues": [{
            "id": 1,
            "agents": {"remote": [tier(1)], "local": [tier(5)]},
            "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100},
        }],
        "agents": {"remote": [{"id": 1, "number": "89210000001"}], "local": [agent(5)]},
    }
    sc = with_trace(Scenario.model_validate(data), 1, [1.0])
    assert offers(run(sc))[0][1] == "local/5"


def test_top_down_never_offers_an_agent_at_level_0_position_0():
    """§1.4.7: the pointer starts at (0, 0) and lists rows after it, so (0, 0) is never offered."""
    from simkit import tier as tier_

    sc = scenario(agents=[agent(1)], tiers=[tier_(1, 0, 0)], strategy="top-down", trace=[1.0],
                  timing="continuous", horizon=100, drain_limit=50)
    rec = run(sc)
    assert offers(rec) == [] and [c.outcome for c in rec.calls] == ["in_queue"]
    from acdsim.model.advice import warnings

    assert [p for p, _ in warnings(sc)] == ["queues[0].agents.local[0]"]


@pytest.mark.parametrize("timing", ["continuous", "pbx"])
@pytest.mark.parametrize("strategy", ["longest-idle-agent", "sequentially-by-agent-order", "round-robin"])
def test_member_ringing_one_agent_is_not_offered_another(strategy, timing):
    # Agent 1 rings the caller for 10 s from t = 0. Agent 2 logs in at t = 3 while the offer
    # is still ringing: a Trying member is not processable (§5.1), so agent 2 is not offered.
    sc = scenario(
        agents=[agent(1), agent(2, status="logged_out")],
        trace=[0.0],
        strategy=strategy,
        timing=timing,
        behaviors={"default": {"answer_time": 10}},
        schedule=[{"at": 3, "agent": "local/2", "status": "available"}],
    )
    start = 0.0 if timing == "continuous" else 0.1  # pbx: the first pass is on the next tick
    assert offers(run(sc)) == [("1-1", "local/1", start, start + 10, "answered")]
