"""Round trip: simulate a known scenario, fit its calls, recover every parameter within its CI.

Hypothesis draws the talk-time family (exponential, lognormal, gamma, uniform) and its
parameters, the patience family (exponential, gamma, lognormal) and its mean, and a
time-varying arrival profile; the budget is fixed (few examples, derandomized, ~1,000 calls
each) so the suite stays fast and repeatable. The CIs are taken at 99.9 %: one example checks
about ten intervals, so at 95 % one miss in a few examples would be expected by chance alone.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acdsim.api import simulate
from acdsim.calibration import fit
from acdsim.loader import load_scenario_data

LEVEL = 0.999


def _dist(family: str, mean: float, cv: float) -> dict[str, Any]:
    if family == "exponential":
        return {"dist": "exponential", "mean": mean}
    if family == "uniform":
        half = mean * cv * math.sqrt(3)  # sd = (high - low) / sqrt(12)
        return {"dist": "uniform", "low": round(mean - half, 3), "high": round(mean + half, 3)}
    return {"dist": family, "mean": mean, "sd": round(mean * cv, 3)}


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    talk = _dist(draw(st.sampled_from(["exponential", "lognormal", "gamma", "uniform"])),
                 draw(st.integers(60, 240)), draw(st.sampled_from([0.3, 0.5, 0.8])))
    patience = _dist(draw(st.sampled_from(["exponential", "gamma", "lognormal"])),
                     draw(st.integers(60, 200)), draw(st.sampled_from([0.5, 0.7])))
    rates = [draw(st.integers(120, 360)) for _ in range(3)]
    return {"talk": talk, "patience": patience, "rates": rates, "seed": draw(st.integers(0, 1000))}


def _scenario(case: dict[str, Any]) -> dict[str, Any]:
    talk_mean = case["talk"].get("mean") or (case["talk"]["low"] + case["talk"]["high"]) / 2
    agents = max(1, round(max(case["rates"]) * talk_mean / 3600 * 0.9))
    return {
        "acdsim": 1, "seed": case["seed"], "horizon": 3 * 3600, "timing": "continuous",
        "queues": [{
            "id": 1, "agents": {"local": [{"agent_id": i} for i in range(1, agents + 1)]},
            "callers": {
                "arrivals": {"profile": [{"at": k * 3600, "calls_per_hour": r} for k, r in enumerate(case["rates"])]},
                "talk_time": case["talk"], "patience": case["patience"],
            },
        }],
        "agents": {"local": [{"id": i} for i in range(1, agents + 1)]},
        "behaviors": {"default": {"answer_time": 0}},
    }


def _within(ci: Any, value: float) -> bool:
    return ci[0] <= value <= ci[1]


@settings(max_examples=8, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_fit_recovers_the_parameters_of_a_simulated_log(case: dict[str, Any]):
    calls = simulate(load_scenario_data(_scenario(case))).calls
    result = fit(calls, interval=3600, level=LEVEL)

    # Arrivals: one interval per profile step, each rate inside its CI.
    rows = result.report["arrivals"]["profile"]
    assert [r["at"] for r in rows] == [0, 3600, 7200]
    for row, rate in zip(rows, case["rates"], strict=True):
        assert _within(row["ci"], rate), (row, rate)

    # Talk time: the mean always; the family's own parameters when that family is chosen.
    talk, true_talk = result.talk, case["talk"]
    true_mean = true_talk.get("mean") or (true_talk["low"] + true_talk["high"]) / 2
    assert _within(talk.mean_ci, true_mean), (talk.mean_ci, true_talk)
    assert talk.best is not None
    if talk.best.family == true_talk["dist"]:
        for key, ci in talk.best.ci.items():
            assert _within(ci, true_talk[key]), (key, ci, true_talk)

    # Patience (censored): the mean in its CI; sd too when the family is the true one.
    pat, true_pat = result.patience, case["patience"]
    assert pat.best is not None, case
    assert _within(pat.best.ci["mean"], true_pat["mean"]), (pat.best, true_pat)
    if pat.best.family == true_pat["dist"] and "sd" in true_pat:
        assert _within(pat.best.ci["sd"], true_pat["sd"]), (pat.best, true_pat)

    # The fitted scenario is runnable.
    load_scenario_data(result.scenario)


def test_fit_then_run_reproduces_the_logs_figures_within_their_cis():
    """The loop closes: a 3-day log of a time-varying queue, fitted, simulated 5 days (--check):
    overall offered, abandon rate, ASA and service level agree, and nearly every interval's."""
    from acdsim.calibration.check import run_check

    log_scenario = {
        "acdsim": 1, "seed": 4, "start": "2026-05-04 08:00:00", "horizon": 6 * 3600,
        "timing": "continuous", "replications": 3,
        "queues": [{
            "id": 7, "agents": {"local": [{"agent_id": i} for i in range(1, 5)]},
            "callers": {
                "arrivals": {"profile": [{"at": 0, "calls_per_hour": 60}, {"at": 7200, "calls_per_hour": 100},
                                         {"at": 14400, "calls_per_hour": 70}]},
                "talk_time": {"dist": "lognormal", "mean": 150, "sd": 100},
                "patience": {"dist": "gamma", "mean": 100, "sd": 60},
            },
        }],
        "agents": {"local": [{"id": i} for i in range(1, 5)]},
        "behaviors": {"default": {"answer_time": 0}},
    }
    result = fit(simulate(load_scenario_data(log_scenario)).calls, interval=3600)
    assert result.log.days == 3
    assert result.report["agents"]["scenario_per_interval"] == [4] * 6
    check = run_check(result, replications=5, seed=1)
    assert all(check["overall"][m]["agree"] for m in ("offered", "abandon_rate", "asa", "service_level"))
    assert check["compared"] == 24 and check["agree"] >= 22
