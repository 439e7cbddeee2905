"""The staffing search: from Erlang to the fewest agents per interval that meet the targets.

docs/staffing.md explains the method, its choices and its references; in short:

1. **Start** at the *modified offered load*: one run with agents to spare measures the load
   the agents really carry in each interval (it lags the arrival rate when the rate moves);
   Erlang A (C without patience) at that load gives the first staffing.
2. **Rounds** of simulation with common random numbers (every candidate runs replications
   0, 1, ... of the same seed, so two candidates differ by their staffing, not by luck). A
   round runs the current staffing over the whole day; every interval that misses a target
   gets agents (as many as Erlang, shifted by the gap between it and the simulation, says;
   at least one). Once every interval meets every target, the round tests removals: two runs,
   one agent less in every other interval (the even ones, then the odd ones), each run cut
   after the interval following its last removal. An interval can lose its agent when, in
   its run, neither it nor the next interval (where its backlog goes) misses a target. The
   removals (at least two intervals apart, as tested) are made, and the next round checks
   the whole day again: a miss there puts the agent back, for good ("kept"). A round with
   nothing to remove ends the search: every target met in every interval, and no interval
   that can lose an agent -- the local-minimality check, reported as :class:`Minimality`.
   Only intervals whose neighbourhood changed are tested again; an interval that keeps losing
   agents loses 2, 4, ... at once (a failed multiple removal is retried with one).
3. **Adaptive replications**: each candidate starts with ``replications`` runs; while a
   decision it serves is unsettled -- the 95 % CI of a figure contains its bound and its
   half-width is over the target's tolerance (``Targets.tolerance``) -- runs are added,
   ``replications`` at a time, up to ``max_replications``. A settled "met" is a statement
   about the mean to within the tolerance; a decision still unsettled at the cap is taken on
   the mean and reported (``SearchResult.unsettled``, ``Minimality.unsettled``). The rule is
   paid for near the answer: coarse rounds first (a decision stops once clear, at most
   COARSE x ``replications``), then precise rounds from their locally minimal staffing, which
   re-judge its whole-day check and its removal tests on the same candidates' runs (reused,
   not redone) with more runs where needed, until locally minimal with settled decisions.

Runs are cached by (seed, staffing of the simulated intervals): a candidate is never run
twice. The verification (``result.verify``) runs the result with seeds the search never used.

This module runs the start and the rounds; the candidates are run, cached and judged (the
adaptive replications) by :mod:`.evaluator`, the removal tests and the minimality check are
:mod:`.minimality`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ...errors import ScenarioError
from .evaluator import Evaluator, Key
from .minimality import GROUPS, Minimality, _minimality, _resettle, _Test, _test_removals
from .problem import Problem
from .targets import Verdict

COARSE = 3  # the coarse rounds give a candidate at most this many times the first replications
MAX_ROUNDS = 40


@dataclass
class SearchResult:
    staffing: list[int]
    start: list[int]
    minimality: Minimality
    rounds: int
    replications: int  # the most any candidate used
    simulated: float  # seconds of scenario time, search only
    first: int  # replications each candidate started with
    cap: int = 0  # the most replications a candidate may get
    unsettled: tuple[int, ...] = ()  # intervals of the last whole-day check unsettled at the cap
    checked: int = 0  # replications of the last whole-day check (of the answer, once minimal)


def search(
    problem: Problem, ev: Evaluator, seed: int, replications: int, max_replications: int,
) -> SearchResult:
    """Coarse rounds first (a decision stops adding runs only once clear, at most
    COARSE x ``replications``), then, from the staffing they find, precise rounds (the
    precision rule, up to ``max_replications``) until it is locally minimal again: precision
    is paid for near the answer, where the decisions sit on their bounds, not on the way."""
    n = problem.count
    precise = False
    cap = min(max_replications, COARSE * replications)
    fixed = {i for i, iv in enumerate(problem.intervals) if iv.end <= problem.base.warmup}
    limit = [3 * max(iv.erlang_a, iv.erlang_c) + 20 for iv in problem.intervals]
    ev.expected = max(ev.expected, replications * 4 * 3)
    start, loads = modified_offered_load_start(problem, ev, seed, replications, limit)
    s = list(start)
    # Intervals that keep their agents: a removal there (or the interval's own count) was
    # followed by a miss in a whole-day run; the miss is the evidence, kept for `binding`.
    kept: dict[int, tuple[str, ...]] = {}
    taken: list[int] = []  # the removals of the last round
    removing = False  # once removals start, every agent put back is kept
    tests: dict[int, _Test] = {}
    # Agents removed at once per interval: doubled while removals go through, so a start far
    # above the answer takes few rounds.
    down: dict[int, int] = {}
    everything = list(range(n))
    most = replications
    rounds = 0
    check = Minimality(False, (), ("",) * n, (0,) * n)
    unsettled: tuple[int, ...] = ()
    checked = replications
    while rounds < MAX_ROUNDS:
        rounds += 1
        key = (seed, tuple(s))
        reps = ev.decide([(key, everything)], replications, cap, stop_on_clear_miss=True, settle=precise)[key]
        verdicts = [ev.verdict(key, reps, i) for i in everything]
        missing = [i for i in everything if i not in fixed and not verdicts[i].met]
        if any(verdicts[i].clear for i in missing):  # (stopped early: act on the clear misses)
            missing = [i for i in missing if verdicts[i].clear]
        most, checked = max(most, reps), reps
        unsettled = tuple(i for i in everything if i not in fixed and not verdicts[i].settled)
        if missing:
            raised: set[int] = set()
            for j in missing:
                # A miss after removals is put on the latest removal at or just before it
                # (its backlog), else on the interval itself.
                culprit = max((t for t in taken if j - GROUPS < t <= j), default=j)
                if culprit in raised:
                    continue
                if s[culprit] + 1 > limit[culprit]:
                    raise ScenarioError.single(problem.label, _unreachable(problem, j, verdicts[j], s[culprit]))
                if removing:  # one back, and kept
                    s[culprit] += 1
                    kept[culprit] = verdicts[j].missed
                else:
                    s[culprit] = min(limit[culprit], s[culprit] + _more(problem, ev, key, reps, culprit, s[culprit], loads[culprit]))
                raised.add(culprit)
            taken = []
            continue
        _test_removals(problem, ev, s, seed, replications, cap, fixed | set(kept), tests, down, precise)
        check = _minimality(s, tests, kept, fixed)
        most = max(most, *check.replications)
        if check.minimal:
            if precise:
                break
            # The coarse answer: every decision again with the precision rule (the runs made so
            # far count), starting with the whole-day check of this staffing.
            precise, cap = True, max_replications
            _resettle(problem, ev, tests, replications, cap)
            down.clear()
            taken = []
            continue
        taken = []
        for i in check.removable:
            if not taken or i - taken[-1] >= GROUPS:
                taken.append(i)
        for i in taken:
            s[i] -= tests[i].step
            down[i] = 2 * tests[i].step
        for i in everything:
            if i not in taken:
                down.pop(i, None)
        removing = True
    return SearchResult(s, start, check, rounds, most, ev.simulated, replications, max_replications, unsettled, checked)


def modified_offered_load_start(
    problem: Problem, ev: Evaluator, seed: int, replications: int, generous: Sequence[int],
) -> tuple[list[int], list[float]]:
    """Erlang A (C) per interval at the load the agents really carry there: one run with
    agents to spare gives each interval's busy agents (talk and wrap-up; ringing added back
    in the AHT's proportion), which lags the arrival rate when the load varies (the
    *modified offered load* of Jennings, Mandelbaum, Massey & Whitt 1996); Erlang at that
    load is the first candidate. Intervals kept out of the search (the warm-up) and
    intervals with no call keep Erlang A at the forecast."""
    from .problem import erlang_agents

    key = (seed, tuple(generous))
    ev.ensure([(key, replications)])
    out, loads = [], []
    length = problem.length
    for i, iv in enumerate(problem.intervals):
        busy = math.fsum(ev.runs[key][k][i][6] for k in range(replications)) / replications
        handled = iv.aht - problem.ring
        if iv.offered <= 0 or handled <= 0 or iv.end <= problem.base.warmup:
            out.append(iv.erlang_a)
            loads.append(iv.offered * iv.aht / length)
            continue
        load = busy / length * iv.aht / handled  # erlangs, ringing included
        loads.append(load)
        out.append(min(generous[i], erlang_agents(load * length / iv.aht, length, iv.aht, problem.targets, problem.patience)))
    return out, loads


def _more(problem: Problem, ev: Evaluator, key: Key, reps: int, i: int, agents: int, load: float) -> int:
    """How many agents to add to interval ``i``, which misses at ``agents``: the fewest by
    which Erlang (at the interval's carried load), shifted by the gap between it and the
    simulation at ``agents``, meets every target; at least 1, at most doubling."""
    from .problem import erlang_figures

    iv = problem.intervals[i]
    kpis = ev.kpis(key, reps, i)
    here = erlang_figures(load, iv.aht, agents, problem.targets.threshold, problem.patience)
    bounds = problem.targets.bounds()
    gap = {}
    for m, _, _ in bounds:
        mean = kpis[m].mean
        gap[m] = mean - here[m] if mean is not None and math.isfinite(here[m]) else 0.0
    for more in range(1, max(1, agents) + 1):
        there = erlang_figures(load, iv.aht, agents + more, problem.targets.threshold, problem.patience)
        if all((there[m] + gap[m] >= b) if at_least else (there[m] + gap[m] <= b) for m, b, at_least in bounds):
            return more
    return max(1, agents)


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
