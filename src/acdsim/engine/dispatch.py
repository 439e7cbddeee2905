"""The dispatcher: when passes run and which members they visit, in score order (reference
§5: pass structure, greedy matching; the clock policy decides when a pass may run). A
member's turn -- the tier gate, the walk over idle rows, claim and offer (§1.2-§1.4, §2.3) --
is in ``walk.py``.

Only idle rows (agent Waiting, status Available or On Demand) can be offered, so a walk goes
over those alone: the level-sorted one-offer strategies pop them from a per-queue heap,
ring-all sorts them, and round-robin, top-down and random walk an ordered list by levels
(``ordered.py``). The module's walk over every listed row gives the same offers.

A pass visits a queue's members until none after them could be offered anything (the queue
is *done* for the pass); nobody becomes idle during a pass, so the idle rows only shrink and a
done queue stays done. Plain queues: see ``_offer_best``; round-robin and random: one list for
everyone. Ring-all, ring-progressively and top-down (``_ring_done``), after a member's turn:

- N: no idle row of the queue can be offered at this instant (wrap-up, a delay) and the end
  of each wrap-up among them has its pass asked for. A later walk finds nobody to offer.
- G (ring-all; no tier rules, or every caller has the same base score): the member rang every
  contactable row of its open levels. A later member's open levels are no more (it has waited
  no longer), and ringing takes an agent out of the idle rows: it rings nobody.
- S (top-down; same condition): a member without a pointer got nothing. Every member without
  a pointer walks the same list, the rows after (0, 0).

A later member's turn in a done queue would only ask for the pass at which its own closed level
opens, as in a plain queue: that pass matters only if an idle agent is then there, and the pass
that makes one idle visits the member again. Three kinds of turn still change something, and
those members are visited (``_must_visit``): a Waiting ring member turns Trying (E12); a
ring-progressively member offered before may be inside its window (E11: the dispatcher
sleeps, or asks for a pass at its end); a top-down member with a pointer walks its own list
(E9: it may reset its pointer, or get an agent the others cannot reach). They are kept in
``marked`` (score order, a few: callers who joined since the last pass, callers offered an
agent): once every queue is done, the pass jumps from one to the next (``_rest_marked``)
instead of walking the whole queue. With these rules a long ring-all or top-down queue costs a
pass what it visits, not its length; every offer, call and state is the same as with every
member visited (tests/test_long_queue.py).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from heapq import heappush
from operator import attrgetter
from typing import Any

from .state import (
    M_TRYING,
    M_WAITING,
    Member,
    QueueState,
)
from .walk import EPS, PassCache, WalkMixin, ready_now

_SORT_KEY = attrgetter("sort_key")
# A pass resumed after the E11 sleep: (sort key of the member it slept on, the last sequence
# number that had joined, the members an offer held then): see DispatchMixin._sleep.
Resume = tuple[tuple[float, int], int, set[Member]]
RP_SLEEP = 0.5  # the module sleeps inside the dispatcher for each skipped ring-progressively member


class DispatchMixin(WalkMixin):
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

    def _pass_from(self, resume: Resume | None, slept: bool) -> None:
        """Process the pass's members (``resume`` None: all of them, a new pass), in score order.

        A pass visits the members processable when it starts (§5.1). Nothing else happens
        during a pass, so checking each member when its turn comes is the same, except after
        the pbx dispatcher's 0.5 s sleep inside a pass (E11): the rest of the pass resumes
        then, with the members that were processable when it fell asleep (``_sleep``), and the
        next pass comes 0.1 s after the pass ends.
        """
        t = self.env.t
        cache = self.pass_cache  # passes never nest: one cache, emptied when a pass ends
        done: set[int] | None = None  # queues that can offer no later member anything
        # A pass visits the members of its start, copied as it goes (see _visit): a pass that
        # stops early costs what it visits, not the length of the queue.
        members = self.members
        visit: Iterator[Member]
        if resume is None:
            # A short list is copied whole (a list iterator costs less than the generator).
            visit = iter(members.copy()) if len(members) <= 32 else _visit(members)
        else:
            after, watermark, held = resume
            visit = (x for x in _visit(members, after) if x.seq <= watermark and x not in held)
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
                                if self._rest_marked(m, resume, t, cache):
                                    return  # asleep (E11): the rest of the pass comes later
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
                            if self._rest_marked(m, resume, t, cache):
                                return
                            break
                    continue
                state = m.state
                if not (state == M_WAITING or (state == M_TRYING and m.serving == q.strategy.name)):
                    continue
                if done is not None and q.id in done and not _must_visit(m):
                    continue
                if state == M_TRYING and q.ring_all and not q.idle_rows:
                    # ring-all, still ringing, nobody idle to recruit: only the checks' stamps.
                    q.C = self.env.c
                    if q.listed > 0:
                        q.E = q.C
                    if not self.skip_done or (done is not None and q.id in done):
                        continue
                    # ... and so for every later member of the queue (rule N below).
                else:
                    n_offers = m.n_offers
                    pointed = m.td_level or m.td_position  # (top-down: the list it walks)
                    if self._process_member(m, t, cache) and self.pbx:
                        self._sleep(m, resume)
                        return
                    if not self.skip_done or (done is not None and q.id in done):
                        continue
                    if q.same_walk:
                        # Round-robin and random: every member walks the same list (the
                        # pointer moves only with an offer) over the same idle rows, and a
                        # later member's gate is no wider (monotone queue): no offer now,
                        # none for them either.
                        if m.n_offers != n_offers or not (q.monotone or not q.tier_rules):
                            continue
                    elif not self._ring_done(q, m, n_offers, pointed, t):
                        continue
                done = done or set()
                done.add(q.id)
                if self._all_done(done):
                    marked = self.marked  # (usually nobody marked after m: no call)
                    if marked and marked[-1].sort_key > m.sort_key and self._rest_marked(m, resume, t, cache):
                        return
                    break
        finally:
            self._end_pass(cache)
        if slept:
            self.blocked_until = t
            self.request_pass(t + 0.1)

    def _ring_done(self, q: QueueState, m: Member, n_offers: int, pointed: int, t: float) -> bool:
        """After ``m``'s turn in a ring-all, ring-progressively or top-down queue: whether no
        later member of the queue can be offered anything in this pass (rules N, G and S of
        the module docstring). ``pointed``: its top-down pointer was set when its turn began."""
        if q.monotone or not q.tier_rules:
            if q.ring_all and m.serving == q.strategy.name:
                # G: the walk rang every contactable row of the member's open levels and asked
                # for the end of every wrap-up among them; a later member's are no more.
                return True
            if q.strategy.pointer == "top-down" and not pointed and m.n_offers == n_offers:
                # S: every member without a pointer walks the same list; those with one are
                # visited all the same (_must_visit).
                return True
        if m.n_offers != n_offers and not q.ring_all:
            return False  # it took one agent; another may still be free
        return _none_ready(q, t)

    def _rest_marked(self, m: Member, resume: Resume | None, t: float, cache: PassCache) -> bool:
        """Every queue is done after ``m``'s turn: the rest of the pass is the marked members
        after it whose turn still does something (``_must_visit``), among those of the pass
        (a pass resumed after the E11 sleep: see ``_sleep``). True when the pass fell asleep
        on one of them (the rest of it comes later), False when it is over."""
        marked = self.marked
        key = m.sort_key
        if not marked or marked[-1].sort_key <= key:
            return False  # nobody marked after m (the usual case)
        while True:
            i = bisect_right(marked, key, key=_SORT_KEY)
            if i == len(marked):
                return False
            x = marked[i]
            key = x.sort_key
            if not _processable(x) or not _must_visit(x):
                if not _keep_marked(x):
                    del marked[i]
                    x.marked = False
                continue
            if resume is not None and (x.seq > resume[1] or x in resume[2]):
                continue  # not processable when the pass fell asleep
            if self._process_member(x, t, cache) and self.pbx:
                self._sleep(x, resume)
                return True

    def _sleep(self, m: Member, resume: Resume | None) -> None:
        """E11: the pbx dispatcher sleeps RP_SLEEP inside the pass, on ``m``. The rest of the
        pass resumes then with the members after ``m`` that were processable when it fell
        asleep: those who had joined (sequence number up to the watermark) and were not held
        by an offer of a one-offer strategy (a member is Trying for another agent than a ring
        strategy's name only while such an offer rings). A pass that sleeps again keeps both."""
        t = self.env.t
        self.blocked_until = t + RP_SLEEP
        if resume is None:
            watermark, held = self.call_seq, set()
        else:
            watermark, held = resume[1], set(resume[2])
        for a in self.agents.values():
            offer = a.offer
            if offer is not None and not offer.ring_strategy:
                held.add(offer.member)
        self.schedule(RP_SLEEP, self._pass_from, (m.sort_key, watermark, held), True)

    def _mark(self, m: Member) -> None:
        """Keep ``m`` in ``marked`` (score order): a ring member who joins, a ring-progressively
        or top-down member offered an agent. ``_rest_marked`` drops those who no longer need a
        turn in a done queue, ``_unmark`` those who leave."""
        if not m.marked:
            m.marked = True
            marked = self.marked
            if not marked or marked[-1].sort_key < m.sort_key:
                marked.append(m)
            else:
                insort(marked, m, key=_SORT_KEY)

    def _unmark(self, m: Member) -> None:
        m.marked = False
        marked = self.marked
        del marked[bisect_left(marked, m.sort_key, key=_SORT_KEY)]

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


def _visit(members: list[Member], after: tuple[float, int] | None = None) -> Iterator[Member]:
    """The members of a pass in order (those after the sort key ``after``, if given), as they
    stand when it starts, copied a chunk at a time (doubling): a pass that stops after k
    members copies O(k), not the whole queue. Only the member being visited can leave the list
    during its turn (answered at once), so the next chunk starts after the last member handed
    out, found by its sort key (unique: it ends in the caller's sequence number)."""
    n = 16
    i = 0 if after is None else bisect_right(members, after, key=_SORT_KEY)
    chunk = members[i:i + n]
    while True:
        yield from chunk
        if len(chunk) < n:
            return
        i = bisect_right(members, chunk[-1].sort_key, key=_SORT_KEY)
        n *= 2
        chunk = members[i:i + n]


def _must_visit(m: Member) -> bool:
    """A processable member whose turn changes something even when its queue is done (no
    offer possible): a Waiting ring member turns Trying (E12); a ring-progressively member
    offered before may be inside its window (E11: the dispatcher sleeps, or a pass when the
    window ends); a top-down member whose pointer is set walks its own list (rule S leaves it
    out: it may get an agent, or reset its pointer after a pass with zero rows, E9).
    Round-robin's and random's members never are."""
    if m.state == M_WAITING:
        return m.queue.rings or bool(m.td_level or m.td_position)
    return m.last_originated is not None


def _keep_marked(m: Member) -> bool:
    """Whether a marked member may need a turn in a done queue later (see ``_must_visit``):
    a top-down member offered an agent comes back Waiting with its pointer if the offer
    fails."""
    if m.state != M_WAITING and m.state != M_TRYING:
        return False
    return (m.state == M_WAITING and m.queue.rings) or m.last_originated is not None or bool(
        m.td_level or m.td_position
    )


def _none_ready(q: QueueState, t: float) -> bool:
    """Rule N: no idle row of the queue can be offered at ``t``, and the end of every wrap-up
    among them has its pass asked for (``_wrap_pass``: a later member's walk would ask)."""
    for row in q.idle_rows:
        if ready_now(row, t):
            return False
        a = row.agent
        if t + EPS < a.wrap_until and a.wrap_asked != a.wrap_until:
            return False
    return True


def _processable(m: Member) -> bool:
    """The members a pass visits (§5.1): Waiting ones, and Trying members of a ring strategy
    that nobody has answered yet (their serving_agent is still the strategy's name)."""
    return m.state == M_WAITING or (m.state == M_TRYING and m.serving == m.queue.strategy.name)
