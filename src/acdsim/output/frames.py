"""The dtypes of ``acdsim.simulate``'s DataFrames, by column name (the same columns as the CSV
files): seconds and ratios float64 (NaN for an empty cell), counts and ids int64 (nullable
``Int64`` where a cell may be empty: ``agent_level``), the repeated words categorical, calls'
``joined_datetime`` datetime64; anything else (call ids, numbers) text."""

from __future__ import annotations

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


def typed_column(name: str, values: Sequence[Any]) -> Any:
    """One column's values with the dtype its name calls for."""
    if name in FLOAT_COLUMNS:
        return np.array(values, dtype=np.float64)  # None -> NaN
    if name in INT_COLUMNS:
        return np.array(values, dtype=np.int64)
    if name in NULLABLE_INT_COLUMNS:
        return pd.array(values, dtype="Int64")
    if name in WORD_COLUMNS:
        return pd.Categorical(values)
    if name in DATETIME_COLUMNS:
        return pd.to_datetime(pd.Series(values, dtype=object)) if len(values) else pd.Series([], dtype="datetime64[us]")
    return pd.array(values, dtype="str") if all(isinstance(v, str) for v in values) else values


def typed_frame(columns: dict[str, Sequence[Any]]) -> pd.DataFrame:
    """A DataFrame of ``columns`` (name -> values), each with its dtype (empty ones too)."""
    return pd.DataFrame({name: typed_column(name, values) for name, values in columns.items()})
