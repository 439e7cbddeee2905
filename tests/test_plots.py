"""acdsim.plots: every figure renders headless from the files of a run and from the API."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import acdsim  # noqa: E402
from acdsim import plots  # noqa: E402
from acdsim.api import with_overrides  # noqa: E402
from acdsim.runner import run_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
PNG = b"\x89PNG\r\n\x1a\n"
NAMES = ["members_over_time", "wait_distribution", "interval_kpis", "agent_timeline",
         "answered_by_level"]

# Two queues, wrap-up, delays, a break and a shift: every category of the agent timeline.
RICH = """\
acdsim: 1
name: rich
horizon: 1h
seed: 3
report: {service_level_threshold: 20, status_interval: 30, interval: 900}
queues:
  - id: 101
    agents:
      local: [{agent_id: 1, level: 1}, {agent_id: 2, level: 1}, {agent_id: 3, level: 2}]
    callers:
      arrivals: {calls_per_hour: 60}
      talk_time: {dist: exponential, mean: 150}
      patience: {dist: exponential, mean: 120}
  - id: 102
    strategy: ring-all
    max_wait_time: 300
    agents:
      local: [{agent_id: 3, level: 1}]
      remote: [{agent_id: 9, level: 2}]
    callers:
      arrivals: {calls_per_hour: 20}
      talk_time: {dist: exponential, mean: 120}
agents:
  local:
    - {id: 1, wrap_up_time: 20, no_answer_delay_time: 15, call_timeout: 15, behavior: sloppy}
    - {id: 2, wrap_up_time: 10, reject_delay_time: 10, busy_delay_time: 5, behavior: sloppy}
    - {id: 3, wrap_up_time: 5}
  remote:
    - {id: 9, status: logged_out}
behaviors:
  sloppy: {p_no_answer: 0.1, p_reject: 0.1, p_busy: 0.05}
schedule:
  - {at: 20m, agent: local/1, status: on_break}
  - {at: 30m, agent: local/1, status: available}
  - {agents: [remote/9], from: 10m, to: 50m}
"""


def quickstart(**overrides: Any) -> acdsim.Scenario:
    return with_overrides(acdsim.load_scenario(QUICKSTART), horizon=3600, **overrides)


@pytest.fixture(scope="module")
def quick_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`acdsim run` output of quickstart (1 h, one replication: no replication column)."""
    out = tmp_path_factory.mktemp("quick")
    assert run_scenario(quickstart(), out, quiet=True) == 0
    return out


