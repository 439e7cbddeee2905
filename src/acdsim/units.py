"""Durations as the scenario format writes them: seconds, or a string with a unit."""

from __future__ import annotations

import math
import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ms|s|min|m|h|d)?\s*$")

DURATION_HELP = 'a number of seconds or a string such as "90s", "15m", "8h"'


def parse_duration(value: object) -> float:
    """Return seconds as a float; raise ValueError with a user-facing message otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration ({DURATION_HELP}), got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _PATTERN.match(value)
        if match is None:
            raise ValueError(f"{value!r} is not a duration ({DURATION_HELP})")
        seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    else:
        raise ValueError(f"expected a duration ({DURATION_HELP}), got {type(value).__name__}")
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError(f"a duration must be finite, got {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration must be >= 0, got {value!r}")
    return seconds
