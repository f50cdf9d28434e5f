"""Organisations from the page's layout and from the rest of the document.

A name the model does not know ("Royukaay", "Teranga Lab") is often written
where the page's layout says what it is:

* **Cards.** A page that lists its members, partners or sponsors gives each
  one a paragraph whose first line is the name and whose next lines describe
  it ("Feed the Children / has worked with us for ten years …"). The titles of
  a run of such paragraphs are names of one kind: when enough of them are
  organisations by other evidence, the others are organisations too, unless
  they are a person or a place.
* **Coordination.** Names joined by commas and "et/and" in one sentence are of
  one kind: "led by the Humanitarian Team (HT), OpenData Kivu (ODK) and the
  Red Cross": when two of them at least, and a third, are organisations by
  other evidence, the others are organisations too, unless refused.
* **Records.** A list whose items are a title line and a field line with the
  same label ("Darbazar / Location: Rome (since 2020)") is a list of one kind,
  decided like cards.
* **Repeated names.** A name that is an organisation once is one wherever the
  page writes it again, including where the model tagged nothing.

Functions return (start, end) spans into the text; the caller decides what
they override.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import code_version
from . import org_junk
from .org_junk import is_role
from .spans import find_literal

# this module and what it builds on: the extractor column changes with any of them
SOURCES = (Path(__file__), *org_junk.SOURCES)
CONTEXT_VERSION = code_version(*SOURCES)

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[ \t]*[^\s][^\n]*)*")
_TITLE_END = re.compile(r"[.!?:;,]\s*$")
_BULLET = re.compile(r"^\s*[-•*–·>]")
_MAX_TITLE_WORDS = 8
_PROSE_WORDS = 6  # a line of at least this many words is a description, not a menu


@dataclass(frozen=True, slots=True)
class Card:
    """The title line of a card: a paragraph whose first line is a name."""

    start: int
    end: int
    continues: bool  # the next line goes on in lower case: the title is a sentence's subject


def _card(text: str, start: int, end: int) -> Card | None:
    lines = text[start:end].split("\n")
    title = lines[0].strip()
    if len(lines) < 2 or not title or _BULLET.match(title) or _TITLE_END.search(title):
        return None
    if len(title.split()) > _MAX_TITLE_WORDS or not (title[0].isupper() or title[0].isdigit()):
        return None
    if not any(len(line.split()) >= _PROSE_WORDS for line in lines[1:]):
        return None  # a menu or a list of short lines, not a description
    if is_role(lines[1].strip()):
        return None  # "Jane Doe / Directrice des Programmes": a person's card
    t0 = start + lines[0].index(title)
    return Card(t0, t0 + len(title), lines[1].lstrip()[:1].islower())


def card_runs(text: str) -> list[list[Card]]:
    """Runs of consecutive cards (paragraphs separated by blank lines), three at least."""
    runs: list[list[Card]] = [[]]
    for p in _PARAGRAPH.finditer(text):
        card = _card(text, p.start(), p.end())
        if card is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(card)
    return [run for run in runs if len(run) >= 3]


# Share of a run's titles that must be organisations by other evidence: a third,
# two at least. Titles that go on as the subject of a sentence ("X / is a charity")
# need a quarter.
_SHARE = 1 / 3
_SHARE_SUBJECT = 1 / 4


def card_organisations(
    text: str,
    is_organisation: Callable[[int, int], bool],
    refused: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Titles of cards that are organisations because their siblings are.

    `is_organisation(start, end)` says whether other evidence makes a title an
    organisation; `refused(name)` whether the title cannot be one (a person, a
    place, page furniture). Titles that are organisations by other evidence are
    returned too: the layout vouches for them against the junk filter ("Corps
    Africa" is made of common words).
    """
    out = []
    for run in card_runs(text):
        n = sum(is_organisation(c.start, c.end) for c in run)
        if n < 2:
            continue
        for card in run:
            share = _SHARE_SUBJECT if card.continues else _SHARE
            if n >= share * len(run) and not refused(text[card.start : card.end]):
                out.append((card.start, card.end))
    return out


# One capitalised name in a list: capitalised words joined by "de/of/for/the…" (not
# by "et/and", which join the items), after an optional article, with an optional
# short form in brackets after it.
_ITEM_WORD = r"[A-ZÀ-ÖØ-Ý](?:[\w’'&\-]|\.(?=\w))*"
_ITEM_GLUE = (
    r"(?:[ \t]+(?:(?:de|du|des|la|le|les|of|the|for|pour|en|sur|aux|à)[ \t]+)*(?:[dlDL]['’])?)"
)
_ITEM = (
    rf"(?:(?:the|The|le|la|les|Le|La|Les)[ \t]+|[lL]['’])?"
    rf"(?P<name>{_ITEM_WORD}(?:{_ITEM_GLUE}{_ITEM_WORD})*)(?:[ \t]*\([^()\n]{{1,40}}\))?"
)
_ITEM_SEPARATOR = re.compile(r"^(?:,[ \t]*(?:(?:et|and)[ \t]+)?|[ \t]+(?:et|and|&)[ \t]+)$")
_LIST_ITEM = re.compile(_ITEM)
_MIN_ITEMS = 3
_GOES_ON = re.compile(r"[ \t]+(?!(?:et|and|or|ou|among|parmi|with|avec)\b)[a-zà-ÿ]")


