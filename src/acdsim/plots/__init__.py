"""Figures of a run: pure functions from the output tables to ``matplotlib.figure.Figure``.

Every function takes the frames as read from the CSV files of ``acdsim run`` or as held by
``acdsim.simulate(...)`` (a ``replication`` column may be present or not). With several
replications, timelines show replication 0 and distributions pool every replication; the
title says which. The KPIs per interval show the means over the replications with their 95 %
confidence bands when the run wrote intervals_summary.csv (``Result.interval_summary``). No pyplot state is used, so the functions are safe headless (Agg) and in
threads; ``write_plots`` saves every figure of an output folder as PNG.

    from acdsim import plots, simulate
    result = simulate("scenarios/quickstart.yaml", replications=3)
    fig = plots.wait_distribution(result.calls, threshold=20)
    fig.savefig("waits.png")

This package holds the output-folder side (reading the files, ``figures``, ``write_plots``);
the figures themselves live in ``queues`` and ``timeline``, their shared helpers in ``common``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .intervals import interval_summary_kpis, summary_or_intervals
from .queues import LEFT_OUTCOMES as LEFT_OUTCOMES
from .queues import MEMBER_COLUMNS as MEMBER_COLUMNS
from .queues import OUTCOME_COLOURS as OUTCOME_COLOURS
from .queues import answered_by_level, interval_kpis, members_over_time, wait_distribution
from .timeline import DEFAULT_WINDOW as DEFAULT_WINDOW
from .timeline import MAX_AGENTS as MAX_AGENTS
from .timeline import TIMELINE as TIMELINE
from .timeline import agent_timeline

__all__ = [
    "PLOTS",
    "agent_timeline",
    "answered_by_level",
    "figures",
    "interval_kpis",
    "interval_summary_kpis",
    "members_over_time",
    "wait_distribution",
    "write_plots",
]


# --- output folders -------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        parquet = path.with_suffix(".parquet")  # (a run with --format parquet)
        if parquet.is_file():
            from ..output.parquet import read_frame

            return read_frame(parquet)
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _summary(out_dir: Path) -> dict[str, Any]:
    path = out_dir / "summary.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# name -> (input files, builder(tables, summary)); the order is the report's.
PLOTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, pd.DataFrame], dict[str, Any]], Figure]]] = {
    "members_over_time": (("status",), lambda t, s: members_over_time(t["status"])),
    "wait_distribution": (
        ("calls",),
        lambda t, s: wait_distribution(
            t["calls"], float(s.get("service_level_threshold") or 20.0),
            warmup=float(s.get("warmup") or 0.0),
        ),
    ),
    "interval_kpis": (
        ("intervals",),
        lambda t, s: interval_kpis(summary_or_intervals(t), threshold=s.get("service_level_threshold")),
    ),
    "agent_timeline": (
        ("agent_states",),
        lambda t, s: agent_timeline(t["agent_states"], t.get("agent_pauses"), t.get("calls")),
    ),
    "answered_by_level": (
        ("calls",),
        lambda t, s: answered_by_level(t["calls"], warmup=float(s.get("warmup") or 0.0)),
    ),
}
_OPTIONAL = ("agent_pauses", "intervals_summary")


def figures(out_dir: Path) -> dict[str, Figure]:
    """Every figure that the files of ``out_dir`` allow, by name (see ``PLOTS``)."""
    out_dir = Path(out_dir)
    summary = _summary(out_dir)
    needed = {name for inputs, _ in PLOTS.values() for name in inputs} | set(_OPTIONAL)
    tables = {name: t for name in needed if (t := _read_csv(out_dir / f"{name}.csv")) is not None}
    result = {}
    for name, (inputs, build) in PLOTS.items():
        if all(i in tables for i in inputs):
            result[name] = build(tables, summary)
    return result


def save_png(fig: Figure, target: Any) -> None:
    """PNG without the Software/URL metadata matplotlib adds by default."""
    fig.savefig(target, format="png", dpi=100, metadata={"Software": None})


def write_plots(out_dir: Path) -> list[Path]:
    """Read the files of a run's output folder and save every figure as ``<name>.png`` in it;
    a figure whose input file is missing is skipped. Returns the written paths."""
    out_dir = Path(out_dir)
    written = []
    for name, fig in figures(out_dir).items():
        path = out_dir / f"{name}.png"
        save_png(fig, path)
        written.append(path)
    return written
