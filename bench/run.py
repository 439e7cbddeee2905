"""Callers per second of acdsim, next to Ciw, plain simpy and a bare heapq loop (issue #6).

    .venv/bin/python bench/run.py                 # everything (make bench), a few minutes
    .venv/bin/python bench/run.py --quick         # 10x fewer callers, a smoke run
    .venv/bin/python bench/run.py --only ciw-mm50 --only acdsim-mm50
    .venv/bin/python bench/run.py --profile       # cProfile of the acdsim M/M/50 engine-only run
    .venv/bin/python bench/run.py --markdown      # the tables as Markdown (docs/performance.md)

1. The same M/M/50 (900 calls/h, exponential talk mean 180 s, 50 agents, rho 0.9; 200,000
   callers) run by acdsim (as a whole ``acdsim run`` process, and engine-only in this process),
   Ciw, plain simpy and a heapq event loop; every mean wait is checked against Erlang C.
2. acdsim-only workloads, engine-only: the M/M/50 in pbx timing, a tiered queue with tier
   rules and delays, ring-all, 5 queues sharing 100 agents, a long queue (100,000 callers into
   2 agents), and 1,000,000 callers of the M/M/50 with only the summary written (peak RSS of
   that process).
3. bench_load.py: loading a scenario with 2,000 agents and 50 queues; bench_trace.py
   (``--only load-trace``): loading a 1,000,000-row trace CSV (--quick: 100,000 rows);
   (``--only fit-1m``): ``acdsim fit`` of a 1,000,000-call log (--quick: 100,000 calls).
4. Sweeps: ``acdsim sweep`` of 4 points x 2 replications with --jobs 1, --jobs 2 and on a
   Dask LocalCluster, against the same runs as separate ``acdsim run --only summary``.
5. Staffing by simulation (``--only staff-day``): ``acdsim staff`` of scenarios/staff_day.yaml
   (12 hours, 24 half-hour intervals, ~4,100 calls; 80/20 and 5 % abandon, --jobs 2), search
   and verification, with the simulated days it used (target: under 30 s).

Then the targets of issue #6, each met or not. Nothing here is run by the test suite except
``--quick`` smoke runs (tests/test_bench_smoke.py), which check no timing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import peers  # noqa: E402
import workloads  # noqa: E402

CALLERS = 200_000  # per workload (--quick: 20,000)
BIG_CALLERS = 1_000_000  # the summary-only memory run (--quick: 100,000)


@dataclass
class Row:
    name: str  # the --only name
    label: str  # what is shown in the table
    section: str  # "compare" (the M/M/50 vs peers), "acdsim" or "load"
    callers: int = 0
    seconds: float = math.nan  # wall time
    cpu: float = math.nan  # CPU time (user + system) of the same
    mean_wait: float | None = None
    ci: float | None = None  # half-width of the 95 % CI of mean_wait (batch means)
    rss_mb: float | None = None
    timing: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.callers / self.seconds if self.seconds > 0 else math.nan


# ------------------------------------------------------------------------------------------
# acdsim, in this process and as a whole process


def run_engine(data: dict[str, Any]) -> tuple[int, float, float, float | None]:
    """Time ``run_replication(scenario, 0, None)``: the engine with the KPI recorder, as
    ``acdsim run`` runs it, without loading a file or writing outputs. Returns callers
    (offered), wall and CPU seconds, and the mean wait over all queues."""
    from acdsim.runner import run_replication

    sc = workloads.scenario(data)
    start, start_cpu = time.perf_counter(), time.process_time()
    result = run_replication(sc, 0, None)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    callers, wait = _callers_and_wait(result["queues"])
    return callers, seconds, cpu, wait


def _callers_and_wait(queues: dict[str, Any]) -> tuple[int, float | None]:
    callers = sum(q["offered"] for q in queues.values())
    left = [(q["offered"] - q["in_queue_at_end"], q["mean_wait"]) for q in queues.values()]
    n = sum(k for k, w in left if w is not None)
    wait = sum(k * w for k, w in left if w is not None) / n if n else None
    return callers, wait


def acdsim_command() -> list[str]:
    """``acdsim`` as a user runs it: the console script beside this interpreter."""
    script = Path(sys.executable).parent / "acdsim"
    return [str(script)] if script.exists() else [sys.executable, "-m", "acdsim"]


# Runs argv[2:] and writes its wall time, CPU time and peak RSS (KiB) as JSON to argv[1].
# The measured process must be started from a small process: a child's ru_maxrss counts the
# RSS of the process it was forked (or vforked) from, so run straight from this one, after Ciw
# has held 200,000 individuals in memory, it would report this process's size, not its own.
_SHIM = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
u = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"code": code, "seconds": seconds, "cpu": u.ru_utime + u.ru_stime,
               "maxrss": u.ru_maxrss}, f)
"""


