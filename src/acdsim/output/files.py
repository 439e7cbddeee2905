"""Streaming CSV writers for engine records, written atomically (temp file, then rename).

Temp files are created exclusively (``open(..., "x")``: never through an existing file or
symlink); the run writes them inside its private staging folder (:mod:`.folder`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import numpy as np

from ..engine.records import NullRecorder
from .columns import BULK_ROWS, ChunkedTable, TableSink, csv_text
from .encode import Cells, Encoder

CALL_COLUMNS = (
    "call_api_id", "queue", "number", "joined_at", "joined_datetime", "answered_at", "left_at",
    "outcome", "wait_time", "talk_time", "agent", "agent_level", "offers", "transferred_to",
    "resumed_from", "first_join_at",
)
OFFER_COLUMNS = ("call_api_id", "queue", "agent", "level", "position", "offered_at", "ended_at", "result")


def fmt(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return value


class AtomicCsv(TableSink):
    """A CSV file that appears under its final name only when closed successfully.

    Rows are kept and written in chunks (:class:`.columns.ChunkedTable`): ``append`` (one row,
    without the ``prefix`` columns) for the recorders the engine flushes, ``row`` anywhere.
    Chunks are gathered into blocks of about ``BLOCK_ROWS`` rows, each made into bytes at once
    (:mod:`.encode`: numpy's fixed cost per call is then shared by more rows)."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.part")
        self.handle: BinaryIO = self.tmp.open("xb")
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(header)
        self.handle.write(text.getvalue().encode("utf-8"))
        self.table = ChunkedTable(self.write_columns)
        self.append = self.table.append
        self.encoder = Encoder()
        self.block: list[list[Any]] = []
        self.block_rows = 0

    def row(self, values: Any) -> None:
        self.table.row(values)

    def write_columns(self, columns: list[Any], n: int) -> None:
        self.block.append(columns)
        self.block_rows += n
        if self.block_rows >= BLOCK_ROWS:
            self.write_block()

    def write_block(self) -> None:
        chunks, self.block, self.block_rows = self.block, [], 0
        if not chunks:
            return
        columns = chunks[0] if len(chunks) == 1 else joined_chunks(chunks)
        data = None
        if len(columns) > 1 and len(columns[0]) >= BULK_ROWS:
            data = self.encoder.csv_bytes(columns)
        if data is None:
            data = csv_text([c.texts() if isinstance(c, Cells) else c for c in columns]).encode("utf-8")
        self.handle.write(data)

    def commit(self) -> None:
        self.flush()
        self.write_block()
        self.handle.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


#: Rows of a CSV block (see AtomicCsv).
BLOCK_ROWS = 8192


def joined_chunks(chunks: list[list[Any]]) -> list[Any]:
    """The columns of several chunks of one table, end to end."""
    out: list[Any] = []
    for i in range(len(chunks[0])):
        parts = [c[i] for c in chunks]
        if isinstance(parts[0], Cells):
            width = max(p.matrix.shape[1] for p in parts)
            out.append(Cells(np.concatenate(
                [np.pad(p.matrix, ((0, 0), (0, width - p.matrix.shape[1]))) for p in parts])))
        else:
            out.append(list(chain.from_iterable(parts)))
    return out


class AtomicText:
    """A text file (JSON, JSON lines) that appears under its final name only when committed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.part")
        self.handle: TextIO = self.tmp.open("x", encoding="utf-8", newline="\n")

    def line(self, text: str) -> None:
        self.handle.write(text)
        self.handle.write("\n")

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


class CsvRecorder(NullRecorder):
    """Writes calls.csv and offers.csv as records arrive (one replication column if asked).

    ``call`` and ``offer`` are the tables' list appends; ``flush`` (the engine's, every
    ``FLUSH_EVERY`` callers) writes what was kept."""

    def __init__(self, out_dir: Path, start: dt.datetime, with_replication: bool, file_format: str = "csv") -> None:
        self.start = start
        self.with_replication = with_replication
        prefix: tuple[str, ...] = ("replication",) if with_replication else ()
        self.calls_file = table_file(out_dir, "calls", prefix + CALL_COLUMNS, file_format)
        joined = joined_cells
        if file_format == "parquet":
            from .parquet import joined_stamps as joined
        self.calls_file.table.derive = lambda fields, n: call_columns(fields, joined(self.start, fields[3]))
        self.offers_file = table_file(out_dir, "offers", prefix + OFFER_COLUMNS, file_format)
        self.call = self.calls_file.append  # type: ignore[method-assign]
        self.offer = self.offers_file.append  # type: ignore[method-assign]
        self._replication = 0

    @property
    def replication(self) -> int:
        return self._replication

    @replication.setter
    def replication(self, k: int) -> None:
        self._replication = k
        if self.with_replication:
            self.calls_file.prefix = self.offers_file.prefix = (k,)

    def flush(self) -> None:
        self.calls_file.flush()
        self.offers_file.flush()

    def commit(self) -> list[Path]:
        self.calls_file.commit()
        self.offers_file.commit()
        return [self.calls_file.path, self.offers_file.path]

    def discard(self) -> None:
        self.calls_file.discard()
        self.offers_file.discard()


FORMATS = ("csv", "parquet")


def table_file(out_dir: Path, name: str, header: tuple[str, ...], file_format: str) -> Any:
    """The file of table ``name``: ``name.csv`` (AtomicCsv) or ``name.parquet``."""
    if file_format == "parquet":
        from .parquet import AtomicParquet

        return AtomicParquet(out_dir / f"{name}.parquet", header)
    return AtomicCsv(out_dir / f"{name}.csv", header)


def call_columns(fields: list[Any], joined: Any) -> list[Any]:
    """calls.csv's columns from the CallRecord fields of a chunk (joined_datetime after
    joined_at)."""
    return [*fields[:4], joined, *fields[4:]]


_CLOCK = "%Y-%m-%d %H:%M:%S"


def joined_text(start: dt.datetime, seconds: Any) -> list[str]:
    """``(start + timedelta(seconds=x)).strftime("%Y-%m-%d %H:%M:%S")`` for every ``x``, in bulk.

    timedelta rounds ``x`` to the microsecond and the clock drops the fraction: that is
    ``floor(x)`` except within half a microsecond below a whole second, where the exact rule
    is applied to those few cells."""
    stamps = joined_seconds(start, seconds)
    if stamps is None:
        return [(start + dt.timedelta(seconds=v)).strftime(_CLOCK) for v in seconds]
    return clock_texts(stamps)


_TWO = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), dtype=np.uint8).reshape(100, 2)


def joined_cells(start: dt.datetime, seconds: Any) -> Any:
    """:func:`joined_text` as :class:`.encode.Cells` (the bytes, for the CSV encoder) where the
    bulk rule applies, else as the list of texts."""
    stamps = joined_seconds(start, seconds)
    if stamps is None:
        return joined_text(start, seconds)
    return Cells(clock_matrix(stamps)[:, :19])


def clock_texts(stamps: Any) -> list[str]:
    """``YYYY-MM-DD HH:MM:SS`` of datetime64[s] values of years 1000-9999, in bulk."""
    n = len(stamps)
    return clock_matrix(stamps).tobytes().decode("ascii").split("\n")[:n]


def clock_matrix(stamps: Any) -> np.ndarray:
    """The lines ``YYYY-MM-DD HH:MM:SS\\n`` of datetime64[s] values of years 1000-9999 as an
    (n, 20) byte matrix: the dates of the few distinct days by numpy, the time of day by a
    table of two digits."""
    n = len(stamps)
    days, of_day = np.divmod(stamps.astype(np.int64), 86400)
    distinct, which = np.unique(days, return_inverse=True)
    dates = "".join(np.datetime_as_string(distinct.astype("datetime64[D]")).tolist()).encode("ascii")
    hours, rest = np.divmod(of_day, 3600)
    minutes, secs = np.divmod(rest, 60)
    lines = np.empty((n, 20), dtype=np.uint8)
    lines[:, :10] = np.frombuffer(dates, dtype=np.uint8).reshape(len(distinct), 10)[which.reshape(-1)]
    lines[:, 10] = ord(" ")
    lines[:, 11:13] = _TWO[hours]
    lines[:, 13] = ord(":")
    lines[:, 14:16] = _TWO[minutes]
    lines[:, 16] = ord(":")
    lines[:, 17:19] = _TWO[secs]
    lines[:, 19] = ord("\n")
    return lines


def joined_seconds(start: dt.datetime, seconds: Any) -> Any:
    """The wall clock of :func:`joined_text` as datetime64[s] (``start``'s own clock, its time
    zone dropped), or None where the bulk rule does not apply (a start with a fraction of a
    second, a year before 1000 or after 9000)."""
    n = len(seconds)
    x = np.asarray(seconds, dtype=float)
    naive = start.replace(tzinfo=None)
    if not n or start.microsecond or not (start.year >= 1000 and naive.year + x.max() / 3.1e7 < 9000):
        return None
    whole = np.floor(x)
    stamps = np.datetime64(naive, "s") + whole.astype("timedelta64[s]")
    for i in np.flatnonzero(x - whole > 1 - 1e-6).tolist():
        exact = (start + dt.timedelta(seconds=float(x[i]))).replace(tzinfo=None, microsecond=0)
        stamps[i] = np.datetime64(exact, "s")
    return stamps
