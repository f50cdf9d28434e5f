"""What an organisation's name is not: a junk filter from data and language.

The model tags as ORG many capitalised things that name no organisation. Each
test below rests on general knowledge, never on the words of a page:

* **topic**: every word is a common word (word frequencies from the `wordfreq`
  package, French and English) and no word is an organisation head noun:
  "Water Management", "Violence Against Women", "Health Care", "Education".
  Well-known organisations made only of common words ("Save the Children")
  need other evidence (an acronym definition, an apposition, a list of
  partners) to stay; the caller checks that first.
* **chrome**: site furniture ("ACCUEIL", "VOIR PLUS", "Share this page").
* **role**: a title or post ("Président", "Director of Programs").
* **person**: a first name (`lexicon.first_names`, the nomquamgender table's given names)
  followed by capitalised words that are not common words: "Veronica Ndagano".
* **term**: the acronym of an everyday term ("VPN", "CE2", "HIV", "IBAN", "STEM";
  `data/organisations/terms.json`, general vocabulary by domain); a phrase of common
  words and such acronyms ("HIV Testing Days") is a topic.
* **money or unit**: an ISO 4217 currency code (pycountry), a unit, or a name
  holding an amount ("INR 248,560.00") or several bare numbers (a table row).

Places are left to the caller, which has the gazetteer (`rules.places.lookup`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

from ..config import PACKAGE, code_version
from ..mentions import Mention
from ..text import fold
from . import lexicon, org_products
from .org_products import product_names
from .organisations import has_org_cue, org_head_nouns
from .spans import find_literal

DATA = Path(__file__).parent / "data" / "organisations"
# this module and what it builds on (the word lists, the product and organisation rules):
# the extractor column changes with any of them
SOURCES = (Path(__file__), PACKAGE / "mentions.py", Path(lexicon.__file__), *org_products.SOURCES)
JUNK_VERSION = code_version(*SOURCES)

_WORD = re.compile(r"\w+(?:['’]\w+)?")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?![\w.,])")
_AMOUNT = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d+)?|\d+[.,]\d+")


@cache
def _data() -> dict:
    return json.loads((DATA / "junk.json").read_text(encoding="utf-8"))


@cache
def _chrome() -> frozenset[str]:
    return frozenset(fold(p) for p in _data()["chrome"]["phrases"])


@cache
def _roles() -> tuple[frozenset[str], frozenset[str]]:
    """Role words, and the two-word roles ("chef de projet" folds to its words)."""
    words = [fold(w) for w in _data()["roles"]["words"]]
    return frozenset(w for w in words if " " not in w), frozenset(w for w in words if " " in w)


@cache
def _units() -> frozenset[str]:
    import pycountry

    codes = {c.alpha_3.lower() for c in pycountry.currencies}
    return frozenset(codes | {fold(w) for w in _data()["units"]["words"]})


@lru_cache(maxsize=100_000)
def word_zipf(word: str) -> float:
    """The word's highest Zipf frequency among the languages of the data file."""
    from wordfreq import zipf_frequency

    settings = _data()["common_word"]
    return max(zipf_frequency(word, lang) for lang in settings["languages"])


@lru_cache(maxsize=100_000)
def is_common_word(word: str) -> bool:
    """A word of everyday French or English (about one in a million words or more):
    ``word_zipf(word.lower())`` at the threshold or above, from the per-machine list
    of `lexicon.zipf_words` (wordfreq itself only for words it would split)."""
    settings = _data()["common_word"]
    return lexicon.zipf_at_least(word.lower(), settings["zipf"], tuple(settings["languages"]))


def is_first_name(word: str) -> bool:
    """A given name of the one first-names list the rules share (`lexicon.first_names`:
    nomquamgender, names common in many countries' name sources)."""
    return lexicon.is_first_name(word)


def words_of(name: str) -> list[str]:
    return _WORD.findall(name)


@cache
def _terms() -> frozenset[str]:
    data = json.loads((DATA / "terms.json").read_text(encoding="utf-8"))
    return frozenset(
        fold(w).replace(" ", "") for key, words in data.items() if key != "_doc" for w in words
    )


def is_term(name: str) -> bool:
    """An acronym or short name of an everyday term ("VPN", "CE2", "B.E.P.C", "HIV",
    "COVID-19", "IBAN"): a thing, a level or a document, not an organisation."""
    return fold(name).replace(" ", "") in _terms()


