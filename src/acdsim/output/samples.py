"""status.csv: the queue status (§11.1) every ``status_interval`` seconds, derived from the
call and offer records in bulk, without a record per member state change.

A caller is present from ``joined_at`` to ``left_at`` (to the end when the run cut it), and
Answered from ``answered_at``. In a one-offer queue it is Trying exactly while an offer rings
(from ``offered_at`` to ``ended_at``: the member turns Trying with the offer and back to
Waiting when it fails); in a ring queue (ring-all, ring-progressively) it is Trying from its
first pass, whether or not an agent rings (E12), which no call or offer tells: the engine
marks it (``Recorder.member_mark``), and marks too the callers still Waiting or Trying when
the run ends (the offer cut then is still ringing in the last sample). Waiting is the rest of
the caller's presence.

A sample at time ``at`` counts the states after every change at a time <= ``at``: a state
held over ``[start, end)`` is in the samples ``k`` with ``start <= k * interval < end`` (one
of zero length in none). Each state's counts are kept as differences per sample (+1 at the
first sample of an interval, -1 at the first sample past it), added a chunk at a time with
numpy; the samples are their running sums, written at the end (a caller still present may
change any sample since it joined). Memory: three 4-byte counts per sample and queue, 12
bytes per row of status.csv (the M/M/50's million callers: 67,000 rows, 0.8 MB; the limit of
20 million rows: 240 MB), and the first pass of each ring caller still in the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..engine.records import CallRecord, MemberStateRecord, NullRecorder, OfferRecord
from .columns import transposed

_PRESENT, _TRYING, _ANSWERED = 0, 1, 2


class StatusSampler(NullRecorder):
    """Emits (time, queue, waiting, trying, answered) every ``interval`` seconds, at ``finish``.

    ``rings``: the ids of the queues whose members are Trying from their first pass. Calls,
    offers and marks are kept by their lists' own append and added up at the engine's flush."""

    def __init__(
        self, queue_ids: list[int], interval: float, emit: Callable[[tuple[Any, ...]], None],
        rings: Iterable[int] = (),
    ) -> None:
        self.queue_ids = queue_ids
        self.index = {q: i for i, q in enumerate(queue_ids)}
        self.rings = frozenset(rings)
        self.interval = interval
        self.emit = emit
        self.diff = np.zeros((3, len(queue_ids), 1024), dtype=np.int32)  # (member counts)
        self.tried: dict[str, float] = {}  # ring callers' first pass, until their call record
        self.open_at_end: set[str] = set()  # one-offer callers Trying when the run ended
        self._calls: list[CallRecord] = []
        self._offers: list[OfferRecord] = []
        self._marks: list[MemberStateRecord] = []
        self.call = self._calls.append  # type: ignore[method-assign, assignment]
        self.member_mark = self._marks.append  # type: ignore[method-assign, assignment]
        if any(q not in self.rings for q in queue_ids):
            self.offer = self._offers.append  # type: ignore[method-assign, assignment]

    # -- the chunks ---------------------------------------------------------------------------
    def flush(self) -> None:
        marks, calls, offers = self._marks.copy(), self._calls.copy(), self._offers.copy()
        self._marks.clear()  # (emptied in place: the methods are their appends)
        self._calls.clear()
        self._offers.clear()
        for r in marks:
            if r.state == "Trying":
                if r.queue in self.rings:
                    self.tried.setdefault(r.call_api_id, r.time)
                else:
                    self.open_at_end.add(r.call_api_id)
        if offers:
            self._add_offers(offers)
        if calls:
            self._add_calls(calls)

    def _add_calls(self, chunk: list[CallRecord]) -> None:
        ids, queues, _, joined, answered, left = transposed(chunk)[:6]
        qi = self._queue_index(queues)
        joined_at = np.array(joined, dtype=float)
        answered_at = np.array(answered, dtype=float)  # None -> nan
        left_at = np.array(left, dtype=float)
        left_at[np.isnan(left_at)] = np.inf  # cut by the end of the run: present to the end
        self._interval(_PRESENT, qi, joined_at, left_at)
        was_answered = ~np.isnan(answered_at)
        self._interval(_ANSWERED, qi[was_answered], answered_at[was_answered], left_at[was_answered])
        if self.rings:
            tried = self.tried
            rows, starts = [], []
            for i, (call_id, q) in enumerate(zip(ids, queues, strict=True)):
                if q in self.rings:
                    t = tried.pop(call_id, None)
                    if t is not None:
                        rows.append(i)
                        starts.append(t)
            if rows:
                at = np.array(rows, dtype=np.int64)
                ends = np.where(was_answered[at], answered_at[at], left_at[at])
                self._interval(_TRYING, qi[at], np.array(starts, dtype=float), ends)

    def _add_offers(self, chunk: list[OfferRecord]) -> None:
        ids, queues, _, _, _, offered, ended = transposed(chunk)[:7]
        ended_at = np.array(ended, dtype=float)
        if self.open_at_end:
            # The offer still ringing when the run ended is the caller's last one (cut then).
            for i in range(len(ids) - 1, -1, -1):
                if ids[i] in self.open_at_end:
                    self.open_at_end.discard(ids[i])
                    ended_at[i] = np.inf
        keep: Any = slice(None)
        if self.rings:
            keep = np.array([q not in self.rings for q in queues])
        self._interval(
            _TRYING, self._queue_index(queues)[keep], np.array(offered, dtype=float)[keep], ended_at[keep]
        )

    def _queue_index(self, queues: tuple[int, ...]) -> np.ndarray:
        if len(self.queue_ids) == 1:
            return np.zeros(len(queues), dtype=np.int64)
        index = self.index
        return np.array([index[q] for q in queues], dtype=np.int64)

    def _interval(self, state: int, qi: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
        """Count ``state`` over ``[start, end)`` (end inf: to the end of the run)."""
        k_start = self._first_sample(start)
        finite = np.isfinite(end)
        k_end = self._first_sample(end[finite])
        top = int(max(k_start.max(initial=0), k_end.max(initial=0)))
        if top >= self.diff.shape[2]:
            grown = np.zeros((3, len(self.queue_ids), max(2 * self.diff.shape[2], top + 1)), dtype=np.int32)
            grown[:, :, : self.diff.shape[2]] = self.diff
            self.diff = grown
        counts = self.diff[state]
        _add_counts(counts, qi, k_start, 1)
        _add_counts(counts, qi[finite], k_end, -1)

    def _first_sample(self, t: np.ndarray) -> np.ndarray:
        """The first k with ``k * interval >= t`` (the sample time as the float product)."""
        size = self.interval
        k = np.ceil(t / size)
        k -= (k > 0) & ((k - 1) * size >= t)  # (the division rounded up past it)
        k += k * size < t
        return k.astype(np.int64)

    # -- the samples --------------------------------------------------------------------------
    def finish(self, end: float) -> None:
        """Emit every sample at or before ``end``."""
        self.flush()
        size = self.interval
        last = int(end // size)
        while (last + 1) * size <= end:
            last += 1
        while last > 0 and last * size > end:
            last -= 1
        n = last + 1
        diff = self.diff
        if diff.shape[2] < n:
            diff = np.concatenate([diff, np.zeros((3, len(self.queue_ids), n - diff.shape[2]), dtype=np.int32)], axis=2)
        counts = np.cumsum(diff[:, :, :n], axis=2)
        present, trying, answered = counts[_PRESENT], counts[_TRYING], counts[_ANSWERED]
        waiting = present - trying - answered
        times = (np.arange(n, dtype=float) * size).tolist()
        emit = self.emit
        columns = [(q, waiting[i].tolist(), trying[i].tolist(), answered[i].tolist())
                   for i, q in enumerate(self.queue_ids)]
        for k, at in enumerate(times):
            for q, w, t, a in columns:
                emit((at, q, w[k], t[k], a[k]))


def _add_counts(counts: np.ndarray, qi: np.ndarray, k: np.ndarray, sign: int) -> None:
    """``counts[qi, k] += sign`` for every pair, repeats included (``np.add.at``, by
    ``bincount`` over the samples the chunk touches: many times faster)."""
    if not len(k):
        return
    low = int(k.min())
    span = int(k.max()) - low + 1
    rows = counts.shape[0]
    added = np.bincount(qi * span + (k - low), minlength=rows * span).reshape(rows, span)
    if sign < 0:
        counts[:, low : low + span] -= added.astype(counts.dtype)
    else:
        counts[:, low : low + span] += added.astype(counts.dtype)

