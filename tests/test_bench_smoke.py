"""bench/run.py runs end to end on a few thousand callers (no timing is checked)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench_run():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_run"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))
        for name in ("bench_run", "peers", "workloads"):
            sys.modules.pop(name, None)


def test_acdsim_and_plain_peers_simulate_the_same_queue(bench_run, capsys):
    rows = bench_run.main(["--quick", "--callers", "3000", "--only", "acdsim-mm50,simpy-mm50,heapq-mm50"])
    out = capsys.readouterr().out
    assert [r.name for r in rows] == ["acdsim-mm50", "simpy-mm50", "heapq-mm50"]
    assert all(r.callers > 2500 and r.mean_wait is not None and r.mean_wait >= 0 for r in rows)
    # simpy and the heapq loop draw the same random numbers in the same order.
    assert rows[1].mean_wait == rows[2].mean_wait
    assert "Targets (issue #6)" in out and "M/M/50 continuous, engine only >= 60,000" in out


def test_acdsim_workloads_run(bench_run):
    rows = bench_run.main(["--callers", "1500", "--only",
                           "acdsim-mm50-pbx,acdsim-tiered,acdsim-ring-all,acdsim-multi-queue"])
    assert len(rows) == 4
    for r in rows:
        assert r.callers > 1000, r
        assert r.mean_wait is not None


def test_ciw_peer(bench_run):
    pytest.importorskip("ciw")
    (row,) = bench_run.main(["--callers", "3000", "--only", "ciw-mm50"])
    assert 2500 < row.callers <= 3000
    assert row.mean_wait is not None


def test_whole_process_rows_report_callers_and_peak_rss(bench_run):
    rows = bench_run.main(["--callers", "1000", "--only", "acdsim-mm50-process,acdsim-1m-summary,load"])
    process, big, load = rows
    assert process.callers > 800 and process.rss_mb is not None and process.rss_mb > 10
    assert big.callers > 4000 and big.rss_mb is not None  # 5x the callers of the others
    assert "loaded in" in load.note


@pytest.mark.slow  # five whole acdsim processes: ~8 s on an idle machine, 30 s+ on a busy one
def test_sweep_rows_run(bench_run, capsys):
    rows = bench_run.main(["--callers", "4000", "--only", "sweep-runs,sweep-jobs1"])
    out = capsys.readouterr().out
    assert [r.name for r in rows] == ["sweep-runs", "sweep-jobs1"]
    # The sweep runs the same 8 runs as the separate `acdsim run` processes: the same callers.
    assert rows[0].callers == rows[1].callers > 0
    assert all(r.extra["runs"] == 8 for r in rows)
    assert "## Sweeps" in out and "seconds ÷ separate runs" in out


def test_load_trace_row(bench_run):
    (row,) = bench_run.main(["--callers", "1000", "--only", "load-trace"])
    assert row.name == "load-trace" and "100,000 trace rows" in row.note and "rows/s" in row.note


def test_fit_row(bench_run):
    (row,) = bench_run.main(["--callers", "500", "--only", "fit-1m"])
    assert row.name == "fit-1m" and row.extra["rows"] == 5000 and "peak RSS" in row.note
