"""Valid configurations that the queue module handles in a way users rarely expect.

They are not errors (the scenario is simulated as the module would run it); the CLI prints
them as warnings.
"""

from __future__ import annotations

from .scenario import Scenario


def warnings(scenario: Scenario) -> list[tuple[str, str]]:
    """(path, message) pairs, in scenario order."""
    out: list[tuple[str, str]] = []
    for qi, queue in enumerate(scenario.queues):
        if queue.strategy == "top-down":
            for kind, tiers in (("local", queue.agents.local), ("remote", queue.agents.remote)):
                for ti, tier in enumerate(tiers):
                    if tier.level == 0 and tier.position == 0:
                        out.append((
                            f"queues[{qi}].agents.{kind}[{ti}]",
                            "top-down never offers an agent at level 0, position 0 (the caller's "
                            "pointer starts at (0, 0) and only rows after it are listed); use "
                            "position >= 1",
                        ))
        if queue.tier_rules_apply and not queue.tier_rule_no_agent_no_wait and queue.tier_rule_wait_second > 0:
            levels = sorted({t.level for t in (*queue.agents.local, *queue.agents.remote)})
            if levels and levels[0] >= 1:
                out.append((
                    f"queues[{qi}].tier_rule_no_agent_no_wait",
                    "with tier rules on and tier_rule_no_agent_no_wait false, no agent at level "
                    f"{levels[0]} is offered before {levels[0] if queue.tier_rule_wait_multiply_level else 1}"
                    f" x tier_rule_wait_second of waiting (reference E3)",
                ))
    return out
