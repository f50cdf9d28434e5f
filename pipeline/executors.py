"""Where a stage's pure function runs: this process, a pool of processes, or Dask.

A stage hands an executor a function and a list of chunks (lists of plain
rows); the executor returns the results in order. The function is the same in
all three cases, so a run on a Dask cluster produces the same tables as a run
on a laptop. Models load once per worker process (each worker caches them).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

log = logging.getLogger(__name__)


def default_workers() -> int:
    """The machine's cores (as this process may use them)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LocalExecutor:
    """Everything in this process, in order."""

    name = "local"
    workers = 1

    def map(self, fn: Callable[[Any], Any], chunks: Iterable[Any]) -> Iterator[Any]:
        for chunk in chunks:
            yield fn(chunk)

    def close(self) -> None:
        pass


class PoolExecutor:
    """A pool of worker processes; results come back in order, as they are ready."""

    name = "pool"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = None

    def map(self, fn: Callable[[Any], Any], chunks: Iterable[Any]) -> Iterator[Any]:
        chunks = iter(chunks)
        first = next(chunks, None)
        if first is None:
            return
        if self._pool is None:
            # Started on the first chunk, so that a run with nothing to do starts no
            # process; fork shares the loaded code, models load lazily in each worker.
            context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            self._pool = context.Pool(self.workers)
        yield from self._pool.imap(fn, itertools.chain([first], chunks))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()


class DaskExecutor:
    """Chunks submitted to a Dask cluster: a LocalCluster, or an existing scheduler.

    The chunks travel to the workers with the rows they need (text and
    segments), so workers need no access to the Parquet files; results come
    back in submission order.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        if scheduler:
            self._cluster = None
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        self.workers = len(self._client.scheduler_info().get("workers", {})) or 1

    def map(self, fn: Callable[[Any], Any], chunks: Iterable[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed

        futures = [self._client.submit(fn, chunk, pure=False) for chunk in chunks]
        # keep order while letting finished chunks arrive early
        results: dict[int, Any] = {}
        index = {f.key: i for i, f in enumerate(futures)}
        next_index = 0
        for future in as_completed(futures):
            results[index[future.key]] = future.result()
            future.release()
            while next_index in results:
                yield results.pop(next_index)
                next_index += 1

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str = "local", workers: int | None = None, scheduler: str | None = None):
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if kind not in ("local", "pool"):
        raise ValueError(f"unknown executor {kind!r}: choose local or dask")
    workers = workers or default_workers()
    if workers <= 1:
        return LocalExecutor()
    return PoolExecutor(workers)
