"""The output folder of ``acdsim sweep``: sweep.csv, sweep_summary.csv, scenario.yaml and
manifest.json, written like a run's (locked, into a private sibling, swapped in as a whole:
``output/folder.py``), so an interrupted sweep leaves the folder as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..output.files import AtomicCsv
from ..output.folder import OutputFolder
from ..output.manifest import write_manifest

FILES = ("sweep.csv", "sweep_summary.csv")


def cell(value: Any) -> Any:
    """A CSV cell: floats in full (shortest repr, so they read back exactly), empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list | tuple):  # a swept mapping (a distribution) as JSON
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return value


def write_table(path: Path, columns: list[str], rows: list[list[Any]]) -> None:
    table = AtomicCsv(path, tuple(columns))
    try:
        for row in rows:
            table.row([cell(v) for v in row])
    except BaseException:
        table.discard()
        raise
    table.commit()


def write_sweep(
    result: Any, folder: OutputFolder, scenario_text: str | None, scenario_file: str | None,
    options: dict[str, Any],
) -> list[Path]:
    """Write the sweep's files into ``folder.staging`` (manifest last); return their paths."""
    staging = folder.staging
    write_table(staging / "sweep.csv", result.run_columns, result.run_rows)
    write_table(staging / "sweep_summary.csv", result.summary_columns, result.summary_rows)
    written = [staging / name for name in FILES]
    if scenario_text is not None:
        with (staging / "scenario.yaml").open("x", encoding="utf-8", newline="") as f:
            f.write(scenario_text)
        written.append(staging / "scenario.yaml")
    written.append(write_manifest(staging, result.points[0].scenario, scenario_file, options))
    return written
