"""Per-replication KPIs, aggregated incrementally from engine records (docs/metrics.md).

Queue figures count the callers who joined at or after ``warmup``; agent figures count what
happened at or after ``warmup`` (offers by offer time, talking and logged-in time clipped).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

import numpy as np

from ..engine.records import (
    AgentPauseRecord,
    AgentStateRecord,
    CallRecord,
    NullRecorder,
    OfferRecord,
)
from .columns import transposed
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
            # `occupancy` is talk occupancy (SCENARIO_FORMAT §11), kept under its first name;
            # `talk_occupancy` says which one it is, beside `handle_occupancy`
            "occupancy": _ratio(self.talk_time, self.logged_in),
            "wrap_up_time": self.wrap_up,
            "handle_occupancy": _ratio(self.talk_time + self.wrap_up, self.logged_in),
            "talk_occupancy": _ratio(self.talk_time, self.logged_in),
        }


_OFFER_FIELD = {"no_answer": "no_answers", "rejected": "rejects", "busy": "busies"}
_OUTCOME_CODE = {name: code for code, name in enumerate(OUTCOMES)}
_ANSWERED, _IN_QUEUE = _OUTCOME_CODE["answered"], _OUTCOME_CODE["in_queue"]
# Field positions in CallRecord and OfferRecord (the chunks are summed column-wise).
_C_QUEUE, _C_JOINED, _C_ANSWERED, _C_LEFT, _C_OUTCOME, _C_WAIT, _C_TALK, _C_AGENT, _C_LEVEL = map(
    CallRecord._fields.index,
    ("queue", "joined_at", "answered_at", "left_at", "outcome", "wait_time", "talk_time", "agent", "agent_level"),
)
_O_AGENT, _O_AT, _O_RESULT = map(OfferRecord._fields.index, ("agent", "offered_at", "result"))


class KpiRecorder(NullRecorder):
    """Consumes calls, offers and agent states; ``finish(end)`` returns the figures.

    Call and offer records are kept in lists and summed column-wise (numpy and C-level
    iteration) when the engine calls ``flush`` (every ``FLUSH_EVERY`` callers) and at the end:
    ``call`` and ``offer`` are the lists' own ``append`` (no Python step per record), and
    memory is bounded by what a thousand callers leave.
    """

    def __init__(self, queue_ids: list[int], agent_refs: list[str], threshold: float, warmup: float) -> None:
        self.warmup = warmup
        self.threshold = threshold
        self.queues = {q: QueueKpis(threshold) for q in queue_ids}
        self.agents = {a: AgentKpis() for a in agent_refs}
        self._agent_refs = list(self.agents)
        self._agent_index = {ref: i for i, ref in enumerate(self._agent_refs)}
        self._calls: list[CallRecord] = []
        self._offers: list[OfferRecord] = []
        self.call = self._calls.append  # type: ignore[method-assign, assignment]
        self.offer = self._offers.append  # type: ignore[method-assign, assignment]

    def flush(self) -> None:
        """Sum the records received since the last flush."""
        self._add_calls()
        self._add_offers()

    def _add_offers(self) -> None:
        chunk = self._offers.copy()  # (emptied in place: self.offer is its append)
        self._offers.clear()
        n = len(chunk)
        if not n:
            return
        cols = transposed(chunk)
        refs, results = cols[_O_AGENT], cols[_O_RESULT]
        index = np.fromiter(map(self._agent_index.__getitem__, refs), np.int64, n)
        if self.warmup > 0:
            counted = np.fromiter(cols[_O_AT], float, n) >= self.warmup
            offers = np.bincount(index, weights=counted, minlength=len(self._agent_refs))
        else:
            counted = np.ones(n, bool)
            offers = np.bincount(index, minlength=len(self._agent_refs))
        for i in np.flatnonzero(offers).tolist():
            self.agents[self._agent_refs[i]].offers += int(offers[i])
        if results.count("answered") == n:
            return  # (the usual chunk: no failed offer)
        for ref, result, ok in zip(refs, results, counted.tolist(), strict=True):
            name = _OFFER_FIELD.get(result)
            if name and ok:
                a = self.agents[ref]
                setattr(a, name, getattr(a, name) + 1)

    def _add_calls(self) -> None:
        chunk = self._calls.copy()  # (emptied in place: self.call is its append)
        self._calls.clear()
        n = len(chunk)
        if not n:
            return
        cols = transposed(chunk)
        outcomes = cols[_C_OUTCOME]
        if outcomes.count("answered") == n:
            codes = np.zeros(n, np.int8)  # (the usual chunk: every caller answered)
        else:
            codes = np.fromiter(map(_OUTCOME_CODE.__getitem__, outcomes), np.int8, n)
        wait = np.fromiter(cols[_C_WAIT], float, n)
        answered = codes == _ANSWERED
        if self.warmup > 0:
            counted = np.fromiter(cols[_C_JOINED], float, n) >= self.warmup
        else:
            counted = np.ones(n, bool)  # (no time is before 0)
        # The answered callers' columns, in chunk order. A talk time is None (nan) exactly
        # when the call was cut by the end of the run (its left_at is None too).
        picked = answered.tolist()
        k_ans = int(np.count_nonzero(answered))
        levels = list(compress(cols[_C_LEVEL], picked))
        talk_list = list(compress(cols[_C_TALK], picked))
        try:
            talk = np.fromiter(talk_list, float, k_ans)
        except TypeError:  # (the last chunk only)
            talk = np.array(talk_list, dtype=float)
        if len(self.queues) > 1:
            queue = np.fromiter(cols[_C_QUEUE], np.int64, n)
            qids = np.unique(queue).tolist()
        else:
            queue = None
            qids = list(self.queues)
        for qid in qids:
            sel = counted & (queue == qid) if queue is not None else counted
            k = self.queues[qid]
            for code, count in enumerate(np.bincount(codes[sel], minlength=len(OUTCOMES)).tolist()):
                k.counts[OUTCOMES[code]] += count
            left = wait[sel & (codes != _IN_QUEUE)]
            k.wait_left += float(left.sum())
            k.waits.add_many(left)
            ans = sel & answered
            waited = wait[ans]
            k.wait_answered += float(waited.sum())
            k.within_sl += int(np.count_nonzero(waited <= k.threshold))
            mine = ans[answered]  # this queue's counted callers among the answered ones
            _count_levels(k.by_level, levels, mine)
            talked = talk[mine]
            talked = talked[~np.isnan(talked)]
            k.talk_sum += float(talked.sum())
            k.talk_n += len(talked)
        if k_ans:
            self._add_answered(cols, picked, talk)

    def _add_answered(self, cols: list[tuple[Any, ...]], picked: list[bool], talk: np.ndarray) -> None:
        """The agents' part of a chunk: every answered call, by the time it was answered and
        the talk it had (``picked``: the answered rows; ``talk``: theirs, nan if cut)."""
        refs = list(compress(cols[_C_AGENT], picked))
        k = len(refs)
        index = np.fromiter(map(self._agent_index.__getitem__, refs), np.int64, k)
        m = len(self._agent_refs)
        ended = ~np.isnan(talk)
        warmup = self.warmup
        if warmup > 0:
            answered_at = np.fromiter(compress(cols[_C_ANSWERED], picked), float, k)
            left_at = np.array(list(compress(cols[_C_LEFT], picked)), dtype=float)
            n_answered = np.bincount(index, weights=answered_at >= warmup, minlength=m)
            talk_time = np.maximum(0.0, left_at[ended] - np.maximum(answered_at[ended], warmup))
        else:
            # Without a warm-up every answer counts, and the talk clipped at 0 is the talk itself.
            n_answered = np.bincount(index, minlength=m)
            talk_time = talk[ended]
        talk_by_agent = np.bincount(index[ended], weights=talk_time, minlength=m)
        for i in np.flatnonzero(n_answered + talk_by_agent).tolist():
            a = self.agents[self._agent_refs[i]]
            a.calls_answered += int(n_answered[i])
            a.talk_time += float(talk_by_agent[i])
        cut = np.flatnonzero(~ended).tolist()
        if cut:  # still talking at the end of the run
            answered_at_list = list(compress(cols[_C_ANSWERED], picked))
            for i in cut:
                self.agents[refs[i]].open_talk.append(float(answered_at_list[i]))

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
        self.flush()
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


def _count_levels(by_level: dict[int, int], levels: list[int], mine: np.ndarray) -> None:
    """Add the answering levels of the selected callers (``mine``, a mask over ``levels``)."""
    if not len(levels):
        return
    first = levels[0]
    if levels.count(first) == len(levels):  # (the usual chunk: one level; small ints are shared)
        count = int(np.count_nonzero(mine))
        if count:
            by_level[first] = by_level.get(first, 0) + count
        return
    for level, count in Counter(compress(levels, mine.tolist())).items():
        by_level[level] = by_level.get(level, 0) + count


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _overlap(start: float, end: float, warmup: float) -> float:
    return max(0.0, end - max(start, warmup))


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
