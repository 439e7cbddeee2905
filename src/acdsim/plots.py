"""Figures of a run: pure functions from the output tables to ``matplotlib.figure.Figure``.

Every function takes the frames as read from the CSV files of ``acdsim run`` or as held by
``acdsim.simulate(...)`` (a ``replication`` column may be present or not). With several
replications, timelines show replication 0 and distributions pool every replication; the
title says which. No pyplot state is used, so the functions are safe headless (Agg) and in
threads; ``write_plots`` saves every figure of an output folder as PNG.

    from acdsim import plots, simulate
    result = simulate("scenarios/quickstart.yaml", replications=3)
    fig = plots.wait_distribution(result.calls, threshold=20)
    fig.savefig("waits.png")
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, PercentFormatter

__all__ = [
    "PLOTS",
    "agent_timeline",
    "answered_by_level",
    "figures",
    "interval_kpis",
    "members_over_time",
    "wait_distribution",
    "write_plots",
]

LEFT_OUTCOMES = ("answered", "abandoned", "timeout", "no_agent_timeout")
OUTCOME_COLOURS = {
    "answered": "#2ca02c",
    "abandoned": "#d62728",
    "timeout": "#ff7f0e",
    "no_agent_timeout": "#9467bd",
}
MEMBER_COLUMNS = (
    ("waiting_members", "waiting", "#1f77b4"),
    ("trying_members", "trying", "#ff7f0e"),
    ("answered_members", "answered", "#2ca02c"),
)
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


# --- helpers --------------------------------------------------------------------------


def _with_rep(df: pd.DataFrame | None) -> pd.DataFrame:
    """A copy with a ``replication`` column (0 when absent)."""
    if df is None:
        return pd.DataFrame({"replication": pd.Series(dtype="int64")})
    df = df.copy()
    if "replication" not in df.columns:
        df.insert(0, "replication", 0)
    df["replication"] = pd.to_numeric(df["replication"], errors="coerce").fillna(0).astype(int)
    return df


def _n_reps(df: pd.DataFrame) -> int:
    return int(df["replication"].nunique()) if len(df) else 1


def _first_rep(df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows of the first replication and a title note ("" for a single replication)."""
    n = _n_reps(df)
    if n <= 1:
        return df, ""
    first = int(df["replication"].min())
    return df[df["replication"] == first], f" (replication {first} of {n})"


def _pool_note(df: pd.DataFrame) -> str:
    n = _n_reps(df)
    return f" (pooled over {n} replications)" if n > 1 else ""


def _numeric(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def _queue_label(q: Any) -> str:
    try:
        return f"queue {int(q)}"
    except (TypeError, ValueError):
        return f"queue {q}"


def _queue_key(q: Any) -> tuple[int, Any]:
    try:
        return (0, int(q))
    except (TypeError, ValueError):
        return (1, str(q))


def _agent_key(ref: Any) -> tuple[str, int, str]:
    m = re.fullmatch(r"(\w+)/(\d+)", str(ref))
    if m:
        return (m.group(1), int(m.group(2)), "")
    return ("~", 0, str(ref))


def _hms(seconds: float, with_seconds: bool) -> str:
    sign = "-" if seconds < 0 else ""
    s = int(round(abs(seconds)))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if with_seconds else f"{sign}{h}:{m:02d}"


_TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 14400,
               21600, 43200, 86400)


def _time_axis(ax: Any, span: float, label: bool = True) -> None:
    """Ticks every round number of seconds/minutes/hours, labelled h:mm (or h:mm:ss)."""
    span = max(float(span), 1.0)
    step = next((s for s in _TICK_STEPS if span / s <= 10), 86400 * int(np.ceil(span / 864000)))
    ax.xaxis.set_major_locator(MultipleLocator(step))
    with_seconds = step < 60
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _hms(x, with_seconds)))
    if label:
        ax.set_xlabel("time since start (h:mm" + (":ss" if with_seconds else "") + ")")


