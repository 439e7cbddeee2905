"""One member's turn in a dispatch pass: the walk over the idle rows in the strategy's order,
the tier gate, the claim and the offer (reference §1.2 contactability, §1.3-§1.4 orderings and
fan-out read from the strategy registry, §2.3 the tier gate, §3 offers).

``dispatch.py`` decides when passes run and which members they visit; this module what one
member's turn does. ``ordered.py`` walks the ordered lists of round-robin, top-down and random.
"""

from __future__ import annotations

import math
from enum import Enum
from heapq import heappop
from typing import Any

from .base import EngineBase
from .records import new_agent_state_record
from .state import (
    CONTACTABLE_TIER,
    INF,
    M_TRYING,
    M_WAITING,
    OFFERABLE,
    OFFERING,
    RECEIVING,
    WAITING,
    Agent,
    Member,
    Offer,
    QueueState,
    Row,
)
from .strategies import Strategy

EPS = 1e-9
SKIP, NEXT, STOP = object(), object(), object()  # outcomes of trying one row of the walk


def ready_now(row: Row, t: float) -> bool:
    """What contactability (§1.2) asks beyond the agent being idle (Waiting, and Available or
    On Demand): its tier Ready or No Answer, and the agent out of wrap-up and delays at ``t``."""
    a = row.agent
    # An if, not a returned expression: Python 3.11 specialises a comparison only before a jump.
    if row.state in CONTACTABLE_TIER and t + EPS >= a.wrap_until and t + EPS >= a.ready_time:  # noqa: SIM103
        return True
    return False


class PassCache:
    """What one pass keeps per queue: heap entries set aside until the pass ends, and
    ring-all's sorted idle rows."""

    __slots__ = ("parked", "sorted_rows")

    def __init__(self) -> None:
        self.parked: dict[int, list[tuple[Any, ...]]] = {}
        self.sorted_rows: dict[int, list[Row]] = {}


class _Gate(Enum):
    GATED = "gated"  # _first_idle: the next idle row is above the open levels


GATED = _Gate.GATED


