"""The fitted scenario (fitted.yaml), the forecast table and fit.json's content.

The scenario simulates one typical day of the log: ``start`` is the midnight of the log's
first day (logs with datetimes), the horizon ends with the last interval holding calls, the
queue has the fitted talk time and patience, and one pool ``fitted`` (agents local/1..N)
follows a staffing curve that gives the logged-in count of each interval. Agents pick up at
once (``answer_time: 0``): the log's waits already include any ringing.

The arrivals are the fitted profile. fitted.yaml reads it from forecast.csv beside it
(``arrivals: {profile: {file: forecast.csv}}``, :func:`file_scenario`); ``FitResult.scenario``
has no folder, so it holds the same rows inline (``arrivals: {profile: [...]}``). Both give
the same simulation: no call arrives before the first row, and the rows carry the same
``aht`` when the AHT varies by interval.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import agents as ag
from . import arrivals as arr

if TYPE_CHECKING:
    from .fitting import FitResult


def queue_id(name: str) -> int:
    try:
        value = int(float(name))
    except ValueError:
        return 1
    return value if value >= 0 and float(value) == float(name) else 1


POOL = "fitted"
FORECAST = "forecast.csv"


def build_scenario(r: FitResult, title: str) -> dict[str, Any]:
    counts = ag.counts_per_interval(r.agents_mean, r.profile)
    wrap = r.wrap_up["mean"] if r.wrap_up else 0.0
    qid = queue_id(r.queue)
    callers: dict[str, Any] = {
        "arrivals": {"profile": _profile_rows(r)},
        "talk_time": r.talk.dist or {"dist": "constant", "value": 0},
    }
    if r.patience.dist is not None:
        callers["patience"] = r.patience.dist
    queue: dict[str, Any] = {
        "id": qid, "name": r.queue or str(qid), "strategy": "longest-idle-agent",
        "callers": callers,
    }
    timeouts = _timeout_wait(r)
    if timeouts is not None:
        queue["max_wait_time"] = timeouts
    scenario: dict[str, Any] = {
        "acdsim": 1,
        "name": title,
        "horizon": float(r.profile.end),
    }
    if r.log.origin is not None:
        scenario["start"] = r.log.origin.strftime("%Y-%m-%d %H:%M:%S")
    scenario["report"] = {"service_level_threshold": r.threshold, "interval": r.interval}
    scenario["queues"] = [queue]
    scenario["agents"] = {}
    scenario["pools"] = [{
        "name": POOL, "first_id": 1, "agent": {"wrap_up_time": round(wrap, 3)},
        "tiers": [{"queue": qid, "level": 1, "position": 1}],
        "staffing": ag.staffing(counts, r.profile),
    }]
    scenario["behaviors"] = {"default": {"answer_time": 0}}
    return scenario


def file_scenario(scenario: dict[str, Any], forecast: str = FORECAST) -> dict[str, Any]:
    """fitted.yaml: ``scenario`` with its queue's arrivals read from ``forecast`` (same folder)."""
    queues = []
    for queue in scenario["queues"]:
        callers = {**queue["callers"], "arrivals": {"profile": {"file": forecast}}}
        queues.append({**queue, "callers": callers})
    return {**scenario, "queues": queues}


def _profile_rows(r: FitResult) -> list[dict[str, Any]]:
    """forecast.csv's rows inline, after a zero-rate row from 0 to the first interval."""
    rows: list[dict[str, Any]] = build_forecast(r).to_dict("records")
    for row in rows:
        row["at"] = float(row["at"])
        if "aht" in row and not math.isfinite(row["aht"]):
            row["aht"] = None  # an interval without answered calls: the talk time unscaled
    if rows and rows[0]["at"] > 0:
        rows.insert(0, {"at": 0.0, "calls_per_hour": 0.0})
    return rows


def _timeout_wait(r: FitResult) -> float | None:
    """max_wait_time: the median wait of timed-out callers, when the log has any."""
    log = r.log
    waits = (log.left - log.joined)[log.outcome == "timeout"]
    waits = waits[np.isfinite(waits)]
    return round(float(np.median(waits)), 1) if len(waits) else None


def build_forecast(r: FitResult) -> pd.DataFrame:
    """forecast.csv: ``at`` (seconds from start), ``calls_per_hour``, ``aht`` when it varies."""
    frame = pd.DataFrame({"at": r.profile.slots * r.interval, "calls_per_hour": np.round(r.profile.rate, 4)})
    if r.aht.get("varies"):
        frame["aht"] = np.round(np.asarray(r.aht["aht"], dtype=float), 3)
    return frame


def weekday_forecast(p: arr.Profile) -> pd.DataFrame:
    return pd.DataFrame({"at": p.slots * p.interval, "calls_per_hour": np.round(p.rate, 4)})


def _clean(x: Any) -> Any:
    """JSON-ready: numpy scalars to Python, NaN/inf to None."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return [_clean(v) for v in x.tolist()]
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    return x


def build_report(r: FitResult) -> dict[str, Any]:
    log = r.log
    counts = ag.counts_per_interval(r.agents_mean, r.profile)
    report = {
        "source": log.source,
        "columns": log.columns,
        "queue": r.queue,
        "confidence": r.level,
        "rows": {"read": log.rows, "used": int(len(log.joined)), "other_queues": r.other_queues,
                 "rejected": dict(sorted(log.rejected.items())),
                 "outcomes": {k: int(v) for k, v in zip(*np.unique(log.outcome.astype(str), return_counts=True), strict=True)}},
        "days": log.days,
        "origin": log.origin.isoformat(sep=" ") if log.origin else None,
        "arrivals": arr.summary(r.profile),
        "talk_time": {**r.talk.summary(), "aht_by_interval": r.aht,
                      "method": "maximum likelihood per family, lowest AIC; KS test of the chosen fit"},
        "patience": {**r.patience.summary(),
                     "method": "abandoned callers observed, answered/timeout/no-agent-timeout callers "
                               "censored at their wait; censored maximum likelihood per family, lowest "
                               "AIC; Kaplan-Meier curve; goodness = max |KM - fitted survival|"},
        "wrap_up": r.wrap_up,
        "agents": {"method": r.agents_source, "mean_per_interval": r.agents_mean,
                   "scenario_per_interval": counts},
        "observed": r.observed,
    }
    if r.weekdays:
        report["arrivals_by_weekday"] = {k: arr.summary(p) for k, p in r.weekdays.items()}
    return _clean(report)
