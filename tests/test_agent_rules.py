"""Agent pauses and status rules on tiny hand-checkable timelines.

Wrap-up (E1, reference §3.7), busy / reject / no-answer delays (§3.5, §3.7, E7),
max-no-answer (§3.6, E16, E25) and On-Demand / status changes while ringing (§3.2-§3.4, E15).
Every duration is constant, so every expected time below is computed by hand in the comments.
"""

from __future__ import annotations

import pytest

from acdsim.engine import ListRecorder, Simulation
from simkit import agent, calls, offers, scenario

NEVER = {"answer_time": 0, "p_no_answer": 1}


def run_sim(sc):
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    sim.run()
    return sim, rec


def statuses(rec, ref="local/1"):
    """The agent's (time, status) at every status change (first record included)."""
    out, last = [], None
    for r in rec.agent_states:
        if r.agent == ref and r.status != last:
            out.append((round(r.time, 3), r.status))
            last = r.status
    return out


def states_at_end(rec, ref="local/1"):
    return [r for r in rec.agent_states if r.agent == ref][-1]


# -- wrap-up (E1, §3.7) -----------------------------------------------------------------------


def test_E1_wrap_up_zero_still_waits_for_next_second_pbx():
    """E1: wrap-up uses last_bridge_end < now - wrap on whole seconds, so even wrap 0 waits for the next second."""
    # caller 1 joins 0.0 -> pass 0.1, answered 3.1, talk 100.3 -> call ends 103.4 (floor 103).
    # caller 2 waits from 1.0; the agent is offered again from floor(103.4) + 0 + 1 = 104.0.
    sc = scenario(
        agents=[agent(1, wrap_up_time=0)],
        trace=[{"time": 0.0, "talk_time": 100.3}, 1.0],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.1, 3.1, "answered"),
        ("1-2", "local/1", 104.0, 107.0, "answered"),
    ]
    assert round(calls(rec)["1-1"].left_at, 3) == 103.4


def test_E1_wrap_up_pbx_offered_at_floor_end_plus_wrap_plus_one():
    """§3.7: after a bridged call ending at t_e the agent is offered no earlier than floor(t_e) + wrap + 1."""
    # call 1 ends at 103.1 -> floor 103 + wrap 5 + 1 = 109.0
    sc = scenario(agents=[agent(1, wrap_up_time=5)], trace=[0.0, 1.0], timing="pbx")
    _, rec = run_sim(sc)
    assert offers(rec)[1] == ("1-2", "local/1", 109.0, 112.0, "answered")
    assert [(p.kind, round(p.start, 3), p.end) for p in rec.agent_pauses] == [
        ("wrap_up", 103.1, 109.0),
        ("wrap_up", 212.0, 218.0),
    ]


def test_wrap_up_continuous_contactable_at_end_plus_wrap():
    """§7 continuous: a wrapped-up agent is contactable exactly at end + wrap_up_time."""
    # call 1: 0 -> answered 3 -> ends 103; wrap 5 -> caller 2 offered at 108, answered 111.
    sc = scenario(agents=[agent(1, wrap_up_time=5)], trace=[0.0, 1.0], timing="continuous")
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 3.0, "answered"),
        ("1-2", "local/1", 108.0, 111.0, "answered"),
    ]



@pytest.mark.parametrize("strategy", [
    "longest-idle-agent", "ring-all", "ring-progressively", "round-robin", "top-down", "random",
])
@pytest.mark.parametrize(("timing", "expected"), [
    ("continuous", ("1-2", "local/1", 108.0, 111.0, "answered")),
    ("pbx", ("1-2", "local/1", 109.0, 112.0, "answered")),
])
def test_agent_passed_over_in_wrap_up_is_offered_when_it_ends(timing, expected, strategy):
    """§3.7, §5: a pass that finds the only agent in wrap-up passes it over (caller 2 joins at
    105, during the wrap-up of a call that ended at 103 / 103.1, when nobody waited); the agent
    is offered as soon as the wrap-up ends (108 continuous; floor(103.1) + 5 + 1 = 109 pbx),
    whichever walk the strategy uses."""
    sc = scenario(agents=[agent(1, wrap_up_time=5)], trace=[0.0, 105.0], timing=timing, strategy=strategy)
    _, rec = run_sim(sc)
    assert offers(rec)[1] == expected