def _all_common(words: list[str]) -> bool:
    """Every word is common or a term's acronym, and no other acronym is among them
    (an acronym is a coinage): "ART clinic services" is a common phrase."""
    return bool(words) and all(
        is_term(w)
        or (
            not any(ch.isdigit() for ch in w)
            and is_common_word(w)
            and not (w.isupper() and len(w) <= 4 and len(words) > 1)
        )
        for w in words
    )


def is_topic(name: str) -> bool:
    """A common-noun phrase with a capital: every word common, no organisation head.

    A single upper-case word is an acronym ("ONU", "UNESCO"), not a word, even
    when a word is spelt the same; menus in capitals are caught as chrome.
    """
    words = words_of(name)
    if not words or has_org_cue(name):
        return False
    if len(words) == 1 and name.strip().isupper():
        return False
    return _all_common(words)


def is_single_common_word(name: str) -> bool:
    """One everyday word with a capital ("Urbanisme", "Education"), not in capitals."""
    words = words_of(name)
    return len(words) == 1 and not name.strip().isupper() and _all_common(words)


def is_chrome(name: str) -> bool:
    """Page furniture, alone or several items of a menu run together."""
    folded = fold(name)
    if folded in _chrome():
        return True
    parts = [fold(p) for p in re.split(r"\s*[|·•/>»]\s*|\s{2,}", name) if p.strip()]
    return len(parts) > 1 and all(p in _chrome() for p in parts)


def is_role(name: str) -> bool:
    """A title or post: the name starts with a role word and has no organisation head."""
    folded = fold(name)
    single, double = _roles()
    words = folded.split()
    if not words or has_org_cue(name):
        return False
    return words[0] in single or " ".join(words[:2]) in double or " ".join(words[:3]) in double


def is_person(name: str) -> bool:
    """ "Firstname Lastname": a given name, then one to three capitalised words that
    are not common words (a second given name may be one: "Hans Peter Gürtner"), no
    organisation head and no acronym."""
    words = name.split()
    if not 2 <= len(words) <= 4 or has_org_cue(name):
        return False
    if len(words[0]) < 3 or not is_first_name(words[0]) or not words[0][:1].isupper():
        return False
    rest = words[1:]
    return all(
        w[:1].isupper()
        and not w.isupper()
        and (not is_common_word(w) or (i < len(rest) - 1 and is_first_name(w)))
        and "-" not in w[1:2]
        for i, w in enumerate(rest)
    )


def starts_with_person(name: str) -> bool:
    """The model ran a person's name into what follows: "Veronica Ndagano Resources"."""
    words = name.split()
    return len(words) > 2 and not has_org_cue(name) and is_person(" ".join(words[:2]))


def is_money_or_unit(name: str) -> bool:
    """A currency code, a unit, an amount or a row of numbers is not a name."""
    stripped = name.strip()
    if fold(stripped) in _units() and (
        stripped.isupper() or stripped.islower() or len(stripped) <= 4
    ):
        return True
    if _AMOUNT.search(stripped):
        return True
    return len(_NUMBER.findall(stripped)) >= 2


_TITLE = re.compile(r"\w\s?[:：]\s+\w")  # "Project Title: Furniture for the School"


@cache
def _organs() -> frozenset[str]:
    return frozenset(fold(p).replace(" ", "") for p in _data()["organs"]["phrases"])


def is_organ(name: str) -> bool:
    """A governing body or meeting that every organisation has: "Assemblée Générale",
    "le C.A.", "Bureau Exécutif", "Board of Directors". It names part of an
    organisation, not one, even with the head noun it carries."""
    return fold(name).replace(" ", "") in _organs()


_FRENCH_JOINING = frozenset(["de", "du", "des", "d", "la", "le", "l", "aux", "au", "pour"])
_JOINING = _FRENCH_JOINING | {"of", "for"}


@cache
def _heads(kind: str) -> frozenset[str]:
    return frozenset(fold(w) for w in _data()[kind]["words"])


