"""The columnar record path: rows kept as the engine hands them over, given to a sink in chunks,
column by column, and CSV text made from a chunk's columns in bulk.

A table's ``append`` is a list's own ``append`` (one C call per record, no Python step); the
recorders call ``flush`` when the engine flushes them (every ``FLUSH_EVERY`` callers), so a
chunk holds what about a thousand callers left. ``csv_text`` writes the same bytes as
``csv.writer(lineterminator="\\n")`` over the cells of :func:`acdsim.output.files.fmt` (floats
with three decimals, None as an empty cell), formatting each column with one C-level call where
its cells are all of one plain type; an unusual column (mixed types) falls back to the
per-cell rule. The CSV files make most of their bytes with :mod:`.encode` (blocks of chunks as
byte matrices) and take ``csv_text`` for the blocks it leaves (and for small ones).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from contextlib import suppress
from itertools import chain
from operator import is_
from typing import Any

import numpy as np

#: The rows a table keeps before it hands them over on its own (``row``); ``append`` leaves that
#: to the recorder's flush.
CHUNK_ROWS = 8192

_NONE = type(None)


def _quoted_by_csv() -> tuple[str, ...]:
    """The characters that make ``csv.writer`` quote a cell (it varies with the Python version:
    a lone carriage return is quoted by some, not by others)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    found = []
    for c in (",", '"', "\n", "\r"):
        out.seek(0)
        out.truncate()
        writer.writerow(["a" + c, "b"])
        if out.getvalue().startswith('"'):
            found.append(c)
    return tuple(found)


_SPECIAL = _quoted_by_csv()


def cell(value: Any) -> str:
    """One cell as ``csv.writer`` writes ``fmt(value)`` (the reference for every column)."""
    if value is None:
        text = ""
    elif isinstance(value, float):
        text = f"{value:.3f}"
    else:
        text = str(value)
    return _quoted(text) if any(c in text for c in _SPECIAL) else text


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_SMALL = [str(i) for i in range(1024)]

#: From this many cells on, a float column's text is made by numpy (:func:`_bulk_floats`);
#: below it, by one %-format over the column.
BULK_ROWS = 64


def _floats(values: Sequence[float], n: int) -> list[str]:
    if n >= BULK_ROWS:
        cells = _bulk_floats(values)
        if cells is not None:
            return _texts(cells, n)
    # One %-format over the whole column: the same digits as f"{v:.3f}" (both round the
    # binary value correctly to three decimals).
    return (("%.3f\n" * n) % tuple(values)).split("\n")[:n]


def column_cells(values: Sequence[Any], types: set[type] | None = None) -> list[str]:
    """The CSV cells of one column (see the module docstring); ``types``: those of its values,
    if known."""
    n = len(values)
    if not n:
        return []
    if types is None:
        types = set(map(type, values))
    if types == {float}:
        return _floats(values, n)
    if types == {int}:
        if min(values) >= 0 and max(values) < len(_SMALL):
            return list(map(_SMALL.__getitem__, values))  # (counts, ids, levels: a few values)
        return list(map(str, values))
    if types == {str}:
        if any(c in "".join(values) for c in _SPECIAL):
            return [cell(v) for v in values]
        return list(values)
    if types == {float, _NONE}:
        if n >= BULK_ROWS and (bulk := _bulk_floats(values)) is not None:
            return _texts(bulk, n)
        as_float = np.array(values, dtype=float)  # None -> nan
        missing = np.flatnonzero(np.isnan(as_float)).tolist()
        if len(missing) == values.count(None):  # (else a real nan is among them: cell by cell)
            cells = _floats(as_float.tolist(), n)
            for i in missing:
                cells[i] = ""
            return cells
    if types == {int, _NONE}:
        return ["" if v is None else str(v) for v in values]
    if types == {_NONE}:
        return [""] * n
    return [cell(v) for v in values]


