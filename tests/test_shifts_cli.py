"""``acdsim shifts`` on the command line: its files, rostered.yaml that `acdsim run` runs, the
partial cover of uncoverable intervals (exit 2), and every input problem at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from acdsim.cli import main
from acdsim.loader import load_scenario
from shiftkit import HEADER, rows, scenario_file, staffing_csv

REQUIRED = [2, 3, 4, 4, 3, 2]


def shifts_cli(*args: str) -> int:
    return main(["shifts", *args])


def test_shifts_writes_its_files_and_rostered_yaml_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staffing = staffing_csv(tmp_path / "in" / "staffing.csv", REQUIRED)
    scenario_file(tmp_path / "in" / "staffed.yaml", 6)
    out = tmp_path / "out"
    assert shifts_cli(str(staffing), "--lengths", "4h,3h", "--break", "30m@1h-2h:4h", "-o", str(out)) == 0
    printed = capsys.readouterr()
    assert "paid hours" in printed.out and "efficiency" in printed.out and printed.err == ""
    names = {p.name for p in out.iterdir()}
    assert {"shifts.csv", "coverage.csv", "shifts.json", "rostered.yaml", "manifest.json"} <= names
    shifts = rows(out / "shifts.csv")
    assert list(shifts[0]) == ["start", "end", "break", "agents", "paid_hours", "start_s", "end_s", "length_h"]
    for row in shifts:
        if row["length_h"] == "4":
            start, end = row["break"].split("-")
            assert start >= row["start"] and end <= row["end"]
        else:
            assert row["break"] == ""
    coverage = rows(out / "coverage.csv")
    assert [r["clock"] for r in coverage] == ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00"]
    assert all(int(r["rostered"]) >= int(r["required"]) and int(r["surplus"]) >= 0 for r in coverage)
    summary = json.loads((out / "shifts.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal" and summary["partial"] is False
    assert summary["required_hours"] == sum(REQUIRED)
    assert summary["paid_hours"] == sum(float(r["paid_hours"]) for r in shifts)
    assert summary["efficiency"] == pytest.approx(summary["required_hours"] / summary["paid_hours"])
    # rostered.yaml: the pool follows the roster; `acdsim run` runs it from the output folder.
    rostered = load_scenario(out / "rostered.yaml")
    steps = rostered.pools[0].steps()
    for r in coverage:  # breaks on the hour: at each interval's start the curve is its coverage
        t = float(r["interval_start"])
        assert [s.agents for s in steps if s.at <= t][-1] == int(r["rostered"])
    assert shifts_cli(str(staffing), "--lengths", "4h,3h", "-o", str(out)) == 0  # DIR replaced
    rostered = load_scenario(out / "rostered.yaml")
    coverage = rows(out / "coverage.csv")
    assert [[s.agents for s in rostered.pools[0].steps() if s.at <= float(r["interval_start"])][-1] for r in coverage] \
        == [int(r["rostered"]) for r in coverage]
    capsys.readouterr()
    assert main(["run", str(out / "rostered.yaml"), "-q", "--only", "summary", "-o", str(tmp_path / "run")]) == 0
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["queues"]["208"]["offered"] > 0


def test_rostered_yaml_inlines_the_files_of_the_scenario(tmp_path: Path) -> None:
    """planner_day reads a forecast and a staffing file from its folder: rostered.yaml, in
    another folder, holds their rows and runs from there."""
    root = Path(__file__).resolve().parent.parent / "scenarios"
    staffing = staffing_csv(tmp_path / "staffing.csv", [10] * 24, interval=1800)
    out = tmp_path / "out"
    code = shifts_cli(str(staffing), "--lengths", "8h,4h", "--scenario", str(root / "planner_day.yaml"), "-q", "-o", str(out))
    assert code == 0
    text = (out / "rostered.yaml").read_text(encoding="utf-8")
    assert re.search(r"\bfile:", text) is None and "calls_per_hour" in text
    assert main(["validate", str(out / "rostered.yaml")]) == 0


def test_without_a_scenario_rostered_yaml_is_skipped_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staffing = staffing_csv(tmp_path / "staffing.csv", REQUIRED)
    out = tmp_path / "out"
    assert shifts_cli(str(staffing), "--lengths", "4h", "-q", "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: no staffed.yaml beside") and "rostered.yaml is not written" in err
    assert not (out / "rostered.yaml").exists() and (out / "shifts.csv").exists()
    assert json.loads((out / "shifts.json").read_text(encoding="utf-8"))["rostered_yaml"] is False


def test_uncoverable_intervals_exit_2_with_the_partial_cover_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staffing = staffing_csv(tmp_path / "staffing.csv", [1, 2, 2, 2, 2, 1])
    scenario_file(tmp_path / "staffed.yaml", 6)
    out = tmp_path / "out"
    code = shifts_cli(str(staffing), "--lengths", "3h", "--open", "09:00", "--close", "12:00", "-q", "-o", str(out))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {staffing}: no shift can cover the intervals 08:00, 12:00, 13:00 (lengths, --open/--close and "
        f"breaks leave them uncovered); {out} holds the best partial cover of the other intervals"
    ]
    summary = json.loads((out / "shifts.json").read_text(encoding="utf-8"))
    assert summary["partial"] is True and summary["uncovered_intervals"] == ["08:00", "12:00", "13:00"]
    assert [(r["start"], r["end"], r["agents"]) for r in rows(out / "shifts.csv")] == [("09:00", "12:00", "2")]
    assert [r["surplus"] for r in rows(out / "coverage.csv")] == ["-1", "0", "0", "0", "-2", "-1"]
    assert (out / "rostered.yaml").exists()


def test_input_errors_are_error_lines_all_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "staffing.csv"
    bad.write_text("pool,interval_start,interval_end,clock,agents\nsupport,0,1800,08:00,3\n", encoding="utf-8")
    out = tmp_path / "out"
    code = shifts_cli(str(bad), "--lengths", "8h,-4h", "--break", "30m@5h-3h", "--break", "lunch", "-o", str(out))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: --lengths: a duration must be >= 0, got '-4h'",
        "error: --break: '30m@5h-3h': the window ends before it begins (10800 s < 18000 s)",
        "error: --break: 'lunch' is not a break: write LEN@FROM-TO[:SHIFT], e.g. 30m@3h-5h (a 30m break "
        "starting 3h to 5h into the shift) or 30m@3h-5h:8h (8h shifts only)",
        f"error: {bad}:1: missing columns scheduled, shrinkage (shifts needs pool, interval_start, "
        "interval_end, clock, scheduled, shrinkage: the staffing.csv of acdsim staff)",
    ]
    assert not out.exists()


def test_bad_cells_name_their_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = staffing_csv(tmp_path / "staffing.csv", [1, 2, 3])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",0,2,", ",0,two,").replace("09:00", "9h")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert shifts_cli(str(path), "--lengths", "2h", "-o", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {path}:3: clock: expected a clock time HH:MM, got '9h'",
        f"error: {path}:3: scheduled: expected a whole number >= 0, got 'two'",
    ]


def test_several_pools_need_pool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = staffing_csv(tmp_path / "a.csv", [1, 1, 1]).read_text(encoding="utf-8")
    two = staffing_csv(tmp_path / "b.csv", [2, 2, 2], pool="sales").read_text(encoding="utf-8")
    both = tmp_path / "staffing.csv"
    both.write_text(one + two.removeprefix(HEADER + "\n"), encoding="utf-8")
    assert shifts_cli(str(both), "--lengths", "3h", "-o", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err.strip() == f"error: {both}: holds several pools (support, sales): choose one with --pool NAME"
    assert shifts_cli(str(both), "--lengths", "3h", "--pool", "sales", "-q", "-o", str(tmp_path / "out")) == 0
    assert rows(tmp_path / "out" / "shifts.csv")[0]["agents"] == "2"
    assert shifts_cli(str(both), "--lengths", "3h", "--pool", "nobody", "-o", str(tmp_path / "out")) == 2
    assert "no pool 'nobody' (pools: support, sales)" in capsys.readouterr().err


def test_a_scenario_without_the_pool_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staffing = staffing_csv(tmp_path / "staffing.csv", [1, 1, 1], pool="sales")
    scenario = scenario_file(tmp_path / "other.yaml", 3)
    assert shifts_cli(str(staffing), "--lengths", "3h", "--scenario", str(scenario), "-o", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {scenario}: has no pool 'sales', the pool of the staffing table (pools: 'support')"
    )


def test_rostered_yaml_runs_from_its_folder_with_every_kind_of_data_file(tmp_path: Path) -> None:
    """A forecast, an empirical distribution's file and another pool's staffing file are
    written inline; a trace is copied beside rostered.yaml."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "forecast.csv").write_text("at,calls\n08:00,10\n09:00,12\n10:00,8\n", encoding="utf-8")
    (src / "talk.csv").write_text("seconds\n60\n90\n150\n", encoding="utf-8")
    (src / "other.csv").write_text("at,agents\n0,1\n1h,2\n", encoding="utf-8")
    (src / "trace.csv").write_text("time\n10\n700\n3000\n", encoding="utf-8")
    text = (
        scenario_file(src / "x.yaml", 3).read_text(encoding="utf-8")
        .replace("arrivals: {calls_per_hour: 20}", "arrivals: {profile: {file: forecast.csv}}")
        .replace("talk_time: {dist: exponential, mean: 120}", "talk_time: {dist: empirical, file: talk.csv, column: seconds}")
    )
    text += (
        "  - name: other\n    first_id: 2000\n    tiers: [{queue: 209, level: 1, position: 1}]\n"
        "    staffing: {file: other.csv}\n"
    )
    text = text.replace("agents: {}\n", (
        "  - id: 209\n    strategy: longest-idle-agent\n    callers:\n      arrivals: {trace: trace.csv}\n"
        "      talk_time: {dist: exponential, mean: 60}\nagents: {}\n"
    ))
    (src / "staffed.yaml").write_text(text, encoding="utf-8")
    staffing = staffing_csv(src / "staffing.csv", [1, 2, 1])
    out = tmp_path / "out"
    assert shifts_cli(str(staffing), "--lengths", "1h,2h", "-q", "-o", str(out)) == 0
    written = (out / "rostered.yaml").read_text(encoding="utf-8")
    assert re.search(r"\bfile:", written) is None and "trace: trace.csv" in written
    assert (out / "trace.csv").read_text(encoding="utf-8") == (src / "trace.csv").read_text(encoding="utf-8")
    rostered = load_scenario(out / "rostered.yaml")
    original = load_scenario(src / "staffed.yaml")
    new, old = rostered.queues[0].callers, original.queues[0].callers
    assert new.arrivals.profile == old.arrivals.profile and new.arrivals.file is None
    assert new.talk_time.values == old.talk_time.values == (60, 90, 150) and new.talk_time.file is None
    assert rostered.queues[1].callers.arrivals.rows == original.queues[1].callers.arrivals.rows
    assert rostered.pools[1].steps() == original.pools[1].steps()
    assert main(["run", str(out / "rostered.yaml"), "-q", "--only", "summary", "-o", str(tmp_path / "run")]) == 0


