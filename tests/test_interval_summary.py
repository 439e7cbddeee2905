"""intervals_summary.csv and Result.interval_summary: per queue and interval, means and CI95
half-widths over replications, clock-time labels, covered length of cut intervals, logged-in
agents."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pytest

import acdsim
from acdsim.cli import main
from acdsim.planning.intervals import INTERVAL_SUMMARY_COLUMNS, SUMMARY_METRICS


def scenario(**top: Any) -> acdsim.Scenario:
    data: dict[str, Any] = {
        "name": "intervals",
        "horizon": 3600,
        "timing": "continuous",
        "start": "2026-03-02 08:00:00",
        "report": {"interval": 900},
        "queues": [
            {"id": 7, "agents": {"local": [{"agent_id": 1}, {"agent_id": 2}]},
             "callers": {"arrivals": {"calls_per_hour": 60}, "talk_time": {"dist": "exponential", "mean": 60}}}
        ],
        "agents": {"local": [{"id": 1}, {"id": 2}]},
        "behaviors": {"default": {"answer_time": 0}},
    }
    data.update(top)
    return acdsim.load_scenario(data)


def test_the_columns_are_the_interval_labels_then_mean_and_ci95_of_each_kpi() -> None:
    frame = acdsim.simulate(scenario(), seed=1, replications=2).interval_summary
    assert tuple(frame.columns) == INTERVAL_SUMMARY_COLUMNS
    assert INTERVAL_SUMMARY_COLUMNS[:6] == (
        "interval_start", "interval_start_time", "queue", "covered", "partial", "replications",
    )
    assert [c for c in INTERVAL_SUMMARY_COLUMNS if c.endswith("_mean")] == [f"{m}_mean" for m in SUMMARY_METRICS]


def test_intervals_are_labelled_in_seconds_and_clock_time() -> None:
    frame = acdsim.simulate(scenario(), seed=1, replications=2).interval_summary
    assert frame["interval_start"].tolist() == [0.0, 900.0, 1800.0, 2700.0]
    assert frame["interval_start_time"].tolist() == [
        "2026-03-02 08:00:00", "2026-03-02 08:15:00", "2026-03-02 08:30:00", "2026-03-02 08:45:00",
    ]
    assert (frame["replications"] == 2).all()


def test_intervals_cut_by_the_warmup_or_the_horizon_are_partial_with_their_covered_length() -> None:
    frame = acdsim.simulate(scenario(warmup=600, horizon=3000), seed=1, replications=2).interval_summary
    assert frame["interval_start"].tolist() == [0.0, 900.0, 1800.0, 2700.0]
    assert frame["covered"].tolist() == [300.0, 900.0, 900.0, 300.0]
    assert frame["partial"].tolist() == [True, False, False, True]


def test_the_means_and_half_widths_are_those_of_the_replications_rows() -> None:
    result = acdsim.simulate(scenario(), seed=3, replications=3)
    per_rep = result.intervals[result.intervals["interval_start"] == 900.0]["answered"].astype(float)
    row = result.interval_summary.set_index("interval_start").loc[900.0]
    assert row["answered_mean"] == pytest.approx(per_rep.mean())
    # t(0.975, 2) = 4.303: the half-width of a Student t interval over 3 replications.
    assert row["answered_ci95"] == pytest.approx(4.3027 * per_rep.std(ddof=1) / math.sqrt(3), rel=1e-3)


def test_one_replication_has_means_and_no_half_widths() -> None:
    frame = acdsim.simulate(scenario(), seed=1).interval_summary
    assert frame["offered_mean"].notna().all()
    assert frame["offered_ci95"].isna().all()


def test_logged_in_agents_are_the_mean_over_the_interval_from_status_changes() -> None:
    # Agent 2 logs out at 20 min and back in at 40 min; agent 3 (in no queue of 7) is not counted.
    sc = scenario(
        agents={"local": [{"id": 1}, {"id": 2}, {"id": 3}]},
        schedule=[
            {"at": 1200, "agent": "local/2", "status": "logged_out"},
            {"at": 2400, "agent": "local/2", "status": "available"},
        ],
    )
    frame = acdsim.simulate(sc, seed=1, replications=2).interval_summary
    expected = [2.0, 2 - 600 / 900, 1 + 300 / 900, 2.0]
    assert frame["agents_logged_in_mean"].tolist() == pytest.approx(expected)
    assert frame["agents_logged_in_ci95"].tolist() == pytest.approx([0.0] * 4)


def test_an_agent_on_break_still_counts_as_logged_in() -> None:
    sc = scenario(schedule=[{"at": 0, "agent": "local/2", "status": "on_break"}])
    frame = acdsim.simulate(sc, seed=1).interval_summary
    assert frame["agents_logged_in_mean"].tolist() == pytest.approx([2.0] * 4)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_acdsim_run_writes_intervals_summary_csv_like_result_interval_summary(tmp_path: Path) -> None:
    sc = scenario(warmup=600)
    source = tmp_path / "s.yaml"
    source.write_text(sc.to_yaml(), encoding="utf-8")
    assert main(["run", "-q", "--replications", "3", "--seed", "5", "-o", str(tmp_path / "out"), str(source)]) == 0
    rows = _read(tmp_path / "out" / "intervals_summary.csv")
    frame = acdsim.simulate(acdsim.load_scenario(source), seed=5, replications=3).interval_summary
    assert list(rows[0]) == list(INTERVAL_SUMMARY_COLUMNS)
    assert [r["partial"] for r in rows] == ["true", "false", "false", "false"]
    assert [r["interval_start_time"] for r in rows] == frame["interval_start_time"].tolist()
    for column in ("offered_mean", "mean_wait_ci95", "agents_logged_in_mean"):
        assert [float(r[column]) for r in rows] == pytest.approx(frame[column].tolist(), abs=5e-4)


def test_only_intervals_summary_writes_it_and_jobs_give_the_same_file(tmp_path: Path) -> None:
    source = tmp_path / "s.yaml"
    source.write_text(scenario().to_yaml(), encoding="utf-8")
    one = tmp_path / "one"
    two = tmp_path / "two"
    common = ["run", "-q", "--replications", "3", "--only", "intervals_summary"]
    assert main([*common, "-j", "1", "-o", str(one), str(source)]) == 0
    assert main([*common, "-j", "2", "-o", str(two), str(source)]) == 0
    names = {p.name for p in one.iterdir()}
    assert {"intervals_summary.csv", "summary.json"} <= names
    assert "intervals.csv" not in names
    assert (one / "intervals_summary.csv").read_bytes() == (two / "intervals_summary.csv").read_bytes()


def test_ci95_cover_erlang_c_mean_wait_in_most_intervals_of_a_stationary_mmc_run() -> None:
    """M/M/3 at 56 % load (continuous timing, answer_time 0, no patience), twelve 1-hour
    intervals after a 1-hour warm-up, 20 replications: each interval's mean wait has about
    the Erlang C value. An interval's t interval covers it in ~85-90 % of the intervals (less
    than 95 %: one interval's mean wait over ~30 callers is skewed, and a ratio); fewer than
    8 of 12 has a binomial chance below 3 % (seeds 1-12 measured: 7 to 11 covered, 10 typical).
    A wrong half-width (a standard deviation instead of a standard error, or a bias) covers
    few or nearly all."""
    sc = acdsim.load_scenario(
        {
            "horizon": "13h",
            "warmup": "1h",
            "timing": "continuous",
            "report": {"interval": "1h"},
            "queues": [
                {"id": 1, "agents": {"local": [{"agent_id": i} for i in (1, 2, 3)]},
                 "callers": {"arrivals": {"calls_per_hour": 30},
                             "talk_time": {"dist": "exponential", "mean": 180}}}
            ],
            "agents": {"local": [{"id": i, "call_timeout": 600} for i in (1, 2, 3)]},
            "behaviors": {"default": {"answer_time": 0}},
        }
    )
    expected = acdsim.erlang.mmc(30, 180, 3).asa  # mean wait over all callers: 28.4 s
    frame = acdsim.simulate(sc, seed=1, replications=20).interval_summary
    assert len(frame) == 12 and not frame["partial"].any()
    low = frame["mean_wait_mean"] - frame["mean_wait_ci95"]
    high = frame["mean_wait_mean"] + frame["mean_wait_ci95"]
    covered = int(((low <= expected) & (expected <= high)).sum())
    assert covered >= 8, (covered, expected)
    # The half-width is that of a mean (standard error), not of one replication's spread.
    assert (frame["mean_wait_ci95"] < frame["mean_wait_mean"]).all()
    assert frame["agents_logged_in_mean"].tolist() == pytest.approx([3.0] * 12)


def test_the_interval_plot_shows_means_with_bands_and_hatches_partial_intervals() -> None:
    from matplotlib.collections import PolyCollection

    from acdsim.plots import interval_kpis

    frame = acdsim.simulate(scenario(warmup=600), seed=1, replications=3).interval_summary
    fig = interval_kpis(frame, threshold=20)
    assert fig.texts[0].get_text() == "KPIs per interval (mean of 3 replications, 95 % confidence band)"
    first = fig.axes[0]
    bands = [c for c in first.collections if isinstance(c, PolyCollection)]
    assert len(bands) == frame["service_level_ci95"].notna().sum()
    hatched = [p for p in first.patches if p.get_hatch() == "//"]
    assert [p.get_x() for p in hatched] == [0.0]  # the interval cut by the warm-up
    assert "partial interval (warm-up / horizon)" in [t.get_text() for t in first.get_legend().get_texts()]


def test_plots_of_an_output_folder_draw_the_interval_summary(tmp_path: Path) -> None:
    from acdsim.plots import figures

    source = tmp_path / "s.yaml"
    source.write_text(scenario().to_yaml(), encoding="utf-8")
    assert main(["run", "-q", "--replications", "2", "-o", str(tmp_path / "out"), str(source)]) == 0
    fig = figures(tmp_path / "out")["interval_kpis"]
    assert "mean of 2 replications" in fig.texts[0].get_text()
    assert "replication 0 of" not in fig.texts[0].get_text()
