"""``acdsim run --scheduler``: a run's replications on a Dask cluster, its files written here.

A worker runs replication k into a temporary folder of its own (``runner._replication_to_parts``,
as a ``--jobs`` worker does), reads the files back and returns their bytes with the KPIs; the
command concatenates them in replication order (one header per CSV; a Parquet table's row
groups, read from the bytes), as ``--jobs`` merges its parts. So every file is the bytes
``--jobs 1`` writes, and the workers need no shared disk.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..model import Scenario
from ..output.files import AtomicText
from ..output.summary import build_summary
from .parallel import run_tasks, scenario_from_json


def replication_files(
    text: str, k: int, wanted: tuple[str, ...], file_format: str = "csv"
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Worker: replication ``k`` of the scenario (JSON): its KPIs and its files' bytes."""
    from ..runner import _replication_to_parts

    with tempfile.TemporaryDirectory(prefix="acdsim-worker-") as tmp:
        part = Path(tmp) / "part"
        result = _replication_to_parts(scenario_from_json(text), k, str(part), list(wanted), file_format)
        files = {p.name: p.read_bytes() for p in sorted(part.iterdir()) if not p.name.startswith(".")}
    return result, files


def run_on_cluster(
    scenario: Scenario,
    out_dir: Path,
    wanted: list[str],
    scheduler: Any,
    per_rep: list[dict[str, Any]],
    progress: Callable[[float, int], None] | None,
    file_format: str = "csv",
) -> list[Path]:
    """Run every replication on the cluster; write the files into ``out_dir`` (the staging
    folder); return their paths."""
    reps = scenario.replications
    results: dict[int, tuple[dict[str, Any], dict[str, bytes]]] = {}

    def done(task: tuple[int, int], result: tuple[dict[str, Any], dict[str, bytes]]) -> None:
        results[task[1]] = result
        per_rep.append(result[0])
        if progress is not None:
            progress(len(results), reps)

    worker = partial(replication_files, wanted=tuple(wanted), file_format=file_format)
    run_tasks([scenario], [(0, k) for k in range(reps)], done, scheduler=scheduler, worker=worker)
    finals: list[AtomicText] = []
    merged: list[Path] = []
    written: list[Path] = []
    try:
        names = sorted({name for k in range(reps) for name in results[k][1]})
        for name in names:
            if name.endswith(".parquet"):
                from ..output.parquet import merge_parts

                merge_parts([results[k][1][name] for k in range(reps)], out_dir / name)
                merged.append(out_dir / name)
                written.append(out_dir / name)
                continue
            final = AtomicText(out_dir / name)
            finals.append(final)
            written.append(final.path)
            for k in range(reps):
                data = results[k][1].get(name, b"")
                if k > 0 and name.endswith(".csv"):
                    data = data.split(b"\n", 1)[1] if b"\n" in data else b""  # its header, written once
                final.handle.flush()
                final.handle.buffer.write(data)
        summary = AtomicText(out_dir / "summary.json")
        finals.append(summary)
        written.append(summary.path)
        ordered = [results[k][0] for k in range(reps)]
        summary.line(json.dumps(build_summary(scenario, ordered), indent=2, ensure_ascii=False))
        for final in finals:
            final.commit()
    except BaseException:
        for final in finals:
            final.discard()
        for path in merged:
            path.unlink(missing_ok=True)
        raise
    return written
