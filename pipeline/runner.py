"""The runner: one piece of code runs every stage and keeps its state.

A stage is a declaration (`pipeline.stages`): what it reads, the tables it
writes, its version, its scope and one pure function. The runner does the rest
the same way for all of them:

* **Per-document stages** (language, extract, resolve) keep, per document, the
  version that made its rows, a token of the commit that made them, the token
  of the stage before that they were made from, and any error
  (`interim/state/<stage>.parquet`). A document is redone when it is new, made
  by an older version, made from upstream rows that were made again since, or
  in error and retried. The documents to redo are streamed in chunks to the
  executor (this process, a pool, or Dask) and committed in batches, rows
  first, then state: a run killed half-way keeps what it committed.
* **Ingest** plans from the files in raw/ (size, time, version per file); its
  table is its state.
* **Corpus stages** (link) rebuild their tables when what they read changed,
  into a staging folder published at once over processed/.

On every run, the state of each stage is checked against its tables: a missing
or damaged table or part means its documents are redone, with a message, never
a traceback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import timing
from .config import ModelMissing, Paths
from .progress import Progress
from .schemas import STAGE_STATE
from .storage import (
    COMPLETE,
    DamagedTable,
    Dataset,
    atomic_bytes,
    drop_docs,
    publish_folder,
    read_state,
    recover_folder,
    run_lock,
    staging_folder,
    state_path,
    sweep_temporary,
    write_table,
)

if TYPE_CHECKING:
    from .stages import Stage

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
# Errors due to the machine rather than the document: retried once the environment changed.
ENVIRONMENT_ERRORS = ("ImportError", "ModuleNotFoundError", "ModelMissing")


@dataclass(slots=True)
class DocResult:
    """What a stage produced for one document."""

    doc_id: str
    rows: list[dict] | dict[str, list[dict]]  # a dict for a stage with several tables
    error: str | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class Plan:
    """What a stage has to do, given its inputs and what it produced before."""

    todo: list[str] = field(default_factory=list)  # doc_ids to (re)process, in input order
    new: int = 0
    changed: int = 0  # made by an older version, from older upstream rows, or retried
    removed: list[str] = field(default_factory=list)  # no longer upstream: rows leave
    skipped: int = 0  # up to date

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo and not self.removed

    def describe(self) -> str:
        return (
            f"{self.new} new, {self.changed} changed, {len(self.removed)} removed, "
            f"{self.skipped} up to date"
        )


@dataclass(slots=True)
class StageReport:
    stage: str
    plan: Plan = field(default_factory=Plan)
    rows: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (doc or source, message)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # see pipeline.timing
    notes: list[str] = field(default_factory=list)  # repairs and retries, for the user

    def line(self) -> str:
        text = f"{self.stage}: {self.plan.describe()}; {self.rows} rows; {self.seconds:.1f}s"
        if self.errors:
            text += f"; {len(self.errors)} errors"
        return text


@dataclass(frozen=True, slots=True)
class Options:
    """How a run goes: which documents to retry, which stages to redo, which detector."""

    retry_errors: bool = False
    force: frozenset[str] = frozenset()
    detector: str = "py3langid"


class RunError(RuntimeError):
    """A run cannot start or go on: the message says why and what to do."""


# --- planning -------------------------------------------------------------------


@cache
def environment() -> str:
    """A fingerprint of the installed packages and the interpreter."""
    from importlib import metadata

    installed = sorted(
        f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata
    )
    return hashlib.sha256("\n".join([sys.version, *installed]).encode()).hexdigest()[:12]


def environmental(error: str | None) -> bool:
    """An error due to the machine (a missing module or model), not to the document."""
    return bool(error) and error.split(":", 1)[0] in ENVIRONMENT_ERRORS


def plan(
    input_ids: list[str],
    state: pa.Table,
    version: str,
    upstream: dict[str, str] | None = None,
    retry_errors: bool = False,
    redo: Iterable[str] = (),
) -> Plan:
    """What to do for each document upstream, from the stage's state.

    `upstream` maps a document to the token of its upstream rows (None when
    the stage reads only the documents table); `redo` are documents whose rows
    were found missing.
    """
    rows = {r["doc_id"]: r for r in state.to_pylist()}
    redo = set(redo)
    env_errors = any(environmental(r["error"]) for r in rows.values())
    result = Plan()
    for doc_id in input_ids:
        row = rows.get(doc_id)
        if row is None:
            result.new += 1
            result.todo.append(doc_id)
        elif (
            row["version"] != version
            or (upstream is not None and (row["input"] or "") != (upstream.get(doc_id) or ""))
            or doc_id in redo
            or (row["status"] == "error" and retry_errors)
            or (env_errors and environmental(row["error"]) and row["environment"] != environment())
        ):
            result.changed += 1
            result.todo.append(doc_id)
        else:
            result.skipped += 1
    inputs = set(input_ids)
    result.removed = [d for d in rows if d not in inputs]
    return result


def stage_plan(
    stage: Stage, paths: Paths, options: Options, state: pa.Table, redo: Iterable[str] = ()
) -> tuple[Plan, dict[str, str] | None]:
    """What a per-document stage has to do, and the upstream tokens it compared.

    Its documents are the readable ones, and after the first stage only those
    the stage before has been through (with or without an error).
    """
    from .tables import documents_dataset

    index = ok_documents(documents_dataset(paths).read(["doc_id", "status"]))
    ids = index.column("doc_id").to_pylist()
    upstream = None
    if stage.needs != "ingest":
        before = load_state(paths, stage.needs)
        made = before.column("made").to_pylist()
        upstream = dict(zip(before.column("doc_id").to_pylist(), made, strict=True))
        ids = [d for d in ids if d in upstream]
    todo = plan(ids, state, stage.version(options), upstream, options.retry_errors, redo)
    return todo, upstream


def merge(old: pa.Table, new: pa.Table, replaced: Iterable[str]) -> pa.Table:
    """Old rows minus those of `replaced` documents, plus the new rows."""
    kept = drop_docs(old, replaced)
    if new.num_rows == 0:
        return kept
    return pa.concat_tables([kept, new.cast(kept.schema)])


def ok_documents(documents: pa.Table) -> pa.Table:
    """The documents that later stages work on: readable and not duplicates."""
    return documents.filter(pc.equal(documents.column("status"), "ok"))


def load_state(paths: Paths, stage: str, report: StageReport | None = None) -> pa.Table:
    """A stage's state; a damaged one is empty (its documents are redone), with a note."""
    try:
        return read_state(paths.state, stage)
    except DamagedTable as exc:
        if report is not None:
            report.notes.append(f"{exc}: its documents are redone")
        return STAGE_STATE.empty_table()


