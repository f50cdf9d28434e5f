"""Organisations: acronyms linked to their long forms, consistent labels, canonical names.

NER gives surface forms; users want organisations. Three general rules turn
one into the other:

* **Acronym definitions** ("Coopérative Minière pour le Développement Social
  (CMDS)", "GAMS : Groupe pour l'Abolition des Mutilations Sexuelles") are found
  with the Schwartz & Hearst (2003) algorithm: the letters of the short form must
  appear, in order, in the long form, the first letter starting a word. Once
  defined, the acronym alone later in the text is the same organisation.
* **Label consistency**: the same name tagged ORG in one place and PER, LOC or
  MISC elsewhere gets the label with the most evidence; a name whose head noun
  is an organisation word (association, asbl, ONG, fondation, foundation,
  ministère, university, ...) is an organisation. French typography capitalises
  the institution and not the place: "la Ville de Liège" is the municipality.
* **Junk**: function words, elisions, page furniture and generic nouns alone
  are not names (word lists in `data/organisations/`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ..config import PACKAGE, code_version
from ..text import fold
from .spans import SpanIndex, find_literal
from .textscan import WordStarts

DATA = Path(__file__).parent / "data" / "organisations"
# this module, the text helpers it calls and its data: the extractor column changes with
# any of them (the org_* rules that build on this module add their own files)
SOURCES = (
    Path(__file__),
    PACKAGE / "text.py",
    Path(__file__).parent / "textscan.py",
    Path(__file__).parent / "spans.py",
    DATA,
)
RULES_VERSION = code_version(*SOURCES)

_ARTICLE = re.compile(r"^(?:the|le|la|les|l'|l |un|une|an|a)\s*", re.I)
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z])[A-Z][A-Za-z0-9&.\-]{1,11}$")
# "Long Form (ACR)" or "ACR (Long Form)"; a bracket left open at the end of a
# line (a heading cut by the PDF's layout) counts as closed
_PARENS = re.compile(r"\(([^()\n]{2,120})(?:\)|(?=[ \t]*(?:\n|$)))")
# "ACR : Long Form" / "ACR – Long Form" at the start of a line or item
_COLON_DEF = re.compile(
    r"(?m)(?:^|(?<=[\s(]))([A-Z][A-Z0-9&.\-]{1,11})\s*[:–—-]\s+([A-ZÀ-Ý][^\n:()]{3,120}?)(?=\s*(?:$|[.;,)\n]))"
)


# "Long Form – ACR" at the start of a line or item, the acronym after a spaced dash
_DASH_DEF = re.compile(
    r"(?m)^[ \t]*(?:[-•*][ \t]+)?([A-ZÀ-Ý][^\n:()–—]{3,120}?)[ \t]+[–—-][ \t]+"
    r"([A-Z][A-Z0-9&.\-]{1,11})(?=[ \t]*(?:$|[,.;:)]))"
)


@cache
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    not_names = json.loads((DATA / "not_names.json").read_text(encoding="utf-8"))
    org_words = frozenset(fold(w) for key in ("fr", "en") for w in cues[key]) | legal_forms()
    institutions = frozenset(fold(w) for w in cues["institution_if_capitalised"]["words"])
    return org_words, institutions, frozenset(fold(w) for w in not_names["words"])


def org_head_nouns() -> frozenset[str]:
    """The organisation head nouns of both languages and the legal forms, folded."""
    return _lists()[0]


@cache
def final_heads() -> frozenset[str]:
    """Words that head an English name only at its end ("Rotary International"), folded."""
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    return frozenset(fold(w) for w in cues["final_heads"]["words"])


def _capitalised_words(name: str) -> bool:
    return all(w[:1].isupper() for w in _ARTICLE.sub("", name.strip()).split())


@cache
def legal_forms() -> frozenset[str]:
    """Legal forms and foreign head nouns ("stichting", "e.V."), folded ("e v")."""
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    return frozenset(fold(w) for w in cues["legal_forms"]["words"])


def is_junk(name: str) -> bool:
    """Not a name: function words, page furniture, a generic noun alone, no capital."""
    folded = fold(name)
    if len(folded) < 2 or folded in _lists()[2]:
        return True
    if not any(ch.isupper() for ch in name):  # names carry at least one capital
        return True
    return bool(re.fullmatch(r"[\d\s]+", folded))


def has_org_cue(name: str) -> bool:
    """One of the name's first two words or its last is an organisation noun
    ("Haute École de Namur", "Lutheran World Foundation"), or it names an institution."""
    org_words = _lists()[0]
    words = fold(name).split()
    if len(words) < 2:
        return False
    if words[0] in org_words or words[-1] in org_words:
        return True
    if " ".join(words[-2:]) in legal_forms():  # "Offene Arme e.V."
        return True
    if words[-1] in final_heads() and _capitalised_words(name):  # "Rotary International"
        return True
    raw_words = _ARTICLE.sub("", name.strip()).split()
    if len(raw_words) > 2 and raw_words[1][:1].isupper() and fold(raw_words[1]) in org_words:
        return True
    return names_institution(name)


def names_institution(name: str) -> bool:
    """A capitalised administrative noun and its complement: "la Ville de Liège",
    "VILLE DE STRASBOURG", "Municipality of Gulu" name the institution; "la ville de
    Liège" names the place."""
    raw_words = _ARTICLE.sub("", name.strip()).split()
    first = raw_words[0] if raw_words else ""
    return fold(first) in _lists()[1] and first[:1].isupper() and len(fold(name).split()) >= 3


