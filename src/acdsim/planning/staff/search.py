"""The staffing search: from Erlang A to the fewest agents per interval that meet the targets.

docs/staffing.md explains the method and its references; in short:

1. **Start** from Erlang A per interval (Erlang C without patience): the offered load of the
   interval from the forecast, the AHT with wrap-up and ringing, as if it were stationary.
2. **Rounds** of simulation with common random numbers (every candidate runs replications
   0, 1, ... of the same seed, so two candidates differ by their staffing, not by their
   luck). A round first runs the current staffing over the whole day: every interval that
   misses a target gets one agent more (an agent more never hurts a later interval, and
   backlog carried into an interval is gone once the earlier one is fixed). Once every
   interval meets every target, the round tries removals: three runs, each with one agent
   less in every third interval (intervals 0, 3, 6, ..., then 1, 4, 7, ..., then 2, 5,
   8, ...). An interval can lose its agent when, in its run, neither it nor the next interval
   (where its backlog goes) misses a target; such removals, at least three intervals apart
   (as they were tested), are made and the next round starts. A round with nothing to remove
   ends the search: the staffing meets every target and is locally minimal.
3. **Adaptive replications**: each candidate starts with ``replications`` runs; while an
   interval's decision is unclear (the 95 % CI of a figure contains its bound) runs are added,
   ``replications`` at a time, up to ``max_replications``; then the mean decides.

The verification (``staff.verify``) runs the result with seeds the search never used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ...errors import ScenarioError
from .measure import Raw, run_candidates
from .problem import Problem
from .targets import METRICS, Estimate, Verdict, estimate, figures, judge

Key = tuple[int, tuple[int, ...]]  # (seed, staffing of the intervals simulated)
Progress = Callable[[float, float], None]
GROUPS = 3  # removals are tested in every GROUPS-th interval at once
MAX_ROUNDS = 40


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
        results = run_candidates(
            scenarios, tasks, self.problem.pool, self.jobs, self.scheduler, self.executor
        )
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
        return judge(self.problem.targets, self.kpis(key, reps, j))

    def decide(
        self, items: Sequence[tuple[Key, Sequence[int]]], first: int, cap: int, stop_on_clear_miss: bool = False,
    ) -> dict[Key, int]:
        """Run every candidate until each of its intervals ``J`` is clear or it has ``cap``
        replications; return the replications each one's decisions rest on. With
        ``stop_on_clear_miss``, stop as soon as some interval clearly misses (the round then
        acts on the clear misses alone)."""
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
                if reps[key] < cap and not all(self.verdict(key, reps[key], j).clear for j in intervals)
            ]
            if not more:
                return reps
            for key in dict.fromkeys(more):
                reps[key] = min(cap, reps[key] + first)


@dataclass(frozen=True)
class Minimality:
    """The local-minimality check of the final staffing: ``removable`` lists the intervals
    that could lose one agent with every target still met in them and the next interval;
    ``binding[i]`` names the target that the removal at interval i misses first ('' when
    none, or the interval has no agent); ``replications`` per tested interval."""

    minimal: bool
    removable: tuple[int, ...]
    binding: tuple[str, ...]
    replications: tuple[int, ...]


@dataclass
class SearchResult:
    staffing: list[int]
    start: list[int]
    minimality: Minimality
    rounds: int
    replications: int  # the most any candidate used
    simulated: float  # seconds of scenario time, search only
    first: int  # replications each candidate started with


@dataclass
class _Test:
    """The latest removal test of one interval, and the staffing around it then."""

    window: tuple[int, ...]
    missed: tuple[str, ...]
    replications: int


def search(
    problem: Problem, ev: Evaluator, seed: int, replications: int, max_replications: int,
) -> SearchResult:
    n = problem.count
    start = [iv.erlang_a for iv in problem.intervals]
    fixed = {i for i, iv in enumerate(problem.intervals) if iv.end <= problem.base.warmup}
    limit = [3 * max(iv.erlang_a, iv.erlang_c) + 20 for iv in problem.intervals]
    ev.expected = max(ev.expected, replications * 4 * 3)
    s = list(start)
    restored: set[int] = set()
    removed_last: set[int] = set()
    tests: dict[int, _Test] = {}
    everything = list(range(n))
    most = replications
    rounds = 0
    check = Minimality(False, (), ("",) * n, (0,) * n)
    for rounds in range(1, MAX_ROUNDS + 1):
        key = (seed, tuple(s))
        reps = ev.decide([(key, everything)], replications, max_replications, stop_on_clear_miss=True)[key]
        verdicts = [ev.verdict(key, reps, i) for i in everything]
        missing = [i for i in everything if i not in fixed and not verdicts[i].met]
        if any(verdicts[i].clear for i in missing):  # (stopped early: act on the clear misses)
            missing = [i for i in missing if verdicts[i].clear]
        most = max(most, reps)
        if missing:
            for i in missing:
                if s[i] + 1 > limit[i]:
                    raise ScenarioError.single("targets", _unreachable(problem, i, ev.verdict(key, reps, i), s[i]))
                s[i] += 1
                if i in removed_last:
                    restored.add(i)  # removed, then missed with its neighbours: not tried again
            removed_last = set()
            continue
        _test_removals(problem, ev, s, seed, replications, max_replications, fixed, tests)
        check = _minimality(s, tests, restored, fixed)
        most = max(most, *check.replications)
        if check.minimal:
            break
        taken: list[int] = []
        for i in check.removable:
            if not taken or i - taken[-1] >= GROUPS:
                taken.append(i)
        for i in taken:
            s[i] -= 1
        removed_last = set(taken)
    return SearchResult(s, start, check, rounds, most, ev.simulated, replications)


def _window(s: Sequence[int], i: int) -> tuple[int, ...]:
    """The staffing that a removal at ``i`` is judged with: two intervals before (their
    backlog), ``i`` and the next one."""
    return tuple(s[max(0, i - 2): i + 2])


def _test_removals(
    problem: Problem, ev: Evaluator, s: list[int], seed: int, first: int, cap: int,
    fixed: set[int], tests: dict[int, _Test],
) -> None:
    """Try one agent less in every GROUPS-th interval at once (one run per group), for the
    intervals not tested yet with the staffing around them as it is now. A run stops after
    the interval following its last removal (the later ones are not judged)."""
    n = problem.count
    todo = [
        i for i in range(n)
        if s[i] > 0 and i not in fixed and (i not in tests or tests[i].window != _window(s, i))
    ]
    items: list[tuple[Key, list[int]]] = []
    tested: dict[int, Key] = {}
    for g in range(GROUPS):
        members = [i for i in todo if i % GROUPS == g]
        if not members:
            continue
        upto = min(n, members[-1] + 2)
        cand = list(s[:upto])
        for i in members:
            cand[i] -= 1
        key = (seed, tuple(cand))
        items.append((key, sorted({j for i in members for j in (i, i + 1) if j < n})))
        for i in members:
            tested[i] = key
    reps = ev.decide(items, first, cap) if items else {}
    for i, key in tested.items():
        missed = ev.verdict(key, reps[key], i).missed
        if not missed and i + 1 < n:
            missed = ev.verdict(key, reps[key], i + 1).missed
        tests[i] = _Test(_window(s, i), missed, reps[key])


def _minimality(s: list[int], tests: dict[int, _Test], restored: set[int], fixed: set[int]) -> Minimality:
    removable, binding, used = [], [], []
    for i in range(len(s)):
        test = tests.get(i)
        if s[i] == 0 or i in fixed or test is None:
            binding.append("")
            used.append(0)
            continue
        binding.append(test.missed[0] if test.missed else "")
        used.append(test.replications)
        if not test.missed and i not in restored:
            removable.append(i)
    return Minimality(not removable, tuple(removable), tuple(binding), tuple(used))


def _unreachable(problem: Problem, i: int, verdict: Verdict, agents: int) -> str:
    from .outputs import clock

    iv = problem.intervals[i]
    return (
        f"interval {clock(problem.base, iv.start)}: no staffing up to {agents} agents meets "
        f"{', '.join(verdict.missed)} ({problem.targets.describe()}); check that the targets "
        "can be reached at all (ringing counts in the wait: an ASA or a threshold below the "
        "ring time cannot be met)"
    )


def agent_hours(staffing: Sequence[int], length: float) -> float:
    return math.fsum(staffing) * length / 3600.0
