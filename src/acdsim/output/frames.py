"""The dtypes of ``acdsim.simulate``'s DataFrames, by column name (the same columns as the CSV
files): seconds and ratios float64 (NaN for an empty cell), counts and ids int64 (nullable
``Int64`` where a cell may be empty: ``agent_level``), the repeated words categorical, calls'
``joined_datetime`` datetime64 (kept as seconds until then, turned into clock times in bulk);
anything else (call ids, numbers) text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

FLOAT_COLUMNS = frozenset((
    "joined_at", "answered_at", "left_at", "wait_time", "talk_time", "first_join_at", "offered_at",
    "ended_at", "time", "start", "end", "logged_in_time", "occupancy", "wrap_up_time",
    "handle_occupancy", "talk_occupancy", "interval_start", "service_level", "asa", "mean_wait",
    "covered", "agents_logged_in",
))
INT_COLUMNS = frozenset((
    "replication", "queue", "offers", "level", "position", "calls_answered", "no_answers", "rejects",
    "busies", "waiting_members", "trying_members", "answered_members", "offered", "answered",
    "abandoned", "timeout", "no_agent_timeout", "in_queue",
))
NULLABLE_INT_COLUMNS = frozenset(("agent_level",))  # (empty for a caller nobody answered)
WORD_COLUMNS = frozenset(("outcome", "agent", "result", "status", "state", "kind", "transferred_to", "event_type", "method"))
DATETIME_COLUMNS = frozenset(("joined_datetime",))


def typed_column(name: str, values: Sequence[Any], start: dt.datetime | None = None) -> Any:
    """One column's values with the dtype its name calls for (``joined_datetime``: given as
    seconds since ``start``)."""
    if name in FLOAT_COLUMNS:
        return np.array(values, dtype=np.float64)  # None -> NaN
    if name in INT_COLUMNS:
        return np.array(values, dtype=np.int64)
    if name in NULLABLE_INT_COLUMNS:
        return pd.array(values, dtype="Int64")
    if name in WORD_COLUMNS:
        return pd.Categorical(values)
    if name in DATETIME_COLUMNS:
        return clock_times(start, values)
    return values  # (text: pandas makes it its string dtype)


def clock_times(start: dt.datetime | None, seconds: Sequence[float]) -> Any:
    """``start + timedelta(seconds=x)`` for each ``x``, to the microsecond, as datetime64[us]
    (time-zone aware with an aware ``start``)."""
    if start is None or not len(seconds):
        return pd.Series([start + dt.timedelta(seconds=x) for x in seconds] if start else [], dtype="datetime64[us]")
    if start.tzinfo is not None:
        return pd.to_datetime(pd.Series([start + dt.timedelta(seconds=x) for x in seconds], dtype=object))
    micros = np.rint(np.asarray(seconds, dtype=float) * 1e6).astype("timedelta64[us]")
    return pd.Series(np.datetime64(start, "us") + micros)


def typed_frame(columns: dict[str, Sequence[Any]], start: dt.datetime | None = None) -> pd.DataFrame:
    """A DataFrame of ``columns`` (name -> values), each with its dtype (empty ones too)."""
    return pd.DataFrame({name: typed_column(name, values, start) for name, values in columns.items()})
