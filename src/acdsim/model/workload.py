"""The work a scenario asks for, estimated before it runs, and the runs refused for it.

Estimated from the scenario alone (no simulation):

- callers: the expected number of joins, rate x time for ``calls_per_hour`` and profiles
  (the rate integrated over [0, horizon)), the rows before the horizon for a trace, plus
  retries counted as if every caller abandoned (an upper bound: p / (1 - p) more callers,
  and no more than the run's length allows), times the replications;
- offered load: arrival rate x mean talk time (erlangs), against the agents of the queue
  that are ever logged in;
- rows of the sampled files: horizon / period x queues x replications for status.csv and
  intervals.csv (they do not depend on the callers);
- calls that can never be answered: no tier, no agent ever logged in, or every agent's
  behaviour failing each offer.

``bounds(scenario, max_callers, outputs)`` returns notes (a large estimate), warnings (a
queue that grows without bound, calls never answered) and errors (callers or rows over
``max_callers``, a horizon below MIN_HORIZON), each a (path, message) pair. The CLI prints
them; ``acdsim.simulate`` raises on the errors. docs/limits.md explains every bound.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import cast

from .agents import Behavior, LocalAgent, RemoteAgent
from .distributions import AnyDistribution, Constant, Uniform
from .queue import Queue
from .scenario import Scenario
from .schedule import Shift, StatusChange
from .traffic import Callers, ProfileArrivals, RateArrivals, TraceArrivals

DEFAULT_MAX_CALLERS = 20_000_000  # callers over all replications, raised by --max-callers
NOTE_CALLERS = 1_000_000  # an estimate from this many callers on is printed as a note
# The pbx clock passes on a 0.1 s grid and compares times within 1e-9 s: below 1 ms nothing
# but the first instant is simulated. (The longest horizon is the loader's: every duration
# is at most units.MAX_DURATION, 10 years, far inside the floats' resolution of that grid.)
MIN_HORIZON = 0.001
_ONLINE = ("available", "available_on_demand")

Finding = tuple[tuple[str | int, ...], str]  # (path, message)


@dataclass(frozen=True)
class QueueWork:
    """One queue's share of the estimate (per replication)."""

    index: int  # position in the scenario's queues (for paths)
    id: int
    callers: float  # expected joins, retries included
    rate: float  # mean arrivals per second over the horizon (retries excluded)
    talk: float  # mean talk time, s
    agents: int  # agents of the queue ever logged in
    bounded_wait: bool  # patience or max_wait_time ends every wait

    @property
    def load(self) -> float:
        """Offered load in erlangs (busy agents needed on average)."""
        return self.rate * self.talk


@dataclass(frozen=True)
class Workload:
    queues: tuple[QueueWork, ...]
    replications: int

    @property
    def callers(self) -> float:
        """Expected callers over all replications."""
        return sum(q.callers for q in self.queues) * self.replications


@dataclass(frozen=True)
class Bounds:
    notes: list[Finding]
    warnings: list[Finding]
    errors: list[Finding]


def estimate(scenario: Scenario) -> Workload:
    """The expected callers and offered load of ``scenario`` (see the module docstring)."""
    horizon = scenario.horizon
    span = horizon + (scenario.drain_limit if scenario.drain else 0.0)
    online = _ever_online(scenario)
    out = []
    for index, q in enumerate(scenario.queues):
        arrivals = q.callers.arrivals
        if isinstance(arrivals, TraceArrivals):
            first: float = sum(1 for row in arrivals.rows if row.time < horizon)
        elif isinstance(arrivals, RateArrivals):
            first = arrivals.calls_per_hour / 3600.0 * horizon
        else:
            assert isinstance(arrivals, ProfileArrivals)
            first = _profile_callers(arrivals, horizon)
        callers = first * _retry_factor(q.callers, span) if first else 0.0
        refs = _queue_refs(q)
        talk = _mean(q.callers.talk_time)
        if isinstance(arrivals, ProfileArrivals) and first:
            talk *= _profile_callers(arrivals, horizon, scaled_by=talk) / first
        out.append(QueueWork(
            index, q.id, callers, first / horizon, talk,
            sum(1 for ref in refs if ref in online),
            q.callers.patience is not None or q.max_wait_time > 0,
        ))
    return Workload(tuple(out), scenario.replications)


