"""The notebooks run top to bottom on the public API (executed with nbclient), and are stored
executed: a reader on GitHub sees their results and charts without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# A line each notebook must print when run from a clean slate: its result, not just "no error".
EXPECTED = {
    "01_erlang_vs_simulation.ipynb": ["agents for 80/20 (Erlang C): 51"],
    "02_strategy_comparison.ipynb": [
        "same callers at every point: offered_diff is 0 at every point",
        "longest-idle-agent fewest juniors for 80%/30s: 6 on the mean",
    ],
    "03_staffing_a_day.ipynb": [
        "agent-hours for 80/20: Erlang C 347.5, Erlang A 305.0",
        "acdsim.staff's verification reproduced by acdsim.simulate: True",
        "the roster covers every half hour: True",
    ],
}


def test_every_notebook_has_its_expected_output():
    assert sorted(EXPECTED) == [p.name for p in NOTEBOOKS]


def _images(nb: Any) -> int:
    return sum(
        "image/png" in o.get("data", {})
        for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_executed_with_its_charts(path: Path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert all(n is not None for n in counts), f"{path.name}: commit it executed (every code cell run)"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run top to bottom once before committing"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], f"{path.name}: a cell failed"
    assert _images(nb) >= 1, f"{path.name}: no chart in the stored outputs"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # run from a clean slate, not on the stored outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for line in EXPECTED[path.name]:
        assert line in text, f"{path.name}: {line!r} not printed"
    # The chart is shown (no forced non-interactive backend hides it): an inline PNG.
    assert _images(nb) >= 1
