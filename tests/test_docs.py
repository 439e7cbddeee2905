"""Generated docs are in sync with the models; the README keeps its promises."""

from __future__ import annotations

import re
from pathlib import Path

from acdsim.docgen import render
from acdsim.model import Queue, Scenario

ROOT = Path(__file__).resolve().parent.parent


def test_scenario_reference_is_in_sync() -> None:
    committed = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/scenario.md is out of date: run  .venv/bin/python -m acdsim.docgen > docs/scenario.md"
    )


def test_reference_mentions_every_key() -> None:
    text = render()
    for model in (Scenario, Queue):
        for name, info in model.model_fields.items():
            assert f"| `{info.alias or name}` |" in text


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.match(r"```[a-z]*\n(.*?)```", readme, re.S)
    assert first_block is not None, "README.md must start with the fenced block of the two commands"
    assert first_block.group(1).split() == ["make", "run", "make", "test"]
    for needle in ("acdsim run scenarios/quickstart.yaml", "acdsim validate", "acdsim schema",
                   "docs/scenario.md", "calls.csv", "offers.csv"):
        assert needle in readme, needle


def test_scenarios_readme_indexes_every_file() -> None:
    index = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    for name in ("quickstart.yaml", "reference.yaml"):
        assert name in index, name
