"""acdsim fit on foreign logs: --map, datetime columns, bad rows counted by reason, CLI errors,
acdsim's own calls.csv without a map, the outputs, --by weekday and --check."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from acdsim.calibration import fit
from acdsim.cli import main
from acdsim.loader import load_scenario

FOREIGN_MAP = "joined=Enter,answered=Pickup,left=Hangup,outcome=Result,agent=Operator,queue=Line"


def _foreign(path: Path, extra: list[dict[str, str]] | None = None, days: int = 2) -> Path:
    """A log in a spreadsheet's day-first format with its own column names."""
    rng = np.random.default_rng(3)
    rows = []
    for day in range(days):
        for i in range(120):
            t0 = pd.Timestamp(2026, 3, 2 + day, 9) + pd.Timedelta(seconds=float(i * 60 + rng.uniform(0, 50)))
            wait, patience = rng.exponential(30), rng.exponential(90)
            fmt = "%d.%m.%Y %H:%M:%S"
            if patience > wait:
                talk = rng.exponential(120)
                rows.append({"Enter": t0.strftime(fmt), "Pickup": (t0 + pd.Timedelta(seconds=wait)).strftime(fmt),
                             "Hangup": (t0 + pd.Timedelta(seconds=wait + talk)).strftime(fmt),
                             "Result": "Connected", "Operator": f"op{i % 3}", "Line": "Sales"})
            else:
                rows.append({"Enter": t0.strftime(fmt), "Pickup": "",
                             "Hangup": (t0 + pd.Timedelta(seconds=patience)).strftime(fmt),
                             "Result": "Abandoned", "Operator": "", "Line": "Sales"})
    rows += extra or []
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


BAD_ROWS = [
    {"Enter": "02.03.2026 10:00:00", "Pickup": "", "Hangup": "02.03.2026 09:59:00", "Result": "Abandoned", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "02.03.2026 09:00:00", "Hangup": "02.03.2026 10:05:00", "Result": "Connected", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "02.03.2026 10:09:00", "Hangup": "02.03.2026 10:05:00", "Result": "Connected", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "", "Hangup": "02.03.2026 10:05:00", "Result": "Voicemail", "Line": "Sales"},
    {"Enter": "yesterday", "Pickup": "", "Hangup": "02.03.2026 10:05:00", "Result": "Abandoned", "Line": "Sales"},
    {"Enter": "", "Pickup": "", "Hangup": "02.03.2026 10:05:00", "Result": "Abandoned", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "", "Hangup": "02.03.2026 10:05:00", "Result": "Connected", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "02.03.2026 10:01:00", "Hangup": "02.03.2026 10:05:00", "Result": "Abandoned", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "", "Hangup": "", "Result": "Abandoned", "Line": "Sales"},
    {"Enter": "02.03.2026 10:00:00", "Pickup": "02.03.2026 10:01:00", "Hangup": "noon", "Result": "Connected", "Line": "Sales"},
]
EXPECTED = {
    "left before joined": 1, "answered before joined": 1, "answered after left": 1, "unknown outcome": 1,
    "unreadable joined time": 1, "no joined time": 1, "answered without an answered time": 1,
    "answered time on a call that was not answered": 1, "no left time on a call that left the queue": 1,
    "unreadable left time": 1,
}


