"""The per-queue table of `acdsim run` never cuts a number short, whatever the terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from acdsim.output.table import summary_table

SUMMARY = {
    "scenario": "test queue", "timing": "pbx", "replications": 1,
    "queues": {"208": {"offered": 123456, "answered": 120001, "service_level": 0.338, "asa": 80.51,
                       "abandon_rate": 0.289, "wait_p90": 12217.2}},
    "agents": {"local/1": {"occupancy": 0.76, "handle_occupancy": 0.761}},
}
VALUES = ["123456", "120001", "33.8%", "80.5", "28.9%", "12217.2", "76.0%", "76.1%"]


@pytest.mark.parametrize("width", [40, 60, 70, 80, 100, 160])
def test_run_table_never_truncates_a_number(width: int) -> None:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    console.print(summary_table(SUMMARY, width=width))
    text = out.getvalue()
    for value in VALUES:
        assert value in text, (width, value, text)
    assert "…" not in text


def test_run_table_turns_on_a_narrow_terminal() -> None:
    narrow = summary_table(SUMMARY, width=60)
    assert [c.header for c in narrow.columns] == ["queue", "208"]
    wide = summary_table(SUMMARY, width=160)
    assert len(wide.columns) == 9
