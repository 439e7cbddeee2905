"""The commands beyond validate/schema: run (end to end), status, report, erlang, run --plots."""

from __future__ import annotations

import json
from pathlib import Path

from acdsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = str(ROOT / "scenarios" / "quickstart.yaml")


def test_run_end_to_end_writes_every_output_and_the_scenario(tmp_path: Path, capsys):
    """acdsim run simulates the worked example and writes the §11 files plus scenario.yaml."""
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--horizon", "1h", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "208" in out and "wrote" in out
    names = {p.name for p in tmp_path.iterdir()}
    assert {"summary.json", "calls.csv", "offers.csv", "agents.csv", "status.csv", "intervals.csv",
            "agent_events.jsonl", "scenario.yaml"} <= names
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["horizon"] == 3600


def test_run_with_replications_in_parallel(tmp_path: Path):
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--horizon", "30m", "--replications", "2", "-j", "2", "-q"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["replications"] == 2 and "ci95" in summary["queues"]["208"]


def test_status_command_prints_the_api_shapes(capsys):
    """acdsim status --at D prints the queue status resource; --members the members list."""
    assert main(["status", QUICKSTART, "--at", "10m"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert set(status) == {"208"}
    assert set(status["208"]) == {"answered_members", "trying_members", "waiting_members"}
    assert main(["status", QUICKSTART, "--at", "10m", "--queue", "208", "--members"]) == 0
    members = json.loads(capsys.readouterr().out)
    assert isinstance(members, list)
    for m in members:
        assert set(m) == {"call_api_id", "joined_datetime", "number", "serving_agent", "state", "wait_time"}


def test_status_command_rejects_an_unknown_queue_and_a_bad_time(capsys):
    assert main(["status", QUICKSTART, "--at", "10m", "--queue", "5"]) == 2
    assert "no queue 5" in capsys.readouterr().err
    assert main(["status", QUICKSTART, "--at", "soon"]) == 2
    assert "is not a duration" in capsys.readouterr().err


def test_run_plots_then_report(tmp_path: Path, capsys):
    """--plots writes PNGs; acdsim report OUTDIR builds a self-contained report.html."""
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--horizon", "1h", "--plots", "-q"]) == 0
    assert {"members_over_time.png", "wait_distribution.png", "agent_timeline.png"} <= {p.name for p in tmp_path.iterdir()}
    assert main(["report", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html and "test queue" in html


def test_report_needs_a_run_folder(tmp_path: Path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "summary.json" in capsys.readouterr().err


def test_erlang_command_answers_the_80_20_question(capsys):
    assert main(["erlang", "--calls-per-hour", "900", "--aht", "180", "--target", "80/20"]) == 0
    assert "51 agents" in capsys.readouterr().out


def test_erlang_command_bad_input_exit_2(capsys):
    assert main(["erlang", "--calls-per-hour", "-5", "--aht", "180"]) == 2


def test_report_rejects_a_damaged_summary_in_one_line(tmp_path: Path, capsys):
    """A folder whose summary.json is not acdsim's: one error line, exit 2, no traceback."""
    (tmp_path / "summary.json").write_text("{not json")
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'summary.json'}: not a summary written by acdsim run") and "Traceback" not in err
    (tmp_path / "summary.json").write_text('{"queues": 5}')
    assert main(["report", str(tmp_path)]) == 2
    assert "no 'queues' and 'agents' maps" in capsys.readouterr().err


def test_validate_prints_warnings_for_surprising_but_valid_settings(tmp_path: Path, capsys):
    """A top-down agent at level 0 / position 0 is valid but never offered: a warning, exit 0."""
    f = tmp_path / "td.yaml"
    f.write_text(
        "horizon: 1h\n"
        "queues:\n"
        "  - id: 1\n"
        "    strategy: top-down\n"
        "    agents: {local: [{agent_id: 1}]}\n"
        "    callers: {arrivals: {calls_per_hour: 10}, talk_time: 60}\n"
        "agents: {local: [{id: 1}]}\n"
    )
    assert main(["validate", str(f)]) == 0
    out, err = capsys.readouterr()
    assert out == f"ok: {f}\n"
    assert err.startswith(f"warning: {f}:5: queues[0].agents.local[0]: top-down never offers an agent at level 0, position 0")
