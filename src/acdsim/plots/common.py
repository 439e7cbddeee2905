"""What the figures share: the ``replication`` column (added when absent, first replication
picked, pooled notes for titles), numeric coercion of CSV columns, the ordering and
labels of queues, the h:mm time axis, the "no data" panel and a headless figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator, PercentFormatter


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


def _kpi_axis(ax: Any, percent: bool) -> None:
    """A KPI panel's grid and y range: 0-100 % for a fraction, from 0 up otherwise."""
    ax.grid(True, alpha=0.3)
    if percent:
        ax.set_ylim(-0.02, 1.05)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax.set_ylim(bottom=0)


def _no_data(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")
