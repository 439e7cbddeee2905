"""CSV bytes of a block of rows given column-wise, made by numpy without a Python string per
cell: each column becomes a matrix of its cells' bytes (one row per record, 0 for no byte),
the matrices are laid side by side with the separators, and every 0 byte is dropped, which
leaves the lines end to end.

The bytes are :func:`acdsim.output.columns.csv_text`'s (``csv.writer`` over the cells of
``files.fmt``): a column whose values this does not write exactly (a float that is nan, inf,
negative or 1e9 s and more, a negative or large whole number, text with a character that
needs quotes or a 0 byte, mixed types) makes :func:`csv_bytes` answer None, and the caller
takes the per-column rule of :mod:`.columns` for that block.

Text columns whose values repeat (agent, outcome, state, ...) are looked up in a table of
their bytes kept across blocks (:class:`Words`); text that is new in most rows (call ids,
numbers) is joined end to end, encoded once and cut into rows by numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .columns import _SPECIAL, _bulk_floats, _digits

_NONE = type(None)
_COMMA = ord(",")
_NEWLINE = ord("\n")

#: A text column keeps its table of words while it holds at most this many distinct values.
MAX_WORDS = 4096


class Cells:
    """A column already made into bytes (e.g. calls.csv's joined_datetime): ``matrix`` (n,
    width) uint8 with 0 for no byte. Reads as the column's text cells where a list is needed."""

    __slots__ = ("matrix",)

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix

    def __len__(self) -> int:
        return len(self.matrix)

    def texts(self) -> list[str]:
        n = len(self.matrix)
        lines = np.concatenate([self.matrix, np.full((n, 1), _NEWLINE, dtype=np.uint8)], axis=1).ravel()
        return lines[lines != 0].tobytes().decode("utf-8").split("\n")[:n]

    def __iter__(self) -> Any:
        return iter(self.texts())

    def __getitem__(self, i: Any) -> Any:
        return self.texts()[i]


class Words:
    """The byte rows of the distinct texts of one column seen so far (None once there are too
    many: the column is then cut from its joined text every time)."""

    def __init__(self) -> None:
        self.code: dict[str, int] | None = {}
        self.table = np.zeros((0, 0), dtype=np.uint8)

    def matrix(self, values: Sequence[Any]) -> np.ndarray | None:
        code = self.code
        if code is None:
            return _cut(values)
        try:
            codes = np.fromiter(map(code.__getitem__, values), np.intp, len(values))
        except TypeError:  # (an unhashable cell)
            return None
        except KeyError:
            if not self._learn(values):
                return _cut(values) if self.code is None else None
            learned = self.code
            assert learned is not None
            codes = np.fromiter(map(learned.__getitem__, values), np.intp, len(values))
        return self.table.take(codes, axis=0)

    def _learn(self, values: Sequence[Any]) -> bool:
        """Add the new texts of ``values``; False if one is not plain text (or there are too
        many: ``code`` is then None)."""
        code = self.code
        assert code is not None
        try:
            new = [v for v in dict.fromkeys(values) if v not in code]
        except TypeError:
            return False
        for v in new:
            if type(v) is not str or any(c in v for c in _SPECIAL) or "\0" in v:
                return False
        if len(code) + len(new) > MAX_WORDS:
            self.code = None
            return False
        for v in new:
            code[v] = len(code)
        texts = [t.encode("utf-8") for t in code]
        width = max(map(len, texts), default=0)
        self.table = np.frombuffer(b"".join(t.ljust(width, b"\0") for t in texts), dtype=np.uint8).reshape(
            len(texts), width
        )
        return True


def _cut(values: Sequence[Any]) -> np.ndarray | None:
    """The byte rows of a column of texts, from their join (None if a cell is not plain text)."""
    n = len(values)
    try:
        joined = "\n".join(values)
    except TypeError:
        return None
    if joined.count("\n") != n - 1 or "\0" in joined or any(c in joined for c in _SPECIAL if c != "\n"):
        return None
    data = np.frombuffer((joined + "\n").encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(data == _NEWLINE)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    width = int(lengths.max())
    steps = np.arange(width)
    out = data[np.minimum(starts[:, None] + steps, len(data) - 1)]
    out[steps >= lengths[:, None]] = 0
    return out


_SMALL_WIDTH = 4
_SMALL = np.frombuffer(b"".join(str(i).encode().ljust(_SMALL_WIDTH, b"\0") for i in range(1000)), dtype=np.uint8).reshape(
    1000, _SMALL_WIDTH
)


def _whole(values: Sequence[Any], types: set[type]) -> np.ndarray | None:
    """Whole numbers (None allowed) in [0, 1e9) as byte rows."""
    if _NONE in types:
        missing = np.fromiter((v is None for v in values), bool, len(values))
        x = np.array([0 if v is None else v for v in values], dtype=np.int64)
    else:
        missing = None
        x = np.array(values, dtype=np.int64)
    if not len(x) or x.min() < 0 or x.max() >= 10**9:
        return None
    out = _SMALL[x] if x.max() < 1000 else _digits(x)
    if missing is not None:
        out = out.copy()
        out[missing] = 0
    return out


class Encoder:
    """CSV bytes of one table's blocks (its text columns' words are kept between blocks)."""

    def __init__(self) -> None:
        self.words: dict[int, Words] = {}

    def column(self, i: int, values: Any) -> np.ndarray | None:
        n = len(values)
        if isinstance(values, Cells):
            return values.matrix
        first = values[0]
        if type(first) is str:
            words = self.words.get(i)
            if words is None:
                words = self.words[i] = Words()
            return words.matrix(values)
        types = set(map(type, values))
        if types <= {float, _NONE}:
            if types == {_NONE}:
                return np.zeros((n, 0), dtype=np.uint8)
            return _bulk_floats(values)
        if types <= {int, _NONE}:
            return _whole(values, types)
        return None

    def csv_bytes(self, columns: Sequence[Any]) -> bytes | None:
        """The CSV lines of the rows given column-wise (at least two columns, one row), or
        None if a column needs the per-cell rule."""
        n = len(columns[0])
        parts: list[np.ndarray] = []
        comma = np.full((n, 1), _COMMA, dtype=np.uint8)
        for i, values in enumerate(columns):
            m = self.column(i, values)
            if m is None:
                return None
            if i:
                parts.append(comma)
            if m.shape[1]:
                parts.append(m)
        parts.append(np.full((n, 1), _NEWLINE, dtype=np.uint8))
        flat = np.concatenate(parts, axis=1).ravel()
        return flat[flat != 0].tobytes()
