"""``acdsim sweep`` and ``acdsim.sweep``: points, common random numbers, the same bytes
wherever the runs execute, paired differences, --set parsing, interruptions."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import acdsim
from acdsim.cli import main
from acdsim.errors import ScenarioError
from acdsim.loader import load_scenario
from acdsim.planning.points import SetError, parse_path, parse_range, parse_set
from acdsim.planning.sweep import sweep

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
TWO_QUEUES = ROOT / "scenarios" / "two_queues.yaml"
SRC = str(ROOT / "src")
ENV = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
WRAP = "agents.local[0].wrap_up_time"


def quick_scenario(tmp_path: Path, wrap_up: int = 0) -> Path:
    """The quickstart over 2 hours, with the local agent's wrap-up time written in the file."""
    text = QUICKSTART.read_text(encoding="utf-8").replace("horizon: 8h", "horizon: 2h")
    text = text.replace("       wrap_up_time: 0,\n", f"       wrap_up_time: {wrap_up},\n", 1)
    path = tmp_path / f"quick-{wrap_up}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def sweep_cli(scenario: Path, out: Path, *extra: str) -> int:
    return main(["sweep", str(scenario), "-q", "-o", str(out), *extra])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ----------------------------------------------------------------------------------- results


def test_a_point_gives_the_bytes_of_a_plain_run_of_its_scenario(tmp_path: Path) -> None:
    result = sweep(quick_scenario(tmp_path), {WRAP: [0, 30]}, replications=3)
    for index, wrap_up in enumerate([0, 30]):
        out = tmp_path / f"run-{wrap_up}"
        file = quick_scenario(tmp_path, wrap_up)
        assert main(["run", "-q", str(file), "--only", "summary", "--replications", "3", "-o", str(out)]) == 0
        assert result.point_summary_json(index).encode() == (out / "summary.json").read_bytes()


