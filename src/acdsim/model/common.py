"""Shared building blocks of the scenario models: strict frozen base, durations, probabilities."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ..units import DURATION_HELP, DURATION_PATTERN, MAX_DURATION, parse_duration

DURATION_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": MAX_DURATION},
        {"type": "string", "pattern": DURATION_PATTERN},
    ],
    "description": DURATION_HELP,
}

Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(DURATION_SCHEMA),
]
"""Seconds (float), at most MAX_DURATION. Accepts numbers and strings such as "90s", "15m", "8h"."""

T = TypeVar("T")


def _listify(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


Seq = Annotated[tuple[T, ...], BeforeValidator(_listify)]
"""An immutable sequence written as a YAML list."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]

AgentStatus = Literal["available", "available_on_demand", "on_break", "logged_out"]
AGENT_STATUSES: tuple[str, ...] = ("available", "available_on_demand", "on_break", "logged_out")


class Strict(BaseModel):
    """Frozen, unknown keys rejected, no coercion of strings to numbers, no inf/nan numbers."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        populate_by_name=True,
        validate_default=False,
        allow_inf_nan=False,
    )


def field(default: Any = ..., description: str = "", unit: str | None = None, **kw: Any) -> Any:
    """A pydantic Field carrying the description and unit used by the schema and the docs."""
    extra: dict[str, Any] = dict(kw.pop("json_schema_extra", {}) or {})
    if unit:
        extra["unit"] = unit
    return Field(default, description=description, json_schema_extra=extra or None, **kw)
