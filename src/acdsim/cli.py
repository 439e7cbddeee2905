"""The ``acdsim`` command line (SCENARIO_FORMAT §10).

``main(argv)`` runs one command and returns its exit status (0 success, 2 bad input,
1 unexpected failure) without calling ``sys.exit``; ``run_cli`` is the console script.
This module holds the group, ``validate`` and ``schema``, and what the commands share
(error reporting, bounds, option types); every other command lives in a ``cli_*`` module
of its own (``cli_run``: run, status, report; ``cli_erlang``, ``cli_fit``, ``cli_sweep``,
``cli_staff``, ``cli_shifts``), imported only when it is used.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .errors import Problem, ScenarioError, escape
from .loader import load_scenario_with_lines
from .signals import exit_status, signal_name, stop_signals
from .units import parse_duration

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



allow_path_option = click.option(
    "--allow-path", "allow_paths", multiple=True, metavar="DIR",
    type=click.Path(exists=True, file_okay=True, dir_okay=True),
    help="let the scenario read data files (trace, empirical) under DIR too (repeatable); "
    "by default only files inside the scenario's own folder",
)


class _Commands(click.Group):
    """The commands of the ``cli_*`` modules (one per command group), imported when one is
    run or listed: ``acdsim validate`` does not load the planning code."""

    MODULES = {
        "run": ("cli_run", "run_command"), "status": ("cli_run", "status_command"),
        "report": ("cli_run", "report_command"), "erlang": ("cli_erlang", "erlang_cmd"),
        "fit": ("cli_fit", "fit_cmd"), "sweep": ("cli_sweep", "sweep_cmd"),
        "staff": ("cli_staff", "staff_cmd"), "shifts": ("cli_shifts", "shifts_cmd"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.MODULES])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = self.MODULES.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        command: click.Command = getattr(importlib.import_module(f"{__package__}.{where[0]}"), where[1])
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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


@contextmanager
def output_folder(out_dir: str, scenario: str, bar: Any, what: str, done: Callable[[], str] = str) -> Iterator[Any]:
    """The ``-o DIR`` of a planning command (``sweep``, ``staff``): built in a staging folder
    and swapped in whole (:class:`acdsim.output.folder.OutputFolder`, yielded). Ctrl-C or a
    stop signal prints what DIR holds and exits 128 + n; a run that makes no progress and a
    folder that cannot be written are ``error:`` lines, exit 2; the progress bar is closed in
    every case. ``done()`` words how far it got (``" after 3 of 8 runs"``)."""
    from .engine.guards import NoProgressError
    from .output.folder import OutputFolder

    where = Path(out_dir)
    folder = OutputFolder(where)
    try:
        with folder:
            yield folder
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP under signals.stop_signals
        bar.close()
        state = (f"{where} holds this {what}'s complete outputs" if folder.committed
                 else f"no file was written: {where} is unchanged (its temporary folder was removed)")
        click.echo(f"interrupted{done()} by {signal_name(exc)}; {state}", err=True)
        raise click.exceptions.Exit(exit_status(exc)) from None
    except NoProgressError as exc:  # in any run, here or in a worker: no file is written
        raise no_progress(scenario, exc) from None
    except OSError as exc:
        if folder.committed:
            raise
        raise ScenarioError.single(out_dir, f"cannot write the outputs ({exc.strerror or exc}); the folder is unchanged") from None
    finally:
        bar.close()
