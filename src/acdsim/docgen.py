"""Generate ``docs/scenario.md``, the reference of every scenario key, from the models.

    python -m acdsim.docgen > docs/scenario.md

The descriptions, defaults, units and allowed values all come from the pydantic models in
``acdsim.model``; a test checks that the committed file is in sync. This module lays out the
page (contents, one table per section, the distributions, the checks and the limits); which
models it documents is :mod:`acdsim.docgen_sections`, a field's type and default in words
:mod:`acdsim.docgen_fields`.
"""

from __future__ import annotations

from typing import get_args

from pydantic import BaseModel

from .docgen_fields import default_text, type_text
from .docgen_sections import DISTRIBUTIONS, SECTIONS
from .model.limits import LIMITS_DOC
from .schema import HIDDEN_FIELDS

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


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
