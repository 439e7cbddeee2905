"""report.html: one self-contained page for a run's output folder.

The KPI tables of summary.json (with the 95 % confidence intervals of a multi-replication
run), every figure of ``acdsim.plots`` embedded as a base64 PNG, and the scenario echoed.
The page loads nothing from anywhere: inline CSS, no script, no font, no external URL, so it
opens offline and can be mailed as one file. This module renders the page (the KPI values
as shown, the tables, the figures as PNG); what it reads from the folder, and the damage
found there, is :mod:`acdsim.report_folder`.

    from acdsim.report import build_report
    build_report(Path("out/test queue"))
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from html import escape
from pathlib import Path
from typing import Any

from . import __version__
from .report_folder import DAMAGE_ERRORS, _damaged, _figures, read_folder

__all__ = ["build_report", "format_value"]

COUNTS = {
    "offered", "answered", "abandoned", "timeout", "no_agent_timeout", "in_queue_at_end",
    "calls_answered", "offers", "no_answers", "rejects", "busies",
}
RATIOS = {"service_level", "abandon_rate", "occupancy", "talk_occupancy", "handle_occupancy"}
SECONDS = {
    "asa", "mean_wait", "wait_p50", "wait_p90", "wait_p95", "max_wait", "mean_talk_time",
    "talk_time", "logged_in_time", "wrap_up_time",
}
LABELS = {
    "offered": "offered",
    "answered": "answered",
    "abandoned": "abandoned",
    "timeout": "timeout (max_wait_time)",
    "no_agent_timeout": "no-agent timeout",
    "in_queue_at_end": "in queue at end",
    "service_level": "service level",
    "asa": "ASA",
    "mean_wait": "mean wait",
    "wait_p50": "wait p50",
    "wait_p90": "wait p90",
    "wait_p95": "wait p95",
    "max_wait": "max wait",
    "abandon_rate": "abandon rate",
    "mean_talk_time": "mean talk time",
    "answered_by_level": "answered by level",
    "calls_answered": "calls answered",
    "talk_time": "talk time",
    "wrap_up_time": "wrap-up time",
    "offers": "offers",
    "no_answers": "no answers",
    "rejects": "rejects",
    "busies": "busies",
    "logged_in_time": "logged-in time",
    # summary.json's `occupancy` is talk / logged-in; `talk_occupancy` is the same figure
    "occupancy": "talk occupancy",
    "handle_occupancy": "handle occupancy",
}
# shown once: `talk_occupancy` repeats `occupancy` (kept under its old name by the contract)
SAME_AS = {"talk_occupancy": "occupancy"}
CAPTIONS = {
    "members_over_time": (
        "Queue members over time",
        "Callers in each queue as the status resource counts them, sampled every "
        "status_interval and stacked: waiting, trying (an offer to an agent in progress) and "
        "answered (talking). The top edge is everyone in the queue.",
    ),
    "wait_distribution": (
        "Wait distribution",
        "Waits of the callers who left the queue (answered, abandoned, timed out), stacked by "
        "outcome, with their cumulative share (right axis), the service-level threshold and "
        "the 50th, 90th and 95th percentiles.",
    ),
    "interval_kpis": (
        "KPIs per interval",
        "Per report interval and queue: service level, ASA (mean wait of answered callers), "
        "abandon rate (abandoned ÷ (offered − still in queue)) and agents logged in, as the "
        "means over the replications with their 95 % confidence bands (intervals_summary.csv); "
        "intervals cut by the warm-up or the horizon are hatched.",
    ),
    "agent_timeline": (
        "Agent timeline",
        "Each agent's state over the first hour (or the whole run if shorter): talking, "
        "ringing, wrap-up and the busy / reject / no-answer delays, on break, logged out, "
        "idle and waiting for a call.",
    ),
    "answered_by_level": (
        "Answered calls by tier level",
        "Answered calls of each queue by the tier level of the agent who answered them.",
    ),
}

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1150px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { margin-bottom: .2rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; }
th { background: #f3f5f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { display: block; color: #777; font-size: .8rem; }
figure { margin: 1rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9rem; margin-top: .3rem; }
pre.scenario { background: #f7f7f7; border: 1px solid #e3e3e3; padding: .8rem; overflow-x: auto;
               font-size: .85rem; }
nav a { margin-right: 1rem; }
"""


def _scientific(value: int | float) -> str:
    """``1.0e+400`` also for integers too large for a float."""
    if isinstance(value, float):
        return f"{value:.1e}"
    digits = str(abs(value))
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1] if len(digits) > 1 else 0}e+{len(digits) - 1:02d}"


def format_seconds(value: float) -> str:
    """``80.5 s``, ``1,570 s`` is shown as ``26 min 10 s``, ``3 h 05 min`` past an hour."""
    if value < 600:
        return f"{value:,.1f} s"
    total = round(value)
    if total < 3600:
        minutes, seconds = divmod(total, 60)
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, rest = divmod(total, 3600)
    return f"{hours:,} h {rest // 60:02d} min"


