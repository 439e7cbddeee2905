"""Agent pools: N interchangeable agents declared once, with a staffing level or curve.

A pool is sugar that expands at the edge (in the model, when a scenario is validated) into
ordinary agents, tiers and schedule entries; the engine knows nothing of pools. Agent k of a
pool (k = 0, 1, ...) has the id ``first_id + k``; while the curve asks for n agents, agents
0 .. n-1 are logged in: when it rises the lowest-numbered logged-out agents log in, when it
falls the highest-numbered logged-in ones log out. A log-out during a call lets the call
finish (the module changes the status, not the state: reference §3.3).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import PathT
from .agents import LocalAgent, RemoteAgent, _AgentBase
from .common import AgentStatus, Duration, Seq, Strict, field
from .limits import INT64_MAX, INT64_MIN
from .queue import Tier
from .schedule import StatusChange

MAX_POOL_AGENTS = 100_000
"""The most agents one pool may have at a time."""


class PoolAgent(_AgentBase):
    """The fields shared by every agent of a pool: any agent field but ``id``."""

    id: int = Field(0, exclude=True, description="(not allowed: a pool numbers its agents from first_id)")
    status: AgentStatus = field("available", description="the status of a logged-in agent of the pool (logged_out only with a constant staffing)")
    extension_id: int | None = field(None, description="local pools: the agents' extension id", ge=INT64_MIN, le=INT64_MAX)
    extension_name: str | None = field(None, description="local pools: the agents' extension name")
    number: str | None = field(None, description="remote pools: the agents' external number")

    @model_validator(mode="after")
    def _no_id(self) -> PoolAgent:
        if "id" in self.model_fields_set:
            raise ValueError("a pool numbers its agents from first_id: the agent takes no id")
        return self


class PoolTier(Strict):
    queue: int = field(description="id of the queue the pool's agents serve", ge=INT64_MIN, le=INT64_MAX)
    level: int = field(0, description="tier level of every agent of the pool", ge=0, le=INT64_MAX)
    position: int = field(0, description="tier position of the pool's first agent; agent k has position + k unless fixed_position", ge=0, le=INT64_MAX // 2)
    fixed_position: bool = field(False, description="every agent of the pool has the same position")


class StaffingStep(Strict):
    at: Duration = field(description="from when this many agents are logged in (until the next row); a duration, or a clock time HH:MM on the day of `start`", unit="s")
    agents: int = field(description="agents of the pool logged in from `at` on", ge=0, le=MAX_POOL_AGENTS)

    @field_validator("at", mode="before")
    @classmethod
    def _clock(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and ":" in value:
            from ..forecast import parse_at
            from .forecast_file import clock_origin

            return parse_at(value, clock_origin(info))
        return value


class StaffingFile(Strict):
    file: str = field(description="CSV file with the columns at, agents (comma or semicolon); inside the scenario's folder unless allowed with --allow-path")
    steps: Seq[StaffingStep] = field((), description="(filled by the loader from `file`)")

    @model_validator(mode="before")
    @classmethod
    def _load(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "steps" not in data and isinstance(data.get("file"), str):
            from .forecast_file import read_staffing_file

            data = {**data, "steps": read_staffing_file(data["file"], info)}
        return data


def _staffing_tag(value: Any) -> str:
    if isinstance(value, dict | StaffingFile):
        return "file"
    if isinstance(value, list | tuple):
        return "curve"
    return "count"


Staffing = Annotated[
    Annotated[int, Field(ge=0, le=MAX_POOL_AGENTS), Tag("count")]
    | Annotated[Seq[StaffingStep], Field(min_length=1), Tag("curve")]
    | Annotated[StaffingFile, Tag("file")],
    Discriminator(_staffing_tag),
]


class Pool(Strict):
    """N interchangeable agents: expanded into agents, tiers and schedule entries."""

    name: str = field(description="the pool's name (in messages)")
    type: Literal["local", "remote"] = field("local", description="the kind of the pool's agents")
    first_id: int = field(description="id of the pool's first agent; the others follow (first_id + 1, ...); they must not clash with listed agents or other pools", ge=INT64_MIN, le=INT64_MAX - MAX_POOL_AGENTS)
    agent: PoolAgent = field(PoolAgent(), description="the fields of every agent of the pool (any agent field but id); its status is the status of a logged-in agent")
    tiers: Seq[PoolTier] = field((), description="the queues the pool's agents serve: {queue, level, position, fixed_position}")
    staffing: Staffing = field(description="agents logged in: a number (all the time), a curve [{at, agents}, ...] (0 before the first row), or {file: staffing.csv}")

    @model_validator(mode="after")
    def _checks(self) -> Pool:
        kind_fields = {"extension_id", "extension_name"} if self.type == "remote" else {"number"}
        wrong = sorted(f for f in kind_fields if getattr(self.agent, f) is not None)
        if wrong:
            raise ValueError(f"agent.{wrong[0]} is not a field of a {self.type} agent")
        if self.agent.status == "logged_out" and not isinstance(self.staffing, int):
            raise ValueError("agent.status: a pool with a staffing curve logs its agents in: use available, available_on_demand or on_break")
        steps = self.steps()
        for before, after in zip(steps, steps[1:], strict=False):
            if after.at <= before.at:
                raise ValueError(f"staffing: 'at' values must increase strictly ({after.at:g} follows {before.at:g})")
        return self

    def steps(self) -> tuple[StaffingStep, ...]:
        """The staffing curve; a constant level is one step at 0."""
        if isinstance(self.staffing, int):
            return (StaffingStep(at=0.0, agents=self.staffing),)
        if isinstance(self.staffing, StaffingFile):
            return self.staffing.steps
        return tuple(self.staffing)

    def size(self) -> int:
        return max((s.agents for s in self.steps()), default=0)

    def refs(self) -> list[str]:
        return [f"{self.type}/{self.first_id + k}" for k in range(self.size())]


def expand_pool(pool: Pool) -> tuple[list[LocalAgent | RemoteAgent], dict[int, list[Tier]], list[StatusChange]]:
    """The agents, the tiers by queue id and the status changes that the pool stands for."""
    steps = pool.steps()
    size = pool.size()
    at_zero = 0
    for step in steps:
        if step.at <= 0:
            at_zero = step.agents
    online = pool.agent.status
    model = LocalAgent if pool.type == "local" else RemoteAgent
    fields = pool.agent.model_dump(exclude={"id"}, exclude_unset=True)
    for name in ("extension_id", "extension_name", "number"):
        if name not in model.model_fields:
            fields.pop(name, None)
    agents: list[LocalAgent | RemoteAgent] = []
    for k in range(size):
        status = online if k < at_zero else "logged_out"
        agents.append(model.model_validate({**fields, "id": pool.first_id + k, "status": status}))
    tiers: dict[int, list[Tier]] = {}
    for tier in pool.tiers:
        rows = tiers.setdefault(tier.queue, [])
        for k in range(size):
            position = tier.position if tier.fixed_position else tier.position + k
            rows.append(Tier(agent_id=pool.first_id + k, level=tier.level, position=position))
    changes: list[StatusChange] = []
    level = at_zero
    for step in steps:
        if step.at <= 0:
            continue
        if step.agents > level:
            for k in range(level, step.agents):  # the lowest-numbered logged-out agents
                changes.append(StatusChange(at=step.at, agent=f"{pool.type}/{pool.first_id + k}", status=online))
        else:
            for k in range(level - 1, step.agents - 1, -1):  # the highest-numbered logged-in ones
                changes.append(StatusChange(at=step.at, agent=f"{pool.type}/{pool.first_id + k}", status="logged_out"))
        level = step.agents
    return agents, tiers, changes


def agent_key(agent: Any) -> Any:
    return agent.id


def tier_key(tier: Any) -> Any:
    return tier.agent_id


def change_key(entry: Any) -> Any:
    return (entry.at, entry.agent, entry.status) if isinstance(entry, StatusChange) else None


def appended(listed: tuple[Any, ...], generated: list[Any], key: Any) -> tuple[Any, ...]:
    """``generated`` after ``listed``, less the listed items equal to a generated one: a copy
    of the pool's own entries (a scenario rebuilt from its expanded fields) is not doubled."""
    if not generated:
        return listed
    made: dict[Any, list[Any]] = {}
    for item in generated:
        made.setdefault(key(item), []).append(item)
    kept = tuple(item for item in listed if item not in made.get(key(item), ()))
    return (*kept, *generated)


