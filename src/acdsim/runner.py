"""``acdsim run``: simulate every replication and write the output files."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from .engine import CallRecord, Simulation
from .model import Scenario
from .output.files import CsvRecorder
from .output.tally import Tally


class _RunRecorder(CsvRecorder):
    def __init__(self, out_dir: Path, scenario: Scenario) -> None:
        super().__init__(out_dir, scenario.start, scenario.replications > 1)
        self.tally = Tally(scenario.report.service_level_threshold, scenario.warmup)

    def call(self, r: CallRecord) -> None:
        super().call(r)
        self.tally.add(r)


def run_scenario(scenario: Scenario, out_dir: Path, quiet: bool = False) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    recorder = _RunRecorder(out_dir, scenario)
    try:
        for k in range(scenario.replications):
            recorder.replication = k
            Simulation(scenario, recorder, replication=k).run()
    except BaseException:
        recorder.discard()
        raise
    written = recorder.commit()
    if not quiet:
        console = Console()
        console.print(_table(scenario, recorder.tally))
        console.print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _table(scenario: Scenario, tally: Tally) -> Table:
    table = Table(title=f"{scenario.title} — {scenario.timing} timing, {scenario.replications} replication(s)")
    for column in ("queue", "offered", "answered", "abandoned", "timeout", "no agent", "in queue", "SL", "ASA s"):
        table.add_column(column, justify="right")
    for spec in scenario.queues:
        q = tally.queues.get(spec.id)
        if q is None:
            table.add_row(str(spec.id), "0", *[""] * 7)
            continue
        sl = "" if q.service_level is None else f"{100 * q.service_level:.1f}%"
        asa = "" if q.asa is None else f"{q.asa:.1f}"
        table.add_row(
            str(spec.id), str(q.offered), str(q.answered), str(q.abandoned), str(q.timeout),
            str(q.no_agent_timeout), str(q.in_queue), sl, asa,
        )
    return table
