"""Read a scenario file into a validated :class:`~acdsim.model.Scenario`, or explain what is wrong.

Every problem is reported at once, with the file, the line and the path of the value
(SCENARIO_FORMAT §9). YAML is read with PyYAML's *safe* loader (the C one when available):
the node tree is composed first so that the line of every key, list item and value is
known, then turned into plain Python data, validated by the models and checked for
dangling references.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Mapping
from inspect import isclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Tag, ValidationError

from .errors import PathT, Problem, ScenarioError, sort_problems
from .model import LocalAgent, RemoteAgent, Scenario, reference_problems
from .model.traffic import ProfileArrivals, RateArrivals, TraceArrivals

__all__ = [
    "Problem",
    "ScenarioError",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_text",
    "parse_yaml",
    "read_scenario_text",
]

Lines = dict[PathT, int]

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED: dict[tuple[str, Any], str] = {}


# YAML 1.1 (PyYAML) reads 1e3 or 2.5E-1 as strings; YAML 1.2 and JSON read them as numbers.
_FLOAT_12 = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")


class _SafeLoader(_BaseLoader):
    """The safe loader, plus YAML 1.2 exponent floats and a memo of implicit scalar tags
    (resolving tags is most of the parse time of a big scenario)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if tag == _STR and implicit[0] and _FLOAT_12.match(value):
                tag = _TAG + "float"
            if len(value) <= 40:
                if len(_RESOLVED) > 50_000:
                    _RESOLVED.clear()
                _RESOLVED[key] = tag
        return tag


_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_INT = _TAG + "int"
_MAX_NODES = 2_000_000  # guards against alias bombs ("billion laughs")
_ARRIVAL_KEYS = ("calls_per_hour", "profile", "trace")


# ---------------------------------------------------------------------------------------------
# public entry points


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario file; raise :class:`ScenarioError` listing every problem.

    ``overrides`` replace top-level keys (e.g. ``{"seed": 3}`` from ``--seed 3``) before
    validation; problems with them are reported as coming from the command line.
    """
    text = read_scenario_text(path)
    file = str(path)
    return load_scenario_text(text, filename=file, base_dir=Path(file).parent, overrides=overrides)


def load_scenario_text(
    text: str,
    filename: str = "<string>",
    base_dir: str | Path = ".",
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Load a scenario from YAML (or JSON) text. ``base_dir`` resolves trace and empirical files."""
    data, lines, problems = parse_yaml(text, filename)
    return _validate(data, lines, filename, Path(base_dir), problems, overrides)


