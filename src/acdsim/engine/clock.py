"""Clock policies: how the one engine sees time in ``pbx`` and ``continuous`` timing.

``pbx`` reproduces the queue module's clock: every stored time and comparison is a whole
second (the floor of the real clock), the dispatcher passes on a 0.1 s grid, and the caller
watchdog polls every 0.5 s from the caller's start. ``continuous`` is an idealised ACD:
exact times, dispatch at once.
"""

from __future__ import annotations

import math

from .kernel import FIRST, LATE

TICK = 0.1
POLL = 0.5


class ContinuousClock:
    name = "continuous"
    whole_seconds = False
    # A change is seen at once: a pass due at an instant runs after everything else due then.
    pass_priority = LATE

    @staticmethod
    def fl(t: float) -> float:
        return t

    @staticmethod
    def param(seconds: float) -> float:
        return seconds

    @staticmethod
    def next_pass(now: float) -> float:
        """When a change at ``now`` is seen by the dispatcher."""
        return now

    @staticmethod
    def pass_at(threshold: float, now: float) -> float:
        """First pass time whose clock reading reaches ``threshold`` (never before now)."""
        return max(threshold, now)

    @staticmethod
    def retry_gap(now: float) -> float:
        """Earliest re-dispatch after an offer that failed in zero time (avoids a livelock)."""
        return now + TICK

    @staticmethod
    def wrap_until(end: float, wrap: float) -> float:
        return end + wrap

    @staticmethod
    def poll_at(start: float, target: float, now: float) -> float:
        """When a watchdog started at ``start`` first sees ``clock >= target``."""
        return max(target, now)

    @staticmethod
    def timer_due(start: float, seconds: float) -> float:
        return start + seconds


class PbxClock:
    name = "pbx"
    whole_seconds = True
    # A change is seen by the next tick: a pass due at a tick runs before anything else due
    # then, whenever it was asked for (a change at the tick itself asks for the next one).
    pass_priority = FIRST

    @staticmethod
    def fl(t: float) -> float:
        return float(math.floor(t + 1e-9))

    @staticmethod
    def param(seconds: float) -> float:
        # The module stores its parameters as integers (atoi): fractions are dropped.
        return float(math.floor(seconds + 1e-9))

    @staticmethod
    def next_pass(now: float) -> float:
        # A change made between passes (or during one) is seen by the next 0.1 s tick.
        return (math.floor(now * 10 + 1e-6) + 1) / 10

    @staticmethod
    def pass_at(threshold: float, now: float) -> float:
        # Thresholds are whole seconds and whole seconds are ticks of the grid.
        if threshold <= now:
            return PbxClock.next_pass(now)
        return float(math.ceil(threshold - 1e-9))

    @staticmethod
    def retry_gap(now: float) -> float:
        return PbxClock.next_pass(now)

    @staticmethod
    def wrap_until(end: float, wrap: float) -> float:
        # last_bridge_end < now - wrap on whole seconds: offered from floor(end) + wrap + 1 on.
        return math.floor(end + 1e-9) + wrap + 1.0

    @staticmethod
    def poll_at(start: float, target: float, now: float) -> float:
        # The watchdog polls at start + 0.5 k; it fires at the first poll with floor(p) >= target.
        k = max(0, math.ceil((target - start) / POLL - 1e-9))
        p = start + k * POLL
        while math.floor(p + 1e-9) < target:
            p += POLL
        while p < now - 1e-9:
            p += POLL
        return p

    @staticmethod
    def timer_due(start: float, seconds: float) -> float:
        return PbxClock.poll_at(start, math.floor(start + 1e-9) + seconds, start)


def clock_for(timing: str) -> type[ContinuousClock] | type[PbxClock]:
    return PbxClock if timing == "pbx" else ContinuousClock
