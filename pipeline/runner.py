"""Run a per-document stage incrementally: only the documents that need it.

The language and extract stages have the same shape: rows in, rows out, keyed
by `doc_id`. This module holds that shape once. It reads what the stage
produced before and its per-document state, asks `storage.plan` what is new,
changed (made by an older version) or removed, hands the documents to redo to
the stage's pure function in chunks, and writes the merged table and the state
atomically. Chunks bound the memory a run needs, whatever the corpus size.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from .schemas import STAGE_STATE
from .storage import Plan, merge, plan, read_state, read_table, state_path, touch, write_table

log = logging.getLogger(__name__)


@dataclass(slots=True)
class DocResult:
    """What a stage produced for one document."""

    doc_id: str
    rows: list[dict]
    error: str | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class StageReport:
    stage: str
    plan: Plan = field(default_factory=Plan)
    rows: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (doc or source, message)
    seconds: float = 0.0
    units: int = 0  # words for extract, segments for language...

    def line(self) -> str:
        text = f"{self.stage}: {self.plan.describe()}; {self.rows} rows; {self.seconds:.1f}s"
        if self.errors:
            text += f"; {len(self.errors)} errors"
        return text


# A stage function takes a table of documents to process and yields results.
StageFn = Callable[[pa.Table], Iterable[DocResult]]


def chunks(table: pa.Table, size: int) -> Iterator[pa.Table]:
    for offset in range(0, table.num_rows, size):
        yield table.slice(offset, size)


def run_incremental(
    stage: str,
    version: str,
    inputs: pa.Table,
    read_inputs: Callable[[list[str]], pa.Table],
    output: Path,
    schema: pa.Schema,
    state_dir: Path,
    process: StageFn,
) -> StageReport:
    """Bring `output` in line with `inputs` (a table with at least `doc_id`).

    `read_inputs(doc_ids)` loads the full rows of the documents to process, so
    that the texts of up-to-date documents are never read.
    """
    started = time.perf_counter()
    report = StageReport(stage)
    state = read_state(state_dir, stage)
    todo = plan(inputs.column("doc_id").to_pylist(), state, version)
    report.plan = todo
    if todo.nothing_to_do and output.exists():
        touch(output)
        touch(state_path(state_dir, stage))
        report.seconds = time.perf_counter() - started
        return report

    new_rows: list[dict] = []
    new_state: list[dict] = []
    if todo.todo:
        batch = read_inputs(todo.todo)
        for result in process(batch):
            new_rows.extend(result.rows)
            new_state.append(
                {
                    "doc_id": result.doc_id,
                    "version": version,
                    "n_rows": len(result.rows),
                    "status": "error" if result.error else "ok",
                    "error": result.error,
                    "seconds": result.seconds,
                }
            )
            if result.error:
                report.errors.append((result.doc_id, result.error))
    replaced = todo.todo + todo.removed
    table = merge(
        read_table(output, schema), pa.Table.from_pylist(new_rows, schema=schema), replaced
    )
    states = merge(state, pa.Table.from_pylist(new_state, schema=STAGE_STATE), replaced)
    # Data first, then state: a run killed in between redoes these documents next time.
    write_table(table, output, schema)
    write_table(states, state_path(state_dir, stage), STAGE_STATE)
    report.rows = table.num_rows
    report.seconds = time.perf_counter() - started
    return report


def ok_documents(documents: pa.Table) -> pa.Table:
    """The documents that later stages work on: readable and not duplicates."""
    import pyarrow.compute as pc

    return documents.filter(pc.equal(documents.column("status"), "ok"))
