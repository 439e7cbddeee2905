"""Sweeps: one scenario run at every point of a grid of values, with common random numbers.

Every point runs the same replications 0..N-1 with the same base seed, so replication k of
every point draws its arrivals, talk times and patience from the same named streams: the
differences between points are mostly the effect of the values, not noise (docs/scaling.md
says how far this holds). A point's figures are exactly those ``acdsim run --only summary``
gives for the point's scenario (``SweepResult.point_summary(i)`` is that summary.json).

Tables:

- ``runs`` (``sweep.csv``): one row per point x replication x queue: the point's values in
  columns named by their paths, ``replication``, ``queue``, then the queue's KPIs of that
  replication as in summary.json (``answered_by_level`` as ``answered_by_level.<level>``).
- ``summary`` (``sweep_summary.csv``): per point x queue, ``X_mean`` and ``X_ci95`` (the 95 %
  Student-t half-width over replications) of every KPI; with a baseline, ``X_diff`` and
  ``X_diff_ci95``: the mean and half-width of the per-replication differences point minus
  baseline point (paired on the replication, so on common random numbers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError
from ..model import Scenario
from ..model.workload import DEFAULT_MAX_CALLERS, NOTE_CALLERS, Bounds, Finding, bounds, estimate
from ..output.stats import mean_ci95
from ..output.summary import build_summary
from .parallel import run_tasks
from .points import Point, SetError, build_points, override, parse_scalar

Progress = Callable[[float, float], None]


@dataclass
class SweepResult:
    """What a sweep produced. ``runs`` and ``summary`` are pandas DataFrames (the tables of
    sweep.csv and sweep_summary.csv); ``points`` the points with their scenarios."""

    points: list[Point]
    axes: list[str]
    per_run: dict[tuple[int, int], dict[str, Any]]
    baseline: dict[str, Any] | None = None
    run_rows: list[list[Any]] = field(default_factory=list)
    run_columns: list[str] = field(default_factory=list)
    summary_rows: list[list[Any]] = field(default_factory=list)
    summary_columns: list[str] = field(default_factory=list)

    @property
    def runs(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.run_rows, columns=self.run_columns)

    @property
    def summary(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.summary_rows, columns=self.summary_columns)

    def point_summary(self, index: int) -> dict[str, Any]:
        """The summary.json dict of point ``index`` (what ``acdsim run`` writes for it)."""
        point = self.points[index]
        reps = point.scenario.replications
        return build_summary(point.scenario, [self.per_run[(index, k)] for k in range(reps)])

    def point_summary_json(self, index: int) -> str:
        """summary.json's text for point ``index``, byte for byte."""
        return json.dumps(self.point_summary(index), indent=2, ensure_ascii=False) + "\n"


def sweep(
    scenario: Scenario | str | Path | Mapping[str, Any],
    axes: Mapping[str, Sequence[Any] | Any],
    *,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = 1,
    scheduler: Any = None,
    baseline: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    allow_paths: Sequence[str | Path] = (),
    max_callers: int | None = None,
) -> SweepResult:
    """Run ``scenario`` (a Scenario, or a path, YAML text or dict as ``acdsim.load_scenario``
    reads them) at every point of the cartesian product of ``axes`` (``{path: values}``,
    paths as in error messages, e.g. ``"queues[0].strategy"``); return a :class:`SweepResult`.

    ``replications``/``seed`` override the scenario's; ``jobs`` local processes (None: all
    cores) or ``scheduler`` (a Dask address or Client) say where the runs execute: the
    results are the same bytes wherever. ``baseline`` (``{path: value}``, a subset of the
    axes) adds the paired differences to the baseline point (see the module's docstring).
    ``allow_paths``: folders outside the scenario's own whose data files it may read.

    Raises ``ScenarioError`` when the sweep is refused before it starts (more callers over all
    points and replications than ``max_callers``, default 20,000,000: :func:`sweep_bounds`)
    and ``NoProgressError`` when a run stops making progress."""
    label = base_label(scenario)
    base = _base_scenario(scenario, replications, seed, allow_paths)
    lists = {path: _as_list(values) for path, values in axes.items()}
    points = build_points(base, lists, label=label)
    errors = sweep_bounds(points, max_callers).errors
    if errors:
        raise ScenarioError([Problem(label, None, path, message) for path, message in errors])
    return run_points(base, points, list(lists), jobs=jobs, scheduler=scheduler, baseline=baseline, progress=progress)


