"""Stopping: SIGINT, SIGTERM and SIGHUP end a run promptly, leave no temporary file or
worker process behind, and exit 128 + the signal's number (acdsim.signals).

The first tests drive acdsim.signals in this process; the others send real signals to a
real ``python -m acdsim run`` once it is under way (files appeared, workers started)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import acdsim
from acdsim import signals
from acdsim.api import with_overrides
from acdsim.cli import main
from acdsim.model import Scenario
from acdsim.signals import Terminated, deferred, exit_status, signal_name, stop_signals, worker_pool

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "scenarios/quickstart.yaml"
TIMEOUT = 60.0  # s: a bound for things that take well under a second, never a speed check
PROC = Path("/proc/self/stat").exists()
needs_proc = pytest.mark.skipif(not PROC, reason="reads processes from /proc (Linux)")


# -- the handlers, in this process ---------------------------------------------------------


def test_sigterm_raises_terminated_and_the_handlers_are_put_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated) as caught, stop_signals():
        signal.raise_signal(signal.SIGTERM)
        time.sleep(1)  # not reached: the handler raises at once
    assert isinstance(caught.value, KeyboardInterrupt)  # so Ctrl-C's clean-up path runs
    assert signal_name(caught.value) == "SIGTERM" and exit_status(caught.value) == 143
    assert signal.getsignal(signal.SIGTERM) is before


def test_exit_status_is_128_plus_the_signal_number() -> None:
    assert exit_status(KeyboardInterrupt()) == 130 and signal_name(KeyboardInterrupt()) == "SIGINT"
    assert exit_status(Terminated(signal.SIGTERM)) == 143
    assert exit_status(Terminated(signal.SIGHUP)) == 129 and signal_name(Terminated(signal.SIGHUP)) == "SIGHUP"


def test_sigint_stays_a_plain_keyboard_interrupt() -> None:
    with pytest.raises(KeyboardInterrupt) as caught, stop_signals():
        signal.raise_signal(signal.SIGINT)
    assert not isinstance(caught.value, Terminated) and exit_status(caught.value) == 130


def test_only_the_first_signal_interrupts_so_the_clean_up_runs_to_its_end() -> None:
    cleaned = False
    with pytest.raises(Terminated), stop_signals():
        try:
            signal.raise_signal(signal.SIGTERM)
        finally:
            signal.raise_signal(signal.SIGINT)  # a second Ctrl-C during the clean-up: dropped
            signal.raise_signal(signal.SIGTERM)
            cleaned = True
    assert cleaned


def test_deferred_holds_a_signal_until_its_block_ends() -> None:
    steps = []
    with pytest.raises(Terminated), stop_signals():
        with deferred():
            signal.raise_signal(signal.SIGTERM)
            steps.append("renamed all")
        steps.append("after")  # not reached: raised as the block ended
    assert steps == ["renamed all"]


def test_deferred_without_stop_signals_delivers_the_held_signal_to_the_previous_handler() -> None:
    """run_scenario called from Python: Ctrl-C is still held, then Python's KeyboardInterrupt;
    SIGTERM goes to whatever handler was there (here one that notes it)."""
    steps: list[object] = []
    with pytest.raises(KeyboardInterrupt) as caught, deferred():
        signal.raise_signal(signal.SIGINT)
        with deferred():  # nested: joins the outer block
            steps.append("inner")
        steps.append("swapped")
    assert steps == ["inner", "swapped"] and not isinstance(caught.value, Terminated)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: steps.append(signum))
    try:
        with deferred():
            signal.raise_signal(signal.SIGTERM)
            steps.append("done")
        assert steps[-2:] == ["done", signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # put back, not reset
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_signal_ignored_at_start_stays_ignored() -> None:
    """nohup acdsim run ...: SIGHUP was ignored before acdsim started, and stays so."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with stop_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            signal.raise_signal(signal.SIGHUP)  # nothing happens
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_main_puts_the_handlers_back(capsys: pytest.CaptureFixture[str]) -> None:
    before = {s: signal.getsignal(s) for s in signals.STOP_SIGNALS}
    assert main(["validate", str(QUICKSTART)]) == 0
    assert {s: signal.getsignal(s) for s in signals.STOP_SIGNALS} == before


# -- the run's steps that must not stop half-way ---------------------------------------------


def _short_run(replications: int) -> Scenario:

    return with_overrides(acdsim.load_scenario(QUICKSTART), horizon=600, replications=replications)


def _left(tmp_path: Path, out: Path) -> list[str]:
    """What is in the output folder's parent besides it: the lock file, a staging sibling."""
    return sorted(p.name for p in tmp_path.iterdir() if p != out)


def test_a_signal_during_the_swap_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run's folder is swapped in, the previous contents and the lock file removed, then
    the run stops: 143, and it says that DIR holds this run's files."""
    from acdsim import runner
    from acdsim.output import folder

    real = folder._exchange

    def exchange(a: Path, b: Path) -> bool:
        signal.raise_signal(signal.SIGTERM)
        return real(a, b)

    out = tmp_path / "out"
    assert runner.run_scenario(_short_run(1), out, quiet=True) == 0
    monkeypatch.setattr(folder, "_exchange", exchange)
    with stop_signals():
        assert runner.run_scenario(with_overrides(_short_run(1), seed=7), out, quiet=True) == 143
    err = capsys.readouterr().err
    assert err == f"interrupted after 1 of 1 replication(s) by SIGTERM; {out} holds this run's complete outputs\n"
    assert json.loads((out / "summary.json").read_text())["seed"] == 7
    assert _left(tmp_path, out) == []