def is_generic_body(name: str) -> bool:
    """An organisation noun with only lower-case words after it names no one in
    particular: "Comité de direction", "Conseil d'administration", "Bureau central".
    Longer names written that way are real ("Organisation mondiale de la santé")."""
    org_words, _, _ = _lists()
    words = _ARTICLE.sub("", name.strip()).split()
    if not 2 <= len(words) <= 3 or fold(words[0]) not in org_words:
        return False
    if fold(words[0]) in _complement_heads():  # "Ministry of health" is one body
        return False
    return all(not any(ch.isupper() for ch in w) for w in words[1:])


@cache
def _complement_heads() -> frozenset[str]:
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    return frozenset(fold(w) for w in cues["complement_heads"]["words"])


_FOOTNOTE = re.compile(r"^(.*[A-ZÀ-Ý])(\d{1,2})$")


def footnote_stripped(name: str, text: str) -> str | None:
    """ "IRFAM1" is IRFAM with a footnote marker, when the text also writes IRFAM alone."""
    m = _FOOTNOTE.match(name)
    if m and next(find_literal(text, m.group(1), r"\w", r"\w"), None):
        return m.group(1)
    return None


# A name in capitals with an apostrophe inside a word ("MADA'GASY", "M'GT"): the
# model cuts at the apostrophe as at an elision. French elides only l', d' (and
# qu') before a name, so another capital before the apostrophe belongs to the word.
_INNER_APOSTROPHE_AFTER = re.compile(r"['’][A-ZÀ-Ý][\w’'\-]*(?:[ \t]+[A-ZÀ-Ý]{2,}(?![\w'’]))*")
_INNER_APOSTROPHE_BEFORE = re.compile(r"(?<![\w'’])[A-CE-KM-Z]['’]$")


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a name in capitals grown over an apostrophe inside a word:
    "MADA" of "MADA'GASY TSARA" and "GT" of "M'GT" are cut names."""
    name = text[start:end]
    if name.isupper() and end < len(text) and text[end] in "'’" and not _ELISION.fullmatch(name):
        m = _INNER_APOSTROPHE_AFTER.match(text, end)
        if m and m.group().isupper():
            end = m.end()
    if name.isupper() and _INNER_APOSTROPHE_BEFORE.search(text, max(0, start - 3), start):
        start -= 2
    return start, end


_ELISION = re.compile(r"(?i)[ldjmnstc]|qu|jusqu|lorsqu|puisqu")


_CITATION_AFTER = re.compile(
    r"^(?:\s+(?:et|and|&)\s+[A-ZÀ-Ý][\w’'\-]+)?"  # a co-author
    r"\s*(?:,\s*(?:1[89]|20)\d\d\b|et al\b|\((?:1[89]|20)\d\d\)|,\s*op\. cit|,\s*ibid)"
)


def is_cited_author(text: str, end: int) -> bool:
    """A name followed by a year in a citation ("Dupont, 2010", "Smith et al.") is an author."""
    return bool(_CITATION_AFTER.match(text[end : end + 40]))


def is_acronym(token: str) -> bool:
    return bool(_ACRONYM.match(token)) and sum(ch.isupper() for ch in token) >= 2


def _letters(short: str) -> str:
    return "".join(ch.lower() for ch in short if ch.isalnum())


def match_long_form(short: str, candidate: str) -> int | None:
    """Schwartz & Hearst: the start of the long form within `candidate`, or None.

    Walk the short form's characters from the right, finding each in the
    candidate from the right; the first character must start a word.
    """
    s = _letters(short)
    c = candidate.lower()
    if not s or len(s) < 2:
        return None
    s_index = len(s) - 1
    l_index = len(c) - 1
    while s_index >= 0:
        ch = s[s_index]
        while l_index >= 0 and (
            c[l_index] != ch or (s_index == 0 and l_index > 0 and c[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = l_index + 1
    return start


@dataclass(frozen=True, slots=True)
class AcronymDefinition:
    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


def _long_form_before(text: str, end: int, short: str) -> tuple[int, int] | None:
    """The long form that ends at `end` for the acronym `short`, if one fits."""
    n = len(_letters(short))
    window_start = max(0, text.rfind("\n", 0, end) + 1)
    if _wrapped_name(text, window_start, end, n):
        window_start = text.rfind("\n", 0, window_start - 1) + 1
    words = list(re.finditer(r"\S+", text[window_start:end]))
    max_words = n + 5
    words = words[-max_words:]
    if not words:
        return None
    cand_start = window_start + words[0].start()
    candidate = text[cand_start:end].rstrip(" ,:–—-")
    start = match_long_form(short, candidate)
    if start is None:
        return None
    long_start = cand_start + start
    # extend to the start of the word
    while long_start > cand_start and text[long_start - 1].isalnum():
        long_start -= 1
    long_end = cand_start + len(candidate)
    if long_start >= 2 and re.match(r"[lL]['’]", text[long_start - 2 : long_start]):
        long_start -= 2  # "L’association …": the elided article carries the capital
    return _extend_head_noun(text, window_start, long_start), long_end


def _wrapped_name(text: str, line_start: int, end: int, letters: int) -> bool:
    """The long form may start on the line before: fewer words than letters stand
    before the brackets on this line, and the line before ends inside a sentence
    with a capitalised word ("… Intereuropean Human Aid / Association (IHA)")."""
    if line_start == 0 or len(text[line_start:end].split()) >= letters:
        return False
    previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1].rstrip()
    last = previous.split()[-1] if previous.split() else ""
    return last[:1].isupper() and not previous.endswith((".", "!", "?", ":", ";"))


def _extend_head_noun(text: str, floor: int, start: int) -> int:
    """Take in a capitalised organisation noun just before the long form.

    Acronyms often skip the head noun ("Société Générale des Carrières et des
    Mines (GECAMINES)"): the noun is still part of the name.
    """
    m = re.search(r"(\S+)\s+$", text[floor:start])
    if m and m.group(1)[:1].isupper() and fold(m.group(1)) in _lists()[0]:
        return floor + m.start(1)
    return start


def _plausible(short: str, long: str) -> bool:
    if len(long) <= len(short) or fold(long) == fold(short):
        return False
    words = long.split()
    if len(words) < 2 or len(words) > 2 * len(_letters(short)) + 3:
        return False
    if any(ch in long for ch in "()[],"):  # a comma: a list of things, not one name
        return False
    # the long form is a name: it starts with a capital, as do most of its content
    # words, or it starts with an organisation head noun, as French names in
    # sentence case do ("Service d'aide à l'intégration des élèves (SAIDE)")
    content = [w for w in words if len(w) >= 4]
    capitalised = sum(1 for w in content if w[:1].isupper())
    first = fold(re.sub(r"^[lL]['’]\s*", "", _ARTICLE.sub("", long)).split()[0])
    head_first = first in _lists()[0] or first.removesuffix("s") in _lists()[0]  # "Centres …"
    return long[:1].isupper() and (capitalised * 2 >= len(content) or head_first)


def _name_before(text: str, end: int, short: str) -> tuple[int, int] | None:
    """Fallback when the letters do not line up (SAEMAPE, GECAMINES): the whole
    capitalised name just before the brackets, if it starts with the acronym's letter."""
    line_start = text.rfind("\n", 0, end) + 1
    before = text[line_start:end].rstrip()
    m = re.search(rf"(?:{_NAME})$", before)
    if not m or len(m.group().split()) < 2 or m.group()[0].lower() != _letters(short)[:1]:
        return None
    return line_start + m.start(), line_start + m.end()


def find_acronym_definitions(text: str) -> list[AcronymDefinition]:
    """Acronyms defined in the text with their long forms (both orders)."""
    return list(_acronym_definitions(text))


@lru_cache(maxsize=4)
def _acronym_definitions(text: str) -> tuple[AcronymDefinition, ...]:
    """find_acronym_definitions, remembered for the last few texts: resolve and the
    product rule both ask for the page's definitions."""
    found: list[AcronymDefinition] = []
    for m in _PARENS.finditer(text):
        inside = m.group(1).strip()
        inside_start = m.start(1) + m.group(1).index(inside)
        if is_acronym(inside):
            span = _long_form_before(text, m.start(), inside)
            if span is None or not _plausible(inside, text[span[0] : span[1]]):
                span = _name_before(text, m.start(), inside)
            if span:
                long = text[span[0] : span[1]]
                if _plausible(inside, long):
                    found.append(
                        AcronymDefinition(
                            inside, long, inside_start, inside_start + len(inside), *span
                        )
                    )
            continue
        # "ACR (Long Form)"
        before = re.search(
            r"([A-Z][A-Za-z0-9&.\-]{1,11})\s*$", text[max(0, m.start() - 14) : m.start()]
        )
        if before and is_acronym(before.group(1)):
            short = before.group(1)
            start = match_long_form(short, inside)
            if start == 0 and _plausible(short, inside):
                s_end = m.start() - (len(text[: m.start()]) - len(text[: m.start()].rstrip()))
                found.append(
                    AcronymDefinition(
                        short,
                        inside,
                        s_end - len(short),
                        s_end,
                        inside_start,
                        inside_start + len(inside),
                    )
                )
    for m in _DASH_DEF.finditer(text):  # "Centres collégiaux de soutien – CCS, …"
        long, short = m.group(1).strip(), m.group(2)
        if is_acronym(short) and match_long_form(short, long) == 0 and _plausible(short, long):
            found.append(
                AcronymDefinition(
                    short, long, m.start(2), m.end(2), m.start(1), m.start(1) + len(long)
                )
            )
    for m in _COLON_DEF.finditer(text):
        short, long = m.group(1), m.group(2).strip()
        if is_acronym(short) and match_long_form(short, long) == 0 and _plausible(short, long):
            found.append(
                AcronymDefinition(
                    short, long, m.start(1), m.end(1), m.start(2), m.start(2) + len(long)
                )
            )
    return tuple(found)


_INDEFINITE = frozenset(
    [
        "un",
        "une",
        "a",
        "an",
        "notre",
        "nos",
        "our",
        "leur",
        "leurs",
        "their",
        "son",
        "sa",
        "ses",
        "his",
        "her",
        "its",
        "cette",
        "this",
    ]
)


def _after_org_noun(window: str) -> bool:
    """ "une ONG locale (X)", "a local NGO (X)": the brackets name an organisation.

    The organisation noun must follow an indefinite or possessive determiner
    (at most one adjective between): "la société civile (CSO)" is a term.
    """
    apposition_words = {fold(w) for w in _apposition_words()}
    words = [w.lower() for w in re.findall(r"[\w'’\-]+", window)][-4:]
    for i, word in enumerate(words):
        if fold(word) in apposition_words and i > 0:
            before = words[max(0, i - 2) : i]
            if any(w in _INDEFINITE for w in before):
                return True
    return False


@cache
def _apposition_words() -> tuple[str, ...]:
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    return tuple(cues["apposition"]["words"])


# "SHS (secondary school)", "le BTS (brevet de technicien supérieur)": glossed in lower case
_GLOSSED = re.compile(
    r"(?<![\w-])([A-Z][A-Z0-9&.]{1,9})[ \t]*\([^\W\d_A-Z][\w'’-]*(?:[ \t]+[^\W\d_A-Z][\w'’-]*){0,5}[ \t]*\)"
)
# "IBAN : BE52 6528 3497", "SIRET: 123 456 789 00012": the label of an identifier
_CODE_LABEL = re.compile(
    r"(?<![\w-])([A-Z][A-Z0-9&.]{1,9})[ \t]*:[ \t]*(?!(?:19|20)\d\d\b)(?=(?:[A-Z \t.-]*\d){6})[A-Z]{0,4}\d"
)


def find_term_acronyms(text: str) -> set[str]:
    """Acronyms that gloss a common noun phrase, or label a code: terms, not organisations.

    "les organisations à base communautaire (CBO)", "gross domestic product
    (GDP)": the words before the brackets are in lower case; "female SHS
    (secondary school) students": the words in them are; "IBAN : BE52 6528 3497
    8409": the acronym labels an identifier.
    """
    terms = {m.group(1) for m in _GLOSSED.finditer(text)} | {
        m.group(1) for m in _CODE_LABEL.finditer(text)
    }
    for m in _PARENS.finditer(text):
        inside = m.group(1).strip()
        if not is_acronym(inside):
            continue
        window = text[max(0, m.start() - 40) : m.start()]
        before = re.search(r"([^\W\d_][\w'’\-]*)\s*$", window)
        if before and before.group(1)[:1].islower() and not _after_org_noun(window):
            terms.add(inside)
    return terms


def find_occurrences(text: str, short: str) -> Iterator[tuple[int, int]]:
    """Where an acronym stands alone as a word in the text."""
    return find_literal(text, short, r"\w&.-", r"\w&-")


def canonical_name(forms: list[str]) -> str:
    """The name to show: the longest form that is not an acronym, else the most frequent form."""
    longs = [f for f in forms if not is_acronym(f)]
    pool = longs or forms
    counts: dict[str, int] = {}
    for f in pool:
        counts[f] = counts.get(f, 0) + 1
    # prefer frequent, then long; strip a leading article for display
    best = max(counts, key=lambda f: (counts[f] > 1, len(f) if longs else counts[f], counts[f]))
    return strip_article(best)


def strip_article(name: str) -> str:
    stripped = re.sub(r"^(?:the|le|la|les)\s+(?=\S)", "", name.strip(), flags=re.I)
    stripped = re.sub(r"^[lL]['\u2019]\s*(?=[A-ZÀ-Ý])", "", stripped)
    return stripped


# --- names that NER misses: appositions, enumerations, list items ------------------

_NAME_WORD = r"[A-ZÀ-ÖØ-Ý](?:[\w'’&\-]|\.(?=\w))*"
# What may join the capitalised words of one name: "Service d’Assistance et
# d’Encadrement du Small Scale Mining", "Friends of the Earth".
_GLUE = (
    r"(?:[ \t]+(?:(?:de|du|des|la|le|les|et|of|the|for|and|pour|en|sur|aux|à|&)[ \t]+)*"
    r"(?:[dlDL]['’])?)"
)
_NAME = rf"{_NAME_WORD}(?:{_GLUE}{_NAME_WORD})*"
# Lower-case words that may stand between an apposition noun and the name
# ("collectif de recherche X"), as long as the last is not a preposition: in
# "an NGO in Mali" the name is a place.
_PREPOSITIONS = frozenset(
    [
        "in",
        "at",
        "to",
        "by",
        "with",
        "from",
        "for",
        "on",
        "of",
        "en",
        "à",
        "au",
        "aux",
        "dans",
        "par",
        "pour",
        "avec",
        "sur",
        "chez",
        "de",
        "du",
        "des",
        "d'",
        "d’",
        "le",
        "la",
        "les",
        "l'",
        "l’",
        "the",
        "a",
        "an",
        "et",
        "and",
    ]
)
_LIST_ITEM = re.compile(r"(?m)^[ \t]*[-•*–·][ \t]+(.+?)[ \t]*$")
_ITEM_ARTICLE = re.compile(r"^(?:(?:le|la|les|the)\s+|l['’]\s*)", re.I)
_TRAILING_BRACKET = re.compile(r"\s*\([^()]*\)\s*$")


@cache
def _cue_patterns() -> tuple[re.Pattern[str], WordStarts]:
    """The apposition and enumeration patterns; the enumeration is searched where one of
    its plural nouns starts (textscan)."""
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    words = sorted(cues["apposition"]["words"], key=len, reverse=True)
    forms = [re.escape(w) for w in words] + [re.escape(w.upper()) for w in words if len(w) <= 5]
    apposition = re.compile(
        rf"(?<!\w)(?:{'|'.join(forms)})((?:[ \t]+[a-zà-ÿ][a-zà-ÿ'’\-]*){{0,2}})[ \t]+({_NAME})"
    )
    plurals = sorted(cues["enumeration"]["words"], key=len, reverse=True)
    plurals += [w.upper() for w in plurals if len(w) <= 5]
    enumeration = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, plurals))})\b")
    return apposition, WordStarts(enumeration, plurals, ignore_case=False)


