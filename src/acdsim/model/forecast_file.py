"""Data files of planning: a forecast CSV as an arrival profile, a staffing CSV as a pool's
curve. Both are data files (confined like traces, :mod:`.datafiles`); their ``at`` cells are
durations from ``start`` or clock times ``HH:MM`` on the day of ``start``."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationInfo

from ..errors import ScenarioError
from ..forecast import parse_at, read_forecast
from .datafiles import context_of, csv_problem, data_file, text_lines


class DataFileProblems(ValueError):
    """Every problem of one data file; the loader reports each on a line of its own."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def clock_origin(info: ValidationInfo | None) -> float:
    """The time of day of ``start`` in seconds (clock times are taken on its day)."""
    start = context_of(info).get("start")
    if not isinstance(start, dt.datetime):
        return 0.0
    return float(start.hour * 3600 + start.minute * 60 + start.second) + start.microsecond / 1e6


def _horizon(info: ValidationInfo | None) -> float | None:
    horizon = context_of(info).get("horizon")
    return float(horizon) if isinstance(horizon, int | float) and horizon > 0 else None


def _problems(exc: ScenarioError) -> list[str]:
    parts = []
    for p in exc.problems:
        where = f"{p.file}:{p.line}" if p.line is not None else p.file
        column = f" {'.'.join(map(str, p.path))}:" if p.path else ""
        parts.append(f"{where}:{column} {p.message}")
    return parts


def read_profile_file(name: str, info: ValidationInfo | None) -> list[dict[str, Any]]:
    """The rows of a forecast CSV as profile steps ``{at, calls_per_hour, aht}``; the last
    row's interval ends at the horizon. Raises ValueError naming file, row and column."""
    real, shown = data_file(name, info, "forecast file")
    try:
        rows = read_forecast(real, name=shown, clock_origin=clock_origin(info), until=_horizon(info))
    except ScenarioError as exc:
        raise DataFileProblems(_problems(exc)) from None
    steps: list[dict[str, Any]] = []
    for row in rows:
        step: dict[str, Any] = {"at": row.at, "calls_per_hour": row.calls_per_hour}
        if row.aht is not None:
            step["aht"] = row.aht
        steps.append(step)
    return steps


STAFFING_COLUMNS = ("at", "agents")


def read_staffing_file(name: str, info: ValidationInfo | None) -> list[dict[str, Any]]:
    """The rows ``{at, agents}`` of a staffing CSV (header ``at,agents``, comma or semicolon,
    blank lines skipped). Raises ValueError listing every bad cell as FILE:LINE: column."""
    real, shown = data_file(name, info, "staffing file")
    lines = list(text_lines(Path(real), shown))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ValueError(f"{shown}: the staffing file is empty (expected a header row: at,agents)")
    delimiter = ";" if lines[first].count(";") > lines[first].count(",") else ","
    try:
        records = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as exc:
        raise ValueError(f"{shown}: not a readable CSV file ({csv_problem(exc)})") from None
    header = [cell.strip().lower() for cell in records[first]]
    if sorted(header) != sorted(STAFFING_COLUMNS):
        raise ValueError(f"{shown}:{first + 1}: the header must have the columns at and agents (found: {', '.join(header)[:80]})")
    origin = clock_origin(info)
    problems: list[str] = []
    steps: list[dict[str, Any]] = []
    for index in range(first + 1, len(records)):
        record = records[index]
        if not any(cell.strip() for cell in record):
            continue
        where = f"{shown}:{index + 1}"
        if len(record) != len(header):
            problems.append(f"{where}: {len(record)} cells, the header has {len(header)}")
            continue
        cells = {col: cell.strip() for col, cell in zip(header, record, strict=True)}
        step: dict[str, Any] = {}
        try:
            step["at"] = parse_at(cells["at"], origin)
        except ValueError as exc:
            problems.append(f"{where}: at: {exc}")
        text = cells["agents"]
        if text.isdigit() and len(text) <= 9:
            step["agents"] = int(text)
        else:
            problems.append(f"{where}: agents: expected a whole number >= 0, got {text[:20]!r}")
        if len(step) == 2:
            steps.append(step)
    if not steps and not problems:
        problems.append(f"{shown}: the staffing file has a header but no row")
    if problems:
        raise DataFileProblems(problems)
    return steps
