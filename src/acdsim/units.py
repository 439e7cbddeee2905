"""Durations as the scenario format writes them: seconds, or a string with a unit."""

from __future__ import annotations

import math
import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ms|s|min|m|h|d)?\s*$")
# Compound durations: "1h30m", "2m30s", "1d2h" (units in decreasing order, each at most once).
_PART = r"(?:[0-9]*\.?[0-9]+)"
_COMPOUND = re.compile(
    rf"^\s*(?:(?P<d>{_PART})d)?\s*(?:(?P<h>{_PART})h)?\s*(?:(?P<m>{_PART})m(?!s))?\s*"
    rf"(?:(?P<s>{_PART})s)?\s*(?:(?P<ms>{_PART})ms)?\s*$"
)
DURATION_PATTERN = (
    r"^\s*([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?\s*(ms|s|min|m|h|d)?"
    r"|([0-9]*\.?[0-9]+d)?\s*([0-9]*\.?[0-9]+h)?\s*([0-9]*\.?[0-9]+m)?\s*([0-9]*\.?[0-9]+s)?\s*([0-9]*\.?[0-9]+ms)?)\s*$"
)

DURATION_HELP = 'a number of seconds or a string such as "90s", "15m", "8h", "1h30m"'


def parse_duration(value: object) -> float:
    """Return seconds as a float; raise ValueError with a user-facing message otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration ({DURATION_HELP}), got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _PATTERN.match(value)
        if match is not None:
            seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
        else:
            parts = _COMPOUND.match(value)
            if parts is None or not any(parts.groupdict().values()):
                raise ValueError(f"{value!r} is not a duration ({DURATION_HELP})")
            seconds = sum(float(v) * _UNITS[k] for k, v in parts.groupdict().items() if v)
    else:
        raise ValueError(f"expected a duration ({DURATION_HELP}), got {type(value).__name__}")
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError(f"a duration must be finite, got {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration must be >= 0, got {value!r}")
    return seconds
