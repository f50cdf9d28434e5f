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
import signal
import sys
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

    def release(self, free: Callable[[], None]) -> None:
        """Nothing to do: the runner calls `free` in this process."""

    def close(self, cancel: bool = False) -> None:
        pass


# How worker processes start: fork on Linux (the loaded code is shared, models load lazily in
# each worker); spawn elsewhere, as Python does by default on macOS (where fork is unsafe with
# the system's libraries) and on Windows (which has no fork). The stage functions and their
# chunks are plain picklable values, so both give the same tables (tests/test_portability.py).
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


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
            # Started on the first chunk, so that a run with nothing to do starts no process.
            context = multiprocessing.get_context(START_METHOD)
            self._pool = context.Pool(self.workers, initializer=_ignore_interrupt)
        yield from self._pool.imap(fn, itertools.chain([first], chunks))

    def release(self, free: Callable[[], None]) -> None:
        """Free what a stage left in the workers (its models): the workers are joined,
        and the next map forks new ones from this process, where `free` has run."""
        self.close()

    def close(self, cancel: bool = False) -> None:
        """Join the workers (and free their models); the next map starts a new pool.

        `cancel` (the run failed or was interrupted) stops them at once instead
        of letting them finish the tasks already handed out.
        """
        if self._pool is not None:
            if cancel:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None


# The cluster the pipeline starts runs the pipeline's code on the user's files: it listens on
# loopback only, and the HTTP server that distributed starts in the scheduler and in each
# worker whether or not a dashboard is wanted gets no routes and a random loopback port.
LOOPBACK = "127.0.0.1"
SCHEDULER_SCHEMES = ("tcp://", "tls://")


class ClusterSetupError(ValueError):
    """A Dask scheduler address or its security settings cannot work: the message says why."""


def scheduler_address(address: str) -> str:
    """`address` if it names a scheduler the pipeline can reach (tcp:// or tls://).

    HOST:PORT alone is TCP, as for distributed itself.
    """
    if "://" not in address:
        return "tcp://" + address
    if not address.startswith(SCHEDULER_SCHEMES):
        raise ClusterSetupError(
            f"scheduler address {address!r}: give tcp://HOST:PORT or tls://HOST:PORT"
        )
    return address


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which stops them.

    A terminal sends SIGINT to the whole process group: a worker interrupted
    in a task would die with it, and the pool would wait for its result forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class DaskExecutor:
    """Chunks submitted to a Dask cluster: a LocalCluster, or an existing scheduler.

    The chunks travel to the workers with the rows they need (text and
    segments), so workers need no access to the Parquet files; results come
    back in submission order.

    The LocalCluster listens on 127.0.0.1 (scheduler, workers, nannies) and
    shows no dashboard unless `dashboard` gives an address for it. A scheduler
    given by address may be `tcp://` or `tls://`; for `tls://` the client's
    certificates come from Dask's configuration (`distributed.comm.tls.*`), see
    docs/security.md.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        dashboard: str | None = None,
    ) -> None:
        self.scheduler = scheduler and scheduler_address(scheduler)
        self.workers = workers or default_workers()
        self.dashboard = dashboard
        self._client = None
        self._cluster = None

    def _connect(self):
        """Start (or reach) the cluster on first use: a run with nothing to do starts none."""
        if self._client is None:
            if self.scheduler:
                self._client = _client_of(self.scheduler)
            else:
                self._cluster = _local_cluster(self.workers, self.dashboard)
                from dask.distributed import Client

                self._client = Client(self._cluster)
        return self._client

    def map(self, fn: Callable[[Any], Any], chunks: Iterable[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed

        chunks = iter(chunks)
        first = next(chunks, None)
        if first is None:
            return
        client = self._connect()
        # A bounded number of chunks in flight, so that a large corpus never sits
        # in memory (here or on the scheduler) all at once; results keep chunk order.
        pending = enumerate(itertools.chain([first], chunks))
        window = 4 * max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
        index: dict[str, int] = {}
        running = as_completed()

        def submit_next() -> None:
            item = next(pending, None)
            if item is not None:
                future = client.submit(fn, item[1], pure=False)
                index[future.key] = item[0]
                running.add(future)

        for _ in range(window):
            submit_next()
        results: dict[int, Any] = {}
        next_index = 0
        for future in running:
            results[index.pop(future.key)] = future.result()
            future.release()
            submit_next()
            while next_index in results:
                yield results.pop(next_index)
                next_index += 1

    def release(self, free: Callable[[], None]) -> None:
        """Run `free` once in every worker of the cluster (its models' memory goes back)."""
        if self._client is not None:
            self._client.run(free)

    def close(self, cancel: bool = False) -> None:
        """Disconnect, and stop the LocalCluster this executor started (if any)."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _local_cluster(workers: int, dashboard: str | None):
    """A LocalCluster of `workers` processes on loopback; a dashboard only at `dashboard`."""
    import dask
    from dask.distributed import LocalCluster

    quiet = {} if dashboard else {"distributed.scheduler.http.routes": []}
    with dask.config.set({**quiet, "distributed.worker.http.routes": []}):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host=LOOPBACK,
            dashboard_address=dashboard or f"{LOOPBACK}:0",
            worker_dashboard_address=None,
            scheduler_kwargs={"dashboard": bool(dashboard)},
        )


def _client_of(address: str):
    """A client of a running scheduler; TLS settings come from Dask's configuration."""
    from dask.distributed import Client
    from distributed.security import Security

    security = Security()  # distributed.comm.tls.* from Dask's configuration and environment
    if address.startswith("tls://") and not security.tls_client_cert and not security.tls_ca_file:
        raise ClusterSetupError(
            f"scheduler {address} uses TLS but no certificate is configured: set "
            "distributed.comm.tls.ca-file and distributed.comm.tls.client.cert/key in Dask's "
            "configuration (or DASK_DISTRIBUTED__COMM__TLS__CA_FILE, ...); see docs/security.md"
        )
    return Client(address, security=security)


def make_executor(
    kind: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    dashboard: str | None = None,
):
    if kind == "dask":
        return DaskExecutor(scheduler, workers, dashboard)
    if kind not in ("local", "pool"):
        raise ValueError(f"unknown executor {kind!r}: choose local or dask")
    workers = workers or default_workers()
    if workers <= 1:
        return LocalExecutor()
    return PoolExecutor(workers)
