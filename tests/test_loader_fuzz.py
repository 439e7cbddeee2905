"""Random mutations of a valid scenario never crash the loader: it loads or reports clean errors."""

from __future__ import annotations

import copy
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acdsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text())
BASE["behaviors"] = {"calm": {"answer_time": {"dist": "uniform", "low": 1, "high": 4}, "p_busy": 0.1}}
BASE["agents"]["local"][0]["behavior"] = "calm"
BASE["schedule"] = [
    {"at": "1h", "agent": "local/1", "status": "on_break"},
    {"agents": ["remote/9"], "from": 0, "to": "4h"},
]
BASE["queues"][0]["callers"]["retry"] = {"probability": 0.5, "delay": 60}

ERROR_LINE = re.compile(r"^error: (?P<file>[^:]+)(:(?P<line>\d+))?: (?P<path>[^:\s][^:]*): (?P<message>.+)$")

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["8h", "-1s", "ring-al", "local/1", "remote/99", "available", "1e400", "{}"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["dist", "mean", "id", "x"]), st.integers(), max_size=2),
)


def all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths.extend(all_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths.extend(all_paths(value, (*prefix, index)))
    return paths


PATHS = all_paths(BASE)


def mutate(data: Any, path: tuple[Any, ...], kind: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    target = parent[last]
    if kind == "drop":
        del parent[last]
    elif kind == "replace":
        parent[last] = value
    elif kind == "insert" and isinstance(target, dict):
        target[f"unknown_{abs(hash(str(value))) % 100}"] = value
    elif kind == "insert" and isinstance(target, list):
        target.append(value)
    elif kind == "corrupt" and isinstance(target, str):
        parent[last] = target[::-1] + "?"
    elif kind == "corrupt" and isinstance(target, int | float) and not isinstance(target, bool):
        parent[last] = -target - 1
    else:
        parent[last] = value
    return data


@settings(
    max_examples=int(os.environ.get("ACDSIM_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mutations=st.lists(
        st.tuples(
            st.sampled_from(PATHS),
            st.sampled_from(["drop", "replace", "insert", "corrupt"]),
            VALUES,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_mutations_never_crash(mutations: list[tuple[Any, str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    data: Any = BASE
    for path, kind, value in mutations:
        try:
            data = mutate(data, path, kind, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "mutated.yaml"
        file.write_text(text, encoding="utf-8")
        status = main(["validate", str(file)])
        out, err = capsys.readouterr()
    assert status in (0, 2), err
    if status == 0:
        # A valid file may earn warnings (a mutation can leave a queue without agents, which
        # docs/limits.md warns about), one line each, and nothing else.
        assert out == f"ok: {file}\n"
        assert all(line.startswith(f"warning: {file}:") for line in err.splitlines()), err
        return
    assert out == ""
    lines = err.splitlines()
    assert lines
    for line in lines:
        match = ERROR_LINE.match(line)
        assert match, f"malformed error line {line!r} for\n{text}"
        assert match["file"] == str(file)
