"""The targets of a staffing search and how one interval's figures are judged against them.

A target is a bound on one of the per-interval figures of ``intervals.csv`` (measured on the
callers who join in the interval) or on the pool's occupancy in the interval:

- ``service_level`` (``--sl 80/20``): answered within the threshold / callers who left the
  queue (answered, abandoned or timed out), at least the fraction;
- ``abandon_rate`` (``--max-abandon 5%``): abandoned / callers who left the queue, at most;
- ``asa`` (``--max-asa 30s``): mean wait of the answered callers, at most;
- ``occupancy`` (``--max-occupancy 90%``): the pool's talk and wrap-up time in the interval
  over its logged-in time there, at most.

"Met" is a statement about the mean over replications; the decision is *clear* when the 95 %
confidence interval of the mean lies entirely on one side of the bound, and *settled* when it
is clear or the CI's half-width is within the target's tolerance (``Targets.tolerance``: 0.02
for the fractions, 2 s for the ASA): then the mean is on the right side of the bound to
within the tolerance, which is what "met" means.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...output.stats import mean_ci95
from ...percent import parse_percent, parse_target
from ...units import parse_duration

METRICS = ("service_level", "abandon_rate", "asa", "occupancy")
"""The figures a target can bound, in the order ``binding`` names the first missed one."""

DEFAULT_TOLERANCE = 0.02
"""Half-width of the 95 % CI at which a fraction's decision (service level, abandon rate,
occupancy) is settled even though the CI contains the bound."""
DEFAULT_ASA_TOLERANCE = 2.0
"""The same for the ASA, in seconds."""


class TargetError(ValueError):
    """Bad targets: ``problems`` lists (key, message) pairs, every one at once."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems))
        self.problems = problems


@dataclass(frozen=True)
class Targets:
    """The bounds; None: no target on that figure. ``threshold``: the service-level threshold
    in seconds (also the one the service level is reported at without a target).
    ``fraction_tolerance`` / ``asa_tolerance``: the CI half-width that settles a decision
    whose CI contains the bound (the fractions; the ASA in seconds)."""

    service_level: float | None = None
    threshold: float = 20.0
    abandon_rate: float | None = None
    asa: float | None = None
    occupancy: float | None = None
    fraction_tolerance: float = DEFAULT_TOLERANCE
    asa_tolerance: float = DEFAULT_ASA_TOLERANCE

    def tolerance(self, metric: str) -> float:
        """The half-width within which ``metric``'s decision is settled."""
        return self.asa_tolerance if metric == "asa" else self.fraction_tolerance

    def bounds(self) -> list[tuple[str, float, bool]]:
        """``(metric, bound, at_least)`` of every target given."""
        out = []
        for metric in METRICS:
            value = getattr(self, metric)
            if value is not None:
                out.append((metric, float(value), metric == "service_level"))
        return out

    def describe(self) -> str:
        parts = []
        if self.service_level is not None:
            parts.append(f"{100 * self.service_level:g}/{self.threshold:g}")
        if self.abandon_rate is not None:
            parts.append(f"abandon <= {100 * self.abandon_rate:g}%")
        if self.asa is not None:
            parts.append(f"ASA <= {self.asa:g}s")
        if self.occupancy is not None:
            parts.append(f"occupancy <= {100 * self.occupancy:g}%")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "service_level": self.service_level, "threshold": self.threshold,
            "abandon_rate": self.abandon_rate, "asa": self.asa, "occupancy": self.occupancy,
            "tolerance": {"fractions": self.fraction_tolerance, "asa": self.asa_tolerance},
        }