def run_process(
    data: dict[str, Any], outputs: Sequence[str] = ("--only", "summary")
) -> tuple[int, float, float, float | None, float]:
    """``acdsim run SCENARIO --only summary -q`` in a subprocess: wall time from start to exit
    (interpreter start-up, imports, loading the YAML, the run, writing summary.json), callers,
    CPU seconds, mean wait, and the peak RSS of that process in MB
    (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in a small parent, see ``_SHIM``). ``outputs``:
    the options that choose the files (``()``: all of them, as CSV)."""
    with tempfile.TemporaryDirectory(prefix="acdsim-bench-") as tmp:
        path = workloads.write_yaml(data, Path(tmp) / "scenario.yaml")
        out, measured = Path(tmp) / "out", Path(tmp) / "measured.json"
        cmd = [*acdsim_command(), "run", str(path), *outputs, "-q", "-o", str(out)]
        proc = subprocess.run([sys.executable, "-c", _SHIM, str(measured), *cmd],
                              capture_output=True, text=True)
        m = json.loads(measured.read_text()) if measured.exists() else {"code": proc.returncode}
        if proc.returncode != 0 or m["code"] != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {m['code']}:\n{proc.stderr}")
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    callers, wait = _callers_and_wait(summary["queues"])
    rss = m["maxrss"] / 1024 if sys.platform != "darwin" else m["maxrss"] / 2**20
    return callers, m["seconds"], m["cpu"], wait, rss


# ------------------------------------------------------------------------------------------
# The benchmarks


def b_acdsim_process(n: int, seed: int) -> Row:
    callers, seconds, cpu, wait, rss = run_process(workloads.mm50(n, "continuous", seed))
    return Row("acdsim-mm50-process", "acdsim (whole process)", "compare", callers, seconds, cpu,
               wait, rss_mb=rss, timing="continuous")


def b_acdsim_engine(n: int, seed: int) -> Row:
    callers, seconds, cpu, wait = run_engine(workloads.mm50(n, "continuous", seed))
    return Row("acdsim-mm50", "acdsim (engine only)", "compare", callers, seconds, cpu, wait,
               timing="continuous")


def _peer(name: str, label: str, fn: Callable[[int, int], peers.PeerResult]) -> Callable[[int, int], Row]:
    def bench(n: int, seed: int) -> Row:
        r = fn(n, seed)
        wait, ci = peers.batch_means(r.waits)
        return Row(name, label, "compare", r.callers, r.seconds, r.cpu, wait, ci)

    return bench


def _engine(name: str, label: str, build: Callable[[int, str, int], dict[str, Any]], timing: str) -> Callable[[int, int], Row]:
    def bench(n: int, seed: int) -> Row:
        callers, seconds, cpu, wait = run_engine(build(n, timing, seed))
        return Row(name, label, "acdsim", callers, seconds, cpu, wait, timing=timing)

    return bench


