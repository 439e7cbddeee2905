"""Files you can trust: what ``acdsim run`` writes, and what it leaves when things go wrong.

One test per item of the issue "Files and processes you can trust": the folder lock (1),
the atomic swap (2), a run owns its folder and records it in manifest.json (3), no temp file
through a symlink (5), write errors are one line and exit 2 (9), scenario.yaml is the text
that was loaded (10), and the ``--jobs`` parts live in the run's one temporary root.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from acdsim.cli import main
from acdsim.output import folder as folder_mod
from acdsim.output.files import AtomicCsv
from acdsim.output.manifest import check_manifest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
SRC = str(ROOT / "src")
ENV = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}

# A run that stops inside the simulation until its stdin gets a line: the test knows the lock
# is held (it printed "ready") without timing anything.
PAUSED_RUN = r"""
import sys
import acdsim.runner as runner
real = runner._run_sequential
def paused(*args, **kwargs):
    print("ready", flush=True)
    sys.stdin.readline()
    return real(*args, **kwargs)
runner._run_sequential = paused
from acdsim.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(*argv: str | Path) -> int:
    return main(["run", "-q", *map(str, argv)])


def quick(out: Path, *extra: str | Path, scenario: Path = QUICKSTART) -> int:
    return run(scenario, "-o", out, "--horizon", "1h", *extra)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name and out.name in p.name)


def start_paused(out: Path, *extra: str) -> subprocess.Popen[str]:
    argv = ["run", "-q", str(QUICKSTART), "-o", str(out), "--horizon", "1h", "-j", "1", *extra]
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_RUN, *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=ENV,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


# -- 1. two runs into one folder -------------------------------------------------------------


def test_a_second_run_into_a_busy_folder_exits_2_naming_the_first(tmp_path: Path) -> None:
    out = tmp_path / "conc"
    first = start_paused(out, "--seed", "1")
    second = subprocess.run(
        [sys.executable, "-m", "acdsim", "run", "-q", "--seed", "2", "-o", str(out), "--horizon", "1h",
         str(QUICKSTART)], capture_output=True, text=True, env=ENV,
    )
    stdout, stderr = first.communicate("go\n")
    assert second.returncode == 2
    assert second.stderr.startswith(f"error: {out}: folder in use by PID {first.pid} (acdsim run started at ")
    assert second.stderr.count("\n") == 1
    assert first.returncode == 0, stderr
    assert json.loads((out / "summary.json").read_text())["seed"] == 1
    assert check_manifest(out) == []
    assert siblings(out) == []  # the lock file and the temporary folder are gone


def test_the_lock_dies_with_a_killed_run_and_its_leftovers_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "killed"
    first = start_paused(out)
    first.kill()  # SIGKILL: no clean-up code runs
    first.communicate()
    assert any(".acdsim-new-" in name for name in siblings(out))
    assert quick(out) == 0
    assert siblings(out) == []
    assert check_manifest(out) == []


# -- 2. the outputs of one run appear together or not at all ---------------------------------


def test_an_interrupted_run_leaves_the_previous_outputs_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from acdsim.engine import Simulation

    out = tmp_path / "out"
    assert quick(out) == 0
    before = snapshot(out)

    def interrupted(self: Any, until: Any = None) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Simulation, "run", interrupted)
    capsys.readouterr()
    assert quick(out, "--seed", "7") == 130
    assert snapshot(out) == before and siblings(out) == []
    err = capsys.readouterr().err
    assert err == (f"interrupted after 0 of 1 replication(s) by SIGINT; no file of this run was written: {out} is "
                   "unchanged (its temporary folder was removed)\n")


def test_ctrl_c_during_the_swap_waits_until_the_swap_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert quick(out) == 0
    real = folder_mod._exchange

    def signalled(a: Path, b: Path) -> bool:
        os.kill(os.getpid(), signal.SIGINT)  # held back until both folders are in place
        return real(a, b)

    monkeypatch.setattr(folder_mod, "_exchange", signalled)
    capsys.readouterr()
    assert quick(out, "--seed", "7") == 130
    assert json.loads((out / "summary.json").read_text())["seed"] == 7
    assert check_manifest(out) == [] and siblings(out) == []
    assert f"{out} holds this run's complete outputs" in capsys.readouterr().err


def test_the_two_rename_fallback_replaces_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert quick(out) == 0
    monkeypatch.setattr(folder_mod, "_exchange", lambda a, b: False)  # no renameat2 here
    assert quick(out, "--seed", "3") == 0
    assert json.loads((out / "summary.json").read_text())["seed"] == 3
    assert check_manifest(out) == [] and siblings(out) == []


def test_the_swap_keeps_the_folder_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o751)
    assert quick(out) == 0
    assert out.stat().st_mode & 0o777 == 0o751


# -- 3. a run owns its folder ----------------------------------------------------------------


def test_a_smaller_run_leaves_no_file_of_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    other = tmp_path / "other.yaml"
    other.write_text(QUICKSTART.read_text().replace("name: test queue", "name: other"))
    assert quick(out, "--plots") == 0
    assert (out / "calls.csv").is_file() and list(out.glob("*.png"))
    assert quick(out, "--only", "summary", scenario=other) == 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "scenario.yaml", "summary.json"]
    assert json.loads((out / "manifest.json").read_text())["scenario"]["name"] == "other"