@cache
def _quoted_apposition() -> WordStarts:
    """ "l'association « Les Amis du Lac »", "the charity “Hope Wells”": a name in
    quotation marks after an organisation noun, in any case."""
    words = sorted(_apposition_words(), key=len, reverse=True)
    pattern = re.compile(
        rf"(?<!\w)(?i:{'|'.join(re.escape(w) for w in words)})[ \t]*[«“\"][ \t\xa0]*"
        rf"(?P<name>[A-ZÀ-Ý][^»”\"\n]{{1,60}}?)[ \t\xa0]*[»”\"]"
    )
    return WordStarts(pattern, words, ignore_case=True)


_OPENING_QUOTES = '«“"'


def find_apposition_names(text: str) -> list[tuple[int, int]]:
    """Names introduced by an organisation noun: "l'asbl Sida Sol", "the charity Oxfam",
    "une ONG locale (OM-COGIE)"."""
    apposition, _ = _cue_patterns()
    spans = []
    for m in _PARENS.finditer(text):
        inside = m.group(1).strip()
        if is_acronym(inside) and _after_org_noun(text[max(0, m.start() - 40) : m.start()]):
            start = m.start(1) + m.group(1).index(inside)
            spans.append((start, start + len(inside)))
    if any(q in text for q in _OPENING_QUOTES):  # the pattern needs one
        for m in _quoted_apposition().finditer(text):
            if not is_junk(m.group("name")):
                spans.append(m.span("name"))
    for m in apposition.finditer(text):
        fillers = m.group(1).split()
        if fillers and fillers[-1].lower() in _PREPOSITIONS:
            continue
        start, end = m.span(2)
        name = text[start:end]
        if not is_junk(name) and "\n" not in name:
            spans.append((start, end))
    return spans


