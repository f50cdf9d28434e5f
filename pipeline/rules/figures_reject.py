"""The figures rule's rejections: the numbers that are no figure, and the spans that hold none.

Part of the figures rule (``figures.py`` reads the candidates and asks ``rejection`` about
each). Every rejection has a name (``figures.reject.<name>``, ``figures.block.<name>``) that
the debug log gives when it refuses a span. The names that start with an underscore are shared
by the figures modules only.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from ..text import email_spans, url_spans
from .figures_vocab import _BLANKS, _DIGIT, _SP

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .figures import _Cand, _Matcher

# The rule's own logger: the debug log names the rule whatever module the check lives in.
log = logging.getLogger("pipeline.rules.figures")

_BULLETS = "•·▪►○◦‣∙*-–—>"

# Spans that never hold figures, whatever the language, besides web and e-mail addresses
# (pipeline/text.py). The pattern runs only on a paragraph that has a digit.
_NEEDS_DIGIT = re.compile(
    # what every branch starts with, tested first: a third less time on a paragraph
    r"(?=[+0(\[\d]|(?i:t[ée]l|phone|fax|gsm|mobile|cell|isbn|issn|doi))(?:"
    r"(?P<phone>(?<![\w+])(?<!\d[ \u00a0\u202f.,])(?:\+|00)\d{1,3}(?:[ .\-/]?\(?\d{1,4}\)?){2,}"  # international
    r"|(?<![\w,.])(?<!\d[ \u00a0\u202f])0\d{1,4}(?:[ .\-/]\d{2,4}){2,}(?!\d)"  # national
    r"|(?<![^\W\d_])(?i:t[ée]l[ée]?(?:phone)?|phone|fax|gsm|mobile|cell)\.?\s*:?\s*"
    r"\+?\d[\d() .\-/]{7,}\d)"
    r"|(?P<enumeration>\(\s*\d{1,3}\s*\))"  # "(2)": enumeration in running text
    r"|(?P<footnote>\[\s*\d{1,3}\s*\])"  # "[3]": a footnote call
    r"|(?P<reference>(?<![\w.,])\d+(?:[-‐‑/]\d+){2,}(?!\w))"  # references, ISBN parts, dates
    # 1.2.3, 20.04.2018
    r"|(?P<version>(?<![\w.,])(?!\d{1,3}(?:\.\d{3})+(?![\d.]))\d+(?:\.\d+){2,}(?!\w))"
    r"|(?P<isbn>(?i:isbn|issn|doi)[\s:]*[\dX][\dX\- ./]*)"  # (an X alone is no number to block)
    r")"
)
# A path or an address without its scheme, as a whole token: "example.org/projects/2019",
# "docs/2019/report" (a word, a slash, then at least one more slash, or a domain first)
_PATH_TOKEN = re.compile(
    r"[\"'(<]*(?:[A-Za-z][\w-]*(?:\.[\w-]+)*\.[a-z]{2,6}/|[\w.~%+-]*[A-Za-z][\w.~%+-]*/"
    r"[\w.~%+-]+/)\S*"
)
_SLASH = re.compile("/")
# A file name: "rapport_2019_v3.pdf"
_FILE_EXT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|csv|txt|html?|php|jpe?g|png|gif|svg|zip|mp[34]|json|xml)"
    r"(?![\w])",
    re.IGNORECASE,
)
# An IBAN: country code, check digits, then groups of four ("BE52 6528 3497 8409"); looked
# for only before a candidate number, which is cheaper than scanning every paragraph
_IBAN_GROUP = re.compile(r"[ \u00a0]?[A-Z0-9]{4}(?![A-Za-z0-9])")
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4})*[ \u00a0]?\Z")


def _blocked_spans(text: str, debug: bool = False) -> list[tuple[int, int]]:
    """Spans that hold no figure: URLs, paths and file names, e-mail addresses, phone
    numbers, references (each kind named in the debug log)."""
    found = [("url", span) for span in url_spans(text)]
    found += [("email", span) for span in email_spans(text)]
    if _DIGIT.search(text):
        found += [(m.lastgroup or "", m.span()) for m in _NEEDS_DIGIT.finditer(text)]
    spans = [span for _, span in found]
    if "/" in text:
        seen = -1
        for m in _SLASH.finditer(text):
            if m.start() < seen:
                continue
            s, e = m.start(), m.end()
            while s > 0 and not text[s - 1].isspace():
                s -= 1
            while e < len(text) and not text[e].isspace():
                e += 1
            seen = e
            if _PATH_TOKEN.fullmatch(text, s, e):
                spans.append((s, e))
                found.append(("path", (s, e)))
    for m in _FILE_EXT.finditer(text) if "." in text else ():
        s = m.start()
        while s > 0 and not text[s - 1].isspace():
            s -= 1
        spans.append((s, m.end()))
        if debug:
            log.debug("figures.block.file rejected: %r", text[s : m.end()])
    if debug:
        for name, (s, e) in found:
            log.debug("figures.block.%s rejected: %r", name, text[s:e])
    return spans


# "501(c)(3)", "12(a)": a section reference glued to the number
_SECTION_AFTER = re.compile(r"\((?:[a-z]{1,3}|\d{1,2})\)")
_POSTCODE_LETTERS = re.compile(r"[ \u00a0][A-Z]{2}[ \u00a0]+[A-Z][a-z]")
# The rest of a numbered row: more cells with numbers, or a few capitalised words (a name)
_ROW_REST = re.compile(
    r"(?:[^\n]*\d[^\n]*|(?:[ \t\u00a0]+\(?[A-ZÀ-Ý][\w.’'&()/-]*){1,4}[ \t\u00a0]*)"
)
_LIST_MARK = re.compile(r"(?:[.)/]|[^\S\n]?[-–])(?:\s|\Z)|[.)](?=[A-ZÀ-Ý])")
_HOURS_BEFORE = re.compile(r"\d" + _SP + r"?[hH]" + _SP + r"?\Z")
_NUMBER_NEXT = re.compile(r"[ \t\u00a0\u202f]+\d")
_ACRONYM_BEFORE = re.compile(r"(?<![\w.&-])[A-Z](?:[A-Z]|&(?=[A-Z])){1,6}[ \u00a0]\Z")
_CITATION = re.compile(r"\([^()\n]*\b(?:1[5-9]|20)\d{2}[a-z]?\s*[,:]\s*(?:p+\.\s*)?\Z")
# "n°2019-1130", "No. 2019-114": the second part of a numbered reference
_REFERENCE_HEAD = re.compile(r"\d+[-‐‑/]\Z")
# "(Saint-Denis, 93)": a French département number after a town, in brackets
_TOWN_IN_BRACKETS = re.compile(r"\([^\W\d_][^()\n,]{0,40},[ \u00a0]*\Z")
_CLOSING_BRACKET = re.compile(r"[ \u00a0]*\)")
# "65'", "(89’)": the minute of a match; "15’ de marche", "6' tall" are measures
_MINUTE_MARK = re.compile(r"['’](?![^\W\d_])(?![ \t\u00a0]+[a-zà-ÿ])")
# "1-prendre ...", "1-Train ...": numbering glued to the first word of a list item
_HYPHEN_WORD_AFTER = re.compile(r"[-–]([^\W\d_])")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]\s*|[«“\"(]\s*)\Z")


def _is_year_like(matcher: _Matcher, c: _Cand) -> bool:
    parts = c.parts or [c]
    return all(
        p.plain_int
        and len(matcher.text[p.core_start : p.core_end]) == 4
        and 1900 <= p.value <= 2100
        for p in parts
    )


def rejection(matcher: _Matcher, c: _Cand) -> str | None:
    """The name of the rule that says this candidate is no figure, or None if it is one."""
    L, text = matcher.L, matcher.text
    core = text[c.core_start : c.core_end]
    before = matcher.before(c.core_start, 30)
    line_start = text.rfind("\n", 0, c.core_start) + 1
    line_end = text.find("\n", c.core_end)
    line_end = len(text) if line_end < 0 else line_end
    prefix = text[line_start : c.core_start]
    after = text[c.core_end : c.core_end + 12]
    digits = c.rule == "figures.digits"
    if c.unit_kind == "street" or (
        digits
        and before.rstrip(_BLANKS + ",").lower().endswith(L.street_suffixes)
        and L.street_suffix_before.search(before)
    ):
        return "figures.reject.street_number"  # "12 rue ...", "Overschiesestraat 62"
    at_line_start = prefix.strip(" \t\u00a0" + _BULLETS) == ""
    # list numbering "1. ...", "2) ...", "1- ...", "2 - ..." and page numbers alone
    if at_line_start and c.rule != "figures.words":
        if _LIST_MARK.match(after):
            return "figures.reject.list_numbering"
        if (
            digits
            and c.plain_int
            and len(core) <= 2
            and (hw := _HYPHEN_WORD_AFTER.match(after))
            and (hw.group(1).isupper() or L.list_hyphen_lowercase)
        ):
            return "figures.reject.list_numbering"  # "1-former les jeunes", "2-Train staff"
        alone = text[line_start:line_end].strip(" \t\u00a0" + _BULLETS + "|") == core.strip()
        if alone and not c.plural_noun:
            # a page number; a plural noun on the next line makes a count ("17\nséances")
            return "figures.reject.alone_on_line"
    if digits and after.startswith(")") and prefix.count("(") <= prefix.count(")"):
        return "figures.reject.list_numbering"  # "nos objectifs : 1) former, 2) ..."
    if digits and (before.endswith("=") or _SECTION_AFTER.match(after)):
        return "figures.reject.reference"  # "tw=78", "501(c)(3)"
    # "BE52 6528 3497 8409": a group after the check digits, with more groups around
    if (
        digits
        and c.plain_int
        and len(core) == 4
        and (iban := _IBAN_START.search(before))
        and (len(iban.group().strip()) > 4 or _IBAN_GROUP.match(after))
    ):
        return "figures.reject.iban"
    if digits and after[:1].isalpha() and c.unit_kind not in ("measure", "currency"):
        return "figures.reject.code"  # a letter glued on that reads as nothing: "4K", "5G"
    label = L.labels_before.search(before)
    if label and not _label_is_verb(matcher, c.core_start - len(label.group())):
        return "figures.reject.label"
    if (
        digits
        and (head := _REFERENCE_HEAD.search(before))
        and L.labels_before.search(before, 0, head.start())
    ):
        return "figures.reject.label"  # "n°2019-1130", "No. 2019-114": a numbered reference
    wide = matcher.before(c.core_start, 80)
    if c.unit is None and "(" in wide and _CITATION.search(wide):
        return "figures.reject.citation_page"  # "(Dupont, 2010, 12)"
    nxt = matcher.next_token(c.core_end)
    prv = matcher.prev_token(c.core_start)
    if c.unit_kind != "noun" and matcher.is_month(nxt):
        return "figures.reject.date_part"  # "13 octobre": a date
    if c.unit is None and matcher.is_month(prv):
        return "figures.reject.date_part"  # "April 20"
    if c.unit is None and prv is not None and prv.text.lower() in L.weekdays:
        return "figures.reject.date_part"  # "samedi 21 au matin", "Friday 20"
    if digits and c.unit is None and _MINUTE_MARK.match(text, c.core_end):
        return "figures.reject.minute_mark"  # "(65')": the minute of a match
    # a time of day has at most two digits: "à 1 607 heures" is a duration
    clock = c.plain_int and len(core) <= 2 and c.value <= 24
    if (
        clock
        and L.time_after.match(text, c.core_end)
        and c.unit_kind not in ("currency", "percent")
    ):
        return "figures.reject.time"  # "14 h 30", "3 pm"
    if _HOURS_BEFORE.search(before):
        return "figures.reject.time"  # the minutes of "14 h 30"
    if clock and L.time_words_after.match(text, c.core_end) and L.time_before.search(before):
        return "figures.reject.time"  # "à 14 heures"
    if _is_year_like(matcher, c):
        if c.unit_kind in ("currency", "percent"):
            return None
        counted = c.unit_kind == "noun" and c.plural_noun
        if not counted or L.temporal_before.search(before):
            return "figures.reject.year"
        return None
    if L.decade_before.search(before) and c.unit is None:
        return "figures.reject.decade"  # "les années 90"
    if c.plain_int and c.unit is None:
        for p in c.parts or [c]:
            part = text[p.core_start : p.core_end]
            if len(part) >= 6 or (len(part) > 1 and part.startswith("0")):
                return "figures.reject.identifier"  # account or reference numbers
        if len(core) in (4, 5) and nxt is not None and nxt.is_title and nxt.is_alpha:
            return "figures.reject.postal_code"  # before a town: "4000 Liège"
        if len(core) == 4 and _POSTCODE_LETTERS.match(after):
            return "figures.reject.postal_code"  # "3112 HH Schiedam"
        if (
            (len(core) == 2 or core.startswith("97"))  # 01-95, oversea 971-976
            and _TOWN_IN_BRACKETS.search(before)
            and _CLOSING_BRACKET.match(text, c.core_end)
        ):
            return "figures.reject.postal_code"  # "(Blanc-Mesnil, 93)": a département
    if (
        at_line_start
        and digits
        and c.plain_int
        and (c.unit is None or (c.unit_kind == "noun" and not c.plural_noun))
        and nxt is not None
        and nxt.is_title
        and nxt.is_alpha
        and _ROW_REST.fullmatch(text, c.core_end, line_end)
    ):
        return "figures.reject.row_number"  # "3 Karma Tseatn PRT 1 1 2", "1 Introduction"
    if c.parts and c.unit is None and len(core) >= 6 and not any(ch.isspace() for ch in core):
        return "figures.reject.identifier"  # "624-6456", pages "2579–2605"
    # nothing counted after the number: three or four digits after an acronym are then a
    # model ("RTX 3080", but "CICR 150 délégués"), any number after a name is in the name
    weak = c.unit is None or (c.unit_kind == "noun" and not c.plural_noun)
    if (
        digits
        and c.plain_int
        and (len(core) <= 2 or (len(core) <= 4 and not _NUMBER_NEXT.match(after) and weak))
        and c.unit_kind not in ("currency", "percent", "measure")
        and _acronym_before(matcher, c.core_start)
        and not (nxt is not None and nxt.is_upper and len(nxt) > 1)
    ):
        return "figures.reject.acronym_label"  # "HTML 5", "CP 1", "COP 21", "RTX 3080"
    # "Windows 10", "Agenda 21 framework": a number inside a name; a plural noun or a
    # currency after it still makes a count ("Kinshasa 250 élèves"), and so do an amount
    # with thousands groups ("GST 133,000") and the first cell of a row of numbers
    if c.rule == "figures.words" and weak and _word_in_name(matcher, c, prv, nxt):
        return "figures.reject.in_name"  # "Xbox One X", "the SIX Swiss Exchange"
    if (
        digits
        and weak
        and not c.grouped
        and c.multiplier is None
        and not _NUMBER_NEXT.match(after)
        and _name_like(matcher, prv)
    ):
        return "figures.reject.in_name"
    return None


def _acronym_before(matcher: _Matcher, pos: int) -> bool:
    """An acronym right before (one blank between): "HTML 5", "CP 1"."""
    m = _ACRONYM_BEFORE.search(matcher.text, max(0, pos - 8), pos)
    return m is not None


def _label_is_verb(matcher: _Matcher, pos: int) -> bool:
    tok = matcher.next_token(pos)
    return tok is not None and tok.pos_ in ("VERB", "AUX") and tok.is_alpha


def _word_in_name(matcher: _Matcher, c: _Cand, prv: Token | None, nxt: Token | None) -> bool:
    """A number word with a capital inside a name: after a brand or a capitalised word in the
    sentence ("Xbox One X"), or in capitals before a capitalised word ("the SIX Swiss
    Exchange"); "EIGHT deadly diseases" only stresses a count."""
    word = matcher.text[c.core_start : c.core_end]
    if not word[:1].isupper():
        return False
    if _name_like(matcher, prv):
        return True
    return (
        word.isupper()
        and len(word) > 1
        and nxt is not None
        and nxt.is_title
        and nxt.is_alpha
        and not _SENTENCE_END.search(matcher.before(c.core_start, 10))
    )


def _name_like(matcher: _Matcher, prv: Token | None) -> bool:
    if prv is None or not prv.is_alpha:
        return False
    word = prv.text
    plural_acronym = word.endswith("s") and word[:-1].isupper()  # "ONGs", "NGOs"
    if not word.isupper() and word[1:] != word[1:].lower() and not plural_acronym:
        return True  # a brand's mixed case: "macOS 10.15", "openBSD 6", "DirectX 11"
    if not (prv.is_title or (prv.is_upper and len(prv) > 1)):
        return False
    return not _SENTENCE_END.search(matcher.before(prv.idx, 10))
