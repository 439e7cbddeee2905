"""The compact per-queue table that ``acdsim run`` prints."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def _pct(v: Any) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _sec(v: Any) -> str:
    return "—" if v is None else f"{v:.1f}"


def _mean(agents: dict[str, Any], refs: list[str], key: str) -> float | None:
    values = [agents[r][key] for r in refs if agents[r].get(key) is not None]
    return sum(values) / len(values) if values else None


def summary_table(summary: dict[str, Any], queue_agents: dict[str, list[str]] | None = None) -> Table:
    """One row per queue. Talk occupancy (talk / logged-in, summary.json's ``occupancy``) and
    handle occupancy ((talk + wrap-up) / logged-in, what ``acdsim erlang`` calls occupancy)
    are means over the agents with a tier in that queue."""
    reps = summary["replications"]
    title = f"{summary['scenario']} — {summary['timing']} timing"
    if reps > 1:
        title += f", mean of {reps} replications"
    table = Table(title=title)
    for column in ("queue", "offered", "answered", "SL", "ASA s", "abandon", "p90 wait s",
                   "talk occupancy", "handle occupancy"):  # fmt: skip
        table.add_column(column, justify="right")
    agents = summary["agents"]
    for qid, q in summary["queues"].items():
        refs = queue_agents.get(qid, list(agents)) if queue_agents is not None else list(agents)
        table.add_row(
            qid,
            f"{q['offered']:.0f}" if reps > 1 else str(q["offered"]),
            f"{q['answered']:.0f}" if reps > 1 else str(q["answered"]),
            _pct(q["service_level"]),
            _sec(q["asa"]),
            _pct(q["abandon_rate"]),
            _sec(q["wait_p90"]),
            _pct(_mean(agents, refs, "occupancy")),
            _pct(_mean(agents, refs, "handle_occupancy")),
        )
    return table
