"""The dispatcher: passes over all members in score order, the tier gate, claim and offer.

Reference §5 (pass structure, greedy matching), §2.3 (the tier gate), §1.2 (contactability),
§1.3-§1.4 (orderings and fan-out, read from the strategy registry).

Only idle rows (agent Waiting, status Available or On Demand) can be offered, so a walk goes
over those alone: the level-sorted one-offer strategies pop them from a per-queue heap,
ring-all sorts them, and round-robin, top-down and random walk an ordered list by levels
(``ordered.py``). The module's walk over every listed row gives the same offers.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator
from enum import Enum
from heapq import heappop, heappush
from operator import attrgetter
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
_SORT_KEY = attrgetter("sort_key")
RP_SLEEP = 0.5
SKIP, NEXT, STOP = object(), object(), object()  # outcomes of trying one row of the walk  # the module sleeps inside the dispatcher for each skipped ring-progressively member


class DispatchMixin(EngineBase):
    # A pass stops visiting the members of a plain, round-robin or random queue once one of
    # them got no offer and no later one could, and ends once every queue is so: a long queue
    # costs a pass what it visits (the literal oracle turns this off).
    skip_done = True

    def request_pass(self, at: float | None = None) -> None:
        """Make sure a pass runs at ``at`` (default: when the dispatcher next sees a change)."""
        now = self.env.t
        key: float
        if self.pbx:
            # Passes lie on the 0.1 s grid, keyed by tick number: no float drift in stamps.
            # A change is seen by the next tick (PbxClock.next_pass).
            key = math.floor(now * 10 + 1e-6) + 1 if at is None else round(at * 10)
            t = key / 10
            if t < self.blocked_until + 0.1 - 1e-9:
                # E11: the dispatcher is asleep inside a pass; its next pass is 0.1 s after it.
                key = round((self.blocked_until + 0.1) * 10)
                t = key / 10
        else:
            key = t = now if at is None else at
        if key in self.pass_keys:
            return
        self.pass_keys.add(key)
        self.env.call_ranked(t - now, self.clock.pass_priority, self._run_pass, key)

    def pass_last(self) -> None:
        """``request_pass()`` as the last step of a callback. In continuous timing, when nothing
        else is due at this instant (``Kernel.next_is_later``), the requested pass would be the
        next thing to run: it runs at once instead of going through the kernel."""
        env = self.env
        if self.pbx or not (self.at_once and env.running and not env.due and env.heap[0][0] > env.t):
            self.request_pass()
        elif self.members:
            self.passes += 1
            q = self.lone_queue
            if q is None or not self._lone_pass(q):
                self._pass_from(None, False)

    def _lone_pass(self, q: QueueState) -> bool:
        """The pass, in the scenario's one queue (plain), in its two usual cases; False (nothing
        done) in any other. It is ``_pass_from`` without the loop over the members:

        - the hand-over: no tier rules and one idle agent, who can be offered now and whose
          offer cannot end at once (no busy, reject or no-answer draw). The first Waiting member
          in score order is offered that agent, and the rest of the pass finds nobody idle (a
          call end that frees an agent while callers wait);
        - one member (a caller who joined an empty queue): its turn is the whole pass."""
        rows = q.idle_rows
        members = self.members
        if len(rows) == 1 and not q.tier_rules:
            row = next(iter(rows))
            a = row.agent
            t = self.env.t
            if a.p_fail > 0.0 or not ready_now(row, t):
                return False
            for m in members:
                if m.state == M_WAITING:
                    now_c = self.env.c
                    m.state = M_TRYING
                    m.serving = a.ref
                    if self.record_members:
                        self._member_changed(m, t)
                    self._start_offer(m, row, t, now_c)
                    q.E = q.C = now_c
                    break
            return True
        if len(members) != 1:
            return False
        m = members[0]
        if rows and m.state == M_WAITING:
            cache = self.pass_cache
            self._offer_best(m, q, self.env.t, cache)
            if cache.parked:  # (a plain queue's walk sorts no rows)
                self._end_pass(cache)
        return True

    def _run_pass(self, key: Any) -> None:
        self.pass_keys.discard(key)
        if not self.members:
            return  # a pass over no member changes nothing
        if self.pbx and self.env.t < self.blocked_until + 0.1 - 1e-9:
            self.request_pass()  # asked for before the dispatcher fell asleep (E11)
            return
        self.passes += 1
        self._pass_from(None, False)

    def _pass_from(self, members: list[Member] | None, slept: bool) -> None:
        """Process the pass's members (None: all of them, a new pass), in score order.

        A pass visits the members processable when it starts (§5.1). Nothing else happens
        during a pass, so checking each member when its turn comes is the same, except after
        the pbx dispatcher's 0.5 s sleep inside a pass (E11): the rest of the pass resumes
        then, with the members that were processable when it fell asleep, and the next pass
        comes 0.1 s after the pass ends.
        """
        t = self.env.t
        cache = self.pass_cache  # passes never nest: one cache, emptied when a pass ends
        done: set[int] | None = None  # plain queues that can offer no later member anything
        # A pass visits the members of its start, copied as it goes (see _visit): a pass that
        # stops early costs what it visits, not the length of the queue.
        if members is None:
            members = self.members
            # A short list is copied whole (a list iterator costs less than the generator).
            visit = iter(members.copy()) if len(members) <= 32 else _visit(members)
        else:
            visit = iter(members)
        try:
            for m in visit:
                q = m.queue
                if q.plain:
                    # Without an idle agent nothing could happen to this member; a Trying one
                    # (its offer is ringing) is not processable. Nobody becomes idle during a
                    # pass, so in a lone plain queue that is true of every later member too.
                    if not q.idle_rows:
                        if self.lone_queue is not None:
                            break
                        if self.skip_done and (done is None or q.id not in done):
                            done = done or set()
                            done.add(q.id)
                            if self._all_done(done):
                                break
                        continue
                    if (
                        m.state == M_WAITING
                        and (done is None or q.id not in done)
                        and self._offer_best(m, q, t, cache)
                        and self.skip_done
                    ):
                        # This member's walk ended without an offer, and a later member's
                        # walk would too (see _offer_best): the queue is done for this pass.
                        done = done or set()
                        done.add(q.id)
                        if self._all_done(done):
                            break
                    continue
                state = m.state
                if not (state == M_WAITING or (state == M_TRYING and m.serving == q.strategy.name)):
                    continue
                if done is not None and q.id in done:
                    continue
                if state == M_TRYING and q.ring_all and not q.idle_rows:
                    # ring-all, still ringing, nobody idle to recruit: only the checks' stamps.
                    q.C = self.env.c
                    if q.listed > 0:
                        q.E = q.C
                    continue
                n_offers = m.n_offers
                if self._process_member(m, t, cache) and self.pbx:
                    self.blocked_until = t + RP_SLEEP
                    rest = [x for x in visit if _processable(x)]
                    self.schedule(RP_SLEEP, self._pass_from, rest, True)
                    return
                if (
                    q.same_walk
                    and m.n_offers == n_offers
                    and (q.monotone or not q.tier_rules)
                    and self.skip_done
                ):
                    # Round-robin and random: every member walks the same list (the pointer
                    # moves only with an offer) over the same idle rows, and a later member's
                    # gate is no wider (monotone queue): no offer now, none for them either.
                    done = done or set()
                    done.add(q.id)
                    if self._all_done(done):
                        break
        finally:
            self._end_pass(cache)
        if slept:
            self.blocked_until = t
            self.request_pass(t + 0.1)

    def _all_done(self, done: set[int]) -> bool:
        """Whether no later member of the pass could be offered anything or change state: every
        queue is done (``done``), or plain without an idle agent, or has nobody in it."""
        if self.lone_queue is not None:
            return True
        for q in self.queues.values():
            if q.active and q.id not in done and (q.idle_rows or not q.plain):
                return False
        return True

    def _end_pass(self, cache: PassCache) -> None:
        """The heap entries a pass set aside go back; ring-all's sorted rows are dropped."""
        if cache.parked:
            for qid, parked in cache.parked.items():
                heap = self.queues[qid].idle_heap
                for entry in parked:
                    if entry[-1].entry is entry:
                        heappush(heap, entry)
            cache.parked.clear()
        if cache.sorted_rows:
            cache.sorted_rows.clear()

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
            # same second (pbx) or instant, the first tier row of the queue (§1.5: ties come
            # back in insertion order), not the agent offered last.
            for r in a.rr_rows:
                p = r.q.rr_row
                if p is None or p.agent.last_offered_call < now_c or r.order < p.order:
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


def _visit(members: list[Member]) -> Iterator[Member]:
    """The members of a pass in order, as they stand when it starts, copied a chunk at a time
    (doubling): a pass that stops after k members copies O(k), not the whole queue. Only the
    member being visited can leave the list during its turn (answered at once), so the next
    chunk starts after the last member handed out, found by its sort key (unique: it ends in
    the caller's sequence number)."""
    n = 16
    chunk = members[:n]
    while True:
        yield from chunk
        if len(chunk) < n:
            return
        i = bisect_right(members, chunk[-1].sort_key, key=_SORT_KEY)
        n *= 2
        chunk = members[i:i + n]


def _processable(m: Member) -> bool:
    """The members a pass visits (§5.1): Waiting ones, and Trying members of a ring strategy
    that nobody has answered yet (their serving_agent is still the strategy's name)."""
    return m.state == M_WAITING or (m.state == M_TRYING and m.serving == m.queue.strategy.name)
