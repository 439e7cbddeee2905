"""The typed shape shared by the engine's mixins and ``Simulation``.

``EngineBase`` declares the attributes that ``Simulation.__init__`` sets (annotations only,
no values) and, for the type checker alone, the methods one mixin calls on another. At run
time it is an empty class: no attribute, property or method is added to the hot paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Scenario
    from .clock import ContinuousClock, PbxClock
    from .kernel import Kernel
    from .records import Recorder
    from .state import Agent, Member, Offer, QueueState, Row
    from .strategies import Strategy
    from .streams import Streams
    from .walk import PassCache


class EngineBase:
    """Attributes of one replication (set in ``Simulation.__init__``)."""

    scenario: Scenario
    recorder: Recorder
    recorder_flush: Callable[[], None] | None  # the recorder's flush(), if any
    record_members: bool
    record_marks: bool  # member_mark: E12's first pass, the members present at the end
    record_agents: bool
    record_statuses: bool
    record_pauses: bool
    replication: int
    clock: type[ContinuousClock] | type[PbxClock]
    pbx: bool
    env: Kernel
    streams: Streams
    horizon: float
    members: list[Member]  # waiting/trying members in score order
    pass_keys: set[Any]
    blocked_until: float  # pbx: the end of the last pass that slept (E11)
    passes: int
    pass_cache: PassCache
    at_once: bool  # run a pass or a bridge at once when it would run next anyway
    lone_queue: QueueState | None  # the scenario's one queue, if it is plain
    call_seq: int
    number_seq: int
    in_system: int
    pending_retries: int
    pending_sources: int
    stopped: bool
    stopping: bool
    progress: Callable[[float], None] | None  # called with the simulated time
    agents: dict[str, Agent]
    queues: dict[int, QueueState]
    failures: int  # failed offers so far (the no-progress guard, guards.py)
    failure_mark: float  # simulated time of the guard's last check
    failure_budget: float  # failed offers allowed per simulated second

    if TYPE_CHECKING:
        # Defined by Simulation or by another mixin; declared here for the type checker only.
        def schedule(self, delay: float, fn: Callable[..., None], *args: Any) -> None: ...
        def set_status(self, a: Agent, status: str, source: str) -> None: ...
        def _check_done(self) -> None: ...
        def _agent_changed(self, a: Agent, t: float, status_changed: bool = False) -> None: ...
        def _member_changed(self, m: Member, t: float) -> None: ...
        def _member_mark(self, m: Member, t: float) -> None: ...
        def _leave_idle(self, a: Agent, offered: Row | None) -> None: ...
        # DispatchMixin
        def request_pass(self, at: float | None = None) -> None: ...
        def pass_last(self) -> None: ...
        def _try_row(self, m: Member, strategy: Strategy, row: Row, t: float, now_c: float) -> object: ...
        # OrderedMixin
        def _walk_ordered(self, m: Member, q: QueueState, t: float, now_c: float) -> bool: ...
        # OutcomeMixin
        def _bridge(self, offer: Offer) -> None: ...
        def _offer_end(self, offer: Offer) -> None: ...
        def cancel_offers(self, m_offers: list[Offer], result: str = "cancelled") -> None: ...
        # CallerMixin
        def _leave(self, m: Member, outcome: str) -> None: ...
        def _unlist_member(self, m: Member) -> None: ...
        def _finish_call(self, m: Member, outcome: str, now: float | None) -> None: ...
        def _arm_no_agent(self, q: QueueState, m: Member) -> None: ...
