"""Valid configurations that the queue module handles in a way users rarely expect.

They are not errors (the scenario is simulated as the module would run it); the CLI prints
them as warnings, with the line of the value like errors (``warning: FILE:LINE: path: ...``).
"""

from __future__ import annotations

from ..errors import PathT, format_path
from .scenario import Scenario
from .schedule import Shift, StatusChange
from .traffic import ProfileArrivals


def warnings(scenario: Scenario) -> list[tuple[str, str]]:
    """(path, message) pairs, in scenario order, the path written like ``queues[0].agents``."""
    return [(format_path(path), message) for path, message in warning_items(scenario)]


def warning_items(scenario: Scenario) -> list[tuple[PathT, str]]:
    """(path, message) pairs, in scenario order, the path as a tuple of keys and indexes."""
    return [*_queue_warnings(scenario), *_schedule_warnings(scenario)]


def _queue_warnings(scenario: Scenario) -> list[tuple[PathT, str]]:
    out: list[tuple[PathT, str]] = []
    for qi, queue in enumerate(scenario.queues):
        if queue.strategy == "top-down":
            for kind, tiers in (("local", queue.agents.local), ("remote", queue.agents.remote)):
                for ti, tier in enumerate(tiers):
                    if tier.level == 0 and tier.position == 0:
                        out.append((
                            ("queues", qi, "agents", kind, ti),
                            "top-down never offers an agent at level 0, position 0 (the caller's "
                            "pointer starts at (0, 0) and only rows after it are listed); use "
                            "position >= 1",
                        ))
        if queue.tier_rules_apply and not queue.tier_rule_no_agent_no_wait and queue.tier_rule_wait_second > 0:
            levels = sorted({t.level for t in (*queue.agents.local, *queue.agents.remote)})
            if levels and levels[0] >= 1:
                out.append((
                    ("queues", qi, "tier_rule_no_agent_no_wait"),
                    "with tier rules on and tier_rule_no_agent_no_wait false, no agent at level "
                    f"{levels[0]} is offered before {levels[0] if queue.tier_rule_wait_multiply_level else 1}"
                    f" x tier_rule_wait_second of waiting (reference E3)",
                ))
        arrivals = queue.callers.arrivals
        if isinstance(arrivals, ProfileArrivals):
            for si, step in enumerate(arrivals.profile):
                if step.at >= scenario.horizon:
                    out.append((
                        ("queues", qi, "callers", "arrivals", "profile", si, "at"),
                        f"this rate never takes effect: it starts at {step.at:g} s, at or after "
                        f"the horizon ({scenario.horizon:g} s), and arrivals are generated in "
                        "[0, horizon)",
                    ))
    return out


def _schedule_warnings(scenario: Scenario) -> list[tuple[PathT, str]]:
    out: list[tuple[PathT, str]] = []
    horizon = scenario.horizon
    end = horizon + (scenario.drain_limit if scenario.drain else 0.0)
    # Shifts of one agent are merged (the engine works their union); an overlap usually means
    # a typo in a rota, so it is named with the earlier shift it overlaps.
    spans: dict[str, list[tuple[float, float, int]]] = {}
    # (A pool's own changes are left out: its curve may well end the day at the horizon.)
    for si, entry in enumerate(scenario.schedule[: scenario.listed_schedule_length()]):
        if isinstance(entry, StatusChange):
            when, key = entry.at, "at"
        else:
            assert isinstance(entry, Shift)
            when, key = entry.from_, "from"
        if when >= horizon:
            out.append((("schedule", si, key), _after_horizon(entry, when, horizon, end, scenario.drain)))
        if isinstance(entry, Shift):
            for ai, ref in enumerate(entry.agents):
                for start, stop, other in spans.get(ref, ()):
                    if entry.from_ < stop and start < entry.to:
                        out.append((
                            ("schedule", si, "agents", ai),
                            f"{ref} is already on shift schedule[{other}] "
                            f"[{start:g}, {stop:g}) s, which overlaps this one "
                            f"[{entry.from_:g}, {entry.to:g}) s: the agent works the union of the "
                            "two (one login, one logout)",
                        ))
                        break
                spans.setdefault(ref, []).append((entry.from_, entry.to, si))
    return out


def _after_horizon(entry: StatusChange | Shift, when: float, horizon: float, end: float, drain: bool) -> str:
    what = "this status change" if isinstance(entry, StatusChange) else "this shift"
    if when >= end:
        why = (
            f"the run stops at the horizon ({horizon:g} s) with drain false" if not drain
            else f"the run stops at the latest at horizon + drain_limit ({end:g} s)"
        )
        return f"{what} never takes effect: it starts at {when:g} s and {why}"
    return (
        f"{what} starts at {when:g} s, at or after the horizon ({horizon:g} s): no caller arrives "
        "any more, so it can only affect callers still queued while the run drains, and never "
        "takes effect if they have all left by then"
    )


def behaviour_line(scenario: Scenario) -> str:
    """One line on what makes this run differ from the Erlang formulas, for the ``run`` header:
    how long the agents in use take to answer, and the clock policy.

    The default ``answer_time`` (3 s) adds to every wait: compared with Erlang C the median
    wait is about 3 s and a day's service level a few points lower (docs/validation.md)."""
    used = sorted({a.behavior for a in scenario.all_agents()}, key=lambda n: (n != "default", n))
    parts = []
    for name in used or ["default"]:
        answer = scenario.behaviors[name].answer_time
        mean = _mean(answer)
        if answer.dist == "constant":
            when = "at once" if mean == 0 else f"after {mean:g} s"
        else:
            when = f"after {answer.dist} {mean:g} s on average"
        parts.append(f"{when} (behaviors.{name}.answer_time)")
    instant = all(_mean(scenario.behaviors[n].answer_time) == 0 for n in used or ["default"])
    line = f"behaviour: agents answer {', '.join(parts)}; timing {scenario.timing}"
    if not (instant and scenario.timing == "continuous"):
        line += " (Erlang C/A assume answer_time 0 and timing continuous)"
    return line


def _mean(distribution: object) -> float:
    # Every validated distribution has a mean (a field or a property); only the loader's
    # placeholder for an unreadable one has none, and it never reaches a valid scenario.
    mean = getattr(distribution, "mean", None)
    return float(mean) if isinstance(mean, int | float) else float("nan")
