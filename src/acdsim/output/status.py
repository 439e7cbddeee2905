"""The API's queue status resources over simulated time, rebuilt from member-state records.

``GET /extension/{id}/queue/status/`` counts the queue's callers in the member states Waiting,
Trying and Answered (SCENARIO_FORMAT §11.1); ``.../status/members/`` lists them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..engine.records import MemberStateRecord, NullRecorder

STATES = ("Waiting", "Trying", "Answered")


class MemberBoard:
    """The members present right now, per queue, kept current from member-state records."""

    def __init__(self, queue_ids: list[int]) -> None:
        self.present: dict[str, MemberStateRecord] = {}
        self.counts = {q: dict.fromkeys(STATES, 0) for q in queue_ids}

    def apply(self, r: MemberStateRecord) -> None:
        old = self.present.pop(r.call_api_id, None)
        if old is not None:
            self.counts[old.queue][old.state] -= 1
        if r.state in STATES:
            self.present[r.call_api_id] = r
            self.counts[r.queue][r.state] += 1

    def status(self, queue: int) -> dict[str, int]:
        c = self.counts[queue]
        return {"answered_members": c["Answered"], "trying_members": c["Trying"], "waiting_members": c["Waiting"]}

    def members(self, queue: int, at: float, start: dt.datetime) -> list[dict[str, Any]]:
        out = []
        for r in sorted(self.present.values(), key=lambda x: (x.joined_at, x.call_api_id)):
            if r.queue != queue:
                continue
            joined = start + dt.timedelta(seconds=math.floor(r.joined_at))
            out.append(
                {
                    "call_api_id": r.call_api_id,
                    "joined_datetime": joined.strftime("%Y-%m-%d %H:%M:%S"),
                    "number": r.number,
                    "serving_agent": r.serving_agent,
                    "state": r.state,
                    "wait_time": int(math.floor(at - r.joined_at + 1e-9)),
                }
            )
        return out


class SnapshotRecorder(NullRecorder):
    """Keeps the member board as it was at time ``at`` (for ``acdsim status``)."""

    def __init__(self, queue_ids: list[int], at: float) -> None:
        self.board = MemberBoard(queue_ids)
        self.at = at

    def member_state(self, r: MemberStateRecord) -> None:
        if r.time <= self.at:
            self.board.apply(r)


def run_end(scenario: Any) -> float:
    """The latest simulated time of a run: the horizon, plus drain_limit when it drains."""
    return float(scenario.horizon + (scenario.drain_limit if scenario.drain else 0.0))


def past_end_message(scenario: Any, at: float) -> str | None:
    """Why nothing can be looked at ``at`` seconds (None if the run reaches that time)."""
    end = run_end(scenario)
    if at <= end:
        return None
    how = (
        f"horizon {scenario.horizon:g} s + drain_limit {scenario.drain_limit:g} s"
        if scenario.drain else f"horizon {scenario.horizon:g} s, drain false"
    )
    when = _clock(scenario.start, end)
    return f"{at:.10g} s is past the end of the run: it ends at {end:.10g} s ({how}), {when}"


def _clock(start: dt.datetime, seconds: float) -> str:
    return (start + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def seconds_at_clock(scenario: Any, clock: dt.time) -> float:
    """A wall-clock time on ``start``'s date as seconds after ``start``; ValueError if before it."""
    start: dt.datetime = scenario.start
    when = dt.datetime.combine(start.date(), clock, tzinfo=start.tzinfo)
    seconds = (when - start).total_seconds()
    if seconds < 0:
        raise ValueError(
            f"{clock.isoformat()} is before the start of the run ({start.strftime('%Y-%m-%d %H:%M:%S')}); "
            "a clock time is read on start's date"
        )
    return seconds


def status_at(scenario: Any, at: float, queue: int | None = None, members: bool = False) -> Any:
    """What ``GET /extension/{id}/queue/status/`` (or ``.../status/members/``) would have
    answered at simulated time ``at`` in replication 0: one object per queue, keyed by queue
    id, or just that queue's answer with ``queue``. ValueError if ``at`` is past the end of
    the run (the horizon, plus drain_limit when it drains)."""
    from ..engine import Simulation

    queue_ids = [q.id for q in scenario.queues]
    if queue is not None and queue not in queue_ids:
        raise ValueError(f"no queue {queue} in the scenario (queues: {', '.join(map(str, queue_ids))})")
    past = past_end_message(scenario, at)
    if past is not None:
        raise ValueError(past)
    snapshot = SnapshotRecorder(queue_ids, at + 1e-9)
    Simulation(scenario, snapshot, replication=0).run(until=at + 1e-6)
    board = snapshot.board

    def answer(q: int) -> Any:
        return board.members(q, at, scenario.start) if members else board.status(q)

    if queue is not None:
        return answer(queue)
    return {str(q): answer(q) for q in queue_ids}