def test_a_signal_during_the_swap_waits_for_it_without_stop_signals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """run_scenario called from Python (no handlers of acdsim): Ctrl-C waits for the swap too."""
    from acdsim import runner
    from acdsim.output import folder

    real = folder._exchange

    def exchange(a: Path, b: Path) -> bool:
        signal.raise_signal(signal.SIGINT)
        return real(a, b)

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(folder, "_exchange", exchange)
    assert runner.run_scenario(_short_run(1), out, quiet=True) == 130
    assert f"by SIGINT; {out} holds this run's complete outputs" in capsys.readouterr().err
    assert (out / "summary.json").is_file() and _left(tmp_path, out) == []


def test_a_signal_while_the_files_are_finished_leaves_the_folder_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inside the private staging folder the renames of the finished files need no care: an
    interrupt there removes the whole staging folder, and DIR keeps the previous run."""
    from acdsim import runner

    real = runner.Outputs.commit

    def commit(self: runner.Outputs) -> list[Path]:
        signal.raise_signal(signal.SIGTERM)
        return real(self)

    out = tmp_path / "out"
    assert runner.run_scenario(_short_run(1), out, quiet=True) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(runner.Outputs, "commit", commit)
    with stop_signals():
        assert runner.run_scenario(with_overrides(_short_run(1), seed=7), out, quiet=True) == 143
    assert "by SIGTERM; no file of this run was written" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before and _left(tmp_path, out) == []


def test_a_signal_while_the_staging_folder_is_made_leaves_neither_it_nor_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from acdsim import runner
    from acdsim.output import folder

    real = folder.tempfile.mkdtemp

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        made = real(*args, **kwargs)
        signal.raise_signal(signal.SIGTERM)  # the sibling exists, self.staging not yet set
        return made

    monkeypatch.setattr(folder.tempfile, "mkdtemp", mkdtemp)
    out = tmp_path / "out"
    with stop_signals():
        assert runner.run_scenario(_short_run(1), out, quiet=True) == 143
    assert "interrupted after 0 of 1 replication(s) by SIGTERM; no file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_signal_while_parts_are_merged_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--jobs 2: the parts and the merged files are in the staging folder; an interrupt removes it."""
    from acdsim import runner

    real = runner._merge_parts

    def merge(*args: Any) -> None:
        real(*args)
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(runner, "_merge_parts", merge)
    out = tmp_path / "out"
    with stop_signals():
        assert runner.run_scenario(_short_run(2), out, quiet=True, jobs=2) == 143
    assert "interrupted after 2 of 2 replication(s) by SIGTERM; no file of this run was written" in (
        capsys.readouterr().err
    )
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_the_scenario_loads_exits_143(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outside the run itself (click turns the interrupt into its Abort): the same status."""
    from acdsim import cli_run

    def load(*args: object, **kwargs: object) -> None:
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(cli_run, "load_scenario_with_lines", load)
    assert main(["run", str(QUICKSTART), "-o", str(tmp_path / "out")]) == 143
    assert "interrupted by SIGTERM" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# -- the worker pool, in this process --------------------------------------------------------


def _dispositions() -> tuple[bool, bool, bool]:
    return (
        signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL,
        signal.getsignal(signal.SIGHUP) is signal.SIG_IGN,
    )


def test_workers_leave_sigint_and_sighup_to_the_parent_and_die_on_sigterm() -> None:
    with stop_signals(), worker_pool(1) as pool:
        assert pool.submit(_dispositions).result() == (True, True, True)


def _pid_then_sleep() -> int:
    time.sleep(600)
    return os.getpid()


@needs_proc
def test_leaving_the_pool_by_an_exception_cancels_queued_work_and_ends_running_workers() -> None:
    with pytest.raises(KeyboardInterrupt), worker_pool(2) as pool:
        pids = sorted(pool._processes)
        futures = [pool.submit(_pid_then_sleep) for _ in range(10)]
        _wait_until(lambda: sum(f.running() for f in futures) >= 2)
        raise KeyboardInterrupt
    assert len(pids) == 2 and not any(_running(pid) for pid in pids), [_stat(p) for p in pids]
    # The executor moves up to 3 tasks (workers + 1) into its call queue ahead of time.
    assert sum(f.cancelled() for f in futures) >= 5  # the queued ones never started


_ORPHAN = """
import os, sys, time
import acdsim
from acdsim import signals
from acdsim.api import with_overrides
ready_r, ready_w = os.pipe()
child = os.fork()
if child == 0:
    getattr(signals, sys.argv[1])(*([os.getppid()] if sys.argv[1] == "_watch_parent" else []))
    os.write(ready_w, b"x")
    time.sleep(600)
    os._exit(0)
os.read(ready_r, 1)
print(child, flush=True)
os._exit(0)  # the parent dies once its child is set up; the child is orphaned
"""


@needs_proc
@pytest.mark.parametrize("mechanism", ["_watch_parent", "_signal_on_parent_death"])
def test_a_worker_dies_with_its_parent(mechanism: str) -> None:
    """Each of the two ways on its own: the polling thread, and Linux's PR_SET_PDEATHSIG."""
    if mechanism == "_signal_on_parent_death" and not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_ORPHAN), mechanism],
        capture_output=True, text=True, timeout=TIMEOUT, check=True,
    )
    orphan = int(done.stdout)
    try:
        _wait_until(lambda: not _running(orphan))
    finally:
        if _running(orphan):
            os.kill(orphan, signal.SIGKILL)


