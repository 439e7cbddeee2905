"""Agents (bodies of POST /client/@me/agent/local|remote/), their event subscriptions, behaviors."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import model_validator

from .common import AgentStatus, Duration, Probability, Seq, Strict, field
from .distributions import Constant, Distribution
from .limits import INT64_MAX, INT64_MIN, MAX_COUNT, MAX_FACTOR


class AgentEvent(Strict):
    """An AgentEvent subscription of the API."""

    url: str = field(description="URL the request is sent to when the event occurs")
    event_type: Literal["agent-login", "agent-logout"] = field(description="agent-login: the status became available (or available_on_demand) from logged_out; agent-logout: it became logged_out")
    method: Literal["GET", "POST"] = field(description="HTTP method of the request")
    id: int | None = field(None, description="subscription id as the API returns it (echoed)", ge=INT64_MIN, le=INT64_MAX)


class _AgentBase(Strict):
    id: int = field(description="agent id, unique within its kind", ge=INT64_MIN, le=INT64_MAX)
    name: str | None = field(None, description="agent name (echoed)")
    status: AgentStatus = field("available", description="the agent's status at t = 0")
    call_timeout: Duration = field(
        60.0, description="how long an offered call rings before it counts as no answer (the PBX's per-agent ring timeout)", unit="s", gt=0
    )
    busy_delay_time: Duration = field(0.0, description="pause after the agent's line was busy", unit="s")
    no_answer_delay_time: Duration = field(0.0, description="pause after a no-answer", unit="s")
    reject_delay_time: Duration = field(0.0, description="pause after the agent rejected the call", unit="s")
    wrap_up_time: Duration = field(0.0, description="pause after a completed call", unit="s")
    max_no_answer: int = field(
        0, description="consecutive no-answers that switch the status to the queue's agent_no_answer_status (0 = never)", ge=0, le=MAX_COUNT
    )
    extra_params: str | None = field(None, description="extra parameters of the API (echoed only)")
    behavior: str = field("default", description="name of a behavior in behaviors (how this agent answers offered calls)")
    events: Seq[AgentEvent] = field((), description="agent event subscriptions: {url, event_type, method}")


class LocalAgent(_AgentBase):
    extension_id: int | None = field(None, description="the agent's extension id", ge=INT64_MIN, le=INT64_MAX)
    extension_name: str | None = field(
        None, description="e.g. \"000*094@ringme.ru\"; used in agent events"
    )

    kind: ClassVar[str] = "local"

    @property
    def ref(self) -> str:
        return f"local/{self.id}"


class RemoteAgent(_AgentBase):
    number: str | None = field(None, description="the external number; used in agent events")

    kind: ClassVar[str] = "remote"

    @property
    def ref(self) -> str:
        return f"remote/{self.id}"


class Agents(Strict):
    local: Seq[LocalAgent] = field((), description="local agents (bodies of POST /client/@me/agent/local/ with their id)")
    remote: Seq[RemoteAgent] = field((), description="remote agents (bodies of POST /client/@me/agent/remote/ with their id)")


class Behavior(Strict):
    """How an agent answers an offered call."""

    answer_time: Distribution = field(
        Constant(value=3.0), description="ringing time before the agent picks up; if it is >= the agent's call_timeout the offer is a no-answer", unit="s"
    )
    p_no_answer: Probability = field(0.0, description="probability that the agent does not pick up at all (rings until call_timeout)")
    p_reject: Probability = field(0.0, description="probability that the agent rejects the call (after reject_after)")
    reject_after: Distribution = field(Constant(value=2.0), description="ringing time before a reject", unit="s")
    p_busy: Probability = field(0.0, description="probability that the line is busy (the offer fails at once)")
    talk_time_factor: float = field(1.0, description="this agent's talk times are the queue's talk_time multiplied by this factor", gt=0, le=MAX_FACTOR)

    @model_validator(mode="after")
    def _sum(self) -> Behavior:
        total = self.p_no_answer + self.p_reject + self.p_busy
        if total > 1 + 1e-12:
            raise ValueError(f"p_no_answer + p_reject + p_busy must be <= 1, got {total:g}")
        return self