def csv_text(columns: Sequence[Sequence[Any]]) -> str:
    """The CSV lines of the rows given column-wise (all columns of one length)."""
    if not columns or not len(columns[0]):
        return ""
    if len(columns) == 1:
        # csv.writer quotes the one empty cell of a one-column row (else the line is blank).
        return "\n".join([c if c else '""' for c in column_cells(columns[0])]) + "\n"
    n = len(columns[0])
    if n < BULK_ROWS:
        return "\n".join(map(",".join, zip(*map(column_cells, columns), strict=True))) + "\n"
    # Text columns as they are (joining them end to end both proves that every cell is text
    # and finds the characters that need quotes); the float columns (None allowed) in one
    # numpy pass: fewer calls per cell than a pass each.
    cells: list[Any] = [None] * len(columns)
    types: list[set[type]] = []
    for i, values in enumerate(columns):
        try:
            joined = "".join(values)
        except TypeError:
            types.append(set(map(type, values)))
            continue
        types.append({str})
        if not any(c in joined for c in _SPECIAL):
            cells[i] = list(values)
    floats = [i for i, t in enumerate(types) if float in t and t <= {float, _NONE}]
    if len(floats) > 1:
        bulk = _bulk_floats(list(chain.from_iterable(columns[i] for i in floats)))
        if bulk is not None:
            texts = _texts(bulk, n * len(floats))
            for j, i in enumerate(floats):
                cells[i] = texts[j * n : (j + 1) * n]
    for i, values in enumerate(columns):
        if cells[i] is None:
            cells[i] = column_cells(values, types[i])
    return "\n".join(map(",".join, zip(*cells, strict=True))) + "\n"


def _words(texts: list[bytes]) -> np.ndarray:
    """Up to 4 bytes each, 0-padded, as uint32 (a gather of one picks a cell's bytes)."""
    return np.frombuffer(b"".join(t.ljust(4, b"\0") for t in texts), dtype=np.uint32)


# Groups of three digits as 4-byte words (the 4th byte 0): zero-padded, or with the leading
# zeros as 0 bytes (0 itself empty), or so but 0 as "0" (a number's last group).
_FULL = [f"{i:03d}".encode() for i in range(1000)]
_LEAD = [b"\0" * (3 - len(str(i))) + str(i).encode() if i else b"" for i in range(1000)]
_GROUP = _words(_FULL + _LEAD)  # [i + 1000 * (no group above)]
_LAST = _words(_FULL + [t or b"0" for t in _LEAD])
_FRACTION = _words([b"." + t for t in _FULL])
_BIG = 10**9  # whole numbers from here on take the per-cell rule


def _texts(cells: np.ndarray, n: int) -> list[str]:
    """The rows of an (n, width) matrix of ASCII bytes as strings (0 bytes dropped): a line
    each, cut at the line ends (an all-0 row is the empty string)."""
    lines = np.concatenate([cells, np.full((n, 1), ord("\n"), dtype=np.uint8)], axis=1).ravel()
    return lines[lines != 0].tobytes().decode("ascii").split("\n")[:n]


