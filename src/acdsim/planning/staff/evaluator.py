"""The candidates of the staffing search, run and judged: a candidate is a staffing (of the
intervals simulated) with a seed; its replications are run once and cached, and each interval
is judged on them against the targets. ``Evaluator.decide`` is the adaptive-replication rule:
runs are added to a candidate until the decisions on its intervals are settled, clear, or at
the replication cap (point 3 of :mod:`.search`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .measure import Raw, run_candidates
from .problem import Problem
from .targets import METRICS, Estimate, Verdict, estimate, figures, judge

Key = tuple[int, tuple[int, ...]]  # (seed, staffing of the intervals simulated)
Progress = Callable[[float, float], None]


@dataclass
class Evaluator:
    """Runs candidates (cached: a run is never repeated) and judges their intervals."""

    problem: Problem
    jobs: int = 1
    scheduler: object = None
    progress: Progress | None = None
    executor: object = None  # worker processes kept open for the whole search
    runs: dict[Key, dict[int, list[Raw]]] = field(default_factory=dict)
    simulated: float = 0.0  # seconds of scenario time simulated
    done: int = 0
    expected: int = 0

    def ensure(self, wanted: Sequence[tuple[Key, int]]) -> None:
        """Replications 0 .. n-1 of every (key, n), run in one batch where missing."""
        scenarios, tasks, keys = [], [], []
        for key, need in wanted:
            have = self.runs.setdefault(key, {})
            missing = [k for k in range(need) if k not in have]
            if missing:
                seed, staffing = key
                keys.append(key)
                scenarios.append(self.problem.scenario(staffing, upto=len(staffing), seed=seed))
                tasks += [(len(scenarios) - 1, k) for k in missing]
        if not tasks:
            return
        self.expected = max(self.expected, self.done + len(tasks))
        results = run_candidates(scenarios, tasks, self.problem.pool, self.scheduler, self.executor)
        for (i, k), rows in sorted(results.items()):
            self.runs[keys[i]][k] = rows
            self.simulated += scenarios[i].horizon
            self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.expected)

    def kpis(self, key: Key, reps: int, j: int) -> dict[str, Estimate]:
        have = self.runs[key]
        per_rep = [figures(have[k][j]) for k in range(reps)]
        return {m: estimate([f[m] for f in per_rep]) for m in ("offered", *METRICS)}

    def verdict(self, key: Key, reps: int, j: int) -> Verdict:
        return judge(self.problem.targets, self.kpis(key, reps, j), cautious=True)

    def decide(
        self, items: Sequence[tuple[Key, Sequence[int]]], first: int, cap: int, stop_on_clear_miss: bool = False,
        step: int | None = None, settle: bool = True,
    ) -> dict[Key, int]:
        """Run every candidate until each of its intervals ``J`` is settled (clear, or its CI
        within the tolerance) or it has ``cap`` replications; return the replications each one's decisions rest on. With
        ``stop_on_clear_miss``, stop as soon as some interval clearly misses (the round then
        acts on the clear misses alone). Runs are added ``step`` (default ``first``) at a time.
        Without ``settle``, only a clear decision (its CI excludes the bound) stops adding runs
        (the coarse phase of the search)."""
        reps: dict[Key, int] = {}
        for key, _ in items:
            have = self.runs.get(key, {})
            cached = 0
            while cached in have:
                cached += 1
            reps[key] = max(first, min(cached, cap))
        while True:
            self.ensure([(key, reps[key]) for key, _ in items])
            if stop_on_clear_miss and any(
                (v := self.verdict(key, reps[key], j)).clear and not v.met for key, intervals in items for j in intervals
            ):
                return reps
            more = [
                key for key, intervals in items
                if reps[key] < cap and not all(_done(self.verdict(key, reps[key], j), settle) for j in intervals)
            ]
            if not more:
                return reps
            for key in dict.fromkeys(more):
                reps[key] = min(cap, reps[key] + (step or first))


def _done(verdict: Verdict, settle: bool) -> bool:
    return verdict.settled if settle else verdict.clear
