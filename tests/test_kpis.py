"""The KPI recorder sums call and offer records a chunk at a time, column-wise: its figures must
be those of the plain per-record definitions (docs/metrics.md), whatever the chunking."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from acdsim.engine.records import FLUSH_EVERY, CallRecord, NullRecorder, OfferRecord
from acdsim.output.kpis import OUTCOMES, KpiRecorder
from acdsim.output.tee import Tee
from simkit import agent, scenario
from test_invariants import build, run, scenario_dicts


def per_record(calls: list[CallRecord], offers: list[OfferRecord], qids: list[int], refs: list[str],
               threshold: float, warmup: float) -> tuple[dict[int, Any], dict[str, Any]]:
    """The definitions, one record at a time."""
    queues: dict[int, Any] = {
        q: {"counts": dict.fromkeys(OUTCOMES, 0), "within": 0, "wait_ans": 0.0, "wait_left": 0.0,
            "waits": [], "talk": [], "levels": {}} for q in qids
    }
    agents: dict[str, Any] = {a: {"answered": 0, "talk": 0.0, "open": [], "offers": 0, "no_answer": 0,
                                  "rejected": 0, "busy": 0} for a in refs}
    for c in calls:
        if c.joined_at >= warmup:
            k = queues[c.queue]
            k["counts"][c.outcome] += 1
            if c.outcome != "in_queue":
                k["wait_left"] += c.wait_time
                k["waits"].append(c.wait_time)
            if c.outcome == "answered":
                k["wait_ans"] += c.wait_time
                k["within"] += c.wait_time <= threshold
                k["levels"][c.agent_level] = k["levels"].get(c.agent_level, 0) + 1
                if c.talk_time is not None:
                    k["talk"].append(c.talk_time)
        if c.outcome == "answered":
            a = agents[c.agent]
            a["answered"] += c.answered_at >= warmup
            if c.left_at is None:
                a["open"].append(c.answered_at)
            else:
                a["talk"] += max(0.0, c.left_at - max(c.answered_at, warmup))
    for o in offers:
        if o.offered_at >= warmup:
            a = agents[o.agent]
            a["offers"] += 1
            if o.result in ("no_answer", "rejected", "busy"):
                a[o.result] += 1
    return queues, agents


@settings(max_examples=40, deadline=None)
@given(scenario_dicts(), st.sampled_from([1, 3, 64]), st.just(0.0) | st.floats(0.0, 400.0), st.integers(0, 1000))
def test_chunked_kpis_equal_the_per_record_definitions(d: dict[str, Any], chunk: int, warmup: float, pick: int) -> None:
    sc = build(d)
    rec = run(sc)
    waits = sorted(c.wait_time for c in rec.calls)
    threshold = waits[pick % len(waits)] if waits else 20.0  # a wait on the threshold counts
    qids, refs = [q.id for q in sc.queues], [a.ref for a in sc.all_agents()]
    kpis = KpiRecorder(qids, refs, threshold, warmup)
    for i, c in enumerate(rec.calls):
        kpis.call(c)
        if i % chunk == chunk - 1:
            kpis.flush()
    for i, o in enumerate(rec.offers):
        kpis.offer(o)
        if i % chunk == chunk - 1:
            kpis.flush()
    end = sc.horizon + 1000.0
    got = kpis.finish(end)
    queues, agents = per_record(rec.calls, rec.offers, qids, refs, threshold, warmup)
    for qid, want in queues.items():
        q = got["queues"][str(qid)]
        counts = want["counts"]
        left = sum(counts.values()) - counts["in_queue"]
        assert q["offered"] == sum(counts.values())
        assert (q["answered"], q["abandoned"], q["timeout"], q["no_agent_timeout"], q["in_queue_at_end"]) == (
            counts["answered"], counts["abandoned"], counts["timeout"], counts["no_agent_timeout"],
            counts["in_queue"],
        )
        assert q["service_level"] == (pytest.approx(want["within"] / left) if left else None)
        assert q["asa"] == (pytest.approx(want["wait_ans"] / counts["answered"]) if counts["answered"] else None)
        assert q["mean_wait"] == (pytest.approx(want["wait_left"] / left) if left else None)
        assert q["max_wait"] == (max(want["waits"]) if want["waits"] else None)
        talk = want["talk"]
        assert q["mean_talk_time"] == (pytest.approx(sum(talk) / len(talk)) if talk else None)
        assert q["answered_by_level"] == {str(k): v for k, v in sorted(want["levels"].items())}
    for ref, want in agents.items():
        a = got["agents"][ref]
        talk = want["talk"] + sum(max(0.0, end - max(s, warmup)) for s in want["open"])
        assert a["calls_answered"] == want["answered"]
        assert a["talk_time"] == pytest.approx(talk)
        assert (a["offers"], a["no_answers"], a["rejects"], a["busies"]) == (
            want["offers"], want["no_answer"], want["rejected"], want["busy"],
        )


class Flushed(ListRecorder):
    def __init__(self) -> None:
        super().__init__()
        self.flushed_at: list[int] = []  # calls recorded when each flush came

    def flush(self) -> None:
        self.flushed_at.append(len(self.calls))


def test_engine_flushes_the_recorder_every_flush_every_callers_through_a_tee():
    """2,100 callers (one agent, 1 s talk, 2 s apart): flush comes as callers 1,024 and 2,048
    join, to a recorder behind a Tee too; a recorder without flush is fine."""
    sc = scenario(agents=[agent(1)], trace=[2.0 * i for i in range(2100)], talk=1, horizon=5000,
                  behaviors={"default": {"answer_time": 0}})
    alone, behind = Flushed(), Flushed()
    Simulation(sc, alone).run()
    Simulation(sc, Tee(behind, ListRecorder(), NullRecorder())).run()
    assert FLUSH_EVERY == 1024
    assert alone.flushed_at == behind.flushed_at == [1023, 2047]  # the caller before has ended
    assert len(alone.calls) == len(behind.calls) == 2100
