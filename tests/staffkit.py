"""Small scenarios for the staffing tests: one queue, one pool, Markovian where it matters."""

from __future__ import annotations

import math
from typing import Any


def queue_day(
    *, rate: float | None = None, profile: list[dict[str, Any]] | None = None, talk: float = 60.0,
    patience: float | None = None, horizon: float = 7200.0, timing: str = "continuous",
    answer_time: float = 0.0, wrap_up: float = 0.0, seed: int = 11, staffing: Any = 5,
) -> dict[str, Any]:
    """A scenario dict: exponential talk times, Poisson arrivals (a rate or a profile), an
    optional exponential patience, a pool 'team' of agents that answer at once."""
    arrivals = {"calls_per_hour": rate} if profile is None else {"profile": profile}
    callers: dict[str, Any] = {"arrivals": arrivals, "talk_time": {"dist": "exponential", "mean": talk}}
    if patience is not None:
        callers["patience"] = {"dist": "exponential", "mean": patience}
    return {
        "acdsim": 1, "name": "staff test", "seed": seed, "start": "2026-03-02 08:00:00",
        "horizon": horizon, "timing": timing,
        "queues": [{"id": 1, "strategy": "longest-idle-agent", "callers": callers}],
        "agents": {},
        "behaviors": {"default": {"answer_time": answer_time}},
        "pools": [{
            "name": "team", "first_id": 100, "agent": {"call_timeout": 60, "wrap_up_time": wrap_up},
            "tiers": [{"queue": 1, "level": 1, "position": 1}], "staffing": staffing,
        }],
    }


def sinusoid(mean_per_hour: float, amplitude: float, period: float, horizon: float, step: float) -> list[dict[str, Any]]:
    """A piecewise-constant sinusoidal rate: one row per ``step`` seconds (the rate at the
    middle of the step)."""
    rows = []
    t = 0.0
    while t < horizon - 1e-9:
        mid = t + step / 2
        rows.append({"at": t, "calls_per_hour": round(mean_per_hour * (1 + amplitude * math.sin(2 * math.pi * mid / period)), 6)})
        t += step
    return rows