def bounds(
    scenario: Scenario, max_callers: float | None = None, outputs: Collection[str] | None = None
) -> Bounds:
    """Notes, warnings and errors about the size of the run (module docstring). ``outputs``:
    the files to be written (None: all), whose rows per sampling period count too."""
    limit = DEFAULT_MAX_CALLERS if max_callers is None else max_callers
    notes: list[Finding] = []
    warnings: list[Finding] = []
    errors: list[Finding] = []
    horizon = scenario.horizon
    if horizon < MIN_HORIZON:
        errors.append((("horizon",), f"{horizon:g} s is shorter than {MIN_HORIZON:g} s, the shortest horizon simulated"))
    work = estimate(scenario)
    total = work.callers
    reps = scenario.replications
    over = f" over {reps} replications" if reps > 1 else ""
    if total > limit * (1 + 1e-9):  # (rate x time is rarely a whole number in floats)
        errors.append(((), (
            f"the run would simulate about {_count(total)} callers{over}, more than the limit "
            f"of {limit:,.0f}; raise it with --max-callers (max_callers= in acdsim.simulate) "
            "or shorten the horizon"
        )))
    elif total >= NOTE_CALLERS:
        notes.append(((), f"about {_count(total)} callers{over}"))
    # Sampled files have a row per period and queue, however few the callers: a period of a
    # microsecond is work without end too.
    report = scenario.report
    for name, key, period in (("status", "status_interval", report.status_interval), ("intervals", "interval", report.interval)):
        if outputs is not None and name not in outputs:
            continue
        rows = horizon / period * len(scenario.queues) * reps
        if rows > limit * (1 + 1e-9):
            errors.append((("report", key), (
                f"{name}.csv would hold about {_count(rows)} rows (horizon / {key} x queues x "
                f"replications), more than the limit of {limit:,.0f}; raise {key}, leave "
                f"{name} out (--only), or raise the limit with --max-callers"
            )))
    agents = {a.ref: a for a in scenario.all_agents()}
    online = _ever_online(scenario)
    for q, spec in zip(work.queues, scenario.queues, strict=True):
        path = ("queues", q.index)
        never = _never_answered(scenario, spec, agents, online)
        if never:
            warnings.append((path, f"no call of queue {q.id} can ever be answered: {never}"))
        elif not q.bounded_wait and q.agents and q.load > q.agents:
            warnings.append((path, (
                f"queue {q.id} is offered {_num(q.load)} erlangs ({_num(q.rate * 3600)} calls/hour "
                f"x {_num(q.talk)} s mean talk time), {_num(q.load / q.agents)} per agent for its "
                f"{q.agents} agent{'s' if q.agents > 1 else ''}, and nothing ends a wait (no patience, no max_wait_time): the queue grows "
                "without bound"
            )))
    return Bounds(notes, warnings, errors)


def _num(x: float) -> str:
    return f"{x:,.0f}" if x >= 1000 else f"{x:.3g}"


def _count(n: float) -> str:
    return "infinitely many" if math.isinf(n) else f"{n:,.0f}"


def _profile_callers(arrivals: ProfileArrivals, horizon: float, scaled_by: float | None = None) -> float:
    """The expected joins; with ``scaled_by`` (the talk time's mean), each weighted by the
    factor its row's aht puts on the talk time (a forecast's handling times)."""
    steps = arrivals.profile
    total = 0.0
    for i, step in enumerate(steps):
        end = min(steps[i + 1].at if i + 1 < len(steps) else horizon, horizon)
        if end > step.at:
            weight = 1.0 if scaled_by is None or step.aht is None else step.aht / scaled_by
            total += step.calls_per_hour / 3600.0 * (end - step.at) * weight
    return total


def _retry_factor(callers: Callers, span: float) -> float:
    """Joins per first call if every caller abandoned: 1 + p + p^2 + ..., no more retries than
    fit in the run (each takes a patience and a retry delay)."""
    retry, patience = callers.retry, callers.patience
    if retry is None or patience is None or retry.probability <= 0:
        return 1.0
    p = retry.probability
    by_chance = p / (1.0 - p) if p < 1.0 else math.inf
    cycle = _mean(patience) + _mean(retry.delay)
    by_time = span / cycle if cycle > 0 else math.inf
    return 1.0 + min(by_chance, by_time)


def _mean(dist: object) -> float:
    return float(cast(AnyDistribution, dist).mean)  # every distribution the loader admits has one


def _queue_refs(q: Queue) -> list[str]:
    return [f"{kind}/{t.agent_id}" for kind, tiers in (("local", q.agents.local), ("remote", q.agents.remote)) for t in tiers]


def _ever_online(scenario: Scenario) -> set[str]:
    """Agents Available (or On Demand) at t = 0 or set so by the schedule."""
    shifts = {ref for e in scenario.schedule if isinstance(e, Shift) for ref in e.agents}
    online = {
        a.ref for a in scenario.all_agents() if a.status in _ONLINE and a.ref not in shifts
    }
    for entry in scenario.schedule:
        if isinstance(entry, Shift):
            online.update(entry.agents)  # (a shift covering t = 0 starts it Available too)
        elif isinstance(entry, StatusChange) and entry.status in _ONLINE:
            online.add(entry.agent)
    return online


def _never_answered(
    scenario: Scenario, q: Queue, agents: dict[str, LocalAgent | RemoteAgent], online: set[str]
) -> str:
    """Why no call of queue ``q`` can be answered, or '' if some can."""
    refs = _queue_refs(q)
    if not refs:
        return "the queue has no agents (no tier)"
    live = [ref for ref in refs if ref in online]
    if not live:
        return "none of its agents is ever logged in (status available or available_on_demand)"
    for ref in live:
        agent = agents[ref]
        if _can_answer(scenario.behaviors[agent.behavior], agent.call_timeout):
            return ""
    names = ", ".join(dict.fromkeys(agents[ref].behavior for ref in live))
    return (
        f"every agent's behavior ({names}) fails every offer (p_no_answer + p_reject + p_busy "
        "= 1, or an answer_time never under call_timeout)"
    )


def _can_answer(b: Behavior, call_timeout: float) -> bool:
    if b.p_no_answer + b.p_reject + b.p_busy >= 1.0 - 1e-12:
        return False
    answer = b.answer_time
    if isinstance(answer, Constant):
        return answer.value < call_timeout
    if isinstance(answer, Uniform):
        return answer.low < call_timeout
    return True
