"""What happens when an offer ends: bridge, ring race, failure classes, call end, cancels.

Reference §3.4-§3.7 (agent lifecycle, outcome classes, max-no-answer, wrap-up and delays),
§1.4.5 (the ring race), §4.4 / E27 (max-wait while an originate runs).
"""

from __future__ import annotations

from .base import EngineBase
from .guards import CHECK_EVERY, CHECK_MASK, NoProgressError, no_progress_message
from .records import AgentPauseRecord, new_agent_state_record, new_offer_record
from .state import (
    ACTIVE,
    IDLE,
    IN_CALL,
    M_ANSWERED,
    M_TRYING,
    M_WAITING,
    NO_ANSWER,
    OFFERING,
    READY,
    STANDBY,
    WAITING,
    Agent,
    Offer,
    Row,
)

_DELAY = {"busy": "busy_delay", "rejected": "reject_delay", "no_answer": "no_answer_delay"}
_HELD = frozenset({ACTIVE, STANDBY, OFFERING})  # tier states an offer or a call holds


class OutcomeMixin(EngineBase):
    def _offer_end(self, offer: Offer) -> None:
        if offer.done:
            return
        m = offer.member
        if offer.outcome == "answered":
            if offer.ring_strategy:
                if m.serving != m.queue.strategy.name:
                    self._end_offer(offer, "lost_race", bridged=True)
                    return
                m.serving = offer.agent.ref
                now = self.env.t
                others = [other for other in m.offers if other is not offer]
                for other in others:
                    answered = other.answer_at is not None and other.answer_at <= now
                    self._end_offer(other, "lost_race", bridged=answered, then_pass=False)
                if others:
                    self.request_pass()  # the losers are free again (one request for them all)
            self._bridge(offer)
        else:
            self._end_offer(offer, offer.outcome, bridged=False)
            if m.timeout_pending and m.state in (M_WAITING, M_TRYING):
                self._leave(m, "timeout")  # E27: the watchdog waited for this originate

    def _bridge(self, offer: Offer) -> None:
        """The caller is bridged to the agent. Also the event of a one-offer strategy's
        answered offer (nothing to race with), hence the check for a cancelled offer."""
        if offer.done:
            return
        now = self.env.t
        offer.done = True
        a, m, row = offer.agent, offer.member, offer.row
        m.offers.remove(offer)
        q = m.queue
        self.recorder.offer(
            new_offer_record((m.call_id, q.id, a.ref, row.level, row.position, offer.started, now, "answered"))
        )
        a.state = IN_CALL
        row.state = ACTIVE
        a.calls_answered += 1
        a.no_answer_count = 0
        a.last_bridge_start = self.env.c
        if self.record_agents:
            # (_agent_changed's record: Receiving to In a queue call, not idle either way)
            self.recorder.agent_state(new_agent_state_record((now, a.ref, a.status, IN_CALL)))
        m.state = M_ANSWERED
        m.serving = a.ref
        m.answered_at = now
        m.agent = a
        m.agent_level = row.level
        if m.timeout_pending:
            m.timeout_pending = False
        self._unlist_member(m)
        if self.record_members:
            self._member_changed(m, now)
        self.schedule(m.talk_base * a.talk_factor, self._call_end, offer)

    def _call_end(self, offer: Offer) -> None:
        now = self.env.t
        a, m = offer.agent, offer.member
        end = self.env.c
        a.last_bridge_end = end
        a.talk_time += end - a.last_bridge_start
        a.offer = None
        row = offer.row
        if row.state in _HELD:
            row.state = READY
        if len(a.rows) > 1:
            self._release_standby(a, row)
        a.state = IDLE if offer.on_demand else WAITING
        wrap = a.wrap_up
        a.wrap_until = wrap_until = self.clock.wrap_until(now, wrap)
        if wrap > 0 and self.record_pauses:
            self.recorder.agent_pause(AgentPauseRecord(a.ref, "wrap_up", now, wrap_until))
        self._agent_changed(a, now)
        self._finish_call(m, "answered", now)
        if not self.members:
            # Nobody waits: a caller who joins while this agent is idle asks for a pass, and a
            # walk that finds the agent still in wrap-up asks for one at its end (_wrap_pass).
            return
        if wrap_until > now:
            a.wrap_asked = wrap_until
            self.request_pass(self.clock.pass_at(wrap_until, now))
        else:
            self.pass_last()

    def _end_offer(self, offer: Offer, result: str, bridged: bool, then_pass: bool = True) -> None:
        """Every ending of an offer other than a bridge (failure, lost race, cancel).
        ``then_pass``: ask for the pass that may offer the agent again (the caller may ask
        once for several offers it ends)."""
        now = self.env.t
        offer.done = True
        a, m, row = offer.agent, offer.member, offer.row
        if offer in m.offers:
            m.offers.remove(offer)
        a.offer = None
        self.recorder.offer(
            new_offer_record((m.call_id, m.queue.id, a.ref, row.level, row.position, offer.started, now, result))
        )
        delay = 0.0
        tier_result = READY
        pause = _DELAY.get(result)
        if pause is not None:
            # Only failures are counted: an answered call never comes here.
            self.failures = failures = self.failures + 1
            if not failures & CHECK_MASK:
                self._check_progress()
            delay = getattr(a, pause)
            if result == "no_answer":
                tier_result = NO_ANSWER
                a.no_answer_count += 1
                a.no_answers += 1
                if a.max_no_answer > 0 and offer.na_count + 1 >= a.max_no_answer:
                    self.set_status(a, m.queue.no_answer_status, "api")
            elif result == "busy":
                a.busies += 1
            else:
                a.rejects += 1
            if delay > 0:
                a.ready_time = self.env.c + delay
                if self.record_pauses:
                    self.recorder.agent_pause(AgentPauseRecord(a.ref, pause, now, a.ready_time))
        if not offer.ring_strategy and m.serving == a.ref and m.state == M_TRYING:
            m.serving = ""
            m.state = M_WAITING
            if self.record_members:
                self._member_changed(m, now)
        if row.state in _HELD:
            row.state = tier_result
        if len(a.rows) > 1:
            self._release_standby(a, row)
        a.state = IDLE if (offer.on_demand and bridged) else WAITING
        self._agent_changed(a, now)
        if then_pass:
            # The caller is free for another agent at once (the next pass), this agent after
            # its delay.
            if delay > 0:
                self.request_pass(self.clock.pass_at(a.ready_time, now))
            elif now <= offer.started and pause is not None:
                # An instant failure must not spin: the agent can be offered again from the
                # next pass on (0.1 s later in continuous timing), not by a pass in between.
                a.ready_time = self.clock.retry_gap(now)
                self.request_pass(a.ready_time)
            self.request_pass()

    def _check_progress(self) -> None:
        """Every CHECK_EVERY failed offers: flush the recorder (its offer records would pile
        up between callers) and stop a run whose offers fail faster than the budget."""
        now = self.env.t
        if self.recorder_flush is not None:
            self.recorder_flush()
        elapsed = now - self.failure_mark
        self.failure_mark = now
        if elapsed * self.failure_budget < CHECK_EVERY:
            message = no_progress_message(CHECK_EVERY, elapsed, now, self.members, list(self.agents.values()))
            if self.scenario.replications > 1:
                message = f"replication {self.replication}: {message}"
            raise NoProgressError(message)

    def _release_standby(self, a: Agent, offered: Row) -> None:
        """An agent on several queues: its other tiers leave Standby when the offer ends (the
        offered tier's own state is set by the caller)."""
        for row in a.rows.values():
            if row is not offered and row.state == STANDBY:
                row.state = READY

    def cancel_offers(self, m_offers: list[Offer], result: str = "cancelled") -> None:
        members = []
        for offer in list(m_offers):
            self._end_offer(offer, result, bridged=False)
            if offer.member not in members:
                members.append(offer.member)
        for m in members:
            if m.timeout_pending and m.state in (M_WAITING, M_TRYING):
                self._leave(m, "timeout")  # E27: a cancelled originate also ends the watchdog's wait
