"""Organisation names from structure and language, without the model.

Two signals that any page has:

* **Head nouns.** French and English name organisations with a small set of
  nouns (association, fondation, ministère, foundation, council, ...) and
  build the name around it in a regular way: the head first with its
  complement ("Association des Femmes de Kolwezi", "Ministry of Health") or
  last after its modifiers ("Kasese District Local Government"). The text is
  cut into tokens, each token gets a class letter, and the name's extent is a
  regular expression over those letters (`data/organisations/name_patterns.json`),
  so a name runs on across a single line break or a joining word where the
  model's span stops ("Fonds des Nations Unies" / "pour l'Enfance").
* **Labels and lines.** A form or table label says what its value is
  ("Partenaire : X", "Funder: X", and "FunderX" where the label was glued to
  its value), and a line that is a name followed by its web address ("Centre
  AccessAbility : www.example.org") names the site's owner.

Functions return (start, end) spans into the text; the caller decides what
wins against the model's mentions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ..config import code_version
from ..mentions import Mention
from ..text import blank_spans, fold, web_address_spans
from . import org_junk
from .organisations import _NAME, _lists, has_org_cue, legal_forms
from .organisations import DATA as _ORG_DATA
from .spans import DisjointSpans, SpanIndex

DATA = Path(_ORG_DATA)
# this module and what it builds on: the extractor column changes with any of them
SOURCES = (Path(__file__), *org_junk.SOURCES)
NAMES_VERSION = code_version(*SOURCES)

_TOKEN = re.compile(
    r"(?P<elision>\b[dlDL]['’](?=\w))"
    r"|(?P<word>\w(?:[\w&]|[-.'’](?=\w))*(?:(?<=\.\w)\.)?)"
    r"|(?P<blank>\n[ \t]*\n\s*)"
    r"|(?P<newline>\n)"
    r"|(?P<other>[^\w\s])"
)


_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    cls: str


@cache
def _patterns() -> dict:
    return json.loads((DATA / "name_patterns.json").read_text(encoding="utf-8"))


@cache
def _vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Head nouns, joining words and lead words, folded."""
    data = _patterns()
    heads = set(_lists()[0]) | {fold(w) for w in data["extra_heads"]["words"]}
    joining = frozenset(w.lower().replace("’", "'") for w in data["joining"])
    lead = frozenset(fold(w) for w in data["lead_words"]["words"])
    return frozenset(heads), joining, lead


@lru_cache(maxsize=100_000)
def _classify(word: str) -> str:
    """A word's class letter; remembered, as a page repeats its words."""
    heads, joining, _ = _vocabulary()
    key = word.lower().replace("’", "'")
    if key in joining and (word.islower() or word.isupper() or word[:1].isupper()):
        return "J"
    if fold(word) in legal_forms():  # "e.V.", "gGmbH": legal forms in any case
        return "H"
    if not word[:1].isupper():
        return "l"
    if fold(_POSSESSIVE.sub("", word)) in heads:
        return "H"
    if word.isupper() and len(word) > 1:
        return "A"
    return "C"


def _classes(text: str) -> tuple[list[re.Match[str]], str]:
    """The text's token matches, and their class letters as one string."""
    matches = list(_TOKEN.finditer(text))
    classes = []
    after_joining = False  # the token before is a joining word in lower case
    for m in matches:
        kind = m.lastgroup
        token = m.group()
        if kind == "word":
            cls = "x" if token[:1].isdigit() else _classify(token.rstrip("."))
        elif kind == "elision" or token == "&":
            cls = "J"
        else:
            cls = "n" if kind == "newline" else "x"
        if cls == "J" and after_joining and token[:1].isupper() and not token.isupper():
            cls = "C"  # "San Juan del Sur": a capitalised joining word after one is a name
        classes.append(cls)
        after_joining = cls == "J" and token.islower()
    return matches, "".join(classes)


def _tokens_of(matches: list[re.Match[str]], classes: str, start: int, end: int) -> list[Token]:
    return [
        Token(m.group(), m.start(), m.end(), classes[i])
        for i, m in enumerate(matches[start:end], start)
    ]


def tokens(text: str) -> list[Token]:
    """The text as tokens with their class letters (see name_patterns.json)."""
    matches, classes = _classes(text)
    return _tokens_of(matches, classes, 0, len(matches))


def _trimmed(toks: list[Token]) -> list[Token]:
    """Lead words and joining words off the start, joining words off the end."""
    _, _, lead = _vocabulary()
    while toks and (toks[0].cls in "Jn" or fold(toks[0].text) in lead):
        toks = toks[1:]
    while toks and toks[-1].cls in "Jn":
        toks = toks[:-1]
    return toks


