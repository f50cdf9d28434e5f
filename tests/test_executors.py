"""Where the stage functions run: chunk sizes, a pool started early, the same tables."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, folders, run_cli

from pipeline.cli import _extract_ahead
from pipeline.config import Paths
from pipeline.executors import PoolExecutor, default_workers
from pipeline.runner import LARGEST_CHUNK, SMALLEST_CHUNK, ChunkSizes, in_chunks

_WARMED: dict[str, int] = {}


def _warm_up() -> None:
    _WARMED["pid"] = os.getpid()


def _slow_warm_up(marker: str) -> None:
    time.sleep(20)
    Path(marker).write_text("warmed")


def _report(chunk: list[int]) -> tuple[list[int], int | None]:
    return chunk, _WARMED.get("pid")


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


def test_a_pool_started_early_runs_its_warm_up_in_every_worker():
    pool = PoolExecutor(2)
    try:
        pool.start(warm_up=_warm_up)
        results = list(pool.map(_report, [[i] for i in range(20)]))
    finally:
        pool.close()
    assert [chunk for chunk, _ in results] == [[i] for i in range(20)]  # in order
    pids = {pid for _, pid in results}
    assert None not in pids and os.getpid() not in pids


def test_a_pool_that_got_no_work_is_stopped_not_waited_for(tmp_path):
    import functools

    marker = tmp_path / "warmed"
    pool = PoolExecutor(1)
    pool.start(warm_up=functools.partial(_slow_warm_up, str(marker)))
    pool.close()  # nothing was mapped: the warm-up is cut short
    assert not marker.exists()
    assert pool._pool is None


def test_the_run_starts_workers_early_only_when_there_is_text_to_extract(sample_run, tmp_path):
    shutil.copytree(sample_run / "raw", tmp_path / "raw")
    shutil.copytree(sample_run / "interim", tmp_path / "interim")
    paths = Paths(tmp_path / "raw", tmp_path / "interim", tmp_path / "processed")
    assert not _extract_ahead(paths)  # everything done: no worker starts
    (tmp_path / "raw" / "new.txt").write_text(
        "L'association Les Amis de Kindu a formé 35 animatrices en 2023.", encoding="utf-8"
    )
    assert _extract_ahead(paths)


def test_one_process_and_a_pool_give_the_same_tables(sample_run, tmp_path):
    """sample_run used the default (one worker per core); this run uses the other path."""
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    workers = "1" if default_workers() > 1 else "2"
    result = run_cli("run", *folders(tmp_path), "--workers", workers)
    assert result.returncode == 0, result.stderr
    for name in ("mentions", "organisations", "places", "dates", "figures", "documents"):
        ours = pq.read_table(tmp_path / "processed" / f"{name}.parquet").drop_columns(
            [c for c in ("source",) if name == "documents"]
        )
        theirs = pq.read_table(sample_run / "processed" / f"{name}.parquet").drop_columns(
            [c for c in ("source",) if name == "documents"]
        )
        assert ours.num_rows > 0, name
        keys = [(c, "ascending") for c in ours.column_names if c not in ("aliases", "languages")]
        assert ours.sort_by(keys).to_pylist() == theirs.sort_by(keys).to_pylist(), name
