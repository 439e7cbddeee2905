"""The literal walk of the pointer strategies (round-robin, top-down), as the engine did it
before it kept ordered idle rows: every listed row sorted for every member, then walked with
the tier gate row by row. ``LiteralSimulation`` runs it; test_ordered_walk compares it with
the engine on random scenarios.

For the one-offer level-sorted strategies (longest-idle, least talk time, fewest calls,
sequentially), ``LiteralSimulation`` picks among the idle rows sorted by the strategy's key as
it reads at that moment, instead of the engine's heap of keys taken when an agent became idle.
"""

from __future__ import annotations

from typing import Any

from acdsim.engine import Simulation
from acdsim.engine.state import LISTED, Member, QueueState, Row
from acdsim.engine.walk import EPS, GATED, STOP, PassCache, _Gate, ready_now


class LiteralSimulation(Simulation):
    # Every pass visits every member (no queue is ever "done" for the rest of a pass).
    skip_done = False

    def _first_idle(self, q: QueueState, top: float, t: float, cache: PassCache) -> Row | _Gate | None:
        for row in sorted(q.idle_rows, key=q.strategy.key):
            if row.level > top:
                return GATED
            if ready_now(row, t):
                return row
            if t + EPS < row.agent.wrap_until:
                self._wrap_pass(row.agent, t)
        return None

    def _walk_ordered(self, m: Member, q: QueueState, t: float, now_c: float) -> bool:
        rows = self._candidates(q, m, {})
        if rows:
            self._walk(m, q, rows, t, now_c)
        elif q.strategy.pointer == "top-down" and (m.td_level or m.td_position):
            m.td_level = m.td_position = 0
            self.request_pass()
        return bool(rows)

    def _candidates(self, q: QueueState, m: Member, cache: dict[int, Any]) -> list[Row]:
        strategy = q.strategy
        listed = [r for r in q.rows if r.agent.status in LISTED]
        key = strategy.key
        if strategy.pointer == "top-down":
            lm, pm = m.td_level, m.td_position
            first = sorted((r for r in listed if r.level == lm and r.position > pm), key=key)
            return first + sorted((r for r in listed if r.level > lm), key=key)
        # round-robin: the pointer is the agent of the queue offered most recently (any queue);
        # among agents offered in the same second, the first by agent name (the module's SQLite).
        pointer: Row | None = None
        for r in sorted(q.rows, key=lambda r: r.agent.name_key):
            a = r.agent
            if a.last_offered_call > 0 and (pointer is None or a.last_offered_call > pointer.agent.last_offered_call):
                pointer = r
        ordered = sorted(listed, key=key)
        if pointer is None:
            return ordered
        first = [r for r in ordered if r.level == pointer.level and r.position > pointer.position]
        return first + ordered

    def _walk(self, m: Member, q: QueueState, rows: list[Row], t: float, now_c: float) -> None:
        strategy = q.strategy
        gate = q.tier_rules
        cur = 0
        seen = 0
        waited = now_c - m.J
        for row in rows:
            level = row.level
            if gate and level > cur:
                if q.no_agent_no_wait and seen == 0:
                    cur = level
                else:
                    need = level * q.wait_second if q.multiply else q.wait_second
                    if waited + EPS >= need:
                        cur, seen = level, 0
                    else:
                        self.request_pass(self.clock.pass_at(m.J + need, t))
                        break
            seen += 1
            if self._try_row(m, strategy, row, t, now_c) is STOP:
                break