def test_wrap_up_continuous_zero_wrap_re_offered_at_call_end():
    """§7 continuous: with wrap 0 the agent takes the next caller the moment the call ends."""
    sc = scenario(agents=[agent(1)], trace=[0.0, 1.0], timing="continuous")
    _, rec = run_sim(sc)
    assert offers(rec)[1] == ("1-2", "local/1", 103.0, 106.0, "answered")


def test_wrap_up_only_after_bridged_call_failed_offers_leave_it_alone():
    """§3.7: wrap-up is measured only from the last bridged call; failed offers leave it alone."""
    # Rejects after 2 s with no reject delay: re-offered at once, wrap_up_time 50 never applies.
    sc = scenario(
        agents=[agent(1, wrap_up_time=50, behavior="rej")],
        behaviors={"rej": {"p_reject": 1, "reject_after": 2}},
        trace=[{"time": 0.0, "patience": 7}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 2.0, "rejected"),
        ("1-1", "local/1", 2.0, 4.0, "rejected"),
        ("1-1", "local/1", 4.0, 6.0, "rejected"),
        ("1-1", "local/1", 6.0, 7.0, "cancelled"),
    ]
    assert rec.agent_pauses == []
    assert calls(rec)["1-1"].outcome == "abandoned"


# -- delays (§3.5, §3.7) ----------------------------------------------------------------------


def test_busy_delay_pbx_ready_at_floor_fail_plus_busy_delay():
    """§3.5/§3.7: a busy line pauses the agent busy_delay_time; pbx: ready_time = floor(t_fail) + d."""
    # caller joins 0.25 -> pass 0.3, busy at once; ready at floor(0.3)+10 = 10.0, then 20.0;
    # patience 25 -> abandoned at 25.25 between offers.
    sc = scenario(
        agents=[agent(1, busy_delay_time=10, behavior="busy")],
        behaviors={"busy": {"p_busy": 1}},
        trace=[{"time": 0.25, "patience": 25}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.3, 0.3, "busy"),
        ("1-1", "local/1", 10.0, 10.0, "busy"),
        ("1-1", "local/1", 20.0, 20.0, "busy"),
    ]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.offers) == ("abandoned", 25.25, 3)
    assert [(p.kind, p.end) for p in rec.agent_pauses] == [("busy_delay", 10.0), ("busy_delay", 20.0), ("busy_delay", 30.0)]


def test_reject_delay_applies_after_reject_after_continuous():
    """§3.5: a reject ends the ring after reject_after and pauses the agent reject_delay_time."""
    # 0 -> rejected 2, pause 5 -> 7 -> rejected 9 -> 14 -> patience 15 cancels the ring.
    sc = scenario(
        agents=[agent(1, reject_delay_time=5, behavior="rej")],
        behaviors={"rej": {"p_reject": 1, "reject_after": 2}},
        trace=[{"time": 0.0, "patience": 15}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 2.0, "rejected"),
        ("1-1", "local/1", 7.0, 9.0, "rejected"),
        ("1-1", "local/1", 14.0, 15.0, "cancelled"),
    ]


def test_reject_delay_pbx_counts_from_floored_reject_second():
    """§3.7: pbx: after a reject at t_f the agent is ready at floor(t_f) + reject_delay_time."""
    # join 0.05 -> pass 0.1 -> rejected 2.1 -> ready 2+5 = 7.0 -> rejected 9.0 -> ready 14.0
    sc = scenario(
        agents=[agent(1, reject_delay_time=5, behavior="rej")],
        behaviors={"rej": {"p_reject": 1, "reject_after": 2}},
        trace=[{"time": 0.05, "patience": 15}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.1, 2.1, "rejected"),
        ("1-1", "local/1", 7.0, 9.0, "rejected"),
        ("1-1", "local/1", 14.0, 15.05, "cancelled"),
    ]


