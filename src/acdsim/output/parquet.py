"""The tables of ``acdsim run --format parquet``: one Parquet file per table, a row group per
eight chunks of the columnar record path (:mod:`.columns`) and per replication, written
atomically like the CSV files.

Typed columns: seconds as float64 (full precision: the CSV rounds them to milliseconds),
counts and ids as int64, calls' ``joined_datetime`` as a timestamp (the wall clock of
``start``, to the second, like the CSV), and the repeated words (outcome, agent, state, ...)
dictionary-encoded. Empty cells of the CSV are nulls, except for text columns, which hold
the empty string as the engine wrote it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .columns import ChunkedTable, TableSink

_TEXT = pa.string()
_WORD = pa.dictionary(pa.int32(), pa.string())

#: Column types by name (every table's columns; anything else is text).
TYPES: dict[str, pa.DataType] = {
    **dict.fromkeys(
        ("joined_at", "answered_at", "left_at", "wait_time", "talk_time", "first_join_at", "offered_at",
         "ended_at", "time", "start", "end", "logged_in_time", "occupancy", "wrap_up_time",
         "handle_occupancy", "talk_occupancy", "interval_start", "service_level", "asa", "mean_wait",
         "covered", "agents_logged_in"),
        pa.float64(),
    ),
    **dict.fromkeys(
        ("replication", "queue", "agent_level", "offers", "level", "position", "calls_answered",
         "no_answers", "rejects", "busies", "waiting_members", "trying_members", "answered_members",
         "offered", "answered", "abandoned", "timeout", "no_agent_timeout", "in_queue"),
        pa.int64(),
    ),
    **dict.fromkeys(("outcome", "agent", "result", "status", "state", "kind", "transferred_to"), _WORD),
    "joined_datetime": pa.timestamp("ms"),  # (Parquet has no seconds unit)
}


#: Chunks per row group: a row group per chunk (about a thousand callers) costs the writer
#: about three times as much per row as one of ten thousand rows.
ROW_GROUP_CHUNKS = 8
_NO_LIMIT = 1 << 62


def schema(columns: Sequence[str]) -> pa.Schema:
    return pa.schema([(name, TYPES.get(name, _TEXT)) for name in columns])


class AtomicParquet(TableSink):
    """A Parquet file that appears under its final name only when committed; the same
    interface as :class:`.files.AtomicCsv` (``append``, ``row``, ``prefix``, ``flush``)."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.part")
        self.schema = schema(header)
        self.handle = self.tmp.open("xb")
        self.writer = pq.ParquetWriter(self.handle, self.schema)
        self.table = ChunkedTable(self.write_columns)
        self.append = self.table.append
        self.pending: list[list[Any]] = []  # chunks not yet written: their columns' arrays
        # A dictionary column's codes by text, kept for a row group: its chunks keep their
        # codes, and the row group takes the dictionary of its texts in order of appearance.
        self.words: dict[int, dict[str, int]] = {
            i: {} for i, field in enumerate(self.schema) if pa.types.is_dictionary(field.type)
        }

    def row(self, values: Any) -> None:
        self.table.row(values)

    def write_columns(self, columns: list[Any], n: int) -> None:
        arrays = []
        for i, (col, field) in enumerate(zip(columns, self.schema, strict=True)):
            words = self.words.get(i)
            arrays.append(_array(col, field.type) if words is None else _codes(col, words))
        self.pending.append(arrays)
        if len(self.pending) >= ROW_GROUP_CHUNKS:
            self.boundary()

    def boundary(self) -> None:
        """Write the chunks kept as one row group (at a replication's end too, so that the
        parts of ``--jobs`` have the row groups of one process)."""
        if not self.pending:
            return
        columns = []
        for i in range(len(self.schema)):
            parts = [chunk[i] for chunk in self.pending]
            words = self.words.get(i)
            if words is None:
                columns.append(pa.concat_arrays(parts))
            elif any(isinstance(p, pa.Array) for p in parts):  # (a chunk with a value not text)
                texts = [(p if isinstance(p, pa.Array) else _dictionary(p, words)).cast(pa.string()) for p in parts]
                columns.append(pa.concat_arrays(texts).dictionary_encode())
            else:
                columns.append(_dictionary(np.concatenate(parts), words))
        self.writer.write_table(pa.Table.from_arrays(columns, schema=self.schema), row_group_size=_NO_LIMIT)
        self.pending.clear()
        for words in self.words.values():
            words.clear()

    def commit(self) -> None:
        self.flush()
        self.boundary()
        self.writer.close()
        self.handle.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        try:
            self.writer.close()
        finally:
            self.handle.close()
            self.tmp.unlink(missing_ok=True)


