"""``acdsim.fit``: a call log in, every estimate and a runnable scenario out.

The steps are those of the package's modules: read and map the log (``logread``), pick one
queue, then arrivals per interval (``arrivals``), talk time and patience (``durations``),
agents logged in per interval (``agents``), and build the scenario (``scenario``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from . import agents as ag
from . import arrivals as arr
from . import durations as du
from . import kpis
from .logread import CallLog, read_log


@dataclass
class FitResult:
    """Everything ``fit`` estimated. ``scenario`` is the fitted scenario as plain data,
    ``forecast`` the rate per interval, ``report`` the content of fit.json."""

    log: CallLog
    queue: str
    interval: float
    threshold: float
    level: float
    profile: arr.Profile
    weekdays: dict[str, arr.Profile]
    talk: du.DurationFit
    patience: du.DurationFit
    aht: dict[str, Any]
    wrap_up: dict[str, Any] | None
    agents_mean: np.ndarray
    agents_source: str
    scenario: dict[str, Any] = field(default_factory=dict)
    forecast: pd.DataFrame = field(default_factory=pd.DataFrame)
    report: dict[str, Any] = field(default_factory=dict)
    observed: list[dict[str, Any]] = field(default_factory=list)
    other_queues: int = 0  # usable rows of the log's other queues (with ``queue``)

    def write(self, out_dir: str | Path, *, plots: bool = True) -> list[Path]:
        """Write fitted.yaml, forecast.csv (and per weekday), fit.json, and the plots + fit.html."""
        from .outputs import write_all

        return write_all(self, Path(out_dir), plots=plots)


def fit(
    source: str | Path | pd.DataFrame,
    mapping: Mapping[str, str] | str | None = None,
    *,
    interval: float = 1800.0,
    by: str | None = None,
    queue: str | int | None = None,
    time_format: str | None = None,
    threshold: float = 20.0,
    level: float = 0.95,
    name: str | None = None,
) -> FitResult:
    """Fit arrivals, talk time, patience and agents from a call log (a CSV path or a DataFrame).

    ``mapping`` names the log's columns (``{"joined": "Start", ...}`` or
    ``"joined=Start,..."``); ``interval`` (seconds) is the length of one forecast row; ``by``
    is ``None`` or ``"weekday"``; ``queue`` picks one queue of a log holding several;
    ``threshold`` is the service-level threshold (s); ``level`` the confidence of every CI.
    Raises ScenarioError when the log cannot be used.
    """
    where = "<dataframe>" if isinstance(source, pd.DataFrame) else str(source)
    if not (interval > 0 and math.isfinite(interval)):
        raise ScenarioError.single("--interval", f"must be > 0 seconds, got {interval!r}")
    if by not in (None, "weekday"):
        raise ScenarioError.single("--by", f"{by!r} is not a grouping (expected: weekday)")
    if not 0 < level < 1:
        raise ScenarioError.single("level", f"must be between 0 and 1, got {level!r}")
    log = read_log(source, mapping, time_format=time_format)
    usable = len(log.joined)
    log, queue_id = _one_queue(log, queue, where)
    if by == "weekday" and log.weekday_of_day is None:
        raise ScenarioError.single(where, "--by weekday needs datetimes in the log (its times are seconds)")

    profile = arr.fit_profile(log, interval, level)
    weekdays = arr.by_weekday(log, interval, level) if by == "weekday" else {}
    talk = du.fit_talk_time(log, level)
    patience = du.fit_patience(log, level)
    aht = du.aht_by_interval(log, interval, profile.slots, level)
    wrap = du.wrap_up(log, level)
    observed = kpis.per_interval(log, interval, profile.slots, threshold)

    mean_counts = ag.logged_in_from_log(log, profile)
    source_note = "distinct agents talking per interval, mean over days"
    if mean_counts is None:
        sl = np.array([r["service_level"] for r in observed], dtype=float)
        pat = patience.mean if math.isfinite(patience.mean) else None
        mean_counts = ag.erlang_staffing(profile, talk.mean, pat, sl, threshold)
        source_note = "no agent column: Erlang A staffing to the log's service level per interval"
    result = FitResult(log, queue_id, interval, threshold, level, profile, weekdays, talk, patience,
                       aht, wrap, mean_counts, source_note, observed=observed,
                       other_queues=usable - len(log.joined))
    from .scenario import build_forecast, build_report, build_scenario

    result.scenario = build_scenario(result, name or _title(where))
    result.forecast = build_forecast(result)
    result.report = build_report(result)
    return result


def _title(where: str) -> str:
    return f"fitted from {Path(where).name}" if where != "<dataframe>" else "fitted"


def _one_queue(log: CallLog, queue: str | int | None, where: str) -> tuple[CallLog, str]:
    names = sorted({str(q) for q in log.queue.tolist()}, key=_queue_key)
    if queue is not None:
        wanted = str(queue).strip()
        if wanted not in names:
            raise ScenarioError.single(where, f"no queue {wanted!r} in the log (queues: {', '.join(names)})")
        return log.select(log.queue == wanted), wanted
    if len(names) > 1:
        raise ScenarioError.single(
            where, f"the log holds {len(names)} queues ({', '.join(names[:20])}): choose one with --queue"
        )
    return log, names[0] if names else ""


def _queue_key(q: str) -> tuple[int, float, str]:
    try:
        return (0, float(q), q)
    except ValueError:
        return (1, 0.0, q)
