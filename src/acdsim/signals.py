"""How acdsim stops: SIGINT, SIGTERM and SIGHUP in the command, and the worker processes.

A command runs inside ``stop_signals()``: SIGTERM and SIGHUP then raise ``Terminated``, a
``KeyboardInterrupt``, so they take the clean-up path of Ctrl-C (temporary files removed,
workers stopped) and the command exits ``128 + signal number`` (130 SIGINT, 143 SIGTERM, 129
SIGHUP). Only the first signal interrupts; later ones are dropped while the clean-up runs
(it is bounded: see ``worker_pool``). A signal that arrives inside ``deferred()`` (a short
step that must not stop half-way, such as swapping the finished output folder in) is raised
when that step ends. A signal the command was started with ignored (``nohup``: SIGHUP;
``cmd &`` in a script: SIGINT) stays ignored.

``worker_pool(jobs)`` is the process pool of every parallel command. Its workers leave
SIGINT to the parent (a terminal sends Ctrl-C to the whole process group), die on SIGTERM,
and die with the parent even when it is killed outright (SIGKILL, out of memory): on Linux
the kernel sends them SIGTERM (``PR_SET_PDEATHSIG``), and everywhere a thread in each
worker checks every 0.5 s that its parent is still the process that started it. Leaving the
pool through an exception (an interrupt, a failed replication) cancels the queued work and
terminates the running workers at once (SIGKILL after a short grace), so the caller can
remove their files as soon as the ``with`` block is left.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import wait as wait_ready
from types import FrameType
from typing import Any

# SIGHUP (a closed terminal or ssh session) is a request to stop like SIGTERM.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM) + (
    (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()
)
PARENT_POLL = 0.5  # seconds between a worker's checks that its parent is alive
GRACE = 2.0  # seconds a terminated worker has to exit before it is killed

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program was, like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_name(exc: BaseException) -> str:
    """The signal behind an interrupt: ``"SIGTERM"``, ``"SIGHUP"``, else ``"SIGINT"``."""
    return signal.Signals(exc.signum).name if isinstance(exc, Terminated) else "SIGINT"


def exit_status(exc: BaseException) -> int:
    """The exit status of a command stopped by ``exc``: 128 + the signal's number."""
    return 128 + (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)