def check_outputs(outputs: dict[str, Dataset], state: pa.Table, report: StageReport) -> set[str]:
    """Documents whose rows the stage's tables no longer hold in full.

    Missing or damaged parts leave the tables (see Dataset.check); when the
    tables then hold fewer rows than the state says, the documents short of
    rows are redone. Cheap when nothing is wrong: part footers only.
    """
    for dataset in outputs.values():
        for problem in dataset.check():
            report.notes.append(problem)
    expected = pc.sum(state.column("n_rows")).as_py() or 0
    held = sum(
        pq.ParquetFile(d.path / p).metadata.num_rows for d in outputs.values() for p in d.parts()
    )
    if held == expected:
        return set()
    counts: dict[str, int] = {}
    for dataset in outputs.values():
        for doc_id, n in dataset.counts().items():
            counts[doc_id] = counts.get(doc_id, 0) + n
    short = {
        r["doc_id"]
        for r in state.select(["doc_id", "n_rows"]).to_pylist()
        if counts.get(r["doc_id"], 0) != r["n_rows"]
    }
    if short:
        names = ", ".join(str(d.path) for d in outputs.values())
        report.notes.append(f"{names}: rows of {len(short)} documents are missing: redone")
    return short


# --- running a per-document stage --------------------------------------------------


