"""Forecast CSV files: the offered calls and handling time per interval of a day.

One header row, then one row per interval; comma or semicolon separated (the header
decides); blank lines are skipped. Columns (case-insensitive):

* ``at`` -- the interval start: a duration from the start of the day (``0``, ``8h30m``,
  ``30600``) or a clock time ``HH:MM`` / ``HH:MM:SS``; strictly increasing;
* ``calls`` (offered in the row's interval) or ``calls_per_hour`` -- one of the two;
* ``aht`` -- optional, seconds or a duration; overrides the default handling time.

An interval lasts until the next row's ``at``; the last one lasts ``interval`` (default
30 min), or until ``until`` when given (a scenario's horizon). A clock time is taken on the
day of ``clock_origin`` (seconds after midnight of the first simulated instant, i.e. the
time of day of a scenario's ``start``): ``at`` is then seconds from that instant. Every problem is reported at once, as ``FILE:LINE: column: message``
(:class:`acdsim.errors.ScenarioError`), so the scenario loader can reuse the reader.

    rows = read_forecast(Path("monday.csv"), interval=1800)
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, ScenarioError
from .units import DURATION_HELP, parse_duration

__all__ = ["COLUMNS", "DEFAULT_INTERVAL", "ForecastRow", "parse_at", "read_forecast"]

DEFAULT_INTERVAL = 1800.0
COLUMNS = ("at", "calls", "calls_per_hour", "aht")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class ForecastRow:
    """One interval of a forecast. Times in seconds; ``aht`` None when the file has none."""

    line: int
    at: float
    interval: float
    calls_per_hour: float
    aht: float | None

    @property
    def clock(self) -> str:
        """``at`` as a clock time ``HH:MM`` (``HH:MM:SS`` when not on a minute; days wrap)."""
        total = round(self.at)
        h, rest = divmod(total % 86400, 3600)
        m, s = divmod(rest, 60)
        return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def parse_at(text: str, clock_origin: float = 0.0) -> float:
    """A duration (seconds from the origin), or a clock time ``HH:MM[:SS]`` on the origin's
    day: ``clock_origin`` is the origin's time of day in seconds (a scenario's ``start``)."""
    clock = _CLOCK.match(text)
    if clock is not None:
        h, m, s = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if h > 24 or m > 59 or s > 59:
            raise ValueError(f"{text!r} is not a clock time HH:MM")
        seconds = float(h * 3600 + m * 60 + s) - clock_origin
        if seconds < 0:
            raise ValueError(f"{text!r} is before the start of the simulation")
        return seconds
    try:
        return parse_duration(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a clock time HH:MM nor a duration ({DURATION_HELP})"
        ) from None


def _parse_count(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a number >= 0, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"expected a finite number >= 0, got {text!r}")
    return value


def _parse_aht(text: str) -> float:
    seconds = parse_duration(text)
    if seconds <= 0:
        raise ValueError(f"must be > 0, got {text!r}")
    return seconds


def _read_text(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()[: _MAX_BYTES + 1]
    except OSError as exc:
        raise ScenarioError.single(
            name, f"cannot read the forecast ({exc.strerror or exc})"
        ) from None
    if len(data) > _MAX_BYTES:
        raise ScenarioError.single(name, f"the forecast is larger than {_MAX_BYTES:,} bytes")
    if b"\0" in data:
        raise ScenarioError.single(name, "not a text file (it holds NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError.single(name, f"not UTF-8 text (byte {exc.start})") from None


def read_forecast(
    path: Path,
    interval: float = DEFAULT_INTERVAL,
    name: str | None = None,
    *,
    clock_origin: float = 0.0,
    until: float | None = None,
) -> list[ForecastRow]:
    """The rows of the forecast CSV at ``path``; ``ScenarioError`` lists every problem.

    ``until``: the end of the last row's interval (a scenario's horizon) instead of
    ``at + interval``; ``clock_origin``: see the module's docstring."""
    name = str(path) if name is None else name
    text = _read_text(Path(path), name)
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise ScenarioError.single(
            name, "the forecast is empty (expected a header row: at,calls,aht)"
        )
    header_line = lines[header_at]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    records = list(csv.reader(lines, delimiter=delimiter))
    header = [cell.strip().lower() for cell in records[header_at]]
    problems: list[Problem] = []
    line_no = header_at + 1
    for cell in header:
        if cell not in COLUMNS:
            problems.append(
                Problem(
                    name, line_no, (), f"unknown column {cell!r} (allowed: {', '.join(COLUMNS)})"
                )
            )
    if len(set(header)) != len(header):
        problems.append(Problem(name, line_no, (), "a column is named twice"))
    if "at" not in header:
        problems.append(Problem(name, line_no, (), "no column 'at' (the interval start)"))
    if ("calls" in header) == ("calls_per_hour" in header):
        problems.append(
            Problem(
                name, line_no, (), "need exactly one of the columns 'calls' and 'calls_per_hour'"
            )
        )
    if problems:
        raise ScenarioError(problems)

    parsed: list[tuple[int, float, float, bool, float | None]] = []
    for index in range(header_at + 1, len(records)):
        record = records[index]
        line_no = index + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                Problem(name, line_no, (), f"{len(record)} cells, the header has {len(header)}")
            )
            continue
        cells = {col: cell.strip() for col, cell in zip(header, record, strict=True)}
        values: dict[str, float | None] = {}
        for column, parse in (
            ("at", lambda text: parse_at(text, clock_origin)),
            ("calls", _parse_count),
            ("calls_per_hour", _parse_count),
            ("aht", _parse_aht),
        ):
            if column not in cells:
                continue
            if cells[column] == "" and column == "aht":
                values[column] = None
                continue
            try:
                values[column] = parse(cells[column])
            except ValueError as exc:
                problems.append(Problem(name, line_no, (column,), str(exc)))
        if len(values) != len(cells):
            continue
        at = values["at"]
        assert at is not None
        if parsed and at <= parsed[-1][1]:
            problems.append(
                Problem(
                    name,
                    line_no,
                    ("at",),
                    f"must come after the previous row's at ({cells['at']!r})",
                )
            )
            continue
        per_hour = "calls_per_hour" in values
        count = values["calls_per_hour"] if per_hour else values["calls"]
        assert count is not None
        parsed.append((line_no, at, count, per_hour, values.get("aht")))
    if not parsed and not problems:
        problems.append(Problem(name, None, (), "the forecast has a header but no row"))
    if problems:
        raise ScenarioError(problems)

    rows = []
    for i, (line_no, at, count, per_hour, aht) in enumerate(parsed):
        if i + 1 < len(parsed):
            length = parsed[i + 1][1] - at
        else:
            length = interval if until is None else until - at
        if length <= 0:  # starts at or after `until`: never takes effect (a warning says so)
            length = interval
        rate = count if per_hour else (count * 3600.0 / length if count else 0.0)
        rows.append(ForecastRow(line=line_no, at=at, interval=length, calls_per_hour=rate, aht=aht))
    return rows