def _no_data(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


# --- members over time ----------------------------------------------------------------


def members_over_time(status: pd.DataFrame) -> Figure:
    """Waiting / trying / answered members of each queue over time (status.csv), one axes per
    queue, stacked (waiting at the bottom; the top edge is every member in the queue) as
    steps: a sample holds until the next."""
    df = _numeric(_with_rep(status), "time", *(c for c, _, _ in MEMBER_COLUMNS))
    df, note = _first_rep(df)
    queues = sorted(df["queue"].unique(), key=_queue_key) if "queue" in df.columns else []
    fig = _figure(10, 1.2 + 2.3 * max(1, len(queues)))
    fig.suptitle("Queue members over time (stacked)" + note)
    if not queues:
        _no_data(fig.add_subplot(1, 1, 1), "no queue status samples")
        return fig
    axes = fig.subplots(len(queues), 1, sharex=True, squeeze=False)[:, 0]
    span = float(df["time"].max() - min(0.0, df["time"].min())) if len(df) else 1.0
    for ax, q in zip(axes, queues, strict=True):
        rows = df[df["queue"] == q].sort_values("time", kind="stable")
        t = rows["time"].to_numpy(float)
        base = np.zeros(len(rows))
        for column, label, colour in MEMBER_COLUMNS:
            if column not in rows.columns:
                continue
            top = base + rows[column].fillna(0).to_numpy(float)
            ax.fill_between(t, base, top, step="post", label=label, color=colour, alpha=0.75,
                            linewidth=0)
            base = top
        ax.step(t, base, where="post", color="black", linewidth=0.6)
        ax.set_title(_queue_label(q), loc="left", fontsize="medium")
        ax.set_ylabel("members")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize="small", ncols=3)
        _time_axis(ax, span, label=ax is axes[-1])
    axes[0].set_xlim(left=0)
    return fig


# --- wait distribution ----------------------------------------------------------------


def _left_callers(calls: pd.DataFrame, warmup: float) -> pd.DataFrame:
    df = _numeric(_with_rep(calls), "wait_time", "joined_at", "agent_level")
    if "outcome" not in df.columns or "wait_time" not in df.columns:
        return df.iloc[0:0]
    df = df[df["outcome"].isin(LEFT_OUTCOMES) & df["wait_time"].notna()]
    if warmup and "joined_at" in df.columns:
        df = df[df["joined_at"] >= warmup]
    return df


def _wait_bins(top: float, threshold: float, n: int) -> np.ndarray:
    """Bin edges from 0 covering ``top``, with the threshold on an edge when it is > 0."""
    target = int(np.clip(2 * np.sqrt(n), 15, 60))
    raw = top / target
    if threshold > 0:
        width = threshold / max(1, round(threshold / raw)) if raw < threshold else (
            threshold * np.ceil(raw / threshold))
    else:
        width = raw
    return np.arange(0.0, top + width, width)


def wait_distribution(
    calls: pd.DataFrame, threshold: float, queue: Any = None, *, warmup: float = 0.0
) -> Figure:
    """Wait times of the callers who left the queue (answered, abandoned, timed out): a
    histogram stacked by outcome, the ECDF on the right axis, the service-level threshold and
    the p50 / p90 / p95 of the waits. One axes per queue, or only ``queue``. Callers who joined
    before ``warmup`` are left out, as in summary.json."""
    all_calls = _with_rep(calls)
    df = _left_callers(all_calls, warmup)
    note = _pool_note(all_calls)
    if queue is not None:
        queues = [queue]
        df = df[df["queue"].astype(str) == str(queue)]
    else:
        queues = sorted(df["queue"].unique(), key=_queue_key) if len(df) else []
    fig = _figure(11, 1.0 + 3.0 * max(1, len(queues)))
    fig.suptitle(f"Wait of callers who left the queue{note}")
    if not queues or not len(df):
        _no_data(fig.add_subplot(1, 1, 1), "no caller left the queue")
        return fig
    axes = fig.subplots(len(queues), 1, squeeze=False)[:, 0]
    for ax, q in zip(axes, queues, strict=True):
        rows = df[df["queue"].astype(str) == str(q)]
        waits = rows["wait_time"].to_numpy(dtype=float)
        ax.set_title(_queue_label(q), loc="left", fontsize="medium")
        if not len(waits):
            _no_data(ax, "no caller left this queue")
            continue
        top = max(float(waits.max()), float(threshold), 1.0)
        edges = _wait_bins(top, float(threshold), len(waits))
        stacks, labels, colours = [], [], []
        for outcome in LEFT_OUTCOMES:
            w = rows.loc[rows["outcome"] == outcome, "wait_time"].to_numpy(dtype=float)
            if len(w):
                stacks.append(w)
                labels.append(f"{outcome} ({len(w)})")
                colours.append(OUTCOME_COLOURS[outcome])
        ax.hist(stacks, bins=edges, stacked=True, label=labels, color=colours, alpha=0.85)
        ax.set_ylabel("callers")
        ax.set_xlabel("wait (s)")
        ax.set_xlim(0, top * 1.02)
        ecdf_ax = ax.twinx()
        xs = np.sort(waits)
        ys = np.arange(1, len(xs) + 1) / len(xs)
        ecdf_ax.step(np.concatenate(([0.0], xs)), np.concatenate(([0.0], ys)), where="post",
                     color="black", linewidth=1.2, label="ECDF (right axis)")
        ecdf_ax.set_ylim(0, 1.02)
        ecdf_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        answered = rows["outcome"] == "answered"
        sl = float(((rows["wait_time"] <= threshold) & answered).sum()) / len(rows)
        ax.axvline(threshold, color="#d62728", linewidth=2,
                   label=f"SL threshold {threshold:g} s → SL {sl:.1%}")
        for i, (p, style) in enumerate(((50, ":"), (90, "--"), (95, "-."))):
            v = float(np.quantile(waits, p / 100))
            ax.axvline(v, color="#444444", linestyle=style, linewidth=1.2,
                       label=f"p{p} = {v:.1f} s")
            ax.annotate(f"p{p}", (v, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -11 - 11 * i), textcoords="offset points", fontsize="small")
        handles, names = ax.get_legend_handles_labels()
        h2, n2 = ecdf_ax.get_legend_handles_labels()
        ax.legend(handles + h2, names + n2, loc="upper left", bbox_to_anchor=(1.09, 1.0),
                  fontsize="small", borderaxespad=0)
        ax.grid(True, alpha=0.3)
    return fig


