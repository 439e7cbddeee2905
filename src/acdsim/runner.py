"""``acdsim run``: simulate every replication, stream the records into the output files.

Every file is written into a private sibling of the output folder, which is swapped in as a
whole when the run completes (:mod:`acdsim.output.folder`): an interrupted or failed run
leaves the folder as it was, and two runs into one folder cannot mix their files.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from rich.console import Console

from .engine import NullRecorder, Simulation
from .errors import ScenarioError
from .model import Scenario
from .output.events import AgentEventWriter
from .output.files import AtomicText, CsvRecorder, table_file
from .output.folder import OutputFolder
from .output.intervals import INTERVAL_COLUMNS, IntervalRecorder, queue_members
from .output.kpis import KpiRecorder
from .output.manifest import RunRecord
from .output.status import StatusSampler
from .output.summary import build_summary
from .output.table import summary_table
from .output.tee import Tee
from .planning.intervals import write_interval_summary
from .signals import exit_status, signal_name, worker_pool

FILES = (
    "summary", "calls", "offers", "agents", "status", "intervals", "agent_events",
    "agent_states", "agent_pauses", "intervals_summary",
)
AGENT_COLUMNS = (
    "agent", "calls_answered", "talk_time", "offers", "no_answers", "rejects", "busies",
    "logged_in_time", "occupancy", "wrap_up_time", "handle_occupancy", "talk_occupancy",
)
STATUS_COLUMNS = ("time", "queue", "waiting_members", "trying_members", "answered_members")
AGENT_STATE_COLUMNS = ("time", "agent", "status", "state")
AGENT_PAUSE_COLUMNS = ("agent", "kind", "start", "end")


class _AgentRows(NullRecorder):
    """Agent status/state changes and pauses as table rows (for timelines): the tables' list
    appends, written when the engine flushes."""

    def __init__(self, states: Any, pauses: Any) -> None:
        self.states, self.pauses = states, pauses
        if states is not None:
            self.agent_state = states.append  # type: ignore[method-assign]
        if pauses is not None:
            self.agent_pause = pauses.append  # type: ignore[method-assign]

    def flush(self) -> None:
        for table in (self.states, self.pauses):
            if table is not None:
                table.flush()


class _Flush(NullRecorder):
    """Hands the kept rows of ``tables`` to their sinks when the engine flushes."""

    def __init__(self, tables: list[Any]) -> None:
        self.tables = tables

    def flush(self) -> None:
        for table in self.tables:
            table.flush()


class Outputs:
    """The open output files of one run."""

    def __init__(self, out_dir: Path, scenario: Scenario, wanted: Iterable[str], file_format: str = "csv") -> None:
        self.wanted = set(wanted) | {"summary"}
        self.file_format = file_format
        self.reps = scenario.replications > 1
        self.scenario = scenario
        prefix: tuple[str, ...] = ("replication",) if self.reps else ()
        self.open: list[Any] = []
        self.calls_offers: CsvRecorder | None = None
        if "calls" in self.wanted or "offers" in self.wanted:
            self.calls_offers = CsvRecorder(out_dir, scenario.start, self.reps, file_format)
            self.open.append(self.calls_offers)
        self.agents = self._csv(out_dir, "agents", prefix + AGENT_COLUMNS)
        self.status = self._csv(out_dir, "status", prefix + STATUS_COLUMNS)
        self.intervals = self._csv(out_dir, "intervals", prefix + INTERVAL_COLUMNS)
        self.interval_rows = "intervals_summary" in self.wanted  # written by run_scenario
        self.agent_states = self._csv(out_dir, "agent_states", prefix + AGENT_STATE_COLUMNS)
        self.agent_pauses = self._csv(out_dir, "agent_pauses", prefix + AGENT_PAUSE_COLUMNS)
        self.events: AtomicText | None = None
        if "agent_events" in self.wanted:
            self.events = AtomicText(out_dir / "agent_events.jsonl")
            self.open.append(self.events)
        self.summary = AtomicText(out_dir / "summary.json")
        self.open.append(self.summary)

    def _csv(self, out_dir: Path, name: str, header: tuple[str, ...]) -> Any:
        if name not in self.wanted:
            return None
        f = table_file(out_dir, name, header, self.file_format)
        self.open.append(f)
        return f

    def commit(self) -> list[Path]:
        paths = []
        for f in self.open:
            result = f.commit()
            paths.extend(result if isinstance(result, list) else [f.path])
        if self.calls_offers is not None:
            # calls.csv and offers.csv are written together; drop the one not asked for.
            for name in ("calls", "offers"):
                if name not in self.wanted:
                    path = self.calls_offers.calls_file.path if name == "calls" else self.calls_offers.offers_file.path
                    path.unlink(missing_ok=True)
                    paths.remove(path)
        return paths

    def discard(self) -> None:
        for f in self.open:
            f.discard()


def run_replication(
    scenario: Scenario,
    k: int,
    out: Any,
    extra: Iterable[Any] = (),
    on_time: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Run replication ``k``; stream its rows into ``out`` (an ``Outputs`` or ``MemoryOutputs``,
    or None for KPIs only); return its KPIs."""
    queue_ids = [q.id for q in scenario.queues]
    refs = [a.ref for a in scenario.all_agents()]
    prefix: tuple[int, ...] = (k,) if scenario.replications > 1 else ()
    kpis = KpiRecorder(queue_ids, refs, scenario.report.service_level_threshold, scenario.warmup)
    recorders: list[Any] = [kpis, *extra]
    sampler = intervals = None
    tables: list[Any] = []
    if out is not None:
        # Rows are kept per table and written in chunks: the tables' constant columns first.
        tables = [t for t in (out.status, out.intervals, out.agents, out.agent_states, out.agent_pauses)
                  if t is not None]
        for table in tables:
            table.prefix = prefix
        if out.calls_offers is not None:
            out.calls_offers.replication = k
            recorders.append(out.calls_offers)
        if out.status is not None:
            status_file = out.status
            sampler = StatusSampler(
                queue_ids, scenario.report.status_interval,
                status_file.append,
            )
            recorders.extend([sampler, _Flush([status_file])])
        if out.intervals is not None or getattr(out, "interval_rows", False):
            intervals = IntervalRecorder(
                scenario.report.interval, scenario.report.service_level_threshold, scenario.warmup,
                queue_members(scenario), scenario.horizon,
            )
            recorders.append(intervals)
        if out.agent_states is not None or out.agent_pauses is not None:
            recorders.append(_AgentRows(out.agent_states, out.agent_pauses))
        if out.events is not None:
            writer = AgentEventWriter(scenario, out.events.line)
            writer.replication = k if out.reps else None
            recorders.append(writer)
    # One recorder (KPIs only, the usual sweep) goes to the engine as it is: its methods are
    # the class's, which Python calls faster than the Tee's per-instance attributes.
    recorder = recorders[0] if len(recorders) == 1 else Tee(*recorders)
    stats = Simulation(scenario, recorder, replication=k, progress=on_time).run()  # type: ignore[arg-type]
    if isinstance(recorder, Tee):
        recorder.flush()  # (it keeps the records it shares until the next flush)
    result = kpis.finish(stats.end_time)
    if sampler is not None:
        sampler.finish(stats.end_time)
    if out is not None and intervals is not None:
        interval_rows = intervals.rows(queue_ids, scenario.horizon)
        if out.intervals is not None:
            for row in interval_rows:
                out.intervals.row(row)
        if getattr(out, "interval_rows", False):  # for intervals_summary.csv, across replications
            result["intervals"] = (k, interval_rows)
    if out is not None and out.agents is not None:
        for ref, figures in result["agents"].items():
            out.agents.row((ref, *(figures[c] for c in AGENT_COLUMNS[1:])))
    for table in tables:
        table.flush()
    if out is not None and out.calls_offers is not None:
        out.calls_offers.flush()
    result["end_time"] = stats.end_time
    return result


