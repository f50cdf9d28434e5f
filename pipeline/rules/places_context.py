"""What the words around a name say: a preposition or a noun of place, an organisation's name.

Part of the place rules (``places.py`` decides; the words are in ``data/places/context.json``).
The names that start with an underscore are shared by the places modules only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ..mentions import Mention
from ..text import alternation
from . import lexicon
from . import organisations as org_rules
from .gazetteer import Place
from .places_evidence import (
    _common_start,
    _compass_words,
    _context,
    _core,
    _designator_words,
)
from .places_spans import _NAME_RUN, _NAME_WORD, _Spans
from .textscan import WordStarts


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    spec = _context()
    article = rf"(?:(?:{alternation(spec['articles'])})\s*)?"
    strong = alternation(spec["prepositions"])
    weak = alternation(spec["weak_prepositions"])
    designator = _designator_words(spec)
    after = alternation(spec["designators_after"])
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    joiner = alternation(spec["list_joiners"])
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
        last = cut  # the end of the text before the line break, without its blanks
        while last > 0 and text[last - 1] in " \t":
            last -= 1
        if not last or text[last - 1] in ".!?:;)»\n" or "\n" in text[cut + 1 : start].strip():
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
    article = rf"(?:(?:{alternation(spec['articles'])})\s*)?"
    designator = _designator_words(spec)
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    return re.compile(rf"^(?i:{article}(?:{designator}){genitive})\s+(?=[A-ZÀ-Ý])")


# --------------------------------------------------------------------- organisations
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


def inside_organisation(
    text: str, start: int, end: int, org_spans: Iterable[tuple[int, int]] | _Spans
) -> bool:
    """The name at text[start:end] is part of an organisation's name.

    Either an organisation mention covers more than the name, or the run of capitalised
    words around it (joined by "de", "of", "for"...) carries an organisation noun:
    "Université de Liège", "Croix-Rouge de Belgique", "Kasese District Local Government".
    `org_spans` are the organisation mentions' spans; a caller that asks for many
    names passes them as a `_Spans`, searched instead of scanned.
    """
    spans = org_spans if isinstance(org_spans, _Spans) else _Spans(org_spans)
    if spans.holds_more(start, end):
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


@functools.cache
def _after_designator() -> WordStarts:
    """A name right after a kind-of-place noun: "village de Diadiem 3", "sub counties
    (Bwesumba"; searched where a kind-of-place noun or a field label starts."""
    spec = _context()
    designator = _designator_words(spec)
    article = rf"(?:(?:{alternation(spec['articles'])})\s*)?"
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    pattern = re.compile(
        rf"(?i:(?<![\w-])(?:{designator})\b(?:\s+[a-zà-ÿ]{{4,}})?{genitive}(?:\s*[(:]\s*|\s+){article})"
        rf"(?P<name>{_NAME_RUN})"
    )
    return WordStarts(pattern, spec["designators"] + spec["field_labels"], ignore_case=True)


@functools.cache
def _settlement_pattern() -> re.Pattern[str]:
    spec = _context()
    words = alternation(spec["settlement_designators"])
    genitive = r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of\s+the|of))?"
    return re.compile(rf"(?<![\w-])(?:{words})\b{genitive}\s+$", re.I)


def _settlement_before(text: str, start: int) -> bool:
    return bool(_settlement_pattern().search(_line_before(text, start)))


_TITLE_PREPOSITION = re.compile(
    r"(?:^|\n)[ \t]*[A-ZÀ-Ý][\w'’]*[ \t]+$|(?P<word>[A-ZÀ-Ý][\w'’-]*)[ \t]+\w+[ \t]+$"
)


def _title_word(text: str, m: Mention, language: str) -> bool:
    """A frequent word after a preposition in a title or a menu, not in running text:
    "A Propos" (a capitalised preposition at a line start), "Appel à Dons" (a
    capitalised frequent word before the preposition). "sur le Burkina" in a sentence
    and "Kavala in Northern Greece" are not."""
    if not _common_start(m.text, language) or _core(m.text).split()[0].lower() in _compass_words():
        return False
    before = text[max(0, m.start - 40) : m.start]
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
