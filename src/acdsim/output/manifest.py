"""``manifest.json``: what one ``acdsim run`` wrote into its output folder, to check it later.

Keys (docs/files.md): ``acdsim_version``, ``created`` (UTC, ISO 8601), ``scenario``
(``name``, ``file`` as given on the command line, ``sha256`` of the ``scenario.yaml`` copy),
``seed``, ``replications``, ``timing``, ``horizon``, ``options`` (the command-line options of
the run), ``files`` (``{name: {"bytes": size, "sha256": digest}}`` for every other file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import Problem, ScenarioError
from .folder import MANIFEST

# Files that ``acdsim report`` adds to a finished folder: not the run's, not checked.
REPORT_FILES = frozenset({"report.html", "report.html.tmp"})


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(folder: Path, scenario: Any, scenario_file: str | None, options: dict[str, Any]) -> Path:
    """Describe every file now in ``folder`` (call it last) and write ``folder/manifest.json``."""
    files = {
        p.name: {"bytes": p.stat().st_size, "sha256": file_digest(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    }
    copy = files.get("scenario.yaml")
    manifest = {
        "acdsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "scenario": {
            "name": scenario.title,
            "file": scenario_file,
            "sha256": copy["sha256"] if copy else None,
        },
        "seed": scenario.seed,
        "replications": scenario.replications,
        "timing": scenario.timing,
        "horizon": scenario.horizon,
        "options": options,
        "files": files,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def check_manifest(folder: Path) -> list[str]:
    """Check ``folder`` against its manifest: raise :class:`ScenarioError` listing every file
    that is missing, changed or not written by the run; return warnings (no manifest)."""
    folder = Path(folder)
    where = str(folder / MANIFEST)
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{folder}: no {MANIFEST}: the files cannot be checked (written by an older acdsim?)"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        assert isinstance(files, dict)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise ScenarioError.single(where, f"not a manifest written by acdsim run ({type(exc).__name__})") from None
    problems: list[Problem] = []
    present = sorted(
        p.name for p in folder.iterdir()
        if p.name != MANIFEST and p.name not in REPORT_FILES and not p.name.startswith(".")
    )
    for name in present:
        if name not in files:
            problems.append(_problem(folder / name, f"not written by the run of this folder (not in {MANIFEST})"))
    for name, facts in sorted(files.items()):
        file = folder / name
        if not file.is_file():
            problems.append(_problem(file, f"listed in {MANIFEST} but missing"))
        elif file.stat().st_size != facts.get("bytes") or file_digest(file) != facts.get("sha256"):
            problems.append(_problem(file, f"changed since the run wrote it (size or sha256 differs from {MANIFEST})"))
    if problems:
        raise ScenarioError(problems)
    return []


def _problem(file: Path, message: str) -> Problem:
    return Problem(str(file), None, (), message)


@dataclass(frozen=True)
class RunRecord:
    """What the command line adds to a run's folder before it is swapped in: the scenario as
    it was loaded (``scenario.yaml``), the plots if asked, and ``manifest.json``."""

    scenario_text: str
    scenario_file: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    plots: bool = False

    def finish(self, folder: Path, scenario: Any) -> list[Path]:
        """Write the extra files into ``folder`` (the manifest last); return the plots."""
        with (folder / "scenario.yaml").open("x", encoding="utf-8", newline="") as f:
            f.write(self.scenario_text)
        plots: list[Path] = []
        if self.plots:
            from ..plots import write_plots

            plots = write_plots(folder)
        write_manifest(folder, scenario, self.scenario_file, self.options)
        return plots
