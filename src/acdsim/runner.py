"""``acdsim run``: simulate every replication, stream the records into the output files.

Every file is written under a temporary name and renamed when the run completes, so an
interrupted run never leaves a file that looks complete.
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

from .engine import AgentPauseRecord, AgentStateRecord, NullRecorder, Simulation
from .model import Scenario
from .output.events import AgentEventWriter
from .output.files import AtomicCsv, AtomicText, CsvRecorder
from .output.intervals import INTERVAL_COLUMNS, IntervalRecorder
from .output.kpis import KpiRecorder
from .output.status import StatusSampler
from .output.summary import build_summary
from .output.table import summary_table
from .output.tee import Tee
from .signals import deferred, exit_status, signal_name, worker_pool

FILES = (
    "summary", "calls", "offers", "agents", "status", "intervals", "agent_events",
    "agent_states", "agent_pauses",
)
AGENT_COLUMNS = (
    "agent", "calls_answered", "talk_time", "offers", "no_answers", "rejects", "busies",
    "logged_in_time", "occupancy", "wrap_up_time", "handle_occupancy",
)
STATUS_COLUMNS = ("time", "queue", "waiting_members", "trying_members", "answered_members")
AGENT_STATE_COLUMNS = ("time", "agent", "status", "state")
AGENT_PAUSE_COLUMNS = ("agent", "kind", "start", "end")


class _AgentRows(NullRecorder):
    """Agent status/state changes and pauses as table rows (for timelines)."""

    def __init__(self, states: Any, pauses: Any, prefix: tuple[int, ...]) -> None:
        self.states, self.pauses, self.prefix = states, pauses, prefix
        if states is None:
            self.agent_state = NullRecorder.agent_state.__get__(self)  # type: ignore[method-assign]
        if pauses is None:
            self.agent_pause = NullRecorder.agent_pause.__get__(self)  # type: ignore[method-assign]

    def agent_state(self, r: AgentStateRecord) -> None:
        self.states.row(self.prefix + tuple(r))

    def agent_pause(self, r: AgentPauseRecord) -> None:
        self.pauses.row(self.prefix + tuple(r))


class Outputs:
    """The open output files of one run."""

    def __init__(self, out_dir: Path, scenario: Scenario, wanted: Iterable[str]) -> None:
        self.wanted = set(wanted) | {"summary"}
        self.reps = scenario.replications > 1
        self.scenario = scenario
        prefix: tuple[str, ...] = ("replication",) if self.reps else ()
        self.open: list[Any] = []
        self.calls_offers: CsvRecorder | None = None
        if "calls" in self.wanted or "offers" in self.wanted:
            self.calls_offers = CsvRecorder(out_dir, scenario.start, self.reps)
            self.open.append(self.calls_offers)
        self.agents = self._csv(out_dir, "agents", prefix + AGENT_COLUMNS)
        self.status = self._csv(out_dir, "status", prefix + STATUS_COLUMNS)
        self.intervals = self._csv(out_dir, "intervals", prefix + INTERVAL_COLUMNS)
        self.agent_states = self._csv(out_dir, "agent_states", prefix + AGENT_STATE_COLUMNS)
        self.agent_pauses = self._csv(out_dir, "agent_pauses", prefix + AGENT_PAUSE_COLUMNS)
        self.events: AtomicText | None = None
        if "agent_events" in self.wanted:
            self.events = AtomicText(out_dir / "agent_events.jsonl")
            self.open.append(self.events)
        self.summary = AtomicText(out_dir / "summary.json")
        self.open.append(self.summary)

    def _csv(self, out_dir: Path, name: str, header: tuple[str, ...]) -> AtomicCsv | None:
        if name not in self.wanted:
            return None
        f = AtomicCsv(out_dir / f"{name}.csv", header)
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
    if out is not None:
        if out.calls_offers is not None:
            out.calls_offers.replication = k
            recorders.append(out.calls_offers)
        if out.status is not None:
            status_file = out.status
            sampler = StatusSampler(
                queue_ids, scenario.report.status_interval,
                lambda row: status_file.row(prefix + row),
            )
            recorders.append(sampler)
        if out.intervals is not None:
            intervals = IntervalRecorder(
                scenario.report.interval, scenario.report.service_level_threshold, scenario.warmup
            )
            recorders.append(intervals)
        if out.agent_states is not None or out.agent_pauses is not None:
            recorders.append(_AgentRows(out.agent_states, out.agent_pauses, prefix))
        if out.events is not None:
            writer = AgentEventWriter(scenario, out.events.line)
            writer.replication = k if out.reps else None
            recorders.append(writer)
    # One recorder (KPIs only, the usual sweep) goes to the engine as it is: its methods are
    # the class's, which Python calls faster than the Tee's per-instance attributes.
    recorder = recorders[0] if len(recorders) == 1 else Tee(*recorders)
    stats = Simulation(scenario, recorder, replication=k, progress=on_time).run()  # type: ignore[arg-type]
    result = kpis.finish(stats.end_time)
    if sampler is not None:
        sampler.finish(stats.end_time)
    if out is not None and intervals is not None and out.intervals is not None:
        for row in intervals.rows(queue_ids, scenario.horizon):
            out.intervals.row(prefix + row)
    if out is not None and out.agents is not None:
        for ref, figures in result["agents"].items():
            out.agents.row(prefix + (ref, *(figures[c] for c in AGENT_COLUMNS[1:])))
    result["end_time"] = stats.end_time
    return result


def _replication_to_parts(scenario: Scenario, k: int, part_dir: str, wanted: list[str]) -> dict[str, Any]:
    """Worker: replication ``k`` into its own files under ``part_dir`` (merged in order later)."""
    path = Path(part_dir)
    path.mkdir(exist_ok=True)  # not its parents: a stray worker must not re-create a removed root
    out = Outputs(path, scenario, wanted)
    try:
        result = run_replication(scenario, k, out)
    except BaseException:
        out.discard()
        raise
    out.summary.discard()
    out.open.remove(out.summary)
    out.commit()
    return result


def _merge_parts(parts: list[Path], out_dir: Path, finals: list[AtomicText]) -> None:
    """Concatenate the replications' files in replication order (one header each file) into
    temporary files, appended to ``finals`` for the caller to commit or discard."""
    names = sorted({p.name for part in parts for p in part.iterdir() if not p.name.startswith(".")})
    for name in names:
        with deferred():  # opened and listed at once, so an interrupt cannot lose it
            final = AtomicText(out_dir / name)
            finals.append(final)
        for i, part in enumerate(parts):
            with (part / name).open(encoding="utf-8") as f:
                for n, line in enumerate(f):
                    if n == 0 and i > 0 and name.endswith(".csv"):
                        continue  # the header, already written from the first part
                    final.handle.write(line)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_scenario(
    scenario: Scenario,
    out_dir: Path,
    quiet: bool = False,
    only: Iterable[str] | None = None,
    progress: Callable[[float, int], None] | None = None,
    jobs: int | None = 1,
) -> int:
    """Simulate every replication and write the outputs; return the exit status.

    With ``jobs > 1`` replications run in parallel processes; every file is the same, byte for
    byte, as with one job (each replication has its own named random streams)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = list(only if only is not None else FILES)
    jobs = default_jobs() if jobs is None else jobs
    reps = scenario.replications
    per_rep: list[dict[str, Any]] = []
    written: list[Path] = []  # filled when the files are renamed into place
    try:
        if jobs > 1 and reps > 1:
            _run_parallel(scenario, out_dir, wanted, jobs, per_rep, progress, written)
        else:
            _run_sequential(scenario, out_dir, wanted, per_rep, progress, written)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP under signals.stop_signals
        if written:  # the signal came while the files were renamed into place
            print(f"interrupted by {signal_name(exc)} as the run ended; "
                  f"{', '.join(p.name for p in written)} were written in full to {out_dir}", file=sys.stderr)
        else:
            print(
                f"interrupted after {len(per_rep)} of {reps} replication(s) by {signal_name(exc)}; "
                f"no output file was written to {out_dir} (partial files removed)",
                file=sys.stderr,
            )
        return exit_status(exc)
    if not quiet:
        console = Console()
        queue_agents = {
            str(q.id): [f"{kind}/{t.agent_id}" for kind in ("local", "remote") for t in getattr(q.agents, kind)]
            for q in scenario.queues
        }
        summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
        console.print(summary_table(summary, queue_agents))
        console.print("wrote " + ", ".join(p.name for p in written) + f" to {out_dir}")
    return 0


