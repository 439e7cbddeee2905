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


def summary_table(
    summary: dict[str, Any], queue_agents: dict[str, list[str]] | None = None, width: int | None = None
) -> Table:
    """One row per queue. Talk occupancy (talk / logged-in, summary.json's ``occupancy``) and
    handle occupancy ((talk + wrap-up) / logged-in, what ``acdsim erlang`` calls occupancy)
    are means over the agents with a tier in that queue. Given the terminal's ``width``, a
    table that cannot fit without cutting a number is printed turned: a row per figure."""
    reps = summary["replications"]
    title = f"{summary['scenario']} — {summary['timing']} timing"
    if reps > 1:
        title += f", mean of {reps} replications"
    header = ("queue", "offered", "answered", "SL", "ASA s", "abandon", "p90 wait s",
              "talk occupancy", "handle occupancy")  # fmt: skip
    agents = summary["agents"]
    rows: list[tuple[str, ...]] = []
    for qid, q in summary["queues"].items():
        refs = queue_agents.get(qid, list(agents)) if queue_agents is not None else list(agents)
        rows.append((
            str(qid),
            f"{q['offered']:.0f}" if reps > 1 else str(q["offered"]),
            f"{q['answered']:.0f}" if reps > 1 else str(q["answered"]),
            _pct(q["service_level"]),
            _sec(q["asa"]),
            _pct(q["abandon_rate"]),
            _sec(q["wait_p90"]),
            _pct(_mean(agents, refs, "occupancy")),
            _pct(_mean(agents, refs, "handle_occupancy")),
        ))
    if width is not None and _needed_width(header, rows) > width:
        return _transposed(title, header, rows)
    table = Table(title=title)
    for k, column in enumerate(header):
        # A number is never cut short: a column shrinks only down to its widest value.
        table.add_column(column, justify="right", no_wrap=False,
                         min_width=max([len(r[k]) for r in rows] + [1]))
    for row in rows:
        table.add_row(*row)
    return table


def _needed_width(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> int:
    # Each column as narrow as its widest value or its longest header word, plus the borders.
    widths = [max([len(r[k]) for r in rows] + [len(w) for w in name.split()]) for k, name in enumerate(header)]
    return sum(widths) + 3 * len(widths) + 1


def _transposed(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    """On a terminal too narrow for a row per queue: a row per figure, a column per queue."""
    table = Table(title=title)
    table.add_column(header[0], justify="left")
    for row in rows:
        table.add_column(row[0], justify="right", no_wrap=True)
    for k, name in enumerate(header[1:], start=1):
        table.add_row(name, *(row[k] for row in rows))
    return table
