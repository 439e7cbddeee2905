"""Work conservation: the event-driven dispatcher never leaves a caller waiting beside an idle agent.

The module passes every 100 ms; the engine runs a pass only when something can change
(design principle 6), and skips passes it can prove useless (nobody waiting, or a tier gate
that stops every later member too). This checks that no needed pass is missing: in
``continuous`` timing, with one queue whose every agent is always Available, never fails an
offer and has no delay, there is no instant at which a caller waits for its first offer while
an agent is free (out of its call and its wrap-up). With tier rules, the same holds for the
agents of the levels open to that caller. A second property lets agents fail offers (busy,
reject, no answer) and sit out their delays: a caller without a ringing offer never waits
beside an agent that is out of its call, wrap-up and delay.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from test_invariants import SETTINGS, build

ONE_OFFER = (
    "longest-idle-agent", "round-robin", "top-down", "agent-with-least-talk-time",
    "agent-with-fewest-calls", "sequentially-by-agent-order", "random",
)


@st.composite
def conserving_scenarios(draw: st.DrawFn, failures: bool = False) -> dict[str, Any]:
    n_agents = draw(st.integers(1, 4))
    delays = st.sampled_from([0, 0, 2, 5]) if failures else st.just(0)
    p = st.sampled_from([0.0, 0.1, 0.3]) if failures else st.just(0.0)
    gated = draw(st.booleans())
    tiers = [
        {"agent_id": a, "level": draw(st.integers(1, 3)), "position": draw(st.integers(1, 3))}
        for a in range(1, n_agents + 1)
    ]
    return {
        "seed": draw(st.integers(0, 10_000)),
        "horizon": draw(st.integers(600, 1800)),
        "timing": "continuous",
        "drain": True,
        "queues": [{
            "id": 1,
            # top-down after a failed offer: the caller's pointer skips the rows before it (E9),
            # so it may wait beside a free agent above the pointer, as the module does.
            "strategy": draw(st.sampled_from([s for s in ONE_OFFER if not (failures and s == "top-down")])),
            "agents": {"local": tiers},
            "tier_rules_apply": gated,
            "tier_rule_wait_second": draw(st.sampled_from([5, 20])),
            "tier_rule_wait_multiply_level": draw(st.booleans()),
            "callers": {
                "arrivals": {"calls_per_hour": draw(st.sampled_from([30, 60, 120]))},
                "talk_time": {"dist": "exponential", "mean": draw(st.sampled_from([30, 90]))},
                "patience": draw(st.sampled_from([None, {"dist": "exponential", "mean": 60}])),
            },
        }],
        "agents": {"local": [
            {
                "id": a, "wrap_up_time": draw(st.sampled_from([0, 0, 3, 10])), "max_no_answer": 0,
                "call_timeout": draw(st.sampled_from([3, 10]) if failures else st.just(60)),
                "busy_delay_time": draw(delays),
                "reject_delay_time": draw(delays), "no_answer_delay_time": draw(delays),
            }
            for a in range(1, n_agents + 1)
        ]},
        "behaviors": {"default": {
            "answer_time": draw(st.sampled_from([0, 2, {"dist": "exponential", "mean": 3}])),
            "p_busy": draw(p), "p_reject": draw(p), "p_no_answer": draw(p),
            "reject_after": draw(st.sampled_from([0, 2])),
        }},
        "schedule": [],
        "_trace": {},
    }


def open_at(q: Any, level: int, joined: float, t: float) -> bool:
    if not q.tier_rules_apply:
        return True
    need = level * q.tier_rule_wait_second if q.tier_rule_wait_multiply_level else q.tier_rule_wait_second
    return t - joined + 1e-9 >= need


_DELAY = {"busy": "busy_delay_time", "rejected": "reject_delay_time", "no_answer": "no_answer_delay_time"}


def check_conserving(d: dict[str, Any]) -> None:
    sc = build(d)
    rec = ListRecorder()
    Simulation(sc, rec).run()
    q = sc.queues[0]
    level = {f"local/{t.agent_id}": t.level for t in q.agents.local}
    spec = {f"local/{a.id}": a for a in sc.agents.local}
    calls = {c.call_api_id: c for c in rec.calls}
    ringing: dict[str, list[tuple[float, float]]] = {c: [] for c in calls}
    busy: dict[str, list[tuple[float, float]]] = {a: [] for a in level}
    for o in rec.offers:
        ringing[o.call_api_id].append((o.offered_at, o.ended_at))
        c = calls[o.call_api_id]
        if o.result == "answered":
            # In the call, then in wrap-up (a call still on at the end of the run: to the end).
            end = c.left_at + spec[o.agent].wrap_up_time if c.left_at is not None else float("inf")
        elif o.result in _DELAY:
            delay = getattr(spec[o.agent], _DELAY[o.result])
            # A failure in no time and no delay: offered again from the next pass, 0.1 s on.
            end = o.ended_at + (delay if delay > 0 or o.ended_at > o.offered_at else 0.1)
        else:
            end = o.ended_at
        busy[o.agent].append((o.offered_at, end))
    instants = sorted({c.joined_at for c in rec.calls} | {e for spans in busy.values() for _, e in spans}
                      | {e for spans in ringing.values() for _, e in spans}
                      | {c.joined_at + n * q.tier_rule_wait_second for c in rec.calls for n in (1, 2, 3)})
    for t in instants:
        free = [a for a, spans in busy.items() if not any(s <= t < e for s, e in spans)]
        for c in rec.calls:
            until = c.answered_at if c.answered_at is not None else c.left_at
            waits = c.joined_at <= t < (until if until is not None else float("inf"))
            if waits and not any(s <= t < e for s, e in ringing[c.call_api_id]):
                usable = [a for a in free if open_at(q, level[a], c.joined_at, t)]
                assert not usable, (t, c.call_api_id, usable)


@SETTINGS
@given(conserving_scenarios())
def test_no_caller_waits_while_an_agent_it_could_be_offered_is_free(d: dict[str, Any]) -> None:
    check_conserving(d)


@SETTINGS
@given(conserving_scenarios(failures=True))
def test_no_caller_waits_while_an_agent_is_free_with_failures_and_delays(d: dict[str, Any]) -> None:
    """The same with agents who are busy, reject or do not answer, and sit out their delays
    (or, after a failure in no time, the 0.1 s to the next pass)."""
    check_conserving(d)
