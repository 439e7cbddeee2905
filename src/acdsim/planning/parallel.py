"""Where the runs of a sweep (or of ``simulate``) execute: in this process, in local worker
processes (``jobs``), or on a Dask cluster (``scheduler``).

A run is one replication ``k`` of one scenario. Work leaves this process as the scenario's
JSON text (:func:`scenario_json`: trace rows and empirical values included, so a
worker needs no file) and the replication number; the worker validates the JSON once per
scenario (a small cache) and sends back the replication's KPI dict, exactly the dict an
in-process run returns. So the results do not depend on where they were computed: replication
k of a scenario draws from its own named streams (SCENARIO_FORMAT §8).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from typing import Any

from ..model import Scenario
from ..signals import worker_pool

Task = tuple[int, int]  # (scenario index, replication)
Done = Callable[[Task, Any], None]

_CACHE: dict[str, Scenario] = {}
_CACHE_SIZE = 8


def scenario_json(scenario: Scenario) -> str:
    """The scenario as the JSON text a worker validates. Its data files' contents are in it
    (trace rows, empirical values); an empirical distribution read from a file keeps its
    values and drops the file's name and column, since values and a file at once do not
    validate (and the worker may not see the file)."""
    data = scenario.model_dump(mode="json", by_alias=True)
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("dist") == "empirical" and node.get("values") is not None:
                node["file"] = node["column"] = None
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return json.dumps(data, separators=(",", ":"))


def scenario_from_json(text: str) -> Scenario:
    """The validated scenario of a JSON text from :func:`scenario_json` (cached)."""
    found = _CACHE.get(text)
    if found is None:
        found = Scenario.model_validate_json(text, context={"base_dir": "."})
        if len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[text] = found
    return found


def run_kpis(scenario_json: str, k: int) -> dict[str, Any]:
    """Worker: the KPIs of replication ``k`` of the scenario (as ``runner.run_replication``)."""
    from ..runner import run_replication

    return run_replication(scenario_from_json(scenario_json), k, None)


def local_kpis(scenario: Scenario, k: int) -> dict[str, Any]:
    from ..runner import run_replication

    return run_replication(scenario, k, None)


def run_tasks(
    scenarios: Sequence[Scenario],
    tasks: Sequence[Task],
    done: Done,
    jobs: int = 1,
    scheduler: Any = None,
    worker: Callable[[str, int], Any] | None = None,
    local: Callable[[Scenario, int], Any] | None = None,
) -> None:
    """Run every task; call ``done(task, result)`` in this thread as each finishes (in any
    order). ``jobs == 1`` without a scheduler runs in-process, in task order, on the
    scenarios themselves (no JSON round trip). ``worker(json, k)`` runs a task elsewhere,
    ``local(scenario, k)`` in this process (default: the replication's KPIs)."""
    worker = run_kpis if worker is None else worker
    local = local_kpis if local is None else local
    if scheduler is not None:
        from .dask import run_on_dask

        run_on_dask(scheduler, [scenario_json(s) for s in scenarios], tasks, done, worker)
        return
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            done(task, local(scenarios[task[0]], task[1]))
        return
    payloads = [scenario_json(s) for s in scenarios]
    # worker_pool: leaving the block by an exception (Ctrl-C, SIGTERM, a failed run) cancels
    # the queued runs and ends the running workers at once; workers die with this process.
    with worker_pool(min(jobs, len(tasks))) as pool:
        futures = {pool.submit(worker, payloads[t[0]], t[1]): t for t in tasks}
        for future in as_completed(futures):
            done(futures[future], future.result())
