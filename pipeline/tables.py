"""Where each table lives: one place for the paths of interim and processed tables."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .config import Paths
from .schemas import DOCUMENTS_RAW, MENTIONS_RAW, RESOLVED_TABLES, SEGMENTS
from .storage import Dataset


def documents_dataset(paths: Paths) -> Dataset:
    """interim/documents.parquet: one row per file in raw/, keyed by its path."""
    return Dataset(paths.interim / "documents.parquet", DOCUMENTS_RAW, key="source")


def segments_dataset(paths: Paths) -> Dataset:
    return Dataset(paths.interim / "segments.parquet", SEGMENTS)


def mentions_dataset(paths: Paths) -> Dataset:
    return Dataset(paths.interim / "mentions.parquet", MENTIONS_RAW)


class ByDoc:
    """A table sorted by doc_id, sliced per document without copying it to Python."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table.take(pc.sort_indices(table, [("doc_id", "ascending")]))
        ids = self.table.column("doc_id").to_pylist() if self.table.num_rows else []
        self.spans: dict[str, tuple[int, int]] = {}
        for i, doc_id in enumerate(ids):
            first, _ = self.spans.get(doc_id, (i, 0))
            self.spans[doc_id] = (first, i - first + 1)

    def rows(self, doc_id: str) -> list[dict]:
        span = self.spans.get(doc_id)
        return self.table.slice(*span).to_pylist() if span else []


def resolved_datasets(paths: Paths) -> dict[str, Dataset]:
    """interim/resolved/<table>.parquet: each document's entities, before linking."""
    return {
        name: Dataset(paths.interim / "resolved" / f"{name}.parquet", schema)
        for name, schema in RESOLVED_TABLES.items()
    }
