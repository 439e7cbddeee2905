"""How long does loading a big scenario take? 2,000 agents, 50 queues (not a timed test).

    .venv/bin/python bench/bench_load.py [--agents N] [--queues N] [--repeat N]

Prints the size of the generated file and the best loading time in seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from acdsim.loader import load_scenario


def generate(agents: int, queues: int) -> str:
    """A scenario in the style users write: block mappings, flow tiers, a schedule."""
    lines = ["acdsim: 1", "name: big", "horizon: 8h", "queues:"]
    locals_ = agents * 3 // 4
    for q in range(queues):
        lines += [
            f"  - id: {1000 + q}",
            f'    name: "000*{q:03d}"',
            "    strategy: longest-idle-agent",
            "    max_wait_time: 15m",
            "    tier_rules_apply: true",
            "    tier_rule_wait_second: 30",
            "    agents:",
            "      local:",
        ]
        members = range(q, agents, queues)
        for k, a in enumerate(members):
            if a < locals_:
                lines.append(f"        - {{agent_id: {a + 1}, level: {k % 3}, position: {k}}}")
        lines.append("      remote:")
        for k, a in enumerate(members):
            if a >= locals_:
                lines.append(f"        - {{agent_id: {a + 1}, level: {k % 3}, position: {k}}}")
        lines += [
            "    callers:",
            "      arrivals: {calls_per_hour: 120}",
            "      talk_time: {dist: lognormal, mean: 180, sd: 90}",
            "      patience: {dist: exponential, mean: 300}",
        ]
    lines += ["agents:", "  local:"]
    for a in range(locals_):
        lines += [
            f"    - id: {a + 1}",
            f"      extension_id: {5000 + a}",
            f'      extension_name: "000*{a:04d}@example.org"',
            "      call_timeout: 30",
            "      wrap_up_time: 10s",
            "      no_answer_delay_time: 10",
            "      behavior: careful" if a % 5 == 0 else "      behavior: default",
            "      events: [{url: \"http://127.0.0.1:8080/ev\", event_type: agent-login, method: POST}]",
        ]
    lines.append("  remote:")
    for a in range(locals_, agents):
        lines += [
            f"    - id: {a + 1}",
            f'      number: "8921{a:07d}"',
            "      call_timeout: 25",
            "      busy_delay_time: 5",
        ]
    lines += [
        "behaviors:",
        "  careful: {answer_time: {dist: uniform, low: 2, high: 6}, p_no_answer: 0.05}",
        "schedule:",
    ]
    for a in range(0, locals_, 10):
        lines.append(f"  - {{at: 4h, agent: local/{a + 1}, status: on_break}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--queues", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = generate(args.agents, args.queues)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(text)
        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            scenario = load_scenario(path)
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
    agents = len(scenario.agents.local) + len(scenario.agents.remote)
    print(
        f"{len(text) / 1024:.0f} KiB, {text.count(chr(10))} lines, {len(scenario.queues)} queues, "
        f"{agents} agents: loaded in {best:.3f} s ({best_cpu:.3f} s CPU; best of {args.repeat})"
    )


if __name__ == "__main__":
    main()
