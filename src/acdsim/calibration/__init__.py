"""Calibration: fit a runnable scenario from a call log (``acdsim fit``, ``acdsim.fit``).

Modules: ``logread`` (read and map the log, count unusable rows), ``arrivals`` (rate per
interval, dispersion), ``families`` (maximum-likelihood fits with censoring, Kaplan-Meier),
``durations`` (talk time, patience, wrap-up), ``agents`` (logged-in agents per interval,
shifts), ``kpis`` (the log's queue figures), ``scenario`` and ``outputs`` (fitted.yaml,
forecast.csv, fit.json), ``plots`` (PNG, fit.html), ``check`` (simulate and compare).
The methods are described in docs/calibration.md.
"""

from __future__ import annotations

from .fitting import FitResult, fit

__all__ = ["FitResult", "fit"]
