"""JSON Schema of the scenario format, generated from the models (``acdsim schema``).

It is meant for editors (yaml-language-server, VS Code): completion, hover text and early
warnings. The loader stays the authority: it also checks references, files and sums the
schema cannot express.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .model import Scenario
from .model.scenario import DEFAULT_START
from .units import DURATION_HELP, DURATION_PATTERN, MAX_DURATION

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "acdsim scenario (format version 1)"

# Model-internal helpers that users never write: dropped from the schema and the docs.
HIDDEN_DEFS = ("_Unknown", "_NoArrivals", "TraceRow")
HIDDEN_FIELDS = {("TraceArrivals", "rows")}

DISTRIBUTION_DEFS = ("Constant", "Exponential", "Uniform", "LogNormal", "Gamma", "Erlang", "Empirical")


def duration_schema() -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": MAX_DURATION},
            {"type": "string", "pattern": DURATION_PATTERN},
        ],
        "description": DURATION_HELP,
    }


def build_schema() -> dict[str, Any]:
    """``Scenario.model_json_schema()`` made editor-friendly.

    Internal helper models are removed, the number shorthand of distributions is added,
    automatic titles are dropped so hovers show the descriptions, and every property keeps
    its ``description``, ``default`` and ``unit``.
    """
    raw = Scenario.model_json_schema(mode="validation")
    defs: dict[str, Any] = raw.pop("$defs", {})
    for name in HIDDEN_DEFS:
        defs.pop(name, None)
    for model, prop in HIDDEN_FIELDS:
        props = defs.get(model, {}).get("properties", {})
        props.pop(prop, None)
        required = defs.get(model, {}).get("required")
        if required and prop in required:
            required.remove(prop)
    raw.pop("title", None)
    raw.pop("description", None)
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "title": TITLE,
        "description": (
            "A scenario of acdsim, the call-center queue simulator. Durations are seconds: a "
            'number or a string with a unit ("90s", "15m", "8h").'
        ),
        **raw,
    }
    schema["$defs"] = {name: _clean(body) for name, body in defs.items()}
    schema["properties"] = _clean(schema["properties"], in_properties=True)
    start = schema["properties"].get("start")
    if isinstance(start, dict):
        start["default"] = DEFAULT_START.strftime("%Y-%m-%d %H:%M:%S")
    return schema


def _is_hidden_ref(node: Any) -> bool:
    return isinstance(node, dict) and any(node.get("$ref") == f"#/$defs/{n}" for n in HIDDEN_DEFS)


def _clean(node: Any, in_properties: bool = False) -> Any:
    """Recursively: drop hidden refs and auto titles, allow the distribution shorthand."""
    if isinstance(node, list):
        return [_clean(item) for item in node if not _is_hidden_ref(item)]
    if not isinstance(node, dict):
        return node
    if in_properties:  # keys are property names, values are schemas
        return {key: _clean(value) for key, value in node.items()}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "discriminator":
            continue
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = _clean(value, in_properties=True)
        else:
            out[key] = _clean(value)
    for combinator in ("oneOf", "anyOf"):
        members = out.get(combinator)
        if isinstance(members, list) and _is_distribution(members):
            out[combinator] = [*members, *copy.deepcopy(duration_schema())["anyOf"]]
    return out


def _is_distribution(members: list[Any]) -> bool:
    refs = {m.get("$ref") for m in members if isinstance(m, dict)}
    return "#/$defs/Constant" in refs and "#/$defs/Exponential" in refs


def schema_json() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(schema_json(), end="")