_COORDINATION = frozenset(["et", "and", "&"])
_ARTICLES = frozenset(["le", "la", "les", "l'", "the"])


def _institution(token: Token) -> bool:
    return token.cls == "H" or fold(token.text) in _lists()[1]


def _split_coordination(toks: list[Token]) -> list[list[Token]]:
    """Two names joined by "et"/"and" are two names: when what follows starts with an
    article ("Fondation X et le Conseil Y"), is an acronym alone ("Baylor
    Foundation and UPMB"), or both sides have their own head noun or institution
    ("… d'Alsace et de la Ville de Strasbourg"). "Community Health and Education
    Foundation" and "Mutuelle des Pêcheurs et des Agriculteurs" stay one name."""
    for i, t in enumerate(toks):
        if t.text.lower() not in _COORDINATION or i == 0:
            continue
        left, right = toks[:i], toks[i + 1 :]
        right_words = [r for r in right if r.cls in "CHA"]
        if (
            (right and right[0].text.lower().replace("’", "'") in _ARTICLES)
            or (len(right_words) == 1 and right_words[0].cls == "A")
            or (any(r.cls == "H" for r in left) and any(_institution(r) for r in right_words))
        ):
            return [left, *_split_coordination(right)]
    return [toks]


def find_head_names(text: str) -> list[tuple[int, int]]:
    """Names built around an organisation head noun, with their full extent."""
    # tokens are made only where the pattern over the class letters matched
    matches, classes = _classes(text)
    pattern = re.compile(_patterns()["patterns"]["head_name"])
    min_words = _patterns()["patterns"]["min_words"]
    spans = []
    for m in pattern.finditer(classes):
        for part in _split_coordination(_tokens_of(matches, classes, m.start(), m.end())):
            found = _trimmed(part)
            words = [t for t in found if t.cls in "CHA"]
            if len(words) < min_words or not any(t.cls == "H" for t in words):
                continue
            start, end = found[0].start, found[-1].end
            possessive = _POSSESSIVE.search(text[start:end])
            if possessive:
                end = start + possessive.start()
            spans.append((start, end))
    return spans


@cache
def _label_pattern() -> re.Pattern[str]:
    words = sorted(_patterns()["labels"]["words"], key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace("'", "['’]").replace(r"\ ", r"\s+") for w in words)
    # "Label : value" (a colon, at the start of a line or a cell), or "LabelValue"
    # where a lost line break glued a capitalised label to a capitalised value.
    return re.compile(
        rf"(?m)(?:^|(?<=[|\t•·]))[ \t]*(?i:{alternation})[ \t]*(?:\([^)\n]*\))?[ \t]*[:：][ \t]*(?P<value>[^\n|\t]+)"
        rf"|(?<![\w])(?:{_capitalised(words)})(?P<glued>[A-ZÀ-Ý][a-zà-ÿ][^\n|\t]*)"
    )


def _capitalised(words: list[str]) -> str:
    single = [w for w in words if " " not in w and "'" not in w]
    return "|".join(re.escape(w[:1].upper() + w[1:]) for w in single)


_VALUE_END = re.compile(r"\s*(?:[,;(–—]|\s-\s|https?://|www\.).*$")


def _value_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name at the start of a label's value: up to a comma, bracket or dash."""
    value = text[start:end]
    cut = _VALUE_END.search(value)
    value = value[: cut.start()] if cut else value
    value = value.rstrip(" .:")
    stripped = value.lstrip()
    start += len(value) - len(stripped)
    if not stripped or not stripped[:1].isupper() or len(stripped.split()) > 12:
        return None
    if re.fullmatch(r"[\d\s.,/-]+", stripped):
        return None
    return start, start + len(stripped)


def find_label_values(text: str) -> list[tuple[int, int]]:
    """Values of labels that name an organisation: "Partenaire : X", "Funder: X",
    "Bailleur de fonds : X", and "FunderX" where label and value were glued."""
    spans = []
    for m in _label_pattern().finditer(text):
        group = "value" if m.group("value") is not None else "glued"
        span = _value_span(text, m.start(group), m.end(group))
        if span:
            spans.append(span)
    return spans


# Possessive quantifiers (*+, ++) and a name that starts on a non-blank: an indented
# line is read in linear time (nested blanks made the engine try every split of them).
_NAME_URL = re.compile(
    r"(?m)^[ \t]*+(?:[-•*–·][ \t]++)?(?P<name>[^\s:][^\n:]{1,159}?)[ \t]*+[:–—-][ \t]*+"
    r"(?:https?://|www\.)[^\s]++[ \t]*+$"
)
_BRACKETED_END = re.compile(r"\s*\([^()]*\)$")


