"""status.csv's samples are derived from the calls, offers and the engine's few member marks
(output/samples.py): they equal the replay of every member state change, in order, that
built them before (issue #15), whatever the strategy, timing, cuts and chunking."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import Simulation
from acdsim.engine import callers as callers_module
from acdsim.engine.records import ListRecorder, MemberStateRecord, NullRecorder
from acdsim.engine.strategies import STRATEGIES
from acdsim.loader import load_scenario
from acdsim.model import Scenario
from acdsim.output.samples import StatusSampler
from acdsim.output.status import STATES, MemberBoard
from acdsim.output.tee import Tee
from simkit import scenario as tiny_scenario
from test_invariants import SETTINGS, build, scenario_dicts

ROOT = Path(__file__).resolve().parent.parent


class ReplaySampler(NullRecorder):
    """The reference: every member state change applied in order to a board of the members
    present, a sample emitted before the first change later than it."""

    def __init__(self, queue_ids: list[int], interval: float) -> None:
        self.board = MemberBoard(queue_ids)
        self.queue_ids = queue_ids
        self.interval = interval
        self.rows: list[tuple[Any, ...]] = []
        self.k = 0

    def member_state(self, r: MemberStateRecord) -> None:
        self._sample_until(r.time, inclusive=False)
        self.board.apply(r)

    def _sample_until(self, t: float, inclusive: bool) -> None:
        while True:
            at = self.k * self.interval
            if at > t or (at == t and not inclusive):
                return
            for q in self.queue_ids:
                c = self.board.counts[q]
                self.rows.append((at, q, c["Waiting"], c["Trying"], c["Answered"]))
            self.k += 1


def both(sc: Scenario, interval: float) -> tuple[list[Any], list[Any]]:
    queue_ids = [q.id for q in sc.queues]
    reference = ReplaySampler(queue_ids, interval)
    rows: list[tuple[Any, ...]] = []
    sampler = StatusSampler(queue_ids, interval, rows.append,
                            rings=[q.id for q in sc.queues if STRATEGIES[q.strategy].rings])
    tee = Tee(ListRecorder(), reference, sampler)
    stats = Simulation(sc, tee).run()
    tee.flush()
    reference._sample_until(stats.end_time, inclusive=True)
    sampler.finish(stats.end_time)
    return rows, reference.rows


@SETTINGS
@given(scenario_dicts(), st.sampled_from([1.0, 2.5, 7.0, 0.3, 60.0]), st.sampled_from([0, 1, 3, 1023]))
def test_samples_from_calls_and_offers_equal_the_member_state_replay(
    d: dict[str, Any], interval: float, flush_mask: int
) -> None:
    sc = build(d)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(callers_module, "_FLUSH_MASK", flush_mask)  # chunks of 1, 2, 4 callers or one
        rows, expected = both(sc, interval)
    assert rows == expected


@pytest.mark.parametrize("strategy", ["ring-all", "ring-progressively"])
def test_a_ring_caller_is_trying_from_its_first_pass_with_nobody_to_ring(strategy: str) -> None:
    # E12: the one agent talks until t=100; the caller joining at t=10 is Trying from its
    # first pass, though no offer starts before 100.
    sc = tiny_scenario(agents=[{"id": 1}], trace=[0.0, 10.0], talk=100, strategy=strategy, horizon=60,
                       drain=False, report={"status_interval": 5})
    rows, expected = both(sc, 5.0)
    assert rows == expected
    at_20 = [r for r in rows if r[0] == 20.0]
    assert at_20 == [(20.0, 1, 0, 1, 1)]


def test_an_offer_ringing_when_the_run_is_cut_is_trying_in_the_last_sample() -> None:
    # The agent rings for 30 s from t=50; the run ends at 60 (no drain): the last sample
    # (60) still counts the caller Trying, though the cut offer's record ends at 60.
    sc = tiny_scenario(agents=[{"id": 1}], trace=[50.0], talk=100, horizon=60, drain=False,
                       behaviors={"default": {"answer_time": 30}}, report={"status_interval": 10})
    rows, expected = both(sc, 10.0)
    assert rows == expected
    assert rows[-1] == (60.0, 1, 0, 1, 0)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_scenario_samples_as_the_replay(path: Path) -> None:
    sc = load_scenario(path)
    sc = sc.model_copy(update={"horizon": min(sc.horizon, 4 * 3600.0)})
    rows, expected = both(sc, sc.report.status_interval)
    assert rows == expected
    assert set(STATES) == {"Waiting", "Trying", "Answered"}
    assert all(not math.isnan(r[0]) for r in rows)


def test_a_recorder_without_member_mark_still_runs() -> None:
    # A duck-typed recorder written for the seven older methods: no mark is sent to it.
    class Old:
        def __init__(self) -> None:
            self.calls: list[Any] = []

        def call(self, r: Any) -> None:
            self.calls.append(r)

        def offer(self, r: Any) -> None: ...
        def agent_state(self, r: Any) -> None: ...
        def agent_status(self, r: Any) -> None: ...
        def agent_pause(self, r: Any) -> None: ...
        def member_state(self, r: Any) -> None: ...
        def agent_event(self, r: Any) -> None: ...

    sc = tiny_scenario(agents=[{"id": 1}], trace=[0.0, 10.0], talk=100, strategy="ring-all", horizon=60, drain=False)
    old = Old()
    Simulation(sc, old).run()  # type: ignore[arg-type]
    assert len(old.calls) == 2
    tee = Tee(Old(), ListRecorder())
    Simulation(sc, tee).run()
    tee.flush()