def test_foreign_log_through_map_with_day_first_datetimes(tmp_path: Path, capsys):
    log = _foreign(tmp_path / "export.csv")
    out = tmp_path / "out"
    assert main(["fit", str(log), "--map", FOREIGN_MAP, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "240 of 240 rows used" in printed and "patience" in printed
    names = {p.name for p in out.iterdir()}
    assert {"fitted.yaml", "forecast.csv", "fit.json", "fit.html", "fit_arrivals.png",
            "fit_talk_time.png", "fit_patience.png"} <= names
    scenario = load_scenario(out / "fitted.yaml")  # fitted.yaml passes validation
    assert scenario.start.strftime("%Y-%m-%d %H:%M") == "2026-03-02 00:00"
    report = json.loads((out / "fit.json").read_text())
    assert report["days"] == 2 and report["rows"]["rejected"] == {}
    assert report["arrivals"]["profile"][0]["at"] == 9 * 3600
    assert "dispersion" in report["arrivals"]
    forecast = pd.read_csv(out / "forecast.csv")
    assert list(forecast.columns[:2]) == ["at", "calls_per_hour"]
    # 120 calls over 2 hours each day: ~60 calls an hour in the 4 half-hours 09:00-11:00.
    assert forecast["calls_per_hour"].sum() / len(forecast) == pytest.approx(60, rel=0.05)
    assert main(["validate", str(out / "fitted.yaml")]) == 0


def test_fitted_yaml_reads_forecast_csv_and_staffs_one_pool(tmp_path: Path):
    """fitted.yaml: arrivals from forecast.csv beside it, one pool on the logged-in curve."""
    log = _foreign(tmp_path / "export.csv")
    out = tmp_path / "out"
    assert main(["fit", str(log), "--map", FOREIGN_MAP, "-o", str(out), "--no-plots"]) == 0
    raw = yaml.safe_load((out / "fitted.yaml").read_text())
    assert raw["queues"][0]["callers"]["arrivals"] == {"profile": {"file": "forecast.csv"}}
    assert "agents" not in raw["queues"][0] and raw["agents"] == {} and "schedule" not in raw
    counts = json.loads((out / "fit.json").read_text())["agents"]["scenario_per_interval"]
    assert raw["pools"] == [{
        "name": "fitted", "first_id": 1, "agent": {"wrap_up_time": 0.0},
        "tiers": [{"queue": 1, "level": 1, "position": 1}],
        "staffing": [{"at": 0.0 if i == 0 else 9 * 3600 + 1800.0 * i, "agents": k} for i, k in enumerate(counts)],
    }]
    scenario = load_scenario(out / "fitted.yaml")
    forecast = pd.read_csv(out / "forecast.csv")
    profile = scenario.queues[0].callers.arrivals.profile
    assert [(s.at, s.calls_per_hour) for s in profile] == list(zip(forecast["at"], forecast["calls_per_hour"], strict=True))
    assert [a.id for a in scenario.agents.local] == list(range(1, max(counts) + 1))
    # The in-memory scenario has the same rows inline, after a zero-rate row from 0.
    inline = fit(log, FOREIGN_MAP).scenario["queues"][0]["callers"]["arrivals"]["profile"]
    assert inline[0] == {"at": 0.0, "calls_per_hour": 0.0}
    assert [(r["at"], r["calls_per_hour"]) for r in inline[1:]] == [(s.at, s.calls_per_hour) for s in profile]


def test_each_bad_row_class_is_counted_by_reason(tmp_path: Path):
    log = _foreign(tmp_path / "export.csv", BAD_ROWS, days=1)
    result = fit(log, FOREIGN_MAP, time_format="%d.%m.%Y %H:%M:%S")
    assert result.log.rejected == EXPECTED
    assert result.report["rows"]["read"] == 120 + len(BAD_ROWS)
    assert result.report["rows"]["used"] == 120


def test_bad_rows_are_reported_on_the_command_line(tmp_path: Path, capsys):
    log = _foreign(tmp_path / "export.csv", BAD_ROWS, days=1)
    assert main(["fit", str(log), "--map", FOREIGN_MAP, "-o", str(tmp_path / "o"), "--no-plots"]) == 0
    printed = capsys.readouterr().out
    assert "left out: 1 left before joined" in printed and "left out: 1 unknown outcome" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "joined=Nope"], "has no column 'Nope'"),
        (["--map", "arrived=Enter"], "unknown map key"),
        (["--map", "joined"], "is not KEY=COLUMN"),
        (["--interval", "0"], "must be > 0"),
        (["--queue", "Support"], "no queue 'Support'"),
    ],
)
def test_bad_command_lines_are_one_line_errors(tmp_path: Path, capsys, args: list[str], message: str):
    log = _foreign(tmp_path / "export.csv", days=1)
    full = ["fit", str(log), "--map", FOREIGN_MAP, *args, "-o", str(tmp_path / "o")]
    assert main(full) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.startswith("error: ")


