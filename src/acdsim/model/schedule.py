"""Scheduled agent status changes and shifts."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from ..units import shown
from .common import AgentStatus, Duration, Seq, Strict, field
from .limits import INT64_MAX, INT64_MIN

AGENT_REF = re.compile(r"^(local|remote)/(-?[0-9]{1,25})$")


def ref_id(match: re.Match[str]) -> int:
    """The agent id of a matched reference (at most 25 digits, so int() is cheap)."""
    return int(match.group(2))


def parse_ref(value: object) -> tuple[str, int] | None:
    """``(kind, id)`` of a valid agent reference (see :func:`check_ref`), else None."""
    if not isinstance(value, str):
        return None
    try:
        check_ref(value)
    except ValueError:
        return None
    match = AGENT_REF.match(value)
    assert match is not None
    return match.group(1), ref_id(match)


def check_ref(value: str) -> str:
    """An agent reference written exactly as the engine names the agent (``local/1``, no
    leading zeros), so that ``local/01`` cannot pass the checks and then name no agent."""
    match = AGENT_REF.match(value)
    if not match:
        raise ValueError(f"{shown(value)} is not an agent reference (expected local/<id> or remote/<id>)")
    number = ref_id(match)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f"{shown(value)}: the agent id is out of range (ids are 64-bit integers)")
    canonical = f"{match.group(1)}/{number}"
    if canonical != value:
        raise ValueError(f"{shown(value)} is not written as acdsim names the agent: write {canonical!r}")
    return value


class StatusChange(Strict):
    at: Duration = field(description="when the status is set", unit="s")
    agent: str = field(description="the agent: local/<id> or remote/<id>")
    status: AgentStatus = field(description="the new status")
    source: Literal["api", "phone"] = field("api", description="event_source of the agent event it produces")

    @field_validator("agent")
    @classmethod
    def _ref(cls, ref: str) -> str:
        return check_ref(ref)


class Shift(Strict):
    """Available in [from, to), logged out outside it."""

    agents: Seq[str] = field(description="agents working this shift: local/<id> or remote/<id>", min_length=1)
    from_: Duration = Field(alias="from", description="shift start: the agents become available", json_schema_extra={"unit": "s"})
    to: Duration = field(description="shift end: the agents log out", unit="s")
    source: Literal["api", "phone"] = field("api", description="event_source of the agent events")

    @field_validator("agents")
    @classmethod
    def _refs(cls, refs: tuple[str, ...]) -> tuple[str, ...]:
        for ref in refs:
            check_ref(ref)
        return refs

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if self.to <= self.from_:
            raise ValueError(f"'to' ({self.to:g}) must be after 'from' ({self.from_:g})")
        return self


def _entry_tag(value: Any) -> str:
    if isinstance(value, dict):
        if "agents" in value or "from" in value or "to" in value:
            return "shift"
        return "change"
    return "shift" if isinstance(value, Shift) else "change"


ScheduleEntry = Annotated[
    Annotated[StatusChange, Tag("change")] | Annotated[Shift, Tag("shift")],
    Discriminator(_entry_tag),
]
