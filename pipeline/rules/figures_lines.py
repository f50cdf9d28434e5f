"""The figures rule across lines: numbers that only the lines around them explain.

Part of the figures rule (``figures.py`` reads one segment at a time). Two shapes of page need
the segments next to a number, so the extract stage calls ``across_lines`` once per document,
with its segments in order:

* counters, the "key figures" blocks of NGO sites ("800+ / bénéficiaires / 17 / séances"): a
  number alone on its line and its label alone on the next, in a run of at least two such
  pairs. ``find_figures`` refuses a bare number on its line as a page number; here it is a
  count, and the label's first word is its unit (``figures.counter``). The label must start
  with a plural ("séances", "people"), not a determiner ("Nos réseaux sociaux"), and numbers
  going 1, 2, 3 are numbered headings ("1 / Objectifs / 2 / Activités"), not counts.
* tables of contents of reports ("Partner Organisations 3 / Theory of Change 4 / ..."):
  consecutive lines near the start of the document, each ending with a small number, the
  numbers going up from a first page of at most 20 by at most 20 at a time; four such lines
  after a "Sommaire"/"Contents" heading, six without one. Those numbers are page numbers:
  their figures are dropped (``figures.reject.contents``).

Lines are segments that only blanks separate; a segment holding a heading and a paragraph is
no line of either shape.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .figures import FigureMatch, _singularise
from .figures_vocab import _lang

# The rule's own logger: the debug log names the rule whatever module the check lives in.
log = logging.getLogger("pipeline.rules.figures")

_BLANK = r"[ \t\u00a0\u202f]"
# "17", "12 000", "1,250", "800+", "200K+": a counter's number alone on its line
_COUNT_LINE = re.compile(
    _BLANK
    + r"*(?P<n>\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d{1,7})(?P<k>[kK])?(?P<plus>\+)?"
    + _BLANK
    + r"*"
)
# one to three words, no digit: "bénéficiaires", "Années d'expérience", "People reached"
_WORD = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"
_LABEL_LINE = re.compile(_BLANK + r"*(?P<w>" + _WORD + r")(?:" + _BLANK + r"+" + _WORD + r"){0,2}")
# "Partner Organisations 3", "Introduction ........ 5": a heading, then its page
_CONTENTS_LINE = re.compile(
    r"(?=[^\n]*[^\W\d_]{3})[^\n]{2,80}?\S[ \t\u00a0.…·_-]+(?P<page>\d{1,3})" + _BLANK + r"*"
)
# four lines after a "Sommaire"/"Contents" heading, six without one
_MIN_CONTENTS_LINES = 4
_MIN_CONTENTS_LINES_ALONE = 6
_MAX_FIRST_PAGE = 20
_MAX_PAGE_STEP = 20
# a table of contents comes before this share of the text (or its first 3,000 characters)
_CONTENTS_ZONE = 0.2


@dataclass(frozen=True, slots=True)
class Line:
    """A segment of the document: its offsets and the language its figures are read in."""

    start: int
    end: int
    language: str


def across_lines(
    text: str, lines: Sequence[Line], found: Sequence[tuple[int, int]]
) -> tuple[list[tuple[int, FigureMatch]], list[tuple[int, int]]]:
    """Counters to add, with the index of their line, and the spans of page numbers whose
    figures are to be dropped. `found` are the spans of the figures already read: a counter
    is added only where none is."""
    return _counters(text, lines, found), _contents_pages(text, lines)


def _adjacent(text: str, a: Line, b: Line) -> bool:
    return a.end <= b.start and not text[a.end : b.start].strip()


def _counters(
    text: str, lines: Sequence[Line], found: Sequence[tuple[int, int]]
) -> list[tuple[int, FigureMatch]]:
    pairs: list[tuple[int, re.Match[str], re.Match[str]]] = []
    for i in range(len(lines) - 1):
        a, b = lines[i], lines[i + 1]
        num = _COUNT_LINE.fullmatch(text, a.start, a.end)
        label = _LABEL_LINE.fullmatch(text, b.start, b.end) if num else None
        if num and label and _adjacent(text, a, b) and _counted(label.group("w"), a.language):
            pairs.append((i, num, label))
    # runs of pairs, each pair on the two lines after the previous one
    runs: list[list[tuple[int, re.Match[str], re.Match[str]]]] = []
    for pair in pairs:
        prev = runs[-1][-1][0] if runs else None
        if (
            prev is not None
            and pair[0] == prev + 2
            and _adjacent(text, lines[prev + 1], lines[pair[0]])
        ):
            runs[-1].append(pair)
        else:
            runs.append([pair])
    out = []
    for run in runs:
        if len(run) < 2 or _numbering([num for _, num, _ in run]):
            continue  # a lone number and word, or "1 / Objectifs / 2 / Activités": headings
        for i, num, label in run:
            s, e = num.span("n")
            if any(fs < e and s < fe for fs, fe in found):
                continue  # read already ("800+" is a figure on its own line)
            value = float(re.sub(r"\D", "", num.group("n"))) * (1000.0 if num.group("k") else 1.0)
            end = label.end("w")
            match = FigureMatch(
                start=s,
                end=end,
                text=text[s:end],
                value=value,
                upper=None,
                unit=_singularise(label.group("w").lower(), lines[i].language),
                approximate=num.group("plus") is not None,
                rule="figures.counter",
            )
            log.debug("figures.counter fired: %r", match.text)
            out.append((i, match))
    return out


def _counted(word: str, language: str) -> bool:
    """Whether a label's first word names what is counted: a plural ("bénéficiaires",
    "people"), not a determiner ("Nos réseaux sociaux") nor a singular heading."""
    L = _lang("fr" if language == "fr" else "en")
    w = word.lower()
    if w in L.plural_determiners:
        return False
    return w in L.irregular or (w.endswith(("s", "x")) and not w.endswith("ss"))


def _numbering(numbers: Sequence[re.Match[str]]) -> bool:
    """1, 2, 3...: numbered headings, not counts."""
    if any(m.group("k") or m.group("plus") or not m.group("n").isdigit() for m in numbers):
        return False
    values = [int(m.group("n")) for m in numbers]
    return all(b == a + 1 for a, b in itertools.pairwise(values))


def _contents_pages(text: str, lines: Sequence[Line]) -> list[tuple[int, int]]:
    zone = max(3000, int(len(text) * _CONTENTS_ZONE))
    pages: list[tuple[int, int]] = []
    run: list[tuple[Line, re.Match[str]]] = []
    heading = False  # the run follows a "Sommaire", "Contents" line

    def close() -> None:
        numbers = [int(m.group("page")) for _, m in run]
        if (
            len(run) >= (_MIN_CONTENTS_LINES if heading else _MIN_CONTENTS_LINES_ALONE)
            and numbers[0] <= _MAX_FIRST_PAGE
            and all(0 <= b - a <= _MAX_PAGE_STEP for a, b in itertools.pairwise(numbers))
        ):
            for _, m in run:
                pages.append(m.span("page"))
                log.debug("figures.reject.contents rejected: %r", m.group("page"))
        run.clear()

    for line in lines:
        if line.start > zone:
            break
        m = _CONTENTS_LINE.fullmatch(text, line.start, line.end)
        if m is None or (run and not _adjacent(text, run[-1][0], line)):
            close()
        if m is not None:
            run.append((line, m))
        else:
            words = " ".join(text[line.start : line.end].split()).strip(" :").lower()
            heading = words in _lang("fr" if line.language == "fr" else "en").contents_headings
    close()
    return pages
