"""Places: which spans of a page name places.

The NER model is one signal among several. The others are knowledge and structure any
page has:

* the gazetteer (``gazetteer.py``): countries, continents, world regions, first- and
  second-level subdivisions, cities and towns of 1,000 people or more, in French and
  English;
* the words around a name (``data/places/context.json``): a preposition of place
  ("à Goudrin", "in Masaka"), a kind-of-place noun ("village de", "Lamjung District"),
  an enumeration of places ("Diama, Djoudj et Gandiole"), an address ("Masaka, Uganda");
* general word lists (``lexicon.py``): first names, frequent words, language names;
* organisation names: a place inside an organisation's name is not a place there
  ("Université de Liège", "Croix-Rouge de Belgique").

How they combine (``reconcile``):

1. A model LOC span that runs across a line break, a table cell (tab, " | ") or a list
   bullet is cut there; hyphenated names are never cut ("Saint-Jean-de-Luz").
2. A name the gazetteer knows for sure (a country, continent, world region, or a region
   or big city whose name is neither a first name nor a common word) is a place whatever
   the model's label, unless it sits inside an organisation's name.
3. A smaller known place (town, small city, or a name that is also a first name or a
   common word) is a place when the model says LOC and the name is unambiguous, or when
   the context says place.
4. A model LOC the gazetteer does not know needs context to stay; without it, it is
   dropped. Language and people names are never places.
5. The text itself is scanned for known names the model missed: sure ones are added
   unless inside an organisation's name; smaller ones only with a context of place.

Everything here is a pure function of the document's text and mentions. The signals live
beside this module: ``places_evidence.py`` (what the name itself says), ``places_context.py``
(what the words around it say) and ``places_spans.py`` (where names start and end); this
module weighs them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import code_version
from ..mentions import Mention
from ..text import strip_article
from . import gazetteer, lexicon
from . import organisations as org_rules
from .gazetteer import DATA_DIR, GAZETTEER_VERSION, Place, get_place, lookup, normalise_name
from .places_context import (
    _after_designator,
    _common_word_opening,
    _named_after,
    _patterns,
    _settlement_before,
    _starts_with_designator,
    _title_word,
    context_of,
    inside_organisation,
)
from .places_evidence import (
    _compass_words,
    _core,
    _lookup,
    _plain_name,
    _unknown_acronym,
    ambiguous,
    names_people,
    not_a_place_shape,
    sureness,
)
from .places_spans import (
    _COMPASS_BEFORE,
    _WRAPPED_NAME,
    _compass_region,
    _joined_names,
    _Spans,
    _with_tail,
    scan,
    split_run_together,
    strip_leading_preposition,
)

# What the place rules' output depends on: their modules, the gazetteer's, the word lists,
# the organisation cue words (a place inside an organisation's name is none) and the data.
SOURCES = (
    Path(__file__),
    Path(__file__).parent / "places_context.py",
    Path(__file__).parent / "places_evidence.py",
    Path(__file__).parent / "places_spans.py",
    Path(__file__).parent / "textscan.py",
    *gazetteer.SOURCE_FILES,
    Path(__file__).parent / "lexicon.py",
    Path(__file__).parent.parent / "mentions.py",
    *org_rules.SOURCES,  # organisations and what it builds on (text, spans, its data)
    DATA_DIR,
)
# The hash of those files: the extractor column changes exactly when the rules do.
RULES_VERSION = code_version(*SOURCES)
GAZETTEER_RULE = f"rule:places.gazetteer@{RULES_VERSION}"
CONTEXT_RULE = f"rule:places.context@{RULES_VERSION}"
SPLIT_RULE = f"rule:places.split@{RULES_VERSION}"


# ---------------------------------------------------------------------- reconcile


@dataclass(slots=True)
class _Decision:
    index: int  # of the mention in the names being reconciled
    mention: Mention
    place: Place | None
    sure: str | None
    context: str | None
    keep: bool | None = None  # None: undecided yet (an enumeration may decide it)


def _as_place(m: Mention, rule: str) -> Mention:
    return m if m.label == "LOC" else m.relabelled("LOC", rule)


def _split_locations(text: str, names: list[Mention]) -> list[Mention]:
    out = []
    for m in names:
        if m.label != "LOC":
            out.append(m)
            continue
        start = strip_leading_preposition(text, m.start, m.end)
        parts = split_run_together(text, start, m.end)
        if parts == [(m.start, m.end)]:
            out.append(m)
            continue
        rule = SPLIT_RULE if len(parts) > 1 else None
        out += [m.respanned(text, s, e, rule) for s, e in parts]
    return out


def _join_compass(text: str, names: list[Mention]) -> list[Mention]:
    """A compass word the model tagged alone ("Northern") and the sure place after it,
    on the same line or the next one ("in Northern\\nGreece", a wrapped line of a
    report), are one place; a compass word alone is not a place."""
    out: list[Mention] = []
    absorbed: tuple[int, int] | None = None
    for m in sorted(names, key=lambda m: (m.start, m.end)):
        if absorbed and absorbed[0] <= m.start and m.end <= absorbed[1]:
            continue
        if m.label != "LOC" or m.text.strip().lower() not in _compass_words():
            end = _with_tail(text, m.start, m.end) if m.label == "LOC" else m.end
            if end != m.end:
                m = m.respanned(text, m.start, end, GAZETTEER_RULE)
            before = _COMPASS_BEFORE.search(text, max(0, m.start - 20), m.start)
            if (
                m.label == "LOC"
                and before
                and before.group("word").lower() in _compass_words()
                and not any(o.start < m.start and o.end > before.start() for o in out)
                and sureness(_lookup(m.text), m.text, "en") == "sure"
            ):
                # the model left the compass word out
                m = m.respanned(text, before.start("word"), m.end, GAZETTEER_RULE)
            out.append(m)
            continue
        after = _WRAPPED_NAME.match(text, m.end)
        if after and sureness(_lookup(after.group("name")), after.group("name"), "en") == "sure":
            end = after.end("name")
            out.append(m.respanned(text, m.start, end, GAZETTEER_RULE))
            absorbed = (after.start("name"), end)
    return out


_BRACKETED = re.compile(r"\s*\([^()\n]{0,40}\)")


# Neighbour items of an enumeration are at most this far apart (brackets included).
_ENUMERATION_GAP = 60


def _in_enumeration(
    text: str, m: Mention, places: list[Mention], index: _Spans | None = None
) -> bool:
    """m is an item of an enumeration that has a confirmed place as a neighbour item:
    "Diama, Djoudj et Gandiole", "Masaka, Uganda", or one name a line in a list of
    place lines. `index` holds the spans of `places` in the same order, sorted by start
    (built here when not given)."""
    joiner = _patterns()["joiner"]
    if index is None:
        places = sorted(places, key=lambda p: (p.start, p.end))
        index = _Spans((p.start, p.end) for p in places)
    for p in (places[i] for i in index.near(m.start, m.end, _ENUMERATION_GAP)):
        if p is m:
            continue
        if p.end <= m.start:
            gap = text[p.end : m.start]
        elif m.end <= p.start:
            gap = text[m.end : p.start]
        else:
            continue
        # "Lesvos (since July 2019), Samos": a bracket between two items is skipped
        if len(gap) > 12:
            if len(gap) > _ENUMERATION_GAP:
                continue
            gap = _BRACKETED.sub("", gap)
        if len(gap) > 12:
            continue
        if "\n" in gap:
            # list lines: each line is one name and nothing else
            if (
                gap.strip() == ""
                and gap.count("\n") == 1
                and _whole_line(text, m)
                and _whole_line(text, p)
            ):
                return True
            continue
        if joiner.match(gap):
            return True
    return False


def _whole_line(text: str, m: Mention) -> bool:
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end == -1 else line_end
    return not text[line_start : m.start].strip() and not text[m.end : line_end].strip()


def _keep(d: _Decision, text: str, language: str) -> bool | None:
    """The first verdict on a mention: True (a place), False (not one) or None (only
    an enumeration of places can still make it one)."""
    m = d.mention
    label, name = m.label, m.text
    if d.sure != "sure" and (names_people(name, language) or not_a_place_shape(name)):
        return False
    if _core(name).lower() in _compass_words():
        return False  # "the Eastern region": a direction, not a name
    if d.sure is None and _unknown_acronym(name):
        return False  # "flooding in AOI": an acronym the gazetteer does not know
    if d.sure == "sure" and not org_rules.has_org_cue(name):
        if _common_word_opening(text, m.start, m.end, language):
            return None
        return not _named_after(text, m.start, d.place)
    unclear = ambiguous(name, language)
    if label == "LOC":
        if d.context == "preposition" and d.sure is None and _title_word(text, m, language):
            return None  # "A Propos", "Appel à Dons": a word after a preposition
        if d.context in ("preposition", "designator") or (d.sure == "known" and not unclear):
            return True
        return True if d.context == "weak" and not unclear else None
    if label == "ORG" and org_rules.names_institution(name):
        return False  # "la Ville de Strasbourg": the town's own noun designates no place
    if label == "ORG" or org_rules.has_org_cue(name):
        return None if d.sure is None else (d.context in ("preposition", "designator") or None)
    # a person or misc name: "village de Diadiem 3", "à Kibaale"
    if d.context == "designator" and not lexicon.is_first_name(_core(name)):
        return True
    return True if d.sure == "known" and d.context == "preposition" else None


def _short_organisation_name(name: str, org_names: set[str]) -> bool:
    """The page names an organisation by this name and an organisation noun: "Sarbodaya"
    where the page has "Sarbodaya College", "Kigoma" beside "Kigoma Youth Network".
    Only asked about names the gazetteer does not know."""
    name = " ".join(name.split())
    return any(org.startswith(name + " ") and org_rules.has_org_cue(org) for org in org_names)


def reconcile(
    text: str,
    names: list[Mention],
    language: str,
    new_mention: Callable[[int, int, str], Mention],
) -> list[Mention]:
    """The document's name mentions with places decided by all the signals.

    `names` are the mentions after the organisation rules (labels ORG, LOC, PER, MISC);
    the result has the same mentions, relabelled or dropped, plus new LOC mentions made
    by `new_mention(start, end, extractor)` for places the model missed.
    """
    names = _join_compass(text, _split_locations(text, names))
    org_spans = _Spans((m.start, m.end) for m in names if m.label == "ORG")
    org_names = {m.text for m in names if m.label == "ORG"}
    decisions = []
    for i, m in enumerate(names):
        lang = m.language or language
        place = _lookup(m.text)
        d = _Decision(i, m, place, sureness(place, m.text, lang), None)
        if m.label == "ORG" and d.sure is None and _settlement_before(text, m.start):
            d.sure = "known"  # "a remote province of Arunachal Pradesh" tagged ORG
        if m.label == "ORG" and d.sure is None:
            continue
        d.context = context_of(text, m.start, m.end, lang if d.sure is None else None)
        if inside_organisation(text, m.start, m.end, org_spans):
            d.keep = False if m.label == "LOC" else None
        elif d.sure is None and _short_organisation_name(m.text, org_names):
            d.keep = False
        else:
            d.keep = _keep(d, text, lang)
        decisions.append(d)

    # enumerations: an undecided name next to a confirmed place is one too
    _enumerate(text, decisions, [], language)
    dropped: set[int] = set()
    for d in decisions:
        if d.keep:
            rule = CONTEXT_RULE if d.sure != "sure" else GAZETTEER_RULE
            names[d.index] = d.mention = _as_place(d.mention, rule)
        elif d.mention.label == "LOC":
            dropped.add(d.index)
    kept = [m for i, m in enumerate(names) if i not in dropped]
    added = _places_in_text(text, kept, language, org_spans, new_mention)
    # a person or misc name enumerated with a place found in the text: "sub counties
    # (Bwesumba and Buhuhira)" where only the first came from the designator
    undecided = [d for d in decisions if d.keep is None and d.mention.label != "LOC"]
    _enumerate(text, undecided, added, language)
    for d in undecided:
        if d.keep:
            names[d.index] = d.mention = _as_place(d.mention, CONTEXT_RULE)
    kept = [m for i, m in enumerate(names) if i not in dropped]
    return sorted(kept + added, key=lambda m: (m.start, m.end))


def _enumerate(text: str, decisions: list[_Decision], places: list[Mention], language: str) -> None:
    """Decide the undecided names that an enumeration joins to a confirmed place (a
    kept decision or one of `places`), until nothing changes."""
    changed = True
    while changed:
        changed = False
        confirmed = sorted(
            places + [d.mention for d in decisions if d.keep], key=lambda p: (p.start, p.end)
        )
        index = _Spans((p.start, p.end) for p in confirmed)
        for d in decisions:
            m = d.mention
            if (
                d.keep is not None
                or m.label == "ORG"
                or not _in_enumeration(text, m, confirmed, index)
            ):
                continue
            lang = m.language or language
            if names_people(m.text, lang) or not_a_place_shape(m.text):
                continue
            if m.label == "LOC" or not ambiguous(m.text, lang):
                d.keep = changed = True


@functools.lru_cache(maxsize=100_000)
def _run_verdict(surface: str, language: str) -> tuple[str, Place | None]:
    """What a capitalised run says by itself, before its context is read: "skip" (no
    place, or "Le Burkina Faso", whose run without the article comes next), "designated"
    ("Mutanda District": a place by its kind-of-place word), "compass" ("North Kivu"),
    or how sure the gazetteer is ("sure", "known"), with the place. It depends on the
    run's words alone, so it is remembered: pages repeat their names."""
    place = _lookup(surface)
    bare = strip_article(surface)
    if place is not None and bare != surface and _lookup(bare) == place:
        return "skip", None
    sure = sureness(place, surface, language)
    if sure is None and _starts_with_designator(surface) and _plain_name(surface, language):
        return "designated", None
    if sure is None and _compass_region(surface, 0, len(surface)):
        return "compass", None
    if sure is None or (lexicon.is_language_name(_core(surface)) and sure != "sure"):
        return "skip", None
    return sure, place