@pytest.fixture(scope="module")
def rich_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`acdsim run` output of the rich scenario with 2 replications (a replication column)."""
    base = tmp_path_factory.mktemp("rich")
    path = base / "rich.yaml"
    path.write_text(RICH)
    out = base / "out"
    assert run_scenario(acdsim.load_scenario(path, {"replications": 2}), out, quiet=True) == 0
    return out


@pytest.fixture(scope="module")
def result3() -> Any:
    return acdsim.simulate(quickstart(), replications=3)


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv")


def has_data(ax: Any) -> bool:
    lines = any(len(line.get_xdata()) > 0 for line in ax.get_lines())
    return lines or bool(ax.patches) or bool(ax.collections)


def render(fig: Figure) -> bytes:
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    plots.save_png(fig, buffer)
    data = buffer.getvalue()
    assert data.startswith(PNG)
    return data


def build_all(calls: pd.DataFrame, status: pd.DataFrame, intervals: pd.DataFrame,
              states: pd.DataFrame, pauses: pd.DataFrame) -> dict[str, Figure]:
    return {
        "members_over_time": plots.members_over_time(status),
        "wait_distribution": plots.wait_distribution(calls, 20),
        "interval_kpis": plots.interval_kpis(intervals),
        "agent_timeline": plots.agent_timeline(states, pauses, calls),
        "answered_by_level": plots.answered_by_level(calls),
    }


def test_figures_from_result_with_three_replications(result3: Any) -> None:
    r = result3
    assert r.calls["replication"].nunique() == 3
    figs = build_all(r.calls, r.status, r.intervals, r.agent_states, r.agent_pauses)
    for name, fig in figs.items():
        assert any(has_data(ax) for ax in fig.axes), name
        render(fig)
    titles = {name: fig.get_suptitle() for name, fig in figs.items()}
    for name in ("members_over_time", "interval_kpis", "agent_timeline"):
        assert "replication 0 of 3" in titles[name], titles[name]
    assert "pooled over 3 replications" in titles["wait_distribution"]
    assert "mean of 3" in titles["answered_by_level"]


def test_timelines_show_replication_zero_only(result3: Any) -> None:
    status = result3.status
    fig = plots.members_over_time(status)
    first = status[status["replication"] == 0]
    # The stacked top edge is the total of replication 0.
    edge = fig.axes[0].get_lines()[-1]
    total = first[["waiting_members", "trying_members", "answered_members"]].sum(axis=1)
    assert np.asarray(edge.get_ydata(), dtype=float).tolist() == total.astype(float).tolist()


def test_answered_by_level_is_mean_per_replication(result3: Any) -> None:
    fig = plots.answered_by_level(result3.calls)
    heights = sorted(round(p.get_height(), 6) for p in fig.axes[0].patches
                     if isinstance(p, Rectangle))
    expected = sorted(round(float(v), 6) for v in
                      result3.summary["queues"]["208"]["answered_by_level"].values())
    assert heights == expected


def test_figures_from_csv_files_without_replication_column(quick_dir: Path) -> None:
    calls = read(quick_dir, "calls")
    assert "replication" not in calls.columns
    pauses = read(quick_dir, "agent_pauses")
    assert pauses.empty  # quickstart has no wrap-up or delay
    figs = build_all(calls, read(quick_dir, "status"), read(quick_dir, "intervals"),
                     read(quick_dir, "agent_states"), pauses)
    for name, fig in figs.items():
        assert any(has_data(ax) for ax in fig.axes), name
        assert "replication" not in fig.get_suptitle()


def test_wait_distribution_marks_threshold_and_percentiles(quick_dir: Path) -> None:
    import json

    summary = json.loads((quick_dir / "summary.json").read_text())["queues"]["208"]
    fig = plots.wait_distribution(read(quick_dir, "calls"), 20, queue=208)
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert any(lbl.startswith("SL threshold 20 s") and f"{summary['service_level']:.1%}" in lbl
               for lbl in labels)
    for p in (50, 90, 95):
        assert f"p{p} = {summary[f'wait_p{p}']:.1f} s" in labels
    vertical = [np.asarray(line.get_xdata(), dtype=float)[0] for line in ax.get_lines()]
    assert 20 in vertical
    assert plots.wait_distribution(read(quick_dir, "calls"), 20, queue=999).axes  # no crash


def test_interval_abandon_rate(quick_dir: Path) -> None:
    intervals = read(quick_dir, "intervals")
    fig = plots.interval_kpis(intervals, threshold=20)
    sl_ax, asa_ax, ab_ax = fig.axes
    step = ab_ax.get_lines()[0]
    left = intervals["offered"] - intervals["in_queue"]
    expected = (intervals["abandoned"] / left).to_numpy()
    np.testing.assert_allclose(np.asarray(step.get_ydata(), dtype=float)[:-1], expected)
    assert "20 s" in sl_ax.get_ylabel()
    assert asa_ax.get_ylabel() == "ASA (s)"


def test_agent_timeline_categories_and_window(rich_dir: Path) -> None:
    states, pauses = read(rich_dir, "agent_states"), read(rich_dir, "agent_pauses")
    assert states["replication"].nunique() == 2
    fig = plots.agent_timeline(states, pauses, read(rich_dir, "calls"))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    for label in ("talking (in_queue_call)", "ringing (receiving)", "wrap-up", "on break",
                  "logged out", "waiting (available)"):
        assert label in legend, legend
    assert any("delay" in label for label in legend)
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.0, 3600.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "local/1", "local/2", "local/3", "remote/9"]
    # A 10-minute window, and the first hour by default however long the run is.
    fig = plots.agent_timeline(states, pauses, until=600)
    assert fig.axes[0].get_xlim() == (0.0, 600.0)
    render(fig)


def test_agent_timeline_default_window_is_whole_run_when_shorter() -> None:
    states = pd.DataFrame({"time": [0.0, 100.0, 400.0], "agent": ["local/1"] * 3,
                           "status": ["available", "available", "on_break"],
                           "state": ["waiting", "in_queue_call", "waiting"]})
    fig = plots.agent_timeline(states, None)
    assert fig.axes[0].get_xlim() == (0.0, 400.0)
    fig = plots.agent_timeline(states, None, pd.DataFrame(
        {"queue": [1], "outcome": ["answered"], "agent": ["local/1"], "joined_at": [90.0],
         "answered_at": [100.0], "left_at": [900.0]}))
    assert fig.axes[0].get_xlim() == (0.0, 900.0)


def test_empty_frames_still_give_a_figure() -> None:
    empty_calls = pd.DataFrame(columns=["queue", "outcome", "wait_time", "agent_level"])
    for fig in (
        plots.members_over_time(pd.DataFrame(columns=["time", "queue"])),
        plots.wait_distribution(empty_calls, 20),
        plots.interval_kpis(pd.DataFrame(columns=["interval_start", "queue"])),
        plots.agent_timeline(pd.DataFrame(columns=["time", "agent", "status", "state"]), None),
        plots.answered_by_level(empty_calls),
    ):
        assert fig.axes


def test_write_plots_writes_pngs_and_skips_missing_inputs(quick_dir: Path,
                                                          tmp_path: Path) -> None:
    written = plots.write_plots(quick_dir)
    assert [p.name for p in written] == [f"{n}.png" for n in NAMES]
    for p in written:
        assert p.parent == quick_dir
        assert p.read_bytes().startswith(PNG)
        assert b"matplotlib.org" not in p.read_bytes()
    partial = tmp_path / "partial"
    partial.mkdir()
    for name in ("summary.json", "agent_states.csv"):
        shutil.copy(quick_dir / name, partial / name)
    written = plots.write_plots(partial)  # no agent_pauses.csv: the timeline goes without
    assert [p.name for p in written] == ["agent_timeline.png"]
    assert plots.write_plots(tmp_path / "empty-does-not-exist") == []
