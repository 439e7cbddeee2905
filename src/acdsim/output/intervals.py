"""Per-queue, per-interval KPIs (intervals.csv), by the interval in which callers joined.

``agents_logged_in`` is the mean number of the queue's agents (its tiers) logged in over the
part of the interval inside [warm-up, horizon) (``covered`` seconds): their logged-in time
there, from the agents' status changes, divided by that length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..engine.records import AgentStateRecord, CallRecord, NullRecorder
from .columns import transposed

INTERVAL_COLUMNS = (
    "interval_start", "queue", "offered", "answered", "abandoned", "timeout", "no_agent_timeout",
    "in_queue", "service_level", "asa", "mean_wait", "covered", "agents_logged_in",
)


_OUTCOME_INDEX = {"answered": 1, "abandoned": 2, "timeout": 3, "no_agent_timeout": 4, "in_queue": 5}


def _running_sum(start: float, values: np.ndarray) -> float:
    """``start + values[0] + values[1] + ...``, added in that order."""
    if not len(values):
        return start
    return float(np.cumsum(np.concatenate(([start], values)))[-1])


class IntervalRecorder(NullRecorder):
    def __init__(
        self,
        interval: float,
        threshold: float,
        warmup: float,
        members: Mapping[str, Sequence[int]] | None = None,
        horizon: float = math.inf,
    ) -> None:
        self.interval = interval
        self.threshold = threshold
        self.warmup = warmup
        self.cells: dict[tuple[int, int], list[float]] = {}
        # agent ref -> the queues it serves; its logged-in seconds by (queue, interval)
        self.members = {ref: tuple(qs) for ref, qs in (members or {}).items() if qs}
        self.logged: dict[tuple[int, int], float] = {}
        self.since: dict[str, float] = {}  # logged-in agents -> since when
        self.horizon = horizon  # logged-in time past it is no interval's
        # Calls are kept by the list's own append and added up at the engine's flush, in order
        # (the wait sums add in arrival order, as they always did: the same floats).
        self._calls: list[CallRecord] = []
        self.call = self._calls.append  # type: ignore[method-assign, assignment]

    def flush(self) -> None:
        """Add the calls kept since the last flush to their cells, a cell at a time with numpy:
        counts by outcome, and the wait sums as running sums in arrival order (``np.cumsum``
        adds one value after the other, from the cell's sum so far: the floats of adding the
        calls one by one)."""
        chunk = self._calls.copy()  # (emptied in place: self.call is its append)
        self._calls.clear()
        if not chunk:
            return
        _, queue_of, _, joined, _, _, outcome_of, wait_of = transposed(chunk)[:8]
        joined_at = np.array(joined, dtype=float)
        counted = joined_at >= self.warmup
        if not counted.any():
            return
        n = len(chunk)
        queues = np.array(queue_of, dtype=np.int64)[counted]
        ks = np.floor(joined_at[counted] / self.interval).astype(np.int64)
        if outcome_of.count("answered") == n:
            codes = np.ones(n, dtype=np.int64)  # (the usual chunk: every caller answered)
        else:
            codes = np.fromiter(map(_OUTCOME_INDEX.__getitem__, outcome_of), np.int64, n)
        codes = codes[counted]
        waits = np.array(wait_of, dtype=float)[counted]
        answered = codes == 1
        left = codes != 5
        for q, k in sorted(set(zip(queues.tolist(), ks.tolist(), strict=True))):
            at = (queues == q) & (ks == k)
            c = self.cells.get((q, k))
            if c is None:
                # offered, answered, abandoned, timeout, no_agent, in_queue, within_sl, wait_ans, wait_left
                c = self.cells[(q, k)] = [0, 0, 0, 0, 0, 0, 0, 0.0, 0.0]
            per_outcome = np.bincount(codes[at], minlength=6).tolist()
            c[0] += int(at.sum())
            for i in range(1, 6):
                c[i] += per_outcome[i]
            ans = at & answered
            c[6] += int((waits[ans] <= self.threshold).sum())
            c[7] = _running_sum(c[7], waits[ans])
            c[8] = _running_sum(c[8], waits[at & left])

    def agent_status(self, r: AgentStateRecord) -> None:
        queues = self.members.get(r.agent)
        if queues is None:
            return
        start = self.since.pop(r.agent, None)
        if start is not None:
            self._add_logged(queues, start, r.time)
        if r.status != "logged_out":
            self.since[r.agent] = r.time

    def _add_logged(self, queues: tuple[int, ...], start: float, end: float) -> None:
        start, end = max(start, self.warmup), min(end, self.horizon)
        if end <= start:
            return
        size = self.interval
        k = int(math.floor(start / size))
        while k * size < end:
            part = min(end, (k + 1) * size) - max(start, k * size)
            if part > 0:
                for q in queues:
                    self.logged[(q, k)] = self.logged.get((q, k), 0.0) + part
            k += 1

    def covered(self, k: int, horizon: float) -> float:
        """Seconds of interval ``k`` inside [warm-up, horizon)."""
        return max(0.0, min((k + 1) * self.interval, horizon) - max(k * self.interval, self.warmup))

    def rows(self, queue_ids: list[int], horizon: float) -> list[tuple[Any, ...]]:
        """Every interval of [warmup, horizon) for every queue, empty ones included."""
        self.flush()
        self.horizon = horizon
        for ref, start in sorted(self.since.items()):  # still logged in: count them to the horizon
            self._add_logged(self.members[ref], start, horizon)
        self.since.clear()
        out = []
        first = int(math.floor(self.warmup / self.interval))
        last = max(first, int(math.ceil(horizon / self.interval)))
        extra = {k for (_, k) in self.cells}
        for k in sorted(set(range(first, last)) | extra):
            covered = self.covered(k, horizon)
            for q in queue_ids:
                c = self.cells.get((q, k), [0, 0, 0, 0, 0, 0, 0, 0.0, 0.0])
                left = c[0] - c[5]
                out.append(
                    (
                        k * self.interval, q, c[0], c[1], c[2], c[3], c[4], c[5],
                        c[6] / left if left else None,
                        c[7] / c[1] if c[1] else None,
                        c[8] / left if left else None,
                        covered,
                        self.logged.get((q, k), 0.0) / covered if covered > 0 else None,
                    )
                )
        return out


def queue_members(scenario: Any) -> dict[str, list[int]]:
    """Agent ref -> the ids of the queues it has a tier in (in the scenario's queue order)."""
    out: dict[str, list[int]] = {}
    for q in scenario.queues:
        for kind in ("local", "remote"):
            for tier in getattr(q.agents, kind):
                out.setdefault(f"{kind}/{tier.agent_id}", []).append(q.id)
    return out