def test_no_answer_when_answer_time_reaches_call_timeout():
    """§5: answer_time >= call_timeout is a no-answer after call_timeout; no_answer_delay_time follows."""
    # answer_time 20 >= timeout 15: no_answer at 15, pause 5 -> 20 -> no_answer 35 -> 40 -> patience 45.
    sc = scenario(
        agents=[agent(1, call_timeout=15, no_answer_delay_time=5, behavior="slow")],
        behaviors={"slow": {"answer_time": 20}},
        trace=[{"time": 0.0, "patience": 45}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 15.0, "no_answer"),
        ("1-1", "local/1", 20.0, 35.0, "no_answer"),
        ("1-1", "local/1", 40.0, 45.0, "cancelled"),
    ]


def test_no_answer_delay_pbx_counts_from_floored_failure_second():
    """§3.7: pbx: a no-answer at t_f makes the agent ready at floor(t_f) + no_answer_delay_time."""
    # join 0.05 -> pass 0.1 -> timeout 10 -> no_answer at 10.1 -> ready floor(10.1)+5 = 15.0
    sc = scenario(
        agents=[agent(1, call_timeout=10, no_answer_delay_time=5, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.05, "patience": 20}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.1, 10.1, "no_answer"),
        ("1-1", "local/1", 15.0, 20.05, "cancelled"),
    ]


def test_E7_zero_no_answer_delay_rings_same_agent_again_for_same_caller():
    """E7: with no_answer_delay 0 a non-answering agent is first again on the next pass (longest-idle)."""
    # agent 1 never answers, agent 2 would answer; longest-idle keeps choosing agent 1
    # (a failed offer does not change last_bridge_end) for the same caller until it abandons.
    sc = scenario(
        agents=[agent(1, call_timeout=10, behavior="never"), agent(2)],
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 25}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 10.0, "no_answer"),
        ("1-1", "local/1", 10.0, 20.0, "no_answer"),
        ("1-1", "local/1", 20.0, 25.0, "cancelled"),
    ]


def test_E7_zero_delay_pbx_re_offered_on_the_next_pass():
    """E7/§3.7: pbx: a zero delay leaves ready_time alone, so the agent is rung again on the next 0.1 s pass."""
    sc = scenario(
        agents=[agent(1, call_timeout=10, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.05, "patience": 25}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.1, 10.1, "no_answer"),
        ("1-1", "local/1", 10.2, 20.2, "no_answer"),
        ("1-1", "local/1", 20.3, 25.05, "cancelled"),
    ]


def test_E7_sequentially_by_agent_order_re_rings_top_agent():
    """E7: sequentially-by-agent-order always starts from the top, so position 1 is re-rung while agent 2 waits."""
    sc = scenario(
        agents=[agent(1, call_timeout=10, behavior="never"), agent(2)],
        tiers=[{"agent_id": 1, "level": 1, "position": 1}, {"agent_id": 2, "level": 1, "position": 2}],
        strategy="sequentially-by-agent-order",
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 25}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert [o[1] for o in offers(rec)] == ["local/1", "local/1", "local/1"]


# -- max-no-answer (§3.6, E16, E25) -----------------------------------------------------------


def test_max_no_answer_switches_status_to_on_break_by_default():
    """§3.6: the no-answer count at selection + 1 reaching max_no_answer sets the queue's agent_no_answer_status (default on_break)."""
    # no_answer at 10 (count 1), again at 20 (count at selection 1, +1 = 2 >= 2) -> on_break;
    # an On Break agent is never offered, so the caller abandons at 60.
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=2, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 60}],
        timing="continuous",
    )
    sim, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 10.0, "no_answer"),
        ("1-1", "local/1", 10.0, 20.0, "no_answer"),
    ]
    assert statuses(rec) == [(0.0, "available"), (20.0, "on_break")]
    assert calls(rec)["1-1"].outcome == "abandoned"
    assert sim.agents["local/1"].no_answer_count == 2


def test_max_no_answer_uses_queue_agent_no_answer_status():
    """§3.6: the status set on max-no-answer is the queue's agent_no_answer_status."""
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=1, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 30}],
        queue={"agent_no_answer_status": "logged_out"},
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.1, 10.1, "no_answer")]
    assert statuses(rec) == [(0.0, "available"), (10.1, "logged_out")]


