"""``acdsim.staff``: the search, its verification and the result object."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import Problem as _Problem
from ...errors import ScenarioError
from ...model import Scenario
from ...units import parse_duration
from .evaluator import Evaluator, Progress
from .minimality import Minimality
from .problem import Problem, build_problem
from .search import SearchResult, agent_hours, search
from .targets import (
    DEFAULT_ASA_TOLERANCE,
    DEFAULT_TOLERANCE,
    Estimate,
    TargetError,
    Targets,
    Verdict,
    judge,
    make_targets,
)

VERIFY_SEED_OFFSET = 1_000_000
"""The verification runs replications 0, 1, ... of seed + this: seeds the search never used."""

DEFAULT_REPLICATIONS = 8
CAP_FACTOR = 8
"""Without ``max_replications``, a candidate may get up to this many times ``replications``."""


@dataclass(frozen=True)
class Verification:
    """Figures per interval of one staffing run with the verification seed."""

    staffing: tuple[int, ...]
    kpis: tuple[dict[str, Estimate], ...]
    verdicts: tuple[Verdict, ...]
    replications: int

    @property
    def met(self) -> bool:
        return all(v.met for v in self.verdicts)

    @property
    def unsettled(self) -> tuple[int, ...]:
        """The intervals whose figures are still unsettled at the replication cap: their CI
        contains a bound and is wider than the tolerance (``met`` is the mean's side only)."""
        return tuple(i for i, v in enumerate(self.verdicts) if not v.settled)


@dataclass
class StaffResult:
    """What ``acdsim.staff`` found. ``table``: staffing.csv as a DataFrame; ``staffed``: the
    scenario with the pool's staffing set (and the verification's seed and replications:
    running it reproduces ``verification``); ``minimal``: the local-minimality check;
    ``agent_hours``: per method (``simulation``, ``erlang_c``, ``erlang_a``, ``scheduled``);
    ``simulated_days``: how many of the scenario's horizons the search and the verification
    simulated, all replications together."""

    problem: Problem
    staffing: list[int]
    shrinkage: float
    seed: int
    search: SearchResult
    verification: Verification
    erlang_verification: Verification
    staffed: Scenario
    simulated: float = 0.0  # seconds of scenario time, search and verifications

    @property
    def minimal(self) -> Minimality:
        return self.search.minimality

    @property
    def scheduled(self) -> list[int]:
        return [scheduled(n, self.shrinkage) for n in self.staffing]

    @property
    def agent_hours(self) -> dict[str, float]:
        length = self.problem.length
        return {
            "simulation": agent_hours(self.staffing, length),
            "erlang_c": agent_hours([iv.erlang_c for iv in self.problem.intervals], length),
            "erlang_a": agent_hours([iv.erlang_a for iv in self.problem.intervals], length),
            "scheduled": agent_hours(self.scheduled, length),
        }

    @property
    def simulated_days(self) -> float:
        """Simulated horizons, search and verification (both staffings) together."""
        return self.simulated / self.problem.base.horizon

    @property
    def search_days(self) -> float:
        return self.search.simulated / self.problem.base.horizon

    def rows(self) -> list[list[Any]]:
        from .outputs import table_rows

        return table_rows(self)

    @property
    def table(self) -> Any:
        import pandas as pd

        from .outputs import COLUMNS

        frame = pd.DataFrame(self.rows(), columns=list(COLUMNS))
        return frame

    def summary(self) -> dict[str, Any]:
        from .outputs import summary

        return summary(self)


def scheduled(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` remain after shrinkage (rounded up)."""
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9) if agents else 0


def parse_shrinkage(value: Any) -> float:
    from ...percent import parse_percent

    fraction = parse_percent(value)
    if fraction >= 1.0:
        raise ValueError("shrinkage must be below 100 %")
    return fraction


def parse_interval(value: Any) -> float:
    return parse_duration(value)


def staff(
    scenario: Scenario | str | Path | Mapping[str, Any],
    pool: str | None = None,
    targets: Targets | Mapping[str, Any] | None = None,
    *,
    interval: float | str = 1800.0,
    shrinkage: float | str = 0.0,
    replications: int = DEFAULT_REPLICATIONS,
    max_replications: int | None = None,
    verify_replications: int | None = None,
    tolerance: float | str = DEFAULT_TOLERANCE,
    asa_tolerance: float | str = DEFAULT_ASA_TOLERANCE,
    jobs: int | None = 1,
    scheduler: Any = None,
    seed: int | None = None,
    progress: Progress | None = None,
    allow_paths: Sequence[str | Path] = (),
    label: str | None = None,
    **target_keywords: Any,
) -> StaffResult:
    """The fewest agents of ``pool`` (its name; may be omitted with one pool) per
    ``interval`` that meet every target in every interval, by simulation (docs/staffing.md).

    ``targets``: a :class:`Targets` or a mapping with ``sl`` (``"80/20"``), ``max_abandon``
    (``"5%"`` or ``0.05``), ``max_asa`` (``"30s"``), ``max_occupancy``; the same keys may be
    given as keywords. ``replications``: runs per candidate to start with (the search adds as
    many at a time while a decision is unsettled, up to ``max_replications``, default 8x). A
    decision is settled when the 95 % CI excludes the bound or its half-width is within
    ``tolerance`` (the fractions: service level, abandon rate, occupancy; default 0.02) or
    ``asa_tolerance`` (seconds, default 2). The verification runs the result with the seeds
    ``seed + 1_000_000`` onwards: ``verify_replications`` runs to start with (default the
    larger of 2x and the runs the search's last check of the answer needed), more by the
    same rule up to the cap;
    Erlang A's staffing is verified with as many. ``seed`` overrides the scenario's. ``jobs``/``scheduler``
    say where the runs execute (the result is the same). Raises ``ScenarioError`` for a bad
    pool, interval or target."""
    from ...runner import default_jobs
    from ..sweep import base_label

    label = base_label(scenario) if label is None else label
    if not isinstance(scenario, Scenario):
        from ..scenarios import load_scenario

        scenario = load_scenario(scenario, allow_paths=allow_paths)
    problems: list[_Problem] = []
    try:
        goal = make_targets(targets, default_threshold=scenario.report.service_level_threshold, **target_keywords)
    except TargetError as exc:
        problems += [_Problem(label, None, (), f"targets: {key}: {message}") for key, message in exc.problems]
    try:
        length = parse_interval(interval)
    except ValueError as exc:
        problems.append(_Problem(label, None, (), f"interval: {exc}"))
    try:
        shrink = parse_shrinkage(shrinkage)
    except ValueError as exc:
        problems.append(_Problem(label, None, (), f"shrinkage: {exc}"))
    try:
        tol = parse_tolerance(tolerance)
    except ValueError as exc:
        problems.append(_Problem(label, None, (), f"tolerance: {exc}"))
    try:
        asa_tol = parse_asa_tolerance(asa_tolerance)
    except ValueError as exc:
        problems.append(_Problem(label, None, (), f"asa_tolerance: {exc}"))
    if replications < 2:
        problems.append(_Problem(label, None, (), f"replications: at least 2 (a confidence interval needs two), got {replications}"))
    if problems:
        raise ScenarioError(problems)
    goal = dataclasses.replace(goal, fraction_tolerance=tol, asa_tolerance=asa_tol)
    problem = build_problem(scenario, pool, goal, length, label)
    base_seed = scenario.seed if seed is None else seed
    cap = max_replications if max_replications is not None else CAP_FACTOR * replications
    cap = max(cap, replications)
    jobs = default_jobs() if jobs is None else jobs
    erl = [iv.erlang_a for iv in problem.intervals]
    with contextlib.ExitStack() as stack:
        executor = None
        if scheduler is not None:  # one connection for the whole search, not one per batch
            from ..dask import _client

            scheduler, owned = _client(scheduler)
            if owned:
                stack.callback(scheduler.close)
        elif jobs > 1:
            from ...signals import worker_pool

            executor = stack.enter_context(worker_pool(jobs))
        ev = Evaluator(problem, jobs, scheduler, progress, executor)
        found = search(problem, ev, base_seed, replications, cap)
        first = verify_replications if verify_replications is not None else max(2 * replications, found.checked)
        verify_reps = settle(problem, ev, found.staffing, base_seed + VERIFY_SEED_OFFSET, first, max(first, cap), replications)
        check = verify(problem, ev, [found.staffing, erl], base_seed + VERIFY_SEED_OFFSET, verify_reps)
    staffed = problem.scenario(found.staffing, seed=base_seed + VERIFY_SEED_OFFSET, replications=verify_reps)
    return StaffResult(problem, found.staffing, shrink, base_seed, found, check[0], check[1], staffed, ev.simulated)


def settle(problem: Problem, ev: Evaluator, staffing: Sequence[int], seed: int, first: int, cap: int, step: int) -> int:
    """The replications of ``seed`` at which every interval of ``staffing`` (but the warm-up's)
    is settled, from ``first``, ``step`` more at a time, at most ``cap``."""
    judged = [i for i, iv in enumerate(problem.intervals) if iv.end > problem.base.warmup]
    key = (seed, tuple(staffing))
    return ev.decide([(key, judged)], first, cap, step=step)[key]


def parse_tolerance(value: Any) -> float:
    from ...percent import parse_percent

    fraction = parse_percent(value)
    if fraction <= 0:
        raise ValueError("must be above 0 %")
    return fraction


def parse_asa_tolerance(value: Any) -> float:
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("must be above 0 s")
    return seconds


def verify(problem: Problem, ev: Evaluator, staffings: Sequence[Sequence[int]], seed: int, reps: int) -> list[Verification]:
    """Each staffing over the whole horizon, replications 0 .. reps-1 of ``seed``."""
    keys = [(seed, tuple(s)) for s in staffings]
    ev.ensure([(key, reps) for key in keys])
    out = []
    for key in keys:
        kpis = tuple(ev.kpis(key, reps, j) for j in range(problem.count))
        out.append(Verification(key[1], kpis, tuple(judge(problem.targets, k) for k in kpis), reps))
    return out


__all__ = ["VERIFY_SEED_OFFSET", "StaffResult", "Verification", "scheduled", "staff"]
