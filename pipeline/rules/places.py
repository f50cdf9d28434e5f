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

Everything here is a pure function of the document's text and mentions.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import code_version
from . import lexicon
from . import organisations as org_rules
from .gazetteer import GAZETTEER_VERSION, Place, demonym_place, get_place, lookup, normalise_name

DATA_DIR = Path(__file__).parent / "data" / "places"
# What the resolve stage's output depends on, besides its own code.
SOURCES = (
    Path(__file__),
    Path(__file__).parent / "gazetteer.py",
    Path(__file__).parent / "lexicon.py",
    DATA_DIR,
)
# The hash of those files: the extractor column changes exactly when the rules do.
RULES_VERSION = code_version(*SOURCES)
GAZETTEER_RULE = f"rule:places.gazetteer@{RULES_VERSION}"
CONTEXT_RULE = f"rule:places.context@{RULES_VERSION}"
SPLIT_RULE = f"rule:places.split@{RULES_VERSION}"

# A city at least this big is known for sure, unless its name is a first name or a
# common word; smaller cities and towns need the model or a context.
SURE_CITY_POPULATION = 100_000

# ----------------------------------------------------------------------------- words


@functools.cache
def _context() -> dict:
    return json.loads((DATA_DIR / "context.json").read_text(encoding="utf-8"))


def _designator_words(spec: dict) -> str:
    """Kind-of-place nouns, and field labels when a colon follows ("Location: X")."""
    labels = _alternation(spec["field_labels"])
    return rf"{_alternation(spec['designators'])}|(?:{labels})(?=\s*:)"


def _alternation(words: list[str]) -> str:
    ordered = sorted({w.replace("'", "['’]") for w in words}, key=len, reverse=True)
    return "|".join(w.replace(" ", r"\s+") for w in ordered)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    spec = _context()
    article = rf"(?:(?:{_alternation(spec['articles'])})\s*)?"
    strong = _alternation(spec["prepositions"])
    weak = _alternation(spec["weak_prepositions"])
    designator = _designator_words(spec)
    after = _alternation(spec["designators_after"])
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    joiner = _alternation(spec["list_joiners"])
    return {
        # "à ", "dans le ", "in the " right before the name
        "preposition": re.compile(
            rf"(?:(?:^|[\s(«\"“])(?i:{strong})\s+(?i:{article})|(?:^|[.!?:•]\s+)A\s+)$"
        ),
        "weak": re.compile(rf"(?:^|[\s(«\"“])(?:{weak})\s*{article}$", re.I),
        # "village de ", "the town of ", "province du ", "sites (", "villages : "
        "designator": re.compile(
            rf"(?:^|[\s(«\"“])(?:{designator})(?:\s+[a-zà-ÿ]{{4,}})?{genitive}\s*[(:]?\s*{article}$",
            re.I,
        ),
        "designator_after": re.compile(rf"^\s+(?:{after})\b", re.I),
        # what may stand between two items of an enumeration
        "joiner": re.compile(
            rf"^\s*(?:{joiner})\s*(?:(?:{weak}|{strong})\s+)?{article}$",
            re.I,
        ),
    }


# ------------------------------------------------------------------- run-together spans

# Where one name cannot go on: a line break, a tab, a cell bar, a bullet, a middle dot.
_BREAK = re.compile(r"\s*(?:\n|\t|\s\|\s|\|\s|\s\||[•·▪●◦])\s*")
_EDGE = " \t\n,;:.!?*•·-–—()[]{}«»\"'“”‘’/|"


# A dash with a space on each side separates two names or a name and a title ("Beni –
# Lubero", "Argenteuil - Projet de chantier"); a hyphen inside a word never does.
_SPACED_DASH = re.compile(r"\s+[-–—]\s+")


