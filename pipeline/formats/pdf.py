"""PDF bytes -> clean text with page spans, via pypdf's text layer and ``pdftext.clean_pdf_text``.

Only the text layer is read: a scanned PDF (page images, no text) is rejected with a message
saying to OCR it first, rather than producing an empty document that looks like a success.

Guards against huge or hostile files (all best effort, pypdf itself also caps decompression):
a byte-size limit, a page-count limit, a cap on the text kept per page, and a time budget
checked between pages (one pathological page can still take long: pypdf cannot be interrupted
mid-page from here without a subprocess, which the ingest stage may add).
"""

from __future__ import annotations

import io
import logging
import time

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError
from pypdf.generic import DictionaryObject

from pipeline.formats.pdftext import clean_pdf_text
from pipeline.formats.text import FormatError, stated_title

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 256 * 1024 * 1024
MAX_PAGES = 2000
MAX_PAGE_CHARS = 500_000
MAX_SECONDS = 300.0
# Fewer visible characters than this per page on average, with page images: a scan.
MIN_CHARS_PER_PAGE = 20


def _title(reader: PdfReader) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a broken info dictionary must not lose the text
        return None
    return stated_title(title) if isinstance(title, str) else None


def _has_images(page: DictionaryObject) -> bool:
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if xobjects is None:
            return False
        return any(
            obj.get_object().get("/Subtype") == "/Image" for obj in xobjects.get_object().values()
        )
    except (KeyError, AttributeError, TypeError, PdfReadError):
        return False


def _open(raw: bytes) -> PdfReader:
    if len(raw) > MAX_PDF_BYTES:
        raise FormatError(f"PDF too large ({len(raw) // 2**20} MB, limit {MAX_PDF_BYTES >> 20} MB)")
    if b"%PDF-" not in raw[:1024]:
        raise FormatError("not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise FormatError(f"unreadable PDF ({exc})") from None
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many PDFs only restrict printing/copying
        except DependencyError:
            raise FormatError(
                "encrypted PDF (decrypting it needs the cryptography package)"
            ) from None
        except (PdfReadError, NotImplementedError, ValueError) as exc:
            raise FormatError(f"encrypted PDF ({exc})") from None
        if not opened:
            raise FormatError("encrypted PDF (password required)")
    return reader


def extract_pdf(raw: bytes) -> tuple[str, list[tuple[int, int, int]], str | None]:
    """(text, page spans, title from the metadata) of a PDF; FormatError when it has no text.

    Page spans are ``(start, end, page_number)`` with 1-based page numbers (position in the
    file), one per page that kept any text after clean-up.
    """
    reader = _open(raw)
    try:
        count = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise FormatError(f"unreadable PDF page tree ({exc})") from None
    if count == 0:
        raise FormatError("PDF with no pages")
    if count > MAX_PAGES:
        raise FormatError(f"PDF has {count} pages, over the limit of {MAX_PAGES}")

    started = time.monotonic()
    pages: list[str] = []
    images = False
    for number, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many kinds on broken pages
            log.warning("PDF page %d: text extraction failed (%s)", number, exc)
            text = ""
        pages.append(text[:MAX_PAGE_CHARS])
        images = images or _has_images(page)
        if time.monotonic() - started > MAX_SECONDS:
            raise FormatError(f"PDF text extraction too slow (over {MAX_SECONDS:.0f} s)")

    visible = sum(len("".join(p.split())) for p in pages)
    if visible < MIN_CHARS_PER_PAGE * count and images:
        raise FormatError("scanned PDF with no text layer (OCR it first)")
    if visible == 0:
        raise FormatError("PDF has no text")
    text, spans = clean_pdf_text(pages)
    if not text.strip():
        raise FormatError("PDF has no text besides page headers and numbers")
    return text, spans, _title(reader)