def test_a_solver_stopped_at_its_time_limit_is_a_warning_and_no_roster_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from acdsim.planning.shifts import roster as module
    from acdsim.planning.shifts.model import Solution, solve

    staffing = staffing_csv(tmp_path / "staffing.csv", [1, 1, 1])

    def stopped(*args: object, **kwargs: object) -> Solution:
        found = solve(*args, **kwargs)  # type: ignore[arg-type]
        return Solution(found.agents, "time_limit", "Time limit reached", 0.05)

    monkeypatch.setattr(module, "solve", stopped)
    out = tmp_path / "out"
    assert shifts_cli(str(staffing), "--lengths", "3h", "--time-limit", "5", "-q", "-o", str(out)) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "warning: the solver stopped at --time-limit 5 s: the roster covers the requirement but may not "
        "be the cheapest, within 5.0% of the minimum"
    )
    assert json.loads((out / "shifts.json").read_text(encoding="utf-8"))["status"] == "time_limit"
    monkeypatch.setattr(module, "solve", lambda columns, *a, **k: Solution(tuple(0 for _ in columns), "failed", "Time limit reached", None))
    assert shifts_cli(str(staffing), "--lengths", "3h", "-q", "-o", str(tmp_path / "none")) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {staffing}: the solver found no roster (Time limit reached); try a longer --time-limit or fewer shift lengths"
    )
    assert not (tmp_path / "none").exists()
