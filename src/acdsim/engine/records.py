"""Immutable records the engine emits, and the recorder interface that receives them.

The engine records, it does not report: files, metrics and plots are built downstream from
these records (see ``acdsim.output``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple, Protocol


class CallRecord(NamedTuple):
    """One caller (one call into one queue). Times in seconds since t = 0."""

    call_api_id: str
    queue: int
    number: str
    joined_at: float
    answered_at: float | None
    left_at: float | None
    outcome: str  # answered | abandoned | timeout | no_agent_timeout | in_queue
    wait_time: float
    talk_time: float | None
    agent: str
    agent_level: int | None
    offers: int
    transferred_to: str
    resumed_from: str  # call_api_id whose abandoned place this call resumed, or ""
    first_join_at: float  # the score / tier-rule join time (original join when resumed)


class OfferRecord(NamedTuple):
    """One offer of a caller to an agent."""

    call_api_id: str
    queue: int
    agent: str
    level: int
    position: int
    offered_at: float
    ended_at: float
    result: str  # answered | no_answer | rejected | busy | lost_race | cancelled


# Build a record from one tuple of its fields, in order, without the Python-level
# ``__new__`` of NamedTuple (the engine builds one or more of these per caller).
new_call_record: Callable[[tuple[Any, ...]], CallRecord] = partial(tuple.__new__, CallRecord)
new_offer_record: Callable[[tuple[Any, ...]], OfferRecord] = partial(tuple.__new__, OfferRecord)


class AgentStateRecord(NamedTuple):
    """An agent's status and state from ``time`` on (emitted on every change)."""

    time: float
    agent: str
    status: str  # available | available_on_demand | on_break | logged_out
    state: str  # waiting | receiving | in_queue_call | idle


class AgentPauseRecord(NamedTuple):
    """A pause that keeps a Waiting agent from being offered: wrap-up or a delay."""

    agent: str
    kind: str  # wrap_up | busy_delay | reject_delay | no_answer_delay
    start: float
    end: float


class MemberStateRecord(NamedTuple):
    """A caller's member state in its queue from ``time`` on (the API's status resource)."""

    time: float
    call_api_id: str
    queue: int
    number: str
    state: str  # Waiting | Trying | Answered | Left
    serving_agent: str
    joined_at: float  # the module's joined_epoch: the original join when the caller resumed


# As new_call_record: the engine builds these on every member and agent change.
new_agent_state_record: Callable[[tuple[Any, ...]], AgentStateRecord] = partial(tuple.__new__, AgentStateRecord)
new_member_state_record: Callable[[tuple[Any, ...]], MemberStateRecord] = partial(
    tuple.__new__, MemberStateRecord
)


class AgentEventRecord(NamedTuple):
    """A real agent status change that the API reports as an agent event."""

    time: float
    agent: str
    event_type: str  # agent-login | agent-logout
    status: str  # the new status
    source: str  # api | phone


#: The engine calls a recorder's ``flush()``, if it has one, after every FLUSH_EVERY callers
#: who joined: a recorder that keeps records to process them in bulk can then do so, so
#: that its ``call`` and ``offer`` can be plain list appends (no size test per record).
FLUSH_EVERY = 1024


class Recorder(Protocol):
    """``agent_state`` receives every status or state change of an agent; ``agent_status``
    only the status changes (enough for logged-in time, and much rarer). ``member_state``
    receives every member state change; ``member_mark`` only the ones the call and offer
    records do not tell (a ring member turning Trying on its first pass, E12, and, when the
    run ends, the state of each caller still Waiting or Trying): the status samples are
    derived from calls, offers and these. An optional ``flush()`` is called every
    ``FLUSH_EVERY`` callers (see above)."""

    def call(self, record: CallRecord) -> None: ...
    def offer(self, record: OfferRecord) -> None: ...
    def agent_state(self, record: AgentStateRecord) -> None: ...
    def agent_status(self, record: AgentStateRecord) -> None: ...
    def agent_pause(self, record: AgentPauseRecord) -> None: ...
    def member_state(self, record: MemberStateRecord) -> None: ...
    def member_mark(self, record: MemberStateRecord) -> None: ...
    def agent_event(self, record: AgentEventRecord) -> None: ...


class NullRecorder:
    """Discards everything; subclass and override what you need."""

    def call(self, record: CallRecord) -> None:
        pass

    def offer(self, record: OfferRecord) -> None:
        pass

    def agent_state(self, record: AgentStateRecord) -> None:
        pass

    def agent_status(self, record: AgentStateRecord) -> None:
        pass

    def agent_pause(self, record: AgentPauseRecord) -> None:
        pass

    def member_state(self, record: MemberStateRecord) -> None:
        pass

    def member_mark(self, record: MemberStateRecord) -> None:
        pass

    def agent_event(self, record: AgentEventRecord) -> None:
        pass


class ListRecorder:
    """Keeps every record in lists (tests, notebooks, small runs)."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []
        self.offers: list[OfferRecord] = []
        self.agent_states: list[AgentStateRecord] = []
        self.agent_statuses: list[AgentStateRecord] = []
        self.agent_pauses: list[AgentPauseRecord] = []
        self.member_states: list[MemberStateRecord] = []
        self.member_marks: list[MemberStateRecord] = []
        self.agent_events: list[AgentEventRecord] = []

    def call(self, record: CallRecord) -> None:
        self.calls.append(record)

    def offer(self, record: OfferRecord) -> None:
        self.offers.append(record)

    def agent_state(self, record: AgentStateRecord) -> None:
        self.agent_states.append(record)

    def agent_status(self, record: AgentStateRecord) -> None:
        self.agent_statuses.append(record)

    def agent_pause(self, record: AgentPauseRecord) -> None:
        self.agent_pauses.append(record)

    def member_state(self, record: MemberStateRecord) -> None:
        self.member_states.append(record)

    def member_mark(self, record: MemberStateRecord) -> None:
        self.member_marks.append(record)

    def agent_event(self, record: AgentEventRecord) -> None:
        self.agent_events.append(record)


def wants(recorder: object, method: str) -> bool:
    """Whether ``recorder`` does anything with records of kind ``method`` (so the engine can
    skip building records nobody reads)."""
    ask = getattr(recorder, "wants", None)
    if callable(ask):
        return bool(ask(method))
    if isinstance(recorder, NullRecorder):
        # (Read on the instance: a subclass may set a method as an attribute, like KpiRecorder.)
        return getattr(getattr(recorder, method), "__func__", None) is not getattr(NullRecorder, method)
    return True
