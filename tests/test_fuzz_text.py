"""Fuzzing at the text level: mutated YAML and CSV never end in a traceback.

Hypothesis edits the text of the shipped scenarios (explicit tags, huge and tiny numbers,
base-60 numbers, deep nesting, unicode, dangling references, deleted or repeated lines) and
writes broken trace CSVs beside them. ``acdsim validate`` and a short ``acdsim run`` (in
process, capped with ``--max-callers``) must exit 0 or 2, never 1, and every error or warning
is one line. ``ACDSIM_EXAMPLES`` raises the number of inputs (``make sweep``: 5,000).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from acdsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
EXAMPLES = int(os.environ.get("ACDSIM_EXAMPLES", "150"))

# `key: value` on one line (block mapping entries and flow items are both hit by `: `).
_VALUE = re.compile(r"(:\s+)([^\s{}\[\],#][^{}\[\],#\n]*?)(\s*(?:[,}\]]|#|$))")

ODD_SCALARS = [
    "9999999999999999999999999999999999999999", "1" + "0" * 39, "-" + "9" * 30, "9" * 5000,
    "5e-324", "1e308", "-1e308", "1e-300", "-0", ".nan", ".inf", "-.inf", "0x7fffffffffffffff",
    "0o777", "0b1011", "1_000_000", "8:00", "190:20:30", "1:30.5", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14", "9999-12-31 23:59:59", "0001-01-01", "~", "null", "yes", "no", "on", "''",
    '"\\x1b[31mred\\n\\rerror: forged"', "local/01", "remote/999", "local/-1", "local/1e3",
    "!!bool maybe", "!!float", "!!int x", "!!timestamp foo", "!!binary AAAA", "!!set {a}",
    "!!omap [a: 1]", "!!pairs [a: 1]", "!!python/object:os.system ls", "!!python/name:os.system",
    "!foo bar", "!<tag:example.com,2000:x> 1", "&a 1", "*nosuchanchor", "'8h'", '"1h30m"',
    '" ' + " " * 100 + 'x"', '"' + "1" * 8000 + 'x"', "[]", "{}", "[1, [2, [3]]]",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ring-al", "éà", "\t", "0", "-1", "1.5", "2147483648", "18446744073709551616",
]


def nested(depth: int, mapping: bool) -> str:
    return ("{a: " * depth + "1" + "}" * depth) if mapping else ("[" * depth + "1" + "]" * depth)


SCALARS = st.one_of(
    st.sampled_from(ODD_SCALARS),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.builds(nested, st.sampled_from([2, 30, 200, 1_000, 3_000]), st.booleans()),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ),
)

TRACE_ROWS = st.lists(
    st.one_of(
        st.sampled_from([
            "0", "1.5", "-3", "abc", "1e400", "nan", "", "1,2,3,4,5", '"unterminated', "\x00\x01",
            "2026-01-01 00:00:05", "2026-01-01T00:00:10", "1,,", "2,555,10,20", "3,n,x,y",
        ]),
        st.integers(min_value=0, max_value=10**6).map(str),
    ),
    max_size=8,
)
TRACE_HEADERS = st.sampled_from([
    "time", "time,number,talk_time,patience", "tim", "", "time,time", "time,bogus", "\ufefftime",
])


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str | None]:
    name = draw(st.sampled_from(sorted(SOURCES)))
    lines = SOURCES[name].splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        kind = draw(st.sampled_from(["value", "value", "value", "drop", "repeat", "junk", "trace"]))
        if kind == "value":
            matches = list(_VALUE.finditer(lines[i]))
            if matches:
                m = draw(st.sampled_from(matches))
                lines[i] = lines[i][: m.start(2)] + draw(SCALARS) + lines[i][m.end(2):]
        elif kind == "drop":
            del lines[i]
        elif kind == "repeat":
            lines.insert(i, lines[i])
        elif kind == "junk":
            lines.insert(i, draw(st.text(max_size=20)))
        elif kind == "trace":
            text = "\n".join(lines)
            text, n = re.subn(r"calls_per_hour:\s*[0-9.]+", "trace: trace.csv", text, count=1)
            if n and "profile" not in text.split("trace: trace.csv")[0][-40:]:
                lines = text.splitlines()
        if not lines:
            lines = ["x"]
    trace = None
    if "trace.csv" in "\n".join(lines):
        rows = draw(TRACE_ROWS)
        trace = "\n".join([draw(TRACE_HEADERS), *rows]) + draw(st.sampled_from(["", "\n", "\n\n\n", "\r\n"]))
    return "\n".join(lines) + "\n", trace


def one_line_each(err: str) -> None:
    for line in err.splitlines():
        assert line.startswith(("error: ", "warning: ", "note: ", "  ")), line


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=mutated())
def test_text_mutations_exit_0_or_2(case: tuple[str, str | None], capsys: pytest.CaptureFixture[str]) -> None:
    text, trace = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenario = folder / "s.yaml"
        scenario.write_text(text, encoding="utf-8", errors="surrogatepass")
        if trace is not None:
            (folder / "trace.csv").write_text(trace, encoding="utf-8", errors="surrogatepass")
        status = main(["validate", "--max-callers", "3000", str(scenario)])
        _, err = capsys.readouterr()
        assert status in (0, 2), f"validate exited {status}:\n{err}\n--- scenario:\n{text}"
        event(f"validate {status}")
        if status == 2:
            assert "Traceback" not in err
            return
        status = main([
            "run", "-q", "--only", "summary", "--replications", "1", "--max-callers", "3000",
            "-o", str(folder / "out"), str(scenario),
        ])
        _, err = capsys.readouterr()
        assert status in (0, 2), f"run exited {status}:\n{err}\n--- scenario:\n{text}"
        event(f"run {status}")
        assert "Traceback" not in err
