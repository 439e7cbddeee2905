"""Golden runs of every file in scenarios/: the summary (rounded) and the digests of calls.csv and
offers.csv must not change unless the behaviour is meant to change.

After an intended change, regenerate with ``ACDSIM_UPDATE_GOLDEN=1 make test`` (or run this
file with that variable set) and review the diff of tests/golden/ in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import acdsim
from acdsim.api import with_overrides
from acdsim.runner import run_scenario

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
MAX_HORIZON = 4 * 3600


def _round(value):
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden_run(path: Path, tmp_path: Path):
    sc = acdsim.load_scenario(path)
    sc = with_overrides(sc, horizon=min(sc.horizon, MAX_HORIZON))
    assert run_scenario(sc, tmp_path, quiet=True, jobs=1) == 0
    got = {
        "summary": _round(json.loads((tmp_path / "summary.json").read_text())),
        "sha256": {
            name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
            for name in ("calls.csv", "offers.csv", "status.csv")
        },
    }
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("ACDSIM_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        if not os.environ.get("ACDSIM_UPDATE_GOLDEN"):
            pytest.fail(f"no golden file yet: wrote {golden.name}; review and commit it")
    want = json.loads(golden.read_text())
    assert got["summary"] == want["summary"]
    assert got["sha256"] == want["sha256"]
