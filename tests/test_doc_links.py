"""Every relative link in README.md and docs/ names a file that exists (and an anchor that
exists, for links into the generated docs/scenario.md): a newcomer never follows a dead link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "scenarios").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return [m for m in LINK.findall(text) if not re.match(r"[a-z]+:", m) and not m.startswith("#")]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_relative_link_exists(page: Path) -> None:
    dead = []
    for link in _links(page):
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve()
        if not path.exists():
            dead.append(link)
        elif anchor and path.suffix == ".md" and path.name == "scenario.md":
            if f'id="{anchor}"' not in path.read_text(encoding="utf-8"):
                dead.append(link)
    assert not dead, f"{page.name}: dead links {dead}"
