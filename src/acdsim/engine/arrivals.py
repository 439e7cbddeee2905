"""When callers arrive: Poisson arrivals at a constant rate or a piecewise-constant profile,
or the times of a trace.

Rate and profile arrivals are generated a block of exponential gaps at a time (numpy), and
the engine takes them one by one through a C-level iterator: no Python frame per arrival.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

import numpy as np

from ..model import ProfileArrivals, RateArrivals, TraceArrivals, TraceRecord


def poisson_times(
    arrivals: RateArrivals | ProfileArrivals, horizon: float, draw: Callable[[], np.ndarray]
) -> Iterator[float]:
    """The arrival times in [0, horizon), in order. ``draw()`` returns the next block of unit
    exponential gaps of the queue's stream."""
    return chain.from_iterable(_poisson_blocks(arrivals, horizon, draw))


def _poisson_blocks(
    arrivals: RateArrivals | ProfileArrivals, horizon: float, draw: Callable[[], np.ndarray]
) -> Iterator[list[float]]:
    if isinstance(arrivals, RateArrivals):
        steps = [(0.0, arrivals.calls_per_hour)]
    else:
        steps = [(s.at, s.calls_per_hour) for s in arrivals.profile]
    gaps = np.empty(0)  # unit gaps drawn and not used yet
    # Exact piecewise generation: the exponential gap is memoryless, so a gap that crosses a
    # rate change is redrawn from the boundary at the new rate (the crossing gap is spent).
    for i, (start, per_hour) in enumerate(steps):
        end = min(steps[i + 1][0] if i + 1 < len(steps) else horizon, horizon)
        if per_hour <= 0 or start >= end:
            continue
        mean = 3600.0 / per_hour
        t = start
        while True:
            if not len(gaps):
                gaps = draw()
            # t_k = t_(k-1) + gap_k * mean: cumsum adds in order, as a loop would.
            times = np.cumsum(np.concatenate(([t], gaps * mean)))[1:]
            k = int(np.searchsorted(times, end, side="left"))  # the first time >= end
            if k < len(times):
                yield times[:k].tolist()
                gaps = gaps[k + 1:]
                break
            yield times.tolist()
            t = float(times[-1])
            gaps = np.empty(0)


def trace_rows(arrivals: TraceArrivals, horizon: float) -> Iterator[TraceRecord]:
    """The rows of a trace that arrive before the horizon."""
    return (row for row in arrivals.rows if row.time < horizon)


def scaled_talk(
    draw: Callable[[], float], arrivals: ProfileArrivals, mean: float, env: Any
) -> Callable[[], float]:
    """``draw`` (the queue's talk time) scaled by aht / mean for callers who join in a profile
    row with an ``aht`` (a forecast's handling time); ``draw`` itself when no row has one, so
    that a profile without aht costs nothing per caller. ``env.t``: the joining time."""
    steps = arrivals.profile
    if all(s.aht is None for s in steps):
        return draw
    starts = [s.at for s in steps]
    factors = [1.0 if s.aht is None else s.aht / mean for s in steps]

    def draw_scaled() -> float:
        i = bisect_right(starts, env.t) - 1
        return draw() * factors[i] if i >= 0 else draw()

    return draw_scaled
