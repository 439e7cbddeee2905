"""The removal tests of the staffing search and the local-minimality check built on them.

A removal test runs one agent less (or several, while removals go through) in every
GROUPS-th interval at once and judges the interval and the next one (where its backlog
goes); the latest test of each interval is kept with the staffing around it then, so only
intervals whose neighbourhood changed are tested again. The check reads the tests into a
:class:`Minimality`: the intervals that could still lose an agent, and the target each
removal misses first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .evaluator import Evaluator, Key
from .problem import Problem

GROUPS = 2  # removals are tested in every GROUPS-th interval at once


@dataclass(frozen=True)
class Minimality:
    """The local-minimality check of the final staffing: ``removable`` lists the intervals
    that could lose one agent with every target still met in them and the next interval;
    ``binding[i]`` names the target that the removal at interval i misses first ('' when
    none, or the interval has no agent); ``replications`` per tested interval; ``unsettled``:
    the intervals whose removal test was still unsettled at the replication cap (decided on
    the mean)."""

    minimal: bool
    removable: tuple[int, ...]
    binding: tuple[str, ...]
    replications: tuple[int, ...]
    unsettled: tuple[int, ...] = ()


@dataclass
class _Test:
    """The latest removal test of one interval, and the staffing around it then."""

    window: tuple[int, ...]
    missed: tuple[str, ...]
    replications: int
    step: int = 1  # agents removed in the test
    settled: bool = True
    key: Key | None = None  # the candidate run for the test


def _window(s: Sequence[int], i: int) -> tuple[int, ...]:
    """The staffing that a removal at ``i`` is judged with: the interval before (its
    backlog), ``i`` and the next one."""
    return tuple(s[max(0, i - 1): i + 2])


def _test_removals(
    problem: Problem, ev: Evaluator, s: list[int], seed: int, first: int, cap: int,
    fixed: set[int], tests: dict[int, _Test], steps: dict[int, int], settle: bool = True,
) -> None:
    """Try ``steps[i]`` agents less (1 by default) in every GROUPS-th interval at once (one
    run per group), for the intervals not tested yet with the staffing around them as it is
    now. A run stops after the interval following its last removal (the later ones are not
    judged). A removal of several agents that misses is tried again with one."""
    n = problem.count
    todo = [
        i for i in range(n)
        if s[i] > 0 and i not in fixed and (i not in tests or tests[i].window != _window(s, i))
    ]
    while todo:
        items: list[tuple[Key, list[int]]] = []
        tested: dict[int, Key] = {}
        for g in range(GROUPS):
            members = [i for i in todo if i % GROUPS == g]
            if not members:
                continue
            upto = min(n, members[-1] + 2)
            cand = list(s[:upto])
            for i in members:
                cand[i] -= min(steps.get(i, 1), s[i])
            key = (seed, tuple(cand))
            items.append((key, sorted({j for i in members for j in (i, i + 1) if j < n})))
            for i in members:
                tested[i] = key
        reps = ev.decide(items, first, cap, settle=settle) if items else {}
        todo = []
        for i, key in tested.items():
            missed, settled = _outcome(ev, key, reps[key], i, n)
            step = min(steps.get(i, 1), s[i])
            tests[i] = _Test(_window(s, i), missed, reps[key], step, settled, key)
            if missed and step > 1:
                steps[i] = 1  # too many at once: one agent is the test that counts
                todo.append(i)
        todo.sort()


def _outcome(ev: Evaluator, key: Key, reps: int, i: int, n: int) -> tuple[tuple[str, ...], bool]:
    """What a removal at ``i`` tested in ``key`` misses (in ``i``, else in ``i + 1``), and
    whether that decision is settled."""
    verdict = ev.verdict(key, reps, i)
    if not verdict.missed and i + 1 < n:
        verdict = ev.verdict(key, reps, i + 1)
    return verdict.missed, verdict.settled


def _resettle(problem: Problem, ev: Evaluator, tests: dict[int, _Test], first: int, cap: int) -> None:
    """The removal tests the coarse rounds left unsettled, given runs (on the same candidates,
    so the runs made count) until the precision rule settles them or the cap is reached."""
    n = problem.count
    open_ = {i: t for i, t in sorted(tests.items()) if not t.settled and t.key is not None}
    judged: dict[Key, set[int]] = {}
    for i, t in open_.items():
        assert t.key is not None
        judged.setdefault(t.key, set()).update(j for j in (i, i + 1) if j < n)
    if not judged:
        return
    reps = ev.decide([(key, sorted(js)) for key, js in judged.items()], first, cap, settle=True)
    for i, t in open_.items():
        assert t.key is not None
        missed, settled = _outcome(ev, t.key, reps[t.key], i, n)
        tests[i] = _Test(t.window, missed, reps[t.key], t.step, settled, t.key)


def _minimality(s: list[int], tests: dict[int, _Test], kept: dict[int, tuple[str, ...]], fixed: set[int]) -> Minimality:
    removable, binding, used, unsettled = [], [], [], []
    for i in range(len(s)):
        test = tests.get(i)
        if s[i] == 0 or i in fixed or (test is None and i not in kept):
            binding.append("")
            used.append(0)
            continue
        missed = kept.get(i) or (test.missed if test is not None else ())
        binding.append(missed[0] if missed else "")
        used.append(test.replications if test is not None else 0)
        if test is not None and not test.settled and i not in kept:
            unsettled.append(i)
        if not missed:
            removable.append(i)
    return Minimality(not removable, tuple(removable), tuple(binding), tuple(used), tuple(unsettled))
