"""``acdsim erlang``: an Erlang C / Erlang A staffing table in the terminal or as JSON.

Standalone click command; the main CLI registers it with
``from acdsim.cli_erlang import erlang_cmd``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from acdsim import erlang
from acdsim.units import DURATION_HELP, parse_duration

MAX_ROWS = 10_000
_TARGET = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*%?\s*/\s*(\S.*?)\s*$")
_RANGE = re.compile(r"^\s*([0-9]+)\s*(?:-|\.\.)\s*([0-9]+)\s*$")


def _duration(value: str, hint: str, *, positive: bool) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from exc
    if positive and seconds <= 0:
        raise click.BadParameter(f"must be > 0, got {value!r}", param_hint=hint)
    return seconds


def parse_target(text: str) -> tuple[float, float]:
    """``"80/20"`` -> (0.8, 20.0): service-level percent / threshold (a duration)."""
    match = _TARGET.match(text)
    if match is None:
        raise click.BadParameter(
            f"expected SL%/THRESHOLD such as 80/20 or 90%/30s, got {text!r}", param_hint="--target"
        )
    pct = float(match.group(1))
    if not 0 < pct < 100:
        raise click.BadParameter(
            f"the service-level percentage must be between 0 and 100 (exclusive), got {pct:g}",
            param_hint="--target",
        )
    threshold = _duration(match.group(2), "--target", positive=False)
    return pct / 100.0, threshold


def parse_agents(text: str) -> range:
    """``"40-60"`` (or ``"40..60"``) -> range(40, 61); a single number is one row."""
    text = text.strip()
    if text.isdigit():
        first = last = int(text)
    else:
        match = _RANGE.match(text)
        if match is None:
            raise click.BadParameter(
                f"expected a range A-B such as 40-60, got {text!r}", param_hint="--agents"
            )
        first, last = int(match.group(1)), int(match.group(2))
    if first < 1 or last < first:
        raise click.BadParameter(f"need 1 <= A <= B, got {first}-{last}", param_hint="--agents")
    if last - first + 1 > MAX_ROWS:
        raise click.BadParameter(
            f"at most {MAX_ROWS} rows, got {last - first + 1}", param_hint="--agents"
        )
    return range(first, last + 1)


def _json_number(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _pct(x: float, digits: int = 1) -> str:
    return "—" if not math.isfinite(x) else f"{100 * x:.{digits}f}%"


def _seconds(x: float) -> str:
    return "∞" if math.isinf(x) else ("—" if math.isnan(x) else f"{x:.1f} s")


def answer_sentence(agents: int, target: float, threshold: float, basis: str | None) -> str:
    text = f"{agents} agents meet {100 * target:g}% answered within {threshold:g} s"
    if basis is not None:
        text += f" (counted over {basis} calls)"
    return text


@click.command("erlang")
@click.option(
    "--calls-per-hour", "calls_per_hour", type=float, required=True, help="Offered calls per hour."
)
@click.option("--aht", required=True, help=f"Mean handling time: {DURATION_HELP}.")
@click.option(
    "--patience",
    default=None,
    help=f"Mean caller patience ({DURATION_HELP}); switches from Erlang C to Erlang A.",
)
@click.option(
    "--target",
    default="80/20",
    show_default=True,
    help="Service-level target: percent answered / threshold (seconds or a duration).",
)
@click.option(
    "--agents",
    "agents_text",
    default=None,
    help="Agent range A-B (default: a few below the minimum stable staffing "
    "to a few above the answer).",
)
@click.option(
    "--sl-basis",
    type=click.Choice(["offered", "answered"]),
    default="offered",
    show_default=True,
    help="Erlang A only: count the service level over offered or over answered calls.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def erlang_cmd(
    calls_per_hour: float,
    aht: str,
    patience: str | None,
    target: str,
    agents_text: str | None,
    sl_basis: str,
    as_json: bool,
) -> None:
    """Staffing table from the Erlang C (or, with --patience, Erlang A) formulas."""
    if not math.isfinite(calls_per_hour) or calls_per_hour <= 0:
        raise click.BadParameter(
            f"must be a positive number, got {calls_per_hour!r}", param_hint="--calls-per-hour"
        )
    aht_s = _duration(aht, "--aht", positive=True)
    patience_s = None if patience is None else _duration(patience, "--patience", positive=True)
    sl_target, threshold = parse_target(target)
    basis: erlang.SLBasis = "offered" if sl_basis == "offered" else "answered"
    try:
        answer = erlang.agents_for_service_level(
            calls_per_hour, aht_s, sl_target, threshold, patience_s, sl_basis=basis
        )
        if agents_text is None:
            first = max(1, min(erlang.min_stable_agents(calls_per_hour, aht_s), answer) - 3)
            agents = range(first, answer + 4)
        else:
            agents = parse_agents(agents_text)
        rows = erlang.staffing_table(
            calls_per_hour, aht_s, patience_s, threshold, agents, target=sl_target, sl_basis=basis
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc

    marked: int | None = None
    for row in rows:
        row["meets_target"] = row["service_level"] >= sl_target
        if marked is None and row["meets_target"]:
            marked = row["agents"]
    load = calls_per_hour * aht_s / erlang.SECONDS_PER_HOUR
    sentence = answer_sentence(answer, sl_target, threshold, basis if patience_s else None)

    if as_json:
        doc = {
            "model": "erlang_a" if patience_s is not None else "erlang_c",
            "calls_per_hour": calls_per_hour,
            "aht": aht_s,
            "patience": patience_s,
            "load_erlangs": load,
            "target": {
                "service_level": sl_target,
                "threshold": threshold,
                "basis": basis if patience_s is not None else None,
            },
            "answer_agents": answer,
            "answer": sentence,
            "rows": [{k: _json_number(v) for k, v in row.items()} for row in rows],
        }
        click.echo(json.dumps(doc, indent=2))
        return

    model = "Erlang A" if patience_s is not None else "Erlang C"
    title = (
        f"{model}: {calls_per_hour:g} calls/h, AHT {aht_s:g} s, load {load:.2f} Erl"
        + (f", patience {patience_s:g} s" if patience_s is not None else "")
        + f"; target {100 * sl_target:g}% within {threshold:g} s"
    )
    table = Table(title=title)
    table.add_column("agents", justify="right")
    table.add_column("SL" if patience_s is None else f"SL ({basis})", justify="right")
    table.add_column("ASA", justify="right")
    table.add_column("occupancy", justify="right")
    table.add_column("P(wait)", justify="right")
    if patience_s is not None:
        table.add_column("abandon %", justify="right")
    table.add_column("", justify="left")
    for row in rows:
        cells = [
            str(row["agents"]),
            _pct(row["service_level"]),
            _seconds(row["asa"]),
            _pct(row["occupancy"]),
            _pct(row["p_wait"]),
        ]
        if patience_s is not None:
            cells.append(_pct(row["p_abandon"], 2))
        is_mark = row["agents"] == marked
        cells.append("◀ target" if is_mark else ("unstable" if not row.get("stable", True) else ""))
        table.add_row(*cells, style="bold green" if is_mark else None)
    console = Console()
    console.print(table)
    console.print(sentence, highlight=False, soft_wrap=True)
