"""Caller timers on tiny hand-checkable timelines: patience, max-wait (E2, E27), the no-agent
timeout (§4.5, E6, E19), resume (§4.7, E22) and retries.
"""

from __future__ import annotations

from acdsim.engine import ListRecorder, Simulation
from simkit import agent, calls, offers, scenario, tier, with_trace

NEVER = {"answer_time": 0, "p_no_answer": 1}


def run_sim(sc):
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    sim.run()
    return sim, rec


def outcome(c):
    return (c.outcome, None if c.left_at is None else round(c.left_at, 3))


# -- patience ---------------------------------------------------------------------------------


def test_patience_abandons_counted_from_join_while_agent_rings():
    """§3.2 patience: counted from joining, runs on while an agent rings; that offer ends cancelled at no cost."""
    # caller 1 joins 5, agent rings 5..35 (answer 30); patience 10 -> abandoned 15, ring cancelled.
    # The agent has a 60 s no-answer delay, yet takes caller 2 (joins 16) at once: no cost.
    sc = scenario(
        agents=[agent(1, no_answer_delay_time=60, behavior="slow")],
        behaviors={"slow": {"answer_time": 30}},
        trace=[{"time": 5.0, "patience": 10}, {"time": 16.0}],
        timing="continuous",
    )
    sim, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 5.0, 15.0, "cancelled"),
        ("1-2", "local/1", 16.0, 46.0, "answered"),
    ]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.wait_time, c.agent, c.offers) == ("abandoned", 15.0, 10.0, "", 1)
    assert sim.agents["local/1"].no_answer_count == 0


def test_patience_pbx_is_exact_real_time():
    """Patience is the caller hanging up: real time, not floored (pbx joins at 5.05 -> leaves at 15.05)."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[{"time": 5.05, "patience": 10}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("abandoned", 15.05)


def test_patience_stops_when_agent_answers():
    """§3.2 patience stops only when an agent answers: answered at 8 with patience 10 talks to the end."""
    sc = scenario(
        agents=[agent(1, behavior="slow")],
        behaviors={"slow": {"answer_time": 8}},
        trace=[{"time": 0.0, "patience": 10}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("answered", 108.0)


# -- max-wait-time (§4.4, E2, E27) ------------------------------------------------------------


def test_max_wait_time_timeout_transferred_to_destination():
    """§3 max_wait_time: an unanswered caller leaves with outcome timeout, transferred_to = timeout_transfer_dst."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[10.0],
        queue={"max_wait_time": 30, "timeout_transfer_dst": "333"},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.wait_time, c.transferred_to) == ("timeout", 40.0, 30.0, "333")


def test_max_wait_time_other_outcomes_have_no_transfer():
    """transferred_to is only filled for timeout outcomes."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[{"time": 10.0, "patience": 5}],
        queue={"max_wait_time": 30, "timeout_transfer_dst": "333"},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    c = calls(rec)["1-1"]
    assert (c.outcome, c.transferred_to) == ("abandoned", "")


def test_E2_max_wait_pbx_fires_at_whole_second_watchdog_poll():
    """E2: pbx: max-wait fires at the first 0.5 s poll with floor(now) - floor(join) >= max_wait_time."""
    # join 10.0: polls 10.0, 10.5, ... -> floor(p) - 10 >= 30 first at p = 40.0 (exactly 30 s).
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[10.0],
        queue={"max_wait_time": 30, "timeout_transfer_dst": "333"},
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("timeout", 40.0)


def test_E2_max_wait_pbx_can_fire_up_to_a_second_early():
    """E2: pbx: join at 10.9 (floor 10); polls at 10.9 + 0.5k; first with floor >= 40 is 40.4: only 29.5 s waited."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[10.9],
        queue={"max_wait_time": 30},
        timing="pbx",
    )
    _, rec = run_sim(sc)
    c = calls(rec)["1-1"]
    assert outcome(c) == ("timeout", 40.4)
    assert round(c.wait_time, 3) == 29.5


