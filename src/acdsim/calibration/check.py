"""``acdsim fit --check``: simulate the fitted scenario and compare it with the log.

The fitted scenario runs ``replications`` times (each replication one simulated day); its
calls are read back through the same reader as the log, and per interval and overall the
offered calls (per day), abandon rate, ASA and service level of both are compared: they
agree when their difference is within the combined half-widths of their 95 % CIs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import kpis
from .logread import read_log

if TYPE_CHECKING:
    from .fitting import FitResult

METRICS = ("offered", "abandon_rate", "asa", "service_level")


def run_check(r: FitResult, replications: int = 5, seed: int = 1,
              scenario_file: str | Path | None = None) -> dict[str, Any]:
    """Simulate ``scenario_file`` (the written fitted.yaml, reading forecast.csv), or without
    it ``r.scenario`` (the same scenario, its profile inline)."""
    from ..api import simulate
    from ..loader import load_scenario, load_scenario_data

    if scenario_file is not None:
        scenario = load_scenario(scenario_file)
    else:
        scenario = load_scenario_data(r.scenario, filename="fitted.yaml")
    result = simulate(scenario, seed=seed, replications=replications)
    sim = read_log(result.calls)
    slots = r.profile.slots
    sim_rows = kpis.per_interval(sim, r.interval, slots, r.threshold)
    rows = []
    for log_row, sim_row in zip(r.observed, sim_rows, strict=True):
        rows.append(_compare(log_row, sim_row) | {"at": log_row["at"]})
    overall = _compare(kpis.figures(r.log, r.threshold), kpis.figures(sim, r.threshold))
    judged = [v for row in rows for m in METRICS if (v := row[m]["agree"]) is not None]
    return {"replications": replications, "seed": seed, "overall": overall, "intervals": rows,
            "agree": sum(judged), "compared": len(judged)}


def _compare(log_row: dict[str, Any], sim_row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for m in METRICS:
        a, b = log_row[m], sim_row[m]
        out[m] = {"log": a, "log_ci": log_row[f"{m}_ci"], "sim": b, "sim_ci": sim_row[f"{m}_ci"],
                  "agree": kpis.agree(a, log_row[f"{m}_ci"], b, sim_row[f"{m}_ci"])}
    return out


def _cell(d: dict[str, Any], pct: bool) -> str:
    def f(x: float) -> str:
        if x is None or not math.isfinite(x):
            return "-"
        return f"{100 * x:.1f}%" if pct else f"{x:.1f}"

    mark = {True: " ", False: "*", None: " "}[d["agree"]]
    return f"{f(d['log'])}/{f(d['sim'])}{mark}"


def format_check(check: dict[str, Any]) -> str:
    """The comparison as a text table: log/simulated per interval; * marks a disagreement."""
    head = f"{'interval':>8}  {'offered/day':>17}  {'abandon rate':>15}  {'ASA (s)':>13}  {'service level':>15}"
    lines = [f"check: fitted.yaml simulated {check['replications']} time(s) (seed {check['seed']}); "
             "each cell log/simulated, * = outside the combined 95 % CIs", head]
    for row in check["intervals"]:
        at = int(row["at"])
        lines.append(f"{at // 3600:>5}:{(at % 3600) // 60:02d}  {_cell(row['offered'], False):>17}  "
                     f"{_cell(row['abandon_rate'], True):>15}  {_cell(row['asa'], False):>13}  "
                     f"{_cell(row['service_level'], True):>15}")
    o = check["overall"]
    lines.append(f"{'all':>8}  {_cell(o['offered'], False):>17}  {_cell(o['abandon_rate'], True):>15}  "
                 f"{_cell(o['asa'], False):>13}  {_cell(o['service_level'], True):>15}")
    lines.append(f"{check['agree']} of {check['compared']} interval figures agree within their CIs")
    return "\n".join(lines)
