"""What ``acdsim report`` reads from a run's output folder, and the damage it can find there.

The folder is checked against its manifest, ``summary.json`` is read and its KPI sections
checked (every problem at once), the scenario text echoed is read, and the tables the plots
need are read as CSV (or Parquet, from a run with ``--format parquet``) and drawn into
figures. A damaged file ends as one ``error: FILE: ...`` line (a :class:`ScenarioError`
naming it), never a traceback; a folder without ``summary.json`` or a table is not damaged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .errors import Problem, ScenarioError

# What a damaged input file makes pandas or a figure raise; anything else is a bug.
DAMAGE_ERRORS: tuple[type[Exception], ...] = (
    ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
    ZeroDivisionError, OSError,
)


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _damaged(path: Path, what: str, exc: BaseException | None = None) -> ScenarioError:
    reason = f" ({type(exc).__name__}: {_one_line(str(exc))})" if exc is not None else ""
    return ScenarioError.single(str(path), _one_line(what, 300) + reason)


def _read_table(path: Path) -> Any:
    import pandas as pd

    if not path.is_file():
        parquet = path.with_suffix(".parquet")  # (a run with --format parquet)
        if not parquet.is_file():
            return None
        from .output.parquet import read_frame

        try:
            return read_frame(parquet)
        except DAMAGE_ERRORS as exc:
            raise _damaged(parquet, "not a Parquet table written by acdsim run", exc) from None
    try:
        if b"\0" in path.read_bytes()[:65536]:
            raise _damaged(path, "not a CSV table written by acdsim run (binary data)")
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except DAMAGE_ERRORS as exc:  # pandas' ParserError is a ValueError
        raise _damaged(path, "not a CSV table written by acdsim run", exc) from None


def _figures(out_dir: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """``acdsim.plots.figures`` with every failure blamed on the file it comes from."""
    from .plots import PLOTS

    needed = sorted({n for inputs, _ in PLOTS.values() for n in inputs} | {"agent_pauses"})
    tables = {n: t for n in needed if (t := _read_table(out_dir / f"{n}.csv")) is not None}
    result = {}
    for name, (inputs, build) in PLOTS.items():
        if not all(i in tables for i in inputs):
            continue
        try:
            result[name] = build(tables, summary)
        except DAMAGE_ERRORS as exc:
            files = ", ".join(f"{i}.csv" for i in inputs)
            raise _damaged(
                out_dir / f"{inputs[0]}.csv", f"cannot draw {name} from {files}", exc
            ) from None
    return result


def _check_summary(summary: Any, path: Path) -> dict[str, Any]:
    """The parts of summary.json that the report and the plots rely on; every problem at once."""
    if not isinstance(summary, dict):
        raise _damaged(path, f"expected a map, got {type(summary).__name__}")
    problems: list[Problem] = []
    for section in ("queues", "agents"):
        items = summary.get(section)
        if items is None:
            continue
        if not isinstance(items, dict):
            problems.append(Problem(str(path), None, (section,), "expected a map"))
            continue
        for key, figures in items.items():
            if not isinstance(figures, dict):
                problems.append(
                    Problem(str(path), None, (section, key), "expected a map of KPI figures")
                )
    for key in ("warmup", "service_level_threshold"):  # the plots read them as floats
        value = summary.get(key)
        if value is None:
            continue
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not (0 <= value < 1e15):  # a float reads these; 10**400 would not fit
            problems.append(
                Problem(str(path), None, (key,), f"expected seconds >= 0, got {_one_line(repr(value), 40)}")
            )
    if problems:
        raise ScenarioError(problems)
    return summary


def read_folder(out_dir: Path, scenario_text: str | None) -> tuple[dict[str, Any], str | None]:
    """The checked ``summary.json`` of ``out_dir`` (``{}`` when absent) and the scenario text
    echoed: ``scenario_text``, or else ``out_dir/scenario.yaml`` when present."""
    from .output.manifest import check_manifest  # raises on files the run did not write

    for warning in check_manifest(out_dir):
        print(f"warning: {warning}", file=sys.stderr)
    summary_path = out_dir / "summary.json"
    summary: dict[str, Any] = {}
    if summary_path.is_file():
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError, OSError) as exc:
            raise _damaged(summary_path, "not a summary written by acdsim run", exc) from None
        summary = _check_summary(summary, summary_path)
    if scenario_text is None and (out_dir / "scenario.yaml").is_file():
        try:
            scenario_text = (out_dir / "scenario.yaml").read_text(encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise _damaged(out_dir / "scenario.yaml", "not a scenario file", exc) from None
    return summary, scenario_text
