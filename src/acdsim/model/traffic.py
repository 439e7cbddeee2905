"""Traffic offered to a queue: arrivals (rate, profile, trace), talk time, patience, retries."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    Discriminator,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..units import MAX_DURATION
from .common import Duration, Probability, Seq, Strict, field
from .distributions import Distribution
from .limits import MAX_RATE
from .trace import TRACE_COLUMNS, TraceTable, read_trace  # noqa: F401 (TRACE_COLUMNS: re-exported)


class RateArrivals(Strict):
    calls_per_hour: float = field(description="Poisson arrival rate", unit="calls/hour", ge=0, le=MAX_RATE)


class ProfileStep(Strict):
    at: Duration = field(description="time from which this rate holds (until the next row)", unit="s")
    calls_per_hour: float = field(description="Poisson rate from `at` on", unit="calls/hour", ge=0, le=MAX_RATE)
    aht: Duration | None = field(
        None, description="average handling time of the callers who join in this row's interval: their talk times are the queue's talk_time scaled by aht / (its mean); null = unscaled", unit="s", gt=0
    )


class ProfileArrivals(Strict):
    profile: Seq[ProfileStep] = field(
        description="piecewise-constant Poisson rate; each row holds until the next; or {file: forecast.csv}: a forecast CSV (inside the scenario's folder unless allowed with --allow-path) with a header row, comma or semicolon separated: at (a duration, or a clock time HH:MM on the day of `start`), calls (in the row's interval; the last row's interval ends at the horizon) or calls_per_hour, and optionally aht (seconds)", min_length=1
    )
    file: str | None = field(None, description="(set by the loader: the forecast file `profile` was read from)")

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and isinstance(data.get("profile"), dict):
            source = data["profile"]
            if set(source) != {"file"} or not isinstance(source["file"], str):
                raise ValueError("profile: expected a list of {at, calls_per_hour} rows or {file: forecast.csv}")
            from .forecast_file import read_profile_file

            data = {**data, "profile": read_profile_file(source["file"], info), "file": source["file"]}
        return data

    @field_validator("profile")
    @classmethod
    def _sorted(cls, steps: tuple[ProfileStep, ...]) -> tuple[ProfileStep, ...]:
        message = _order_problem(steps)
        if message:
            raise ValueError(message)
        return steps


def _order_problem(steps: tuple[ProfileStep, ...]) -> str | None:
    for before, after in zip(steps, steps[1:], strict=False):
        if after.at <= before.at:
            return f"'at' values must increase strictly ({after.at:g} follows {before.at:g})"
    return None


def profile_order_problem(rows: Any) -> str | None:
    """The ordering problem of a raw profile some of whose rows are invalid, among its valid
    rows (when every row is valid, ProfileArrivals reports it itself): pydantic runs no field
    validator on a list with an invalid item, and every problem is reported at once."""
    if not isinstance(rows, list | tuple):
        return None
    valid = []
    for row in rows:
        try:
            valid.append(ProfileStep.model_validate(row))
        except ValidationError:
            continue
    if len(valid) == len(rows):
        return None
    return _order_problem(tuple(valid))


class TraceRow(Strict):
    """One row of a trace given in Python (the loader keeps a file's rows in a TraceTable)."""

    time: float
    number: str | None = None
    talk_time: float | None = None
    patience: float | None = None


class TraceArrivals(Strict):
    trace: str = field(description="CSV file, relative to the scenario file (inside its folder unless allowed with --allow-path), with a header: time (sorted; seconds from `start`, or ISO datetimes such as 2026-01-01 08:00:05 taken relative to `start`) and optionally number, talk_time, patience; an empty cell takes the queue's distribution")
    rows: TraceTable = field((), description="(filled by the loader from `trace`)")

    @model_validator(mode="after")
    def _load(self, info: ValidationInfo) -> TraceArrivals:
        # Rows given (even none: a trace built in memory, an override's copy) are kept.
        if not self.rows and "rows" not in self.model_fields_set:
            object.__setattr__(self, "rows", read_trace(self.trace, info))
        return self


def _arrivals_tag(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("calls_per_hour", "profile", "trace"):
            if key in value:
                return key
        return "none"
    if isinstance(value, RateArrivals):
        return "calls_per_hour"
    if isinstance(value, ProfileArrivals):
        return "profile"
    if isinstance(value, TraceArrivals):
        return "trace"
    return "none"


class _NoArrivals(Strict):
    @model_validator(mode="before")
    @classmethod
    def _reject(cls, data: Any) -> Any:
        raise ValueError(
            "arrivals needs exactly one of: calls_per_hour (Poisson rate), profile (list of "
            "{at, calls_per_hour}), trace (CSV path)"
        )


Arrivals = Annotated[
    Annotated[RateArrivals, Tag("calls_per_hour")]
    | Annotated[ProfileArrivals, Tag("profile")]
    | Annotated[TraceArrivals, Tag("trace")]
    | Annotated[_NoArrivals, Tag("none")],
    Discriminator(_arrivals_tag),
]


class Retry(Strict):
    probability: Probability = field(description="chance that an abandoned caller calls again")
    delay: Distribution = field(description="time between abandoning and calling again", unit="s")


class Callers(Strict):
    arrivals: Arrivals = field(
        description="exactly one of {calls_per_hour: X} (Poisson), {profile: [{at, calls_per_hour}, ...]} (piecewise-constant Poisson rate), {trace: file.csv} (recorded arrivals)"
    )
    talk_time: Distribution = field(description="conversation length once an agent answers", unit="s")
    patience: Distribution | None = field(
        None,
        description="how long a caller waits before hanging up (outcome abandoned), counted from joining until an agent answers; null = infinite",
        unit="s",
    )
    retry: Retry | None = field(
        None, description="{probability, delay}: an abandoned caller calls again with the same number; null = never"
    )
    base_score: float = field(0.0, description="extra seconds of score given to these callers (the module's cc_base_score)", unit="s", ge=-MAX_DURATION, le=MAX_DURATION)
    pre_queue_time: Distribution | None = field(
        None, description="time spent before the queue (IVR, ...), used by time_base_score: system; null = none", unit="s"
    )
