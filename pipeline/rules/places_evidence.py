"""What a name itself says about being a place: the gazetteer, the word lists, its shape.

Part of the place rules (``places.py`` decides; ``places_context.py`` reads the words
around a name; ``places_spans.py`` finds where names start and end). The names that start
with an underscore are shared by the places modules only.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from ..mentions import Mention
from ..text import alternation, fold_word, strip_article
from . import lexicon
from . import organisations as org_rules
from .gazetteer import DATA_DIR, Place, demonym_place, lookup

# A city at least this big is known for sure, unless its name is a first name or a
# common word; smaller cities and towns need the model or a context.
SURE_CITY_POPULATION = 100_000


# ----------------------------------------------------------------------------- words


@functools.cache
def _context() -> dict:
    return json.loads((DATA_DIR / "context.json").read_text(encoding="utf-8"))


def _designator_words(spec: dict) -> str:
    """Kind-of-place nouns, and field labels when a colon follows ("Location: X")."""
    labels = alternation(spec["field_labels"])
    return rf"{alternation(spec['designators'])}|(?:{labels})(?=\s*:)"


_EDGE = " \t\n,;:.!?*•·-–—()[]{}«»\"'“”‘’/|"


# ---------------------------------------------------------------------- evidence


@functools.lru_cache(maxsize=100_000)
def _lookup(name: str) -> Place | None:
    return lookup(name)


def _core(name: str) -> str:
    """The name without a leading article: what the word lists are asked about."""
    return strip_article(name.strip())


def ambiguous(name: str, language: str) -> bool:
    """A one-word name that is also a first name, a frequent word of the page's language
    or a language/people name: "Victoria", "Santa", "Centre", "Swahili"."""
    core = _core(name)
    if " " in core or ("-" in core and core.split("-")[0].lower() not in ("saint", "sainte")):
        return False
    return (
        lexicon.is_first_name(core)
        or lexicon.is_common_word(core, language)
        or lexicon.is_language_name(core)
    )


# Words that join the others in a name ("Bois de la Chapelle", "City of Gold").
_JOINING = frozenset({"of", "the", "de", "la", "le", "les", "du", "des", "d", "l", "et", "and"})


def ordinary_phrase(name: str, language: str) -> bool:
    """Two or more words, each a frequent word of the page's language and none a first
    name (the joining words aside): "White House", "Trois Ponts". Word frequencies count
    well-known places as words ("British Columbia", "Hauts-de-Seine"): only asked about
    small towns (see `doubtful_town`)."""
    words = [w for w in re.split(r"[\s\-'’]+", name.strip()) if w and w.lower() not in _JOINING]
    return len(words) >= 2 and all(
        lexicon.is_common_word(w, language) and not lexicon.is_first_name(w) for w in words
    )


# Towns below this size are the gazetteer's smallest tier (geonames' cities1000).
_SMALL_TOWN = 15_000


def doubtful_town(place: Place | None, name: str, language: str) -> bool:
    """A small town named by a phrase of frequent words ("White House", Tennessee):
    the phrase is far more often meant than the town."""
    return (
        place is not None
        and place.kind == "city"
        and place.population < _SMALL_TOWN
        and ordinary_phrase(_core(name), language)
    )


@functools.cache
def _not_a_place_shape() -> re.Pattern[str]:
    """A postal box ("P.O. Box 30928", "B.P. 1234") or a span carrying a year or any
    number of four digits or more ("Décembre 2013", "Campagne 2023-2024"): villages are
    told apart by small numbers ("Diadiem 2"), never by years."""
    boxes = "|".join(re.escape(b).replace(r"\ ", r"\s*") for b in _context()["postal_boxes"])
    return re.compile(rf"^(?i:{boxes})\s*\d|\d{{4,}}")


def not_a_place_shape(name: str) -> bool:
    return bool(_not_a_place_shape().search(name.strip()))


def names_people(name: str, language: str) -> bool:
    """A language or a people, not a place: "Swahili", "Rwandan", "Montpelliérains",
    "État Malien" (frequent words before a demonym)."""
    core = _core(name)
    if lexicon.is_language_name(core):
        return True
    words = core.split()
    if not words or demonym_place(words[-1]) is None:
        return False
    return all(lexicon.is_common_word(w, language) for w in words[:-1])


_SAINT = re.compile(r"^(?:saint|sainte|st|ste|san|santa|santo|são|sao)\b", re.I)


def sureness(
    place: Place | None, name: str, language: str, sentence_start: bool = False
) -> str | None:
    """How sure the gazetteer alone is that `name` means `place`: "sure", "known" (a
    place of that name exists, but the name needs the model or a context) or None.

    Sure: countries, continents and world regions; subdivisions whose name is not also
    a first name, a frequent word or a language; cities of 100,000 people or more, unless
    the name is also a first name and the city has fewer than a million people
    ("Victoria"). Only known: smaller places, the doubtful ones above, and a saint's name (schools, churches and
    hospitals are named after saints). A short name in capitals ("AOI") is an acronym,
    never a city."""
    if place is None:
        return None
    core = _core(name)
    macro = place.kind in ("country", "continent") or (
        place.kind == "region" and not place.country_code
    )
    if not macro and core.isupper() and len(core) <= 4:
        return None
    if macro:
        return "sure"
    if _SAINT.match(core):
        return "known"
    if place.population >= SURE_CITY_POPULATION and place.kind == "city":
        # word frequencies count well-known cities as words ("Leeds", "Lyon"): only a
        # first name makes a big city's name doubtful, and not a huge city's
        first = lexicon.is_first_name(core) and place.population < 1_000_000
        return "known" if first else "sure"
    if place.kind == "region" and not ambiguous(name, language):
        return "sure"
    return "known"


def _common_start(name: str, language: str) -> bool:
    first = _core(name).split()[:1]
    return bool(first) and lexicon.is_common_word(first[0].strip(_EDGE), language)


@functools.cache
def _compass_words() -> frozenset[str]:
    """Words that make a region of a place: "Eastern Congo", "Nord Kivu", "Haute Guinée"."""
    words = set(_context()["compass_words"])
    for line in (DATA_DIR / "compass.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            words.update(w.lower() for w in line.split("\t"))
    return frozenset(words)


def _plain_name(name: str, language: str) -> bool:
    """A name with no evidence but its context: its first word is neither a frequent
    word nor a first name ("Entre Juin", "Décembre 2013", "Victoria" are not names of
    places by their context alone)."""
    first = _core(name).split()[0]
    return (
        not ambiguous(first, language)
        and not org_rules.has_org_cue(name)
        and not names_people(name, language)
        and not not_a_place_shape(name)
        and not _unknown_acronym(name)
    )


def _unknown_acronym(name: str) -> bool:
    """Two to five capitals ("AOI", "STSS") that the gazetteer does not know as a place
    (it knows "RDC", "USA", "UK"): an organisation's or a term's acronym."""
    core = _core(name).replace(".", "")
    return (
        2 <= len(core) <= 5
        and core.isalpha()
        and core.isupper()
        and sureness(_lookup(name), name, "en") is None
    )


# ----------------------------------------------------------------------- people

_PERSON_WORD = re.compile(r"^[A-ZÀ-ÖØ-Ý][\w'’.\-]*$")


def person_name(name: str) -> bool:
    """A person's full name: two to four capitalised words, the first a first name
    ("Aminata Traoré", "Pierre-Yves Hamel", "Grace W. Mwangi"), which the gazetteer does
    not know as a whole ("Victoria Falls", "Santa Cruz" are places)."""
    words = _core(name).split()
    if not 2 <= len(words) <= 4 or not all(_PERSON_WORD.match(w) for w in words):
        return False
    first = words[0].split("-")[0]
    return lexicon.is_first_name(first) and _lookup(name) is None


@dataclass(frozen=True, slots=True)
class People:
    """The people a page names: their full names and their surnames, folded."""

    full: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()

    def names(self, name: str) -> bool:
        """`name` is one of these people, whole or by surname ("Velázquez" on a page
        about "Marjorie Velázquez")."""
        folded = fold_word(_core(name))
        return folded in self.full or folded in self.surnames


def people_on_page(names: list[Mention]) -> People:
    """The people among the model's person mentions: a name the model tags PER and that
    reads as a first name and a surname. Their surnames alone name them too, so a town
    of that name ("Hollister", "Velázquez") is not a place on that page."""
    full, surnames = set(), set()
    for m in names:
        if m.label == "PER" and person_name(m.text):
            words = _core(m.text).split()
            full.add(fold_word(" ".join(words)))
            if len(words[-1].rstrip(".")) > 2:
                surnames.add(fold_word(words[-1]))
    return People(frozenset(full), frozenset(surnames))