def _replication_to_parts(
    scenario: Scenario, k: int, part_dir: str, wanted: list[str], file_format: str = "csv"
) -> dict[str, Any]:
    """Worker: replication ``k`` into its own files under ``part_dir`` (merged in order later)."""
    path = Path(part_dir)
    # Not parents=True: once the run's temporary root is removed (the run was stopped), a
    # late worker must fail rather than create it again.
    path.mkdir(exist_ok=True)
    out = Outputs(path, scenario, wanted, file_format)
    try:
        result = run_replication(scenario, k, out)
    except BaseException:
        out.discard()
        raise
    out.summary.discard()
    out.open.remove(out.summary)
    out.commit()
    return result


def _merge_parts(parts: list[Path], out_dir: Path) -> None:
    """Concatenate the replications' files in replication order (one header each file)."""
    names = sorted({p.name for part in parts for p in part.iterdir() if not p.name.startswith(".")})
    for name in names:
        if name.endswith(".parquet"):
            from .output.parquet import merge_parts

            merge_parts([part / name for part in parts], out_dir / name)
            continue
        final = AtomicText(out_dir / name)
        for i, part in enumerate(parts):
            with (part / name).open(encoding="utf-8") as f:
                for n, line in enumerate(f):
                    if n == 0 and i > 0 and name.endswith(".csv"):
                        continue  # the header, already written from the first part
                    final.handle.write(line)
        final.commit()


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_scenario(
    scenario: Scenario,
    out_dir: Path,
    quiet: bool = False,
    only: Iterable[str] | None = None,
    progress: Callable[[float, int], None] | None = None,
    jobs: int | None = 1,
    record: RunRecord | None = None,
    scheduler: Any = None,
    file_format: str = "csv",
) -> int:
    """Simulate every replication and write the outputs; return the exit status.

    With ``jobs > 1`` replications run in parallel processes; every file is the same, byte for
    byte, as with one job (each replication has its own named random streams).

    The files are written into ``OutputFolder(out_dir).staging``, the run's one temporary root
    (the ``--jobs`` parts live in it too), and swapped in as ``out_dir`` at the end; ``record``
    (the command line's) adds ``scenario.yaml``, plots and ``manifest.json`` before the swap.
    With ``scheduler`` (a Dask address or Client) the replications run on that cluster
    (:mod:`acdsim.planning.cluster`), with the same bytes in every file.
    A failure to write (full disk, permissions) is a :class:`ScenarioError` naming ``out_dir``.
    ``file_format`` "parquet" writes the record tables as Parquet files instead of CSV (not
    with ``scheduler``)."""
    wanted = list(only if only is not None else FILES)
    jobs = default_jobs() if jobs is None else jobs
    reps = scenario.replications
    per_rep: list[dict[str, Any]] = []
    folder = OutputFolder(out_dir)
    plots: list[Path] = []
    try:
        with folder:
            staging = folder.staging
            if scheduler is not None:
                from .planning.cluster import run_on_cluster

                written = run_on_cluster(scenario, staging, wanted, scheduler, per_rep, progress)
            elif jobs > 1 and reps > 1:
                written = _run_parallel(scenario, staging, wanted, jobs, per_rep, progress, file_format)
            else:
                written = _run_sequential(scenario, staging, wanted, per_rep, progress, file_format)
            if "intervals_summary" in wanted:
                path = write_interval_summary(staging, scenario, per_rep)
                written += [] if path in written else [path]
            if record is not None:
                plots = record.finish(staging, scenario)
                written += [staging / "scenario.yaml", staging / "manifest.json"]
            summary = json.loads((staging / "summary.json").read_text(encoding="utf-8"))
            folder.commit()
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP under signals.stop_signals
        if folder.committed:  # the signal came during the swap, held until it was done
            state = f"{out_dir} holds this run's complete outputs"
        else:
            state = f"no file of this run was written: {out_dir} is unchanged (its temporary folder was removed)"
        print(f"interrupted after {len(per_rep)} of {reps} replication(s) by {signal_name(exc)}; {state}",
              file=sys.stderr)
        return exit_status(exc)
    except OSError as exc:
        if folder.committed:
            raise
        raise ScenarioError.single(
            str(out_dir), f"cannot write the outputs ({exc.strerror or exc}); the folder is unchanged"
        ) from None
    if not quiet:
        console = Console()
        queue_agents = {
            str(q.id): [f"{kind}/{t.agent_id}" for kind in ("local", "remote") for t in getattr(q.agents, kind)]
            for q in scenario.queues
        }
        console.print(summary_table(summary, queue_agents, width=console.width))
        console.print("wrote " + ", ".join(p.name for p in written) + f" to {out_dir}")
        if plots:
            console.print("plots: " + ", ".join(p.name for p in plots))
    return 0


