"""The CSV encoder of blocks (output/encode.py): its bytes are the per-record writer's for
every column it writes, it says None for the columns it does not, and its table of words
carries over from block to block."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from acdsim.output.columns import csv_text
from acdsim.output.encode import MAX_WORDS, Cells, Encoder
from acdsim.output.files import clock_matrix, joined_cells, joined_seconds, joined_text
from test_columns import cells, columns_of, reference_csv

plain_words = st.sampled_from(["local/1", "local/22", "answered", "no_agent_timeout", "", "é/ü", "a b"])


def encoded(enc: Encoder, rows: list[tuple[Any, ...]]) -> bytes | None:
    return enc.csv_bytes(columns_of(rows))


@settings(max_examples=400, deadline=None)
@given(st.integers(2, 5).flatmap(lambda w: st.lists(st.tuples(*[cells | plain_words] * w), min_size=1, max_size=12)))
def test_encoder_bytes_are_the_per_record_writers_or_none(rows: list[tuple[Any, ...]]) -> None:
    data = encoded(Encoder(), rows)
    if data is not None:
        assert data.decode("utf-8") == reference_csv(rows)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(
        st.floats(min_value=0, max_value=9e8) | st.integers(0, 2 * 10**9).map(lambda k: k / 2000),
        st.none() | st.floats(min_value=0, max_value=1e5),
        st.integers(0, 999_999_999),
        st.none() | st.integers(0, 5),
        plain_words,
        st.text(st.characters(codec="utf-8", exclude_characters=',"\r\n\0'), max_size=8),
        st.none(),
    ), min_size=1, max_size=30),
)
def test_encoder_writes_every_plain_column(rows: list[tuple[Any, ...]]) -> None:
    """Floats (None allowed) up to 1e9 s, whole numbers up to 1e9 (None allowed), texts
    without a character that needs quotes, all-None: the encoder writes them all."""
    data = encoded(Encoder(), rows)
    assert data is not None
    assert data.decode("utf-8") == reference_csv(rows)


def test_encoder_leaves_what_needs_the_per_cell_rule() -> None:
    for column in ([1.0, float("nan")], [1.0, -2.0], [1.0, 1e9], [1, -1], [1, True], [1.0, 2],
                   ["a", 'b"c'], ["a", "b,c"], ["a", "b\nc"], ["a", "b\0"], ["a", None], ["a", 1]):
        assert Encoder().csv_bytes([column, [0] * len(column)]) is None, column
    assert Encoder().csv_bytes([["a", "b"], [0, 1]]) == csv_text([["a", "b"], [0, 1]]).encode()


def test_words_carry_over_from_block_to_block_and_give_way_to_cutting() -> None:
    enc = Encoder()
    first = [["x", "y", "x"], [1, 2, 3]]
    second = [["y", "z", "x"], [4, 5, 6]]
    assert enc.csv_bytes(first) == b"x,1\ny,2\nx,3\n"
    assert enc.csv_bytes(second) == b"y,4\nz,5\nx,6\n"
    assert enc.words[0].code == {"x": 0, "y": 1, "z": 2}
    many = [[f"id-{i}" for i in range(MAX_WORDS + 5)], list(range(MAX_WORDS + 5))]
    assert enc.csv_bytes(many) == csv_text(many).encode()
    assert enc.words[0].code is None  # (too many distinct texts: cut from their join from now on)
    assert enc.csv_bytes(second) == b"y,4\nz,5\nx,6\n"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=3e8), min_size=1, max_size=30))
def test_joined_datetime_cells_are_the_texts(seconds: list[float]) -> None:
    start = dt.datetime(2026, 1, 1)
    got = joined_cells(start, seconds)
    assert isinstance(got, Cells)
    assert got.texts() == joined_text(start, seconds)
    stamps = joined_seconds(start, seconds)
    assert np.array_equal(clock_matrix(stamps)[:, :19], got.matrix)
    rows = list(zip(got.texts(), seconds, strict=True))
    assert Encoder().csv_bytes([got, seconds]).decode() == reference_csv(rows)
