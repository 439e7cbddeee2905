"""Writing a fit: fitted.yaml, forecast.csv (forecast_<weekday>.csv with ``by="weekday"``),
fit.json, and with plots the PNG figures and fit.html that shows them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .scenario import FORECAST, file_scenario, weekday_forecast

if TYPE_CHECKING:
    from .fitting import FitResult

HEADER = """\
# Fitted by `acdsim fit` from {source} (queue {queue!r}); every estimate with its CI is in fit.json.
# Run it with: acdsim run fitted.yaml   (or check it against the log: acdsim fit ... --check)
"""


def scenario_text(r: FitResult) -> str:
    """fitted.yaml: the scenario, its arrivals read from forecast.csv beside it."""
    body = yaml.safe_dump(file_scenario(r.scenario), sort_keys=False, default_flow_style=None, width=100, allow_unicode=True)
    return HEADER.format(source=Path(r.log.source).name, queue=r.queue) + body


def write_all(r: FitResult, out: Path, *, plots: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "fitted.yaml"
    path.write_text(scenario_text(r), encoding="utf-8")
    written.append(path)
    path = out / FORECAST
    r.forecast.to_csv(path, index=False, lineterminator="\n")
    written.append(path)
    for day, profile in r.weekdays.items():
        path = out / f"forecast_{day}.csv"
        weekday_forecast(profile).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    path = out / "fit.json"
    path.write_text(json.dumps(r.report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(path)
    if plots:
        from .plots import write_html, write_plots

        pngs = write_plots(r, out)
        written += pngs
        written.append(write_html(r, out, pngs))
    return written
