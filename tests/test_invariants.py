"""Property-based invariants of the engine: random small scenarios, rules checked on the records.

Every scenario is a dict validated by ``Scenario.model_validate`` (arrivals as an in-memory
trace via ``simkit.with_trace`` or a Poisson rate), run with ``Simulation(sc, ListRecorder())``.
The checks only assert what the reference (queue-semantics.md) implies exactly; the pbx
whole-second rules are applied where the engine compares floored seconds.
"""

from __future__ import annotations

import copy
import json
import math
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from acdsim.model import Scenario
from acdsim.output.kpis import KpiRecorder
from acdsim.runner import run_scenario
from simkit import with_trace

STRATEGIES = (
    "ring-all", "longest-idle-agent", "round-robin", "top-down", "agent-with-least-talk-time",
    "agent-with-fewest-calls", "sequentially-by-agent-order", "random", "ring-progressively",
)
OUTCOMES = {"answered", "abandoned", "timeout", "no_agent_timeout", "in_queue"}
RESULTS = {"answered", "no_answer", "rejected", "busy", "lost_race", "cancelled"}
LISTED = {"available", "available_on_demand", "on_break"}
OFFERABLE = {"available", "available_on_demand"}
RING = {"ring-all", "ring-progressively"}
EPS = 1e-6

