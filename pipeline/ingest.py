"""Ingest: every file under raw/ becomes one row of clean text with its provenance.

The format is chosen by extension, then by sniffing the first bytes: plain text
and Markdown are decoded (UTF-8, else the detected encoding), HTML goes through
main-content extraction, PDF files through their text layer, and text that was
copied out of a PDF is repaired (hyphenation, wrapped lines, running headers).

Nothing here raises for a bad file: an empty, binary, mis-encoded, enormous or
unreadable file becomes a row with ``status = "error"`` and a one-line reason,
and the run goes on. A file whose bytes are the same as another's is kept as a
``duplicate`` row pointing at the first, so that no text is extracted twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .config import IGNORED_NAMES, MAX_FILE_BYTES, MAX_TEXT_CHARS, Paths, stage_versions
from .progress import Progress
from .runner import StageReport
from .schemas import DOCUMENTS_RAW
from .tables import documents_dataset

INGEST_BATCH = 500  # files per commit

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
PDF_SUFFIXES = {".pdf"}
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file found under raw/, before it is read."""

    source: str  # path relative to raw/, with '/' separators
    path: Path
    size: int
    mtime_ns: int
    link_target: str | None = None  # set for symbolic links, which are never followed


def display_name(rel: str) -> str:
    """A file name as valid UTF-8: bytes that are not UTF-8 are shown as \\xNN."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def scan(raw: Path) -> Iterator[RawFile]:
    """Files under `raw`, recursively, in a stable order; links are reported, not followed."""
    for dirpath, dirnames, filenames in os.walk(raw, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(Path(dirpath, d))]):
            if name.startswith(".") or name in IGNORED_NAMES:
                continue
            path = Path(dirpath, name)
            rel = display_name(path.relative_to(raw).as_posix())
            try:
                st = path.lstat()
            except OSError:
                continue  # deleted while we were walking
            if path.is_symlink():
                target = os.path.realpath(path)
                yield RawFile(rel, path, st.st_size, st.st_mtime_ns, link_target=target)
                continue
            yield RawFile(rel, path, st.st_size, st.st_mtime_ns)


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def path_id(source: str) -> str:
    """Id of a file whose bytes could not be read: its path stands in for its content."""
    return "path-" + hashlib.sha256(source.encode()).hexdigest()[:11]


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()[:16]


def detect_format(source: str, head: bytes) -> str:
    suffix = Path(source).suffix.lower()
    if suffix in PDF_SUFFIXES or head.startswith(b"%PDF-"):
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    sniff = head[:2048].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<html" in sniff:
        return "html"
    return "text"


def _row(raw_file: RawFile, version: str, **values) -> dict:
    row = {
        "doc_id": None,
        "source": raw_file.source,
        "format": None,
        "encoding": None,
        "bytes": raw_file.size,
        "mtime_ns": raw_file.mtime_ns,
        "title": None,
        "text": None,
        "n_chars": 0,
        "lang_hint": None,
        "canonical_url": None,
        "site_name": None,
        "published": None,
        "parts": None,
        "pages": None,
        "status": "ok",
        "error": None,
        "version": version,
    }
    row.update(values)
    return row


def _error(
    raw_file: RawFile, version: str, message: str, doc_id: str | None = None, **values
) -> dict:
    return _row(
        raw_file,
        version,
        doc_id=doc_id or path_id(raw_file.source),
        status="error",
        error=message,
        **values,
    )


def _first_line_title(text: str) -> str | None:
    """A short first line with no sentence end reads as the title of a text file."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if 0 < len(first) <= 120 and not first.endswith((".", ",", ";", ":")):
        return first
    return None