def find_name_url_lines(text: str) -> list[tuple[int, int]]:
    """Lines that give a name and its web site: "Centre Culturel Kwetu : www.kwetu.org".

    The name is the line's text before the address, without a final bracket
    (an acronym there is found by the acronym rule).
    """
    spans = []
    for m in _NAME_URL.finditer(text):
        start, end = m.span("name")
        name = text[start:end]
        bracket = _BRACKETED_END.search(name)
        if bracket:
            end = start + bracket.start()
            name = text[start:end]
        cut = re.search(r"\s*(?:,|\s[–—-]\s)", name)
        if cut:
            end = start + cut.start()
            name = text[start:end]
        article = re.match(r"(?i)(?:les?|la|the)\s+|l['’]\s*", name)
        if article:
            start += article.end()
            name = text[start:end]
        # a name, not a sentence: a head noun, or a few words
        if name[:1].isupper() and (has_org_cue(name) or len(name.split()) <= 5):
            spans.append((start, end))
    return spans


_INSTITUTION = re.compile(
    r"(?<![\w-])(?P<head>[A-ZÀ-Ý][\w]+)[ \t]+(?i:de[ \t]+la|de[ \t]+l['’]|des|du|de|d['’]|of)[ \t]*"
    rf"(?P<name>{_NAME})"
)


def find_institution_names(text: str) -> list[tuple[int, int]]:
    """ "la Ville de Lyon", "VILLE DE STRASBOURG", "Commune d'Argenteuil", "City of
    Kampala": a capitalised administrative noun names the institution, not the place
    (a lower-case "ville de Lyon" is the place)."""
    institutions = _lists()[1]
    spans = []
    m = _INSTITUTION.search(text)
    while m:
        pos = m.start("name")  # "Maison de la Ville de …": look again inside the name
        if fold(m.group("head")) in institutions:
            # "… de Nantes et de la Commune d'Ixelles": two institutions
            name = re.split(r"[ \t]+(?:et|and|&)[ \t]+", m.group("name"))[0]
            pos = m.start("name") + len(name)
            spans.append((m.start(), pos))
        m = _INSTITUTION.search(text, pos)
    return spans


def _proper(name: str) -> bool:
    """The name has a word of its own (a coinage, a surname, a place, an acronym) or
    is long: "Conseil d'Administration" and "Community Organization" are generic
    bodies, "Fondation Roi Baudouin" is a name."""
    from .org_junk import is_common_word, words_of

    words = words_of(name)
    if len(words) >= 4:
        return True
    return any(w[:1].isupper() and (not is_common_word(w) or w.isupper()) for w in words)


def find_names(
    text: str, tagged: list[tuple[int, int]], is_place: Callable[[str], bool]
) -> list[tuple[int, int, str]]:
    """Organisation names found by structure and language: (start, end, signal).

    `signal` is "label" (a form label's value), "name_url" (a name with its web
    site) or "head" (a head-noun name). A head-noun name inside a span that the
    model tagged (`tagged`: ORG and MISC spans) is left to the model; a label's
    value that the gazetteer knows as a place (`is_place`) is a place. Junk
    (org_junk.junk_reason, organisations.is_junk) is never returned.
    """
    from .org_junk import _without_place_tail, junk_reason
    from .organisations import is_junk

    found: list[tuple[int, int, str]] = []
    taken = DisjointSpans()

    def keep(start: int, end: int, signal: str) -> None:
        name = text[start:end]
        if is_junk(name) or junk_reason(name) is not None:
            return
        if not taken.free(start, end):
            return
        found.append((start, end, signal))
        taken.add(start, end)

    for start, end in find_label_values(text):
        if not is_place(text[start:end]):
            keep(start, end, "label")
    for start, end in find_name_url_lines(text):
        keep(start, end, "name_url")
    for start, end in find_institution_names(text):
        keep(start, end, "institution")
    model_spans = SpanIndex(tagged)
    for start, end in find_head_names(text):
        trimmed = _without_place_tail(
            text[start:end], lambda n: "place" if is_place(n) else None, text
        )
        end = start + len(trimmed)
        covered = model_spans.covers(start, end)
        if not covered and _proper(text[start:end]):
            keep(start, end, "head")
    return found


