"""Distributions of durations (talk time, patience, answer time, ...): parameters and checks.

A distribution is a number (a constant) or a map with ``dist`` and its parameters. Every
draw is >= 0; sampling lives in the engine (``acdsim.engine.sampling``).
"""

from __future__ import annotations

import csv
import math
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Tag, ValidationInfo, model_validator

from .common import Duration, Seq, Strict, field
from .datafiles import base_dir, column_list, csv_problem, data_file, excerpt, text_lines  # noqa: F401 (base_dir: re-exported)
from .limits import MAX_COUNT, MAX_CV

DIST_KINDS = ("constant", "exponential", "uniform", "lognormal", "gamma", "erlang", "empirical")



def _check_cv(kind: str, mean: float, sd: float, lowest: float) -> None:
    if sd > MAX_CV * mean or sd < lowest * mean:
        low = f"{lowest:g} x mean" if lowest else "0"
        raise ValueError(
            f"{kind} sd must be between {low} and {MAX_CV:g} x mean (so that it can be "
            f"sampled), got sd = {sd:g} for mean = {mean:g}"
        )


class Constant(Strict):
    dist: Literal["constant"] = field("constant", description="the distribution kind (may be left out for a constant)")
    value: Duration = field(description="the constant value", unit="s")

    @property
    def mean(self) -> float:
        return self.value


class Exponential(Strict):
    dist: Literal["exponential"] = field(description="the distribution kind")
    mean: Duration = field(description="mean of the values", unit="s", gt=0)


class Uniform(Strict):
    dist: Literal["uniform"] = field(description="the distribution kind")
    low: Duration = field(description="lower bound", unit="s")
    high: Duration = field(description="upper bound", unit="s")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}) must be >= low ({self.low:g})")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class LogNormal(Strict):
    """Mean and sd are those of the values themselves, not of their logarithm."""

    dist: Literal["lognormal"] = field(description="the distribution kind")
    mean: Duration = field(description="mean of the values", unit="s", gt=0)
    sd: Duration = field(description="standard deviation of the values, at most 1000 x mean", unit="s")

    @model_validator(mode="after")
    def _samplable(self) -> LogNormal:
        _check_cv("lognormal", self.mean, self.sd, 0.0)
        return self


class Gamma(Strict):
    dist: Literal["gamma"] = field(description="the distribution kind")
    mean: Duration = field(description="mean of the values", unit="s", gt=0)
    sd: Duration = field(
        description="standard deviation of the values, between mean / 1000 and 1000 x mean", unit="s", gt=0
    )

    @model_validator(mode="after")
    def _samplable(self) -> Gamma:
        _check_cv("gamma", self.mean, self.sd, 1 / MAX_CV)
        return self


class Erlang(Strict):
    dist: Literal["erlang"] = field(description="the distribution kind")
    mean: Duration = field(description="mean of the values", unit="s", gt=0)
    k: int = field(description="shape (number of exponential phases)", ge=1, le=MAX_COUNT)


class Empirical(Strict):
    """Resampled values: inline ``values`` or a CSV ``file`` + ``column``."""

    dist: Literal["empirical"] = field(description="the distribution kind")
    values: Seq[Duration] | None = field(None, description="values to resample", unit="s")
    file: str | None = field(None, description="CSV file, relative to the scenario file (inside its folder unless allowed with --allow-path)")
    column: str | None = field(None, description="column of `file` holding the values")

    @model_validator(mode="after")
    def _one_source(self, info: ValidationInfo) -> Empirical:
        if self.values is not None and self.file is not None:
            raise ValueError("give either 'values' or 'file' (with 'column'), not both")
        if self.values is None and self.file is None:
            raise ValueError("empirical needs 'values' or 'file' and 'column'")
        if self.file is not None:
            if self.column is None:
                raise ValueError("empirical 'file' needs 'column'")
            loaded = _read_column(self.file, self.column, info)
            object.__setattr__(self, "values", loaded)
        elif self.column is not None:
            raise ValueError("'column' is only used with 'file'")
        if not self.values:
            raise ValueError("empirical needs at least one value")
        return self

    @property
    def mean(self) -> float:
        assert self.values
        return math.fsum(self.values) / len(self.values)


def _read_column(name: str, column: str, info: ValidationInfo) -> tuple[float, ...]:
    real, shown = data_file(name, info, "file")
    reader = csv.reader(text_lines(real, shown, label=f"reading {name}"), strict=True)
    line = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        if column not in header:
            found = column_list(header)
            if found is None:
                raise ValueError(f"{shown} has no column {excerpt(column)} (its first line is not a CSV header)")
            raise ValueError(f"{shown} has no column {excerpt(column)} (columns: {found})")
        index = header.index(column)
        out = []
        for cells in reader:
            line = reader.line_num
            cell = cells[index].strip() if index < len(cells) else ""
            if not cell:
                continue
            out.append(csv_number(f"{shown}:{line}", cell, column))
    except csv.Error as exc:
        raise ValueError(f"{shown}:{reader.line_num}: not a readable CSV file ({csv_problem(exc)})") from None
    return tuple(out)


def csv_number(where: str, cell: str, what: str) -> float:
    """A finite, non-negative number from a CSV cell, or a ValueError naming file, line and
    column; the cell is quoted as a short escaped excerpt only."""
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"{where}: {what}: {excerpt(cell)} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: {what}: must be finite and >= 0, got {excerpt(cell)}")
    return value


def _dist_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("dist")
        return kind if isinstance(kind, str) and kind in DIST_KINDS else "unknown"
    if isinstance(value, Strict):
        return getattr(value, "dist", "unknown")
    return "unknown"


class _Unknown(Strict):
    """Catches a value that is no distribution at all, for a precise message."""

    dist: Any = None

    @model_validator(mode="before")
    @classmethod
    def _reject(cls, data: Any) -> Any:
        allowed = ", ".join(DIST_KINDS)
        if not isinstance(data, dict):
            raise ValueError(
                f"expected a number of seconds or a distribution map {{dist: ...}}, got {data!r}"
            )
        kind = data.get("dist")
        if kind is None:
            raise ValueError(f"a distribution map needs 'dist' (one of: {allowed})")
        raise ValueError(f"{kind!r} is not a distribution (expected one of: {allowed})")


def as_constant(value: Any) -> Any:
    """The number shorthand: ``30`` or ``"2m"`` means ``{dist: constant, value: ...}``."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"dist": "constant", "value": value}
    return value


Distribution = Annotated[
    Annotated[
        Annotated[Constant, Tag("constant")]
        | Annotated[Exponential, Tag("exponential")]
        | Annotated[Uniform, Tag("uniform")]
        | Annotated[LogNormal, Tag("lognormal")]
        | Annotated[Gamma, Tag("gamma")]
        | Annotated[Erlang, Tag("erlang")]
        | Annotated[Empirical, Tag("empirical")]
        | Annotated[_Unknown, Tag("unknown")],
        Discriminator(_dist_tag),
    ],
    BeforeValidator(as_constant),
]
"""A number (constant seconds) or ``{dist: kind, ...}``."""

AnyDistribution = Constant | Exponential | Uniform | LogNormal | Gamma | Erlang | Empirical
