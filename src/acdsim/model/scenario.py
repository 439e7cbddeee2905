"""The whole scenario (format version 1) and the checks that span several objects."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PrivateAttr, ValidationInfo, WithJsonSchema, model_validator

from ..units import parse_duration
from .agents import Agents, Behavior, LocalAgent, RemoteAgent
from .common import Duration, Seq, Strict, field
from .frozen import FrozenDict, FrozenMap
from .limits import INT64_MAX, LAST_DATETIME_TEXT, MAX_REPLICATIONS
from .pools import Pool, agent_key, appended, change_key, expand_pool, pool_problems, tier_key
from .queue import Queue
from .schedule import ScheduleEntry, parse_ref
from .traffic import profile_order_problem

DEFAULT_START = dt.datetime(2026, 1, 1, 0, 0, 0)


def _parse_start(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a datetime (expected \"YYYY-MM-DD HH:MM:SS\")")


Start = Annotated[
    dt.datetime,
    BeforeValidator(_parse_start),
    WithJsonSchema({"type": "string", "description": "YYYY-MM-DD HH:MM:SS"}),
]


class Report(Strict):
    service_level_threshold: Duration = field(
        20.0, description="callers answered within this wait count towards the service level", unit="s"
    )
    status_interval: Duration = field(
        60.0, description="how often the queue status is sampled (status.csv)", unit="s", gt=0
    )
    interval: Duration = field(
        900.0, description="length of one row of the interval report (intervals.csv)", unit="s", gt=0
    )


class Scenario(Strict):
    acdsim: Literal[1] = field(1, description="format version of the scenario file; must be 1")
    name: str | None = field(None, description="title used in reports and in the default output folder out/<name>; default: the file name without extension")
    seed: int = field(0, description="base random seed; the same seed gives byte-identical outputs (each replication and each random stream gets its own seed derived from it)", ge=0, le=INT64_MAX)
    start: Start = field(DEFAULT_START, description="wall-clock time of simulated t = 0, \"YYYY-MM-DD HH:MM:SS\" (used for joined_datetime and other datetime columns)")
    horizon: Duration = field(description="length of the simulated traffic: arrivals are generated in [0, horizon)", unit="s", gt=0)
    drain: bool = field(
        True, description="after the horizon, keep simulating (no new arrivals) until every caller has left; false cuts at the horizon and reports who is still waiting (outcome in_queue) or talking"
    )
    drain_limit: Duration = field(
        86400.0, description="a draining run stops this long after the horizon at the latest (callers may wait forever); callers still waiting are reported in_queue, calls still talking as answered with an empty left_at", unit="s"
    )
    warmup: Duration = field(
        0.0, description="callers who join before this time are simulated but left out of the statistics", unit="s"
    )
    replications: int = field(1, description="number of independent runs with derived seeds; with more than one, summary numbers are means with a 95% confidence interval", ge=1, le=MAX_REPLICATIONS)
    timing: Literal["pbx", "continuous"] = field(
        "pbx", description="pbx: the queue module's clock (whole seconds, a dispatch pass every 0.1 s, timeouts checked every 0.5 s); continuous: an idealised ACD where every change dispatches at once and timers are exact"
    )
    report: Report = field(Report(), description="report settings (service level threshold, sampling intervals)")
    queues: Seq[Queue] = field(description="the queue extensions, at least one", min_length=1)
    agents: Agents = field(description="the agents: {local: [...], remote: [...]}; local and remote ids are separate spaces")
    behaviors: FrozenDict[str, Behavior] = field(
        {"default": Behavior()}, description="named behaviors (how an agent answers offered calls), referred to by an agent's behavior; 'default' always exists"
    )
    schedule: Seq[ScheduleEntry] = field((), description="status changes at given times and shifts")
    pools: Seq[Pool] = field((), description="agent pools: N interchangeable agents declared once ({name, type, first_id, agent, tiers, staffing}); expanded into agents, tiers and schedule entries (appended after the listed ones)")

    _base_dir: str | None = PrivateAttr(None)
    # How many entries at the end of agents.local/remote, of each queue's tiers and of the
    # schedule the pools added: to_dict leaves them out (the pools stand for them).
    _pool_parts: dict[str, Any] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Scenario:
        if "default" not in self.behaviors or not isinstance(self.behaviors, FrozenMap):
            # Also freezes the default value, which pydantic hands over as the (shared) dict.
            object.__setattr__(self, "behaviors", FrozenMap({"default": Behavior(), **self.behaviors}))
        base = (info.context or {}).get("base_dir")
        private = self.__pydantic_private__
        assert private is not None
        private["_base_dir"] = None if base is None else os.path.abspath(base)
        if self.pools and private.get("_pool_parts") is None:
            self._expand_pools()
        if (info.context or {}).get("skip_references"):
            return self
        problems = reference_problems(
            self.without_pools(self.model_dump(by_alias=True)), self.pool_check() if self.pools else None
        )
        if problems:
            raise ValueError("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))
        return self

    def _expand_pools(self) -> None:
        """Append the pools' agents, tiers and status changes to the ordinary fields."""
        added: dict[str, list[Any]] = {"local": [], "remote": []}
        tiers: dict[int, dict[str, list[Any]]] = {}
        changes: list[Any] = []
        for pool in self.pools:
            agents, pool_tiers, pool_changes = expand_pool(pool)
            added[pool.type].extend(agents)
            for qid, rows in pool_tiers.items():
                tiers.setdefault(qid, {"local": [], "remote": []})[pool.type].extend(rows)
            changes.extend(pool_changes)
        object.__setattr__(self, "agents", self.agents.model_copy(update={
            kind: appended(getattr(self.agents, kind), added[kind], agent_key) for kind in ("local", "remote")
        }))
        queues = []
        queue_parts = []
        for q in self.queues:
            extra = tiers.get(q.id, {"local": [], "remote": []})
            queue_parts.append({kind: len(extra[kind]) for kind in ("local", "remote")})
            if extra["local"] or extra["remote"]:
                q = q.model_copy(update={"agents": q.agents.model_copy(update={
                    kind: appended(getattr(q.agents, kind), extra[kind], tier_key) for kind in ("local", "remote")
                })})
            queues.append(q)
        object.__setattr__(self, "queues", tuple(queues))
        object.__setattr__(self, "schedule", appended(self.schedule, changes, change_key))
        private = self.__pydantic_private__
        assert private is not None
        private["_pool_parts"] = {
            "agents": {kind: len(added[kind]) for kind in ("local", "remote")},
            "queues": queue_parts,
            "schedule": len(changes),
        }

    def pool_spans(self) -> list[tuple[str, int, int]]:
        """``(kind, first_id, number of agents)`` of each pool, in order."""
        return [(pool.type, pool.first_id, pool.size()) for pool in self.pools]

    def pool_check(self) -> PoolCheck:
        """What :func:`reference_problems` needs to check the pools: their spans, the ids of
        the other agents, and the tiers a pool adds for an agent its queue lists already."""
        twice = []
        for qi, q in enumerate(self.queues):
            for kind in ("local", "remote"):
                seen: set[int] = set()
                for tier in getattr(q.agents, kind):
                    if tier.agent_id in seen:
                        twice.append((qi, kind, tier.agent_id))
                    seen.add(tier.agent_id)
        return self.pool_spans(), self.listed_agent_ids(), twice

    def listed_schedule_length(self) -> int:
        """How many schedule entries come first, before those the pools added."""
        return len(self.schedule) - (self._pool_parts or {"schedule": 0})["schedule"]

    def listed_agent_ids(self) -> dict[str, set[int]]:
        """The ids of the agents not added by pools, by kind."""
        parts = self._pool_parts or {"agents": {"local": 0, "remote": 0}}
        out: dict[str, set[int]] = {}
        for kind in ("local", "remote"):
            agents = getattr(self.agents, kind)
            out[kind] = {a.id for a in agents[: len(agents) - parts["agents"][kind]]}
        return out

    def without_pools(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` (this scenario dumped) without what the pools added: the pools stand for it."""
        parts = self._pool_parts
        if not parts:
            return data

        def cut(node: dict[str, Any], key: str, n: int) -> None:
            items = node.get(key)
            if n and isinstance(items, list):
                if len(items) > n:
                    node[key] = items[: len(items) - n]
                else:
                    del node[key]  # (the default: none)

        agents = data.get("agents")
        if isinstance(agents, dict):
            for kind, n in parts["agents"].items():
                cut(agents, kind, n)
        for q, counts in zip(data.get("queues") or [], parts["queues"], strict=False):
            tiers = q.get("agents") if isinstance(q, dict) else None
            if isinstance(tiers, dict):
                for kind, n in counts.items():
                    cut(tiers, kind, n)
                if not tiers:
                    del q["agents"]
        cut(data, "schedule", parts["schedule"])
        return data

    @property
    def title(self) -> str:
        return self.name or "scenario"

    @property
    def base_dir(self) -> str | None:
        """The folder that relative trace and empirical files resolve against (absolute)."""
        return self._base_dir

    def __repr__(self) -> str:
        from ..planning.overview import scenario_overview

        return scenario_overview(self)

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        # The folder a scenario came from is where it was read, not what it is.
        if not isinstance(other, Scenario):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Scenario:
        """A copy; with ``update``, a VALIDATED one (``acdsim.override`` of top-level keys).

        Pydantic's own ``model_copy(update=...)`` stores the values unchecked; here a bad value
        raises :class:`~acdsim.ScenarioError` instead of crashing the engine later.
        """
        if not update:
            return super().model_copy(deep=deep)
        from ..planning.scenarios import override

        return override(self, update)

    def to_dict(self, *, exclude_defaults: bool = False) -> dict[str, Any]:
        """The scenario as plain data (what a YAML file holds): durations in seconds, trace and
        empirical files by name. ``acdsim.load_scenario(sc.to_dict()) == sc``."""
        from ..planning.scenarios import to_dict

        return to_dict(self, exclude_defaults=exclude_defaults)

    def to_yaml(self, *, exclude_defaults: bool = True) -> str:
        """The scenario as YAML text, loadable by ``acdsim run`` (defaults left out)."""
        from ..planning.scenarios import to_yaml

        return to_yaml(self, exclude_defaults=exclude_defaults)

    def all_agents(self) -> tuple[LocalAgent | RemoteAgent, ...]:
        return (*self.agents.local, *self.agents.remote)


Path_ = tuple[str | int, ...]
PoolCheck = tuple[list[tuple[str, int, int]], dict[str, set[int]], list[tuple[int, str, int]]]

LAST_DATETIME = dt.datetime.fromisoformat(LAST_DATETIME_TEXT)
"""The last wall-clock time the datetime columns can write."""


def _date_problems(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """``start`` plus the simulated time (horizon, and drain_limit when draining) must stay
    within the year 9999, the last a datetime column can write."""
    try:
        start = _parse_start(data.get("start", DEFAULT_START)).replace(tzinfo=None)
        horizon = parse_duration(data["horizon"])
        drain = data.get("drain", True)
        limit = parse_duration(data.get("drain_limit", 86400.0)) if drain is not False else 0.0
    except (KeyError, ValueError, TypeError, OverflowError):
        return []  # their own errors are reported
    span = dt.timedelta(seconds=horizon + limit)
    if start <= LAST_DATETIME - span:
        return []
    latest = (LAST_DATETIME - span).strftime("%Y-%m-%d %H:%M:%S")
    what = "horizon + drain_limit" if limit else "horizon"
    return [(
        ("start",),
        f"start + {what} ({horizon + limit:g} s) ends after {LAST_DATETIME:%Y-%m-%d %H:%M:%S}, "
        f"the last datetime the outputs can write: start at {latest} at the latest",
    )]




def reference_problems(data: Any, pools: PoolCheck | None = None) -> list[tuple[Path_, str]]:
    """Cross-object checks on raw (or dumped) scenario data; tolerant of malformed parts.

    Runs on the raw mapping so that they are reported together with field errors.
    ``pools``: the (validated) pools' :meth:`Scenario.pool_spans` and the ids of the agents
    they did not add (:meth:`Scenario.listed_agent_ids`); when the raw data has pools but
    they could not be validated, references are not checked.
    """
    problems: list[tuple[Path_, str]] = []
    if not isinstance(data, dict):
        return problems
    problems.extend(_date_problems(data))
    ids: dict[str, set[int]] = {"local": set(), "remote": set()}
    behaviors_raw = data.get("behaviors")
    behaviors = set(behaviors_raw) if isinstance(behaviors_raw, dict) else set()
    behaviors.add("default")
    behaviors_readable = behaviors_raw is None or isinstance(behaviors_raw, dict)
    agents = data.get("agents")
    # A kind whose list could not be read completely is not checked for dangling references:
    # its own error is reported, and "agent N is not defined" would only repeat it.
    readable = {"local": isinstance(agents, dict), "remote": isinstance(agents, dict)}
    if isinstance(agents, dict):
        for kind in ("local", "remote"):
            entries = agents.get(kind, [])
            if not isinstance(entries, list | tuple):
                readable[kind] = False
                continue
            for i, agent in enumerate(entries):
                if not isinstance(agent, dict):
                    readable[kind] = False
                    continue
                agent_id = agent.get("id")
                if not isinstance(agent_id, int) or isinstance(agent_id, bool):
                    readable[kind] = False
                else:
                    if agent_id in ids[kind]:
                        problems.append(((("agents", kind, i, "id")), f"duplicate {kind} agent id {agent_id}"))
                    ids[kind].add(agent_id)
                behavior = agent.get("behavior", "default")
                if behaviors_readable and isinstance(behavior, str) and behavior not in behaviors:
                    known = ", ".join(sorted(behaviors))
                    problems.append(
                        (("agents", kind, i, "behavior"), f"unknown behavior {behavior!r} (defined: {known})")
                    )
    pooled: dict[str, set[int]] = {"local": set(), "remote": set()}
    if data.get("pools"):
        if pools is None:
            readable = {"local": False, "remote": False}
        else:
            pool_spans, listed, twice = pools
            problems.extend(pool_problems(data, pool_spans, listed))
            for qi, kind, agent_id in twice:
                problems.append((("queues", qi, "agents", kind), f"{kind} agent {agent_id} is in this queue twice: listed here and through a pool"))
            for kind, first, size in pool_spans:
                pooled[kind].update(range(first, first + size))
    queues = data.get("queues")
    if isinstance(queues, list | tuple):
        seen_queues: set[int] = set()
        for qi, queue in enumerate(queues):
            if not isinstance(queue, dict):
                continue
            callers = queue.get("callers")
            arrivals = callers.get("arrivals") if isinstance(callers, dict) else None
            if isinstance(arrivals, dict) and "calls_per_hour" not in arrivals:
                message = profile_order_problem(arrivals.get("profile"))
                if message:
                    problems.append((("queues", qi, "callers", "arrivals", "profile"), message))
            qid = queue.get("id")
            if isinstance(qid, int) and not isinstance(qid, bool):
                if qid in seen_queues:
                    problems.append((("queues", qi, "id"), f"duplicate queue id {qid}"))
                seen_queues.add(qid)
            tiers = queue.get("agents")
            if not isinstance(tiers, dict):
                continue
            for kind in ("local", "remote"):
                entries = tiers.get(kind)
                if not isinstance(entries, list | tuple):
                    continue
                in_queue: set[int] = set()
                for ti, tier in enumerate(entries):
                    if not isinstance(tier, dict):
                        continue
                    agent_id = tier.get("agent_id")
                    if not isinstance(agent_id, int) or isinstance(agent_id, bool):
                        continue
                    if agent_id in pooled[kind]:
                        continue  # (the pool's own tiers are checked with the pool)
                    path: Path_ = ("queues", qi, "agents", kind, ti, "agent_id")
                    if readable[kind] and agent_id not in ids[kind]:
                        problems.append((path, f"{kind} agent {agent_id} is not defined in agents.{kind}"))
                    if agent_id in in_queue:
                        problems.append((path, f"{kind}/{agent_id} is already in this queue"))
                    in_queue.add(agent_id)
    schedule = data.get("schedule")
    if isinstance(schedule, list | tuple):
        for si, entry in enumerate(schedule):
            if not isinstance(entry, dict):
                continue
            if "agent" in entry:
                refs: list[tuple[Path_, Any]] = [(("schedule", si, "agent"), entry["agent"])]
            else:
                raw = entry.get("agents")
                refs = (
                    [(("schedule", si, "agents", k), r) for k, r in enumerate(raw)]
                    if isinstance(raw, list | tuple)
                    else []
                )
            for path, ref in refs:
                parsed = parse_ref(ref)  # a malformed one has its own problem
                if parsed and parsed[1] in pooled[parsed[0]]:
                    continue
                if parsed and readable[parsed[0]] and parsed[1] not in ids[parsed[0]]:
                    problems.append((path, f"agent {ref} is not defined in agents.{parsed[0]}"))
    return problems

