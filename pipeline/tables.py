"""Where each table lives: one place for the paths of interim and processed tables."""

from __future__ import annotations

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


def resolved_datasets(paths: Paths) -> dict[str, Dataset]:
    """interim/resolved/<table>.parquet: each document's entities, before linking."""
    return {
        name: Dataset(paths.interim / "resolved" / f"{name}.parquet", schema)
        for name, schema in RESOLVED_TABLES.items()
    }
