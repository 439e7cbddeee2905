"""Figures of a fit (PNG, headless) and fit.html that embeds them with the main numbers:
arrivals per interval with their CIs, talk-time histogram with the fitted density and a
QQ-plot, the Kaplan-Meier patience curve against the fitted survival."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from .fitting import FitResult

MAX_POINTS = 20_000  # values drawn in a histogram / QQ-plot (a random-free even thinning)


def _thin(values: np.ndarray) -> np.ndarray:
    v = np.sort(values)
    if len(v) <= MAX_POINTS:
        return v
    return v[np.linspace(0, len(v) - 1, MAX_POINTS).astype(int)]


def _hhmm(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:d}:{(s % 3600) // 60:02d}"


def arrivals_figure(r: FitResult) -> Figure:
    p = r.profile
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.add_subplot()
    x = p.slots * p.interval / 3600.0
    width = p.interval / 3600.0
    ax.bar(x, p.rate, width=width, align="edge", color="#8fb3d9", edgecolor="#4a78a8", label="fitted rate")
    mid = x + width / 2
    ax.errorbar(mid, p.rate, yerr=[p.rate - p.low, p.high - p.rate], fmt="none", ecolor="#333", capsize=2,
                label="95 % CI")
    for day, wp in sorted(r.weekdays.items()):
        ax.step(wp.slots * wp.interval / 3600.0, wp.rate, where="post", lw=1, label=day)
    ax.set_xlabel("hour of the day" if r.log.origin else "hours from t = 0")
    ax.set_ylabel("calls per hour")
    ax.set_title(f"Arrivals per {_hhmm(p.interval)} interval ({p.days} day(s), {int(p.counts.sum()):,} calls)")
    ax.legend(fontsize=8)
    return fig


def _duration_figure(title: str, values: np.ndarray, best: Any, dist: dict[str, Any] | None) -> Figure:
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    v = _thin(values)
    ax1.hist(v, bins=60, density=True, color="#c9d9ea", edgecolor="#8aa")
    if best is not None and best.frozen is not None:
        grid = np.linspace(0, float(np.quantile(v, 0.995)) * 1.05, 300)
        ax1.plot(grid, best.frozen.pdf(grid), color="#c0392b", label=f"{best.family} (chosen by AIC)")
        q = (np.arange(len(v)) + 0.5) / len(v)
        ax2.plot(best.frozen.ppf(q), v, ".", ms=2, color="#2c3e50")
        top = max(float(v.max()), float(best.frozen.ppf(q[-1])))
        ax2.plot([0, top], [0, top], color="#c0392b", lw=1)
        ax2.set_xlabel(f"{best.family} quantiles (s)")
        ax2.set_ylabel("log quantiles (s)")
        ax1.legend(fontsize=8)
    ax1.set_xlabel("seconds")
    ax1.set_title(title + (f" -> {dist.get('dist')}" if dist else ""))
    ax2.set_title("QQ-plot")
    return fig


def patience_figure(r: FitResult) -> Figure:
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.add_subplot()
    km, best = r.patience.km, r.patience.best
    if km is not None and len(km.time):
        t = np.concatenate([[0.0], km.time])
        ax.step(t, np.concatenate([[1.0], km.survival]), where="post", color="#2c3e50", label="Kaplan-Meier")
        ax.fill_between(t, np.concatenate([[1.0], km.low]), np.concatenate([[1.0], km.high]), step="post",
                        alpha=0.2, color="#2c3e50", label="95 % CI")
        if best is not None and best.frozen is not None:
            grid = np.linspace(0, float(t.max()), 300)
            ax.plot(grid, best.frozen.sf(grid), color="#c0392b", label=f"fitted {best.family}")
    else:
        ax.text(0.5, 0.5, "no abandoned caller: patience not estimated", ha="center", transform=ax.transAxes)
    ax.set_xlabel("seconds waited")
    ax.set_ylabel("P(patience > t)")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Patience ({r.patience.n:,} abandoned observed, {r.patience.n_censored:,} censored)")
    ax.legend(fontsize=8)
    return fig


def write_plots(r: FitResult, out: Path) -> list[Path]:
    figures = {
        "fit_arrivals.png": arrivals_figure(r),
        "fit_talk_time.png": _duration_figure("Talk time", r.talk.values, r.talk.best, r.talk.dist),
        "fit_patience.png": patience_figure(r),
    }
    if len(r.patience.values):
        figures["fit_patience_abandoned.png"] = _duration_figure(
            "Waits of abandoned callers (observed patience)", r.patience.values, None, None)
    paths = []
    for name, fig in figures.items():
        path = out / name
        fig.savefig(path, dpi=100)
        paths.append(path)
    return paths


def write_html(r: FitResult, out: Path, pngs: list[Path]) -> Path:
    rep = r.report
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in rep["rows"]["rejected"].items()) or \
        "<tr><td colspan=2>none</td></tr>"
    talk = rep["talk_time"]
    pat = rep["patience"]
    # Embedded, so fit.html is one self-contained file like acdsim report's report.html.
    images = "".join(
        f'<p><img src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}" alt="{esc(p.stem)}"></p>'
        for p in pngs
    )
    body = f"""<!doctype html><html><head><meta charset="utf-8"><title>acdsim fit: {esc(str(r.scenario.get('name')))}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td,th{{border:1px solid #ccc;padding:2px 6px}}
table{{border-collapse:collapse}}pre{{background:#f6f6f6;padding:1em;overflow:auto}}</style></head><body>
<h1>Fit of {esc(Path(r.log.source).name)}, queue {esc(r.queue)}</h1>
<p>{rep['rows']['used']:,} of {rep['rows']['read']:,} rows used over {rep['days']} day(s).</p>
<h2>Rows left out</h2><table><tr><th>reason</th><th>rows</th></tr>{rows}</table>
<h2>Estimates</h2><table><tr><th>what</th><th>chosen</th><th>mean (95 % CI)</th><th>n</th></tr>
<tr><td>talk time</td><td>{esc(json.dumps(talk['chosen']))}</td><td>{_num(talk['mean'])} [{_num(talk['mean_ci'][0])}, {_num(talk['mean_ci'][1])}]</td><td>{talk['n']:,}</td></tr>
<tr><td>patience</td><td>{esc(json.dumps(pat['chosen']))}</td><td>{_num(pat['mean'])} [{_num(pat['mean_ci'][0])}, {_num(pat['mean_ci'][1])}] (naive: {_num(pat.get('naive_mean_abandoned_wait'))})</td><td>{pat['n']:,} + {pat['n_censored']:,} censored</td></tr>
</table>{images}
<h2>fitted.yaml</h2><pre>{esc(_scenario_text(r))}</pre></body></html>
"""
    path = out / "fit.html"
    path.write_text(body, encoding="utf-8")
    return path


def _num(x: Any) -> str:
    return "-" if x is None else f"{x:,.2f}"


def _scenario_text(r: FitResult) -> str:
    from .outputs import scenario_text

    return scenario_text(r)
