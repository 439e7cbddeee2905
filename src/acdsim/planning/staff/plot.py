"""staffing.png: the agents per interval by method, with the offered load, and the service
level each staffing achieves in the verification runs, against the target."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def staffing_figure(result: Any) -> Any:
    """Two panels: agents per interval (simulation, Erlang C, Erlang A; offered calls on a
    twin axis) and the verification's service level per interval (mean and 95 % CI) of the
    simulation's staffing and of Erlang A's, with the target."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    problem = result.problem
    from .outputs import clock

    x = list(range(problem.count))
    labels = [clock(problem.base, iv.start) for iv in problem.intervals]
    fig = Figure(figsize=(10, 7), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    edges = list(range(problem.count + 1))  # interval i spans [i, i + 1)

    def step(values: list[int], **style: Any) -> None:
        top.step(edges, [*values, values[-1]], where="post", **style)

    step(list(result.staffing), label="simulation", color="C0", linewidth=2)
    step([iv.erlang_c for iv in problem.intervals], label="Erlang C", color="C1", linestyle="--")
    step([iv.erlang_a for iv in problem.intervals], label="Erlang A", color="C2", linestyle=":")
    top.set_ylabel("agents logged in")
    top.set_title(f"pool {problem.pool_name}: agents per interval ({problem.targets.describe()})")
    load = top.twinx()
    load.bar([i + 0.5 for i in x], [iv.offered for iv in problem.intervals], color="0.85", width=0.8, zorder=0,
             label="offered calls")
    load.set_ylabel("offered calls per interval")
    top.set_zorder(load.get_zorder() + 1)
    top.patch.set_visible(False)
    lines, names = top.get_legend_handles_labels()
    bars, bar_names = load.get_legend_handles_labels()
    top.legend(lines + bars, names + bar_names, loc="upper left", fontsize="small")
    for verification, name, color, shift in (
        (result.verification, "simulation", "C0", 0.4),
        (result.erlang_verification, "Erlang A", "C2", 0.6),
    ):
        means = [k["service_level"].mean for k in verification.kpis]
        halves = [k["service_level"].half or 0.0 for k in verification.kpis]
        xs = [i + shift for i, m in zip(x, means, strict=True) if m is not None]
        ys = [m for m in means if m is not None]
        es = [h for m, h in zip(means, halves, strict=True) if m is not None]
        bottom.errorbar(xs, ys, yerr=es, fmt="o", color=color, capsize=2, markersize=4,
                        label=f"{name} staffing (verification, 95 % CI)")
    if problem.targets.service_level is not None:
        bottom.axhline(problem.targets.service_level, color="C3", linestyle="--", label="target")
    bottom.set_ylabel(f"service level ({problem.targets.threshold:g} s)")
    bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
    bottom.legend(loc="lower left", fontsize="small")
    every = max(1, len(x) // 12)
    bottom.set_xticks(x[::every], labels[::every])
    bottom.set_xlabel("interval start")
    return fig


def write_staffing_png(result: Any, path: Path) -> Path:
    from ...plots import save_png

    tmp = path.with_name(f".{path.name}.part")
    save_png(staffing_figure(result), tmp)
    tmp.replace(path)
    return path
