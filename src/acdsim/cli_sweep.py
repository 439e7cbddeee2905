"""``acdsim sweep``: run a scenario at every point of a grid of values (docs/scaling.md).

Registered on the main group by ``cli.py`` like ``cli_erlang``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .errors import Problem, ScenarioError


def _sets(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, list[Any]]:
    from .planning.points import SetError, parse_set

    axes: dict[str, list[Any]] = {}
    for text in values:
        try:
            path, items = parse_set(text)
        except SetError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
        if path in axes:
            raise click.BadParameter(f"{path} is set twice (give its values in one --set)", ctx=ctx, param=param)
        axes[path] = items
    return axes


@click.command("sweep")
@click.argument("scenario", metavar="SCENARIO")
@click.option(
    "--set", "axes", multiple=True, required=True, callback=_sets, metavar="PATH=VALUES",
    help="a swept value: PATH=V1,V2,... or PATH=A..B[:STEP] (numbers or durations, B included); "
    "PATH as in error messages, e.g. queues[0].strategy or agents.local[0].wrap_up_time. "
    "Repeat for a grid: the points are every combination",
)
@click.option("--replications", type=click.IntRange(min=1), help="replications per point (overrides the file)")
@click.option("--seed", type=click.IntRange(min=0), help="base random seed (overrides the file)")
@click.option(
    "--baseline", "baseline", multiple=True, metavar="PATH=VALUE",
    help="add paired differences to the point with this value (repeatable; other axes keep the point's own value)",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="parallel processes [default: all cores]")
@click.option(
    "--scheduler", metavar="ADDRESS",
    help="run on a Dask cluster at this scheduler address (e.g. tcp://10.0.0.5:8786; needs acdsim[dask])",
)
@click.option("-o", "--out", "out_dir", required=True, metavar="DIR", help="output folder (replaced as a whole)")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, no table, no warnings")
@click.option(
    "--allow-path", "allow_paths", multiple=True, metavar="DIR",
    type=click.Path(exists=True, file_okay=True, dir_okay=True),
    help="let the scenario read data files (trace, empirical) under DIR too (repeatable), as acdsim run",
)
@click.option(
    "--max-callers", type=click.IntRange(min=1), metavar="N",
    help="refuse to run more than N callers in all, every point and replication together "
    "(estimated before the run) [default: 20,000,000]",
)
def sweep_cmd(
    scenario: str, axes: dict[str, list[Any]], replications: int | None, seed: int | None,
    baseline: tuple[str, ...], jobs: int | None, scheduler: str | None, out_dir: str, quiet: bool,
    allow_paths: tuple[str, ...], max_callers: int | None,
) -> int:
    """Run SCENARIO at every point of the --set grid, with common random numbers; write
    sweep.csv (per point, replication and queue) and sweep_summary.csv (means, CI95 and,
    with --baseline, paired differences) into DIR."""
    from .cli import output_folder, report_bounds
    from .loader import load_scenario_with_lines, read_scenario_text
    from .planning.files import write_sweep
    from .planning.points import SetError, build_points
    from .planning.sweep import parse_baseline, run_points, sweep_bounds
    from .progress import ProgressBar

    if jobs is not None and scheduler is not None:
        raise click.UsageError("give --jobs or --scheduler, not both")
    try:
        base_line = parse_baseline(baseline)
    except SetError as exc:
        raise click.BadParameter(str(exc), param_hint="--baseline") from None
    top = {k: v for k, v in (("replications", replications), ("seed", seed)) if v is not None}
    text = read_scenario_text(scenario)
    base, _ = load_scenario_with_lines(scenario, overrides=top or None, text=text, allow_paths=allow_paths)
    try:
        points = build_points(base, axes, label=scenario)
    except SetError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from None
    found = sweep_bounds(points, max_callers)  # model/workload.py, docs/limits.md
    if found.errors:
        raise ScenarioError([Problem(scenario, None, path, message) for path, message in found.errors])
    if not quiet:
        report_bounds(scenario, found)
    out = Path(out_dir)
    options = {
        "out": out_dir, "set": {k: list(v) for k, v in axes.items()}, "baseline": base_line,
        "jobs": jobs, "scheduler": scheduler, **top,
    }
    if max_callers is not None:
        options["max_callers"] = max_callers
    runs = len(points) * base.replications
    bar = ProgressBar(f"sweeping {base.title}: {len(points)} points x {base.replications} replications",
                      enabled=None if not quiet else False)
    done = 0

    def progress(finished: float, total: float) -> None:
        nonlocal done
        done = int(finished)
        bar.update(finished, total)

    with output_folder(out_dir, scenario, bar, "sweep", lambda: f" after {done} of {runs} runs") as folder:
        result = run_points(
            base, points, list(axes), jobs=jobs, scheduler=scheduler, baseline=base_line or None,
            progress=progress,
        )
        written = write_sweep(result, folder, text, scenario, options)
        folder.commit()
    if not quiet:
        from rich.console import Console

        console = Console()
        console.print(_table(result))
        console.print("wrote " + ", ".join(p.name for p in written) + f" to {out}")
    return 0


_SHOWN = {
    "offered_mean": "offered", "service_level_mean": "SL", "asa_mean": "ASA s",
    "abandon_rate_mean": "abandon", "service_level_diff": "SL vs baseline",
}


def _table(result: Any) -> Any:
    from rich.table import Table

    from .planning.points import parse_path

    table = Table(title=f"{len(result.points)} points — means over replications")
    columns = result.summary_columns
    shown = [*result.axes, "queue"] + [c for c in _SHOWN if c in columns]
    for name in shown:
        # An axis by its last key (the full paths are the columns of sweep_summary.csv).
        header = _SHOWN.get(name) or (str(parse_path(name)[-1]) if name in result.axes else name)
        table.add_column(header, justify="right")
    for row in result.summary_rows[:40]:
        values = dict(zip(columns, row, strict=True))
        table.add_row(*(_fmt(values[c], c) for c in shown))
    if len(result.summary_rows) > 40:
        table.caption = f"first 40 of {len(result.summary_rows)} rows: see sweep_summary.csv"
    return table


def _fmt(value: Any, column: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if column.startswith(("service_level", "abandon_rate")):
            return f"{100 * value:.1f}%"
        return f"{value:.1f}"
    return str(value)