def run_documents(stage: Stage, paths: Paths, options: Options, executor) -> StageReport:
    """Bring a per-document stage's tables in line with the documents upstream."""
    from .tables import documents_dataset

    started = time.perf_counter()
    report = StageReport(stage.name)
    version = stage.version(options)
    outputs = stage.outputs(paths)
    documents = documents_dataset(paths)
    state = load_state(paths, stage.name, report)
    redo = check_outputs(outputs, state, report)
    if stage.name in options.force:
        redo |= set(state.column("doc_id").to_pylist())
    todo, upstream = stage_plan(stage, paths, options, state, redo)
    report.plan = todo
    if todo.nothing_to_do and all(o.exists() for o in outputs.values()):
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
        write_table(state, state_path(paths.state, stage.name), STAGE_STATE)
        pending_tables, pending_state, drop = {name: [] for name in outputs}, [], []

    wanted = pa.array(sorted(set(todo.todo)), pa.string())
    progress = Progress(stage.name, total=len(wanted), unit="docs")
    sizes = ChunkSizes(len(wanted), executor.workers)
    inputs = {name: dataset(paths) for name, dataset in stage.inputs.items()}

    def chunks() -> Iterator[Any]:
        for part in documents.iter_batches(list(stage.columns)):
            mask = pc.is_in(part.column("doc_id"), value_set=wanted)
            selected = ok_documents(part.filter(mask)).to_pylist()
            if not selected:
                continue
            ids = [d["doc_id"] for d in selected]
            extras = {name: _by_doc(dataset, ids) for name, dataset in inputs.items()}
            for chunk in in_chunks(selected, sizes):
                yield (
                    chunk,
                    {
                        name: {d["doc_id"]: rows.get(d["doc_id"], []) for d in chunk}
                        for name, rows in extras.items()
                    },
                )

    work = stage.work(options)
    if timing.ENABLED:
        tasks = executor.map(partial(timing.timed_call, work), chunks())
    else:
        tasks = ((results, {}) for results in executor.map(work, chunks()))
    token = f"{time.time_ns():x}-{os.getpid():x}"
    for results, timings in tasks:
        for name, seconds in timings.items():
            report.timings[name] = report.timings.get(name, 0.0) + seconds
        rows: dict[str, list[dict]] = {name: [] for name in outputs}
        for result in results:
            tables = result.rows if isinstance(result.rows, dict) else {"": result.rows}
            tables = {name: rows for name, rows in tables.items() if rows}
            for name, table_rows in tables.items():
                rows[name].extend(table_rows)
            pending_state.append(
                {
                    "doc_id": result.doc_id,
                    "version": version,
                    "n_rows": sum(map(len, tables.values())),
                    "status": "error" if result.error else "ok",
                    "error": result.error,
                    "seconds": result.seconds,
                    "made": token,
                    "input": upstream.get(result.doc_id) if upstream is not None else None,
                    "environment": environment() if environmental(result.error) else None,
                }
            )
            if result.error:
                report.errors.append((result.doc_id, result.error))
        for name, dataset in outputs.items():
            pending_tables[name].append(pa.Table.from_pylist(rows[name], schema=dataset.schema))
        progress.update(len(results))
        if len(pending_state) >= FLUSH_DOCS:
            commit()
            token = f"{time.time_ns():x}-{os.getpid():x}"
    progress.close()
    commit()
    for dataset in outputs.values():
        dataset.compact()
    report.rows = sum(dataset.num_rows() for dataset in outputs.values())
    report.seconds = time.perf_counter() - started
    return report


def _by_doc(dataset: Dataset, doc_ids: list[str]) -> dict[str, list[dict]]:
    """The rows of these documents in `dataset`, by document, in their order in it."""
    rows: dict[str, list[dict]] = {}
    for row in dataset.read(keys=doc_ids).to_pylist():
        rows.setdefault(row["doc_id"], []).append(row)
    return rows


# --- running a corpus stage -------------------------------------------------------------


