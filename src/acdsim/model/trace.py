"""Recorded arrivals (a trace CSV), held compactly: one float array per column.

A trace may have millions of rows; a pydantic object per row would cost about a kilobyte
and several microseconds each. :class:`TraceTable` keeps the columns in ``array('d')``
(8 bytes a value, an empty cell is NaN) and the caller numbers in one string with end
offsets. It is immutable and yields :class:`TraceRecord` named tuples, so the engine reads
``row.time``, ``row.number``, ``row.talk_time`` and ``row.patience`` as before, with the same
Python floats.

Times are seconds from the scenario's ``start``, or ISO datetimes taken relative to it.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate, chain, repeat
from typing import Any, NamedTuple

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import core_schema

from .datafiles import column_list, context_of, csv_problem, data_file, excerpt, text_lines

TRACE_COLUMNS = ("time", "number", "talk_time", "patience")
_NAN = math.nan
_INF = math.inf
_NUMBERS_CHUNK = 65_536


class TraceRecord(NamedTuple):
    """One arrival of a trace: seconds from start, and the cells given (None when empty)."""

    time: float
    number: str | None = None
    talk_time: float | None = None
    patience: float | None = None


def _none_for_nan(values: Iterable[float]) -> Iterator[float | None]:
    return (None if x != x else x for x in values)  # NaN marks an empty cell


class TraceTable:
    """The rows of a trace, column by column; immutable, iterates :class:`TraceRecord`."""

    __slots__ = ("_numbers", "_patience", "_talk", "_times", "_ends")

    _times: array[float]
    _talk: array[float] | None
    _patience: array[float] | None
    _numbers: str
    _ends: array[int] | None

    def __init__(
        self,
        times: array[float],
        talk_times: array[float] | None = None,
        patiences: array[float] | None = None,
        numbers: str = "",
        ends: array[int] | None = None,
    ) -> None:
        for name, value in (("_times", times), ("_talk", talk_times), ("_patience", patiences),
                            ("_numbers", numbers), ("_ends", ends)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a TraceTable is immutable")

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> TraceTable:
        """From TraceRecord / TraceRow objects, mappings of their fields, or bare times."""
        times: array[float] = array("d")
        talk: array[float] = array("d")
        patience: array[float] = array("d")
        numbers: list[str] = []
        for row in rows:
            if isinstance(row, int | float) and not isinstance(row, bool):
                row = TraceRecord(float(row))
            elif isinstance(row, Mapping):
                row = TraceRecord(**row)
            times.append(float(row.time))
            talk.append(_NAN if row.talk_time is None else float(row.talk_time))
            patience.append(_NAN if row.patience is None else float(row.patience))
            numbers.append(row.number or "")
        return cls._build(times, talk, patience, numbers)

    @classmethod
    def _build(cls, times: array[float], talk: array[float], patience: array[float],
               numbers: list[str]) -> TraceTable:
        has_talk = any(x == x for x in talk)
        has_patience = any(x == x for x in patience)
        ends = array("q", accumulate(map(len, numbers))) if any(numbers) else None
        return cls(times, talk if has_talk else None, patience if has_patience else None,
                   "".join(numbers) if ends is not None else "", ends)

    def __len__(self) -> int:
        return len(self._times)

    def _number_column(self) -> Iterator[str | None]:
        ends, text = self._ends, self._numbers
        if ends is None:
            return repeat(None)
        return (text[a:b] or None for a, b in zip(chain((0,), ends), ends, strict=False))  # one start more

    def __iter__(self) -> Iterator[TraceRecord]:
        talk = repeat(None) if self._talk is None else _none_for_nan(self._talk)
        patience = repeat(None) if self._patience is None else _none_for_nan(self._patience)
        return map(TraceRecord, self._times, self._number_column(), talk, patience)

    def __getitem__(self, index: int) -> TraceRecord:
        i = range(len(self))[index]
        number = None
        if self._ends is not None:
            start = self._ends[i - 1] if i else 0
            number = self._numbers[start:self._ends[i]] or None
        talk = None if self._talk is None or self._talk[i] != self._talk[i] else self._talk[i]
        pat = None if self._patience is None or self._patience[i] != self._patience[i] else self._patience[i]
        return TraceRecord(self._times[i], number, talk, pat)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TraceTable):
            return list(self) == list(other)
        if isinstance(other, tuple | list):
            return list(self) == [tuple(_as_record(r)) for r in other]
        return NotImplemented

    def __hash__(self) -> int:
        return hash((len(self), self._times[0] if len(self) else None, self._times[-1] if len(self) else None))

    def __repr__(self) -> str:
        return f"TraceTable({len(self):,} rows)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (TraceTable, (self._times, self._talk, self._patience, self._numbers, self._ends))

    # pydantic: a field of this type takes a TraceTable or a list of rows, dumps as a list
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._coerce,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda table: [_as_record(r)._asdict() for r in table]
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "object"}}

    @classmethod
    def _coerce(cls, value: Any) -> TraceTable:
        if isinstance(value, TraceTable):
            return value
        if isinstance(value, list | tuple):
            return cls.from_rows(value)
        raise ValueError("rows: expected a list of trace rows")


def _as_record(row: Any) -> TraceRecord:
    if isinstance(row, TraceRecord):
        return row
    return TraceRecord(row.time, row.number, row.talk_time, row.patience)


class _Bad(ValueError):
    """A cell problem: raised with the file's line."""


def read_trace(name: str, info: ValidationInfo) -> TraceTable:
    """Read and check the trace CSV ``name`` (relative to the scenario's folder)."""
    real, shown = data_file(name, info, "trace file")
    reader = csv.reader(text_lines(real, shown, label=f"reading {name}"), strict=True)
    try:
        return _read_rows(reader, shown, info)
    except csv.Error as exc:
        # csv's messages name no content ("unexpected end of data", "field larger than ...").
        raise ValueError(f"{shown}:{reader.line_num}: not a readable CSV file ({csv_problem(exc)})") from None


