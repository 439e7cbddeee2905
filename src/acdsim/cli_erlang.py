"""``acdsim erlang``: an Erlang C / Erlang A staffing table in the terminal or as JSON, for
one traffic figure or for every interval of a forecast CSV (``--forecast``).

Past ``erlang.ASYMPTOTIC_LOAD`` Erlangs the Erlang C figures are the Halfin-Whitt
approximation and a note line says so; Erlang A refuses such loads (exit 2).

Standalone click command; the main CLI registers it with
``from acdsim.cli_erlang import erlang_cmd``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from acdsim import erlang, percent
from acdsim.errors import ScenarioError
from acdsim.forecast import DEFAULT_INTERVAL, ForecastRow, read_forecast
from acdsim.units import DURATION_HELP, parse_duration

MAX_ROWS = 10_000
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
    """``"80/20"`` -> (0.8, 20.0): service-level percent / threshold (``acdsim.percent``)."""
    try:
        return percent.parse_target(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--target") from None


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


def asymptotic_note(load: float) -> str:
    return (
        f"note: the offered load {load:,.0f} Erl is beyond {erlang.ASYMPTOTIC_LOAD:,.0f} Erl: "
        "the figures are asymptotic (Halfin-Whitt square-root staffing), not the exact Erlang C"
    )


def answer_sentence(agents: int, target: float, threshold: float, basis: str | None) -> str:
    text = f"{agents} agents meet {100 * target:g}% answered within {threshold:g} s"
    if basis is not None:
        text += f" (counted over {basis} calls)"
    return text


@click.command("erlang")
@click.option(
    "--calls-per-hour", "calls_per_hour", type=float, default=None, help="Offered calls per hour."
)
@click.option(
    "--aht",
    default=None,
    help=f"Mean handling time (talk + wrap-up): {DURATION_HELP}. With --forecast, the "
    "default for the rows without an aht.",
)
@click.option(
    "--patience",
    default=None,
    help=f"Mean caller patience ({DURATION_HELP}); switches from Erlang C to Erlang A.",
)
@click.option(
    "--target",
    default="80/20",
    show_default=True,
    help="Service-level target: percent answered / threshold (seconds or a duration), "
    "as 80/20 or 80%/20s; 0.8/20 is refused as ambiguous.",
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
@click.option(
    "--forecast",
    "forecast_file",
    default=None,
    metavar="FILE",
    help="Forecast CSV (columns at, calls or calls_per_hour, optional aht): one row of "
    "staffing per interval instead of --calls-per-hour.",
)
@click.option(
    "--interval",
    default=None,
    help=f"With --forecast: the length of the last interval ({DURATION_HELP}; default 30m).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def erlang_cmd(
    calls_per_hour: float | None,
    aht: str | None,
    patience: str | None,
    target: str,
    agents_text: str | None,
    sl_basis: str,
    forecast_file: str | None,
    interval: str | None,
    as_json: bool,
) -> None:
    """Staffing table from the Erlang C (or, with --patience, Erlang A) formulas."""
    patience_s = None if patience is None else _duration(patience, "--patience", positive=True)
    sl_target, threshold = parse_target(target)
    basis: erlang.SLBasis = "offered" if sl_basis == "offered" else "answered"
    if forecast_file is not None:
        for value, option in ((calls_per_hour, "--calls-per-hour"), (agents_text, "--agents")):
            if value is not None:
                raise click.UsageError(f"{option} cannot be combined with --forecast")
        aht_s = None if aht is None else _duration(aht, "--aht", positive=True)
        length = (
            DEFAULT_INTERVAL
            if interval is None
            else _duration(interval, "--interval", positive=True)
        )
        intervals = read_forecast(Path(forecast_file), interval=length)
        _forecast(intervals, aht_s, patience_s, sl_target, threshold, basis, as_json)
        return
    if interval is not None:
        raise click.UsageError("--interval needs --forecast")
    if calls_per_hour is None:
        raise click.UsageError("Missing option '--calls-per-hour' (or give --forecast FILE)")
    if aht is None:
        raise click.UsageError("Missing option '--aht'")
    if not math.isfinite(calls_per_hour) or calls_per_hour <= 0:
        raise click.BadParameter(
            f"must be a positive number, got {calls_per_hour!r}", param_hint="--calls-per-hour"
        )
    aht_s = _duration(aht, "--aht", positive=True)
    try:
        load = erlang.offered_load(calls_per_hour, aht_s)
        answer = erlang.agents_for_service_level(
            calls_per_hour, aht_s, sl_target, threshold, patience_s, sl_basis=basis
        )
        if agents_text is None:
            agents = erlang.default_agent_range(
                calls_per_hour, aht_s, sl_target, threshold, patience_s, sl_basis=basis
            )
        else:
            agents = parse_agents(agents_text)
        rows = erlang.staffing_table(
            calls_per_hour, aht_s, patience_s, threshold, agents, target=sl_target, sl_basis=basis
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc

    marked: int | None = None
    for row in rows:
        row["handle_occupancy"] = row["occupancy"]
        row["meets_target"] = row["service_level"] >= sl_target
        if marked is None and row["meets_target"]:
            marked = row["agents"]
    sentence = answer_sentence(answer, sl_target, threshold, basis if patience_s else None)
    note = asymptotic_note(load) if erlang.is_asymptotic(load) else None

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
            "asymptotic": note is not None,
            "answer_agents": answer,
            "answer": sentence,
            "rows": [{k: _json_number(v) for k, v in row.items()} for row in rows],
        }
        if note is not None:
            doc["note"] = note
        click.echo(json.dumps(doc, indent=2))
        return

    model = "Erlang A" if patience_s is not None else "Erlang C"
    title = (
        f"{model}: {calls_per_hour:g} calls/h, AHT {aht_s:g} s, load {load:,.2f} Erl"
        + (f", patience {patience_s:g} s" if patience_s is not None else "")
        + f"; target {100 * sl_target:g}% within {threshold:g} s"
    )
    table = Table(title=title)
    table.add_column("agents", justify="right")
    table.add_column("SL" if patience_s is None else f"SL ({basis})", justify="right")
    table.add_column("ASA", justify="right")
    table.add_column("handle occupancy", justify="right")
    table.add_column("P(wait)", justify="right")
    if patience_s is not None:
        table.add_column("abandon %", justify="right")
    table.add_column("", justify="left")
    for row in rows:
        cells = [
            f"{row['agents']:,}",
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
    console.print(HANDLE_NOTE, highlight=False, soft_wrap=True)
    if note is not None:
        console.print(note, highlight=False, soft_wrap=True)


HANDLE_NOTE = (
    "handle occupancy (handle occ.) = load / agents: talk and wrap-up (the AHT) per agent; "
    "the run table's talk occupancy counts talk only"
)


def _forecast_row(
    row: ForecastRow,
    aht_s: float | None,
    patience_s: float | None,
    sl_target: float,
    threshold: float,
    basis: erlang.SLBasis,
) -> dict[str, Any]:
    aht_row = row.aht if row.aht is not None else aht_s
    if aht_row is None:
        raise ScenarioError.single(
            "--forecast", f"row {row.line} has no aht and no --aht is given", line=None
        )
    out: dict[str, Any] = {
        "at": row.at,
        "clock": row.clock,
        "interval": row.interval,
        "calls_per_hour": row.calls_per_hour,
        "aht": aht_row,
        "load_erlangs": row.calls_per_hour * aht_row / erlang.SECONDS_PER_HOUR,
    }
    if row.calls_per_hour <= 0:
        return out | {"agents": 0, "service_level": None, "asa": None, "handle_occupancy": None,
                      "p_abandon": None, "asymptotic": False}  # fmt: skip
    try:
        agents = erlang.agents_for_service_level(
            row.calls_per_hour, aht_row, sl_target, threshold, patience_s, sl_basis=basis
        )
        figures = erlang.staffing_table(
            row.calls_per_hour, aht_row, patience_s, threshold, [agents],
            target=sl_target, sl_basis=basis,
        )[0]  # fmt: skip
    except ValueError as exc:
        raise click.BadParameter(f"forecast line {row.line}: {exc}") from None
    return out | {
        "agents": agents,
        "service_level": figures["service_level"],
        "asa": figures["asa"],
        "handle_occupancy": figures["occupancy"],
        "p_abandon": figures.get("p_abandon"),
        "asymptotic": erlang.is_asymptotic(out["load_erlangs"]),
    }


def _forecast(
    rows: list[ForecastRow],
    aht_s: float | None,
    patience_s: float | None,
    sl_target: float,
    threshold: float,
    basis: erlang.SLBasis,
    as_json: bool,
) -> None:
    missing = [r.line for r in rows if r.aht is None]
    if missing and aht_s is None:
        raise click.UsageError(
            f"Missing option '--aht' (forecast lines without an aht: {', '.join(map(str, missing[:5]))}"
            + (", ..." if len(missing) > 5 else "")
            + ")"
        )
    out = [_forecast_row(r, aht_s, patience_s, sl_target, threshold, basis) for r in rows]
    asymptotic = any(r["asymptotic"] for r in out)
    note = asymptotic_note(max(r["load_erlangs"] for r in out)) if asymptotic else None
    if as_json:
        doc: dict[str, Any] = {
            "model": "erlang_a" if patience_s is not None else "erlang_c",
            "patience": patience_s,
            "target": {
                "service_level": sl_target,
                "threshold": threshold,
                "basis": basis if patience_s is not None else None,
            },
            "asymptotic": asymptotic,
            "rows": [{k: _json_number(v) for k, v in r.items()} for r in out],
        }
        if note is not None:
            doc["note"] = note
        click.echo(json.dumps(doc, indent=2))
        return
    model = "Erlang A" if patience_s is not None else "Erlang C"
    table = Table(
        title=f"{model} per interval; target {100 * sl_target:g}% within {threshold:g} s",
        box=box.SIMPLE_HEAD,  # ten columns: no room for vertical rules in 80 characters
        collapse_padding=True,
        pad_edge=False,
    )
    # `at` in seconds is in the JSON; the clock says the same in less width
    for column in ("at", "calls/h", "AHT s", "Erl", "agents", "SL", "ASA", "handle occ."):
        table.add_column(column, justify="right", no_wrap=True)
    if patience_s is not None:
        table.add_column("abandon", justify="right", no_wrap=True)
    for r in out:
        cells = [
            r["clock"], f"{r['calls_per_hour']:,.1f}", f"{r['aht']:g}",
            f"{r['load_erlangs']:,.2f}", f"{r['agents']:,}",
            _pct(math.nan if r["service_level"] is None else r["service_level"]),
            _seconds(math.nan if r["asa"] is None else r["asa"]),
            _pct(math.nan if r["handle_occupancy"] is None else r["handle_occupancy"]),
        ]  # fmt: skip
        if patience_s is not None:
            cells.append(_pct(math.nan if r["p_abandon"] is None else r["p_abandon"], 2))
        table.add_row(*cells)
    console = Console()
    console.print(table)
    console.print(HANDLE_NOTE, highlight=False, soft_wrap=True)
    if note is not None:
        console.print(note, highlight=False, soft_wrap=True)