def split_run_together(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a span at line breaks, tabs, " | " cell separators, list bullets and spaced
    dashes.

    "Namur (Wallonie)\\tGoma, RDC" -> "Namur (Wallonie)", "Goma, RDC"; "Beni – Lubero" ->
    "Beni", "Lubero". A hyphen inside a word is not a break ("Saint-Jean-de-Luz"), nor
    a dash after a compass word ("North – Kivu"). A part keeps a bracket only when it
    holds both ends of it. Parts with no letter are dropped.
    """
    parts = []
    cursor = start
    breaks = [*_BREAK.finditer(text, start, end), *_SPACED_DASH.finditer(text, start, end)]
    for m in sorted(breaks, key=lambda m: m.start()):
        if m.start() < cursor:
            continue
        dash = "\n" not in m.group(0) and m.group(0).strip() in "-–—"
        if dash and text[cursor : m.start()].strip(_EDGE).lower() in _compass_words():
            continue  # "North – Kivu"
        parts.append((cursor, m.start()))
        cursor = m.end()
    parts.append((cursor, end))
    out = []
    for s, e in parts:
        while s < e and text[s] in _EDGE and not (text[s] == "(" and ")" in text[s:e]):
            s += 1
        while e > s and text[e - 1] in _EDGE and not (text[e - 1] == ")" and "(" in text[s:e]):
            e -= 1
        if e > s and any(ch.isalpha() for ch in text[s:e]):
            out.append((s, e))
    return out


# A capital preposition the model took into the span: "A Goudrin", "Au Burkina".
_LEADING_PREPOSITION = re.compile(r"^(?:À|A|Au|Aux|En|In|At|From|Dans)\s+(?=[A-ZÀ-Ý])")


# A distance the model took into the span: "Km de Dilafata", "5 miles from Gulu".
_LEADING_DISTANCE = re.compile(
    r"^(?:\d[\d.,]*\s*)?(?i:km|kms|kilom[eè]tres?|kilometers?|miles?)\s+"
    r"(?i:de|du|d['’]|from|of|outside)\s*(?=[A-ZÀ-Ý])"
)


def strip_leading_preposition(text: str, start: int, end: int) -> int:
    m = _LEADING_PREPOSITION.match(text[start:end]) or _LEADING_DISTANCE.match(text[start:end])
    return start + m.end() if m else start


# ------------------------------------------------------------------------- context


def _line_before(text: str, start: int, width: int = 60) -> str:
    """The text before `start` on its line, or on the line before when the sentence was
    only wrapped there ("remise au village insulaire\\nde Bossinkang"); line breaks read
    as spaces."""
    floor = max(0, start - width)
    cut = text.rfind("\n", floor, start)
    if cut >= 0 and not text[cut + 1 : start].strip() and not _wrapped_before(text, cut):
        return ""  # the name starts a line that does not go on from the one before
    while cut > floor:
        previous = text[:cut].rstrip(" \t")
        if not previous or previous[-1] in ".!?:;)»\n" or "\n" in text[cut + 1 : start].strip():
            floor = cut + 1
            break
        cut = text.rfind("\n", floor, cut)
    return text[floor:start].replace("\n", " ")


# A line wrapped inside a sentence: long, or ending with a word that needs what follows.
_WRAPPED_LINE = 50
_OPEN_END = re.compile(
    r"(?:^|\s)(?:à|au|aux|en|de|du|des|d['’]|la|le|les|l['’]|dans|sur|près|in|at|of|the|to|"
    r"from|near|and|et)\s*$",
    re.I,
)


def _wrapped_before(text: str, cut: int) -> bool:
    """The line ending at text[cut] (a line break) goes on on the next line."""
    line = text[text.rfind("\n", 0, cut) + 1 : cut]
    return len(line.strip()) >= _WRAPPED_LINE or bool(_OPEN_END.search(line))


def _line_after(text: str, end: int, width: int = 30) -> str:
    stop = text.find("\n", end)
    stop = len(text) if stop == -1 else stop
    return text[end : min(stop, end + width)]


def context_of(text: str, start: int, end: int, language: str | None = None) -> str | None:
    """What the words around text[start:end] say: "preposition" ("à X", "in X"),
    "designator" ("village de X", "X District", or a span that starts with one),
    "weak" ("de X", "of X") or None.

    With `language`, a span that starts with a kind-of-place noun followed by a
    frequent word of that language is not designated: "Camp Sky", "Quartier Projet
    Asso" are a title or a table header, not a place."""
    before = _line_before(text, start)
    patterns = _patterns()
    span = text[start:end]
    if patterns["designator"].search(before) or patterns["designator_after"].match(
        _line_after(text, end)
    ):
        return "designator"
    if _starts_with_designator(span) and not (
        language and _common_start(_designated_name(span), language)
    ):
        return "designator"
    if patterns["preposition"].search(before):
        return "preposition"
    if patterns["weak"].search(before):
        return "weak"
    return None


def _designated_name(span: str) -> str:
    """The name after a kind-of-place noun that starts the span: "Camp Sky" -> "Sky";
    "" when the noun ends the span ("Riverside Ward": a title rarely ends so)."""
    words = span.split()
    if len(words) >= 2 and _patterns()["designator_after"].match(" " + words[-1]):
        return ""
    head = _designator_head().match(span)
    return span[head.end() :] if head else span


def _common_start(name: str, language: str) -> bool:
    first = _core(name).split()[:1]
    return bool(first) and lexicon.is_common_word(first[0].strip(_EDGE), language)


def _starts_with_designator(span: str) -> bool:
    """ "région de Saint-Louis", "delta du Saloum", "Lamjung District"."""
    words = span.split()
    if len(words) < 2:
        return False
    if _patterns()["designator_after"].match(" " + words[-1]):
        return True
    return bool(_designator_head().match(span))


@functools.cache
def _designator_head() -> re.Pattern[str]:
    spec = _context()
    article = rf"(?:(?:{_alternation(spec['articles'])})\s*)?"
    designator = _designator_words(spec)
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    return re.compile(rf"^(?i:{article}(?:{designator}){genitive})\s+(?=[A-ZÀ-Ý])")


# --------------------------------------------------------------------- organisations

_NAME_WORD = r"[A-ZÀ-ÖØ-Ý][\w'’&\-]*"
_CONNECTOR = (
    r"(?:de\s+la|de\s+l['’]|d['’]|de|du|des|of\s+the|of|for\s+the|for|"
    r"pour\s+(?:la|le|les|l['’])|pour|and|et|&|la|le|les|the)"
)
# A capitalised word may carry one lower-case adjective: "Secours populaire de",
# "Lycée français de".
_PHRASE_LEFT = re.compile(rf"(?:{_NAME_WORD}(?:\s+[a-zà-ÿ]{{4,}})?\s+(?:{_CONNECTOR}\s+)?)+$")
_PHRASE_LEFT_ELIDED = re.compile(rf"(?:{_NAME_WORD}\s+)*{_NAME_WORD}\s+d['’]$")
_ORG_HEAD_BEFORE = re.compile(r"(?:^|[\s'’])([a-zà-ÿ][a-zà-ÿ\-]{2,})\s+$")
_PHRASE_RIGHT = re.compile(rf"^(?:\s+(?:{_CONNECTOR}\s+)?{_NAME_WORD})+")


def inside_organisation(text: str, start: int, end: int, org_spans: list[tuple[int, int]]) -> bool:
    """The name at text[start:end] is part of an organisation's name.

    Either an organisation mention covers more than the name, or the run of capitalised
    words around it (joined by "de", "of", "for"...) carries an organisation noun:
    "Université de Liège", "Croix-Rouge de Belgique", "Kasese District Local Government".
    """
    if any(s <= start and end <= e and (s, e) != (start, end) for s, e in org_spans):
        return True
    before = _line_before(text, start, 80)
    head = _ORG_HEAD_BEFORE.search(before)
    if head and org_rules.has_org_cue(f"{head.group(1)} {text[start:end]}"):
        return True  # "l'école St Joseph", "le lycée Victor Hugo"
    left = _PHRASE_LEFT.search(before) or _PHRASE_LEFT_ELIDED.search(before)
    right = _PHRASE_RIGHT.match(_line_after(text, end, 80))
    if not left and not right:
        return False
    phrase = (left.group(0) if left else "") + text[start:end] + (right.group(0) if right else "")
    return org_rules.has_org_cue(phrase.strip())


# ---------------------------------------------------------------------- evidence


@functools.lru_cache(maxsize=100_000)
def _lookup(name: str) -> Place | None:
    return lookup(name)


def _core(name: str) -> str:
    """The name without a leading article: what the word lists are asked about."""
    return re.sub(r"^(?:(?:le|la|les|the)\s+|[ld]['’]\s*)", "", name.strip(), flags=re.I)


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


# ---------------------------------------------------------------------- reconcile


@dataclass(slots=True)
class _Decision:
    mention: dict
    place: Place | None
    sure: str | None
    context: str | None
    keep: bool | None = None  # None: undecided yet (an enumeration may decide it)


def _relabel(m: dict, label: str, rule: str) -> None:
    if m["label"] != label:
        m["label"] = label
        m["extractor"] = f"{m['extractor']}+{rule}"


def _split_locations(text: str, names: list[dict]) -> list[dict]:
    out = []
    for m in names:
        if m["label"] != "LOC":
            out.append(m)
            continue
        start = strip_leading_preposition(text, m["start"], m["end"])
        parts = split_run_together(text, start, m["end"])
        if parts == [(m["start"], m["end"])]:
            out.append(m)
            continue
        for s, e in parts:
            part = dict(m, start=s, end=e, text=text[s:e])
            if len(parts) > 1:
                part["extractor"] = f"{m['extractor']}+{SPLIT_RULE}"
            out.append(part)
    return out


_WRAPPED_NAME = re.compile(
    r"[ \t]*\n?[ \t]*(?P<name>[A-ZÀ-ÖØ-Ý][\w'’\-]*(?:[ \t]+[A-ZÀ-ÖØ-Ý][\w'’\-]*)*)"
)


_COMPASS_BEFORE = re.compile(r"(?<![\w-])(?P<word>[A-Z][a-z]+)[ \t]*\n?[ \t]*$")


# A compass part written in lower case after the name: "l'Afrique de l'ouest",
# "Afrique centrale", "la Corne de l'Afrique" is found whole by the scan.
_LOWER_TAIL = re.compile(
    r"[ \t]+(?:de[ \t]+l['’]|du[ \t]+)?(?:ouest|est|nord|sud|centre|centrale|occidentale|"
    r"orientale|australe|septentrionale|méridionale|subsaharienne|sub-saharienne)\b"
)


def _with_tail(text: str, start: int, end: int) -> int:
    """The end of the place at text[start:end] with a lower-case compass part after it
    when the gazetteer knows the longer name as another place ("Afrique de l'ouest")."""
    tail = _LOWER_TAIL.match(text, end)
    if tail:
        longer = _lookup(text[start : tail.end()])
        if longer is not None and longer != _lookup(text[start:end]):
            return tail.end()
    return end


def _join_compass(text: str, names: list[dict]) -> list[dict]:
    """A compass word the model tagged alone ("Northern") and the sure place after it,
    on the same line or the next one ("in Northern\\nGreece", a wrapped line of a
    report), are one place; a compass word alone is not a place."""
    out: list[dict] = []
    absorbed: tuple[int, int] | None = None
    for m in sorted(names, key=lambda m: (m["start"], m["end"])):
        if absorbed and absorbed[0] <= m["start"] and m["end"] <= absorbed[1]:
            continue
        if m["label"] != "LOC" or m["text"].strip().lower() not in _compass_words():
            end = _with_tail(text, m["start"], m["end"]) if m["label"] == "LOC" else m["end"]
            if end != m["end"]:
                m = dict(m, end=end, text=text[m["start"] : end])
                m["extractor"] = f"{m['extractor']}+{GAZETTEER_RULE}"
            before = _COMPASS_BEFORE.search(text, max(0, m["start"] - 20), m["start"])
            if (
                m["label"] == "LOC"
                and before
                and before.group("word").lower() in _compass_words()
                and not any(o["start"] < m["start"] and o["end"] > before.start() for o in out)
                and sureness(_lookup(m["text"]), m["text"], "en") == "sure"
            ):
                start = before.start("word")  # the model left the compass word out
                m = dict(m, start=start, text=text[start : m["end"]])
                m["extractor"] = f"{m['extractor']}+{GAZETTEER_RULE}"
            out.append(m)
            continue
        after = _WRAPPED_NAME.match(text, m["end"])
        if after and sureness(_lookup(after.group("name")), after.group("name"), "en") == "sure":
            end = after.end("name")
            joined = dict(m, end=end, text=text[m["start"] : end])
            joined["extractor"] = f"{m['extractor']}+{GAZETTEER_RULE}"
            out.append(joined)
            absorbed = (after.start("name"), end)
    return out


_BRACKETED = re.compile(r"\s*\([^()\n]{0,40}\)")


class _Spans:
    """Spans sorted by start, to look up those near an offset without a scan of all
    of them (a long page has thousands of names)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._items = sorted(spans)
        self._starts = [s for s, _ in self._items]
        self._longest = max((e - s for s, e in self._items), default=0)

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._items.insert(i, (start, end))
        self._longest = max(self._longest, end - start)

    def near(self, start: int, end: int, margin: int = 0) -> list[int]:
        """Indexes of the spans that may overlap [start - margin, end + margin)."""
        lo = bisect.bisect_left(self._starts, start - margin - self._longest)
        hi = bisect.bisect_right(self._starts, end + margin)
        return list(range(lo, hi))

    def overlaps(self, start: int, end: int) -> bool:
        return any(
            s < end and start < e for s, e in (self._items[i] for i in self.near(start, end))
        )


# Neighbour items of an enumeration are at most this far apart (brackets included).
_ENUMERATION_GAP = 60


def _in_enumeration(text: str, m: dict, places: list[dict], index: _Spans | None = None) -> bool:
    """m is an item of an enumeration that has a confirmed place as a neighbour item:
    "Diama, Djoudj et Gandiole", "Masaka, Uganda", or one name a line in a list of
    place lines. `index` holds the spans of `places` in the same order, sorted by start
    (built here when not given)."""
    joiner = _patterns()["joiner"]
    if index is None:
        places = sorted(places, key=lambda p: (p["start"], p["end"]))
        index = _Spans((p["start"], p["end"]) for p in places)
    for p in (places[i] for i in index.near(m["start"], m["end"], _ENUMERATION_GAP)):
        if p is m:
            continue
        if p["end"] <= m["start"]:
            gap = text[p["end"] : m["start"]]
        elif m["end"] <= p["start"]:
            gap = text[m["end"] : p["start"]]
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


def _whole_line(text: str, m: dict) -> bool:
    line_start = text.rfind("\n", 0, m["start"]) + 1
    line_end = text.find("\n", m["end"])
    line_end = len(text) if line_end == -1 else line_end
    return not text[line_start : m["start"]].strip() and not text[m["end"] : line_end].strip()


# A name as the text writes it: capitalised words, with the connectors of place names
# ("Santa Maria de Jesus", "Delta du Saloum"), and a number or a capital letter that
# tells villages apart ("Diadiem 2", "Nam Chuey A").
_NAME_RUN = (
    rf"{_NAME_WORD}(?:[ \t]+(?:(?:de|du|des|del|la|le|of|the|d['’])[ \t]+)?{_NAME_WORD}){{0,5}}"
    r"(?:[ \t]+(?:\d{1,3}|[A-Z])\b)?"
)
_CAPITALISED_RUN = re.compile(_NAME_RUN)
_MAX_WORDS = 6
_LEADING_ARTICLE = re.compile(r"^(?:Le|La|Les|The|L['’])\s*(?=\w)")


def scan(text: str) -> Iterator[tuple[int, int]]:
    """Candidate names in the text: runs of capitalised words on one line (with the
    connectors of place names), each cut into its sub-runs, longest first."""
    for m in _CAPITALISED_RUN.finditer(text):
        words = list(re.finditer(r"\S+", m.group(0)))
        n = len(words)
        for i in range(n):
            for j in range(min(n, i + _MAX_WORDS), i, -1):
                first, last = words[i].group(0), words[j - 1].group(0)
                if first[:1].isupper() and last[:1].isupper():
                    yield m.start() + words[i].start(), m.start() + words[j - 1].end()


@functools.cache
def _compass_words() -> frozenset[str]:
    """Words that make a region of a place: "Eastern Congo", "Nord Kivu", "Haute Guinée"."""
    words = {"eastern", "western", "northern", "southern", "central", "upper", "lower"}
    for line in (DATA_DIR / "compass.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            words.update(w.lower() for w in line.split("\t"))
    return frozenset(words)


def _compass_region(text: str, s: int, e: int) -> bool:
    """text[s:e] is a compass word then a known place: "Eastern Congo", "North Kivu"."""
    words = text[s:e].split(None, 1)
    return (
        len(words) == 2
        and words[0].lower() in _compass_words()
        and sureness(_lookup(words[1]), words[1], "en") == "sure"
    )


@functools.cache
def _after_designator() -> re.Pattern[str]:
    """A name right after a kind-of-place noun: "village de Diadiem 3", "sub counties
    (Bwesumba"."""
    spec = _context()
    designator = _designator_words(spec)
    article = rf"(?:(?:{_alternation(spec['articles'])})\s*)?"
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    return re.compile(
        rf"(?i:(?<![\w-])(?:{designator})\b(?:\s+[a-zà-ÿ]{{4,}})?{genitive}(?:\s*[(:]\s*|\s+){article})"
        rf"(?P<name>{_NAME_RUN})"
    )


_JOINER = (
    r"[ \t]*(?:,|;|&|\bet\b|\band\b)[ \t\n]*(?:(?:et|and)[ \t]+)?"
    r"(?:(?:de|d['’]|du|des|à|au|aux|en|in|of)[ \t]*)?"
)
_JOINED_RIGHT = re.compile(rf"{_JOINER}(?P<name>{_NAME_RUN})")
_JOINED_LEFT = re.compile(rf"(?P<name>{_NAME_RUN}){_JOINER}$")


# A spaced dash joins two names ("Beni – Lubero") but also a name and a title
# ("Argenteuil - Projet"): only a name the gazetteer knows is taken across it.
_DASHED_RIGHT = re.compile(rf"[ \t]+[-–—][ \t]+(?P<name>{_NAME_RUN})")
_DASHED_LEFT = re.compile(rf"(?P<name>{_NAME_RUN})[ \t]+[-–—][ \t]+$")


def _joined_names(text: str, place: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """Capitalised names joined to a place by an enumeration: "Kasangali, Kaghando and
    Bughendero", "Diama, de Djoudj, et de Gandiole", and known places joined by a
    spaced dash ("Beni – Lubero")."""
    before = text[max(0, place[0] - 60) : place[0]]
    offset = place[0] - len(before)
    for pattern, known in ((_JOINED_RIGHT, False), (_DASHED_RIGHT, True)):
        right = pattern.match(text, place[1])
        if right and (not known or _lookup(right.group("name"))):
            yield right.start("name"), right.end("name")
    for pattern, known in ((_JOINED_LEFT, False), (_DASHED_LEFT, True)):
        left = pattern.search(before)
        if left and (not known or _lookup(left.group("name"))):
            yield offset + left.start("name"), offset + left.end("name")


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


@functools.cache
def _settlement_pattern() -> re.Pattern[str]:
    spec = _context()
    words = _alternation(spec["settlement_designators"])
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    return re.compile(rf"(?<![\w-])(?:{words})\b{genitive}\s+$", re.I)


def _settlement_before(text: str, start: int) -> bool:
    return bool(_settlement_pattern().search(_line_before(text, start)))


_TITLE_PREPOSITION = re.compile(
    r"(?:^|\n)[ \t]*[A-ZÀ-Ý][\w'’]*[ \t]+$|(?P<word>[A-ZÀ-Ý][\w'’-]*)[ \t]+\w+[ \t]+$"
)


def _title_word(text: str, m: dict, language: str) -> bool:
    """A frequent word after a preposition in a title or a menu, not in running text:
    "A Propos" (a capitalised preposition at a line start), "Appel à Dons" (a
    capitalised frequent word before the preposition). "sur le Burkina" in a sentence
    and "Kavala in Northern Greece" are not."""
    if (
        not _common_start(m["text"], language)
        or _core(m["text"]).split()[0].lower() in _compass_words()
    ):
        return False
    before = text[max(0, m["start"] - 40) : m["start"]]
    before = _LEADING_ARTICLE_BEFORE.sub("", before)
    title = _TITLE_PREPOSITION.search(before)
    return bool(title) and (
        title.group("word") is None or lexicon.is_common_word(title.group("word"), language)
    )


_LEADING_ARTICLE_BEFORE = re.compile(r"(?:\b(?:le|la|les|the)[ \t]+|\bl['’])$", re.I)


_WORD_BEFORE = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][a-zà-ÿ]+)[ \t]+$")


@functools.cache
def _function_words() -> frozenset[str]:
    """Prepositions, articles and joiners of context.json, one word each."""
    spec = _context()
    words = spec["prepositions"] + spec["weak_prepositions"] + spec["articles"]
    words += spec["list_joiners"]
    return frozenset(w.strip("'’").lower() for w in words if " " not in w)


def _named_after(text: str, start: int, place: Place | None) -> bool:
    """A continent or world region at the end of a programme's or a group's name:
    "Open Cities Africa", "Corps Africa" (a capitalised frequent word right before the
    continent, that is neither a compass word nor a function word). "West Africa",
    "Sub-Saharan Africa", "in Africa" are places."""
    if place is None or place.kind not in ("continent", "region") or place.country_code:
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    if not before:
        return False
    word = before.group(1)
    if word.lower() in _function_words() or word.lower() in _compass_words():
        return False
    return lexicon.is_common_word(word, "en") or lexicon.is_common_word(word, "fr")


_OPENING = re.compile(r"(?:^|\n|[.!?:•·–—-])[ \t]*$")
_LOWER_NEXT = re.compile(r"[ \t]+[a-zà-ÿ]")


def _common_word_opening(text: str, start: int, end: int, language: str) -> bool:
    """A place name that is also a frequent word, opening a line or a sentence and
    followed by a lower-case word: "Réunion avec les décideurs" (a meeting). In the
    middle of a sentence, or with its article ("La Réunion"), it is the place."""
    name = text[start:end]
    return (
        " " not in name
        and lexicon.is_common_word(name, language)
        and bool(_OPENING.search(text, max(0, start - 5), start))
        and bool(_LOWER_NEXT.match(text, end))
    )


def _keep(d: _Decision, text: str, language: str) -> bool | None:
    """The first verdict on a mention: True (a place), False (not one) or None (only
    an enumeration of places can still make it one)."""
    m = d.mention
    label, name = m["label"], m["text"]
    if d.sure != "sure" and (names_people(name, language) or not_a_place_shape(name)):
        return False
    if _core(name).lower() in _compass_words():
        return False  # "the Eastern region": a direction, not a name
    if d.sure is None and _unknown_acronym(name):
        return False  # "flooding in AOI": an acronym the gazetteer does not know
    if d.sure == "sure" and not org_rules.has_org_cue(name):
        if _common_word_opening(text, m["start"], m["end"], language):
            return None
        return not _named_after(text, m["start"], d.place)
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
    names: list[dict],
    language: str,
    new_mention: Callable[[int, int, str], dict],
) -> list[dict]:
    """The document's name mentions with places decided by all the signals.

    `names` are the mentions after the organisation rules (labels ORG, LOC, PER, MISC);
    the result has the same mentions, relabelled or dropped, plus new LOC mentions made
    by `new_mention(start, end, extractor)` for places the model missed.
    """
    names = _join_compass(text, _split_locations(text, names))
    org_spans = [(m["start"], m["end"]) for m in names if m["label"] == "ORG"]
    org_names = {m["text"] for m in names if m["label"] == "ORG"}
    decisions = []
    for m in names:
        lang = m.get("language") or language
        place = _lookup(m["text"])
        d = _Decision(m, place, sureness(place, m["text"], lang), None)
        if m["label"] == "ORG" and d.sure is None and _settlement_before(text, m["start"]):
            d.sure = "known"  # "a remote province of Arunachal Pradesh" tagged ORG
        if m["label"] == "ORG" and d.sure is None:
            continue
        d.context = context_of(text, m["start"], m["end"], lang if d.sure is None else None)
        if inside_organisation(text, m["start"], m["end"], org_spans):
            d.keep = False if m["label"] == "LOC" else None
        elif d.sure is None and _short_organisation_name(m["text"], org_names):
            d.keep = False
        else:
            d.keep = _keep(d, text, lang)
        decisions.append(d)

    # enumerations: an undecided name next to a confirmed place is one too
    _enumerate(text, decisions, [], language)
    dropped: set[int] = set()
    for d in decisions:
        if d.keep:
            _relabel(d.mention, "LOC", CONTEXT_RULE if d.sure != "sure" else GAZETTEER_RULE)
        elif d.mention["label"] == "LOC":
            dropped.add(id(d.mention))
    names = [m for m in names if id(m) not in dropped]
    added = _places_in_text(text, names, language, org_spans, new_mention)
    # a person or misc name enumerated with a place found in the text: "sub counties
    # (Bwesumba and Buhuhira)" where only the first came from the designator
    undecided = [d for d in decisions if d.keep is None and d.mention["label"] != "LOC"]
    _enumerate(text, undecided, added, language)
    for d in undecided:
        if d.keep:
            _relabel(d.mention, "LOC", CONTEXT_RULE)
    return sorted(names + added, key=lambda m: (m["start"], m["end"]))


