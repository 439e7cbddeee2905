"""Percentages and service-level targets as people write them, read the same way by every
command (``acdsim erlang --target``, and the ``--sl 80/20 --max-abandon 5%`` options to
come).

Text is a percentage: ``"80%"``, ``"80"`` (where only a percentage is asked), ``"0.8%"``.
A Python number is a fraction: ``0.8``.  A bare number below 1 in text (``"0.8"``,
``"0.8/20"``) is refused: it is 80 % to one reader and 0.8 % to another, and reading it
wrongly changes a staffing answer by several agents without any warning.

    parse_percent("5%")        -> 0.05
    parse_target("80/20")      -> (0.8, 20.0)
    parse_target("90%/30s")    -> (0.9, 30.0)
"""

from __future__ import annotations

import math
import re

from .units import parse_duration

__all__ = ["PERCENT_HELP", "TARGET_HELP", "parse_percent", "parse_target"]

PERCENT_HELP = 'a percentage such as "5%" or "5" (a fraction 0.05 only from Python)'
TARGET_HELP = 'SL%/THRESHOLD such as "80/20" or "90%/30s" (80 % answered within 20 s)'

_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
_PERCENT = re.compile(rf"^\s*({_NUMBER})\s*(%?)\s*$")
_TARGET = re.compile(rf"^\s*({_NUMBER})\s*(%?)\s*/\s*(\S.*?)\s*$")


def _ambiguous(number: str, rest: str = "") -> str:
    value = float(number)
    if rest:
        return (
            f"{number}/{rest} is ambiguous: write {100 * value:g}/{rest} for {100 * value:g} % "
            f"within {rest} s, or {number}%/{rest} if you really mean {number} %"
        )
    return (
        f"{number!r} is ambiguous: write {100 * value:g}% for {100 * value:g} %, "
        f"or {number}% if you really mean {number} %"
    )


def _fraction_of_percent(number: str, has_sign: bool, text: str, rest: str = "") -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"a percentage must be finite, got {text!r}")
    if not has_sign and 0 < value < 1:
        raise ValueError(_ambiguous(number, rest))
    if value > 100:
        raise ValueError(f"a percentage must be between 0 and 100, got {text!r}")
    return value / 100.0


def parse_percent(value: object) -> float:
    """A percentage as a fraction in [0, 1]; ``ValueError`` with a user-facing message.

    Strings are percentages (``"80%"``, ``"80"``, ``"0.8%"``; a bare ``"0.8"`` is refused as
    ambiguous); Python numbers are fractions (``0.8``) and must lie in [0, 1].
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {PERCENT_HELP}, got {value!r}")
    if isinstance(value, int | float):
        x = float(value)
        if not (math.isfinite(x) and 0.0 <= x <= 1.0):
            raise ValueError(
                f"a fraction must be between 0 and 1, got {value!r} "
                f'(write "{value}%" as text for {value} %)'
            )
        return x
    if not isinstance(value, str):
        raise ValueError(f"expected {PERCENT_HELP}, got {type(value).__name__}")
    match = _PERCENT.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a percentage ({PERCENT_HELP})")
    return _fraction_of_percent(match.group(1), bool(match.group(2)), value)


def parse_target(value: object) -> tuple[float, float]:
    """A service-level target as ``(fraction, threshold seconds)``.

    Text: ``"80/20"``, ``"80%/20"``, ``"80%/20s"``, ``"0.8%/20"``; the threshold is any
    duration (``acdsim.units``).  ``"0.8/20"`` is refused as ambiguous.  From Python a pair
    ``(0.8, 20)`` is a fraction and seconds.  The fraction must be strictly between 0 and 1.
    """
    if isinstance(value, tuple) and len(value) == 2:
        fraction = parse_percent(value[0])
        threshold = parse_duration(value[1])
    elif isinstance(value, str):
        match = _TARGET.match(value)
        if match is None:
            raise ValueError(f"{value!r} is not a service-level target (expected {TARGET_HELP})")
        number, sign, rest = match.groups()
        fraction = _fraction_of_percent(number, bool(sign), value, rest)
        threshold = parse_duration(rest)
    else:
        raise ValueError(f"expected {TARGET_HELP}, got {type(value).__name__}")
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"the service-level percentage must be between 0 and 100 (exclusive), got "
            f"{100 * fraction:g}"
        )
    return fraction, threshold