def make_targets(
    value: Targets | Mapping[str, Any] | None = None, default_threshold: float = 20.0, **given: Any
) -> Targets:
    """Targets from Python: a :class:`Targets`, or a mapping / keywords with the keys ``sl``
    (``"80/20"`` or ``(0.8, 20)``), ``max_abandon``, ``max_asa``, ``max_occupancy``
    (percentages as :mod:`acdsim.percent` reads them: ``"5%"`` or ``0.05``; the ASA a
    duration). ``ValueError`` with a user-facing message, naming the key."""
    if isinstance(value, Targets):
        return value
    data = {**dict(value or {}), **{k: v for k, v in given.items() if v is not None}}
    known = {"sl", "max_abandon", "max_asa", "max_occupancy"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise TargetError([(unknown[0], f"unknown target (known: {', '.join(sorted(known))})")])
    problems: list[tuple[str, str]] = []
    sl: tuple[float, float] | None = None
    fields: dict[str, float | None] = {"abandon_rate": None, "asa": None, "occupancy": None}
    if data.get("sl") is not None:
        try:
            sl = parse_target(data["sl"])
        except ValueError as exc:
            problems.append(("sl", str(exc)))
    for key, name in (("max_abandon", "abandon_rate"), ("max_occupancy", "occupancy")):
        if data.get(key) is not None:
            try:
                fields[name] = parse_percent(data[key])
            except ValueError as exc:
                problems.append((key, str(exc)))
    if data.get("max_occupancy") is not None and fields["occupancy"] == 0:
        problems.append(("max_occupancy", "must be above 0 %"))
    if data.get("max_asa") is not None:
        try:
            fields["asa"] = parse_duration(data["max_asa"])
        except ValueError as exc:
            problems.append(("max_asa", str(exc)))
    if problems:
        raise TargetError(problems)
    if sl is None and all(v is None for v in fields.values()):
        raise TargetError([("sl", "no target: give at least one of sl (e.g. 80/20), max_abandon, max_asa, max_occupancy")])
    return Targets(
        service_level=None if sl is None else sl[0],
        threshold=default_threshold if sl is None else sl[1],
        abandon_rate=fields["abandon_rate"], asa=fields["asa"], occupancy=fields["occupancy"],
    )


# ------------------------------------------------------------------------------------ figures

RAW = ("offered", "answered", "abandoned", "left", "within", "wait_answered", "busy", "logged")
"""One replication's raw figures of one interval (see ``measure.StaffRecorder``)."""


def figures(raw: Sequence[float]) -> dict[str, float | None]:
    """One replication's KPIs of one interval from its raw figures (None: undefined)."""
    offered, answered, abandoned, left, within, wait, busy, logged = raw
    return {
        "offered": offered,
        "service_level": within / left if left else None,
        "abandon_rate": abandoned / left if left else None,
        "asa": wait / answered if answered else None,
        "occupancy": busy / logged if logged > 0 else None,
    }


@dataclass(frozen=True)
class Estimate:
    """A KPI over replications: mean and 95 % half-width (None: fewer than two values)."""

    mean: float | None
    half: float | None
    count: int


def estimate(values: Sequence[float | None]) -> Estimate:
    present = [float(v) for v in values if v is not None]
    if not present:
        return Estimate(None, None, 0)
    mean, ci = mean_ci95(present)
    return Estimate(mean, None if ci is None else (ci[1] - ci[0]) / 2, len(present))


@dataclass(frozen=True)
class Verdict:
    """How one interval fares against the targets: ``met`` (every target, on the means),
    ``clear`` (every decision's CI excludes its bound), ``missed`` (the metrics missed),
    ``settled`` (every decision clear or its CI's half-width within the tolerance: ``met`` is
    then right about the true mean to within the tolerance)."""

    met: bool
    clear: bool
    missed: tuple[str, ...]
    settled: bool = True

    @property
    def precision(self) -> str:
        """``clear``, ``within_tolerance`` or ``imprecise`` (staffing.csv's column)."""
        return "clear" if self.clear else "within_tolerance" if self.settled else "imprecise"


def judge(targets: Targets, kpis: Mapping[str, Estimate]) -> Verdict:
    """The verdict on one interval's estimates. A figure with no value (no caller left the
    queue, no agent logged in) meets its target; a single replication is never clear."""
    missed = []
    clear = settled = True
    for metric, bound, at_least in targets.bounds():
        est = kpis[metric]
        if est.mean is None:
            continue
        ok = est.mean >= bound - 1e-12 if at_least else est.mean <= bound + 1e-12
        if not ok:
            missed.append(metric)
        if est.half is None or math.isnan(est.half):
            clear = settled = False
        elif abs(est.mean - bound) <= est.half:
            clear = False  # (a CI of zero width is clear unless the mean is on the bound)
            if est.half > targets.tolerance(metric) + 1e-12:
                settled = False
    return Verdict(not missed, clear, tuple(missed), settled)
