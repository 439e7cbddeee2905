"""The files of ``acdsim shifts -o DIR``: shifts.csv, coverage.csv, shifts.json, rostered.yaml
(when a scenario is known) and manifest.json, written into the private staging folder of
``output/folder.py`` and swapped in as a whole (docs/shifts.md)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from ... import __version__
from ...output.folder import MANIFEST
from ...output.manifest import file_digest
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
        text, copied = portable_yaml(roster.rostered, folder)
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


# ------------------------------------------------------------------------------ rostered.yaml


def portable_yaml(scenario: Any, folder: Path) -> tuple[str, list[str]]:
    """The scenario as YAML that runs from ``folder``: forecast profiles, empirical values and
    staffing files written inline (they were read from the scenario's own folder); a trace file
    is copied into ``folder`` under its name. Returns the text and the traces copied."""
    from ..scenarios import override, to_yaml

    changes: dict[Any, Any] = {}
    traces: list[str] = []
    _inline(scenario.model_dump(mode="json", by_alias=True), (), changes, traces)
    inline = override(scenario, changes) if changes else scenario
    copied: list[str] = []
    base = Path(scenario.base_dir) if scenario.base_dir is not None else Path(".")
    for name in traces:
        source, target = base / name, folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not source.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(name)
    header = "# acdsim shifts: the scenario with the pool's staffing set to the roster (rostered.yaml)\n"
    return header + to_yaml(inline), copied


def _inline(full: Any, path: tuple[Any, ...], changes: dict[Any, Any], traces: list[str]) -> None:
    """Collect the overrides that replace the file references under ``path`` by their data."""
    if isinstance(full, dict):
        if "profile" in full and isinstance(full.get("file"), str):
            changes[path] = {"profile": [{k: v for k, v in row.items() if v is not None} for row in full["profile"]]}
            return
        if full.get("dist") == "empirical" and isinstance(full.get("file"), str):
            changes[path] = {"dist": "empirical", "values": list(full["values"])}
            return
        if "steps" in full and isinstance(full.get("file"), str):
            changes[path] = list(full["steps"])
            return
        if "trace" in full and isinstance(full.get("trace"), str):
            traces.append(full["trace"])
            return
        for key, value in full.items():
            _inline(value, (*path, key), changes, traces)
    elif isinstance(full, list | tuple):
        for k, value in enumerate(full):
            _inline(value, (*path, k), changes, traces)
