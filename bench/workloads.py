"""The scenarios that bench/run.py times, built as plain dicts (what a YAML file would hold).

Each builder takes the number of callers wanted and returns a scenario dict whose horizon
makes the expected number of arrivals equal to it (arrivals are Poisson, so the actual count
is within a few hundred of it). ``scenario()`` validates a dict into an ``acdsim.Scenario``;
``write_yaml()`` writes it to a file for ``acdsim run``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: The common M/M/50 point: 900 calls/h, exponential talk mean 180 s, 50 agents, rho = 0.9.
MM50_CALLS_PER_HOUR = 900.0
MM50_AHT = 180.0
MM50_AGENTS = 50


def _horizon(callers: int, calls_per_hour: float) -> float:
    """Seconds of arrivals that give ``callers`` expected arrivals at ``calls_per_hour``."""
    return callers / calls_per_hour * 3600.0


def mm50(callers: int, timing: str = "continuous", seed: int = 1) -> dict[str, Any]:
    """M/M/50 at rho 0.9, longest-idle-agent, no delays, instant answer: exactly Erlang C
    with ``timing: continuous`` (docs/validation.md)."""
    agents = range(1, MM50_AGENTS + 1)
    return {
        "acdsim": 1,
        "name": f"bench-mm50-{timing}",
        "seed": seed,
        "timing": timing,
        "horizon": _horizon(callers, MM50_CALLS_PER_HOUR),
        "behaviors": {"default": {"answer_time": 0}},
        "queues": [{
            "id": 1,
            "strategy": "longest-idle-agent",
            "agents": {"local": [{"agent_id": a} for a in agents]},
            "callers": {
                "arrivals": {"calls_per_hour": MM50_CALLS_PER_HOUR},
                "talk_time": {"dist": "exponential", "mean": MM50_AHT},
            },
        }],
        "agents": {"local": [{"id": a} for a in agents]},
    }


def tiered(callers: int, timing: str = "pbx", seed: int = 1) -> dict[str, Any]:
    """One queue, 45 agents on 3 levels (15 each) behind tier rules (level L opens after
    L x 10 s), with 5 s busy/no-answer/reject delays, 5 s wrap-up, 20 s call timeout and
    agents who do not answer 5 % of offers and are busy 2 % of the time.

    Agent time per answered call is about 180 (talk) + 3 (ringing) + 5 (wrap-up) + 1.5
    (failed offers: 0.05/0.93 x 25 s + 0.02/0.93 x 5 s) = 189.5 s, so 726 calls/h load the
    45 agents to rho = 0.85."""
    n_agents, per_level = 45, 15
    calls_per_hour = round(0.85 * n_agents * 3600 / 189.5)
    agents = range(1, n_agents + 1)
    return {
        "acdsim": 1,
        "name": "bench-tiered",
        "seed": seed,
        "timing": timing,
        "horizon": _horizon(callers, calls_per_hour),
        "behaviors": {"default": {"answer_time": 3, "p_no_answer": 0.05, "p_busy": 0.02}},
        "queues": [{
            "id": 1,
            "strategy": "longest-idle-agent",
            "tier_rules_apply": True,
            "tier_rule_wait_second": 10,
            "tier_rule_wait_multiply_level": True,
            "agents": {"local": [
                {"agent_id": a, "level": 1 + (a - 1) // per_level, "position": (a - 1) % per_level}
                for a in agents
            ]},
            "callers": {
                "arrivals": {"calls_per_hour": calls_per_hour},
                "talk_time": {"dist": "exponential", "mean": 180},
            },
        }],
        "agents": {"local": [
            {
                "id": a, "call_timeout": 20, "wrap_up_time": 5,
                "busy_delay_time": 5, "no_answer_delay_time": 5, "reject_delay_time": 5,
            }
            for a in agents
        ]},
    }


def ring_all(callers: int, timing: str = "pbx", seed: int = 1) -> dict[str, Any]:
    """One ring-all queue with 30 agents; answer time exponential with mean 4 s.

    Every idle agent rings for each offer; the first to answer takes it. Agent time per call
    is about 180 + 4 s, so 500 calls/h give rho of about 0.85."""
    n_agents = 30
    calls_per_hour = 500.0
    agents = range(1, n_agents + 1)
    return {
        "acdsim": 1,
        "name": "bench-ring-all",
        "seed": seed,
        "timing": timing,
        "horizon": _horizon(callers, calls_per_hour),
        "behaviors": {"default": {"answer_time": {"dist": "exponential", "mean": 4}}},
        "queues": [{
            "id": 1,
            "strategy": "ring-all",
            "agents": {"local": [{"agent_id": a} for a in agents]},
            "callers": {
                "arrivals": {"calls_per_hour": calls_per_hour},
                "talk_time": {"dist": "exponential", "mean": 180},
            },
        }],
        "agents": {"local": [{"id": a} for a in agents]},
    }


def multi_queue(callers: int, timing: str = "pbx", seed: int = 1) -> dict[str, Any]:
    """5 longest-idle-agent queues sharing 100 agents. Agent a is on queue a mod 5 at level 1,
    queue a+1 mod 5 at level 2 and, for even a, queue a+3 mod 5 at level 3 (so each queue has
    20 + 20 + 10 members). Agent time per call is 180 + 3 s (default answer time); 1672
    calls/h split evenly give rho of about 0.85."""
    n_agents, n_queues = 100, 5
    total_per_hour = round(0.85 * n_agents * 3600 / 183)
    per_queue = total_per_hour / n_queues
    members: dict[int, list[dict[str, int]]] = {q: [] for q in range(n_queues)}
    for a in range(1, n_agents + 1):
        members[a % n_queues].append({"agent_id": a, "level": 1, "position": a})
        members[(a + 1) % n_queues].append({"agent_id": a, "level": 2, "position": a})
        if a % 2 == 0:
            members[(a + 3) % n_queues].append({"agent_id": a, "level": 3, "position": a})
    return {
        "acdsim": 1,
        "name": "bench-multi-queue",
        "seed": seed,
        "timing": timing,
        "horizon": _horizon(callers, total_per_hour),
        "queues": [
            {
                "id": 100 + q,
                "strategy": "longest-idle-agent",
                "agents": {"local": members[q]},
                "callers": {
                    "arrivals": {"calls_per_hour": per_queue},
                    "talk_time": {"dist": "exponential", "mean": 180},
                },
            }
            for q in range(n_queues)
        ],
        "agents": {"local": [{"id": a} for a in range(1, n_agents + 1)]},
    }


def long_queue(callers: int, timing: str = "pbx", seed: int = 1) -> dict[str, Any]:
    """An overloaded queue: 1,000 calls/h into 2 agents (longest-idle-agent, exponential talk
    mean 10 s, default answer time 3 s, and in pbx timing the rest of the second before an
    agent can be offered again: about 530 calls/h served), callers who never hang up, no
    drain: about 47 % of the callers are still waiting at the horizon. Every pass finds nobody
    idle, or one agent for the caller at the head: its cost must not grow with the number of
    callers waiting behind."""
    calls_per_hour = 1000.0
    agents = (1, 2)
    return {
        "acdsim": 1,
        "name": "bench-long-queue",
        "seed": seed,
        "timing": timing,
        "horizon": _horizon(callers, calls_per_hour),
        "drain": False,
        "queues": [{
            "id": 1,
            "strategy": "longest-idle-agent",
            "agents": {"local": [{"agent_id": a} for a in agents]},
            "callers": {
                "arrivals": {"calls_per_hour": calls_per_hour},
                "talk_time": {"dist": "exponential", "mean": 10},
            },
        }],
        "agents": {"local": [{"id": a} for a in agents]},
    }


STAFF_DAY = Path(__file__).resolve().parent.parent / "scenarios" / "staff_day.yaml"


def staff_day(seed: int = 7) -> dict[str, Any]:
    """scenarios/staff_day.yaml as a dict, its forecast file written inline as a profile (so
    the dict can be written anywhere): a 12-hour day of 24 half-hour intervals, about 4,100
    calls, AHT 240 s + 10 s wrap-up + 1-3 s ringing, patience 2 minutes (``acdsim staff``)."""
    import acdsim

    sc = acdsim.load_scenario(STAFF_DAY)
    profile = [{"at": s.at, "calls_per_hour": s.calls_per_hour, "aht": s.aht}
               for s in sc.queues[0].callers.arrivals.profile]
    data = yaml.safe_load(STAFF_DAY.read_text(encoding="utf-8"))
    data["queues"][0]["callers"]["arrivals"] = {"profile": profile}
    data["seed"] = seed
    return data


def scenario(data: dict[str, Any]) -> Any:
    """The validated ``acdsim.Scenario`` of a workload dict."""
    import acdsim

    return acdsim.Scenario.model_validate(data)


def write_yaml(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
