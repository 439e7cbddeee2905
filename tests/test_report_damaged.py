"""`acdsim report` on damaged run folders: every damage ends in a report (exit 0) or in
one `error: DIR/FILE: ...` line (exit 2), never in a traceback (exit 1).

A real run folder (quickstart, 15 minutes) is made once; each case copies it, damages its
files in one seeded way (cut at a byte, wrong types, huge numbers, lists, nulls, binary
garbage, a deleted or empty file) and builds the report.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import acdsim  # noqa: E402
from acdsim.api import with_overrides  # noqa: E402
from acdsim.cli import main  # noqa: E402
from acdsim.report import format_value  # noqa: E402
from acdsim.runner import run_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FILES = ("summary.json", "calls.csv", "intervals.csv", "status.csv", "agent_states.csv",
         "agent_pauses.csv")  # fmt: skip
ODD_VALUES: list[Any] = [
    "text", [1, 2], None, 10**400, -(10**400), 1e308, -1, {"a": 1}, True, [], "", 0,
    float("nan"), float("inf"), [[1, 2], 3], {"1": "x"},
]  # fmt: skip
ODD_CELLS = ["x", "", "1e400", "-5", "nan", "inf", "10" * 200, '"', "0x10", "2026-01-01"]
CASES = 100


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    sc = with_overrides(acdsim.load_scenario(ROOT / "scenarios" / "quickstart.yaml"), horizon=900)
    assert run_scenario(sc, out, quiet=True) == 0
    return out


def copy_of(run_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "damaged"
    shutil.copytree(run_dir, target)
    return target


def _leaves(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _leaves(v, (*path, k))] + ([path] if path else [])
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _leaves(v, (*path, i))] + [path]
    return [path]


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def damage_summary(path: Path, rng: random.Random) -> str:
    doc = json.loads(path.read_text())
    leaf = rng.choice(_leaves(doc))
    value = rng.choice(ODD_VALUES)
    if rng.random() < 0.2:  # a ci95 that is not a map of pairs
        queue = rng.choice(list(doc["queues"].values()) + list(doc["agents"].values()))
        queue["ci95"] = rng.choice([[1, 2], {"asa": [1]}, {"asa": "x"}, {"asa": [None, 10**400]}, 5])
        what = "ci95"
    else:
        _set(doc, leaf, value)
        what = f"{leaf}={value!r:.30}"
    path.write_text(json.dumps(doc))
    return what


def damage_csv_cell(path: Path, rng: random.Random) -> str:
    lines = path.read_text().splitlines()
    if len(lines) < 2:
        path.write_text("x\n" + rng.choice(ODD_CELLS) + "\n")
        return "replaced"
    row = rng.randrange(len(lines))  # the header too
    cells = lines[row].split(",")
    col = rng.randrange(len(cells))
    cells[col] = rng.choice(ODD_CELLS)
    if rng.random() < 0.2:
        cells = cells[:-1]
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    return f"row {row} col {col}"


def damage(folder: Path, rng: random.Random) -> str:
    name = rng.choice(FILES)
    path = folder / name
    kind = rng.choice(["truncate", "delete", "empty", "binary", "values", "values", "values"])
    if kind == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(len(data) + 1)])
    elif kind == "delete":
        path.unlink()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))
    elif name.endswith(".json"):
        kind += " " + damage_summary(path, rng)
    else:
        kind += " " + damage_csv_cell(path, rng)
    return f"{name}: {kind}"


@pytest.mark.parametrize("seed", range(CASES))
def test_report_on_a_damaged_folder_is_a_report_or_one_error_line(run_dir, tmp_path, capsys, seed):
    folder = copy_of(run_dir, tmp_path)
    what = damage(folder, random.Random(seed))
    code = main(["report", str(folder)])
    err = capsys.readouterr().err
    assert code in (0, 2), f"{what}: exit {code}\n{err}"
    if code == 2:
        # A folder written without its manifest (run_scenario, not the CLI) also gets a warning.
        lines = [line for line in err.strip().splitlines() if not line.startswith("warning: ")]
        assert len(lines) == 1 and lines[0].startswith(f"error: {folder}"), (what, err)


# ------------------------------------------------------------------- the issue's 8 tracebacks


def test_intervals_cut_mid_row(run_dir, tmp_path, capsys):
    folder = copy_of(run_dir, tmp_path)
    path = folder / "intervals.csv"
    data = path.read_text()
    path.write_text(data[: data.rindex(",")])
    assert main(["report", str(folder)]) in (0, 2)
    assert "Traceback" not in capsys.readouterr().err


def test_ci95_as_a_list(run_dir, tmp_path, capsys):
    folder = copy_of(run_dir, tmp_path)
    doc = json.loads((folder / "summary.json").read_text())
    for figures in [*doc["queues"].values(), *doc["agents"].values()]:
        figures["ci95"] = [1, 2]
    (folder / "summary.json").write_text(json.dumps(doc))
    assert main(["report", str(folder)]) == 0


def test_a_400_digit_integer_in_the_summary(run_dir, tmp_path, capsys):
    folder = copy_of(run_dir, tmp_path)
    doc = json.loads((folder / "summary.json").read_text())
    queue = next(iter(doc["queues"].values()))
    queue["offered"] = 10**400
    queue["asa"] = 10**400
    doc["horizon"] = 10**400
    (folder / "summary.json").write_text(json.dumps(doc))
    assert main(["report", str(folder)]) == 0
    page = (folder / "report.html").read_text()
    assert "1.0e+400" in page and "1.0e+400 s" in page


def test_binary_calls_csv_is_one_error_line(run_dir, tmp_path, capsys):
    folder = copy_of(run_dir, tmp_path)
    (folder / "calls.csv").write_bytes(bytes(range(256)) * 4)
    assert main(["report", str(folder)]) == 2
    lines = [x for x in capsys.readouterr().err.strip().splitlines() if not x.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder / 'calls.csv'}: "), lines


def test_format_value_of_huge_and_odd_numbers():
    assert format_value("offered", 10**400) == "1.0e+400"
    assert format_value("asa", 10**400) == "1.0e+400 s"
    assert format_value("offered", float("inf")) == "∞"
    assert format_value("asa", [1, 2]) == "[1, 2]"
