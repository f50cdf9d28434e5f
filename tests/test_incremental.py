"""Re-runs do only the new work; killed and concurrent runs leave the tables intact."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SAMPLE, folders, paragraph_corpus, run_cli

from pipeline.config import Paths
from pipeline.storage import run_lock
from pipeline.tables import documents_dataset, mentions_dataset, segments_dataset


def _stage_lines(result) -> dict[str, str]:
    return {line.split(":")[0]: line for line in result.stdout.splitlines() if ":" in line}


@pytest.fixture(scope="module")
def three_pages(tmp_path_factory) -> Path:
    """Three sample pages run once through every stage (the costly part, shared)."""
    base = tmp_path_factory.mktemp("incremental")
    (base / "raw").mkdir()
    for path in SAMPLE[:3]:
        shutil.copy(path, base / "raw" / path.name)
    result = run_cli("run", *folders(base))
    assert result.returncode == 0, result.stderr
    return base


@pytest.fixture
def corpus(three_pages, tmp_path) -> Path:
    """A copy of the three processed pages of its own for each test, so that the tests
    hold in any order and alone (file times are kept: unchanged files stay unchanged)."""
    base = tmp_path / "run"
    shutil.copytree(three_pages, base, symlinks=True)
    return base


def test_adding_a_page_processes_only_that_page(corpus):
    shutil.copy(SAMPLE[3], corpus / "raw" / SAMPLE[3].name)
    result = run_cli("run", *folders(corpus))
    assert result.returncode == 0, result.stderr
    lines = _stage_lines(result)
    for stage in ("ingest", "language", "extract"):
        assert "1 new, 0 changed, 0 removed, 3 up to date" in lines[stage], lines[stage]
    docs = pq.read_table(corpus / "processed" / "documents.parquet").to_pandas()
    assert SAMPLE[3].name in set(docs.source)


def test_a_changed_page_replaces_its_rows(corpus):
    page = corpus / "raw" / SAMPLE[2].name
    paths = Paths(corpus / "raw", corpus / "interim", corpus / "processed")
    old_id = documents_dataset(paths).read(keys=[SAMPLE[2].name]).column("doc_id")[0].as_py()
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\nLa Fondation Horizon Vert a rejoint le projet en 2019.\n",
        encoding="utf-8",
    )
    result = run_cli("run", *folders(corpus))
    assert result.returncode == 0, result.stderr
    lines = _stage_lines(result)
    assert "0 new, 1 changed, 0 removed, 2 up to date" in lines["ingest"]
    # downstream, documents are their content: the new text in, the old one out
    assert "1 new, 0 changed, 1 removed, 2 up to date" in lines["extract"]
    new_id = documents_dataset(paths).read(keys=[SAMPLE[2].name]).column("doc_id")[0].as_py()
    assert new_id != old_id
    for dataset in (segments_dataset(paths), mentions_dataset(paths)):
        ids = set(dataset.read(["doc_id"]).column("doc_id").to_pylist())
        assert old_id not in ids and new_id in ids
    orgs = pq.read_table(corpus / "processed" / "organisations.parquet").to_pandas()
    assert "Fondation Horizon Vert" in set(orgs[orgs.doc_id == new_id].name)


def test_a_removed_page_leaves_the_tables(corpus):
    paths = Paths(corpus / "raw", corpus / "interim", corpus / "processed")
    gone = documents_dataset(paths).read(keys=[SAMPLE[0].name]).column("doc_id")[0].as_py()
    (corpus / "raw" / SAMPLE[0].name).unlink()
    result = run_cli("run", *folders(corpus))
    assert result.returncode == 0, result.stderr
    assert "0 new, 0 changed, 1 removed" in _stage_lines(result)["extract"]
    for name in ("documents", "organisations", "places", "dates", "figures", "mentions"):
        table = pq.read_table(corpus / "processed" / f"{name}.parquet", columns=["doc_id"])
        assert gone not in set(table.column("doc_id").to_pylist()), name


def test_a_new_stage_version_redoes_its_documents(corpus):
    """Switching the language detector is a new version of the language stage."""
    result = run_cli("language", *folders(corpus), "--detector", "langdetect")
    assert result.returncode == 0, result.stderr
    assert "0 new, 3 changed, 0 removed, 0 up to date" in result.stdout
    result = run_cli("language", *folders(corpus))
    assert "0 new, 3 changed" in result.stdout


def test_nothing_to_do_the_second_time(corpus):
    run_cli("run", *folders(corpus))  # the copy's processed/ is published for its own path
    result = run_cli("run", *folders(corpus))
    lines = _stage_lines(result)
    for stage in ("ingest", "language", "extract"):
        assert "0 new, 0 changed, 0 removed, 3 up to date" in lines[stage]
    assert "0 new, 0 changed, 0 removed, 3 up to date" in lines["resolve"]
    assert "1 up to date" in lines["link"]


def test_a_second_run_exits_at_once_while_one_is_going(corpus):
    with run_lock(corpus / "interim"):
        result = run_cli("extract", *folders(corpus))
    assert result.returncode != 0
    assert f"another pipeline run (pid {os.getpid()})" in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_run_leaves_readable_tables_and_the_next_run_completes(tmp_path, sig):
    base = tmp_path
    paragraph_corpus(base / "raw", 24)
    assert run_cli("ingest", *folders(base)).returncode == 0
    assert run_cli("language", *folders(base)).returncode == 0
    env = {**os.environ, "PIPELINE_FLUSH_DOCS": "4"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", "--workers", "1", *folders(base)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # a shell's background job starts with SIGINT ignored, and Python then keeps
        # ignoring it: give the run the default disposition a terminal user has
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    manifest = base / "interim" / "mentions.parquet" / "_manifest.json"
    deadline = time.time() + 300
    while not manifest.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    paths = Paths(base / "raw", base / "interim", base / "processed")
    partial = mentions_dataset(paths).read()  # readable, whatever the moment of the kill
    state = (
        pq.read_table(base / "interim" / "state" / "extract.parquet")
        if (base / "interim" / "state" / "extract.parquet").exists()
        else None
    )
    done = set(state.column("doc_id").to_pylist()) if state is not None else set()
    assert len(done) < 24
    keys = list(
        zip(
            *(partial.column(c).to_pylist() for c in ("doc_id", "start", "end", "label")),
            strict=True,
        )
    )
    assert len(keys) == len(set(keys))

    result = run_cli("extract", *folders(base))
    assert result.returncode == 0, result.stderr
    assert f"{24 - len(done)} new" in result.stdout
    finished = mentions_dataset(paths).read()
    # no document's rows twice: each (doc, offsets, label) once
    keys = list(
        zip(
            *(finished.column(c).to_pylist() for c in ("doc_id", "start", "end", "label")),
            strict=True,
        )
    )
    assert len(keys) == len(set(keys))
    assert len(set(finished.column("doc_id").to_pylist())) == 24


def test_a_document_that_breaks_a_stage_is_an_error_row_and_the_rest_goes_on(tmp_path, monkeypatch):
    from pipeline import extract
    from pipeline.stages import run_one

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "fine.txt").write_text(
        "L'association Terre Verte plante 300 arbres à Namur en 2021.", encoding="utf-8"
    )
    (raw / "poison.txt").write_text(
        "Ce texte contient le mot POISON qui fait échouer le stage.", encoding="utf-8"
    )
    paths = Paths(raw, tmp_path / "interim", tmp_path / "processed")
    real = extract.extract_documents

    def fragile(documents, segments_by_doc):
        if any("POISON" in d["text"] for d in documents):
            raise RuntimeError("simulated parser crash")
        return real(documents, segments_by_doc)

    monkeypatch.setattr(extract, "extract_documents", fragile)
    run_one("ingest", paths)
    run_one("language", paths)
    report = run_one("extract", paths)
    assert len(report.errors) == 1 and "simulated parser crash" in report.errors[0][1]
    run_one("resolve", paths)
    run_one("link", paths)
    docs = (
        pq.read_table(tmp_path / "processed" / "documents.parquet").to_pandas().set_index("source")
    )
    assert docs.loc["poison.txt", "status"] == "error"
    assert docs.loc["poison.txt", "error"] == "extract failed: RuntimeError: simulated parser crash"
    assert docs.loc["fine.txt", "status"] == "ok"
    orgs = pq.read_table(tmp_path / "processed" / "organisations.parquet").to_pandas()
    assert "Terre Verte" in set(orgs.name)


def test_a_copy_added_later_under_an_earlier_name_keeps_the_entities(tmp_path):
    """The original stays the document; the copy, whatever its name, is the duplicate row."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE[0], raw / "m-original.txt")
    assert run_cli("run", *folders(tmp_path)).returncode == 0

    def tables():
        docs = pq.read_table(tmp_path / "processed" / "documents.parquet").to_pylist()
        mentions = pq.read_table(tmp_path / "processed" / "mentions.parquet")
        return {d["source"]: d["status"] for d in docs}, mentions.num_rows

    statuses, mentions = tables()
    assert statuses == {"m-original.txt": "ok"} and mentions > 10
    shutil.copy(SAMPLE[0], raw / "a-copy.txt")  # same bytes, a name that sorts first
    result = run_cli("run", *folders(tmp_path))
    assert result.returncode == 0, result.stderr
    assert tables() == ({"m-original.txt": "ok", "a-copy.txt": "duplicate"}, mentions)
