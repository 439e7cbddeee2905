"""Agents' status and state: cc_agent_update(status) with the API's agent events, and every
change of an agent's status or state, which keeps each queue's idle rows (heap or ordered
list) and emits the agent-state records."""

from __future__ import annotations

from bisect import bisect_left, insort
from heapq import heappush

from .base import EngineBase
from .records import AgentEventRecord, new_agent_state_record
from .state import (
    LISTED,
    M_ANSWERED,
    M_LEFT,
    OFFERABLE,
    READY,
    STANDBY,
    WAITING,
    Agent,
    QueueState,
    Row,
)


class AgentMixin(EngineBase):
    def set_status(self, a: Agent, status: str, source: str) -> None:
        """cc_agent_update(status) (reference §3.6) plus the API's agent events (§6.1)."""
        now = self.env.t
        old = a.status
        if status == "available" and old != "available":
            a.talk_time = 0.0
            a.calls_answered = 0
            a.no_answer_count = 0
            if a.idle:
                self._rekey_idle(a)  # (On Demand to Available: idle before and after)
        a.status = status
        if status != "available":
            offer = a.offer
            if offer is not None and not offer.done and not offer.ring_strategy:
                m = offer.member
                if m.serving == a.ref and m.state != M_ANSWERED and m.state != M_LEFT:
                    self.cancel_offers(m.offers)  # E15: ORIGINATOR_CANCEL, no cost
        was_listed, is_listed = old in LISTED, status in LISTED
        if was_listed != is_listed:
            for row in a.rows.values():
                q = row.q
                if is_listed:
                    q.count_listed(row, 1)
                    if q.listed == 1:
                        q.na_epoch += 1
                else:
                    q.count_listed(row, -1)
                    if q.listed == 0:
                        self._queue_lost_agents(q)
        if old != status:
            self._agent_changed(a, now, status_changed=True)
            if status == "logged_out":
                self._agent_event(a, now, "agent-logout", status, source)
            elif old == "logged_out" and status in ("available", "available_on_demand"):
                self._agent_event(a, now, "agent-login", status, source)
        self.request_pass()

    def _queue_lost_agents(self, q: QueueState) -> None:
        waiting = [m for m in self.members if m.queue is q]
        if waiting:
            q.E = self.env.c
        q.na_epoch += 1
        if q.na_wait > 0:
            for m in waiting:
                self._arm_no_agent(q, m)

    def _agent_changed(self, a: Agent, t: float, status_changed: bool = False) -> None:
        """Every change of an agent's status or state comes through here."""
        idle = a.status in OFFERABLE if a.state == WAITING else False  # (a specialised ==)
        if idle != a.idle:
            a.idle = idle
            if not idle:
                self._leave_idle(a, None)
            else:
                for row in a.rows.values():
                    q = row.q
                    rows = q.idle_rows
                    rows[row] = None
                    if q.heap:
                        # The newest idle row stays out of the heap until a walk reads the heap
                        # or another row becomes idle: handed over at once (_lone_pass), it
                        # costs no push and no pop. (Its key cannot change while it is idle
                        # but for _rekey_idle, which finds no entry to replace then.)
                        if q.fresh is not None:
                            q.push_idle(q.fresh)
                        q.fresh = row
                    elif q.ordered:
                        entry = row.entry = q.key(row)
                        insort(q.idle_sorted, entry)
        if self.record_agents or (status_changed and self.record_statuses):
            record = new_agent_state_record((t, a.ref, a.status, a.state))
            if self.record_agents:
                self.recorder.agent_state(record)
            if status_changed and self.record_statuses:
                self.recorder.agent_status(record)

    def _rekey_idle(self, a: Agent) -> None:
        """An idle agent's sort keys changed (its counters were reset): its rows' entries in the
        idle heaps and ordered lists are taken again (a heap's old entry goes stale)."""
        for row in a.rows.values():
            q = row.q
            old = row.entry
            if old is None:
                continue
            entry = row.entry = q.key(row)
            if q.heap:
                heappush(q.idle_heap, entry)
            else:
                ordered = q.idle_sorted
                del ordered[bisect_left(ordered, old)]
                insort(ordered, entry)

    def _leave_idle(self, a: Agent, offered: Row | None) -> None:
        """The agent is no longer idle: its rows leave the idle rows of their queues. An offer
        also puts the agent's other Ready tiers on Standby (``offered``: the offer's tier)."""
        for row in a.rows.values():
            q = row.q
            del q.idle_rows[row]
            if q.fresh is row:
                q.fresh = None
            if q.ordered and row.entry is not None:
                ordered = q.idle_sorted
                del ordered[bisect_left(ordered, row.entry)]
            row.entry = None
            if offered is not None and row is not offered and row.state == READY:
                row.state = STANDBY

    def _agent_event(self, a: Agent, t: float, event_type: str, status: str, source: str) -> None:
        self.recorder.agent_event(AgentEventRecord(t, a.ref, event_type, status, source))
