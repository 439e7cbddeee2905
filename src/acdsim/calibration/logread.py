"""Reading a call log: one row per call, mapped onto join / answer / leave times.

The log is a CSV file or a pandas DataFrame. Its columns are found through a map
(``joined=COL,answered=COL,left=COL,outcome=COL,queue=COL,agent=COL,wrap_up=COL``); without
one, acdsim's own ``calls.csv`` columns (``joined_at``, ``answered_at``, ``left_at``, ...) or
columns named like the keys are used. Times are seconds or datetimes (ISO 8601 or a common
spreadsheet format, or ``time_format``). Every row the fit cannot use is counted under a
reason; none is dropped silently.

The result is a :class:`CallLog`: times in seconds since ``origin`` (midnight of the first
day for a log with datetimes), a day index per call and the per-reason counts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScenarioError

MAP_KEYS = ("joined", "answered", "left", "outcome", "queue", "agent", "wrap_up")
REQUIRED = ("joined", "answered", "left")

#: acdsim's calls.csv (SCENARIO_FORMAT §11).
ACDSIM_MAP = {
    "joined": "joined_at", "answered": "answered_at", "left": "left_at", "outcome": "outcome",
    "queue": "queue", "agent": "agent",
}

OUTCOMES = ("answered", "abandoned", "timeout", "no_agent_timeout", "in_queue")
#: Outcome words of other systems, lower case, mapped onto acdsim's.
OUTCOME_WORDS = {
    **{o: o for o in OUTCOMES},
    "answer": "answered", "connected": "answered", "completed": "answered", "handled": "answered",
    "abandon": "abandoned", "abandoned_call": "abandoned", "hangup": "abandoned", "lost": "abandoned",
    "timed_out": "timeout", "timedout": "timeout", "max_wait": "timeout", "overflow": "timeout",
    "waiting": "in_queue", "queued": "in_queue",
}

#: Spreadsheet formats tried, in this order, when a column is neither seconds nor ISO 8601.
TIME_FORMATS = (
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M",
)

DAY = 86400.0


@dataclass
class CallLog:
    """The usable calls of a log, as numpy arrays in seconds since ``origin``.

    ``answered`` and ``left`` are NaN where absent; ``outcome`` holds acdsim's outcome names;
    ``day`` numbers the days (and replications) of the log from 0; ``rejected`` counts the
    rows left out, by reason.
    """

    source: str
    joined: np.ndarray
    answered: np.ndarray
    left: np.ndarray
    outcome: np.ndarray
    day: np.ndarray
    tod: np.ndarray  # join time of day: seconds after the start of the call's day
    queue: np.ndarray
    agent: np.ndarray | None
    wrap_up: np.ndarray | None
    origin: dt.datetime | None
    days: int
    weekday_of_day: np.ndarray | None  # Monday = 0, per day index (logs with datetimes)
    rows: int
    rejected: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def day_start(self) -> np.ndarray:
        """Start of each call's day: 0 for a log of one day in seconds."""
        return self.joined - self.tod

    def select(self, keep: np.ndarray) -> CallLog:
        """The calls where ``keep`` is true (days renumbered are kept as they are)."""
        def sub(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[keep]

        return CallLog(
            self.source, self.joined[keep], self.answered[keep], self.left[keep], self.outcome[keep],
            self.day[keep], self.tod[keep], self.queue[keep], sub(self.agent), sub(self.wrap_up), self.origin,
            self.days, self.weekday_of_day, self.rows, dict(self.rejected), dict(self.columns),
        )


def parse_map(items: Mapping[str, str] | str | None) -> dict[str, str]:
    """``"joined=Start,left=End"`` (or a dict) -> a column map, keys checked."""
    if items is None:
        return {}
    if isinstance(items, str):
        pairs: dict[str, str] = {}
        for part in (p.strip() for p in items.split(",")):
            if not part:
                continue
            key, sep, col = part.partition("=")
            if not sep or not col.strip():
                raise ValueError(f"{part!r} is not KEY=COLUMN (keys: {', '.join(MAP_KEYS)})")
            pairs[key.strip()] = col.strip()
        items = pairs
    unknown = [k for k in items if k not in MAP_KEYS]
    if unknown:
        raise ValueError(f"unknown map key(s) {', '.join(map(repr, unknown))} (expected one of: {', '.join(MAP_KEYS)})")
    return dict(items)


def read_log(
    source: str | Path | pd.DataFrame,
    mapping: Mapping[str, str] | str | None = None,
    *,
    time_format: str | None = None,
) -> CallLog:
    """Read and map a call log; raise ScenarioError (one problem per line) when it cannot be used."""
    name = "<dataframe>" if isinstance(source, pd.DataFrame) else str(source)
    try:
        given = parse_map(mapping)
    except ValueError as exc:
        raise ScenarioError.single("--map", str(exc)) from None
    header = list(source.columns) if isinstance(source, pd.DataFrame) else _header(name)
    columns = _resolve(name, header, given)
    anchor = "joined_datetime" if "joined_datetime" in header and columns["joined"] == "joined_at" else None
    extra = tuple(c for c in (anchor, "replication") if c is not None and c in header)
    frame = source if isinstance(source, pd.DataFrame) else _read_csv(name, columns, extra)
    return _build(name, frame, columns, anchor, time_format)


def _header(name: str) -> list[str]:
    path = Path(name)
    if not path.is_file():
        raise ScenarioError.single(name, "no such file" if not path.exists() else "not a regular file")
    try:
        return [str(c).strip() for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ScenarioError.single(name, f"not a readable CSV file ({_one_line(exc)})") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _resolve(name: str, header: list[str], given: dict[str, str]) -> dict[str, str]:
    """The column of each map key: given, else acdsim's calls.csv name, else the key itself."""
    columns: dict[str, str] = {}
    problems = []
    acdsim_log = "joined_at" in header and "joined" not in given
    for key in MAP_KEYS:
        if key in given:
            if given[key] not in header:
                problems.append(f"--map {key}={given[key]}: the log has no column {given[key]!r} (columns: {', '.join(header[:30])})")
                continue
            columns[key] = given[key]
            continue
        guess = ACDSIM_MAP.get(key) if acdsim_log else key
        if guess is not None and guess in header:
            columns[key] = guess
        elif key in REQUIRED:
            problems.append(
                f"no column for '{key}' (columns: {', '.join(header[:30])}); name it with --map {key}=COLUMN"
            )
    if problems:
        from ..errors import Problem

        raise ScenarioError([Problem(name, None, (), p) for p in problems])
    return columns


def _read_csv(name: str, columns: dict[str, str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    wanted = list(dict.fromkeys([*columns.values(), *extra]))
    try:
        frame = pd.read_csv(
            name, usecols=lambda c: str(c).strip() in wanted, dtype=str, keep_default_na=False,
            encoding="utf-8-sig", engine="c", skipinitialspace=True,
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ScenarioError.single(name, f"not a readable CSV file ({_one_line(exc)})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


# ------------------------------------------------------------------------------------ times


def _blank(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
        return np.asarray(col.isna())
    return np.asarray(col.isna() | col.isin(["", "nan", "NaN", "NaT", "None"]))


def _strings(col: pd.Series) -> np.ndarray:
    """A text column as stripped strings ("" when empty), converted once per distinct value."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    clean = [str(u).strip() for u in uniques]
    clean = ["" if c in ("nan", "NaN", "None") else c for c in clean]
    return np.array([*clean, ""], dtype=object)[codes]


def _kind(col: pd.Series, time_format: str | None) -> str:
    if time_format is not None:
        return "datetime"
    if pd.api.types.is_datetime64_any_dtype(col):
        return "datetime"
    if pd.api.types.is_numeric_dtype(col):
        return "seconds"
    sample = col[~_blank(col)].head(2000)
    numbers = pd.to_numeric(sample, errors="coerce")
    return "seconds" if len(sample) == 0 or numbers.notna().mean() > 0.5 else "datetime"


def _format_for(col: pd.Series) -> str:
    """The datetime format that reads most of the first non-empty cells."""
    sample = col[~_blank(col)].head(2000).astype(str)
    best, best_ok = "ISO8601", -1
    for fmt in ("ISO8601", *TIME_FORMATS):
        ok = int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
        if ok > best_ok:
            best, best_ok = fmt, ok
        if ok == len(sample):
            break
    return best


def _times(col: pd.Series, kind: str, fmt: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(values, unreadable): seconds as float, or datetimes as float seconds since the epoch."""
    blank = _blank(col)
    if kind == "seconds":
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, copy=True)
    else:
        if pd.api.types.is_datetime64_any_dtype(col):
            parsed = col
        else:
            try:
                parsed = pd.to_datetime(col, format=fmt or "ISO8601", errors="coerce")
            except (ValueError, TypeError):  # mixed UTC offsets: read as UTC
                parsed = pd.to_datetime(col, format=fmt or "ISO8601", errors="coerce", utc=True)
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        values = (parsed.astype("datetime64[ns]").to_numpy().astype("int64") / 1e9).astype(float)
        values[np.asarray(parsed.isna())] = np.nan
    bad = ~blank & ~np.isfinite(values)
    values[blank] = np.nan
    return values, bad


def _build(name: str, frame: pd.DataFrame, columns: dict[str, str], anchor: str | None,
           time_format: str | None) -> CallLog:
    n = len(frame)
    if n == 0:
        raise ScenarioError.single(name, "the log has no rows")
    kind = _kind(frame[columns["joined"]], time_format)
    fmt = time_format or (None if kind == "seconds" else _format_for(frame[columns["joined"]]))
    rejected: dict[str, int] = {}
    t: dict[str, np.ndarray] = {}
    bad_any = np.zeros(n, dtype=bool)
    for key in ("joined", "answered", "left"):
        values, bad = _times(frame[columns[key]], kind, fmt)
        _count(rejected, f"unreadable {key} time", bad & ~bad_any)
        bad_any |= bad
        t[key] = values
    joined, answered, left = t["joined"], t["answered"], t["left"]
    missing = ~np.isfinite(joined) & ~bad_any
    _count(rejected, "no joined time", missing)
    bad_any |= missing

    outcome = _outcomes(frame, columns, answered, left)
    unknown = (outcome == "") & ~bad_any
    _count(rejected, "unknown outcome", unknown)
    bad_any |= unknown
    checks = (
        ("left before joined", np.isfinite(left) & (left < joined)),
        ("answered before joined", np.isfinite(answered) & (answered < joined)),
        ("answered after left", np.isfinite(answered) & np.isfinite(left) & (answered > left)),
        ("answered without an answered time", (outcome == "answered") & ~np.isfinite(answered)),
        ("answered time on a call that was not answered", (outcome != "answered") & (outcome != "in_queue") & np.isfinite(answered)),
        ("no left time on a call that left the queue", (outcome != "answered") & (outcome != "in_queue") & ~np.isfinite(left)),
    )
    for reason, mask in checks:
        mask = mask & ~bad_any
        _count(rejected, reason, mask)
        bad_any |= mask

    wrap = None
    if "wrap_up" in columns:
        wrap = pd.to_numeric(frame[columns["wrap_up"]], errors="coerce").to_numpy(dtype=float)
        neg = (wrap < 0) & ~bad_any
        _count(rejected, "negative wrap-up", neg)
        bad_any |= neg

    origin: dt.datetime | None = None
    shift = 0.0
    if kind == "datetime":
        first = float(np.nanmin(np.where(bad_any, np.nan, joined))) if (~bad_any).any() else 0.0
        day0 = dt.datetime.fromtimestamp(first, tz=dt.UTC).replace(tzinfo=None)
        origin = day0.replace(hour=0, minute=0, second=0, microsecond=0)
        shift = (origin - dt.datetime(1970, 1, 1)).total_seconds()
    elif anchor is not None:
        origin, shift = _anchor_origin(frame[anchor], joined, bad_any)
    elif (~bad_any).any() and np.nanmin(joined[~bad_any]) < 0:
        # Seconds before 0: count from the start of the first (24 h) day instead.
        shift = float(np.floor(np.nanmin(joined[~bad_any]) / DAY) * DAY)
    joined, answered, left = joined - shift, answered - shift, left - shift

    keep = ~bad_any
    if not keep.any():
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(rejected.items()))
        raise ScenarioError.single(name, f"no usable row ({detail})")
    rep = (pd.to_numeric(frame["replication"], errors="coerce").fillna(0).to_numpy()
           if "replication" in frame.columns else np.zeros(n))
    days_apart = origin is not None or np.nanmax(joined[keep]) - np.nanmin(joined[keep]) > DAY
    day_raw = np.where(keep, np.floor(joined / DAY), 0) if days_apart else np.zeros(n)
    tod = joined - day_raw * DAY
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([rep[keep], day_raw[keep]]), sort=True)
    weekday = None
    if origin is not None:
        weekday = np.array([(origin + dt.timedelta(days=float(d))).weekday() for _, d in uniques])
    queue = (_strings(frame[columns["queue"]])[keep] if "queue" in columns
             else np.full(int(keep.sum()), "", dtype=object))
    agent = _strings(frame[columns["agent"]])[keep] if "agent" in columns else None
    return CallLog(
        name, joined[keep], answered[keep], left[keep], outcome[keep], codes.astype(np.int64),
        tod[keep], queue, agent, None if wrap is None else wrap[keep], origin, len(uniques), weekday, n,
        rejected, columns,
    )


def _anchor_origin(stamps: pd.Series, joined: np.ndarray, bad: np.ndarray) -> tuple[dt.datetime | None, float]:
    """acdsim's calls.csv: ``start`` = joined_datetime - joined_at; the origin is its midnight."""
    parsed = stamps if pd.api.types.is_datetime64_any_dtype(stamps) else pd.to_datetime(stamps, format="ISO8601", errors="coerce")
    ok = parsed.notna().to_numpy() & ~bad & np.isfinite(joined)
    if not ok.any():
        return None, 0.0
    # joined_datetime is joined_at truncated to the second: the latest implied start is the closest.
    epoch = parsed.astype("datetime64[ns]").to_numpy().astype("int64")[ok] / 1e9
    start_s = float(np.max(epoch - joined[ok]))
    start = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=round(start_s))
    origin = start.replace(hour=0, minute=0, second=0)
    return origin, -(start - origin).total_seconds()


def _outcomes(frame: pd.DataFrame, columns: dict[str, str], answered: np.ndarray, left: np.ndarray) -> np.ndarray:
    if "outcome" not in columns:
        # Without an outcome: answered if answered, still waiting if it never left, else abandoned.
        return np.where(np.isfinite(answered), "answered", np.where(np.isfinite(left), "abandoned", "in_queue")).astype(object)
    codes, uniques = pd.factorize(frame[columns["outcome"]], use_na_sentinel=True)
    words = [OUTCOME_WORDS.get(re.sub(r"[\s-]+", "_", str(u).strip().lower()), "") for u in uniques]
    return np.array([*words, ""], dtype=object)[codes]


def _count(rejected: dict[str, int], reason: str, mask: np.ndarray) -> None:
    k = int(np.count_nonzero(mask))
    if k:
        rejected[reason] = rejected.get(reason, 0) + k
