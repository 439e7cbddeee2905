"""What the fit chooses on hand-made logs: empirical and constant talk times, AHT per
interval, wrap-up, agents per interval and their shifts, and the public ``acdsim.fit``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acdsim
from acdsim.calibration import agents as ag
from acdsim.calibration import arrivals as arr
from acdsim.calibration import fit
from acdsim.loader import load_scenario_data


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


def test_wrap_up_column_gives_the_agents_wrap_up_time():
    result = fit(_answered(np.full(10, 60.0), wrap_up=[10.0, 20.0] * 5, agent=["a"] * 10))
    assert result.wrap_up is not None and result.wrap_up["mean"] == pytest.approx(15.0)
    assert {a["wrap_up_time"] for a in result.scenario["agents"]["local"]} == {15.0}


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
    assert result.scenario["schedule"] == [
        {"agents": ["local/2"], "from": 0.0, "to": 3600.0},
        {"agents": ["local/1"], "from": 0.0, "to": 7200.0 + ag.EXTRA},
    ]
    load_scenario_data(result.scenario)


def test_shifts_give_each_interval_its_count():
    profile = arr.Profile(900.0, np.array([4, 5, 6, 7]), np.ones(4), 1, np.ones(4), np.ones(4), np.ones(4), None, None)
    n, entries = ag.shifts(np.array([1, 2, 2, 1]), profile)
    assert n == 2
    assert entries == [
        {"agents": ["local/1"], "from": 0.0, "to": 7200.0 + ag.EXTRA},
        {"agents": ["local/2"], "from": 4500.0, "to": 6300.0},
    ]


def test_acdsim_fit_is_the_public_name():
    assert acdsim.fit is fit
