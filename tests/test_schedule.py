"""The schedule (SCENARIO_FORMAT §6): status changes, shifts, agent events (§6.1), and the end
of a run (drain, drain_limit, horizon; §2).
"""

from __future__ import annotations

import pydantic
import pytest

from acdsim.engine import ListRecorder, Simulation
from simkit import agent, calls, offers, scenario


def run_sim(sc):
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    stats = sim.run()
    return sim, rec, stats


def events(rec):
    return [(round(e.time, 3), e.agent, e.event_type, e.status, e.source) for e in rec.agent_events]


def statuses(rec, ref="local/1"):
    out, last = [], None
    for r in rec.agent_states:
        if r.agent == ref and r.status != last:
            out.append((round(r.time, 3), r.status))
            last = r.status
    return out


# -- status changes ---------------------------------------------------------------------------


def test_schedule_status_change_at_given_time_makes_agent_available():
    """§6: a status change applies at its time: a logged-out agent set available at 50 takes the waiting caller."""
    for timing, offered in (("continuous", 50.0), ("pbx", 50.1)):
        sc = scenario(
            agents=[agent(1, status="logged_out")],
            trace=[10.0],
            schedule=[{"at": 50, "agent": "local/1", "status": "available"}],
            timing=timing,
        )
        _, rec, _ = run_sim(sc)
        assert offers(rec) == [("1-1", "local/1", offered, offered + 3, "answered")]


def test_schedule_on_break_cancels_ringing_non_ring_offer_at_no_cost():
    """§6/§3.6: setting on_break while a non-ring offer rings cancels it at no cost (no delay, no no-answer count)."""
    # ring 0..10 (answer 10); on_break at 5 -> cancelled; available at 7 -> re-offered at once
    # despite no_answer_delay_time 30 -> answered 17.
    sc = scenario(
        agents=[agent(1, no_answer_delay_time=30, behavior="slow")],
        behaviors={"slow": {"answer_time": 10}},
        trace=[0.0],
        schedule=[
            {"at": 5, "agent": "local/1", "status": "on_break"},
            {"at": 7, "agent": "local/1", "status": "available"},
        ],
        timing="continuous",
    )
    sim, rec, _ = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.0, 5.0, "cancelled"),
        ("1-1", "local/1", 7.0, 17.0, "answered"),
    ]
    assert rec.agent_pauses == []
    assert sim.agents["local/1"].no_answers == 0


def test_schedule_logged_out_cancels_ringing_non_ring_offer_pbx():
    """§6: logging out while a non-ring offer rings cancels it at no cost; the caller waits for the next agent."""
    # pbx: join 0.05 -> ring 0.1..10.1; logged_out at 5 -> cancelled at 5; available at 8 ->
    # next pass 8.1 -> answered 18.1.
    sc = scenario(
        agents=[agent(1, no_answer_delay_time=30, behavior="slow")],
        behaviors={"slow": {"answer_time": 10}},
        trace=[0.05],
        schedule=[
            {"at": 5, "agent": "local/1", "status": "logged_out"},
            {"at": 8, "agent": "local/1", "status": "available"},
        ],
        timing="pbx",
    )
    _, rec, _ = run_sim(sc)
    assert offers(rec) == [
        ("1-1", "local/1", 0.1, 5.0, "cancelled"),
        ("1-1", "local/1", 8.1, 18.1, "answered"),
    ]


def test_schedule_logout_during_call_lets_the_call_finish():
    """§6/§3.3: a call in progress when the agent logs out is finished; the agent is then not offered."""
    sc = scenario(
        agents=[agent(1)],
        trace=[0.0, {"time": 60.0, "patience": 100}],
        schedule=[{"at": 50, "agent": "local/1", "status": "logged_out"}],
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    c = calls(rec)
    assert (c["1-1"].outcome, c["1-1"].left_at) == ("answered", 103.0)
    assert (c["1-2"].outcome, c["1-2"].left_at) == ("abandoned", 160.0)
    assert len(offers(rec)) == 1
    last = [r for r in rec.agent_states if r.agent == "local/1"][-1]
    assert (last.time, last.status, last.state) == (103.0, "logged_out", "waiting")


def test_schedule_on_break_during_ring_all_ring_continues():
    """§6: the cancel applies to non-ring strategies only; a ring-all ring goes on and may be answered."""
    sc = scenario(
        agents=[agent(1, behavior="slow")],
        behaviors={"slow": {"answer_time": 10}},
        strategy="ring-all",
        trace=[0.0],
        schedule=[{"at": 5, "agent": "local/1", "status": "logged_out"}],
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 0.0, 10.0, "answered")]


