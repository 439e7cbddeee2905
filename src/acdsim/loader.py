"""Read a scenario file into a validated :class:`~acdsim.model.Scenario`, or explain what is wrong.

Every problem is reported at once, with the file, the line and the path of the value
(SCENARIO_FORMAT §9). YAML is read with PyYAML's *safe* loader (the C one when available):
the node tree is composed first so that the line of every key, list item and value is
known, then turned into plain Python data, validated by the models and checked for
dangling references. The wording of validation errors lives in
:mod:`acdsim.loader_messages`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import PathT, Problem, ScenarioError, sort_problems
from .loader_messages import Lines, describe, line_of, translate_errors
from .model import Scenario, reference_problems
from .model.scenario import DEFAULT_START, _parse_start
from .scenario_file import _EMPTY, MAX_SCENARIO_BYTES, read_scenario_text, scenario_folder

__all__ = [
    "Problem",
    "ScenarioError",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_text",
    "load_scenario_with_lines",
    "parse_yaml",
    "MAX_SCENARIO_BYTES",
    "read_scenario_text",
    "scenario_folder",
]


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


# ---------------------------------------------------------------------------------------------
# public entry points


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    allow_paths: Sequence[str | Path] = (),
) -> Scenario:
    """Load and validate a scenario file; raise :class:`ScenarioError` listing every problem.

    ``overrides`` replace top-level keys (e.g. ``{"seed": 3}`` from ``--seed 3``) before
    validation; problems with them are reported as coming from the command line.
    ``allow_paths``: folders (or files) outside the scenario's folder whose data files (trace,
    empirical) the scenario may read (``--allow-path``).
    """
    text = read_scenario_text(path)
    file = str(path)
    return load_scenario_text(
        text, filename=file, base_dir=scenario_folder(path), overrides=overrides, allow_paths=allow_paths
    )


def load_scenario_with_lines(
    path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    text: str | None = None,
    *,
    allow_paths: Sequence[str | Path] = (),
) -> tuple[Scenario, Lines]:
    """:func:`load_scenario`, plus the line of every path of the file (``("queues", 0)`` -> 4),
    so that warnings about a valid scenario can name their line like errors do. ``text``, when
    given, is the file's text already read (by :func:`read_scenario_text`)."""
    if text is None:
        text = read_scenario_text(path)
    file = str(path)
    data, lines, problems = parse_yaml(text, file)
    base_dir = scenario_folder(path)
    return _validate(data, lines, file, base_dir, problems, overrides, allow_paths), lines


def load_scenario_text(
    text: str,
    filename: str = "<string>",
    base_dir: str | Path = ".",
    overrides: Mapping[str, Any] | None = None,
    *,
    allow_paths: Sequence[str | Path] = (),
) -> Scenario:
    """Load a scenario from YAML (or JSON) text. ``base_dir`` resolves trace and empirical
    files, which must be inside it or under one of ``allow_paths``."""
    data, lines, problems = parse_yaml(text, filename)
    return _validate(data, lines, filename, Path(base_dir), problems, overrides, allow_paths)


def load_scenario_data(
    data: Any,
    filename: str = "<data>",
    base_dir: str | Path = ".",
    overrides: Mapping[str, Any] | None = None,
    *,
    allow_paths: Sequence[str | Path] = (),
) -> Scenario:
    """Validate already-parsed data (a dict as ``yaml.safe_load`` or ``json.load`` return it)."""
    if not isinstance(data, dict):
        raise ScenarioError.single(filename, _top_level_message(data))
    return _validate(dict(data), {}, filename, Path(base_dir), [], overrides, allow_paths)


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
# validation (pydantic's errors are worded by loader_messages)


def _validate(
    data: dict[str, Any],
    lines: Lines,
    filename: str,
    base_dir: Path,
    problems: list[Problem],
    overrides: Mapping[str, Any] | None,
    allow_paths: Sequence[str | Path] = (),
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
            data,
            context={
                "base_dir": str(base_dir),
                "skip_references": True,
                "allow_paths": tuple(str(p) for p in allow_paths),
                "start": _start_of(data),  # datetimes in a trace are taken relative to it
            },
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


def _start_of(data: dict[str, Any]) -> dt.datetime | None:
    """The scenario's start as the model reads it, or None when it is invalid (reported)."""
    try:
        return _parse_start(data.get("start", DEFAULT_START))
    except ValueError:
        return None


def _from_command_line(problem: Problem, overridden: set[str]) -> Problem:
    if problem.path and problem.path[0] in overridden:
        return Problem(problem.file, None, problem.path, f"{problem.message} (set by --{problem.path[0]})")
    return problem

