"""The simulation engine: the queue module's routing semantics on a simpy kernel.

It takes validated scenario objects and emits immutable records to a recorder; it never
imports pandas, matplotlib or yaml.
"""

from .guards import NoProgressError
from .records import (
    AgentEventRecord,
    AgentPauseRecord,
    AgentStateRecord,
    CallRecord,
    ListRecorder,
    MemberStateRecord,
    NullRecorder,
    OfferRecord,
    Recorder,
)
from .simulation import RunStats, Simulation
from .strategies import STRATEGIES, Strategy

__all__ = [
    "STRATEGIES", "AgentEventRecord", "AgentPauseRecord", "AgentStateRecord", "CallRecord",
    "ListRecorder", "MemberStateRecord", "NoProgressError", "NullRecorder", "OfferRecord", "Recorder", "RunStats",
    "Simulation", "Strategy",
]
