"""Callers: arrivals (rate, profile, trace), joining (score, resume), patience, the watchdog
timers (max-wait, no-agent), leaving, retries, and the call record.

Reference §4 (member lifecycle, score, timers, resume) and E19, E22, E27.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from operator import attrgetter

from ..model import ProfileArrivals, RateArrivals, TraceArrivals, TraceRecord
from .arrivals import poisson_times, trace_rows
from .base import EngineBase
from .records import FLUSH_EVERY, new_call_record
from .state import INF, M_ANSWERED, M_LEFT, M_TRYING, M_WAITING, Member, QueueState

_SORT_KEY = attrgetter("sort_key")
_FLUSH_MASK = FLUSH_EVERY - 1
assert not FLUSH_EVERY & _FLUSH_MASK  # a power of two: seq & mask == 0 every FLUSH_EVERY callers


class CallerMixin(EngineBase):
    def _start_arrivals(self, q: QueueState) -> None:
        arrivals = q.spec.callers.arrivals
        self.pending_sources += 1
        if isinstance(arrivals, TraceArrivals):
            self._next_row(q, trace_rows(arrivals, self.horizon))
            return
        assert isinstance(arrivals, RateArrivals | ProfileArrivals)  # the model admits no other
        draw = self.streams.unit_exponential_blocks(f"arrivals/{q.id}")
        times = poisson_times(arrivals, self.horizon, draw)
        t = next(times, None)
        if t is None:
            self._arrivals_done()
        else:
            self.schedule(t - self.env.t, self._arrive, q, times)

    def _arrivals_done(self) -> None:
        self.pending_sources -= 1
        self._check_done()

    def _arrive(self, q: QueueState, times: Iterator[float]) -> None:
        """A Poisson arrival; schedules the next one."""
        self.number_seq += 1
        wants_pass = self._join(q, q.caller_number(self.number_seq), None, 0)
        t = next(times, None)
        if t is None:
            self._arrivals_done()
        else:
            self.schedule(t - self.env.t, self._arrive, q, times)
        if wants_pass:
            self.pass_last()

    def _next_row(self, q: QueueState, rows: Iterator[TraceRecord]) -> None:
        row = next(rows, None)
        if row is None:
            self._arrivals_done()
        else:
            self.schedule(row.time - self.env.t, self._arrive_row, q, rows, row)

    def _arrive_row(self, q: QueueState, rows: Iterator[TraceRecord], row: TraceRecord) -> None:
        """A trace row's arrival; schedules the next row."""
        number = row.number
        if not number:
            self.number_seq += 1
            number = q.caller_number(self.number_seq)
        wants_pass = self._join(q, number, row, 0)
        self._next_row(q, rows)
        if wants_pass:
            self.pass_last()

    def _join(self, q: QueueState, number: str, row: TraceRecord | None, retry_index: int) -> bool:
        """The caller joins the queue; True when a pass should follow (the caller asks)."""
        now = self.env.t
        seq = self.call_seq = self.call_seq + 1
        if not seq & _FLUSH_MASK and self.recorder_flush is not None:
            self.recorder_flush()
        m = Member(f"{q.call_prefix}{seq}", seq, q, number, now)
        if retry_index:
            m.retry_index = retry_index
        if row is None:
            m.talk_base = q.draw_talk()
            if q.draw_patience is not None:
                m.patience = q.draw_patience()
        else:
            talk = row.talk_time
            m.talk_base = q.draw_talk() if talk is None else talk
            patience = row.patience
            if patience is None and q.draw_patience is not None:
                patience = q.draw_patience()
            if patience is not None:
                m.patience = patience
        base = q.base_score
        if q.draw_pre_queue is not None:
            pre_queue = q.draw_pre_queue()
            if q.system_score:
                base += pre_queue
        if self.pbx:
            m.J = self.env.c
            base = self.clock.param(base)
        m.base = base
        if q.resume:
            old = q.abandoned.pop(number, None)
            # The dispatcher discards an abandoned row once abandoned + discard < now (§4.7).
            if old is not None and not self.env.c > old.abandoned_at + q.discard_after:
                m.J, m.base, m.resumed_from = old.J, old.base, old.call_id  # E22
                m.first_joined = old.first_joined
        m.sort_key = key = (m.J - m.base, seq)
        if q.strategy.rings:
            m.serving = q.strategy.name
        self.in_system += 1
        q.active += 1
        members = self.members
        if not members or members[-1].sort_key <= key:
            members.append(m)  # the usual case: a newcomer scores lowest
        else:
            bisect.insort(members, m, key=_SORT_KEY)
        if self.record_members:
            self._member_changed(m, now)
        if m.patience != INF:
            self.schedule(m.patience, self._patience_end, m)
        if q.max_wait > 0:
            self.schedule(self.clock.timer_due(now, q.max_wait) - now, self._max_wait, m)
        if q.na_wait > 0 and q.listed == 0:
            self._arm_no_agent(q, m)
        # A pass could offer this caller something (or change its state) only then; otherwise
        # the pass that an agent becoming free asks for will find it.
        return bool(q.idle_rows) or not q.plain

    # -- timers ------------------------------------------------------------------------------
    def _patience_end(self, m: Member) -> None:
        if m.state in (M_WAITING, M_TRYING):
            self._leave(m, "abandoned")

    def _max_wait(self, m: Member) -> None:
        if m.state not in (M_WAITING, M_TRYING):
            return
        if m.offers:
            m.timeout_pending = True  # E27: wait for the running originate to finish
        else:
            self._leave(m, "timeout")

    def _arm_no_agent(self, q: QueueState, m: Member) -> None:
        """Schedule the no-agent timeout of a member while the queue has no listed agent (§4.5)."""
        now = self.env.t
        t0 = self.clock.fl(m.joined_at)
        target = q.E + q.na_wait
        if self.pbx:
            target = max(target, q.E + 1)
        if q.na_reached > 0:
            target = max(target, t0 + q.na_wait + q.na_reached)
        earliest = max(now, self.clock.next_pass(m.joined_at))  # C >= t0 needs one pass
        due = self.clock.poll_at(m.joined_at, target, earliest)
        m.na_epoch = q.na_epoch
        self.schedule(due - now, self._no_agent_due, m, q.na_epoch)

    def _no_agent_due(self, m: Member, epoch: int) -> None:
        # The epoch the timer was armed in: a timer armed before the queue last lost or regained
        # its agents is stale, even if the member was armed again since.
        q = m.queue
        if m.state in (M_WAITING, M_TRYING) and q.listed == 0 and epoch == q.na_epoch:
            self._leave(m, "no_agent_timeout")

    # -- leaving ------------------------------------------------------------------------------
    def _unlist_member(self, m: Member) -> None:
        members = self.members
        if members[0] is m:
            del members[0]  # the usual case: the longest-waiting caller leaves first
        else:
            i = bisect.bisect_left(members, m.sort_key, key=_SORT_KEY)
            while members[i] is not m:
                i += 1
            del members[i]
        q = m.queue
        if q.listed > 0:
            q.E = self.env.c  # the passes kept it current while m waited

    def _leave(self, m: Member, outcome: str) -> None:
        """The caller leaves without an agent: abandoned, timeout or no_agent_timeout."""
        now = self.env.t
        had_offers = bool(m.offers)
        m.state = M_LEFT
        self._unlist_member(m)
        self.cancel_offers(m.offers)
        m.abandoned_at = self.env.c
        q = m.queue
        if q.resume:
            kept = q.abandoned
            # Rows past the discard window can never be resumed: drop them (oldest first, the
            # dict is in abandon order) so memory does not grow with the number of callers.
            horizon = m.abandoned_at - q.discard_after
            while kept:
                oldest = next(iter(kept))
                if kept[oldest].abandoned_at >= horizon:
                    break
                del kept[oldest]
            kept.pop(m.number, None)
            kept[m.number] = m
        self._member_changed(m, now)
        self._finish_call(m, outcome, now)
        if outcome == "abandoned" and q.retry_p > 0 and q.draw_retry_u() < q.retry_p:
            draw_delay = q.draw_retry_delay
            assert draw_delay is not None  # retry_p > 0 only with a retry block
            delay = draw_delay()
            self.pending_retries += 1
            self.schedule(delay, self._retry, q, m.number, m.retry_index + 1)
        if had_offers:
            self.request_pass()

    def _retry(self, q: QueueState, number: str, retry_index: int) -> None:
        self.pending_retries -= 1
        if self.stopped:
            return
        if self._join(q, number, None, retry_index):
            self.pass_last()

    def _finish_call(self, m: Member, outcome: str, now: float | None) -> None:
        """Emit the call record; ``now`` None means the run was cut while the call was on."""
        q = m.queue
        answered = m.answered_at
        if outcome == "answered":
            wait = (answered or 0.0) - m.joined_at
            talk = None if now is None else now - (answered or 0.0)
        else:
            wait = (now if now is not None else self.env.t) - m.joined_at
            talk = None
        agent = m.agent.ref if m.agent is not None else ""
        self.recorder.call(
            new_call_record((
                m.call_id, q.id, m.number, m.joined_at, answered, now, outcome, wait, talk, agent,
                m.agent_level, m.n_offers, q.transfer_dst if outcome == "timeout" else "",
                m.resumed_from, m.first_joined,
            ))
        )
        if now is not None:
            self.in_system -= 1
            q.active -= 1
            if m.state == M_ANSWERED:
                m.state = M_LEFT
                if self.record_members:
                    self._member_changed(m, now)
            if now >= self.horizon:
                self._check_done()
