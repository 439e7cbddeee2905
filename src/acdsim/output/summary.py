"""summary.json: per-replication KPIs combined into means with 95 % confidence intervals."""

from __future__ import annotations

from typing import Any

from ..model import Scenario
from .stats import mean_ci95


def combine(per_rep: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Mean over replications of every number; ``ci95`` beside them when there are >= 2."""
    out: dict[str, dict[str, Any]] = {"queues": {}, "agents": {}}
    for section in ("queues", "agents"):
        for key in per_rep[0][section]:
            items = [rep[section][key] for rep in per_rep]
            out[section][key] = _combine_items(items, len(per_rep) > 1)
    return out


def _combine_items(items: list[dict[str, Any]], with_ci: bool) -> dict[str, Any]:
    if not with_ci:
        return dict(items[0])
    result: dict[str, Any] = {}
    ci: dict[str, list[float]] = {}
    for metric, first in items[0].items():
        if isinstance(first, dict):
            keys = sorted({k for it in items for k in it[metric]}, key=lambda k: (len(k), k))
            result[metric] = {k: sum(it[metric].get(k, 0) for it in items) / len(items) for k in keys}
            continue
        values = [it[metric] for it in items if it[metric] is not None]
        if not values:
            result[metric] = None
            continue
        mean, interval = mean_ci95([float(v) for v in values])
        result[metric] = mean
        if interval is not None:
            ci[metric] = [interval[0], interval[1]]
    result["ci95"] = ci
    return result


def build_summary(scenario: Scenario, per_rep: list[dict[str, Any]]) -> dict[str, Any]:
    combined = combine(per_rep)
    return {
        "scenario": scenario.title,
        "seed": scenario.seed,
        "replications": scenario.replications,
        "timing": scenario.timing,
        "horizon": scenario.horizon,
        "warmup": scenario.warmup,
        "service_level_threshold": scenario.report.service_level_threshold,
        "queues": combined["queues"],
        "agents": combined["agents"],
    }
