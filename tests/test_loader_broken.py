"""Every file in tests/broken/ is a scenario with one kind of mistake.

Each file starts with comment lines ``# expect: LINE PATH: message`` (``-`` for no line),
each naming one stderr line that ``acdsim validate`` must print, as
``error: FILE:LINE: PATH: message...`` (a prefix of the actual line), and optionally
``# count: N``, the exact number of error lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acdsim.cli import main

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
LINE = re.compile(r"^error: (?P<file>.+?)(?::(?P<line>\d+))?: (?P<rest>.+)$")


def expectations(path: Path) -> tuple[list[tuple[str, str]], int | None]:
    expects: list[tuple[str, str]] = []
    count = None
    for raw in path.read_bytes().split(b"\n"):
        line = raw.decode("utf-8", errors="replace")
        if line.startswith("# expect: "):
            where, _, text = line[len("# expect: "):].partition(" ")
            expects.append((where, text))
        elif line.startswith("# count: "):
            count = int(line[len("# count: "):])
    return expects, count


def test_there_are_enough_broken_files() -> None:
    assert len(FILES) >= 30
    for path in FILES:
        expects, _ = expectations(path)
        assert expects, f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file(path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent.parent)  # messages name CSV files relative to the repo
    file = str(path.relative_to(BROKEN.parent.parent))
    expects, count = expectations(path)
    status = main(["validate", file])
    out, err = capsys.readouterr()
    assert status == 2, err
    assert out == ""
    lines = err.splitlines()
    assert "Traceback" not in err
    for line in lines:
        match = LINE.match(line)
        assert match, f"malformed error line: {line!r}"
        assert match["file"] == file
    for where, text in expects:
        prefix = f"error: {file}: {text}" if where == "-" else f"error: {file}:{where}: {text}"
        assert any(line.startswith(prefix) for line in lines), f"expected {prefix!r} in:\n{err}"
    if count is not None:
        assert len(lines) == count, err


def test_lines_are_sorted(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent.parent)
    assert main(["validate", "tests/broken/several_errors.yaml"]) == 2
    numbers = [int(LINE.match(line)["line"]) for line in capsys.readouterr().err.splitlines()]
    assert numbers == sorted(numbers) and len(numbers) == 6


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: no such file\n"


def test_directory_instead_of_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: is a directory, not a scenario file\n"


def test_whitespace_only_file_is_empty(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blank = tmp_path / "blank.yaml"
    blank.write_text("\n   \n")
    assert main(["validate", str(blank)]) == 2
    assert "the file is empty" in capsys.readouterr().err


def test_good_and_bad_files_together(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent.parent)
    status = main(["validate", "scenarios/quickstart.yaml", "tests/broken/unknown_strategy.yaml"])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == "ok: scenarios/quickstart.yaml\n"
    assert err.startswith("error: tests/broken/unknown_strategy.yaml:")