def test_max_no_answer_busy_and_reject_never_count():
    """§3.5/E16: busy and reject failures never add to no_answer_count nor trigger max-no-answer."""
    for beh in ({"p_busy": 1}, {"p_reject": 1, "reject_after": 2}):
        sc = scenario(
            agents=[agent(1, max_no_answer=1, busy_delay_time=3, behavior="b")],
            behaviors={"b": beh},
            trace=[{"time": 0.0, "patience": 20}],
            timing="continuous",
        )
        sim, rec = run_sim(sc)
        assert len(offers(rec)) >= 4
        assert statuses(rec) == [(0.0, "available")]
        assert sim.agents["local/1"].no_answer_count == 0


def test_E16_max_no_answer_uses_count_read_at_selection():
    """E16: the test is count-at-selection + 1; a reset during the ring (ring-all keeps ringing) does not save the agent."""
    # ring-all: no_answer at 10 (count 1). Second ring 10..20 selected with count 1. At 12 the agent
    # goes on_break (ring-all ring continues), at 14 back to available (live counter reset to 0).
    # At 20: 1 + 1 = 2 >= max 2 -> on_break, although the live counter is only 1.
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=2, behavior="never")],
        behaviors={"never": NEVER},
        strategy="ring-all",
        trace=[{"time": 0.0, "patience": 40}],
        schedule=[
            {"at": 12, "agent": "local/1", "status": "on_break"},
            {"at": 14, "agent": "local/1", "status": "available"},
        ],
        timing="continuous",
    )
    sim, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 10.0, "no_answer"),
        ("1-1", "local/1", 10.0, 20.0, "no_answer"),
    ]
    assert statuses(rec) == [(0.0, "available"), (12.0, "on_break"), (14.0, "available"), (20.0, "on_break")]
    assert sim.agents["local/1"].no_answer_count == 1


def test_max_no_answer_counter_resets_on_status_change_to_available():
    """§3.6: setting available from a different status resets no_answer_count."""
    # max 3. no_answers at 10 and 20 (count 2); on_break at 25 cancels the ring 20..30 at no cost;
    # available at 26 resets the count to 0; no_answers at 36 and 46 (count 2); the caller
    # abandons at 50 during the next ring: the agent is still available.
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=3, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 50}],
        schedule=[
            {"at": 25, "agent": "local/1", "status": "on_break"},
            {"at": 26, "agent": "local/1", "status": "available"},
        ],
        timing="continuous",
    )
    sim, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 10.0, "no_answer"),
        ("1-1", "local/1", 10.0, 20.0, "no_answer"),
        ("1-1", "local/1", 20.0, 25.0, "cancelled"),
        ("1-1", "local/1", 26.0, 36.0, "no_answer"),
        ("1-1", "local/1", 36.0, 46.0, "no_answer"),
        ("1-1", "local/1", 46.0, 50.0, "cancelled"),
    ]
    assert statuses(rec) == [(0.0, "available"), (25.0, "on_break"), (26.0, "available")]
    assert sim.agents["local/1"].no_answer_count == 2


def test_E25_setting_available_on_available_agent_resets_nothing():
    """E25: setting available on an already available agent does not reset no_answer_count."""
    # max 3: no_answers at 10, 20; 'available' again at 25 (a no-op) -> third no_answer at 30 switches.
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=3, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 50}],
        schedule=[{"at": 25, "agent": "local/1", "status": "available"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 10.0, "no_answer"),
        ("1-1", "local/1", 10.0, 20.0, "no_answer"),
        ("1-1", "local/1", 20.0, 30.0, "no_answer"),
    ]
    assert statuses(rec) == [(0.0, "available"), (30.0, "on_break")]


def test_max_no_answer_counter_resets_on_bridge():
    """§3.6: a bridged call resets no_answer_count, so only consecutive no-answers switch the status."""
    # A random answer pattern (half the offers are no-answers); replay the rule on the offer log:
    # count +1 per no_answer, 0 per answered; the switch happens at the first count == 3, never before.
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=3, behavior="half")],
        behaviors={"half": {"answer_time": 1, "p_no_answer": 0.5}},
        trace=[float(t) for t in range(0, 2000, 20)],
        talk=5,
        patience=3000,
        timing="continuous",
        seed=12,  # offers: N N A N N A N N A A N A A N A N A A N A N A N N N
    )
    _, rec = run_sim(sc)
    count, switch_at, saw_reset = 0, None, False
    for o in rec.offers:
        if o.result == "no_answer":
            count += 1
            if count == 3:
                switch_at = o.ended_at
                break
        elif o.result == "answered":
            saw_reset = saw_reset or count == 2
            count = 0
    assert saw_reset, "the seed must produce no_answer, no_answer, answered before the switch"
    assert switch_at is not None
    assert statuses(rec) == [(0.0, "available"), (switch_at, "on_break")]


