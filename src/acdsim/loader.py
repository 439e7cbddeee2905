"""Read a scenario file into a validated :class:`~acdsim.model.Scenario`, or explain what is wrong.

Every problem is reported at once, with the file, the line and the path of the value
(SCENARIO_FORMAT §9). YAML is read with PyYAML's *safe* loader (the C one when available):
the node tree is composed first so that the line of every key, list item and value is
known, then turned into plain Python data, validated by the models and checked for
dangling references. The YAML walk lives in :mod:`acdsim.loader_yaml`, the wording of
validation errors in :mod:`acdsim.loader_messages`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import PathT, Problem, ScenarioError, sort_problems
from .loader_messages import Lines, line_of, translate_errors
from .loader_yaml import parse
from .loader_yaml import top_level_message as _top_level_message
from .model import Scenario, reference_problems
from .model.forecast_file import DataFileProblems
from .model.scenario import DEFAULT_START, _parse_start
from .scenario_file import MAX_SCENARIO_BYTES, read_scenario_text, scenario_folder
from .units import parse_duration

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
    data, lines, problems, unreadable = parse(text, file)
    base_dir = scenario_folder(path)
    return _validate(data, lines, file, base_dir, problems, overrides, allow_paths, unreadable), lines


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
    data, lines, problems, unreadable = parse(text, filename)
    return _validate(data, lines, filename, Path(base_dir), problems, overrides, allow_paths, unreadable)


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
    data, lines, problems, _ = parse(text, filename)
    return data, lines, problems


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
    unreadable: list[PathT] | None = None,
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
                "horizon": _horizon_of(data),  # the last interval of a forecast file ends there
            },
        )
    except ValidationError as exc:
        errors = _each_data_file_problem(exc.errors(include_url=False))
        problems.extend(translate_errors(errors, data, lines, filename, unreadable or ()))
    pools = scenario.pool_check() if scenario is not None and scenario.pools else None
    for path, message in reference_problems(data, pools):
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


def _each_data_file_problem(errors: list[Any]) -> list[Any]:
    """A data file's reader lists every bad cell (forecast, staffing): one error each."""
    out: list[Any] = []
    for error in errors:
        raised = (error.get("ctx") or {}).get("error")
        if isinstance(raised, DataFileProblems):
            out.extend({**error, "msg": f"Value error, {message}"} for message in raised.messages)
        else:
            out.append(error)
    return out


def _horizon_of(data: dict[str, Any]) -> float | None:
    try:
        return parse_duration(data["horizon"])
    except (KeyError, ValueError, TypeError, OverflowError):
        return None


def _from_command_line(problem: Problem, overridden: set[str]) -> Problem:
    if problem.path and problem.path[0] in overridden:
        return Problem(problem.file, None, problem.path, f"{problem.message} (set by --{problem.path[0]})")
    return problem

