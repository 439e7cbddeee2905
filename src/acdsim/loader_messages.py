"""Pydantic's validation errors turned into the loader's user messages.

Holds how an error location is followed through the models and the data together (union
tags skipped, missing fields still named), the line of a path, and the wording: unknown
keys with the allowed ones listed closest first, literal choices, expected types, ranges
and lengths, with values shown the way a user wrote them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from collections.abc import Sequence
from inspect import isclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Tag

from .errors import PathT, Problem
from .model import LocalAgent, RemoteAgent, Scenario
from .model.traffic import ProfileArrivals, RateArrivals, TraceArrivals
from .units import shown

Lines = dict[PathT, int]

_ARRIVAL_KEYS = ("calls_per_hour", "profile", "trace")


def line_of(lines: Lines, path: PathT) -> int | None:
    """The line of ``path``, else of its nearest enclosing value that has one."""
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


_MISSING = object()


def translate_errors(
    errors: list[Any], data: Any, lines: Lines, filename: str, unreadable: Sequence[PathT] = ()
) -> list[Problem]:
    """Pydantic errors -> problems with real data paths, lines and user messages.

    Errors about a value at or under an ``unreadable`` path (one the YAML walk already
    reported) are left out: they would only repeat that problem. An unknown key is kept.
    """
    located = []
    for error in errors:
        path, value, owner, final = _follow(tuple(error["loc"]), data)
        if error["type"] != "extra_forbidden" and any(path[: len(u)] == u for u in unreadable):
            continue
        if error["loc"] and error["loc"][-1] == "[key]" and path:
            value = path[-1]  # the mapping key itself is wrong
        located.append((error, path, value, owner, final))
    problems = []
    for error, path, value, owner, final in located:
        if error["type"] == "too_short" and any(
            len(other) > len(path) and other[: len(path)] == path for _, other, *_ in located
        ):
            continue  # pydantic also reports a list as too short when its items failed
        message = _message(error, path, value, owner, final)
        problems.append(Problem(filename, line_of(lines, path), path, message))
    return problems


def _follow(loc: tuple[Any, ...], data: Any) -> tuple[PathT, Any, type | None, Any]:
    """Walk ``loc`` against the models and the data together.

    Returns the data path, the value there (or ``_MISSING``), the model owning the last key,
    and the type expected at the end. Union tags and other parts of ``loc`` that are no key
    or index of the data are skipped.
    """
    tp: Any = Scenario
    node: Any = data
    path: list[str | int] = []
    owner: type | None = None
    for element in loc:
        tp, tag_consumed = _enter_union(tp, element)
        if tag_consumed:
            continue
        child_tp = _child_type(tp, element)
        is_model = isclass(tp) and issubclass(tp, BaseModel)
        if (isinstance(node, dict) and _hashable(element) and element in node) or (
            isinstance(node, list | tuple)
            and isinstance(element, int)
            and not isinstance(element, bool)
            and 0 <= element < len(node)
        ):
            node = node[element]
        elif is_model and child_tp is not None and isinstance(node, dict):
            node = _MISSING  # a missing field: the path still names it
        else:
            continue  # e.g. '[key]', 'function-after[...]'
        if is_model:
            owner = tp
        path.append(element)
        tp = child_tp
    tp = _enter_union(tp, None)[0]
    return tuple(path), node, owner, tp


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _strip(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _tag(tp: Any) -> str | None:
    if get_origin(tp) is typing.Annotated:
        for meta in get_args(tp)[1:]:
            if isinstance(meta, Tag):
                return meta.tag
    return None


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _enter_union(tp: Any, element: Any) -> tuple[Any, bool]:
    """Resolve unions: Optional[X] -> X; a tagged union consumes ``element`` when it is a tag."""
    tp = _strip(tp)
    while _is_union(tp):
        members = [m for m in get_args(tp) if m is not type(None)]
        tagged = {_tag(m): m for m in members}
        if None not in tagged:
            if element in tagged:
                return _strip(tagged[element]), True
            return None, False
        if len(members) == 1:
            tp = _strip(members[0])
            continue
        return None, False
    return tp, False


def _child_type(tp: Any, element: Any) -> Any:
    if tp is None:
        return None
    if isclass(tp) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if element == name or element == info.alias:
                return info.annotation
        return None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is tuple and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[0] if element == "[key]" else args[1]
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def describe(value: Any) -> str:
    """A value as a user wrote it: ``'abc'``, ``3``, ``true``, ``null``, ``a list``."""
    if value is _MISSING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, int | float):
        return shown(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime | dt.date):
        return f"a date ({value})"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


_EXPECTED = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "iterable_type": "a list",
    "none_required": "null",
    "datetime_type": 'a datetime ("YYYY-MM-DD HH:MM:SS")',
}

_RANGE = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
_RANGE_CTX = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeio" else f"a {noun}"


def _message(error: Any, path: PathT, value: Any, owner: type | None, final: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    raw = value if value is not _MISSING else error.get("input")
    key = path[-1] if path else None
    if kind == "missing":
        return f"missing required key {key!r}" if key is not None else "a required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(key, owner)
    if kind == "literal_error":
        if key == "acdsim":
            return f"unsupported format version {describe(raw)} (this acdsim reads version 1: write 'acdsim: 1')"
        allowed = list(get_args(final)) if get_origin(final) is Literal else []
        if not allowed:
            allowed = [part.strip(" '") for part in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        noun = _article(str(key)) if isinstance(key, str) else "an allowed value"
        return f"{describe(raw)} is not {noun} (expected one of: {', '.join(map(str, allowed))})"
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {describe(raw)}"
        if kind == "string_type" and isinstance(raw, int | float) and not isinstance(raw, bool):
            message += f' (write it in quotes: "{raw}")'
        return message
    if kind in ("value_error", "assertion_error"):
        text = str(error["msg"])
        for prefix in ("Value error, ", "Assertion failed, "):
            if text.startswith(prefix):
                text = text[len(prefix):]
        return text
    if kind in _RANGE:
        limit = _number(ctx.get(_RANGE_CTX[kind]))
        got = error.get("input")
        shown = describe(raw)
        if isinstance(raw, str) and isinstance(got, int | float):
            shown += f" = {_number(got)} s"
        return f"must be {_RANGE[kind]} {limit}, got {shown}"
    if kind == "finite_number":
        return f"must be a finite number, got {describe(raw)}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'s' if least != 1 else ''}, got {ctx.get('actual_length', 0)}"
    if kind == "too_long":
        return f"takes at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    text = str(error.get("msg", kind))
    return text[:1].lower() + text[1:]


def _unknown_key(key: Any, owner: type | None) -> str:
    if owner is None:
        return f"unknown key {key!r}"
    if owner is LocalAgent and key in RemoteAgent.model_fields and key not in LocalAgent.model_fields:
        return f"{key!r} is only for remote agents (agents.remote)"
    if owner is RemoteAgent and key in LocalAgent.model_fields and key not in RemoteAgent.model_fields:
        return f"{key!r} is only for local agents (agents.local)"
    allowed = _keys(owner)
    if owner in (RateArrivals, ProfileArrivals, TraceArrivals) and key in _ARRIVAL_KEYS:
        given = next(k for k in _ARRIVAL_KEYS if k in allowed)
        return (
            f"{key!r} cannot be combined with {given!r}: arrivals takes exactly one of "
            f"{', '.join(_ARRIVAL_KEYS)}"
        )
    text = str(key)
    ranked = sorted(
        allowed, key=lambda name: -difflib.SequenceMatcher(None, text, name).ratio()
    )
    return f"unknown key {key!r} (allowed: {', '.join(ranked)})"
