"""OpenDocument text (.odt) -> blocks, with odfdo.

odfdo opens the container and parses its parts (content, styles, meta); the body is walked here
through odfdo's elements.  Measured on 33 .odt files from the odfdo and unstructured test corpora
(words of the body found again, see ``docs/formats.md``): odfdo's own ``get_formatted_text``
0.930 (it drops fields, variables and indexes), odfpy's ``teletype.extractText`` 0.760 and
three to four times slower; odfdo is the maintained one of the two.

What is read: paragraphs, headings (``text:h``), lists, sections, tables (one block per row,
header rows from ``table:table-header-rows``), text boxes, footnotes and endnotes (``notes``),
the master pages' headers and footers (``chrome``).  What is not: tracked deletions, comments
(annotations), generated indexes (tables of contents repeat the headings), images, charts,
forms and embedded objects.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from odfdo import Document

from pipeline.formats.office import (
    ODT_MIMETYPES,
    Block,
    cell_text,
    language_code,
    open_archive,
    table_rows,
)
from pipeline.formats.text import FormatError, stated_title

# Containers read as if their children stood in their place.
_TRANSPARENT = frozenset({"text:section", "text:list", "text:list-item", "text:list-header",
                          "text:soft-page-break", "draw:text-box", "draw:a"})  # fmt: skip
# Generated or hidden content, never read.
_SKIP = frozenset(
    {"text:tracked-changes", "office:annotation", "office:forms", "text:sequence-decls",
     "text:variable-decls", "text:user-field-decls", "text:table-of-content",
     "text:alphabetical-index", "text:illustration-index", "text:table-index",
     "text:object-index", "text:user-index", "text:bibliography", "text:note-citation",
     "draw:image", "draw:object", "draw:object-ole", "svg:title", "svg:desc"}
)  # fmt: skip
_HEADER_FOOTER = frozenset(
    {"style:header", "style:header-left", "style:header-first",
     "style:footer", "style:footer-left", "style:footer-first"}
)  # fmt: skip
_KIND = {
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)",
    "application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing (.odg)",
}


@dataclass
class _Context:
    tables: int = 0
    notes: list[Block] = field(default_factory=list)


def read_odt(data: bytes) -> tuple[list[Block], str | None, str | None]:
    """Blocks, stated title and language of an .odt; FormatError for what cannot be read."""
    archive = open_archive(data, "OpenDocument")
    names = archive.namelist()
    mimetype = (
        archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    )
    if mimetype not in ODT_MIMETYPES:
        what = _KIND.get(mimetype, f"not OpenDocument text (mimetype {mimetype or 'missing'})")
        raise FormatError(f"{what}: only text documents (.odt) are read")
    if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read(
        "META-INF/manifest.xml"
    ):
        raise FormatError(
            "password-protected OpenDocument file: remove the password and save it again"
        )
    try:
        document = Document(io.BytesIO(data))
        ctx = _Context()
        blocks = list(_blocks(document.body, "main", ctx))
        blocks += ctx.notes
        blocks += _chrome(document, ctx)
        meta = document.meta
        title, language = meta.get_title(), meta.get_language()
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"damaged OpenDocument file: XML not well-formed ({exc})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FormatError(f"unreadable OpenDocument file ({exc})") from None
    return blocks, stated_title(title), language_code(language)


def _blocks(container, part: str, ctx: _Context) -> Iterator[Block]:
    for child in container.children:
        tag = child.tag
        if tag in ("text:p", "text:h"):
            yield from _paragraph(child, part, ctx, heading=tag == "text:h")
        elif tag == "table:table":
            yield from _table(child, part, ctx)
        elif tag in _TRANSPARENT:
            yield from _blocks(child, part, ctx)
        elif tag == "draw:frame":
            yield from _frame(child, part, ctx)


def _paragraph(p, part: str, ctx: _Context, heading: bool) -> Iterator[Block]:
    out: list[str] = []
    boxes: list = []
    _collect(p, out, boxes, part, ctx)
    yield Block("".join(out), "heading" if heading else "paragraph", part)
    for frame in boxes:
        yield from _frame(frame, part, ctx)


def _collect(element, out: list[str], boxes: list, part: str, ctx: _Context) -> None:
    """Text of a paragraph, in order; frames are set aside, notes go to ``ctx.notes``."""
    out.append(element.text)
    for child in element.children:
        tag = child.tag
        if tag == "text:s":
            out.append(" " * min(int(child.get_attribute("text:c") or 1), 100))
        elif tag == "text:tab":
            out.append(" ")
        elif tag == "text:line-break":
            out.append("\n")
        elif tag == "text:note":
            body = next((c for c in child.children if c.tag == "text:note-body"), None)
            if body is not None:
                ctx.notes.extend(_blocks(body, "notes", ctx))
        elif tag == "draw:frame":
            boxes.append(child)
        elif tag not in _SKIP:
            _collect(child, out, boxes, part, ctx)
        out.append(child.tail or "")


def _frame(frame, part: str, ctx: _Context) -> Iterator[Block]:
    """A frame's text box, as paragraphs; an image or object frame has none."""
    for child in frame.children:
        if child.tag == "draw:text-box":
            yield from _blocks(child, part, ctx)


def _table(table, part: str, ctx: _Context) -> list[Block]:
    rows: list[list[str]] = []
    header: list[bool] = []
    for row, in_header in _rows(table, False):
        cells = []
        for cell in row.children:
            if cell.tag == "table:table-cell":
                cells.append(" ".join(cell_text(b) for b in _blocks(cell, part, ctx)))
            elif cell.tag == "table:covered-table-cell":
                cells.append("")  # merged into a cell before it
        rows.append(cells)
        header.append(in_header)
    ctx.tables += 1
    return table_rows(rows, header, part, ctx.tables)


def _rows(element, in_header: bool) -> Iterator[tuple]:
    for child in element.children:
        if child.tag == "table:table-row":
            yield child, in_header
        elif child.tag in ("table:table-rows", "table:table-row-group"):
            yield from _rows(child, in_header)
        elif child.tag == "table:table-header-rows":
            yield from _rows(child, True)


def _chrome(document, ctx: _Context) -> list[Block]:
    """Headers and footers of the master pages."""
    styles = document.get_part("styles")
    return [
        block
        for page in styles.get_elements("//style:master-page")
        for region in page.children
        if region.tag in _HEADER_FOOTER
        for block in _region_blocks(region, ctx)
    ]


def _region_blocks(region, ctx: _Context) -> Iterator[Block]:
    """A header's paragraphs; a header split in left, centre and right regions reads in order."""
    for child in region.children:
        if child.tag.startswith("style:region-"):
            yield from _blocks(child, "chrome", ctx)
    yield from _blocks(region, "chrome", ctx)
