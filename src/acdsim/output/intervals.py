"""Per-queue, per-interval KPIs (intervals.csv), by the interval in which callers joined."""

from __future__ import annotations

import math
from typing import Any

from ..engine.records import CallRecord, NullRecorder

INTERVAL_COLUMNS = (
    "interval_start", "queue", "offered", "answered", "abandoned", "timeout", "no_agent_timeout",
    "in_queue", "service_level", "asa", "mean_wait",
)


class IntervalRecorder(NullRecorder):
    def __init__(self, interval: float, threshold: float, warmup: float) -> None:
        self.interval = interval
        self.threshold = threshold
        self.warmup = warmup
        self.cells: dict[tuple[int, int], list[float]] = {}

    def call(self, r: CallRecord) -> None:
        if r.joined_at < self.warmup:
            return
        key = (r.queue, int(math.floor(r.joined_at / self.interval)))
        c = self.cells.get(key)
        if c is None:
            # offered, answered, abandoned, timeout, no_agent, in_queue, within_sl, wait_ans, wait_left
            c = self.cells[key] = [0, 0, 0, 0, 0, 0, 0, 0.0, 0.0]
        c[0] += 1
        index = {"answered": 1, "abandoned": 2, "timeout": 3, "no_agent_timeout": 4, "in_queue": 5}[r.outcome]
        c[index] += 1
        if r.outcome != "in_queue":
            c[8] += r.wait_time
        if r.outcome == "answered":
            c[7] += r.wait_time
            if r.wait_time <= self.threshold:
                c[6] += 1

    def rows(self, queue_ids: list[int], horizon: float) -> list[tuple[Any, ...]]:
        """Every interval of [warmup, horizon) for every queue, empty ones included."""
        out = []
        first = int(math.floor(self.warmup / self.interval))
        last = max(first, int(math.ceil(horizon / self.interval)))
        extra = {k for (_, k) in self.cells}
        for k in sorted(set(range(first, last)) | extra):
            for q in queue_ids:
                c = self.cells.get((q, k), [0, 0, 0, 0, 0, 0, 0, 0.0, 0.0])
                left = c[0] - c[5]
                out.append(
                    (
                        k * self.interval, q, c[0], c[1], c[2], c[3], c[4], c[5],
                        c[6] / left if left else None,
                        c[7] / c[1] if c[1] else None,
                        c[8] / left if left else None,
                    )
                )
        return out
