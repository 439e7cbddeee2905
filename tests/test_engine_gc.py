"""The engine pauses the cyclic garbage collector during a run (``Simulation.run``). That is
safe only because it makes no reference cycles per caller: whatever cycles a run leaves (its
own object graph) do not grow with the number of callers."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from acdsim.engine import ListRecorder, Simulation
from acdsim.loader import load_scenario
from acdsim.model import Scenario
from test_invariants import EXAMPLES, SETTINGS, build, scenario_dicts

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def _garbage_of_a_run(sc: Scenario) -> tuple[ListRecorder, int]:
    rec = ListRecorder()
    sim = Simulation(sc, rec)
    gc.collect()
    gc.disable()
    try:
        sim.run()
        # The simulation is still alive: what the collector finds now is garbage the run made
        # that reference counting could not free.
        garbage = gc.collect()
    finally:
        gc.enable()
    return rec, garbage


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_engine_makes_no_cycles(path: Path) -> None:
    rec, garbage = _garbage_of_a_run(load_scenario(path))
    assert len(rec.calls) > 50
    assert garbage == 0


@settings(SETTINGS, max_examples=max(1, EXAMPLES // 5))  # two full collections per example
@given(scenario_dicts())
def test_engine_makes_no_cycles_random_scenarios(d: dict[str, Any]) -> None:
    _, garbage = _garbage_of_a_run(build(d))
    assert garbage == 0


def test_run_restores_the_collector() -> None:
    sc = load_scenario(SCENARIOS[0])
    assert gc.isenabled()
    Simulation(sc).run()
    assert gc.isenabled()
    gc.disable()
    try:
        Simulation(sc).run()
        assert not gc.isenabled()
    finally:
        gc.enable()
