"""How fast does a big trace CSV load, in how much memory? (not a timed test)

    .venv/bin/python bench/bench_trace.py [--rows N] [--repeat N]

Writes a trace of N rows (time, number, talk_time, patience; a third of the talk and
patience cells empty) and a scenario naming it into a temporary folder, loads it with
``load_scenario`` and prints rows per second and the peak RSS of this process (which
includes the interpreter and the imports, ~60-80 MB).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from acdsim.loader import load_scenario

SCENARIO = """\
acdsim: 1
horizon: 24h
queues:
  - id: 1
    strategy: longest-idle-agent
    agents:
      local: [{agent_id: 1}]
    callers:
      arrivals: {trace: calls.csv}
      talk_time: {dist: exponential, mean: 180}
agents:
  local:
    - {id: 1}
"""


def write_trace(path: Path, rows: int) -> int:
    """A trace of ``rows`` rows written in blocks; returns its size in bytes."""
    step = 86_400 / max(rows, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("time,number,talk_time,patience\n")
        block = 100_000
        for start in range(0, rows, block):
            lines = []
            for i in range(start, min(rows, start + block)):
                talk = "" if i % 3 == 0 else f"{60 + i % 600}.{i % 10}"
                patience = "" if i % 3 == 1 else f"{30 + i % 200}"
                lines.append(f"{i * step:.3f},4930{i % 10_000_000:07d},{talk},{patience}\n")
            out.write("".join(lines))
    return path.stat().st_size


def peak_rss_mb() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write_trace(folder / "calls.csv", args.rows)
        (folder / "s.yaml").write_text(SCENARIO, encoding="utf-8")
        before = peak_rss_mb()
        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            scenario = load_scenario(folder / "s.yaml")
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
            loaded = len(scenario.queues[0].callers.arrivals.rows)  # type: ignore[union-attr]
            del scenario
    rss = peak_rss_mb()
    print(
        f"{loaded:,} trace rows ({size / 1024**2:.0f} MiB): loaded in {best:.2f} s "
        f"({best_cpu:.2f} s CPU), {loaded / best:,.0f} rows/s; peak RSS {rss:.0f} MB "
        f"({before:.0f} MB before loading)"
    )


if __name__ == "__main__":
    main()
