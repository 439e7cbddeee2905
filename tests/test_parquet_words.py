"""Parquet's dictionary columns (agent, outcome, state, ...) are coded chunk by chunk against
the row group's dictionary: the values read back are the values written, in every row group,
also when a chunk holds a value that is not text."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from acdsim.output.parquet import AtomicParquet


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
