"""Where the stage functions run: chunk sizes, and the same tables in one process or a pool."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, folders, run_cli

from pipeline.executors import PoolExecutor, default_workers
from pipeline.runner import LARGEST_CHUNK, SMALLEST_CHUNK, ChunkSizes, in_chunks


@pytest.mark.parametrize("total, workers", [(1000, 1), (1000, 2), (130, 2), (5, 4), (0, 2)])
def test_chunks_cover_the_documents_large_first_small_last(total, workers):
    sizes = [len(c) for c in in_chunks(list(range(total)), ChunkSizes(total, workers))]
    assert sum(sizes) == total
    assert all(s <= LARGEST_CHUNK for s in sizes)
    assert all(s >= SMALLEST_CHUNK for s in sizes[:-1])
    if total >= 1000:
        assert sizes[0] == LARGEST_CHUNK  # full model batches while much work remains
    if workers > 1 and total >= 1000:
        # the last tasks are small, so no worker waits long for another one
        assert sizes[-2] == SMALLEST_CHUNK


def test_one_process_and_a_pool_give_the_same_tables(sample_run, tmp_path):
    """sample_run used the default (one worker per core); this run uses the other path."""
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    workers = "1" if default_workers() > 1 else "2"
    result = run_cli("run", *folders(tmp_path), "--workers", workers)
    assert result.returncode == 0, result.stderr
    for name in ("mentions", "organisations", "places", "dates", "figures", "documents"):
        ours = pq.read_table(tmp_path / "processed" / f"{name}.parquet")
        theirs = pq.read_table(sample_run / "processed" / f"{name}.parquet")
        assert ours.num_rows > 0, name
        keys = [(c, "ascending") for c in ours.column_names if c not in ("aliases", "languages")]
        assert ours.sort_by(keys).to_pylist() == theirs.sort_by(keys).to_pylist(), name


def test_a_pool_releases_what_a_stage_left_in_its_workers():
    """After a stage that frees its models, the next stage runs in new worker processes
    (forked from this one, where the models were freed), not in those holding them."""
    import os

    pool = PoolExecutor(2)
    try:
        before = set(pool.map(_pid, range(6)))
        pool.release(lambda: None)
        after = set(pool.map(_pid, range(6)))
    finally:
        pool.close()
    assert before and after and before.isdisjoint(after)
    assert os.getpid() not in before | after


def _pid(_) -> int:
    import os

    return os.getpid()
