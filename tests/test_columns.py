"""The columnar record path (issue #15): bulk CSV text is the per-record writer's, byte for
byte; chunks never split or repeat a record; simulate()'s frames are the files of a run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acdsim
from acdsim.cli import main
from acdsim.output import columns as columns_module
from acdsim.output.columns import ChunkedTable, csv_text
from acdsim.output.files import fmt, joined_text

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"


def reference_csv(rows: list[tuple[Any, ...]]) -> str:
    """What the per-record writer of acdsim <= 0.x wrote: csv.writer over fmt of each cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for r in rows:
        writer.writerow([fmt(v) for v in r])
    return out.getvalue()


def columns_of(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(c) for c in zip(*rows, strict=True)]


cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1e6),
    st.none(),
    st.integers(-10**6, 10**6),
    st.booleans(),
    st.text(max_size=6),
    st.sampled_from(["", "a,b", 'q"uote', "line\nbreak", "cr\r", " space "]),
)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda w: st.lists(st.tuples(*[cells] * w), min_size=1, max_size=12)))
def test_bulk_csv_text_is_the_per_record_writers(rows: list[tuple[Any, ...]]) -> None:
    assert csv_text(columns_of(rows)) == reference_csv(rows)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda w: st.lists(st.tuples(*[cells] * w), min_size=1, max_size=12)))
def test_numpy_float_text_is_the_per_record_writers(rows: list[tuple[Any, ...]]) -> None:
    # (the numpy path of float columns, taken from BULK_ROWS cells on: here from 1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columns_module, "BULK_ROWS", 1)
        assert csv_text(columns_of(rows)) == reference_csv(rows)


@settings(max_examples=300, deadline=None)
@given(st.lists(
    st.floats(min_value=0, max_value=2e9) | st.integers(0, 2 * 10**12).map(lambda k: k / 2000)
    | st.integers(0, 10**6).map(lambda k: k / 16) | st.none(),
    min_size=1, max_size=40,
))
def test_numpy_floats_round_halves_like_the_format(values: list[Any]) -> None:
    # Values at (or a product's rounding away from) a half of a millisecond: k / 2000, k / 16.
    rows = [(v, 1) for v in values]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columns_module, "BULK_ROWS", 1)
        assert csv_text(columns_of(rows)) == reference_csv(rows)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=20),
    st.lists(st.none() | st.floats(min_value=0, max_value=1e4), min_size=20, max_size=20),
)
def test_one_typed_column_at_a_time_is_the_per_record_writers(floats: list[float], nullable: list[Any]) -> None:
    """The fast paths: all floats, floats with None, ints, ints with None, plain strings."""
    n = len(floats)
    rows = list(zip(floats, nullable[:n], range(n), [None if i % 3 else i for i in range(n)],
                    [f"agent/{i}" for i in range(n)], strict=True))
    assert csv_text(columns_of(rows)) == reference_csv(rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=3e8) | st.sampled_from([0.0, 59.9999996, 0.9999995, 86399.9999999]),
                min_size=1, max_size=30),
       st.sampled_from([dt.datetime(2026, 1, 1), dt.datetime(2026, 3, 29, 0, 30, 15),
                        dt.datetime(2026, 1, 1, 0, 0, 0, 250000), dt.datetime(2026, 6, 1, tzinfo=dt.UTC)]))
def test_joined_datetime_in_bulk_is_timedelta_and_strftime(seconds: list[float], start: dt.datetime) -> None:
    expected = [(start + dt.timedelta(seconds=x)).strftime("%Y-%m-%d %H:%M:%S") for x in seconds]
    assert joined_text(start, seconds) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(1, 7))