def test_sweep_csv_holds_each_replications_kpis(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    assert sweep_cli(quick_scenario(tmp_path), out, "--set", f"{WRAP}=0,30", "--replications", "2") == 0
    table = rows(out / "sweep.csv")
    assert list(table[0])[:4] == [WRAP, "replication", "queue", "offered"]
    assert [(r[WRAP], r["replication"], r["queue"]) for r in table] == [
        ("0", "0", "208"), ("0", "1", "208"), ("30", "0", "208"), ("30", "1", "208")
    ]
    result = sweep(quick_scenario(tmp_path), {WRAP: [30]}, replications=2)
    per_rep = result.per_run[(0, 1)]["queues"]["208"]
    assert float(table[3]["service_level"]) == per_rep["service_level"]  # written in full
    assert int(table[3]["offered"]) == per_rep["offered"]
    summary = rows(out / "sweep_summary.csv")
    assert [r[WRAP] for r in summary] == ["0", "30"]
    assert {"service_level_mean", "service_level_ci95", "asa_mean", "asa_ci95"} <= set(summary[0])
    assert (out / "manifest.json").is_file() and (out / "scenario.yaml").is_file()


def test_the_grid_is_the_cartesian_product_first_axis_slowest(tmp_path: Path) -> None:
    result = sweep(
        quick_scenario(tmp_path), {"queues[0].strategy": ["ring-all", "top-down"], WRAP: [0, 10, 20]},
        replications=1,
    )
    assert [tuple(v for _, v in p.values) for p in result.points] == [
        ("ring-all", 0), ("ring-all", 10), ("ring-all", 20), ("top-down", 0), ("top-down", 10), ("top-down", 20)
    ]
    assert result.points[4].scenario.queues[0].strategy == "top-down"
    assert result.points[4].scenario.agents.local[0].wrap_up_time == 10
    assert len(result.runs) == 6 and len(result.summary) == 6


def test_every_point_gets_the_same_callers_common_random_numbers(tmp_path: Path) -> None:
    # Arrivals are drawn per queue and talk time and patience at arrival, from streams of their
    # own: without retries, a change of the agents leaves the offered calls alone.
    result = sweep(quick_scenario(tmp_path), {WRAP: [0, 60, 120]}, replications=4, baseline={WRAP: 0})
    table = result.summary
    assert (table["offered_diff"] == 0).all() and (table["offered_diff_ci95"] == 0).all()
    assert table["answered_diff"].iloc[2] < 0  # a long wrap-up answers fewer calls


def test_identical_points_differ_by_exactly_zero(tmp_path: Path) -> None:
    out = tmp_path / "same"
    code = sweep_cli(
        TWO_QUEUES, out, "--set", "queues[0].label=a,b", "--replications", "3",
        "--baseline", "queues[0].label=a", "--seed", "5",
    )
    assert code == 0
    table = rows(out / "sweep_summary.csv")
    assert len(table) == 4  # 2 points x 2 queues
    diffs = [c for c in table[0] if c.endswith("_diff") or c.endswith("_diff_ci95")]
    assert diffs and "service_level_diff" in diffs
    for row in table:
        for column in diffs:
            if row[column] != "":  # empty only where no replication has a value (e.g. no answer)
                assert float(row[column]) == 0.0, (column, row[column])
    assert table[2]["service_level_mean"] == table[0]["service_level_mean"]


def test_python_sweep_returns_dataframes(tmp_path: Path) -> None:
    result = acdsim.sweep(str(quick_scenario(tmp_path)), {WRAP: range(0, 21, 20)}, replications=2)
    assert list(result.runs.columns[:3]) == [WRAP, "replication", "queue"]
    assert result.runs[WRAP].tolist() == [0, 0, 20, 20]
    assert result.summary["service_level_ci95"].notna().all()


# ------------------------------------------------------------------------------ where it runs


def test_jobs_2_writes_the_bytes_of_jobs_1(tmp_path: Path) -> None:
    scenario = quick_scenario(tmp_path)
    args = ["--set", f"{WRAP}=0,30", "--set", "queues[0].strategy=ring-all,longest-idle-agent",
            "--replications", "2", "--baseline", f"{WRAP}=0"]
    assert sweep_cli(scenario, tmp_path / "one", *args, "--jobs", "1") == 0
    assert sweep_cli(scenario, tmp_path / "two", *args, "--jobs", "2") == 0
    for name in ("sweep.csv", "sweep_summary.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_jobs_2_with_data_files_writes_the_bytes_of_jobs_1(tmp_path: Path) -> None:
    # An empirical distribution read from a file (and a trace) travel to the workers as
    # their values: a worker neither needs the file nor sees values and a file at once.
    (tmp_path / "talk.csv").write_text("talk\n100\n200\n300\n", encoding="utf-8")
    (tmp_path / "calls.csv").write_text("time,talk_time\n10,100\n500,120\n900,60\n", encoding="utf-8")
    args = ["--set", "queues[0].strategy=longest-idle-agent,top-down", "--replications", "2"]
    for arrivals in ("{calls_per_hour: 10}", "{trace: calls.csv}"):
        scenario = tmp_path / "s.yaml"
        scenario.write_text(
            "acdsim: 1\nhorizon: 1h\ntiming: continuous\nqueues:\n  - id: 1\n"
            "    strategy: longest-idle-agent\n    agents: {local: [{agent_id: 1, level: 1, position: 1}]}\n"
            f"    callers:\n      arrivals: {arrivals}\n"
            "      talk_time: {dist: empirical, file: talk.csv, column: talk}\n"
            "agents: {local: [{id: 1}]}\n", encoding="utf-8")
        assert sweep_cli(scenario, tmp_path / "one", *args, "--jobs", "1") == 0
        assert sweep_cli(scenario, tmp_path / "two", *args, "--jobs", "2") == 0
        assert (tmp_path / "one" / "sweep.csv").read_bytes() == (tmp_path / "two" / "sweep.csv").read_bytes()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as running:
        yield running


def test_a_dask_cluster_gives_the_bytes_of_jobs_1(tmp_path: Path, cluster: Any) -> None:
    import distributed

    scenario = quick_scenario(tmp_path)
    args = ["--set", f"{WRAP}=0,30", "--replications", "2", "--baseline", f"{WRAP}=0"]
    assert sweep_cli(scenario, tmp_path / "one", *args, "--jobs", "1") == 0
    assert sweep_cli(scenario, tmp_path / "dask", *args, "--scheduler", cluster.scheduler_address) == 0
    for name in ("sweep.csv", "sweep_summary.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        result = sweep(scenario, {WRAP: [30]}, replications=2, scheduler=client)
    alone = sweep(scenario, {WRAP: [30]}, replications=2)
    assert result.point_summary_json(0) == alone.point_summary_json(0)


def test_run_on_a_cluster_writes_the_bytes_of_jobs_1(tmp_path: Path, cluster: Any) -> None:
    scenario = quick_scenario(tmp_path)
    base = ["run", "-q", str(scenario), "--replications", "3"]
    assert main([*base, "-o", str(tmp_path / "one"), "--jobs", "1"]) == 0
    assert main([*base, "-o", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]) == 0
    names = sorted(p.name for p in (tmp_path / "one").iterdir() if p.name != "manifest.json")
    assert "calls.csv" in names and "summary.json" in names and "intervals_summary.csv" in names
    assert names == sorted(p.name for p in (tmp_path / "dask").iterdir() if p.name != "manifest.json")
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_simulate_gives_the_same_result_in_processes_and_on_a_cluster(tmp_path: Path, cluster: Any) -> None:
    scenario = quick_scenario(tmp_path)
    alone = acdsim.simulate(scenario, replications=3)
    for where in ({"jobs": 2}, {"scheduler": cluster.scheduler_address}):
        other = acdsim.simulate(scenario, replications=3, **where)  # type: ignore[arg-type]
        assert other.summary == alone.summary
        for name in ("calls", "offers", "agents", "status", "intervals", "agent_events"):
            pd.testing.assert_frame_equal(getattr(other, name), getattr(alone, name))


def test_simulate_only_keeps_the_tables_asked_for(tmp_path: Path) -> None:
    scenario = quick_scenario(tmp_path)
    full = acdsim.simulate(scenario, replications=2)
    lean = acdsim.simulate(scenario, replications=2, only=["summary", "agents"], jobs=2)
    assert lean.summary == full.summary
    pd.testing.assert_frame_equal(lean.agents, full.agents)
    assert lean.calls.empty and list(lean.calls.columns) == list(full.calls.columns)
    assert lean.offers.empty and lean.intervals.empty
    with pytest.raises(ValueError, match="'nope' not among"):
        acdsim.simulate(scenario, only=["nope"])


def test_an_unreachable_scheduler_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    import acdsim.planning.dask as dask_mod

    monkeypatch.setattr(dask_mod, "CONNECT_TIMEOUT", "1s")
    code = sweep_cli(quick_scenario(tmp_path), tmp_path / "o", "--set", f"{WRAP}=0",
                     "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --scheduler: cannot reach")
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------------------- --set values


def test_set_lists_keep_numbers_strings_and_durations() -> None:
    assert parse_set("queues[0].strategy=ring-all, top-down") == ("queues[0].strategy", ["ring-all", "top-down"])
    assert parse_set("seed=1,2,3") == ("seed", [1, 2, 3])
    assert parse_set("x.p=0.5,1e-3") == ("x.p", [0.5, 0.001])
    assert parse_set("agents.local[0].wrap_up_time=15m,90s") == ("agents.local[0].wrap_up_time", ["15m", "90s"])
    assert parse_set("q.flag=true,false") == ("q.flag", [True, False])
    assert parse_set("q.patience=null") == ("q.patience", [None])
    assert parse_set("q.name='0,1'")[1] == ["'0", "1'"]  # a comma always separates values


def test_set_ranges_include_the_end() -> None:
    assert parse_range("1..5") == [1, 2, 3, 4, 5]
    assert parse_range("10..30:10") == [10, 20, 30]
    assert parse_range("10..35:10") == [10, 20, 30]
    assert parse_range("0.1..0.3:0.1") == [0.1, 0.2, 0.3]
    assert parse_range("30s..2m:30s") == [30, 60, 90, 120]
    assert parse_set("queues[0].callers.arrivals.calls_per_hour=40..60:10")[1] == [40, 50, 60]


@pytest.mark.parametrize("text", ["nopath", "=1,2", "seed=", "seed=1,,2", "seed=5..1", "seed=1..5:0",
                                  "seed=a..b", "queues[x].id=1", "queues..id=1"])
def test_unreadable_set_texts_are_refused(text: str) -> None:
    with pytest.raises(SetError):
        parse_set(text)


def test_paths_read_like_error_messages() -> None:
    assert parse_path("queues[0].callers.talk_time") == ("queues", 0, "callers", "talk_time")
    assert parse_path("behaviors['odd key'].answer_time") == ("behaviors", "odd key", "answer_time")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("queues[3].strategy=ring-all", "queues[3]: no item [3]: queues has 1 item"),
        ("queus[0].strategy=ring-all", "queus"),
        ("queues[0.strategy=x", "cannot read the key path"),
    ],
)
def test_a_bad_path_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    assert sweep_cli(quick_scenario(tmp_path), tmp_path / "o", "--set", value) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and expected in err[0]
    assert "Traceback" not in err[0]
    assert not (tmp_path / "o").exists()


def test_bad_values_read_like_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = quick_scenario(tmp_path)
    code = sweep_cli(scenario, tmp_path / "o", "--set", "queues[0].strategy=ring-al,top-down",
                     "--set", f"{WRAP}=-5,0,10m")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2, err
    strategy = next(line for line in err if f"{scenario}: queues[0].strategy:" in line)
    assert strategy.startswith(f"error: {scenario}: queues[0].strategy: 'ring-al' is not a strategy (expected one of: ")
    assert "(with queues[0].strategy=ring-al, " in strategy
    wrap = next(line for line in err if f"{scenario}: {WRAP}:" in line)
    assert wrap.startswith(f"error: {scenario}: {WRAP}: ") and wrap.endswith(f"{WRAP}=-5)")


def test_a_baseline_off_the_grid_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = sweep_cli(quick_scenario(tmp_path), tmp_path / "o", "--set", f"{WRAP}=0,30", "--baseline", f"{WRAP}=10")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not one of the swept values" in err[0]


# ------------------------------------------------------------------------------ interruption

# A sweep that stops after its first run until it is interrupted: the test knows the sweep is
# under way (it printed "ready") without timing anything.
PAUSED_SWEEP = r"""
import sys, time
import acdsim.planning.parallel as parallel
real_local, real_worker = parallel.local_kpis, parallel.run_kpis
def local(*args):
    result = real_local(*args)
    print("ready", flush=True)
    sys.stdin.readline()
    return result
def worker(*args):
    result = real_worker(*args)
    print("ready", flush=True)
    time.sleep(60)
    return result
parallel.local_kpis = local
parallel.run_kpis = worker
from acdsim.cli import main
from acdsim.errors import ScenarioError
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(("jobs", "signum", "status"), [
    ("1", signal.SIGINT, 130), ("2", signal.SIGINT, 130), ("2", signal.SIGTERM, 143),
])
def test_ctrl_c_leaves_nothing(tmp_path: Path, jobs: str, signum: int, status: int) -> None:
    out = tmp_path / "sweep"
    # Only the parent gets the SIGINT (a terminal would send it to the whole group; the
    # parent's handling is what matters): its workers must be ended by it.
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_SWEEP, "sweep", str(quick_scenario(tmp_path)), "-q", "-o", str(out),
         "--set", f"{WRAP}=0,10,20", "--replications", "2", "--jobs", jobs],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("ready")  # two workers may print on one line
    assert any(p.name.startswith("sweep.acdsim-new-") for p in tmp_path.iterdir())
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert f"by {signal.Signals(signum).name}; no file was written" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quick-0.yaml"]


def test_the_public_api_lists_sweep() -> None:
    assert "sweep" in dir(acdsim)
    assert acdsim.sweep is sweep
    assert load_scenario(QUICKSTART).replications == 1


# ------------------------------------------------------------------------------ work bounds

SMALL = """\
acdsim: 1
name: small
horizon: 3600
timing: continuous
queues:
  - id: 1
    strategy: longest-idle-agent
    agents:
      local: [{agent_id: 1, level: 1, position: 1}, {agent_id: 2, level: 1, position: 1}]
    callers:
      arrivals: {calls_per_hour: 60}
      talk_time: 60
agents:
  local:
    - {id: 1, call_timeout: TIMEOUT, behavior: BEHAVIOR}
    - {id: 2, call_timeout: TIMEOUT, behavior: BEHAVIOR}
behaviors:
  never: {p_no_answer: 1}
"""
STRATEGIES = "queues[0].strategy=longest-idle-agent,round-robin"


def small_scenario(tmp_path: Path, timeout: str = "30", behavior: str = "default") -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.replace("TIMEOUT", timeout).replace("BEHAVIOR", behavior), encoding="utf-8")
    return path


def test_a_sweep_is_refused_when_its_points_together_exceed_max_callers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 60 callers an hour: 120 a point over 2 replications, under the limit; 240 in all, over.
    file = small_scenario(tmp_path)
    out = tmp_path / "sweep"
    assert sweep_cli(file, out, "--set", STRATEGIES, "--replications", "2", "--max-callers", "200") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {file}: the sweep would simulate about 240 callers over its 2 points, 4 runs, more "
        "than the limit of 200; raise it with --max-callers (max_callers= in acdsim.sweep), sweep "
        "fewer points or replications, or shorten the horizon"
    ]
    assert not out.exists()
    assert sweep_cli(file, out, "--set", STRATEGIES, "--replications", "2", "--max-callers", "240") == 0


def test_python_sweep_refuses_above_max_callers(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="about 240 callers over its 2 points, 4 runs"):
        sweep(small_scenario(tmp_path), {"queues[0].strategy": ["longest-idle-agent", "round-robin"]},
              replications=2, max_callers=200)


def test_a_warning_of_one_point_names_that_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 600 calls an hour of 60 s: 10 erlangs for 2 agents and no patience: the queue grows.
    file = small_scenario(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(file), "-o", str(out), "--set", "queues[0].callers.arrivals.calls_per_hour=60,600"]) == 0
    (warning,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warning.startswith(f"warning: {file}: queues[0]: queue 1 is offered 10 erlangs")
    assert warning.endswith("grows without bound (with queues[0].callers.arrivals.calls_per_hour=600)")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_sweep_without_progress_is_exit_2_with_one_error_line_and_no_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    file = small_scenario(tmp_path, timeout="1e-9", behavior="never")
    out = tmp_path / "sweep"
    assert sweep_cli(file, out, "--set", STRATEGIES, "--jobs", jobs) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {file}: the run makes no progress: caller ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml"]


def test_parquet_on_a_cluster_is_the_parquet_of_jobs_1(tmp_path: Path, cluster: Any) -> None:
    import pyarrow.parquet as pq

    scenario = quick_scenario(tmp_path)
    base = ["run", "-q", str(scenario), "--replications", "3", "--format", "parquet"]
    assert main([*base, "-o", str(tmp_path / "one"), "--jobs", "1"]) == 0
    assert main([*base, "-o", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]) == 0
    names = sorted(p.name for p in (tmp_path / "one").iterdir() if p.name != "manifest.json")
    assert "calls.parquet" in names and "offers.parquet" in names and "status.parquet" in names
    assert names == sorted(p.name for p in (tmp_path / "dask").iterdir() if p.name != "manifest.json")
    for name in names:
        if name.endswith(".parquet"):
            one, dask = pq.read_table(tmp_path / "one" / name), pq.read_table(tmp_path / "dask" / name)
            assert one.equals(dask), name
            if name in ("calls.parquet", "offers.parquet", "status.parquet"):
                assert one.column("replication").to_pylist()[-1] == 2, name
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
