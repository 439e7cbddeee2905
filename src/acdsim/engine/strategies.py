"""The nine strategies as data: how the candidate rows are ordered and how many are offered.

Each entry names the sort key of a row (reference §1.3; the key ends in a unique agent
number and then the row itself, so a key doubles as a heap entry), how many offers a member gets per
pass (``one``, ``all`` or ``progressive``) and whether the list is the two-part list of the
pointer strategies (§1.4.6, §1.4.7). The dispatcher reads this table; it has no per-strategy
branches of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Row

SortKey = Callable[["Row"], tuple[Any, ...]]


def _longest_idle(row: Row) -> tuple[Any, ...]:
    return (row.level, row.agent.last_bridge_end, row.position, row.agent.index, row)


def _least_talk(row: Row) -> tuple[Any, ...]:
    return (row.level, row.agent.talk_time, row.position, row.agent.index, row)


def _fewest_calls(row: Row) -> tuple[Any, ...]:
    return (row.level, row.agent.calls_answered, row.position, row.agent.index, row)


def _by_position(row: Row) -> tuple[Any, ...]:
    return (row.level, row.position, row.agent.last_offered_call, row.agent.index, row)


def _level_position(row: Row) -> tuple[Any, ...]:
    return (row.level, row.position, row.agent.index, row)


def _pointer_key(row: Row) -> tuple[Any, ...]:
    # Rows tied on every key come out by agent name in the module's UNION query (§1.5).
    return (row.level, row.position, row.agent.last_offered_call, row.agent.name_key, row)


def _random_key(row: Row) -> tuple[Any, ...]:
    # Orders the idle rows by level; within a level the pick is random (see ordered.py).
    return (row.level, row.agent.index, row)


@dataclass(frozen=True)
class Strategy:
    name: str
    key: SortKey
    fanout: str  # "one" | "all" | "progressive"
    pointer: str | None = None  # None | "round-robin" | "top-down"
    random_order: bool = False  # the key is redrawn for every row on every query
    static_key: bool = True  # the order cannot change between two passes without an event

    # Derived, set after init (plain attributes: the dispatcher reads them on every offer).
    rings: bool = field(init=False)  # the member stays Trying, serving_agent = strategy name
    heap: bool = field(init=False)  # picked from a heap of idle rows (see __post_init__)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rings", self.fanout != "one")
        # A heap works when a row's key cannot change while its agent is idle (it changes on
        # offer or call end) and a member gets one offer per pass: each pick is O(log n).
        object.__setattr__(self, "heap", self.static_key and self.fanout != "all")


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy("longest-idle-agent", _longest_idle, "one"),
        Strategy("agent-with-least-talk-time", _least_talk, "one"),
        Strategy("agent-with-fewest-calls", _fewest_calls, "one"),
        Strategy("sequentially-by-agent-order", _by_position, "one"),
        Strategy("random", _random_key, "one", random_order=True, static_key=False),
        Strategy("ring-all", _level_position, "all"),
        Strategy("ring-progressively", _level_position, "progressive"),
        Strategy("round-robin", _pointer_key, "one", pointer="round-robin", static_key=False),
        Strategy("top-down", _pointer_key, "one", pointer="top-down", static_key=False),
    )
}
