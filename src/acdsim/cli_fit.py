"""``acdsim fit``: estimate a runnable scenario from a call log (docs/calibration.md).

Standalone click command; the main CLI registers it with
``from acdsim.cli_fit import fit_cmd``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from acdsim.units import DURATION_HELP, parse_duration


def _duration(ctx: click.Context, param: click.Parameter, value: Any) -> float | None:
    if value is None or isinstance(value, float):
        return value
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    if not seconds > 0:
        raise click.BadParameter(f"must be > 0, got {value!r}", ctx=ctx, param=param)
    return seconds


def _maps(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    from acdsim.calibration.logread import parse_map

    out: dict[str, str] = {}
    for value in values:
        try:
            out.update(parse_map(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return out


@click.command("fit")
@click.argument("calls", metavar="CALLS.csv")
@click.option("--map", "mapping", multiple=True, callback=_maps, metavar="KEY=COL[,KEY=COL...]",
              help="the log's columns: joined, answered, left (required), outcome, queue, agent, wrap_up "
                   "(repeatable; default: acdsim's calls.csv names, else columns named like the keys)")
@click.option("--interval", default="30m", callback=_duration, show_default=True, metavar="DURATION",
              help=f"length of one forecast interval: {DURATION_HELP}")
@click.option("--by", type=click.Choice(["weekday"]), help="also one forecast per weekday (forecast_mon.csv, ...)")
@click.option("--queue", help="the queue to fit, when the log holds several")
@click.option("--time-format", metavar="FORMAT",
              help="strftime format of the log's datetimes (e.g. '%d.%m.%Y %H:%M:%S'); default: "
                   "ISO 8601 or a common spreadsheet format, or seconds")
@click.option("--threshold", default="20", callback=_duration, show_default=True, metavar="DURATION",
              help="service-level threshold of the scenario and the check")
@click.option("-o", "--out", "out_dir", metavar="DIR", help="output folder [default: out/fit_<log name>]")
@click.option("--check", is_flag=True, help="simulate fitted.yaml and compare it with the log, per interval")
@click.option("--replications", default=5, show_default=True, type=click.IntRange(min=1),
              help="replications of the --check run")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0), help="seed of the --check run")
@click.option("--no-plots", is_flag=True, help="skip the PNG figures and fit.html")
def fit_cmd(calls: str, mapping: dict[str, str], interval: float, by: str | None, queue: str | None,
            time_format: str | None, threshold: float, out_dir: str | None, check: bool,
            replications: int, seed: int, no_plots: bool) -> int:
    """Fit arrivals, talk time, patience and agents from a call log (one row per call) and write
    a runnable fitted.yaml, forecast.csv, fit.json and plots into DIR."""
    from acdsim.calibration import fit
    from acdsim.cli import folder_name, prepare_output_dir

    result = fit(calls, mapping or None, interval=interval, by=by, queue=queue, time_format=time_format,
                 threshold=threshold)
    out = Path(out_dir) if out_dir is not None else Path("out") / folder_name(f"fit_{Path(calls).stem}")
    prepare_output_dir(out)
    written = result.write(out, plots=not no_plots)
    click.echo(summary_text(result))
    if check:
        import json

        from acdsim.calibration.check import format_check, run_check

        outcome = run_check(result, replications=replications, seed=seed, scenario_file=out / "fitted.yaml")
        (out / "check.json").write_text(json.dumps(_clean(outcome), indent=2) + "\n", encoding="utf-8")
        written.append(out / "check.json")
        click.echo(format_check(outcome))
    click.echo(f"wrote {', '.join(p.name for p in written)} into {out}")
    return 0


def _clean(x: Any) -> Any:
    from acdsim.calibration.scenario import _clean as clean

    return clean(x)


def _fmt(x: Any) -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:,.1f}"


def dist_text(dist: dict[str, Any] | None) -> str:
    """``{dist: gamma, mean: 120, sd: 80}`` -> ``gamma mean=120 sd=80``."""
    if not dist:
        return "-"
    if dist["dist"] == "empirical":
        return f"empirical ({len(dist.get('values') or [])} quantiles)"
    return " ".join([dist["dist"], *(f"{k}={v:g}" for k, v in dist.items() if k != "dist")])


def summary_text(r: Any) -> str:
    rep = r.report
    rows = rep["rows"]
    lines = [f"{rows['used']:,} of {rows['read']:,} rows used (queue {r.queue or '-'}, {rep['days']} day(s))"]
    if rows["other_queues"]:
        lines.append(f"  other queues: {rows['other_queues']:,} rows")
    for reason, k in rows["rejected"].items():
        lines.append(f"  left out: {k:,} {reason}")
    p = r.profile
    lines.append(f"arrivals: {len(p.slots)} intervals of {p.interval:g} s, {p.counts.sum() / p.days:,.0f} calls a day"
                 + (f", dispersion index {rep['arrivals']['dispersion']['mean_index']:.2f}"
                    if "dispersion" in rep["arrivals"] and rep["arrivals"]["dispersion"]["mean_index"] is not None else ""))
    t = r.talk
    lines.append(f"talk time: {dist_text(t.dist)} (mean {_fmt(t.mean)} s, 95% CI {_fmt(t.mean_ci[0])}-{_fmt(t.mean_ci[1])}, n={t.n:,}"
                 + (f", KS {t.best.ks:.3f} p={t.best.ks_p:.3g})" if t.best is not None and t.best.ks is not None else ")"))
    q = r.patience
    lines.append(f"patience: {dist_text(q.dist) if q.dist else 'infinite (too few abandoned callers)'} (mean {_fmt(q.mean)} s, 95% CI "
                 f"{_fmt(q.mean_ci[0])}-{_fmt(q.mean_ci[1])}; {q.n:,} abandoned, {q.n_censored:,} censored; "
                 f"naive mean of abandoned waits {_fmt(q.naive_mean)} s)")
    n = rep["agents"]["scenario_per_interval"]
    lines.append(f"agents: {max(n) if n else 0} at most ({rep['agents']['method']})")
    return "\n".join(lines)
