"""Clean-up of text that was extracted from a PDF (by pypdf, or found as a ``.txt`` dump).

PDF text keeps the layout of the printed page, which hurts every later stage: sentences are cut by
hard line wraps, words by end-of-line hyphens, and every page repeats its running header, footer
and page number, which then look like entities or figures.  This module undoes that:

- ``looks_like_pdf_text`` tells a hard-wrapped dump from a web page copied as text;
- ``split_pages`` cuts a dump without form feeds into pages at its page-number footers;
- ``clean_pdf_text`` drops running headers/footers and page numbers, rejoins hyphenated words,
  joins wrapped lines into paragraphs, flattens column-aligned table rows, and returns page spans.

Page numbers in the spans are 1-based positions in the ``pages`` list, not the numbers printed on
the pages (which may start anywhere, or be roman numerals).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

from pipeline.formats.text import DATA_DIR

_DATA: Path = DATA_DIR / "hyphen_prefixes.json"

# A line that holds only a page number: "12", "- 12 -", "Page 12", "p. 12", "12 / 40", "12 sur 40",
# or a lower-case roman numeral (front matter).
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.)\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?"
    r"(?:\s*(?:/|sur|of|de)\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)
_ROMAN_ONLY = re.compile(r"^\s*[ivxlcIVXLC]+\s*$")
# Ends a sentence or a heading introduction: . ! ? : … » " ” (closing quotes)
_TERMINAL = re.compile(r"[.!?:…»\"”]\s*$")
# Starts a list item: a bullet, "1.", "1)", "a)", "(a)", "IV."
_BULLET = re.compile(
    r"^\s*(?:[-–—•·▪◦●○■□➢►✓*]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s|[IVX]{1,4}\.\s|\(\d{1,2}\)\s)"
)
_STARTS_UPPER = re.compile(r"^\s*[\"«“(\[]?\s*(?:[^\W\d_](?<=[A-ZÀ-ÖØ-ÞŒ])|\d)")
_STARTS_LOWER = re.compile(r"^\s*[(\[]?[a-zß-öø-ÿœ]")
# Word split at a line end: "dévelop-" (letters then hyphen), "Nyemb-Wis-", "2007-".
_LINE_END_HYPHEN = re.compile(r"(?<![\w‐-])((?:[^\W_]+[-‐])*[^\W_]+)[-‐]$")
_LEADING_WORD = re.compile(r"^[^\W\d_]+|^\d+")
_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
# anchored at the start of a word: unanchored, the engine retries from every letter of every word
_HYPHEN_BREAK = re.compile(r"(?<![^\W_])[^\W_]+[-‐][ \t]*\n\s*[^\W_]+")
# Column gap in layout-preserving extraction: three or more spaces (or a tab) between cells.
_COLUMN_GAP = re.compile(r"(?:\s{3,}|\t+)")
_SPACES = re.compile(r"[ \t]+")
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")

_EDGE_LINES = 3  # lines at the top and bottom of a page that may be running headers/footers
_RUNNING_SHARE = 0.4  # a line on at least this share of the pages (and on 2+) is a running line
_MARGIN_LINE_MAX = 80  # margin (header/footer) lines are short
_SHORT_LINE = 0.75  # a line shorter than this share of the typical width may end a paragraph
_WIDTH_WINDOW = 15  # lines on each side that give a line's local typical width


@cache
def _hyphen_prefixes() -> frozenset[str]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return frozenset(p.casefold() for lang in ("fr", "en") for p in data[lang])


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # category Cc but tab and newline


def _normalise_page(page: str) -> list[str]:
    """NFC, ligatures expanded, soft-hyphen breaks joined, controls dropped; one entry per line."""
    page = unicodedata.normalize("NFC", page)
    page = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), page)
    page = re.sub(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]", "\n", page)
    page = re.sub("\u00ad[ \t]*\n[ \t]*", "", page)  # soft hyphen at a line end: a broken word
    page = _INVISIBLE.sub("", page.replace("\u00ad", ""))
    page = _CONTROL_CHARS.sub("", page)
    return [line.replace("\t", "   ").strip() for line in page.split("\n")]


def _key(line: str) -> str:
    """Compare running lines modulo their page number and spacing."""
    return _SPACES.sub(" ", re.sub(r"\d+", "#", line.casefold())).strip()


def _is_page_number(line: str) -> bool:
    if not _PAGE_NUMBER.match(line):
        return False
    # A lone capital roman numeral is more likely a section heading than a page number.
    return not (_ROMAN_ONLY.match(line) and line.strip() != line.strip().lower())


def _margin_zone(lines: list[str], from_bottom: bool) -> list[int]:
    """Indices of a header/footer block set apart from the body by a wide blank gap.

    Text dumps of PDFs often show the page bottom as a run of blank lines followed by a short
    footer ("REPORT 2012 - ORG", "5").  Walking from the page edge, we collect up to three short
    lines and cut the zone at the widest blank gap; the zone is a margin only if it holds a page
    number and that gap is at least two blank lines wide.
    """
    order = list(range(len(lines) - 1, -1, -1)) if from_bottom else list(range(len(lines)))
    collected: list[tuple[int, int]] = []  # (index, blank lines on the body side of it)
    i = 0
    while i < len(order) and not lines[order[i]]:
        i += 1
    while i < len(order) and len(collected) < _EDGE_LINES:
        idx = order[i]
        if len(lines[idx]) > _MARGIN_LINE_MAX:
            break
        j = i + 1
        while j < len(order) and not lines[order[j]]:
            j += 1
        gap = j - i - 1
        collected.append((idx, gap if j < len(order) else 0))
        if gap == 0:
            break
        i = j
    if not collected:
        return []
    # Ties go to the line farthest from the edge: clean_text caps blank runs at two lines, so
    # after it the page-bottom gap and the gap inside the footer look the same.
    widest = max(range(len(collected)), key=lambda k: (collected[k][1], k))
    if collected[widest][1] < 2:
        return []
    zone = [idx for idx, _ in collected[: widest + 1]]
    return zone if any(_is_page_number(lines[idx]) for idx in zone) else []


def _edge_indices(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _drop_running_lines(pages: list[list[str | None]]) -> None:
    """Set running headers/footers and page numbers at the page edges to None (in place)."""
    running: set[str] = set()
    if len(pages) >= 2:
        seen = Counter(k for lines in pages for k in {_key(lines[i]) for i in _edge_indices(lines)})
        need = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
        running = {k for k, n in seen.items() if n >= need and k not in ("", "#")}
    for lines in pages:
        drop = set(_margin_zone(lines, from_bottom=True)) | set(_margin_zone(lines, False))
        for i in _edge_indices(lines):
            if _key(lines[i]) in running or _is_page_number(lines[i]):
                drop.add(i)
        for i in drop:
            lines[i] = None


def split_pages(text: str) -> list[str]:
    """Cut a PDF text dump into pages.

    Form feeds (``\\f``, written by pdftotext and most extractors) are page breaks.  Without them
    a page break is recognised by a lone page-number line close to a run of two or more blank
    lines (the white bottom or top of the printed page; ``clean_text`` keeps at most two).  When the blank run is above the number,
    the number is a footer and the page ends after it; otherwise it is a header and the page
    starts with it.  Without either, the text is one page.
    """
    if "\f" in text:
        pages = text.split("\f")
        while len(pages) > 1 and not pages[-1].strip():
            pages.pop()
        return pages
    lines = text.split("\n")
    blank = [not line.strip() for line in lines]

    def blank_run(lo: int, hi: int) -> bool:
        run = 0
        for k in range(max(lo, 0), min(hi, len(lines))):
            run = run + 1 if blank[k] else 0
            if run >= 2:
                return True
        return False

    cuts: list[int] = []
    for i, line in enumerate(lines):
        if not _is_page_number(line) or blank[i] or _ROMAN_ONLY.match(line):
            continue
        if (i > 0 and not blank[i - 1]) or (i + 1 < len(lines) and not blank[i + 1]):
            continue  # not isolated: a table cell or a number inside a list
        if blank_run(i - 8, i):
            cuts.append(i + 1)
        elif blank_run(i + 1, i + 9):
            cuts.append(i)
    pages, start = [], 0
    for cut in cuts:
        if cut > start:
            pages.append("\n".join(lines[start:cut]))
            start = cut
    pages.append("\n".join(lines[start:]))
    return [p for p in pages if p.strip()] or [text]


def looks_like_pdf_text(text: str) -> bool:
    """True for hard-wrapped text (PDF extraction, plain-text e-mail), False for a web page.

    Measured on the non-blank lines: the share of lines directly followed (no blank line) by a
    line that continues the same sentence (no end punctuation, next starts lower case), and the
    share of lines whose width is close to the typical width.  A web page copied as text has one
    paragraph per line with blank lines between, so both shares are low (< 0.1 and < 0.3 on our
    samples); a PDF dump has both high (0.66 and 0.75 on the sample study).
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    filled = [line for line in lines if line.strip()]
    if len(filled) < 6:
        return False
    lengths = sorted(len(line) for line in filled)
    width = lengths[int(0.8 * (len(lengths) - 1))]
    if width > 250:  # nobody hard-wraps at 250 characters
        return False
    continued = sum(
        1
        for a, b in itertools.pairwise(lines)
        if a.strip() and b.strip() and not _TERMINAL.search(a) and _STARTS_LOWER.match(b)
    )
    regular = sum(1 for line in filled if 0.75 * width <= len(line) <= 1.1 * width)
    return continued >= 0.2 * len(filled) and regular >= 0.4 * len(filled)


