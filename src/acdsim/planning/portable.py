"""A scenario written into another folder so that it loads from there: ``staffed.yaml`` of
``acdsim staff`` and ``rostered.yaml`` of ``acdsim shifts``. What its data files held is
written inline (forecast profiles, empirical values, staffing curves read from files); each
trace file is copied beside it, under its own relative name, or under its base name when it
lay outside the scenario's folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..model import Scenario
from .scenarios import override, to_dict


def portable_yaml(scenario: Scenario, folder: Path, header: str = "") -> tuple[str, list[str]]:
    """The YAML text of ``scenario`` as it loads from ``folder``, and the traces copied there."""
    import yaml

    changes: dict[Any, Any] = {}
    traces: list[tuple[tuple[Any, ...], str]] = []
    _inline(scenario.model_dump(mode="json", by_alias=True), (), changes, traces)
    data = to_dict(override(scenario, changes) if changes else scenario, exclude_defaults=True)
    base = Path(scenario.base_dir or ".")
    copied: list[str] = []
    for path, name in traces:
        where = Path(name)
        local = where.name if where.is_absolute() or ".." in where.parts else where.as_posix()
        target = folder / local
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(where if where.is_absolute() else base / where, target)
            copied.append(local)
        node: Any = data
        for key in path:
            node = node[key]
        node["trace"] = local
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return header + text, copied


def _inline(full: Any, path: tuple[Any, ...], changes: dict[Any, Any], traces: list[tuple[tuple[Any, ...], str]]) -> None:
    """Collect the overrides that replace the file references under ``path`` by their data,
    and the traces (where they are, their file names)."""
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
        if isinstance(full.get("trace"), str):
            traces.append((path, full["trace"]))
            return
        for key, value in full.items():
            _inline(value, (*path, key), changes, traces)
    elif isinstance(full, list | tuple):
        for k, value in enumerate(full):
            _inline(value, (*path, k), changes, traces)
