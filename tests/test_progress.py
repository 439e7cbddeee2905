"""The progress bar: only on a terminal, only after about a second, never with --quiet."""

from __future__ import annotations

import acdsim.progress as progress
from acdsim.progress import ProgressBar


def test_disabled_when_stderr_is_not_a_tty():
    bar = ProgressBar("x")  # pytest captures stderr: not a TTY
    bar.update(1, 2)
    assert bar.bar is None


def test_shown_only_after_the_delay(monkeypatch):
    clock = {"t": 100.0}
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock["t"])
    bar = ProgressBar("x", enabled=True)
    bar.update(0.1, 1)
    assert bar.bar is None  # a short run never shows a bar
    clock["t"] += 2.0
    bar.update(0.5, 1)
    assert bar.bar is not None
    bar.close()
    assert bar.bar is None


def test_quiet_disables(monkeypatch):
    bar = ProgressBar("x", enabled=False)
    monkeypatch.setattr(progress.time, "monotonic", lambda: 1e9)
    bar.update(1, 2)
    assert bar.bar is None
