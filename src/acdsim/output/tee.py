"""Fan records out to several consumers, calling only the methods each one implements."""

from __future__ import annotations

from typing import Any

from ..engine.records import wants

METHODS = ("call", "offer", "agent_state", "agent_status", "agent_pause", "member_state", "agent_event")


class Tee:
    def __init__(self, *recorders: Any) -> None:
        self._wanted: set[str] = set()
        for name in METHODS:
            targets = [getattr(r, name) for r in recorders if wants(r, name)]
            if targets:
                self._wanted.add(name)
            if not targets:
                setattr(self, name, _noop)
            elif len(targets) == 1:
                setattr(self, name, targets[0])
            else:
                setattr(self, name, _fan(targets))
        self._flushes = [f for r in recorders if (f := getattr(r, "flush", None)) is not None]

    def flush(self) -> None:
        for f in self._flushes:
            f()

    def wants(self, name: str) -> bool:
        return name in self._wanted


def _noop(record: Any) -> None:
    return None


def _fan(targets: list[Any]) -> Any:
    def call_all(record: Any) -> None:
        for t in targets:
            t(record)

    return call_all