def published(paths: Paths) -> dict | None:
    """processed/_manifest.json, if it is there and readable."""
    try:
        manifest = json.loads((paths.processed / COMPLETE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _readable(path: Path) -> bool:
    try:
        pq.ParquetFile(path)
    except (OSError, pa.ArrowException):
        return False
    return True


def run_corpus(stage: Stage, paths: Paths, options: Options) -> StageReport:
    """Rebuild a corpus stage's tables when what it reads changed, and publish them at once.

    The tables are written into a staging folder beside processed/, with a
    manifest (what they were made from, their row counts) written last, then
    the folder takes the place of processed/ in one step (see publish_folder).
    """
    started = time.perf_counter()
    report = StageReport(stage.name)
    version = stage.version(options)
    fingerprint = stage.fingerprint(paths, version)
    manifest = published(paths)
    tables = [f"{name}.parquet" for name in stage.tables]
    if manifest is not None and stage.name not in options.force:
        damaged = [t for t in tables if not _readable(paths.processed / t)]
        for name in damaged:
            report.notes.append(f"{paths.processed / name} is missing or damaged: remade")
        if not damaged and manifest.get("fingerprint") == fingerprint:
            report.plan.skipped = 1
            report.seconds = time.perf_counter() - started
            return report
    elif manifest is None and paths.processed.exists() and any(paths.processed.iterdir()):
        report.notes.append(f"{paths.processed}: no readable {COMPLETE}: its tables are remade")
    staging = staging_folder(paths.processed)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    rows, documents = stage.build(paths, staging)
    report.rows, report.plan.new = rows, documents
    counts = {t: pq.ParquetFile(staging / t).metadata.num_rows for t in tables}
    content = {"stage": stage.name, "version": version, "fingerprint": fingerprint}
    content |= {"tables": counts, "published": time.time()}
    atomic_bytes(staging / COMPLETE, json.dumps(content, indent=1).encode())
    publish_folder(paths.processed, keep={*tables, COMPLETE})
    report.seconds = time.perf_counter() - started
    return report


# --- a run ----------------------------------------------------------------------------


def preflight(paths: Paths, stages: list[Stage]) -> None:
    """Fail before any work if a folder the run will write cannot be written."""
    names = {s.name for s in stages}
    if "ingest" in names and not paths.raw.is_dir():
        raise RunError(
            f"raw directory {paths.raw} does not exist: "
            "create it and put pages in it, or pass --raw DIR"
        )
    folders = [paths.interim]
    if any(s.scope == "corpus" for s in stages):
        # publishing replaces processed/ as a whole: its parent is written too
        folders += [paths.processed, paths.processed.absolute().parent]
    for folder in folders:
        probe = folder
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
        if not os.access(probe, os.W_OK | os.X_OK) or (folder.exists() and not folder.is_dir()):
            raise RunError(
                f"{folder} cannot be written (check its permissions, or pass another "
                "--interim/--processed folder): nothing was run"
            )


def tidy(paths: Paths) -> list[str]:
    """What killed runs left: temporary files, and a half-published processed/."""
    notes = []
    recovered = recover_folder(paths.processed)
    if recovered:
        notes.append(recovered)
    swept = sweep_temporary(paths.interim) + sweep_temporary(paths.processed)
    if swept:
        notes.append(f"removed {swept} temporary files left by an interrupted run")
    return notes


def run_stages(
    stages: list[Stage], paths: Paths, options: Options, make_executor: Callable[[], Any]
) -> Iterator[StageReport]:
    """Run `stages` in order under the run lock, yielding each stage's report.

    Per-document stages that declare `parallel` share one executor, made on
    first use and closed after the last of them. An exception (Ctrl-C
    included) stops the workers at once; what was committed stays.
    """
    preflight(paths, stages)
    last_parallel = max((i for i, s in enumerate(stages) if s.parallel), default=-1)
    with run_lock(paths.interim):
        notes = tidy(paths)
        executor = None
        try:
            for i, stage in enumerate(stages):
                if stage.scope == "files":
                    report = stage.run(paths, options)
                elif stage.scope == "corpus":
                    report = run_corpus(stage, paths, options)
                else:
                    if stage.parallel:
                        executor = executor or make_executor()
                        report = run_documents(stage, paths, options, executor)
                    else:
                        from .executors import LocalExecutor

                        report = run_documents(stage, paths, options, LocalExecutor())
                if stage.after is not None:
                    stage.after()
                    if stage.parallel and executor is not None:
                        executor.release(stage.after)  # in the workers too
                if i == last_parallel and executor is not None:
                    executor.close()  # workers share the lock: joined before it is released
                    executor = None
                report.notes[:0], notes = notes, []
                yield report
        except BaseException:
            if executor is not None:
                executor.close(cancel=True)
                executor = None
            raise
        finally:
            if executor is not None:
                executor.close()


# --- chunks ------------------------------------------------------------------------


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
