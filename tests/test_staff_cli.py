"""``acdsim staff``: the output files and their contract, staffed.yaml reproducing the
verification, one error line per problem with exit status 2, the same bytes for the same
seed and for any --jobs."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from acdsim.cli import main

HEADER = (
    "pool,interval_start,interval_end,clock,offered,erlang_c,erlang_a,agents,shrinkage,scheduled,"
    "service_level,service_level_ci95,asa,abandon_rate,occupancy,met,binding,precision"
)

SCENARIO = """\
acdsim: 1
name: small day
start: "2026-03-02 09:00:00"
horizon: 1h
seed: 4
timing: continuous
queues:
  - id: 7
    callers:
      arrivals: {profile: {file: small_forecast.csv}}
      talk_time: {dist: exponential, mean: 60}
      patience: {dist: exponential, mean: 90}
agents: {}
behaviors:
  default: {answer_time: 0}
pools:
  - name: desk
    first_id: 10
    agent: {call_timeout: 30, wrap_up_time: 5}
    tiers: [{queue: 7, level: 1}]
    staffing: 4
"""
FORECAST = "at;calls;aht\n09:00;120;60\n09:30;180;60\n"


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario")
    (folder / "small_forecast.csv").write_text(FORECAST, encoding="utf-8")
    path = folder / "small.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def staff_cli(scenario: Path, out: Path, *extra: str) -> int:
    return main(["staff", str(scenario), "-q", "--sl", "80/20", "--max-abandon", "5%",
                 "--replications", "4", "-o", str(out), *extra])


@pytest.fixture(scope="module")
def staffed(day: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "staff"
    assert staff_cli(day, out, "--shrinkage", "30%", "--jobs", "1") == 0
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_outputs_follow_the_contract(staffed: Path) -> None:
    for name in ("staffing.csv", "staffed.yaml", "staffing.json", "staffing.png", "manifest.json"):
        assert (staffed / name).is_file(), name
    assert (staffed / "staffing.csv").read_text(encoding="utf-8").splitlines()[0] == HEADER
    table = rows(staffed / "staffing.csv")
    assert [(r["interval_start"], r["interval_end"], r["clock"]) for r in table] == [
        ("0", "1800", "09:00"), ("1800", "3600", "09:30"),
    ]
    for r in table:
        assert r["pool"] == "desk" and r["shrinkage"] == "0.3"
        assert int(r["scheduled"]) == math.ceil(int(r["agents"]) / 0.7 - 1e-9)
        assert r["met"] in ("true", "false")
        assert r["binding"] in ("", "service_level", "abandon_rate", "asa", "occupancy")
        assert 0 <= float(r["service_level"]) <= 1 and float(r["service_level_ci95"]) >= 0
        assert r["precision"] in ("clear", "within_tolerance", "imprecise")
    assert [float(r["offered"]) for r in table] == [120, 180]
    info = json.loads((staffed / "staffing.json").read_text(encoding="utf-8"))
    assert set(info["agent_hours"]) == {"simulation", "erlang_c", "erlang_a", "scheduled"}
    assert info["agent_hours"]["simulation"] == sum(int(r["agents"]) for r in table) / 2
    assert info["simulated_days"] > info["search"]["simulated_days"] > 0
    assert isinstance(info["minimality"]["minimal"], bool)
    assert info["targets"]["tolerance"] == {"fractions": 0.02, "asa": 2.0}
    assert info["verification"]["replications"] >= max(8, info["search"]["replications_first"] * 2)
    assert (staffed / "staffing.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_running_staffed_yaml_reproduces_the_verification(staffed: Path, tmp_path: Path) -> None:
    # staffed.yaml lives in another folder than the forecast it was made from: it holds the
    # forecast's rows, and the verification's seed and replications.
    out = tmp_path / "run"
    assert main(["run", "-q", str(staffed / "staffed.yaml"), "--only", "intervals_summary", "-o", str(out)]) == 0
    table = rows(staffed / "staffing.csv")
    summary = rows(out / "intervals_summary.csv")
    assert len(summary) == len(table)
    for mine, theirs in zip(table, summary, strict=True):
        assert float(theirs["interval_start"]) == float(mine["interval_start"])
        assert float(theirs["agents_logged_in_mean"]) == pytest.approx(int(mine["agents"]), abs=1e-3)
        for column in ("service_level", "asa", "abandon_rate"):
            assert float(theirs[f"{column}_mean"]) == pytest.approx(float(mine[column]), abs=6e-4), column
        assert float(theirs["service_level_ci95"]) == pytest.approx(float(mine["service_level_ci95"]), abs=6e-4)


def test_staffed_yaml_carries_its_data_files(tmp_path: Path) -> None:
    # An empirical talk time read from a file, a trace feeding a second queue, a second pool
    # on a staffing file: staffed.yaml in the output folder runs there, as the verification.
    source = tmp_path / "src"
    source.mkdir()
    (source / "talk.csv").write_text("talk\n50\n60\n70\n80\n", encoding="utf-8")
    (source / "other.csv").write_text("at,agents\n0,2\n1800,3\n", encoding="utf-8")
    (source / "calls.csv").write_text("time\n5\n100\n200\n", encoding="utf-8")
    (source / "day.yaml").write_text(
        "acdsim: 1\nhorizon: 1h\ntiming: continuous\nqueues:\n"
        "  - id: 1\n    callers:\n      arrivals: {calls_per_hour: 120}\n"
        "      talk_time: {dist: empirical, file: talk.csv, column: talk}\n"
        "  - id: 2\n    callers:\n      arrivals: {trace: calls.csv}\n      talk_time: 30\n"
        "agents: {}\npools:\n  - {name: a, first_id: 10, tiers: [{queue: 1}], staffing: 3}\n"
        "  - {name: b, first_id: 100, tiers: [{queue: 2}], staffing: {file: other.csv}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["staff", str(source / "day.yaml"), "-q", "--pool", "a", "--sl", "80/20", "--replications", "3",
                 "--jobs", "2", "-o", str(out)]) == 0
    assert (out / "calls.csv").is_file()
    run = tmp_path / "run"
    assert main(["run", "-q", str(out / "staffed.yaml"), "--only", "intervals_summary", "-o", str(run)]) == 0
    mine = [float(r["service_level"]) for r in rows(out / "staffing.csv")]
    theirs = [float(r["service_level_mean"]) for r in rows(run / "intervals_summary.csv") if r["queue"] == "1"]
    assert theirs == pytest.approx(mine, abs=6e-4)


def test_same_seed_same_bytes_and_jobs_do_not_matter(day: Path, staffed: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert staff_cli(day, again, "--shrinkage", "30%", "--jobs", "1") == 0
    two = tmp_path / "two"
    assert staff_cli(day, two, "--shrinkage", "30%", "--jobs", "2") == 0
    expected = (staffed / "staffing.csv").read_bytes()
    assert (again / "staffing.csv").read_bytes() == expected
    assert (two / "staffing.csv").read_bytes() == expected
    assert (two / "staffed.yaml").read_bytes() == (staffed / "staffed.yaml").read_bytes()


def test_a_dask_cluster_gives_the_same_bytes(day: Path, staffed: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        out = tmp_path / "dask"
        assert staff_cli(day, out, "--shrinkage", "30%", "--scheduler", cluster.scheduler_address) == 0
    assert (out / "staffing.csv").read_bytes() == (staffed / "staffing.csv").read_bytes()


@pytest.mark.parametrize(
    ("extra", "lines"),
    [
        (["--sl", "0.8/20", "--max-abandon", "x"], ["error: --sl: 0.8/20 is ambiguous", "error: --max-abandon: "]),
        (["--pool", "nobody"], ["error: --pool: no pool named 'nobody' (pools: desk)"]),
        (["--interval", "7m"], ["does not divide the horizon"]),
        (["--shrinkage", "100%"], ["error: --shrinkage: shrinkage must be below 100 %"]),
        (["--max-asa", "soon"], ["error: --max-asa: "]),
        (["--tolerance", "0%", "--asa-tolerance", "later"],
         ["error: --tolerance: must be above 0 %", "error: --asa-tolerance: "]),
    ],
)
def test_errors_are_one_line_each_with_status_2(
    day: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], lines: list[str],
) -> None:
    assert staff_cli(day, tmp_path / "out", *extra) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == len(lines), err
    for line, expected in zip(err, lines, strict=True):
        assert line.startswith("error: ") and expected in line, line
    assert not (tmp_path / "out").exists()


def test_a_scenario_without_a_pool_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(SCENARIO.split("pools:")[0].replace("{profile: {file: small_forecast.csv}}", "{calls_per_hour: 60}"),
                    encoding="utf-8")
    assert main(["staff", str(path), "-q", "--sl", "80/20", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "has no pool" in err[0]


def test_a_target_below_the_ring_time_is_an_error(day: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ringing = day.with_name("ringing.yaml")
    ringing.write_text(day.read_text(encoding="utf-8").replace("answer_time: 0", "answer_time: 2"), encoding="utf-8")
    assert main(["staff", str(ringing), "-q", "--max-asa", "1s", "--replications", "2", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no staffing up to" in err[0] and "ring time" in err[0], err


def test_no_target_is_an_error(day: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staff", str(day), "-q", "-o", str(tmp_path / "o")]) == 2
    assert "no target" in capsys.readouterr().err
