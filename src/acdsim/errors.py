"""User-facing scenario errors: every problem knows its file, line and path (SCENARIO_FORMAT §9)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PathT = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def escape(text: str) -> str:
    """``text`` on one line: control and other non-printable characters written as repr()
    writes them (``\\n``, ``\\x1b``, ``\\u2028``), so a quoted value cannot forge a line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def format_path(path: Sequence[str | int]) -> str:
    """``('queues', 0, 'callers', 'talk_time')`` -> ``queues[0].callers.talk_time``."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif isinstance(part, str) and _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario. ``line`` is 1-based; ``path`` may be empty (file-level)."""

    file: str
    line: int | None
    path: PathT
    message: str

    def format(self) -> str:
        file = escape(self.file)
        where = file if self.line is None else f"{file}:{self.line}"
        if self.path:
            return f"error: {where}: {escape(format_path(self.path))}: {escape(self.message)}"
        return f"error: {where}: {escape(self.message)}"

    def __str__(self) -> str:
        return self.format()


@dataclass
class ScenarioError(Exception):
    """A scenario (or a command-line value) is wrong; holds every problem found, sorted by line."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.problems)

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None, path: PathT = ()) -> ScenarioError:
        return cls([Problem(file, line, path, message)])

    def lines(self) -> list[str]:
        return [p.format() for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Unique problems ordered by line (unknown lines last), keeping the order of equal lines."""
    seen: set[Problem] = set()
    unique: list[Problem] = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    return sorted(unique, key=lambda p: (p.line is None, p.line or 0))