def convert(data: bytes, fmt: str) -> dict:
    """Turn the bytes of one file into the text columns of its row.

    Raises FormatError with a one-line reason when the bytes are not a document.
    """
    from .formats.text import FormatError, clean_text, decode_text

    if fmt == "pdf":
        from .formats.pdf import extract_pdf

        text, pages, title = extract_pdf(data)
        return {
            "format": "pdf",
            "text": text,
            "title": title or _first_line_title(text),
            "pages": [{"start": s, "end": e, "page": p} for s, e, p in pages],
        }
    if fmt == "html":
        from .formats.html import extract_html

        doc = extract_html(data)
        return {
            "format": "html",
            "encoding": doc.encoding,
            "text": doc.text,
            "title": doc.title,
            "lang_hint": doc.language,
            "canonical_url": doc.canonical_url,
            "site_name": doc.site_name,
            "published": doc.published,
            "parts": [{"start": s, "end": e, "part": p} for s, e, p in doc.parts],
        }
    decoded = decode_text(data)
    text = decoded.text
    if fmt == "markdown":
        from .formats.markdown import markdown_to_text

        text = markdown_to_text(text)
    text = clean_text(text)
    if not text.strip():
        raise FormatError("no text after clean-up")
    pages = None
    from .formats.pdftext import clean_pdf_text, looks_like_pdf_text

    if looks_like_pdf_text(text):
        text, spans = clean_pdf_text(text.split("\f"))
        pages = [{"start": s, "end": e, "page": p} for s, e, p in spans]
        fmt = "pdf-text"
    return {
        "format": fmt,
        "encoding": decoded.encoding,
        "text": text,
        "title": _first_line_title(text),
        "pages": pages,
    }


def read_document(raw_file: RawFile, raw_root: Path, version: str) -> dict:
    """One row for one file, whatever the file holds. Never raises for bad input."""
    from .formats.text import FormatError

    if raw_file.link_target is not None:
        root = str(raw_root.resolve())
        inside = raw_file.link_target == root or raw_file.link_target.startswith(root + os.sep)
        where = "inside raw/ (the target is read there)" if inside else "outside raw/"
        return _error(raw_file, version, f"symbolic link pointing {where}: not followed")
    if raw_file.size > MAX_FILE_BYTES:
        try:
            doc_id = _hash_file(raw_file.path)
        except OSError as exc:
            return _error(raw_file, version, f"cannot read file: {exc.strerror or exc}")
        return _error(
            raw_file,
            version,
            f"file too large ({raw_file.size / 1e6:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB): split it or raise MAX_FILE_BYTES",
            doc_id=doc_id,
        )
    try:
        data = raw_file.path.read_bytes()
    except FileNotFoundError:
        return _error(raw_file, version, "file disappeared while the run was reading it")
    except PermissionError:
        return _error(raw_file, version, "permission denied: make the file readable (chmod +r)")
    except IsADirectoryError:
        return _error(raw_file, version, "a directory, not a file")
    except OSError as exc:
        return _error(raw_file, version, f"cannot read file: {exc.strerror or exc}")
    doc_id = content_id(data)
    fmt = detect_format(raw_file.source, data[:4096])
    try:
        values = convert(data, fmt)
    except FormatError as exc:
        return _error(raw_file, version, str(exc), doc_id=doc_id, format=fmt, bytes=len(data))
    except RecursionError:
        return _error(
            raw_file, version, "document nested too deeply to parse", doc_id=doc_id, format=fmt
        )
    except MemoryError:
        return _error(raw_file, version, "document too large to parse in memory", doc_id=doc_id)
    except Exception as exc:  # a parser bug must not stop the run: report it on the row
        log.exception("unexpected error while ingesting %s", raw_file.source)
        return _error(
            raw_file, version, f"could not parse {fmt}: {type(exc).__name__}: {exc}", doc_id=doc_id
        )
    text = values.get("text") or ""
    if len(text) > MAX_TEXT_CHARS:
        return _error(
            raw_file,
            version,
            f"text too long ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})",
            doc_id=doc_id,
            format=values.get("format"),
        )
    if not text.strip():
        return _error(
            raw_file, version, "no text found", doc_id=doc_id, format=values.get("format")
        )
    return _row(raw_file, version, doc_id=doc_id, bytes=len(data), n_chars=len(text), **values)