def b_long_queue(n: int, seed: int) -> Row:
    """Half the callers of the other workloads (100,000; --quick 10,000)."""
    callers, seconds, cpu, wait = run_engine(workloads.long_queue(n // 2, "pbx", seed))
    return Row("acdsim-long-queue", "long queue: 1,000 calls/h into 2 agents, no drain (~47 % still waiting)",
               "acdsim", callers, seconds, cpu, wait, timing="pbx")


def b_big(n: int, seed: int) -> Row:
    big = n * BIG_CALLERS // CALLERS
    callers, seconds, cpu, wait, rss = run_process(workloads.mm50(big, "continuous", seed))
    return Row("acdsim-1m-summary", f"M/M/50, {big:,} callers, --only summary (whole process)",
               "acdsim", callers, seconds, cpu, wait, rss_mb=rss, timing="continuous")


# Whole processes writing every output (issue #15), beside the same runs with --only summary.
_ALL_CSV: tuple[str, ...] = ()
_ALL_PARQUET = ("--format", "parquet")
_SUMMARY = ("--only", "summary")


def _process(name: str, label: str, build: Callable[[int, str, int], dict[str, Any]], timing: str,
             outputs: Sequence[str], big: bool = False) -> Callable[[int, int], Row]:
    def bench(n: int, seed: int) -> Row:
        callers_n = n * BIG_CALLERS // CALLERS if big else n
        callers, seconds, cpu, wait, rss = run_process(build(callers_n, timing, seed), outputs)
        return Row(name, label, "acdsim", callers, seconds, cpu, wait, rss_mb=rss, timing=timing)

    return bench


def b_load(n: int, seed: int) -> Row:
    """bench/bench_load.py in a subprocess (its own line of output)."""
    quick = n < CALLERS
    cmd = [sys.executable, str(HERE / "bench_load.py"), "--repeat", "1" if quick else "3"]
    if quick:
        cmd += ["--agents", "200", "--queues", "10"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return Row("load", "bench_load.py", "load", 0, seconds, note=proc.stdout.strip())


# ------------------------------------------------------------------------------------------
# Sweeps (issue #13): runs per second of `acdsim sweep`, jobs 1 and 2 and on a Dask
# LocalCluster, against the same runs as separate `acdsim run --only summary` processes.

SWEEP_SET = "queues[0].strategy=longest-idle-agent,round-robin,agent-with-fewest-calls,agent-with-least-talk-time"
SWEEP_POINTS, SWEEP_REPS = 4, 2


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children) of ``cmd``, via ``_SHIM``."""
    with tempfile.TemporaryDirectory(prefix="acdsim-bench-") as tmp:
        measured = Path(tmp) / "measured.json"
        proc = subprocess.run([sys.executable, "-c", _SHIM, str(measured), *cmd], capture_output=True, text=True)
        m = json.loads(measured.read_text()) if measured.exists() else {"code": proc.returncode}
        if proc.returncode != 0 or m["code"] != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {m['code']}:\n{proc.stderr}")
        return m["seconds"], m["cpu"]


def _sweep_data(n: int, seed: int) -> dict[str, Any]:
    """The M/M/50 of one sweep run: n / 4 callers (a sweep has 4 points x 2 replications)."""
    return workloads.mm50(max(1000, n // 4), "continuous", seed)


def _sweep(name: str, label: str, extra: Callable[[], tuple[list[str], Callable[[], None]]] | None = None,
           jobs: int = 1) -> Callable[[int, int], Row]:
    def bench(n: int, seed: int) -> Row:
        data = _sweep_data(n, seed)
        with tempfile.TemporaryDirectory(prefix="acdsim-bench-") as tmp:
            path = workloads.write_yaml(data, Path(tmp) / "scenario.yaml")
            options, stop = (["--jobs", str(jobs)], None) if extra is None else extra()
            cmd = [*acdsim_command(), "sweep", str(path), "--set", SWEEP_SET, "--replications",
                   str(SWEEP_REPS), "-q", "-o", str(Path(tmp) / "out"), *options]
            try:
                seconds, cpu = _timed(cmd)
            finally:
                if stop is not None:
                    stop()
            runs = rows_of(Path(tmp) / "out" / "sweep.csv")
            callers = int(sum(float(r["offered"]) for r in runs))
        return Row(name, label, "sweep", callers, seconds, cpu, timing="continuous",
                   extra={"runs": len(runs)})

    return bench


def rows_of(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _dask_cluster() -> tuple[list[str], Callable[[], None]]:
    """A LocalCluster of 2 single-threaded worker processes, started before the timing."""
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    return ["--scheduler", cluster.scheduler_address], cluster.close


def b_sweep_runs(n: int, seed: int) -> Row:
    """The sweep's runs as plain `acdsim run --only summary` processes, one per point."""
    import yaml

    data = _sweep_data(n, seed)
    values = SWEEP_SET.split("=", 1)[1].split(",")
    seconds = cpu = 0.0
    callers = 0
    with tempfile.TemporaryDirectory(prefix="acdsim-bench-") as tmp:
        for i, strategy in enumerate(values):
            data["queues"][0]["strategy"] = strategy
            path = workloads.write_yaml(data, Path(tmp) / f"point{i}.yaml")
            out = Path(tmp) / f"out{i}"
            s, c = _timed([*acdsim_command(), "run", str(path), "--only", "summary", "--replications",
                           str(SWEEP_REPS), "-q", "-o", str(out)])
            seconds, cpu = seconds + s, cpu + c
            summary = yaml.safe_load((out / "summary.json").read_text(encoding="utf-8"))
            callers += round(summary["queues"]["1"]["offered"] * SWEEP_REPS)
    return Row("sweep-runs", f"{len(values)} x acdsim run --only summary --replications {SWEEP_REPS}",
               "sweep", callers, seconds, cpu, timing="continuous", extra={"runs": len(values) * SWEEP_REPS})


TRACE_ROWS = 1_000_000  # the load-trace row (--quick: 100,000)


def b_load_trace(n: int, seed: int) -> Row:
    """bench/bench_trace.py in a subprocess: rows/s and the peak RSS of that process."""
    rows = TRACE_ROWS if n >= CALLERS else TRACE_ROWS // 10
    cmd = [sys.executable, str(HERE / "bench_trace.py"), "--rows", str(rows)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return Row("load-trace", f"load a {rows:,}-row trace", "load", 0, seconds,
               note=proc.stdout.strip(), extra={"rows": rows})


FIT_ROWS = 1_000_000  # the fit-1m row (--quick: 100,000; fewer callers: 10 rows per caller)


def b_fit(n: int, seed: int) -> Row:
    """bench/bench_fit.py in a subprocess: ``acdsim fit`` of a synthetic call log, wall time and
    the peak RSS of the fitting process (issue #17: 1,000,000 calls in < 30 s and < 1 GB)."""
    rows = FIT_ROWS if n >= CALLERS else min(FIT_ROWS // 10, n * 10)
    cmd = [sys.executable, str(HERE / "bench_fit.py"), "--rows", str(rows)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return Row("fit-1m", f"acdsim fit of a {rows:,}-call log", "load", 0, seconds,
               note=proc.stdout.strip(), extra={"rows": rows})


#: Run once whatever --repeat says (long, or timed by themselves).
# Staffing by simulation (issue #14): `acdsim staff` of scenarios/staff_day.yaml (12 hours, 24
# half-hour intervals, ~4,100 calls), 80/20 and 5 % abandon, --jobs 2, as a whole process.

STAFF_ARGS = ("--sl", "80/20", "--max-abandon", "5%", "--jobs", "2")


def b_staff_day(n: int, seed: int) -> Row:
    """The whole search with its verification; the day is the same whatever ``n``."""
    data = workloads.staff_day()
    with tempfile.TemporaryDirectory(prefix="acdsim-bench-") as tmp:
        path = workloads.write_yaml(data, Path(tmp) / "staff_day.yaml")
        out = Path(tmp) / "out"
        seconds, cpu = _timed([*acdsim_command(), "staff", str(path), *STAFF_ARGS, "-q", "-o", str(out)])
        info = json.loads((out / "staffing.json").read_text(encoding="utf-8"))
    days = info["simulated_days"]
    per_day = sum(p["calls_per_hour"] for p in data["queues"][0]["callers"]["arrivals"]["profile"]) / 2
    return Row("staff-day", "acdsim staff staff_day.yaml " + " ".join(STAFF_ARGS), "staff",
               round(days * per_day), seconds, cpu, timing="pbx",
               extra={"simulated_days": days, "search_days": info["search"]["simulated_days"],
                      "rounds": info["search"]["rounds"], "minimal": info["minimality"]["minimal"],
                      "agent_hours": info["agent_hours"]})


ONCE = {"acdsim-1m-summary", "acdsim-1m-all", "load", "load-trace", "fit-1m", "staff-day"}


BENCHMARKS: dict[str, Callable[[int, int], Row]] = {
    "acdsim-mm50-process": b_acdsim_process,
    "acdsim-mm50": b_acdsim_engine,
    "ciw-mm50": _peer("ciw-mm50", "Ciw", peers.ciw_mm50),
    "simpy-mm50": _peer("simpy-mm50", "simpy (process per caller, Resource)", peers.simpy_mm50),
    "heapq-mm50": _peer("heapq-mm50", "heapq event loop", peers.heapq_mm50),
    "acdsim-mm50-pbx": _engine("acdsim-mm50-pbx", "M/M/50 rho 0.9", workloads.mm50, "pbx"),
    "acdsim-tiered": _engine(
        "acdsim-tiered", "tiered: 3 levels, tier rules, delays, no-answers (45 agents, rho ~0.85)",
        workloads.tiered, "pbx"),
    "acdsim-ring-all": _engine(
        "acdsim-ring-all", "ring-all, 30 agents, answer time exp. mean 4 s (rho ~0.85)",
        workloads.ring_all, "pbx"),
    "acdsim-multi-queue": _engine(
        "acdsim-multi-queue", "5 queues sharing 100 agents on 2-3 levels (rho ~0.85)",
        workloads.multi_queue, "pbx"),
    "acdsim-long-queue": b_long_queue,
    "acdsim-1m-summary": b_big,
    "acdsim-mm50-all": _process("acdsim-mm50-all", "M/M/50, all outputs CSV (whole process)",
                                workloads.mm50, "continuous", _ALL_CSV),
    "acdsim-mm50-parquet": _process("acdsim-mm50-parquet", "M/M/50, all outputs Parquet (whole process)",
                                    workloads.mm50, "continuous", _ALL_PARQUET),
    "acdsim-ring-all-summary": _process("acdsim-ring-all-summary", "ring-all, --only summary (whole process)",
                                        workloads.ring_all, "pbx", _SUMMARY),
    "acdsim-ring-all-all": _process("acdsim-ring-all-all", "ring-all, all outputs CSV (whole process)",
                                    workloads.ring_all, "pbx", _ALL_CSV),
    "acdsim-tiered-summary": _process("acdsim-tiered-summary", "tiered, --only summary (whole process)",
                                      workloads.tiered, "pbx", _SUMMARY),
    "acdsim-tiered-all": _process("acdsim-tiered-all", "tiered, all outputs CSV (whole process)",
                                  workloads.tiered, "pbx", _ALL_CSV),
    "acdsim-1m-all": _process("acdsim-1m-all", "M/M/50, 1,000,000 callers, all outputs CSV (whole process)",
                              workloads.mm50, "continuous", _ALL_CSV, big=True),
    "load": b_load,
    "sweep-runs": b_sweep_runs,
    "sweep-jobs1": _sweep("sweep-jobs1", "acdsim sweep --jobs 1"),
    "sweep-jobs2": _sweep("sweep-jobs2", "acdsim sweep --jobs 2", jobs=2),
    "sweep-dask": _sweep("sweep-dask", "acdsim sweep --scheduler (LocalCluster, 2 workers)", _dask_cluster),
    "load-trace": b_load_trace,
    "fit-1m": b_fit,
    "staff-day": b_staff_day,
}


# ------------------------------------------------------------------------------------------
# Output


def erlang_c_wait() -> float:
    from acdsim.erlang import mmc

    return mmc(calls_per_hour=workloads.MM50_CALLS_PER_HOUR, aht=workloads.MM50_AHT,
               agents=workloads.MM50_AGENTS).asa


def _fmt_rate(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) else "-"


def _wait_cell(r: Row, exact: float) -> tuple[str, str]:
    if r.mean_wait is None:
        return "-", "-"
    if r.ci is not None and math.isfinite(r.ci):
        covered = abs(r.mean_wait - exact) <= r.ci
        return (f"{r.mean_wait:.2f} ± {r.ci:.2f}",
                f"{(r.mean_wait / exact - 1) * 100:+.1f} % ({'CI covers it' if covered else 'CI misses it'})")
    return f"{r.mean_wait:.2f}", f"{(r.mean_wait / exact - 1) * 100:+.1f} %"


def _table(header: Sequence[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*r) for r in rows])


def compare_table(rows: list[Row], markdown: bool) -> str:
    exact = erlang_c_wait()
    by = {r.name: r for r in rows}
    proc, eng = by.get("acdsim-mm50-process"), by.get("acdsim-mm50")
    out = []
    for r in rows:
        wait, vs = _wait_cell(r, exact)
        ratio_p = f"{proc.rate / r.rate:.2f}x" if proc and r is not proc else "-"
        ratio_e = f"{eng.rate / r.rate:.2f}x" if eng and r is not eng else "-"
        out.append([r.label, f"{r.callers:,}", f"{r.seconds:.2f}", f"{r.cpu:.2f}", _fmt_rate(r.rate),
                    wait, vs, ratio_p, ratio_e])
    header = ["implementation", "callers", "seconds", "CPU s", "callers/s", "mean wait (s)",
              f"vs Erlang C {exact:.4f} s", "acdsim process ÷", "acdsim engine ÷"]
    return _table(header, out, markdown)


def acdsim_table(rows: list[Row], markdown: bool) -> str:
    out = []
    for r in rows:
        rss = f"{r.rss_mb:.0f}" if r.rss_mb is not None else "-"
        wait = f"{r.mean_wait:.2f}" if r.mean_wait is not None else "-"
        out.append([r.label, r.timing, f"{r.callers:,}", f"{r.seconds:.2f}", f"{r.cpu:.2f}",
                    _fmt_rate(r.rate), wait, rss])
    header = ["workload (engine only unless said)", "timing", "callers", "seconds", "CPU s", "callers/s",
              "mean wait (s)", "peak RSS (MB)"]
    return _table(header, out, markdown)


def sweep_table(rows: list[Row], markdown: bool) -> str:
    by = {r.name: r for r in rows}
    plain = by.get("sweep-runs")
    out = []
    for r in rows:
        runs = r.extra.get("runs", 0)
        ratio = f"{r.seconds / plain.seconds:.2f}" if plain and r is not plain else "-"
        out.append([r.label, str(runs), f"{r.callers:,}", f"{r.seconds:.2f}", f"{r.cpu:.2f}",
                    f"{runs / r.seconds:.2f}" if r.seconds > 0 else "-", ratio])
    header = ["sweep (whole processes)", "runs", "callers", "seconds", "CPU s", "runs/s",
              "seconds ÷ separate runs"]
    return _table(header, out, markdown)


def staff_table(rows: list[Row], markdown: bool) -> str:
    out = []
    for r in rows:
        e = r.extra
        hours = e["agent_hours"]
        out.append([r.label, f"{r.seconds:.1f}", f"{r.cpu:.1f}", f"{e['search_days']:.0f}",
                    f"{e['simulated_days']:.0f}", f"{r.callers:,}", str(e["rounds"]), "yes" if e["minimal"] else "no",
                    f"{hours['simulation']:.1f} / {hours['erlang_c']:.1f} / {hours['erlang_a']:.1f}",
                    "met" if r.seconds < 30 else "NOT MET"])
    header = ["command (whole process)", "seconds", "CPU s", "search days", "days with verification",
              "callers simulated", "rounds", "locally minimal", "agent-hours sim / Erlang C / A", "< 30 s"]
    return _table(header, out, markdown)


def targets(rows: list[Row]) -> list[tuple[str, str, str]]:
    """(target, measured, met / not met / not measured)."""
    by = {r.name: r for r in rows}

    def rate_target(name: str, floor: float, what: str) -> tuple[str, str, str]:
        r = by.get(name)
        if r is None:
            return what, "-", "not measured"
        return what, f"{r.rate:,.0f} callers/s", "met" if r.rate >= floor else "NOT MET"

    out = []
    eng, ciw = by.get("acdsim-mm50"), by.get("ciw-mm50")
    what = "M/M/50 continuous, engine only >= 3x Ciw's callers/s"
    if eng and ciw:
        ratio = eng.rate / ciw.rate
        out.append((what, f"{ratio:.2f}x", "met" if ratio >= 3 else "NOT MET"))
    else:
        out.append((what, "-", "not measured"))
    out.append(rate_target("acdsim-mm50", 60_000, "M/M/50 continuous, engine only >= 60,000 callers/s"))
    out.append(rate_target("acdsim-mm50-pbx", 40_000, "M/M/50 pbx >= 40,000 callers/s"))
    for name in ("acdsim-tiered", "acdsim-ring-all", "acdsim-multi-queue"):
        out.append(rate_target(name, 20_000, f"{name.removeprefix('acdsim-')} >= 20,000 callers/s"))
    big = by.get("acdsim-1m-summary")
    what = "1,000,000 callers, --only summary: peak RSS < 300 MB"
    if big is None or big.rss_mb is None:
        out.append((what, "-", "not measured"))
    else:
        scaled = "" if big.callers >= 900_000 else f" ({big.callers:,} callers: --quick)"
        out.append((what, f"{big.rss_mb:.0f} MB{scaled}", "met" if big.rss_mb < 300 else "NOT MET"))
    out.extend(output_targets(by))
    return out


def output_targets(by: dict[str, Row]) -> list[tuple[str, str, str]]:
    """Issue #15: what writing every output costs, in CPU seconds of whole processes."""
    out = []
    for full, base, what in (
        ("acdsim-mm50-all", "acdsim-mm50-process", "M/M/50, all outputs <= 1.3x --only summary (CPU)"),
        ("acdsim-ring-all-all", "acdsim-ring-all-summary", "ring-all, all outputs <= 1.3x --only summary (CPU)"),
        ("acdsim-tiered-all", "acdsim-tiered-summary", "tiered, all outputs <= 1.3x --only summary (CPU)"),
        ("acdsim-mm50-parquet", "acdsim-mm50-all", "M/M/50, Parquet no slower than CSV (CPU)"),
    ):
        a, b = by.get(full), by.get(base)
        if a is None or b is None:
            out.append((what, "-", "not measured"))
            continue
        ratio = a.cpu / b.cpu
        limit = 1.0 if "Parquet" in what else 1.3
        out.append((what, f"{ratio:.2f}x", "met" if ratio <= limit else "NOT MET"))
    big = by.get("acdsim-1m-all")
    what = "1,000,000 callers, all outputs: peak RSS < 300 MB"
    if big is None or big.rss_mb is None:
        out.append((what, "-", "not measured"))
    else:
        scaled = "" if big.callers >= 900_000 else f" ({big.callers:,} callers: --quick)"
        out.append((what, f"{big.rss_mb:.0f} MB{scaled}", "met" if big.rss_mb < 300 else "NOT MET"))
    return out


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for mod in ("simpy", "numpy", "ciw"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} (not installed)")
    try:
        load = "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "load average ?"
    import acdsim

    src = Path(acdsim.__file__).resolve().parent.parent
    if src == HERE.parent / "src":
        commit = _git("rev-parse", "--short", "HEAD")
        dirty = " + uncommitted changes" if _git("status", "--porcelain", "--", "src") else ""
        where = f"acdsim at commit {commit}{dirty}"
    else:
        where = f"acdsim from {src}"
    return (f"{os.cpu_count()} CPUs ({cpu}); Python {platform.python_version()}; "
            f"{', '.join(versions)}; {load}; {where}")


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def profile(n: int, seed: int, top: int = 15) -> None:
    """cProfile of the engine-only M/M/50 run, the ``top`` functions by own time."""
    import cProfile
    import io
    import pstats

    from acdsim.runner import run_replication

    sc = workloads.scenario(workloads.mm50(n, "continuous", seed))
    prof = cProfile.Profile()
    prof.enable()
    run_replication(sc, 0, None)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime").print_stats(top)
    print(f"cProfile, acdsim M/M/50 continuous engine only, {n:,} callers; {machine()}")
    print(buf.getvalue().rstrip())


# ------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="benchmarks: " + ", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="10x fewer callers (smoke runs)")
    parser.add_argument("--callers", type=int, default=None,
                        help=f"callers per workload (default {CALLERS:,}, --quick {CALLERS // 10:,}); "
                             f"the summary-only run gets 5x as many")
    parser.add_argument("--only", action="append", default=None, metavar="NAME",
                        help="run only this benchmark (repeatable, or comma-separated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="best of N runs, interleaved (not the 1M-caller and loading runs); "
                             "default 3, --quick 1: a shared machine's noise is a few per cent")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--profile", action="store_true",
                        help="instead of timing: cProfile the acdsim M/M/50 engine-only run")
    args = parser.parse_args(argv)
    n = args.callers or (CALLERS // 10 if args.quick else CALLERS)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3

    if args.profile:
        profile(n, args.seed)
        return []
    names = list(BENCHMARKS)
    if args.only:
        wanted = [w.strip() for item in args.only for w in item.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in BENCHMARKS]
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        names = [name for name in names if name in wanted]
    if "sweep-dask" in names:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("distributed is not installed (pip install -e '.[dask]'); skipping sweep-dask", file=sys.stderr)
            names.remove("sweep-dask")
    if "ciw-mm50" in names:
        try:
            import ciw  # noqa: F401
        except ImportError:
            print("ciw is not installed (pip install -e '.[bench]'); skipping ciw-mm50", file=sys.stderr)
            names.remove("ciw-mm50")

    runs = f"best of {args.repeat} interleaved runs" if args.repeat > 1 else "one run each"
    print(f"# acdsim benchmark, {n:,} callers per workload, {runs}; {machine()}", flush=True)
    best: dict[str, Row] = {}
    started = time.perf_counter()
    for k in range(max(1, args.repeat)):
        for name in names:
            if k > 0 and name in ONCE:
                continue
            print(f"  {name} ...", end="", file=sys.stderr, flush=True)
            row = BENCHMARKS[name](n, args.seed)
            print(f" {row.seconds:.1f} s", file=sys.stderr, flush=True)
            if name not in best or row.seconds < best[name].seconds:
                best[name] = row
    rows = [best[name] for name in names]

    md = args.markdown
    compare = [r for r in rows if r.section == "compare"]
    if compare:
        print(f"\n## The same M/M/50 (rho 0.9, 50 servers), ~{n:,} callers\n")
        print(compare_table(compare, md))
        print("\nmean wait: ± the half-width of a 95 % batch-means confidence interval (20 batches).")
        if n < CALLERS:
            print("With fewer than ~200,000 callers at rho 0.9 the empty start biases mean waits down"
                  " and the batches are too short for the interval: expect misses.")
    own = [r for r in rows if r.section == "acdsim"]
    if own:
        print(f"\n## acdsim workloads, ~{n:,} callers each\n")
        print(acdsim_table(own, md))
    sweeps = [r for r in rows if r.section == "sweep"]
    if sweeps:
        print(f"\n## Sweeps: M/M/50 continuous, {SWEEP_POINTS} points x {SWEEP_REPS} replications, "
              f"~{max(1000, n // 4):,} callers a run\n")
        print(sweep_table(sweeps, md))
        print("\nCPU s counts the measured process and its children (local workers), not Dask's"
              " workers; the LocalCluster is started before the timing.")
    staffing = [r for r in rows if r.section == "staff"]
    if staffing:
        print("\n## Staffing by simulation (scenarios/staff_day.yaml: 12 h, 24 intervals, ~4,100 calls)\n")
        print(staff_table(staffing, md))
    for r in rows:
        if r.section == "load":
            title = {"load-trace": f"bench_trace.py, {r.label}", "fit-1m": f"bench_fit.py, {r.label}"}.get(
                r.name, "bench_load.py")
            print(f"\n## Loading ({title})\n\n{r.note}")
    if any(r.section not in ("load", "sweep", "staff") for r in rows):
        print("\n## Targets (issue #6)\n")
        print(_table(["target", "measured", "status"], [list(t) for t in targets(rows)], md))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return rows


if __name__ == "__main__":
    main()
