"""Ingest: every file under raw/ becomes one row of clean text with its provenance.

The format is chosen by extension, then by sniffing the first bytes: plain text
and Markdown are decoded (UTF-8, else the detected encoding), HTML goes through
main-content extraction, PDF files through their text layer, Word, OpenDocument
and RTF files through ``formats.office`` (docs/formats.md), and text that was
copied out of a PDF is repaired (hyphenation, wrapped lines, running headers).

Nothing here raises for a bad file: an empty, binary, mis-encoded, enormous or
unreadable file becomes a row with ``status = "error"`` and a one-line reason,
and the run goes on. A file whose bytes are the same as another's is kept as a
``duplicate`` row pointing at the first, so that no text is extracted twice.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .config import (
    IGNORED_NAMES,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    OUTPUT_MARKER,
    Paths,
    stage_versions,
)
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
    kind: str | None = None  # set for what is not a regular file (a FIFO, a device): not read


def display_name(rel: str) -> str:
    """A file name as valid UTF-8: bytes that are not UTF-8 are shown as \\xNN.

    A backslash of the name itself is doubled, so that no two names give one string (a
    byte 0xE9 is `\\xe9`, a name that spells it out is `\\\\xe9`): the source is a row's key.
    """
    escaped = rel.replace("\\", "\\\\")
    return escaped.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# A folder that holds these is the pipeline's own output (interim/, processed/ of this or of
# another run, a reports folder): never documents, wherever it lies under raw/.
OUTPUT_MARKERS = ("documents.parquet", OUTPUT_MARKER)


def is_output_folder(folder: Path) -> bool:
    return any(os.path.lexists(folder / marker) for marker in OUTPUT_MARKERS)


def raw_files(paths: Paths) -> Iterator[RawFile]:
    """The files of a run's raw/, leaving out its interim/ and processed/ if they lie inside."""
    return scan(paths.raw, skip=(paths.interim, paths.processed))


def scan(raw: Path, skip: Iterable[Path] = ()) -> Iterator[RawFile]:
    """Files under `raw`, recursively, in a stable order; links are reported, not followed.

    Folders in `skip` and folders of tables or reports (see OUTPUT_MARKERS) are left out:
    with interim/ inside raw/, every run would otherwise read the last one's tables.
    """
    skipped = {os.path.realpath(folder) for folder in skip}

    def kept(dirpath: str, name: str) -> bool:
        folder = Path(dirpath, name)
        if name.startswith(".") or folder.is_symlink():
            return False
        if os.path.realpath(folder) in skipped or is_output_folder(folder):
            log.info("not a folder of documents (the pipeline's output): %s", folder)
            return False
        return True

    for dirpath, dirnames, filenames in os.walk(raw, followlinks=False):
        links = [d for d in dirnames if os.path.islink(Path(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if kept(dirpath, d))
        for name in sorted(filenames + links):
            if name.startswith(".") or name in IGNORED_NAMES:
                continue
            path = Path(dirpath, name)
            rel = display_name(path.relative_to(raw).as_posix())
            try:
                st = path.lstat()
            except OSError:
                continue  # deleted while we were walking
            if stat.S_ISLNK(st.st_mode):
                target = os.path.realpath(path)
                yield RawFile(rel, path, st.st_size, st.st_mtime_ns, link_target=target)
                continue
            yield RawFile(rel, path, st.st_size, st.st_mtime_ns, kind=special_kind(st.st_mode))


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular one is ("a FIFO (named pipe)"), or None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "a special file"


# --- opening a file under raw/ without following links ----------------------------------------

# Open each folder on the way down relative to the one above it, with O_NOFOLLOW, so that no
# link is followed at any level, however raw/ changes between the scan and the read. Where
# the OS has no O_NOFOLLOW or no dir_fd (Windows), the portable fallback compares the lstat
# taken before opening with the fstat of what was opened.
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# A FIFO swapped in after the scan must not block the open (no writer), and a terminal
# must not become this process's controlling one: the fstat that follows refuses both.
_O_FILE = os.O_RDONLY | _O_BINARY | _O_CLOEXEC | getattr(os, "O_NONBLOCK", 0)
_O_FILE |= getattr(os, "O_NOCTTY", 0)
_OPEN_BENEATH = bool(_O_NOFOLLOW and _O_DIRECTORY) and os.open in os.supports_dir_fd
# ELOOP on Linux and macOS, EMLINK on FreeBSD: the last component was a link.
_LINK_ERRNOS = {errno.ELOOP, getattr(errno, "EMLINK", errno.ELOOP)}


class NotARegularFile(OSError):
    """The path is (or has become) something ingest does not read: a link, a FIFO, a device."""


_LINK_SWAPPED = "symbolic link (it replaced the file after the scan): not followed"


def _open_beneath(root: Path, path: Path) -> int:
    """A read-only descriptor of `path`, opened folder by folder from `root`, no link followed."""
    parts = path.relative_to(root).parts
    folder = os.open(root, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(
                    part, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=folder
                )
            except OSError as exc:
                if exc.errno in _LINK_ERRNOS or exc.errno == errno.ENOTDIR:
                    raise NotARegularFile(_LINK_SWAPPED.replace("file", "folder")) from exc
                raise
            os.close(folder)
            folder = inner
        try:
            return os.open(parts[-1], _O_FILE | _O_NOFOLLOW, dir_fd=folder)
        except OSError as exc:
            if exc.errno in _LINK_ERRNOS:
                raise NotARegularFile(_LINK_SWAPPED) from exc
            raise
    finally:
        os.close(folder)


def _open_checked(root: Path, path: Path) -> int:
    """The portable fallback: lstat, open, then fstat must show the same file, inside root."""
    before = os.lstat(path)
    if stat.S_ISLNK(before.st_mode):
        raise NotARegularFile(_LINK_SWAPPED)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path.parent)]) != real_root:
        raise NotARegularFile(_LINK_SWAPPED.replace("file", "folder"))
    if not stat.S_ISREG(before.st_mode):  # never open a device or a FIFO at all
        raise NotARegularFile(f"{special_kind(before.st_mode)}, not a regular file: not read")
    fd = os.open(path, _O_FILE)
    after = os.fstat(fd)
    if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
        os.close(fd)
        raise NotARegularFile(_LINK_SWAPPED)
    return fd


