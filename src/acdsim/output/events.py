"""agent_events.jsonl: the API's AgentEventData for every subscribed agent-login/-logout."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..engine.records import AgentEventRecord, NullRecorder
from ..model import Scenario

EVENT_COLUMNS = ("time", "event_type", "url", "method", "data")
"""The keys of every line of agent_events.jsonl (after ``replication`` when there are several),
and the columns of ``acdsim.simulate(...).agent_events`` (after ``replication``), which has
them even when no event was sent."""


def subscriptions(scenario: Scenario) -> dict[str, list[Any]]:
    return {a.ref: list(a.events) for a in scenario.all_agents() if a.events}


def event_data(scenario_agent: Any, r: AgentEventRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agent_id": str(scenario_agent.id),
        "agent_status": "logged_out" if r.status == "logged_out" else "available",
        "agent_type": scenario_agent.kind,
    }
    if scenario_agent.kind == "remote":
        data["agent_number"] = scenario_agent.number or ""
    else:
        data["extension_name"] = scenario_agent.extension_name or ""
    data["event_source"] = r.source
    return data


class AgentEventWriter(NullRecorder):
    def __init__(self, scenario: Scenario, emit: Callable[[str], None]) -> None:
        self.subs = subscriptions(scenario)
        self.agents = {a.ref: a for a in scenario.all_agents()}
        self.emit = emit
        self.replication: int | None = None

    def agent_event(self, r: AgentEventRecord) -> None:
        for sub in self.subs.get(r.agent, ()):
            if sub.event_type != r.event_type:
                continue
            obj: dict[str, Any] = {}
            if self.replication is not None:
                obj["replication"] = self.replication
            obj.update(
                {
                    "time": round(r.time, 3),
                    "event_type": r.event_type,
                    "url": sub.url,
                    "method": sub.method,
                    "data": event_data(self.agents[r.agent], r),
                }
            )
            self.emit(json.dumps(obj, ensure_ascii=False))
