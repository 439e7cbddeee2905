"""One replication of a candidate staffing, reduced to the raw figures the search judges.

The engine runs with one small recorder (no file, no KPI of the whole run): the counts of
``intervals.csv`` for the callers who join in each interval (the same code, so the figures
are the ones ``acdsim run`` reports), plus the pool's busy time (talk and wrap-up) and
logged-in time per interval for its occupancy. A run is a function of the scenario's JSON
and the replication number, so it executes in this process, in local worker processes or on
a Dask cluster with the same result (``planning.parallel``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, cast

from ...engine import Simulation
from ...engine.records import CallRecord
from ...model import Scenario
from ...output.intervals import IntervalRecorder

_POOL = "pool"  # the key the pool's logged-in time is kept under in IntervalRecorder.logged

Raw = tuple[float, ...]


class StaffRecorder(IntervalRecorder):
    """intervals.csv's counts by joining interval, and the pool's busy seconds (each answered
    call's talk and the pool's wrap-up after it) and logged-in seconds by clock interval."""

    def __init__(self, scenario: Scenario, pool_refs: Sequence[str], wrap_up: float = 0.0) -> None:
        members = cast(dict[str, list[int]], {ref: [_POOL] for ref in pool_refs})
        super().__init__(
            scenario.report.interval, scenario.report.service_level_threshold, scenario.warmup,
            members, scenario.horizon,
        )
        self.pool = frozenset(pool_refs)
        self.wrap_up = wrap_up  # the pool's: every answered call is followed by it
        self.busy: dict[int, float] = {}

    def _add_call(self, r: CallRecord) -> None:
        super()._add_call(r)
        if r.outcome == "answered" and r.agent in self.pool and r.answered_at is not None:
            # talk then wrap-up, one stretch (no pause records asked of the engine: faster)
            self._add_busy(r.answered_at, r.answered_at + (r.talk_time or 0.0) + self.wrap_up)

    def _add_busy(self, start: float, end: float) -> None:
        start, end = max(start, self.warmup), min(end, self.horizon)
        size = self.interval
        k = int(math.floor(start / size))
        while k * size < end:
            part = min(end, (k + 1) * size) - max(start, k * size)
            if part > 0:
                self.busy[k] = self.busy.get(k, 0.0) + part
            k += 1

    def raw(self, queues: Sequence[int], count: int) -> list[Raw]:
        """Per interval 0 .. count-1: offered, answered, abandoned, left the queue, answered
        within the threshold, wait of the answered, pool busy s, pool logged-in s."""
        self.flush()
        for ref, start in sorted(self.since.items()):  # still logged in at the horizon
            self._add_logged(self.members[ref], start, self.horizon)
        self.since.clear()
        out = []
        for k in range(count):
            sums = [0.0] * 6
            for q in queues:
                c = self.cells.get((q, k))
                if c is not None:
                    left = c[0] - c[5]
                    for j, v in enumerate((c[0], c[1], c[2], left, c[6], c[7])):
                        sums[j] += v
            logged = self.logged.get((cast(int, _POOL), k), 0.0)
            out.append((*sums, self.busy.get(k, 0.0), logged))
        return out


def pool_refs(scenario: Scenario, pool: int) -> list[str]:
    spec = scenario.pools[pool]
    return [f"{spec.type}/{spec.first_id + k}" for k in range(spec.size())]


def pool_queues(scenario: Scenario, pool: int) -> list[int]:
    """The queues the pool's agents serve, in the scenario's queue order."""
    served = {t.queue for t in scenario.pools[pool].tiers}
    return [q.id for q in scenario.queues if q.id in served]


def measure(scenario: Scenario, k: int, pool: int) -> list[Raw]:
    """Replication ``k`` of ``scenario``: the raw figures of every interval of its horizon."""
    recorder = StaffRecorder(scenario, pool_refs(scenario, pool), float(scenario.pools[pool].agent.wrap_up_time))
    Simulation(scenario, recorder, replication=k).run()
    count = max(1, math.ceil(scenario.horizon / scenario.report.interval - 1e-9))
    return recorder.raw(pool_queues(scenario, pool), count)


def measure_json(scenario_json: str, k: int, pool: int) -> list[Raw]:
    """Worker: :func:`measure` of a scenario sent as JSON (``planning.parallel``)."""
    from ..parallel import scenario_from_json

    return measure(scenario_from_json(scenario_json), k, pool)


def payload(scenario: Scenario) -> str:
    """The scenario as the JSON text a worker validates: its data files' contents are in it
    (trace rows, empirical values), so an empirical distribution read from a file keeps its
    values and drops the file's name (both at once do not validate)."""
    data = scenario.model_dump(mode="json", by_alias=True)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("dist") == "empirical" and node.get("values") is not None:
                node["file"] = node["column"] = None
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return json.dumps(data, separators=(",", ":"))


def run_candidates(
    scenarios: Sequence[Scenario], tasks: Sequence[tuple[int, int]], pool: int, scheduler: Any = None,
    executor: Any = None,
) -> dict[tuple[int, int], list[Raw]]:
    """``measure`` for every (scenario index, replication) task: in this process, in the
    worker processes of ``executor`` (kept open across batches: ``signals.worker_pool``) or on
    a Dask cluster (``scheduler``, a connected client); the results are the same."""
    from functools import partial

    out: dict[tuple[int, int], list[Raw]] = {}

    def done(task: tuple[int, int], result: list[Raw]) -> None:
        out[task] = [tuple(row) for row in result]

    if scheduler is None and (executor is None or len(tasks) <= 1):
        for i, k in tasks:
            done((i, k), measure(scenarios[i], k, pool))
        return out
    payloads = [payload(s) for s in scenarios]
    if scheduler is not None:
        from ..dask import run_on_dask

        run_on_dask(scheduler, payloads, tasks, done, partial(measure_json, pool=pool))
        return out
    from concurrent.futures import as_completed

    futures = {executor.submit(measure_json, payloads[i], k, pool): (i, k) for i, k in tasks}
    for future in as_completed(futures):
        done(futures[future], future.result())
    return out
