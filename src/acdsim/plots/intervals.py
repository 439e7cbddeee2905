"""The KPIs per report interval across replications (intervals_summary.csv): service level,
ASA, abandon rate and logged-in agents per queue, the mean as steps with its 95 % confidence
band, and the intervals cut by the warm-up or the horizon hatched and drawn lighter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .common import _figure, _kpi_axis, _no_data, _numeric, _queue_key, _queue_label, _time_axis

PANELS = (
    ("service_level", "service level", True),
    ("asa", "ASA (s)", False),
    ("abandon_rate", "abandon rate", True),
    ("agents_logged_in", "agents logged in", False),
)


def is_interval_summary(df: pd.DataFrame | None) -> bool:
    """Whether ``df`` has the columns of intervals_summary.csv (not of intervals.csv)."""
    return df is not None and "service_level_mean" in df.columns


def interval_summary_kpis(summary: pd.DataFrame, *, threshold: float | None = None) -> Figure:
    """Per report interval and queue, the mean over replications of each KPI as steps, with
    its 95 % confidence band (none with one replication); partial intervals are hatched."""
    columns = ["interval_start", "covered", "replications"] + [
        f"{m}_{part}" for m, _, _ in PANELS for part in ("mean", "ci95")
    ]
    df = _numeric(summary.copy(), *columns)
    reps = int(df["replications"].max()) if len(df) and "replications" in df.columns else 1
    note = (f" (mean of {reps} replications, 95 % confidence band)" if reps > 1
            else " (one replication)")
    fig = _figure(10, 10)
    fig.suptitle("KPIs per interval" + note)
    if not len(df):
        _no_data(fig.add_subplot(1, 1, 1), "no interval rows")
        return fig
    partial = _as_bool(df["partial"]) if "partial" in df.columns else pd.Series(False, index=df.index)
    starts = np.sort(df["interval_start"].unique())
    length = float(np.min(np.diff(starts))) if len(starts) > 1 else float(df["covered"].max() or 900.0)
    axes = fig.subplots(len(PANELS), 1, sharex=True)
    queues = sorted(df["queue"].unique(), key=_queue_key)
    for i, q in enumerate(queues):
        mine = (df["queue"] == q).to_numpy()
        rows = df[mine].sort_values("interval_start")
        cut = partial[mine].reindex(rows.index).to_numpy(bool)
        x = np.append(rows["interval_start"].to_numpy(float), rows["interval_start"].iloc[-1] + length)
        mids = rows["interval_start"].to_numpy(float) + length / 2
        colour = f"C{i % 10}"
        for ax, (metric, _, _) in zip(axes, PANELS, strict=True):
            mean = rows[f"{metric}_mean"].to_numpy(float)
            half = rows[f"{metric}_ci95"].to_numpy(float)
            ax.step(x, np.append(mean, mean[-1]), where="post", color=colour, linewidth=1.5,
                    label=_queue_label(q))
            for j in np.flatnonzero(np.isfinite(half) & np.isfinite(mean)):
                # One band per interval: a missing half-width (one replication) leaves a gap.
                ax.fill_between(x[j:j + 2], mean[j] - half[j], mean[j] + half[j],
                                color=colour, alpha=0.2, linewidth=0)
            ax.plot(mids[~cut], mean[~cut], "o", color=colour, markersize=3)
            ax.plot(mids[cut], mean[cut], "o", color=colour, markersize=3, alpha=0.35)
    cut_starts = sorted(set(df.loc[partial.to_numpy(bool), "interval_start"].astype(float)))
    for ax, (_, label, percent) in zip(axes, PANELS, strict=True):
        for start in cut_starts:
            ax.axvspan(start, start + length, facecolor="#f2f2f2", edgecolor="#bbbbbb",
                       hatch="//", linewidth=0, zorder=0)
        ax.set_ylabel(label if label != "service level" or threshold is None
                      else f"service level (≤ {threshold:g} s)")
        _kpi_axis(ax, percent)
    handles, names = axes[0].get_legend_handles_labels()
    if cut_starts:
        handles.append(Patch(facecolor="#f2f2f2", edgecolor="#bbbbbb", hatch="//"))
        names.append("partial interval (warm-up / horizon)")
    axes[0].legend(handles, names, loc="lower right", fontsize="small", ncols=min(4, len(names)))
    axes[-1].set_xlim(float(starts[0]), float(starts[-1]) + length)
    _time_axis(axes[-1], float(starts[-1]) + length - float(starts[0]))
    return fig


def _as_bool(column: pd.Series) -> pd.Series:
    # Read from CSV the column is bool already (true/false); from other sources it may be text.
    if column.dtype == bool:
        return column
    return column.astype(str).str.strip().str.lower().isin(("true", "1"))


def summary_or_intervals(tables: dict[str, Any]) -> pd.DataFrame:
    """The table the interval figure is drawn from: the summary when the run wrote it."""
    summary = tables.get("intervals_summary")
    return summary if is_interval_summary(summary) else tables["intervals"]
