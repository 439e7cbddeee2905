"""One replication of a scenario: builds the runtime state, runs the simpy kernel, flushes.

The engine receives a validated ``Scenario`` and a recorder; it emits records and returns
run statistics. It never reads files and never imports pandas, matplotlib or yaml.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import ProfileArrivals, Scenario, Shift, StatusChange
from .agents import AgentMixin
from .arrivals import scaled_talk
from .callers import CallerMixin
from .clock import PbxClock, clock_for
from .dispatch import DispatchMixin
from .guards import failure_budget
from .kernel import Kernel
from .ordered import OrderedMixin
from .outcomes import OutcomeMixin
from .records import (
    NullRecorder,
    OfferRecord,
    Recorder,
    new_member_state_record,
    wants,
)
from .state import (
    LISTED,
    M_ANSWERED,
    Agent,
    Member,
    QueueState,
    Row,
)
from .strategies import STRATEGIES
from .streams import Streams
from .walk import PassCache


@dataclass(frozen=True)
class RunStats:
    replication: int
    seed: int
    end_time: float
    passes: int
    callers: int


class Simulation(DispatchMixin, OrderedMixin, OutcomeMixin, CallerMixin, AgentMixin):
    """A single replication. ``Simulation(scenario, recorder=..., replication=k).run()``."""

    def __init__(
        self,
        scenario: Scenario,
        recorder: Recorder | None = None,
        replication: int = 0,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.recorder: Recorder = recorder if recorder is not None else NullRecorder()
        self.record_members = wants(self.recorder, "member_state")
        # (a recorder written before member_mark existed may not have it)
        self.record_marks = hasattr(self.recorder, "member_mark") and wants(self.recorder, "member_mark")
        self.record_agents = wants(self.recorder, "agent_state")
        self.record_statuses = wants(self.recorder, "agent_status")
        self.record_pauses = wants(self.recorder, "agent_pause")
        self.recorder_flush = getattr(self.recorder, "flush", None)
        self.replication = replication
        self.clock = clock_for(scenario.timing)
        self.pbx = self.clock is PbxClock
        self.env = Kernel(self.clock.whole_seconds)
        self.schedule = self.env.call  # type: ignore[method-assign]
        self.streams = Streams(scenario.seed, replication)
        self.horizon = scenario.horizon
        self.members: list[Member] = []  # waiting/trying members in score order
        self.pass_keys: set[Any] = set()
        self.blocked_until = -1.0  # pbx: the end of the last pass that slept (E11)
        self.passes = 0
        self.pass_cache = PassCache()
        # Run a pass or a bridge at once when it would be the next thing to run anyway (the
        # tests compare with this off).
        self.at_once = True
        self.call_seq = 0
        self.number_seq = 0
        self.in_system = 0
        self.pending_retries = 0
        self.pending_sources = 0
        self.stopped = False
        self.stopping = False
        self.progress = progress  # called with the simulated time, 100 times over the horizon
        self.agents: dict[str, Agent] = {}
        self.queues: dict[int, QueueState] = {}
        self.lone_queue: QueueState | None = None
        self._build()
        # The no-progress guard (guards.py): failed offers, and the time of the last check.
        self.failures = 0
        self.failure_mark = 0.0
        self.failure_budget = failure_budget(len(self.agents))

    # -- set-up -------------------------------------------------------------------------------
    def _build(self) -> None:
        sc = self.scenario
        param = self.clock.param
        initial = _initial_statuses(sc)
        for index, spec in enumerate(sc.all_agents()):
            a = Agent(spec.ref, spec.kind, spec.id, index)
            a.spec = spec
            a.status = initial.get(spec.ref, spec.status)
            a.call_timeout = spec.call_timeout
            a.busy_delay = param(spec.busy_delay_time)
            a.no_answer_delay = param(spec.no_answer_delay_time)
            a.reject_delay = param(spec.reject_delay_time)
            a.wrap_up = param(spec.wrap_up_time)
            a.max_no_answer = spec.max_no_answer
            a.behavior = b = sc.behaviors[spec.behavior]
            a.talk_factor = b.talk_time_factor
            a.p_busy = b.p_busy
            a.p_busy_reject = b.p_busy + b.p_reject
            a.p_fail = b.p_busy + b.p_reject + b.p_no_answer
            a.draw_u = self.streams.uniform(f"outcome/{a.ref}")
            a.draw_answer = self.streams.sampler(a.behavior.answer_time, f"answer/{a.ref}")  # type: ignore[arg-type]
            a.draw_reject = self.streams.sampler(a.behavior.reject_after, f"reject/{a.ref}")  # type: ignore[arg-type]
            self.agents[a.ref] = a
        for qspec in sc.queues:
            q = QueueState(qspec, STRATEGIES[qspec.strategy])
            q.tier_rules = qspec.tier_rules_apply
            q.wait_second = param(qspec.tier_rule_wait_second)
            q.multiply = qspec.tier_rule_wait_multiply_level
            q.no_agent_no_wait = qspec.tier_rule_no_agent_no_wait
            q.rp_delay = param(qspec.ring_progressively_delay) or 10.0  # 0 means 10 (§1.4.8)
            q.max_wait = param(qspec.max_wait_time)
            q.na_wait = param(qspec.max_wait_time_with_no_agent)
            q.na_reached = param(qspec.max_wait_time_with_no_agent_time_reached)
            q.discard_after = param(qspec.discard_abandoned_after)
            q.resume = qspec.abandoned_resume_allowed
            q.system_score = qspec.time_base_score == "system"
            q.no_answer_status = qspec.agent_no_answer_status
            q.transfer_dst = qspec.timeout_transfer_dst or ""
            callers = qspec.callers
            q.base_score = callers.base_score
            q.draw_talk = self.streams.sampler(callers.talk_time, f"talk/{q.id}")  # type: ignore[arg-type]
            if isinstance(callers.arrivals, ProfileArrivals):
                q.draw_talk = scaled_talk(q.draw_talk, callers.arrivals, callers.talk_time.mean, self.env)  # type: ignore[union-attr]
            q.draw_patience = (
                self.streams.sampler(callers.patience, f"patience/{q.id}")  # type: ignore[arg-type]
                if callers.patience is not None
                else None
            )
            q.draw_pre_queue = (
                self.streams.sampler(callers.pre_queue_time, f"pre_queue/{q.id}")  # type: ignore[arg-type]
                if callers.pre_queue_time is not None
                else None
            )
            q.retry_p = callers.retry.probability if callers.retry is not None else 0.0
            q.monotone = not (q.system_score and q.draw_pre_queue is not None)
            q.draw_retry_u = self.streams.uniform(f"retry/{q.id}")
            q.draw_retry_delay = (
                self.streams.sampler(callers.retry.delay, f"retry_delay/{q.id}")  # type: ignore[arg-type]
                if callers.retry is not None
                else None
            )
            q.draw_random = self.streams.uniform(f"random/{q.id}")
            for kind, tiers in (("local", qspec.agents.local), ("remote", qspec.agents.remote)):
                for tier in tiers:
                    agent = self.agents[f"{kind}/{tier.agent_id}"]
                    row = Row(agent, q, tier.level, tier.position)
                    agent.rows[q.id] = row
                    if q.strategy.pointer == "round-robin":
                        agent.rr_rows.append(row)
                    q.rows.append(row)
                    if agent.status in LISTED:
                        q.count_listed(row, 1)
            self.queues[q.id] = q
        # One plain queue: a pass can stop at the first member that finds no idle agent.
        queues = list(self.queues.values())
        self.lone_queue = queues[0] if len(queues) == 1 and queues[0].plain else None

    # -- run ----------------------------------------------------------------------------------
    def run(self, until: float | None = None) -> RunStats:
        """Run to the end (horizon, then drain) or, with ``until``, stop at that time
        (``acdsim status`` looks at the queue as it was at one moment). Python's cyclic
        garbage collector is paused while the kernel runs and restored after (see below)."""
        now = 0.0
        for a in self.agents.values():
            self._agent_changed(a, now, status_changed=True)
        for change in _schedule_changes(self.scenario):
            at, ref, status, source = change
            self.schedule(at, self.set_status, self.agents[ref], status, source)
        for q in self.queues.values():
            self._start_arrivals(q)
        sc = self.scenario
        end = self.horizon + (sc.drain_limit if sc.drain else 0.0)
        if until is not None:
            end = min(end, until)
        self.schedule(self.horizon, self._check_done)
        self.schedule(end, self._stop)
        if self.progress is not None:
            self.schedule(self.horizon / 100, self._report_progress, 1)
        # The engine makes no reference cycles per caller (test_engine_makes_no_cycles): the
        # cyclic collector would only rescan live objects, so it rests during the run.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.env.run_until(math.inf)
        finally:
            if collecting:
                gc.enable()
        self.stopped = True
        self._flush()
        return RunStats(self.replication, sc.seed, self.env.t, self.passes, self.call_seq)

    def _report_progress(self, k: int) -> None:
        """The ``k``-th of 100 reports, at ``k`` hundredths of the horizon. Counted, not
        compared with the horizon: a horizon so small that a hundredth of it is 0 (5e-324)
        or so large that ``t + horizon / 100`` rounds to ``t`` would never get there."""
        assert self.progress is not None
        self.progress(self.env.t)
        if k < 100:
            self.schedule(self.horizon / 100 * (k + 1) - self.env.t, self._report_progress, k + 1)

    def _stop(self) -> None:
        if not self.stopping:
            self.stopping = True
            # Like a simpy event succeeding now: what is already due at this instant runs first.
            self.schedule(0.0, self.env.halt)

    def _check_done(self) -> None:
        if self.stopping or self.env.t < self.horizon:
            return
        if not self.scenario.drain or (
            self.in_system == 0 and self.pending_retries == 0 and self.pending_sources == 0
        ):
            self._stop()

    def _flush(self) -> None:
        """Report what is still going on when the run ends (cut or drain limit)."""
        now = self.env.t
        talking: list[Member] = []
        for a in self.agents.values():
            offer = a.offer
            if offer is not None and offer.member.state == M_ANSWERED:
                talking.append(offer.member)
        if self.record_marks:
            for m in self.members:
                self._member_mark(m, now)
        for m in list(self.members):
            for offer in list(m.offers):
                offer.done = True
                self.recorder.offer(
                    OfferRecord(m.call_id, m.queue.id, offer.agent.ref, offer.row.level,
                                offer.row.position, offer.started, now, "cancelled")
                )
            self._finish_call(m, "in_queue", None)
        for m in sorted(talking, key=lambda x: x.seq):
            self._finish_call(m, "answered", None)

    # -- member records -------------------------------------------------------------------------
    def _member_changed(self, m: Member, t: float) -> None:
        if not self.record_members:
            return
        serving = m.serving
        self.recorder.member_state(
            new_member_state_record((t, m.call_id, m.queue.id, m.number, m.state, serving, m.first_joined))
        )

    def _member_mark(self, m: Member, t: float) -> None:
        """A member state the call and offer records do not tell (Recorder.member_mark)."""
        self.recorder.member_mark(
            new_member_state_record((t, m.call_id, m.queue.id, m.number, m.state, m.serving, m.first_joined))
        )


def _initial_statuses(sc: Scenario) -> dict[str, str]:
    """Agents named in a shift start logged out unless a shift covers t = 0."""
    out: dict[str, str] = {}
    for entry in sc.schedule:
        if isinstance(entry, Shift):
            for ref in entry.agents:
                covered = entry.from_ <= 0 < entry.to
                if covered:
                    out[ref] = "available"
                else:
                    out.setdefault(ref, "logged_out")
    return out


def _schedule_changes(sc: Scenario) -> list[tuple[float, str, str, str]]:
    """All status changes in time order; shifts merged per agent, ties in file order."""
    changes: list[tuple[float, int, str, str, str]] = []
    shifts: dict[str, list[tuple[float, float, str]]] = {}
    for order, entry in enumerate(sc.schedule):
        if isinstance(entry, StatusChange):
            changes.append((entry.at, order, entry.agent, entry.status, entry.source))
        else:
            for ref in entry.agents:
                shifts.setdefault(ref, []).append((entry.from_, entry.to, entry.source))
    for ref, spans in shifts.items():
        merged: list[list[Any]] = []
        for start, stop, source in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], stop)
            else:
                merged.append([start, stop, source])
        for start, stop, source in merged:
            if start > 0:
                changes.append((start, -1, ref, "available", source))
            if math.isfinite(stop):
                changes.append((stop, -1, ref, "logged_out", source))
    changes.sort(key=lambda c: (c[0], c[1]))
    return [(at, ref, status, source) for at, _, ref, status, source in changes]
