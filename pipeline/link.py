"""Link: what needs the whole corpus, and the tables users open in processed/.

`pipeline.resolve` turns each document's mentions into entities on its own.
This stage brings the documents together: an organisation gets one `org_id`
wherever it is named by the same long name, or by an acronym that the corpus
defines for one organisation only; the organisation index counts each
organisation over the corpus; each document's row gets its languages and the
errors of the stages before. The user's corrections (`pipeline.corrections`)
are applied here, then the organisation index and the relations
(`pipeline.relations`) are built from the corrected tables.

The stage runs no model, so it is cheap: the
runner rebuilds processed/ from interim/resolved/ whenever what it reads
changed (`fingerprint`), and publishes the new tables at once; a change that
affects only linking re-runs only this stage.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .config import Paths
from .resolve import (
    OrgEntity,
    aliases_of,
    group_key,
    link_key,
    local_place_name,
    lookup_place,
    stable_id,
)
from .rules.organisations import fold
from .schemas import (
    CORRECTIONS,
    DOCUMENTS,
    DOCUMENTS_RAW,
    ORGANISATION_INDEX,
    PROCESSED_TABLES,
    RELATIONS,
)
from .storage import StreamWriter, read_state, stream_writers, write_rows
from .tables import documents_dataset, resolved_datasets

log = logging.getLogger(__name__)

# the stages whose per-document errors a document's row reports
CHECKED_STAGES = ("language", "extract", "resolve")
ENTITY_TABLES = ("organisations", "places", "dates", "figures", "mentions")
# what a document's row takes from interim/documents (not its text)
DOCUMENT_COLUMNS = [n for n in DOCUMENTS_RAW.names if n in DOCUMENTS.names or n == "lang_hint"]


def org_id(key: str, short: str | None, acronyms: dict[str, set[str]]) -> str:
    """The id of an organisation from its link key (see `pipeline.resolve.link_key`).

    An acronym used alone takes the id of its long name when the corpus defines
    it for a single long name; otherwise the id is a hash of the key.
    """
    if short is not None:
        longs = acronyms.get(short, set())
        if len(longs) == 1:
            return stable_id("org", next(iter(longs)))
    return stable_id("org", key)


def org_id_for(entity: OrgEntity, acronyms: dict[str, set[str]]) -> str:
    """The same organisation gets the same id in every document."""
    return org_id(*link_key(entity), acronyms)


def corpus_acronyms(documents: Iterable[dict]) -> dict[str, set[str]]:
    """Every acronym defined in the corpus, with the folded long forms it stands for."""
    acronyms: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        for d in doc["acronyms"] or []:
            acronyms[d["short"]].add(d["long"])
    return acronyms


def document_row(doc: dict, resolved: dict | None, error: str | None) -> dict:
    """A document's row in processed/: its ingest row, languages, and any stage's error.

    A document that a later stage could not process is an error row, without
    languages. A text too short to tell its language takes the page's own
    (<html lang>) when it names French or English.
    """
    row = {k: doc[k] for k in DOCUMENTS.names if k in doc}
    resolved = resolved if doc["status"] == "ok" else None
    if doc["status"] == "ok" and error is not None:
        row["status"], row["error"] = "error", error
    main = resolved["language"] if resolved else None
    languages = list(resolved["languages"] or []) if resolved else []
    ok = row["status"] == "ok"
    if ok and main == "und" and doc["lang_hint"] in ("fr", "en"):
        main, languages = doc["lang_hint"], [doc["lang_hint"]]
    row["language"] = main if ok else None
    row["languages"] = languages if ok else []
    row["n_segments"] = resolved["n_segments"] if resolved else 0
    return row


def organisation_index(organisations: Iterable[dict]) -> list[dict]:
    """One row per org_id across the corpus: its most frequent name, all aliases, counts.

    `organisations` are rows of the organisations table, document by document
    (a document's rows together). Memory follows the number of organisations.
    """
    entries: dict[str, dict] = {}
    for r in organisations:
        e = entries.setdefault(
            r["org_id"],
            {"names": Counter(), "forms": set(), "acronym": None, "last": None, "docs": 0, "n": 0},
        )
        e["names"][r["name"]] += 1
        e["forms"].update(r["aliases"] or [])
        e["acronym"] = e["acronym"] or r["acronym"]
        if r["doc_id"] != e["last"]:  # rows come document by document
            e["docs"] += 1
            e["last"] = r["doc_id"]
        e["n"] += r["n_mentions"]
    rows = []
    for oid, e in entries.items():
        name = max(e["names"], key=lambda n: (e["names"][n], len(n)))
        rows.append(
            {
                "org_id": oid,
                "name": name,
                "aliases": aliases_of(name, sorted(e["forms"] | set(e["names"]))),
                "acronym": e["acronym"],
                "n_documents": e["docs"],
                "n_mentions": e["n"],
            }
        )
    rows.sort(key=lambda r: (-r["n_documents"], -r["n_mentions"], r["name"]))
    return rows


def stage_errors(paths: Paths) -> dict[str, str]:
    """Documents a per-document stage could not process, with the stage's message."""
    errors: dict[str, str] = {}
    for stage in CHECKED_STAGES:
        state = read_state(paths.state, stage)
        for r in state.filter(pc.equal(state.column("status"), "error")).to_pylist():
            errors.setdefault(r["doc_id"], f"{stage} failed: {r['error']}")
    return errors


def _rows(path: Path, columns: list[str] | None = None) -> Iterator[dict]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=50_000, columns=columns):
        yield from batch.to_pylist()


