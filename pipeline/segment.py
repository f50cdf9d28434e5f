"""Cut a document's text into segments: the units that get a language and go to spaCy.

A segment is a paragraph or a line that stands on its own (a heading, a list item,
a comment's byline). Lines are joined back when they are only hard-wrapped
(the line ends mid-sentence and the next one goes on in lower case), because NER
needs whole sentences. A paragraph longer than `max_chars` is cut at sentence
ends so that one runaway block neither gets a single language for mixed content
nor dominates a spaCy batch. Offsets always point into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .config import MAX_SEGMENT_CHARS

_LINE = re.compile(r"[^\n]+")
# A sentence ends at . ! ? … (optionally closed by quotes/brackets) followed by
# white space and something that can start a sentence.
SENTENCE_END = re.compile(r"(?<=[.!?…])[»\"'’)\]]*\s+(?=[«\"(\[]?[A-ZÀ-ÖØ-Þ0-9•\-–])")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def _continues(line: str, next_line: str) -> bool:
    """True when `next_line` is the same sentence wrapped onto a new line."""
    tail = line.rstrip()
    head = next_line.lstrip()
    if not tail or not head:
        return False
    return (
        (tail[-1].isalpha() or tail[-1] in ",;(")
        and head[0].islower()
        and " | " not in tail  # a table row is a unit of its own
        and " | " not in head
    )


def _lines(text: str, start: int, end: int) -> Iterator[Span]:
    """Non-blank lines of text[start:end], with hard-wrapped ones joined."""
    current: Span | None = None
    for m in _LINE.finditer(text, start, end):
        s, e = m.start(), m.end()
        # strip surrounding white space but keep offsets exact
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:
            continue
        if current is not None and _continues(text[current.start : current.end], text[s:e]):
            current = Span(current.start, e)
            continue
        if current is not None:
            yield current
        current = Span(s, e)
    if current is not None:
        yield current


def _sentences(text: str, span: Span, max_chars: int) -> Iterator[Span]:
    """Cut a long span at sentence ends, packing sentences into pieces of ~max_chars."""
    if span.end - span.start <= max_chars:
        yield span
        return
    sentences = []
    start = span.start
    for m in SENTENCE_END.finditer(text, span.start, span.end):
        sentences.append(Span(start, m.start()))
        start = m.end()
    sentences.append(Span(start, span.end))
    piece = sentences[0]
    for sentence in sentences[1:]:
        if sentence.end - piece.start > max_chars:
            yield from _hard_cut(text, piece, 2 * max_chars)
            piece = sentence
        else:
            piece = Span(piece.start, sentence.end)
    yield from _hard_cut(text, piece, 2 * max_chars)


def _hard_cut(text: str, span: Span, max_chars: int) -> Iterator[Span]:
    """Cut at white space: for text with no sentence ends at all (a flattened table)."""
    start = span.start
    while span.end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        yield Span(start, cut)
        start = cut
        while start < span.end and text[start].isspace():
            start += 1
    if start < span.end:
        yield Span(start, span.end)


def segment_text(text: str, max_chars: int = MAX_SEGMENT_CHARS) -> list[Span]:
    """Segments of `text`, in order, covering every line that has a word character."""
    spans = []
    for line in _lines(text, 0, len(text)):
        for piece in _sentences(text, line, max_chars):
            if _WORD_CHAR.search(text, piece.start, piece.end):
                spans.append(piece)
    return spans