def _coordinations(text: str) -> list[list[tuple[int, int]]]:
    """Runs of three or more names on one line joined by commas and "et/and"."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    last_end = -1
    for m in _LIST_ITEM.finditer(text):
        span = m.span("name")
        if _GOES_ON.match(text, m.end()):
            span = (span[0], span[0])  # "Kasese District Local government": a cut name, no item
        if current and _ITEM_SEPARATOR.match(text[last_end : m.start()]):
            current.append(span)
        else:
            if len(current) >= _MIN_ITEMS:
                runs.append(current)
            current = [span]
        last_end = m.end()
    if len(current) >= _MIN_ITEMS:
        runs.append(current)
    return runs


def coordinated_organisations(
    text: str,
    is_organisation: Callable[[int, int], bool],
    refused: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Names listed with organisations are organisations: in "X (ADR), Kivu Meteo,
    DataLab and the Institut Géographique", two of four are organisations by other
    evidence, so "Kivu Meteo" and "DataLab" are too. Lists of places or people have
    too few organisations in them; `refused` names a person, a place or furniture."""
    out = []
    for run in _coordinations(text):
        known = [is_organisation(s, e) for s, e in run]
        n = sum(known)
        if n < 2 or n < _SHARE * len(run):
            continue
        out.extend(
            (s, e)
            for (s, e), k in zip(run, known, strict=True)
            if s < e and (k or not refused(text[s:e]))
        )
    return out


# "Location: Rome (since 2020)", "Pays : Mali": a field line of a record
_FIELD = re.compile(r"(?m)^[ \t]*(?P<label>[A-ZÀ-Ý][\w’' ]{1,30}?)[ \t]*:[ \t]*\S")
_MIN_RECORDS = 3


def record_titles(text: str) -> list[list[tuple[int, int]]]:
    """Titles of records: lists of items each written as a title line followed by
    a field line with the same label ("Darbazar / Location: Rome"). The titles of
    three records or more with one label are one list."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for m in _FIELD.finditer(text):
        label = m.group("label").strip().lower().removesuffix("s")
        if len(label.split()) > 3:
            continue
        cut = m.start()
        # the title: the nearest non-blank line above
        before = text[:cut].rstrip("\n \t")
        line_start = before.rfind("\n") + 1
        title = before[line_start:].strip()
        if not title or _TITLE_END.search(title) or _FIELD.match(before[line_start:]):
            continue
        if len(title.split()) > _MAX_TITLE_WORDS or not title[:1].isupper():
            continue
        start = line_start + before[line_start:].index(title)
        by_label.setdefault(label, []).append((start, start + len(title)))
    return [titles for titles in by_label.values() if len(titles) >= _MIN_RECORDS]


def record_organisations(
    text: str,
    is_organisation: Callable[[int, int], bool],
    refused: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Titles of records whose siblings are organisations (see `record_titles`):
    two at least, and a third, by other evidence."""
    out = []
    for titles in record_titles(text):
        n = sum(is_organisation(s, e) for s, e in titles)
        if n >= 2 and n >= _SHARE * len(titles):
            out.extend((s, e) for s, e in titles if not refused(text[s:e]))
    return out


def covers(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    """Some span covers most of the letters of text[start:end] (half at least)."""
    return any(min(end, e) - max(start, s) >= (end - start) / 2 for s, e in spans)


def repeated_mentions(
    text: str, names: Iterable[str], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Other places where the page writes one of `names` as it is (same case, whole
    words), outside the spans in `taken`: the model's misses of a name it knows."""
    out: list[tuple[int, int]] = []
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        for span in find_literal(text, name):
            if not any(s < span[1] and span[0] < e for s, e in taken + out):
                out.append(span)
    return out


# "© 2021 Kivu Relief. All rights reserved", "Copyright © 2019-2024 Les Amis du Lac |
# Mentions légales", "© ONG Terre Verte 2016": the name runs to a full stop, a bar, a
# spaced dash or the rights statement; a year on either side is left off.
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|\bcopyright\b)(?:\s*©)?\s*(?:(?:19|20)\d\d\s*(?:[-–]\s*(?:19|20)\d\d)?)?[\s,]*"
    r"(?P<name>[^\n|.]+?)"
    r"\s*(?:[.|\n]|\s[-–—]\s|,|\btous droits\b|\ball rights\b|(?:19|20)\d\d|$)",
    re.I,
)


def owner_names(text: str, refused: Callable[[str], bool]) -> list[str]:
    """The page owner's name from its copyright notice, when the page writes it again
    elsewhere: "Copyright © 2025 Amani Wells" and "Amani Wells volunteers went …"."""
    out = []
    for m in _COPYRIGHT.finditer(text):
        name = m.group("name").strip()
        words = name.split()
        if not 1 <= len(words) <= _MAX_TITLE_WORDS or not name[:1].isupper() or refused(name):
            continue
        if len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)) >= 2:
            out.append(name)
    return out