@cache
def _named_after_pattern() -> re.Pattern[str]:
    heads = sorted(_patterns()["named_after_heads"]["words"], key=len, reverse=True)
    word = r"[A-ZÀ-Ý][\w'’-]*"
    return re.compile(
        rf"(?<![\w-])(?P<head>{'|'.join(re.escape(h) for h in heads)})"
        r"(?P<fill>(?:[ \t]+(?:[dl]['’])?[a-zà-ÿ][\w'’-]*){0,3}?)"
        rf"[ \t]+(?P<name>{word}(?:[ \t]+{word}){{0,3}})"
    )


def find_named_after(text: str, is_place: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Institutions named with a lower-case noun before their name: "le lycée Jean
    Jaurès", "l'école primaire Louis Pasteur", "la fondation Jean Jaurès".

    French writes the noun in lower case and the name after it; the name is the
    noun with what follows. The name must be a person's (a given name first),
    a saint's, an acronym or a word of its own, not a place ("l'école de Goudrin"
    is the village's school) and not common words ("le centre Ville").
    """
    from .org_junk import is_first_name
    from .organisations import _PREPOSITIONS

    spans = []
    for m in _named_after_pattern().finditer(text):
        fill = m.group("fill").split()
        lead = _vocabulary()[2]
        if any(w.lower() in _PREPOSITIONS or fold(w) in lead for w in fill):
            continue  # "l'école de Goudrin", "le centre du modèle X"
        name = m.group("name")
        first = name.split()[0]
        named = (
            (is_first_name(first) and len(name.split()) >= 2)
            or fold(first) in ("saint", "sainte", "st", "ste")
            or _proper(name)
        )
        if named and not is_place(name):
            spans.append((m.start("head"), m.end("name")))
    return spans


_DOMAIN = r"((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})"
_WEB = re.compile(rf"(?i)(?:https?://|www\.|[\w.+-]+@){_DOMAIN}")
# The e-mail branch tries every run of word characters: a text without "@" is read
# with the patterns without it, which find the same.
_WEB_NO_MAIL = re.compile(rf"(?i)(?:https?://|www\.){_DOMAIN}")


def _squash(name: str) -> str:
    return fold(name).replace(" ", "")


def web_names(text: str) -> frozenset[str]:
    """The names in the page's web and e-mail addresses: "kuwasha" from
    https://www.kuwasha.net/, "kidsoncomputers" and "kids" from kids-on-computers.org.
    Platforms that host everyone's pages (name_patterns.json) are left out."""
    platforms = {fold(w) for w in _patterns()["web_platforms"]["words"]}
    found = set()
    for m in (_WEB if "@" in text else _WEB_NO_MAIL).finditer(text):
        labels = m.group(1).lower().split(".")[:-1]  # without the top-level domain
        for label in labels:
            for part in {label.replace("-", ""), label.split("-")[0]}:
                if len(part) >= 3 and part not in platforms:
                    found.add(part)
    return frozenset(found)


def bare_name(name: str) -> str:
    """The folded name without a legal-form or category word at either end."""
    affixes = "|".join(
        re.escape(fold(w)) for w in _patterns()["generic_affixes"]["words"] if fold(w)
    )
    folded = fold(name)
    bare = re.sub(rf"^(?:{affixes})\s+|\s+(?:{affixes})$", "", folded)
    return bare or folded


def organisation_evidence(found: list[str], names: list[Mention], text: str) -> set[str]:
    """Folded names that are organisations in this document whatever the model said.

    `found` are the texts of names a rule found as organisations, `names` the
    model's name mentions. A name is in when a rule found it, when a mention
    with an organisation head names it with its legal form ("Neutrinet ASBL"
    makes "Neutrinet" one), or when the page gives its web address (a name
    that squashed is a label of a domain in the text: "Kuwasha" and
    kuwasha.net, "Kids on Computers" and kidsoncomputers.org). A name is one
    organisation everywhere in its document.
    """
    from .org_junk import names_a_thing

    evidence = {fold(t) for t in found} | {bare_name(t) for t in found}
    for m in names:
        # "Malawi School Certificate Examination" holds a head noun but names an exam
        if has_org_cue(m.text) and not names_a_thing(m.text):
            evidence.add(bare_name(m.text))
    domains = web_names(text)
    if domains:
        for m in names:
            name = _POSSESSIVE.sub("", m.text.strip())
            if name[:1].isupper() and _squash(name) in domains:
                evidence.add(fold(m.text))
    return evidence


def without_web_addresses(text: str) -> str:
    """The text with its web and e-mail addresses blanked (same length)."""
    return blank_spans(text, web_address_spans(text))
