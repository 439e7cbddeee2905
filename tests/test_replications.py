"""Replications (SCENARIO_FORMAT §8): independent, reproducible, identical alone, in a batch or in parallel."""

from __future__ import annotations

import filecmp
from pathlib import Path

import acdsim
from acdsim.api import with_overrides
from acdsim.engine import ListRecorder, Simulation
from acdsim.runner import run_scenario

ROOT = Path(__file__).resolve().parents[1]


def _quickstart(**kw):
    return with_overrides(acdsim.load_scenario(ROOT / "scenarios/quickstart.yaml"), **kw)


def test_parallel_replications_write_the_same_bytes_as_sequential(tmp_path: Path):
    """--jobs N gives byte-identical files to one job."""
    sc = _quickstart(replications=3, horizon=3600)
    seq, par = tmp_path / "seq", tmp_path / "par"
    assert run_scenario(sc, seq, quiet=True, jobs=1) == 0
    assert run_scenario(sc, par, quiet=True, jobs=2) == 0
    names = sorted(p.name for p in seq.iterdir())
    assert names == sorted(p.name for p in par.iterdir())
    for name in names:
        assert filecmp.cmp(seq / name, par / name, shallow=False), name


def test_replication_k_is_the_same_alone_and_in_a_batch():
    """Replication k of seed s does not depend on the other replications."""
    sc = _quickstart(replications=3, horizon=3600)
    alone = ListRecorder()
    Simulation(sc, alone, replication=2).run()
    batch = acdsim.simulate(sc)
    calls = batch.calls[batch.calls.replication == 2]
    assert list(calls.call_api_id) == [c.call_api_id for c in alone.calls]
    assert list(calls.wait_time) == [c.wait_time for c in alone.calls]


def test_replications_differ_and_seeds_differ():
    """Different replications and different seeds give different traffic."""
    sc = _quickstart(horizon=3600)
    def joins(s, k):
        rec = ListRecorder()
        Simulation(s, rec, replication=k).run()
        return sorted(c.joined_at for c in rec.calls)
    assert joins(sc, 0) != joins(sc, 1)
    assert joins(sc, 0) != joins(with_overrides(sc, seed=1), 0)
    assert joins(sc, 0) == joins(sc, 0)