def test_E27_max_wait_during_ring_waits_and_connects_if_answered():
    """E27: max-wait arriving while an agent rings waits for that originate; if it answers the call connects."""
    # ring 0..20 (answer 20 < timeout 60); max-wait 10 falls inside the ring -> answered at 20.
    sc = scenario(
        agents=[agent(1, behavior="slow")],
        behaviors={"slow": {"answer_time": 20}},
        trace=[0.0],
        queue={"max_wait_time": 10, "timeout_transfer_dst": "333"},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    c = calls(rec)["1-1"]
    assert (c.outcome, c.answered_at, c.left_at, c.transferred_to) == ("answered", 20.0, 120.0, "")


def test_E27_max_wait_during_ring_leaves_with_timeout_when_not_answered():
    """E27: if the running originate is not answered, the caller leaves with timeout when it ends."""
    # ring 0..25 (no answer); max-wait 10 waits for it -> timeout at 25, not re-offered.
    sc = scenario(
        agents=[agent(1, call_timeout=25, behavior="never")],
        behaviors={"never": NEVER},
        trace=[0.0],
        queue={"max_wait_time": 10, "timeout_transfer_dst": "333"},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.0, 25.0, "no_answer")]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.transferred_to) == ("timeout", 25.0, "333")


def test_E27_pbx_timeout_when_the_running_ring_ends():
    """E27 pbx: max-wait due at 10.05 while the ring 0.1..25.1 runs: the caller leaves with timeout at 25.1."""
    sc = scenario(
        agents=[agent(1, call_timeout=25, behavior="never")],
        behaviors={"never": NEVER},
        trace=[0.05],
        queue={"max_wait_time": 10},
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.1, 25.1, "no_answer")]
    assert outcome(calls(rec)["1-1"]) == ("timeout", 25.1)


def test_E27_ring_all_timeout_after_first_originate_ends_cancels_other_legs():
    """E27/§4.4: ring-all: the wait ends when the first in-flight originate finishes; legs still ringing are cancelled."""
    # agent 1 rings 0..15, agent 2 rings 0..30, neither answers; max-wait 10 ->
    # at 15 agent 1's no-answer ends the wait: timeout, agent 2's leg cancelled at 15.
    sc = scenario(
        agents=[agent(1, call_timeout=15, behavior="never"), agent(2, call_timeout=30, behavior="never")],
        behaviors={"never": NEVER},
        strategy="ring-all",
        trace=[0.0],
        queue={"max_wait_time": 10},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 15.0, "no_answer"),
        ("1-1", "local/2", 0.0, 15.0, "cancelled"),
    ]
    assert outcome(calls(rec)["1-1"]) == ("timeout", 15.0)


def test_E27_max_wait_during_ring_cancelled_by_status_change_leaves_with_timeout():
    """E27/§4.4: a ring cancelled by the agent's status change also ends the watchdog's wait: the caller leaves with timeout."""
    # agent 1 rings 0..30; max-wait 10 waits for it; at 15 agent 1 goes on_break (ORIGINATOR_CANCEL)
    # -> the originate has finished unanswered -> timeout at 15, not a new offer to the free agent 2.
    sc = scenario(
        agents=[agent(1, behavior="slow"), agent(2)],
        behaviors={"slow": {"answer_time": 30}},
        trace=[0.0],
        queue={"max_wait_time": 10, "timeout_transfer_dst": "333"},
        schedule=[{"at": 15, "agent": "local/1", "status": "on_break"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.0, 15.0, "cancelled")]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.transferred_to) == ("timeout", 15.0, "333")


