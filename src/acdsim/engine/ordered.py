"""The walk of the strategies whose order is not a fixed key: round-robin, top-down, random.

The module sorts every listed row for every member (reference §1.4.6, §1.4.7, §1.4.3) and
walks the list with the tier gate (§2.3). Only idle rows can be offered, and the gate only
depends on the levels and the number of listed rows walked, so the walk here goes over
*blocks*: (level, rows of that level after a position, how many are listed). The gate is
decided once per block from counts kept per level; inside an open block the idle rows come
from ``QueueState.idle_sorted``, a list kept in key order (a row's key cannot change while
its agent is idle). A member's pick costs O(levels + log n) comparisons, not a sort.

The pointer strategies' list has two parts: the rows of the pointer's level after the
pointer's position, then (round-robin) every row or (top-down) the rows of deeper levels.
"""

from __future__ import annotations

from bisect import bisect_left

from .base import EngineBase
from .state import INF, Member, QueueState, Row
from .walk import EPS, SKIP, STOP


class OrderedMixin(EngineBase):
    def _walk_ordered(self, m: Member, q: QueueState, t: float, now_c: float) -> bool:
        """One member's walk; False if the list of rows was empty (nothing listed to walk)."""
        strategy = q.strategy
        levels = q.level_order()
        blocks: list[tuple[int, float, int]] = []  # (level, rows after this position, listed)
        if strategy.pointer == "top-down":
            level0, position0 = m.td_level, m.td_position
            first = q.listed_after(level0, position0)
            if first:
                blocks.append((level0, position0, first))
            blocks.extend((lv, -INF, q.level_counts[lv]) for lv in levels if lv > level0)
        else:
            pointer = q.rr_row
            if pointer is not None:
                first = q.listed_after(pointer.level, pointer.position)
                if first:
                    blocks.append((pointer.level, pointer.position, first))
            blocks.extend((lv, -INF, q.level_counts[lv]) for lv in levels)
        if not blocks:
            if strategy.pointer == "top-down" and (m.td_level or m.td_position):
                m.td_level = m.td_position = 0  # reset only after a pass with zero rows (E9)
                self.request_pass()
            return False
        gate = q.tier_rules
        cur = seen = 0
        waited = now_c - m.J
        idle = q.idle_sorted
        for level, after, listed in blocks:
            if gate and level > cur:
                if q.no_agent_no_wait and seen == 0:
                    cur = level
                else:
                    need = level * q.wait_second if q.multiply else q.wait_second
                    if waited + EPS >= need:
                        cur, seen = level, 0
                    else:
                        self.request_pass(self.clock.pass_at(m.J + need, t))
                        return True
            seen += listed
            if not idle:
                continue
            # The idle rows of this block: keys (level, position, ...) after (level, after).
            i = bisect_left(idle, (level, after, INF))
            hi = bisect_left(idle, (level, INF))
            if strategy.random_order:
                if i < hi and self._pick_random(m, q, idle, i, hi, t, now_c):
                    return True
                continue
            while i < hi:
                if self._try_row(m, strategy, idle[i][-1], t, now_c) is STOP:
                    return True
                i += 1
        return True

    def _pick_random(
        self, m: Member, q: QueueState, idle: list[tuple[object, ...]], lo: int, hi: int, t: float, now_c: float
    ) -> bool:
        """Random order within a level: the first contactable row of a random order is a
        uniform pick among the contactable rows. A few uniform tries over the block first
        (usually the first one can be offered: O(1)), then picks without replacement from a
        copy of the block until one can be offered."""
        draw = q.draw_random
        strategy = q.strategy
        n = hi - lo
        for _ in range(4):
            row: Row = idle[lo + int(draw() * n)][-1]  # type: ignore[assignment]
            if self._try_row(m, strategy, row, t, now_c) is not SKIP:
                return True
        block = idle[lo:hi]
        while block:
            j = int(draw() * len(block))
            row = block[j][-1]  # type: ignore[assignment]
            if self._try_row(m, strategy, row, t, now_c) is not SKIP:
                return True
            block[j] = block[-1]
            block.pop()
        return False