def pool_problems(
    data: dict[str, Any], pool_spans: list[tuple[str, int, int]], ids: dict[str, set[int]]
) -> list[tuple[PathT, str]]:
    """Pool agents that clash with listed agents or another pool; tiers naming no queue;
    behaviors that do not exist. Only called when every pool is valid."""
    problems: list[tuple[PathT, str]] = []
    pools = data["pools"]
    queue_ids = {q.get("id") for q in data.get("queues") or [] if isinstance(q, dict)}
    behaviors_raw = data.get("behaviors")
    behaviors = {"default", *(behaviors_raw if isinstance(behaviors_raw, dict) else ())}
    for index, (pool, (kind, first, size)) in enumerate(zip(pools, pool_spans, strict=True)):
        last = first + size - 1
        clash = sorted(i for i in ids[kind] if first <= i <= last)
        if clash:
            problems.append(((("pools", index, "first_id")), f"{kind} agent {clash[0]} of pool {pool.get('name')!r} is also listed in agents.{kind} (the pool has ids {first}..{last})"))
        for other, (other_kind, other_first, other_size) in enumerate(pool_spans[:index]):
            if other_kind == kind and size and other_size and first <= other_first + other_size - 1 and other_first <= last:
                problems.append(((("pools", index, "first_id")), f"the ids of pool {pool.get('name')!r} ({first}..{last}) overlap those of pools[{other}] ({other_first}..{other_first + other_size - 1})"))
        for ti, tier in enumerate(pool.get("tiers") or []):
            if isinstance(tier, dict) and tier.get("queue") not in queue_ids:
                problems.append((("pools", index, "tiers", ti, "queue"), f"queue {tier.get('queue')} is not defined in queues"))
        agent = pool.get("agent")
        behavior = agent.get("behavior", "default") if isinstance(agent, dict) else "default"
        readable = behaviors_raw is None or isinstance(behaviors_raw, dict)
        if readable and isinstance(behavior, str) and behavior not in behaviors:
            known = ", ".join(sorted(behaviors))
            problems.append((("pools", index, "agent", "behavior"), f"unknown behavior {behavior!r} (defined: {known})"))
    return problems
