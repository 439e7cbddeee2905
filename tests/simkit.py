"""Helpers for hand-checkable engine timelines: tiny scenarios built from dicts, run in-process."""

from __future__ import annotations

import copy
from typing import Any

from acdsim.engine import ListRecorder, Simulation
from acdsim.model import Scenario


def agent(i: int, **kw: Any) -> dict[str, Any]:
    return {"id": i, **kw}


def tier(i: int, level: int = 1, position: int = 1) -> dict[str, Any]:
    return {"agent_id": i, "level": level, "position": position}


def scenario(
    *,
    agents: list[dict[str, Any]],
    tiers: list[dict[str, Any]] | None = None,
    trace: list[float] | None = None,
    talk: Any = 100,
    patience: Any = None,
    strategy: str = "longest-idle-agent",
    timing: str = "continuous",
    horizon: float = 3600,
    behaviors: dict[str, Any] | None = None,
    schedule: list[dict[str, Any]] | None = None,
    queue: dict[str, Any] | None = None,
    extra_queues: list[dict[str, Any]] | None = None,
    **top: Any,
) -> Scenario:
    """One queue (id 1) fed by a trace of arrival times (rows built in memory, no file)."""
    callers: dict[str, Any] = {"arrivals": {"calls_per_hour": 0}, "talk_time": talk}
    if patience is not None:
        callers["patience"] = patience
    q: dict[str, Any] = {
        "id": 1,
        "strategy": strategy,
        "agents": {"local": tiers if tiers is not None else [tier(a["id"]) for a in agents]},
        "callers": callers,
    }
    q.update(queue or {})
    data: dict[str, Any] = {
        "horizon": horizon,
        "timing": timing,
        "queues": [q, *(extra_queues or [])],
        "agents": {"local": agents},
        **top,
    }
    if behaviors:
        data["behaviors"] = behaviors
    if schedule:
        data["schedule"] = schedule
    sc = Scenario.model_validate(copy.deepcopy(data))
    if trace is not None:
        sc = with_trace(sc, 1, trace)
    return sc


def with_trace(sc: Scenario, queue_id: int, rows: list[Any]) -> Scenario:
    """Replace a queue's arrivals by an in-memory trace: floats or dicts of TraceRow fields."""
    from acdsim.model import TraceArrivals, TraceRow

    trace_rows = tuple(TraceRow(time=r) if isinstance(r, int | float) else TraceRow(**r) for r in rows)
    arrivals = TraceArrivals.model_construct(trace="<memory>", rows=trace_rows)
    queues = []
    for q in sc.queues:
        if q.id == queue_id:
            q = q.model_copy(update={"callers": q.callers.model_copy(update={"arrivals": arrivals})})
        queues.append(q)
    return sc.model_copy(update={"queues": tuple(queues)})


def run(sc: Scenario, replication: int = 0) -> ListRecorder:
    rec = ListRecorder()
    Simulation(sc, rec, replication=replication).run()
    return rec


def offers(rec: ListRecorder) -> list[tuple[str, str, float, float, str]]:
    """(call, agent, offered_at, ended_at, result) in the order offers ended."""
    return [(o.call_api_id, o.agent, round(o.offered_at, 3), round(o.ended_at, 3), o.result) for o in rec.offers]


def calls(rec: ListRecorder) -> dict[str, Any]:
    return {c.call_api_id: c for c in rec.calls}