_DESCRIBING_ARTICLE = r"(?:(?:une?|an?|the|l['’]|la|le)[ \t]+|[lL]['’])?"
_POSSESSIVE_BEFORE = r"(?:my|our|their|his|her|its|mon|ma|notre|leur|son|sa)"


@cache
def _described_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    heads = sorted({*_apposition_words(), *_head_words()}, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in heads)
    # "Teeli Mali (association burkinabè qui gère…)", "Kuwasha (a charity in Utah)"
    bracket = re.compile(
        rf"(?P<name>{_NAME})[ \t]*\({_DESCRIBING_ARTICLE}(?i:{alternation})(?![\w-])"
    )
    # "my university, Cal Tech.", "notre partenaire, Kalao Santé, …"
    comma = re.compile(
        rf"(?<![\w-])(?i:{_POSSESSIVE_BEFORE})[ \t]+(?:{alternation}),[ \t]+(?P<name>{_NAME})"
        rf"(?=[ \t]*(?:[.,;:)]|\n|$))"
    )
    return bracket, comma


def _head_words() -> tuple[str, ...]:
    cues = json.loads((DATA / "cue_words.json").read_text(encoding="utf-8"))
    return tuple(w for key in ("fr", "en") for w in cues[key] if len(w) > 3)


def find_described_names(text: str) -> list[tuple[int, int]]:
    """Names an organisation noun describes: in brackets after the name ("Teeli
    Mali (association burkinabè …)", "Kuwasha (a charity …)") or after a possessive and
    a comma ("my university, Cal Tech.", "notre partenaire, Kalao Santé,")."""
    bracket, comma = _described_patterns()
    spans = []
    for pattern in (bracket, comma):
        for m in pattern.finditer(text):
            start, end = m.span("name")
            if not is_junk(text[start:end]) and "\n" not in text[start:end]:
                spans.append((start, end))
    return spans