def _places_in_text(
    text: str,
    names: list[Mention],
    language: str,
    org_spans: _Spans,
    new_mention: Callable[[int, int, str], Mention],
) -> list[Mention]:
    """Places no mention covers: known names (sure ones anywhere, others after a
    preposition of place), any name after a kind-of-place noun, and names enumerated
    with a place."""
    taken = _Spans((m.start, m.end) for m in names)
    added: list[Mention] = []

    def free(s: int, e: int) -> bool:
        return not taken.overlaps(s, e)

    def _usable(s: int, e: int) -> bool:
        return _plain_name(text[s:e], language) and not inside_organisation(text, s, e, org_spans)

    def add(s: int, e: int, rule: str) -> None:
        added.append(new_mention(s, e, rule))
        taken.add(s, e)

    for s, run_end in scan(text):
        if not free(s, run_end):
            continue
        e = _with_tail(text, s, run_end)
        verdict, place = _run_verdict(text[s:e], language)
        if verdict == "skip":
            continue
        # a run inside an organisation's name is no place; asked last (it reads the
        # words around the run), only of a run that would be added
        if verdict == "designated":
            if not inside_organisation(text, s, run_end, org_spans):
                add(s, e, CONTEXT_RULE)  # "Mutanda District", "Delta du Saloum"
            continue
        if verdict == "compass":
            if not inside_organisation(text, s, run_end, org_spans):
                add(s, e, GAZETTEER_RULE)
            continue
        if verdict == "sure" and (
            _named_after(text, s, place) or _common_word_opening(text, s, e, language)
        ):
            continue
        if (verdict == "sure" or context_of(text, s, e) in ("preposition", "designator")) and (
            not inside_organisation(text, s, run_end, org_spans)
        ):
            add(s, e, GAZETTEER_RULE)
    for m in _after_designator().finditer(text):
        s, e = m.span("name")
        if free(s, e) and _usable(s, e):
            add(s, e, CONTEXT_RULE)
    places = [(m.start, m.end) for m in names if m.label == "LOC"]
    places += [(m.start, m.end) for m in added]
    while places:
        place = places.pop()
        for s, e in _joined_names(text, place):
            if free(s, e) and _usable(s, e):
                add(s, e, CONTEXT_RULE)
                places.append((s, e))
    return added


__all__ = [
    "CONTEXT_RULE",
    "GAZETTEER_RULE",
    "GAZETTEER_VERSION",
    "RULES_VERSION",
    "SOURCES",
    "SPLIT_RULE",
    "Place",
    "ambiguous",
    "context_of",
    "get_place",
    "inside_organisation",
    "lookup",
    "normalise_name",
    "reconcile",
    "scan",
    "split_run_together",
    "sureness",
]
