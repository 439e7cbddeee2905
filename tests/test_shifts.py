"""``acdsim.shifts``: the integer program finds the minimum paid hours, covers every interval
it can, names the ones it cannot, places breaks inside their windows, and builds the pool's
staffing curve of rostered.yaml from the roster (docs/shifts.md)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import acdsim
from acdsim.errors import ScenarioError
from acdsim.planning.shifts.model import Column, build_columns, coverage_matrix
from acdsim.planning.shifts.parse import Interval, parse_break
from shiftkit import scenario_file, staffing_csv

H = 3600.0


def brute_force(columns: list[Column], required: list[int]) -> tuple[float, list[tuple[int, ...]]]:
    """The minimum paid hours by enumeration, and every roster that attains it. No column
    needs more than max(required) agents (fewer still cover every interval it covers)."""
    matrix = coverage_matrix(columns, [Interval(k * H, (k + 1) * H, "", r, 0.0) for k, r in enumerate(required)])
    top = max(required)
    grid = np.array(list(itertools.product(range(top + 1), repeat=len(columns))))
    feasible = grid[((grid @ matrix.T) >= np.array(required)).all(axis=1)]
    cost = feasible @ np.array([c.paid / H for c in columns])
    best = float(cost.min())
    return best, [tuple(int(v) for v in x) for x in feasible[np.isclose(cost, best)]]


def test_tiny_instance_has_the_hand_solved_optimum(tmp_path: Path) -> None:
    """Six 1-hour intervals 08:00-14:00 need 1, 2, 2, 1, 2, 1 agents (9 agent-hours); shifts
    of 3h or 4h start on the hour and lie within 08:00-14:00.

    By hand: paid hours = covered agent-hours = 9 + surplus, a sum of 3s and 4s. 9 = 3+3+3
    needs three 3h shifts with no surplus: the 08:00 interval forces 08-11 ([1,1,1,0,0,0]),
    the 13:00 one forces 11-14 ([0,0,0,1,1,1]), and the rest [0,1,1,0,1,0] is no 3-hour run:
    impossible. So the minimum is at least 10 = 3+3+4 (the only way to write 10), and
    08-11 + 11-14 + 09-13 (4h) covers [1,2,2,2,2,1] >= [1,2,2,1,2,1]: 10 paid hours, the
    only roster of 10 (enumeration below)."""
    required = [1, 2, 2, 1, 2, 1]
    roster = acdsim.shifts(staffing_csv(tmp_path / "staffing.csv", required), ["3h", "4h"])
    assert roster.status == "optimal"
    assert roster.paid_hours == 10
    assert [(r["start"], r["end"], r["agents"]) for r in roster.shift_rows()] == [
        ("08:00", "11:00", 1), ("09:00", "13:00", 1), ("11:00", "14:00", 1),
    ]
    assert list(roster.coverage["rostered"]) == [1, 2, 2, 2, 2, 1]
    assert roster.required_hours == 9 and roster.efficiency == pytest.approx(0.9)
    assert repr(roster) == "<Roster of pool 'support': 3 agents in 3 shifts, 10 paid hours for 9 required (90.0%), optimal>"
    written = roster.write(tmp_path / "out")
    assert [p.name for p in written] == ["shifts.csv", "coverage.csv", "shifts.json", "manifest.json"]
    columns, _ = build_columns([3 * H, 4 * H], [], H, 0.0, 6 * H)
    best, optima = brute_force(columns, required)
    assert best == 10 and len(optima) == 1


def naive_cost(columns: list[Column], required: list[int]) -> float:
    """A feasible cover any planner could write: for each interval, as many of the cheapest
    shifts that cover it as it needs."""
    total = 0.0
    for k, need in enumerate(required):
        interval = Interval(k * H, (k + 1) * H, "", need, 0.0)
        total += need * min(c.paid for c in columns if c.covers(interval)) / H
    return total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(required=st.lists(st.integers(0, 4), min_size=3, max_size=9))
def test_every_interval_is_covered_at_no_more_than_a_naive_cover(tmp_path: Path, required: list[int]) -> None:
    roster = acdsim.shifts(staffing_csv(tmp_path / "staffing.csv", required), "2h,3h")
    assert roster.status == "optimal" and not roster.uncovered
    coverage = roster.coverage
    assert (coverage["rostered"] >= coverage["required"]).all()
    assert (coverage["surplus"] == coverage["rostered"] - coverage["required"]).all()
    columns, _ = build_columns([2 * H, 3 * H], [], H, 0.0, len(required) * H)
    assert roster.paid_hours <= naive_cost(columns, required) + 1e-9
    assert roster.paid_hours >= sum(required)  # every paid hour covers at most one agent-hour


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(required=st.lists(st.integers(0, 2), min_size=3, max_size=5).filter(any))
def test_the_solver_finds_the_enumerated_minimum(tmp_path: Path, required: list[int]) -> None:
    roster = acdsim.shifts(staffing_csv(tmp_path / "staffing.csv", required), ["2h", "3h"])
    columns, _ = build_columns([2 * H, 3 * H], [], H, 0.0, len(required) * H)
    best, _ = brute_force(columns, required)
    assert roster.paid_hours == pytest.approx(best)


def test_an_agent_covers_an_interval_only_when_on_duty_for_all_of_it() -> None:
    interval = Interval(H, 2 * H, "09:00", 1, 0.0)
    assert Column(H, 2 * H, (), 2 * H).covers(interval)
    assert not Column(0.5 * H, 2 * H, (), 2 * H).covers(Interval(0, H, "08:00", 1, 0.0))  # from 08:30
    assert Column(0.5 * H, 2 * H, (), 2 * H).covers(interval)
    assert not Column(0.5 * H, 2 * H, (), 2 * H).covers(Interval(2 * H, 3 * H, "10:00", 1, 0.0))  # to 10:30
    assert not Column(0, 4 * H, ((1.25 * H, 1.5 * H),), 4 * H).covers(interval)  # a break inside it
    assert Column(0, 4 * H, ((0.5 * H, H),), 4 * H).covers(interval)  # a break that ends as it begins


def test_starts_off_the_interval_grid_count_only_whole_intervals(tmp_path: Path) -> None:
    """With 1-hour intervals and starts every 30 minutes, one 2h shift from 08:30 covers
    09:00 alone; the requirement [0, 1, 1, 0] is met by 09:00-11:00 (2 paid hours)."""
    roster = acdsim.shifts(staffing_csv(tmp_path / "s.csv", [0, 1, 1, 0]), ["2h"], starts_every="30m")
    assert roster.paid_hours == 2
    assert [(r["start"], r["end"]) for r in roster.shift_rows()] == [("09:00", "11:00")]


def test_uncoverable_intervals_are_named_and_the_rest_is_covered_at_minimum(tmp_path: Path) -> None:
    required = [2, 1, 2, 2, 1, 1]
    roster = acdsim.shifts(staffing_csv(tmp_path / "s.csv", required), ["2h", "3h"], open="09:00", close="13:00")
    assert [i.clock for i in roster.uncovered] == ["08:00", "13:00"]
    assert roster.partial and roster.status == "optimal"
    coverage = roster.coverage.set_index("clock")
    assert list(coverage["coverable"]) == [False, True, True, True, True, False]
    assert list(coverage.loc[["08:00", "13:00"], "rostered"]) == [0, 0]
    assert (coverage.loc["09:00":"12:00", "surplus"] >= 0).all()
    # The best partial cover is the minimum for the coverable intervals alone.
    alone = acdsim.shifts(staffing_csv(tmp_path / "alone.csv", required[1:5], first="09:00"), ["2h", "3h"])
    assert roster.paid_hours == alone.paid_hours == 6  # 09-12 and 10-13


def test_a_day_too_short_for_any_shift_leaves_every_interval_uncovered(tmp_path: Path) -> None:
    roster = acdsim.shifts(staffing_csv(tmp_path / "s.csv", [1, 1], interval=1800), ["4h"])
    assert [i.clock for i in roster.uncovered] == ["08:00", "08:30"]
    assert roster.worked == () and roster.paid_hours == 0 and roster.efficiency is None


def test_an_interval_that_needs_nobody_is_never_uncovered(tmp_path: Path) -> None:
    roster = acdsim.shifts(staffing_csv(tmp_path / "s.csv", [0, 2, 2, 0]), ["2h"], open="09:00", close="11:00")
    assert roster.uncovered == () and roster.paid_hours == 4


# ------------------------------------------------------------------------------ breaks


def test_breaks_start_inside_their_window_and_last_their_length(tmp_path: Path) -> None:
    required = [3, 5, 8, 9, 7, 6, 8, 9, 8, 6, 5, 4, 3, 3, 5, 6, 7, 8, 6, 4, 3, 2, 2, 1]
    roster = acdsim.shifts(
        staffing_csv(tmp_path / "s.csv", required, interval=1800), ["8h", "6h", "4h"],
        breaks=["30m@3h-5h"],
    )
    assert roster.status == "optimal" and roster.worked
    assert (roster.coverage["surplus"] >= 0).all()
    for column, _ in roster.worked:
        if column.length > 5 * H:
            (start, end), = column.breaks
            assert 3 * H <= start - column.start <= 5 * H
            assert (start - column.start) % 1800 == 0
            assert end - start == 1800
        else:
            assert column.breaks == ()
    assert {c.length for c, _ in roster.worked if c.breaks} <= {8 * H, 6 * H}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    required=st.lists(st.integers(0, 5), min_size=12, max_size=16),
    length=st.sampled_from([900, 1800, 3600]),
    earliest=st.integers(1, 4), width=st.integers(0, 4),
)
def test_every_break_starts_in_its_window_on_the_grid_and_lasts_its_length(
    tmp_path: Path, required: list[int], length: int, earliest: int, width: int,
) -> None:
    """Half-hour intervals, 4h and 6h shifts, a random break window (in half hours)."""
    low, high = earliest * 1800.0, (earliest + width) * 1800.0
    rule = f"{length}@{low:g}-{high:g}"
    roster = acdsim.shifts(staffing_csv(tmp_path / "s.csv", required, interval=1800), ["4h", "6h"], breaks=[rule])
    assert (roster.coverage["surplus"] >= 0).all()
    for column, agents in roster.worked:
        assert agents > 0
        if column.length <= high:
            assert column.breaks == ()
            continue
        (start, end), = column.breaks
        offset = start - column.start
        assert low <= offset <= high and offset % 1800 == 0
        assert end - start == length and end <= column.end
    for k, need in enumerate(required):  # recounted minute by minute, not by Column.covers
        minutes = [k * 1800.0 + 60 * m for m in range(30)]
        present = sum(n for c, n in roster.worked if all(c.on_duty(t) for t in minutes))
        assert present == roster.rostered_counts[k] >= need


def test_an_agent_on_break_covers_neither_side_of_it(tmp_path: Path) -> None:
    """Four 1-hour intervals need 1 agent each; 4h shifts have a 1h break 1h to 2h in. One
    agent leaves an hour uncovered, so two agents are needed, breaking at different hours:
    8 paid hours (4 unpaid: 6)."""
    staffing = staffing_csv(tmp_path / "s.csv", [1, 1, 1, 1])
    paid = acdsim.shifts(staffing, ["4h"], breaks=["1h@1h-2h:4h"])
    assert paid.paid_hours == 8 and list(paid.coverage["rostered"]) == [2, 1, 1, 2]
    assert sorted(c.breaks[0][0] for c, n in paid.worked for _ in range(n)) == [H, 2 * H]
    unpaid = acdsim.shifts(staffing, ["4h"], breaks=["1h@1h-2h:4h"], unpaid_breaks=True)
    assert unpaid.paid_hours == 6


def test_break_rules_apply_to_the_shifts_they_name(tmp_path: Path) -> None:
    staffing = staffing_csv(tmp_path / "s.csv", [2] * 10)
    roster = acdsim.shifts(staffing, ["8h", "4h"], breaks=["1h@2h-3h:4h"], starts_every="1h")
    for column, _ in roster.worked:
        assert len(column.breaks) == (1 if column.length == 4 * H else 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m@3h-5h", (1800, 3 * H, 5 * H, None)), ("15m@1h-1h30m:4h", (900, H, 1.5 * H, 4 * H)),
     (" 1800@10800-18000 ", (1800, 3 * H, 5 * H, None))],
)
def test_break_grammar(text: str, expected: tuple[float, float, float, float | None]) -> None:
    rule, problems = parse_break(text)
    assert problems == [] and rule is not None
    assert (rule.length, rule.earliest, rule.latest, rule.only) == expected


@pytest.mark.parametrize("text", ["30m", "30m@5h-3h", "0@1h-2h", "30m@3h", "30x@3h-5h", "30m@3h-5h:"])
def test_bad_breaks_are_problems(text: str) -> None:
    rule, problems = parse_break(text)
    assert rule is None and problems and all(p.file == "--break" for p in problems)


def test_a_break_that_fits_no_shift_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        acdsim.shifts(staffing_csv(tmp_path / "s.csv", [1] * 6), ["4h"], breaks=["3h@2h-3h:4h"], close="99:00")
    assert caught.value.lines() == [
        "error: --close: '99:00' is not a clock time HH:MM (00:00 to 24:00)",
        "error: --break: '3h@2h-3h:4h': no break start on the 1h start grid between 2h and 3h "
        "lets the break end within a 4h shift",
    ]


# ------------------------------------------------------------------------------ the pool's curve


def level_at(curve: list[dict[str, float]], t: float) -> float:
    """The curve's value at ``t``: that of its last step at or before ``t`` (0 before the first)."""
    return ([0] + [step["agents"] for step in curve if step["at"] <= t])[-1]


