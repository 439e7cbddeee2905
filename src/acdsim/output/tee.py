"""Fan records out to several consumers, calling only the methods each one implements.

When every consumer of a kind of record only keeps it (its method is a list's own
``append``, processed at its ``flush``), the Tee keeps that kind in one list of its own and
hands the chunk to each consumer's list when the engine flushes it: one C-level append per
record instead of a Python call fanning out (the columnar record path, issue #15). Whoever
runs the engine must then call the Tee's ``flush`` once after the run."""

from __future__ import annotations

from typing import Any

from ..engine.records import wants

METHODS = (
    "call", "offer", "agent_state", "agent_status", "agent_pause", "member_state", "member_mark", "agent_event",
)


class Tee:
    def __init__(self, *recorders: Any) -> None:
        self._wanted: set[str] = set()
        self._shared: list[tuple[list[Any], list[list[Any]]]] = []  # (kept here, the consumers' lists)
        for name in METHODS:
            targets = [getattr(r, name) for r in recorders if hasattr(r, name) and wants(r, name)]
            if targets:
                self._wanted.add(name)
            lists = [_appended_list(t) for t in targets]
            if not targets:
                setattr(self, name, _noop)
            elif len(targets) == 1:
                setattr(self, name, targets[0])
            elif all(lst is not None for lst in lists):
                kept: list[Any] = []
                self._shared.append((kept, lists))  # type: ignore[arg-type]
                setattr(self, name, kept.append)
            else:
                setattr(self, name, _fan(targets))
        self._flushes = [f for r in recorders if (f := getattr(r, "flush", None)) is not None]

    def flush(self) -> None:
        for kept, lists in self._shared:
            for lst in lists:
                lst.extend(kept)
            kept.clear()
        for f in self._flushes:
            f()

    def wants(self, name: str) -> bool:
        return name in self._wanted


def _noop(record: Any) -> None:
    return None


def _appended_list(method: Any) -> list[Any] | None:
    """The list whose ``append`` ``method`` is, or None."""
    owner = getattr(method, "__self__", None)
    if type(owner) is list and getattr(method, "__name__", "") == "append":
        return owner
    return None


def _fan(targets: list[Any]) -> Any:
    def call_all(record: Any) -> None:
        for t in targets:
            t(record)

    return call_all
