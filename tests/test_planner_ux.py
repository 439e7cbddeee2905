"""What a capacity planner trying acdsim tripped over: warnings with lines, warnings for
schedule entries that never take effect, the behaviour line of ``run``, ``--only a,b``,
``status --at`` bounds and clock times, and an empty agent-events table with its columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.cli import main
from acdsim.model import Scenario
from acdsim.model.advice import behaviour_line, warnings

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = str(ROOT / "scenarios" / "quickstart.yaml")

BASE = (
    "horizon: 1h\n"                                                    # 1
    "queues:\n"                                                        # 2
    "  - id: 1\n"                                                      # 3
    "    agents: {local: [{agent_id: 1}, {agent_id: 2}]}\n"            # 4
    "    callers:\n"                                                   # 5
    "      talk_time: 60\n"                                            # 6
)


def write(tmp_path: Path, text: str) -> str:
    f = tmp_path / "s.yaml"
    f.write_text(text)
    return str(f)


def validate(tmp_path: Path, text: str, capsys) -> list[str]:
    f = write(tmp_path, text)
    assert main(["validate", f]) == 0
    out, err = capsys.readouterr()
    assert out == f"ok: {f}\n"
    return [line.replace(f, "FILE") for line in err.splitlines()]


RATE = "      arrivals: {calls_per_hour: 10}\n"
AGENTS = "agents: {local: [{id: 1}, {id: 2}]}\n"


def test_a_profile_step_at_or_after_the_horizon_is_a_warning_with_its_line(tmp_path: Path, capsys):
    text = BASE + (
        "      arrivals:\n"                         # 7
        "        profile:\n"                        # 8
        "          - {at: 0, calls_per_hour: 10}\n"  # 9
        "          - {at: 1h, calls_per_hour: 99}\n"  # 10
    ) + AGENTS
    assert validate(tmp_path, text, capsys) == [
        "warning: FILE:10: queues[0].callers.arrivals.profile[1].at: this rate never takes effect: "
        "it starts at 3600 s, at or after the horizon (3600 s), and arrivals are generated in [0, horizon)"
    ]


def test_a_status_change_after_the_end_of_a_run_without_drain_never_takes_effect(tmp_path: Path, capsys):
    text = BASE + RATE + AGENTS + (
        "drain: false\n"
        "schedule:\n"
        "  - {at: 30m, agent: local/1, status: on_break}\n"   # 11: fine
        "  - {at: 2h, agent: local/1, status: available}\n"   # 12
    )
    assert validate(tmp_path, text, capsys) == [
        "warning: FILE:12: schedule[1].at: this status change never takes effect: it starts at "
        "7200 s and the run stops at the horizon (3600 s) with drain false"
    ]


def test_a_shift_after_the_horizon_of_a_draining_run_only_meets_draining_callers(tmp_path: Path, capsys):
    text = BASE + RATE + AGENTS + (
        "drain_limit: 1h\n"
        "schedule:\n"
        "  - {agents: [local/1], from: 1h30m, to: 3h}\n"   # 11
        "  - {agents: [local/2], from: 3h, to: 4h}\n"      # 12
    )
    lines = validate(tmp_path, text, capsys)
    assert lines[0].startswith("warning: FILE:11: schedule[0].from: this shift starts at 5400 s, at or "
                               "after the horizon (3600 s): no caller arrives any more")
    assert lines[1] == (
        "warning: FILE:12: schedule[1].from: this shift never takes effect: it starts at 10800 s "
        "and the run stops at the latest at horizon + drain_limit (7200 s)"
    )
    assert len(lines) == 2


def test_overlapping_shifts_of_one_agent_are_a_warning_on_the_later_shift(tmp_path: Path, capsys):
    text = BASE + RATE + AGENTS + (
        "schedule:\n"
        "  - {agents: [local/1, local/2], from: 0, to: 30m}\n"   # 10
        "  - {agents: [local/2], from: 30m, to: 40m}\n"           # 11: touches, no overlap
        "  - agents: [local/2]\n"                                 # 12
        "    from: 20m\n"
        "    to: 50m\n"
    )
    assert validate(tmp_path, text, capsys) == [
        "warning: FILE:12: schedule[2].agents[0]: local/2 is already on shift schedule[0] "
        "[0, 1800) s, which overlaps this one [1200, 3000) s: the agent works the union of the "
        "two (one login, one logout)"
    ]


def test_existing_warnings_keep_their_string_paths():
    sc = Scenario.model_validate({
        "horizon": 100,
        "queues": [{"id": 1, "strategy": "top-down",
                    "agents": {"local": [{"agent_id": 1, "level": 0, "position": 0}]},
                    "callers": {"arrivals": {"calls_per_hour": 1}, "talk_time": 1}}],
        "agents": {"local": [{"id": 1}]},
    })
    assert [p for p, _ in warnings(sc)] == ["queues[0].agents.local[0]"]


def test_run_prints_the_answer_time_in_force_and_is_quiet_with_q(tmp_path: Path, capsys):
    assert main(["run", QUICKSTART, "-o", str(tmp_path / "a"), "--horizon", "10m"]) == 0
    out = capsys.readouterr().out
    assert (
        "behaviour: agents answer after 3 s (behaviors.default.answer_time); timing pbx "
        "(Erlang C/A assume answer_time 0 and timing continuous)"
    ) in out
    assert main(["run", QUICKSTART, "-o", str(tmp_path / "b"), "--horizon", "10m", "-q"]) == 0
    assert "behaviour" not in capsys.readouterr().out


def test_behaviour_line_names_each_behaviour_in_use_and_drops_the_erlang_note_when_ideal():
    def sc(behaviors, agent_behaviors, timing):
        return Scenario.model_validate({
            "horizon": 100, "timing": timing, "behaviors": behaviors,
            "queues": [{"id": 1, "agents": {"local": [{"agent_id": i} for i in range(len(agent_behaviors))]},
                        "callers": {"arrivals": {"calls_per_hour": 1}, "talk_time": 1}}],
            "agents": {"local": [{"id": i, "behavior": b} for i, b in enumerate(agent_behaviors)]},
        })

    assert behaviour_line(sc({"default": {"answer_time": 0}}, ["default"], "continuous")) == (
        "behaviour: agents answer at once (behaviors.default.answer_time); timing continuous"
    )
    mixed = sc({"slow": {"answer_time": {"dist": "exponential", "mean": 5}}}, ["slow", "default"], "pbx")
    assert behaviour_line(mixed).startswith(
        "behaviour: agents answer after 3 s (behaviors.default.answer_time), after exponential 5 s "
        "on average (behaviors.slow.answer_time); timing pbx"
    )


def test_only_takes_comma_separated_outputs(tmp_path: Path):
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--horizon", "10m", "-q",
                 "--only", "summary,intervals", "--only", "calls"]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {"summary.json", "intervals.csv", "calls.csv", "scenario.yaml", "manifest.json"}


@pytest.mark.parametrize("value", ["summary,nope", "summary,", "bogus"])
def test_only_rejects_an_unknown_output_listing_the_choices(tmp_path: Path, capsys, value):
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--only", value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "is not one of summary, calls, offers, agents, status, intervals, agent_events" in err
    assert not (tmp_path / "summary.json").exists()


def test_status_past_the_end_of_the_run_is_an_error_naming_the_end(tmp_path: Path, capsys):
    # quickstart: horizon 8 h, drain with the default drain_limit of 24 h -> ends at 115200 s.
    assert main(["status", QUICKSTART, "--at", "115200"]) == 0
    capsys.readouterr()
    assert main(["status", QUICKSTART, "--at", "115201"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "115201 s is past the end of the run: it ends at 115200 s (horizon 28800 s + drain_limit 86400 s)" in err
    f = write(tmp_path, BASE + RATE + AGENTS + "drain: false\n")
    assert main(["status", f, "--at", "1h1s"]) == 2
    assert "it ends at 3600 s (horizon 3600 s, drain false)" in capsys.readouterr().err


def test_status_at_a_clock_time_is_seconds_after_start_on_its_date(tmp_path: Path, capsys):
    f = write(tmp_path, BASE + RATE + AGENTS + "start: 2026-03-02 09:00:00\n")
    assert main(["status", f, "--at", "09:10"]) == 0
    by_clock = capsys.readouterr().out
    assert main(["status", f, "--at", "600"]) == 0
    assert capsys.readouterr().out == by_clock
    assert main(["status", f, "--at", "09:10:00", "--members", "--queue", "1"]) == 0
    capsys.readouterr()
    assert main(["status", f, "--at", "08:59"]) == 2
    assert "08:59:00 is before the start of the run (2026-03-02 09:00:00)" in capsys.readouterr().err
    assert main(["status", f, "--at", "10:00:01"]) == 0  # after the horizon, while draining
    capsys.readouterr()
    assert main(["status", f, "--at", "24:00"]) == 2
    assert "not a clock time" in capsys.readouterr().err


def test_the_api_agent_events_frame_has_its_columns_when_empty():
    import acdsim

    sc = Scenario.model_validate({
        "horizon": 60,
        "queues": [{"id": 1, "agents": {"local": [{"agent_id": 1}]},
                    "callers": {"arrivals": {"calls_per_hour": 60}, "talk_time": 10}}],
        "agents": {"local": [{"id": 1}]},
    })
    events = acdsim.simulate(sc).agent_events
    assert events.empty
    assert list(events.columns) == ["replication", "time", "event_type", "url", "method", "data"]


def test_the_api_agent_events_frame_keeps_the_same_columns_with_events():
    import acdsim

    sc = Scenario.model_validate({
        "horizon": 60,
        "queues": [{"id": 1, "agents": {"local": [{"agent_id": 1}]},
                    "callers": {"arrivals": {"calls_per_hour": 60}, "talk_time": 10}}],
        "agents": {"local": [{"id": 1, "events": [{"event_type": "agent-login", "url": "http://x/", "method": "POST"}]}]},
        "schedule": [{"at": 10, "agent": "local/1", "status": "logged_out"},
                     {"at": 20, "agent": "local/1", "status": "available"}],
    })
    events = acdsim.simulate(sc).agent_events
    assert list(events.columns) == ["replication", "time", "event_type", "url", "method", "data"]
    assert events["event_type"].tolist() == ["agent-login"] and events["replication"].tolist() == [0]


def test_the_status_api_refuses_a_time_past_the_end_of_the_run():
    from acdsim.output.status import status_at

    sc = Scenario.model_validate({
        "horizon": 60, "drain": False,
        "queues": [{"id": 1, "agents": {"local": [{"agent_id": 1}]},
                    "callers": {"arrivals": {"calls_per_hour": 60}, "talk_time": 10}}],
        "agents": {"local": [{"id": 1}]},
    })
    assert set(status_at(sc, 60)) == {"1"}
    with pytest.raises(ValueError, match=r"61 s is past the end of the run: it ends at 60 s \(horizon 60 s, drain false\)"):
        status_at(sc, 61)


@settings(max_examples=60, deadline=None)
@given(
    a=st.tuples(st.integers(0, 50), st.integers(1, 50)),
    b=st.tuples(st.integers(0, 50), st.integers(1, 50)),
)
def test_two_shifts_of_one_agent_warn_exactly_when_they_overlap(a, b):
    (a_from, a_len), (b_from, b_len) = a, b
    sc = Scenario.model_validate({
        "horizon": 1000,
        "queues": [{"id": 1, "agents": {"local": [{"agent_id": 1}]},
                    "callers": {"arrivals": {"calls_per_hour": 1}, "talk_time": 1}}],
        "agents": {"local": [{"id": 1}]},
        "schedule": [{"agents": ["local/1"], "from": a_from, "to": a_from + a_len},
                     {"agents": ["local/1"], "from": b_from, "to": b_from + b_len}],
    })
    overlap = max(a_from, b_from) < min(a_from + a_len, b_from + b_len)
    assert [p for p, _ in warnings(sc)] == (["schedule[1].agents[0]"] if overlap else [])
