"""``acdsim shifts``: the minimum-paid-hours shifts that cover a staffing table (docs/shifts.md).

Registered on the main group by ``cli.py`` like ``cli_sweep``. Exit status: 0 with every
interval covered; 2 for bad input, and also when some interval no shift can cover (its
files, the best partial cover, are written all the same).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .errors import Problem, ScenarioError


@click.command("shifts")
@click.argument("staffing", metavar="STAFFING.csv")
@click.option(
    "--lengths", "lengths", required=True, multiple=True, metavar="LEN[,LEN...]",
    help="shift lengths, e.g. 8h,6h,4h (each includes its breaks; repeat or separate with commas)",
)
@click.option("--starts-every", "starts_every", metavar="DURATION", help="the grid of shift starts, from --open [default: the staffing interval]")
@click.option(
    "--break", "breaks", multiple=True, metavar="LEN@FROM-TO[:SHIFT]",
    help="a break of LEN starting FROM to TO after the shift's start (on the start grid), in every shift "
    "longer than TO, or only in shifts of length SHIFT; e.g. 30m@3h-5h (repeatable: one break per rule)",
)
@click.option("--unpaid-breaks", is_flag=True, help="breaks are not paid: a shift's paid hours are its length less its breaks [default: paid]")
@click.option("--open", "open_at", metavar="HH:MM", help="no shift starts before this clock time (or a duration from the start) [default: the first interval]")
@click.option("--close", "close_at", metavar="HH:MM", help="no shift ends after this clock time (or a duration from the start) [default: the end of the last interval]")
@click.option("--scenario", "scenario", metavar="FILE", help="the scenario to roster [default: staffed.yaml beside STAFFING.csv]")
@click.option("--pool", "pool", metavar="NAME", help="the pool of STAFFING.csv [default: its only pool]")
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="stop the solver after this long with the best roster found")
@click.option("-o", "--out", "out_dir", required=True, metavar="DIR", help="output folder (replaced as a whole)")
@click.option("-q", "--quiet", is_flag=True, help="no table, only the error and note lines")
def shifts_cmd(
    staffing: str, lengths: tuple[str, ...], starts_every: str | None, breaks: tuple[str, ...], unpaid_breaks: bool,
    open_at: str | None, close_at: str | None, scenario: str | None, pool: str | None, time_limit: float,
    out_dir: str, quiet: bool,
) -> int:
    """Turn the `scheduled` column of STAFFING.csv (acdsim staff) into shifts of minimum paid
    hours that cover every interval; write shifts.csv, coverage.csv, shifts.json and
    rostered.yaml into DIR."""
    from .output.folder import OutputFolder
    from .planning.shifts.outputs import write_roster
    from .planning.shifts.roster import shifts

    roster = shifts(
        staffing, list(lengths), starts_every=starts_every, breaks=list(breaks), open=open_at, close=close_at,
        pool=pool, scenario=scenario, unpaid_breaks=unpaid_breaks, time_limit=time_limit,
    )
    if roster.status == "failed":
        raise ScenarioError.single(staffing, f"the solver found no roster ({roster.solution.message}); "
                                             "try a longer --time-limit or fewer shift lengths")
    options = {
        "lengths": list(lengths), "starts_every": starts_every, "break": list(breaks), "unpaid_breaks": unpaid_breaks,
        "open": open_at, "close": close_at, "scenario": scenario, "pool": pool, "time_limit": time_limit,
    }
    out = Path(out_dir)
    folder = OutputFolder(out)
    with folder:
        written, notes = write_roster(roster, folder.staging, options)
        folder.commit()
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if roster.status == "time_limit":
        gap = roster.solution.gap
        shown = f", within {100 * gap:.1f}% of the minimum" if gap is not None else ""
        click.echo(f"warning: the solver stopped at --time-limit {time_limit:g} s: the roster covers the "
                   f"requirement but may not be the cheapest{shown}", err=True)
    if not quiet:
        from rich.console import Console

        console = Console()
        console.print(_table(roster))
        console.print(_summary(roster))
        console.print("wrote " + ", ".join(p.name for p in written) + f" to {out}")
    if roster.uncovered:
        clocks = ", ".join(i.clock for i in roster.uncovered)
        message = (
            f"no shift can cover the interval{'s' if len(roster.uncovered) > 1 else ''} {clocks} "
            f"(lengths, --open/--close and breaks leave {'them' if len(roster.uncovered) > 1 else 'it'} uncovered); "
            f"{out} holds the best partial cover of the other intervals"
        )
        from .cli import report_problems

        report_problems([Problem(staffing, None, (), message)])
        return 2
    return 0


def _table(roster: Any) -> Any:
    from rich.table import Table

    table = Table(title=f"shifts of pool {roster.staffing.pool}")
    for name in ("start", "end", "break", "agents", "paid h"):
        table.add_column(name, justify="right")
    rows = roster.shift_rows()
    for row in rows[:40]:
        table.add_row(row["start"], row["end"], row["break"] or "—", str(row["agents"]), f"{row['paid_hours']:g}")
    if len(rows) > 40:
        table.caption = f"first 40 of {len(rows)} rows: see shifts.csv"
    return table


def _summary(roster: Any) -> str:
    eff = roster.efficiency
    shown = f"{100 * eff:.1f}%" if eff is not None else "—"
    under = sum(1 for row in roster.coverage_rows() if row["surplus"] < 0)
    lines = [
        f"paid hours {roster.paid_hours:g}, required hours {roster.required_hours:g}, efficiency {shown} "
        f"({roster.agents} agents in {len(roster.worked)} shifts; solver: {roster.status})",
    ]
    if under:
        lines.append(f"{under} interval{'s' if under > 1 else ''} under the requirement (see coverage.csv)")
    return "\n".join(lines)
