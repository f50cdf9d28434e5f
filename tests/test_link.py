"""Link: one org_id per organisation across documents, the index, processed/ rebuilt."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import folders, run_cli

from pipeline import link, stages
from pipeline.config import Paths
from pipeline.link import corpus_acronyms, document_row, org_id_for, organisation_index
from pipeline.resolve import OrgEntity
from pipeline.schemas import PROCESSED_TABLES
from pipeline.stages import run_one
from pipeline.storage import read_state, state_path, write_table
from pipeline.tables import documents_dataset, resolved_datasets


def test_org_ids_are_shared_across_documents():
    acronyms = {"UFR": {"union des femmes rurales"}}
    long_form = OrgEntity(
        forms=["Union des Femmes Rurales", "UFR"],
        acronym="UFR",
        long_form="Union des Femmes Rurales",
    )
    acronym_only = OrgEntity(forms=["UFR"])
    same_name = OrgEntity(forms=["l'Union des Femmes Rurales"])
    ids = {org_id_for(e, acronyms) for e in (long_form, acronym_only, same_name)}
    assert len(ids) == 1
    # an acronym defined for two different long names stays on its own
    ambiguous = {"UFR": {"union des femmes rurales", "union francaise de rugby"}}
    assert org_id_for(acronym_only, ambiguous) != org_id_for(long_form, ambiguous)


def test_the_corpus_acronyms_come_from_every_document():
    docs = [
        {"acronyms": [{"short": "UFR", "long": "union des femmes rurales"}]},
        {"acronyms": None},
        {"acronyms": [{"short": "UFR", "long": "union francaise de rugby"}]},
    ]
    assert corpus_acronyms(docs) == {
        "UFR": {"union des femmes rurales", "union francaise de rugby"}
    }


def test_a_document_row_reports_a_later_stage_error_and_the_page_language():
    doc = {"doc_id": "d", "source": "a.html", "status": "ok", "error": None, "lang_hint": "fr"}
    resolved = {"language": "und", "languages": [], "n_segments": 1}
    row = document_row(doc, resolved, None)
    assert (row["language"], row["languages"], row["n_segments"]) == ("fr", ["fr"], 1)
    row = document_row(doc, resolved, "extract failed: RuntimeError: boom")
    assert (row["status"], row["error"], row["language"]) == (
        "error",
        "extract failed: RuntimeError: boom",
        None,
    )


def test_the_index_counts_documents_and_mentions():
    rows = [
        {"org_id": "o1", "doc_id": "a", "name": "UFR", "aliases": [], "acronym": "UFR"}
        | {"n_mentions": 2},
        {"org_id": "o1", "doc_id": "a", "name": "Union des Femmes Rurales", "aliases": ["UFR"]}
        | {"acronym": None, "n_mentions": 1},
        {"org_id": "o1", "doc_id": "b", "name": "Union des Femmes Rurales", "aliases": []}
        | {"acronym": None, "n_mentions": 4},
    ]
    (entry,) = organisation_index(rows)
    assert entry["name"] == "Union des Femmes Rurales"
    assert (entry["n_documents"], entry["n_mentions"], entry["acronym"]) == (2, 7, "UFR")
    assert entry["aliases"] == ["UFR"]


def _sorted_table(path):
    table = pq.read_table(path)
    keys = [f.name for f in table.schema if not pa.types.is_list(f.type)]
    return table.sort_by([(k, "ascending") for k in keys]).to_pylist()


def _copy(sample_run, tmp_path) -> Paths:
    shutil.copytree(sample_run / "interim", tmp_path / "interim")
    return Paths(sample_run / "raw", tmp_path / "interim", tmp_path / "processed")


def test_documents_resolved_one_by_one_give_the_same_tables(sample_run, tmp_path, monkeypatch):
    """Resolved tables committed a document at a time (one part each) and linked
    give the same processed tables as one run over all documents."""
    paths = _copy(sample_run, tmp_path)
    state_path(paths.state, "resolve").unlink()
    for dataset in resolved_datasets(paths).values():
        shutil.rmtree(dataset.path)
    monkeypatch.setattr("pipeline.runner.FLUSH_DOCS", 1)
    monkeypatch.setattr("pipeline.runner.SMALLEST_CHUNK", 1)
    monkeypatch.setattr("pipeline.runner.LARGEST_CHUNK", 1)
    assert run_one("resolve", paths).plan.new == 6
    assert len(resolved_datasets(paths)["documents"].parts()) == 6
    assert run_one("link", paths).plan.new == 6
    for name in PROCESSED_TABLES:
        assert _sorted_table(paths.processed / f"{name}.parquet") == _sorted_table(
            sample_run / "processed" / f"{name}.parquet"
        ), name


def test_a_change_to_linking_reruns_only_link(sample_run, tmp_path, monkeypatch):
    paths = _copy(sample_run, tmp_path)
    run_one("link", paths)
    assert run_one("link", paths).plan.skipped == 1
    versions = {**stages.stage_versions(), "link": "a new linking rule"}
    monkeypatch.setattr(stages, "stage_versions", lambda: versions)
    assert run_one("link", paths).plan.new == 6
    result = run_cli("resolve", *folders(tmp_path, raw=sample_run / "raw"))
    assert "0 new, 0 changed, 0 removed, 6 up to date" in result.stdout


def test_the_fingerprint_ignores_row_order_but_not_versions(sample_run, tmp_path):
    paths = _copy(sample_run, tmp_path)
    before = link.fingerprint(paths, "v")
    documents = documents_dataset(paths)
    table = documents.read()
    reordered = table.take(list(reversed(range(table.num_rows))))
    documents.replace_rows([reordered], table.column(documents.key).to_pylist())
    assert documents.read().column("doc_id").to_pylist() != table.column("doc_id").to_pylist()
    assert link.fingerprint(paths, "v") == before
    state = read_state(paths.state, "extract")
    versions = ["older", *state.column("version").to_pylist()[1:]]  # a document redone
    state = state.set_column(state.schema.get_field_index("version"), "version", pa.array(versions))
    write_table(state, state_path(paths.state, "extract"))
    assert link.fingerprint(paths, "v") != before