def test_max_wait_counted_from_join_not_from_offer():
    """§4.4: the max-wait timer counts from the call's start, even across failed offers."""
    # agent rings 0..10 no-answer, delay 0 -> 10..20, max-wait 15 waits for that ring -> timeout at 20.
    sc = scenario(
        agents=[agent(1, call_timeout=10, behavior="never")],
        behaviors={"never": NEVER},
        trace=[0.0],
        queue={"max_wait_time": 15},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert [o[3] for o in offers(rec)] == [10.0, 20.0]
    assert outcome(calls(rec)["1-1"]) == ("timeout", 20.0)


# -- max-wait-time-with-no-agent (§4.5, E6, E19) ----------------------------------------------


def test_E19_no_agent_since_load_new_caller_leaves_after_wait_plus_reached():
    """E19/§4.5: no logged-in agent since load: a new caller leaves no_agent_timeout after W_na + R (R default 5)."""
    sc = scenario(
        agents=[agent(1, status="logged_out")],
        trace=[10.0],
        queue={"max_wait_time_with_no_agent": 20},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.transferred_to) == ("no_agent_timeout", 35.0, "")


def test_E19_no_agent_timeout_pbx_at_watchdog_poll():
    """E19/§4.5: pbx: t0 = floor(join) = 10, fires at the first 0.5 s poll with floor(p) >= t0 + W_na + R = 35."""
    sc = scenario(
        agents=[agent(1, status="logged_out")],
        trace=[10.3],
        queue={"max_wait_time_with_no_agent": 20, "max_wait_time_with_no_agent_time_reached": 5},
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("no_agent_timeout", 35.3)


def test_no_agent_timeout_after_logout_max_of_logout_plus_wait_and_join_plus_wait_plus_reached():
    """§4.5: agents log out at T: a long waiter leaves at max(T + W_na, t0 + W_na + R); a later joiner after W_na + R."""
    # caller 1 talks 3..1003 with the only agent; the agent logs out at 100 (the call goes on).
    # caller 2 waits since 10: max(100 + 20, 10 + 25) = 120. caller 3 joins 110: max(120, 135) = 135.
    sc = scenario(
        agents=[agent(1)],
        trace=[{"time": 0.0, "talk_time": 1000}, 10.0, 110.0],
        queue={"max_wait_time_with_no_agent": 20},
        schedule=[{"at": 100, "agent": "local/1", "status": "logged_out"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    c = calls(rec)
    assert outcome(c["1-1"]) == ("answered", 1003.0)
    assert outcome(c["1-2"]) == ("no_agent_timeout", 120.0)
    assert outcome(c["1-3"]) == ("no_agent_timeout", 135.0)


def test_no_agent_timeout_after_logout_pbx():
    """§4.5 pbx: same timeline on whole seconds and 0.5 s polls from each caller's start."""
    sc = scenario(
        agents=[agent(1)],
        trace=[{"time": 0.0, "talk_time": 1000}, 10.2, 110.2],
        queue={"max_wait_time_with_no_agent": 20},
        schedule=[{"at": 100, "agent": "local/1", "status": "logged_out"}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    c = calls(rec)
    assert outcome(c["1-2"]) == ("no_agent_timeout", 120.2)
    assert outcome(c["1-3"]) == ("no_agent_timeout", 135.2)


def test_no_agent_timeout_cancelled_when_agent_logs_back_in():
    """§4.5: the timeout needs C - E >= W_na; an agent logging in before it resets E and the caller is served."""
    sc = scenario(
        agents=[agent(1, status="logged_out")],
        trace=[10.0],
        queue={"max_wait_time_with_no_agent": 20},
        schedule=[{"at": 30, "agent": "local/1", "status": "available"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 30.0, 33.0, "answered")]
    assert calls(rec)["1-1"].outcome == "answered"


def test_E19_no_agent_clock_only_advances_while_members_wait():
    """E19/§4.5: last_agent_exist is stamped only by passes for waiting members, so after an idle logout a new caller (R = 0) leaves at once."""
    # caller 1 is answered at 0.1 + 3 (the last pass that saw an agent for a member is ~0.1..3.1);
    # the agent logs out at 100 with nobody waiting, so E stays old. Caller 2 joins 110.05:
    # C - E >= 20 already -> leaves at the first poll after its first pass (110.1): 110.55.
    sc = scenario(
        agents=[agent(1)],
        trace=[{"time": 0.0, "talk_time": 10}, 110.05],
        queue={"max_wait_time_with_no_agent": 20, "max_wait_time_with_no_agent_time_reached": 0},
        schedule=[{"at": 100, "agent": "local/1", "status": "logged_out"}],
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-2"]) == ("no_agent_timeout", 110.55)


def test_E6_on_break_agents_count_as_present_no_agent_timeout_never_fires():
    """E6: On Break agents count as present, so max_wait_time_with_no_agent does not fire."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[{"time": 10.0, "patience": 100}],
        queue={"max_wait_time_with_no_agent": 20},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("abandoned", 110.0)


def test_E19_reached_zero_leaves_at_first_poll_after_first_pass():
    """§4.5: with R = 0 and no agent for W_na already, a new caller leaves at the first poll after its first pass."""
    # join 30.05, first pass 30.1 (C = 30 >= t0 = 30, C - E = 30 >= 20), polls 30.05, 30.55 -> 30.55.
    sc = scenario(
        agents=[agent(1, status="logged_out")],
        trace=[30.05],
        queue={"max_wait_time_with_no_agent": 20, "max_wait_time_with_no_agent_time_reached": 0},
        timing="pbx",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("no_agent_timeout", 30.55)


def test_E19_reached_zero_counts_no_agent_time_from_load_at_t0():
    """§4.5 with R = 0: the queue is loaded at t = 0 (E = 0), so a caller joining at 5 leaves once W_na has passed since load."""
    sc = scenario(
        agents=[agent(1, status="logged_out")],
        trace=[5.0],
        queue={"max_wait_time_with_no_agent": 20, "max_wait_time_with_no_agent_time_reached": 0},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-1"]) == ("no_agent_timeout", 20.0)


def test_E19_reached_zero_after_logout_leaves_at_logout_plus_wait():
    """§4.5 with R = 0: agents log out at T, a waiting caller leaves at T + W_na."""
    sc = scenario(
        agents=[agent(1)],
        trace=[{"time": 0.0, "talk_time": 1000}, 10.0],
        queue={"max_wait_time_with_no_agent": 20, "max_wait_time_with_no_agent_time_reached": 0},
        schedule=[{"at": 100, "agent": "local/1", "status": "logged_out"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert outcome(calls(rec)["1-2"]) == ("no_agent_timeout", 120.0)


# -- resume (§4.7, E22) and retry ---------------------------------------------------------------


def _resume_scenario(callback_at: float, **queue):
    # caller A (number 100) talks 3..103 with the only agent; B (number 111) joins 1 and
    # abandons at 11; C (number 222) joins 20; B calls back at callback_at.
    return scenario(
        agents=[agent(1)],
        trace=[
            {"time": 0.0, "number": "100"},
            {"time": 1.0, "number": "111", "patience": 10},
            {"time": 20.0, "number": "222"},
            {"time": callback_at, "number": "111"},
        ],
        queue={"abandoned_resume_allowed": True, **queue},
        timing="continuous",
    )


def test_E22_resume_keeps_original_join_time_for_score():
    """E22/§4.7: a caller who abandoned and calls back within discard_abandoned_after resumes with the original join time."""
    # B' (call 1-4) resumes B's place: J = 1 beats C (J = 20) for the agent freed at 103.
    _, rec = run_sim(_resume_scenario(30.0))
    c = calls(rec)
    assert outcome(c["1-2"]) == ("abandoned", 11.0)
    assert offers(rec)[1] == ("1-4", "local/1", 103.0, 106.0, "answered")
    assert (c["1-4"].resumed_from, c["1-4"].first_join_at, c["1-4"].joined_at) == ("1-2", 1.0, 30.0)
    assert offers(rec)[2][0] == "1-3"


def test_resume_after_discard_window_is_a_new_caller():
    """§4.7: after discard_abandoned_after (strict: abandoned + discard < now) the call back is a new caller."""
    # abandoned at 11, window 60: at 72 the place is gone -> B' (J = 72) is behind C (J = 20).
    _, rec = run_sim(_resume_scenario(72.0))
    c = calls(rec)
    assert c["1-4"].resumed_from == ""
    assert [o[0] for o in offers(rec)] == ["1-1", "1-3", "1-4"]


def test_resume_at_window_edge_still_resumes():
    """§4.7: the discard test is strict, so a call back exactly at abandoned + discard_abandoned_after still resumes."""
    _, rec = run_sim(_resume_scenario(71.0))
    assert calls(rec)["1-4"].resumed_from == "1-2"


def test_resume_not_allowed_by_default():
    """§3 abandoned_resume_allowed defaults to false: a call back is always a new caller."""
    _, rec = run_sim(_resume_scenario(30.0, abandoned_resume_allowed=False))
    assert calls(rec)["1-4"].resumed_from == ""
    assert [o[0] for o in offers(rec)] == ["1-1", "1-3", "1-4"]


def test_E22_resume_max_wait_restarts_from_the_new_call():
    """E22/§4.4: a resumed caller's max-wait timer restarts from the new call, not the original join."""
    # B joins 1, abandons 11, calls back at 30: timeout at 30 + 40 = 70 (not 1 + 40 = 41).
    _, rec = run_sim(_resume_scenario(30.0, max_wait_time=40))
    c = calls(rec)
    assert c["1-4"].resumed_from == "1-2"
    assert outcome(c["1-4"]) == ("timeout", 70.0)
    assert round(c["1-4"].wait_time, 3) == 40.0


def test_E22_resume_tier_gate_uses_original_join_time():
    """E22/§2.3: a resumed caller's tier waits count from the original join time."""
    # level 1: agent 1 (talking with A 3..1003); level 2: agent 2 free; W = 30 (level 2 opens at J + 30).
    # B joins 1, abandons 11, resumes at 20 with J = 1 -> agent 2 offered at 31 (a new caller would wait to 50).
    sc = scenario(
        agents=[agent(1), agent(2)],
        tiers=[{"agent_id": 1, "level": 1}, {"agent_id": 2, "level": 2}],
        trace=[
            {"time": 0.0, "number": "100", "talk_time": 1000},
            {"time": 1.0, "number": "111", "patience": 10},
            {"time": 20.0, "number": "111"},
        ],
        queue={"abandoned_resume_allowed": True, "tier_rules_apply": True, "tier_rule_wait_second": 30},
        timing="continuous",
    )
    _, rec = run_sim(sc)
    assert offers(rec)[1:] == [("1-3", "local/2", 31.0, 34.0, "answered")]
    assert calls(rec)["1-3"].agent_level == 2


def test_retry_abandoned_caller_calls_again_with_same_number():
    """§3.2 retry: with probability 1 and delay 30 an abandoned caller calls again, same number, new call_api_id."""
    # caller joins 0, nobody available, abandons at 10; calls back at 40 as 1-2; the agent
    # becomes available at 45 -> answered 48.
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[{"time": 0.0, "number": "555"}],
        queue={
            "callers": {
                "arrivals": {"calls_per_hour": 0},
                "talk_time": 100,
                "patience": 10,
                "retry": {"probability": 1, "delay": 30},
            }
        },
        schedule=[{"at": 45, "agent": "local/1", "status": "available"}],
        timing="continuous",
    )
    _, rec = run_sim(sc)
    c = calls(rec)
    assert sorted(c) == ["1-1", "1-2"]
    assert (c["1-1"].number, c["1-1"].outcome, c["1-1"].left_at) == ("555", "abandoned", 10.0)
    assert (c["1-2"].number, c["1-2"].joined_at, c["1-2"].outcome, c["1-2"].answered_at) == ("555", 40.0, "answered", 48.0)


def test_retry_repeats_until_answered_or_run_ends():
    """§3.2 retry: a retried caller that abandons again retries again (probability 1)."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[{"time": 0.0, "number": "555"}],
        queue={
            "callers": {
                "arrivals": {"calls_per_hour": 0},
                "talk_time": 100,
                "patience": 10,
                "retry": {"probability": 1, "delay": 30},
            }
        },
        horizon=100,
        drain=False,
        timing="continuous",
    )
    _, rec = run_sim(sc)
    got = [(c.call_api_id, c.number, c.joined_at, c.outcome) for c in rec.calls]
    assert got == [
        ("1-1", "555", 0.0, "abandoned"),
        ("1-2", "555", 40.0, "abandoned"),
        ("1-3", "555", 80.0, "abandoned"),  # its retry at 120 is after the cut
    ]


# -- E11: a ring-progressively member in its delay window delays every caller ----------------------


def _e11_scenario(timing: str):
    # queue 1 (ring-progressively, D = 10): caller A joins 0.05, agent 1 never answers, agent 2 next.
    # queue 2 (longest-idle, agent 3): caller B joins 2.05.
    sc = scenario(
        agents=[agent(1, behavior="never"), agent(2), agent(3)],
        tiers=[tier(1), tier(2, position=2)],
        strategy="ring-progressively",
        behaviors={"never": NEVER},
        timing=timing,
        extra_queues=[{"id": 2, "agents": {"local": [tier(3)]}, "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100}}],
    )
    return with_trace(with_trace(sc, 1, [0.05]), 2, [2.05])


def test_E11_ring_progressively_window_delays_callers_of_other_queues():
    """E11: each pass sleeps 0.5 s for a ring-progressively member inside its delay window; other queues' callers wait for it."""
    _, rec = run_sim(_e11_scenario("pbx"))
    b = calls(rec)["2-2"]
    assert b.answered_at - 3 >= 2.05 + 0.5  # B's offer started at least one 0.5 s sleep after joining
    _, rec = run_sim(_e11_scenario("continuous"))
    assert offers(rec)[0] == ("2-2", "local/3", 2.05, 5.05, "answered")  # continuous: no sleeps


def test_E11_pbx_sleep_chain_runs_from_the_pass_after_the_offer():
    """E11: passes at 0.2 + 0.6k while A is in its window: B (inserted after the 2.0 pass's sleep) is offered at 3.1, agent 2 at 10.4."""
    _, rec = run_sim(_e11_scenario("pbx"))
    got = {(o[0], o[1]): o[2] for o in offers(rec)}
    assert (got[("2-2", "local/3")], got[("1-1", "local/2")]) == (3.1, 10.4)

