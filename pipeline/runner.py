"""Run a per-document stage incrementally: only the documents that need it.

The language and extract stages have the same shape: documents in, rows out,
keyed by `doc_id`. This module holds that shape once. It reads the stage's
per-document state, asks `storage.plan` what is new, changed (made by an older
version of the stage) or removed, streams the documents to redo part by part,
cuts them into small chunks for the executor (this process, a pool, or Dask),
and commits the results in batches: the rows first, then the state. A run
killed half-way keeps the batches it committed, and the next run does the rest.
Memory follows the batch size, not the corpus size.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .config import ModelMissing
from .progress import Progress
from .schemas import STAGE_STATE
from .storage import Dataset, Plan, merge, plan, read_state, state_path, touch, write_table

log = logging.getLogger(__name__)

# Documents per task sent to a worker: large tasks while much work remains (each
# nlp.pipe call then runs full batches; in one 400-document test, 64 documents a
# task read about 4% faster than 16), smaller ones at the end so that the
# workers finish together (see ChunkSizes).
LARGEST_CHUNK = 64
SMALLEST_CHUNK = 16
# Documents per commit: a killed run keeps what it committed. PIPELINE_FLUSH_DOCS
# lowers it (the tests do, to kill a run between two commits).
FLUSH_DOCS = int(os.environ.get("PIPELINE_FLUSH_DOCS", "500"))


@dataclass(slots=True)
class DocResult:
    """What a stage produced for one document."""

    doc_id: str
    rows: list[dict] | dict[str, list[dict]]  # a dict for a stage with several tables
    error: str | None = None
    seconds: float = 0.0
    units: int = 0  # words or segments handled, for throughput figures
    # time inside the spaCy model for this document's segments, and loading it
    # (extract only): what a bare nlp.pipe would spend too, the rest is the pipeline's
    model_seconds: float = 0.0
    model_load_seconds: float = 0.0


@dataclass(slots=True)
class StageReport:
    stage: str
    plan: Plan = field(default_factory=Plan)
    rows: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (doc or source, message)
    seconds: float = 0.0
    units: int = 0
    model_seconds: float = 0.0  # summed over workers: see DocResult
    model_load_seconds: float = 0.0

    def line(self) -> str:
        text = f"{self.stage}: {self.plan.describe()}; {self.rows} rows; {self.seconds:.1f}s"
        if self.errors:
            text += f"; {len(self.errors)} errors"
        return text


def ok_documents(documents: pa.Table) -> pa.Table:
    """The documents that later stages work on: readable and not duplicates."""
    return documents.filter(pc.equal(documents.column("status"), "ok"))


def run_incremental(
    stage: str,
    version: str,
    documents: Dataset,
    ready: Callable[[pa.Table], pa.Table],
    doc_columns: list[str],
    payloads: Callable[[pa.Table, ChunkSizes], Iterator[Any]],
    work: Callable[[Any], list[DocResult]],
    output: Dataset | dict[str, Dataset],
    state_dir: Path,
    executor,
) -> StageReport:
    """Bring `output` in line with the documents upstream.

    `ready(index)` narrows the documents index (doc_id, status) to those this
    stage may process; `payloads(docs, sizes)` turns a table of documents to
    process (with `doc_columns`) into chunks for `work`, cutting them with
    `in_chunks(rows, sizes)`. `work` is a pure top-level function that returns
    one DocResult per document and runs wherever the executor puts it.
    A stage that writes several tables gives `output` as a dict of datasets,
    and each DocResult's rows as a dict of rows per table.
    """
    started = time.perf_counter()
    outputs = output if isinstance(output, dict) else {"": output}
    report = StageReport(stage)
    state = read_state(state_dir, stage)
    index = ready(ok_documents(documents.read(["doc_id", "status"])))
    todo = plan(index.column("doc_id").to_pylist(), state, version)
    report.plan = todo
    if todo.nothing_to_do and all(o.exists() for o in outputs.values()):
        for o in outputs.values():
            o.touch()
        touch(state_path(state_dir, stage))
        report.seconds = time.perf_counter() - started
        return report

    pending_tables: dict[str, list[pa.Table]] = {name: [] for name in outputs}
    pending_state: list[dict] = []
    drop: list[str] = list(todo.removed)

    def commit() -> None:
        nonlocal state, pending_tables, pending_state, drop
        done = [s["doc_id"] for s in pending_state]
        # rows first, then state: a run killed in between redoes these documents
        for name, dataset in outputs.items():
            dataset.replace_rows(pending_tables[name], drop + done)
        state = merge(state, pa.Table.from_pylist(pending_state, schema=STAGE_STATE), drop + done)
        write_table(state, state_path(state_dir, stage), STAGE_STATE)
        pending_tables, pending_state, drop = {name: [] for name in outputs}, [], []

    wanted = pa.array(sorted(set(todo.todo)), pa.string())
    progress = Progress(stage, total=len(wanted), unit="docs")
    sizes = ChunkSizes(len(wanted), executor.workers)

    def chunks() -> Iterator[Any]:
        for part in documents.iter_batches(doc_columns):
            mask = pc.is_in(part.column("doc_id"), value_set=wanted)
            selected = ok_documents(part.filter(mask))
            if selected.num_rows:
                yield from payloads(selected, sizes)

    for results in executor.map(work, chunks()):
        rows: dict[str, list[dict]] = {name: [] for name in outputs}
        for result in results:
            tables = result.rows if isinstance(result.rows, dict) else {"": result.rows}
            for name, table_rows in tables.items():
                rows[name].extend(table_rows)
            report.units += result.units
            report.model_seconds += result.model_seconds
            report.model_load_seconds += result.model_load_seconds
            pending_state.append(
                {
                    "doc_id": result.doc_id,
                    "version": version,
                    "n_rows": sum(map(len, tables.values())),
                    "status": "error" if result.error else "ok",
                    "error": result.error,
                    "seconds": result.seconds,
                }
            )
            if result.error:
                report.errors.append((result.doc_id, result.error))
        for name, dataset in outputs.items():
            pending_tables[name].append(pa.Table.from_pylist(rows[name], schema=dataset.schema))
        progress.update(len(results))
        if len(pending_state) >= FLUSH_DOCS:
            commit()
    progress.close()
    commit()
    for dataset in outputs.values():
        dataset.compact()
    report.rows = sum(dataset.num_rows() for dataset in outputs.values())
    report.seconds = time.perf_counter() - started
    return report


def one_by_one_on_failure(
    run: Callable[[list[dict]], list[DocResult]], docs: list[dict]
) -> list[DocResult]:
    """Run a chunk; if it fails, run its documents one at a time.

    A document that breaks a stage (a parser bug, a pathological text) becomes
    a DocResult with an error instead of stopping the run; the others in its
    chunk are processed normally.
    """
    try:
        return run(docs)
    except (MemoryError, ModelMissing):  # the machine's problem, not the document's
        raise
    except Exception:
        log.warning("a chunk failed; retrying its %d documents one by one", len(docs))
    results = []
    for doc in docs:
        try:
            results.extend(run([doc]))
        except (MemoryError, ModelMissing):
            raise
        except Exception as exc:
            log.exception("document %s failed", doc["doc_id"])
            results.append(DocResult(doc["doc_id"], [], error=f"{type(exc).__name__}: {exc}"))
    return results


class ChunkSizes:
    """Guided self-scheduling: each task takes a share of the work that remains.

    A task gets about 1/(2 x workers) of the remaining documents, between
    SMALLEST_CHUNK and LARGEST_CHUNK: large tasks keep the models' batches full,
    and the small ones at the end keep a worker from idling while another
    finishes a large task.
    """

    def __init__(self, total: int, workers: int = 1) -> None:
        self.remaining = total
        self.workers = max(1, workers)

    def __call__(self) -> int:
        share = -(-self.remaining // (2 * self.workers))
        size = max(SMALLEST_CHUNK, min(LARGEST_CHUNK, share))
        self.remaining = max(0, self.remaining - size)
        return size


def in_chunks(items: list, sizes: Callable[[], int]) -> Iterator[list]:
    """`items` cut into lists of the sizes that `sizes()` gives in turn."""
    offset = 0
    while offset < len(items):
        step = sizes()
        yield items[offset : offset + step]
        offset += step