def test_chunk_boundaries_never_split_or_repeat_a_record(batches: list[int], chunk_rows: int) -> None:
    """Rows appended or added by row() between flushes at any points, with any chunk size,
    come out once each, in order, with the prefix of the time they were kept."""
    taken: list[tuple[Any, ...]] = []

    def take(cols: list[Any], n: int) -> None:
        assert all(len(c) == n for c in cols)
        taken.extend(zip(*cols, strict=True))

    table = ChunkedTable(take)
    expected: list[tuple[Any, ...]] = []
    old = columns_module.CHUNK_ROWS
    columns_module.CHUNK_ROWS = chunk_rows
    try:
        seq = 0
        for k, size in enumerate(batches):
            table.flush()
            table.prefix = (k,)
            for _ in range(size):
                row = (seq, float(seq) / 3)
                (table.row if seq % 2 else table.append)(row)
                expected.append((k, *row))
                seq += 1
        table.flush()
    finally:
        columns_module.CHUNK_ROWS = old
    assert taken == expected


def test_the_csv_files_do_not_depend_on_where_chunks_end(tmp_path: Path, monkeypatch: Any) -> None:
    """Every file of a run is the same whether the tables write every row or every 8,192."""
    assert main(["run", "-q", "-o", str(tmp_path / "a"), "--replications", "2", str(QUICKSTART)]) == 0
    monkeypatch.setattr(columns_module, "CHUNK_ROWS", 1)
    from acdsim.engine import callers, records

    monkeypatch.setattr(records, "FLUSH_EVERY", 2)
    monkeypatch.setattr(callers, "_FLUSH_MASK", 1)
    assert main(["run", "-q", "-o", str(tmp_path / "b"), "--replications", "2", str(QUICKSTART)]) == 0
    for path in sorted((tmp_path / "a").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


@pytest.mark.parametrize(("block_rows", "bulk_rows"), [(1, 1), (3, 2), (10**9, 1)])
def test_the_csv_files_do_not_depend_on_where_blocks_end(tmp_path: Path, monkeypatch: Any,
                                                         block_rows: int, bulk_rows: int) -> None:
    """The same bytes whether the CSV writer makes bytes of every chunk (by numpy from one row
    on), of a few rows, or of the whole table at once."""
    from acdsim.output import files

    assert main(["run", "-q", "-o", str(tmp_path / "a"), "--replications", "2", str(QUICKSTART)]) == 0
    monkeypatch.setattr(files, "BLOCK_ROWS", block_rows)
    monkeypatch.setattr(files, "BULK_ROWS", bulk_rows)
    monkeypatch.setattr(columns_module, "CHUNK_ROWS", 5)
    assert main(["run", "-q", "-o", str(tmp_path / "b"), "--replications", "2", str(QUICKSTART)]) == 0
    for path in sorted((tmp_path / "a").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_simulate_frames_equal_the_files_of_a_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", "-q", "-o", str(out), "--replications", "2", "--seed", "3", str(QUICKSTART)]) == 0
    result = acdsim.simulate(QUICKSTART, seed=3, replications=2)
    for name in ("calls", "offers", "agents", "status", "intervals", "agent_states", "agent_pauses"):
        frame: pd.DataFrame = getattr(result, name)
        with (out / f"{name}.csv").open(encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[0] == list(frame.columns), name
        assert len(rows) - 1 == len(frame), name
        for cells_, values in zip(rows[1:], frame.itertuples(index=False), strict=True):
            assert all(map(_same, cells_, values)), (name, cells_, values)


def _same(cell: str, v: Any) -> bool:
    """A frame value is its CSV cell (an empty cell is NaN, or NA in a nullable int column)."""
    if isinstance(v, pd.Timestamp):
        return cell == v.strftime("%Y-%m-%d %H:%M:%S")
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return cell == ""
    if isinstance(v, float):
        return cell == f"{v:.3f}" or ("." not in cell and float(cell) == v)
    return cell == str(v)


def _reference_text(columns: list[Any]) -> str:
    return reference_csv(list(zip(*columns, strict=True)))


def _reference_joined(start: dt.datetime, seconds: Any) -> list[str]:
    return [(start + dt.timedelta(seconds=x)).strftime("%Y-%m-%d %H:%M:%S") for x in seconds]


def test_every_scenario_writes_the_per_record_writers_bytes(tmp_path: Path, monkeypatch: Any) -> None:
    """For every scenario in scenarios/: the files of a run with the bulk CSV formatting are
    those of the per-record writer (csv.writer over fmt, timedelta + strftime per call)."""
    from acdsim.output import files

    names = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    for name in names:
        args = ["run", "-q", "--replications", "2", "--horizon", "2h", str(ROOT / "scenarios" / name)]
        assert main([*args[:1], "-o", str(tmp_path / "bulk" / name), *args[1:]]) == 0
    monkeypatch.setattr(files, "csv_text", _reference_text)
    monkeypatch.setattr(files, "joined_text", _reference_joined)
    for name in names:
        args = ["run", "-q", "--replications", "2", "--horizon", "2h", str(ROOT / "scenarios" / name)]
        assert main([*args[:1], "-o", str(tmp_path / "ref" / name), *args[1:]]) == 0
        for path in sorted((tmp_path / "ref" / name).glob("*.csv")):
            assert path.read_bytes() == (tmp_path / "bulk" / name / path.name).read_bytes(), (name, path.name)


TABLES = ("calls", "offers", "agents", "status", "intervals", "agent_states", "agent_pauses")


def test_parquet_and_csv_hold_the_same_values(tmp_path: Path) -> None:
    """Per table: the Parquet file, read with pandas and written back with the CSV rule (three
    decimals, empty cells for nulls), is the CSV file of the same run."""
    import pyarrow.parquet as pq

    args = ["run", "-q", "--replications", "2", "--seed", "5", str(ROOT / "scenarios" / "two_queues.yaml")]
    assert main([args[0], "-o", str(tmp_path / "csv"), *args[1:]]) == 0
    assert main([args[0], "-o", str(tmp_path / "pq"), "--format", "parquet", *args[1:]]) == 0
    for name in TABLES:
        assert not (tmp_path / "pq" / f"{name}.csv").exists()
        frame = pq.read_table(tmp_path / "pq" / f"{name}.parquet").to_pandas()
        cols: list[list[Any]] = []
        for column in frame.columns:
            values = frame[column].astype(object).where(frame[column].notna(), None).tolist()
            if column == "joined_datetime":
                values = [v.strftime("%Y-%m-%d %H:%M:%S") for v in values]
            elif column in ("agent_level",):
                values = [None if v is None else int(v) for v in values]
            cols.append(values)
        text = ",".join(frame.columns) + "\n" + csv_text(cols)
        assert text == (tmp_path / "csv" / f"{name}.csv").read_text(encoding="utf-8"), name


def test_parquet_columns_are_typed_with_a_row_group_per_chunk(tmp_path: Path, monkeypatch: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from acdsim.engine import callers

    monkeypatch.setattr(callers, "_FLUSH_MASK", 15)  # a chunk every 16 callers
    assert main(["run", "-q", "-o", str(tmp_path / "pq"), "--format", "parquet", str(QUICKSTART)]) == 0
    calls = pq.ParquetFile(tmp_path / "pq" / "calls.parquet")
    schema = calls.schema_arrow
    assert schema.field("joined_at").type == pa.float64()
    assert schema.field("joined_datetime").type == pa.timestamp("ms")
    assert schema.field("agent_level").type == pa.int64()
    assert pa.types.is_dictionary(schema.field("outcome").type)
    assert calls.num_row_groups > 1
    assert sum(calls.metadata.row_group(i).num_rows for i in range(calls.num_row_groups)) == calls.metadata.num_rows


def test_parquet_with_jobs_is_the_same_bytes(tmp_path: Path) -> None:
    args = ["run", "-q", "--format", "parquet", "--replications", "3", str(ROOT / "scenarios" / "two_queues.yaml")]
    assert main([args[0], "-o", str(tmp_path / "one"), "--jobs", "1", *args[1:]]) == 0
    assert main([args[0], "-o", str(tmp_path / "two"), "--jobs", "2", *args[1:]]) == 0
    for name in TABLES:
        one = (tmp_path / "one" / f"{name}.parquet").read_bytes()
        assert one == (tmp_path / "two" / f"{name}.parquet").read_bytes(), name


def test_report_reads_a_parquet_folder(tmp_path: Path) -> None:
    assert main(["run", "-q", "-o", str(tmp_path / "pq"), "--format", "parquet", str(QUICKSTART)]) == 0
    assert main(["report", str(tmp_path / "pq")]) == 0
    assert (tmp_path / "pq" / "report.html").is_file()


def test_simulate_frames_have_typed_columns() -> None:
    result = acdsim.simulate(QUICKSTART, seed=3, replications=2, horizon=3600)
    calls = result.calls
    assert str(calls.joined_at.dtype) == "float64" and str(calls.talk_time.dtype) == "float64"
    assert calls.talk_time.isna().any()  # (empty cells are NaN)
    assert str(calls.queue.dtype) == "int64" and str(calls.offers.dtype) == "int64"
    assert str(calls.replication.dtype) == "int64"
    assert str(calls.agent_level.dtype) == "Int64" and calls.agent_level.isna().any()
    for column in ("outcome", "agent", "transferred_to"):
        assert isinstance(calls[column].dtype, pd.CategoricalDtype), column
    assert pd.api.types.is_datetime64_any_dtype(calls.joined_datetime)
    assert isinstance(result.offers.result.dtype, pd.CategoricalDtype)
    assert str(result.offers.level.dtype) == "int64"
    for column in ("agent", "status", "state"):
        assert isinstance(result.agent_states[column].dtype, pd.CategoricalDtype), column
    assert str(result.status.waiting_members.dtype) == "int64"
    assert str(result.intervals.offered.dtype) == "int64" and str(result.intervals.asa.dtype) == "float64"
    assert isinstance(result.agents.agent.dtype, pd.CategoricalDtype)
    assert (calls.outcome == "answered").any()  # (a category compares with its word)


def test_empty_frames_have_the_same_types() -> None:
    result = acdsim.simulate(QUICKSTART, seed=3, horizon=600, only=["summary"])
    assert len(result.calls) == 0 and len(result.agent_pauses) == 0
    assert str(result.calls.joined_at.dtype) == "float64"
    assert str(result.calls.agent_level.dtype) == "Int64"
    assert isinstance(result.calls.outcome.dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(result.calls.joined_datetime)
    assert str(result.agent_pauses.start.dtype) == "float64"
    assert isinstance(result.agent_pauses.kind.dtype, pd.CategoricalDtype)


def test_a_chunk_is_transposed_once_and_never_mistaken_for_another() -> None:
    from acdsim.output.columns import transposed

    rows = [(i, f"r{i}", float(i)) for i in range(5)]
    first = transposed(rows)
    assert first == [(0, 1, 2, 3, 4), ("r0", "r1", "r2", "r3", "r4"), (0.0, 1.0, 2.0, 3.0, 4.0)]
    assert transposed(list(rows)) is first  # (another consumer's list of the same records)
    same_ends = [rows[0], (9, "x", 9.0), rows[2], rows[3], rows[4]]  # (other records between)
    assert transposed(same_ends) == [(0, 9, 2, 3, 4), ("r0", "x", "r2", "r3", "r4"), (0.0, 9.0, 2.0, 3.0, 4.0)]
    changed = list(rows)
    assert transposed(changed) == first
    changed[2] = (7, "y", 7.0)  # (the same list, changed in place: not the chunk it was)
    assert transposed(changed)[1] == ("r0", "r1", "y", "r3", "r4")
    other = [(i, f"s{i}", float(i)) for i in range(5)]
    assert transposed(other)[1] == ("s0", "s1", "s2", "s3", "s4")
    assert transposed([]) == []
