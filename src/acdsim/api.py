"""The Python API for notebooks: load a scenario, simulate it, get pandas DataFrames.

    import acdsim
    sc = acdsim.load_scenario("scenarios/quickstart.yaml")
    result = acdsim.simulate(sc, seed=1, replications=5)
    result.calls.groupby("outcome").size()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import chain
from pathlib import Path
from typing import Any

import pandas as pd

from .engine.records import NullRecorder
from .model import Scenario
from .output.columns import ChunkedTable, TableSink
from .output.events import EVENT_COLUMNS
from .output.files import CALL_COLUMNS, OFFER_COLUMNS, call_columns
from .output.frames import typed_frame
from .output.intervals import INTERVAL_COLUMNS
from .output.summary import build_summary
from .runner import (
    AGENT_COLUMNS,
    AGENT_PAUSE_COLUMNS,
    AGENT_STATE_COLUMNS,
    FILES,
    STATUS_COLUMNS,
    run_replication,
)


class _Table(TableSink):
    """A table kept in memory column by column, from the same chunks the CSV files get."""

    def __init__(self, derive: Any = None) -> None:
        self.columns: list[list[Any]] = []
        self.table = ChunkedTable(self._take, derive)
        self.append = self.table.append
        self.row = self.table.row

    def _take(self, columns: list[Any], n: int) -> None:
        if not self.columns:
            self.columns = [[] for _ in columns]
        for kept, chunk in zip(self.columns, columns, strict=True):
            kept.extend(chunk)


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, text: str) -> None:
        self.lines.append(text)


class _Records(NullRecorder):
    """calls and offers, kept column-wise (the replication first)."""

    def __init__(self, scenario: Scenario) -> None:
        self.start = scenario.start
        # (joined_datetime kept as joined_at's seconds: the frame makes them clock times in bulk)
        self.calls = _Table(lambda fields, n: call_columns(fields, fields[3]))
        self.offers = _Table()
        self.call = self.calls.append  # type: ignore[method-assign, assignment]
        self.offer = self.offers.append  # type: ignore[method-assign, assignment]
        self._replication = 0

    @property
    def replication(self) -> int:
        return self._replication

    @replication.setter
    def replication(self, k: int) -> None:
        self._replication = k
        self.calls.prefix = self.offers.prefix = (k,)

    def flush(self) -> None:
        self.calls.flush()
        self.offers.flush()


class MemoryOutputs:
    """The same sinks as the files of ``acdsim run``, kept in memory (``wanted``: the tables
    to keep, as ``--only`` names them; None: all)."""

    def __init__(self, scenario: Scenario, wanted: Iterable[str] | None = None) -> None:
        keep = set(FILES if wanted is None else wanted)
        self.reps = True
        self.calls_offers = _Records(scenario) if keep & {"calls", "offers"} else None
        self.agents = _Table() if "agents" in keep else None
        self.status = _Table() if "status" in keep else None
        # Result.interval_summary is computed from the intervals table.
        self.intervals = _Table() if keep & {"intervals", "intervals_summary"} else None
        self.agent_states = _Table() if "agent_states" in keep else None
        self.agent_pauses = _Table() if "agent_pauses" in keep else None
        self.events = _Lines() if "agent_events" in keep else None

    def tables(self) -> dict[str, list[Any]]:
        """The columns kept, by table name (events as lines)."""
        records = self.calls_offers
        return {
            "calls": records.calls.columns if records is not None else [],
            "offers": records.offers.columns if records is not None else [],
            "agents": self.agents.columns if self.agents is not None else [],
            "status": self.status.columns if self.status is not None else [],
            "intervals": self.intervals.columns if self.intervals is not None else [],
            "agent_states": self.agent_states.columns if self.agent_states is not None else [],
            "agent_pauses": self.agent_pauses.columns if self.agent_pauses is not None else [],
            "agent_events": self.events.lines if self.events is not None else [],
        }


def _replication_tables(scenario: Scenario, k: int, wanted: tuple[str, ...] | None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Replication ``k``: its KPIs and its table rows (run in this process or a worker)."""
    out = MemoryOutputs(scenario, wanted)
    return run_replication(scenario, k, out), out.tables()


