"""A queue extension: the body of PUT /extension/{id}/queue/ plus its tiers and its traffic."""

from __future__ import annotations

from typing import Literal

from .common import AgentStatus, Duration, Seq, Strict, field
from .traffic import Callers

STRATEGIES: tuple[str, ...] = (
    "ring-all",
    "longest-idle-agent",
    "round-robin",
    "top-down",
    "agent-with-least-talk-time",
    "agent-with-fewest-calls",
    "sequentially-by-agent-order",
    "random",
    "ring-progressively",
)
Strategy = Literal[
    "ring-all",
    "longest-idle-agent",
    "round-robin",
    "top-down",
    "agent-with-least-talk-time",
    "agent-with-fewest-calls",
    "sequentially-by-agent-order",
    "random",
    "ring-progressively",
]

MAX_QUEUE_SECONDS = 86400.0  # the module limits its integer queue parameters to 0..86400


class Tier(Strict):
    """Body of POST /extension/{id}/queue/agents/local/ (or /remote/)."""

    agent_id: int = field(description="id of a local (resp. remote) agent of `agents`")
    level: int = field(0, description="tier level; lower levels are called first", ge=0)
    position: int = field(0, description="position within the level", ge=0)


class QueueAgents(Strict):
    local: Seq[Tier] = field((), description="local agents in this queue")
    remote: Seq[Tier] = field((), description="remote agents in this queue")


class Queue(Strict):
    id: int = field(description="the queue's extension id (e.g. 208)")
    name: str | None = field(None, description="extension name (e.g. \"000*370\"); default str(id)")
    label: str = field("", description="label")
    strategy: Strategy = field("longest-idle-agent", description="agent selection strategy")
    max_wait_time: Duration = field(
        0.0,
        description="a caller unanswered this long leaves with outcome timeout (0 = off)",
        unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    timeout_transfer_dst: str | None = field(
        None, description="where timed-out callers are forwarded (calls.csv transferred_to)"
    )
    max_wait_time_with_no_agent: Duration = field(
        0.0,
        description="leave with outcome no_agent_timeout when the queue has had no logged-in agent this long (0 = off)",
        unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    max_wait_time_with_no_agent_time_reached: Duration = field(
        5.0, description="extra grace added for each caller to the no-agent timeout", unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    tier_rules_apply: bool = field(False, description="gate higher levels by waiting time")
    tier_rule_wait_second: Duration = field(
        0.0, description="the base wait W of the tier gate", unit="s", le=MAX_QUEUE_SECONDS
    )
    tier_rule_wait_multiply_level: bool = field(
        False, description="level L opens after L x W instead of W"
    )
    tier_rule_no_agent_no_wait: bool = field(
        True, description="the first level in the walk opens at once"
    )
    ring_progressively_delay: Duration = field(
        10.0,
        description="ring-progressively: seconds between adding agents (0 means 10, as in the module)",
        unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    discard_abandoned_after: Duration = field(
        60.0, description="how long an abandoned caller's place is kept for a resume", unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    abandoned_resume_allowed: bool = field(
        False, description="a caller who calls back within discard_abandoned_after resumes the old place"
    )
    time_base_score: Literal["queue", "system"] = field(
        "queue", description="system adds the caller's pre-queue time to its score"
    )
    agent_no_answer_status: AgentStatus = field(
        "on_break", description="status set when an agent reaches max_no_answer"
    )
    announce_frequency: int = field(0, description="announcement period (audio only; echoed)", unit="s", ge=0)
    announce_sound: int | None = field(None, description="announcement sound id (audio only; echoed)")
    sound: int | None = field(None, description="queue music sound id (audio only; echoed)")
    sound_type: str | None = field(None, description="e.g. music (audio only; echoed)")
    record_enabled: bool = field(False, description="call recording (no effect on routing; echoed)")
    agents: QueueAgents = field(QueueAgents(), description="agents in this queue (tiers)")
    callers: Callers = field(description="the traffic offered to this queue")

    @property
    def display_name(self) -> str:
        return self.name if self.name is not None else str(self.id)