def test_the_staffing_curve_is_the_coverage_less_shrinkage(tmp_path: Path) -> None:
    required = [2, 4, 5, 5, 3, 2]
    staffing = staffing_csv(tmp_path / "staffing.csv", required)
    scenario = scenario_file(tmp_path / "staffed.yaml", 6)
    roster = acdsim.shifts(staffing, ["3h", "4h"])
    curve = roster.staffing_curve()
    assert [level_at(curve, k * H) for k in range(6)] == list(roster.coverage["rostered"])
    assert curve[-1] == {"at": 6 * H, "agents": 0}
    assert roster.rostered is not None and roster.scenario_file == str(scenario)
    steps = roster.rostered.pools[0].steps()
    assert [(s.at, s.agents) for s in steps] == [(float(s["at"]), s["agents"]) for s in curve]
    shrunk = acdsim.shifts(staffing_csv(tmp_path / "staffing.csv", required, shrinkage=0.3), ["3h", "4h"])
    curve = shrunk.staffing_curve()
    expected = [math.floor(n * 0.7 + 1e-9) for n in shrunk.coverage["rostered"]]
    assert [level_at(curve, k * H) for k in range(6)] == expected


def test_a_dataframe_with_the_contract_columns_is_a_staffing_table(tmp_path: Path) -> None:
    table = pd.read_csv(staffing_csv(tmp_path / "s.csv", [1, 2, 2, 1, 2, 1]))
    roster = acdsim.shifts(table, [3 * H, 4 * H])
    assert roster.paid_hours == 10 and roster.rostered is None and roster.scenario_note
    given_scenario = acdsim.shifts(table, ["3h", "4h"], scenario=scenario_file(tmp_path / "sc.yaml", 6))
    assert given_scenario.rostered is not None


def test_input_problems_are_reported_together(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("pool,interval_start,clock\nsupport,0,08:00\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        acdsim.shifts(bad, "8h,,9x", breaks=["30m"], open="25:00")
    lines = caught.value.lines()
    assert any(line.startswith("error: --lengths: an empty length") for line in lines)
    assert any(line.startswith("error: --lengths: '9x' is not a duration") for line in lines)
    assert any(line.startswith("error: --break: '30m' is not a break") for line in lines)
    assert any(line.startswith("error: --open: '25:00'") for line in lines)
    assert any("missing columns interval_end, scheduled, shrinkage" in line for line in lines)
