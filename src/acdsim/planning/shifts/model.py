"""The integer program of ``acdsim shifts``: minimum paid hours that cover every interval.

One column per possible shift: a start ``s`` on the start grid, a length ``L`` and, for each
break rule that applies to ``L``, a break start on the grid inside the rule's window (the
break start is a decision of the program, as in set-covering formulations of shift
scheduling, Dantzig 1954). ``x_j`` agents work column ``j``:

    minimise   sum_j  paid_j * x_j
    subject to sum_j  a_ij * x_j >= required_i      for every coverable interval i
               x_j >= 0, integer

``a_ij`` is 1 when an agent of column ``j`` is on duty during the whole of interval ``i`` and
on no break at any moment of it (the coverage rule, docs/shifts.md). An interval with a
requirement that no column covers is *uncoverable*: it is left out of the program (the
best partial cover) and reported. Solved by HiGHS through ``scipy.optimize.milp``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .parse import BreakRule, Interval, Problem, problem

_EPS = 1e-6


@dataclass(frozen=True)
class Column:
    """A shift an agent may work: start, length and its breaks ``((start, end), ...)``."""

    start: float
    length: float
    breaks: tuple[tuple[float, float], ...]
    paid: float
    """Paid seconds: the length, less the breaks when breaks are unpaid."""

    @property
    def end(self) -> float:
        return self.start + self.length

    def covers(self, interval: Interval) -> bool:
        if interval.start < self.start - _EPS or interval.end > self.end + _EPS:
            return False
        return all(b_end <= interval.start + _EPS or b_start >= interval.end - _EPS for b_start, b_end in self.breaks)

    def on_duty(self, t: float) -> bool:
        """On duty and not on break at time ``t`` (a shift holds ``[start, end)``)."""
        if not self.start - _EPS <= t < self.end - _EPS:
            return False
        return not any(b_start - _EPS <= t < b_end - _EPS for b_start, b_end in self.breaks)


def grid_offsets(low: float, high: float, step: float) -> list[float]:
    """The multiples of ``step`` in ``[low, high]``."""
    first = math.ceil(low / step - _EPS)
    last = math.floor(high / step + _EPS)
    return [k * step for k in range(first, last + 1)]


def break_choices(length: float, rules: Sequence[BreakRule], step: float) -> tuple[list[tuple[tuple[float, float], ...]], list[str]]:
    """The ways to place the breaks of a shift of ``length`` (offsets from its start, the
    rules' breaks not overlapping one another), and why there is none when so."""
    applying = [r for r in rules if r.applies(length)]
    if not applying:
        return [()], []
    options: list[list[tuple[float, float]]] = []
    for rule in applying:
        starts = grid_offsets(rule.earliest, min(rule.latest, length - rule.length), step)
        if not starts:
            return [], [f"{rule.text!r}: no break start on the {_dur(step)} start grid between "
                        f"{_dur(rule.earliest)} and {_dur(rule.latest)} lets the break end within a {_dur(length)} shift"]
        options.append([(s, s + rule.length) for s in starts])
    placed = []
    for combo in itertools.product(*options):
        spans = sorted(combo)
        if all(a[1] <= b[0] + _EPS for a, b in itertools.pairwise(spans)):
            placed.append(tuple(spans))
    if not placed:
        return [], [f"the breaks {', '.join(r.text for r in applying)} cannot all fit in a {_dur(length)} shift without overlapping"]
    return placed, []


def build_columns(
    lengths: Sequence[float], rules: Sequence[BreakRule], step: float, open_at: float, close_at: float,
    unpaid_breaks: bool = False,
) -> tuple[list[Column], list[Problem]]:
    """Every shift that lies within ``[open_at, close_at]`` with its start on the grid
    ``open_at + k * step``, with every placement of its breaks."""
    columns: list[Column] = []
    problems: list[Problem] = []
    for length in lengths:
        placements, why = break_choices(length, rules, step)
        problems.extend(problem("--break", message) for message in why)
        last = close_at - length
        k = 0
        while open_at + k * step <= last + _EPS:
            start = open_at + k * step
            for spans in placements:
                breaks = tuple((start + a, start + b) for a, b in spans)
                paid = length - (sum(b - a for a, b in spans) if unpaid_breaks else 0.0)
                columns.append(Column(start, length, breaks, paid))
            k += 1
    return columns, problems


@dataclass(frozen=True)
class Solution:
    agents: tuple[int, ...]
    """Agents per column (the order of the columns given)."""
    status: str
    """``optimal``, ``time_limit`` (a feasible roster, maybe not the cheapest) or ``failed``."""
    message: str
    gap: float | None
    """The relative MIP gap HiGHS proved (0 for an optimum), when known."""


def coverage_matrix(columns: Sequence[Column], intervals: Sequence[Interval]) -> np.ndarray:
    """``a_ij``: 1 when column ``j`` covers interval ``i`` (:meth:`Column.covers`, vectorised)."""
    starts = np.array([i.start for i in intervals], dtype=float)
    ends = np.array([i.end for i in intervals], dtype=float)
    matrix = np.zeros((len(intervals), len(columns)), dtype=np.int8)
    for j, column in enumerate(columns):
        covered = (starts >= column.start - _EPS) & (ends <= column.end + _EPS)
        for b_start, b_end in column.breaks:
            covered &= (ends <= b_start + _EPS) | (starts >= b_end - _EPS)
        matrix[:, j] = covered
    return matrix


def solve(columns: Sequence[Column], required: Sequence[int], matrix: np.ndarray, time_limit: float | None = None) -> Solution:
    """Minimum paid hours with ``matrix @ x >= required`` on the rows that some column covers."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    need = np.asarray(required, dtype=float)
    rows = [i for i in range(len(need)) if need[i] > 0 and matrix[i].any()]
    if not columns or not rows:
        return Solution(tuple(0 for _ in columns), "optimal", "nothing to cover", 0.0)
    cost = np.array([c.paid / 3600.0 for c in columns])
    constraint = LinearConstraint(csr_array(matrix[rows].astype(float)), lb=need[rows], ub=np.inf)
    options: dict[str, float | bool] = {"disp": False, "mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    result = milp(cost, constraints=[constraint], integrality=np.ones(len(columns)), bounds=Bounds(0, np.inf), options=options)
    gap = getattr(result, "mip_gap", None)
    if result.x is None:
        return Solution(tuple(0 for _ in columns), "failed", str(result.message), None)
    agents = tuple(int(round(v)) for v in result.x)
    status = "optimal" if result.status == 0 else "time_limit"
    return Solution(agents, status, str(result.message), None if gap is None else float(gap))


def _dur(seconds: float) -> str:
    """``30600`` -> ``8h30m``: a duration as the flags write it."""
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    text = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{s}s" if s else "")
    return text or "0s"