# -- real signals to a real run ---------------------------------------------------------------


def _start(tmp_path: Path, jobs: int) -> tuple[subprocess.Popen[str], Path]:
    """A run long enough (hours of wall time) to be stopped; its own process group."""
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "acdsim", "run", str(QUICKSTART), "-o", str(out), "-q",
        "--horizon", "80000h", "--replications", "4", "--jobs", str(jobs),
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    return proc, out


def _under_way(proc: subprocess.Popen[str], tmp_path: Path, jobs: int) -> list[int]:
    """Wait until the run writes files and its workers run; return the workers' pids."""
    def started() -> bool:
        assert proc.poll() is None, proc.communicate()[1]
        # Output files in the run's staging folder (with --jobs: in its parts), not just the lock.
        files = [p for p in tmp_path.glob("out.acdsim-new-*/**/*") if p.is_file()]
        return bool(files) and len(_descendants(proc.pid)) >= (jobs if jobs > 1 else 0)

    _wait_until(started)
    return _descendants(proc.pid)


def _stop(proc: subprocess.Popen[str], how: signal.Signals, group: bool = False) -> str:
    if group:  # as a terminal does with Ctrl-C: every process of the foreground group
        os.killpg(proc.pid, how)
    else:  # as kill, timeout and docker stop do: the main process only
        proc.send_signal(how)
    try:
        return proc.communicate(timeout=15)[1]  # generous: the clean-up takes well under 1 s
    finally:
        _kill_group(proc)


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Whatever happened, nothing of the run may outlive the test (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()


def _nothing_left(tmp_path: Path, out: Path) -> None:
    """No temporary file or folder anywhere: beside the output folder neither the staging
    sibling (parts included) nor the lock file; at most the (empty) output folder itself."""
    assert [p for p in tmp_path.iterdir() if p != out] == []
    assert not out.exists() or list(out.iterdir()) == []


@needs_proc
def test_sigterm_stops_a_run_exits_143_and_leaves_no_part_file(tmp_path: Path) -> None:
    proc, out = _start(tmp_path, jobs=1)
    _under_way(proc, tmp_path, jobs=1)
    err = _stop(proc, signal.SIGTERM)
    assert proc.returncode == 143, err
    assert f"interrupted after 0 of 4 replication(s) by SIGTERM; no file of this run was written: {out} is unchanged" in err
    assert "Traceback" not in err
    _nothing_left(tmp_path, out)


@needs_proc
@pytest.mark.parametrize(
    ("how", "group", "status"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal
        (signal.SIGTERM, False, 143),  # kill, timeout, docker stop, a CI cancel
        (signal.SIGHUP, False, 129),  # the terminal or ssh session closed
    ],
    ids=["sigint-group", "sigterm", "sighup"],
)
def test_a_signal_stops_parallel_workers_and_removes_the_parts_folder(
    tmp_path: Path, how: signal.Signals, group: bool, status: int
) -> None:
    proc, out = _start(tmp_path, jobs=2)
    workers = _under_way(proc, tmp_path, jobs=2)
    err = _stop(proc, how, group=group)
    assert proc.returncode == status, err
    assert f"interrupted after 0 of 4 replication(s) by {how.name}" in err and "Traceback" not in err
    assert [pid for pid in workers if _running(pid)] == []
    _nothing_left(tmp_path, out)


@needs_proc
def test_workers_die_when_the_main_process_is_killed_outright(tmp_path: Path) -> None:
    """SIGKILL cannot be handled: the staging folder stays (the next run removes it), but no
    worker keeps computing."""
    proc, _ = _start(tmp_path, jobs=2)
    workers = _under_way(proc, tmp_path, jobs=2)
    proc.kill()
    try:
        proc.wait(timeout=15)
        _wait_until(lambda: not any(_running(pid) for pid in workers))
    finally:
        _kill_group(proc)


# -- helpers -------------------------------------------------------------------------------------


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _stat(pid: int) -> list[str] | None:
    """State, ppid, ... of a process from /proc/<pid>/stat (None once it is reaped)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan adopted by an init that does not reap stays one)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None and stat[0] != "Z":
            parents[int(entry.name)] = int(stat[1])
    found, frontier = [], [root]
    while frontier:
        children = sorted(pid for pid, ppid in parents.items() if ppid in frontier)
        found += children
        frontier = children
    return sorted(found)
