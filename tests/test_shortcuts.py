"""Work the engine skips because it cannot change anything, against an engine that does it.

- A pass asked for as the last step of a callback, and the bridge of an offer answered at once,
  run at once (not through the kernel) when nothing else is due at that instant: they would
  have been the next thing to run (``Simulation.at_once``; continuous timing for passes).
- An offer of a ring strategy that ends no earlier than an answer already ringing for the same
  caller gets no event: the first answer ends it (``Member.race_decided``).

``Plain`` turns both off. On random small scenarios (both timings, every strategy, tiers,
delays, failures, timers, two queues sharing agents) the offers and calls must be the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acdsim.engine import ListRecorder, Simulation
from acdsim.engine.state import INF, Member
from simkit import agent, offers, run, scenario
from test_invariants import SETTINGS, build, scenario_dicts


class Plain(Simulation):
    def _build(self) -> None:
        super()._build()
        self.at_once = False


def run_both(d: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[ListRecorder, ListRecorder]:
    sc = build(d)
    fast, plain = ListRecorder(), ListRecorder()
    Simulation(sc, fast).run()
    with monkeypatch.context() as mp:
        mp.setattr(Member, "race_decided", property(lambda m: INF, lambda m, v: None))
        Plain(sc, plain).run()
    return fast, plain


@SETTINGS
@given(scenario_dicts())
def test_skipped_work_changes_no_offer_or_call(d: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fast, plain = run_both(d, mp)
    assert fast.offers == plain.offers
    assert fast.calls == plain.calls


@SETTINGS
@given(scenario_dicts(strategy=st.sampled_from(["ring-all", "ring-progressively"])))
def test_ring_races_without_loser_events_change_no_offer_or_call(d: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fast, plain = run_both(d, mp)
    assert fast.offers == plain.offers
    assert fast.calls == plain.calls


def test_bridge_at_once_only_when_nothing_else_is_due_then_pbx():
    """The caller's patience ends at 0.1, the tick of its pass. The pass runs first (a tick's
    pass before the tick's other events) and A1 answers at once, but the bridge waits for what
    else is due at 0.1: the caller hangs up first and the offer is cancelled."""
    sc = scenario(agents=[agent(1)], trace=[0.0], talk=10, patience=0.1,
                  behaviors={"default": {"answer_time": 0}}, timing="pbx")
    rec = run(sc)
    assert offers(rec) == [("1-1", "local/1", 0.1, 0.1, "cancelled")]
    assert [(c.outcome, c.left_at) for c in rec.calls] == [("abandoned", 0.1)]
