"""``acdsim staff``: the fewest agents of a pool per interval that meet the targets, found by
simulation (docs/staffing.md). Registered on the main group by ``cli.py`` like ``cli_sweep``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .errors import ScenarioError
from .signals import exit_status, signal_name


@click.command("staff")
@click.argument("scenario", metavar="SCENARIO")
@click.option("--pool", metavar="NAME", help="the pool to staff (may be left out when the scenario has one)")
@click.option("--sl", metavar="SL/T", help='service-level target: "80/20" (80 % answered within 20 s), "90%/30s"')
@click.option("--max-abandon", metavar="PCT", help='highest abandon rate per interval, e.g. "5%"')
@click.option("--max-asa", metavar="DURATION", help='highest mean wait of the answered callers, e.g. "30s"')
@click.option("--max-occupancy", metavar="PCT", help='highest occupancy (talk + wrap-up over logged-in time), e.g. "90%"')
@click.option("--interval", default="30m", show_default=True, metavar="DURATION", help="staffing interval; must divide the horizon")
@click.option("--shrinkage", default="0%", show_default=True, metavar="PCT",
              help="share of paid time away from the phone: scheduled = agents / (1 - shrinkage), rounded up")
@click.option("--replications", type=click.IntRange(min=2), default=8, show_default=True,
              help="replications per candidate to start with (more while a decision is unsettled); "
              "the verification starts with 2x")
@click.option("--max-replications", type=click.IntRange(min=2), metavar="N",
              help="the most replications a candidate (and the verification) may get [default: 8x --replications]")
@click.option("--tolerance", default="2%", show_default=True, metavar="PCT",
              help="a decision whose 95 % CI contains its bound is settled once the CI's half-width is "
              "within this (service level, abandon rate, occupancy)")
@click.option("--asa-tolerance", default="2s", show_default=True, metavar="DURATION",
              help="the same for --max-asa")
@click.option("--seed", type=click.IntRange(min=0), help="base random seed (overrides the file); the verification uses seed + 1,000,000 on")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="parallel processes [default: all cores]")
@click.option("--scheduler", metavar="ADDRESS",
              help="run on a Dask cluster at this scheduler address (needs acdsim[dask])")
@click.option("-o", "--out", "out_dir", required=True, metavar="DIR", help="output folder (replaced as a whole)")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, no table")
@click.option("--allow-path", "allow_paths", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=True, dir_okay=True),
              help="let the scenario read data files under DIR too (repeatable), as acdsim run")
@click.option("--max-callers", type=click.IntRange(min=1), metavar="N",
              help="refuse a search whose verification alone would simulate more than N callers [default: 20,000,000]")
def staff_cmd(
    scenario: str, pool: str | None, sl: str | None, max_abandon: str | None, max_asa: str | None,
    max_occupancy: str | None, interval: str, shrinkage: str, replications: int,
    max_replications: int | None, tolerance: str, asa_tolerance: str, seed: int | None,
    jobs: int | None, scheduler: str | None, out_dir: str, quiet: bool, allow_paths: tuple[str, ...],
    max_callers: int | None,
) -> int:
    """Find the agents of a pool per interval that meet every target in every interval, by
    simulation from Erlang A at the load the agents carry; verify with fresh seeds; write
    staffing.csv, staffed.yaml, staffing.json and staffing.png into DIR (docs/staffing.md)."""
    from .cli import no_progress
    from .engine.guards import NoProgressError
    from .loader import load_scenario_with_lines, read_scenario_text
    from .output.folder import OutputFolder
    from .output.manifest import write_manifest
    from .planning.staff import staff
    from .planning.staff.outputs import write_outputs
    from .planning.staff.plot import write_staffing_png
    from .progress import ProgressBar

    if jobs is not None and scheduler is not None:
        raise click.UsageError("give --jobs or --scheduler, not both")
    _check_options(sl, max_abandon, max_asa, max_occupancy, interval, shrinkage, tolerance, asa_tolerance)
    top = {"seed": seed} if seed is not None else None
    text = read_scenario_text(scenario)
    base, _ = load_scenario_with_lines(scenario, overrides=top, text=text, allow_paths=allow_paths)
    _refuse_oversized(scenario, base, replications, max_callers)
    out = Path(out_dir)
    bar = ProgressBar(f"staffing {base.title}", enabled=None if not quiet else False)
    folder = OutputFolder(out)
    try:
        with folder:
            result = staff(
                base, pool, None, sl=sl, max_abandon=max_abandon, max_asa=max_asa,
                max_occupancy=max_occupancy, interval=interval, shrinkage=shrinkage,
                replications=replications, max_replications=max_replications, tolerance=tolerance,
                asa_tolerance=asa_tolerance, jobs=jobs, scheduler=scheduler, progress=bar.update,
                label=scenario,
            )
            written = write_outputs(result, folder.staging)
            written.append(write_staffing_png(result, folder.staging / "staffing.png"))
            with (folder.staging / "scenario.yaml").open("x", encoding="utf-8", newline="") as f:
                f.write(text)  # the scenario as given, as acdsim run and sweep keep it
            options: dict[str, Any] = {
                "out": out_dir, "pool": pool, "sl": sl, "max_abandon": max_abandon, "max_asa": max_asa,
                "max_occupancy": max_occupancy, "interval": interval, "shrinkage": shrinkage,
                "replications": replications, "max_replications": max_replications, "tolerance": tolerance,
                "asa_tolerance": asa_tolerance, "jobs": jobs, "scheduler": scheduler, "seed": seed,
            }
            written.append(folder.staging / "scenario.yaml")
            written.append(write_manifest(folder.staging, base, scenario, options))
            folder.commit()
    except KeyboardInterrupt as exc:
        bar.close()
        state = (f"{out} holds this search's complete outputs" if folder.committed
                 else f"no file was written: {out} is unchanged (its temporary folder was removed)")
        click.echo(f"interrupted by {signal_name(exc)}; {state}", err=True)
        return exit_status(exc)
    except NoProgressError as exc:
        raise no_progress(scenario, exc) from None
    except OSError as exc:
        if folder.committed:
            raise
        raise ScenarioError.single(out_dir, f"cannot write the outputs ({exc.strerror or exc}); the folder is unchanged") from None
    finally:
        bar.close()
    if not quiet:
        from rich.console import Console

        console = Console()
        console.print(_table(result))
        for line in _lines(result):
            console.print(line)
        console.print("wrote " + ", ".join(p.name for p in written) + f" to {out}")
    return 0


def _check_options(
    sl: str | None, max_abandon: str | None, max_asa: str | None, max_occupancy: str | None,
    interval: str, shrinkage: str, tolerance: str = "2%", asa_tolerance: str = "2s",
) -> None:
    """Every bad option at once, each as ``error: --option: message``."""
    from .errors import Problem
    from .planning.staff.result import (
        parse_asa_tolerance,
        parse_interval,
        parse_shrinkage,
        parse_tolerance,
    )
    from .planning.staff.targets import TargetError, make_targets

    problems = []
    try:
        make_targets(sl=sl, max_abandon=max_abandon, max_asa=max_asa, max_occupancy=max_occupancy)
    except TargetError as exc:
        for key, message in exc.problems:
            problems.append(Problem("--" + key.replace("_", "-"), None, (), message))
    for name, value, parse in (
        ("--interval", interval, parse_interval), ("--shrinkage", shrinkage, parse_shrinkage),
        ("--tolerance", tolerance, parse_tolerance), ("--asa-tolerance", asa_tolerance, parse_asa_tolerance),
    ):
        try:
            parse(value)
        except ValueError as exc:
            problems.append(Problem(name, None, (), str(exc)))
    if problems:
        raise ScenarioError(problems)


def _refuse_oversized(label: str, scenario: Any, replications: int, max_callers: int | None) -> None:
    from .errors import Problem
    from .model.workload import DEFAULT_MAX_CALLERS, estimate

    limit = DEFAULT_MAX_CALLERS if max_callers is None else max_callers
    callers = estimate(scenario).callers / scenario.replications * 2 * replications
    if callers > limit:
        raise ScenarioError([Problem(label, None, (), (
            f"the verification alone would simulate about {callers:,.0f} callers, more than the limit of "
            f"{limit:,.0f}; raise it with --max-callers, or use fewer --replications"
        ))])


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _table(result: Any) -> Any:
    from rich.table import Table

    table = Table(title=f"pool {result.problem.pool_name}: {result.problem.targets.describe()} "
                  f"(verification: {result.verification.replications} replications, new seeds)")
    for name in ("interval", "offered", "Erlang C", "Erlang A", "agents", "scheduled", "SL", "±", "ASA s",
                 "abandon", "occupancy", "met", "binding", "precision"):
        table.add_column(name, justify="right")
    for i, row in enumerate(result.rows()):
        (_, _, _, clock, offered, erl_c, erl_a, agents, _, sched, sl, ci, asa, ab, occ, met, binding, precision) = row
        shown = "yes" if met else ("no, within CI" if _within_ci(result, i) else "[red]no[/red]")
        table.add_row(
            clock, f"{offered:.1f}", str(erl_c), str(erl_a), str(agents), str(sched), _pct(sl),
            _pct(ci), "—" if asa is None else f"{asa:.1f}", _pct(ab), _pct(occ), shown, binding,
            _PRECISION.get(precision, precision),
        )
    return table


_PRECISION = {"clear": "clear", "within_tolerance": "± tol", "imprecise": "[yellow]imprecise[/yellow]"}


def _within_ci(result: Any, i: int) -> bool:
    """Whether every target interval ``i`` misses is missed by less than its CI half-width (a
    minimal staffing sits on its binding target: fresh seeds put it a little either side)."""
    kpis = result.verification.kpis[i]
    for metric in result.verification.verdicts[i].missed:
        bound = next(b for m, b, _ in result.problem.targets.bounds() if m == metric)
        est = kpis[metric]
        if est.mean is None or est.half is None or abs(est.mean - bound) > est.half:
            return False
    return True


def _lines(result: Any) -> list[str]:
    hours = result.agent_hours
    minimal = result.minimal
    check = ("locally minimal: no interval can lose an agent without a miss"
             if minimal.minimal else
             f"NOT locally minimal: {len(minimal.removable)} interval(s) could lose an agent (staffing.json)")
    missed = [v for v in result.verification.verdicts if not v.met]
    targets = result.problem.targets
    unsettled = result.verification.unsettled
    precision = (
        f"every interval settled: its CI clear of the bounds or within ±{100 * targets.fraction_tolerance:g} points"
        + (f" (ASA ±{targets.asa_tolerance:g} s)" if targets.asa is not None else "")
        if not unsettled else
        f"{len(unsettled)} interval(s) still imprecise at {result.verification.replications} replications "
        "(met is the mean's side only; raise --max-replications)"
    )
    near = sum(1 for i, v in enumerate(result.verification.verdicts) if not v.met and _within_ci(result, i))
    return [
        f"agent-hours: simulation {hours['simulation']:.1f}, Erlang C {hours['erlang_c']:.1f}, "
        f"Erlang A {hours['erlang_a']:.1f}; scheduled (shrinkage {100 * result.shrinkage:g} %) {hours['scheduled']:.1f}",
        f"verification (new seeds): {len(result.verification.verdicts) - len(missed)} of "
        f"{len(result.verification.verdicts)} intervals meet every target on the mean, {near} more within "
        f"the CI (Erlang A's staffing: {sum(v.met for v in result.erlang_verification.verdicts)} meet); {check}",
        f"precision: {precision}",
        f"search: {result.search.rounds} rounds, {result.search_days:.1f} simulated days "
        f"({result.simulated_days:.1f} with the verification), up to {result.search.replications} replications per candidate",
    ]
