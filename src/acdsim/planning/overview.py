"""Short, one-screen overviews of a scenario and of a simulation result (their ``repr``).

A notebook shows an object's repr when it is the last line of a cell: these say what the
object is (name, horizon, queues with their strategy and agents, replications; for a
result, each queue's KPIs and the tables with their row counts) without printing every
field or every row.
"""

from __future__ import annotations

import math
from typing import Any

_MAX_QUEUES = 12  # lines of queues shown before "... and N more"


def duration(seconds: float) -> str:
    """``5400`` -> ``"1:30:00"`` (h:mm:ss; fractions of a second kept when there are some)."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    frac = seconds - whole
    tail = f"{frac:.3f}".lstrip("0").rstrip("0").rstrip(".") if frac else ""
    return f"{h}:{m:02d}:{s:02d}{tail}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _arrivals(arrivals: Any) -> str:
    if hasattr(arrivals, "calls_per_hour"):
        return f"{arrivals.calls_per_hour:g} calls/h"
    if hasattr(arrivals, "profile"):
        rates = [step.calls_per_hour for step in arrivals.profile]
        return f"profile of {_plural(len(rates), 'step')}, {min(rates):g}-{max(rates):g} calls/h"
    if hasattr(arrivals, "trace"):
        return f"trace {arrivals.trace} ({_plural(len(arrivals.rows), 'call')})"
    return "no arrivals"


def scenario_overview(scenario: Any) -> str:
    """``repr(Scenario)``."""
    sc = scenario
    head = f"<Scenario {sc.title!r}: horizon {duration(sc.horizon)}"
    if sc.warmup:
        head += f" (warm-up {duration(sc.warmup)})"
    head += (f", timing {sc.timing}, {_plural(sc.replications, 'replication')}, seed {sc.seed}, "
             f"start {sc.start:%Y-%m-%d %H:%M:%S}")
    lines = [head]
    for q in sc.queues[:_MAX_QUEUES]:
        agents = len(q.agents.local) + len(q.agents.remote)
        label = f" ({q.label})" if q.label else ""
        lines.append(
            f"  queue {q.id}{label}: {q.strategy}, {_plural(agents, 'agent')}, "
            f"{_arrivals(q.callers.arrivals)}, talk {q.callers.talk_time.mean:g} s mean"
        )
    if len(sc.queues) > _MAX_QUEUES:
        lines.append(f"  ... and {len(sc.queues) - _MAX_QUEUES} more queues")
    behaviors = ", ".join(sc.behaviors)
    lines.append(
        f"  agents: {len(sc.agents.local)} local, {len(sc.agents.remote)} remote; "
        f"behaviors: {behaviors}; schedule: {_plural(len(sc.schedule), 'entry').replace('entrys', 'entries')}"
    )
    if sc.base_dir is not None:
        lines.append(f"  files relative to {sc.base_dir}")
    return "\n".join(lines) + ">"


def _kpi(value: Any, percent: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.1%}" if percent else f"{value:.1f}"


def result_overview(result: Any) -> str:
    """``repr(Result)``."""
    sc = result.scenario
    summary = result.summary
    lines = [
        f"<Result of {sc.title!r}: {_plural(sc.replications, 'replication')}, seed {sc.seed}, "
        f"timing {sc.timing}, horizon {duration(sc.horizon)}"
        + (" (means over the replications)" if sc.replications > 1 else "")
    ]
    queues = summary.get("queues", {})
    for key in list(queues)[:_MAX_QUEUES]:
        k = queues[key]
        lines.append(
            f"  queue {key}: offered {_kpi(k.get('offered'), False)}, answered "
            f"{_kpi(k.get('answered'), False)}, SL {_kpi(k.get('service_level'), True)}, "
            f"ASA {_kpi(k.get('asa'), False)} s, abandoned {_kpi(k.get('abandon_rate'), True)}"
        )
    if len(queues) > _MAX_QUEUES:
        lines.append(f"  ... and {len(queues) - _MAX_QUEUES} more queues")
    tables = [f"{name} ({len(getattr(result, name)):,})" for name in TABLES]
    lines.append("  tables (rows): " + ", ".join(tables))
    lines.append("  also: summary (dict), interval_summary (means and CI95 per queue and interval)")
    return "\n".join(lines) + ">"


TABLES = (
    "calls", "offers", "agents", "status", "intervals", "agent_events", "agent_states",
    "agent_pauses",
)
"""The DataFrames of a ``Result`` (every one has a ``replication`` column)."""