def _run_sequential(
    scenario: Scenario, out_dir: Path, wanted: list[str], per_rep: list[dict[str, Any]],
    progress: Callable[[float, int], None] | None, file_format: str = "csv",
) -> list[Path]:
    out = Outputs(out_dir, scenario, wanted, file_format)
    try:
        reps = scenario.replications
        for k in range(reps):
            on_time = None
            if progress is not None:
                def on_time(t: float, k: int = k) -> None:
                    progress(k + min(t / scenario.horizon, 1.0), reps)
            per_rep.append(run_replication(scenario, k, out, on_time=on_time))
            if progress is not None:
                progress(k + 1, reps)
        out.summary.line(json.dumps(build_summary(scenario, per_rep), indent=2, ensure_ascii=False))
    except BaseException:
        out.discard()
        raise
    return out.commit()


def _run_parallel(
    scenario: Scenario, out_dir: Path, wanted: list[str], jobs: int, per_rep: list[dict[str, Any]],
    progress: Callable[[float, int], None] | None, file_format: str = "csv",
) -> list[Path]:
    """The replications in ``jobs`` worker processes, each into its own part folder under
    ``out_dir`` (the run's private staging folder), merged in replication order."""
    reps = scenario.replications
    parts_root = Path(tempfile.mkdtemp(prefix=".acdsim-parts-", dir=out_dir))
    parts = [parts_root / f"rep-{k:06d}" for k in range(reps)]
    results: dict[int, dict[str, Any]] = {}
    # Leaving this block by an exception (Ctrl-C, SIGTERM, a failed replication) cancels the
    # queued replications and ends the running workers before the caller removes the staging
    # folder, parts included (OutputFolder): no worker can write into it afterwards.
    with worker_pool(min(jobs, reps)) as pool:
        futures = {
            pool.submit(_replication_to_parts, scenario, k, str(parts[k]), wanted, file_format): k
            for k in range(reps)
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            per_rep.append(results[futures[future]])
            if progress is not None:
                progress(len(results), reps)
    ordered = [results[k] for k in range(reps)]
    _merge_parts(parts, out_dir)
    summary = AtomicText(out_dir / "summary.json")
    summary.line(json.dumps(build_summary(scenario, ordered), indent=2, ensure_ascii=False))
    summary.commit()
    shutil.rmtree(parts_root)  # not swapped in with the outputs
    return [out_dir / n for n in _output_names(wanted, file_format)]


def _output_names(wanted: list[str], file_format: str = "csv") -> list[str]:
    names = []
    for name in FILES:
        if name in wanted or name == "summary":
            ext = "csv" if name == "intervals_summary" else file_format
            names.append("summary.json" if name == "summary" else (
                "agent_events.jsonl" if name == "agent_events" else f"{name}.{ext}"))
    return names
