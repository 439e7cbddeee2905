"""Incremental per-queue counts for the terminal summary (no record is kept)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.records import CallRecord


@dataclass
class QueueTally:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    timeout: int = 0
    no_agent_timeout: int = 0
    in_queue: int = 0
    within_sl: int = 0
    left: int = 0
    wait_answered: float = 0.0

    @property
    def service_level(self) -> float | None:
        return self.within_sl / self.left if self.left else None

    @property
    def asa(self) -> float | None:
        return self.wait_answered / self.answered if self.answered else None


@dataclass
class Tally:
    threshold: float
    warmup: float
    queues: dict[int, QueueTally] = field(default_factory=dict)

    def add(self, r: CallRecord) -> None:
        if r.joined_at < self.warmup:
            return
        q = self.queues.setdefault(r.queue, QueueTally())
        q.offered += 1
        setattr(q, r.outcome, getattr(q, r.outcome) + 1)
        if r.outcome != "in_queue":
            q.left += 1
        if r.outcome == "answered":
            q.wait_answered += r.wait_time
            if r.wait_time <= self.threshold:
                q.within_sl += 1
