"""A queue extension: the body of PUT /extension/{id}/queue/ plus its tiers and its traffic."""

from __future__ import annotations

from typing import Literal

from .common import AgentStatus, Duration, Seq, Strict, field
from .limits import INT64_MAX, INT64_MIN, MAX_COUNT
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

    agent_id: int = field(description="id of an agent in agents.local (for a local tier) or agents.remote (for a remote tier)", ge=INT64_MIN, le=INT64_MAX)
    level: int = field(0, description="tier level; lower levels are called first", ge=0, le=INT64_MAX)
    position: int = field(0, description="position within the level", ge=0, le=INT64_MAX)


class QueueAgents(Strict):
    local: Seq[Tier] = field((), description="local agents in this queue (bodies of POST .../queue/agents/local/)")
    remote: Seq[Tier] = field((), description="remote agents in this queue (bodies of POST .../queue/agents/remote/)")


class Queue(Strict):
    id: int = field(description="the queue's extension id (e.g. 208)", ge=INT64_MIN, le=INT64_MAX)
    name: str | None = field(None, description="extension name (e.g. \"000*370\"); default: the id as a string")
    label: str = field("", description="the extension's label (echoed in reports)")
    strategy: Strategy = field("longest-idle-agent", description="how the queue picks the agent(s) to offer a caller to (the queue module's strategies)")
    max_wait_time: Duration = field(
        0.0,
        description="a caller still unanswered after this long leaves the queue with outcome timeout and is forwarded to timeout_transfer_dst (0 = off)",
        unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    timeout_transfer_dst: str | None = field(
        None, description="where timed-out callers are forwarded (recorded in calls.csv transferred_to)"
    )
    max_wait_time_with_no_agent: Duration = field(
        0.0,
        description="leave with outcome no_agent_timeout when the queue has had no logged-in agent this long (0 = off)",
        unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    max_wait_time_with_no_agent_time_reached: Duration = field(
        5.0, description="extra grace added for each caller to max_wait_time_with_no_agent", unit="s",
        le=MAX_QUEUE_SECONDS,
    )
    tier_rules_apply: bool = field(False, description="gate higher tier levels by waiting time (tier_rule_wait_second)")
    tier_rule_wait_second: Duration = field(
        0.0, description="the base wait W of the tier gate: a caller must wait W before the next level is offered", unit="s", le=MAX_QUEUE_SECONDS
    )
    tier_rule_wait_multiply_level: bool = field(
        False, description="level L opens after L x W instead of W"
    )
    tier_rule_no_agent_no_wait: bool = field(
        True, description="the first level that has agents opens at once, without waiting"
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
        False, description="a caller who abandoned and calls back (same number) within discard_abandoned_after resumes the old place (original join time)"
    )
    time_base_score: Literal["queue", "system"] = field(
        "queue", description="queue: a caller's score counts from joining the queue; system: the pre-queue time (callers.pre_queue_time) is added"
    )
    agent_no_answer_status: AgentStatus = field(
        "on_break", description="status an agent is set to when it reaches max_no_answer consecutive no-answers"
    )
    announce_frequency: int = field(0, description="announcement period (audio only; echoed)", unit="s", ge=0, le=MAX_COUNT)
    announce_sound: int | None = field(None, description="announcement sound id (audio only; echoed)", ge=INT64_MIN, le=INT64_MAX)
    sound: int | None = field(None, description="queue music sound id (audio only; echoed)", ge=INT64_MIN, le=INT64_MAX)
    sound_type: str | None = field(None, description="e.g. music (audio only; echoed)")
    record_enabled: bool = field(False, description="call recording (no effect on routing; echoed)")
    agents: QueueAgents = field(QueueAgents(), description="agents in this queue (tiers): {local: [...], remote: [...]}")
    callers: Callers = field(description="the traffic offered to this queue: arrivals, talk time, patience, ...")

    @property
    def display_name(self) -> str:
        return self.name if self.name is not None else str(self.id)