def load_scenario_data(
    data: Any,
    filename: str = "<data>",
    base_dir: str | Path = ".",
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Validate already-parsed data (a dict as ``yaml.safe_load`` or ``json.load`` return it)."""
    if not isinstance(data, dict):
        raise ScenarioError.single(filename, _top_level_message(data))
    return _validate(dict(data), {}, filename, Path(base_dir), [], overrides)


def read_scenario_text(path: str | Path) -> str:
    """The text of a scenario file, or a one-problem :class:`ScenarioError` saying why not."""
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise ScenarioError.single(file, "no such file")
    if p.is_dir():
        raise ScenarioError.single(file, "is a directory, not a scenario file")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError.single(file, f"cannot read the file: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ScenarioError.single(file, "this is not a text file (it holds binary data)", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        raise ScenarioError.single(
            file, f"the file is not UTF-8 text (byte 0x{byte:02x} cannot be decoded)", line
        ) from None
    if not text.strip():
        raise ScenarioError.single(file, _EMPTY)
    return text


_EMPTY = "the file is empty (a scenario is a mapping with at least horizon, queues and agents)"


# ---------------------------------------------------------------------------------------------
# YAML -> plain data + line of every path


def parse_yaml(text: str, filename: str = "<string>") -> tuple[dict[str, Any], Lines, list[Problem]]:
    """Compose ``text`` and build plain data, the line of every path, and the YAML-level problems.

    Raises :class:`ScenarioError` for problems that leave nothing to validate (syntax
    error, empty document, top level not a mapping).
    """
    loader = _SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise ScenarioError([_yaml_problem(exc, filename, text)]) from None
        if root is None:
            raise ScenarioError.single(filename, _EMPTY)
        builder = _Builder(loader, filename)
        if not isinstance(root, yaml.MappingNode) or root.tag != _TAG + "map":
            value = builder.build(root, ())
            raise ScenarioError.single(filename, _top_level_message(value), root.start_mark.line + 1)
        data = builder.build(root, ())
        builder.lines[()] = root.start_mark.line + 1
        return data, builder.lines, builder.problems
    finally:
        loader.dispose()


def _top_level_message(value: Any) -> str:
    return (
        "the top level must be a mapping of keys (acdsim, name, horizon, queues, agents, ...), "
        f"got {describe(value)}"
    )


def _yaml_problem(exc: yaml.YAMLError, filename: str, text: str) -> Problem:
    line: int | None = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            line = mark.line + 1
        parts = [p for p in (exc.context, exc.problem) if p]
        if (
            exc.context_mark is not None
            and exc.problem_mark is not None
            and exc.context
            and exc.context_mark.line != exc.problem_mark.line
        ):
            parts[0] = f"{exc.context} (line {exc.context_mark.line + 1})"
        message = ", ".join(parts) or "invalid YAML"
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        message = f"character {exc.character!r} is not allowed in YAML"
    else:
        message = str(exc).strip().replace("\n", " ")
    return Problem(filename, line, (), f"YAML syntax error: {message}")


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars, noting the line of each path."""

    def __init__(self, loader: Any, filename: str) -> None:
        self.loader = loader
        self.filename = filename
        self.lines: Lines = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()

    def problem(self, node: yaml.Node, path: PathT, message: str) -> None:
        self.problems.append(Problem(self.filename, node.start_mark.line + 1, path, message))

    def build(self, node: yaml.Node, path: PathT) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            self.problem(node, (), f"too many values: aliases expand to more than {_MAX_NODES:,}")
            raise ScenarioError(self.problems)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value
            return self.scalar(node, path)
        if id(node) in self.active:
            self.problem(node, path, "an alias refers to the value that contains it")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _TAG + "seq":
                    self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
                items = []
                for index, item in enumerate(node.value):
                    sub = (*path, index)
                    self.lines[sub] = item.start_mark.line + 1
                    items.append(self.build(item, sub))
                return items
            assert isinstance(node, yaml.MappingNode)
            if node.tag != _TAG + "map":
                self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: PathT) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges = [v for k, v in node.value if k.tag == _TAG + "merge"]
        for source in merges:  # YAML merge keys (<<: *anchor): explicit keys win
            sources = source.value if isinstance(source, yaml.SequenceNode) else [source]
            for sub in sources:
                if not isinstance(sub, yaml.MappingNode):
                    self.problem(sub, path, "'<<' (merge) needs a mapping or a list of mappings")
                    continue
                for key, value in self.build(sub, path).items():
                    out.setdefault(key, value)
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                continue
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "a mapping key must be a plain value, not a list or mapping")
                continue
            key = key_node.value if key_node.tag == _STR else self.scalar(key_node, path)
            try:
                hash(key)
            except TypeError:
                self.problem(key_node, path, "a mapping key must be a plain value")
                continue
            sub = (*path, key)
            if key in first:
                self.problems.append(
                    Problem(self.filename, key_line, sub, f"duplicate key {key!r} (first given on line {first[key]})")
                )
            else:
                first[key] = key_line
            self.lines[sub] = key_line
            out[key] = self.build(value_node, sub)
        return out

    def scalar(self, node: yaml.ScalarNode, path: PathT) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        loader = self.loader
        try:
            if tag == _INT:
                value = node.value
                return int(value) if value.isdigit() and value[0] != "0" else loader.construct_yaml_int(node)
            if tag == _TAG + "float":
                return loader.construct_yaml_float(node)
            if tag == _TAG + "bool":
                return loader.construct_yaml_bool(node)
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "timestamp":
                return loader.construct_yaml_timestamp(node)
            return loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.problem(node, path, f"cannot read value {node.value!r}: {detail}")
            return node.value


# ---------------------------------------------------------------------------------------------
# validation and translation of pydantic's errors into user messages


def _validate(
    data: dict[str, Any],
    lines: Lines,
    filename: str,
    base_dir: Path,
    problems: list[Problem],
    overrides: Mapping[str, Any] | None,
) -> Scenario:
    problems = list(problems)
    if "name" not in data and not filename.startswith("<"):
        data["name"] = Path(filename).stem
    overridden = set(overrides or ())
    if overrides:
        data.update(overrides)
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(
            data, context={"base_dir": str(base_dir), "skip_references": True}
        )
    except ValidationError as exc:
        problems.extend(translate_errors(exc.errors(include_url=False), data, lines, filename))
    for path, message in reference_problems(data):
        problems.append(Problem(filename, line_of(lines, path), tuple(path), message))
    if overridden:
        problems = [_from_command_line(p, overridden) for p in problems]
    if problems or scenario is None:
        raise ScenarioError(sort_problems(problems))
    return scenario


def _from_command_line(problem: Problem, overridden: set[str]) -> Problem:
    if problem.path and problem.path[0] in overridden:
        return Problem(problem.file, None, problem.path, f"{problem.message} (set by --{problem.path[0]})")
    return problem


def line_of(lines: Lines, path: PathT) -> int | None:
    """The line of ``path``, else of its nearest enclosing value that has one."""
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


_MISSING = object()


def translate_errors(
    errors: list[Any], data: Any, lines: Lines, filename: str
) -> list[Problem]:
    """Pydantic errors -> problems with real data paths, lines and user messages."""
    located = []
    for error in errors:
        path, value, owner, final = _follow(tuple(error["loc"]), data)
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
        return repr(value)
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