# --- interval KPIs --------------------------------------------------------------------


def interval_kpis(intervals: pd.DataFrame, *, threshold: float | None = None) -> Figure:
    """Per report interval and queue (intervals.csv): service level, ASA and abandon rate
    (abandoned ÷ (offered − in_queue)), as steps over each interval."""
    df = _numeric(_with_rep(intervals), "interval_start", "offered", "answered", "abandoned",
                  "in_queue", "service_level", "asa")
    df, note = _first_rep(df)
    fig = _figure(10, 8)
    fig.suptitle("KPIs per interval" + note)
    if not len(df) or "interval_start" not in df.columns:
        _no_data(fig.add_subplot(1, 1, 1), "no interval rows")
        return fig
    df = df.copy()
    in_queue = df["in_queue"].fillna(0) if "in_queue" in df.columns else 0
    left = df["offered"] - in_queue
    df["abandon_rate"] = np.where(left > 0, df["abandoned"] / left.where(left > 0, 1), np.nan)
    starts = np.sort(df["interval_start"].unique())
    length = float(np.min(np.diff(starts))) if len(starts) > 1 else 900.0
    axes = fig.subplots(3, 1, sharex=True)
    sl_label = "service level" + (f" (≤ {threshold:g} s)" if threshold is not None else "")
    panels = (
        ("service_level", sl_label, True),
        ("asa", "ASA (s)", False),
        ("abandon_rate", "abandon rate", True),
    )
    queues = sorted(df["queue"].unique(), key=_queue_key)
    for i, q in enumerate(queues):
        rows = df[df["queue"] == q].sort_values("interval_start")
        x = np.append(rows["interval_start"].to_numpy(float),
                      rows["interval_start"].iloc[-1] + length)
        for ax, (column, _, _) in zip(axes, panels, strict=True):
            if column not in rows.columns:
                continue
            y = rows[column].to_numpy(float)
            ax.step(x, np.append(y, y[-1]), where="post", color=f"C{i % 10}",
                    label=_queue_label(q), linewidth=1.5)
            mids = rows["interval_start"].to_numpy(float) + length / 2
            ax.plot(mids, y, "o", color=f"C{i % 10}", markersize=3)
    for ax, (_, label, percent) in zip(axes, panels, strict=True):
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        if percent:
            ax.set_ylim(-0.02, 1.05)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            ax.set_ylim(bottom=0)
    axes[0].legend(loc="lower right", fontsize="small", ncols=min(4, len(queues)))
    axes[-1].set_xlim(float(starts[0]), float(starts[-1]) + length)
    _time_axis(axes[-1], float(starts[-1]) + length - float(starts[0]))
    return fig


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


