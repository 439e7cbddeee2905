"""The files of ``acdsim shifts -o DIR``: shifts.csv, coverage.csv, shifts.json, rostered.yaml
(when a scenario is known) and manifest.json, written into the private staging folder of
``output/folder.py`` and swapped in as a whole (docs/shifts.md)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from ... import __version__
from ...output.folder import MANIFEST
from ...output.manifest import file_digest
from ..portable import portable_yaml
from .roster import Roster

SHIFT_COLUMNS = ("start", "end", "break", "agents", "paid_hours", "start_s", "end_s", "length_h")
COVERAGE_COLUMNS = ("interval_start", "clock", "required", "rostered", "surplus", "coverable", "shrinkage")


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = round(value, 6)
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    with path.open("x", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row[c]) for c in columns])
    return path


def write_roster(roster: Roster, folder: Path, options: dict[str, Any] | None = None) -> tuple[list[Path], list[str]]:
    """Write every file of the roster into ``folder``; return the paths and notes to show."""
    notes: list[str] = []
    written = [
        write_csv(folder / "shifts.csv", SHIFT_COLUMNS, roster.shift_rows()),
        write_csv(folder / "coverage.csv", COVERAGE_COLUMNS, roster.coverage_rows()),
    ]
    summary = roster.summary()
    if roster.rostered is not None:
        header = "# acdsim shifts: the scenario with the pool's staffing set to the roster (rostered.yaml)\n"
        text, copied = portable_yaml(roster.rostered, folder, header)
        (folder / "rostered.yaml").write_text(text, encoding="utf-8")
        written.append(folder / "rostered.yaml")
        notes += [f"copied the trace {name} beside rostered.yaml" for name in copied]
    elif roster.scenario_note:
        notes.append(roster.scenario_note)
    summary["rostered_yaml"] = roster.rostered is not None
    (folder / "shifts.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.insert(2, folder / "shifts.json")
    written.append(_manifest(folder, roster, options or {}))
    return written, notes


def _manifest(folder: Path, roster: Roster, options: dict[str, Any]) -> Path:
    files = {
        p.name: {"bytes": p.stat().st_size, "sha256": file_digest(p)}
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST
    }
    manifest = {
        "acdsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "command": "shifts",
        "staffing": roster.staffing.file,
        "scenario": {"file": roster.scenario_file},
        "options": options,
        "files": files,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
