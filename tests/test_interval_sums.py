"""intervals.csv's cells are added a chunk at a time with numpy (output/intervals.py): the same
counts and the same floats as adding the calls one by one in arrival order (issue #15)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.engine import Simulation
from acdsim.engine import callers as callers_module
from acdsim.engine.records import CallRecord, ListRecorder
from acdsim.output.intervals import IntervalRecorder, queue_members
from acdsim.output.tee import Tee
from test_invariants import SETTINGS, build, scenario_dicts


class OneByOne(IntervalRecorder):
    """The reference: each call added on its own, as the recorder did before."""

    def call(self, r: CallRecord) -> None:  # type: ignore[override]
        if r.joined_at < self.warmup:
            return
        key = (r.queue, int(math.floor(r.joined_at / self.interval)))
        c = self.cells.setdefault(key, [0, 0, 0, 0, 0, 0, 0, 0.0, 0.0])
        c[0] += 1
        c[{"answered": 1, "abandoned": 2, "timeout": 3, "no_agent_timeout": 4, "in_queue": 5}[r.outcome]] += 1
        if r.outcome != "in_queue":
            c[8] += r.wait_time
        if r.outcome == "answered":
            c[7] += r.wait_time
            if r.wait_time <= self.threshold:
                c[6] += 1


@SETTINGS
@given(scenario_dicts(), st.sampled_from([30.0, 60.0, 7.5, 900.0]), st.sampled_from([0.0, 45.0]),
       st.sampled_from([0, 1, 3, 1023]))
def test_interval_cells_in_bulk_equal_adding_calls_one_by_one(
    d: dict[str, Any], interval: float, warmup: float, flush_mask: int
) -> None:
    sc = build(d)
    queue_ids = [q.id for q in sc.queues]
    args: Any = (interval, 10.0, warmup, queue_members(sc), sc.horizon)
    bulk, reference = IntervalRecorder(*args), OneByOne(*args)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(callers_module, "_FLUSH_MASK", flush_mask)
        tee = Tee(ListRecorder(), bulk, reference)
        Simulation(sc, tee).run()
        tee.flush()
    assert bulk.rows(queue_ids, sc.horizon) == reference.rows(queue_ids, sc.horizon)


def _call(i: int, joined: float, wait: float, outcome: str = "answered") -> CallRecord:
    answered = joined + wait if outcome == "answered" else None
    return CallRecord(f"c{i}", 1, "100", joined, answered, joined + wait + 1, outcome, wait, 1.0 if answered else None,
                      "local/1" if answered else "", 1 if answered else None, 1, "", "", joined)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 100) | st.sampled_from([0.1, 0.2, 0.3, 1e-17, 1e16]),
                          st.sampled_from(["answered", "abandoned", "in_queue", "timeout"])), min_size=1, max_size=60),
       st.integers(1, 10))
def test_wait_sums_add_in_arrival_order_across_chunks(calls: list[Any], chunk: int) -> None:
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 added in order (math.fsum: 0.6): order matters.
    args: Any = (900.0, 20.0, 0.0, {}, 3600.0)
    bulk, reference = IntervalRecorder(*args), OneByOne(*args)
    for i, (joined, wait, outcome) in enumerate(sorted(calls, key=lambda c: c[0])):
        r = _call(i, joined, wait, outcome)
        bulk.call(r)
        reference.call(r)
        if i % chunk == chunk - 1:
            bulk.flush()
    assert bulk.rows([1], 3600.0) == reference.rows([1], 3600.0)


def test_wait_sums_are_not_exactly_rounded_sums() -> None:
    bulk = IntervalRecorder(900.0, 20.0, 0.0)
    for i, wait in enumerate([0.1, 0.2, 0.3]):
        bulk.call(_call(i, 10.0 + i, wait))
    (row,) = bulk.rows([1], 900.0)
    assert row[9] == (0.1 + 0.2 + 0.3) / 3 != 0.6 / 3  # asa
