"""The inputs of ``acdsim shifts``, read once: the flags' grammar and the staffing table.

Every reader collects its problems (``Problem``: file or flag, line, message) instead of
stopping at the first, so the command reports everything wrong at once (docs/shifts.md).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import Problem, ScenarioError
from ...units import parse_duration

REQUIRED_COLUMNS = ("pool", "interval_start", "interval_end", "clock", "scheduled", "shrinkage")
"""The columns of staffing.csv (docs/staffing.md) that shifts reads; the others are ignored."""

DAY = 86400.0
_EPS = 1e-6


@dataclass(frozen=True)
class BreakRule:
    """``LEN@FROM-TO[:SHIFT]``: a break of ``length`` seconds that starts between ``earliest``
    and ``latest`` seconds after the shift's start (both included, on the start grid); for
    shifts of length ``only`` if given, else for every shift longer than ``latest``."""

    length: float
    earliest: float
    latest: float
    only: float | None = None
    text: str = ""

    def applies(self, shift_length: float) -> bool:
        if self.only is not None:
            return abs(self.only - shift_length) < _EPS
        return shift_length > self.latest + _EPS


@dataclass(frozen=True)
class Interval:
    """One row of staffing.csv for the pool: ``[start, end)`` seconds from the scenario's start."""

    start: float
    end: float
    clock: str
    required: int
    shrinkage: float
    line: int | None = None


@dataclass(frozen=True)
class Staffing:
    """The pool's intervals, in time order, and where they came from."""

    file: str
    pool: str
    intervals: tuple[Interval, ...]
    clock_origin: float
    """The time of day (seconds after midnight) of time 0, read from the first row's clock."""

    def clock(self, seconds: float) -> str:
        """``seconds`` from the start as a wall clock ``HH:MM`` (``HH:MM:SS`` off the minute)."""
        day = (self.clock_origin + seconds) % DAY
        whole = round(day)
        h, rest = divmod(whole, 3600)
        m, s = divmod(rest, 60)
        return f"{h:02d}:{m:02d}" if s == 0 else f"{h:02d}:{m:02d}:{s:02d}"


def problem(where: str, message: str, line: int | None = None) -> Problem:
    return Problem(where, line, (), message)


# ------------------------------------------------------------------------------ flags


def parse_lengths(values: Iterable[Any], where: str = "--lengths") -> tuple[list[float], list[Problem]]:
    """``"8h,6h,4h"`` (or a list of durations / seconds) -> seconds, in the order given, once each."""
    lengths: list[float] = []
    problems: list[Problem] = []
    items: list[Any] = []
    for value in values:
        items.extend(part.strip() for part in value.split(",")) if isinstance(value, str) else items.append(value)
    if not items:
        problems.append(problem(where, "give at least one shift length, e.g. --lengths 8h,6h,4h"))
    for item in items:
        if item == "":
            problems.append(problem(where, "an empty length (separate lengths with commas: 8h,6h,4h)"))
            continue
        try:
            seconds = parse_duration(item)
        except ValueError as exc:
            problems.append(problem(where, str(exc)))
            continue
        if seconds <= 0:
            problems.append(problem(where, f"a shift length must be > 0, got {item!r}"))
        elif seconds > DAY:
            problems.append(problem(where, f"a shift length must be at most 24h, got {item!r}"))
        elif all(abs(seconds - x) > _EPS for x in lengths):
            lengths.append(seconds)
    return lengths, problems


_BREAK = re.compile(r"^\s*([^@]+)@([^-:]+)-([^:]+)(?::(.+))?\s*$")
BREAK_HELP = "LEN@FROM-TO[:SHIFT], e.g. 30m@3h-5h (a 30m break starting 3h to 5h into the shift) or 30m@3h-5h:8h (8h shifts only)"


def parse_break(text: str, where: str = "--break") -> tuple[BreakRule | None, list[Problem]]:
    match = _BREAK.match(text) if isinstance(text, str) else None
    if match is None:
        return None, [problem(where, f"{text!r} is not a break: write {BREAK_HELP}")]
    problems: list[Problem] = []
    parts: list[float | None] = []
    for label, raw in zip(("length", "earliest start", "latest start", "shift length"), match.groups(), strict=True):
        if raw is None:
            parts.append(None)
            continue
        try:
            parts.append(parse_duration(raw.strip()))
        except ValueError as exc:
            problems.append(problem(where, f"{text!r}: {label}: {exc}"))
            parts.append(None)
    if problems:
        return None, problems
    length, earliest, latest, only = parts
    assert length is not None and earliest is not None and latest is not None
    if length <= 0:
        problems.append(problem(where, f"{text!r}: a break lasts more than 0"))
    if latest < earliest:
        problems.append(problem(where, f"{text!r}: the window ends before it begins ({latest:g} s < {earliest:g} s)"))
    if only is not None and only <= 0:
        problems.append(problem(where, f"{text!r}: the shift length after ':' must be > 0"))
    if problems:
        return None, problems
    return BreakRule(length, earliest, latest, only, text.strip()), []


def parse_breaks(texts: Iterable[Any]) -> tuple[list[BreakRule], list[Problem]]:
    rules: list[BreakRule] = []
    problems: list[Problem] = []
    for text in texts:
        if isinstance(text, BreakRule):
            rules.append(text)
            continue
        rule, found = parse_break(text)
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
    return rules, problems


_CLOCK = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})\s*$")


