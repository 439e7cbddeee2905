"""``acdsim run``, ``acdsim status`` and ``acdsim report``: a scenario's outputs, its queue
status at a moment, and the report of an output folder (SCENARIO_FORMAT §10)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import click

from .cli import (
    DURATION,
    EXIT_OK,
    MAX_CALLERS_HELP,
    _one_line,
    allow_path_option,
    check_bounds,
    folder_name,
    no_progress,
    prepare_output_dir,
    report_bounds,
    report_warnings,
)
from .errors import ScenarioError
from .loader import load_scenario, load_scenario_with_lines, read_scenario_text
from .output.manifest import RunRecord
from .units import DURATION_HELP

_CLOCK = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]+)?))?\s*$")


class MomentType(click.ParamType):
    """A simulated time: a duration after start, or a clock time HH:MM[:SS] on start's date."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float | dt.time):
            return value
        match = _CLOCK.match(str(value))
        if match is None:
            return DURATION.convert(value, param, ctx)
        hours, minutes, seconds = int(match[1]), int(match[2]), float(match[3] or 0)
        if hours > 23 or minutes > 59 or seconds >= 60:
            self.fail(f"{value!r} is not a clock time (HH:MM or HH:MM:SS, 00:00 to 23:59:59)", param, ctx)
        whole = int(seconds)
        return dt.time(hours, minutes, whole, round((seconds - whole) * 1e6))


OUTPUT_CHOICES = (
    "summary", "calls", "offers", "agents", "status", "intervals", "agent_events",
    "agent_states", "agent_pauses", "intervals_summary",
)


def _split_outputs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """``--only summary,intervals --only calls`` -> the outputs in the order given, once each."""
    names: list[str] = []
    for value in values:
        for name in (part.strip() for part in value.split(",")):
            if name not in OUTPUT_CHOICES:
                shown = repr(name) if name else "an empty name"
                raise click.BadParameter(
                    f"{shown} is not one of {', '.join(OUTPUT_CHOICES)} "
                    "(separate several with commas or repeat --only)",
                    ctx=ctx, param=param,
                )
            if name not in names:
                names.append(name)
    return tuple(names)


@click.command("run")
@click.argument("scenario", metavar="SCENARIO")
@click.option("-o", "--out", "out_dir", metavar="DIR", help="output folder [default: out/<scenario name>]")
@click.option("--seed", type=click.IntRange(min=0), help="base random seed (overrides the file)")
@click.option("--replications", type=click.IntRange(min=1), help="number of replications (overrides the file)")
@click.option("--timing", type=click.Choice(["pbx", "continuous"]), help="clock policy (overrides the file)")
@click.option("--horizon", type=DURATION, help=f"arrivals are generated in [0, horizon): {DURATION_HELP}")
@click.option(
    "--only", "only", multiple=True, metavar="NAME[,NAME...]", callback=_split_outputs,
    help=f"write only these outputs: {', '.join(OUTPUT_CHOICES)} (comma-separated or repeated, "
    "e.g. '--only summary,intervals'; summary.json is always written). "
    "'--only summary' keeps memory flat however many callers",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="parallel processes for replications [default: all cores]")
@click.option(
    "--scheduler", metavar="ADDRESS",
    help="run the replications on a Dask cluster at this scheduler address (needs acdsim[dask]; docs/scaling.md)",
)
@click.option("--plots", is_flag=True, help="also write PNG plots into DIR")
@click.option(
    "--format", "file_format", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
    help="file format of the record tables (calls, offers, agents, status, intervals, agent_states, "
    "agent_pauses): parquet writes typed columns, one NAME.parquet per table",
)
@click.option("-q", "--quiet", is_flag=True, help="no table, no progress bar, no warnings, no behaviour line")
@allow_path_option
@click.option("--max-callers", type=click.IntRange(min=1), metavar="N", help=MAX_CALLERS_HELP)
def run_command(
    scenario: str,
    out_dir: str | None,
    seed: int | None,
    replications: int | None,
    timing: str | None,
    horizon: float | None,
    only: tuple[str, ...],
    jobs: int | None,
    scheduler: str | None,
    plots: bool,
    file_format: str,
    quiet: bool,
    allow_paths: tuple[str, ...],
    max_callers: int | None,
) -> int:
    """Simulate SCENARIO and write its outputs (calls.csv, offers.csv, summary.json, ...) into DIR."""
    from .engine.guards import NoProgressError
    from .progress import ProgressBar
    from .runner import run_scenario

    if jobs is not None and scheduler is not None:
        raise click.UsageError("give --jobs or --scheduler, not both")
    overrides = {
        key: value
        for key, value in (("seed", seed), ("replications", replications), ("timing", timing), ("horizon", horizon))
        if value is not None
    }
    # Read once: scenario.yaml in the output folder is a copy of the text that was loaded
    # (a pipe such as /dev/stdin cannot be read twice; the file may change during the run).
    text = read_scenario_text(scenario)
    loaded, lines = load_scenario_with_lines(
        scenario, overrides=overrides or None, text=text, allow_paths=allow_paths
    )
    found = check_bounds(scenario, loaded, max_callers, only)
    if not quiet:
        from .model.advice import behaviour_line

        report_warnings(scenario, loaded, lines)
        report_bounds(scenario, found)
        click.echo(behaviour_line(loaded))
    out = Path(out_dir) if out_dir is not None else Path("out") / folder_name(loaded.title)
    prepare_output_dir(out)
    options = {"out": str(out), "only": list(only), "jobs": jobs, "plots": plots, **overrides}
    if scheduler is not None:
        options["scheduler"] = scheduler
    if file_format != "csv":
        options["format"] = file_format
    record = RunRecord(scenario_text=text, scenario_file=scenario, options=options, plots=plots)
    bar = ProgressBar(f"simulating {loaded.title}", enabled=None if not quiet else False)
    try:
        status = run_scenario(
            loaded, out, quiet=quiet, only=list(only) or None, progress=bar.update, jobs=jobs,
            record=record, scheduler=scheduler, file_format=file_format,
        )
    except NoProgressError as exc:
        raise no_progress(scenario, exc) from None
    finally:
        bar.close()
    return int(status)


