"""Mutable runtime state of one replication: agents, tiers (rows), queues, members.

Plain slotted objects; the names follow the module's tables (reference §0.3). Times are
seconds on the clock policy's scale (whole seconds in ``pbx`` timing).
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Callable
from heapq import heapify, heappush
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Behavior, LocalAgent, Queue, RemoteAgent
    from .strategies import Strategy

# Agent states (reference §3.3) and tier states (§2.2), canonical spellings kept short.
WAITING, RECEIVING, IN_CALL, IDLE = "waiting", "receiving", "in_queue_call", "idle"
READY, NO_ANSWER, OFFERING, ACTIVE, STANDBY = "Ready", "No Answer", "Offering", "Active Inbound", "Standby"
LISTED = frozenset({"available", "available_on_demand", "on_break"})
OFFERABLE = frozenset({"available", "available_on_demand"})
CONTACTABLE_TIER = frozenset({READY, NO_ANSWER})

INF = float("inf")

# Member states (reference §4.1).
M_WAITING, M_TRYING, M_ANSWERED, M_LEFT = "Waiting", "Trying", "Answered", "Left"


class Agent:
    __slots__ = (
        "ref", "kind", "id", "index", "name_key", "status", "state", "call_timeout",
        "busy_delay", "no_answer_delay", "reject_delay", "wrap_up", "max_no_answer", "wrap_asked",
        "behavior", "last_bridge_start", "last_bridge_end", "last_offered_call", "talk_time",
        "calls_answered", "no_answer_count", "wrap_until", "ready_time", "rows", "offer", "spec",
        "draw_u", "draw_answer", "draw_reject", "no_answers",
        "rejects", "busies", "idle", "p_busy", "p_busy_reject", "p_fail", "rr_rows",
        "talk_factor",
    )
    # Class-level annotations without values: they type the slots and add no class attribute.
    ref: str
    kind: str
    id: int
    index: int
    name_key: str
    status: str
    state: str
    call_timeout: float
    busy_delay: float
    no_answer_delay: float
    reject_delay: float
    wrap_up: float
    max_no_answer: int
    behavior: Behavior
    last_bridge_start: float
    last_bridge_end: float
    last_offered_call: float
    talk_time: float
    calls_answered: int
    no_answer_count: int
    wrap_until: float
    wrap_asked: float  # the wrap_until whose end a pass was asked for
    ready_time: float
    rows: dict[int, Row]  # queue id -> this agent's tier in that queue
    offer: Offer | None
    spec: LocalAgent | RemoteAgent
    draw_u: Callable[[], float]
    draw_answer: Callable[[], float]
    draw_reject: Callable[[], float]
    no_answers: int
    rejects: int
    busies: int
    idle: bool
    p_busy: float  # the behaviour's outcome probabilities, cumulated (busy, +reject, +no-answer)
    p_busy_reject: float
    p_fail: float
    rr_rows: list[Row]  # this agent's rows in round-robin queues (their pointer follows it)
    talk_factor: float  # the behaviour's talk_time_factor

    def __init__(self, ref: str, kind: str, ident: int, index: int) -> None:
        self.ref = ref
        self.kind = kind
        self.id = ident
        self.index = index
        self.name_key = ref
        self.status = "logged_out"
        self.state = WAITING
        self.last_bridge_start = 0.0
        self.last_bridge_end = 0.0
        self.last_offered_call = 0.0
        self.talk_time = 0.0
        self.calls_answered = 0
        self.no_answer_count = 0
        self.wrap_until = 0.0  # offerable again from this time on (wrap-up)
        self.wrap_asked = -1.0
        self.ready_time = 0.0  # offerable again from this time on (delays)
        self.rows = {}  # queue id -> this agent's tier in that queue
        self.offer = None
        self.no_answers = self.rejects = self.busies = 0
        self.idle = False  # Waiting and Available / On Demand: its rows are in idle_rows
        self.rr_rows = []


class Row:
    """A tier: one agent in one queue, with its level, position and tier state."""

    __slots__ = ("agent", "queue", "q", "level", "position", "state", "entry")
    agent: Agent
    queue: int
    q: QueueState
    level: int
    position: int
    state: str
    entry: tuple[Any, ...] | None  # this row's live entry in its queue's idle heap

    def __init__(self, agent: Agent, q: QueueState, level: int, position: int) -> None:
        self.agent = agent
        self.queue = q.id
        self.q = q
        self.level = level
        self.position = position
        self.state = READY
        self.entry = None


class Member:
    # The attributes every caller sets are slots; the rest keep a class default until a
    # caller changes them (then they go to the instance dict, created only then).
    __slots__ = (
        "call_id", "seq", "queue", "number", "joined_at", "J", "base", "sort_key", "state",
        "serving", "offers", "n_offers", "talk_base", "patience", "first_joined", "answered_at",
        "agent", "agent_level", "__dict__",
    )
    call_id: str
    seq: int
    queue: QueueState
    number: str
    joined_at: float
    J: float
    base: float
    sort_key: tuple[float, int]
    state: str
    serving: str
    offers: list[Offer]
    n_offers: int
    talk_base: float
    patience: float
    first_joined: float
    answered_at: float | None
    agent: Agent | None
    agent_level: int | None
    timeout_pending: bool = False
    last_originated: float | None = None
    td_level: int = 0
    td_position: int = 0
    resumed_from: str = ""
    abandoned_at: float = 0.0
    retry_index: int = 0
    na_epoch: int = -1
    race_decided: float = INF  # ring strategies: when the earliest answer among the offers comes

    def __init__(self, call_id: str, seq: int, queue: QueueState, number: str, t: float) -> None:
        self.call_id = call_id
        self.seq = seq
        self.queue = queue
        self.number = number
        self.joined_at = t  # this call's start (timers count from here)
        self.J = t  # joined_epoch on the clock scale: score and tier gate count from here
        self.base = 0.0
        self.state = M_WAITING
        self.serving = ""
        self.offers = []
        self.n_offers = 0
        self.patience = INF
        self.first_joined = t  # real time of the first join (the original one when resumed)
        # Set at the bridge (most callers are answered: slots, not the instance dict).
        self.answered_at = self.agent = self.agent_level = None


class Offer:
    """One ring of one agent for one member (the module's offer thread)."""

    __slots__ = (
        "member", "agent", "row", "started", "outcome", "ends_at", "answer_at", "done",
        "on_demand", "na_count", "ring_strategy",
    )
    member: Member
    agent: Agent
    row: Row
    started: float
    outcome: str
    ends_at: float
    answer_at: float | None
    done: bool
    on_demand: bool
    na_count: int
    ring_strategy: bool

    def __init__(
        self, member: Member, agent: Agent, row: Row, started: float, outcome: str, ends_at: float,
        answer_at: float | None, ring_strategy: bool,
    ) -> None:
        self.member = member
        self.agent = agent
        self.row = row
        self.started = started
        self.outcome = outcome  # how it will end, drawn when it starts
        self.ends_at = ends_at
        self.answer_at = answer_at
        self.done = False
        self.on_demand = agent.status == "available_on_demand"
        self.na_count = agent.no_answer_count
        self.ring_strategy = ring_strategy


class QueueState:
    """One queue's configuration on the clock's scale plus its per-queue memory (§0.3)."""

    __slots__ = (
        "id", "spec", "strategy", "rows", "listed", "C", "E", "na_epoch", "tier_rules",
        "wait_second", "multiply", "no_agent_no_wait", "rp_delay", "max_wait", "na_wait",
        "na_reached", "discard_after", "resume", "system_score", "no_answer_status",
        "abandoned", "transfer_dst", "draw_talk", "draw_patience", "draw_pre_queue",
        "draw_retry_u", "draw_retry_delay", "draw_random", "base_score", "retry_p", "active",
        "idle_rows", "level_counts", "_levels", "plain", "idle_heap", "heap", "monotone",
        "ordered", "idle_sorted", "positions", "rr_row", "ring_all", "rings", "offer_hooks",
        "call_prefix", "number_prefix", "number_pads", "key", "fresh", "same_walk",
    )
    id: int
    spec: Queue
    strategy: Strategy
    rows: list[Row]
    listed: int  # rows whose agent is Available, On Demand or On Break (§1.1)
    C: float  # last_agent_exist_check
    E: float  # last_agent_exist
    na_epoch: int
    tier_rules: bool
    wait_second: float
    multiply: bool
    no_agent_no_wait: bool
    rp_delay: float
    max_wait: float
    na_wait: float
    na_reached: float
    discard_after: float
    resume: bool
    system_score: bool
    no_answer_status: str
    abandoned: dict[str, Member]  # number -> latest abandoned member (resume)
    transfer_dst: str
    draw_talk: Callable[[], float]
    draw_patience: Callable[[], float] | None
    draw_pre_queue: Callable[[], float] | None
    draw_retry_u: Callable[[], float]
    draw_retry_delay: Callable[[], float] | None
    draw_random: Callable[[], float]
    base_score: float
    retry_p: float
    active: int  # members in the queue (waiting, trying or talking)
    idle_rows: dict[Row, None]  # rows whose agent is Waiting and offerable
    level_counts: dict[int, int]  # listed rows per level
    _levels: list[int] | None
    plain: bool
    idle_heap: list[tuple[Any, ...]]  # strategy keys of idle rows; stale entries dropped lazily
    heap: bool  # the strategy picks from idle_heap
    monotone: bool  # every caller has the same base score: score order is join order
    ordered: bool  # round-robin, top-down, random: idle rows kept in idle_sorted
    ring_all: bool  # every contactable row rings at once (fan-out all)
    rings: bool  # Strategy.rings
    offer_hooks: bool  # ring-progressively or top-down: an offer updates the member
    idle_sorted: list[tuple[Any, ...]]  # strategy keys of idle rows, in order
    positions: dict[int, list[int]]  # sorted positions of the listed rows, per level
    rr_row: Row | None  # round-robin: the row of the agent offered last
    call_prefix: str  # call_api_id = prefix + sequence number
    number_prefix: str  # caller number = prefix + 6-digit sequence number (when not given)
    number_pads: list[str]  # number_pads[k]: the prefix and the zeros before a k-digit number
    key: Callable[[Row], tuple[Any, ...]]  # the strategy's sort key of a row
    fresh: Row | None  # heap strategies: the row most recently idle, not in idle_heap yet
    same_walk: bool  # round-robin, random: one offer, the same list for every member (see dispatch)

    def __init__(self, spec: Queue, strategy: Strategy) -> None:
        self.id = spec.id
        self.spec = spec
        self.strategy = strategy
        self.key = strategy.key
        self.rows = []
        self.listed = 0  # rows whose agent is Available, On Demand or On Break (§1.1)
        self.C = 0.0  # last_agent_exist_check
        self.E = 0.0  # last_agent_exist
        self.na_epoch = 0
        self.abandoned = {}  # number -> latest abandoned member (resume)
        self.active = 0  # members in the queue (waiting, trying or talking)
        self.idle_rows = {}  # rows whose agent is Waiting and offerable
        self.level_counts = {}  # listed rows per level
        self._levels = None
        # A pass changes nothing for a member of a "plain" queue unless an agent is idle:
        # level-sorted, one offer at a time (no Trying on first pass, no pointer, no sleep).
        self.plain = strategy.static_key and not strategy.rings
        self.idle_heap = []
        self.fresh = None
        self.heap = strategy.heap
        self.monotone = True
        self.ordered = not strategy.static_key
        self.ring_all = strategy.fanout == "all"
        self.rings = strategy.rings
        self.offer_hooks = strategy.fanout == "progressive" or strategy.pointer == "top-down"
        self.idle_sorted = []
        self.same_walk = strategy.pointer == "round-robin" or strategy.random_order
        self.positions = {}
        self.rr_row = None
        self.call_prefix = f"{self.id}-"
        self.number_prefix = f"79{self.id % 1000:03d}"
        self.number_pads = [self.number_prefix + "0" * (6 - k) for k in range(7)]

    def caller_number(self, n: int) -> str:
        """``f"{number_prefix}{n:06d}"``, at half the cost of the format spec."""
        digits = str(n)
        return self.number_pads[len(digits)] + digits if len(digits) < 7 else self.number_prefix + digits

    def push_idle(self, row: Row) -> None:
        """Put an idle row's entry (its key now) in the idle heap."""
        heap = self.idle_heap
        if len(heap) > 2 * len(self.idle_rows) + 32:
            # Stale entries outnumber live ones (a queue nobody calls): rebuild.
            heap[:] = [r.entry for r in self.idle_rows if r.entry is not None]
            heapify(heap)
        entry = row.entry = self.key(row)
        heappush(heap, entry)

    def level_order(self) -> list[int]:
        levels = self._levels
        if levels is None:
            levels = self._levels = sorted(k for k, n in self.level_counts.items() if n > 0)
        return levels

    def count_listed(self, row: Row, delta: int) -> None:
        self.listed += delta
        self.level_counts[row.level] = self.level_counts.get(row.level, 0) + delta
        self._levels = None
        positions = self.positions.setdefault(row.level, [])
        if delta > 0:
            insort(positions, row.position)
        else:
            positions.remove(row.position)

    def listed_after(self, level: int, position: float) -> int:
        """How many listed rows of ``level`` have a position after ``position``."""
        positions = self.positions.get(level)
        return len(positions) - bisect_right(positions, position) if positions else 0
