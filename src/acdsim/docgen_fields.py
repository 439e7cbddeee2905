"""A model field in the words of the scenario file: its type (``duration (s) >= 0``, a link to
the section of a nested object, the allowed literals), its bounds and its default written as
flow YAML. The links point to the sections of :mod:`acdsim.docgen_sections`.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from inspect import isclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .docgen_sections import SECTIONS
from .model import (
    AgentEvent,
    Constant,
    LocalAgent,
    ProfileArrivals,
    ProfileStep,
    QueueAgents,
    RateArrivals,
    RemoteAgent,
    Shift,
    StatusChange,
    TraceArrivals,
)
from .model.distributions import as_constant
from .model.pools import Pool, PoolAgent, PoolTier, StaffingFile, StaffingStep
from .units import parse_duration


def _unit(info: FieldInfo) -> str | None:
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        unit = extra.get("unit")
        return str(unit) if unit else None
    return None


def type_text(info: FieldInfo) -> str:
    """A field's type in words: ``duration (s) ≥ 0``, ``int ≥ 1``, ```pbx` | `continuous```."""
    text = _describe_type(info.annotation, list(info.metadata))
    unit = _unit(info)
    if unit:
        text += f" ({unit})"
    bounds = []
    for meta in info.metadata:
        for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="), ("min_length", "items >=")):
            value = getattr(meta, attr, None)
            if value is not None:
                bounds.append(f"{sign} {_num(value)}")
    if bounds:
        text += ", " + ", ".join(bounds)
    return text


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_duration(metadata: list[Any]) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is parse_duration for m in metadata)


def _is_distribution(metadata: list[Any]) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is as_constant for m in metadata)


def _describe_type(tp: Any, metadata: list[Any]) -> str:
    if get_origin(tp) is typing.Annotated:
        args = get_args(tp)
        return _describe_type(args[0], [*metadata, *args[1:]])
    if _is_duration(metadata):
        return "duration"
    if _is_distribution(metadata):
        return "[distribution](#distributions)"
    if get_origin(tp) in (Union, types.UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        nullable = len(members) < len(get_args(tp))
        if len(members) == 1:
            inner = _describe_type(members[0], metadata)
        elif all(isclass(m) and issubclass(m, BaseModel) for m in map(_bare, members)):
            inner = " or ".join(_describe_type(_bare(m), []) for m in members if _anchor(_bare(m)))
        else:
            inner = " or ".join(_describe_type(m, []) for m in members)
        return f"{inner} | null" if nullable else inner
    if get_origin(tp) is Literal:
        return " | ".join(f"`{v}`" for v in get_args(tp))
    if get_origin(tp) is tuple:
        item = _describe_type(get_args(tp)[0], [])
        return f"list of {item}"
    if get_origin(tp) is dict:
        return f"map: name → {_describe_type(get_args(tp)[1], [])}"
    if isclass(tp) and issubclass(tp, BaseModel):
        anchor = _anchor(tp)
        return f"[{_LINK_NAMES.get(tp, tp.__name__.lower())}](#{anchor})" if anchor else "map"
    simple = {int: "int", float: "number", str: "string", bool: "bool", dt.datetime: "datetime string"}
    return simple.get(tp, getattr(tp, "__name__", str(tp)))


def _anchor(tp: Any) -> str | None:
    for anchor, _, model, _ in SECTIONS:
        if model is tp:
            return anchor
    return None


_LINK_NAMES: dict[Any, str] = {
    StatusChange: "status change",
    Shift: "shift",
    RateArrivals: "rate",
    ProfileArrivals: "profile",
    TraceArrivals: "trace",
    QueueAgents: "tiers",
    LocalAgent: "local agent",
    RemoteAgent: "remote agent",
    AgentEvent: "agent event",
    ProfileStep: "step",
    Pool: "pool",
    PoolAgent: "pool agent",
    PoolTier: "pool tier",
    StaffingStep: "staffing step",
    StaffingFile: "staffing file",
}


def _bare(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def default_text(info: FieldInfo) -> str:
    if info.is_required() or info.default is PydanticUndefined:
        return "*required*"
    return f"`{yaml_value(info.default)}`"


def yaml_value(value: Any) -> str:
    """A default as one would write it in the scenario file (flow YAML)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if value and value.strip() == value and ":" not in value else f'"{value}"'
    if isinstance(value, dt.datetime):
        return f'"{value:%Y-%m-%d %H:%M:%S}"'
    if isinstance(value, Constant):
        return yaml_value(value.value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, BaseModel):
        changed = {
            (info.alias or name): getattr(value, name)
            for name, info in type(value).model_fields.items()
            if name in value.model_fields_set
        }
        return yaml_value(changed)
    return str(value)
