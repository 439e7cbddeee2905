"""Generate ``docs/scenario.md``, the reference of every scenario key, from the models.

    python -m acdsim.docgen > docs/scenario.md

The descriptions, defaults, units and allowed values all come from the pydantic models in
``acdsim.model``; a test checks that the committed file is in sync.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from inspect import isclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .model import (
    AgentEvent,
    Agents,
    Behavior,
    Callers,
    Constant,
    Empirical,
    Erlang,
    Exponential,
    Gamma,
    LocalAgent,
    LogNormal,
    ProfileArrivals,
    ProfileStep,
    Queue,
    QueueAgents,
    RateArrivals,
    RemoteAgent,
    Report,
    Retry,
    Scenario,
    Shift,
    StatusChange,
    Tier,
    TraceArrivals,
    Uniform,
)
from .model.distributions import as_constant
from .model.limits import LIMITS_DOC
from .model.pools import Pool, PoolAgent, PoolTier, StaffingFile, StaffingStep
from .schema import HIDDEN_FIELDS
from .units import parse_duration

SECTIONS: list[tuple[str, str, type[BaseModel], str]] = [
    ("top", "Top level", Scenario, "The keys of the file itself."),
    ("report", "`report`", Report, "Report settings."),
    (
        "queues",
        "`queues[]` — a queue",
        Queue,
        "One entry per queue extension: the body of `PUT /extension/{id}/queue/` with the "
        "extension's identity, plus the agents in the queue and the traffic offered to it.",
    ),
    (
        "queue-agents",
        "`queues[].agents` — the agents in a queue",
        QueueAgents,
        "Local and remote agents are listed apart, as the API has separate endpoints for them.",
    ),
    (
        "tier",
        "`queues[].agents.local[]`, `queues[].agents.remote[]` — an agent in a queue (tier)",
        Tier,
        "The body of `POST /extension/{id}/queue/agents/local/` (or `/remote/`). An agent may "
        "sit in several queues, with a different level and position in each; the same agent "
        "twice in one queue is an error.",
    ),
    ("callers", "`queues[].callers` — traffic", Callers, "The traffic offered to the queue."),
    (
        "arrivals-rate",
        "`callers.arrivals` as a rate",
        RateArrivals,
        "Poisson arrivals at a constant rate: `arrivals: {calls_per_hour: 40}`.",
    ),
    (
        "arrivals-profile",
        "`callers.arrivals` as a profile",
        ProfileArrivals,
        "Poisson arrivals with a piecewise-constant rate: "
        "`arrivals: {profile: [{at: 0, calls_per_hour: 20}, {at: 2h, calls_per_hour: 60}]}`.",
    ),
    ("profile-step", "`arrivals.profile[]` — one step", ProfileStep, "`at` values must increase."),
    (
        "arrivals-trace",
        "`callers.arrivals` as a trace",
        TraceArrivals,
        "Recorded arrivals: `arrivals: {trace: calls.csv}`. The CSV file has a header row with "
        "`time` (seconds since t = 0, sorted) and optionally `number`, `talk_time`, `patience`. "
        "The `time` column may instead hold ISO datetimes (`2026-01-01 08:00:05` or "
        "`2026-01-01T08:00:05`), taken relative to the scenario's `start`; a row before `start` "
        "is an error. "
        "An empty cell takes the value from the queue's distribution (and an empty `patience` "
        "with no `patience` distribution means infinite). A row may have fewer cells than the "
        "header (the missing ones are empty), not more; blank lines are skipped. The file must "
        "be a regular UTF-8 file inside the scenario's folder (see docs/files.md).",
    ),
    ("retry", "`callers.retry`", Retry, "An abandoned caller calls again with the same number."),
    (
        "agents",
        "`agents`",
        Agents,
        "All agents of the scenario, local and remote; each queue lists which of them it uses.",
    ),
    (
        "local-agent",
        "`agents.local[]` — a local agent",
        LocalAgent,
        "The body of `POST /client/@me/agent/local/` with its `id`. Elsewhere this agent is "
        "named `local/<id>`.",
    ),
    (
        "remote-agent",
        "`agents.remote[]` — a remote agent",
        RemoteAgent,
        "The body of `POST /client/@me/agent/remote/` with its `id`. Elsewhere this agent is "
        "named `remote/<id>`. Local and remote ids are separate spaces.",
    ),
    (
        "event",
        "`agents.*[].events[]` — an agent event subscription",
        AgentEvent,
        "The API's AgentEvent. An event is produced only when the status really changes "
        "(setting `available` on an already available agent produces nothing).",
    ),
    (
        "behavior",
        "`behaviors.<name>` — a behavior",
        Behavior,
        "How an agent answers an offered call. A behavior named `default` always exists (all "
        "keys at their defaults unless you define it); agents use it unless their `behavior` "
        "names another one. `p_no_answer + p_reject + p_busy` must be <= 1.",
    ),
    (
        "status-change",
        "`schedule[]` — a status change",
        StatusChange,
        "Sets an agent's status at a given time: "
        "`{at: 2h, agent: local/1, status: on_break}`.",
    ),
    (
        "shift",
        "`schedule[]` — a shift",
        Shift,
        "Agents available in [from, to) and logged out outside it: "
        "`{agents: [local/1, remote/9], from: 0, to: 4h}`.",
    ),
    (
        "pool",
        "`pools[]` — an agent pool",
        Pool,
        "N interchangeable agents declared once. The loader expands a pool into ordinary agents "
        "(ids `first_id`, `first_id + 1`, ...), tiers and status changes, appended after the "
        "listed ones; the outputs show them like any other agent. While the staffing asks for "
        "n agents, agents `first_id` .. `first_id + n - 1` are logged in: when it rises the "
        "lowest-numbered logged-out agents log in, when it falls the highest-numbered ones log "
        "out, finishing a call in progress. `staffing` is a number, a curve "
        "`[{at: 8h, agents: 12}, {at: \"09:00\", agents: 26}]` (no agent before its first row; "
        "`at` a duration or a clock time on the day of `start`) or `{file: staffing.csv}` "
        "(columns `at`, `agents`; comma or semicolon; a data file like a trace).",
    ),
    ("pool-agent", "`pools[].agent` — the pool's agents", PoolAgent, "Any agent field but `id`; `status` is the status of a logged-in agent."),
    ("pool-tier", "`pools[].tiers[]` — a queue the pool serves", PoolTier, "Agent k of the pool gets the tier `{level, position + k}` (`position` with `fixed_position: true`)."),
    ("staffing-step", "`pools[].staffing[]` — one step of a curve", StaffingStep, "`at` values must increase."),
    ("staffing-file", "`pools[].staffing` as a file", StaffingFile, "`staffing: {file: staffing.csv}`."),
]

DISTRIBUTIONS: list[tuple[type[BaseModel], str]] = [
    (Constant, "always the same value; a plain number (`30`, `\"2m\"`) is short for it"),
    (Exponential, "exponential with the given mean"),
    (Uniform, "uniform between `low` and `high` (`high` >= `low`)"),
    (LogNormal, "log-normal; `mean` and `sd` are those of the values themselves, not of their logarithm"),
    (Gamma, "gamma with the given mean and standard deviation"),
    (Erlang, "Erlang: the sum of `k` exponential phases, with the given overall mean"),
    (Empirical, "resamples `values`, or the numbers in `column` of the CSV `file` (relative to the scenario file)"),
]

INTRO = """\
# Scenario file reference

<!-- Generated from the models by `python -m acdsim.docgen > docs/scenario.md`. Do not edit by hand. -->

A scenario is a YAML file (JSON is valid YAML) describing queues, agents and the traffic
offered to them. Queue, agent, tier and agent-event objects use the field names of the PBX
queue API, so JSON bodies sent to the PBX can be pasted in; simulation-only inputs
(`callers`, `behaviors`, `schedule`) live in separate keys. The contract with users is
`SCENARIO_FORMAT.md`; this page lists every key the current version accepts.

- **Durations** are seconds: a number (`30`, `2.5`) or a string with a unit: `ms`, `s`, `m`
  or `min`, `h`, `d` (`"90s"`, `"15m"`, `"8h"`), or several units in decreasing order
  (`"1h30m"`, `"2m30s"`); at most 10 years (see [Limits](#limits)). `8:00` is refused,
  unquoted or quoted: YAML 1.1 reads it as the base-60 number 480, and as a duration it is
  ambiguous. Write `"8h"` or `"8m"` (a clock time is `start: "2026-01-05 08:00:00"`).
- **Distributions** (talk time, patience, ...) are a number (a constant) or a map with
  `dist` and its parameters; see [Distributions](#distributions).
- **Strict**: unknown keys, wrong types, out-of-range values, dangling references and
  duplicate ids (or duplicate YAML keys) are errors. All problems are reported at once,
  one line each, as `error: FILE:LINE: PATH: message`, and `acdsim` exits with status 2.
- Check a file with `acdsim validate FILE`; `acdsim schema` prints a JSON Schema for
  editor completion (see the README).

In the tables, *required* keys have no default. A type `X | null` accepts `null`.
"""

CHECKS = """\
## Checks across the file

Besides the keys of each object, `acdsim validate` checks:

- queue ids are unique; local agent ids are unique among local agents, remote ones among
  remote agents;
- every tier `agent_id` names an agent of its kind (`agents.local` for
  `queues[].agents.local`, `agents.remote` for `queues[].agents.remote`), and no agent sits
  twice in one queue;
- every schedule `agent` / `agents` entry is `local/<id>` or `remote/<id>` and names a
  defined agent;
- every agent's `behavior` names a key of `behaviors` (or `default`);
- trace and empirical CSV files exist, are regular files inside the scenario's folder (or
  under an `--allow-path`), have the needed columns and hold numbers >= 0 (trace times
  sorted).
"""


def render() -> str:
    """The whole Markdown page."""
    out = [INTRO]
    out.append("## Contents\n")
    for anchor, title, _, _ in SECTIONS:
        out.append(f"- [{title}](#{anchor})")
    out.append("- [Distributions](#distributions)")
    out.append("- [Checks across the file](#checks-across-the-file)")
    out.append("- [Limits](#limits)\n")
    for anchor, title, model, intro in SECTIONS:
        out.append(f'<a id="{anchor}"></a>\n\n## {title}\n')
        out.append(intro + "\n")
        out.append(_table(model))
    out.append('<a id="distributions"></a>\n\n## Distributions\n')
    out.append(
        "A distribution is a number (a constant, in seconds or with a unit) or a map with "
        "`dist` and its parameters. Every draw is >= 0.\n"
    )
    out.append("| `dist` | parameters | meaning |\n|---|---|---|")
    for model, meaning in DISTRIBUTIONS:
        kind = get_args(model.model_fields["dist"].annotation)[0]
        params = []
        for name, info in model.model_fields.items():
            if name == "dist":
                continue
            params.append(f"`{name}`" + ("" if info.is_required() else " (optional)"))
        out.append(f"| `{kind}` | {', '.join(params)} | {meaning} |")
    out.append("")
    for model, _ in DISTRIBUTIONS:
        kind = get_args(model.model_fields["dist"].annotation)[0]
        out.append(f"### `dist: {kind}`\n")
        out.append(_table(model))
    out.append(CHECKS)
    out.append(LIMITS_DOC)
    return "\n".join(out).rstrip() + "\n"


def _table(model: type[BaseModel]) -> str:
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if (model.__name__, name) in HIDDEN_FIELDS:
            continue
        key = info.alias or name
        rows.append(
            f"| `{key}` | {_cell(type_text(info))} | {_cell(default_text(info))} | "
            f"{_cell(info.description or '')} |"
        )
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """Escape a table cell: pipes, and < > outside code spans (else Markdown eats <id>)."""
    parts = text.replace("|", "\\|").replace("\n", " ").split("`")
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def _unit(info: FieldInfo) -> str | None:
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        unit = extra.get("unit")
        return str(unit) if unit else None
    return None


def type_text(info: FieldInfo) -> str:
    """A field's type in words: ``duration (s) ≥ 0``, ``int ≥ 1``, ```pbx` | `continuous```."""
    text = _describe_type(info.annotation, list(info.metadata))
    unit = _unit(info)
    if unit:
        text += f" ({unit})"
    bounds = []
    for meta in info.metadata:
        for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="), ("min_length", "items >=")):
            value = getattr(meta, attr, None)
            if value is not None:
                bounds.append(f"{sign} {_num(value)}")
    if bounds:
        text += ", " + ", ".join(bounds)
    return text


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_duration(metadata: list[Any]) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is parse_duration for m in metadata)


def _is_distribution(metadata: list[Any]) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is as_constant for m in metadata)


def _describe_type(tp: Any, metadata: list[Any]) -> str:
    if get_origin(tp) is typing.Annotated:
        args = get_args(tp)
        return _describe_type(args[0], [*metadata, *args[1:]])
    if _is_duration(metadata):
        return "duration"
    if _is_distribution(metadata):
        return "[distribution](#distributions)"
    if get_origin(tp) in (Union, types.UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        nullable = len(members) < len(get_args(tp))
        if len(members) == 1:
            inner = _describe_type(members[0], metadata)
        elif all(isclass(m) and issubclass(m, BaseModel) for m in map(_bare, members)):
            inner = " or ".join(_describe_type(_bare(m), []) for m in members if _anchor(_bare(m)))
        else:
            inner = " or ".join(_describe_type(m, []) for m in members)
        return f"{inner} | null" if nullable else inner
    if get_origin(tp) is Literal:
        return " | ".join(f"`{v}`" for v in get_args(tp))
    if get_origin(tp) is tuple:
        item = _describe_type(get_args(tp)[0], [])
        return f"list of {item}"
    if get_origin(tp) is dict:
        return f"map: name → {_describe_type(get_args(tp)[1], [])}"
    if isclass(tp) and issubclass(tp, BaseModel):
        anchor = _anchor(tp)
        return f"[{_LINK_NAMES.get(tp, tp.__name__.lower())}](#{anchor})" if anchor else "map"
    simple = {int: "int", float: "number", str: "string", bool: "bool", dt.datetime: "datetime string"}
    return simple.get(tp, getattr(tp, "__name__", str(tp)))


def _anchor(tp: Any) -> str | None:
    for anchor, _, model, _ in SECTIONS:
        if model is tp:
            return anchor
    return None


_LINK_NAMES: dict[Any, str] = {
    StatusChange: "status change",
    Shift: "shift",
    RateArrivals: "rate",
    ProfileArrivals: "profile",
    TraceArrivals: "trace",
    QueueAgents: "tiers",
    LocalAgent: "local agent",
    RemoteAgent: "remote agent",
    AgentEvent: "agent event",
    ProfileStep: "step",
    Pool: "pool",
    PoolAgent: "pool agent",
    PoolTier: "pool tier",
    StaffingStep: "staffing step",
    StaffingFile: "staffing file",
}


def _bare(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def default_text(info: FieldInfo) -> str:
    if info.is_required() or info.default is PydanticUndefined:
        return "*required*"
    return f"`{yaml_value(info.default)}`"


def yaml_value(value: Any) -> str:
    """A default as one would write it in the scenario file (flow YAML)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if value and value.strip() == value and ":" not in value else f'"{value}"'
    if isinstance(value, dt.datetime):
        return f'"{value:%Y-%m-%d %H:%M:%S}"'
    if isinstance(value, Constant):
        return yaml_value(value.value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, BaseModel):
        changed = {
            (info.alias or name): getattr(value, name)
            for name, info in type(value).model_fields.items()
            if name in value.model_fields_set
        }
        return yaml_value(changed)
    return str(value)


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
