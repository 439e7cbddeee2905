"""The Python API as code meets it: load from path/dict/text, override, to_dict/to_yaml,
immutability, validated copies, the package's public names and short reprs."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acdsim
from acdsim import ScenarioError
from acdsim.model import Scenario
from acdsim.planning import parse_path

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
TIERED = ROOT / "scenarios" / "tiered.yaml"

SMALL: dict[str, Any] = {
    "acdsim": 1,
    "name": "small",
    "horizon": 3600,
    "queues": [{"id": 1, "callers": {"arrivals": {"calls_per_hour": 30}, "talk_time": 120}}],
    "agents": {"local": [{"id": 1}, {"id": 2}]},
}


def small() -> Scenario:
    return acdsim.load_scenario(copy.deepcopy(SMALL))


def messages(exc: pytest.ExceptionInfo[ScenarioError]) -> list[str]:
    return exc.value.lines()


# ---------------------------------------------------------------------------------------------
# load_scenario: path, dict, text


def test_load_scenario_reads_a_path_a_str_path_a_dict_and_yaml_text() -> None:
    from_path = acdsim.load_scenario(QUICKSTART)
    from_str = acdsim.load_scenario(str(QUICKSTART))
    from_text = acdsim.load_scenario(QUICKSTART.read_text(encoding="utf-8"))
    from_dict = acdsim.load_scenario(from_path.to_dict())
    assert from_path == from_str == from_dict
    # Text has no file name, so no default name: the file's stem is the only difference.
    assert from_text.model_copy(update={"name": from_path.name}) == from_path


def test_a_one_line_string_starting_with_a_brace_is_yaml_text() -> None:
    text = (
        '{horizon: 60, queues: [{id: 1, callers: {arrivals: {calls_per_hour: 1}, talk_time: 5}}],'
        " agents: {local: [{id: 1}]}}"
    )
    assert acdsim.load_scenario(text).horizon == 60


def test_a_one_line_string_is_a_path_and_a_missing_file_says_so() -> None:
    with pytest.raises(ScenarioError) as exc:
        acdsim.load_scenario("no/such/scenario.yaml")
    assert messages(exc) == ["error: no/such/scenario.yaml: no such file"]


def test_load_scenario_of_a_bad_dict_lists_every_problem_like_validate() -> None:
    data = copy.deepcopy(SMALL)
    data["queues"][0]["strategy"] = "ring-al"
    data["horizon"] = -1
    with pytest.raises(ScenarioError) as exc:
        acdsim.load_scenario(data)
    lines = messages(exc)
    assert len(lines) == 2
    assert lines[0].startswith("error: <data>: horizon: ")
    assert lines[1].startswith("error: <data>: queues[0].strategy: 'ring-al' is not a strategy")


# ---------------------------------------------------------------------------------------------
# to_dict / to_yaml round trips


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_to_dict_round_trips_every_shipped_scenario(path: Path) -> None:
    sc = acdsim.load_scenario(path)
    assert acdsim.load_scenario(sc.to_dict(), base_dir=path.parent) == sc
    assert acdsim.load_scenario(sc.to_dict(exclude_defaults=True), base_dir=path.parent) == sc
    assert acdsim.load_scenario(sc.to_yaml(), base_dir=path.parent) == sc


def test_to_dict_writes_durations_as_seconds_and_start_as_clock_text() -> None:
    sc = acdsim.load_scenario(TIERED)
    data = sc.to_dict()
    assert data["horizon"] == 36000.0
    assert data["warmup"] == 1800.0
    assert data["start"] == "2026-01-01 00:00:00"
    assert data["schedule"][1]["at"] == 8100.0


def test_a_trace_keeps_its_file_name_and_resolves_from_the_scenario_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "calls.csv").write_text("time,talk_time\n1,30\n5,\n", encoding="utf-8")
    (folder / "talk.csv").write_text("secs\n10\n20\n", encoding="utf-8")
    data = copy.deepcopy(SMALL)
    data["queues"][0]["callers"] = {
        "arrivals": {"trace": "calls.csv"},
        "talk_time": {"dist": "empirical", "file": "talk.csv", "column": "secs"},
    }
    sc = acdsim.load_scenario(data, base_dir=folder)
    assert len(sc.queues[0].callers.arrivals.rows) == 2  # type: ignore[union-attr]
    dumped = sc.to_dict()
    assert dumped["queues"][0]["callers"]["arrivals"] == {"trace": "calls.csv"}
    assert dumped["queues"][0]["callers"]["talk_time"] == {
        "dist": "empirical", "file": "talk.csv", "column": "secs"
    }
    monkeypatch.chdir(tmp_path)  # relative names must still resolve from the scenario's folder
    changed = acdsim.override(sc, {"queues[0].callers.talk_time.column": "secs", "seed": 4})
    assert changed.queues[0].callers.arrivals == sc.queues[0].callers.arrivals
    assert changed.queues[0].callers.talk_time == sc.queues[0].callers.talk_time
    assert changed.base_dir == sc.base_dir == str(folder)


# ---------------------------------------------------------------------------------------------
# override


def test_override_a_list_item_field() -> None:
    sc = acdsim.load_scenario(TIERED)
    changed = acdsim.override(sc, {"queues[0].strategy": "ring-all", "agents.local[2].wrap_up_time": "1m"})
    assert changed.queues[0].strategy == "ring-all"
    assert changed.agents.local[2].wrap_up_time == 60.0
    assert sc.queues[0].strategy == "longest-idle-agent"  # the original is untouched
    assert changed.queues[0].callers == sc.queues[0].callers


def test_override_a_nested_dict_key() -> None:
    sc = acdsim.load_scenario(TIERED)
    changed = acdsim.override(
        sc, {"behaviors.usual.answer_time": 0, "queues[0].callers.talk_time": {"dist": "exponential", "mean": "3m"}}
    )
    assert changed.behaviors["usual"].answer_time.mean == 0
    assert changed.queues[0].callers.talk_time.mean == 180.0


def test_override_creates_an_absent_key_that_is_allowed() -> None:
    sc = small()
    assert sc.queues[0].callers.patience is None
    changed = acdsim.override(
        sc, {"queues[0].callers.patience": 60, "behaviors['odd key']": {"p_busy": 0.5}}
    )
    assert changed.queues[0].callers.patience is not None
    assert changed.queues[0].callers.patience.mean == 60
    assert changed.behaviors["odd key"].p_busy == 0.5


def test_override_appends_at_the_index_past_the_end() -> None:
    changed = acdsim.override(small(), {"agents.local[2]": {"id": 3}, "queues[0].agents.local[0]": {"agent_id": 3}})
    assert [a.id for a in changed.agents.local] == [1, 2, 3]
    assert changed.queues[0].agents.local[0].agent_id == 3


def test_override_takes_tuple_paths_and_model_values() -> None:
    sc = acdsim.load_scenario(TIERED)
    lead = sc.behaviors["lead"]
    changed = acdsim.override(sc, {("queues", 0, "strategy"): "top-down", "behaviors.usual": lead})
    assert changed.queues[0].strategy == "top-down"
    assert changed.behaviors["usual"] == lead


def test_a_bad_override_gives_the_validate_message_with_the_file_override() -> None:
    with pytest.raises(ScenarioError) as exc:
        acdsim.override(small(), {"queues[0].strategy": "ring-al", "queues[0].callers.talk_time": -1})
    assert messages(exc) == [
        "error: <override>: queues[0].strategy: 'ring-al' is not a strategy (expected one of: "
        "ring-all, longest-idle-agent, round-robin, top-down, agent-with-least-talk-time, "
        "agent-with-fewest-calls, sequentially-by-agent-order, random, ring-progressively)",
        "error: <override>: queues[0].callers.talk_time: a duration must be >= 0, got -1",
    ]


def test_a_misspelt_override_key_lists_the_allowed_keys() -> None:
    with pytest.raises(ScenarioError) as exc:
        acdsim.override(small(), {"queues[0].stratgy": "ring-all"})
    (line,) = messages(exc)
    assert line.startswith("error: <override>: queues[0].stratgy: unknown key 'stratgy' (allowed: strategy,")


def test_an_override_breaking_a_reference_is_reported_where_the_reference_is() -> None:
    with pytest.raises(ScenarioError) as exc:
        acdsim.override(small(), {"agents.local[0].behavior": "nobody"})
    assert messages(exc) == [
        "error: <override>: agents.local[0].behavior: unknown behavior 'nobody' (defined: default)"
    ]


def test_override_paths_that_lead_nowhere_are_all_reported_with_the_value_problems() -> None:
    with pytest.raises(ScenarioError) as exc:
        acdsim.override(
            small(),
            {
                "agents.local[5].id": 3,
                "horizon.x": 1,
                "queues.strategy": "x",
                "queues[0]..id": 2,
                "seed": -1,
            },
        )
    assert messages(exc) == [
        "error: <override>: agents.local[5]: no item [5]: agents.local has 2 items (indexes 0 to 1; [2] adds one)",
        "error: <override>: horizon.x: horizon is 3600.0, not a mapping or a list",
        "error: <override>: queues.strategy: queues is a list: use an index [n], not 'strategy'",
        "error: <override>: cannot read the key path 'queues[0]..id': a '.' must follow a key",
        "error: <override>: seed: must be >= 0, got -1",
    ]


def test_model_copy_with_update_validates_instead_of_crashing_the_engine() -> None:
    sc = small()
    with pytest.raises(ScenarioError) as exc:
        sc.model_copy(update={"queues": ({**sc.queues[0].model_dump(), "strategy": "ring-al"},)})
    assert messages(exc)[0].startswith("error: <override>: queues[0].strategy: 'ring-al' is not a strategy")
    assert sc.model_copy(update={"seed": 7}).seed == 7
    assert sc.model_copy() == sc


def test_simulate_of_an_overridden_scenario_runs() -> None:
    sc = acdsim.override(small(), {"queues[0].strategy": "ring-all", "horizon": "10m"})
    result = acdsim.simulate(sc, seed=1)
    assert set(result.calls["queue"]) <= {1}


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("queues[0].callers.talk_time", ("queues", 0, "callers", "talk_time")),
        ("behaviors.default.answer_time", ("behaviors", "default", "answer_time")),
        ("['odd key']", ("odd key",)),
        ('behaviors["it\'s"].p_busy', ("behaviors", "it's", "p_busy")),
        ("schedule[3].from", ("schedule", 3, "from")),
    ],
)
def test_parse_path_reads_what_format_path_writes(text: str, path: tuple[Any, ...]) -> None:
    from acdsim.errors import format_path

    assert parse_path(text) == path
    assert parse_path(format_path(path)) == path


# ---------------------------------------------------------------------------------------------
# immutability


def test_every_kind_of_mutation_of_a_loaded_scenario_fails() -> None:
    sc = acdsim.load_scenario(TIERED)
    before = sc.to_dict()
    attempts = [
        lambda: setattr(sc, "seed", 3),
        lambda: delattr(sc, "seed"),
        lambda: setattr(sc.queues[0], "strategy", "ring-all"),
        lambda: setattr(sc.queues[0].callers, "talk_time", 3),
        lambda: setattr(sc.report, "interval", 60),
        lambda: setattr(sc.agents, "local", ()),
        lambda: sc.queues.append(sc.queues[0]),  # type: ignore[attr-defined]
        lambda: sc.queues.__setitem__(0, sc.queues[0]),  # type: ignore[attr-defined]
        lambda: sc.agents.local.__delitem__(0),  # type: ignore[attr-defined]
        lambda: sc.schedule.__iadd__(()),  # type: ignore[attr-defined]
        lambda: sc.behaviors.__setitem__("x", sc.behaviors["lead"]),  # type: ignore[attr-defined]
        lambda: sc.behaviors.__delitem__("lead"),  # type: ignore[attr-defined]
        lambda: sc.behaviors.update({}),  # type: ignore[attr-defined]
        lambda: sc.behaviors.pop("lead"),  # type: ignore[attr-defined]
        lambda: sc.behaviors.clear(),  # type: ignore[attr-defined]
        lambda: sc.behaviors.setdefault("x", None),  # type: ignore[attr-defined]
        lambda: setattr(sc.behaviors, "_items", {}),
        lambda: sc.behaviors._items.__setitem__("x", None),  # type: ignore[attr-defined]
        lambda: setattr(sc.behaviors["lead"], "p_busy", 0.0),
        lambda: sc.schedule[0].__setattr__("at", 0),
    ]
    for attempt in attempts:
        with pytest.raises((TypeError, AttributeError, ValueError)):
            attempt()
    assert sc.to_dict() == before


def test_behaviors_stay_immutable_through_copies_pickles_and_overrides() -> None:
    sc = small()
    for other in (
        sc.model_copy(),
        sc.model_copy(update={"seed": 2}),
        copy.deepcopy(sc),
        pickle.loads(pickle.dumps(sc)),
        acdsim.override(sc, {"behaviors.fast.answer_time": 0}),
    ):
        with pytest.raises(TypeError):
            other.behaviors["x"] = other.behaviors["default"]  # type: ignore[index]
        assert "default" in other.behaviors
    assert pickle.loads(pickle.dumps(sc)) == sc
    assert hash(sc) == hash(copy.deepcopy(sc))


# ---------------------------------------------------------------------------------------------
# the package as a notebook user meets it


def test_dir_lists_the_public_api_and_not_the_modules_helpers() -> None:
    import importlib.util

    names = dir(acdsim)
    for name in ("load_scenario", "override", "simulate", "erlang", "plots", "Scenario", "Result",
                 "ScenarioError", "__version__"):
        assert name in names
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert "importlib" not in names and "annotations" not in names
    has_sweep = any(importlib.util.find_spec(m) is not None for m in ("acdsim.planning.sweep", "acdsim.sweep"))
    assert ("sweep" in names) == has_sweep  # listed once planning-sweep provides it


def test_every_listed_name_is_an_attribute_and_submodules_are_modules() -> None:
    import types

    for name in dir(acdsim):
        assert getattr(acdsim, name) is not None
    assert isinstance(acdsim.erlang, types.ModuleType) and hasattr(acdsim.erlang, "erlang_c")
    assert isinstance(acdsim.plots, types.ModuleType) and hasattr(acdsim.plots, "interval_kpis")
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        acdsim.nothing_here  # noqa: B018


def test_a_scenario_repr_is_a_short_overview() -> None:
    sc = acdsim.load_scenario(ROOT / "scenarios" / "two_queues.yaml")
    text = repr(sc)
    assert text == str(sc)
    lines = text.splitlines()
    assert len(lines) <= 8
    assert lines[0].startswith("<Scenario 'sales and support': horizon 9:00:00, timing pbx, 1 replication")
    assert lines[1] == "  queue 401 (sales): ring-all, 4 agents, profile of 4 steps, 10-45 calls/h, talk 240 s mean"
    assert lines[2].startswith("  queue 402 (support): round-robin, 4 agents, 35 calls/h")
    assert lines[3] == "  agents: 5 local, 1 remote; behaviors: default, slow; schedule: 5 entries"


def test_a_result_repr_shows_the_queue_kpis_and_the_tables_with_their_rows() -> None:
    result = acdsim.simulate(small(), seed=1, replications=2)
    text = repr(result)
    lines = text.splitlines()
    assert len(lines) <= 6
    assert lines[0] == "<Result of 'small': 2 replications, seed 1, timing pbx, horizon 1:00:00 (means over the replications)"
    assert lines[1].startswith("  queue 1: offered ")
    assert f"calls ({len(result.calls):,})" in lines[2] and "agent_pauses (" in lines[2]
    assert "interval_summary" in text


def test_a_frozen_map_equals_a_dict_with_its_items_and_hashes_without_order() -> None:
    from acdsim.model.frozen import FrozenMap

    one, two = FrozenMap({"a": 1, "b": 2}), FrozenMap({"b": 2, "a": 1})
    assert one == two == {"a": 1, "b": 2}
    assert hash(one) == hash(two)
    assert pickle.loads(pickle.dumps(one)) == one
    assert repr(one) == "FrozenMap({'a': 1, 'b': 2})"


def test_simulate_takes_a_dict_as_load_scenario_does() -> None:
    result = acdsim.simulate(copy.deepcopy(SMALL), seed=2)
    assert result.scenario == small().model_copy(update={"seed": 2})


@settings(max_examples=25, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=1),
    seconds=st.floats(min_value=0, max_value=3600, allow_nan=False),
    strategy=st.sampled_from(["ring-all", "top-down", "random", "round-robin"]),
)
def test_an_override_puts_the_value_where_the_path_says_and_nowhere_else(
    index: int, seconds: float, strategy: str
) -> None:
    sc = small()
    changed = acdsim.override(
        sc, {f"agents.local[{index}].wrap_up_time": seconds, "queues[0].strategy": strategy}
    )
    expected = sc.to_dict()
    expected["agents"]["local"][index]["wrap_up_time"] = seconds
    expected["queues"][0]["strategy"] = strategy
    assert changed.to_dict() == expected
    assert acdsim.load_scenario(changed.to_dict()) == changed
