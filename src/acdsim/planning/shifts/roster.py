"""``acdsim.shifts(staffing, lengths=[...])``: the roster of minimum paid hours, as data.

Reads the inputs (parse.py), builds and solves the integer program (model.py) and holds the
result: the shifts, the coverage per interval, the paid and required hours, and the
scenario whose pool follows the roster (``rostered``), when a scenario is known.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import Problem, ScenarioError
from .model import Column, Solution, break_choices, build_columns, coverage_matrix, solve
from .parse import (
    BreakRule,
    Interval,
    Staffing,
    parse_breaks,
    parse_lengths,
    parse_moment,
    parse_step,
    problem,
    read_staffing,
)

SCENARIO_BESIDE = "staffed.yaml"
"""The scenario read by default: the one ``acdsim staff`` writes beside staffing.csv."""
DEFAULT_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class Roster:
    """The result of :func:`shifts`. ``status``: ``optimal`` (HiGHS proved the minimum),
    ``time_limit`` (feasible, maybe not minimal: ``solution.gap`` bounds how far) or ``failed``;
    ``uncovered``: the intervals no shift can cover (then the roster is the best partial cover
    of the others)."""

    staffing: Staffing
    lengths: tuple[float, ...]
    breaks: tuple[BreakRule, ...]
    starts_every: float
    open_at: float
    close_at: float
    unpaid_breaks: bool
    worked: tuple[tuple[Column, int], ...]
    rostered_counts: tuple[int, ...]
    uncovered: tuple[Interval, ...]
    solution: Solution
    columns: int
    scenario: Any = None
    scenario_file: str | None = None
    scenario_note: str | None = None
    rostered: Any = field(default=None)
    """The scenario with the pool's staffing set to the roster (None without a scenario)."""

    def __repr__(self) -> str:
        eff = self.efficiency
        shown = f" ({100 * eff:.1f}%)" if eff is not None else ""
        uncovered = f", {len(self.uncovered)} intervals uncovered" if self.uncovered else ""
        return (
            f"<Roster of pool {self.staffing.pool!r}: {self.agents} agents in {len(self.worked)} shifts, "
            f"{self.paid_hours:g} paid hours for {self.required_hours:g} required{shown}, {self.status}{uncovered}>"
        )

    def write(self, out_dir: str | os.PathLike[str]) -> list[Path]:
        """Write the files of ``acdsim shifts -o DIR`` into ``out_dir`` (replaced as a whole)."""
        from ...output.folder import OutputFolder
        from .outputs import write_roster

        folder = OutputFolder(Path(out_dir))
        with folder:
            written, _ = write_roster(self, folder.staging)
            folder.commit()
        return [Path(out_dir) / p.name for p in written]

    # ------------------------------------------------------------------ figures

    @property
    def status(self) -> str:
        return self.solution.status

    @property
    def partial(self) -> bool:
        return bool(self.uncovered)

    @property
    def paid_hours(self) -> float:
        return sum(c.paid * n for c, n in self.worked) / 3600.0

    @property
    def required_hours(self) -> float:
        return sum(i.required * (i.end - i.start) for i in self.staffing.intervals) / 3600.0

    @property
    def efficiency(self) -> float | None:
        """Required hours / paid hours (1 = no paid hour beyond the requirement)."""
        return self.required_hours / self.paid_hours if self.paid_hours > 0 else None

    @property
    def agents(self) -> int:
        return sum(n for _, n in self.worked)

    # ------------------------------------------------------------------ tables

    def shift_rows(self) -> list[dict[str, Any]]:
        clock = self.staffing.clock
        return [
            {
                "start": clock(c.start), "end": clock(c.end),
                "break": ";".join(f"{clock(a)}-{clock(b)}" for a, b in c.breaks),
                "agents": n, "paid_hours": c.paid * n / 3600.0,
                "start_s": c.start, "end_s": c.end, "length_h": c.length / 3600.0,
            }
            for c, n in self.worked
        ]

    def coverage_rows(self) -> list[dict[str, Any]]:
        uncovered = set(id(i) for i in self.uncovered)
        return [
            {
                "interval_start": i.start, "clock": i.clock, "required": i.required, "rostered": r,
                "surplus": r - i.required, "coverable": id(i) not in uncovered, "shrinkage": i.shrinkage,
            }
            for i, r in zip(self.staffing.intervals, self.rostered_counts, strict=True)
        ]

    @property
    def shifts(self) -> Any:
        """One row per shift worked: start, end, break, agents, paid_hours (for its agents), ..."""
        import pandas as pd

        columns = ["start", "end", "break", "agents", "paid_hours", "start_s", "end_s", "length_h"]
        return pd.DataFrame(self.shift_rows(), columns=columns)

    @property
    def coverage(self) -> Any:
        """One row per interval: interval_start, clock, required, rostered, surplus, coverable."""
        import pandas as pd

        columns = ["interval_start", "clock", "required", "rostered", "surplus", "coverable", "shrinkage"]
        return pd.DataFrame(self.coverage_rows(), columns=columns)

    def summary(self) -> dict[str, Any]:
        """What shifts.json holds."""
        eff = self.efficiency
        return {
            "pool": self.staffing.pool,
            "staffing": self.staffing.file,
            "status": self.status,
            "partial": self.partial,
            "uncovered_intervals": [i.clock for i in self.uncovered],
            "paid_hours": self.paid_hours,
            "required_hours": self.required_hours,
            "efficiency": eff,
            "agents": self.agents,
            "shifts": len(self.worked),
            "solver": {
                "name": "HiGHS (scipy.optimize.milp)", "status": self.status, "message": self.solution.message,
                "mip_gap": self.solution.gap, "columns": self.columns,
            },
            "options": {
                "lengths": [_hours(x) for x in self.lengths],
                "starts_every": self.starts_every,
                "breaks": [b.text for b in self.breaks],
                "open": self.staffing.clock(self.open_at),
                "close": self.staffing.clock(self.close_at),
                "unpaid_breaks": self.unpaid_breaks,
            },
            "scenario": self.scenario_file,
        }

    # ------------------------------------------------------------------ the pool's curve

    def staffing_curve(self) -> list[dict[str, Any]]:
        """The pool's ``staffing`` for rostered.yaml: on duty and not on break, times
        (1 - shrinkage) of the interval of each moment, rounded down; from time 0 on."""
        times = {0.0}
        for c, _ in self.worked:
            times.update((c.start, c.end, *(x for b in c.breaks for x in b)))
        times.update(i.start for i in self.staffing.intervals)
        steps: list[dict[str, Any]] = []
        for t in sorted(max(t, 0.0) for t in times):
            on = sum(k for c, k in self.worked if c.on_duty(t))
            agents = math.floor(on * (1.0 - self._shrinkage(t)) + 1e-9)
            if not steps or steps[-1]["agents"] != agents:
                if steps and steps[-1]["at"] == _number(t):
                    steps[-1]["agents"] = agents
                else:
                    steps.append({"at": _number(t), "agents": agents})
        return steps

    def _shrinkage(self, t: float) -> float:
        chosen = self.staffing.intervals[0]
        for interval in self.staffing.intervals:
            if interval.start <= t + 1e-6:
                chosen = interval
        return chosen.shrinkage


