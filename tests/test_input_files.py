"""Files a scenario reads: the scenario itself (regular file or pipe, size limit) and its data
files (trace, empirical CSV): only regular files inside the scenario's folder unless allowed,
messages that quote no file contents, compact traces, datetime traces, broken CSVs."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acdsim
from acdsim.cli import main
from acdsim.errors import ScenarioError
from acdsim.loader import load_scenario, read_scenario_text
from acdsim.model import TraceRecord, TraceTable

SCENARIO = """\
acdsim: 1
horizon: 1h
start: "2026-01-01 08:00:00"
queues:
  - id: 1
    strategy: ring-all
    agents:
      local: [{{agent_id: 1}}]
    callers:
      arrivals: {arrivals}
      talk_time: {talk}
agents:
  local:
    - {{id: 1}}
"""

SECRET = "s3cr3t-hunter2-DO-NOT-PRINT"


def write_scenario(folder: Path, arrivals: str = "{calls_per_hour: 10}", talk: str = "60") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "s.yaml"
    path.write_text(SCENARIO.format(arrivals=arrivals, talk=talk), encoding="utf-8")
    return path


def trace_scenario(folder: Path, csv_text: str | bytes, name: str = "calls.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = csv_text if isinstance(csv_text, bytes) else csv_text.encode("utf-8")
    (folder / name).write_bytes(data)
    return write_scenario(folder, f"{{trace: {name}}}")


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out + err


# ------------------------------------------------------------------------------- 1. which paths


def test_a_trace_outside_the_scenario_folder_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere" / "calls.csv"
    outside.parent.mkdir()
    outside.write_text(f"{SECRET},x\n1,2\n")
    path = write_scenario(tmp_path / "sc", f"{{trace: {outside}}}")
    status, err = validate(capsys, str(path))
    assert status == 2
    assert "is outside the scenario's folder" in err and "--allow-path" in err
    assert SECRET not in err


@pytest.mark.parametrize("target", ["/proc/self/environ", "/etc/passwd", "../up.csv"])
def test_paths_that_leave_the_folder_are_refused(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACDSIM_TEST_SECRET", SECRET)
    (tmp_path / "up.csv").write_text(f"{SECRET}\n1\n")
    path = write_scenario(tmp_path / "sc", f"{{trace: {target}}}")
    status, err = validate(capsys, str(path))
    assert status == 2 and "is outside the scenario's folder" in err
    assert SECRET not in err and "root:" not in err


def test_an_empirical_file_outside_the_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_scenario(tmp_path, talk="{dist: empirical, file: /etc/passwd, column: x}")
    status, err = validate(capsys, str(path))
    assert status == 2 and "is outside the scenario's folder" in err and "root:" not in err


def test_a_symlink_inside_the_folder_to_a_file_outside_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret.csv").write_text(f"time\n{SECRET}\n")
    folder = tmp_path / "sc"
    folder.mkdir()
    (folder / "calls.csv").symlink_to(tmp_path / "secret.csv")
    status, err = validate(capsys, str(write_scenario(folder, "{trace: calls.csv}")))
    assert status == 2 and "is outside the scenario's folder" in err and SECRET not in err


def test_allow_path_lets_the_scenario_read_a_folder_outside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "calls.csv").write_text("time\n1\n2\n")
    path = write_scenario(tmp_path / "sc", f"{{trace: {data / 'calls.csv'}}}")
    assert validate(capsys, str(path))[0] == 2
    status, out = validate(capsys, "--allow-path", str(data), str(path))
    assert status == 0, out
    assert main(["status", str(path), "--at", "10", "--allow-path", str(data)]) == 0
    capsys.readouterr()
    assert main(["run", str(path), "-q", "-o", str(tmp_path / "out"), "--allow-path", str(data)]) == 0


def test_allow_paths_in_the_python_api(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "calls.csv").write_text("time\n1\n2\n")
    path = write_scenario(tmp_path / "sc", "{trace: ../data/calls.csv}")
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario(path)
    scenario = load_scenario(path, allow_paths=[data])
    assert [r.time for r in scenario.queues[0].callers.arrivals.rows] == [1.0, 2.0]
    result = acdsim.simulate(path, allow_paths=[str(data)])
    assert len(result.calls) == 2


def test_allow_path_must_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_scenario(tmp_path)
    status, err = validate(capsys, "--allow-path", str(tmp_path / "nope"), str(path))
    assert status == 2 and err.startswith("error: ")


def test_an_allowed_environ_file_is_still_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACDSIM_TEST_SECRET", SECRET)
    path = write_scenario(tmp_path, "{trace: /proc/self/environ}")
    status, err = validate(capsys, "--allow-path", "/proc/self", str(path))
    assert status == 2 and SECRET not in err
    assert "not a text file" in err or "not a CSV header" in err


def test_a_header_that_is_no_header_is_not_quoted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = trace_scenario(tmp_path, f"root:x:0:0:{SECRET}:/root:/bin/bash\n1\n")
    status, err = validate(capsys, str(path))
    assert status == 2
    assert "the first line is not a CSV header with a 'time' column" in err and SECRET not in err


def test_a_header_of_column_names_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = validate(capsys, str(trace_scenario(tmp_path, "t,number\n1,2\n")))
    assert status == 2 and "the header needs a 'time' column (found: t, number)" in err


def test_an_empirical_header_that_is_no_header_is_not_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "talk.csv").write_text(f"{SECRET}:{SECRET}:{SECRET}\n1\n")
    path = write_scenario(tmp_path, talk="{dist: empirical, file: talk.csv, column: x}")
    status, err = validate(capsys, str(path))
    assert status == 2 and "has no column 'x' (its first line is not a CSV header)" in err and SECRET not in err


def test_a_bad_cell_is_quoted_as_a_short_escaped_excerpt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cell = "x" * 30 + "\x1b[31m" + SECRET * 3
    (tmp_path / "talk.csv").write_text(f"seconds\n12\n{cell}\n")
    path = write_scenario(tmp_path, talk="{dist: empirical, file: talk.csv, column: seconds}")
    status, err = validate(capsys, str(path))
    assert status == 2
    assert "talk.csv:3: seconds: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\x1b[31ms3cr3'... is not a number" in err
    assert SECRET not in err and "\x1b" not in err


# ------------------------------------------------------------------------- 2. non-regular inputs


def test_a_character_device_is_no_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = validate(capsys, "/dev/zero")
    assert status == 2 and err == "error: /dev/zero: is a character device, not a scenario file (a regular file or a pipe)\n"


def test_a_device_as_trace_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = validate(capsys, "--allow-path", "/dev", str(write_scenario(tmp_path, "{trace: /dev/zero}")))
    assert status == 2 and "trace file /dev/zero is a character device, not a regular file" in err


def test_a_fifo_as_trace_is_refused_without_blocking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "calls.csv")
    status, err = validate(capsys, str(write_scenario(tmp_path, "{trace: calls.csv}")))
    assert status == 2 and "is a pipe (FIFO), not a regular file" in err


def test_a_folder_as_trace_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "calls.csv").mkdir()
    status, err = validate(capsys, str(write_scenario(tmp_path, "{trace: calls.csv}")))
    assert status == 2 and "is a folder, not a regular file" in err


def test_a_scenario_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("acdsim.scenario_file.MAX_SCENARIO_BYTES", 100)
    path = write_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="larger than 0 MiB, the limit for a scenario file"):
        read_scenario_text(path)


def test_a_pipe_is_read_up_to_the_limit_then_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("acdsim.scenario_file.MAX_SCENARIO_BYTES", 1000)
    r, w = os.pipe()
    try:
        os.write(w, b"# " + b"x" * 4000 + b"\n")
        os.close(w)
        with pytest.raises(ScenarioError, match="limit for a scenario file"):
            read_scenario_text(f"/proc/self/fd/{r}")
    finally:
        os.close(r)


def test_a_data_file_over_the_size_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("acdsim.model.datafiles.MAX_DATA_FILE_BYTES", 10)
    status, err = validate(capsys, str(trace_scenario(tmp_path, "time\n1\n2\n3\n4\n5\n")))
    assert status == 2 and "the limit for a data file" in err


def test_a_scenario_piped_to_dev_stdin_runs(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("time\n1\n2\n")
    text = SCENARIO.format(arrivals="{trace: calls.csv}", talk="60")
    proc = subprocess.run(
        [sys.executable, "-m", "acdsim", "run", "/dev/stdin", "-q", "-o", "out"],
        input=text, text=True, capture_output=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "scenario.yaml").read_text(encoding="utf-8") == text
    assert (tmp_path / "out" / "calls.csv").read_text().count("\n") == 3


# ---------------------------------------------------------------------------- 3. compact traces


def test_trace_rows_are_records_with_the_cells_of_the_file(tmp_path: Path) -> None:
    path = trace_scenario(tmp_path, "time,number,talk_time,patience\n1.5,555,30,\n2,,,7.25\n2,,,\n")
    rows = load_scenario(path).queues[0].callers.arrivals.rows
    assert isinstance(rows, TraceTable) and len(rows) == 3
    assert list(rows) == [
        TraceRecord(1.5, "555", 30.0, None), TraceRecord(2.0, None, None, 7.25), TraceRecord(2.0, None, None, None)
    ]
    assert rows[1] == TraceRecord(2.0, None, None, 7.25) and rows[-1].time == 2.0
    assert all(type(r.time) is float for r in rows)


def test_a_trace_table_is_immutable_and_pickles(tmp_path: Path) -> None:
    rows = load_scenario(trace_scenario(tmp_path, "time,number\n1,a\n2,bc\n")).queues[0].callers.arrivals.rows
    with pytest.raises(AttributeError):
        rows._times = None  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(rows))
    assert list(again) == list(rows) and again == rows


def test_a_trace_table_from_python_rows_equals_the_file_one(tmp_path: Path) -> None:
    from acdsim.model import TraceRow

    table = TraceTable.from_rows([1.0, {"time": 2.0, "patience": 3.0}, TraceRow(time=4.0, number="9")])
    assert list(table) == [TraceRecord(1.0), TraceRecord(2.0, None, None, 3.0), TraceRecord(4.0, "9")]


def test_a_big_trace_is_held_in_bounded_memory(tmp_path: Path) -> None:
    n = 100_000
    lines = ["time,number,talk_time,patience"] + [f"{i * 0.5},49{i:09d},{i % 300},{i % 97}" for i in range(n)]
    path = trace_scenario(tmp_path, "\n".join(lines) + "\n")
    tracemalloc.start()
    try:
        scenario = load_scenario(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(scenario.queues[0].callers.arrivals.rows) == n
    # Columns: 3 x 8 bytes + an 11-character number + its 8-byte end: ~43 bytes a row held.
    # A pydantic object per row took ~1 KB; 25 MB leaves room for the chunked reading.
    assert peak < 25_000_000, peak


def test_a_big_trace_shows_a_progress_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[float, float]] = []

    class Bar:
        def __init__(self, label: str) -> None:
            self.label = label

        def update(self, done: float, total: float) -> None:
            seen.append((done, total))

        def close(self) -> None:
            seen.append((-1, -1))

    monkeypatch.setattr("acdsim.progress.ProgressBar", Bar)
    monkeypatch.setattr("acdsim.model.datafiles._PROGRESS_BYTES", 0)
    monkeypatch.setattr("acdsim.model.datafiles.CHUNK_BYTES", 64)
    path = trace_scenario(tmp_path, "time\n" + "".join(f"{i}\n" for i in range(100)))
    load_scenario(path)
    size = (tmp_path / "calls.csv").stat().st_size
    assert len(seen) > 3 and seen[-2] == (size, size) and seen[-1] == (-1, -1)


def test_trace_outputs_are_those_of_the_rows(tmp_path: Path) -> None:
    path = trace_scenario(tmp_path, "time,number,talk_time\n0,111,10\n5,,20\n")
    calls = acdsim.simulate(path).calls
    assert list(calls["number"])[0] == "111" and list(calls["talk_time"]) == [10.0, 20.0]


# --------------------------------------------------------------------------- 4. datetime traces


@pytest.mark.parametrize("sep", [" ", "T"])
def test_datetime_times_are_taken_relative_to_start(sep: str, tmp_path: Path) -> None:
    path = trace_scenario(tmp_path, f"time\n2026-01-01{sep}08:00:05\n2026-01-01{sep}08:01:00.5\n")
    rows = load_scenario(path).queues[0].callers.arrivals.rows
    assert [r.time for r in rows] == [5.0, 60.5]


def test_a_datetime_before_start_is_an_error_naming_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = trace_scenario(tmp_path, "time\n2026-01-01 08:00:05\n2026-01-01 07:59:59\n")
    status, err = validate(capsys, str(path))
    assert status == 2
    assert "calls.csv:3: time: '2026-01-01 07:59:59' is before the scenario's start (2026-01-01 08:00:00)" in err


def test_seconds_after_a_datetime_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = validate(capsys, str(trace_scenario(tmp_path, "time\n2026-01-01 08:00:05\n12\n")))
    assert status == 2 and "calls.csv:3: time: '12' is not a datetime like the first row's" in err


def test_a_time_that_is_neither_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = validate(capsys, str(trace_scenario(tmp_path, "time\nsoon\n")))
    assert status == 2 and "calls.csv:2: time: 'soon' is neither seconds nor a datetime" in err


def test_a_time_zone_on_one_side_only_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = validate(capsys, str(trace_scenario(tmp_path, "time\n2026-01-01 08:00:05+02:00\n")))
    assert status == 2 and "must both have a time zone, or neither" in err


# ---------------------------------------------------------------------------- 5. broken CSVs


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'time,number\n1,"abc\n2,x\n', "not a readable CSV file (the file ends inside a quoted cell"),
        (b"time\n1\n2\x00\n", "calls.csv:3: this is not a text file (it holds binary data)"),
        (b"time\n1\n\xff\xfe\x80garbage\n", "calls.csv:3: the file is not UTF-8 text"),
        (b"time,number\n1,2\n2,3,4\n", "calls.csv:3: 3 cells, but the header has 2 columns"),
        (b"time,talk_time\n1,abc\n", "calls.csv:2: talk_time: 'abc' is not a number"),
        (b"time,patience\n1,-3\n", "calls.csv:2: patience: must be finite and >= 0, got '-3'"),
        (b"time\n1\nnan\n", "calls.csv:3: time: must be finite and >= 0, got 'nan'"),
        (b"time\n5\n3\n", "calls.csv:3: times must be sorted (3 after 5)"),
        (b"time\n1\n\n2\n", None),
        (b"time,\n1,\n", "the header has an empty column name (column 2)"),
        (b"time,colour\n1,\n", "unknown column(s) colour (allowed: time, number, talk_time, patience)"),
        (b"time,time\n1,1\n", "column(s) time appear more than once"),
        (b'time,number\n1,"a"b\n', "not a readable CSV file"),
    ],
    ids=["unterminated-quote", "nul", "not-utf8", "too-many-cells", "bad-number", "negative", "nan",
         "unsorted", "blank-line-inside", "empty-header-cell", "unknown-column", "duplicate-column", "text-after-quote"],
)
def test_a_broken_trace_gives_one_error_line(
    content: bytes, expected: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = validate(capsys, str(trace_scenario(tmp_path, content)))
    if expected is None:
        assert status == 0, err
        return
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbftime,number\n1,a\n2,b\n",  # BOM
        b"time,number\r\n1,a\r\n2,b\r\n",  # CRLF
        b"time,number\n1,a\n2,b\n\n\n\n",  # trailing blank lines
        b"time,number\n1,a\n2,b",  # no newline at the end
        b"time, number \n 1 , a \n2,b\n",  # spaces around cells
        b'time,number\n1,"a"\n"2",b\n',  # quoted cells
    ],
    ids=["bom", "crlf", "trailing-blank-lines", "no-final-newline", "spaces", "quoted"],
)
def test_harmless_csv_variants_read_the_same(content: bytes, tmp_path: Path) -> None:
    rows = load_scenario(trace_scenario(tmp_path, content)).queues[0].callers.arrivals.rows
    assert list(rows) == [TraceRecord(1.0, "a"), TraceRecord(2.0, "b")]


def test_fewer_cells_than_columns_are_empty_cells(tmp_path: Path) -> None:
    rows = load_scenario(trace_scenario(tmp_path, "time,number,talk_time\n1\n2,x\n")).queues[0].callers.arrivals.rows
    assert list(rows) == [TraceRecord(1.0), TraceRecord(2.0, "x")]


def test_a_broken_empirical_file_gives_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "talk.csv").write_bytes(b'seconds\n1\n"2\n')
    path = write_scenario(tmp_path, talk="{dist: empirical, file: talk.csv, column: seconds}")
    status, err = validate(capsys, str(path))
    assert status == 2 and len(err.splitlines()) == 1 and "a '\"' is not closed" in err


_cells = st.tuples(
    st.floats(0, 1e6, allow_nan=False),
    st.one_of(st.none(), st.text("0123456789+", min_size=1, max_size=15)),
    st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False)),
    st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False)),
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(_cells, max_size=30))
def test_a_written_trace_reads_back_as_the_same_records(
    rows: list[tuple[float, str | None, float | None, float | None]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    rows = sorted(rows, key=lambda r: r[0])
    lines = ["time,number,talk_time,patience"]
    for t, number, talk, patience in rows:
        cells = (t, number, talk, patience)
        lines.append(",".join("" if v is None else repr(v) if isinstance(v, float) else v for v in cells))
    folder = tmp_path_factory.mktemp("trace")
    table = load_scenario(trace_scenario(folder, "\n".join(lines) + "\n")).queues[0].callers.arrivals.rows
    expected = [TraceRecord(*r) for r in rows]
    assert list(table) == expected
    assert list(TraceTable.from_rows(expected)) == expected
    assert [table[i] for i in range(len(table))] == expected