def run(paths: Paths, version: str | None = None, force: bool = False) -> StageReport:
    """Bring interim/documents.parquet in line with raw/.

    An unchanged file (same size, modification time and ingest version) keeps
    its row without being read again; a new or changed one is read; the rows of
    removed files leave the table. Error rows are retried on every run, since
    the fix (a chmod, a re-download) need not change the file's time stamp.
    A file with the same bytes as an earlier one (in path order) is a
    `duplicate` row; when the earlier one goes, the duplicate is read again and
    takes its place. Rows are committed every `INGEST_BATCH` files. `force`
    reads every file again.
    """
    started = time.perf_counter()
    version = version or stage_versions()["ingest"]
    dataset = documents_dataset(paths)
    meta = dataset.read(["source", "doc_id", "bytes", "mtime_ns", "version", "status"]).to_pylist()
    known = {r["source"]: r for r in meta}
    report = StageReport("ingest")
    files = list(scan(paths.raw))
    seen = {f.source for f in files}
    report.plan.removed = sorted(set(known) - seen)

    def unchanged(f: RawFile) -> bool:
        r = known.get(f.source)
        return (
            not force
            and r is not None
            and (r["bytes"], r["mtime_ns"], r["version"]) == (f.size, f.mtime_ns, version)
            and r["status"] in ("ok", "duplicate")
        )

    todo = [f for f in files if not unchanged(f)]
    # A duplicate whose original is going away is read again to take its place.
    leaving = {known[s]["doc_id"] for s in report.plan.removed if known[s]["status"] == "ok"}
    leaving |= {
        known[f.source]["doc_id"]
        for f in todo
        if f.source in known and known[f.source]["status"] == "ok"
    }
    todo_sources = {f.source for f in todo}
    todo += [
        f
        for f in files
        if f.source not in todo_sources
        and known[f.source]["status"] == "duplicate"
        and known[f.source]["doc_id"] in leaving
    ]
    todo.sort(key=lambda f: f.source)
    redo = {f.source for f in todo}
    report.plan.skipped = len(files) - len(todo)
    if not todo and not report.plan.removed and dataset.exists():
        report.seconds = time.perf_counter() - started
        return report

    # the first path (in order) holding given bytes keeps the text
    owner: dict[str, str] = {
        r["doc_id"]: r["source"]
        for r in sorted(meta, key=lambda r: r["source"])
        if r["status"] == "ok" and r["source"] in seen and r["source"] not in redo
    }
    progress = Progress("ingest", total=len(todo), unit="files")
    batch: list[dict] = []
    drop = list(report.plan.removed)
    for raw_file in todo:
        row = read_document(raw_file, paths.raw, version)
        previous = known.get(raw_file.source)
        if previous is None:
            report.plan.new += 1
        elif (previous["doc_id"], previous["version"]) == (row["doc_id"], version):
            report.plan.skipped += 1  # touched, or a duplicate re-read: same bytes, same text
        else:
            report.plan.changed += 1
        if row["status"] == "ok":
            first = owner.setdefault(row["doc_id"], row["source"])
            if first != row["source"]:
                if first > row["source"]:  # this path comes first: it takes the text over
                    owner[row["doc_id"]] = row["source"]
                    drop.append(first)
                    todo_first = next(f for f in files if f.source == first)
                    batch.append(
                        _as_duplicate(read_document(todo_first, paths.raw, version), row["source"])
                    )
                else:
                    row = _as_duplicate(row, first)
        if row["status"] == "error":
            report.errors.append((row["source"], row["error"]))
        batch.append(row)
        drop.append(row["source"])
        progress.update(1)
        if len(batch) >= INGEST_BATCH:
            dataset.replace_rows([pa.Table.from_pylist(batch, schema=DOCUMENTS_RAW)], drop)
            batch, drop = [], []
    progress.close()
    dataset.replace_rows([pa.Table.from_pylist(batch, schema=DOCUMENTS_RAW)], drop)
    dataset.compact()
    report.rows = dataset.num_rows()
    report.seconds = time.perf_counter() - started
    return report


def _as_duplicate(row: dict, first: str) -> dict:
    return {**row, "status": "duplicate", "error": f"same content as {first}"}