class _Hyphenation:
    """Decides whether a word split at a line end keeps its hyphen, from evidence in the document.

    In order: digits ("2007-" + "2010") and a capital after the break ("Nord-" + "Sud") keep it;
    then the document itself decides when it writes the word elsewhere, joined ("développement")
    or hyphenated ("co-développement"); then a short list of compound-forming beginnings
    (``data/hyphen_prefixes.json``) keeps it when the second part is a word of the document.
    Otherwise the hyphen was a typesetting break and is removed: that is by far the most common
    case in justified text.
    """

    def __init__(self, full_text: str) -> None:
        self._text = full_text
        self._counts: Counter[str] | None = None
        self.prefixes = _hyphen_prefixes()

    @property
    def counts(self) -> Counter[str]:
        """Word counts of the document, made on the first question: most texts never ask."""
        if self._counts is None:
            text = _HYPHEN_BREAK.sub(" ", self._text)  # the split words are what we must decide
            tokens = list(map(str.casefold, _WORD.findall(text)))
            counts = Counter(tokens)
            for token in tokens:
                if "-" in token or "‐" in token:
                    counts.update(re.split("[-‐]", token))
            self._counts = counts
        return self._counts

    def keep_hyphen(self, before: str, after: str) -> bool:
        last = re.split("[-‐]", before)[-1]
        if last[-1:].isdigit() or after[:1].isdigit() or after[:1].isupper():
            return True
        joined = (before + after).casefold()
        hyphenated = f"{before}-{after}".casefold()
        if self.counts[joined] > self.counts[hyphenated]:
            return False
        if self.counts[hyphenated]:
            return True
        return last.casefold() in self.prefixes and self.counts[after.casefold()] > 0


