"""What a name itself says about being a place: the gazetteer, the word lists, its shape.

Part of the place rules (``places.py`` decides; ``places_context.py`` reads the words
around a name; ``places_spans.py`` finds where names start and end). The names that start
with an underscore are shared by the places modules only.
"""

from __future__ import annotations

import functools
import json
import re

from ..text import alternation, strip_article
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