# --- answered by level ----------------------------------------------------------------


def answered_by_level(calls: pd.DataFrame, *, warmup: float = 0.0) -> Figure:
    """Answered calls per queue split by the tier level of the answering agent (calls.csv
    ``agent_level``), as grouped bars; with several replications, the mean per replication."""
    all_calls = _with_rep(calls)
    n = _n_reps(all_calls)
    df = _left_callers(all_calls, warmup)
    df = df[(df["outcome"] == "answered") & df["agent_level"].notna()] if len(df) else df
    per = f" per replication (mean of {n})" if n > 1 else ""
    fig = _figure(max(6.0, 1.5 + 1.6 * max(1, df["queue"].nunique() if len(df) else 1)), 4.5)
    fig.suptitle("Answered calls by tier level" + per)
    ax = fig.add_subplot(1, 1, 1)
    if not len(df):
        _no_data(ax, "no answered call")
        return fig
    counts = (df.assign(agent_level=df["agent_level"].astype(int))
              .groupby(["queue", "agent_level"]).size() / n)
    queues = sorted(counts.index.get_level_values(0).unique(), key=_queue_key)
    levels = sorted(counts.index.get_level_values(1).unique())
    width = 0.8 / len(levels)
    x = np.arange(len(queues))
    for j, level in enumerate(levels):
        values = [float(counts.get((q, level), 0.0)) for q in queues]
        container = ax.bar(x - 0.4 + width * (j + 0.5), values, width, label=f"level {level}",
                           color=f"C{j % 10}")
        ax.bar_label(container, fmt="%.0f" if n == 1 else "%.1f", fontsize="small", padding=2)
    ax.set_xticks(x, [_queue_label(q) for q in queues])
    ax.set_ylabel("answered calls" + (" / replication" if n > 1 else ""))
    ax.margins(y=0.12)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(title="agent level", fontsize="small")
    return fig


# --- output folders -------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _summary(out_dir: Path) -> dict[str, Any]:
    path = out_dir / "summary.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# name -> (input files, builder(tables, summary)); the order is the report's.
PLOTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, pd.DataFrame], dict[str, Any]], Figure]]] = {
    "members_over_time": (("status",), lambda t, s: members_over_time(t["status"])),
    "wait_distribution": (
        ("calls",),
        lambda t, s: wait_distribution(
            t["calls"], float(s.get("service_level_threshold") or 20.0),
            warmup=float(s.get("warmup") or 0.0),
        ),
    ),
    "interval_kpis": (
        ("intervals",),
        lambda t, s: interval_kpis(t["intervals"], threshold=s.get("service_level_threshold")),
    ),
    "agent_timeline": (
        ("agent_states",),
        lambda t, s: agent_timeline(t["agent_states"], t.get("agent_pauses"), t.get("calls")),
    ),
    "answered_by_level": (
        ("calls",),
        lambda t, s: answered_by_level(t["calls"], warmup=float(s.get("warmup") or 0.0)),
    ),
}
_OPTIONAL = ("agent_pauses",)


def figures(out_dir: Path) -> dict[str, Figure]:
    """Every figure that the files of ``out_dir`` allow, by name (see ``PLOTS``)."""
    out_dir = Path(out_dir)
    summary = _summary(out_dir)
    needed = {name for inputs, _ in PLOTS.values() for name in inputs} | set(_OPTIONAL)
    tables = {name: t for name in needed if (t := _read_csv(out_dir / f"{name}.csv")) is not None}
    result = {}
    for name, (inputs, build) in PLOTS.items():
        if all(i in tables for i in inputs):
            result[name] = build(tables, summary)
    return result


def save_png(fig: Figure, target: Any) -> None:
    """PNG without the Software/URL metadata matplotlib adds by default."""
    fig.savefig(target, format="png", dpi=100, metadata={"Software": None})


def write_plots(out_dir: Path) -> list[Path]:
    """Read the files of a run's output folder and save every figure as ``<name>.png`` in it;
    a figure whose input file is missing is skipped. Returns the written paths."""
    out_dir = Path(out_dir)
    written = []
    for name, fig in figures(out_dir).items():
        path = out_dir / f"{name}.png"
        save_png(fig, path)
        written.append(path)
    return written
