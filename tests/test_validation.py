"""Statistical agreement with Erlang C / Erlang A (continuous timing), and how far pbx timing
moves the KPIs. The table and the reproduce command are in docs/validation.md."""

from __future__ import annotations

import dataclasses

import pytest

from acdsim import erlang
from acdsim.runner import run_replication
from acdsim.validation import POINTS, Point, compare, scenario_for


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS, ids=[p.name for p in POINTS])
def test_confidence_interval_covers_theory(point: Point):
    """The 95 % CI over replications of mean wait, service level (and abandon rate) covers the exact value."""
    rows = compare(point)
    assert rows
    for r in rows:
        assert r["covered"], (
            f"{r['point']} {r['metric']}: theory {r['theory']:.6g} outside the 95 % CI "
            f"[{r['low']:.6g}, {r['high']:.6g}] (mean {r['sim']:.6g})"
        )


def test_erlang_reference_values():
    """The exact values the validation compares with (c = 50, 900 calls/h, AHT 180 s)."""
    c = erlang.mmc(calls_per_hour=900, aht=180, agents=50)
    assert (round(c.p_wait, 6), round(c.asa, 4), round(c.service_level, 6)) == (0.363864, 13.0991, 0.791232)
    a = erlang.erlang_a(calls_per_hour=900, aht=180, agents=50, patience=120)
    assert (round(a.p_wait, 6), round(a.p_abandon, 6), round(a.mean_wait, 4)) == (0.226285, 0.024030, 2.8836)


@pytest.mark.slow
def test_pbx_timing_adds_a_small_positive_delay_to_waits():
    """pbx timing adds dispatch latency (<= 0.1 s per offer) and whole-second wrap-up ends
    (an agent is free again at floor(end) + 1): with the same random numbers the mean wait
    rises, by no more than the latency plus the wait that one more second of handle time adds."""
    point = Point("M/M/10 rho=0.85", 10, 170, 180, hours=10, replications=8, seed=3)
    diffs = []
    for k in range(point.replications):
        cont = run_replication(scenario_for(point, "continuous"), k, None)["queues"]["1"]
        pbx = run_replication(scenario_for(point, "pbx"), k, None)["queues"]["1"]
        diffs.append(pbx["mean_wait"] - cont["mean_wait"])
    mean = sum(diffs) / len(diffs)
    slower = erlang.mmc(calls_per_hour=170, aht=181, agents=10).asa
    base = erlang.mmc(calls_per_hour=170, aht=180, agents=10).asa
    bound = 0.1 + (slower - base)
    assert mean > 0, f"expected pbx waits above continuous, got a mean difference of {mean:.4f} s"
    assert mean < bound, f"expected the pbx - continuous difference below {bound:.3f} s, got {mean:.3f} s"


def test_validation_points_are_single_queue_markov_scenarios():
    """Each point is M/M/N(+M): instant answer, exponential talk (and patience), continuous timing."""
    for p in POINTS:
        sc = scenario_for(p)
        assert sc.timing == "continuous" and len(sc.queues) == 1
        assert sc.queues[0].callers.talk_time.dist == "exponential"
        assert len(sc.agents.local) == p.agents
    assert any(p.load >= 0.9 and p.patience is None for p in POINTS)
    assert any(p.agents <= 3 and p.patience is None for p in POINTS)
    assert any(p.load > 1 and p.patience is not None for p in POINTS)
    assert dataclasses.is_dataclass(POINTS[0])
