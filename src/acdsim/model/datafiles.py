"""Data files a scenario names (trace and empirical CSVs): which paths may be read, and how.

A data file must be a *regular* file inside the scenario's folder, symlinks resolved, or
inside a folder (or be a file) the user allowed: ``--allow-path DIR`` on the command line,
``allow_paths=`` in the Python API. Both reach the models through the pydantic validation
context (``base_dir``, ``allow_paths``), set by the loader.

Why: a scenario is often someone else's file, and error messages quote what they read. So a
path may not reach ``/proc/self/environ`` or ``/etc/shadow`` by default, devices and FIFOs are
never read (``/dev/zero`` would never end), files are read in bounded chunks up to
:data:`MAX_DATA_FILE_BYTES`, and messages never quote file contents beyond a short escaped
excerpt of one cell (:func:`excerpt`) or column names that look like column names.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationInfo

MAX_DATA_FILE_BYTES = 2 * 1024**3
"""The largest trace or empirical CSV file read (2 GiB, about 50 million trace rows)."""

CHUNK_BYTES = 1 << 20
_EXCERPT_CHARS = 40
_COLUMN_NAME = re.compile(r"^[\w .()/%#-]{1,40}$")
_PROGRESS_BYTES = 16 << 20  # below this a file reads in well under a second: no bar


def context_of(info: ValidationInfo | None) -> dict[str, object]:
    return dict((info.context if info is not None else None) or {})


def base_dir(info: ValidationInfo | None) -> Path:
    """The scenario's folder: relative data file names are taken from it."""
    return Path(str(context_of(info).get("base_dir", ".")))


def allowed_paths(info: ValidationInfo | None) -> tuple[str, ...]:
    raw: Any = context_of(info).get("allow_paths") or ()
    if isinstance(raw, str | os.PathLike):
        raw = (raw,)
    return tuple(str(p) for p in raw)


def excerpt(text: str) -> str:
    """A cell as messages may show it: quoted, escaped, at most 40 characters of it."""
    if len(text) <= _EXCERPT_CHARS:
        return repr(text)
    return repr(text[:_EXCERPT_CHARS]) + "..."


def column_list(names: Sequence[str]) -> str | None:
    """The names of a header line as a message may list them, or None when they do not
    look like column names (then the first line is probably no header, maybe no CSV)."""
    if not names or len(names) > 32 or not all(_COLUMN_NAME.match(n) for n in names):
        return None
    return ", ".join(names)


def csv_problem(exc: Exception) -> str:
    """The csv module's complaint in the words of this project (its messages quote no data)."""
    text = str(exc)
    if "unexpected end of data" in text:
        return "the file ends inside a quoted cell: a '\"' is not closed"
    return text


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def data_file(name: str, info: ValidationInfo | None, what: str) -> tuple[Path, str]:
    """Check that the data file ``name`` may be read; return its resolved path and the path
    messages show (``base_dir/name``, as the user wrote it). ``what``: "trace file", "file"."""
    base = base_dir(info)
    shown = base / name
    try:
        real = shown.resolve()
        roots = [Path(p).resolve() for p in (str(base), *allowed_paths(info))]
    except (OSError, RuntimeError, ValueError) as exc:
        raise ValueError(f"{what} {shown} cannot be used ({getattr(exc, 'strerror', None) or exc})") from None
    if not any(real == root or real.is_relative_to(root) for root in roots):
        # Said before anything about the file itself: not even its existence is revealed.
        raise ValueError(
            f"{what} {shown} is outside the scenario's folder ({roots[0]}); data files must be "
            "inside it, or under a path allowed with --allow-path (allow_paths= in Python)"
        )
    try:
        st = real.stat()
    except FileNotFoundError:
        raise ValueError(f"{what} not found: {shown}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {shown} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"{what} {shown} is {_kind(st.st_mode)}, not a regular file")
    if st.st_size > MAX_DATA_FILE_BYTES:
        raise ValueError(
            f"{what} {shown} is larger than {MAX_DATA_FILE_BYTES // 1024**3} GiB, the limit for a data file"
        )
    return real, str(shown)


def text_lines(real: Path, shown: str, label: str | None = None) -> Iterator[str]:
    """The lines of a UTF-8 data file (a BOM is dropped), each ending in "\\n" but maybe the
    last, read in 1 MiB chunks. Raises ValueError naming the line for a NUL byte (binary
    data) or bytes that are no UTF-8, and past :data:`MAX_DATA_FILE_BYTES`.

    ``label``: text of the progress bar shown on a terminal while a big file is read."""
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ValueError(f"cannot read {shown} ({exc.strerror or exc})") from None
    with open(fd, "rb", buffering=0) as raw:
        size = os.fstat(fd)
        if not stat.S_ISREG(size.st_mode):  # replaced since it was checked
            raise ValueError(f"{shown} is {_kind(size.st_mode)}, not a regular file")
        bar = _progress(label, size.st_size)
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        done = 0  # lines yielded
        total = 0
        pending = ""
        try:
            while True:
                try:
                    chunk = raw.read(CHUNK_BYTES)
                except OSError as exc:
                    raise ValueError(f"cannot read {shown} ({exc.strerror or exc})") from None
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_DATA_FILE_BYTES:
                    raise ValueError(
                        f"{shown} is larger than {MAX_DATA_FILE_BYTES // 1024**3} GiB, the limit for a data file"
                    )
                nul = chunk.find(b"\x00")
                if nul >= 0:
                    line = done + chunk[:nul].count(b"\n") + 1
                    raise ValueError(f"{shown}:{line}: this is not a text file (it holds binary data)")
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = done + chunk[: max(exc.start, 0)].count(b"\n") + 1
                    raise ValueError(f"{shown}:{line}: the file is not UTF-8 text") from None
                parts = (pending + text).split("\n")
                pending = parts.pop()
                done += len(parts)
                for part in parts:
                    yield part + "\n"
                if bar is not None:
                    bar.update(total, max(total, size.st_size))
            try:
                pending += decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise ValueError(f"{shown}:{done + 1}: the file is not UTF-8 text") from None
            if pending:
                yield pending
        finally:
            if bar is not None:
                bar.close()


def _progress(label: str | None, size: int) -> Any:
    if label is None or size < _PROGRESS_BYTES:
        return None
    from ..progress import ProgressBar  # rich is imported only for a big file

    return ProgressBar(label)
