"""The points of a sweep: ``--set PATH=V1,V2`` / ``PATH=A..B[:STEP]`` axes, their cartesian
product, and each point's scenario (the base scenario with the point's values, validated).

A point's scenario is built in-process from the validated base scenario (no file is read
again); a wrong value is reported like ``acdsim validate`` reports it, with the path, and
every problem of every point is reported at once.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, ScenarioError
from ..model import Scenario
from ..units import parse_duration

MAX_POINTS = 100_000
_INT = re.compile(r"^[+-]?[0-9]+$")
_FLOAT = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_RANGE = re.compile(r"^(?P<a>[^,]+?)\.\.(?P<b>[^,:]+?)(?::(?P<step>[^,:]+))?$")


class SetError(ValueError):
    """A ``--set`` text that cannot be read (the message names what was expected)."""


@dataclass(frozen=True)
class Point:
    """One point of the sweep: its values by path (in axis order) and its scenario."""

    index: int
    values: tuple[tuple[str, Any], ...]
    scenario: Scenario


def parse_scalar(text: str) -> Any:
    """A command-line value: int, float, true/false, null, else the string (quotes removed)."""
    t = text.strip()
    if _INT.match(t):
        return int(t)
    if _FLOAT.match(t):
        return float(t)
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none", "~"):
        return None
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    return t


def _number(text: str, what: str, whole: str) -> float:
    try:
        return parse_duration(text.strip())
    except ValueError:
        raise SetError(f"{whole!r}: {what} {text.strip()!r} is not a number or a duration") from None


def parse_range(text: str) -> list[Any]:
    """``A..B[:STEP]`` -> A, A+STEP, ... up to B inclusive (STEP 1 by default). Numbers or
    durations ("30s..2m:30s" -> 30, 60, 90, 120); whole numbers come out as ints."""
    match = _RANGE.match(text.strip())
    if match is None:
        raise SetError(f"{text!r} is not a range A..B[:STEP]")
    ends = [match["a"], match["b"]] + ([match["step"]] if match["step"] is not None else [])
    if all(_INT.match(e.strip()) for e in ends):
        a, b = int(match["a"]), int(match["b"])
        step = int(match["step"]) if match["step"] is not None else 1
        if step <= 0:
            raise SetError(f"{text!r}: the step must be > 0")
        if b < a:
            raise SetError(f"{text!r}: the end must not be below the start")
        if (b - a) // step + 1 > MAX_POINTS:
            raise SetError(f"{text!r}: more than {MAX_POINTS} values")
        return list(range(a, b + 1, step))
    fa, fb = _number(match["a"], "start", text), _number(match["b"], "end", text)
    fstep = _number(match["step"], "step", text) if match["step"] is not None else 1.0
    if fstep <= 0:
        raise SetError(f"{text!r}: the step must be > 0")
    if fb < fa:
        raise SetError(f"{text!r}: the end must not be below the start")
    count = math.floor((fb - fa) / fstep + 1e-9) + 1
    if count > MAX_POINTS:
        raise SetError(f"{text!r}: more than {MAX_POINTS} values")
    # A multiple of the step from the start, rounded: 0.1..0.3:0.1 gives 0.3, not 0.30000000000000004.
    values = [round(fa + i * fstep, 9) for i in range(count)]
    return [int(v) if v.is_integer() else v for v in values]


def parse_set(text: str) -> tuple[str, list[Any]]:
    """``PATH=V1,V2,...`` or ``PATH=A..B[:STEP]`` -> (path, values)."""
    path, eq, rest = text.partition("=")
    path = path.strip()
    if not eq or not path:
        raise SetError(f"{text!r} is not PATH=VALUES (e.g. queues[0].strategy=ring-all,top-down)")
    parse_path(path)
    if not rest.strip():
        raise SetError(f"{text!r}: no value after '='")
    items = [item for item in rest.split(",")]
    if len(items) == 1 and _RANGE.match(items[0].strip()) and ".." in items[0]:
        return path, parse_range(items[0])
    if any(not item.strip() for item in items):
        raise SetError(f"{text!r}: an empty value in the list")
    return path, [parse_scalar(item) for item in items]


def parse_path(path: str) -> tuple[str | int, ...]:
    """``queues[0].callers.talk_time`` -> ``("queues", 0, "callers", "talk_time")`` (the
    syntax of the error messages, as ``acdsim.override`` reads it)."""
    from .scenarios import parse_path as read_path

    try:
        return tuple(read_path(path))
    except ValueError as exc:
        raise SetError(str(exc)) from None


def grid(axes: Mapping[str, Sequence[Any]]) -> list[tuple[tuple[str, Any], ...]]:
    """The cartesian product of the axes, the first axis varying slowest."""
    names = list(axes)
    for name in names:
        if len(axes[name]) == 0:
            raise SetError(f"{name}: no values")
    total = math.prod(len(axes[n]) for n in names)
    if total > MAX_POINTS:
        raise SetError(f"{total} points: at most {MAX_POINTS}")
    return [tuple(zip(names, combo, strict=True)) for combo in itertools.product(*(axes[n] for n in names))]


# ------------------------------------------------------------------------------------- override


def override(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """The scenario with ``values`` set at their paths, validated (``acdsim.override``)."""
    from .scenarios import override as validated_copy

    return validated_copy(scenario, dict(values))


def build_points(
    base: Scenario, axes: Mapping[str, Sequence[Any]], label: str = "<override>"
) -> list[Point]:
    """Every point's validated scenario; every problem of every point at once, each line once,
    naming ``label`` (e.g. the scenario file) and the ``--set`` value behind it."""
    points: list[Point] = []
    problems: list[Problem] = []
    for index, values in enumerate(grid(axes)):
        try:
            points.append(Point(index, values, override(base, dict(values))))
        except ScenarioError as exc:
            shown = ", ".join(f"{p}={v}" for p, v in values)
            for problem in exc.problems:
                problems.append(Problem(label, None, problem.path, f"{problem.message} (with {shown})"))
    if problems:
        raise ScenarioError(_unique(problems))
    return points


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.path, p.message.rsplit(" (with ", 1)[0])
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