# -- On-Demand (§3.2-§3.4, E15) ---------------------------------------------------------------


def test_on_demand_agent_goes_idle_after_bridged_call():
    """§3.2: an available_on_demand agent goes Idle after a bridged call and is not offered again."""
    sc = scenario(
        agents=[agent(1, status="available_on_demand")],
        trace=[0.0, {"time": 1.0, "patience": 200}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.0, 3.0, "answered")]
    assert calls(rec)["1-2"].outcome == "abandoned"
    last = states_at_end(rec)
    assert (last.time, last.status, last.state) == (103.0, "available_on_demand", "idle")


def test_on_demand_failed_offer_leaves_agent_waiting():
    """§3.4: Idle needs bridged == true; an On-Demand agent whose offer fails goes back to Waiting."""
    sc = scenario(
        agents=[agent(1, status="available_on_demand", call_timeout=10, behavior="never")],
        behaviors={"never": NEVER},
        trace=[{"time": 0.0, "patience": 25}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert [o[4] for o in offers(rec)] == ["no_answer", "no_answer", "cancelled"]


def test_E15_switch_to_on_demand_during_call_still_waiting_at_end():
    """E15: the On-Demand test uses the status at selection: switching to On Demand during the call leaves the agent Waiting."""
    # selected as available at 0; on demand at 50; call ends 103 -> Waiting, takes caller 2 at 103.
    sc = scenario(
        agents=[agent(1)],
        trace=[0.0, 1.0],
        schedule=[{"at": 50, "agent": "local/1", "status": "available_on_demand"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec)[1] == ("1-2", "local/1", 103.0, 106.0, "answered")
    last = states_at_end(rec)
    assert (last.status, last.state) == ("available_on_demand", "idle")  # caller 2 was On Demand


def test_E15_selected_on_demand_then_available_still_idle_at_end():
    """E15: selected while available_on_demand, set available during the call: the agent still ends Idle."""
    sc = scenario(
        agents=[agent(1, status="available_on_demand")],
        trace=[0.0, {"time": 1.0, "patience": 200}],
        schedule=[{"at": 50, "agent": "local/1", "status": "available"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert len(offers(rec)) == 1
    last = states_at_end(rec)
    assert (last.time, last.status, last.state) == (103.0, "available", "idle")


def test_E15_status_change_while_ringing_cancels_non_ring_offer_at_no_cost():
    """E15/§3.6: a status change away from available while ringing (non-ring) cancels the ring at no cost; the caller goes elsewhere."""
    # agent 1 rings 0..10 (answer 10); on_break at 5 -> cancelled at 5, no delay, no count;
    # the caller is offered to agent 2 at once: 5 -> answered 8.
    sc = scenario(
        agents=[agent(1, no_answer_delay_time=60, max_no_answer=1, behavior="slow"), agent(2)],
        behaviors={"slow": {"answer_time": 10}},
        trace=[0.0],
        schedule=[{"at": 5, "agent": "local/1", "status": "on_break"}],
        timing="continuous",
    )
    sim, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 5.0, "cancelled"),
        ("1-1", "local/2", 5.0, 8.0, "answered"),
    ]
    assert rec.agent_pauses == []
    a1 = sim.agents["local/1"]
    assert (a1.no_answer_count, a1.no_answers, a1.ready_time) == (0, 0, 0.0)


def test_E15_switch_to_on_demand_while_ringing_cancels_the_ring():
    """E15: switching to On Demand while ringing for a non-ring member also cancels that ring (ORIGINATOR_CANCEL)."""
    # one agent: ring 0..10 cancelled at 5; the agent is Waiting and On Demand, so it is offered
    # again at once (5 -> 15 answered), and ends Idle after the call (15 + 100 = 115).
    sc = scenario(
        agents=[agent(1, behavior="slow")],
        behaviors={"slow": {"answer_time": 10}},
        trace=[0.0],
        schedule=[{"at": 5, "agent": "local/1", "status": "available_on_demand"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 5.0, "cancelled"),
        ("1-1", "local/1", 5.0, 15.0, "answered"),
    ]
    last = states_at_end(rec)
    assert (last.time, last.state) == (115.0, "idle")


def test_E15_ring_all_ring_continues_after_status_change():
    """E15: for a ring-all member the ring continues when the agent's status changes."""
    sc = scenario(
        agents=[agent(1, behavior="slow")],
        behaviors={"slow": {"answer_time": 10}},
        strategy="ring-all",
        trace=[0.0],
        schedule=[{"at": 5, "agent": "local/1", "status": "on_break"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.0, 10.0, "answered")]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.answered_at, c.left_at) == ("answered", 10.0, 110.0)


def test_E14_on_demand_agent_that_answered_but_lost_ring_all_race_ends_idle():
    """E14: an On-Demand agent who answers a ring-all call but loses the race ends Idle without having talked."""
    # both agents answer at 3; agent 1's answer is seen first and wins; agent 2 had answered too
    # (bridged stays true) -> lost_race, Idle. Caller 2 (joined 1) therefore waits for agent 1 (103).
    sc = scenario(
        agents=[agent(1), agent(2, status="available_on_demand")],
        strategy="ring-all",
        trace=[0.0, 1.0],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/2", 0.0, 3.0, "lost_race"),
        ("1-1", "local/1", 0.0, 3.0, "answered"),
        ("1-2", "local/1", 103.0, 106.0, "answered"),
    ]
    last = states_at_end(rec, "local/2")
    assert (last.time, last.status, last.state) == (3.0, "available_on_demand", "idle")


def test_E14_on_demand_agent_losing_race_before_answering_stays_waiting():
    """E14/§1.4.5: an On-Demand loser that had not answered yet (LOSE_RACE while ringing) goes back to Waiting at no cost."""
    # agent 1 answers at 3, agent 2 (answer 5) is hung up at 3 and takes caller 2 at once: 3 -> 8.
    sc = scenario(
        agents=[agent(1), agent(2, status="available_on_demand", behavior="slow")],
        behaviors={"slow": {"answer_time": 5}},
        strategy="ring-all",
        trace=[0.0, 1.0],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/2", 0.0, 3.0, "lost_race"),
        ("1-1", "local/1", 0.0, 3.0, "answered"),
        ("1-2", "local/2", 3.0, 8.0, "answered"),
    ]


def test_instant_failure_agent_offered_again_only_from_the_pass_0_1_s_later_continuous():
    """continuous: an offer that fails in zero time with no delay (busy) frees the agent for the
    pass 0.1 s later, and no earlier pass offers it: caller 2 joining at 0.05 triggers a pass
    that finds the always-busy A1 not yet ready. 1-1 (first in score order) gets every offer."""
    sc = scenario(
        agents=[agent(1, behavior="busy")],
        behaviors={"busy": {"p_busy": 1}},
        trace=[{"time": 0.0, "patience": 0.25}, {"time": 0.05, "patience": 0.3}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert [(o[0], round(o[2], 6), o[4]) for o in offers(rec)[:4]] == [
        ("1-1", 0.0, "busy"), ("1-1", 0.1, "busy"), ("1-1", 0.2, "busy"), ("1-2", 0.3, "busy"),
    ]


@pytest.mark.parametrize(("timing", "second"), [
    ("continuous", ("1-1", "local/2", 0.0, 3.0, "answered")),
    ("pbx", ("1-1", "local/2", 0.2, 3.2, "answered")),
])
def test_failed_offer_with_a_delay_caller_offered_another_agent_at_the_next_pass(timing, second):
    """§3.5, §5: after a failed offer the caller is Waiting again and the next pass (at once in
    continuous timing, the next tick in pbx) offers it another free agent; only the agent that
    failed waits for its delay (busy_delay_time 5). A1, first in order, is always busy."""
    sc = scenario(
        agents=[agent(1, behavior="busy", busy_delay_time=5), agent(2)],
        behaviors={"busy": {"p_busy": 1}},
        trace=[0.0],
        timing=timing,
    )
    _, rec = run_sim(sc)
    assert offers(rec)[1] == second