def _enumerate(text: str, decisions: list[_Decision], places: list[dict], language: str) -> None:
    """Decide the undecided names that an enumeration joins to a confirmed place (a
    kept decision or one of `places`), until nothing changes."""
    changed = True
    while changed:
        changed = False
        confirmed = sorted(
            places + [d.mention for d in decisions if d.keep], key=lambda p: (p["start"], p["end"])
        )
        index = _Spans((p["start"], p["end"]) for p in confirmed)
        for d in decisions:
            m = d.mention
            if (
                d.keep is not None
                or m["label"] == "ORG"
                or not _in_enumeration(text, m, confirmed, index)
            ):
                continue
            lang = m.get("language") or language
            if names_people(m["text"], lang) or not_a_place_shape(m["text"]):
                continue
            if m["label"] == "LOC" or not ambiguous(m["text"], lang):
                d.keep = changed = True


def _places_in_text(
    text: str,
    names: list[dict],
    language: str,
    org_spans: list[tuple[int, int]],
    new_mention: Callable[[int, int, str], dict],
) -> list[dict]:
    """Places no mention covers: known names (sure ones anywhere, others after a
    preposition of place), any name after a kind-of-place noun, and names enumerated
    with a place."""
    taken = _Spans((m["start"], m["end"]) for m in names)
    added: list[dict] = []

    def free(s: int, e: int) -> bool:
        return not taken.overlaps(s, e)

    def _usable(s: int, e: int) -> bool:
        return _plain_name(text[s:e], language) and not inside_organisation(text, s, e, org_spans)

    def add(s: int, e: int, rule: str) -> None:
        added.append(new_mention(s, e, rule))
        taken.add(s, e)

    for s, e in scan(text):
        if not free(s, e) or inside_organisation(text, s, e, org_spans):
            continue
        e = _with_tail(text, s, e)
        surface = text[s:e]
        place = _lookup(surface)
        article = _LEADING_ARTICLE.match(surface)
        if place is not None and article and _lookup(surface[article.end() :]) == place:
            continue  # "Le Burkina Faso": the run without its article comes next
        sure = sureness(place, surface, language)
        if sure is None and _starts_with_designator(surface) and _plain_name(surface, language):
            add(s, e, CONTEXT_RULE)  # "Mutanda District", "Delta du Saloum"
            continue
        if sure is None and _compass_region(text, s, e):
            add(s, e, GAZETTEER_RULE)
            continue
        if sure is None or (lexicon.is_language_name(_core(surface)) and sure != "sure"):
            continue
        if sure == "sure" and (
            _named_after(text, s, place) or _common_word_opening(text, s, e, language)
        ):
            continue
        if sure == "sure" or context_of(text, s, e) in ("preposition", "designator"):
            add(s, e, GAZETTEER_RULE)
    for m in _after_designator().finditer(text):
        s, e = m.span("name")
        if free(s, e) and _usable(s, e):
            add(s, e, CONTEXT_RULE)
    places = [(m["start"], m["end"]) for m in names if m["label"] == "LOC"]
    places += [(m["start"], m["end"]) for m in added]
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