def _headed_by(name: str, heads: frozenset[str]) -> bool:
    """The name's head noun is one of `heads`: its first word (French order), or the
    word before "of" or its last word (English order), unless an organisation head
    noun comes first ("Association du Festival") or ends an English name."""
    words = fold(name).split()
    if len(words) < 2:
        return False
    org_words = org_head_nouns()
    if words[0] in heads:
        # "Rentrée des Associations" (French order), not "Festival Foundation"
        return words[-1] not in org_words or any(w in _JOINING for w in words[1:])
    if words[0] in org_words or any(w in _FRENCH_JOINING for w in words[1:]):
        return False  # "Médecins du Fleuve": French order, the head came first
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1] in heads
    return words[-1] in heads and words[-1] not in org_words


def names_a_thing(name: str) -> bool:
    """An event, a diploma, a document or an idea: its head noun says so, whatever
    organisation noun its complement holds ("Rentrée des Associations", "Malawi
    School Certificate Examination", "Theory of Change")."""
    return _headed_by(name, _heads("things"))


def names_a_facility(name: str) -> bool:
    """A bridge, a road, a park, a river: a place someone built or named, not an
    organisation ("King Fahd Bridge", "Pont des Martyrs", "Avenue de la Paix")."""
    return _headed_by(name, _heads("facilities"))


def is_list_of_topics(name: str) -> bool:
    """Common nouns run together with commas: "Government, Academy, Private Sector"
    lists kinds of actors, whatever head nouns it holds."""
    parts = [p for p in re.split(r"\s*,\s*", name) if p.strip()]
    return len(parts) > 1 and all(_all_common(words_of(p)) for p in parts)


def names_no_organisation(name: str) -> bool:
    """A body every organisation has, or a list of common nouns: not one organisation,
    even with a head noun in it (checked before a head noun counts as evidence)."""
    return is_organ(name) or is_list_of_topics(name)


def junk_reason(name: str) -> str | None:
    """Why `name` cannot be an organisation's name, or None when nothing says so."""
    if is_organ(name):
        return "organ"
    if _TITLE.search(name):
        return "title"
    if names_a_thing(name):
        return "thing"
    if names_a_facility(name):
        return "facility"
    if "_" in name:  # "MODIFIED_BY": an identifier from code
        return "code"
    if is_money_or_unit(name):
        return "money-or-unit"
    if is_term(name):
        return "term"
    if is_chrome(name):
        return "chrome"
    if is_role(name):
        return "role"
    if is_person(name) or starts_with_person(name):
        return "person"
    if is_topic(name):
        return "topic"
    return None


def in_prose(text: str, start: int, end: int) -> bool:
    """The span sits inside a sentence of running text, not at its start.

    Writers capitalise a common-noun phrase in a heading, a menu, a tag line or
    at the start of a sentence; inside a sentence of lower-case words, capitals
    mark a proper name ("a partnership with Choice Humanitarian").
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    words = line.split()
    if len(words) < 8 or sum(w[:1].islower() for w in words) * 2 < len(words):
        return False
    before = text[line_start:start].rstrip()
    return bool(before) and not before.endswith((".", "!", "?", ":", "•", "·", "|"))


_LOCATIVE = re.compile(r"\s+(?:à|au|aux|en|in|at)\s+(?P<place>\S.*)$", re.S)


_POSSESSIVE = re.compile(r"(?<=\w)['’]s$")
# "The Daily Star - Article", "lycée Jean Moulin - Projet": a spaced dash ends a name
# (headings and link texts join a name and what it is about with one)
_SPACED_DASH = re.compile(r"(?<=\S)[ \t]+[-–—][ \t]+\S.*$", re.S)
_YEAR_TAIL = re.compile(r"\s+(?:1[89]|20)\d\d$")
# "L'Agence des micro-projets nous ont soutenus": a clitic pronoun starts the verb
_CLITIC_TAIL = re.compile(r"\s+(?:nous|vous|se|s['’]|leur|lui)(?:\s+|(?<=['’]))[a-zà-ÿ].*$", re.S)


@cache
def _people_nouns() -> frozenset[str]:
    return frozenset(fold(w) for w in _data()["people_nouns"]["words"])


def initials(name: str) -> str:
    """The initials of a name's capitalised words: "Association Malienne pour la
    Survie au Sahel" gives AMSS."""
    return "".join(w[0] for w in re.findall(r"[A-ZÀ-Ý][\w-]*", name)).upper()


def _without_place_tail(name: str, place_kind: Callable[[str], str | None], text: str = "") -> str:
    """ "Secours Populaire à Paris": a name followed by where it is ends before the
    preposition, when the gazetteer knows the place and the page's acronym for the name
    does not spell it; what follows a spaced dash and a possessive 's are no part of it,
    nor is a year ("Camp Kivu 2014" is the 2014 edition of Camp Kivu), a verb run
    into the name after a clitic pronoun ("… micro-projets nous ont soutenus") or a noun for
    the organisation's people ("Peace Corps Volunteers" are people of the Peace Corps)."""
    name = _SPACED_DASH.sub("", name)
    m = _LOCATIVE.search(name)
    if m and place_kind(m.group("place")):
        # the place stays when the page's acronym for the name spells it ("… au Sahel", AMSS)
        short = initials(name)
        if len(short) < 3 or not next(find_literal(text, short), None):
            name = name[: m.start()]
    name = _POSSESSIVE.sub("", name)  # "Choice Humanitarian’s request"
    name = _YEAR_TAIL.sub("", name)
    name = _CLITIC_TAIL.sub("", name)
    words = name.split()
    if len(words) >= 3 and fold(words[-1]) in _people_nouns():
        name = name[: name.rstrip().rfind(" ")]
    return name


def drop_junk_organisations(
    names: list[Mention],
    text: str,
    evidence: set[str],
    place_kind: Callable[[str], str | None],
    rule: str,
) -> list[Mention]:
    """A document's name mentions with the junk filter applied to those labelled ORG.

    A name in `evidence` (folded names that a rule found as an organisation) is
    kept whatever it looks like. A place after a locative preposition and a
    possessive are cut off ("Secours Populaire à Paris", "Oxfam’s"). A name the gazetteer knows as a country, region
    or city, with no organisation head, becomes a place; any other junk is
    dropped. A phrase of common words is a topic only when no mention of it in
    the document stands inside running text (`in_prose`): "World Vision" in
    "inspected by World Vision" stays, a heading "Health Care" goes. `rule` is
    appended to the extractor of a relabelled mention.
    """
    named_in_prose = {
        fold(_POSSESSIVE.sub("", m.text))
        for m in names
        if m.label == "ORG"
        and len(m.text.split()) > 1  # any white space: pages join names with U+00A0
        and "," not in m.text  # "Government, Academy": a list of topics
        and in_prose(text, m.start, m.end)
    }
    products = product_names(text, [m.text for m in names if m.label == "ORG"])
    out = []
    for m in names:
        if m.label != "ORG":
            out.append(m)
            continue
        if fold(m.text) in products:  # "apps like TuxMath", "Open Data Kit"
            continue
        trimmed = _without_place_tail(m.text, place_kind, text)
        if trimmed and trimmed != m.text:
            m = m.respanned(text, m.start, m.start + len(trimmed), rule)
        folded = fold(m.text)
        if folded in evidence:
            out.append(m)
            continue
        if not has_org_cue(m.text) and place_kind(m.text) in _PLACE_KINDS:
            out.append(m.relabelled("LOC", rule))
            continue
        reason = junk_reason(m.text) or ("person" if titled_person(text, m.end) else None)
        if reason == "facility":  # a place: the places rules decide on it
            out.append(m.relabelled("LOC", rule))
            continue
        if reason is None or (reason == "topic" and folded in named_in_prose):
            out.append(m)
    return out


# "Awa Traoré — Directrice des Programmes", "Awa Traoré\nDirectrice des Programmes":
# a title line after a name, on the same line after a dash or a comma, or on the next
_TITLE_AFTER = re.compile(
    r"[ \t]*(?:[—–\-,|][ \t]*|\n[ \t]*)(?P<title>[A-ZÀ-Ý][^\n.;:()]{2,60})[ \t]*(?:\n|$)"
)


def titled_person(text: str, end: int) -> bool:
    """The name ending at `end` is a person's: a post follows it as a title, the way
    team pages and signatures write people ("… — Director of Programs")."""
    m = _TITLE_AFTER.match(text, end)
    return bool(m) and len(m.group("title").split()) <= 6 and is_role(m.group("title"))


_PLACE_KINDS = frozenset({"country", "region", "continent", "city"})
