"""Datasets stream in bounded pieces, and compaction keeps parts of bounded size."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import storage
from pipeline.storage import Dataset

SCHEMA = pa.schema([pa.field("doc_id", pa.string()), pa.field("text", pa.string())])


def _rows(start: int, n: int, width: int = 10) -> pa.Table:
    """Rows of distinct random letters: Parquet cannot encode them away."""
    rng = random.Random(start)
    letters = "abcdefghijklmnopqrstuvwxyz "
    return pa.Table.from_pylist(
        [
            {"doc_id": f"d{i:05d}", "text": "".join(rng.choices(letters, k=width))}
            for i in range(start, start + n)
        ],
        schema=SCHEMA,
    )


def test_long_texts_get_smaller_row_groups(tmp_path, monkeypatch):
    # short rows keep the row limit
    assert storage.row_group_rows(_rows(0, 100)) == storage.ROW_GROUP_ROWS
    monkeypatch.setattr(storage, "ROW_GROUP_BYTES", 64 * 1024)
    table = _rows(0, 100, width=5_000)  # about 500 kB
    storage.write_table(table, tmp_path / "t.parquet")
    meta = pq.ParquetFile(tmp_path / "t.parquet").metadata
    assert meta.num_row_groups >= 8
    assert all(meta.row_group(i).num_rows <= 13 for i in range(meta.num_row_groups))


def test_iter_batches_streams_row_groups_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "ROW_GROUP_BYTES", 64 * 1024)
    data = Dataset(tmp_path / "docs", SCHEMA)
    data.replace_rows([_rows(0, 60, width=5_000)], [])
    data.replace_rows([_rows(60, 40, width=5_000)], [])
    batches = list(data.iter_batches(["doc_id"]))
    assert len(batches) > 2
    assert max(b.num_rows for b in batches) <= 13
    assert [r for b in batches for r in b.column("doc_id").to_pylist()] == [
        f"d{i:05d}" for i in range(100)
    ]
    assert batches[0].schema == pa.schema([SCHEMA.field("doc_id")])


def test_compaction_merges_small_parts_up_to_a_size(tmp_path):
    data = Dataset(tmp_path / "docs", SCHEMA)
    for i in range(10):
        data.replace_rows([_rows(10 * i, 10)], [])
    before = data.read().to_pylist()
    assert not data.compact(max_parts=10)  # not more parts than allowed: left alone
    assert data.compact(max_parts=4, target_rows=30)
    assert [pq.ParquetFile(data.path / p).metadata.num_rows for p in data.parts()] == [
        30,
        30,
        30,
        10,
    ]
    assert data.read().to_pylist() == before
    assert len(list(data.path.glob("part-*.parquet"))) == 4  # the merged parts are gone


def test_compaction_keeps_large_parts_and_bounds_bytes(tmp_path):
    data = Dataset(tmp_path / "docs", SCHEMA)
    data.replace_rows([_rows(0, 50, width=20_000)], [])  # about 1 MB: already large
    for i in range(6):
        data.replace_rows([_rows(100 + 10 * i, 10, width=20_000)], [])  # about 200 kB each
    large = data.parts()[0]
    assert data.compact(max_parts=2, target_bytes=500_000)
    parts = data.parts()
    assert parts[0] == large
    sizes = [pq.ParquetFile(data.path / p).metadata.num_rows for p in parts[1:]]
    assert sizes == [20, 20, 20]  # two 200 kB parts fit under 500 kB, three do not
    assert data.num_rows() == 110