def _codes(values: Sequence[Any], words: dict[str, int]) -> Any:
    """A dictionary column's codes in ``words`` (new texts added), as int32; the column as a
    dictionary array of its own if a value is not text."""
    n = len(values)
    try:
        return np.fromiter(map(words.__getitem__, values), np.int32, n)
    except KeyError:
        pass
    except TypeError:
        return _array(values, _WORD)
    for v in dict.fromkeys(values):
        if type(v) is not str:
            return _array(values, _WORD)
        words.setdefault(v, len(words))
    return np.fromiter(map(words.__getitem__, values), np.int32, n)


def _dictionary(codes: np.ndarray, words: dict[str, int]) -> pa.Array:
    indices = pa.Array.from_buffers(pa.int32(), len(codes), [None, pa.py_buffer(np.ascontiguousarray(codes))])
    texts = _texts(list(words))
    assert texts is not None  # (words holds texts only)
    return pa.DictionaryArray.from_arrays(indices, texts)


# The arrays are built from their buffers where the values allow it: ``pa.array`` imports
# pandas the first time it is called (about 0.2 CPU s, a run writing CSV imports none).
_NONE = type(None)


def _array(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    if pa.types.is_dictionary(kind):
        return pa.array(values, pa.string()).dictionary_encode()
    if pa.types.is_timestamp(kind):
        stamps = np.asarray(values, dtype="datetime64[s]").astype("datetime64[ms]").view(np.int64)
        return pa.Array.from_buffers(kind, len(stamps), [None, pa.py_buffer(np.ascontiguousarray(stamps))])
    built = _from_buffers(values, kind)
    return built if built is not None else pa.array(values, kind)


def _from_buffers(values: Sequence[Any], kind: pa.DataType) -> pa.Array | None:
    """``pa.array(values, kind)`` for float64 and int64 columns of plain floats or ints (None
    a null) and string columns of texts; None for anything else."""
    n = len(values)
    if kind == pa.string():
        return _texts(values)
    types = set(map(type, values))
    if kind == pa.float64() and types <= {float, int, _NONE}:
        x = np.array(values, dtype=float)  # None -> nan
        missing = np.flatnonzero(np.isnan(x)).tolist()
        nulls = [i for i in missing if values[i] is None]  # (a real nan stays nan)
    elif kind == pa.int64() and types <= {int, _NONE}:
        nulls = [i for i, v in enumerate(values) if v is None] if _NONE in types else []
        try:
            x = np.array([0 if v is None else v for v in values] if nulls else values, dtype=np.int64)
        except OverflowError:
            return None
    else:
        return None
    valid = None
    if nulls:
        mask = np.ones(n, dtype=bool)
        mask[nulls] = False
        valid = pa.py_buffer(np.packbits(mask, bitorder="little"))
    return pa.Array.from_buffers(kind, n, [valid, pa.py_buffer(x)], null_count=len(nulls))


def _texts(values: Sequence[Any]) -> pa.Array | None:
    """A string array of ``values`` (texts only: None otherwise)."""
    if set(map(type, values)) - {str}:
        return None
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
    if offsets[-1] >= 2**31:
        return None
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))]
    )


def joined_stamps(start: dt.datetime, seconds: Any) -> Any:
    """calls' joined_datetime as datetime64[s]: the same wall clock as the CSV's text."""
    from .files import joined_seconds, joined_text

    stamps = joined_seconds(start, seconds)
    if stamps is None:
        return np.array(joined_text(start, seconds), dtype="datetime64[s]")
    return stamps


def merge_parts(paths: Sequence[Path | bytes], final: Path) -> None:
    """One Parquet file from the replications' part files (or their bytes, from the workers of
    a cluster), in order (their row groups)."""
    tmp = final.with_name(f".{final.name}.part")
    with tmp.open("xb") as handle:
        writer: pq.ParquetWriter | None = None
        for path in paths:
            source = pq.ParquetFile(pa.BufferReader(path) if isinstance(path, bytes) else path)
            if writer is None:
                writer = pq.ParquetWriter(handle, source.schema_arrow)
            for i in range(source.num_row_groups):
                writer.write_table(source.read_row_group(i))
        if writer is not None:
            writer.close()
    os.replace(tmp, final)


def read_frame(path: Path) -> Any:
    """A table as pandas reads the CSV of the same run: text columns as plain strings (empty
    cells as NaN), floats as floats, joined_datetime as its text."""
    table = pq.read_table(path)
    frame = table.to_pandas()
    for field in table.schema:
        if pa.types.is_dictionary(field.type) or pa.types.is_string(field.type):
            frame[field.name] = frame[field.name].astype(object).replace("", np.nan)
        elif pa.types.is_timestamp(field.type):
            frame[field.name] = frame[field.name].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame
