"""Forecast import (issue #13 item 2): ``arrivals: {profile: {file: forecast.csv}}``, rows of
``at``, ``calls`` or ``calls_per_hour``, and optionally ``aht`` scaling the talk time of the
callers who join in the row's interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import acdsim
from acdsim.engine import ListRecorder, Simulation
from acdsim.engine.arrivals import scaled_talk
from acdsim.errors import ScenarioError
from acdsim.model import ProfileArrivals


def _data(horizon: Any = "90m", start: str = "2026-03-02 08:00:00", talk: Any = 100) -> dict[str, Any]:
    return {
        "name": "forecast",
        "start": start,
        "horizon": horizon,
        "timing": "continuous",
        "queues": [{
            "id": 208,
            "callers": {"arrivals": {"profile": {"file": "forecast.csv"}}, "talk_time": talk},
            "agents": {"local": [{"agent_id": k} for k in range(1, 11)]},
        }],
        "agents": {"local": [{"id": k} for k in range(1, 11)]},
        "behaviors": {"default": {"answer_time": 0}},
    }


def _load(tmp_path: Path, text: str, **kw: Any) -> acdsim.Scenario:
    (tmp_path / "forecast.csv").write_text(text)
    return acdsim.load_scenario(_data(**kw), base_dir=tmp_path)


def _steps(sc: acdsim.Scenario) -> list[tuple[float, float, float | None]]:
    arrivals = sc.queues[0].callers.arrivals
    assert isinstance(arrivals, ProfileArrivals)
    return [(s.at, s.calls_per_hour, s.aht) for s in arrivals.profile]


def test_semicolon_file_with_clock_times_calls_and_trailing_blank_lines(tmp_path: Path):
    """Clock times on start's day (08:00 is t = 0); calls per interval; the last interval
    lasts until the horizon (30 calls in 30 min = 60/h)."""
    sc = _load(tmp_path, "at;calls;aht\n08:00;10;200\n08:30;0;\n09:00;30;50\n\n\n")
    assert _steps(sc) == [(0.0, 20.0, 200.0), (1800.0, 0.0, None), (3600.0, 60.0, 50.0)]


def test_comma_file_with_durations_and_calls_per_hour(tmp_path: Path):
    sc = _load(tmp_path, "at,calls_per_hour\n0,40\n30m,0\n3600,12.5\n", start="2026-03-02 00:00:00")
    assert _steps(sc) == [(0.0, 40.0, None), (1800.0, 0.0, None), (3600.0, 12.5, None)]


def test_spreadsheet_export_with_bom_crlf_and_capitalised_header(tmp_path: Path):
    (tmp_path / "forecast.csv").write_bytes("\ufeffAt;Calls\r\n08:00;6\r\n08:30;3\r\n\r\n".encode())
    sc = acdsim.load_scenario(_data(horizon="1h"), base_dir=tmp_path)
    assert _steps(sc) == [(0.0, 12.0, None), (1800.0, 6.0, None)]


def test_zero_volume_rows_are_valid_and_bring_no_caller(tmp_path: Path):
    sc = _load(tmp_path, "at,calls\n08:00,0\n08:30,0\n")
    rec = ListRecorder()
    Simulation(sc, rec).run()
    assert rec.calls == []


def test_aht_scales_the_talk_time_of_callers_joining_in_that_interval(tmp_path: Path):
    """Constant talk time 100 s; aht 200 in the first half hour, none in the second, 50 in the
    third: the callers' talk times are 200, 100 and 50 s by their joining time."""
    sc = _load(tmp_path, "at,calls,aht\n08:00,8,200\n08:30,8,\n09:00,8,50\n")
    rec = ListRecorder()
    Simulation(sc, rec).run()
    assert rec.calls
    for call in rec.calls:
        want = (200.0, 100.0, 50.0)[int(call.joined_at // 1800)]
        assert call.talk_time == pytest.approx(want)


def test_the_work_estimate_weighs_the_talk_time_by_the_rows_aht(tmp_path: Path):
    from acdsim.model.workload import estimate

    sc = _load(tmp_path, "at,calls,aht\n08:00,10,200\n08:30,30,\n", horizon="1h")
    work = estimate(sc).queues[0]
    assert work.callers == pytest.approx(40)
    assert work.talk == pytest.approx((10 * 200 + 30 * 100) / 40)


def test_a_profile_without_aht_draws_talk_times_as_before():
    """No per-caller cost when no row has an aht: the queue's own sampler is used."""
    def draw() -> float:
        return 1.0

    plain = ProfileArrivals.model_validate({"profile": [{"at": 0, "calls_per_hour": 5}]})
    assert scaled_talk(draw, plain, 1.0, None) is draw


def test_the_file_is_kept_by_name_and_read_again(tmp_path: Path):
    sc = _load(tmp_path, "at,calls\n08:00,10\n08:30,20\n")
    data = sc.to_dict()
    assert data["queues"][0]["callers"]["arrivals"] == {"profile": {"file": "forecast.csv"}}
    assert acdsim.load_scenario(data, base_dir=tmp_path) == sc
    assert "forecast.csv" in sc.to_yaml()
    # The last interval lasts until the horizon: 20 calls in 60 min, then in 90 min.
    longer = acdsim.override(sc, {"horizon": "2h"})
    assert _steps(longer)[-1] == (1800.0, pytest.approx(20 / 1.5), None)
    assert _steps(acdsim.override(sc, {"seed": 4})) == _steps(sc)


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("at,calls\n08:00,10\n08:30,x\n", ["forecast.csv:3: calls: expected a number >= 0, got 'x'"]),
        ("at,calls\n08:00,10\n07:30,5\n", ["forecast.csv:3: at: '07:30' is before the start of the simulation"]),
        ("at,calls\n08:00,10\n08:00,5\n", ["forecast.csv:3: at: must come after the previous row's at ('08:00')"]),
        ("at,calls\n08:00,10\n8:75,5\n", ["forecast.csv:3: at: '8:75' is not a clock time HH:MM"]),
        ("at,calls,aht\n08:00,10,0\n08:30,-1,abc\n", [
            "forecast.csv:2: aht: must be > 0, got '0'",
            "forecast.csv:3: calls: expected a finite number >= 0, got '-1'",
            "forecast.csv:3: aht:",
        ]),
        ("at,calls\n08:00,10,3\n", ["forecast.csv:2: 3 cells, the header has 2"]),
        ("at,volume\n08:00,10\n", [
            "forecast.csv:1: unknown column 'volume'",
            "forecast.csv:1: need exactly one of the columns 'calls' and 'calls_per_hour'",
        ]),
        ("at,calls,calls_per_hour\n08:00,10,3\n", ["forecast.csv:1: need exactly one of the columns 'calls' and 'calls_per_hour'"]),
        ("at,calls\n\n", ["forecast.csv: the forecast has a header but no row"]),
    ],
)
def test_broken_rows_are_reported_with_file_row_and_column(tmp_path: Path, text: str, messages: list[str]):
    with pytest.raises(ScenarioError) as err:
        _load(tmp_path, text)
    lines = err.value.lines()
    assert len(lines) == len(messages), lines
    for line, message in zip(lines, messages, strict=True):
        assert line.startswith("error: <data>: queues[0].callers.arrivals: ")
        assert message in line, line


def test_a_row_after_the_horizon_is_kept_and_warned_about(tmp_path: Path):
    from acdsim.model.advice import warnings

    sc = _load(tmp_path, "at,calls\n08:00,10\n10:00,5\n")
    assert _steps(sc)[-1] == (7200.0, 10.0, None)  # (over a default interval of 30 min)
    assert any("never takes effect" in text for _, text in warnings(sc))


def test_forecast_file_must_be_inside_the_scenario_folder(tmp_path: Path):
    (tmp_path / "forecast.csv").write_text("at,calls\n0,1\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    data = _data()
    data["queues"][0]["callers"]["arrivals"] = {"profile": {"file": "../forecast.csv"}}
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        acdsim.load_scenario(data, base_dir=inner)


def test_profile_takes_rows_or_a_file_only(tmp_path: Path):
    data = _data()
    data["queues"][0]["callers"]["arrivals"] = {"profile": {"file": "forecast.csv", "sheet": 2}}
    with pytest.raises(ScenarioError, match=r"\{file: forecast.csv\}"):
        acdsim.load_scenario(data, base_dir=tmp_path)
