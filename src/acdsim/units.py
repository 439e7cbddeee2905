"""Durations as the scenario format writes them: seconds, or a string with a unit.

A string is read by a hand-written scanner, in time linear in its length: a regular
expression with adjacent optional parts (as this module had) backtracks polynomially on a
long run of spaces or digits that does not match.
"""

from __future__ import annotations

import math

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
# The order of the units of a compound duration ("1h30m", "2m30s", "1d2h"): each at most once.
_COMPOUND_ORDER = {"d": 0, "h": 1, "m": 2, "s": 3, "ms": 4}
_DIGITS = frozenset("0123456789")

MAX_DURATION = 315_360_000.0
"""The longest duration a scenario may give: 10 years (of 365 days) in seconds."""
MAX_DURATION_TEXT = "315360000 s (10 years)"

# The JSON schema's pattern of a duration string. Every repetition is unambiguous (a number
# is digits[.digits] or .digits, and each part of a compound ends in a unit letter), so a
# backtracking regex engine (JSON Schema validators are ECMA-262 ones) stays linear.
_N = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
DURATION_PATTERN = (
    rf"^\s*(?=[0-9.])(?:{_N}(?:[eE][-+]?[0-9]+)?(?:\s*(?:ms|s|min|m|h|d))?\s*"
    rf"|(?:{_N}d\s*)?(?:{_N}h\s*)?(?:{_N}m\s*)?(?:{_N}s\s*)?(?:{_N}ms\s*)?)$"
)

DURATION_HELP = 'a number of seconds or a string such as "90s", "15m", "8h", "1h30m"'


def shown(value: object) -> str:
    """``value`` for a message: long strings cut, huge integers described, never a traceback
    (Python refuses to write an int of more than 4,300 digits in decimal)."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(value.bit_length() * math.log10(2)) + 1
        return f"{'-' if value < 0 else ''}a number of about {digits:,} digits"
    return repr(value)


def _number(text: str, i: int) -> int:
    """End of the number ``[0-9]*.?[0-9]+`` starting at ``i`` (``i`` itself if there is none)."""
    n = len(text)
    j = i
    while j < n and text[j] in _DIGITS:
        j += 1
    if j < n and text[j] == ".":
        k = j + 1
        while k < n and text[k] in _DIGITS:
            k += 1
        if k > j + 1:
            return k
    return j


def _exponent(text: str, i: int) -> int:
    """End of ``[eE][-+]?[0-9]+`` starting at ``i`` (``i`` itself if there is none)."""
    n = len(text)
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        k = j
        while k < n and text[k] in _DIGITS:
            k += 1
        if k > j:
            return k
    return i


def _unit(text: str, i: int) -> str | None:
    for unit in ("ms", "min", "m", "s", "h", "d"):
        if text.startswith(unit, i):
            return unit
    return None


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def scan_duration(text: str) -> float | None:
    """Seconds written by ``text`` (the syntax of :data:`DURATION_PATTERN`), or None.

    One number with an optional exponent and unit (``"90"``, ``"1.5e3 s"``, ``"15 min"``),
    or a compound of number-unit parts in the order d h m s ms (``"1h30m"``, ``"1d 2h"``).
    """
    i = _skip_space(text, 0)
    end = len(text)
    while end > i and text[end - 1].isspace():
        end -= 1
    text = text[:end]
    parts: list[tuple[str, str | None, bool]] = []  # (number, unit, plain: no exponent or space)
    while i < end:
        j = _number(text, i)
        if j == i:
            return None
        k = _exponent(text, j)
        number = text[i:k]
        m = _skip_space(text, k)
        unit = _unit(text, m)
        parts.append((number, unit, k == j and m == k))
        if unit is None:
            i = m
            if i < end:
                return None
            break
        i = _skip_space(text, m + len(unit))
    if not parts:
        return None
    if len(parts) == 1:
        number, unit, _ = parts[0]
        return float(number) * _UNITS[unit or "s"]
    order = -1
    for _, unit, plain in parts:
        if not plain or unit not in _COMPOUND_ORDER or _COMPOUND_ORDER[unit] <= order:
            return None
        order = _COMPOUND_ORDER[unit]
    return sum(float(number) * _UNITS[unit] for number, unit, _ in parts if unit)


def parse_duration(value: object) -> float:
    """Return seconds as a float; raise ValueError with a user-facing message otherwise.

    A duration is finite, >= 0 and at most :data:`MAX_DURATION`.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration ({DURATION_HELP}), got {value!r}")
    if isinstance(value, int):
        if value > MAX_DURATION:
            raise ValueError(f"a duration must be at most {MAX_DURATION_TEXT}, got {shown(value)}")
        seconds = float(max(value, -1))
    elif isinstance(value, float):
        seconds = value
    elif isinstance(value, str):
        scanned = scan_duration(value)
        if scanned is None:
            stripped = value.strip()
            if stripped[:1] == "-" and scan_duration(stripped[1:]) is not None:
                raise ValueError(f"a duration must be >= 0, got {shown(value)}")
            if ":" in stripped:  # YAML 1.1 reads 8:00 unquoted as the base-60 number 480
                raise ValueError(
                    f"{shown(value)} is not a duration: hours or minutes? write it with a unit "
                    '("8h", "8m", "1h30m")'
                )
            raise ValueError(f"{shown(value)} is not a duration ({DURATION_HELP})")
        seconds = scanned
    else:
        raise ValueError(f"expected a duration ({DURATION_HELP}), got {type(value).__name__}")
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError(f"a duration must be finite, got {shown(value)}")
    if seconds < 0:
        raise ValueError(f"a duration must be >= 0, got {shown(value)}")
    if seconds > MAX_DURATION:
        raise ValueError(f"a duration must be at most {MAX_DURATION_TEXT}, got {shown(value)}")
    return seconds
