"""Where the stage functions run: chunk sizes, and the same tables in one process or a pool."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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
    _same_tables(tmp_path / "processed", sample_run / "processed")


_SPAWNED = """
import sys
from pipeline import executors
executors.START_METHOD = "spawn"
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_pool_started_with_spawn_gives_the_same_tables(sample_run, tmp_path):
    """macOS and Windows start workers with spawn, from a fresh interpreter: what a worker
    needs must reach it as an argument, not as state the main process set before a fork."""
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    result = subprocess.run(
        [sys.executable, "-c", _SPAWNED, "run", *folders(tmp_path), "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    _same_tables(tmp_path / "processed", sample_run / "processed")


def _same_tables(ours: Path, theirs: Path) -> None:
    for name in ("mentions", "organisations", "places", "dates", "figures", "documents"):
        a = pq.read_table(ours / f"{name}.parquet")
        b = pq.read_table(theirs / f"{name}.parquet")
        assert a.num_rows > 0, name
        keys = [(c, "ascending") for c in a.column_names if c not in ("aliases", "languages")]
        assert a.sort_by(keys).to_pylist() == b.sort_by(keys).to_pylist(), name


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
