"""The staffing problem: the pool, the intervals, the offered load and the Erlang answers.

The scenario is prepared once: its report interval becomes the staffing interval and its
service-level threshold the target's, and every forecast file is written inline (its rows
as a profile), so that a candidate staffing is an in-memory override that reads no file,
and ``staffed.yaml`` can live in another folder. A candidate's scenario has the pool's
staffing as one step per interval and, for the forward pass, a horizon cut after the last
interval it needs (callers who joined before are still served to the end: ``drain``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from ...erlang import erlang_a
from ...erlang.staffing import _smallest_meeting, agents_for_asa, agents_for_service_level
from ...errors import ScenarioError
from ...model import Scenario
from ...model.traffic import ProfileArrivals, RateArrivals, TraceArrivals
from ..scenarios import override
from .targets import Targets


@dataclass(frozen=True)
class Interval:
    """One staffing interval: its start and end (s from `start`), the mean offered calls of
    the pool's queues, their AHT (talk + wrap-up + ringing) and the Erlang answers."""

    index: int
    start: float
    end: float
    offered: float
    aht: float
    erlang_c: int
    erlang_a: int


@dataclass(frozen=True)
class Problem:
    base: Scenario  # prepared: report interval and threshold set, profiles inline
    pool: int  # index in base.pools
    pool_name: str
    length: float  # interval length, s
    intervals: tuple[Interval, ...]
    targets: Targets
    patience: float | None  # mean patience (Erlang A), None: Erlang C only
    ring: float = 0.0  # mean ringing time, s (in the AHT, not in the pool's busy time)
    label: str = "targets"  # what error lines name (the scenario file)

    @property
    def count(self) -> int:
        return len(self.intervals)

    def scenario(self, staffing: Sequence[int], upto: int | None = None, seed: int | None = None,
                 replications: int | None = None) -> Scenario:
        """The base scenario with the pool at ``staffing`` (one value per interval), cut after
        interval ``upto - 1`` when given."""
        upto = self.count if upto is None else upto
        changes: dict[str, Any] = {
            f"pools[{self.pool}].staffing": [
                {"at": iv.start, "agents": int(n)} for iv, n in zip(self.intervals[:upto], staffing, strict=False)
            ],
        }
        if upto < self.count:
            changes["horizon"] = self.intervals[upto - 1].end
        if seed is not None:
            changes["seed"] = seed
        if replications is not None:
            changes["replications"] = replications
        return override(self.base, changes)


def find_pool(scenario: Scenario, name: str | None, label: str) -> int:
    pools = scenario.pools
    if not pools:
        raise ScenarioError.single(label, "the scenario has no pool: staffing by simulation sets a pool's staffing (docs/planning.md)")
    names = [p.name for p in pools]
    if name is None:
        if len(pools) > 1:
            raise ScenarioError.single("--pool", f"the scenario has {len(pools)} pools: name one ({', '.join(names)})")
        return 0
    if name not in names:
        raise ScenarioError.single("--pool", f"no pool named {name!r} (pools: {', '.join(names)})")
    return names.index(name)


def build_problem(scenario: Scenario, pool: str | None, targets: Targets, length: float, label: str) -> Problem:
    index = find_pool(scenario, pool, label)
    spec = scenario.pools[index]
    problems = []
    if not length > 0:
        problems.append(f"--interval: must be above 0, got {length:g}")
    elif abs(scenario.horizon / length - round(scenario.horizon / length)) > 1e-9 or round(scenario.horizon / length) < 1:
        problems.append(
            f"--interval: {length:g} s does not divide the horizon ({scenario.horizon:g} s) into whole intervals"
        )
    elif scenario.horizon / length > 10_000:
        problems.append(f"--interval: {length:g} s makes more than 10,000 intervals")
    served = {t.queue for t in spec.tiers}
    queues = [(i, q) for i, q in enumerate(scenario.queues) if q.id in served]
    if not queues:
        problems.append(f"pool {spec.name!r} serves no queue (its tiers are empty)")
    for _, q in queues:
        if isinstance(q.callers.arrivals, TraceArrivals):
            problems.append(f"queue {q.id}: staffing needs a forecast (calls_per_hour or profile), not a trace")
    if problems:
        raise ScenarioError.single(label, "; ".join(problems))
    count = round(scenario.horizon / length)
    changes: dict[str, Any] = {
        "report.interval": length, "report.service_level_threshold": targets.threshold, "replications": 1,
    }
    for i, q in queues:
        arrivals = q.callers.arrivals
        if isinstance(arrivals, ProfileArrivals) and arrivals.file is not None:
            changes[f"queues[{i}].callers.arrivals"] = {"profile": [
                {k: v for k, v in (("at", s.at), ("calls_per_hour", s.calls_per_hour), ("aht", s.aht)) if v is not None}
                for s in arrivals.profile
            ]}
    base = override(scenario, changes)
    patience = _patience(base, [q for _, q in queues])
    behavior = base.behaviors[spec.agent.behavior]
    ring = min(float(cast(Any, behavior.answer_time).mean), float(spec.agent.call_timeout))
    extra = float(spec.agent.wrap_up_time) + ring
    intervals = []
    for k in range(count):
        start, end = k * length, (k + 1) * length
        calls, talk = 0.0, 0.0
        for _, q in queues:
            c, t = _offered(q, start, end)
            calls, talk = calls + c, talk + t
        aht = (talk / calls if calls > 0 else 0.0) + extra
        try:
            erl_c = erlang_agents(calls, length, aht, targets, None)
            erl_a = erlang_agents(calls, length, aht, targets, patience) if patience is not None else erl_c
        except ValueError as exc:  # a load past the formulas' range, a target they cannot reach
            raise ScenarioError.single(label, f"interval {k} (from {start:g} s): Erlang: {exc}") from None
        intervals.append(Interval(k, start, end, calls, aht, erl_c, erl_a))
    return Problem(base, index, spec.name, length, tuple(intervals), targets, patience, ring, label)