def format_value(metric: str, value: Any) -> str:
    """How the report shows one KPI value (also used for the ends of its ci95): thousands
    separators, percents as ``85.3 %``, seconds as ``80.5 s`` or ``26 min 10 s``. Never
    raises: a value of an unexpected type is shown as it is."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"L{k}: {format_value('offered', v)}" for k, v in value.items()) or "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)[:200]
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    unit = " s" if metric in SECONDS else ""
    if abs(value) >= 1e15:  # past the integers a float holds: no separators, no units change
        return _scientific(value) + unit
    if metric in RATIOS:
        return f"{value * 100:.1f} %"
    if metric in SECONDS:
        return format_seconds(float(value))
    if float(value).is_integer():
        return f"{int(value):,}"
    if metric in COUNTS:
        return f"{value:,.2f}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _cell(metric: str, value: Any, ci: dict[str, Any]) -> str:
    raw = "" if isinstance(value, dict) or value is None else f' title="{escape(repr(value))}"'
    text = escape(format_value(metric, value))
    interval = ci.get(metric) if isinstance(ci, dict) else None
    if isinstance(interval, list | tuple) and len(interval) == 2:
        lo, hi = (format_value(metric, v) for v in interval)
        text += f'<span class="ci">95 % CI {escape(lo)} – {escape(hi)}</span>'
    return f'<td class="num"{raw}>{text}</td>'


def _metrics(items: dict[str, dict[str, Any]]) -> list[str]:
    """The metric names in a stable order: the known ones first, then any others."""
    seen: list[str] = []
    for figures in items.values():
        for k in figures:
            if k != "ci95" and k not in seen:
                seen.append(k)
    seen = [k for k in seen if not (k in SAME_AS and SAME_AS[k] in seen)]
    known = [k for k in LABELS if k in seen]
    return known + [k for k in seen if k not in LABELS]


def _label(metric: str) -> str:
    return LABELS.get(metric, metric.replace("_", " "))


def _queue_table(queues: dict[str, dict[str, Any]]) -> str:
    if not queues:
        return "<p>No queue.</p>"
    names = list(queues)
    head = "".join(f"<th>queue {escape(str(q))}</th>" for q in names)
    rows = []
    for m in _metrics(queues):
        cells = "".join(_cell(m, queues[q].get(m), queues[q].get("ci95") or {}) for q in names)
        rows.append(f"<tr><th>{escape(_label(m))}</th>{cells}</tr>")
    return (f'<table class="kpi queues"><thead><tr><th>metric</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _agent_table(agents: dict[str, dict[str, Any]]) -> str:
    if not agents:
        return "<p>No agent.</p>"
    metrics = _metrics(agents)
    head = "".join(f"<th>{escape(_label(m))}</th>" for m in metrics)
    rows = []
    for ref, figures in agents.items():
        ci = figures.get("ci95") or {}
        cells = "".join(_cell(m, figures.get(m), ci) for m in metrics)
        rows.append(f"<tr><th>{escape(str(ref))}</th>{cells}</tr>")
    return (f'<table class="kpi agents"><thead><tr><th>agent</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _run_table(summary: dict[str, Any]) -> str:
    rows = []
    for key, label, kind in (
        ("scenario", "scenario", "text"),
        ("seed", "seed", "text"),
        ("replications", "replications", "text"),
        ("timing", "timing", "text"),
        ("horizon", "horizon", "seconds"),
        ("warmup", "warmup", "seconds"),
        ("service_level_threshold", "service-level threshold", "seconds"),
    ):
        if key in summary:
            value = summary[key]
            text = format_value("asa", value) if kind == "seconds" else str(value)[:200]
            rows.append(f"<tr><th>{escape(label)}</th><td>{escape(text)}</td></tr>")
    return f'<table class="run"><tbody>{"".join(rows)}</tbody></table>' if rows else ""


def _images(out_dir: Path, summary: dict[str, Any]) -> list[str]:
    from .plots import PLOTS, save_png

    parts = []
    for name, fig in _figures(out_dir, summary).items():
        buffer = io.BytesIO()
        try:  # drawing happens here: odd values in a file can still fail now
            save_png(fig, buffer)
        except DAMAGE_ERRORS as exc:
            inputs = PLOTS[name][0]
            files = ", ".join(f"{i}.csv" for i in inputs)
            raise _damaged(
                out_dir / f"{inputs[0]}.csv", f"cannot draw {name} from {files}", exc
            ) from None
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        title, caption = CAPTIONS.get(name, (name, ""))
        parts.append(
            f'<figure id="{escape(name)}"><img alt="{escape(title)}" '
            f'src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    return parts


def build_report(out_dir: Path, scenario_text: str | None = None) -> Path:
    """Write ``out_dir/report.html`` from the files of a run's output folder and return its
    path. ``scenario_text`` (or else ``out_dir/scenario.yaml`` when present) is echoed."""
    out_dir = Path(out_dir)
    summary, scenario_text = read_folder(out_dir, scenario_text)

    title = f"acdsim report — {summary.get('scenario') or out_dir.name}"
    reps = summary.get("replications") or 1
    note = (f"Figures are means over {reps} replications, with 95 % confidence intervals "
            "(Student t) below them." if isinstance(reps, int) and reps > 1 else "")
    images = _images(out_dir, summary)
    nav = ['<a href="#kpis">KPIs</a>', '<a href="#agents">agents</a>']
    if images:
        nav.append('<a href="#plots">plots</a>')
    if scenario_text is not None:
        nav.append('<a href="#scenario">scenario</a>')
    generated = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(f"Output folder {out_dir} · generated {generated} by acdsim {__version__}")}</p>',
        f"<nav>{''.join(nav)}</nav>",
        _run_table(summary),
        '<h2 id="kpis">Queues</h2>',
        f"<p>{escape(note)}</p>" if note else "",
        _queue_table(summary.get("queues") or {}) if summary else "<p>No summary.json.</p>",
        '<h2 id="agents">Agents</h2>',
        _agent_table(summary.get("agents") or {}) if summary else "<p>No summary.json.</p>",
    ]
    if images:
        body.append('<h2 id="plots">Plots</h2>')
        body.extend(images)
    if scenario_text is not None:
        body.append('<h2 id="scenario">Scenario</h2>')
        body.append(f'<pre class="scenario">{escape(scenario_text)}</pre>')
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n"
        "<body>\n" + "\n".join(part for part in body if part) + "\n</body></html>\n"
    )
    path = out_dir / "report.html"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
