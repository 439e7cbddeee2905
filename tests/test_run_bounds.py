"""Runs that never end, unbounded work and no-progress loops (docs/limits.md)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

import acdsim
import simkit
from acdsim.cli import main
from acdsim.engine import NoProgressError, NullRecorder, Simulation
from acdsim.engine.guards import CHECK_EVERY
from acdsim.model.workload import DEFAULT_MAX_CALLERS, bounds, estimate
from acdsim.units import MAX_DURATION

# -- item 1: a horizon so small (or large) that the run never ended ---------------------------


def _progress_run(horizon: float, timing: str) -> list[float]:
    sc = simkit.scenario(agents=[simkit.agent(1)], trace=[0.0], horizon=horizon, timing=timing)
    seen: list[float] = []
    Simulation(sc, progress=seen.append).run()
    return seen


@pytest.mark.parametrize("timing", ["pbx", "continuous"])
def test_a_horizon_of_5e_324_with_progress_ends(timing: str) -> None:
    # horizon / 100 is 0: the progress report used to reschedule itself at t = 0 forever.
    assert _progress_run(5e-324, timing) == [0.0] * 100


def test_progress_is_reported_100_times_at_hundredths_of_the_horizon() -> None:
    seen = _progress_run(100.0, "pbx")
    assert seen == pytest.approx([float(k) for k in range(1, 101)])


def test_the_longest_horizon_with_progress_ends() -> None:
    assert len(_progress_run(MAX_DURATION, "pbx")) == 100


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


SCENARIO = """\
acdsim: 1
name: bounds
horizon: {horizon}
timing: {timing}
replications: {replications}
queues:
  - id: 1
    strategy: longest-idle-agent
    agents:
      local: [{{agent_id: 1, level: 1, position: 1}}, {{agent_id: 2, level: 1, position: 1}}]
    callers:
      arrivals: {arrivals}
      talk_time: {talk}
{callers_extra}
agents:
  local:
    - {{id: 1, call_timeout: {timeout}, behavior: {behavior}}}
    - {{id: 2, call_timeout: {timeout}, behavior: {behavior}}}
behaviors:
  never: {{p_no_answer: 1}}
  busy: {{p_busy: 1}}
  flaky: {{p_busy: 0.5}}
