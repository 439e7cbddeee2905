"""Agent pools (issue #13 item 1): N interchangeable agents declared once, expanded at the edge
into ordinary agents, tiers and schedule entries; the engine knows nothing of pools."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import acdsim
from acdsim.engine import ListRecorder, Simulation
from acdsim.errors import ScenarioError
from acdsim.loader import load_scenario_text
from acdsim.model import Scenario
from acdsim.model.advice import warnings
from acdsim.model.workload import estimate
from acdsim.runner import run_scenario
from simkit import with_trace

CURVE = [{"at": 0, "agents": 2}, {"at": 600, "agents": 4}, {"at": 1800, "agents": 1}, {"at": 2400, "agents": 3}]


def _base(**top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "pool",
        "seed": 7,
        "horizon": 3600,
        "timing": "continuous",
        "queues": [{
            "id": 208,
            "strategy": "longest-idle-agent",
            "callers": {
                "arrivals": {"calls_per_hour": 90},
                "talk_time": {"dist": "exponential", "mean": 150},
                "patience": {"dist": "exponential", "mean": 300},
            },
        }],
        "agents": {"local": [{"id": 1}]},
    }
    data.update(top)
    return data


def _pooled(staffing: Any = None, **pool: Any) -> dict[str, Any]:
    spec = {
        "name": "support",
        "first_id": 1000,
        "agent": {"call_timeout": 30, "wrap_up_time": 10},
        "tiers": [{"queue": 208, "level": 1, "position": 1}],
        "staffing": copy.deepcopy(CURVE) if staffing is None else staffing,
        **pool,
    }
    return _base(pools=[spec])


def _by_hand() -> dict[str, Any]:
    """What the pool of :func:`_pooled` stands for, written out."""
    data = _base()
    data["agents"]["local"] += [
        {"id": 1000 + k, "call_timeout": 30, "wrap_up_time": 10, "status": "available" if k < 2 else "logged_out"}
        for k in range(4)
    ]
    data["queues"][0]["agents"] = {"local": [{"agent_id": 1000 + k, "level": 1, "position": 1 + k} for k in range(4)]}
    data["schedule"] = [
        {"at": 600, "agent": "local/1002", "status": "available"},
        {"at": 600, "agent": "local/1003", "status": "available"},
        {"at": 1800, "agent": "local/1003", "status": "logged_out"},
        {"at": 1800, "agent": "local/1002", "status": "logged_out"},
        {"at": 1800, "agent": "local/1001", "status": "logged_out"},
        {"at": 2400, "agent": "local/1001", "status": "available"},
        {"at": 2400, "agent": "local/1002", "status": "available"},
    ]
    return data


def _run(sc: Scenario) -> ListRecorder:
    rec = ListRecorder()
    Simulation(sc, rec).run()
    return rec


def test_pool_expands_into_the_agents_tiers_and_schedule_written_by_hand():
    pooled = acdsim.load_scenario(_pooled())
    hand = acdsim.load_scenario(_by_hand())
    assert pooled.agents == hand.agents
    assert pooled.queues == hand.queues
    assert pooled.schedule == hand.schedule


def test_pool_run_equals_the_hand_written_run(tmp_path: Path):
    """Same seed: calls.csv, offers.csv, agents.csv and summary.json are identical."""
    for name, data in (("pool", _pooled()), ("hand", _by_hand())):
        assert run_scenario(acdsim.load_scenario(data), tmp_path / name, quiet=True, jobs=1) == 0
    for file in ("calls.csv", "offers.csv", "agents.csv", "summary.json", "agent_states.csv"):
        assert (tmp_path / "pool" / file).read_bytes() == (tmp_path / "hand" / file).read_bytes(), file


def test_falling_curve_lets_the_call_in_progress_end_answered():
    """The curve falls from 2 to 1 at t=50 while agent 1001 talks (11..114): the call ends
    normally at 114, answered, the agent is logged out from 50 and offered nothing after."""
    data = _pooled([{"at": 0, "agents": 2}, {"at": 50, "agents": 1}])
    data["queues"][0]["callers"] = {"arrivals": {"calls_per_hour": 0}, "talk_time": 100}
    data["behaviors"] = {"default": {"answer_time": 3}}
    sc = with_trace(acdsim.load_scenario(data), 208, [10.0, 11.0, 60.0, 200.0])
    rec = _run(sc)
    by_id = {c.call_api_id: c for c in rec.calls}
    second = by_id["208-2"]
    assert (second.agent, second.outcome, second.answered_at, second.left_at) == ("local/1001", "answered", 14.0, 114.0)
    assert {o.agent for o in rec.offers if o.offered_at > 50} == {"local/1000"}
    statuses = [(r.time, r.status) for r in rec.agent_statuses if r.agent == "local/1001"]
    assert statuses == [(0.0, "available"), (50.0, "logged_out")]


def _logged_in_at(rec: ListRecorder, sc: Scenario, refs: list[str], t: float) -> int:
    status = {a.ref: a.status for a in sc.all_agents()}
    for r in rec.agent_statuses:
        if r.time <= t:
            status[r.agent] = r.status
    return sum(status[ref] != "logged_out" for ref in refs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    levels=st.lists(st.integers(0, 6), min_size=1, max_size=6),
    gaps=st.lists(st.integers(1, 900), min_size=6, max_size=6),
)
def test_logged_in_pool_agents_follow_the_curve_at_every_instant(levels: list[int], gaps: list[int]):
    ats = [0]
    for gap in gaps[: len(levels) - 1]:
        ats.append(ats[-1] + gap)
    curve = [{"at": at, "agents": n} for at, n in zip(ats, levels, strict=False)]
    sc = acdsim.load_scenario(_pooled(curve, agent={"call_timeout": 30}))
    rec = _run(sc)
    refs = [f"local/{1000 + k}" for k in range(max(levels))]
    instants = sorted({*ats, *(at + 0.5 for at in ats), *(r.time for r in rec.agent_statuses)})
    for t in instants:
        want = next(step["agents"] for step in reversed(curve) if step["at"] <= t)
        assert _logged_in_at(rec, sc, refs, t) == want, t


def test_override_of_pool_paths_re_expands_and_round_trips():
    sc = acdsim.load_scenario(_pooled())
    flat = acdsim.override(sc, {"pools[0].staffing": 3, "pools[0].agent.wrap_up_time": 5})
    assert [(a.id, a.status, a.wrap_up_time) for a in flat.agents.local] == [
        (1, "available", 0.0), (1000, "available", 5.0), (1001, "available", 5.0), (1002, "available", 5.0)
    ]
    assert flat.schedule == ()
    assert [t.agent_id for t in flat.queues[0].agents.local] == [1000, 1001, 1002]
    for scenario in (sc, flat):
        data = scenario.to_dict()
        assert data["agents"]["local"] == [scenario.agents.local[0].model_dump(mode="json")]
        short = scenario.to_dict(exclude_defaults=True)
        assert "agents" not in short["queues"][0] and "schedule" not in short
        assert acdsim.load_scenario(data) == scenario
        assert acdsim.load_scenario(scenario.to_yaml()) == scenario
    assert acdsim.override(flat, {"pools[0].staffing": CURVE, "pools[0].agent.wrap_up_time": 10}) == sc


def test_a_copy_of_the_expanded_fields_does_not_double_the_pool():
    sc = acdsim.load_scenario(_pooled())
    again = acdsim.override(sc, {"agents": sc.agents, "queues": sc.queues, "schedule": sc.schedule})
    assert again == sc


def test_pool_agents_are_seen_by_the_work_estimate_and_the_warnings():
    empty, staffed = (_pooled(n) for n in (0, 3))
    for data in (empty, staffed):
        del data["queues"][0]["callers"]["patience"]  # (callers nobody answers then wait forever)
    empty_sc, staffed_sc = acdsim.load_scenario(empty), acdsim.load_scenario(staffed)
    assert [a.id for a in empty_sc.all_agents()] == [1]
    assert len(staffed_sc.all_agents()) == 4
    assert estimate(empty_sc).queues[0].agents == 0
    assert estimate(staffed_sc).queues[0].agents == 3
    top_down = _pooled(2, tiers=[{"queue": 208, "level": 0, "position": 0}])
    top_down["queues"][0]["strategy"] = "top-down"
    assert any("top-down never offers" in text for _, text in warnings(acdsim.load_scenario(top_down)))


def test_clock_times_in_a_curve_are_taken_on_the_day_of_start():
    data = _pooled([{"at": "08:00", "agents": 1}, {"at": "08:30", "agents": 2}])
    data["start"] = "2026-03-02 07:00:00"
    sc = acdsim.load_scenario(data)
    assert [s.at for s in sc.pools[0].staffing] == [3600.0, 5400.0]  # type: ignore[union-attr]
    assert [a.status for a in sc.agents.local[1:]] == ["logged_out", "logged_out"]


def test_staffing_file_comma_or_semicolon(tmp_path: Path):
    (tmp_path / "staff.csv").write_text("at;agents\n0;2\n10m;4\n\n00:30;1\n\n")
    (tmp_path / "staff2.csv").write_text("agents,at\n2,0\n4,600\n1,1800\n")
    for name in ("staff.csv", "staff2.csv"):
        data = _pooled({"file": name})
        sc = acdsim.load_scenario(data, base_dir=tmp_path)
        assert [(s.at, s.agents) for s in sc.pools[0].steps()] == [(0.0, 2), (600.0, 4), (1800.0, 1)]
        assert sc.to_dict()["pools"][0]["staffing"] == {"file": name}
        assert acdsim.load_scenario(sc.to_dict(), base_dir=tmp_path) == sc


def test_staffing_file_errors_name_row_and_column(tmp_path: Path):
    (tmp_path / "staff.csv").write_text("at,agents\n0,2\n8:61,3\n10m,-1\n")
    with pytest.raises(ScenarioError) as err:
        acdsim.load_scenario(_pooled({"file": "staff.csv"}), base_dir=tmp_path)
    text = str(err.value)
    assert "pools[0].staffing: " in text
    assert "staff.csv:3: at: '8:61' is not a clock time HH:MM" in text
    assert "staff.csv:4: agents: expected a whole number >= 0, got '-1'" in text


def test_staffing_file_must_be_inside_the_scenario_folder(tmp_path: Path):
    (tmp_path / "staff.csv").write_text("at,agents\n0,2\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        acdsim.load_scenario(_pooled({"file": "../staff.csv"}), base_dir=inner)
    sc = acdsim.load_scenario(_pooled({"file": "../staff.csv"}), base_dir=inner, allow_paths=[tmp_path])
    assert sc.pools[0].size() == 2


POOL_YAML = """\
acdsim: 1
horizon: 1h
queues:
  - id: 208
    callers: {arrivals: {calls_per_hour: 10}, talk_time: 60}
