"""Agents logged in per interval, and the staffing curve that reproduces that count.

With an agent column, an agent counts as logged in during an interval of a day when one of
its calls was being talked (answered .. left) in it; the count per interval is the mean over
the log's days, rounded (at least 1 where calls arrive). Agents idle a whole interval are
missed: on a quiet queue this under-counts. Without an agent column, each interval gets the
fewest agents whose Erlang A service level (fitted rate, AHT and mean patience) reaches the
log's service level in that interval.

The scenario declares one pool whose staffing curve ``[{at, agents}, ...]`` has a row per
interval with its count (the first row at 0: no call arrives before the first interval). The
last row holds past the horizon, so the agents logged in at the end serve the last callers,
as in the log.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .arrivals import Profile, slot_of
from .logread import CallLog


def logged_in_from_log(log: CallLog, profile: Profile) -> np.ndarray | None:
    """Mean distinct agents talking per interval (over days), or None without an agent column."""
    if log.agent is None:
        return None
    talked = (log.outcome == "answered") & np.isfinite(log.answered) & np.isfinite(log.left) & (log.agent != "")
    if not talked.any():
        return None
    iv = profile.interval
    base = log.day_start[talked]
    a0 = log.answered[talked] - base
    a1 = log.left[talked] - base
    first = slot_of(a0, iv)
    last = slot_of(np.maximum(a1 - 1e-9, a0), iv)
    days = log.day[talked]
    agents = log.agent[talked]
    span = np.minimum(last - first, 48)  # a call of > 48 intervals is not a logged-in signal
    parts = []
    for k in range(int(span.max()) + 1 if len(span) else 0):
        sel = span >= k
        parts.append(pd.DataFrame({"day": days[sel], "slot": first[sel] + k, "agent": agents[sel]}))
    talking = pd.concat(parts).drop_duplicates()
    per = talking.groupby(["day", "slot"]).size()
    counts = np.zeros((max(log.days, 1), len(profile.slots)))
    col = np.searchsorted(profile.slots, per.index.get_level_values("slot").to_numpy())
    col = np.clip(col, 0, len(profile.slots) - 1)
    hit = profile.slots[col] == per.index.get_level_values("slot").to_numpy()
    np.add.at(counts, (per.index.get_level_values("day").to_numpy()[hit], col[hit]), per.to_numpy()[hit])
    return counts.mean(axis=0)


def erlang_staffing(profile: Profile, aht: float, patience: float | None, sl: np.ndarray,
                    threshold: float) -> np.ndarray:
    """Fewest agents whose Erlang A (Erlang C without patience) service level reaches the log's."""
    from ..erlang import agents_for_service_level

    out = np.zeros(len(profile.slots))
    for i, rate in enumerate(profile.rate):
        if rate <= 0 or not math.isfinite(aht) or aht <= 0:
            continue
        target = float(np.clip(sl[i] if math.isfinite(sl[i]) else 0.8, 0.05, 0.99))
        try:
            out[i] = agents_for_service_level(float(rate), aht, target, threshold, patience)
        except (ValueError, ArithmeticError):
            out[i] = math.ceil(rate * aht / 3600) + 1
    return out


def counts_per_interval(mean_counts: np.ndarray, profile: Profile) -> np.ndarray:
    counts = np.rint(mean_counts).astype(int)
    return np.where((profile.rate > 0) & (counts < 1), 1, counts)


def staffing(counts: np.ndarray, profile: Profile) -> list[dict[str, Any]]:
    """The pool's curve: ``counts[i]`` agents logged in during interval i (from 0 for the first)."""
    iv = profile.interval
    rows = [{"at": 0.0 if i == 0 else float(slot * iv), "agents": int(k)}
            for i, (slot, k) in enumerate(zip(profile.slots, counts, strict=True))]
    if not any(row["agents"] for row in rows):
        return [{"at": 0.0, "agents": 1}]  # no agent at all would leave the scenario without one
    return rows