def base_label(scenario: Scenario | str | Path | Mapping[str, Any]) -> str:
    """The name errors give the swept scenario (its file, ``<string>``, its name)."""
    if isinstance(scenario, Scenario):
        return scenario.title
    if isinstance(scenario, Mapping):
        return str(scenario.get("name") or "<data>")
    text = str(scenario)
    return "<string>" if "\n" in text else text


def _base_scenario(
    scenario: Scenario | str | Path | Mapping[str, Any], replications: int | None, seed: int | None,
    allow_paths: Sequence[str | Path] = (),
) -> Scenario:
    if not isinstance(scenario, Scenario):
        from .scenarios import load_scenario

        scenario = load_scenario(scenario, allow_paths=allow_paths)
    top = {k: v for k, v in (("replications", replications), ("seed", seed)) if v is not None}
    return override(scenario, top) if top else scenario


def _as_list(values: Sequence[Any] | Any) -> list[Any]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | range):
        return [values]
    return list(values)


def sweep_bounds(points: Sequence[Point], max_callers: int | None = None) -> Bounds:
    """The work bounds of a whole sweep (model/workload.py, docs/limits.md): each point's own
    (a horizon out of range, calls never answered, a queue growing without bound), once per
    path and message with the first point it holds at, and the callers of every point and
    replication together against ``max_callers`` (default 20,000,000). No file has a row per
    sampling period in a sweep, so the rows of status.csv and intervals.csv do not count."""
    limit = DEFAULT_MAX_CALLERS if max_callers is None else max_callers
    kinds: dict[str, dict[Finding, list[Point]]] = {"notes": {}, "warnings": {}, "errors": {}}
    total = 0.0
    for point in points:
        own = bounds(point.scenario, math.inf, outputs=())
        for kind in kinds:
            for finding in getattr(own, kind):
                kinds[kind].setdefault(finding, []).append(point)
        total += estimate(point.scenario).callers
    found = {kind: [_at_points(f, at, len(points)) for f, at in by.items()] for kind, by in kinds.items()}
    runs = sum(p.scenario.replications for p in points)
    shown = "infinitely many" if math.isinf(total) else f"{total:,.0f}"
    where = f"{len(points)} point{'s' if len(points) != 1 else ''}, {runs} run{'s' if runs != 1 else ''}"
    if total > limit * (1 + 1e-9):  # (rate x time is rarely a whole number in floats)
        found["errors"].append(((), (
            f"the sweep would simulate about {shown} callers over its {where}, more than the limit "
            f"of {limit:,.0f}; raise it with --max-callers (max_callers= in acdsim.sweep), "
            "sweep fewer points or replications, or shorten the horizon"
        )))
    elif total >= NOTE_CALLERS:
        found["notes"].append(((), f"about {shown} callers over the sweep's {where}"))
    return Bounds(found["notes"], found["warnings"], found["errors"])


def _at_points(finding: Finding, at: list[Point], count: int) -> Finding:
    """A point's finding, naming the point (the first of several) unless it holds at all."""
    path, message = finding
    if len(at) == count:
        return finding
    shown = ", ".join(f"{p}={v}" for p, v in at[0].values)
    more = f" and {len(at) - 1} more point{'s' if len(at) > 2 else ''}" if len(at) > 1 else ""
    return path, f"{message} (with {shown}{more})"


