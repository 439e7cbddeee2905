"""Per-replication KPIs, aggregated incrementally from engine records (docs/metrics.md).

Queue figures count the callers who joined at or after ``warmup``; agent figures count what
happened at or after ``warmup`` (offers by offer time, talking and logged-in time clipped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..engine.records import (
    AgentPauseRecord,
    AgentStateRecord,
    CallRecord,
    NullRecorder,
    OfferRecord,
)
from .stats import QuantileSketch

OUTCOMES = ("answered", "abandoned", "timeout", "no_agent_timeout", "in_queue")


@dataclass(slots=True)
class QueueKpis:
    """One queue's running sums (``KpiRecorder.call`` adds each caller)."""

    threshold: float
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    within_sl: int = 0
    wait_answered: float = 0.0
    wait_left: float = 0.0
    talk_sum: float = 0.0
    talk_n: int = 0
    waits: QuantileSketch = field(default_factory=QuantileSketch)
    by_level: dict[int, int] = field(default_factory=dict)

    def result(self) -> dict[str, Any]:
        c = self.counts
        offered = sum(c.values())
        left = offered - c["in_queue"]
        answered = c["answered"]
        return {
            "offered": offered,
            "answered": answered,
            "abandoned": c["abandoned"],
            "timeout": c["timeout"],
            "no_agent_timeout": c["no_agent_timeout"],
            "in_queue_at_end": c["in_queue"],
            "service_level": _ratio(self.within_sl, left),
            "asa": _ratio(self.wait_answered, answered),
            "mean_wait": _ratio(self.wait_left, left),
            "wait_p50": self.waits.quantile(0.5),
            "wait_p90": self.waits.quantile(0.9),
            "wait_p95": self.waits.quantile(0.95),
            "max_wait": self.waits.max if self.waits.n else None,
            "abandon_rate": _ratio(c["abandoned"], left),
            "mean_talk_time": _ratio(self.talk_sum, self.talk_n),
            "answered_by_level": {str(k): v for k, v in sorted(self.by_level.items())},
        }


@dataclass(slots=True)
class AgentKpis:
    calls_answered: int = 0
    talk_time: float = 0.0
    offers: int = 0
    no_answers: int = 0
    rejects: int = 0
    busies: int = 0
    logged_in: float = 0.0
    status: str = "logged_out"
    since: float = 0.0
    open_talk: list[float] = field(default_factory=list)  # answered_at of calls cut by the end
    wrap_up: float = 0.0
    open_wrap: list[tuple[float, float]] = field(default_factory=list)

    def result(self) -> dict[str, Any]:
        return {
            "calls_answered": self.calls_answered,
            "talk_time": self.talk_time,
            "offers": self.offers,
            "no_answers": self.no_answers,
            "rejects": self.rejects,
            "busies": self.busies,
            "logged_in_time": self.logged_in,
            "occupancy": _ratio(self.talk_time, self.logged_in),
            "wrap_up_time": self.wrap_up,
            "handle_occupancy": _ratio(self.talk_time + self.wrap_up, self.logged_in),
        }


_OFFER_FIELD = {"no_answer": "no_answers", "rejected": "rejects", "busy": "busies"}


class KpiRecorder(NullRecorder):
    """Consumes calls, offers and agent states; ``finish(end)`` returns the figures."""

    def __init__(self, queue_ids: list[int], agent_refs: list[str], threshold: float, warmup: float) -> None:
        self.warmup = warmup
        self.queues = {q: QueueKpis(threshold) for q in queue_ids}
        self.agents = {a: AgentKpis() for a in agent_refs}

    def call(self, r: CallRecord) -> None:
        outcome = r.outcome
        if r.joined_at >= self.warmup:
            k = self.queues[r.queue]
            k.counts[outcome] += 1
            if outcome != "in_queue":
                wait = r.wait_time
                k.wait_left += wait
                k.waits.add(wait)
                if outcome == "answered":
                    k.wait_answered += wait
                    if wait <= k.threshold:
                        k.within_sl += 1
                    level = r.agent_level
                    if level is not None:
                        k.by_level[level] = k.by_level.get(level, 0) + 1
                    if r.talk_time is not None:
                        k.talk_sum += r.talk_time
                        k.talk_n += 1
        if outcome == "answered" and r.agent and r.answered_at is not None:
            a = self.agents[r.agent]
            if r.answered_at >= self.warmup:
                a.calls_answered += 1
            left = r.left_at
            if left is None:
                a.open_talk.append(r.answered_at)
            else:
                a.talk_time += max(0.0, left - max(r.answered_at, self.warmup))  # _overlap

    def offer(self, r: OfferRecord) -> None:
        if r.offered_at < self.warmup:
            return
        a = self.agents[r.agent]
        a.offers += 1
        name = _OFFER_FIELD.get(r.result)
        if name:
            setattr(a, name, getattr(a, name) + 1)

    def agent_pause(self, r: AgentPauseRecord) -> None:
        if r.kind == "wrap_up":
            self.agents[r.agent].open_wrap.append((r.start, r.end))

    def agent_status(self, r: AgentStateRecord) -> None:
        a = self.agents[r.agent]
        if a.status != "logged_out":
            a.logged_in += _overlap(a.since, r.time, self.warmup)
        a.status = r.status
        a.since = r.time

    def finish(self, end: float) -> dict[str, Any]:
        for a in self.agents.values():
            if a.status != "logged_out":
                a.logged_in += _overlap(a.since, end, self.warmup)
                a.since = end
            for start in a.open_talk:
                a.talk_time += _overlap(start, end, self.warmup)
            a.open_talk.clear()
            for start, stop in a.open_wrap:
                a.wrap_up += _overlap(start, min(stop, end), self.warmup)
            a.open_wrap.clear()
        return {
            "queues": {str(q): k.result() for q, k in self.queues.items()},
            "agents": {ref: k.result() for ref, k in self.agents.items()},
        }


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _overlap(start: float, end: float, warmup: float) -> float:
    return max(0.0, end - max(start, warmup))


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
