"""The dispatcher: when passes run and which members they visit, in score order (reference
§5: pass structure, greedy matching; the clock policy decides when a pass may run). A
member's turn -- the tier gate, the walk over idle rows, claim and offer (§1.2-§1.4, §2.3) --
is in ``walk.py``.

Only idle rows (agent Waiting, status Available or On Demand) can be offered, so a walk goes
over those alone: the level-sorted one-offer strategies pop them from a per-queue heap,
ring-all sorts them, and round-robin, top-down and random walk an ordered list by levels
(``ordered.py``). The module's walk over every listed row gives the same offers.
"""

from __future__ import annotations

import math
from bisect import bisect_right
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
from .walk import PassCache, WalkMixin, ready_now

_SORT_KEY = attrgetter("sort_key")
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
