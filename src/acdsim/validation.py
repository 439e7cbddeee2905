"""Agreement of the simulator with queueing theory (Erlang C and Erlang A).

With ``timing: continuous``, instant answers, no delays, exponential talk times (and
exponential patience), one queue with N agents is exactly M/M/N (M/M/N+M). Each point below
is simulated over independent replications; the 95 % Student-t confidence interval of each
KPI must cover the exact value. ``python -m acdsim.validation`` prints the table of
docs/validation.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import erlang
from .model import Scenario
from .output.stats import mean_ci95


@dataclass(frozen=True)
class Point:
    name: str
    agents: int
    calls_per_hour: float
    aht: float
    patience: float | None = None
    hours: float = 8.0
    warmup_hours: float = 1.0
    replications: int = 10
    seed: int = 1
    threshold: float = 20.0

    @property
    def load(self) -> float:
        return self.calls_per_hour * self.aht / 3600 / self.agents


POINTS = (
    Point("M/M/50 rho=0.90", 50, 900, 180, hours=16, replications=16),
    Point("M/M/20 rho=0.92 (heavy)", 20, 368, 180, hours=48, warmup_hours=4, replications=12),
    Point("M/M/2 rho=0.83 (small)", 2, 40, 150, hours=200, warmup_hours=4, replications=12),
    Point("M/M/50+M patience 120 s", 50, 900, 180, patience=120, hours=12, replications=12),
    Point("M/M/10+M rho=1.20 (overloaded)", 10, 240, 180, patience=60, hours=12, replications=12),
    Point("M/M/3+M rho=0.90 (small)", 3, 60, 162, patience=300, hours=60, replications=12),
)


def scenario_for(p: Point, timing: str = "continuous") -> Scenario:
    callers: dict[str, Any] = {
        "arrivals": {"calls_per_hour": p.calls_per_hour},
        "talk_time": {"dist": "exponential", "mean": p.aht},
    }
    if p.patience is not None:
        callers["patience"] = {"dist": "exponential", "mean": p.patience}
    return Scenario.model_validate({
        "name": p.name, "seed": p.seed, "timing": timing, "replications": p.replications,
        "horizon": p.hours * 3600, "warmup": p.warmup_hours * 3600,
        "report": {"service_level_threshold": p.threshold},
        "behaviors": {"default": {"answer_time": 0}},
        "queues": [{"id": 1, "agents": {"local": [{"agent_id": i} for i in range(p.agents)]}, "callers": callers}],
        "agents": {"local": [{"id": i} for i in range(p.agents)]},
    })


def theory(p: Point) -> dict[str, float]:
    """Exact values: mean wait of all callers, service level over offered callers, abandon rate."""
    if p.patience is None:
        c = erlang.mmc(calls_per_hour=p.calls_per_hour, aht=p.aht, agents=p.agents, threshold=p.threshold)
        return {"mean_wait": c.asa, "service_level": c.service_level, "p_wait": c.p_wait}
    a = erlang.erlang_a(
        calls_per_hour=p.calls_per_hour, aht=p.aht, agents=p.agents, patience=p.patience, threshold=p.threshold
    )
    return {"mean_wait": a.mean_wait, "service_level": a.service_level_offered, "abandon_rate": a.p_abandon}


def simulate_point(p: Point, timing: str = "continuous") -> dict[str, tuple[float, tuple[float, float] | None]]:
    """Mean and 95 % CI over replications of the KPIs that ``theory`` gives."""
    from .runner import run_replication

    sc = scenario_for(p, timing)
    reps = [run_replication(sc, k, None)["queues"]["1"] for k in range(p.replications)]
    out = {}
    for metric in ("mean_wait", "service_level", "abandon_rate"):
        out[metric] = mean_ci95([float(r[metric]) for r in reps])
    return out


def compare(p: Point) -> list[dict[str, Any]]:
    exact = theory(p)
    sim = simulate_point(p)
    rows = []
    for metric, value in exact.items():
        if metric not in sim:
            continue
        mean, ci = sim[metric]
        assert ci is not None
        rows.append({
            "point": p.name, "metric": metric, "theory": value, "sim": mean, "low": ci[0], "high": ci[1],
            "covered": ci[0] <= value <= ci[1], "rel_error": abs(mean - value) / value if value else 0.0,
        })
    return rows


def main() -> None:
    print("| point | metric | theory | simulation (mean of reps) | 95 % CI | covered | rel. error |")
    print("|---|---|---|---|---|---|---|")
    for p in POINTS:
        for r in compare(p):
            print(
                f"| {r['point']} | {r['metric']} | {r['theory']:.5g} | {r['sim']:.5g} | "
                f"[{r['low']:.5g}, {r['high']:.5g}] | {'yes' if r['covered'] else 'NO'} | {100 * r['rel_error']:.2f} % |"
            )


if __name__ == "__main__":
    main()