def _percentile_80(values: list[int], default: int) -> int:
    values = sorted(values)
    return values[int(0.8 * (len(values) - 1))] if values else default


def _typical_widths(stream: list[tuple[str, int, int, bool]]) -> list[float]:
    """Typical (80th percentile) prose line width around each line, over a window of nearby lines.

    Layouts change inside a document (a report's body and its annexes, a narrow column next to a
    full-width one), so a line is called short relative to its neighbours, not to the whole file.
    """
    prose = [(k, len(text)) for k, (text, _, _, row) in enumerate(stream) if not row]
    overall = _percentile_80([n for _, n in prose], 80)
    widths = [float(overall)] * len(stream)
    for pos, (k, _) in enumerate(prose):
        window = prose[max(0, pos - _WIDTH_WINDOW) : pos + _WIDTH_WINDOW + 1]
        if len(window) >= _WIDTH_WINDOW:
            widths[k] = _percentile_80([n for _, n in window], overall)
    return widths


def _cells(line: str) -> list[str]:
    """The line cut at its column gaps (three spaces or more, or a tab)."""
    if not _COLUMN_GAP.search(line):  # most lines: no gap, and no list to build
        return [line] if line else []
    return [cell for cell in _COLUMN_GAP.split(line) if cell]


def _paragraph_ends(prev: str, line: str, gap: int, short: float) -> bool:
    """A blank line between two lines ends a paragraph, unless it is a single blank line inside
    a sentence after a full-width line (some extractors emit one after an overlong line)."""
    if gap == 0:
        return False
    sentence_open = not _TERMINAL.search(prev) and bool(_STARTS_LOWER.match(line))
    return gap > 1 or not (sentence_open and len(prev) >= short)