# -- shifts -----------------------------------------------------------------------------------


def test_shift_available_inside_window_logged_out_outside():
    """§6 shifts: available in [from, to), logged out outside; starts logged out when the shift starts later."""
    # shift 100..200: caller at 50 waits until 100; caller at 250 is never offered (abandons at 300).
    sc = scenario(
        agents=[agent(1, status="available")],
        trace=[50.0, {"time": 250.0, "patience": 50}],
        schedule=[{"agents": ["local/1"], "from": 100, "to": 200}],
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 100.0, 103.0, "answered")]
    assert statuses(rec) == [(0.0, "logged_out"), (100.0, "available"), (200.0, "logged_out")]
    assert calls(rec)["1-2"].outcome == "abandoned"
    assert events(rec) == [
        (100.0, "local/1", "agent-login", "available", "api"),
        (200.0, "local/1", "agent-logout", "logged_out", "api"),
    ]


def test_shift_starting_at_zero_starts_available():
    """§6 shifts: a shift covering t = 0 starts the agent available (no login event at 0)."""
    sc = scenario(
        agents=[agent(1)],
        trace=[10.0],
        schedule=[{"agents": ["local/1"], "from": 0, "to": 60, "source": "phone"}],
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert offers(rec) == [("1-1", "local/1", 10.0, 13.0, "answered")]
    assert statuses(rec) == [(0.0, "available"), (60.0, "logged_out")]
    assert events(rec) == [(60.0, "local/1", "agent-logout", "logged_out", "phone")]


def test_shifts_of_two_agents_and_end_edge_is_exclusive():
    """§6 shifts: [from, to) is half open: at `to` the agent is logged out; each listed agent follows the shift."""
    # agents 1 and 2 on shift 0..100; a caller at 100 finds nobody (abandons at 110).
    sc = scenario(
        agents=[agent(1), agent(2)],
        trace=[{"time": 100.0, "patience": 10}],
        schedule=[{"agents": ["local/1", "local/2"], "from": 0, "to": 100}],
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert offers(rec) == []
    assert calls(rec)["1-1"].outcome == "abandoned"
    assert [e[1:3] for e in events(rec)] == [("local/1", "agent-logout"), ("local/2", "agent-logout")]


# -- agent events (§6.1) ----------------------------------------------------------------------


def test_agent_events_only_on_real_login_and_logout_changes():
    """§6.1: agent-login only from logged_out to available/available_on_demand, agent-logout on becoming logged_out, nothing on a repeat."""
    sc = scenario(
        agents=[agent(1)],
        trace=[],
        schedule=[
            {"at": 10, "agent": "local/1", "status": "available"},  # already available: nothing
            {"at": 20, "agent": "local/1", "status": "on_break"},  # not a login/logout: nothing
            {"at": 30, "agent": "local/1", "status": "logged_out", "source": "phone"},  # logout
            {"at": 40, "agent": "local/1", "status": "logged_out"},  # same again: nothing
            {"at": 50, "agent": "local/1", "status": "available_on_demand"},  # login
            {"at": 60, "agent": "local/1", "status": "logged_out"},  # logout
            {"at": 70, "agent": "local/1", "status": "on_break"},  # from logged_out, not available: nothing
            {"at": 80, "agent": "local/1", "status": "available"},  # from on_break: nothing
            {"at": 90, "agent": "local/1", "status": "logged_out"},  # logout
            {"at": 95, "agent": "local/1", "status": "available", "source": "phone"},  # login
        ],
        horizon=100,
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert events(rec) == [
        (30.0, "local/1", "agent-logout", "logged_out", "phone"),
        (50.0, "local/1", "agent-login", "available_on_demand", "api"),
        (60.0, "local/1", "agent-logout", "logged_out", "api"),
        (90.0, "local/1", "agent-logout", "logged_out", "api"),
        (95.0, "local/1", "agent-login", "available", "phone"),
    ]


def test_agent_event_for_max_no_answer_status_change_is_not_login_or_logout():
    """§6.1: the automatic max-no-answer switch to on_break is a status change but neither login nor logout."""
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=1, behavior="never")],
        behaviors={"never": {"p_no_answer": 1}},
        trace=[{"time": 0.0, "patience": 20}],
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert statuses(rec) == [(0.0, "available"), (10.0, "on_break")]
    assert events(rec) == []


def test_agent_logout_event_from_max_no_answer_to_logged_out():
    """§6.1: agent_no_answer_status logged_out produces an agent-logout event when the switch happens."""
    sc = scenario(
        agents=[agent(1, call_timeout=10, max_no_answer=1, behavior="never")],
        behaviors={"never": {"p_no_answer": 1}},
        trace=[{"time": 0.0, "patience": 20}],
        queue={"agent_no_answer_status": "logged_out"},
        timing="continuous",
    )
    _, rec, _ = run_sim(sc)
    assert [e[:4] for e in events(rec)] == [(10.0, "local/1", "agent-logout", "logged_out")]


# -- drain / drain_limit / horizon (§2) -------------------------------------------------------


def test_no_drain_cuts_at_horizon_reports_in_queue_and_open_answered_calls():
    """§2 drain=false: the run stops at the horizon; waiting callers are in_queue, talking calls answered with empty left_at."""
    # caller 1 talks with agent 1 3..103 (cut at 50); caller 2 joins 48 and rings agent 2 48..58 (cut at 50).
    sc = scenario(
        agents=[agent(1), agent(2, behavior="slow")],
        behaviors={"slow": {"answer_time": 10}},
        tiers=[{"agent_id": 1, "level": 1}, {"agent_id": 2, "level": 2}],
        trace=[0.0, {"time": 48.0}],
        horizon=50,
        drain=False,
        timing="continuous",
    )
    sim, rec, stats = run_sim(sc)
    assert stats.end_time == 50.0
    c = calls(rec)
    assert (c["1-1"].outcome, c["1-1"].answered_at, c["1-1"].left_at, c["1-1"].talk_time) == ("answered", 3.0, None, None)
    assert (c["1-2"].outcome, c["1-2"].left_at, c["1-2"].wait_time) == ("in_queue", None, 2.0)
    assert offers(rec)[-1] == ("1-2", "local/2", 48.0, 50.0, "cancelled")


def test_no_drain_waiting_caller_in_queue_with_wait_to_horizon():
    """§2 drain=false: a caller still waiting at the cut is reported in_queue, its wait measured up to the horizon."""
    sc = scenario(
        agents=[agent(1, status="on_break")],
        trace=[10.0],
        horizon=50,
        drain=False,
        timing="continuous",
    )
    _, rec, stats = run_sim(sc)
    c = calls(rec)["1-1"]
    assert (c.outcome, c.left_at, c.wait_time, stats.end_time) == ("in_queue", None, 40.0, 50.0)


def test_drain_runs_until_everyone_left():
    """§2 drain=true (default): no new arrivals after the horizon, but the run goes on until every caller has left."""
    sc = scenario(agents=[agent(1)], trace=[40.0, 45.0], horizon=50, timing="continuous")
    _, rec, stats = run_sim(sc)
    c = calls(rec)
    assert (c["1-1"].left_at, c["1-2"].left_at) == (143.0, 246.0)
    assert stats.end_time == 246.0


def test_horizon_excludes_arrivals_at_or_after_it():
    """§2: arrivals are generated in [0, horizon): a trace row at the horizon is not simulated."""
    sc = scenario(agents=[agent(1)], trace=[10.0, 50.0, 60.0], horizon=50, timing="continuous")
    _, rec, _ = run_sim(sc)
    assert sorted(calls(rec)) == ["1-1"]


def test_drain_limit_stops_a_draining_run():
    """§2 drain_limit: a draining run stops at horizon + drain_limit; waiting callers in_queue, talking calls answered with empty left_at."""
    # horizon 50, limit 30 -> stop at 80. caller 1 talks 40+3 .. 1043 (cut); caller 2 never served.
    sc = scenario(
        agents=[agent(1)],
        trace=[{"time": 40.0, "talk_time": 1000}, 45.0],
        horizon=50,
        drain_limit=30,
        timing="continuous",
    )
    _, rec, stats = run_sim(sc)
    assert stats.end_time == 80.0
    c = calls(rec)
    assert (c["1-1"].outcome, c["1-1"].answered_at, c["1-1"].left_at) == ("answered", 43.0, None)
    assert (c["1-2"].outcome, c["1-2"].left_at, c["1-2"].wait_time) == ("in_queue", None, 35.0)


def test_E24_status_and_strategy_strings_are_validated_lower_case():
    """E24: the module stores mistyped-case statuses and never offers such agents; acdsim rejects them up front."""
    bad = [
        {"agents": [agent(1)], "schedule": [{"at": 5, "agent": "local/1", "status": "Available"}]},
        {"agents": [agent(1, status="On Break")]},
        {"agents": [agent(1)], "strategy": "Ring-All"},
        {"agents": [agent(1)], "queue": {"agent_no_answer_status": "On Break"}},
    ]
    for kw in bad:
        with pytest.raises(pydantic.ValidationError):
            scenario(trace=[0.0], timing="continuous", **kw)
