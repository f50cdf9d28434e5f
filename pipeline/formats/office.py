"""Word-processor files (.docx, .odt, .rtf) -> text with parts, like the other formats.

Each reader (``word``, ``odt``, ``rtf``) turns its file into a list of ``Block``\\ s, in reading
order: paragraphs, headings, table rows, and the page headers, footers and notes kept apart.
``assemble`` then writes the text every later stage reads, with the same conventions as
``pdftext`` and ``html``:

- paragraphs and headings are separated by a blank line, so each is its own segment;
- a table row is one line whose cells are joined by `` | `` (as ``pdftext`` writes the rows it
  flattens), the rows of one table on consecutive lines; a cell's own paragraphs are joined by a
  space, so no cell is glued to the next and no row runs into another;
- the body comes first, then the notes (footnotes, endnotes), then the page headers and footers;
- ``parts`` label spans of the text: ``main`` (body paragraphs), ``heading``, ``table-header``
  (the header row of a table), ``table`` (its other rows), ``notes`` and ``chrome`` (page headers
  and footers, as a web page's menus and footers would be).  The label reaches every segment and
  mention through the ``part`` column.

ZIP-based formats (.docx, .odt) go through ``open_archive`` before any library sees them: a
decompression bomb, a damaged archive, an XML part with a document type declaration (the way to
an entity bomb) or a file with macros is refused with a one-line reason.  Nothing in a document
is ever run: macros, embedded objects and images are not read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.formats.text import FormatError, clean_text

# A document's archive, uncompressed, may hold at most this much (declared and actual sizes).
MAX_UNCOMPRESSED_BYTES = 128 * 1024 * 1024
MAX_ENTRIES = 10_000
# An entry larger than RATIO_FLOOR uncompressed may be at most MAX_RATIO times its compressed
# size.  Real documents stay under 45 (measured on 86 .docx/.odt files, images included); a
# deflate bomb reaches ~1000.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
OFFICE_FORMATS = ("docx", "odt", "rtf")
ODT_MIMETYPES = frozenset(
    {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template"}
)
_ODT_MIMETYPE_ENTRY = b"mimetypeapplication/vnd.oasis.opendocument.text"
WORD_SUFFIXES = frozenset({".docx", ".docm", ".dotx", ".dotm"})
ODT_SUFFIXES = frozenset({".odt", ".ott"})
RTF_SUFFIXES = frozenset({".rtf"})

_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of a document: a paragraph, a heading or a table row (``cells`` set)."""

    text: str = ""
    kind: str = "paragraph"  # paragraph | heading | row | header-row
    part: str = "main"  # main | notes | chrome
    cells: tuple[str, ...] = ()
    table: int = 0  # rows of one table share a number (> 0)


@dataclass(frozen=True, slots=True)
class OfficeDocument:
    text: str
    title: str | None
    language: str | None
    parts: list[tuple[int, int, str]]


def office_format(suffix: str, head: bytes) -> str | None:
    """``docx``, ``odt`` or ``rtf`` when the name or the first bytes say so, else None.

    The content wins over the name: a Word file named ``.txt``, or saved without an extension,
    is read as Word.  A ZIP archive counts as Word when its first entries are an Office
    package's (``[Content_Types].xml``, ``word/``), as OpenDocument text when it starts with
    the ODF ``mimetype`` entry; an OLE compound file (how Office stores an encrypted .docx) goes
    to the Word reader only under a Word name, where it says why it cannot be read.
    """
    if head.startswith(ZIP_MAGIC):
        if _ODT_MIMETYPE_ENTRY in head[:200]:
            return "odt"
        if b"[Content_Types].xml" in head or b"word/" in head or suffix in WORD_SUFFIXES:
            return "docx"
        return "odt" if suffix in ODT_SUFFIXES else None
    if head.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if head.startswith(OLE_MAGIC):
        return "docx" if suffix in WORD_SUFFIXES else None
    if suffix in WORD_SUFFIXES:
        return "docx"
    if suffix in ODT_SUFFIXES:
        return "odt"
    return "rtf" if suffix in RTF_SUFFIXES else None


