"""The stages, each declared once: what it reads, what it writes, its version, its function.

    ingest -> language -> extract -> resolve -> link

A stage's version is the hash of its code and data (`config.stage_versions`),
so the documents an older version made are redone. Its scope says how the
runner (`pipeline.runner`) brings it up to date: `files` plans from raw/
(ingest), `documents` redoes only the documents that need it, `corpus`
rebuilds its tables from what the stages before it hold. A per-document stage's
function is pure: a chunk of documents with their upstream rows in, one
DocResult per document out, wherever the executor runs it.

To add a stage: write its pure function in its own module, add its version to
`config.stage_versions`, its tables to `schemas` and `tables`, and declare it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from . import extract, ingest, language, link, resolve
from .config import Paths, stage_versions
from .runner import Options, StageReport
from .schemas import PROCESSED_TABLES
from .storage import Dataset
from .tables import documents_dataset, mentions_dataset, resolved_datasets, segments_dataset


@dataclass(frozen=True)
class Stage:
    name: str
    needs: str | None  # the stage whose tables this one reads
    scope: str  # files | documents | corpus
    help: str
    # documents: the tables written, the documents' columns and the upstream
    # tables (by document) handed to the function, and the function itself
    outputs: Callable[[Paths], dict[str, Dataset]] | None = None
    columns: tuple[str, ...] = ()
    inputs: dict[str, Callable[[Paths], Dataset]] = field(default_factory=dict)
    function: Callable[[Options], Callable[[Any], list]] | None = None
    parallel: bool = False  # runs in the executor's workers (models, heavy work)
    after: Callable[[], None] | None = None  # called once the stage is done
    # files: how the stage runs
    run: Callable[[Paths, Options], StageReport] | None = None
    # corpus: the tables it publishes, how to build them into a folder, what they depend on
    tables: tuple[str, ...] = ()
    build: Callable[[Paths, Path], tuple[int, int]] | None = None
    fingerprint: Callable[[Paths, str], str] | None = None

    def version(self, options: Options) -> str:
        version = stage_versions()[self.name]
        if self.name == "language" and options.detector != "py3langid":
            version += f"+{options.detector}"
        return version

    def work(self, options: Options) -> Callable[[Any], list]:
        assert self.function is not None
        return self.function(options)


def _ingest(paths: Paths, options: Options) -> StageReport:
    notes = documents_dataset(paths).check()
    report = ingest.run(paths, force="ingest" in options.force)
    report.notes.extend(f"{n}: the files are read again" for n in notes)
    return report


STAGES: dict[str, Stage] = {
    s.name: s
    for s in (
        Stage(
            "ingest",
            None,
            "files",
            "raw pages into clean text with provenance",
            run=_ingest,
        ),
        Stage(
            "language",
            "ingest",
            "documents",
            "segments and their languages",
            outputs=lambda paths: {"": segments_dataset(paths)},
            columns=("doc_id", "status", "text", "parts", "pages"),
            function=lambda options: partial(
                language.language_chunk, detector_name=options.detector
            ),
            parallel=True,
        ),
        Stage(
            "extract",
            "language",
            "documents",
            "spaCy NER plus date and figure rules",
            outputs=lambda paths: {"": mentions_dataset(paths)},
            columns=("doc_id", "status", "text", "published"),
            inputs={"segments": segments_dataset},
            function=lambda options: extract.extract_chunk,
            parallel=True,
            # the last stage with a model: the others run without its memory, here
            # and in the workers (see the executors' release)
            after=extract.release_models,
        ),
        Stage(
            "resolve",
            "extract",
            "documents",
            "each document's organisations, places, dates and figures",
            outputs=resolved_datasets,
            columns=("doc_id", "status", "text"),
            inputs={"segments": segments_dataset, "mentions": mentions_dataset},
            function=lambda options: resolve.resolve_chunk,
            parallel=True,  # the rules cost about half as much as the models
        ),
        Stage(
            "link",
            "resolve",
            "corpus",
            "organisations linked across documents; the tables of processed/",
            tables=tuple(PROCESSED_TABLES),
            build=link.build,
            fingerprint=link.fingerprint,
        ),
    )
}


def up_to(name: str) -> list[Stage]:
    """`name` and the stages it needs before it, in order."""
    chain = []
    stage: Stage | None = STAGES[name]
    while stage is not None:
        chain.append(stage)
        stage = STAGES[stage.needs] if stage.needs else None
    return chain[::-1]


def run_one(name: str, paths: Paths, options: Options | None = None) -> StageReport:
    """Run one stage alone, in this process (for tests and scripts): its report."""
    from .executors import LocalExecutor
    from .runner import run_stages

    (report,) = run_stages([STAGES[name]], paths, options or Options(), LocalExecutor)
    return report
