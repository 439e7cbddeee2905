"""The agent timeline: a Gantt chart of every agent's state (talking, ringing, wrap-up,
waiting, idle, on break, logged out) with the busy / reject / no-answer delays of
agent_pauses.csv laid over it, and the queue of each answered call written on its bar.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .common import _figure, _first_rep, _hms, _no_data, _numeric, _time_axis, _with_rep

# Agent timeline categories, in legend order: label, colour.
TIMELINE = {
    "talking": ("talking (in_queue_call)", "#2ca02c"),
    "ringing": ("ringing (receiving)", "#ffbf00"),
    "wrap_up": ("wrap-up", "#1f77b4"),
    "no_answer_delay": ("no-answer delay", "#d62728"),
    "reject_delay": ("reject delay", "#e377c2"),
    "busy_delay": ("busy delay", "#9467bd"),
    "waiting": ("waiting (available)", "#c6e2f5"),
    "waiting_on_demand": ("waiting (available_on_demand)", "#d9d2ec"),
    "idle": ("idle", "#f5deb3"),
    "on_break": ("on break", "#8c564b"),
    "logged_out": ("logged out", "#bdbdbd"),
}
DEFAULT_WINDOW = 3600.0
MAX_AGENTS = 60


def _agent_key(ref: Any) -> tuple[str, int, str]:
    m = re.fullmatch(r"(\w+)/(\d+)", str(ref))
    if m:
        return (m.group(1), int(m.group(2)), "")
    return ("~", 0, str(ref))


# --- agent timeline -------------------------------------------------------------------


def _state_category(status: str, state: str) -> str:
    if state == "in_queue_call":
        return "talking"
    if state == "receiving":
        return "ringing"
    if status == "logged_out":
        return "logged_out"
    if status == "on_break":
        return "on_break"
    if state == "idle":
        return "idle"
    if status == "available_on_demand":
        return "waiting_on_demand"
    return "waiting"


def agent_timeline(
    agent_states: pd.DataFrame,
    agent_pauses: pd.DataFrame | None = None,
    calls: pd.DataFrame | None = None,
    until: float | None = None,
    *,
    since: float = 0.0,
) -> Figure:
    """A Gantt chart of every agent over [since, until]: talking, ringing, wrap-up and the
    busy / reject / no-answer delays (agent_pauses), on break, logged out, idle and waiting.
    ``until`` defaults to one hour after ``since``, or the end of the run if sooner. With
    ``calls`` the end of the run is known exactly and, with several queues, talk bars carry
    the queue's id."""
    states = _numeric(_with_rep(agent_states), "time")
    states, note = _first_rep(states)
    first = int(states["replication"].min()) if len(states) else 0
    pauses = _numeric(_with_rep(agent_pauses), "start", "end")
    pauses = pauses[pauses["replication"] == first] if len(pauses) else pauses
    call_rows = None
    if calls is not None:
        call_rows = _numeric(_with_rep(calls), "joined_at", "answered_at", "left_at")
        call_rows = call_rows[call_rows["replication"] == first]

    ends = [states["time"].max() if len(states) else np.nan]
    if len(pauses) and "end" in pauses.columns:
        ends.append(pauses["end"].max())
    if call_rows is not None and len(call_rows):
        ends.extend([call_rows["left_at"].max(), call_rows["joined_at"].max()])
    run_end = float(np.nanmax([e for e in ends if e is not None] + [since]))
    if until is None:
        until = min(since + DEFAULT_WINDOW, run_end) if run_end > since else since + DEFAULT_WINDOW
    until = float(until)
    if until <= since:
        until = since + 1.0

    agents = sorted(set(states.get("agent", pd.Series(dtype=str)).dropna()), key=_agent_key)
    shown = agents[:MAX_AGENTS]
    more = f"; first {MAX_AGENTS} of {len(agents)} agents" if len(agents) > MAX_AGENTS else ""
    title = f"Agent states {_hms(since, False)}–{_hms(until, False)}"
    if run_end > until or since > 0:
        title += f" of a run ending at {_hms(run_end, False)}"
    title += note + more
    fig = _figure(11, 1.6 + 0.42 * max(1, len(shown)))
    fig.suptitle(title)
    ax = fig.add_subplot(1, 1, 1)
    if not shown:
        _no_data(ax, "no agent states")
        return fig

    bars: dict[str, list[tuple[int, float, float]]] = {}  # category -> (row, start, width)

    def add(category: str, row: int, start: float, end: float) -> None:
        start, end = max(start, since), min(end, until)
        if end > start:
            bars.setdefault(category, []).append((row, start, end - start))

    index = {a: i for i, a in enumerate(shown)}
    for agent, rows in states[states["agent"].isin(index)].groupby("agent", sort=False):
        rows = rows.sort_values("time", kind="stable")
        times = rows["time"].to_numpy(float)
        nexts = np.append(times[1:], max(run_end, times[-1]))
        for t, t_next, status, state in zip(times, nexts, rows["status"].astype(str),
                                            rows["state"].astype(str), strict=True):
            add(_state_category(status, state), index[agent], float(t), float(t_next))
    overlay: dict[str, list[tuple[int, float, float]]] = {}
    if len(pauses) and {"agent", "kind", "start", "end"} <= set(pauses.columns):
        for agent, kind, start, end in pauses[["agent", "kind", "start", "end"]].itertuples(
            index=False
        ):
            if agent in index and kind in TIMELINE:
                s, e = max(float(start), since), min(float(end), until)
                if e > s:
                    overlay.setdefault(str(kind), []).append((index[agent], s, e - s))

    height = 0.75
    for layer, zorder in ((bars, 2), (overlay, 3)):  # pauses over the state they interrupt
        for category, segs in layer.items():
            for row in sorted({r for r, _, _ in segs}):
                ax.broken_barh([(s, w) for r, s, w in segs if r == row],
                               (row - height / 2, height), facecolors=TIMELINE[category][1],
                               edgecolor="none", zorder=zorder)
    present = [c for c in TIMELINE if c in bars or c in overlay]

    if call_rows is not None and len(call_rows) and "queue" in call_rows.columns:
        answered = call_rows[(call_rows["outcome"] == "answered") & call_rows["agent"].isin(index)]
        if answered["queue"].nunique() > 1:
            min_width = (until - since) * 0.025
            for agent, q, a, left in answered[["agent", "queue", "answered_at", "left_at"]].itertuples(
                index=False
            ):
                s, e = max(float(a), since), min(float(left) if pd.notna(left) else until, until)
                if e - s >= min_width:
                    ax.text((s + e) / 2, index[agent], str(q), ha="center", va="center",
                            fontsize="x-small", color="white", clip_on=True)

    ax.set_yticks(range(len(shown)), [str(a) for a in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(since, until)
    _time_axis(ax, until - since)
    ax.grid(True, axis="x", alpha=0.3)
    handles = [Patch(facecolor=TIMELINE[c][1], label=TIMELINE[c][0]) for c in present]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(6, len(handles)),
               fontsize="small")
    return fig
