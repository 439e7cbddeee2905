"""The event kernel: simpy's ``Environment`` with a run loop for plain callbacks.

The engine's events are callbacks, ``fn(*args)`` at a time, not simpy processes: an entry of
simpy's own heap holds ``fn`` and ``args`` where simpy keeps an event, and ``run_until`` calls it
directly instead of going through an event's callback list. Ordinary simpy events and
processes still run in the same heap, in the same order (time, priority, insertion), so a
model may mix both.

Callbacks scheduled with no delay from inside a callback go to a FIFO and run as soon as
nothing else is due at the same instant: exactly the order simpy's heap would give them
(they would carry the newest insertion ids), without a heap push and pop per call.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heapify, heappop, heappush
from math import floor
from typing import Any

import simpy
from simpy.core import NORMAL, EmptySchedule

# Priorities of heap entries due at the same time, lowest first: simpy's URGENT (0) and NORMAL
# (1), then LATE, then the end-of-run entry after everything else due at that time.
FIRST = 0
LATE = 2
_LAST = 3


class _Stop(Exception):
    """Leaves ``run_until``: raised by ``halt`` and by the end-of-run entry."""


class Kernel(simpy.Environment):
    """``whole_seconds``: ``c``, the clock reading, is the floor of the time (pbx timing).

    Every heap entry is ``(time, priority, id, fn, args)``: simpy's own events are queued as
    a call of ``_process``, so the loop has no type to test. ``run_until`` pushes one more
    entry, at its end time after everything else due then, that stops the loop: the loop
    never tests the time or an empty heap either.
    """

    def __init__(self, whole_seconds: bool = False) -> None:
        super().__init__()
        self.t = 0.0  # the current time, as a plain attribute (read on every callback)
        self.c = 0.0  # the clock reading at ``t``: ``t``, or its whole second
        self.whole_seconds = whole_seconds
        self.due: deque[tuple[Callable[..., None], tuple[Any, ...]]] = deque()
        self.heap: list[Any] = self._queue  # simpy's heap, under a public name
        self.running = False
        self.halted = False

    def call(self, delay: float, fn: Callable[..., None], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` seconds (at once, in order, if ``delay <= 0``)."""
        if delay <= 0.0:
            if self.running:
                self.due.append((fn, args))
                return
            delay = 0.0
        queue: list[Any] = self._queue
        heappush(queue, (self._now + delay, NORMAL, next(self._eid), fn, args))

    def call_ranked(self, delay: float, priority: int, fn: Callable[..., None], *args: Any) -> None:
        """``call``, but among the entries due at the same time this one runs by ``priority``
        (FIRST, NORMAL or LATE) before the order of scheduling. With no delay inside a
        callback it joins the FIFO like ``call``."""
        if delay <= 0.0 and self.running:
            self.call(0.0, fn, *args)
            return
        queue: list[Any] = self._queue
        heappush(queue, (self._now + max(delay, 0.0), priority, next(self._eid), fn, args))

    def schedule(self, event: Any, priority: Any = NORMAL, delay: float = 0) -> None:
        """simpy's events and processes (``Environment.schedule``): a call of ``_process``."""
        queue: list[Any] = self._queue
        heappush(queue, (self._now + delay, priority, next(self._eid), self._process, (event,)))

    def step(self) -> None:
        """simpy's ``Environment.step``: run the next entry."""
        queue: list[Any] = self._queue
        try:
            t, _, _, fn, args = heappop(queue)
        except IndexError:
            raise EmptySchedule from None
        self._set_time(t)
        fn(*args)

    def next_is_later(self) -> bool:
        """Inside a callback: nothing else is due at the current time, so whatever this
        callback asks for at this instant with ``call(0, ...)`` would run next."""
        return self.running and not self.due and self._queue[0][0] > self._now

    def _set_time(self, t: float) -> None:
        self._now = self.t = t
        self.c = float(floor(t + 1e-9)) if self.whole_seconds else t

    def halt(self) -> None:
        """Stop ``run_until`` now (as a callback: the run ends at its turn)."""
        self.halted = True
        raise _Stop

    def run_until(self, end: float) -> None:
        """Run the callbacks and events due up to ``end`` (inclusive), or until ``halt``."""
        if self.halted:
            return
        queue: list[Any] = self._queue
        due = self.due
        eid = self._eid
        pop = heappop
        whole = self.whole_seconds
        last = (end, _LAST, next(eid), _raise_stop, ())
        heappush(queue, last)
        self.running = True
        try:
            while True:
                if due:
                    now = self._now
                    if queue[0][0] <= now:
                        # Older entries due at this instant come first: queue the FIFO behind them.
                        for item in due:
                            heappush(queue, (now, NORMAL, next(eid), *item))
                        due.clear()
                        continue
                    fn, args = due.popleft()
                    fn(*args)
                    continue
                t, _, _, fn, args = pop(queue)
                self._now = self.t = t
                # The same floor as PbxClock.fl, once per instant rather than per use.
                self.c = float(floor(t + 1e-9)) if whole else t
                fn(*args)
        except _Stop:
            pass
        finally:
            self.running = False
            if queue and last in queue:  # halted before the end: take the end entry out
                queue.remove(last)
                heapify(queue)

    def _process(self, event: Any) -> None:
        """A simpy event popped by the loop: what ``Environment.step`` does with it."""
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc


def _raise_stop() -> None:
    raise _Stop