def test_a_folder_that_is_not_an_output_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    assert quick(out) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {out}: is not empty and holds no manifest.json") and err.count("\n") == 1
    assert snapshot(out) == {"thesis.tex": b"precious"}


def test_the_current_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert quick(Path(".")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: .: holds the current folder") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_manifest_lists_every_file_with_size_and_digest(tmp_path: Path) -> None:
    import hashlib

    out = tmp_path / "out"
    assert quick(out, "--seed", "4", "--only", "calls") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest) >= {"acdsim_version", "created", "scenario", "seed", "replications", "timing",
                             "horizon", "options", "files"}
    assert manifest["seed"] == 4 and manifest["options"]["only"] == ["calls"]
    assert sorted(manifest["files"]) == ["calls.csv", "scenario.yaml", "summary.json"]
    for name, facts in manifest["files"].items():
        data = (out / name).read_bytes()
        assert facts == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["scenario"]["sha256"] == hashlib.sha256(QUICKSTART.read_bytes()).hexdigest()


def test_report_refuses_foreign_and_changed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert quick(out, "--only", "summary") == 0
    assert main(["report", str(out)]) == 0  # report.html is the report's own, not foreign
    assert main(["report", str(out)]) == 0
    (out / "calls.csv").write_text("stale\n")
    with (out / "scenario.yaml").open("a") as f:
        f.write("# edited\n")
    capsys.readouterr()
    assert main(["report", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: {out / 'calls.csv'}: not written by the run of this folder (not in manifest.json)\n"
        f"error: {out / 'scenario.yaml'}: changed since the run wrote it (size or sha256 differs from manifest.json)\n"
    )


def test_report_warns_about_a_folder_without_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert quick(out, "--only", "summary") == 0
    (out / "manifest.json").unlink()
    capsys.readouterr()
    assert main(["report", str(out)]) == 0
    assert capsys.readouterr().err.startswith(f"warning: {out}: no manifest.json")


# -- 5. no temp file through a symlink -------------------------------------------------------


def test_a_planted_symlink_is_never_written_through(tmp_path: Path) -> None:
    out = tmp_path / "symout"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / ".agents.csv.part").symlink_to(victim)
    assert quick(out) == 0
    assert victim.read_text() == "keep me"
    assert not (out / "agents.csv").is_symlink() and (out / "agents.csv").read_text().startswith("agent,")


def test_temp_files_are_created_exclusively(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / ".x.csv.part").symlink_to(victim)
    with pytest.raises(FileExistsError):
        AtomicCsv(tmp_path / "x.csv", ("a",))
    assert victim.read_text() == "keep me"


# -- 9. write errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_write_error_is_one_line_exit_2_and_leaves_nothing(
    code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from acdsim.output import files

    out = tmp_path / "out"
    assert quick(out) == 0
    before = snapshot(out)

    def failing(self: Any, values: Any) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.AtomicCsv, "row", failing)
    capsys.readouterr()
    assert quick(out, "--seed", "9") == 2
    assert capsys.readouterr().err == (
        f"error: {out}: cannot write the outputs ({os.strerror(code)}); the folder is unchanged\n"
    )
    assert snapshot(out) == before and siblings(out) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_full_disk_is_one_line_exit_2(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = disk / "out"
        result = subprocess.run(
            [sys.executable, "-m", "acdsim", "run", "-q", "-o", str(out), "--horizon", "100h", str(QUICKSTART)],
            capture_output=True, text=True, env=ENV,
        )
        assert result.returncode == 2
        assert result.stderr == f"error: {out}: cannot write the outputs (No space left on device); the folder is unchanged\n"
        # the folder prepared (created empty) before the run, nothing else
        assert [p.name for p in disk.iterdir()] == ["out"] and list(out.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# -- 10. scenario.yaml is the text that was loaded ----------------------------------------------


def test_the_scenario_copy_of_a_pipe_is_the_piped_text(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "acdsim", "run", "-q", "-o", str(out), "--horizon", "1h", "/dev/stdin"],
        input=QUICKSTART.read_text(), capture_output=True, text=True, env=ENV,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "scenario.yaml").read_bytes() == QUICKSTART.read_bytes()


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_the_scenario_copy_ignores_changes_during_the_run(
    change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acdsim.engine import Simulation

    scenario = tmp_path / "s.yaml"
    shutil.copy(QUICKSTART, scenario)
    real = Simulation.run

    def changing(self: Any, until: Any = None) -> Any:
        if change == "edit":
            scenario.write_text("edited during the run\n")
        else:
            scenario.unlink()
        return real(self, until)

    monkeypatch.setattr(Simulation, "run", changing)
    out = tmp_path / "out"
    assert quick(out, scenario=scenario) == 0
    assert (out / "scenario.yaml").read_bytes() == QUICKSTART.read_bytes()


# -- the one temporary root ---------------------------------------------------------------------


def test_parallel_parts_live_in_the_temporary_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from acdsim import runner

    seen: list[Path] = []
    real = runner._merge_parts

    def merge(parts: list[Path], out_dir: Path) -> None:
        seen.extend(parts)
        real(parts, out_dir)

    monkeypatch.setattr(runner, "_merge_parts", merge)
    out = tmp_path / "out"
    assert quick(out, "--replications", "2", "-j", "2") == 0
    assert seen and all(p.parent.parent.name.startswith("out.acdsim-new-") for p in seen)
    assert siblings(out) == [] and check_manifest(out) == []