def _interrupt(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


class _Handler:
    """The handler of the stop signals while a command runs."""

    def __init__(self) -> None:
        self.raised = False  # an interrupt is already on its way: drop further signals
        self.depth = 0  # nesting of deferred() blocks
        self.pending: int | None = None  # a signal held back by deferred()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.raised:
            return
        if self.depth:
            if self.pending is None:
                self.pending = signum
            return
        self.raised = True
        raise _interrupt(signum)


_active: _Handler | None = None


@contextmanager
def stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``Terminated`` (SIGINT stays ``KeyboardInterrupt``) for
    the block; the previous handlers are back afterwards. Outside the main thread (where
    Python cannot set handlers) it does nothing."""
    global _active
    if threading.current_thread() is not threading.main_thread() or _active is not None:
        yield
        return
    handler = _Handler()
    previous: dict[signal.Signals, Any] = {}
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, handler)
    _active = handler
    try:
        yield
    finally:
        _active = None
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold a stop signal until the block ends, then deliver it: for short steps that must not
    stop half-way (swapping the output folder in, removing temporary files).

    Under ``stop_signals()`` the held signal is raised as its interrupt when the outermost
    block ends. Without it (``run_scenario`` called from Python), the block holds SIGINT,
    SIGTERM and SIGHUP itself and then sends the first one that came to the handler that was
    there before (Python's: ``KeyboardInterrupt`` for SIGINT, death for SIGTERM). Outside the
    main thread, where Python cannot set handlers, it does nothing."""
    handler = _active
    if handler is None:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        held: _Handler | None = None
        try:
            with _holding() as held:
                yield
        finally:
            if held is not None and held.pending is not None:
                signal.raise_signal(held.pending)
        return
    handler.depth += 1
    try:
        yield
    finally:
        handler.depth -= 1
        if handler.depth == 0 and handler.pending is not None and not handler.raised:
            signum, handler.pending = handler.pending, None
            handler.raised = True
            raise _interrupt(signum)


@contextmanager
def _holding() -> Iterator[_Handler]:
    """``deferred()`` without ``stop_signals()``: a handler that only notes the signals, as
    the active one for the block (so nested ``deferred()`` blocks join it)."""
    global _active
    held = _Handler()
    held.depth = 1
    previous: dict[signal.Signals, Any] = {}
    for sig in STOP_SIGNALS:
        old = signal.getsignal(sig)
        if old is not signal.SIG_IGN and old is not None:  # None: set outside Python, keep it
            previous[sig] = signal.signal(sig, held)
    _active = held
    try:
        yield held
    finally:
        _active = None
        for sig, old in previous.items():
            signal.signal(sig, old)


# ------------------------------------------------------------------------------------- workers


def _signal_on_parent_death() -> None:
    """Linux: have the kernel send this process SIGTERM when its parent exits, however it
    exits (best effort: nothing elsewhere, or if libc has no prctl)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _watch_parent(parent: int) -> None:
    """Exit this process once ``parent`` is no longer its parent (it died; the orphan was
    adopted): a daemon thread polling every PARENT_POLL s, on every platform."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="acdsim-parent-watch", daemon=True).start()


def _init_worker(initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    global _active
    _active = None  # a forked worker inherits the parent's handler state: not its own
    # Ctrl-C reaches the whole process group: the parent decides, then terminates us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the parent's to handle, like SIGINT
    parent = os.getppid()
    _signal_on_parent_death()
    _watch_parent(parent)  # also covers a parent that died before prctl took effect
    _set_mask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if initializer is not None:
        initializer(*initargs)


def _set_mask(how: int, signals: Iterable[int]) -> set[int]:
    """``signal.pthread_sigmask`` where there is one (POSIX); the previous mask."""
    if not hasattr(signal, "pthread_sigmask"):
        return set()
    return set(signal.pthread_sigmask(how, signals))


def _ready() -> None:
    """The task that starts a worker (see ``worker_pool``)."""


@contextmanager
def worker_pool(
    jobs: int, initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()
) -> Iterator[ProcessPoolExecutor]:
    """A ``ProcessPoolExecutor`` of ``jobs`` workers that stop with the command.

    Leaving the block normally waits for the submitted work; leaving it by an exception
    cancels the work not started and terminates the workers (SIGTERM, then SIGKILL after
    ``GRACE`` s), waiting until they are gone. Use it from the thread that submits."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(initializer, initargs))
    started: dict[int, Any] = {}
    try:
        # The workers start with the stop signals blocked and unblock them once their
        # handlers are set, so an early Ctrl-C cannot hit a worker that would still raise on it.
        blocked = _set_mask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for _ in range(jobs):
                pool.submit(_ready)
        finally:
            _set_mask(signal.SIG_SETMASK, blocked)
        started.update(_processes(pool))
        yield pool
        pool.shutdown(wait=True)
    except BaseException:
        with deferred():  # a second signal must not cut the stop short
            _stop(pool, started)
        raise


def _processes(pool: ProcessPoolExecutor) -> dict[int, Any]:
    # The executor keeps its processes in _processes (pid -> Process) in every CPython since
    # 3.2 (None once shut down), and has no public way to stop running work.
    return dict(getattr(pool, "_processes", None) or {})


def _stop(pool: ProcessPoolExecutor, started: dict[int, Any]) -> None:
    """Cancel what has not started; terminate the workers now; return once they are gone."""
    processes = list({**started, **_processes(pool)}.values())
    pool.shutdown(wait=False, cancel_futures=True)
    # A worker's sentinel is ready once it has exited, whichever thread reaps it (the
    # executor's own thread may, as it notices the deaths).
    alive = {p.sentinel: p for p in processes if p.exitcode is None}
    for p in alive.values():
        p.terminate()
    deadline = time.monotonic() + GRACE
    while alive and (left := deadline - time.monotonic()) > 0:
        for sentinel in wait_ready(list(alive), timeout=left):
            del alive[sentinel]
    for p in alive.values():
        p.kill()
    for p in processes:  # reap: a closed sentinel can come just before the process is gone
        p.join()
