"""Parquet columns: arrays built from their buffers are pa.array's (and import no pandas);
the dictionary columns (agent, outcome, state, ...) are coded chunk by chunk against the row
group's dictionary, and the values read back are the values written, in every row group, also
when a chunk holds a value that is not text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.output.parquet import AtomicParquet, _array

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"


def _write(path: Path, chunks: list[list[tuple]]) -> pa.Table:
    f = AtomicParquet(path, ("agent", "kind", "start", "end"))
    for chunk in chunks:
        for row in chunk:
            f.append(row)
        f.flush()
    f.commit()
    return pq.read_table(path)


def test_dictionary_columns_read_back_as_written_across_row_groups(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("acdsim.output.parquet.ROW_GROUP_CHUNKS", 2)
    chunks = [
        [("local/1", "wrap_up", 0.0, 1.0), ("local/2", "busy_delay", 1.0, 2.0)],
        [("local/2", "wrap_up", 2.0, 3.0)],
        [("local/3", "reject_delay", 3.0, 4.0), ("local/1", "wrap_up", 4.0, 5.0)],
    ]
    table = _write(tmp_path / "p.parquet", chunks)
    rows = [r for c in chunks for r in c]
    assert table.column("agent").to_pylist() == [r[0] for r in rows]
    assert table.column("kind").to_pylist() == [r[1] for r in rows]
    assert pa.types.is_dictionary(table.schema.field("agent").type)
    meta = pq.ParquetFile(tmp_path / "p.parquet").metadata
    assert meta.num_row_groups == 2  # (two chunks, then one)
    # Each row group's dictionary holds its own texts in order of appearance.
    second = pq.ParquetFile(tmp_path / "p.parquet").read_row_group(1).column("agent").chunk(0)
    assert second.dictionary.to_pylist() == ["local/3", "local/1"]


def test_a_chunk_with_a_value_not_text_is_written_as_it_is(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("acdsim.output.parquet.ROW_GROUP_CHUNKS", 3)
    chunks = [[("local/1", "wrap_up", 0.0, 1.0)], [(None, "wrap_up", 1.0, 2.0)], [("local/2", None, 2.0, 3.0)]]
    table = _write(tmp_path / "p.parquet", chunks)
    assert table.column("agent").to_pylist() == ["local/1", None, "local/2"]
    assert table.column("kind").to_pylist() == ["wrap_up", "wrap_up", None]


values_by_kind = {
    "float64": st.lists(st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10, 10),
                        min_size=1, max_size=20),
    "int64": st.lists(st.none() | st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=20),
    "string": st.lists(st.text(max_size=5), min_size=1, max_size=20),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(values_by_kind)).flatmap(lambda k: st.tuples(st.just(k), values_by_kind[k])))
def test_arrays_from_buffers_are_pa_array(case: tuple[str, list]) -> None:
    kind, values = case
    arrow_type = getattr(pa, kind)()
    built = _array(values, arrow_type)
    expected = pa.array(values, arrow_type)
    assert built.type == expected.type
    assert built.null_count == expected.null_count
    assert built.to_pylist() == expected.to_pylist() or _same_with_nan(built.to_pylist(), expected.to_pylist())


def _same_with_nan(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b, strict=True))


def test_writing_parquet_does_not_import_pandas(tmp_path: Path) -> None:
    """pa.array imports pandas the first time (about 0.2 CPU s): the writer builds its arrays
    from buffers, so a run writing Parquet costs no more start-up than one writing CSV."""
    code = (
        "import sys\nfrom acdsim.cli import main\n"
        f"assert main(['run', '-q', '-o', {str(tmp_path / 'out')!r}, '--format', 'parquet', {str(QUICKSTART)!r}]) == 0\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