def _patience(scenario: Scenario, queues: list[Any]) -> float | None:
    means = [float(q.callers.patience.mean) for q in queues if q.callers.patience is not None]
    return sum(means) / len(means) if means else None


def _offered(queue: Any, start: float, end: float) -> tuple[float, float]:
    """Mean calls joining in [start, end) and their total talk time (forecast aht scaling)."""
    arrivals = queue.callers.arrivals
    talk_mean = float(cast(Any, queue.callers.talk_time).mean)
    if isinstance(arrivals, RateArrivals):
        calls = arrivals.calls_per_hour / 3600.0 * (end - start)
        return calls, calls * talk_mean
    assert isinstance(arrivals, ProfileArrivals)
    steps = arrivals.profile
    calls = talk = 0.0
    for i, step in enumerate(steps):
        a = max(step.at, start)
        b = min(steps[i + 1].at if i + 1 < len(steps) else math.inf, end)
        if b > a:
            n = step.calls_per_hour / 3600.0 * (b - a)
            calls += n
            talk += n * (float(step.aht) if step.aht is not None else talk_mean)
    return calls, talk


def erlang_agents(calls: float, length: float, aht: float, targets: Targets, patience: float | None) -> int:
    """The fewest agents for every target by Erlang C (``patience`` None; an abandonment
    target is then left out: Erlang C has none) or Erlang A, as if the interval were
    stationary: ``calls`` in ``length`` seconds, ``aht`` seconds each."""
    if calls <= 0 or aht <= 0:
        return 0
    cph = calls * 3600.0 / length
    load = cph * aht / 3600.0
    cap = int(10 * load + 100 * math.sqrt(load) + 1000)
    need = 0
    if targets.service_level is not None:
        need = max(need, agents_for_service_level(cph, aht, targets.service_level, targets.threshold, patience))
    if targets.asa is not None:
        need = max(need, agents_for_asa(cph, aht, targets.asa, patience))
    if targets.abandon_rate is not None and patience is not None:
        bound = targets.abandon_rate
        need = max(need, _smallest_meeting(
            lambda n: erlang_a(cph, aht, n, patience, targets.threshold).p_abandon <= bound,
            1, cap, f"an abandon rate of {bound:g}",
        ))
    if targets.occupancy is not None:
        occ = targets.occupancy
        if patience is None:
            need = max(need, math.ceil(load / occ - 1e-12))
        else:
            need = max(need, _smallest_meeting(
                lambda n: erlang_a(cph, aht, n, patience, targets.threshold).occupancy <= occ,
                1, cap, f"an occupancy of {occ:g}",
            ))
    return need


def erlang_figures(load: float, aht: float, agents: int, threshold: float, patience: float | None) -> dict[str, float]:
    """Erlang A (C without patience) at ``load`` erlangs and ``agents``: the figures a target
    can bound (abandon rate 0 under Erlang C; an unstable Erlang C has SL 0, ASA infinite)."""
    from ...erlang import mmc

    if agents <= 0 or load <= 0 or aht <= 0:
        return {"service_level": 0.0 if load > 0 else 1.0, "abandon_rate": 1.0 if load > 0 else 0.0,
                "asa": math.inf if load > 0 else 0.0, "occupancy": 1.0 if load > 0 else 0.0}
    cph = load * 3600.0 / aht
    if patience is None:
        c = mmc(cph, aht, agents, threshold)
        return {"service_level": c.service_level, "abandon_rate": 0.0, "asa": c.asa,
                "occupancy": min(1.0, load / agents)}
    a = erlang_a(cph, aht, agents, patience, threshold)
    return {"service_level": a.service_level("offered"), "abandon_rate": a.p_abandon, "asa": a.asa_answered,
            "occupancy": a.occupancy}
