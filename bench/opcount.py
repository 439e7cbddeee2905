"""Python bytecodes and calls per caller, per acdsim function: a cost measure that, unlike
time, does not move with the machine's load.

    .venv/bin/python bench/opcount.py mm50 continuous 5000
    .venv/bin/python bench/opcount.py ring_all pbx 5000 --top 15

WORKLOAD is a builder of bench/workloads.py (mm50, tiered, ring_all, multi_queue, long_queue). The run
is traced opcode by opcode (``sys.settrace`` with ``f_trace_opcodes``), so it is ~50x slower
than a plain run: a few thousand callers are enough, the counts per caller are stable.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", choices=["mm50", "tiered", "ring_all", "multi_queue", "long_queue"])
    parser.add_argument("timing", choices=["continuous", "pbx"])
    parser.add_argument("callers", type=int, nargs="?", default=5000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)

    from acdsim.runner import run_replication

    sc = workloads.scenario(getattr(workloads, args.workload)(args.callers, args.timing))
    ops: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        code = frame.f_code
        if "acdsim" not in code.co_filename:
            return None
        frame.f_trace_opcodes = True
        key = f"{Path(code.co_filename).name}:{code.co_name}"
        if event == "call":
            calls[key] += 1
        elif event == "opcode":
            ops[key] += 1
        return tracer

    sys.settrace(tracer)
    try:
        result = run_replication(sc, 0, None)
    finally:
        sys.settrace(None)
    n = sum(q["offered"] for q in result["queues"].values())
    print(f"{args.workload} ({args.timing}), {n:,} callers: {sum(ops.values()) / n:,.0f} bytecodes "
          f"and {sum(calls.values()) / n:.1f} acdsim calls per caller")
    print(f"{'bytecodes':>10} {'calls':>6}  function (per caller)")
    for key, count in ops.most_common(args.top):
        print(f"{count / n:10.1f} {calls[key] / n:6.2f}  {key}")


if __name__ == "__main__":
    main()
