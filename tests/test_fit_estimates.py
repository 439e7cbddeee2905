"""What the fit chooses on hand-made logs: empirical and constant talk times, AHT per
interval, wrap-up, agents per interval and the pool's staffing curve, and the public ``acdsim.fit``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acdsim
from acdsim.calibration import agents as ag
from acdsim.calibration import arrivals as arr
from acdsim.calibration import fit
from acdsim.loader import load_scenario, load_scenario_data


def _answered(talk: np.ndarray, spacing: float = 30.0, **extra: object) -> pd.DataFrame:
    joined = np.arange(len(talk)) * spacing
    return pd.DataFrame({"joined": joined, "answered": joined + 2, "left": joined + 2 + talk, **extra})


def test_a_two_humped_talk_time_is_written_as_empirical():
    rng = np.random.default_rng(1)
    talk = np.concatenate([rng.normal(30, 2, 2000), rng.normal(600, 20, 2000)])
    rng.shuffle(talk)
    result = fit(_answered(talk))
    dist = result.talk.dist
    assert dist is not None and dist["dist"] == "empirical" and len(dist["values"]) == 200
    assert result.talk.best is not None and result.talk.best.ks_p is not None and result.talk.best.ks_p < 0.01
    load_scenario_data(result.scenario)


def test_a_constant_talk_time_is_constant():
    result = fit(_answered(np.full(40, 90.0)))
    assert result.talk.dist == {"dist": "constant", "value": 90.0}


def test_aht_that_varies_by_interval_goes_into_the_forecast():
    rng = np.random.default_rng(2)
    talk = np.concatenate([rng.exponential(60, 120), rng.exponential(300, 120)])
    result = fit(_answered(talk), interval=3600)  # 120 calls an hour, AHT 60 s then 300 s
    assert result.aht["varies"]
    assert list(result.forecast.columns) == ["at", "calls_per_hour", "aht"]
    steady = fit(_answered(rng.exponential(120, 240)), interval=3600)
    assert "aht" not in steady.forecast.columns


def test_forecast_csv_with_aht_is_the_profile_of_fitted_yaml(tmp_path):
    """Hour 0: AHT 60 s, hour 1: only abandoned calls (no AHT), hour 2: AHT 300 s."""
    rng = np.random.default_rng(2)
    talk = np.concatenate([rng.exponential(60, 120), rng.exponential(300, 120)])
    log = _answered(talk)
    log.loc[log["joined"] >= 3600, ["joined", "answered", "left"]] += 3600.0
    quiet = pd.DataFrame({"joined": [4000.0, 5000], "answered": [np.nan] * 2, "left": [4010.0, 5010]})
    result = fit(pd.concat([log, quiet]).sort_values("joined"), interval=3600)
    assert result.aht["varies"] and list(result.forecast.columns) == ["at", "calls_per_hour", "aht"]
    result.write(tmp_path, plots=False)
    profile = load_scenario(tmp_path / "fitted.yaml").queues[0].callers.arrivals.profile
    assert [s.calls_per_hour for s in profile] == [120.0, 2.0, 120.0]
    assert profile[1].aht is None  # no answered call: the talk time unscaled
    assert profile[0].aht == pytest.approx(talk[:120].mean(), abs=1e-3)
    assert profile[2].aht == pytest.approx(talk[120:].mean(), abs=1e-3)
    inline = load_scenario_data(result.scenario).queues[0].callers.arrivals.profile
    assert [(s.at, s.calls_per_hour, s.aht) for s in inline] == [(s.at, s.calls_per_hour, s.aht) for s in profile]


def test_wrap_up_column_gives_the_agents_wrap_up_time():
    result = fit(_answered(np.full(10, 60.0), wrap_up=[10.0, 20.0] * 5, agent=["a"] * 10))
    assert result.wrap_up is not None and result.wrap_up["mean"] == pytest.approx(15.0)
    assert result.scenario["pools"][0]["agent"] == {"wrap_up_time": 15.0}
    expanded = load_scenario_data(result.scenario)
    assert expanded.agents.local and {a.wrap_up_time for a in expanded.agents.local} == {15.0}


def test_agents_per_interval_follow_the_distinct_agents_talking():
    """Hour 0: agents a and b talk; hour 1: only a. One day."""
    df = pd.DataFrame({
        "joined": [100.0, 200, 3700, 3800],
        "answered": [110.0, 210, 3710, 3810],
        "left": [400.0, 500, 3900, 3950],
        "agent": ["a", "b", "a", "a"],
    })
    result = fit(df, interval=3600)
    assert result.report["agents"]["scenario_per_interval"] == [2, 1]
    assert "schedule" not in result.scenario and result.scenario["agents"] == {}
    assert result.scenario["pools"] == [{
        "name": "fitted", "first_id": 1, "agent": {"wrap_up_time": 0.0},
        "tiers": [{"queue": 1, "level": 1, "position": 1}],
        "staffing": [{"at": 0.0, "agents": 2}, {"at": 3600.0, "agents": 1}],
    }]
    expanded = load_scenario_data(result.scenario)
    assert [a.id for a in expanded.agents.local] == [1, 2]
    assert [(c.at, c.agent, c.status) for c in expanded.schedule] == [(3600.0, "local/2", "logged_out")]


def test_staffing_curve_gives_each_interval_its_count_from_zero():
    profile = arr.Profile(900.0, np.array([4, 5, 6, 7]), np.ones(4), 1, np.ones(4), np.ones(4), np.ones(4), None, None)
    assert ag.staffing(np.array([1, 2, 2, 1]), profile) == [
        {"at": 0.0, "agents": 1}, {"at": 4500.0, "agents": 2}, {"at": 5400.0, "agents": 2},
        {"at": 6300.0, "agents": 1},
    ]
    assert ag.staffing(np.array([0, 0, 0, 0]), profile) == [{"at": 0.0, "agents": 1}]


def test_acdsim_fit_is_the_public_name():
    assert acdsim.fit is fit