def office_columns(data: bytes, fmt: str) -> dict:
    """The text columns of a documents row for a .docx, .odt or .rtf file (see ingest.convert)."""
    doc = extract_office(data, fmt)
    return {
        "format": fmt,
        "text": doc.text,
        "title": doc.title,
        "lang_hint": doc.language,
        "parts": [{"start": s, "end": e, "part": p} for s, e, p in doc.parts],
    }


def extract_office(data: bytes, fmt: str) -> OfficeDocument:
    """Text, title, language hint and parts of a .docx, .odt or .rtf file; FormatError if none."""
    if fmt == "docx":
        from pipeline.formats.word import read_word as reader
    elif fmt == "odt":
        from pipeline.formats.odt import read_odt as reader
    else:
        from pipeline.formats.rtf import read_rtf as reader
    blocks, title, language = reader(data)
    text, parts = assemble(blocks)
    if not text.strip():
        raise FormatError("no text in the document")
    return OfficeDocument(text, title or first_heading(blocks), language, parts)


# --------------------------------------------------------------------------- archives


def open_archive(data: bytes, kind: str) -> zipfile.ZipFile:
    """The ZIP archive of a .docx/.odt, after checking it can be read safely and has no macros.

    Every entry is decompressed once, in chunks, before any library reads it: its actual size
    must match its declared size (and its CRC, which zipfile checks), the sizes add up to at
    most ``MAX_UNCOMPRESSED_BYTES``, a large entry compresses at most ``MAX_RATIO`` to one, and
    no XML entry may declare a document type (entity definitions live there).
    """
    if data.startswith(OLE_MAGIC):
        raise FormatError(_ole_reason(data, kind))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FormatError(f"damaged {kind} file: not a readable ZIP archive ({exc})") from None
    if len(entries) > MAX_ENTRIES:
        raise FormatError(
            f"{kind} file with {len(entries):,} entries, over the limit of {MAX_ENTRIES:,}"
        )
    declared = sum(e.file_size for e in entries)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise FormatError(_too_big(kind, declared))
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise FormatError(
                f"{kind} file refused: {entry.filename} expands {entry.file_size // max(entry.compress_size, 1):,} "
                f"times (limit {MAX_RATIO}), a decompression bomb"
            )
    actual = 0
    for entry in entries:
        actual += _check_entry(archive, entry, kind)
        if actual > MAX_UNCOMPRESSED_BYTES:
            raise FormatError(_too_big(kind, actual))
    if macros := macro_entries(e.filename for e in entries):
        raise FormatError(
            f"{kind} file with macros ({macros[0]}): not read; save it without macros"
        )
    return archive


def _check_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, kind: str) -> int:
    size = 0
    xml = entry.filename.endswith((".xml", ".rels"))
    try:
        with archive.open(entry) as member:
            while chunk := member.read(_CHUNK):
                if xml and size == 0 and _DOCTYPE.search(chunk, 0, 4096):
                    raise FormatError(
                        f"{kind} file refused: {entry.filename} declares a document type "
                        "(entity definitions are not allowed in a document)"
                    )
                size += len(chunk)
                if size > entry.file_size:
                    raise FormatError(
                        f"{kind} file refused: {entry.filename} is larger than it declares"
                    )
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        if "encrypted" in str(exc):
            raise FormatError(
                f"password-protected {kind} file: remove the password and save it again"
            ) from None
        raise FormatError(f"damaged {kind} file: {entry.filename} cannot be read ({exc})") from None
    if size != entry.file_size:
        raise FormatError(f"damaged {kind} file: {entry.filename} is shorter than it declares")
    return size


def _too_big(kind: str, size: int) -> str:
    return (
        f"{kind} file refused: {size / 2**20:,.0f} MB uncompressed, over the limit of "
        f"{MAX_UNCOMPRESSED_BYTES >> 20} MB (a decompression bomb, or a document too large)"
    )


