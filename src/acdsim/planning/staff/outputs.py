"""The files of ``acdsim staff``: staffing.csv (the contract shared with ``acdsim shifts``),
staffed.yaml, staffing.json; all written into the output folder's staging area.

staffing.csv has one row per (pool, interval); its figures are the verification's (seeds
the search never used): means over replications, ``service_level_ci95`` the half-width of
the service level's 95 % CI, ``precision`` how settled ``met`` is: ``clear`` (every target's
CI on one side of its bound), ``within_tolerance`` (a CI contains its bound but is no wider
than the tolerance: the mean is right to within it) or ``imprecise`` (still wider at the
replication cap).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ...model import Scenario
from ...output.files import AtomicCsv, AtomicText

COLUMNS = (
    "pool", "interval_start", "interval_end", "clock", "offered", "erlang_c", "erlang_a", "agents",
    "shrinkage", "scheduled", "service_level", "service_level_ci95", "asa", "abandon_rate",
    "occupancy", "met", "binding", "precision",
)
FILES = ("staffing.csv", "staffed.yaml", "staffing.json")


def clock(scenario: Scenario, seconds: float) -> str:
    """``HH:MM`` of ``start`` + seconds."""
    return f"{scenario.start + dt.timedelta(seconds=round(seconds)):%H:%M}"


def _number(value: float | None, digits: int = 6) -> float | int | None:
    """A figure as written: rounded to ``digits``; whole seconds as ints (``0``, ``1800``)."""
    if value is None:
        return None
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() and digits == 0 else rounded


def _seconds(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def table_rows(result: Any) -> list[list[Any]]:
    problem = result.problem
    ver = result.verification
    rows = []
    for i, iv in enumerate(problem.intervals):
        k = ver.kpis[i]
        agents = result.staffing[i]
        rows.append([
            problem.pool_name, _seconds(iv.start), _seconds(iv.end), clock(problem.base, iv.start),
            _number(iv.offered), iv.erlang_c, iv.erlang_a, agents, result.shrinkage,
            result.scheduled[i], _number(k["service_level"].mean), _number(k["service_level"].half),
            _number(k["asa"].mean), _number(k["abandon_rate"].mean), _number(k["occupancy"].mean),
            ver.verdicts[i].met, result.minimal.binding[i] if agents else "",
            ver.verdicts[i].precision,
        ])
    return rows


def summary(result: Any) -> dict[str, Any]:
    problem = result.problem
    found = result.search
    minimal = result.minimal
    return {
        "pool": problem.pool_name,
        "targets": problem.targets.as_dict(),
        "interval": problem.length,
        "intervals": problem.count,
        "shrinkage": result.shrinkage,
        "agent_hours": {k: round(v, 6) for k, v in result.agent_hours.items()},
        "met_every_interval": result.verification.met,
        "erlang_a_met_every_interval": result.erlang_verification.met,
        "erlang_a_missed_intervals": [
            clock(problem.base, problem.intervals[i].start)
            for i, v in enumerate(result.erlang_verification.verdicts) if not v.met
        ],
        "minimality": {
            "minimal": minimal.minimal,
            "removable_intervals": [clock(problem.base, problem.intervals[i].start) for i in minimal.removable],
            "binding": list(minimal.binding),
            "replications": list(minimal.replications),
            "unsettled_intervals": [clock(problem.base, problem.intervals[i].start) for i in minimal.unsettled],
        },
        "search": {
            "seed": result.seed,
            "rounds": found.rounds,
            "replications_first": found.first,
            "replications_most": found.replications,
            "replications_cap": found.cap,
            "unsettled_intervals": [clock(problem.base, problem.intervals[i].start) for i in found.unsettled],
            "simulated_days": round(result.search_days, 6),
            "start": "erlang_a at the modified offered load" if problem.patience is not None
            else "erlang_c at the modified offered load",
            "start_staffing": list(found.start),
        },
        "verification": {
            "seed": result.staffed.seed,
            "replications": result.verification.replications,
            "unsettled_intervals": [
                clock(problem.base, problem.intervals[i].start) for i in result.verification.unsettled
            ],
        },
        "simulated_days": round(result.simulated_days, 6),
    }


def cell(value: Any) -> str:
    """A staffing.csv cell: true/false, whole numbers as ints (``0``, ``1800``), other floats
    in their shortest form (``0.3``, ``0.871607``), empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_outputs(result: Any, staging: Path) -> list[Path]:
    """staffing.csv, staffed.yaml and staffing.json into ``staging``; their paths."""
    table = AtomicCsv(staging / "staffing.csv", COLUMNS)
    try:
        for row in result.rows():
            table.row(tuple(cell(v) for v in row))
    except BaseException:
        table.discard()
        raise
    table.commit()
    text = AtomicText(staging / "staffed.yaml")
    text.handle.write(staffed_yaml(result, staging))
    text.commit()
    info = AtomicText(staging / "staffing.json")
    info.line(json.dumps(result.summary(), indent=2, ensure_ascii=False))
    info.commit()
    return [staging / name for name in FILES]


def portable(scenario: Scenario, staging: Path) -> dict[str, Any]:
    """The scenario as plain data that loads from ``staging``: forecasts, empirical values and
    other pools' staffing files written inline; each trace file copied next to it (under the
    same relative name, or its base name when it lay outside the scenario's folder)."""
    import shutil

    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = scenario.without_pools(data)
    if "start" in data:  # (as to_dict writes it)
        start = scenario.start
        data["start"] = f"{start:%Y-%m-%d %H:%M:%S}" if start.tzinfo is None else start.isoformat(sep=" ")
    base = Path(scenario.base_dir or ".")

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "profile" in node:
                node.pop("file", None)  # its rows are the profile
            if node.get("dist") == "empirical" and node.get("values") is not None:
                node.pop("file", None)
                node.pop("column", None)
            if isinstance(node.get("trace"), str):
                node.pop("rows", None)
                name = Path(node["trace"])
                if name.is_absolute() or ".." in name.parts:
                    name = Path(name.name)
                target = staging / name
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(base / node["trace"], target)
                node["trace"] = name.as_posix()
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    for pool in data.get("pools") or []:
        if isinstance(pool.get("staffing"), dict) and "steps" in pool["staffing"]:
            pool["staffing"] = pool["staffing"]["steps"]
    return _numbers(data)


def _numbers(node: Any) -> Any:
    """A constant distribution (``{value: x}`` once defaults are left out) as its number."""
    if isinstance(node, dict):
        if node.keys() == {"value"}:
            return node["value"]
        return {key: _numbers(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_numbers(value) for value in node]
    return node


def staffed_yaml(result: Any, staging: Path) -> str:
    import yaml

    problem = result.problem
    head = (
        f"# The scenario with pool {problem.pool_name!r} staffed by `acdsim staff` "
        f"({problem.targets.describe()}).\n"
        f"# Its seed and replications are the verification's: `acdsim run` reproduces the figures\n"
        f"# of staffing.csv (intervals_summary.csv).\n"
    )
    body = yaml.safe_dump(portable(result.staffed, staging), sort_keys=False, allow_unicode=True,
                          default_flow_style=False)
    return head + body