def _file_digest(path: Path | None) -> str:
    """A hash of a file outside the package (the user's corrections), or "none"."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path else "none"
    except OSError:
        return "none"


def new_entity(kind: str, name: str) -> tuple[str, dict]:
    """Id and fields of an organisation or place that a user's correction creates:
    the id the pipeline would give that name, so that documents agree."""
    if kind == "organisation":
        return stable_id("org", group_key(name)), {"acronym": None}
    place = lookup_place(name, None)
    if place is None:
        fields = {"kind": "local", "country_code": None, "latitude": None, "longitude": None}
        return stable_id("local", fold(local_place_name(name))), fields
    return place.place_id, {
        "kind": place.kind,
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def apply_corrections(paths: Paths, out: Path) -> None:
    """The user's corrections.csv over the entity tables in `out`, and a report of each line."""
    from . import corrections

    fixes, bad = corrections.read(paths.corrections)
    for b in bad:
        print(f"{paths.corrections} line {b.line}: {b.message}; line skipped", file=sys.stderr)
    hits = corrections.apply_tables(out, paths.interim, fixes, new_entity) if fixes else {}
    write_rows(
        corrections.report_rows(fixes, bad, Counter(hits)),
        out / "corrections.parquet",
        CORRECTIONS,
    )


def fingerprint(paths: Paths, version: str) -> str:
    """What this stage's tables depend on: the documents (which, and their status),
    the per-document stages' states (which rows, made when, with which error), the
    resolved tables' parts and this stage's version. A file rewritten with the
    same content leaves it the same.

    The tables are read batch by batch into an order-free digest (a sum of row
    hashes), so neither the order of their rows nor the size of the corpus matters.
    """
    from .config import _fingerprint

    def digest(name: str, batches: Iterable[pa.Table | pa.RecordBatch]) -> str:
        total = 0
        for batch in batches:
            for row in batch.to_pylist():
                line = f"{name}:{json.dumps(row, sort_keys=True, default=str)}"
                total += int.from_bytes(hashlib.blake2b(line.encode(), digest_size=16).digest())
        return f"{name}={total % 2**128:032x}"

    meta = ["source", "doc_id", "status", "error", "version"]
    tables = [digest("documents", documents_dataset(paths).iter_batches(meta))]
    for stage in CHECKED_STAGES:
        state = read_state(paths.state, stage)
        tables.append(
            digest(stage, [state.select(["doc_id", "version", "status", "error", "made"])])
        )
    parts = {name: d.parts() for name, d in resolved_datasets(paths).items()}
    return _fingerprint(
        *tables,
        json.dumps(parts, sort_keys=True),
        version,
        "corrections=" + _file_digest(paths.corrections),
    )


def build(paths: Paths, out: Path) -> tuple[int, int]:
    """Write every processed table into the folder `out`; returns (mention rows, documents).

    Streams the resolved tables: memory follows the number of documents (their
    languages and acronyms) and of organisations, not the number of mentions.
    """
    resolved = resolved_datasets(paths)
    per_doc = {r["doc_id"]: r for r in resolved["documents"].read().to_pylist()}
    acronyms = corpus_acronyms(per_doc.values())
    errors = stage_errors(paths)
    tables = {
        name: (out / f"{name}.parquet", PROCESSED_TABLES[name])
        for name in (*ENTITY_TABLES, "documents")
    }
    with stream_writers(tables) as writers:
        for batch in documents_dataset(paths).iter_batches(DOCUMENT_COLUMNS):
            writers["documents"].write_rows(
                [
                    document_row(doc, per_doc.get(doc["doc_id"]), errors.get(doc["doc_id"]))
                    for doc in batch.to_pylist()
                ]
            )
        for batch in resolved["organisations"].iter_batches():
            writers["organisations"].write_rows(
                [
                    {**r, "org_id": org_id(r["org_key"], r["org_short"], acronyms)}
                    for r in batch.to_pylist()
                ]
            )
        for batch in resolved["mentions"].iter_batches():
            writers["mentions"].write_rows(
                [
                    {**r, "entity_id": org_id(r["org_key"], r["org_short"], acronyms)}
                    if r["org_key"] is not None
                    else r
                    for r in batch.to_pylist()
                ]
            )
        for name in ("places", "dates", "figures"):
            for batch in resolved[name].iter_batches():
                writers[name].write(batch)
    apply_corrections(paths, out)
    columns = ["org_id", "doc_id", "name", "aliases", "acronym", "n_mentions"]
    write_rows(
        organisation_index(_rows(out / "organisations.parquet", columns)),
        out / "organisation_index.parquet",
        ORGANISATION_INDEX,
    )
    from . import relations

    with StreamWriter(out / "relations.parquet", RELATIONS) as writer:
        for row in relations.build(out, paths.interim):
            writer.write_rows([row])
    return writers["mentions"].rows, len(per_doc)
