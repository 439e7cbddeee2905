"""Hand-made inputs of ``acdsim shifts``: staffing.csv files in the shape ``acdsim staff``
writes (docs/staffing.md), and a small scenario with one pool to roster."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

HEADER = (
    "pool,interval_start,interval_end,clock,offered,erlang_c,erlang_a,agents,shrinkage,scheduled,"
    "service_level,service_level_ci95,asa,abandon_rate,occupancy,met,binding"
)

SCENARIO = """\
acdsim: 1
name: shifts test
start: "2026-03-02 08:00:00"
horizon: {horizon}
seed: 3
report: {{service_level_threshold: 20, interval: 1h}}
queues:
  - id: 208
    strategy: longest-idle-agent
    callers:
      arrivals: {{calls_per_hour: 20}}
      talk_time: {{dist: exponential, mean: 120}}
      patience: {{dist: exponential, mean: 120}}
agents: {{}}
pools:
  - name: support
    first_id: 1000
    agent: {{wrap_up_time: 5}}
    tiers: [{{queue: 208, level: 1, position: 1}}]
    staffing: 1
"""


def clock(minutes: float) -> str:
    h, m = divmod(int(minutes), 60)
    return f"{h % 24:02d}:{m:02d}"


def staffing_csv(
    path: Path, required: Sequence[int], *, interval: float = 3600, first: str = "08:00",
    shrinkage: float | Sequence[float] = 0.0, pool: str = "support",
) -> Path:
    """A staffing.csv with ``scheduled`` = ``required`` per interval from clock ``first``."""
    h, m = (int(x) for x in first.split(":"))
    shrinks = list(shrinkage) if isinstance(shrinkage, Sequence) else [shrinkage] * len(required)
    lines = [HEADER]
    for k, (need, s) in enumerate(zip(required, shrinks, strict=True)):
        start = k * interval
        agents = int(need * (1 - s))
        lines.append(
            f"{pool},{start:g},{start + interval:g},{clock(h * 60 + m + start / 60)},10,{agents},{agents},{agents},"
            f"{s:g},{need},0.8,0.02,12.5,0.03,0.7,true,service_level"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scenario_file(path: Path, hours: int) -> Path:
    path.write_text(SCENARIO.format(horizon=f"{hours}h"), encoding="utf-8")
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
