"""Rich Text Format (.rtf) -> blocks, with striprtf.

striprtf turns RTF into text: it decodes ``\\'e9`` escapes with the code page of the document
(``\\ansicpg``) or of the current font (``\\fcharset``), reads ``\\uN`` Unicode escapes and skips
every destination that is not text (font and colour tables, pictures, embedded objects, fields'
instructions).  It keeps no structure, so before it runs, one pass over the RTF groups here:

- takes the page headers and footers (``\\header``, ``\\footer`` and their variants), the
  footnotes and endnotes (``\\footnote``) and the title (``\\title``) out of the body, to be
  converted on their own (striprtf would drop them as destinations);
- marks, with private-use characters that striprtf passes through, the ends of table cells
  (``\\cell``) and rows (``\\row``), paragraphs inside tables (``\\intbl``), header rows
  (``\\trhdr``) and headings (``\\outlinelevelN``).

The markers then give paragraphs, headings and table rows.  A nested table's cells are read as
part of the outer cell.  A file whose groups do not close (a truncated download) is refused as
damaged.
"""

from __future__ import annotations

import codecs
import re

from striprtf.striprtf import font_table_group, rtf_to_text

from pipeline.formats.office import Block, table_rows
from pipeline.formats.text import FormatError, stated_title

# Markers injected as \uN escapes: private-use code points that striprtf copies to its output.
CELL, ROW, INTBL, HEADER_ROW, HEADING = (chr(0xE100 + i) for i in range(5))
_MARKERS = {CELL, ROW, INTBL, HEADER_ROW, HEADING}
_SPLIT = re.compile("([" + "".join(sorted(_MARKERS)) + "\n])")
_TOKEN = re.compile(r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\.|[{}]|[^\\{}]+", re.DOTALL)
# Groups taken out of the body: page headers and footers, notes, the title.
_APART = re.compile(r"\{\s*(?:\\\*\s*)?\\(header[lrf]?|footer[lrf]?|footnote|title)(?![a-zA-Z])")
_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_DEFLANG = re.compile(rb"\\deflang(\d{1,5})")
_LCID_LANGUAGES = {0x09: "en", 0x0C: "fr"}  # primary language ids of Windows locale ids


def read_rtf(data: bytes) -> tuple[list[Block], str | None, str | None]:
    """Blocks, stated title and language of an RTF file; FormatError when it is not RTF."""
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{\\rtf"):
        raise FormatError("not an RTF file (it does not start with {\\rtf)")
    codec = _codec(data)
    source = data.decode(codec, errors="replace")
    body, apart = _prepare(source)
    header = "{\\rtf1" + _codepage_word(data) + font_table_group(source)
    blocks = _blocks(_to_text(body), "main")
    title = None
    for word, group in apart:
        text = _to_text(header + group + "}")
        if word == "title":
            title = title or " ".join(text.split())
        else:
            blocks += _blocks(text, "notes" if word == "footnote" else word)
    return blocks, stated_title(title), _language(data)


def _codec(data: bytes) -> str:
    match = _CODEPAGE.search(data, 0, 4096)
    if match:
        try:
            return codecs.lookup(f"cp{int(match.group(1))}").name
        except LookupError:
            pass
    return "cp1252"


def _codepage_word(data: bytes) -> str:
    match = _CODEPAGE.search(data, 0, 4096)
    return f"\\ansicpg{int(match.group(1))}" if match else ""


def _language(data: bytes) -> str | None:
    match = _DEFLANG.search(data, 0, 4096)
    return _LCID_LANGUAGES.get(int(match.group(1)) & 0x3FF) if match else None


def _marker(char: str) -> str:
    return f"{{\\uc1\\u{ord(char)}?}}"


def _prepare(source: str) -> tuple[str, list[tuple[str, str]]]:
    """The body with its markers, and the groups set apart as (destination, group text)."""
    out: list[str] = []
    apart: list[tuple[str, str]] = []
    target = out
    depth = 0
    apart_depth = None  # depth of the group being set apart
    pos, end = 0, len(source)
    while pos < end:
        if source[pos] == "{" and apart_depth is None and (m := _APART.match(source, pos)):
            word = m.group(1)
            apart.append((word if word in ("footnote", "title") else "chrome", ""))
            target, apart_depth = [], depth
            target.append("{")
            depth += 1
            pos = m.end()
            continue
        token = _TOKEN.match(source, pos)
        if token is None:  # a lone backslash at the very end
            break
        pos = token.end()
        text = token.group()
        word = token.group(1)
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
            if apart_depth is not None and depth == apart_depth:
                target.append("}")
                apart[-1] = (apart[-1][0], "".join(target))
                target, apart_depth = out, None
                continue
        elif word == "bin":  # raw binary data follows: skip it whole
            pos += max(0, int(token.group(2) or 0))
            continue
        elif word is not None:
            text = _rewrite(word, token.group(2), text)
        target.append(text)
    if depth > 0:
        raise FormatError(f"damaged RTF file: {depth} group(s) left open (is it truncated?)")
    return "".join(out), apart


def _rewrite(word: str, arg: str | None, text: str) -> str:
    """A control word with a marker added, or unchanged."""
    if word == "cell":
        return _marker(CELL)
    if word == "nestcell":
        return " "
    if word == "row":
        return _marker(ROW)
    if word == "intbl":
        return text + _marker(INTBL)
    if word == "trhdr":
        return text + _marker(HEADER_ROW)
    if word == "outlinelevel" and arg is not None and 0 <= int(arg) < 9:
        return text + _marker(HEADING)
    if word == "u" and arg is not None and chr(int(arg) % 0x10000) in _MARKERS:
        return "\\u65533 "  # a private-use character of the document must not pass for ours
    return text


def _to_text(rtf: str) -> str:
    try:
        text = rtf_to_text(rtf, encoding="cp1252", errors="replace")
    except (ValueError, OverflowError, LookupError) as exc:
        raise FormatError(f"damaged RTF file ({exc})") from None
    # \uN escapes of characters beyond U+FFFF come as surrogate pairs: join them
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _blocks(text: str, part: str) -> list[Block]:
    """Paragraphs, headings and table rows from striprtf's output and the markers."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    header: list[bool] = []
    para: list[str] = []
    cells: list[str] = []
    in_table = heading = header_row = False
    tables = 0

    def flush_table() -> None:
        nonlocal tables
        if rows:
            tables += 1
            blocks.extend(table_rows(rows[:], header[:], part, tables))
            rows.clear()
            header.clear()

    for piece in _SPLIT.split(text):
        if piece == INTBL:
            in_table = True
        elif piece == HEADING:
            heading = True
        elif piece == HEADER_ROW:
            header_row = True
        elif piece == CELL:
            cells.append("".join(para))
            para = []
        elif piece == ROW:
            if "".join(para).strip():
                cells.append("".join(para))
            rows.append(cells)
            header.append(header_row)
            cells, para = [], []
            in_table = header_row = heading = False
        elif piece == "\n":
            if in_table or cells:
                para.append(" ")  # a paragraph break inside a cell
                continue
            if "".join(para).strip():
                flush_table()
                blocks.append(Block("".join(para), "heading" if heading else "paragraph", part))
            para, heading = [], False
        else:
            para.append(piece)
    if cells:
        rows.append(cells)
        header.append(header_row)
    flush_table()
    if "".join(para).strip():
        blocks.append(Block("".join(para), "heading" if heading else "paragraph", part))
    return blocks
