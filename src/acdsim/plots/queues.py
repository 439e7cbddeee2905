"""Figures of the queues and their callers: members over time (status.csv), the wait
distribution with its ECDF and percentiles, the service level / ASA / abandon rate per
report interval (intervals.csv) and the answered calls by tier level (calls.csv).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .common import (
    _figure,
    _first_rep,
    _kpi_axis,
    _n_reps,
    _no_data,
    _numeric,
    _pool_note,
    _queue_key,
    _queue_label,
    _time_axis,
    _with_rep,
)
from .intervals import interval_summary_kpis, is_interval_summary

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
    (abandoned ÷ (offered − in_queue)), as steps over each interval. Given the interval
    summary (intervals_summary.csv, ``Result.interval_summary``), the means over the
    replications with their 95 % confidence bands, and logged-in agents."""
    if is_interval_summary(intervals):
        return interval_summary_kpis(intervals, threshold=threshold)
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
        _kpi_axis(ax, percent)
    axes[0].legend(loc="lower right", fontsize="small", ncols=min(4, len(queues)))
    axes[-1].set_xlim(float(starts[0]), float(starts[-1]) + length)
    _time_axis(axes[-1], float(starts[-1]) + length - float(starts[0]))
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