"""


def scenario_text(**kw: Any) -> str:
    values: dict[str, Any] = {
        "horizon": 3600, "timing": "continuous", "replications": 1,
        "arrivals": "{calls_per_hour: 10}", "talk": 60, "callers_extra": "",
        "timeout": 30, "behavior": "default",
    }
    values.update(kw)
    return SCENARIO.format(**values)


def test_validate_refuses_a_horizon_below_1_ms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _write(tmp_path, scenario_text(horizon="5e-324", timing="pbx"))
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {file}: horizon: 4.94066e-324 s is shorter than 0.001 s, the shortest horizon simulated"]


def test_run_refuses_a_horizon_beyond_ten_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _write(tmp_path, scenario_text(horizon="2e9", arrivals="{calls_per_hour: 0}"))
    assert main(["run", file, "-o", str(tmp_path / "out"), "-q", "--only", "summary"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {file}:") and "horizon: a duration must be at most 315360000 s" in line


def _load(tmp_path: Path, **kw: Any) -> Any:
    return acdsim.load_scenario(_write(tmp_path, scenario_text(**kw)))


def test_estimate_is_rate_times_horizon_times_replications(tmp_path: Path) -> None:
    sc = _load(tmp_path, arrivals="{calls_per_hour: 360}", horizon="2h", replications=3)
    assert estimate(sc).callers == pytest.approx(720 * 3)


def test_estimate_integrates_a_profile_over_the_horizon(tmp_path: Path) -> None:
    # 0 before 10 min, 60/h for 20 min, 120/h from 30 min to the 1 h horizon.
    sc = _load(tmp_path, arrivals="{profile: [{at: 10m, calls_per_hour: 60}, {at: 30m, calls_per_hour: 120}]}")
    assert estimate(sc).callers == pytest.approx(20 + 60)


def test_estimate_counts_trace_rows_before_the_horizon(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("time\n0\n10\n3599\n3600\n5000\n", encoding="utf-8")
    sc = _load(tmp_path, arrivals="{trace: t.csv}")
    assert estimate(sc).callers == 3


def test_estimate_counts_retries_as_if_every_caller_abandoned(tmp_path: Path) -> None:
    extra = "      patience: 60\n      retry: {probability: 0.5, delay: 60}"
    sc = _load(tmp_path, arrivals="{calls_per_hour: 100}", callers_extra=extra)
    assert estimate(sc).callers == pytest.approx(100 * (1 + 0.5 / 0.5))


def test_retries_that_never_stop_are_refused(tmp_path: Path) -> None:
    # Every caller abandons at once and calls again at once: an endless loop at one instant.
    extra = "      patience: 0\n      retry: {probability: 1, delay: 0}"
    sc = _load(tmp_path, callers_extra=extra)
    (error,) = bounds(sc).errors
    assert "about infinitely many callers" in error[1]


def test_a_billion_callers_are_refused_naming_the_estimate_and_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (A billion calls per hour is refused by the loader: rates are at most 1,000,000/hour.)
    file = _write(
        tmp_path,
        scenario_text(horizon="1000h", arrivals="{calls_per_hour: 1000000}", callers_extra="      patience: 60"),
    )
    for argv in (["validate", file], ["run", file, "-o", str(tmp_path / "out"), "-q"]):
        assert main(argv) == 2
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert line == (
            f"error: {file}: the run would simulate about 1,000,000,000 callers, more than the "
            "limit of 20,000,000; raise it with --max-callers (max_callers= in acdsim.simulate) "
            "or shorten the horizon"
        )
    assert not (tmp_path / "out").exists()


def test_max_callers_raises_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _write(
        tmp_path,
        scenario_text(horizon="30h", arrivals="{calls_per_hour: 1000000}", callers_extra="      patience: 60"),
    )
    assert main(["validate", file]) == 2
    capsys.readouterr()
    assert main(["validate", "--max-callers", "30000000", file]) == 0
    out = capsys.readouterr()
    assert out.out == f"ok: {file}\n"
    assert out.err == f"note: {file}: about 30,000,000 callers\n"


def test_a_large_estimate_is_noted_with_its_replications(tmp_path: Path) -> None:
    sc = _load(tmp_path, arrivals="{calls_per_hour: 1000000}", replications=3, callers_extra="      patience: 60")
    assert bounds(sc).notes == [((), "about 3,000,000 callers over 3 replications")]
    assert bounds(sc, max_callers=2_999_999).errors
    assert DEFAULT_MAX_CALLERS == 20_000_000


def test_simulate_refuses_above_max_callers(tmp_path: Path) -> None:
    file = _write(tmp_path, scenario_text())
    with pytest.raises(acdsim.ScenarioError) as caught:
        acdsim.simulate(file, max_callers=5)
    assert "about 10 callers, more than the limit of 5" in str(caught.value)


def test_an_overloaded_queue_with_unbounded_waits_is_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 2 agents offered 10x their capacity (1,200 calls/hour x 60 s = 20 erlangs), no patience.
    file = _write(tmp_path, scenario_text(arrivals="{calls_per_hour: 1200}"))
    assert main(["validate", file]) == 0
    assert capsys.readouterr().err == (
        f"warning: {file}: queues[0]: queue 1 is offered 20 erlangs (1,200 calls/hour x 60 s "
        "mean talk time), 10 per agent for its 2 agents, and nothing ends a wait (no patience, "
        "no max_wait_time): the queue grows without bound\n"
    )


@pytest.mark.parametrize("extra", ["      patience: 60", ""])
def test_an_overloaded_queue_whose_waits_end_is_not_warned(tmp_path: Path, extra: str) -> None:
    if extra:
        sc = _load(tmp_path, arrivals="{calls_per_hour: 1200}", callers_extra=extra)
    else:
        sc = _load(tmp_path, arrivals="{calls_per_hour: 100}")  # 1.67 erlangs for 2 agents
    assert bounds(sc).warnings == []


# -- item 3: no-progress loops -------------------------------------------------------------------


def _spin(timing: str = "continuous") -> Any:
    return simkit.scenario(
        agents=[simkit.agent(1, call_timeout=1e-9, behavior="never"), simkit.agent(2, call_timeout=1e-9, behavior="never")],
        behaviors={"never": {"p_no_answer": 1}}, trace=[0.0], timing=timing, horizon=60,
    )


def test_a_1e_9_call_timeout_that_is_never_answered_stops_with_no_progress() -> None:
    with pytest.raises(NoProgressError) as caught:
        Simulation(_spin(), NullRecorder()).run()
    message = str(caught.value)
    assert message.startswith("caller 1-1 (queue 1) was offered ")
    assert "p_no_answer 1 and call_timeout 1e-09 s" in message
    assert "no_answer_delay_time" in message


def test_no_progress_is_exit_2_with_one_error_line_and_no_output_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _write(tmp_path, scenario_text(timeout="1e-9", behavior="never", arrivals="{calls_per_hour: 60}"))
    out = tmp_path / "out"
    assert main(["run", file, "-o", str(out), "--only", "summary", "-q"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {file}: the run makes no progress: caller ")
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_simulate_raises_no_progress(tmp_path: Path) -> None:
    file = _write(tmp_path, scenario_text(timeout="1e-9", behavior="never", arrivals="{calls_per_hour: 60}"))
    with pytest.raises(acdsim.NoProgressError, match="was offered"):
        acdsim.simulate(file)


def test_no_progress_error_crosses_process_boundaries() -> None:
    # Parallel replications re-raise the worker's exception in the parent.
    again = pickle.loads(pickle.dumps(NoProgressError("caller 1-1 was offered 8 times")))
    assert isinstance(again, NoProgressError) and str(again) == "caller 1-1 was offered 8 times"


def test_failures_a_tick_apart_are_progress() -> None:
    # Busy at once, no delay: each agent is offered again 0.1 s later (10 a second); the
    # callers are answered in between. The guard must leave such a run alone.
    sc = simkit.scenario(
        agents=[simkit.agent(1, behavior="flaky")], behaviors={"flaky": {"p_busy": 0.9}},
        trace=[0.0] * 500, talk=1, horizon=60,
    )
    rec = simkit.run(sc)
    assert {c.outcome for c in rec.calls} == {"answered"}
    assert sum(o.result == "busy" for o in rec.offers) > CHECK_EVERY  # the guard looked


class _CountingRecorder(NullRecorder):
    def __init__(self) -> None:
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1


def test_failed_offers_flush_the_recorder_however_few_the_callers() -> None:
    # One caller, an always-busy agent, the drain limit 1,000 s: ~10,000 busy offers, and the
    # recorder's offer lists are flushed every CHECK_EVERY of them (not only per 1,024 callers).
    sc = simkit.scenario(
        agents=[simkit.agent(1, behavior="busy")], behaviors={"busy": {"p_busy": 1}},
        trace=[0.0], horizon=1, drain_limit=1000,
    )
    rec = _CountingRecorder()
    Simulation(sc, rec).run()  # type: ignore[arg-type]
    assert rec.flushes == 10_000 // CHECK_EVERY


def test_always_busy_agents_are_warned_that_no_call_is_answered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _write(tmp_path, scenario_text(behavior="busy"))
    assert main(["validate", file]) == 0
    assert capsys.readouterr().err == (
        f"warning: {file}: queues[0]: no call of queue 1 can ever be answered: every agent's "
        "behavior (busy) fails every offer (p_no_answer + p_reject + p_busy = 1, or an "
        "answer_time never under call_timeout)\n"
    )


def test_an_answer_time_never_under_call_timeout_is_warned(tmp_path: Path) -> None:
    sc = _load(tmp_path, timeout=3)  # the default answer_time is 3 s
    (warning,) = bounds(sc).warnings
    assert "can ever be answered" in warning[1]


def test_a_queue_without_tiers_is_warned() -> None:
    sc = simkit.scenario(agents=[simkit.agent(1)], tiers=[], trace=[0.0])
    assert bounds(sc).warnings == [(("queues", 0), "no call of queue 1 can ever be answered: the queue has no agents (no tier)")]


def test_agents_never_logged_in_are_warned_unless_a_shift_or_change_logs_them_in() -> None:
    out = simkit.agent(1, status="logged_out")
    sc = simkit.scenario(agents=[out], trace=[0.0])
    (warning,) = bounds(sc).warnings
    assert "none of its agents is ever logged in" in warning[1]
    shift = [{"agents": ["local/1"], "from": 60, "to": 120}]
    assert bounds(simkit.scenario(agents=[out], trace=[0.0], schedule=shift)).warnings == []
    change = [{"at": 60, "agent": "local/1", "status": "available_on_demand"}]
    assert bounds(simkit.scenario(agents=[out], trace=[0.0], schedule=change)).warnings == []


def test_status_of_a_run_without_progress_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _write(tmp_path, scenario_text(timeout="1e-9", behavior="never", arrivals="{calls_per_hour: 60}"))
    assert main(["status", file, "--at", "1h"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {file}: the run makes no progress: caller ")


def test_a_microsecond_status_interval_is_refused_unless_status_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 3,600,000,000 rows of status.csv for a one-hour run, however few the callers.
    text = scenario_text() + "report: {status_interval: 0.000001}\n"
    file = _write(tmp_path, text)
    assert main(["run", file, "-o", str(tmp_path / "out"), "-q"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"error: {file}: report.status_interval: status.csv would hold about 3,600,000,000 rows "
        "(horizon / status_interval x queues x replications), more than the limit of 20,000,000; "
        "raise status_interval, leave status out (--only), or raise the limit with --max-callers"
    )
    assert main(["run", file, "-o", str(tmp_path / "out"), "-q", "--only", "summary"]) == 0
