"""The runner: broken runs finish, damaged tables are redone, processed/ changes at once.

Each test builds its own folders (or copies the sample run's), so none depends
on another's order.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SAMPLE, folders, paragraph_corpus, run_cli

from pipeline import runner, storage, timing
from pipeline.config import Paths
from pipeline.runner import Options
from pipeline.schemas import PROCESSED_TABLES, STAGE_STATE
from pipeline.stages import run_one
from pipeline.storage import run_lock
from pipeline.tables import mentions_dataset, resolved_datasets


def _copy_run(sample_run: Path, base: Path) -> Paths:
    """The sample run's raw/, interim/ and processed/ in a folder of the test's own."""
    for name in ("raw", "interim", "processed"):
        shutil.copytree(sample_run / name, base / name)
    return Paths(base / "raw", base / "interim", base / "processed")


def _sorted_rows(path: Path) -> list[str]:
    return sorted(
        json.dumps(r, sort_keys=True, default=str) for r in pq.read_table(path).to_pylist()
    )


def _same_processed(a: Path, b: Path) -> None:
    for name in PROCESSED_TABLES:
        assert _sorted_rows(a / f"{name}.parquet") == _sorted_rows(b / f"{name}.parquet"), name


def _start(args: list[str], env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.time() + 300
    while not path.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be stopped"


def _make_command(*targets: str, base: Path) -> list[str]:
    """make in the project, on `base`'s folders; the installed environment is taken as it is."""
    return [
        *("make", "-s", "-o", ".venv/.installed", *targets, f"PY={sys.executable}"),
        *(f"{name.upper()}={base / name}" for name in ("raw", "interim", "processed")),
        "WORKERS=1",
    ]


def _make(*targets: str, base: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        _make_command(*targets, base=base), cwd=ROOT, capture_output=True, text=True, timeout=900
    )


# --- interrupted runs ---------------------------------------------------------------


