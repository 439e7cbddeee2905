"""Durations (SCENARIO_FORMAT §1): numbers of seconds or strings with a unit, compound ones too."""

import pytest

from acdsim.units import parse_duration


@pytest.mark.parametrize(
    "text, seconds",
    [(30, 30.0), (2.5, 2.5), ("90s", 90.0), ("15m", 900.0), ("8h", 28800.0), ("1d", 86400.0),
     ("250ms", 0.25), ("1.5h", 5400.0), ("1h30m", 5400.0), ("2m30s", 150.0), ("1d2h", 93600.0),
     ("2h 15m", 8100.0), ("15 min", 900.0), ("1e3", 1000.0)],
)
def test_duration_forms(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["8 hours", "2m1h", "h", "-5", "", "1h1h", True, None, float("nan")])
def test_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)