def _replication_tables_json(text: str, k: int, wanted: tuple[str, ...] | None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    from .planning.parallel import scenario_from_json

    return _replication_tables(scenario_from_json(text), k, wanted)


@dataclass(frozen=True)
class Result:
    """Everything one ``simulate`` call produced; every frame has a ``replication`` column."""

    scenario: Scenario
    summary: dict[str, Any]
    calls: pd.DataFrame
    offers: pd.DataFrame
    agents: pd.DataFrame
    status: pd.DataFrame
    intervals: pd.DataFrame
    agent_events: pd.DataFrame
    agent_states: pd.DataFrame
    agent_pauses: pd.DataFrame

    def __repr__(self) -> str:
        from .planning.overview import result_overview

        return result_overview(self)

    @cached_property
    def interval_summary(self) -> pd.DataFrame:
        """Per queue and report interval: the mean and CI95 half-width over the replications of
        offered, answered, abandoned, service level, ASA, mean wait, abandon rate and logged-in
        agents (the columns of intervals_summary.csv, docs/metrics.md)."""
        from .planning.intervals import interval_summary_frame

        return interval_summary_frame(self.scenario, self.intervals)


def _source_name(source: Any) -> str:
    if isinstance(source, Mapping):
        return str(source.get("name") or "<data>")
    text = str(source)
    return "<string>" if "\n" in text else text


def simulate(
    scenario: Scenario | str | Path | Mapping[str, Any],
    *,
    seed: int | None = None,
    replications: int | None = None,
    timing: str | None = None,
    horizon: float | None = None,
    only: Iterable[str] | None = None,
    jobs: int | None = 1,
    scheduler: Any = None,
    allow_paths: Sequence[str | Path] = (),
    max_callers: int | None = None,
) -> Result:
    """Simulate ``scenario`` (a Scenario, or a path, YAML text or dict as ``load_scenario``
    reads them) and return its records as DataFrames.

    ``only`` keeps just these tables (names as ``acdsim run --only``; the others are empty
    frames with their columns): ``only=["summary"]`` keeps memory flat. Replications run in
    ``jobs`` local processes (None: all cores) or on a Dask ``scheduler`` (an address or a
    Client); the result is the same wherever they run.

    ``allow_paths``: folders outside the scenario's own whose data files it may read.
    Raises ``ScenarioError`` when the run is refused before it starts (more callers than
    ``max_callers``, default 20,000,000 over all replications; a horizon out of range:
    docs/limits.md) and ``NoProgressError`` when it stops making progress."""
    source = scenario.title if isinstance(scenario, Scenario) else _source_name(scenario)
    if not isinstance(scenario, Scenario):
        from .planning.scenarios import load_scenario

        scenario = load_scenario(scenario, allow_paths=allow_paths)
    scenario = with_overrides(scenario, seed=seed, replications=replications, timing=timing, horizon=horizon)
    refuse_oversized(source, scenario, max_callers)
    wanted = _wanted(only)
    from .planning.parallel import run_tasks
    from .runner import default_jobs

    done: dict[int, tuple[dict[str, Any], dict[str, list[Any]]]] = {}
    run_tasks(
        [scenario], [(0, k) for k in range(scenario.replications)],
        lambda task, result: done.__setitem__(task[1], result),
        jobs=default_jobs() if jobs is None else jobs, scheduler=scheduler,
        worker=partial(_replication_tables_json, wanted=wanted),
        local=partial(_replication_tables, wanted=wanted),
    )
    per_rep = [done[k][0] for k in range(scenario.replications)]
    reps = scenario.replications

    def frame(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
        return _frame([done[k][1].get(name, []) for k in range(reps)], ("replication", *columns), scenario.start)

    import json

    lines = [json.loads(line) for k in range(reps) for line in done[k][1]["agent_events"]]
    events = typed_frame({name: [e.get(name, 0) for e in lines] for name in ("replication", *EVENT_COLUMNS)})
    return Result(
        scenario=scenario,
        summary=build_summary(scenario, per_rep),
        calls=frame("calls" if "calls" in wanted else "none", CALL_COLUMNS),
        offers=frame("offers" if "offers" in wanted else "none", OFFER_COLUMNS),
        agents=frame("agents", AGENT_COLUMNS),
        status=frame("status", STATUS_COLUMNS),
        intervals=frame("intervals", INTERVAL_COLUMNS),
        agent_events=events,
        agent_states=frame("agent_states", AGENT_STATE_COLUMNS),
        agent_pauses=frame("agent_pauses", AGENT_PAUSE_COLUMNS),
    )


def _frame(parts: list[list[list[Any]]], names: tuple[str, ...], start: Any = None) -> pd.DataFrame:
    """One DataFrame from the replications' columns (each a list of columns, or empty); the
    replication column is added when the rows have none (one replication). Typed by column
    name (output/frames.py): categorical words, int64 counts, datetime64 joined_datetime."""
    parts = [p for p in parts if p]
    if not parts:
        return typed_frame({name: [] for name in names}, start)
    columns = [list(chain.from_iterable(p[i] for p in parts)) for i in range(len(parts[0]))]
    if len(columns) == len(names) - 1:
        columns.insert(0, [0] * len(columns[0]))
    return typed_frame(dict(zip(names, columns, strict=True)), start)


def _wanted(only: Iterable[str] | None) -> tuple[str, ...]:
    if only is None:
        return FILES
    names = [only] if isinstance(only, str) else list(only)
    unknown = [n for n in names if n not in FILES]
    if unknown:
        raise ValueError(f"only: {', '.join(map(repr, unknown))} not among {', '.join(FILES)}")
    return tuple(n for n in FILES if n in names or n == "summary")


def refuse_oversized(source: str, scenario: Scenario, max_callers: int | None) -> None:
    """ScenarioError naming ``source`` if the run is refused for its size (model/workload.py)."""
    from .errors import Problem, ScenarioError
    from .model.workload import bounds

    errors = bounds(scenario, max_callers).errors
    if errors:
        raise ScenarioError([Problem(source, None, path, message) for path, message in errors])


def with_overrides(scenario: Scenario, **updates: Any) -> Scenario:
    """A copy of ``scenario`` with top-level values replaced (checked like the file's)."""
    given = {k: v for k, v in updates.items() if v is not None}
    if not given:
        return scenario
    data = {name: getattr(scenario, name) for name in ("seed", "replications", "timing", "horizon")}
    data.update(given)
    checked = _TopLevel.model_validate(data)
    return scenario.model_copy(update=checked.model_dump())


def _top_level_model() -> Any:
    from pydantic import create_model

    fields = {name: (Scenario.model_fields[name].annotation, Scenario.model_fields[name]) for name in
              ("seed", "replications", "timing", "horizon")}
    return create_model("TopLevel", __config__=Scenario.model_config, **fields)  # type: ignore[call-overload]


_TopLevel = _top_level_model()