def test_a_missing_required_column_names_the_map_option(tmp_path: Path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    assert main(["fit", str(path), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no column for 'joined'" in err and "--map joined=COLUMN" in err
    assert main(["fit", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_several_queues_need_queue(tmp_path: Path, capsys):
    df = pd.DataFrame({"joined": [0.0, 10, 20, 30], "answered": [1.0, 11, 21, 31], "left": [5.0, 15, 25, 35],
                       "queue": ["208", "209", "208", "209"]})
    path = tmp_path / "two.csv"
    df.to_csv(path, index=False)
    assert main(["fit", str(path), "-o", str(tmp_path / "o"), "--no-plots"]) == 2
    assert "choose one with --queue" in capsys.readouterr().err
    assert main(["fit", str(path), "--queue", "209", "-o", str(tmp_path / "o"), "--no-plots"]) == 0
    assert load_scenario(tmp_path / "o" / "fitted.yaml").queues[0].id == 209
    assert "other queues: 2 rows" in capsys.readouterr().out
    assert json.loads((tmp_path / "o" / "fit.json").read_text())["rows"]["other_queues"] == 2


def test_by_weekday_writes_one_forecast_per_weekday(tmp_path: Path, capsys):
    log = _foreign(tmp_path / "export.csv", days=2)  # Monday 2 and Tuesday 3 March 2026
    out = tmp_path / "out"
    assert main(["fit", str(log), "--map", FOREIGN_MAP, "--by", "weekday", "-o", str(out), "--no-plots"]) == 0
    assert (out / "forecast_mon.csv").is_file() and (out / "forecast_tue.csv").is_file()
    assert not (out / "forecast_wed.csv").exists()
    fitted = (out / "fitted.yaml").read_text()
    for day in ("mon", "tue"):  # each weekday's forecast loads as the profile of fitted.yaml
        (out / f"{day}.yaml").write_text(fitted.replace("file: forecast.csv", f"file: forecast_{day}.csv"))
        profile = load_scenario(out / f"{day}.yaml").queues[0].callers.arrivals.profile
        rows = pd.read_csv(out / f"forecast_{day}.csv")
        assert [(s.at, s.calls_per_hour) for s in profile] == list(zip(rows["at"], rows["calls_per_hour"], strict=True))
        assert sum(s.calls_per_hour for s in profile) / len(profile) == pytest.approx(60, rel=0.05)
    seconds = tmp_path / "seconds.csv"
    pd.DataFrame({"joined": [0.0, 10], "answered": [1.0, 11], "left": [5.0, 15]}).to_csv(seconds, index=False)
    assert main(["fit", str(seconds), "--by", "weekday", "-o", str(out)]) == 2
    assert "needs datetimes" in capsys.readouterr().err


def test_acdsim_calls_csv_reads_without_a_map_and_check_compares(tmp_path: Path, capsys):
    """acdsim's own calls.csv: no map needed, start recovered; --check prints the comparison."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "acdsim: 1\nstart: '2026-05-04 08:00:00'\nhorizon: 2h\ntiming: continuous\n"
        "queues:\n  - id: 7\n    agents: {local: [{agent_id: 1}, {agent_id: 2}, {agent_id: 3}]}\n"
        "    callers:\n      arrivals: {calls_per_hour: 60}\n"
        "      talk_time: {dist: exponential, mean: 150}\n      patience: {dist: exponential, mean: 100}\n"
        "agents:\n  local: [{id: 1}, {id: 2}, {id: 3}]\nbehaviors: {default: {answer_time: 0}}\n"
    )
    run_out = tmp_path / "run"
    assert main(["run", str(scenario), "-o", str(run_out), "-q"]) == 0
    out = tmp_path / "fit"
    assert main(["fit", str(run_out / "calls.csv"), "-o", str(out), "--check", "--replications", "2",
                 "--no-plots"]) == 0
    printed = capsys.readouterr().out
    assert "check:" in printed and "interval figures agree" in printed
    fitted = load_scenario(out / "fitted.yaml")
    assert fitted.start.strftime("%Y-%m-%d %H:%M:%S") == "2026-05-04 00:00:00"
    assert fitted.queues[0].id == 7
    assert fitted.horizon == 10 * 3600  # 08:00 + 2 h, from midnight
    check = json.loads((out / "check.json").read_text())
    assert check["compared"] > 0 and len(check["intervals"]) == 4
    assert fitted.pools[0].name == "fitted" and fitted.queues[0].callers.arrivals.file == "forecast.csv"
    # Agents: three talked in every interval of the log.
    assert json.loads((out / "fit.json").read_text())["agents"]["scenario_per_interval"] == [3, 3, 3, 3]


def test_seconds_log_without_outcome_or_agents_is_staffed_by_erlang(tmp_path: Path):
    rng = np.random.default_rng(9)
    n = 400
    joined = np.sort(rng.uniform(0, 4 * 3600, n))
    wait = rng.exponential(20, n)
    patience = rng.exponential(200, n)
    ans = patience > wait
    df = pd.DataFrame({"joined": joined, "answered": np.where(ans, joined + wait, np.nan),
                       "left": np.where(ans, joined + wait + rng.exponential(180, n), joined + patience)})
    result = fit(df, interval=3600)
    assert result.agents_source.startswith("no agent column")
    assert all(k >= 1 for k in result.report["agents"]["scenario_per_interval"])
    assert result.scenario["horizon"] == 4 * 3600
    assert "start" not in result.scenario


def test_a_log_without_one_usable_row_is_an_error_with_the_reasons(tmp_path: Path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("joined,answered,left,outcome\n10,,5,abandoned\n20,,30,voicemail\n")
    assert main(["fit", str(path), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no usable row" in err
    assert "left before joined: 1" in err and "unknown outcome: 1" in err