def _ole_reason(data: bytes, kind: str) -> str:
    """Why an OLE compound file cannot be read: encrypted Office, or an old binary format."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"password-protected {kind} file: remove the password in Word and save it again"
    if "WordDocument".encode("utf-16-le") in data:
        return "Word 97-2003 document (.doc), not .docx: save it as .docx or PDF first"
    return "old Microsoft Office file (OLE compound document), not a .docx"


def macro_entries(names: Iterable[str]) -> list[str]:
    """The entries of an archive that hold macros (VBA projects, Basic or script libraries)."""
    return [
        n
        for n in names
        if n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/"))
    ]


# --------------------------------------------------------------------------- text


def inline(text: str) -> str:
    """A cell's or a paragraph's text on one line: white space runs become one space."""
    return _SPACES.sub(" ", text).strip()


def cell_text(block: Block) -> str:
    """A block inside a table cell, on one line: a nested table's cells are separated by spaces."""
    return " ".join(block.cells) if block.cells else inline(block.text)


def language_code(value: str | None) -> str | None:
    """ "fr" from a stated language such as "fr-BE" or "fr_FR"; None when there is none."""
    match = re.match(r"([a-z]{2,3})(?:[-_]|$)", (value or "").strip().lower())
    return match.group(1) if match else None


def table_rows(
    rows: list[list[str]], header_marked: list[bool], part: str, table: int
) -> list[Block]:
    """Rows of one table as blocks; the header row is the marked one, else a first row of labels.

    A first row counts as a header when no row is marked, the table has other rows, and each of
    its cells holds a word (labels such as "Partenaire | Pays | Montant (€)" do; a first row
    with an amount or a year alone in a cell is data).  Empty rows are dropped.  A one-column
    table is a framed box, not a table: its cells are paragraphs.
    """
    rows = [[inline(c) for c in row] for row in rows]
    if max(map(len, rows), default=0) <= 1:
        return [Block(row[0], part=part) for row in rows if row and row[0]]
    keep = [
        (cells, marked) for cells, marked in zip(rows, header_marked, strict=True) if any(cells)
    ]
    if not keep:
        return []
    if not any(marked for _, marked in keep) and len(keep) > 1:
        first = keep[0][0]
        keep[0] = (first, all(_LETTER.search(c) for c in first if c))
    return [
        Block(" | ".join(cells), "header-row" if marked else "row", part, tuple(cells), table)
        for cells, marked in keep
    ]


def assemble(blocks: list[Block]) -> tuple[str, list[tuple[int, int, str]]]:
    """Text and part spans from blocks (see the module docstring); blocks keep their order
    within a part, parts come in the order main, notes, chrome, and a page header or footer
    comes once however many sections repeat it."""
    ordered = [b for part in ("main", "notes", "chrome") for b in blocks if b.part == part]
    pieces: list[str] = []
    parts: list[tuple[int, int, str]] = []
    pos = 0
    previous: Block | None = None
    chrome: set[str] = set()  # every section may repeat its page header and footer
    for block in ordered:
        text = clean_text(block.text).strip()
        if not text or (block.part == "chrome" and not block.cells and text in chrome):
            continue
        if block.part == "chrome":
            chrome.add(text)
        if previous is not None:
            same_table = (
                block.table and block.table == previous.table and block.part == previous.part
            )
            sep = "\n" if same_table else "\n\n"
            pieces.append(sep)
            pos += len(sep)
        label = _label(block)
        if parts and parts[-1][2] == label:  # only a separator lies between them
            parts[-1] = (parts[-1][0], pos + len(text), label)
        else:
            parts.append((pos, pos + len(text), label))
        pieces.append(text)
        pos += len(text)
        previous = block
    return "".join(pieces), parts


def _label(block: Block) -> str:
    if block.part != "main":
        return block.part
    return {"heading": "heading", "row": "table", "header-row": "table-header"}.get(
        block.kind, "main"
    )


def first_heading(blocks: list[Block]) -> str | None:
    """The first heading of the body, as the title when the file states none."""
    for block in blocks:
        if block.part == "main" and block.kind == "heading" and 0 < len(inline(block.text)) <= 200:
            return inline(block.text)
    return None