def run_points(
    base: Scenario,
    points: list[Point],
    axes: list[str],
    *,
    jobs: int | None = 1,
    scheduler: Any = None,
    baseline: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Run every point's replications (see :func:`sweep`) and build the tables."""
    from ..runner import default_jobs

    base_of = baseline_points(points, axes, baseline) if baseline else None
    reps = base.replications
    tasks = [(p.index, k) for p in points for k in range(p.scenario.replications)]
    per_run: dict[tuple[int, int], dict[str, Any]] = {}

    def done(task: tuple[int, int], result: dict[str, Any]) -> None:
        per_run[task] = result
        if progress is not None:
            progress(len(per_run), len(tasks))

    run_tasks(
        [p.scenario for p in points], tasks, done,
        jobs=default_jobs() if jobs is None else jobs, scheduler=scheduler,
    )
    result = SweepResult(points, axes, per_run, dict(baseline) if baseline else None)
    _fill_tables(result, reps, base_of)
    return result


def baseline_points(
    points: list[Point], axes: list[str], baseline: Mapping[str, Any]
) -> dict[int, int]:
    """For each point, the index of its baseline point: the point with the baseline's values
    on the baseline's paths and the point's own values on the other axes."""
    problems = []
    for path, value in baseline.items():
        if path not in axes:
            problems.append(f"--baseline {path}: not a swept path (swept: {', '.join(axes)})")
        elif not any(dict(p.values)[path] == value for p in points):
            seen = sorted({repr(dict(p.values)[path]) for p in points})
            problems.append(f"--baseline {path}={value}: not one of the swept values ({', '.join(seen)})")
    if problems:
        raise ScenarioError.single("--baseline", "; ".join(problems))
    by_values = {p.values: p.index for p in points}
    return {
        p.index: by_values[tuple((path, baseline.get(path, v)) for path, v in p.values)]
        for p in points
    }


def parse_baseline(texts: Sequence[str]) -> dict[str, Any]:
    """``["PATH=V", ...]`` -> ``{path: value}`` (values read like ``--set`` values)."""
    out: dict[str, Any] = {}
    for text in texts:
        path, eq, value = text.partition("=")
        if not eq or not path.strip() or not value.strip():
            raise SetError(f"{text!r} is not PATH=VALUE")
        out[path.strip()] = parse_scalar(value)
    return out


# ------------------------------------------------------------------------------------- tables


def _queue_kpis(queue: dict[str, Any], levels: list[str]) -> list[Any]:
    values: list[Any] = []
    for value in queue.values():
        if isinstance(value, dict):
            values.extend(value.get(level, 0) for level in levels)
        else:
            values.append(value)
    return values


def _kpi_names(queue: dict[str, Any], levels: list[str]) -> list[str]:
    names: list[str] = []
    for metric, value in queue.items():
        if isinstance(value, dict):
            names.extend(f"{metric}.{level}" for level in levels)
        else:
            names.append(metric)
    return names


def _fill_tables(result: SweepResult, reps: int, base_of: dict[int, int] | None) -> None:
    first = result.per_run[(0, 0)]
    queue_ids = list(first["queues"])
    levels = sorted(
        {lv for run in result.per_run.values() for q in run["queues"].values()
         for lv in q.get("answered_by_level", {})},
        key=lambda lv: (len(lv), lv),
    )
    kpis = _kpi_names(first["queues"][queue_ids[0]], levels)
    result.run_columns = [*result.axes, "replication", "queue", *kpis]
    values: dict[tuple[int, int, str], list[Any]] = {}
    for point in result.points:
        shown = [v for _, v in point.values]
        for k in range(reps):
            for q in queue_ids:
                kpi_values = _queue_kpis(result.per_run[(point.index, k)]["queues"][q], levels)
                values[(point.index, k, q)] = kpi_values
                result.run_rows.append([*shown, k, int(q), *kpi_values])
    columns = [*result.axes, "queue"]
    for name in kpis:
        columns += [f"{name}_mean", f"{name}_ci95"]
        if base_of is not None:
            columns += [f"{name}_diff", f"{name}_diff_ci95"]
    result.summary_columns = columns
    for point in result.points:
        for q in queue_ids:
            row: list[Any] = [v for _, v in point.values] + [int(q)]
            for j in range(len(kpis)):
                row += _mean_half([values[(point.index, k, q)][j] for k in range(reps)])
                if base_of is not None:
                    b = base_of[point.index]
                    diffs = [
                        x - y for x, y in (
                            (values[(point.index, k, q)][j], values[(b, k, q)][j]) for k in range(reps)
                        ) if x is not None and y is not None
                    ]
                    row += _mean_half(diffs)
            result.summary_rows.append(row)


def _mean_half(values: list[Any]) -> list[Any]:
    """[mean, CI95 half-width] over the values that exist (None: no data, e.g. no answer)."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return [None, None]
    mean, interval = mean_ci95(present)
    return [mean, None if interval is None else (interval[1] - interval[0]) / 2]
