"""Patience under censoring: answered callers were still willing to wait.

The issue's example: 5,000 exponential patience draws with a mean of 120 s; the callers whose
patience outlasted their wait were answered. The naive mean wait of the abandoned callers is
far too low; the censored estimate recovers 120 s within its CI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acdsim.calibration import families as fam
from acdsim.calibration import fit


def _log(patience: np.ndarray, wait: np.ndarray, talk: np.ndarray) -> pd.DataFrame:
    joined = np.arange(len(patience)) * 10.0
    answered = patience > wait
    return pd.DataFrame({
        "joined": joined,
        "answered": np.where(answered, joined + wait, np.nan),
        "left": np.where(answered, joined + wait + talk, joined + patience),
    })


def test_censored_patience_estimate_is_unbiased_where_the_naive_one_is_not():
    rng = np.random.default_rng(17)
    n = 5000
    patience = rng.exponential(120, n)
    wait = rng.exponential(60, n)
    result = fit(_log(patience, wait, rng.exponential(100, n)))
    est = result.patience
    low, high = est.mean_ci
    assert low <= 120 <= high
    assert abs(est.mean - 120) < 10
    # The naive estimate (abandoned callers' waits alone) misses 120 by far, outside the CI.
    assert est.naive_mean is not None and est.naive_mean < 60
    assert not low <= est.naive_mean <= high
    assert est.dist is not None and est.dist["dist"] in ("exponential", "gamma", "erlang", "lognormal")
    assert est.n + est.n_censored == n


def test_censored_gamma_patience_is_recovered():
    """A non-exponential patience (gamma, sd < mean): mean and sd inside their CIs."""
    rng = np.random.default_rng(5)
    n = 6000
    mean, sd = 90.0, 45.0
    patience = rng.gamma((mean / sd) ** 2, sd**2 / mean, n)
    result = fit(_log(patience, rng.exponential(50, n), rng.exponential(100, n)))
    best = result.patience.best
    assert best is not None and best.family in ("gamma", "erlang")
    assert best.ci["mean"][0] <= mean <= best.ci["mean"][1]
    if best.family == "gamma":
        assert best.ci["sd"][0] <= sd <= best.ci["sd"][1]


def test_kaplan_meier_by_hand():
    """Events at 1 and 3, censored at 2: S(1) = 2/3, S(3) = 2/3 x 0 = 0."""
    km = fam.kaplan_meier(np.array([1.0, 3.0]), np.array([2.0]))
    assert km.time.tolist() == [1.0, 3.0]
    assert km.survival.tolist() == pytest.approx([2 / 3, 0.0])
    assert km.at_risk.tolist() == [3, 1]
    assert km.at(2.5) == pytest.approx(2 / 3) and km.at(0.5) == 1.0


def test_kaplan_meier_ties_count_events_before_censorings():
    """An event and a censoring at the same time: the censored one was still at risk."""
    km = fam.kaplan_meier(np.array([2.0]), np.array([2.0, 5.0]))
    assert km.survival.tolist() == pytest.approx([2 / 3])


def test_censored_exponential_mle_is_events_over_exposure():
    """Exponential MLE with censoring: mean = (sum of all times) / number of events."""
    obs, cens = np.array([10.0, 20.0, 30.0]), np.array([40.0, 50.0])
    f = fam.fit_family("exponential", fam.sample(obs, cens))
    assert f is not None
    assert f.params["mean"] == pytest.approx(150 / 3, rel=2e-3)


def test_no_abandoned_caller_means_infinite_patience():
    n = 50
    df = pd.DataFrame({"joined": np.arange(n) * 60.0, "answered": np.arange(n) * 60.0 + 5,
                       "left": np.arange(n) * 60.0 + 50})
    result = fit(df)
    assert result.patience.dist is None
    assert "patience" not in result.scenario["queues"][0]["callers"]