def _run_sequential(
    scenario: Scenario, out_dir: Path, wanted: list[str], per_rep: list[dict[str, Any]],
    progress: Callable[[float, int], None] | None, written: list[Path],
) -> None:
    out: Outputs | None = None
    try:
        with deferred():  # the files it opens are known to ``out`` before a signal can stop us
            out = Outputs(out_dir, scenario, wanted)
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
        with deferred():  # every file or none
            written.extend(out.commit())
    except BaseException:
        if out is not None:
            out.discard()
        raise


def _run_parallel(
    scenario: Scenario, out_dir: Path, wanted: list[str], jobs: int, per_rep: list[dict[str, Any]],
    progress: Callable[[float, int], None] | None, written: list[Path],
) -> None:
    reps = scenario.replications
    results: dict[int, dict[str, Any]] = {}
    parts_root: Path | None = None
    finals: list[AtomicText] = []
    try:
        with deferred():
            parts_root = Path(tempfile.mkdtemp(prefix=".acdsim-parts-", dir=out_dir))
        parts = [parts_root / f"rep-{k:06d}" for k in range(reps)]
        # Leaving this block by an exception (Ctrl-C, SIGTERM, a failed replication) cancels
        # the queued replications and ends the running workers before the parts are removed.
        with worker_pool(min(jobs, reps)) as pool:
            futures = {
                pool.submit(_replication_to_parts, scenario, k, str(parts[k]), wanted): k for k in range(reps)
            }
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                per_rep.append(results[futures[future]])
                if progress is not None:
                    progress(len(results), reps)
        ordered = [results[k] for k in range(reps)]
        _merge_parts(parts, out_dir, finals)
        with deferred():
            summary = AtomicText(out_dir / "summary.json")
            finals.append(summary)
        summary.line(json.dumps(build_summary(scenario, ordered), indent=2, ensure_ascii=False))
        with deferred():  # every file or none
            for final in finals:
                final.commit()
            written.extend(out_dir / n for n in _output_names(wanted))
    except BaseException:
        for final in finals:
            final.discard()
        raise
    finally:
        if parts_root is not None:
            with deferred():  # all of it, even when a signal comes after a successful run
                shutil.rmtree(parts_root, ignore_errors=True)


def _output_names(wanted: list[str]) -> list[str]:
    names = []
    for name in FILES:
        if name in wanted or name == "summary":
            names.append("summary.json" if name == "summary" else (
                "agent_events.jsonl" if name == "agent_events" else f"{name}.csv"))
    return names