def open_raw(root: Path, path: Path) -> int:
    """A read-only file descriptor for a file under raw/; raises NotARegularFile for a link."""
    return _open_beneath(root, path) if _OPEN_BENEATH else _open_checked(root, path)


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def path_id(source: str) -> str:
    """Id of a file whose bytes could not be read: its path stands in for its content."""
    return "path-" + hashlib.sha256(source.encode()).hexdigest()[:11]


def _hash_file(fh) -> str:
    h = hashlib.sha256()
    while chunk := fh.read(_HASH_CHUNK):
        h.update(chunk)
    return h.hexdigest()[:16]


def detect_format(source: str, head: bytes) -> str:
    from .formats.office import office_format

    suffix = Path(source).suffix.lower()
    if office := office_format(suffix, head):  # by content first: Word, OpenDocument, RTF
        return office
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

    if fmt in ("docx", "odt", "rtf"):
        from .formats.office import office_columns

        return office_columns(data, fmt)
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


class _TooLarge(Exception):
    def __init__(self, size: int, doc_id: str) -> None:
        self.size, self.doc_id = size, doc_id


def _read_raw(raw_file: RawFile, raw_root: Path) -> bytes:
    """The bytes of a regular file under raw/, read through `open_raw` (no link followed).

    What the open gives is checked with fstat: a FIFO or a device that replaced the file
    after the scan is refused, never read. A file over MAX_FILE_BYTES is hashed in chunks
    (its id) but never held in memory; no more than MAX_FILE_BYTES + 1 bytes are ever read,
    so a file that grows while it is read is refused too.
    """
    with os.fdopen(open_raw(raw_root, raw_file.path), "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(
                f"{special_kind(st.st_mode)} (it replaced the file after the scan), "
                "not a regular file: not read"
            )
        if st.st_size > MAX_FILE_BYTES:
            raise _TooLarge(st.st_size, _hash_file(fh))
        data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            fh.seek(0)
            raise _TooLarge(max(len(data), os.fstat(fh.fileno()).st_size), _hash_file(fh))
        return data


def read_document(raw_file: RawFile, raw_root: Path, version: str) -> dict:
    """One row for one file, whatever the file holds. Never raises for bad input."""
    from .formats.text import FormatError

    if raw_file.link_target is not None:
        root = str(raw_root.resolve())
        inside = raw_file.link_target == root or raw_file.link_target.startswith(root + os.sep)
        where = "inside raw/ (the target is read there)" if inside else "outside raw/"
        return _error(raw_file, version, f"symbolic link pointing {where}: not followed")
    if raw_file.kind is not None:
        return _error(raw_file, version, f"{raw_file.kind}, not a regular file: not read")
    try:
        data = _read_raw(raw_file, raw_root)
    except _TooLarge as exc:
        return _error(
            raw_file,
            version,
            f"file too large ({exc.size / 1e6:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB): split it or raise MAX_FILE_BYTES",
            doc_id=exc.doc_id,
        )
    except NotARegularFile as exc:
        return _error(raw_file, version, str(exc))
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
    A file with the same bytes as a document already in the table is a
    `duplicate` row, whatever its name (among new files, the first in path
    order keeps the text); when the document's file goes, a duplicate is read
    again and takes its place. The document never moves to a copy: its
    segments and mentions stay with it. Rows are committed every `INGEST_BATCH` files. `force`
    reads every file again.
    """
    started = time.perf_counter()
    version = version or stage_versions()["ingest"]
    dataset = documents_dataset(paths)
    meta = dataset.read(["source", "doc_id", "bytes", "mtime_ns", "version", "status"]).to_pylist()
    known = {r["source"]: r for r in meta}
    report = StageReport("ingest")
    files = list(raw_files(paths))
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
    # Files that held the text before are read first, so that they keep it: a copy of a
    # document, whatever its name, is its duplicate, and its entities stay where they are.
    todo.sort(key=lambda f: (known.get(f.source, {}).get("status") != "ok", f.source))
    redo = {f.source for f in todo}
    report.plan.skipped = len(files) - len(todo)
    if not todo and not report.plan.removed and dataset.exists():
        report.seconds = time.perf_counter() - started
        return report

    # The file that held given bytes first keeps the text: an ok row that stays, else the
    # first read below (a file that held the text before, else the first in path order).
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
