"""Scenarios from code: load from a path, a dict or YAML text; validated overrides; plain data.

A scenario is immutable; :func:`override` returns a validated copy with values replaced at
key paths written like the paths of the error messages (``queues[0].callers.talk_time``,
``behaviors.default.answer_time``, ``['odd key']``). The copy is built from the scenario's
plain-data form (:func:`to_dict`) and goes through the same validation as a file, so a bad
value raises :class:`~acdsim.ScenarioError` with the lines ``acdsim validate`` prints, the
file shown as ``<override>`` (the values have no line).

Trace and empirical files are kept by name, not by their rows, and resolve against the
folder of the scenario they came from (``Scenario.base_dir``).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import PathT, Problem, ScenarioError, format_path
from ..model import Scenario

__all__ = ["OVERRIDE_FILE", "load_scenario", "override", "parse_path", "to_dict", "to_yaml"]

OVERRIDE_FILE = "<override>"
"""The file name that problems found by :func:`override` carry (an override has no line)."""


# ---------------------------------------------------------------------------------------------
# loading


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any] | Scenario,
    overrides: Mapping[str, Any] | None = None,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    allow_paths: Sequence[str | os.PathLike[str]] = (),
) -> Scenario:
    """A validated scenario from a file path, a mapping, or YAML/JSON text.

    - a :class:`~pathlib.Path` (any ``os.PathLike``) is a file path;
    - a ``str`` is a file path when it has no line break and does not start with ``{``
      (after leading blanks); otherwise it is the YAML (or JSON) text itself;
    - a mapping is the scenario's data, as ``yaml.safe_load`` or :func:`to_dict` give it;
    - a :class:`Scenario` is returned as it is.

    ``base_dir`` is where relative trace/empirical files of text or a mapping are looked up
    (default: the current folder; for a file, always the file's folder). ``overrides``
    replace top-level keys before validation, as ``--seed 3`` does (problems with them say
    so); for any key path use :func:`override` on the loaded scenario. ``allow_paths``: folders
    (or files) outside the scenario's folder whose data files it may read (``--allow-path``).
    """
    from .. import loader

    base = Path(base_dir) if base_dir is not None else Path(".")
    allow = [str(p) for p in allow_paths]
    if isinstance(source, Scenario):
        return override(source, overrides) if overrides else source
    if isinstance(source, Mapping):
        data = _plain(source)
        return loader.load_scenario_data(data, base_dir=base, overrides=overrides, allow_paths=allow)
    if isinstance(source, os.PathLike):
        return loader.load_scenario(Path(source), overrides, allow_paths=allow)
    if isinstance(source, str):
        if is_scenario_text(source):
            return loader.load_scenario_text(source, base_dir=base, overrides=overrides, allow_paths=allow)
        return loader.load_scenario(source, overrides, allow_paths=allow)
    raise TypeError(
        f"load_scenario takes a path, a mapping or YAML text, not {type(source).__name__}"
    )


def is_scenario_text(source: str) -> bool:
    """Whether a string given to :func:`load_scenario` is YAML text rather than a path."""
    return "\n" in source or "\r" in source or source.lstrip().startswith("{")


# ---------------------------------------------------------------------------------------------
# plain data


def to_dict(scenario: Scenario, *, exclude_defaults: bool = False) -> dict[str, Any]:
    """The scenario as plain data: dicts, lists, numbers (durations in seconds), strings.

    ``start`` is written ``"YYYY-MM-DD HH:MM:SS"``; a trace keeps its ``trace`` file name (its
    rows are read again on load) and an empirical distribution its ``file`` and ``column``.
    """
    return _dump(scenario, keep_rows=False, exclude_defaults=exclude_defaults)


def _dump(model: BaseModel, *, keep_rows: bool, exclude_defaults: bool = False) -> dict[str, Any]:
    data = model.model_dump(mode="json", by_alias=True, exclude_defaults=exclude_defaults)
    if isinstance(model, Scenario):
        data = model.without_pools(data)  # the pools stand for the agents they added
    if isinstance(model, Scenario) and "start" in data:
        start = model.start
        data["start"] = f"{start:%Y-%m-%d %H:%M:%S}" if start.tzinfo is None else start.isoformat(sep=" ")
    _drop_loaded(data, keep_rows)
    return _constants_as_numbers(data) if exclude_defaults else data


def _constants_as_numbers(node: Any) -> Any:
    # Without defaults a constant is {value: x} (its dist is the default): write the number.
    if isinstance(node, dict):
        if node.keys() == {"value"}:
            return node["value"]
        return {key: _constants_as_numbers(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_constants_as_numbers(value) for value in node]
    return node


def _drop_loaded(node: Any, keep_rows: bool) -> None:
    """Remove what the loader filled in from files: empirical values read from a file, and
    (unless ``keep_rows``) trace rows."""
    if isinstance(node, dict):
        if "trace" in node and not keep_rows:
            node.pop("rows", None)
        if node.get("dist") == "empirical" and node.get("file") is not None:
            node.pop("values", None)
        if "profile" in node and isinstance(node.get("file"), str):
            # A forecast file is read again, also by an override: its last row lasts until
            # the horizon, which the override may change.
            node["profile"] = {"file": node.pop("file")}
        elif "profile" in node and node.get("file", 0) is None:
            node.pop("file")
        if not keep_rows and "steps" in node and isinstance(node.get("file"), str):
            node.pop("steps")  # a staffing file is read again
        for value in node.values():
            _drop_loaded(value, keep_rows)
    elif isinstance(node, list):
        for value in node:
            _drop_loaded(value, keep_rows)


def to_yaml(scenario: Scenario, *, exclude_defaults: bool = True) -> str:
    """The scenario as YAML text (keys in model order; defaults left out unless asked)."""
    import yaml

    return yaml.safe_dump(
        to_dict(scenario, exclude_defaults=exclude_defaults),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )


def _plain(value: Any) -> Any:
    """Python values as the loader reads them: models dumped, tuples and frozen maps opened."""
    if isinstance(value, BaseModel):
        return _dump(value, keep_rows=True)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


# ---------------------------------------------------------------------------------------------
# key paths

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<dot>\.)
      | \[\s*(?P<index>-?[0-9]+)\s*\]
      | \[\s*(?P<quoted>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*\]
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


def parse_path(text: str) -> PathT:
    """``"queues[0].callers.talk_time"`` -> ``("queues", 0, "callers", "talk_time")``.

    The syntax of :func:`acdsim.errors.format_path`: names joined by dots, ``[n]`` list
    indexes, ``['any key']`` for keys that are not plain names. Raises ``ValueError``.
    """
    parts: list[str | int] = []
    pos = 0
    expect_name = True  # a name may start the path or follow a dot
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"cannot read the key path {text!r} at {text[pos:]!r}")
        pos = match.end()
        if match.group("dot"):
            if expect_name:
                raise ValueError(f"cannot read the key path {text!r}: a '.' must follow a key")
            expect_name = True
            continue
        if match.group("name") is not None:
            if not expect_name:
                raise ValueError(f"cannot read the key path {text!r}: a name must follow '.'")
            parts.append(match.group("name"))
        elif match.group("index") is not None:
            if expect_name and parts:
                raise ValueError(f"cannot read the key path {text!r}: '[' cannot follow '.'")
            parts.append(int(match.group("index")))
        else:
            if expect_name and parts:
                raise ValueError(f"cannot read the key path {text!r}: '[' cannot follow '.'")
            parts.append(ast.literal_eval(match.group("quoted")))
        expect_name = False
    if not parts or expect_name:
        raise ValueError(f"cannot read the key path {text!r}: it is empty or ends with '.'")
    return tuple(parts)


# ---------------------------------------------------------------------------------------------
# overrides


def override(scenario: Scenario, changes: Mapping[Any, Any]) -> Scenario:
    """A validated copy of ``scenario`` with the value at each key path replaced.

    Keys are paths as the error messages write them (``"queues[0].strategy"``) or tuples
    (``("queues", 0, "strategy")``). A key that is absent but allowed is created
    (``"queues[0].callers.patience"``); ``[n]`` with n = the list's length appends an item.
    Values are what a scenario file would hold (``"15m"``, ``{"dist": "exponential", ...}``)
    or model objects. Raises :class:`~acdsim.ScenarioError` listing every problem, each
    with the file ``<override>``, the path and the message of ``acdsim validate``.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"override takes a Scenario, not {type(scenario).__name__}")
    if not isinstance(changes, Mapping):
        raise TypeError(f"override takes a mapping of key paths to values, not {type(changes).__name__}")
    # Trace rows are kept (a trace built in memory has no file to read again), except those
    # of an arrivals mapping that an override changes: its file is read again.
    data = _dump(scenario, keep_rows=True)
    problems: list[Problem] = []
    for key, value in changes.items():
        try:
            path = parse_path(key) if isinstance(key, str) else _tuple_path(key)
        except ValueError as exc:
            problems.append(Problem(OVERRIDE_FILE, None, (), str(exc)))
            continue
        message, where = _set(data, path, _plain(value))
        if message:
            problems.append(Problem(OVERRIDE_FILE, None, where, message))
    from ..loader import load_scenario_data

    base = scenario.base_dir if scenario.base_dir is not None else "."
    try:
        result = load_scenario_data(data, filename=OVERRIDE_FILE, base_dir=base)
    except ScenarioError as exc:  # reported with the paths that led nowhere: every problem at once
        raise ScenarioError([*problems, *exc.problems]) from None
    if problems:
        raise ScenarioError(problems)
    return result


def _tuple_path(key: Any) -> PathT:
    if isinstance(key, tuple) and key and all(
        isinstance(p, str) or (isinstance(p, int) and not isinstance(p, bool)) for p in key
    ):
        return key
    raise ValueError(f"a key path is a string like 'queues[0].strategy' or a tuple, not {key!r}")


def _set(data: dict[str, Any], path: PathT, value: Any) -> tuple[str | None, PathT]:
    """Put ``value`` at ``path``; returns (message, path so far) when the path leads nowhere."""
    node: Any = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        here = path[: depth + 1]
        if isinstance(node, dict):
            if "trace" in node and part != "rows":
                node.pop("rows", None)
            if not isinstance(part, str):
                return f"{format_path(path[:depth]) or 'the scenario'} is a mapping: use a key, not [{part}]", here
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = [] if isinstance(path[depth + 1], int) else {}
                node = node[part]
        elif isinstance(node, list):
            if isinstance(part, str):
                return f"{format_path(path[:depth])} is a list: use an index [n], not {part!r}", here
            if not 0 <= part <= len(node):
                n = len(node)
                held = f"indexes 0 to {n - 1}; " if n else ""
                return (
                    f"no item [{part}]: {format_path(path[:depth])} has {n} item{'s' if n != 1 else ''} "
                    f"({held}[{n}] adds one)"
                ), here
            if part == len(node):
                node.append(None if last else ([] if isinstance(path[depth + 1], int) else {}))
            if last:
                node[part] = value
            else:
                if node[part] is None:
                    node[part] = [] if isinstance(path[depth + 1], int) else {}
                node = node[part]
        else:
            shown = "null" if node is None else repr(node)
            return f"{format_path(path[:depth])} is {shown}, not a mapping or a list", here
    return None, path
