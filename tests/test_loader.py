"""The scenario loader: data, lines, paths, messages, the public API."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from acdsim.errors import Problem, ScenarioError, format_path
from acdsim.loader import load_scenario, load_scenario_data, load_scenario_text, parse_yaml
from acdsim.model import (
    AgentEvent,
    Behavior,
    Callers,
    LocalAgent,
    Queue,
    RemoteAgent,
    Report,
    Scenario,
    Shift,
    StatusChange,
    Tier,
)

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

MINIMAL = """\
horizon: 1h
queues:
  - id: 1
    agents: {local: [{agent_id: 1}]}
    callers:
      arrivals: {calls_per_hour: 60}
      talk_time: 120
agents:
  local: [{id: 1}]
"""


def problems_of(text: str, **kw: object) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, filename="s.yaml", **kw)  # type: ignore[arg-type]
    return info.value.problems


def test_quickstart_loads() -> None:
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    assert scenario.name == "test queue"
    assert scenario.horizon == 8 * 3600
    queue = scenario.queues[0]
    assert queue.strategy == "ring-all" and queue.tier_rule_wait_second == 15
    assert queue.agents.local[0].level == 1 and queue.agents.remote[0].agent_id == 9
    assert scenario.agents.local[0].events[0].event_type == "agent-login"
    assert scenario.agents.remote[0].number == "89215650644"


def test_name_defaults_to_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "monday-peak.yaml"
    path.write_text(MINIMAL)
    assert load_scenario(path).name == "monday-peak"
    assert load_scenario_text(MINIMAL).name is None
    assert load_scenario_text("name: x\n" + MINIMAL, filename="a/b.yaml").name == "x"


def test_number_shorthand_and_units() -> None:
    scenario = load_scenario_text(MINIMAL.replace("talk_time: 120", 'talk_time: "2m"'))
    assert scenario.queues[0].callers.talk_time.dist == "constant"
    assert scenario.queues[0].callers.talk_time.mean == 120


def test_json_is_accepted() -> None:
    text = (
        '{"horizon": 3600, "queues": [{"id": 1, "callers": {"arrivals": {"calls_per_hour": 6},'
        ' "talk_time": {"dist": "exponential", "mean": 60}}}], "agents": {"local": [], "remote": []}}'
    )
    assert load_scenario_text(text).queues[0].callers.talk_time.mean == 60


def test_load_scenario_data() -> None:
    data = yaml.safe_load(MINIMAL)
    assert load_scenario_data(data) == load_scenario_text(MINIMAL)
    with pytest.raises(ScenarioError) as info:
        load_scenario_data({**data, "seed": -1})
    assert info.value.lines() == ["error: <data>: seed: must be >= 0, got -1"]
    with pytest.raises(ScenarioError):
        load_scenario_data([1, 2])


def test_lines_of_every_path() -> None:
    data, lines, problems = parse_yaml(MINIMAL)
    assert problems == []
    assert data["queues"][0]["callers"]["talk_time"] == 120
    assert lines[("horizon",)] == 1
    assert lines[("queues", 0)] == 3
    assert lines[("queues", 0, "agents", "local", 0, "agent_id")] == 4
    assert lines[("queues", 0, "callers", "talk_time")] == 7
    assert lines[("agents", "local", 0)] == 9


def test_anchors_and_merge_keys() -> None:
    text = """\
horizon: 1h
defaults: &agent {call_timeout: 20, wrap_up_time: 5}
queues:
  - id: 1
    callers: {arrivals: {calls_per_hour: 60}, talk_time: 120}
agents:
  local:
    - {<<: *agent, id: 1}
    - {<<: *agent, id: 2, wrap_up_time: 9}