def test_make_after_an_interrupted_stage_finishes_the_work(tmp_path):
    """Issue 16 (2): `make` killed during extract (make and the pipeline under it, as a
    terminal's Ctrl-\\ or a closed session would), then `make` again: every document ends
    in the tables; `status` says the work is incomplete before and complete after. Make's
    file targets used to be the interim folders, which each commit touched, so the second
    make skipped the stage. The folder's name has a space, which those targets could not hold."""
    base = tmp_path / "a folder"
    paragraph_corpus(base / "raw", 24)
    proc = subprocess.Popen(
        _make_command(base=base),
        cwd=ROOT,
        env={**os.environ, "PIPELINE_FLUSH_DOCS": "4"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(base / "interim" / "mentions.parquet" / "_manifest.json", proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    with pytest.raises(ProcessLookupError):  # nothing of the first make goes on
        for _ in range(50):
            os.killpg(proc.pid, 0)
            time.sleep(0.1)

    status = run_cli("status", *folders(base))
    assert status.returncode == 0, status.stderr
    assert "incomplete: run `make`" in status.stdout
    assert "extract: " in status.stdout and " not done yet" in status.stdout
    assert "link: " in status.stdout and "not published yet" in status.stdout

    result = _make(base=base)
    assert result.returncode == 0, result.stderr
    docs = pq.read_table(base / "processed" / "documents.parquet")
    assert docs.num_rows == 24
    mentioned = set(pq.read_table(base / "processed" / "mentions.parquet")["doc_id"].to_pylist())
    assert mentioned == set(docs["doc_id"].to_pylist())
    status = run_cli("status", *folders(base))
    assert "incomplete" not in status.stdout, status.stdout
    # and a second make has nothing to do
    again = _make("extract", base=base)
    assert "extract: 0 new, 0 changed, 0 removed, 24 up to date" in again.stdout


def test_make_extract_on_a_fresh_folder_ingests_first(tmp_path):
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE[0], tmp_path / "raw")
    result = _make("language", base=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ingest: 1 new" in result.stdout and "language: 1 new" in result.stdout
    assert not (tmp_path / "processed").exists()


def test_ctrl_c_with_two_workers_stops_the_run_and_keeps_its_commits(tmp_path):
    """Issue 16 (7): SIGINT to the whole process group, as a terminal sends it,
    with a pool of two workers: the run stops, the lock is free, commits stay."""
    paragraph_corpus(tmp_path / "raw", 60)
    assert run_cli("language", *folders(tmp_path)).returncode == 0
    proc = _start(
        ["extract", "--workers", "2", *folders(tmp_path)],
        {"PIPELINE_FLUSH_DOCS": "4"},
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _wait_for(tmp_path / "interim" / "state" / "extract.parquet", proc)  # a first commit
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run did not stop on Ctrl-C")
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    with pytest.raises(ProcessLookupError):  # no worker left behind
        for _ in range(50):
            os.killpg(proc.pid, 0)
            time.sleep(0.1)
    with run_lock(tmp_path / "interim"):
        pass  # released
    state = pq.read_table(tmp_path / "interim" / "state" / "extract.parquet")
    assert 0 < state.num_rows < 60
    result = run_cli("extract", "--workers", "1", *folders(tmp_path))
    assert f"extract: {60 - state.num_rows} new" in result.stdout


# --- damaged and missing tables ---------------------------------------------------


def test_a_deleted_interim_table_is_redone(sample_run, tmp_path):
    """Issue 16 (4): interim/mentions.parquet deleted; the next run redoes extract's
    documents with a message, and processed/ comes back whole."""
    paths = _copy_run(sample_run, tmp_path)
    shutil.rmtree(paths.interim / "mentions.parquet")
    result = run_cli("run", *folders(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "rows of 6 documents are missing: redone" in result.stdout
    assert "extract: 0 new, 6 changed" in result.stdout
    _same_processed(paths.processed, sample_run / "processed")


@pytest.mark.parametrize(
    "damage",
    ["manifest", "part", "state"],
)
def test_a_damaged_table_is_a_message_and_is_redone(sample_run, tmp_path, damage):
    """Issue 16 (10): a truncated manifest, a garbage part file or a garbage state
    file: `status` and `run` say what is wrong, never a traceback, and the run repairs it."""
    paths = _copy_run(sample_run, tmp_path)
    table = resolved_datasets(paths)["mentions"]
    if damage == "manifest":
        (table.path / "_manifest.json").write_text('{"parts": ["part-', encoding="utf-8")
    elif damage == "part":
        (table.path / table.parts()[0]).write_bytes(b"not parquet at all")
    else:
        (paths.state / "resolve.parquet").write_bytes(b"PAR1 garbage")
    (paths.interim / "runs.jsonl").write_text("{truncated\n\x00\x00\n", encoding="utf-8")
    status = run_cli("status", *folders(tmp_path))
    assert status.returncode == 0 and "Traceback" not in status.stderr, status.stderr
    assert "incomplete" in status.stdout
    result = run_cli("run", *folders(tmp_path))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "note:" in result.stdout and "resolve: 0 new, 0 changed" not in result.stdout
    _same_processed(paths.processed, sample_run / "processed")
    assert "incomplete" not in run_cli("status", *folders(tmp_path)).stdout


def test_a_damaged_processed_manifest_is_a_message_and_is_remade(sample_run, tmp_path):
    """Issue 16 (10): a truncated processed/_manifest.json (the state of link)."""
    paths = _copy_run(sample_run, tmp_path)
    (paths.processed / "_manifest.json").write_text('{"stage": "link", "tab', encoding="utf-8")
    status = run_cli("status", *folders(tmp_path))
    assert status.returncode == 0 and "Traceback" not in status.stderr, status.stderr
    assert "incomplete" in status.stdout
    result = run_cli("run", *folders(tmp_path))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "no readable _manifest.json: its tables are remade" in result.stdout
    _same_processed(paths.processed, sample_run / "processed")
    assert "incomplete" not in run_cli("status", *folders(tmp_path)).stdout


def test_a_damaged_processed_table_is_remade(sample_run, tmp_path):
    paths = _copy_run(sample_run, tmp_path)
    (paths.processed / "places.parquet").write_bytes(b"garbage")
    result = run_cli("link", *folders(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "places.parquet is missing or damaged: remade" in result.stdout
    _same_processed(paths.processed, sample_run / "processed")


# --- processed/ published at once ---------------------------------------------------


def test_processed_changes_together_or_not_at_all(sample_run, tmp_path, monkeypatch):
    """A link stage that fails half-way (a full disk) leaves every processed table as
    it was; the next run publishes the new set, and no staging folder is left."""
    paths = _copy_run(sample_run, tmp_path)
    before = {n: _sorted_rows(paths.processed / f"{n}.parquet") for n in PROCESSED_TABLES}
    from pipeline import link, stages

    real = link.build

    def full_disk(paths, out):
        real(paths, out)
        raise OSError(28, "No space left on device")

    declared = stages.STAGES["link"]
    monkeypatch.setitem(stages.STAGES, "link", dataclasses.replace(declared, build=full_disk))
    with pytest.raises(OSError):
        run_one("link", paths, Options(force=frozenset({"link"})))
    after = {n: _sorted_rows(paths.processed / f"{n}.parquet") for n in PROCESSED_TABLES}
    assert after == before
    monkeypatch.setitem(stages.STAGES, "link", declared)
    report = run_one("link", paths, Options(force=frozenset({"link"})))
    assert report.plan.new == 6
    assert not storage.staging_folder(paths.processed).exists()
    manifest = json.loads((paths.processed / "_manifest.json").read_text())
    assert manifest["tables"]["documents.parquet"] == 6


def test_a_full_disk_is_a_message_and_processed_stays(sample_run, tmp_path):
    """Issue 16 (10): writes fail (here: a file size limit, as a full disk would) while link
    writes its tables: one line that says what to do, no traceback, processed/ unchanged."""
    paths = _copy_run(sample_run, tmp_path)
    before = {n: _sorted_rows(paths.processed / f"{n}.parquet") for n in PROCESSED_TABLES}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "link", "--force", "link", *folders(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        # Python ignores SIGXFSZ: a write past the limit fails with EFBIG instead
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)),
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "File too large" in result.stderr and "run again" in result.stderr
    after = {n: _sorted_rows(paths.processed / f"{n}.parquet") for n in PROCESSED_TABLES}
    assert after == before


def test_a_publication_cut_short_is_finished_by_the_next_run(tmp_path):
    """Killed between moving the old folder away and the new one in (where the two
    cannot be swapped in one step): the next run puts the complete new set in place."""
    target = tmp_path / "processed"
    staging = storage.staging_folder(target)
    staging.mkdir()
    (staging / "documents.parquet").write_bytes(b"new")
    (staging / storage.COMPLETE).write_text("{}")
    old = tmp_path / ".processed.old"
    old.mkdir()
    (old / "documents.parquet").write_bytes(b"old")
    assert "published" in runner.tidy(Paths(tmp_path / "raw", tmp_path / "interim", target))[0]
    assert (target / "documents.parquet").read_bytes() == b"new"
    assert not staging.exists() and not old.exists()


def test_the_users_own_files_in_processed_stay(tmp_path):
    target = tmp_path / "processed"
    target.mkdir()
    (target / "documents.parquet").write_bytes(b"old")
    (target / "my-notes.txt").write_text("mine")
    staging = storage.staging_folder(target)
    staging.mkdir()
    (staging / "documents.parquet").write_bytes(b"new")
    storage.publish_folder(target, keep={"documents.parquet"})
    assert (target / "documents.parquet").read_bytes() == b"new"
    assert (target / "my-notes.txt").read_text() == "mine"
    assert not staging.exists()


# --- files and folders ----------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_tables_get_the_mode_the_umask_gives(tmp_path, umask):
    """Issue 16 (10): tables were 0600 whatever the umask (mkstemp's mode)."""
    old = os.umask(umask)
    try:
        storage.write_table(pa.table({"doc_id": ["a"]}), tmp_path / "t.parquet")
        writer = storage.StreamWriter(tmp_path / "s.parquet", pa.schema([("doc_id", pa.string())]))
        writer.close()
    finally:
        os.umask(old)
    for name in ("t.parquet", "s.parquet"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_temporary_files_left_by_a_kill_are_removed(tmp_path):
    paths = Paths(tmp_path / "raw", tmp_path / "interim", tmp_path / "processed")
    left = [
        paths.interim / "mentions.parquet" / ".part-1.parquet.abc123.tmp",
        paths.interim / "state" / ".extract.parquet.x1.tmp",
        paths.processed / ".documents.parquet.q9.tmp",
    ]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    kept = paths.processed / "notes.tmp.txt"
    kept.write_text("not ours")
    assert runner.tidy(paths) == ["removed 3 temporary files left by an interrupted run"]
    assert not any(p.exists() for p in left) and kept.exists()


def test_a_processed_folder_that_cannot_be_written_fails_before_any_stage(tmp_path):
    """Issue 16 (10): the run failed only at the end, after every other stage ran."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE[0], tmp_path / "raw")
    (tmp_path / "file").write_text("a file, not a folder")
    result = run_cli(
        "run",
        "--raw",
        str(tmp_path / "raw"),
        "--interim",
        str(tmp_path / "interim"),
        "--processed",
        str(tmp_path / "file" / "processed"),
    )
    assert result.returncode != 0
    assert "cannot be written" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "interim" / "documents.parquet").exists()


def _as_a_user() -> None:
    """preexec_fn: drop the capabilities that let root write and search any folder
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so that the permissions of a folder hold
    for the run as they would for a user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.parametrize("read_only", ["processed", "its parent"])
def test_a_read_only_processed_folder_fails_before_any_stage(tmp_path, read_only):
    """Issue 16 (10): the run failed only at the end, with a traceback, after every other
    stage ran. Run as root (as in CI containers), the run first drops root's right to
    write anywhere. Publishing replaces processed/ as a whole: its parent is written too."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE[0], tmp_path / "raw")
    (tmp_path / "parent" / "processed").mkdir(parents=True)
    locked = tmp_path / "parent" / "processed" if read_only == "processed" else tmp_path / "parent"
    locked.chmod(0o555)
    as_a_user = None
    if os.access(locked, os.W_OK):
        if sys.platform != "linux":
            pytest.skip("this user writes read-only folders (root): nothing to check")
        as_a_user = _as_a_user
    command = [sys.executable, "-m", "pipeline", "run", *folders(tmp_path)[:4]]
    try:
        result = subprocess.run(
            [*command, "--processed", str(tmp_path / "parent" / "processed")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            preexec_fn=as_a_user,
        )
    finally:
        locked.chmod(0o755)
    assert result.returncode != 0 and "cannot be written" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "interim" / "documents.parquet").exists()


# --- retries and forced stages --------------------------------------------------------


def _failing(monkeypatch, error: type[Exception]) -> None:
    from pipeline import resolve

    real = resolve.resolve_document

    def failing(doc, segments, mentions):
        if doc["doc_id"] == failing.doc_id:
            raise error("no module named 'gazetteer_helper'")
        return real(doc, segments, mentions)

    monkeypatch.setattr(resolve, "resolve_document", failing)
    return failing


def test_retry_errors_reads_documents_in_error_again(sample_run, tmp_path, monkeypatch):
    paths = _copy_run(sample_run, tmp_path)
    failing = _failing(monkeypatch, RuntimeError)
    failing.doc_id = pq.read_table(paths.processed / "documents.parquet")["doc_id"][0].as_py()
    forced = Options(force=frozenset({"resolve"}))
    assert len(run_one("resolve", paths, forced).errors) == 1
    failing.doc_id = None  # the cause is fixed
    assert run_one("resolve", paths).plan.changed == 0  # an error stays an error...
    report = run_one("resolve", paths, Options(retry_errors=True))
    assert (report.plan.changed, report.errors) == (1, [])  # ...until retried
    run_one("link", paths)
    _same_processed(paths.processed, sample_run / "processed")


def test_an_environment_error_is_retried_once_the_environment_changed(
    sample_run, tmp_path, monkeypatch
):
    paths = _copy_run(sample_run, tmp_path)
    failing = _failing(monkeypatch, ModuleNotFoundError)
    failing.doc_id = pq.read_table(paths.processed / "documents.parquet")["doc_id"][0].as_py()
    report = run_one("resolve", paths, Options(force=frozenset({"resolve"})))
    assert report.errors[0][1].startswith("ModuleNotFoundError:")
    failing.doc_id = None
    assert run_one("resolve", paths).plan.changed == 0  # same environment: not retried
    monkeypatch.setattr(runner, "environment", lambda: "a package was installed")
    assert run_one("resolve", paths).plan.changed == 1


def test_force_redoes_a_stage_and_the_stages_after_it(sample_run, tmp_path):
    _copy_run(sample_run, tmp_path)
    result = run_cli("run", "--force", "resolve", *folders(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines() if ":" in line}
    assert "0 new, 0 changed, 0 removed, 6 up to date" in lines["extract"]
    assert "0 new, 6 changed" in lines["resolve"]
    assert "link: 6 new" in lines["link"]


def test_a_document_redone_upstream_is_redone_downstream(sample_run, tmp_path):
    """Rows made again upstream (here: resolve forced) are read again downstream
    even when no version changed."""
    paths = _copy_run(sample_run, tmp_path)
    before = pq.read_table(paths.state / "resolve.parquet")["made"].to_pylist()
    run_one("resolve", paths, Options(force=frozenset({"resolve"})))
    after = pq.read_table(paths.state / "resolve.parquet")["made"].to_pylist()
    assert set(before).isdisjoint(after)
    row = {"doc_id": "x", "version": "v", "n_rows": 1, "status": "ok", "input": "t1"}
    state = pa.Table.from_pylist([row], schema=STAGE_STATE)
    assert runner.plan(["x"], state, "v", {"x": "t1"}).skipped == 1
    assert runner.plan(["x"], state, "v", {"x": "t2"}).changed == 1


# --- timing for the benchmark ----------------------------------------------------------


def test_timing_is_collected_only_when_the_benchmark_asks(monkeypatch):
    monkeypatch.setattr(timing, "ENABLED", False)
    with timing.section("model_seconds"):
        pass
    assert timing.drain() == {}
    monkeypatch.setattr(timing, "ENABLED", True)

    def work(payload):
        with timing.section("model_seconds"):
            time.sleep(0.01)
        return payload

    result, sections = timing.timed_call(work, 7)
    assert result == 7 and sections["model_seconds"] > 0


def test_the_run_log_has_the_model_time_of_a_timed_run(sample_run, tmp_path):
    """interim/runs.jsonl: extract's time in nlp.pipe and in loading the models, which
    `make bench` sets against the whole run; an untimed run has none."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLE[0], tmp_path / "raw")
    proc = _start(["run", "--workers", "1", *folders(tmp_path)], {"PIPELINE_TIMINGS": "1"})
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    entries = [json.loads(line) for line in (tmp_path / "interim" / "runs.jsonl").open()]
    extract = next(e for e in entries if e["stage"] == "extract")
    assert extract["model_seconds"] > 0 and extract["model_load_seconds"] > 0
    assert extract["model_seconds"] + extract["model_load_seconds"] < extract["seconds"]
    assert all("model_seconds" not in e for e in entries if e["stage"] != "extract")
    untimed = [json.loads(line) for line in (sample_run / "interim" / "runs.jsonl").open()]
    assert all("model_seconds" not in e for e in untimed)


def test_mentions_survive_a_run_of_each_stage_alone(sample_run, tmp_path):
    paths = _copy_run(sample_run, tmp_path)
    rows = mentions_dataset(paths).num_rows()
    for stage in ("ingest", "language", "resolve", "link"):
        assert run_one(stage, paths).plan.nothing_to_do
    assert mentions_dataset(paths).num_rows() == rows
