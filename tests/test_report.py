"""acdsim.report: one self-contained report.html that loads nothing from anywhere."""

from __future__ import annotations

import base64
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import acdsim  # noqa: E402
from acdsim.api import with_overrides  # noqa: E402
from acdsim.report import build_report, format_value  # noqa: E402
from acdsim.runner import run_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
SCENARIO_BLOCK = re.compile(r'<pre class="scenario">.*?</pre>', re.S)
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


class Links(HTMLParser):
    """Every attribute that could load or point to something, and every tag."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action", "background"):
                self.refs.append((tag, name, value or ""))


def parse(page: str) -> Links:
    links = Links()
    links.feed(page)
    return links


def assert_offline(page: str) -> None:
    """No external resource is loaded; URLs appear only inside the echoed scenario."""
    outside = DATA_URI.sub("data:", SCENARIO_BLOCK.sub("", page))
    assert "http://" not in outside and "https://" not in outside
    lowered = outside.lower()
    for bad in ('src="http', "src='http", 'href="http', "href='http", "@import", "url(",
                "<script", "<link", "<iframe", "<object", "//"):
        assert bad not in lowered, bad
    links = parse(page)
    for tag, name, value in links.refs:
        assert value.startswith("data:image/png;base64,") or value.startswith("#"), (tag, name)


@pytest.fixture(scope="module")
def quick_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quick")
    scenario = with_overrides(acdsim.load_scenario(QUICKSTART), horizon=3600)
    assert run_scenario(scenario, out, quiet=True) == 0
    return out


def test_report_of_quickstart(quick_dir: Path) -> None:
    text = QUICKSTART.read_text()
    assert "http://127.0.0.1:8080/calls" in text  # the agent event URL is in the scenario
    path = build_report(quick_dir, scenario_text=text)
    assert path == quick_dir / "report.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert_offline(page)

    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 5
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")

    summary = json.loads((quick_dir / "summary.json").read_text())
    q = summary["queues"]["208"]
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)', page)
    for metric in ("offered", "answered", "abandoned"):
        assert str(q[metric]) in cells, metric
    assert f"{q['service_level'] * 100:.1f} %" in cells
    assert f"{q['asa']:.1f} s" in cells
    assert f"{q['wait_p90']:.1f} s" in cells
    for ref, figures in summary["agents"].items():
        assert f"<th>{ref}</th>" in page
        assert str(figures["calls_answered"]) in cells
        assert f"{figures['occupancy'] * 100:.1f} %" in cells
    # The scenario is echoed, escaped, in its block (quotes included).
    block = SCENARIO_BLOCK.search(page)
    assert block is not None
    assert html.escape(text) in block.group(0)
    assert "&quot;000*370&quot;" in block.group(0)


def test_report_with_replications_shows_ci_and_echoes_scenario_yaml(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    scenario = with_overrides(acdsim.load_scenario(QUICKSTART), horizon=1800, replications=3)
    assert run_scenario(scenario, out, quiet=True) == 0
    (out / "scenario.yaml").write_text(QUICKSTART.read_text())
    page = build_report(out).read_text(encoding="utf-8")
    assert_offline(page)
    assert page.count("data:image/png;base64,") == 5
    summary = json.loads((out / "summary.json").read_text())
    lo, hi = summary["queues"]["208"]["ci95"]["service_level"]
    assert f"95 % CI {lo * 100:.1f} % – {hi * 100:.1f} %" in page
    assert "means over 3 replications" in page
    assert "http://127.0.0.1:8080/calls" in SCENARIO_BLOCK.search(page).group(0)  # type: ignore[union-attr]


def test_report_escapes_text_and_needs_only_summary(tmp_path: Path) -> None:
    summary = {
        "scenario": "<script>alert(1)</script> & co",
        "seed": 0, "replications": 1, "timing": "pbx", "horizon": 60.0, "warmup": 0.0,
        "service_level_threshold": 20.0,
        "queues": {"7": {"offered": 3, "answered": 2, "service_level": None,
                          "answered_by_level": {"0": 2}}},
        "agents": {"local/<1>": {"calls_answered": 2, "occupancy": 0.25}},
    }
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    page = build_report(tmp_path, scenario_text="name: </pre><b>x</b>").read_text()
    assert "<script>" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "local/&lt;1&gt;" in page
    assert "L0: 2" in page and "25.0 %" in page and "—" in page
    assert "data:image" not in page  # no CSV file, no plot
    assert_offline(page)
    assert "script" not in parse(page).tags


def test_format_value() -> None:
    assert format_value("offered", 12) == "12"
    assert format_value("offered", 12.5) == "12.50"
    assert format_value("service_level", 0.3381) == "33.8 %"
    assert format_value("asa", 80.488) == "80.5 s"
    assert format_value("asa", None) == "—"
    assert format_value("answered_by_level", {"1": 141, "2": 107}) == "L1: 141, L2: 107"