"""
    problems = problems_of(text)
    assert [format_path(p.path) for p in problems] == ["defaults"]  # the anchor holder is unknown
    good = text.replace("defaults: &agent {call_timeout: 20, wrap_up_time: 5}\n", "").replace(
        "  local:\n", "  local:\n    - &agent {id: 3, call_timeout: 20, wrap_up_time: 5}\n"
    )
    agents = load_scenario_text(good).agents.local
    assert [(a.id, a.call_timeout, a.wrap_up_time) for a in agents] == [(3, 20, 5), (1, 20, 5), (2, 20, 9)]


def test_recursive_alias_is_an_error_not_a_crash() -> None:
    problems = problems_of(MINIMAL + "schedule: &s [*s]\n")
    assert any("refers to the value that contains it" in p.message for p in problems)


def test_unknown_key_lists_closest_first() -> None:
    (problem,) = problems_of(MINIMAL.replace("  - id: 1\n", "  - id: 1\n    max_wait: 30\n"))
    assert problem.line == 4 and problem.path == ("queues", 0, "max_wait")
    allowed = problem.message.split("(allowed: ")[1].rstrip(")").split(", ")
    assert allowed[0] == "max_wait_time"
    assert set(allowed) == {f.alias or n for n, f in Queue.model_fields.items()}


def test_missing_key_points_at_enclosing_mapping() -> None:
    (problem,) = problems_of(MINIMAL.replace("      talk_time: 120\n", ""))
    assert problem.format() == "error: s.yaml:5: queues[0].callers.talk_time: missing required key 'talk_time'"


def test_all_problems_at_once_sorted_by_line() -> None:
    text = MINIMAL.replace("horizon: 1h", "horizon: 1h\nseed: -2\nseed: 3").replace(
        "[{id: 1}]", "[{id: 1, status: gone}, {id: 1}]"
    ) + "schedule:\n  - {at: 10, agent: remote/4, status: on_break}\n"
    lines = [p.format() for p in problems_of(text)]
    assert lines == [
        "error: s.yaml:3: seed: duplicate key 'seed' (first given on line 2)",
        "error: s.yaml:11: agents.local[0].status: 'gone' is not a status (expected one of: "
        "available, available_on_demand, on_break, logged_out)",
        "error: s.yaml:11: agents.local[1].id: duplicate local agent id 1",
        "error: s.yaml:13: schedule[0].agent: agent remote/4 is not defined in agents.remote",
    ]


def test_union_tags_do_not_appear_in_paths() -> None:
    text = MINIMAL.replace("talk_time: 120", "talk_time: {dist: gamma, mean: 100, sd: abc}")
    (problem,) = problems_of(text)
    assert format_path(problem.path) == "queues[0].callers.talk_time.sd"
    text = MINIMAL.replace("talk_time: 120", "talk_time: soon")
    (problem,) = problems_of(text)
    assert format_path(problem.path) == "queues[0].callers.talk_time"
    assert problem.message.startswith("'soon' is not a duration")


def test_tag_names_that_are_also_keys() -> None:
    text = MINIMAL.replace("{calls_per_hour: 60}", "{calls_per_hour: 60, profile: []}")
    (problem,) = problems_of(text)
    assert format_path(problem.path) == "queues[0].callers.arrivals.profile"


def test_too_short_is_dropped_when_items_have_errors() -> None:
    problems = problems_of(MINIMAL + "schedule:\n  - {agents: [local/1, bob], from: 0, to: 1h}\n")
    assert [format_path(p.path) for p in problems] == ["schedule[0].agents"]
    assert "'bob' is not an agent reference" in problems[0].message


def test_non_string_keys_and_tags() -> None:
    problems = problems_of(MINIMAL + "behaviors:\n  3: {}\n")
    assert problems[0].message == "expected a string, got 3 (write it in quotes: \"3\")"
    problems = problems_of(MINIMAL + "seed: !!python/object:os.system x\n")
    assert problems[0].line == 10 and "cannot read value" in problems[0].message


def test_overrides_are_validated_and_named() -> None:
    scenario = load_scenario_text(MINIMAL, overrides={"seed": 7, "horizon": 60.0, "timing": "continuous"})
    assert (scenario.seed, scenario.horizon, scenario.timing) == (7, 60.0, "continuous")
    (problem,) = problems_of(MINIMAL, overrides={"horizon": 0.0})
    assert problem.format() == "error: s.yaml: horizon: must be > 0, got 0.0 (set by --horizon)"


def test_format_path() -> None:
    assert format_path(("queues", 0, "callers", "talk_time", "sd")) == "queues[0].callers.talk_time.sd"
    assert format_path(("behaviors", "my behavior")) == "behaviors['my behavior']"
    assert format_path(()) == ""


def test_error_object() -> None:
    error = ScenarioError([Problem("f.yaml", 3, ("horizon",), "bad"), Problem("f.yaml", None, (), "worse")])
    assert str(error) == "error: f.yaml:3: horizon: bad\nerror: f.yaml: worse"


# --- reference.yaml: every key, at its default ------------------------------------------------

REFERENCE_REQUIRED_ONLY = """\
horizon: 8h
queues:
  - id: 208
    agents:
      local: [{agent_id: 1}]
      remote: [{agent_id: 1}]
    callers:
      arrivals: {calls_per_hour: 40}
      talk_time: {dist: exponential, mean: 180}
agents:
  local:
    - id: 1
      events: [{url: "http://127.0.0.1:8080/calls", event_type: agent-login, method: GET}]
  remote:
    - id: 1
schedule:
  - {at: 4h, agent: local/1, status: on_break}
  - {agents: [remote/1], from: 0, to: 8h}
"""


def test_reference_equals_defaults() -> None:
    reference = load_scenario(SCENARIOS / "reference.yaml")
    minimal = load_scenario_text(REFERENCE_REQUIRED_ONLY, filename=str(SCENARIOS / "reference.yaml"))
    assert reference == minimal
    assert reference.behaviors == {"default": Behavior()}
    assert reference.report == Report()


def _keys(model: type) -> set[str]:
    return {f.alias or n for n, f in model.model_fields.items()}  # type: ignore[attr-defined]


def test_reference_lists_every_key() -> None:
    raw = yaml.safe_load((SCENARIOS / "reference.yaml").read_text())
    assert set(raw) == _keys(Scenario)
    assert set(raw["report"]) == _keys(Report)
    queue = raw["queues"][0]
    assert set(queue) == _keys(Queue)
    assert set(queue["agents"]["local"][0]) == _keys(Tier)
    assert set(queue["callers"]) == _keys(Callers)
    assert set(raw["agents"]["local"][0]) == _keys(LocalAgent)
    assert set(raw["agents"]["remote"][0]) == _keys(RemoteAgent)
    assert set(raw["agents"]["local"][0]["events"][0]) == _keys(AgentEvent)
    assert set(raw["behaviors"]["default"]) == _keys(Behavior)
    assert set(raw["schedule"][0]) == _keys(StatusChange)
    assert set(raw["schedule"][1]) == _keys(Shift)


def test_exponent_numbers_are_numbers_as_in_yaml_1_2() -> None:
    text = MINIMAL.replace("calls_per_hour: 60", "calls_per_hour: 1.2e2")
    assert load_scenario_text(text).queues[0].callers.arrivals.calls_per_hour == 120.0
    data, _, _ = parse_yaml('a: 1e3\nb: "1e3"\nc: 010\nd: 0x1f\n')
    assert data == {"a": 1000.0, "b": "1e3", "c": 8, "d": 31}
