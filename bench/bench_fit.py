"""How fast does ``acdsim fit`` read and fit a big call log, in how much memory? (not a test)

    .venv/bin/python bench/bench_fit.py [--rows N]

Writes a synthetic call log of N rows (default 1,000,000) into a temporary folder: 30 days
of ISO datetimes with a daily profile, 40 agents, exponential waits, lognormal talk times,
exponential patience (abandoned callers observed, answered ones censored). Then runs
``acdsim fit LOG -o DIR --no-plots`` in a subprocess and prints its wall time and peak RSS
(interpreter and imports included). The log is made with numpy, not simulated: this
measures the fit, not the engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHIM = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - start
u = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"code": code, "seconds": seconds, "maxrss": u.ru_maxrss}, f)
"""


def write_log(path: Path, rows: int, seed: int = 7) -> int:
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 30, rows)
    tod = 8 * 3600 + rng.beta(2, 3, rows) * 10 * 3600  # a busy morning, 08:00-18:00
    joined = pd.Timestamp("2026-03-02") + pd.to_timedelta(day * 86400 + tod, unit="s")
    wait = rng.exponential(40, rows)
    patience = rng.exponential(120, rows)
    answered_mask = patience > wait
    talk = rng.lognormal(np.log(180) - 0.18, 0.6, rows)
    answered = joined + pd.to_timedelta(np.where(answered_mask, wait, np.nan), unit="s")
    left = joined + pd.to_timedelta(np.where(answered_mask, wait + talk, patience), unit="s")
    frame = pd.DataFrame({
        "call_id": np.arange(rows),
        "queue_joined": joined.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3],
        "answered_time": answered.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3],
        "hangup_time": left.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3],
        "result": np.where(answered_mask, "answered", "abandoned"),
        "operator": np.where(answered_mask, "op" + (rng.integers(0, 40, rows)).astype(str), ""),
    })
    frame.loc[~answered_mask, "answered_time"] = ""
    frame.to_csv(path, index=False)
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="acdsim-bench-fit-") as tmp:
        log = Path(tmp) / "calls.csv"
        start = time.perf_counter()
        size = write_log(log, args.rows)
        made = time.perf_counter() - start
        script = Path(sys.executable).parent / "acdsim"
        acdsim = [str(script)] if script.exists() else [sys.executable, "-m", "acdsim"]
        cmd = [*acdsim, "fit", str(log), "-o", str(Path(tmp) / "out"), "--no-plots",
               "--map", "joined=queue_joined,answered=answered_time,left=hangup_time,outcome=result,agent=operator"]
        measured = Path(tmp) / "measured.json"
        subprocess.run([sys.executable, "-c", SHIM, str(measured), *cmd], check=True)
        m = json.loads(measured.read_text())
        if m["code"] != 0:
            raise SystemExit(f"acdsim fit failed with status {m['code']}")
        rss = m["maxrss"] / 1024
        print(f"fit of a {args.rows:,}-row log ({size / 1e6:.0f} MB, made in {made:.1f} s): "
              f"{m['seconds']:.1f} s, peak RSS {rss:.0f} MB (targets: < 30 s, < 1024 MB)")


if __name__ == "__main__":
    main()
