"""The event kernel: simpy's ``Environment`` with a run loop for plain callbacks.

The engine's events are callbacks, ``fn(*args)`` at a time, not simpy processes: an entry of
simpy's own heap holds ``(fn, args)`` where simpy keeps an event, and ``run_until`` calls it
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
from heapq import heappop, heappush
from math import floor
from typing import Any

import simpy
from simpy.core import NORMAL


class Kernel(simpy.Environment):
    """``whole_seconds``: ``c``, the clock reading, is the floor of the time (pbx timing)."""

    def __init__(self, whole_seconds: bool = False) -> None:
        super().__init__()
        self.t = 0.0  # the current time, as a plain attribute (read on every callback)
        self.c = 0.0  # the clock reading at ``t``: ``t``, or its whole second
        self.whole_seconds = whole_seconds
        self.due: deque[tuple[Callable[..., None], tuple[Any, ...]]] = deque()
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
        heappush(queue, (self._now + delay, NORMAL, next(self._eid), (fn, args)))

    def halt(self) -> None:
        """Stop ``run_until`` after the current callback."""
        self.halted = True

    def run_until(self, end: float) -> None:
        """Run the callbacks and events due up to ``end`` (inclusive), or until ``halt``."""
        queue: list[Any] = self._queue
        due = self.due
        eid = self._eid
        pop = heappop
        whole = self.whole_seconds
        self.running = True
        try:
            while not self.halted:
                if due:
                    now = self._now
                    if queue and queue[0][0] <= now:
                        # Older entries due at this instant come first: queue the FIFO behind them.
                        for item in due:
                            heappush(queue, (now, NORMAL, next(eid), item))
                        due.clear()
                        continue
                    fn, args = due.popleft()
                    fn(*args)
                    continue
                if not queue or queue[0][0] > end:
                    break
                t, _, _, item = pop(queue)
                self._now = self.t = t
                # The same floor as PbxClock.fl, once per instant rather than per use.
                self.c = float(floor(t + 1e-9)) if whole else t
                if type(item) is tuple:
                    item[0](*item[1])
                else:
                    self._process(item)
        finally:
            self.running = False

    def _process(self, event: Any) -> None:
        """A simpy event popped by ``run_until``: what ``Environment.step`` does with it."""
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc
