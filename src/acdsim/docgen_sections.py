"""What docs/scenario.md documents, in page order: one section per scenario object (its
anchor, title, model and the prose above its table) and the distributions with their meaning.

The page itself is laid out by :mod:`acdsim.docgen`; a field's type and default in words come
from :mod:`acdsim.docgen_fields`.
"""

from __future__ import annotations

from pydantic import BaseModel

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
from .model.pools import Pool, PoolAgent, PoolTier, StaffingFile, StaffingStep

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