def shifts(
    staffing: str | os.PathLike[str] | Any,
    lengths: Sequence[Any] | str,
    *,
    starts_every: Any = None,
    breaks: Sequence[str | BreakRule] | str = (),
    open: Any = None,  # noqa: A002 (the flag's name)
    close: Any = None,
    pool: str | None = None,
    scenario: Any = None,
    unpaid_breaks: bool = False,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> Roster:
    """The roster of minimum paid hours that covers the ``scheduled`` column of ``staffing``
    (a staffing.csv path or a DataFrame with its columns) for ``pool``.

    ``lengths``: shift lengths (``["8h", "6h"]``, seconds, or ``"8h,6h"``); ``starts_every``:
    the start grid (default: the first interval's length); ``breaks``: rules ``"30m@3h-5h"``;
    ``open``/``close``: ``"08:00"`` clock times or durations from the start (default: the
    first interval's start, the last one's end); ``scenario``: a path or a Scenario (default:
    staffed.yaml beside a staffing path, if there). Raises :class:`~acdsim.ScenarioError` with
    every problem of the inputs; uncoverable intervals are not an error here: see
    ``Roster.uncovered``."""
    problems: list[Problem] = []
    length_list, found = parse_lengths([lengths] if isinstance(lengths, str) else lengths)
    problems += found
    rules, found = parse_breaks([breaks] if isinstance(breaks, str) else breaks)
    problems += found
    step, found = parse_step(starts_every)
    problems += found
    table: Staffing | None = None
    try:
        table = read_staffing(staffing if not isinstance(staffing, os.PathLike) else os.fspath(staffing), pool)
    except ScenarioError as exc:
        problems += exc.problems
    open_at, found = parse_moment(open, table, "--open")
    problems += found
    close_at, found = parse_moment(close, table, "--close")
    problems += found
    if step is None and table is not None:
        step = table.intervals[0].end - table.intervals[0].start
    if step is not None:  # breaks that fit no shift, with the other problems
        for length in length_list:
            problems += [problem("--break", message) for message in break_choices(length, rules, step)[1]]
    sc, sc_file, note, found = _scenario(scenario, staffing, table)
    problems += found
    if problems or table is None or step is None:
        raise ScenarioError(problems)
    intervals = table.intervals
    open_at = intervals[0].start if open_at is None else open_at
    close_at = intervals[-1].end if close_at is None else close_at
    if close_at <= open_at:
        raise ScenarioError([problem("--close", f"must be after --open ({table.clock(close_at)} <= {table.clock(open_at)})")])
    columns, found = build_columns(length_list, rules, step, open_at, close_at, unpaid_breaks)
    if found:
        raise ScenarioError(found)
    matrix = coverage_matrix(columns, intervals)
    required = [i.required for i in intervals]
    uncovered = tuple(i for k, i in enumerate(intervals) if i.required > 0 and not matrix[k].any())
    solution = solve(columns, required, matrix, time_limit)
    worked = sorted(
        ((c, n) for c, n in zip(columns, solution.agents, strict=True) if n > 0),
        key=lambda item: (item[0].start, item[0].length, item[0].breaks),
    )
    counts = tuple(int(v) for v in matrix @ [float(n) for n in solution.agents]) if columns else tuple(0 for _ in intervals)
    roster = Roster(
        staffing=table, lengths=tuple(length_list), breaks=tuple(rules), starts_every=step, open_at=open_at,
        close_at=close_at, unpaid_breaks=unpaid_breaks, worked=tuple(worked), rostered_counts=counts,
        uncovered=uncovered, solution=solution, columns=len(columns), scenario=sc, scenario_file=sc_file,
        scenario_note=note,
    )
    if sc is not None:
        roster = replace(roster, rostered=rostered_scenario(sc, table.pool, roster.staffing_curve()))
    return roster


def _scenario(scenario: Any, staffing: Any, table: Staffing | None) -> tuple[Any, str | None, str | None, list[Problem]]:
    """The scenario to roster (loaded), its file, a note when there is none, and problems."""
    from ...model import Scenario
    from ..scenarios import load_scenario

    if scenario is None:
        if not isinstance(staffing, str | os.PathLike):
            return None, None, "no scenario given: rostered.yaml is not written", []
        beside = Path(staffing).parent / SCENARIO_BESIDE
        if not beside.is_file():
            return None, None, f"no {SCENARIO_BESIDE} beside {staffing} and no --scenario: rostered.yaml is not written", []
        scenario = str(beside)
    shown = "<Scenario>" if isinstance(scenario, Scenario) else os.fspath(scenario)
    try:
        loaded = load_scenario(scenario if isinstance(scenario, Scenario) else Path(scenario))
    except ScenarioError as exc:
        return None, None, None, exc.problems
    if table is not None and table.pool not in [p.name for p in loaded.pools]:
        names = ", ".join(repr(p.name) for p in loaded.pools) or "none"
        return None, None, None, [problem(shown, f"has no pool {table.pool!r}, the pool of the staffing table (pools: {names})")]
    return loaded, shown, None, []


def rostered_scenario(scenario: Any, pool: str, curve: list[dict[str, Any]]) -> Any:
    from ..scenarios import override

    index = [p.name for p in scenario.pools].index(pool)
    return override(scenario, {("pools", index, "staffing"): curve})


def _number(t: float) -> float | int:
    return int(t) if float(t).is_integer() else t


def _hours(seconds: float) -> str:
    from .model import _dur

    return _dur(seconds)
