"""Interval results across replications: ``intervals_summary.csv`` and ``Result.interval_summary``.

Each replication gives one row per queue and report interval (intervals.csv). Here the
rows of one queue and interval are combined over the replications: for every KPI its mean
and the half-width of its 95 % Student-t confidence interval (``output.stats.mean_ci95``),
over the replications in which the KPI is defined (an interval without an answered caller
has no ASA). The interval is labelled in seconds and in clock time, and an interval cut by
the warm-up or the horizon carries its covered length and ``partial = true``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..model import Scenario
from ..output.files import AtomicCsv
from ..output.intervals import INTERVAL_COLUMNS
from ..output.stats import mean_ci95

SUMMARY_METRICS = (
    "offered", "answered", "abandoned", "service_level", "asa", "mean_wait", "abandon_rate",
    "agents_logged_in",
)
"""The KPIs summarised; each gives the columns ``<kpi>_mean`` and ``<kpi>_ci95``."""

INTERVAL_SUMMARY_COLUMNS = (
    "interval_start", "interval_start_time", "queue", "covered", "partial", "replications",
    *(f"{m}_{part}" for m in SUMMARY_METRICS for part in ("mean", "ci95")),
)

_AT = {name: i for i, name in enumerate(INTERVAL_COLUMNS)}


def _kpis(row: Sequence[Any]) -> tuple[Any, ...]:
    """One replication's interval row -> the values of SUMMARY_METRICS."""
    offered, in_queue, abandoned = row[_AT["offered"]], row[_AT["in_queue"]], row[_AT["abandoned"]]
    left = offered - in_queue
    return (
        offered, row[_AT["answered"]], abandoned, row[_AT["service_level"]], row[_AT["asa"]],
        row[_AT["mean_wait"]], abandoned / left if left else None, row[_AT["agents_logged_in"]],
    )


def summarize_intervals(
    scenario: Scenario, per_rep: Iterable[tuple[int, Sequence[Sequence[Any]]]]
) -> list[tuple[Any, ...]]:
    """``(replication, interval rows)`` pairs -> rows of INTERVAL_SUMMARY_COLUMNS, ordered by
    interval then queue (the queues in the scenario's order), like intervals.csv."""
    cells: dict[tuple[float, int], list[tuple[Any, ...]]] = {}
    covered: dict[float, float] = {}
    for _, rows in sorted(per_rep, key=lambda item: item[0]):
        for row in rows:
            key = (float(row[_AT["interval_start"]]), int(row[_AT["queue"]]))
            cells.setdefault(key, []).append(_kpis(row))
            covered[key[0]] = float(row[_AT["covered"]])
    order = {q.id: i for i, q in enumerate(scenario.queues)}
    length = scenario.report.interval
    out = []
    for start, queue in sorted(cells, key=lambda key: (key[0], order.get(key[1], len(order)), key[1])):
        reps = cells[(start, queue)]
        figures: list[Any] = []
        for i in range(len(SUMMARY_METRICS)):
            values = [float(r[i]) for r in reps if r[i] is not None]
            if not values:
                figures += [None, None]
                continue
            mean, ci = mean_ci95(values)
            figures += [mean, None if ci is None else (ci[1] - ci[0]) / 2]
        cover = covered[start]
        out.append(
            (
                start, clock_time(scenario, start), queue, cover, cover < length - 1e-9, len(reps),
                *figures,
            )
        )
    return out


def clock_time(scenario: Scenario, seconds: float) -> str:
    """``start`` + ``seconds`` as "YYYY-MM-DD HH:MM:SS" (whole seconds)."""
    return f"{scenario.start + dt.timedelta(seconds=round(seconds)):%Y-%m-%d %H:%M:%S}"


def replication_intervals(per_rep: Iterable[dict[str, Any]]) -> list[tuple[int, Any]]:
    """The ``(replication, rows)`` pairs that ``runner.run_replication`` left in its results."""
    return [rep["intervals"] for rep in per_rep if "intervals" in rep]


def write_interval_summary(out_dir: Path, scenario: Scenario, per_rep: list[dict[str, Any]]) -> Path:
    """Write ``intervals_summary.csv`` (atomically, like every output) and return its path."""
    table = AtomicCsv(out_dir / "intervals_summary.csv", INTERVAL_SUMMARY_COLUMNS)
    try:
        for row in summarize_intervals(scenario, replication_intervals(per_rep)):
            table.row(tuple(("true" if v else "false") if isinstance(v, bool) else v for v in row))
    except BaseException:
        table.discard()
        raise
    table.commit()
    return table.path


def interval_summary_frame(scenario: Scenario, intervals: Any) -> Any:
    """``Result.interval_summary``: the summary of a ``Result.intervals`` frame (pandas)."""
    import pandas as pd

    by_rep: dict[int, list[tuple[Any, ...]]] = {}
    columns = list(INTERVAL_COLUMNS)
    for rep, frame in intervals.groupby("replication", sort=True):
        values = frame[columns].astype(object).where(frame[columns].notna(), None)
        by_rep[int(rep)] = [tuple(r) for r in values.itertuples(index=False, name=None)]
    rows = summarize_intervals(scenario, by_rep.items())
    frame = pd.DataFrame(rows, columns=list(INTERVAL_SUMMARY_COLUMNS))
    frame["partial"] = frame["partial"].astype(bool)
    return frame