# ----------------------------------------------------------------------------------------- status


@click.command("status")
@click.argument("scenario", metavar="SCENARIO")
@click.option(
    "--at", "at", type=MomentType(), required=True, metavar="TIME",
    help=f"simulated time to look at: {DURATION_HELP} after start, or a clock time HH:MM or "
    "HH:MM:SS on start's date (e.g. 10:30); at most the end of the run (horizon, plus drain_limit "
    "when it drains)",
)
@click.option("--queue", "queue", type=int, help="only this queue (its id); prints that queue's answer")
@click.option("--members", is_flag=True, help="the members list (GET .../queue/status/members/)")
@click.option("--seed", type=click.IntRange(min=0), help="base random seed (overrides the file)")
@click.option("--timing", type=click.Choice(["pbx", "continuous"]), help="clock policy (overrides the file)")
@allow_path_option
def status_command(
    scenario: str, at: float | dt.time, queue: int | None, members: bool, seed: int | None, timing: str | None,
    allow_paths: tuple[str, ...],
) -> int:
    """Print, as JSON, what GET /extension/{id}/queue/status/ (or .../status/members/) would
    have answered at simulated time TIME (replication 0)."""
    from .output.status import past_end_message, seconds_at_clock, status_at

    overrides = {k: v for k, v in (("seed", seed), ("timing", timing)) if v is not None}
    loaded = load_scenario(scenario, overrides=overrides or None, allow_paths=allow_paths)
    if queue is not None and queue not in [q.id for q in loaded.queues]:
        known = ", ".join(str(q.id) for q in loaded.queues)
        raise click.BadParameter(f"no queue {queue} in {scenario} (queues: {known})", param_hint="--queue")
    if isinstance(at, dt.time):
        try:
            at = seconds_at_clock(loaded, at)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--at") from None
    past = past_end_message(loaded, at)
    if past is not None:
        raise click.BadParameter(past, param_hint="--at")
    from .engine.guards import NoProgressError

    try:
        answer = status_at(loaded, at, queue=queue, members=members)
    except NoProgressError as exc:
        raise no_progress(scenario, exc) from None
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
    return EXIT_OK


# ----------------------------------------------------------------------------------------- report


@click.command("report")
@click.argument("out_dir", metavar="OUTDIR")
def report_command(out_dir: str) -> int:
    """Build OUTDIR/report.html (KPI tables, plots, the scenario) from the files of a run."""
    from .report import build_report

    path = Path(out_dir)
    summary_file = path / "summary.json"
    if not summary_file.is_file():
        raise ScenarioError.single(str(summary_file), "missing (is this the folder of an 'acdsim run'?)")
    try:
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: also ints past 4,300 digits
        raise ScenarioError.single(str(summary_file), f"not a summary written by acdsim run ({_one_line(str(exc))})") from None
    if not (isinstance(summary, dict) and isinstance(summary.get("queues"), dict) and isinstance(summary.get("agents"), dict)):
        raise ScenarioError.single(str(summary_file), "not a summary written by acdsim run (no 'queues' and 'agents' maps)")
    try:
        report = build_report(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # The files of the folder are the input here: a damaged one is the user's to fix.
        raise ScenarioError.single(str(path), f"cannot build the report from these files ({type(exc).__name__}: {_one_line(str(exc))})") from None
    click.echo(f"wrote {report}")
    return EXIT_OK