def _read_rows(reader: Any, shown: str, info: ValidationInfo) -> TraceTable:
    header = [h.strip() for h in next(reader, [])]
    if "time" not in header:
        found = column_list(header)
        if found is None:
            raise ValueError(f"{shown}: the first line is not a CSV header with a 'time' column")
        raise ValueError(f"{shown}: the header needs a 'time' column (found: {found})")
    if "" in header:
        raise ValueError(f"{shown}: the header has an empty column name (column {header.index('') + 1})")
    unknown = [h for h in header if h not in TRACE_COLUMNS]
    if unknown:
        names = column_list(unknown)
        listed = f"unknown column(s) {names}" if names is not None else "the header has cells that are no column names"
        raise ValueError(f"{shown}: {listed} (allowed: {', '.join(TRACE_COLUMNS)})")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ValueError(f"{shown}: column(s) {', '.join(twice)} appear more than once in the header")
    width = len(header)
    ti = header.index("time")
    ni = header.index("number") if "number" in header else -1
    ki = header.index("talk_time") if "talk_time" in header else -1
    pi = header.index("patience") if "patience" in header else -1

    times: array[float] = array("d")
    talk: array[float] = array("d")
    patience: array[float] = array("d")
    numbers: list[str] = []
    number_chunks: list[str] = []
    ends: array[int] = array("q")
    end = 0
    previous = 0.0
    to_seconds: Any = None  # set by the first row: float, or datetime -> seconds from start
    seconds = True
    line = 0
    add_time, add_talk, add_patience = times.append, talk.append, patience.append
    try:
        for cells in reader:
            if not cells:
                continue  # a blank line
            line = reader.line_num
            n = len(cells)
            if n > width:
                raise _Bad(f"{n} cells, but the header has {width} columns")
            cell = cells[ti].strip()
            if not cell:
                raise _Bad("time: is empty")
            if to_seconds is None:
                to_seconds = _time_reader(cell, info)
                seconds = to_seconds is float
            # The common cells are read inline: a function call per cell is most of the time.
            if seconds:
                try:
                    t = float(cell)
                except ValueError:
                    t = _seconds(cell, "time")  # raises with the message
                if not 0.0 <= t < _INF:
                    _seconds(cell, "time")
            else:
                t = to_seconds(cell)
            if t < previous:
                raise _Bad(f"times must be sorted ({t:g} after {previous:g})")
            previous = t
            add_time(t)
            if ki >= 0:
                cell = cells[ki].strip() if ki < n else ""
                if cell:
                    try:
                        x = float(cell)
                    except ValueError:
                        x = _seconds(cell, "talk_time")
                    if not 0.0 <= x < _INF:
                        _seconds(cell, "talk_time")
                    add_talk(x)
                else:
                    add_talk(_NAN)
            if pi >= 0:
                cell = cells[pi].strip() if pi < n else ""
                if cell:
                    try:
                        x = float(cell)
                    except ValueError:
                        x = _seconds(cell, "patience")
                    if not 0.0 <= x < _INF:
                        _seconds(cell, "patience")
                    add_patience(x)
                else:
                    add_patience(_NAN)
            if ni >= 0:
                number = cells[ni].strip() if ni < n else ""
                numbers.append(number)
                end += len(number)
                ends.append(end)
                if len(numbers) >= _NUMBERS_CHUNK:
                    number_chunks.append("".join(numbers))
                    numbers.clear()
    except _Bad as exc:
        raise ValueError(f"{shown}:{line or reader.line_num}: {exc}") from None
    number_chunks.append("".join(numbers))
    has_numbers = ni >= 0 and end > 0
    return TraceTable(
        times,
        talk if ki >= 0 and any(x == x for x in talk) else None,
        patience if pi >= 0 and any(x == x for x in patience) else None,
        "".join(number_chunks) if has_numbers else "",
        ends if has_numbers else None,
    )


def _seconds(cell: str, column: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise _Bad(f"{column}: {excerpt(cell)} is not a number") from None
    if not 0.0 <= value < _INF:  # also false for NaN
        raise _Bad(f"{column}: must be finite and >= 0, got {excerpt(cell)}")
    return value


def _time_reader(first: str, info: ValidationInfo) -> Any:
    """How the time column reads, decided by its first cell: ``float`` (seconds, checked by
    the caller), or a function of ISO datetimes."""
    try:
        float(first)
    except ValueError:
        pass
    else:
        return float  # read inline by the caller
    try:
        dt.datetime.fromisoformat(first)
    except ValueError:
        raise _Bad(f"time: {excerpt(first)} is neither seconds nor a datetime (YYYY-MM-DD HH:MM:SS)") from None
    context = context_of(info)
    if "start" not in context:
        raise _Bad("time: datetimes are taken relative to the scenario's start, which is not known "
                   "here (load the scenario with acdsim.load_scenario)")
    start = context["start"]
    if not isinstance(start, dt.datetime):
        raise _Bad("time: datetimes are taken relative to the scenario's start, which is not valid")

    def from_start(cell: str) -> float:
        try:
            when = dt.datetime.fromisoformat(cell)
        except ValueError:
            raise _Bad(f"time: {excerpt(cell)} is not a datetime like the first row's") from None
        try:
            seconds = (when - start).total_seconds()
        except TypeError:
            raise _Bad(f"time: {excerpt(cell)} and the start ({start}) must both have a time zone, "
                       "or neither") from None
        if seconds < 0:
            raise _Bad(f"time: {excerpt(cell)} is before the scenario's start ({start})")
        return seconds

    return from_start
