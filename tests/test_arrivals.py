"""Poisson arrivals generated a block at a time give exactly the times of the one-gap-at-a-time
loop they replaced (same stream, same floats), for constant rates and profiles; generated
caller numbers are the queue's prefix and six digits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.engine.arrivals import poisson_times
from acdsim.engine.state import QueueState
from acdsim.engine.strategies import STRATEGIES
from acdsim.engine.streams import Streams
from acdsim.model import ProfileArrivals, RateArrivals
from acdsim.model.traffic import ProfileStep


def loop_times(
    steps: list[tuple[float, float]], horizon: float, gap: Callable[[], float]
) -> Iterator[float]:
    """The reference: one unit gap per arrival; the gap that crosses a rate change is spent."""
    for i, (start, per_hour) in enumerate(steps):
        end = min(steps[i + 1][0] if i + 1 < len(steps) else horizon, horizon)
        if per_hour <= 0 or start >= end:
            continue
        mean = 3600.0 / per_hour
        t = start
        while True:
            t += gap() * mean
            if t >= end:
                break
            yield t


def test_constant_rate_same_times_as_the_loop() -> None:
    horizon = 3600.0 * 5
    got = list(poisson_times(RateArrivals(calls_per_hour=900), horizon,
                             Streams(7, 2).unit_exponential_blocks("arrivals/1")))
    want = list(loop_times([(0.0, 900.0)], horizon, Streams(7, 2).unit_exponential("arrivals/1")))
    assert len(want) > 4000  # several blocks
    assert got == want


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 4000), st.sampled_from([0.0, 1.0, 30.0, 700.0, 5000.0])),
        min_size=1, max_size=6,
    ),
    st.floats(1.0, 5000.0),
    st.integers(0, 3),
)
def test_profile_same_times_as_the_loop(raw: list[tuple[float, float]], horizon: float, seed: int) -> None:
    steps = sorted({at: rate for at, rate in [(0.0, raw[0][1]), *raw]}.items())
    arrivals = ProfileArrivals(profile=[ProfileStep(at=at, calls_per_hour=r) for at, r in steps])
    got = list(poisson_times(arrivals, horizon, Streams(seed, 0).unit_exponential_blocks("a")))
    want = list(loop_times(steps, horizon, Streams(seed, 0).unit_exponential("a")))
    assert got == want
    assert all(0 <= t < horizon for t in got)
    assert np.all(np.diff(got) >= 0)


@given(st.integers(1, 10**9), st.integers(0, 5000))
def test_caller_number_is_prefix_and_six_digits(n: int, qid: int) -> None:
    q = QueueState(SimpleNamespace(id=qid), STRATEGIES["longest-idle-agent"])  # type: ignore[arg-type]
    assert q.caller_number(n) == f"79{qid % 1000:03d}{n:06d}"