def _list_items(inner: str) -> list[tuple[int, int]]:
    items = []
    for m in re.finditer(r"[^,;]+", inner):
        for part in re.split(r"\s+(?:et|and|&)\s+", m.group()):
            stripped = part.strip()
            if stripped:
                offset = m.start() + m.group().index(stripped)
                items.append((offset, offset + len(stripped)))
    return items


_NAMES_RUN = re.compile(
    rf"[ \t]+(?P<run>{_NAME}(?:(?:[ \t]*,[ \t]*|[ \t]+(?:et|and|&)[ \t]+){_NAME})+)"
    r"(?=[ \t]*(?:[.,;:!?()\n]|$)|[ \t]+[a-zà-ÿ])"
)


def find_enumerated_names(text: str) -> list[tuple[int, int]]:
    """Organisations listed after a plural category noun.

    "les organisations non gouvernementales (Good Shepherd, World Vision et ILO)",
    "our partners: Oxfam, Caritas and the Red Cross", "les associations Kalao et
    Tilé ont …". Every item must look like a name (capitalised, short) or the list
    is not taken.
    """
    _, enumeration = _cue_patterns()
    spans = []
    for m in enumeration.finditer(text):
        # "les associations X et Y ont …", "partners X, Y and Z": the names follow at once
        run = _NAMES_RUN.match(text, m.end())
        if run:
            inner = run.group("run")
            items = _list_items(inner)
            if len(items) >= 2 and all(
                re.fullmatch(_NAME, inner[s:e]) and len(inner[s:e].split()) <= 6 for s, e in items
            ):
                spans.extend((run.start("run") + s, run.start("run") + e) for s, e in items)
                continue
        window_end = min(len(text), m.end() + 60)
        for opener in re.finditer(r"[(:]", text[m.end() : window_end]):
            open_at = m.end() + opener.start()
            if "\n" in text[m.end() : open_at] or re.search(r"[.;]", text[m.end() : open_at]):
                break
            close = ")" if opener.group() == "(" else "\n."
            end = open_at + 1
            while end < len(text) and text[end] not in close:
                end += 1
            inner = text[open_at + 1 : end]
            items = _list_items(inner)
            names = [
                (s, e)
                for s, e in items
                if re.fullmatch(_NAME, inner[s:e]) and len(inner[s:e].split()) <= 6
            ]
            if len(items) >= 2 and len(names) == len(items):
                spans.extend((open_at + 1 + s, open_at + 1 + e) for s, e in names)
                break
    return spans