# ACDSIM_EXAMPLES raises the number of random scenarios per property (``make sweep``: 5,000;
# the suite's 150 keep ``make test`` near two minutes, a long sweep finds rarer cases).
EXAMPLES = int(os.environ.get("ACDSIM_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# --------------------------------------------------------------------------------------------
# Scenario generator
# --------------------------------------------------------------------------------------------

small_int = st.integers(min_value=0, max_value=5)


@st.composite
def behaviors(draw: st.DrawFn) -> dict[str, Any]:
    p = st.sampled_from([0.0, 0.0, 0.1, 0.3])
    answer = draw(
        st.one_of(
            st.integers(min_value=0, max_value=5),
            st.builds(lambda m: {"dist": "exponential", "mean": m}, st.sampled_from([0.5, 2.0, 4.0])),
        )
    )
    return {
        "answer_time": answer,
        "p_busy": draw(p),
        "p_reject": draw(p),
        "p_no_answer": draw(p),
        "reject_after": draw(st.integers(min_value=0, max_value=4)),
        "talk_time_factor": draw(st.sampled_from([1.0, 1.0, 0.5, 2.0])),
    }


@st.composite
def scenario_dicts(
    draw: st.DrawFn, timing: str | None = None, trace: bool | None = None, **queue: Any
) -> dict[str, Any]:
    """A scenario dict plus, under the key ``_trace``, the per-queue in-memory trace rows.

    ``queue`` overrides queue keys with a constant or a hypothesis strategy (to aim a property
    at one rule); ``trace`` forces trace (True) or Poisson (False) arrivals.
    """
    timing = timing or draw(st.sampled_from(["pbx", "continuous"]))
    horizon = draw(st.integers(min_value=300, max_value=900))
    n_agents = draw(st.integers(min_value=1, max_value=4))
    n_queues = draw(st.integers(min_value=1, max_value=2))
    beh = {"default": draw(behaviors()), "other": draw(behaviors())}
    agents = []
    for i in range(1, n_agents + 1):
        agents.append(
            {
                "id": i,
                "status": draw(
                    st.sampled_from(["available"] * 4 + ["available_on_demand", "on_break", "logged_out"])
                ),
                "call_timeout": draw(st.integers(min_value=2, max_value=10)),
                "wrap_up_time": draw(small_int),
                "busy_delay_time": draw(small_int),
                "no_answer_delay_time": draw(small_int),
                "reject_delay_time": draw(small_int),
                "max_no_answer": draw(st.integers(min_value=0, max_value=2)),
                "behavior": draw(st.sampled_from(["default", "other"])),
            }
        )
    queues = []
    traces: dict[int, list[Any]] = {}
    for qid in range(1, n_queues + 1):
        members = draw(st.lists(st.integers(1, n_agents), unique=True, min_size=0, max_size=n_agents))
        tiers = [
            {"agent_id": a, "level": draw(st.integers(0, 2)), "position": draw(st.integers(0, 2))}
            for a in members
        ]
        patience = draw(
            st.one_of(
                st.none(),
                st.integers(min_value=5, max_value=120),
                st.builds(lambda m: {"dist": "exponential", "mean": m}, st.sampled_from([20, 60])),
            )
        )
        callers: dict[str, Any] = {
            "talk_time": draw(
                st.one_of(
                    st.integers(min_value=1, max_value=120),
                    st.builds(lambda m: {"dist": "exponential", "mean": m}, st.sampled_from([30, 90])),
                )
            ),
            "patience": patience,
            "base_score": draw(st.sampled_from([0, 0, 10])),
        }
        if draw(st.booleans()):
            callers["retry"] = {"probability": draw(st.sampled_from([0.5, 1.0])), "delay": draw(st.integers(1, 30))}
        use_trace = draw(st.booleans()) if trace is None else trace
        if use_trace:
            times = sorted(draw(st.lists(st.floats(0, horizon - 1, allow_nan=False), min_size=1, max_size=10)))
            numbers = draw(st.booleans())
            rows: list[Any] = [
                {"time": t, "number": str(100 + draw(st.integers(0, 2)))} if numbers else t for t in times
            ]
            traces[qid] = rows
            callers["arrivals"] = {"calls_per_hour": 0}
        else:
            callers["arrivals"] = {"calls_per_hour": draw(st.sampled_from([20, 60, 120]))}
        q: dict[str, Any] = {
            "id": qid,
            "strategy": draw(st.sampled_from(STRATEGIES)),
            "agents": {"local": tiers},
            "callers": callers,
            "tier_rules_apply": draw(st.booleans()),
            "tier_rule_wait_second": draw(st.sampled_from([0, 3, 10, 30])),
            "tier_rule_wait_multiply_level": draw(st.booleans()),
            "tier_rule_no_agent_no_wait": draw(st.booleans()),
            "max_wait_time": draw(st.sampled_from([0, 0, 5, 20, 60])),
            "timeout_transfer_dst": draw(st.sampled_from([None, "333"])),
            "max_wait_time_with_no_agent": draw(st.sampled_from([0, 0, 5, 20])),
            "max_wait_time_with_no_agent_time_reached": draw(st.sampled_from([0, 2, 5])),
            "ring_progressively_delay": draw(st.sampled_from([0, 2, 5])),
            "abandoned_resume_allowed": draw(st.booleans()),
            "discard_abandoned_after": draw(st.sampled_from([0, 10, 60])),
            "agent_no_answer_status": draw(st.sampled_from(["on_break", "logged_out", "available"])),
        }
        for key, value in queue.items():
            q[key] = draw(value) if isinstance(value, st.SearchStrategy) else value
        queues.append(q)
    schedule: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 4))):
        schedule.append(
            {
                "at": draw(st.integers(0, horizon) | st.floats(0, horizon, allow_nan=False)),
                "agent": f"local/{draw(st.integers(1, n_agents))}",
                "status": draw(st.sampled_from(["available", "available_on_demand", "on_break", "logged_out"])),
            }
        )
    if draw(st.integers(0, 4)) == 0:
        start = draw(st.integers(0, horizon // 2))
        schedule.append(
            {"agents": [f"local/{draw(st.integers(1, n_agents))}"], "from": start, "to": start + draw(st.integers(1, horizon))}
        )
    return {
        "seed": draw(st.integers(0, 10_000)),
        "horizon": horizon,
        "timing": timing,
        "drain": draw(st.sampled_from([True, True, False])),
        "drain_limit": 600,
        "queues": queues,
        "agents": {"local": agents},
        "behaviors": beh,
        "schedule": schedule,
        "_trace": traces,
    }


def build(d: dict[str, Any]) -> Scenario:
    data = copy.deepcopy(d)
    traces = data.pop("_trace")
    sc = Scenario.model_validate(data)
    for qid, rows in traces.items():
        sc = with_trace(sc, qid, rows)
    return sc


def run(sc: Scenario, replication: int = 0) -> ListRecorder:
    rec = ListRecorder()
    Simulation(sc, rec, replication=replication).run()
    return rec


# --------------------------------------------------------------------------------------------
# Helpers on the records
# --------------------------------------------------------------------------------------------


def fl(sc: Scenario, t: float) -> float:
    return float(math.floor(t + 1e-9)) if sc.timing == "pbx" else t


class Timeline:
    """Each agent's (time, status, state) records in emission order."""

    def __init__(self, rec: ListRecorder) -> None:
        self.by_agent: dict[str, list[Any]] = defaultdict(list)
        for r in rec.agent_states:
            self.by_agent[r.agent].append(r)

    def status_at(self, agent: str, t: float, inclusive: bool) -> str | None:
        """The status after the records before ``t`` (or up to and including ``t``)."""
        recs = [r for r in self.by_agent[agent] if (r.time <= t if inclusive else r.time < t)]
        return recs[-1].status if recs else None

    def status_before(self, agent: str, t: float) -> str | None:
        return self.status_at(agent, t, inclusive=False)


def min_listed_levels(sc: Scenario, tl: Timeline, qid: int, t: float, above: int | None = None) -> set[int]:
    """Possible values of the lowest listed level at ``t`` (status changes at ``t`` itself may
    come before or after the pass, so both readings are allowed)."""
    spec = next(q for q in sc.queues if q.id == qid)
    options: set[int] = set()
    for inclusive in (False, True):
        levels = {
            tier.level
            for tier in spec.agents.local
            if tl.status_at(f"local/{tier.agent_id}", t, inclusive) in LISTED
            and (above is None or tier.level > above)
        }
        if levels:
            options.add(min(levels))
    return options


def gate_need(q: Any, level: int) -> float:
    w = q.tier_rule_wait_second
    return level * w if q.tier_rule_wait_multiply_level else w


def watchdog_due(sc: Scenario, joined: float, seconds: float) -> float:
    """When the caller's max-wait fires: pbx first 0.5 s poll with floor(p) - floor(j) >= s."""
    if sc.timing != "pbx":
        return joined + seconds
    p = joined
    while math.floor(p + 1e-9) - math.floor(joined + 1e-9) < seconds:
        p += 0.5
    return p


def check_all(sc: Scenario, rec: ListRecorder) -> None:
    """Every invariant below on one run."""
    check_conservation(sc, rec)
    check_offers_consistent(sc, rec)
    check_agent_exclusive(sc, rec)
    check_agent_pauses(sc, rec)
    check_agent_status_at_offer(sc, rec)
    check_status_changes_explained(sc, rec)
    check_tier_gate(sc, rec)
    check_patience(sc, rec)
    check_timeouts(sc, rec)
    check_no_agent_timeouts(sc, rec)
    check_resume(sc, rec)
    check_member_offers(sc, rec)


def check_conservation(sc: Scenario, rec: ListRecorder) -> None:
    ids = [c.call_api_id for c in rec.calls]
    assert len(ids) == len(set(ids)), "a caller has two call records"
    joined = {m.call_api_id for m in rec.member_states}
    assert joined == set(ids), "joined callers and call records differ"
    kpis = KpiRecorder([q.id for q in sc.queues], [a.ref for a in sc.all_agents()], sc.report.service_level_threshold, 0.0)
    for c in rec.calls:
        kpis.call(c)
        assert c.outcome in OUTCOMES
        if c.outcome == "in_queue":
            assert c.left_at is None and c.answered_at is None
            # still waiting only when the run was cut: at the horizon, or at the drain limit
            end = sc.horizon + (sc.drain_limit if sc.drain else 0.0)
            assert abs(c.joined_at + c.wait_time - end) < EPS
        elif c.outcome == "answered":
            assert c.answered_at is not None and c.agent
            assert c.left_at is None or c.left_at >= c.answered_at - EPS  # None: still talking at the end
            assert abs(c.wait_time - (c.answered_at - c.joined_at)) < EPS
        else:
            assert c.left_at is not None and c.answered_at is None and c.agent == ""
            assert abs(c.wait_time - (c.left_at - c.joined_at)) < EPS
    figures = kpis.finish(sc.horizon)["queues"]
    for spec in sc.queues:
        calls = [c for c in rec.calls if c.queue == spec.id]
        counts = {o: sum(c.outcome == o for c in calls) for o in OUTCOMES}
        assert len(calls) == sum(counts.values())
        t = figures[str(spec.id)]
        if calls:
            assert t["offered"] == len(calls)
            assert t["answered"] + t["abandoned"] + t["timeout"] + t["no_agent_timeout"] + t["in_queue_at_end"] == t["offered"]
            assert (t["answered"], t["abandoned"], t["timeout"], t["no_agent_timeout"], t["in_queue_at_end"]) == (
                counts["answered"], counts["abandoned"], counts["timeout"], counts["no_agent_timeout"],
                counts["in_queue"],
            )
        arrivals = spec.callers.arrivals
        rows = getattr(arrivals, "rows", None)
        if rows is not None:
            n_trace = sum(r.time < sc.horizon for r in rows)
            extra = len(calls) - n_trace
            assert extra >= 0, "a trace arrival did not join"
            if spec.callers.retry is None:
                assert extra == 0
            else:
                assert extra <= counts["abandoned"], "more retries than abandoned callers"


def check_offers_consistent(sc: Scenario, rec: ListRecorder) -> None:
    calls = {c.call_api_id: c for c in rec.calls}
    tiers = {
        (q.id, f"local/{t.agent_id}"): (t.level, t.position) for q in sc.queues for t in q.agents.local
    }
    per_call: dict[str, list[Any]] = defaultdict(list)
    for o in rec.offers:
        assert o.result in RESULTS
        c = calls[o.call_api_id]
        per_call[o.call_api_id].append(o)
        assert o.ended_at >= o.offered_at - EPS, f"{o} ends before it starts"
        assert o.queue == c.queue
        assert tiers[(o.queue, o.agent)] == (o.level, o.position)
        assert o.offered_at >= c.joined_at - EPS
        if c.left_at is not None:
            assert o.ended_at <= c.left_at + EPS
    for cid, c in calls.items():
        offers = per_call.get(cid, [])
        assert c.offers == len(offers)
        won = [o for o in offers if o.result == "answered"]
        if c.outcome == "answered":
            assert len(won) == 1
            w = won[0]
            assert w.agent == c.agent and w.level == c.agent_level
            assert abs(w.ended_at - c.answered_at) < EPS
        else:
            assert not won


def check_agent_exclusive(sc: Scenario, rec: ListRecorder) -> None:
    """No agent has two overlapping offers, nor an offer during its own call."""
    calls = {c.call_api_id: c for c in rec.calls}
    by_agent: dict[str, list[Any]] = defaultdict(list)
    for o in rec.offers:
        by_agent[o.agent].append(o)
    for agent, offers in by_agent.items():
        # An agent's offers are sequential, so their records (emitted at the end) are in order.
        for prev, nxt in zip(offers, offers[1:], strict=False):
            busy_until = prev.ended_at
            if prev.result == "answered":
                left = calls[prev.call_api_id].left_at
                assert left is not None, f"{agent} offered while its call was still going on"
                busy_until = left
            assert nxt.offered_at >= busy_until - EPS, f"{agent}: {nxt} starts before {busy_until}"


def check_agent_pauses(sc: Scenario, rec: ListRecorder) -> None:
    """No offer starts inside a wrap-up or a delay (recorded pauses and the derived rule)."""
    calls = {c.call_api_id: c for c in rec.calls}
    specs = {a.ref: a for a in sc.all_agents()}
    by_agent: dict[str, list[Any]] = defaultdict(list)
    for o in rec.offers:
        by_agent[o.agent].append(o)
    for p in rec.agent_pauses:
        assert p.end >= p.start - EPS
        for o in by_agent[p.agent]:
            if o.ended_at <= p.start + EPS:
                continue  # the offer (or call) that caused the pause, or an earlier one
            assert not (p.start - EPS <= o.offered_at < p.end - EPS), f"{o} inside pause {p}"
    delay_of = {"busy": "busy_delay", "rejected": "reject_delay", "no_answer": "no_answer_delay"}
    expected: list[tuple[str, str, float, float]] = []
    for agent, offers in by_agent.items():
        spec = specs[agent]
        for o in offers:
            if o.result == "answered":
                left = calls[o.call_api_id].left_at
                if left is None:
                    continue
                wrap = math.floor(spec.wrap_up_time) if sc.timing == "pbx" else spec.wrap_up_time
                # E1: the strict '<' on whole seconds gives floor(end) + wrap + 1 in pbx timing
                free = math.floor(left + 1e-9) + wrap + 1 if sc.timing == "pbx" else left + wrap
                start = left
                if wrap > 0:
                    expected.append((agent, "wrap_up", start, free))
            elif o.result in delay_of:
                d = getattr(spec, delay_of[o.result] + "_time")
                if sc.timing == "pbx":
                    d = math.floor(d)
                if d <= 0:
                    continue
                free = fl(sc, o.ended_at) + d  # §3.7: ready_time = floor(t_fail) + d
                start = o.ended_at
                expected.append((agent, delay_of[o.result], start, free))
            else:
                continue
            for later in offers[offers.index(o) + 1 :]:
                if later.offered_at >= start - EPS:
                    assert later.offered_at >= free - EPS, f"{later} before {free} (after {o})"
    # The recorded pauses are exactly those: one per completed call with wrap-up, one per delay.
    key = lambda p: (p[0], p[1], round(p[2], 6), round(p[3], 6))  # noqa: E731
    assert sorted(map(key, rec.agent_pauses)) == sorted(map(key, expected))


def check_agent_status_at_offer(sc: Scenario, rec: ListRecorder) -> None:
    """Every offer starts from state waiting with status available / available_on_demand."""
    tl = Timeline(rec)
    by_agent: dict[str, list[float]] = defaultdict(list)
    for o in rec.offers:
        by_agent[o.agent].append(o.offered_at)
    for agent in {a.ref for a in sc.all_agents()}:
        recs = tl.by_agent[agent]
        assert recs and recs[0].time == 0.0
        starts = []
        for i, r in enumerate(recs):
            if r.state == "receiving" and (i == 0 or recs[i - 1].state != "receiving"):
                assert i > 0 and recs[i - 1].state == "waiting", f"{agent} offered from {recs[i - 1]}"
                assert r.status in OFFERABLE, f"{agent} offered while {r.status}"
                starts.append(r.time)
        assert sorted(starts) == sorted(by_agent.get(agent, []))


def initial_status(sc: Scenario, ref: str, configured: str) -> str:
    out = None
    for e in sc.schedule:
        if hasattr(e, "agents") and ref in e.agents:
            if e.from_ <= 0 < e.to:
                out = "available"
            elif out is None:
                out = "logged_out"
    return out or configured


def check_status_changes_explained(sc: Scenario, rec: ListRecorder) -> None:
    """A status changes only by the schedule or by max-no-answer at a no-answer's end."""
    tl = Timeline(rec)
    sched: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for e in sc.schedule:
        if hasattr(e, "agents"):
            for ref in e.agents:
                sched[ref].append((e.from_, "available"))
                sched[ref].append((e.to, "logged_out"))
        else:
            sched[e.agent].append((e.at, e.status))
    qstatus = {q.id: q.agent_no_answer_status for q in sc.queues}
    for spec in sc.all_agents():
        recs = tl.by_agent[spec.ref]
        assert recs[0].status == initial_status(sc, spec.ref, spec.status)
        for prev, r in zip(recs, recs[1:], strict=False):
            if prev.status == r.status:
                continue
            by_schedule = any(t == r.time and s == r.status for t, s in sched[spec.ref])
            by_max_no_answer = spec.max_no_answer > 0 and any(
                o.agent == spec.ref and o.result == "no_answer" and o.ended_at == r.time
                and qstatus[o.queue] == r.status
                for o in rec.offers
            )
            assert by_schedule or by_max_no_answer, f"unexplained status change {prev} -> {r}"


def check_tier_gate(sc: Scenario, rec: ListRecorder) -> None:
    """Tier rules (reference §2.3): levels open by waiting time measured from J."""
    tl = Timeline(rec)
    queues = {q.id: q for q in sc.queues}
    calls = {c.call_api_id: c for c in rec.calls}
    by_call: dict[str, list[Any]] = defaultdict(list)
    for o in rec.offers:
        by_call[o.call_api_id].append(o)
    for o in rec.offers:
        q = queues[o.queue]
        if not q.tier_rules_apply or o.level == 0:
            continue  # level 0 is never > cur = 0, so it is never gated
        c = calls[o.call_api_id]
        waited = fl(sc, o.offered_at) - fl(sc, c.first_join_at)
        if waited + EPS >= gate_need(q, o.level):
            continue
        # Opened early: only the first row of the walk may do that, and only with no-agent-no-wait.
        assert q.tier_rule_no_agent_no_wait, f"level {o.level} offered after {waited} s < gate ({o})"
        allowed = min_listed_levels(sc, tl, q.id, o.offered_at)
        if q.strategy == "top-down":
            # The walk starts at the member's pointer (Lm, Pm): (0, 0) at first and after a
            # reset, else the last offer's tier. Its first row is at level Lm or the lowest
            # listed level above Lm (§1.4.7, §2.3 point 5).
            # Offers at the same instant (after an instant failure) may come before this one or
            # after it in the same pass: the pointer is one of them, or else the latest offer
            # before this instant (as for round-robin below).
            prev = [p for p in by_call[o.call_api_id] if p.offered_at <= o.offered_at and p is not o]
            newest = max((p.offered_at for p in prev if p.offered_at < o.offered_at), default=None)
            pointers = {0} | {p.level for p in prev if p.offered_at in (o.offered_at, newest)}
            for lm in pointers:
                allowed |= {lm} | min_listed_levels(sc, tl, q.id, o.offered_at, above=lm)
        elif q.strategy == "round-robin":
            # §1.4.6: the list starts with the rows after the pointer P in P's level. If that
            # sub-list is not empty its first row opens P's level L_P, and the wrap-around that
            # follows reaches every level <= L_P without the gate (§2.3 point 4).
            tiers = {f"local/{t.agent_id}": t for t in q.agents.local}
            for ref in rr_pointers(sc, q, rec.offers, o):
                ptier = tiers[ref]
                after_pointer = any(
                    t.level == ptier.level and t.position > ptier.position
                    and tl.status_at(f"local/{t.agent_id}", o.offered_at, inclusive) in LISTED
                    for t in q.agents.local for inclusive in (False, True)
                )
                if after_pointer:
                    allowed |= set(range(0, ptier.level + 1))
        assert o.level in allowed, f"level {o.level} opened early but lowest listed is {allowed} ({o})"


def rr_pointers(sc: Scenario, q: Any, offers: list[Any], o: Any) -> set[str]:
    """The agents that can be round-robin queue ``q``'s pointer P when offer ``o`` starts.

    §1.4.6: P is the agent with a tier in ``q`` and the largest ``last_offered_call > 0``,
    stamped by an offer from ANY queue. The stamp is ``local_epoch_time_now()``, a whole second
    in pbx timing (§0.2), so agents offered in the same second tie, whatever their order inside
    it; the module's subquery (``ORDER BY agents.last_offered_call DESC LIMIT 1``), run inside
    its whole round-robin query, then returns the first of them by agent name (SQLite 3.40 reads
    the queue's tiers through an automatic index on (queue, agent); docs/semantics.md). Offers
    at ``o``'s own instant may come before ``o`` in the same pass or after it, so each one is
    tried as the only one before ``o``, as is none of them.
    """
    refs = {f"local/{t.agent_id}" for t in q.agents.local}
    stamped = [(fl(sc, p.offered_at), p) for p in offers if p.agent in refs and p is not o]
    before = [(s, p) for s, p in stamped if p.offered_at < o.offered_at and s > 0]
    same = [p for s, p in stamped if p.offered_at == o.offered_at and s > 0]

    def first(agents: set[str]) -> set[str]:
        return {min(agents)} if agents else set()

    newest = max((s for s, _ in before), default=None)
    out = first({p.agent for s, p in before if s == newest})
    now = fl(sc, o.offered_at)
    in_second = {p.agent for s, p in before if s == now}
    for p in same:
        out |= first(in_second | {p.agent})
    return out


def check_patience(sc: Scenario, rec: ListRecorder) -> None:
    queues = {q.id: q for q in sc.queues}
    for c in rec.calls:
        patience = queues[c.queue].callers.patience
        if patience is None:
            assert c.outcome != "abandoned", "abandoned with infinite patience"
            continue
        value = getattr(patience, "value", None)
        if value is None or not isinstance(patience.value, int | float):  # not constant
            continue
        if c.outcome == "answered":
            assert c.wait_time <= value + EPS, f"answered after {c.wait_time} > patience {value}"
        elif c.outcome == "abandoned":
            assert abs(c.wait_time - value) < EPS


def check_timeouts(sc: Scenario, rec: ListRecorder) -> None:
    queues = {q.id: q for q in sc.queues}
    by_call: dict[str, list[Any]] = defaultdict(list)
    for o in rec.offers:
        by_call[o.call_api_id].append(o)
    max_timeout = max(a.call_timeout for a in sc.all_agents())
    # §5.4/E11: the watchdog blocks on the DB mutex while a pass sleeps 0.5 s per ring-progressively
    # member inside its window, so offers started up to the end of that pass still count as running.
    n_rp = sum(queues[c.queue].strategy == "ring-progressively" for c in rec.calls)
    slack = 0.5 * n_rp + 0.1 if sc.timing == "pbx" and n_rp else 0.0
    for c in rec.calls:
        q = queues[c.queue]
        mwt = math.floor(q.max_wait_time) if sc.timing == "pbx" else q.max_wait_time
        expected_dst = (q.timeout_transfer_dst or "") if c.outcome == "timeout" else ""
        assert c.transferred_to == expected_dst
        if c.outcome == "timeout":
            assert mwt > 0
            lower = mwt - 1 if sc.timing == "pbx" else mwt
            assert c.wait_time > lower - EPS if sc.timing == "pbx" else c.wait_time >= lower - EPS
        if mwt <= 0 or c.outcome == "in_queue":
            continue
        due = watchdog_due(sc, c.joined_at, mwt)
        end = c.answered_at if c.outcome == "answered" else c.left_at
        if end is None or end <= due + EPS:
            continue
        # Still in the queue after the watchdog fired: only while an originate was running (E27).
        offers = by_call[c.call_api_id]
        assert any(o.offered_at <= due + slack + EPS and o.ended_at >= due - EPS for o in offers), (
            f"{c.call_api_id} outlived max_wait_time with no offer in flight at {due}"
        )
        assert end - due <= max_timeout + slack + EPS
        if c.outcome == "timeout":  # it left when that originate finished (any result)
            assert any(abs(o.ended_at - c.left_at) < EPS for o in offers)


def check_no_agent_timeouts(sc: Scenario, rec: ListRecorder) -> None:
    tl = Timeline(rec)
    queues = {q.id: q for q in sc.queues}
    for c in rec.calls:
        if c.outcome != "no_agent_timeout":
            continue
        q = queues[c.queue]
        assert q.max_wait_time_with_no_agent > 0
        for tier in q.agents.local:
            # A status change at the timeout's instant may come before or after it: the agent
            # must be unlisted in one of the two readings.
            ref = f"local/{tier.agent_id}"
            before, at = tl.status_before(ref, c.left_at), tl.status_at(ref, c.left_at, inclusive=True)
            assert before not in LISTED or at not in LISTED, f"no-agent timeout while {ref} was listed"
        reached = q.max_wait_time_with_no_agent_time_reached
        if reached > 0:
            need = q.max_wait_time_with_no_agent + reached
            if sc.timing == "pbx":
                assert c.wait_time > need - 1 - EPS
            else:
                assert c.wait_time >= need - EPS


def check_resume(sc: Scenario, rec: ListRecorder) -> None:
    queues = {q.id: q for q in sc.queues}
    calls = {c.call_api_id: c for c in rec.calls}
    for c in rec.calls:
        q = queues[c.queue]
        if not c.resumed_from:
            assert c.first_join_at == c.joined_at
            continue
        assert q.abandoned_resume_allowed
        old = calls[c.resumed_from]
        assert old.queue == c.queue and old.number == c.number
        assert old.outcome in {"abandoned", "timeout", "no_agent_timeout"}
        assert old.left_at is not None and old.left_at <= c.joined_at + EPS
        assert fl(sc, c.joined_at) <= fl(sc, old.left_at) + q.discard_abandoned_after + EPS
        assert c.first_join_at == old.first_join_at  # E22: the original join time


def check_member_offers(sc: Scenario, rec: ListRecorder) -> None:
    """Non-ring callers are offered to one agent at a time; ring-progressively steps by D."""
    queues = {q.id: q for q in sc.queues}
    by_call: dict[str, list[Any]] = defaultdict(list)
    for o in rec.offers:
        by_call[o.call_api_id].append(o)
    for offers in by_call.values():
        q = queues[offers[0].queue]
        offers.sort(key=lambda o: (o.offered_at, o.ended_at))
        if q.strategy not in RING:
            for prev, nxt in zip(offers, offers[1:], strict=False):
                assert nxt.offered_at >= prev.ended_at - EPS
        if q.strategy == "ring-progressively":
            d = (math.floor(q.ring_progressively_delay) if sc.timing == "pbx" else q.ring_progressively_delay) or 10
            for prev, nxt in zip(offers, offers[1:], strict=False):
                assert fl(sc, nxt.offered_at) - fl(sc, prev.offered_at) >= d - EPS


# --------------------------------------------------------------------------------------------
# The properties
# --------------------------------------------------------------------------------------------

FEW = settings(SETTINGS, max_examples=max(100, EXAMPLES * 2 // 3))
timings = st.sampled_from(["pbx", "continuous"])


@pytest.mark.slow
@SETTINGS
@given(scenario_dicts())
def test_random_scenarios_satisfy_every_invariant(d: dict[str, Any]) -> None:
    """All the record invariants below hold together on any small scenario (both timings)."""
    sc = build(d)
    check_all(sc, run(sc))


@FEW
@given(scenario_dicts())
def test_conservation_every_joined_caller_has_one_call_record_and_outcomes_add_up(d: dict[str, Any]) -> None:
    """Each joined caller has exactly one call record; offered = answered + abandoned + timeout + no_agent_timeout + in_queue."""
    sc = build(d)
    check_conservation(sc, run(sc))


@FEW
@given(scenario_dicts())
def test_offer_records_agree_with_call_records(d: dict[str, Any]) -> None:
    """Offers lie inside their caller's stay, match a tier, and an answered caller has exactly one answered offer."""
    sc = build(d)
    check_offers_consistent(sc, run(sc))


@FEW
@given(scenario_dicts())
def test_agent_never_has_overlapping_offers_nor_an_offer_during_its_own_call(d: dict[str, Any]) -> None:
    """§5.4: an agent leaves Waiting when offered, so it has one offer at a time and none while bridged."""
    sc = build(d)
    check_agent_exclusive(sc, run(sc))


@FEW
@given(scenario_dicts())
def test_no_offer_during_wrap_up_or_delay_E1_whole_seconds(d: dict[str, Any]) -> None:
    """§3.7/E1: wrap-up ends at floor(end)+wrap+1 (pbx) / end+wrap; a delay at floor(fail)+d; no offer starts inside a pause."""
    sc = build(d)
    check_agent_pauses(sc, run(sc))


@FEW
@given(scenario_dicts())
def test_offer_starts_only_from_waiting_with_status_available_or_on_demand(d: dict[str, Any]) -> None:
    """§1.2: only a Waiting agent whose status is Available / On Demand is offered (never On Break, Logged Out, Idle)."""
    sc = build(d)
    check_agent_status_at_offer(sc, run(sc))


@FEW
@given(scenario_dicts())
def test_status_changes_only_by_schedule_or_max_no_answer(d: dict[str, Any]) -> None:
    """§3.6: the engine changes an agent's status only on the schedule or at a no-answer that reaches max_no_answer."""
    sc = build(d)
    check_status_changes_explained(sc, run(sc))


@FEW
@given(
    scenario_dicts(
        tier_rules_apply=True, tier_rule_no_agent_no_wait=False,
        tier_rule_wait_second=st.sampled_from([1, 3, 10, 30]),
    )
)
def test_tier_gate_closes_every_level_above_0_until_L_times_W_or_W_E3(d: dict[str, Any]) -> None:
    """§2.3/E3/E5: with no-agent-no-wait off, level L>=1 is offered only once floor(now)-J >= L*W (multiply) or W."""
    sc = build(d)
    check_tier_gate(sc, run(sc))


@FEW
@given(
    scenario_dicts(
        tier_rules_apply=True, tier_rule_no_agent_no_wait=True,
        tier_rule_wait_second=st.sampled_from([3, 10, 30]),
    )
)
def test_no_agent_no_wait_opens_only_the_first_row_of_the_walk_E4(d: dict[str, Any]) -> None:
    """E4/§2.3: with no-agent-no-wait only the walk's first row opens early: the lowest listed level; for top-down the pointer's level or the next above it; for round-robin any level up to the pointer's."""
    sc = build(d)
    check_tier_gate(sc, run(sc))


@FEW
@given(scenario_dicts(), st.integers(min_value=1, max_value=60))
def test_answered_wait_never_exceeds_constant_patience(d: dict[str, Any], patience: int) -> None:
    """§3.2 callers.patience: an answered caller waited at most its patience; an abandoned one exactly its patience."""
    d = copy.deepcopy(d)
    for q in d["queues"]:
        q["callers"]["patience"] = patience
    sc = build(d)
    check_patience(sc, run(sc))


@FEW
@given(scenario_dicts(max_wait_time=st.sampled_from([5, 10, 30]), timeout_transfer_dst=st.sampled_from([None, "333"])))
def test_timeout_only_after_max_wait_time_and_transferred_to_exactly_for_timeouts_E2_E27(d: dict[str, Any]) -> None:
    """§4.4/E2/E27: timeout only when floor(now)-floor(join) >= max_wait_time (pbx) / wait >= it; later only while an originate runs; transferred_to only on timeouts."""
    sc = build(d)
    check_timeouts(sc, run(sc))


@FEW
@given(
    scenario_dicts(
        max_wait_time_with_no_agent=st.sampled_from([3, 10]),
        max_wait_time_with_no_agent_time_reached=st.sampled_from([0, 2, 5]),
    )
)
def test_no_agent_timeout_only_when_no_agent_is_listed_E19(d: dict[str, Any]) -> None:
    """§4.5/E6/E19: no_agent_timeout only with max_wait_time_with_no_agent > 0, no listed agent, and wait >= W_na + R (R > 0)."""
    sc = build(d)
    check_no_agent_timeouts(sc, run(sc))


@FEW
@given(scenario_dicts(trace=True, abandoned_resume_allowed=True))
def test_resume_keeps_the_original_join_time_E22(d: dict[str, Any]) -> None:
    """§4.7/E22: a resumed caller took over a left caller's place (same queue, number, within discard_abandoned_after) and keeps its join time."""
    sc = build(d)
    check_resume(sc, run(sc))


@FEW
@given(scenario_dicts(strategy=st.sampled_from(STRATEGIES)))
def test_non_ring_caller_offered_one_agent_at_a_time_ring_progressively_steps_by_delay(d: dict[str, Any]) -> None:
    """§5.4/§1.4.8: a non-ring caller has one offer at a time; ring-progressively starts a new agent only D s (floored) after the last."""
    sc = build(d)
    check_member_offers(sc, run(sc))


@settings(SETTINGS, max_examples=40)
@given(scenario_dicts())
def test_same_seed_gives_identical_records(d: dict[str, Any]) -> None:
    """§8: one seed and replication give the same records, every list, every time."""
    sc = build(d)
    a, b = run(sc), run(sc)
    for name in ("calls", "offers", "agent_states", "agent_pauses", "member_states", "agent_events"):
        assert getattr(a, name) == getattr(b, name), name


@settings(SETTINGS, max_examples=40)
@given(scenario_dicts(trace=False))
def test_different_replication_gives_different_poisson_arrivals(d: dict[str, Any]) -> None:
    """§8: each replication has its own streams, so Poisson join times differ (unless neither run has a caller)."""
    sc = build(d)
    a, b = run(sc, 0), run(sc, 1)
    joins_a = [c.joined_at for c in a.calls]
    joins_b = [c.joined_at for c in b.calls]
    assert joins_a != joins_b or not joins_a
    sc2 = sc.model_copy(update={"seed": sc.seed + 1})
    joins_c = [c.joined_at for c in run(sc2, 0).calls]
    assert joins_a != joins_c or not joins_a


def test_different_replications_of_a_busy_queue_differ() -> None:
    """§8: five replications of a Poisson queue give five different call lists."""
    data = {
        "horizon": 900, "timing": "pbx", "seed": 7,
        "queues": [{"id": 1, "agents": {"local": [{"agent_id": 1}, {"agent_id": 2}]},
                    "callers": {"arrivals": {"calls_per_hour": 120}, "talk_time": {"dist": "exponential", "mean": 60}}}],
        "agents": {"local": [{"id": 1}, {"id": 2}]},
    }
    sc = Scenario.model_validate(data)
    runs = [run(sc, k).calls for k in range(5)]
    assert all(runs)
    assert len({tuple(r) for r in runs}) == 5


@pytest.mark.slow
@settings(SETTINGS, max_examples=20)
@given(scenario_dicts())
def test_runner_writes_byte_identical_calls_and_offers_csv_twice(d: dict[str, Any]) -> None:
    """§2 seed: run_scenario twice on the same scenario writes byte-identical calls.csv and offers.csv."""
    sc = build(d)
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp, "one"), Path(tmp, "two")
        assert run_scenario(sc, one, quiet=True) == 0
        assert run_scenario(sc, two, quiet=True) == 0
        for name in ("calls.csv", "offers.csv"):
            assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_offer_never_ends_before_it_starts_during_an_E11_sleep() -> None:
    """§5.4/§5.5: DB changes during a pass (incl. E11 sleeps) are applied after it, so no offer ends before it starts."""
    data = {
        "horizon": 10, "timing": "pbx", "drain": False,
        "queues": [{"id": 1, "strategy": "ring-progressively", "agents": {"local": [{"agent_id": 1}]},
                    "callers": {"arrivals": {"calls_per_hour": 0}, "talk_time": 100, "patience": 1000}}],
        "agents": {"local": [{"id": 1, "call_timeout": 2}]},
        "behaviors": {"default": {"p_no_answer": 1.0}},
    }
    # A is rung at 0.1 (no answer at 2.1); at the 2.2 pass A sits in its 10 s window (0.5 s sleep),
    # so B's turn comes at 2.7 -- but B hangs up at 2.5, inside the sleep.
    sc = with_trace(Scenario.model_validate(data), 1, [{"time": 0.0}, {"time": 0.0, "patience": 2.5}])
    rec = run(sc)
    calls = {c.call_api_id: c for c in rec.calls}
    for o in rec.offers:
        assert o.ended_at >= o.offered_at, o
        assert o.offered_at >= calls[o.call_api_id].joined_at


REGRESSIONS = Path(__file__).parent / "regressions"


def test_E19_stale_no_agent_timer_regression():
    """A scenario ``make sweep`` shrank (kept in tests/regressions/): a caller's no-agent timer,
    armed at its join while nobody was logged in, fired after the agent logged in and out again
    (the re-arm at the logout had made the stale timer look current). Each timer now carries
    the epoch it was armed in."""
    d = json.loads((REGRESSIONS / "e19_stale_no_agent_timer.json").read_text())
    d["_trace"] = {int(k): v for k, v in d["_trace"].items()}
    sc = build(d)
    check_no_agent_timeouts(sc, run(sc))


def test_E19_logout_at_the_join_instant_regression():
    """A scenario ``make sweep`` shrank: the only agent's shift ends at 3.0, and a caller joins at
    3.0, after the logout. Nobody was listed when it joined, and last_agent_exist was still 0
    (no pass had run: nobody had called), so the 3 s no-agent timeout was due at once, as the
    module's check (now - last_agent_exist >= max_wait) reads it. The checker had read the
    agent's status just before 3.0 (listed); a change at the timeout's instant may come before
    it, so either reading may show the agent unlisted."""
    d = json.loads((REGRESSIONS / "e19_logout_at_join_instant.json").read_text())
    d["_trace"] = {int(k): v for k, v in d["_trace"].items()}
    sc = build(d)
    rec = run(sc)
    assert [(c.outcome, c.joined_at, c.left_at) for c in rec.calls] == [("no_agent_timeout", 3.0, 3.0)]
    check_no_agent_timeouts(sc, rec)


def test_E4_top_down_no_agent_no_wait_regression():
    """A scenario ``make sweep`` found: top-down, no-agent-no-wait. Caller 1-10 (joined 22.0,
    gate 3 s) is offered local/3 (level 0) at 22.0, local/2 (level 1) at 22.1, then at 24.1, in
    one pass, local/4 (level 2: busy at once) and local/3 (answered). Its pointer at 24.1 is
    local/2's tier, so the walk's first row is on level 2, the next level above the pointer's,
    which no-agent-no-wait opens early (§1.4.7, §2.3 point 5): the engine is right. The checker
    took the pointer from the latest offers at or before 24.1 -- local/3's, made after
    local/4's in the same pass -- and allowed levels 0-1 only; it now also considers the latest
    offer before the instant, as its round-robin rule does."""
    d = json.loads((REGRESSIONS / "e4_top_down_no_agent_no_wait.json").read_text())
    d["_trace"] = {int(k): v for k, v in d["_trace"].items()}
    sc = build(d)
    check_tier_gate(sc, run(sc))


def test_E4_round_robin_pointer_tie_regression():
    """A scenario a 5,000-example run found: queue 1 ring-progressively and queue 2 round-robin
    share four agents, pbx timing, no-agent-no-wait with a 3 s gate. Queue 2's tiers are listed
    local/1 (L0), local/4 (L1 P0), local/2 (L1 P1), local/3 (L0); local/4, local/2 and local/3
    were offered at 374.0, 374.8 and 374.9 (queue 2's own offers), all stamped second 374.
    Caller 2-15 (joined 374.78) was offered local/2 on level 1 at 376.9, before its gate
    opens (floor(now) - floor(J) >= 3: at 377.0).
    The engine took the first tier row of the tie, local/4, as the pointer: the sub-list after
    it, [local/2], made level 1 the walk's first row, which no-agent-no-wait opens. The module's
    whole round-robin query returns the first tied agent by NAME, local/2 (SQLite reads the
    tiers through an automatic (queue, agent) index; docs/semantics.md): nothing follows it in
    level 1, the first row is local/3 on level 0, and level 1 opens at 377.0. The engine was
    wrong (fixed in walk.py); the checker, which took the offer latest in real time (local/3)
    as the pointer, agreed here only by chance and now follows the same rule (rr_pointers)."""
    d = json.loads((REGRESSIONS / "e4_round_robin_pointer_tie.json").read_text())
    d["_trace"] = {int(k): v for k, v in d["_trace"].items()}
    sc = build(d)
    rec = run(sc)
    check_tier_gate(sc, rec)
    assert [(o.agent, o.offered_at) for o in rec.offers if o.call_api_id == "2-15"] == [
        ("local/2", 374.8), ("local/4", 377.0),
    ]