def _digits(whole: np.ndarray, fraction: np.ndarray | None = None) -> np.ndarray:
    """The decimal digits of whole numbers in [0, 1e9) (then ``.`` and the three digits of
    ``fraction``), as an (n, width) uint8 matrix with 0 for no byte."""
    words = []
    top = int(whole.max()) if len(whole) else 0
    if top >= 1_000_000:
        high, rest = np.divmod(whole, 1_000_000)
        words.append(_GROUP[high + 1000])
        words.append(_GROUP[rest // 1000 + 1000 * (high == 0)])
    elif top >= 1000:
        rest = whole
        words.append(_GROUP[rest // 1000 + 1000])
    if top >= 1000:
        words.append(_LAST[rest % 1000 + 1000 * (whole < 1000)])
    else:
        words.append(_LAST[whole + 1000])
    if fraction is not None:
        words.append(_FRACTION[fraction])
    return np.stack(words, axis=1).view(np.uint8)


def _bulk_floats(values: Sequence[Any]) -> np.ndarray | None:
    """``%.3f`` of each float, in bulk: the value in milliseconds rounded to the nearest whole
    (``np.rint``), which is the correctly rounded ``%.3f`` except near a half, where the product
    ``x * 1000`` may have rounded across it: those few cells are rounded by ``%.3f`` itself.
    None if the column holds what this does not write (nan, inf, a negative or -0.0, 1e9 s and
    more): the per-cell rule then. None is an empty cell."""
    x = np.array(values, dtype=float)  # None -> nan
    missing = np.isnan(x)
    n_missing = int(missing.sum())
    if n_missing and not all(values[i] is None for i in np.flatnonzero(missing).tolist()):
        return None  # (a real nan among them)
    present = np.where(missing, 0.0, x) if n_missing else x
    if np.signbit(present).any() or not (present.max() < _BIG):
        return None
    product = present * 1000.0
    millis = np.rint(product)
    near_half = np.abs(product - np.floor(product) - 0.5) <= np.maximum(product, 1.0) * 1e-15
    for i in np.flatnonzero(near_half).tolist():
        millis[i] = int(f"{float(present[i]):.3f}".replace(".", ""))
    whole, part = np.divmod(millis.astype(np.int64), 1000)
    if whole.max() >= _BIG:  # (rounded up to it)
        return None
    cells = _digits(whole, part)
    if n_missing:
        cells[missing] = 0
    return cells


_TRANSPOSED: dict[tuple[int, int, int], tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = {}


def transposed(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The columns of ``rows`` (records of one kind): ``list(zip(*rows))``, made once per chunk
    however many consumers ask (at a flush the Tee hands one chunk of records to each of them:
    the KPIs, the file, the interval table, the status samples). A chunk is the same when it
    holds the same record objects in the same order (the few chunks kept here hold them alive,
    so no other object can take their identity). Read the columns, do not change them."""
    if not rows:
        return []
    key = (len(rows), id(rows[0]), id(rows[-1]))
    hit = _TRANSPOSED.get(key)
    if hit is not None and all(map(is_, hit[0], rows)):
        return hit[1]
    columns = list(zip(*rows, strict=True))
    if len(_TRANSPOSED) >= 4:
        # (the oldest; replications in threads of one process may race for it)
        with suppress(RuntimeError, StopIteration):
            _TRANSPOSED.pop(next(iter(_TRANSPOSED)), None)
    _TRANSPOSED[key] = (tuple(rows), columns)
    return columns


class ChunkedTable:
    """Rows of one table as they arrive, handed to ``take`` column-wise in chunks.

    ``append`` keeps a row (a tuple of the table's columns after the ``prefix`` ones);
    ``flush`` hands the kept rows over as columns, after one constant column per value of
    ``prefix`` (the replication). ``derive``, if given, turns the transposed record fields into
    the table's columns (e.g. adds calls.csv's joined_datetime)."""

    def __init__(
        self,
        take: Callable[[list[Sequence[Any]], int], None],
        derive: Callable[[list[tuple[Any, ...]], int], list[Sequence[Any]]] | None = None,
    ) -> None:
        self.take = take
        self.derive = derive
        self.prefix: tuple[Any, ...] = ()
        self.pending: list[tuple[Any, ...]] = []
        self.append: Callable[[tuple[Any, ...]], None] = self.pending.append

    def row(self, values: tuple[Any, ...]) -> None:
        self.pending.append(values)
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        rows = self.pending.copy()  # (emptied in place: self.append is its append)
        self.pending.clear()
        n = len(rows)
        if not n:
            return
        fields = transposed(rows)
        columns: list[Sequence[Any]] = self.derive(fields, n) if self.derive is not None else list(fields)
        self.take([[p] * n for p in self.prefix] + columns, n)


class TableSink:
    """A sink whose rows go through ``self.table`` (a :class:`ChunkedTable`): a new
    replication prefix first flushes the rows kept so far, which are the previous one's."""

    table: ChunkedTable

    def flush(self) -> None:
        self.table.flush()

    @property
    def prefix(self) -> tuple[Any, ...]:
        return self.table.prefix

    @prefix.setter
    def prefix(self, value: tuple[Any, ...]) -> None:
        self.flush()
        self.boundary()
        self.table.prefix = value

    def boundary(self) -> None:
        """The rows so far are a replication's: a sink that groups chunks ends its group."""