def find_list_item_names(text: str, tagged: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Bullet items that are whole organisation names, as in partner lists.

    An item counts when it is short, starts with a capital once its article is
    off, and either carries an organisation noun or holds a name the model tagged.
    """
    spans = []
    model_spans = SpanIndex(tagged)
    for m in _LIST_ITEM.finditer(text):
        start, end = m.span(1)
        item = text[start:end]
        article = _ITEM_ARTICLE.match(item)
        if article:
            start += article.end()
        bracket = _TRAILING_BRACKET.search(text[start:end])
        if bracket:
            end = start + bracket.start()
        name = text[start:end].rstrip(" .;,")
        end = start + len(name)
        words = name.split()
        if not name[:1].isupper() or not 1 <= len(words) <= 12 or re.search(r"[.!?:/]\s|\d", name):
            continue
        org_words, institutions, _ = _lists()
        cue = any(
            fold(w) in org_words or (w[:1].isupper() and fold(w) in institutions) for w in words
        )
        # the model saw a name where the item starts ("- Achat d'un kit pour le PSP" is no name)
        model = model_spans.holds(start)
        if (cue or model) and not is_junk(name):
            spans.append((start, end))
    return spans


def is_name_like_acronym_or_brand(name: str) -> bool:
    """Acronyms (ACCELLERE, ILO) and brand-like names with an inner capital (FemAnVi)."""
    if " " not in name and is_acronym(name):
        return True
    return bool(re.search(r"[a-zà-ÿ][A-ZÀ-Ý]", name)) and len(name.split()) <= 3