agents:
  local: [{id: 1001, wrap_up_time: 3}]
pools:
  - name: support
    first_id: 1000
    agent: {behavior: nope}
    tiers: [{queue: 209}]
    staffing:
      - {at: 0, agents: 2}
      - {at: 10m, agents: 3}
      - {at: 20m, agents: many}
"""


def test_pool_errors_carry_file_line_and_path():
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(POOL_YAML, filename="day.yaml")
    assert err.value.lines() == [
        "error: day.yaml:16: pools[0].staffing[2].agents: expected an integer, got 'many'",
    ]
    fixed = POOL_YAML.replace("agents: many", "agents: 1")
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(fixed, filename="day.yaml")
    assert err.value.lines() == [
        "error: day.yaml:10: pools[0].first_id: local agent 1001 of pool 'support' is also listed in agents.local (the pool has ids 1000..1002)",
        "error: day.yaml:11: pools[0].agent.behavior: unknown behavior 'nope' (defined: default)",
        "error: day.yaml:12: pools[0].tiers[0].queue: queue 209 is not defined in queues",
    ]


def test_overlapping_pools_and_a_tier_listed_twice_are_errors():
    data = _pooled(2)
    data["pools"].append({**data["pools"][0], "name": "other", "first_id": 1001})
    with pytest.raises(ScenarioError, match=r"pools\[1\].first_id: the ids of pool 'other' \(1001..1002\) overlap those of pools\[0\] \(1000..1001\)"):
        acdsim.load_scenario(data)
    data = _pooled(2)
    data["queues"][0]["agents"] = {"local": [{"agent_id": 1001, "level": 3}]}
    with pytest.raises(ScenarioError, match=r"queues\[0\].agents.local: local agent 1001 is in this queue twice"):
        acdsim.load_scenario(data)


def test_pool_agent_takes_no_id_and_only_its_kind_fields():
    with pytest.raises(ScenarioError, match="the agent takes no id"):
        acdsim.load_scenario(_pooled(2, agent={"id": 5}))
    with pytest.raises(ScenarioError, match="agent.number is not a field of a local agent"):
        acdsim.load_scenario(_pooled(2, agent={"number": "123"}))
    sc = acdsim.load_scenario(_pooled(2, type="remote", agent={"number": "123"}, first_id=1))
    assert [(a.ref, a.number) for a in sc.agents.remote] == [("remote/1", "123"), ("remote/2", "123")]


def test_fixed_position_gives_every_agent_the_same_position():
    sc = acdsim.load_scenario(_pooled(3, tiers=[{"queue": 208, "level": 2, "position": 5, "fixed_position": True}]))
    assert [(t.agent_id, t.level, t.position) for t in sc.queues[0].agents.local] == [(1000, 2, 5), (1001, 2, 5), (1002, 2, 5)]
