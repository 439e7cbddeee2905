"""The ``acdsim`` command line (SCENARIO_FORMAT §10).

``main(argv)`` runs one command and returns its exit status (0 success, 2 bad input,
1 unexpected failure) without calling ``sys.exit``; ``run_cli`` is the console script.
Each command is a small function registered on the ``cli`` group, so more commands can
be added beside them (``@cli.command(...)``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .errors import Problem, ScenarioError, escape
from .loader import load_scenario, load_scenario_with_lines, read_scenario_text
from .output.manifest import RunRecord
from .signals import exit_status, signal_name, stop_signals
from .units import DURATION_HELP, parse_duration

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    While it runs, SIGTERM and SIGHUP stop it like Ctrl-C (``acdsim.signals``): the exit
    status is then 128 + the signal's number (130 SIGINT, 143 SIGTERM, 129 SIGHUP)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with stop_signals():
            return _main(args)
    except KeyboardInterrupt as exc:  # one that came outside the command, e.g. in a report
        click.echo(f"interrupted by {signal_name(exc)}", err=True)
        return exit_status(exc)


def _main(args: list[str]) -> int:
    try:
        result = cli.main(args=args, prog_name="acdsim", standalone_mode=False)
    except ScenarioError as exc:
        report_problems(exc.problems)
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            click.echo(exc.ctx.get_help(), err=True)
            return EXIT_BAD_INPUT
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"error: {_one_line(exc.format_message())}{hint}", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as exc:
        click.echo(f"error: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code if exc.exit_code != 1 else EXIT_BAD_INPUT
    except click.Abort as exc:  # click's form of a KeyboardInterrupt (its __cause__)
        cause = exc.__cause__ if isinstance(exc.__cause__, KeyboardInterrupt) else KeyboardInterrupt()
        click.echo(f"interrupted by {signal_name(cause)}", err=True)
        return exit_status(cause)
    except Exception:  # an unexpected failure: a bug, shown with its traceback
        traceback.print_exc()
        return EXIT_FAILURE
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return EXIT_OK


def run_cli() -> None:
    """Entry point of the ``acdsim`` console script."""
    sys.exit(main())


def report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)


def report_warnings(file: str, scenario: Any, lines: dict[Any, int] | None = None) -> None:
    """Print the advice on a valid scenario as ``warning: FILE:LINE: path: message``."""
    from .errors import format_path
    from .loader_messages import line_of
    from .model.advice import warning_items

    for path, message in warning_items(scenario):
        line = line_of(lines or {}, path)
        where = file if line is None else f"{file}:{line}"
        click.echo(f"warning: {where}: {format_path(path)}: {message}", err=True)


def check_bounds(file: str, scenario: Any, max_callers: int | None, only: Sequence[str] = ()) -> Any:
    """The size of the run (model/workload.py, docs/limits.md): ScenarioError for a run
    refused (too many callers or rows, a horizon out of range), else its notes and warnings.
    ``only``: the outputs asked for (none: all)."""
    from .model.workload import bounds

    found = bounds(scenario, max_callers, list(only) or None)
    if found.errors:
        raise ScenarioError([Problem(file, None, path, message) for path, message in found.errors])
    return found


def report_bounds(file: str, found: Any) -> None:
    """The warnings and notes of ``check_bounds`` on stderr."""
    from .errors import format_path

    for kind, items in (("warning", found.warnings), ("note", found.notes)):
        for path, message in items:
            where = f"{file}: {format_path(path)}" if path else file
            click.echo(f"{kind}: {where}: {message}", err=True)


def no_progress(file: str, exc: Exception) -> ScenarioError:
    """The engine's NoProgressError as the error line of FILE (exit status 2)."""
    return ScenarioError.single(file, f"the run makes no progress: {exc}")


MAX_CALLERS_HELP = "refuse to run more than N callers in all (estimated before the run) [default: 20,000,000]"


def _one_line(text: str) -> str:
    return escape(" ".join(text.split()))  # (escape: an option name may hold control characters)


class DurationType(click.ParamType):
    """A command-line duration: seconds or a string with a unit ("90s", "15m", "8h")."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DURATION = DurationType()

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


allow_path_option = click.option(
    "--allow-path", "allow_paths", multiple=True, metavar="DIR",
    type=click.Path(exists=True, file_okay=True, dir_okay=True),
    help="let the scenario read data files (trace, empirical) under DIR too (repeatable); "
    "by default only files inside the scenario's own folder",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """acdsim: discrete-event simulator of call-center queues as a cloud PBX runs them."""


# --------------------------------------------------------------------------------------- validate


@cli.command("validate")
@click.argument("files", nargs=-1, required=True, metavar="SCENARIO...")
@allow_path_option
@click.option("--max-callers", type=click.IntRange(min=1), metavar="N", help=MAX_CALLERS_HELP)
def validate_command(files: tuple[str, ...], allow_paths: tuple[str, ...], max_callers: int | None) -> int:
    """Check scenario files: print 'ok: FILE' or every problem found; exit 0 only if all are ok."""
    status = EXIT_OK
    for file in files:
        try:
            loaded, lines = load_scenario_with_lines(file, allow_paths=allow_paths)
            found = check_bounds(file, loaded, max_callers)
        except ScenarioError as exc:
            report_problems(exc.problems)
            status = EXIT_BAD_INPUT
        else:
            click.echo(f"ok: {file}")
            report_warnings(file, loaded, lines)
            report_bounds(file, found)
    return status


# ----------------------------------------------------------------------------------------- schema


@cli.command("schema")
def schema_command() -> int:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    from .schema import build_schema

    click.echo(json.dumps(build_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


# -------------------------------------------------------------------------------------------- run


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


@cli.command("run")
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
    if file_format != "csv" and scheduler is not None:
        raise click.UsageError("--format parquet does not run with --scheduler yet (its files are CSV)")
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


@cli.command("status")
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


@cli.command("report")
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


def _register_erlang() -> None:
    from .cli_erlang import erlang_cmd

    cli.add_command(erlang_cmd, "erlang")
    from .cli_fit import fit_cmd

    cli.add_command(fit_cmd, "fit")


_register_erlang()


def _register_sweep() -> None:
    from .cli_sweep import sweep_cmd

    cli.add_command(sweep_cmd, "sweep")


_register_sweep()


def _register_shifts() -> None:
    from .cli_shifts import shifts_cmd

    cli.add_command(shifts_cmd, "shifts")


_register_shifts()


def _register_staff() -> None:
    from .cli_staff import staff_cmd

    cli.add_command(staff_cmd, "staff")


_register_staff()


def folder_name(title: str) -> str:
    """A scenario name as a single folder name: ``"test queue"`` -> ``test_queue``."""
    return re.sub(r"[^\w.-]+", "_", title).strip("._") or "scenario"


def prepare_output_dir(path: Path) -> None:
    """Create ``path`` (with parents) and check that files can be written into it."""
    where = str(path)
    if path.exists() and not path.is_dir():
        raise ScenarioError.single(where, "the output folder exists but is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError.single(where, f"cannot create the output folder ({reason})") from None
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ScenarioError.single(
            where, f"cannot write into the output folder ({exc.strerror or exc})"
        ) from None