def clean_pdf_text(pages: list[str]) -> tuple[str, list[tuple[int, int, int]]]:
    """Turn page texts extracted from a PDF into clean paragraphs; see the module docstring.

    ``pages`` may be a single text (a ``.txt`` dump): it is then cut with ``split_pages``.
    Returns the text (paragraphs separated by a blank line, rows of a table on consecutive lines)
    and ``(start, end, page_number)`` spans into it, 1-based, one per page that kept any text.

    Two lines are joined into one paragraph unless: a blank line separates them (except one
    blank line inside a sentence: some extractors emit one after an overlong line); the second is
    a list item; the first ends a sentence and the second starts with a capital or a digit; the
    first is much shorter than the typical line and the second starts with a capital or a digit;
    or either is a table row.
    """
    if len(pages) == 1:
        pages = split_pages(pages[0])
    page_lines = [_normalise_page(p) for p in pages]
    _drop_running_lines(page_lines)

    # (line, page, blank lines before it on its page, is a table row).  Blank lines at the top
    # of a page are page margin, not a paragraph break: a paragraph may run on from the last page.
    stream: list[tuple[str, int, int, bool]] = []
    for page_no, lines in enumerate(page_lines, 1):
        kept = [line for line in lines if line is not None]  # None: running line, page number
        cells = [_cells(line) for line in kept]
        blanks, started = 0, False
        for i, line in enumerate(kept):
            if not line:
                blanks += 1
                continue
            # A row has three cells or more, or two next to another multi-cell line: one wide
            # gap alone may just be an extraction accident inside a sentence.
            near = [len(cells[j]) for j in (i - 1, i + 1) if 0 <= j < len(kept)]
            is_row = len(cells[i]) >= 3 or (len(cells[i]) == 2 and any(n >= 2 for n in near))
            if is_row:
                text = " | ".join(cells[i])
            elif "  " in line or "\t" in line:  # only then does _SPACES change anything
                text = _SPACES.sub(" ", line)
            else:
                text = line
            stream.append((text, page_no, blanks if started else 0, is_row))
            blanks, started = 0, True
    if not stream:
        return "", []

    widths = _typical_widths(stream)
    hyphens = _Hyphenation("\n".join(s[0] for s in stream))

    texts = [s[0] for s in stream]
    seps = [""]
    for k in range(1, len(stream)):
        prev, (line, _, gap, row) = texts[k - 1], stream[k]
        if row or stream[k - 1][3]:
            seps.append("\n" if row and stream[k - 1][3] and gap == 0 else "\n\n")
        elif _paragraph_ends(prev, line, gap, _SHORT_LINE * widths[k - 1]):
            seps.append("\n\n")
        elif (
            prev.endswith(("-", "‐"))  # a cheap test first: most lines do not end with one
            and (split := _LINE_END_HYPHEN.search(prev))
            and (word := _LEADING_WORD.match(line))
        ):
            if not hyphens.keep_hyphen(split.group(1), word.group()):
                texts[k - 1] = prev[:-1]
            seps.append("")
        elif _BULLET.match(line) or (
            _STARTS_UPPER.match(line)
            and (_TERMINAL.search(prev) or len(prev) < _SHORT_LINE * widths[k - 1])
        ):
            seps.append("\n\n")
        else:
            seps.append(" ")

    out: list[str] = []
    pos = 0
    spans: dict[int, list[int]] = {}
    for k, (sep, text) in enumerate(zip(seps, texts, strict=True)):
        out.append(sep)
        pos += len(sep)
        page = stream[k][1]
        span = spans.setdefault(page, [pos, pos])
        out.append(text)
        pos += len(text)
        span[1] = pos
    return "".join(out), [(s, e, page) for page, (s, e) in sorted(spans.items())]
