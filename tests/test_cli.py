"""The command line: exit codes, one-line errors, run options and the output folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from acdsim.cli import folder_name, main

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = str(ROOT / "scenarios" / "quickstart.yaml")


@pytest.fixture
def fake_runner(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace acdsim.runner with a recorder, so these tests do not depend on the engine."""
    calls: list[dict[str, Any]] = []
    module = types.ModuleType("acdsim.runner")

    def run_scenario(scenario: Any, out_dir: Path, quiet: bool = False, **options: Any) -> int:
        calls.append({"scenario": scenario, "out_dir": Path(out_dir), "quiet": quiet, **options})
        return 0

    module.run_scenario = run_scenario  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acdsim.runner", module)
    return calls


def test_validate_all_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert len(files) >= 2
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out == "".join(f"ok: {f}\n" for f in files)


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["horizon"]["description"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["frobnicate"], "No such command 'frobnicate'"),
        (["validate"], "Missing argument"),
        (["run", QUICKSTART, "--bogus"], "No such option"),
        (["run", QUICKSTART, "--seed", "abc"], "Invalid value for '--seed'"),
        (["run", QUICKSTART, "--seed", "-1"], "Invalid value for '--seed'"),
        (["run", QUICKSTART, "--replications", "0"], "Invalid value for '--replications'"),
        (["run", QUICKSTART, "--timing", "exact"], "Invalid value for '--timing'"),
        (["run", QUICKSTART, "--horizon", "8 hours"], "'8 hours' is not a duration"),
        (["run", QUICKSTART, "-o"], "Option '-o' requires an argument"),
    ],
)
def test_usage_errors_are_one_line_exit_2(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert fragment in err


def test_no_command_shows_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "validate" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--seed", "--replications", "--timing", "--horizon", "--quiet", "-o"):
        assert option in out


def test_horizon_zero_is_reported_as_from_the_command_line(
    capsys: pytest.CaptureFixture[str], fake_runner: list[dict[str, Any]], tmp_path: Path
) -> None:
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--horizon", "0"]) == 2
    assert capsys.readouterr().err == f"error: {QUICKSTART}: horizon: must be > 0, got 0.0 (set by --horizon)\n"
    assert fake_runner == []


def test_run_applies_overrides_and_calls_the_runner(
    fake_runner: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "a" / "b"
    argv = ["run", QUICKSTART, "-o", str(out), "--seed", "5", "--replications", "3",
            "--timing", "continuous", "--horizon", "2h", "--quiet"]
    assert main(argv) == 0
    (call,) = fake_runner
    scenario = call["scenario"]
    assert (scenario.seed, scenario.replications, scenario.timing, scenario.horizon) == (5, 3, "continuous", 7200.0)
    assert call["out_dir"] == out and out.is_dir() and call["quiet"] is True


def test_run_default_output_folder(
    fake_runner: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", QUICKSTART]) == 0
    assert fake_runner[0]["out_dir"] == Path("out") / "test_queue"
    assert (tmp_path / "out" / "test_queue").is_dir()
    assert fake_runner[0]["scenario"].seed == 0 and fake_runner[0]["quiet"] is False


def test_run_passes_only_and_jobs(fake_runner: list[dict[str, Any]], tmp_path: Path) -> None:
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--only", "summary", "--only", "calls", "-j", "2", "-q"]) == 0
    assert fake_runner[0]["only"] == ["summary", "calls"] and fake_runner[0]["jobs"] == 2


def test_run_rejects_an_unknown_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["run", QUICKSTART, "-o", str(tmp_path), "--only", "sumary"]) == 2
    assert "'sumary' is not one of" in capsys.readouterr().err


def test_output_folder_is_a_file(
    capsys: pytest.CaptureFixture[str], fake_runner: list[dict[str, Any]], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", QUICKSTART, "-o", str(blocker)]) == 2
    assert capsys.readouterr().err == f"error: {blocker}: the output folder exists but is not a folder\n"
    assert main(["run", QUICKSTART, "-o", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {blocker / 'sub'}: cannot create the output folder") and err.count("\n") == 1
    assert fake_runner == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions (not root)")
def test_output_folder_not_writable(
    capsys: pytest.CaptureFixture[str], fake_runner: list[dict[str, Any]], tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["run", QUICKSTART, "-o", str(locked)]) == 2
        assert "cannot write into the output folder" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_run_reports_scenario_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("horizon: 1h\n")
    assert main(["run", str(bad), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"error: {bad}:1: queues: missing required key 'queues'" in err


def test_unexpected_failure_exits_1_with_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    module = types.ModuleType("acdsim.runner")

    def run_scenario(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("engine bug")

    module.run_scenario = run_scenario  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acdsim.runner", module)
    assert main(["run", QUICKSTART, "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: engine bug" in err


def test_folder_name() -> None:
    assert folder_name("test queue") == "test_queue"
    assert folder_name("../etc/passwd") == "etc_passwd"
    assert folder_name("...") == "scenario"


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "acdsim", "validate", QUICKSTART, str(tmp_path / "missing.yaml")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert result.stdout == f"ok: {QUICKSTART}\n"
    assert result.stderr == f"error: {tmp_path / 'missing.yaml'}: no such file\n"
