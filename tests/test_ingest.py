"""Bad input never crashes a run and never loses data: one row per file, with a clear error.

Every case generates its own file; the run goes on and the good files are processed.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

from pipeline import ingest
from pipeline.config import Paths
from pipeline.tables import documents_dataset

GOOD = "Le Collectif pour la paix travaille à Namur depuis 2004 avec vingt bénévoles.\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _zip_bytes(tmp: Path) -> bytes:
    path = tmp / "a.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("inside.txt", "hello")
    return path.read_bytes()


def _run(raw: Path, tmp: Path) -> dict[str, dict]:
    paths = Paths(raw, tmp / "interim", tmp / "processed")
    ingest.run(paths)
    return {r["source"]: r for r in documents_dataset(paths).read().to_pylist()}


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n   \n", "whitespace"),
        ("image.png", PNG, "binary"),
        ("image-named.txt", PNG, "binary"),
        ("broken.pdf", b"%PDF-1.4\n% not really a pdf\n", "pdf"),
        ("nul.txt", b"text with \x00\x00\x00 NUL bytes\x00" * 20, "binary"),
        (
            "script-only.html",
            b"<html><head><script>var a=1;</script></head><body><script>b()</script></body></html>",
            "no text",
        ),
    ],
)
def test_bad_file_becomes_an_error_row(raw, tmp_path, name, content, fragment):
    (raw / name).write_bytes(content)
    rows = _run(raw, tmp_path)
    assert rows[name]["status"] == "error"
    assert fragment in rows[name]["error"].lower()
    assert "\n" not in rows[name]["error"]
    assert rows["good.txt"]["status"] == "ok"
    assert rows["good.txt"]["text"] == GOOD.strip()


def test_zip_is_an_error_row(raw, tmp_path):
    (raw / "archive.txt").write_bytes(_zip_bytes(tmp_path))
    rows = _run(raw, tmp_path)
    assert rows["archive.txt"]["status"] == "error"
    assert "zip" in rows["archive.txt"]["error"].lower()


@pytest.mark.parametrize(
    "codec, expected",
    [("cp1252", "cp1252"), ("latin-1", None), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")],
)
def test_encodings(raw, tmp_path, codec, expected):
    text = "L’équipe de l’association a formé « vingt » animateurs à Liège en été.\n"
    if codec == "latin-1":
        text = text.replace("’", "'").replace("« ", '"').replace(" »", '"')
    (raw / "page.txt").write_bytes(text.encode(codec))
    row = _run(raw, tmp_path)["page.txt"]
    assert row["status"] == "ok"
    assert row["text"] == text.strip()
    if expected:
        assert row["encoding"] == expected


def test_invalid_utf8_in_the_middle_keeps_the_rest(raw, tmp_path):
    data = (
        ("Première partie du texte, bien encodée. " * 20).encode()
        + b"\xff\xfe\xfa"
        + (" Deuxième partie, elle aussi en UTF-8 correct." * 20).encode()
    )
    (raw / "mixed.txt").write_bytes(data)
    row = _run(raw, tmp_path)["mixed.txt"]
    assert row["status"] == "ok"
    assert row["encoding"].startswith("utf-8")
    assert "Deuxième partie" in row["text"] and "Première partie" in row["text"]


def test_enormous_file_is_refused_without_reading_it_into_memory(raw, tmp_path):
    big = raw / "big.txt"
    with big.open("wb") as fh:
        line = ("Une ligne de texte ordinaire pour remplir le fichier. " * 4 + "\n").encode()
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size > 50 * 1024 * 1024
    rows = _run(raw, tmp_path)
    assert rows["big.txt"]["status"] == "error"
    assert "too large" in rows["big.txt"]["error"]
    assert len(rows["big.txt"]["doc_id"]) == 16  # still identified by the hash of its bytes
    assert rows["good.txt"]["status"] == "ok"


@pytest.mark.parametrize(
    "name, html",
    [
        (
            "unclosed.html",
            "<html><body><p>Le Réseau Solidaire agit à Dakar.<div><p>Deuxième paragraphe",
        ),
        (
            "deep.html",
            "<html><body>"
            + "<div>" * 10_000
            + "<p>Texte au fond de la page, avec des mots.</p>"
            + "</div>" * 10_000,
        ),
        (
            "bomb.xhtml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            "<html><body><p>Le texte de la page est ici. &lol3;</p></body></html>",
        ),
    ],
)
def test_hostile_html_is_processed_safely(raw, tmp_path, name, html):
    (raw / name).write_text(html, encoding="utf-8")
    row = _run(raw, tmp_path)[name]
    assert row["status"] == "ok", row["error"]
    assert "lollollol" not in row["text"]
    assert len(row["text"]) < 10_000


def test_odd_file_names(raw, tmp_path):
    (raw / "une page à lire.txt").write_text(GOOD, encoding="utf-8")
    os.makedirs(raw / "sous dossier", exist_ok=True)
    (raw / "sous dossier" / "Été 2020.md").write_text("# Titre\n\n" + GOOD, encoding="utf-8")
    (raw / os.fsdecode(b"latin1-\xe9t\xe9.txt")).write_text(GOOD + " autre", encoding="utf-8")
    rows = _run(raw, tmp_path)
    assert rows["une page à lire.txt"]["status"] == "duplicate"  # same bytes as good.txt
    assert rows["sous dossier/Été 2020.md"]["status"] == "ok"
    assert rows["latin1-\\xe9t\\xe9.txt"]["status"] == "ok"


def test_symlink_outside_raw_is_not_followed(raw, tmp_path):
    secret = tmp_path / "outside.txt"
    secret.write_text("Texte hors du corpus, qui ne doit pas être lu.", encoding="utf-8")
    (raw / "link.txt").symlink_to(secret)
    row = _run(raw, tmp_path)["link.txt"]
    assert row["status"] == "error"
    assert "outside raw/" in row["error"]
    assert row["text"] is None


def test_unreadable_file(raw, tmp_path, monkeypatch):
    target = raw / "locked.txt"
    target.write_text(GOOD + " verrouillé", encoding="utf-8")
    real = ingest.open_raw

    def open_raw(root, path):  # the tests may run as root, whom chmod does not stop
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(root, path)

    monkeypatch.setattr(ingest, "open_raw", open_raw)
    rows = _run(raw, tmp_path)
    assert rows["locked.txt"]["status"] == "error"
    assert "permission denied" in rows["locked.txt"]["error"]
    assert rows["good.txt"]["status"] == "ok"


def test_file_deleted_while_the_run_is_going(raw, tmp_path, monkeypatch):
    (raw / "fleeting.txt").write_text(GOOD + " bientôt supprimé", encoding="utf-8")
    real = ingest.read_document

    def read_document(raw_file, raw_root, version):
        if raw_file.source == "fleeting.txt":
            raw_file.path.unlink()
        return real(raw_file, raw_root, version)

    monkeypatch.setattr(ingest, "read_document", read_document)
    rows = _run(raw, tmp_path)
    assert rows["fleeting.txt"]["status"] == "error"
    assert "disappeared" in rows["fleeting.txt"]["error"]


def test_error_rows_are_retried_on_the_next_run(raw, tmp_path):
    empty = raw / "later.txt"
    empty.write_bytes(b"")
    assert _run(raw, tmp_path)["later.txt"]["status"] == "error"
    empty.write_text(GOOD + " rempli ensuite", encoding="utf-8")
    assert _run(raw, tmp_path)["later.txt"]["status"] == "ok"


def test_duplicate_takes_over_when_the_original_goes(raw, tmp_path):
    (raw / "zz-copy.txt").write_text(GOOD, encoding="utf-8")
    rows = _run(raw, tmp_path)
    assert rows["zz-copy.txt"]["status"] == "duplicate"
    assert rows["zz-copy.txt"]["error"] == "same content as good.txt"
    (raw / "good.txt").unlink()
    rows = _run(raw, tmp_path)
    assert set(rows) == {"zz-copy.txt"}
    assert rows["zz-copy.txt"]["status"] == "ok"
    assert rows["zz-copy.txt"]["text"] == GOOD.strip()


def test_cli_run_exits_zero_and_lists_errors(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    result = run_cli(
        "ingest",
        "--raw",
        str(raw),
        "--interim",
        str(tmp_path / "i"),
        "--processed",
        str(tmp_path / "p"),
    )
    assert result.returncode == 0, result.stderr
    assert "1 errors" in result.stdout
    assert "empty.txt" in result.stdout


def test_missing_raw_directory_is_a_clear_failure(tmp_path):
    result = run_cli("ingest", "--raw", str(tmp_path / "nowhere"), "--interim", str(tmp_path / "i"))
    assert result.returncode != 0
    assert "does not exist" in result.stderr


def test_bad_argument_is_a_clear_failure():
    result = run_cli("ingest", "--workers", "many")
    assert result.returncode == 2
    assert "invalid int value" in result.stderr


# --- raw/ is read, never what a link points at -------------------------------------------------


def _swap_for_link(path: Path, target: Path) -> None:
    """Replace `path` (a file or a folder) by a symbolic link to `target`, as an attacker would."""
    moved = path.with_name(path.name + ".old")
    path.rename(moved)
    path.symlink_to(target, target_is_directory=target.is_dir())


@pytest.mark.parametrize("portable", [False, True], ids=["nofollow", "portable-fallback"])
@pytest.mark.parametrize("swapped", ["file", "folder"])
def test_file_swapped_for_a_link_after_the_scan_is_not_followed(
    raw, tmp_path, monkeypatch, portable, swapped
):
    """Between scan and read, a file (or its folder) becomes a link to a secret: not read."""
    if portable:
        monkeypatch.setattr(ingest, "_OPEN_BENEATH", False)
    secret_dir = tmp_path / "home"
    secret_dir.mkdir()
    (secret_dir / "page.txt").write_text("Le mot de passe est hunter2.", encoding="utf-8")
    (raw / "sub").mkdir()
    (raw / "sub" / "page.txt").write_text(GOOD + " à remplacer", encoding="utf-8")
    found = {f.source: f for f in ingest.scan(raw)}
    if swapped == "file":
        _swap_for_link(raw / "sub" / "page.txt", secret_dir / "page.txt")
    else:
        _swap_for_link(raw / "sub", secret_dir)
    row = ingest.read_document(found["sub/page.txt"], raw, "v")
    assert row["status"] == "error"
    assert "symbolic link" in row["error"] and "not followed" in row["error"]
    assert row["text"] is None
    assert ingest.read_document(found["good.txt"], raw, "v")["status"] == "ok"


# --- only regular files are read ----------------------------------------------------------------


@pytest.fixture
def alarm():
    """Fail, instead of hanging the suite, when a read blocks (a FIFO with no writer)."""
    import signal

    def timeout(signum, frame):
        raise AssertionError("ingest blocked (a read that never ends)")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_in_raw_is_an_error_row_and_does_not_block(raw, tmp_path, alarm):
    os.mkfifo(raw / "pipe.txt")
    rows = _run(raw, tmp_path)
    assert rows["pipe.txt"]["status"] == "error"
    assert rows["pipe.txt"]["error"] == "a FIFO (named pipe), not a regular file: not read"
    assert rows["good.txt"]["status"] == "ok"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("portable", [False, True], ids=["nofollow", "portable-fallback"])
def test_file_swapped_for_a_fifo_after_the_scan_is_not_read(raw, alarm, monkeypatch, portable):
    """The scan saw a file; by the read it is a FIFO: open does not block, fstat refuses it
    (the fallback's lstat refuses it before any open)."""
    if portable:
        monkeypatch.setattr(ingest, "_OPEN_BENEATH", False)
    (raw / "swap.txt").write_text(GOOD + " bientôt un tube", encoding="utf-8")
    found = {f.source: f for f in ingest.scan(raw)}
    (raw / "swap.txt").unlink()
    os.mkfifo(raw / "swap.txt")
    row = ingest.read_document(found["swap.txt"], raw, "v")
    assert row["status"] == "error"
    assert "FIFO" in row["error"] and "not a regular file" in row["error"]


@pytest.mark.parametrize("portable", [False, True], ids=["nofollow", "portable-fallback"])
def test_a_device_is_not_read_without_end(monkeypatch, portable):
    """A character device (here /dev/zero, as if it were under raw/) is refused after fstat."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    if portable:
        monkeypatch.setattr(ingest, "_OPEN_BENEATH", False)
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1 << 20)  # bounded even if fstat let it by
    zero = ingest.RawFile("zero", Path("/dev/zero"), 0, 0)
    row = ingest.read_document(zero, Path("/dev"), "v")
    assert row["status"] == "error"
    assert "character device" in row["error"] and "not a regular file" in row["error"]


def test_a_file_that_grows_past_the_limit_while_read_is_refused(raw, monkeypatch):
    (raw / "growing.txt").write_text(GOOD * 10, encoding="utf-8")
    found = {f.source: f for f in ingest.scan(raw)}
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)
    real_fstat = os.fstat
    monkeypatch.setattr(  # fstat saw it small; by the read it is larger
        ingest.os,
        "fstat",
        lambda fd: os.stat_result((*real_fstat(fd)[:6], 50, *real_fstat(fd)[7:])),
    )
    row = ingest.read_document(found["growing.txt"], raw, "v")
    assert row["status"] == "error" and "too large" in row["error"]


# --- the pipeline's own folders under raw/ are not documents -----------------------------------


def test_output_folders_inside_raw_are_not_ingested(raw, tmp_path):
    """interim/ and processed/ under raw/ (and any folder of tables) stay out of the corpus."""
    import pyarrow.parquet as pq

    from pipeline.schemas import DOCUMENTS

    paths = Paths(raw, raw / "interim", raw / "processed")
    (raw / "processed").mkdir()
    pq.write_table(DOCUMENTS.empty_table(), raw / "processed" / "documents.parquet")
    (raw / "processed" / "notes.txt").write_text(GOOD + " sortie", encoding="utf-8")
    (raw / "old-run" / "documents.parquet").mkdir(parents=True)  # another run's tables
    (raw / "old-run" / "summary.txt").write_text(GOOD + " ancienne", encoding="utf-8")
    (raw / "reports").mkdir()  # a folder of the corpus that happens to be called reports
    (raw / "reports" / "annual.txt").write_text(GOOD + " rapport annuel", encoding="utf-8")
    for _ in range(3):  # the interim tables of one run are not documents of the next
        ingest.run(paths)
        sources = sorted(r["source"] for r in documents_dataset(paths).read().to_pylist())
        assert sources == ["good.txt", "reports/annual.txt"]


def test_the_document_stays_with_the_file_that_held_it_first(raw, tmp_path):
    """A copy under a name that sorts first is the duplicate, even when the original is touched."""
    assert _run(raw, tmp_path)["good.txt"]["status"] == "ok"
    (raw / "a-copy.txt").write_text(GOOD, encoding="utf-8")
    rows = _run(raw, tmp_path)
    assert (rows["good.txt"]["status"], rows["a-copy.txt"]["status"]) == ("ok", "duplicate")
    assert rows["a-copy.txt"]["error"] == "same content as good.txt"
    os.utime(raw / "good.txt", ns=(1, 1))  # read again, same bytes: still the document
    os.utime(raw / "a-copy.txt", ns=(2, 2))
    rows = _run(raw, tmp_path)
    assert (rows["good.txt"]["status"], rows["a-copy.txt"]["status"]) == ("ok", "duplicate")
    # a copy that is itself changed becomes a document of its own
    (raw / "a-copy.txt").write_text(GOOD + " modifié", encoding="utf-8")
    rows = _run(raw, tmp_path)
    assert (rows["good.txt"]["status"], rows["a-copy.txt"]["status"]) == ("ok", "ok")


def test_names_that_differ_only_in_undecodable_bytes_are_two_documents(raw, tmp_path):
    """A byte that is not UTF-8 is shown as \\xNN: a name spelling \\xe9 literally is another."""
    (raw / os.fsdecode(b"caf\xe9.txt")).write_text(GOOD + " un", encoding="utf-8")
    (raw / "caf\\xe9.txt").write_text(GOOD + " deux", encoding="utf-8")
    (raw / os.fsdecode(b"caf\xe8.txt")).write_text(GOOD + " trois", encoding="utf-8")
    rows = _run(raw, tmp_path)
    assert len(rows) == 4, sorted(rows)
    assert all(r["status"] == "ok" for r in rows.values())
    assert {r["text"].split()[-1] for r in rows.values()} == {"bénévoles.", "un", "deux", "trois"}
    assert {"caf\\xe9.txt", "caf\\\\xe9.txt", "caf\\xe8.txt"} <= set(rows)
