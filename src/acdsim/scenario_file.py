"""The scenario file itself: which files may be one (a regular file or a pipe), how much of
it is read, and which folder its data files are taken from."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ScenarioError
from .loader_yaml import EMPTY as _EMPTY

MAX_SCENARIO_BYTES = 16 * 1024**2
"""The largest scenario file read (16 MiB; a scenario with 2,000 agents is about 400 KiB)."""

_STREAM_PREFIXES = ("/dev/", "/proc/")


def scenario_folder(path: str | Path) -> Path:
    """The folder whose data files a scenario may read: the scenario file's own folder, or
    the current folder when the scenario comes from a pipe or ``/dev/stdin``."""
    file = str(path)
    if file.startswith(_STREAM_PREFIXES):
        return Path(".")
    try:
        if stat.S_ISFIFO(os.stat(file).st_mode):
            return Path(".")
    except (OSError, ValueError):
        pass
    return Path(file).parent


def read_scenario_text(path: str | Path) -> str:
    """The text of a scenario file, or a one-problem :class:`ScenarioError` saying why not.

    A regular file or a pipe (``cat s.yaml | acdsim run /dev/stdin``) is read, at most
    :data:`MAX_SCENARIO_BYTES`; devices, sockets and folders are refused.
    """
    file = str(path)
    limit = f"the file is larger than {MAX_SCENARIO_BYTES // 1024**2} MiB, the limit for a scenario file"
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise ScenarioError.single(file, "no such file") from None
    except (OSError, ValueError) as exc:
        raise ScenarioError.single(file, f"cannot read the file: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(mode):
        raise ScenarioError.single(file, "is a directory, not a scenario file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        kind = "a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise ScenarioError.single(file, f"is {kind}, not a scenario file (a regular file or a pipe)")
    try:
        with open(path, "rb") as handle:
            opened = os.fstat(handle.fileno())
            if stat.S_ISREG(opened.st_mode) and opened.st_size > MAX_SCENARIO_BYTES:
                raise ScenarioError.single(file, limit)
            raw = handle.read(MAX_SCENARIO_BYTES + 1)  # a pipe (or a growing file) is cut here
    except OSError as exc:
        raise ScenarioError.single(file, f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError.single(file, limit)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ScenarioError.single(file, "this is not a text file (it holds binary data)", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        raise ScenarioError.single(
            file, f"the file is not UTF-8 text (byte 0x{byte:02x} cannot be decoded)", line
        ) from None
    if not text.strip():
        raise ScenarioError.single(file, _EMPTY)
    return text


