"""Validated, immutable scenario objects (format version 1). Only the loader builds them from files."""

from .agents import AgentEvent, Agents, Behavior, LocalAgent, RemoteAgent
from .common import AGENT_STATUSES
from .distributions import (
    DIST_KINDS,
    Constant,
    Empirical,
    Erlang,
    Exponential,
    Gamma,
    LogNormal,
    Uniform,
)
from .queue import STRATEGIES, Queue, QueueAgents, Tier
from .scenario import Report, Scenario, reference_problems
from .schedule import Shift, StatusChange
from .trace import TraceRecord, TraceTable
from .traffic import (
    Callers,
    ProfileArrivals,
    ProfileStep,
    RateArrivals,
    Retry,
    TraceArrivals,
    TraceRow,
)

__all__ = [
    "AGENT_STATUSES", "DIST_KINDS", "STRATEGIES", "AgentEvent", "Agents", "Behavior", "Callers",
    "Constant", "Empirical", "Erlang", "Exponential", "Gamma", "LocalAgent", "LogNormal",
    "ProfileArrivals", "ProfileStep", "Queue", "QueueAgents", "RateArrivals", "RemoteAgent",
    "Report", "Retry", "Scenario", "Shift", "StatusChange", "Tier", "TraceArrivals", "TraceRecord", "TraceRow",
    "TraceTable",
    "Uniform", "reference_problems",
]
