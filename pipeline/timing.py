"""Where a stage's time goes, for the benchmark: named sections, summed per run.

The domain code marks the sections worth measuring (extract: the spaCy model
parsing and loading) with `section(name)`; nothing is measured unless the run
is timed, which the benchmark asks for by setting ``PIPELINE_TIMINGS=1`` in the
environment of the run it measures. The runner collects each task's sections
where the task ran (this process, a pool worker or a Dask worker), sums them
over the stage and writes them to the run log (`interim/runs.jsonl`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

ENABLED = os.environ.get("PIPELINE_TIMINGS") == "1"
_totals: dict[str, float] = {}


@contextlib.contextmanager
def section(name: str) -> Iterator[None]:
    """Add the time spent in the block to `name` (when the run is timed)."""
    if not ENABLED:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        _totals[name] = _totals.get(name, 0.0) + time.perf_counter() - started


def drain() -> dict[str, float]:
    """The sections measured in this process since the last call."""
    out = dict(_totals)
    _totals.clear()
    return out


def timed_call(work: Callable[[Any], Any], payload: Any) -> tuple[Any, dict[str, float]]:
    """Run one task and return its result with the sections it measured (runs in the worker)."""
    drain()
    result = work(payload)
    return result, drain()
