"""The streaming statistics behind the KPIs: the quantile sketch and the t interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.output.stats import QuantileSketch, mean_ci95


def test_quantile_sketch_exact_below_its_limit():
    sketch = QuantileSketch(exact_limit=1000)
    values = [float(v) for v in range(101)]
    for v in values:
        sketch.add(v)
    assert sketch.quantile(0.5) == 50.0
    assert sketch.quantile(0.9) == 90.0
    assert sketch.max == 100.0


@pytest.mark.parametrize("q", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_quantile_sketch_histogram_within_relative_error(q):
    # Past its limit the sketch keeps log buckets 0.1 % wide: with the rank rounding, a quantile
    # is within 0.2 % of the exact one (zero waits share one bucket).
    rng = np.random.default_rng(3)
    values = np.where(rng.random(20_000) < 0.4, 0.0, rng.exponential(30.0, 20_000))
    sketch = QuantileSketch(exact_limit=500)
    for v in values:
        sketch.add(float(v))
    assert sketch.values is None and sketch.n == 20_000
    exact = float(np.quantile(values, q))
    assert sketch.quantile(q) == pytest.approx(exact, rel=2e-3)
    assert sketch.max == values.max()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.one_of(st.just(0.0), st.floats(0.0, 1e5)), max_size=40), max_size=8),
    st.integers(1, 60),
)
def test_quantile_sketch_add_many_is_add_one_by_one(batches, limit):
    one, many = QuantileSketch(exact_limit=limit), QuantileSketch(exact_limit=limit)
    for batch in batches:
        for v in batch:
            one.add(v)
        many.add_many(np.array(batch, dtype=float))
    assert (many.n, many.max, many.values, many.small, many.buckets) == (
        one.n, one.max, one.values, one.small, one.buckets)
    for q in (0.0, 0.5, 0.9, 1.0):
        assert many.quantile(q) == one.quantile(q)


@pytest.mark.parametrize("v", [0.0011, 0.01, 0.3, 0.49999, 0.5, 0.75, 7.0, 1234.5])
def test_quantile_sketch_histogram_keeps_waits_under_half_a_second(v):
    """Past the limit, a value of 1 ms or more is its bucket's middle (within 0.1 %), below
    half a second too (those buckets have negative keys; they were once read as 0), and
    values under 1 ms are 0."""
    sketch = QuantileSketch(exact_limit=0)
    sketch.add_many(np.array([v, v, 0.0005]))
    assert sketch.values is None and sketch.small == 1
    assert sketch.quantile(1.0) == pytest.approx(v, rel=1e-3)
    assert sketch.quantile(0.0) == 0.0


def test_mean_ci_student_t():
    mean, ci = mean_ci95([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert ci is not None and ci[0] == pytest.approx(2 - 4.302653 / math.sqrt(3), rel=1e-5)
