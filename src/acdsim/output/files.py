"""Streaming CSV writers for engine records, written atomically (temp file, then rename).

Temp files are created exclusively (``open(..., "x")``: never through an existing file or
symlink); the run writes them inside its private staging folder (:mod:`.folder`)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any, TextIO

from ..engine.records import CallRecord, NullRecorder, OfferRecord

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


class AtomicCsv:
    """A CSV file that appears under its final name only when closed successfully."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.part")
        self.handle: TextIO = self.tmp.open("x", newline="", encoding="utf-8")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(header)

    def row(self, values: Any) -> None:
        self.writer.writerow([fmt(v) for v in values])

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


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
    """Writes calls.csv and offers.csv as records arrive (one replication column if asked)."""

    def __init__(self, out_dir: Path, start: dt.datetime, with_replication: bool) -> None:
        self.start = start
        self.replication = 0
        self.with_replication = with_replication
        prefix: tuple[str, ...] = ("replication",) if with_replication else ()
        self.calls_file = AtomicCsv(out_dir / "calls.csv", prefix + CALL_COLUMNS)
        self.offers_file = AtomicCsv(out_dir / "offers.csv", prefix + OFFER_COLUMNS)

    def _prefix(self) -> tuple[int, ...]:
        return (self.replication,) if self.with_replication else ()

    def call(self, r: CallRecord) -> None:
        joined = (self.start + dt.timedelta(seconds=r.joined_at)).strftime("%Y-%m-%d %H:%M:%S")
        values = (
            r.call_api_id, r.queue, r.number, r.joined_at, joined, r.answered_at, r.left_at,
            r.outcome, r.wait_time, r.talk_time, r.agent, r.agent_level, r.offers,
            r.transferred_to, r.resumed_from, r.first_join_at,
        )
        self.calls_file.row(self._prefix() + values)

    def offer(self, r: OfferRecord) -> None:
        self.offers_file.row(self._prefix() + tuple(r))

    def commit(self) -> list[Path]:
        self.calls_file.commit()
        self.offers_file.commit()
        return [self.calls_file.path, self.offers_file.path]

    def discard(self) -> None:
        self.calls_file.discard()
        self.offers_file.discard()
