"""YAML text -> plain data, the line of every path and the YAML-level problems.

Used by :mod:`acdsim.loader` only. The node tree is composed by PyYAML's *safe* loader (the C
one when available), then walked here: only plain data is accepted (the YAML 1.1 core tags;
any other tag, a value a constructor cannot read, a base-60 number, an integer of more than
400 digits, nesting deeper than :data:`MAX_DEPTH`, an alias cycle or bomb is one problem at
its line), so no input ends in a traceback.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import yaml

from .errors import PathT, Problem, ScenarioError
from .loader_messages import Lines, describe
from .model.limits import MAX_DEPTH, MAX_DIGITS
from .units import shown

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
_FLOAT = _TAG + "float"
_MAX_NODES = 2_000_000  # guards against alias bombs ("billion laughs")
# The tags a scenario may carry (written or implied): the YAML 1.1 core of plain data.
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
# A plain '<<' or '=' outside a mapping key is resolved to these; they mean the text itself.
_TEXT_TAGS = frozenset(_TAG + t for t in ("merge", "value"))
_DEPTH_MESSAGE = (
    f"values are nested more than {MAX_DEPTH} lists or mappings deep "
    "(a scenario needs about 8 levels)"
)


EMPTY = "the file is empty (a scenario is a mapping with at least horizon, queues and agents)"


def parse(text: str, filename: str) -> tuple[dict[str, Any], Lines, list[Problem], list[PathT]]:
    """:func:`acdsim.loader.parse_yaml`, plus the paths of values that could not be read (their validation
    errors would only repeat the problem)."""
    loader = _SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            if "maximum nesting depth" in str(exc):  # libyaml >= 0.2.5 stops at 1,000 levels
                line = exc.problem_mark.line + 1 if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark else None
                raise ScenarioError.single(filename, _DEPTH_MESSAGE, line) from None
            raise ScenarioError([_yaml_problem(exc, filename, text)]) from None
        except RecursionError:  # the pure-Python composer recurses once per level
            raise ScenarioError.single(filename, _DEPTH_MESSAGE) from None
        if root is None:
            raise ScenarioError.single(filename, EMPTY)
        builder = _Builder(loader, filename)
        if not isinstance(root, yaml.MappingNode) or root.tag != _TAG + "map":
            value = builder.build(root, ())
            raise ScenarioError.single(filename, top_level_message(value), root.start_mark.line + 1)
        data = builder.build(root, ())
        builder.lines[()] = root.start_mark.line + 1
        return data, builder.lines, builder.problems, builder.unreadable
    finally:
        loader.dispose()


def top_level_message(value: Any) -> str:
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
        self.unreadable: list[PathT] = []

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
        if len(path) >= MAX_DEPTH:
            # Named by its top-level key (the full path is 64 parts long) and not validated
            # further: the value is cut, whatever else is said about it would be noise.
            if path[:1] not in self.unreadable:
                self.problem(node, path[:1], _DEPTH_MESSAGE)
                self.unreadable.append(path[:1])
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _TAG + "seq":
                    self.problem(node, path, _tag_message(node.tag, "list"))
                    self.unreadable.append(path)
                items = []
                for index, item in enumerate(node.value):
                    sub = (*path, index)
                    self.lines[sub] = item.start_mark.line + 1
                    items.append(self.build(item, sub))
                return items
            assert isinstance(node, yaml.MappingNode)
            if node.tag != _TAG + "map":
                self.problem(node, path, _tag_message(node.tag, "mapping"))
                self.unreadable.append(path)
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
            key = key_node.value if key_node.tag == _STR else self.scalar(key_node, path, key=True)
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

    def scalar(self, node: yaml.ScalarNode, path: PathT, key: bool = False) -> Any:
        """A plain value; a problem (and the text as written) for anything else."""
        tag = node.tag
        value = node.value
        if tag == _STR or (tag in _TEXT_TAGS and not key):
            return value
        message = None
        if tag not in _SCALAR_TAGS:
            message = _tag_message(tag, "value")
        elif tag in (_INT, _FLOAT) and ":" in value:
            message = _sexagesimal_message(node, self.construct)
        elif tag == _INT and len(value) > MAX_DIGITS:
            message = f"{shown(value)} has more than {MAX_DIGITS} digits (no number of a scenario needs that many)"
        else:
            try:
                return self.construct(node)
            except Exception:  # any constructor failure is a bad value, never a traceback
                message = f"cannot read value {shown(value)} as {_tag_name(tag)}: {_TAG_EXPECTS[tag]}"
        self.problem(node, path, message)
        if not key:
            self.unreadable.append(path)
        return value

    def construct(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        loader = self.loader
        if tag == _INT:
            value = node.value
            return int(value) if value.isdigit() and value[0] != "0" else loader.construct_yaml_int(node)
        if tag == _FLOAT:
            return loader.construct_yaml_float(node)
        if tag == _TAG + "bool":
            return loader.construct_yaml_bool(node)
        if tag == _TAG + "null":
            if node.value not in ("", "~", "null", "Null", "NULL"):
                raise ValueError(node.value)
            return None
        return loader.construct_yaml_timestamp(node)


_TAG_EXPECTS = {
    _INT: "expected an integer",
    _FLOAT: "expected a number",
    _TAG + "bool": "expected true or false",
    _TAG + "null": "null is written null, ~ or nothing",
    _TAG + "timestamp": 'expected a date "YYYY-MM-DD" or a datetime "YYYY-MM-DD HH:MM:SS"',
}


def _tag_name(tag: str) -> str:
    """``tag:yaml.org,2002:binary`` -> ``!!binary`` (as the file writes it)."""
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _tag_message(tag: str, what: str) -> str:
    return (
        f"cannot read {what} with the unsupported YAML tag {shown(_tag_name(tag))}: a scenario "
        "holds plain values (numbers, strings, true/false, null, lists, mappings); remove the tag"
    )


def _sexagesimal_message(node: yaml.ScalarNode, construct: Any) -> str:
    read = ""
    if len(node.value) <= 40:  # (a long one costs quadratic time to convert, for nothing)
        with contextlib.suppress(Exception):  # only the wording depends on it
            read = f" ({shown(construct(node))})"
    return (
        f"{shown(node.value)} is a base-60 number in YAML 1.1{read}, which acdsim refuses: "
        'write a duration with a unit ("8h" or "8m", "1h30m"), or quote text ("8:00")'
    )
