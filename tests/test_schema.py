"""`acdsim schema`: a JSON Schema generated from the models, usable by editors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from acdsim.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent
jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return build_schema()


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [(f"/{name}", prop) for name, prop in schema["properties"].items()]
    for model, body in schema["$defs"].items():
        out += [(f"{model}.{name}", prop) for name, prop in body.get("properties", {}).items()]
    return out


def test_header(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"].startswith("acdsim scenario")
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"horizon", "queues", "agents"}
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    for where, prop in _properties(schema):
        assert prop.get("description"), where


def test_defaults_and_units(schema: dict[str, Any]) -> None:
    props = schema["properties"]
    assert props["seed"]["default"] == 0
    assert props["timing"]["default"] == "pbx"
    assert props["start"]["default"] == "2026-01-01 00:00:00"
    assert props["horizon"]["unit"] == "s" and "default" not in props["horizon"]
    agent = schema["$defs"]["LocalAgent"]["properties"]
    assert agent["call_timeout"]["default"] == 60 and agent["call_timeout"]["unit"] == "s"


def test_no_internal_helpers(schema: dict[str, Any]) -> None:
    text = str(schema)
    assert "_Unknown" not in text and "_NoArrivals" not in text and "TraceRow" not in text
    assert "rows" not in schema["$defs"]["TraceArrivals"]["properties"]


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", ["quickstart.yaml", "reference.yaml"])
def test_shipped_scenarios_validate(schema: dict[str, Any], name: str) -> None:
    data = yaml.safe_load((ROOT / "scenarios" / name).read_text())
    errors = [e.message for e in _validator(schema).iter_errors(data)]
    assert errors == []


def test_distribution_shorthand_and_kinds(schema: dict[str, Any]) -> None:
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text())
    validator = _validator(schema)
    for talk_time in (120, "2m", {"value": 3}, {"dist": "gamma", "mean": 100, "sd": 20},
                      {"dist": "empirical", "values": [1, 2, "3s"]}):
        data["queues"][0]["callers"]["talk_time"] = talk_time
        assert list(validator.iter_errors(data)) == [], talk_time
    for bad in ("soon", {"dist": "normal", "mean": 3}, {"dist": "exponential"}, -1):
        data["queues"][0]["callers"]["talk_time"] = bad
        assert list(validator.iter_errors(data)), bad


def test_schema_catches_common_mistakes(schema: dict[str, Any]) -> None:
    validator = _validator(schema)
    base = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text())
    for mutate in (
        lambda d: d["queues"][0].__setitem__("strategy", "ring-al"),
        lambda d: d["queues"][0].__setitem__("strategyy", "ring-all"),
        lambda d: d["agents"]["remote"][0].__setitem__("extension_id", 3),
        lambda d: d.pop("horizon"),
        lambda d: d["queues"][0]["callers"].__setitem__("arrivals", {}),
    ):
        data = yaml.safe_load(yaml.safe_dump(base))
        mutate(data)
        assert list(validator.iter_errors(data))