class WalkMixin(EngineBase):
    """A member's turn: :meth:`_process_member` and what it calls."""

    def _process_member(self, m: Member, t: float, cache: PassCache) -> bool:
        """One member's turn in a pass; True when it was skipped inside its ring-progressively
        window (the module then sleeps in the dispatcher)."""
        q = m.queue
        strategy = q.strategy
        now_c = self.env.c
        if strategy.rings and m.state == M_WAITING:
            m.state = M_TRYING  # E12: on the first pass, whether or not an agent is free
            if self.record_members:
                self._member_changed(m, t)
            if self.record_marks:
                self._member_mark(m, t)  # (no offer may start with it: calls and offers do not tell)
        if strategy.fanout == "progressive" and m.last_originated is not None:
            due = m.last_originated + q.rp_delay
            if now_c < due - EPS:
                self.request_pass(self.clock.pass_at(due, t))
                return True
        if strategy.static_key:
            # Level-sorted strategies: only rows whose agent is Waiting and offerable can be
            # offered; the gate reduces to the highest open level (see _open_level).
            listed = q.listed > 0
            if listed and q.idle_rows:
                self._walk_idle(m, q, t, now_c, cache)
        else:
            listed = self._walk_ordered(m, q, t, now_c)
        q.C = now_c
        if listed:
            q.E = now_c
        return False

    def _offer_best(self, m: Member, q: QueueState, t: float, cache: PassCache) -> bool:
        """A plain queue's member (level-sorted, one offer at a time): ``_process_member`` and
        ``_walk_idle`` for the only case most queues have, in one call. The member is Waiting
        (a plain queue has no other processable state).

        True when no later member of the queue could be offered anything in this pass:
        - no idle agent can be offered at this instant (all in wrap-up or a delay): nobody
          becomes idle during a pass, and a walk goes over the same idle rows for everyone;
        - the tier gate stopped the member before any idle agent, and the queue is monotone:
          later members joined no earlier, so their open levels are no more than this one's,
          and this member's gate pass comes first (when it opens, or the member leaves, that
          pass visits them again). With unequal base scores a later member may have waited
          longer, so it is walked.
        A member it skips would only have stamped the queue's C and E with the same instant."""
        now_c = self.env.c
        done = False
        if q.listed > 0:
            if q.tier_rules:
                top, closed = self._open_level(q, m, now_c)
            else:
                top, closed = INF, None
            row = self._first_idle(q, top, t, cache)
            if row is GATED:
                self._gate_pass(q, m, closed, t)
                done = q.monotone
            elif row is not None:
                m.state = M_TRYING
                m.serving = row.agent.ref
                if self.record_members:
                    self._member_changed(m, t)
                self._start_offer(m, row, t, now_c)
            else:
                done = True
            q.E = now_c
        q.C = now_c
        return done

    def _first_idle(self, q: QueueState, top: float, t: float, cache: PassCache) -> Row | _Gate | None:
        """The first row of the queue's idle heap that can be offered now (left in the heap),
        GATED if the next one is above the open levels, None if there is none. Rows that cannot
        be offered at this instant (wrap-up, a delay) are set aside for the rest of the pass;
        entries whose agent left idle are dropped."""
        heap = q.idle_heap
        fresh = q.fresh
        if fresh is not None:
            q.fresh = None
            q.push_idle(fresh)
        parked = None
        while heap:
            entry = heap[0]
            row: Row = entry[-1]
            if row.entry is not entry:
                heappop(heap)
                continue
            if row.level > top:
                return GATED
            if ready_now(row, t):
                return row
            a = row.agent
            if t + EPS < a.wrap_until:
                self._wrap_pass(a, t)
            heappop(heap)
            if parked is None:
                parked = cache.parked.setdefault(q.id, [])
            parked.append(entry)
        return None

    def _wrap_pass(self, a: Agent, t: float) -> None:
        """A walk passed over an idle agent in wrap-up: a pass when the wrap-up ends (the call
        end asks for one only if somebody waits then). Once per wrap-up."""
        if a.wrap_asked != a.wrap_until:
            a.wrap_asked = a.wrap_until
            self.request_pass(self.clock.pass_at(a.wrap_until, t))

    def _gate_pass(self, q: QueueState, m: Member, closed: int | None, t: float) -> None:
        """A pass when the member's first closed level opens (§2.3)."""
        assert closed is not None
        need = closed * q.wait_second if q.multiply else q.wait_second
        self.request_pass(self.clock.pass_at(m.J + need, t))

    def _open_level(self, q: QueueState, m: Member, now_c: float) -> tuple[float, int | None]:
        """The walk of §2.3 over the listed levels: (highest open level, first closed level).
        Only for a queue with tier rules (without them every level is open)."""
        cur = 0
        seen = 0
        waited = now_c - m.J
        for level in q.level_order():
            if level > cur:
                if q.no_agent_no_wait and seen == 0:
                    cur = level
                else:
                    need = level * q.wait_second if q.multiply else q.wait_second
                    if waited + EPS >= need:
                        cur = level
                    else:
                        return cur, level
            seen += q.level_counts[level]
        return math.inf, None

    def _walk_idle(self, m: Member, q: QueueState, t: float, now_c: float, cache: PassCache) -> None:
        """The walk of a level-sorted strategy over the rows it could offer: idle rows in key
        order up to the highest open level."""
        strategy = q.strategy
        top, closed = self._open_level(q, m, now_c) if q.tier_rules else (math.inf, None)
        if q.heap:  # ring-progressively: one offer per member and pass
            row = self._first_idle(q, top, t, cache)
            if row is GATED:
                self._gate_pass(q, m, closed, t)
            elif row is not None:
                self._try_row(m, strategy, row, t, now_c)
            return
        # Ring-all: every contactable row of the open levels rings. (_try_row, inlined: an idle
        # agent is Waiting and Available or On Demand; rows offered earlier in this pass are no
        # longer idle.)
        rows = cache.sorted_rows.get(q.id)
        if rows is None:
            rows = cache.sorted_rows[q.id] = sorted(q.idle_rows, key=strategy.key)
        for row in rows:
            if row.level > top:
                self._gate_pass(q, m, closed, t)
                return
            a = row.agent
            if a.idle and ready_now(row, t):
                if m.serving != strategy.name:
                    return
                self._start_offer(m, row, t, now_c)
            elif a.idle and t + EPS < a.wrap_until:
                self._wrap_pass(a, t)

    def _try_row(self, m: Member, strategy: Strategy, row: Row, t: float, now_c: float) -> object:
        """Contactability (§1.2), then claim (§5.3) and offer. Returns SKIP (not contactable:
        the walk goes on), NEXT (offered, ring-all goes on) or STOP (the walk ends)."""
        a = row.agent
        if not (a.state == WAITING and a.status in OFFERABLE and ready_now(row, t)):
            if t + EPS < a.wrap_until:
                self._wrap_pass(a, t)
            return SKIP
        if strategy.rings:
            if m.serving != strategy.name:
                return STOP
        else:
            if m.state == M_WAITING:
                m.state = M_TRYING
                m.serving = a.ref
                if self.record_members:
                    self._member_changed(m, t)
            if m.serving != a.ref:
                return STOP
        self._start_offer(m, row, t, now_c)
        return NEXT if strategy.fanout == "all" else STOP

    def _start_offer(self, m: Member, row: Row, t: float, now_c: float) -> None:
        q = m.queue
        a = row.agent
        if q.offer_hooks:
            self._offer_hooks(m, q, row, t, now_c)
        if a.rr_rows and now_c > 0:
            # Round-robin's pointer in each of the agent's queues: the module's query takes the
            # newest last_offered_call (ORDER BY ... DESC LIMIT 1); among agents offered in the
            # same second (pbx) or instant, the first by agent name, not the agent offered last:
            # inside the module's whole query SQLite reads the queue's tiers through an automatic
            # index on (queue, agent), so tied agents come in name order (docs/semantics.md).
            for r in a.rr_rows:
                p = r.q.rr_row
                if p is None or p.agent.last_offered_call < now_c or a.name_key < p.agent.name_key:
                    r.q.rr_row = r
        # How the offer ends is drawn now. u only when an offer can fail (the agent's stream).
        timeout = a.call_timeout
        answer_at = None
        u = a.draw_u() if a.p_fail > 0.0 else 1.0
        if u >= a.p_fail:
            duration = a.draw_answer()
            if duration < timeout:
                outcome = "answered"
                answer_at = t + duration
            else:
                outcome, duration = "no_answer", timeout
        elif u < a.p_busy:
            outcome, duration = "busy", 0.0
        elif u < a.p_busy_reject:
            duration = a.draw_reject()
            outcome = "rejected" if duration < timeout else "no_answer"
            duration = min(duration, timeout)
        else:
            outcome, duration = "no_answer", timeout
        rings = q.rings
        env = self.env
        offer = Offer(m, a, row, t, outcome, t + duration, answer_at, rings)
        a.state = RECEIVING
        a.last_offered_call = now_c
        row.state = OFFERING
        a.offer = offer
        m.offers.append(offer)
        m.n_offers += 1
        # The agent was idle (contactable): it leaves the idle rows of its queues.
        a.idle = False
        self._leave_idle(a, row)
        if self.record_agents:
            # (_agent_changed's record: an offered agent was idle and is not, left above)
            self.recorder.agent_state(new_agent_state_record((t, a.ref, a.status, RECEIVING)))
        if rings:
            # A race is decided by its first answer, which ends every other offer of the
            # member (or they all end together when the caller leaves): an offer that ends
            # no earlier than an answer already ringing needs no event of its own.
            if offer.ends_at < m.race_decided:
                self.schedule(offer.ends_at - t, self._offer_end, offer)
                if outcome == "answered":
                    m.race_decided = offer.ends_at
        elif outcome != "answered":
            self.schedule(offer.ends_at - t, self._offer_end, offer)
        elif duration > 0.0 or m.talk_base <= 0.0 or not (self.at_once and env.running and not env.due and env.heap[0][0] > t):
            self.schedule(offer.ends_at - t, self._bridge, offer)
        else:
            # Answered at once, nothing else due now: the bridge would run right after this
            # pass, and nothing in the rest of the pass looks at this member or agent beyond
            # their not being free. (A zero talk time would queue the call end ahead of the
            # next bridge, hence the exception.)
            self._bridge(offer)

    def _offer_hooks(self, m: Member, q: QueueState, row: Row, t: float, now_c: float) -> None:
        """What ring-progressively and top-down remember of an offer."""
        if q.strategy.fanout == "progressive":
            m.last_originated = now_c
            # The module re-examines the member on every 100 ms pass; the next agent is due
            # once the delay has expired (§1.4.8), so make sure a pass runs then.
            self.request_pass(self.clock.pass_at(now_c + q.rp_delay, t))
            if self.pbx:
                # The module keeps passing every 100 ms and sleeps 0.5 s on this member until
                # its window ends (E11): the chain of slow passes starts on the next tick.
                self.request_pass(self.clock.next_pass(t))
        if q.strategy.pointer == "top-down":
            m.td_level, m.td_position = row.level, row.position
