"""An immutable, picklable mapping for the dict-valued fields of the scenario models.

Pydantic freezes a model's attributes but not the containers they hold: a ``dict`` field
could still be changed in place. :class:`FrozenMap` has no mutating method, keeps its items
behind a read-only proxy, pickles (``--jobs`` workers and Dask receive scenarios) and
compares equal to a dict with the same items. :data:`FrozenDict` is the annotation to use:
validated and serialized as the ``dict`` it wraps (so schemas, error paths and dumps are
those of a dict), stored frozen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BeforeValidator, WrapSerializer

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only mapping: no ``[]=``, ``del``, ``update``, ``pop``, ``clear``, attribute writes."""

    __slots__ = ("_items",)
    _items: Mapping[K, V]

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        object.__setattr__(self, "_items", MappingProxyType(dict(items or {})))

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __hash__(self) -> int:
        # Order-free, like the equality that Mapping gives.
        return hash(frozenset(self._items.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self._items),))

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self._items)!r})"


def _thaw(value: Any) -> Any:
    # A FrozenMap coming back into validation (a copy, an override) is read as its dict.
    return dict(value) if isinstance(value, FrozenMap) else value


def _freeze(value: Any) -> Any:
    return FrozenMap(value) if isinstance(value, dict) else value


def _serialize(value: Any, handler: Any) -> Any:
    return handler(dict(value) if isinstance(value, Mapping) else value)


FrozenDict = Annotated[
    dict[K, V], BeforeValidator(_thaw), AfterValidator(_freeze), WrapSerializer(_serialize)
]
"""``dict[K, V]`` for validation, schema and dumps; a :class:`FrozenMap` once validated."""