def clock_seconds(text: str) -> float | None:
    """``"08:30"`` -> 30600.0; ``"24:00"`` (the end of the day) is allowed; None if not a clock."""
    match = _CLOCK.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 3600.0 + minutes * 60.0


def parse_moment(value: Any, staffing: Staffing | None, where: str) -> tuple[float | None, list[Problem]]:
    """``--open``/``--close``: a clock time ``HH:MM`` on the day of the first interval, or a
    duration from the scenario's start (``9h``, ``0``). Returns seconds from the start."""
    if value is None:
        return None, []
    if isinstance(value, str) and ":" in value:
        seconds = clock_seconds(value)
        if seconds is None:
            return None, [problem(where, f"{value!r} is not a clock time HH:MM (00:00 to 24:00)")]
        if staffing is None:
            return None, []
        return seconds - staffing.clock_origin, []
    try:
        return parse_duration(value), []
    except ValueError as exc:
        return None, [problem(where, f"{exc} (or a clock time HH:MM)")]


def parse_step(value: Any, where: str = "--starts-every") -> tuple[float | None, list[Problem]]:
    if value is None:
        return None, []
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        return None, [problem(where, str(exc))]
    if seconds < 1:
        return None, [problem(where, f"the start grid must be at least 1 s, got {value!r}")]
    return seconds, []


# ------------------------------------------------------------------------------ staffing.csv


def read_staffing(source: str | Path | Any, pool: str | None = None) -> Staffing:
    """The pool's rows of a staffing.csv (a path, or a DataFrame with its columns).
    Raises :class:`~acdsim.ScenarioError` with every problem found."""
    if isinstance(source, str | Path):
        shown = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise ScenarioError.single(shown, f"cannot read the staffing table ({reason})") from None
    elif hasattr(source, "to_csv"):
        shown = "<DataFrame>"
        text = source.to_csv(index=False)
    else:
        raise TypeError(f"staffing: expected a path or a DataFrame, not {type(source).__name__}")
    return parse_staffing(text, shown, pool)


def parse_staffing(text: str, shown: str, pool: str | None = None) -> Staffing:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise ScenarioError.single(shown, "empty: expected a header row " + ",".join(REQUIRED_COLUMNS) + ", ...")
    header = [name.strip() for name in rows[0][1]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ScenarioError.single(
            shown, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(shifts needs {', '.join(REQUIRED_COLUMNS)}: the staffing.csv of acdsim staff)", line=rows[0][0],
        )
    index = {name: header.index(name) for name in REQUIRED_COLUMNS}
    problems: list[Problem] = []
    by_pool: dict[str, list[Interval]] = {}
    for line, row in rows[1:]:
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        found = _row(cells, shown, line)
        if isinstance(found, list):
            problems.extend(found)
        else:
            by_pool.setdefault(cells["pool"], []).append(found)
    if problems:
        raise ScenarioError(problems)
    names = list(by_pool)
    if not names:
        raise ScenarioError.single(shown, "no rows after the header")
    if pool is None:
        if len(names) > 1:
            raise ScenarioError.single(shown, f"holds several pools ({', '.join(names)}): choose one with --pool NAME")
        pool = names[0]
    elif pool not in by_pool:
        raise ScenarioError.single(shown, f"no pool {pool!r} (pools: {', '.join(names)})", path=())
    intervals = tuple(sorted(by_pool[pool], key=lambda i: (i.start, i.line or 0)))
    for before, after in zip(intervals, intervals[1:], strict=False):
        if after.start < before.end - _EPS:
            problems.append(problem(shown, f"interval {after.clock} (interval_start {after.start:g}) overlaps the one before, "
                                           f"which ends at {before.end:g}", after.line))
    if problems:
        raise ScenarioError(problems)
    first_row = intervals[0]
    clock = clock_seconds(first_row.clock)
    assert clock is not None  # checked in _row
    return Staffing(shown, pool, intervals, (clock - first_row.start) % DAY)


def _row(cells: dict[str, str], shown: str, line: int) -> Interval | list[Problem]:
    problems: list[Problem] = []

    def number(name: str, whole: bool = False) -> float:
        raw = cells[name]
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (whole and (value != int(value) or value < 0)):
            kind = "a whole number >= 0" if whole else "a number"
            problems.append(Problem(shown, line, (name,), f"expected {kind}, got {raw!r}"))
            return math.nan
        return value

    # In the order of the columns of staffing.csv.
    if not cells["pool"]:
        problems.append(Problem(shown, line, ("pool",), "empty pool name"))
    start, end = number("interval_start"), number("interval_end")
    if math.isfinite(start) and math.isfinite(end) and end <= start:
        problems.append(Problem(shown, line, ("interval_end",), f"must be after interval_start ({end:g} <= {start:g})"))
    if clock_seconds(cells["clock"]) is None:
        problems.append(Problem(shown, line, ("clock",), f"expected a clock time HH:MM, got {cells['clock']!r}"))
    shrinkage = number("shrinkage")
    if math.isfinite(shrinkage) and not 0 <= shrinkage < 1:
        problems.append(Problem(shown, line, ("shrinkage",), f"expected a fraction 0 <= s < 1, got {cells['shrinkage']!r}"))
    required = number("scheduled", whole=True)
    if problems:
        return problems
    return Interval(start, end, cells["clock"], int(required), shrinkage, line)


def collect(problems: Sequence[Problem]) -> None:
    """Raise every problem at once, if any."""
    if problems:
        raise ScenarioError(list(problems))
