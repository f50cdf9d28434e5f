"""Rule-based recognition of figures (counts, amounts, percentages) in French and English.

Why rules and not the NER model: spaCy's CARDINAL/MONEY/PERCENT labels only exist in the
English model, miss numbers written in words and approximation nouns ("une cinquantaine"), and
do not say *what* is counted. Figures in NGO pages and field studies follow a small set of
surface patterns, so the work here is mostly about two things:

* reading the number itself under the language's conventions (``981.528`` is 981528 in French,
  ``5,000`` is 5000 in English, ``vingt et un`` is 21, ``2,5 millions`` is 2.5e6, ``20M``,
  ``1.6billion``, ``trois quarts``), then attaching what follows it: a currency, a percent
  sign, a unit of measure (``250m2``, ``45 m²``) or the counted noun (its lemma is the unit);
* rejecting the many numbers that are not figures: years, dates (the caller's ``exclude``
  spans), list and annex numbering, footnote markers glued to words, page numbers, phone
  numbers, e-mail addresses, URLs, references, times of day, postal codes, numbers in names.

Design choices worth knowing (documented because they are judgement calls):

* Year-like integers (1900-2100, four plain digits) are dropped unless a currency, a percent
  sign or a plural counted noun follows them and no temporal preposition precedes them
  ("2000 bénéficiaires" is a figure, "en 2013", "(Dupont, 2010)" and "2010-2012" are not).
  Real dates should still be passed in ``exclude``.
* Plural approximation nouns with an indefinite determiner ("des centaines", "des milliers",
  "hundreds of", "thousands of", "des millions") give the base value (100, 1000, 1e6) with
  ``approximate=True``: an order of magnitude, the least that the text asserts.
* "un/une" are articles far more often than counts: alone they are figures only with an
  explicit quantity cue ("au moins un", "un seul"). English "one" is a numeral: before a
  singular noun it counts ("one family"), except as a pronoun and in idioms ("one of",
  "one day", "as one").
* Fractions of a whole are percentages ("trois quarts des habitants" is 75 %, "1/3 of the
  grant" 33.3 %), fractions of a unit keep it ("trois quarts d'heure" is 0.75 heure).
* In English, thousands are grouped with commas: blanks between bare numbers separate table
  cells ("387 415 107%" is three figures), unless a no-break space or a "000" group shows a
  grouped number.
* "plus de", "more than", "over"... mark the figure approximate; the value is the number given.
* A range ("8 à 17 ans", "between 10 and 20 people", "10-15 %") is one match with
  ``value`` = low end and ``upper`` = high end.

Every finder and every rejection has a name (``figures.digits``, ``figures.reject.label``,
``figures.block.phone``...): the finder's goes into the mention's ``extractor`` column with
``RULES_VERSION``, a hash of this module and its data, and the debug log says which rule fired
or refused which span. docs/rules-dates-figures.md lists them with their limits.

All vocabularies live in ``data/figures/`` (per-language and common JSON, currencies and units
TSV) and are compiled once per language; a cheap pre-check returns early on paragraphs with no
digit and no number word, and a paragraph without digits runs only the finders whose words it
has, since this runs on every paragraph of large corpora.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from text_to_num import text2num

from ..config import code_version

if TYPE_CHECKING:  # spaCy itself is imported where the model loads: a re-run with
    # nothing to do never needs it
    from spacy.tokens import Doc, Token

_DATA_DIR = Path(__file__).parent / "data" / "figures"
# The version in every figure mention's extractor column: a hash of this module and its data.
RULES_VERSION = code_version(Path(__file__), _DATA_DIR)

log = logging.getLogger(__name__)

_SP = r"[ \t\u00a0\u202f\u2009]"  # blanks inside a line (no newline)
_GROUP_SP = r"[ \u00a0\u202f\u2009]"  # thousands separators written as spaces
_LETTER = r"[^\W\d_]"
_BULLETS = "•·▪►○◦‣∙*-–—>"

# A number must not continue a word, a code or another number: not glued after a letter
# (footnote markers "étude2", "G7"), after letter+hyphen ("COVID-19"), after a decimal
# separator, a slash, a colon or "@#°" (dates, times, ratios, references, "n°12"), nor after
# letter+punctuation with no space ("durable.3", footnote calls).
_NUM_BEFORE = r"(?<![\w@#/:°.,])(?<!\d[.,])(?<!" + _LETTER + r"-)(?<!" + _LETTER + r"[.;:»”’)])"


@dataclass(frozen=True, slots=True)
class FigureMatch:
    start: int  # char offset into doc.text (inclusive)
    end: int  # exclusive; doc.text[start:end] == self.text
    text: str  # the whole expression, e.g. "près de 5000 bénéficiaires"
    value: float
    upper: float | None  # high end of a range, else None
    unit: str | None  # ISO 4217 code, "percent", or the lemma of the counted noun
    approximate: bool
    rule: str  # the rule that read it: "figures.digits", "figures.words", "figures.range"...


# --------------------------------------------------------------------------- vocabularies


def _phrase(p: str) -> str:
    """Regex for a lower-case phrase: blanks match any blank run, apostrophes both kinds."""
    out = []
    for ch in p:
        if ch == " ":
            out.append(r"\s+")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _alt(phrases: Sequence[str]) -> str:
    """Regex matching any of the phrases, the longest where several fit.

    Written as a trie ("cinq(?:uante)?" rather than "cinquante|cinq"): the regex
    engine tries each position of a text once against the first letters instead
    of once per phrase, and these alternations run over every paragraph.
    Depth first, a longer continuation is tried before the phrase ends, so the
    longest phrase matches, as with the phrases sorted longest first.
    """
    trie: dict = {}
    for phrase in set(phrases):
        node = trie
        for ch in phrase:
            node = node.setdefault("'" if ch in "'’" else ch, {})
        node[""] = {}  # a phrase ends here

    def branch(node: dict) -> str:
        parts = [_phrase(ch) + branch(node[ch]) for ch in sorted(k for k in node if k)]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(trie)


def _cue_before(phrases: Sequence[str]) -> re.Pattern[str]:
    """End-anchored pattern: one of the phrases right before the number (then blanks)."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        tail = r"\s*" if not p[-1].isalnum() else r"\s+"
        head = r"(?<!\w)" if p[0].isalnum() else ""
        parts.append(head + _phrase(p) + tail)
    return re.compile("(?:" + "|".join(parts) + r")\Z", re.IGNORECASE)


def _cue_after(phrases: Sequence[str]) -> re.Pattern[str]:
    """Start-anchored pattern: blanks then one of the phrases right after the number."""
    return re.compile(r"\s+(?:" + _alt(phrases) + r")(?![^\W_])", re.IGNORECASE)


@dataclass(frozen=True)
class _Multiplier:
    pattern: re.Pattern[str]
    factor: float
    approximate: bool
    # "M", "k", "m" are millions and thousands next to a currency ("5M€", "£10m"); some also
    # glued to the number without one ("20M", "200K"), some anywhere ("2,5 Mds")
    needs_currency: bool = False
    glued_alone: bool = False


@dataclass(frozen=True)
class _Lang:
    code: str
    precheck: re.Pattern[str]
    precheck_words: frozenset[str] | None
    number: re.Pattern[str]
    words: re.Pattern[str]
    word_item: re.Pattern[str]
    approx_noun: re.Pattern[str]
    approx_values: dict[str, tuple[float, bool, str | None, bool]]  # value, approx, unit, plural
    multipliers: tuple[_Multiplier, ...]
    link: re.Pattern[str]
    partitive: re.Pattern[str]
    percent: re.Pattern[str]
    currency_after: re.Pattern[str]
    currency_before: re.Pattern[str]
    currency_codes: dict[str, str]
    approx_before: re.Pattern[str]
    approx_after: re.Pattern[str]
    range_mid: re.Pattern[str]
    range_pairs: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]
    labels_before: re.Pattern[str]
    street_after: re.Pattern[str]
    temporal_before: re.Pattern[str]
    months: frozenset[str]
    months_title_only: bool
    time_after: re.Pattern[str]
    time_words_after: re.Pattern[str]
    time_before: re.Pattern[str]
    article_numbers: frozenset[str]
    article_cue_before: re.Pattern[str]
    article_cue_after: re.Pattern[str]
    needs_num_pos: frozenset[str]
    bare_multipliers: frozenset[str]
    bare_multiplier_article: re.Pattern[str] | None
    decade_before: re.Pattern[str]
    linking_multipliers: frozenset[str]
    irregular: dict[str, str]
    invariable: frozenset[str]
    glued_unit: re.Pattern[str]
    spaced_unit: re.Pattern[str]
    unit_names: dict[str, str]
    misspelt: dict[str, str]
    misspelt_re: re.Pattern[str] | None
    bare_multiplier_approx: re.Pattern[str] | None
    fraction: re.Pattern[str]  # the fraction word; its numerator is looked for before it
    fraction_numerator: re.Pattern[str]
    fraction_values: dict[str, float]
    fraction_article_link: re.Pattern[str]
    fraction_unit_link: re.Pattern[str]
    half_after: re.Pattern[str]
    half_multiplier: re.Pattern[str]
    one_idioms: frozenset[str]
    one_not_after: re.Pattern[str] | None
    street_suffix_before: re.Pattern[str]
    street_suffixes: tuple[str, ...]
    approx_words: frozenset[str]  # words that an approximation noun phrase needs
    number_words: frozenset[str]  # words that start a number in words
    fraction_hint: tuple[str, ...]  # a fraction word is looked for only where one of these is


@cache
def _currencies() -> tuple[tuple[str, str, str], ...]:
    rows = []
    with open(_DATA_DIR / "currencies.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#"):
                rows.append((row[0], row[1], row[2]))
    return tuple(rows)


@cache
def _units(code: str) -> tuple[tuple[str, str, bool], ...]:
    """(surface, unit, may follow a blank) for the symbols of units of measure."""
    rows = []
    with open(_DATA_DIR / "units.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#") and code in row[3].split(","):
                rows.append((row[0], row[1], row[2] == "yes"))
    return tuple(rows)


@cache
def _common() -> dict:
    return json.loads((_DATA_DIR / "common.json").read_text(encoding="utf-8"))


def _digit_number_pattern(lang: str, glued_units: Sequence[str], glued_words: Sequence[str]) -> str:
    if lang == "fr":
        # 1 234,5 / 1.234,5 / 1,234,567 (rare, English-style) / 12,5 or 2.5 / 5000
        body = (
            r"\d{1,3}(?:" + _GROUP_SP + r"\d{3})+(?:,\d+)?"
            r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
            r"|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?"
            r"|\d+(?:[.,]\d+)?"
        )
    else:
        # 5,000.5 / 5 000 with non-breaking spaces / 2,5 (European decimal) / 2.5 / 5000
        body = (
            r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
            r"|\d{1,3}(?:" + _GROUP_SP + r"\d{3})+(?:\.\d+)?"
            r"|\d+,\d{1,2}(?!\d)"
            r"|\d+(?:\.\d+)?"
        )
    # Glued suffixes that keep the number a figure ("10%", "5M€", "2bn", "250m2", "16GB",
    # "130Million"); any other glued letter makes it an ordinal or a code ("1er", "2e", "3rd",
    # "5G", "4x4").
    units = "|".join(re.escape(u) for u in sorted(glued_units, key=len, reverse=True))
    words = "|".join(re.escape(w) for w in sorted(glued_words, key=len, reverse=True))
    glued = (
        r"(?:%|‰|€|\$|£|/-|(?:Mds|Mrd|Md|bn|mn|k|K|M|" + units + r"|(?i:" + words + r"))(?![^\W_]))"
    )
    after = r"(?=" + glued + r"|(?![^\W_]|[.,:/]\d))"
    return _NUM_BEFORE + r"(?:" + body + r")" + after


@cache
def _lang(code: str) -> _Lang:
    data = json.loads((_DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
    misspelt = dict(data.get("misspellings", {}))
    words = data["number_words"] + list(misspelt)
    word_alt = "(?:" + _alt(words) + r")(?![^\W\d_])"
    joiners = "|".join(_phrase(j) for j in data["number_joiners"])
    sep = (
        r"(?:-(?:"
        + joiners
        + r")-|"
        + _SP
        + r"*-"
        + _SP
        + r"*|"
        + _SP
        + r"+(?:(?:"
        + joiners
        + r")"
        + _SP
        + r"+)?)"
    )
    words_re = re.compile(r"(?<![\w-])" + word_alt + r"(?:" + sep + word_alt + r")*", re.IGNORECASE)

    approx_values: dict[str, tuple[float, bool, str | None, bool]] = {}
    for noun, value in data["approx_nouns"].items():
        approx_values[noun] = (float(value), True, None, False)
        approx_values[noun + "s"] = (float(value), True, None, True)
    for noun, value in data["plural_approx_nouns"].items():
        approx_values[noun] = (float(value), True, None, True)
    for noun, (value, unit) in data["exact_nouns"].items():
        approx_values[noun] = (float(value), False, unit, False)
    dets = sorted(data["approx_noun_dets"], key=len, reverse=True)
    det_alt = "|".join(_phrase(d) + (r"\s*" if not d[-1].isalnum() else r"\s+") for d in dets)
    approx_noun = re.compile(
        r"(?<!\w)(?P<det>(?:" + det_alt + r"))?(?P<noun>" + _alt(list(approx_values)) + r")(?!\w)",
        re.IGNORECASE,
    )

    cur_rows = _currencies()
    sym_codes = [s for s, _, k in cur_rows if k in ("symbol", "code")]
    cur_words = [s for s, _, k in cur_rows if k == "word"]
    sym_alt = "|".join(re.escape(s) for s in sorted(sym_codes, key=len, reverse=True))
    sym_re = r"(?:" + sym_alt + r")(?![A-Za-z])"
    currency_after = re.compile(
        _SP + r"{0,2}(?:" + sym_re + r"|(?i:" + _alt(cur_words) + r")(?![^\W_]))"
    )
    currency_before = re.compile(r"(?<![A-Za-z])(?:" + sym_re + r")" + _SP + r"?\Z")
    codes = {s.lower(): c for s, c, _ in cur_rows}

    factors = {m["surface"].lower(): m for m in data["multipliers"] if not m.get("case")}
    all_mults = data["multipliers"] + [
        {**factors[right], "surface": wrong}
        for wrong, right in misspelt.items()
        if right in factors
    ]
    mults = []
    for m in sorted(all_mults, key=lambda m: len(m["surface"]), reverse=True):
        pat = _SP + r"?" + re.escape(m["surface"]) + r"(?![^\W_])"
        flags = 0 if m.get("case") else re.IGNORECASE
        mults.append(
            _Multiplier(
                re.compile(pat, flags),
                float(m["factor"]),
                m.get("approx", False),
                needs_currency=bool(m.get("currency")) and not m.get("alone"),
                glued_alone=bool(m.get("glued")),
            )
        )
    units = _units(code)
    unit_alt = "|".join(re.escape(u) for u, _, _ in sorted(units, key=lambda u: -len(u[0])))
    spaced_alt = "|".join(
        re.escape(u) for u, _, spaced in sorted(units, key=lambda u: -len(u[0])) if spaced
    )
    # glued: "250m2"; spaced: "45 m²", never an elided "l'" or a word ("5 millions")
    unit_end = r"(?![^\W_]|['’])"
    fractions = data["fraction_words"]
    nums = "|".join(
        _phrase(w)
        for w in sorted(data["number_words"] + data["fraction_numerators"], key=len)[::-1]
    )
    frac_alt = _alt(list(fractions))
    mult_words = [m["surface"] for m in data["multipliers"] if not m.get("case")]

    mids = [_phrase(c) for c in data["range_connectors"] if c[0].isalnum()]
    dashes = "".join(re.escape(c) for c in data["range_connectors"] if not c[0].isalnum())
    range_mid = re.compile(
        r"(?:\s*[" + dashes + r"]\s*|\s+(?:" + "|".join(mids) + r")\s+)\Z", re.IGNORECASE
    )
    pairs = tuple(
        (
            re.compile(
                r"(?<!\w)" + _phrase(o) + (r"\s+" if o[-1].isalnum() else r"\s*") + r"\Z", re.I
            ),
            re.compile(r"\s+" + _phrase(m) + r"\s+\Z", re.IGNORECASE),
        )
        for o, m in data["range_pairs"]
    )
    # "un/une/one" alone are figures only with a cue, so the cue, not the article, is checked
    all_words = (
        [w for w in words if w not in data["article_numbers"] or data["one_idiom_nouns"]]
        + list(data["fraction_words"])
        + data["article_number_cues_after"]
        + data["article_number_cues_before"]
        + list(approx_values)
        + [m["surface"] for m in data["multipliers"] if not m.get("case")]
    )
    # number words only: digits are looked for first (see _may_have_figures)
    precheck = re.compile(r"(?<!\w)(?:" + _alt(all_words) + r")(?!\w)", re.IGNORECASE)
    first_words = {_WORD_RUN.match(w.lower()) for w in all_words}

    bma = data.get("bare_multiplier_articles") or []
    bmx = data.get("bare_multiplier_approx") or []
    street_suffixes = _common()["street_suffixes"]
    return _Lang(
        code=code,
        precheck=precheck,
        # a phrase can only match where its first word is a word of the text; None:
        # some phrase does not start with a word, so only the regex can tell
        precheck_words=(None if None in first_words else frozenset(m.group() for m in first_words)),
        number=re.compile(
            _digit_number_pattern(code, [u for u, _, _ in units], mult_words + list(misspelt))
        ),
        words=words_re,
        word_item=re.compile(word_alt, re.IGNORECASE),
        approx_noun=approx_noun,
        approx_values=approx_values,
        multipliers=tuple(mults),
        link=re.compile(r"\s*(?:" + _alt(data["link_words"]) + r")(?:\s+|(?<=['’]))", re.I),
        partitive=re.compile(r"\s+(?:" + _alt(data["partitive_links"]) + r")\s+", re.I),
        percent=re.compile(_SP + r"?(?:%|(?i:" + _alt(data["percent_words"]) + r")(?![^\W_]))"),
        currency_after=currency_after,
        currency_before=currency_before,
        currency_codes=codes,
        approx_before=_cue_before(data["approx_before"]),
        approx_after=_cue_after(data["approx_after"]),
        range_mid=range_mid,
        range_pairs=pairs,
        labels_before=_cue_before(data["labels_before"] + ["n°", "nº", "#", "§"]),
        street_after=re.compile(  # "12 rue ...", "12, avenue ...", "149 Main Street"
            r"\s*,?(?:\s+[A-Z][\w'’-]*){0,3}\s*(?i:"
            + _alt(data["street_words_after"])
            + r")(?![^\W_])"
        ),
        temporal_before=_cue_before(data["temporal_before"] + data["months"]),
        months=frozenset(data["months"]),
        months_title_only=bool(data.get("months_title_case_only")),
        time_after=re.compile(
            _SP + r"?(?:h(?:" + _SP + r"?\d{2})?|H|a\.?m\.?|p\.?m\.?|o['’]clock)(?![^\W_])"
        ),
        time_words_after=_cue_after([w for w in data["time_after"] if len(w) > 2]),
        time_before=_cue_before(data["time_before"]),
        article_numbers=frozenset(data["article_numbers"]),
        article_cue_before=_cue_before(data["article_number_cues_before"]),
        article_cue_after=_cue_after(data["article_number_cues_after"]),
        needs_num_pos=frozenset(data["needs_num_pos"]),
        bare_multipliers=frozenset(data["bare_multipliers"]),
        bare_multiplier_article=_cue_before(bma) if bma else None,
        decade_before=_cue_before(data["decade_before"] or ["\x00"]),
        linking_multipliers=frozenset(m["surface"].lower() for m in all_mults if not m.get("case")),
        irregular=dict(data["irregular_plurals"]),
        invariable=frozenset(data["invariable_nouns"]),
        glued_unit=re.compile(r"(?:" + unit_alt + r")" + unit_end),
        spaced_unit=re.compile(_SP + r"(?:" + spaced_alt + r")" + unit_end),
        unit_names={u: name for u, name, _ in units},
        misspelt=misspelt,
        misspelt_re=(
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, misspelt)) + r")(?!\w)", re.I)
            if misspelt
            else None
        ),
        bare_multiplier_approx=_cue_before(bmx) if bmx else None,
        # "trois quarts", "two-thirds", "a quarter", "la moitié", "1/3", "half"
        fraction=re.compile(r"(?<![\w/])(?:" + frac_alt + r")(?![^\W_])", re.IGNORECASE),
        fraction_numerator=re.compile(r"(?<![\w-])(?:" + nums + r")[\s-]+\Z", re.IGNORECASE),
        fraction_values={k.lower(): float(v) for k, v in fractions.items()},
        fraction_article_link=_cue_after(data["fraction_article_links"]),
        fraction_unit_link=re.compile(
            r"\s+(?:" + _alt(data["fraction_unit_links"]) + r")(?:\s+|(?<=['’]))"
            r"(?P<unit>" + _alt(data["fraction_units"]) + r")(?![^\W_])",
            re.IGNORECASE,
        ),
        half_after=re.compile(
            r"\s+(?:" + _alt(data["fraction_half_after"]) + r")(?![^\W_])", re.IGNORECASE
        ),
        half_multiplier=re.compile(
            r"(?<!\w)(?:" + _alt(data["half_multiplier_prefix"]) + r")\s*"
            r"(?P<mult>" + _alt(mult_words) + r")(?![^\W_])",
            re.IGNORECASE,
        ),
        one_idioms=frozenset(data["one_idiom_nouns"]),
        one_not_after=_cue_before(data["one_not_after"]) if data["one_not_after"] else None,
        approx_words=frozenset(
            w for phrase in approx_values for w in _WORD_RUN.findall(phrase.lower())
        ),
        number_words=frozenset(
            w
            for phrase in words
            + data["article_number_cues_before"]
            + data["article_number_cues_after"]
            for w in _WORD_RUN.findall(phrase.lower())
        ),
        fraction_hint=tuple(sorted({w.lower()[:5] for w in fractions})),
        street_suffixes=tuple(street_suffixes),
        street_suffix_before=re.compile(
            r"(?<![^\W\d_])[A-ZÀ-ÖØ-Þ][^\W\d_]*(?i:"
            + "|".join(map(re.escape, street_suffixes))
            + r"),?"
            + _SP
            + r"+\Z"
        ),
    )


_DIGIT = re.compile(r"\d")
_WORD_RUN = re.compile(r"\w+")

# Spans that never hold figures, whatever the language. Each pattern runs only on
# a paragraph that has what it cannot match without (a digit, an "@", a URL's start).
_NEEDS_DIGIT = re.compile(
    # what every branch starts with, tested first: a third less time on a paragraph
    r"(?=[+0(\d]|(?i:t[ée]l|phone|fax|gsm|mobile|cell|isbn|issn|doi))(?:"
    r"(?P<phone>(?<![\w+])(?<!\d[ \u00a0\u202f.,])(?:\+|00)\d{1,3}(?:[ .\-/]?\(?\d{1,4}\)?){2,}"  # international
    r"|(?<![\w,.])(?<!\d[ \u00a0\u202f])0\d{1,4}(?:[ .\-/]\d{2,4}){2,}(?!\d)"  # national
    r"|(?<![^\W\d_])(?i:t[ée]l[ée]?(?:phone)?|phone|fax|gsm|mobile|cell)\.?\s*:?\s*"
    r"\+?\d[\d() .\-/]{7,}\d)"
    r"|(?P<enumeration>\(\s*\d{1,3}\s*\))"  # "(2)": enumeration in running text
    r"|(?P<reference>(?<![\w.,])\d+(?:[-‐‑/]\d+){2,}(?!\w))"  # references, ISBN parts, dates
    # 1.2.3, 20.04.2018
    r"|(?P<version>(?<![\w.,])(?!\d{1,3}(?:\.\d{3})+(?![\d.]))\d+(?:\.\d+){2,}(?!\w))"
    r"|(?P<isbn>(?i:isbn|issn|doi)[\s:]*[\dX][\dX\- ./]*)"  # (an X alone is no number to block)
    r")"
)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
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
    found: list[tuple[str, re.Match[str]]] = []
    if "://" in text or "www." in text:
        found.extend(("url", m) for m in _URL.finditer(text))
    if "@" in text:
        found.extend(("email", m) for m in _EMAIL.finditer(text))
    if _DIGIT.search(text):
        found.extend((m.lastgroup or "", m) for m in _NEEDS_DIGIT.finditer(text))
    spans = [m.span() for _, m in found]
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
            if path := _PATH_TOKEN.fullmatch(text, s, e):
                spans.append((s, e))
                found.append(("path", path))
    for m in _FILE_EXT.finditer(text) if "." in text else ():
        s = m.start()
        while s > 0 and not text[s - 1].isspace():
            s -= 1
        spans.append((s, m.end()))
        if debug:
            log.debug("figures.block.file rejected: %r", text[s : m.end()])
    if debug:
        for name, m in found:
            log.debug("figures.block.%s rejected: %r", name, m.group())
    return spans


_BLANKS = " \t\u00a0\u202f\u2009"
# A number with thousands groups or a decimal comma is an amount ("133,000", "3 400,00").
_GROUPED = re.compile(r"\d[ \u00a0\u202f\u2009,.]\d{3}(?!\d)|,\d")
# "501(c)(3)", "12(a)": a section reference glued to the number
_SECTION_AFTER = re.compile(r"\((?:[a-z]{1,3}|\d{1,2})\)")
_POSTCODE_LETTERS = re.compile(r"[ \u00a0][A-Z]{2}[ \u00a0]+[A-Z][a-z]")
# The rest of a numbered row: more cells with numbers, or a few capitalised words (a name)
_ROW_REST = re.compile(
    r"(?:[^\n]*\d[^\n]*|(?:[ \t\u00a0]+\(?[A-ZÀ-Ý][\w.’'&()/-]*){1,4}[ \t\u00a0]*)"
)
# compiled once: these run for every candidate
_GROUP_SP_RE = re.compile(_GROUP_SP)
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_GROUPS_2 = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_HYPHEN_WORD = re.compile(r"-(" + _LETTER + r"+)")
_HYPHEN_WORDS = re.compile(r"(?:[-‐‑]" + _LETTER + r"+)+")
_DIGIT_BEFORE = re.compile(r"\d" + _SP + r"*\Z")
_WORDLIKE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LIST_MARK = re.compile(r"(?:[.)/]|[^\S\n]?[-–])(?:\s|\Z)|[.)](?=[A-ZÀ-Ý])")
_HOURS_BEFORE = re.compile(r"\d" + _SP + r"?[hH]" + _SP + r"?\Z")
_DIGIT_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,2})/(\d{1,2})(?![\d/])")
_NUMBER_NEXT = re.compile(r"[ \t\u00a0\u202f]+\d")
_ACRONYM_BEFORE = re.compile(r"(?<![\w.-])[A-Z]{2,6}[ \u00a0]\Z")
_CITATION = re.compile(r"\([^()\n]*\b(?:1[5-9]|20)\d{2}[a-z]?\s*[,:]\s*(?:p+\.\s*)?\Z")
_ORDINAL_TAIL = ("ième", "ieme", "ème", "th", "ths", "rd", "rds", "nd", "nds", "st")
_FRACTION_TAIL = ("half", "halves", "quarter", "quarters", "quart", "quarts", "tiers")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]\s*|[«“\"(]\s*)\Z")


# --------------------------------------------------------------------------- matching


@dataclass
class _Cand:
    start: int
    end: int
    core_start: int
    core_end: int
    value: float
    rule: str
    approximate: bool = False
    upper: float | None = None
    unit: str | None = None
    unit_kind: str | None = None  # "currency", "percent", "noun", "implied"
    plural_noun: bool = False
    plain_int: bool = False  # plain digits, no separator, no multiplier
    grouped: bool = False  # thousands separators or a decimal comma: an amount, not a label
    multiplier: float | None = None
    parts: list[_Cand] = field(default_factory=list)


def _parse_digits(s: str, lang: str) -> float:
    s = _GROUP_SP_RE.sub("", s)
    if lang == "fr":
        if _DOT_GROUPS.fullmatch(s):
            s = s.replace(".", "")
        elif _COMMA_GROUPS_2.fullmatch(s):
            s = s.replace(",", "")
        return float(s.replace(",", "."))
    if _COMMA_GROUPS.fullmatch(s):
        return float(s.replace(",", ""))
    return float(s.replace(",", "."))


class _Matcher:
    """One call of find_figures: the doc, its text and the language's vocabularies."""

    def __init__(
        self,
        doc: Doc,
        text: str,
        lang: _Lang,
        exclude: Sequence[tuple[int, int]],
        words: frozenset[str] | None = None,
    ) -> None:
        self.doc = doc
        self.text = text
        self.L = lang
        self.words = words  # the paragraph's words when it has no digit, else None
        self.debug = log.isEnabledFor(logging.DEBUG)
        self.blocked = sorted([(s, e) for s, e in exclude] + _blocked_spans(text, self.debug))
        self._starts: list[int] | None = None

    # ---- helpers
    def blocked_at(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.blocked, (e, e))
        return any(be > s for _, be in self.blocked[:i])

    def before(self, pos: int, n: int = 60) -> str:
        return self.text[max(0, pos - n) : pos]

    def tok_from(self, pos: int) -> int:
        """Index of the first token starting at or after pos."""
        if self._starts is None:
            # from the doc's arrays: iterating makes a Python Token per token
            self._starts = self.doc.to_array("IDX").tolist()
        return bisect.bisect_left(self._starts, pos)

    def next_token(self, pos: int) -> Token | None:
        i = self.tok_from(pos)
        while i < len(self.doc) and self.doc[i].is_space:
            i += 1
        return self.doc[i] if i < len(self.doc) else None

    def prev_token(self, pos: int) -> Token | None:
        i = self.tok_from(pos) - 1
        while i >= 0 and (self.doc[i].is_space or self.doc[i].idx + len(self.doc[i]) > pos):
            i -= 1
        return self.doc[i] if i >= 0 else None

    def is_month(self, tok: Token | None) -> bool:
        if tok is None or tok.text.lower() not in self.L.months:
            return False
        return not self.L.months_title_only or tok.text[:1].isupper()

    # ---- cores
    def digit_cores(self) -> list[_Cand]:
        out = []
        for m in self.L.number.finditer(self.text):
            s, e = m.span()
            if self.blocked_at(s, e):
                continue
            raw = m.group()
            for ps, pe in self.cells(raw, s):
                part = self.text[ps:pe]
                out.append(
                    _Cand(
                        ps,
                        pe,
                        ps,
                        pe,
                        _parse_digits(part, self.L.code),
                        "figures.digits",
                        plain_int=part.isdigit(),
                        grouped=not part.isdigit() and _GROUPED.search(part) is not None,
                    )
                )
        return out

    def cells(self, raw: str, start: int) -> list[tuple[int, int]]:
        """Where a number read with blank-separated groups is several numbers: English groups
        thousands with commas (or no-break spaces), so "Surgery 387 415 107%" is a row of
        three cells; a group written "000"/"050" still shows a grouped number ("5 000")."""
        if self.L.code != "en" or " " not in raw:
            return [(start, start + len(raw))]
        groups = raw.split(" ")
        if any(g.startswith("0") for g in groups[1:]):
            return [(start, start + len(raw))]
        out, pos = [], start
        for g in groups:
            out.append((pos, pos + len(g)))
            pos += len(g) + 1
        return out

    def word_cores(self) -> list[_Cand]:
        out = []
        for m in self.L.words.finditer(self.text):
            items = list(self.L.word_item.finditer(self.text, m.start(), m.end()))
            i = 0
            while i < len(items):
                for j in range(len(items), i, -1):
                    s, e = items[i].start(), items[j - 1].end()
                    words = " ".join(self.text[s:e].split())
                    if self.L.misspelt_re is not None:
                        words = self.L.misspelt_re.sub(
                            lambda w: self.L.misspelt[w.group().lower()], words
                        )
                    try:
                        value = float(text2num(words, self.L.code))
                    except ValueError:
                        continue
                    cand = self.word_cand(s, e, value, items[i].group().lower(), j - i)
                    if cand is not None:
                        out.append(cand)
                    i = j
                    break
                else:
                    i += 1
        return out

    def word_cand(self, s: int, e: int, value: float, first: str, n: int) -> _Cand | None:
        L, text = self.L, self.text
        tail = _HYPHEN_WORD.match(text, e)
        if tail and tail.group(1).lower().endswith(_ORDINAL_TAIL + _FRACTION_TAIL):
            return None  # "vingt-deuxième", "two-thirds"
        if self.blocked_at(s, e) or _DIGIT_BEFORE.search(self.before(s, 4)):
            return None  # "5 sept." is a date, not 5 then 7
        approximate = False
        if L.misspelt.get(first, first) in L.bare_multipliers:
            art = (
                L.bare_multiplier_article.search(self.before(s))
                if L.bare_multiplier_article
                else None
            )
            approx = (
                L.bare_multiplier_approx.search(self.before(s))
                if art is None and L.bare_multiplier_approx
                else None
            )
            if art is None and approx is None:
                return None  # "millions" alone: left to the approximation nouns
            # "several hundred people": at least the scale word's value
            s -= len((art or approx).group())  # type: ignore[union-attr]
            approximate = approx is not None
        if n == 1 and first in L.needs_num_pos:
            tok = self.next_token(s)
            if tok is None or tok.pos_ != "NUM":
                return None  # "un bâtiment neuf"
        if n == 1 and first in L.article_numbers:
            cue = L.article_cue_before.search(self.before(s, 30)) or L.article_cue_after.match(
                self.text, e
            )
            if not cue and not self.one_counts(s, e):
                return None  # "une association", "one of them": an article, not a count
        return _Cand(s, e, s, e, value, "figures.words", approximate=approximate)

    def one_counts(self, s: int, e: int) -> bool:
        """English "one" before a singular noun counts one ("one targeted neighborhood"); it is
        a pronoun before "of"/"another", and idioms ("one day", "on the one hand", "as one",
        "one-stop") are left."""
        L = self.L
        if not L.one_idioms or (L.one_not_after and L.one_not_after.search(self.before(s, 20))):
            return False
        if not self.text[e : e + 1].isspace():
            return False
        tok = self.noun_after(e)
        return (
            tok is not None
            and tok.text.lower() not in L.one_idioms
            and "Plur" not in tok.morph.get("Number")
        )

    def approx_cores(self) -> list[_Cand]:
        out = []
        for m in self.L.approx_noun.finditer(self.text):
            noun = m.group("noun").lower()
            value, approx, unit, plural = self.L.approx_values[noun]
            s, e = m.span()
            # without a determiner only "centaines de", "thousands of" (plural, then de/of)
            if m.group("det") is None and not (plural and self.L.link.match(self.text, e)):
                continue
            if self.blocked_at(s, e):
                continue
            cand = _Cand(s, e, s, e, value, "figures.approx_noun", approximate=approx)
            if unit:
                cand.unit, cand.unit_kind = unit, "implied"
            # "des dizaines de milliers", "hundreds of thousands"
            lk = self.L.link.match(self.text, e)
            if lk:
                m2 = self.L.approx_noun.match(self.text, lk.end())
                if m2 and m2.group("det") is None:
                    v2, _, _, pl2 = self.L.approx_values[m2.group("noun").lower()]
                    if pl2 and v2 >= 1000:
                        cand.value *= v2
                        cand.end = cand.core_end = m2.end()
            out.append(cand)
        return out

    def fraction_cores(self) -> list[_Cand]:
        """Fractions: of a whole, as a percentage ("trois quarts des habitants" 75 %, "1/3 of
        the grant"), or of a unit ("trois quarts d'heure" 0.75 heure); "half a million" and
        "un demi-million" are 500,000. A fraction word with nothing after it is no figure
        ("quart de finale", "the second half")."""
        L, text, out = self.L, self.text, []
        for m in L.half_multiplier.finditer(text):
            factor = next(
                mult.factor for mult in L.multipliers if mult.pattern.fullmatch(m.group("mult"))
            )
            s, e = m.span()
            out.append(_Cand(s, e, s, e, 0.5 * factor, "figures.fraction", multiplier=factor))
        found = []
        for m in L.fraction.finditer(text):
            s, e = m.span()
            share = L.fraction_values[m.group().lower()]
            if num := L.fraction_numerator.search(text, max(0, s - 25), s):
                s = num.start()
                with contextlib.suppress(ValueError):  # an article: "la moitié", "a quarter"
                    share *= float(text2num(num.group().strip(" -\t\n").lower(), L.code))
            elif self.before(s, 12).rstrip()[-1:].isalpha():
                continue  # "the second half", "en quart de finale": an ordinal, a word
            found.append((s, e, share))
        if "/" in text:
            for m in _DIGIT_FRACTION.finditer(text):
                share = int(m.group(1)) / int(m.group(2))
                if 0 < share < 1:
                    found.append((m.start(), m.end(), share))
        for s, e, share in found:
            if self.blocked_at(s, e):
                continue
            if lk := L.fraction_article_link.match(text, e):
                cand = _Cand(s, e, s, e, share * 100, "figures.fraction", unit="percent")
            elif lk := L.fraction_unit_link.match(text, e):
                unit = _singularise(lk.group("unit").lower(), L.code)
                cand = _Cand(s, lk.end(), s, lk.end(), share, "figures.fraction", unit=unit)
            else:
                continue
            cand.unit_kind = "implied"
            out.append(cand)
        return out

    # ---- what follows the number
    def attach_multiplier(self, c: _Cand) -> None:
        """'2,5 millions', '1,2 Md€', '20M', 'deux centaines': the multiplier is part of the
        number. A letter that stands for millions or thousands ("M", "k") needs a currency
        next to it, or to be glued to the number ("20M", "200K+")."""
        if c.rule in ("figures.approx_noun", "figures.fraction"):
            return
        text = self.text
        for mult in self.L.multipliers:
            m = mult.pattern.match(text, c.end)
            if not m:
                continue
            if mult.needs_currency:
                glued = m.start() == c.end and not text[c.end].isspace()
                after = m.end()
                if (lk := self.L.link.match(text, after)) is not None:
                    after = lk.end()
                if not (
                    (glued and mult.glued_alone and self.abbreviated_amount(c, mult))
                    or self.L.currency_after.match(text, after)
                    or self.L.currency_before.search(self.before(c.start, 8))
                ):
                    continue
            c.value *= mult.factor
            c.multiplier = mult.factor
            c.approximate |= mult.approximate
            c.end = c.core_end = m.end()
            c.plain_int = False
            return

    def abbreviated_amount(self, c: _Cand, mult: _Multiplier) -> bool:
        """Whether "20M", "200K" abbreviate an amount: at most three digits before the letter
        (a larger amount takes the next letter up; "5300M" is a model number), and at least
        two before a thousand ("4K" is a screen resolution)."""
        whole = self.text[c.core_start : c.core_end].split(".")[0].split(",")[0]
        return len(whole) <= 3 and (mult.factor != 1000.0 or c.value >= 10)

    def attach_unit(self, c: _Cand) -> None:
        L, text = self.L, self.text
        if c.unit_kind == "implied":
            return
        last_word = text[c.start : c.core_end].rsplit(None, 1)[-1].lower()
        linked = (
            c.multiplier is not None
            or c.rule == "figures.approx_noun"
            or last_word in L.linking_multipliers  # "deux millions d'euros"
        )
        m = L.percent.match(text, c.end)
        if m:
            c.unit, c.unit_kind, c.end = "percent", "percent", m.end()
            return
        if text.startswith("+", c.end) and not text[c.end + 1 : c.end + 2].isdigit():
            c.end += 1  # "460+ employés", "2000+ members": that many or more
            c.approximate = True
        if c.multiplier is None and c.rule == "figures.digits":
            m = L.glued_unit.match(text, c.end) or L.spaced_unit.match(text, c.end)
            if m:
                c.unit = L.unit_names[m.group().strip(_BLANKS)]
                c.unit_kind, c.end = "measure", m.end()
                return
            if text.startswith("/-", c.end):  # "3500/-": rupees or shillings, no cents
                c.unit_kind, c.end = "currency", c.end + 2
                return
        if m := L.half_after.match(text, c.end):  # "two and a half years"
            c.value += 0.5
            c.end = c.core_end = m.end()
            c.plain_int = False
        pos = c.end
        if linked:
            lk = L.link.match(text, pos)
            if lk:
                pos = lk.end()
        m = L.currency_after.match(text, pos)
        if m:
            c.unit, c.unit_kind, c.end = self.currency_code(m.group()), "currency", m.end()
            return
        m = L.currency_before.search(self.before(c.start, 8))
        if m:
            c.unit, c.unit_kind = self.currency_code(m.group()), "currency"
            c.start -= len(m.group())
            return
        if L.street_after.match(text, c.end):
            c.unit_kind = "street"
            return
        tok = self.noun_after(pos)
        if tok is None:
            p = L.partitive.match(text, c.end)
            if p:
                tok = self.noun_after(p.end())
        if tok is not None and not self.is_month(tok):
            c.unit, c.unit_kind = self.unit_lemma(tok), "noun"
            c.plural_noun = "Plur" in tok.morph.get("Number") or (
                tok.text.lower().endswith(("s", "x")) and c.unit != tok.text.lower()
            )
            c.end = tok.idx + len(tok.text)
            # hyphenated compounds split by the tokenizer: "sages-femmes" -> "sage-femme"
            m = _HYPHEN_WORDS.match(text[c.end : c.end + 40])
            if m:
                tail = m.group().lower().replace("‐", "-").replace("‑", "-").split("-")[1:]
                if c.plural_noun:
                    tail = [_singularise(w, L.code) for w in tail]
                c.unit = "-".join([c.unit, *tail])
                c.end += m.end()
            if m := L.half_after.match(text, c.end):  # "deux ans et demi"
                c.value += 0.5
                c.end = m.end()

    def currency_code(self, surface: str) -> str:
        key = " ".join(surface.split()).lower()
        return self.L.currency_codes.get(key, key.upper())

    def noun_after(self, pos: int) -> Token | None:
        """The counted noun after a number, skipping up to three modifiers."""
        doc = self.doc
        i = self.tok_from(pos)
        skipped = 0
        first = True
        while i < len(doc):
            t = doc[i]
            if t.is_space:
                if t.text.count("\n") > 1:
                    return None
                i += 1
                continue
            if first and t.text in "-‐‑":
                first = False
                i += 1
                continue
            first = False
            if t.pos_ == "NOUN" or (t.pos_ == "PROPN" and t.text.islower()):
                return t if t.is_alpha or "-" in t.text or "'" in t.text else None
            modifier = (
                t.pos_ in ("ADJ", "ADV")
                or (t.pos_ in ("VERB", "AUX") and "Part" in t.morph.get("VerbForm"))
                # a participle that the tagger read as a past tense: "one targeted village"
                or (skipped == 0 and t.tag_ == "VBD" and t.text.endswith("ed"))
                or (t.pos_ == "PROPN" and (t.ent_type_ == "NORP" or t.tag_ == "JJ"))
            )
            if not modifier or skipped >= 3:
                return None
            skipped += 1
            i += 1
        return None

    def unit_lemma(self, tok: Token) -> str:
        """spaCy's lemma, guarded against its slips by a regular-plural singulariser."""
        L = self.L
        low = tok.text.lower()
        if low in L.irregular:
            return L.irregular[low]
        if low in L.invariable:
            return low
        lemma = tok.lemma_.lower()
        if lemma in L.irregular:
            return L.irregular[lemma]
        plural = "Plur" in tok.morph.get("Number")
        if L.code == "fr" and low.endswith("s") and lemma not in (low, low[:-1]):
            # a French plural in -s has its singular one letter shorter; the lookup table
            # sometimes answers with another word ("parties" -> "party")
            return _singularise(low, L.code)
        n = min(3, len(lemma), len(low))
        shares_stem = bool(lemma) and lemma[:n] == low[:n]
        odd = not shares_stem or not _WORDLIKE.fullmatch(lemma)
        if odd or (lemma == low and (plural or low.endswith("s"))):
            return _singularise(low, L.code)
        return lemma

    # ---- ranges
    def merge_ranges(self, cands: list[_Cand]) -> list[_Cand]:
        out: list[_Cand] = []
        i = 0
        while i < len(cands):
            a = cands[i]
            b = cands[i + 1] if i + 1 < len(cands) else None
            merged = self.try_range(a, b) if b is not None else None
            if merged is not None:
                out.append(merged)
                i += 2
            else:
                out.append(a)
                i += 1
        return out

    def try_range(self, a: _Cand, b: _Cand) -> _Cand | None:
        if b.start < a.end or b.start - a.end > 12 or a.upper is not None:
            return None
        if a.rule == "figures.approx_noun" or b.rule == "figures.approx_noun":
            return None
        if a.unit is not None and a.unit != b.unit:
            return None
        gap = self.text[a.end : b.start]
        start = a.start
        opener = None
        for op, mid in self.L.range_pairs:
            o = op.search(self.before(a.start, 20))
            if o and mid.fullmatch(gap):
                opener = o
                break
        if opener is None and not self.L.range_mid.fullmatch(gap):
            return None
        low = a.value
        if a.multiplier is None and b.multiplier is not None and low * b.multiplier <= b.value:
            low *= b.multiplier
        if not low < b.value:
            return None
        if opener is not None:
            start -= len(opener.group())
        return _Cand(
            start,
            b.end,
            a.core_start,
            b.core_end,
            low,
            "figures.range",
            approximate=a.approximate or b.approximate,
            upper=b.value,
            unit=b.unit or a.unit,
            unit_kind=b.unit_kind or a.unit_kind,
            plural_noun=b.plural_noun,
            plain_int=a.plain_int and b.plain_int,
            parts=[a, b],
        )

    # ---- rejection of numbers that are not figures
    def is_year_like(self, c: _Cand) -> bool:
        parts = c.parts or [c]
        return all(
            p.plain_int
            and len(self.text[p.core_start : p.core_end]) == 4
            and 1900 <= p.value <= 2100
            for p in parts
        )

    def rejection(self, c: _Cand) -> str | None:
        """The name of the rule that says this candidate is no figure, or None if it is one."""
        L, text = self.L, self.text
        core = text[c.core_start : c.core_end]
        before = self.before(c.core_start, 30)
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
        if label and not self.label_is_verb(c.core_start - len(label.group())):
            return "figures.reject.label"
        wide = self.before(c.core_start, 80)
        if c.unit is None and "(" in wide and _CITATION.search(wide):
            return "figures.reject.citation_page"  # "(Dupont, 2010, 12)"
        nxt = self.next_token(c.core_end)
        prv = self.prev_token(c.core_start)
        if c.unit_kind != "noun" and self.is_month(nxt):
            return "figures.reject.date_part"  # "13 octobre": a date
        if c.unit is None and self.is_month(prv):
            return "figures.reject.date_part"  # "April 20"
        if L.time_after.match(text, c.core_end) and c.unit_kind not in ("currency", "percent"):
            return "figures.reject.time"  # "14 h 30", "3 pm"
        if _HOURS_BEFORE.search(before):
            return "figures.reject.time"  # the minutes of "14 h 30"
        if L.time_words_after.match(text, c.core_end) and L.time_before.search(before):
            return "figures.reject.time"  # "à 14 heures"
        if self.is_year_like(c):
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
        if (
            digits
            and c.plain_int
            and len(core) <= 2
            and self.acronym_before(c.core_start)
            and not (nxt is not None and nxt.is_upper and len(nxt) > 1)
        ):
            return "figures.reject.acronym_label"  # "HTML 5", "CP 1", "DPT 3", "COP 21"
        # "Windows 10", "Agenda 21 framework": a number inside a name; a plural noun or a
        # currency after it still makes a count ("Kinshasa 250 élèves"), and so do an amount
        # with thousands groups ("GST 133,000") and the first cell of a row of numbers
        weak_unit = c.unit is None or (c.unit_kind == "noun" and not c.plural_noun)
        if (
            digits
            and weak_unit
            and not c.grouped
            and c.multiplier is None
            and not _NUMBER_NEXT.match(after)
            and self.name_like(prv)
        ):
            return "figures.reject.in_name"
        return None

    def acronym_before(self, pos: int) -> bool:
        """An acronym right before (one blank between): "HTML 5", "CP 1"."""
        m = _ACRONYM_BEFORE.search(self.text, max(0, pos - 8), pos)
        return m is not None

    def label_is_verb(self, pos: int) -> bool:
        tok = self.next_token(pos)
        return tok is not None and tok.pos_ in ("VERB", "AUX") and tok.is_alpha

    def name_like(self, prv: Token | None) -> bool:
        if prv is None or not prv.is_alpha:
            return False
        if not (prv.is_title or (prv.is_upper and len(prv) > 1)):
            return False
        return not _SENTENCE_END.search(self.before(prv.idx, 10))

    # ---- cues around the figure
    def extend_cues(self, c: _Cand, min_start: int) -> None:
        m = self.L.approx_before.search(self.before(c.start, 40))
        if m and c.start - len(m.group()) >= min_start:
            c.start -= len(m.group())
            c.approximate = True
        m = self.L.approx_after.match(self.text, c.end)
        if m:
            c.end = m.end()
            c.approximate = True

    def run(self) -> list[FigureMatch]:
        L, words = self.L, self.words
        if words is None:  # digits: every finder
            cores = self.approx_cores() + self.digit_cores() + self.word_cores()
        else:  # words only: the finders whose first words the paragraph has
            cores = self.approx_cores() if not words.isdisjoint(L.approx_words) else []
            if not words.isdisjoint(L.number_words):
                cores += self.word_cores()
        low = self.text.lower()
        if "/" in low or any(w in low for w in L.fraction_hint):
            cores += self.fraction_cores()
        for c in cores:
            self.attach_multiplier(c)
        cores.sort(key=lambda c: (c.start, -(c.end - c.start)))
        kept: list[_Cand] = []
        for c in cores:
            if kept and c.start < kept[-1].end:
                continue
            kept.append(c)
        for c in kept:
            self.attach_unit(c)
        cands = self.merge_ranges(kept)
        out: list[FigureMatch] = []
        last_end = 0
        for c in cands:
            if c.start < last_end:
                continue  # e.g. "cent" already read as the unit of "20 pour cent"
            reason = self.rejection(c)
            if reason is not None:
                if self.debug:
                    log.debug("%s rejected: %r", reason, self.text[c.start : c.end])
                continue
            self.extend_cues(c, last_end)
            last_end = c.end
            if self.debug:
                log.debug("%s fired: %r", c.rule, self.text[c.start : c.end])
            out.append(
                FigureMatch(
                    start=c.start,
                    end=c.end,
                    text=self.text[c.start : c.end],
                    value=c.value,
                    upper=c.upper,
                    unit=c.unit,
                    approximate=c.approximate,
                    rule=c.rule,
                )
            )
        return out


def _singularise(word: str, lang: str) -> str:
    """Regular plurals only: a fallback for the lemmatiser's slips, not a morphology."""
    if lang == "fr":
        if word.endswith(("eaux", "eux", "oux")):
            return word[:-1]
        if word.endswith("aux") and len(word) > 4:
            return word[:-3] + "al"
        if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
            return word[:-1]
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _may_have_figures(text: str, lang: _Lang) -> tuple[bool, frozenset[str] | None]:
    """Whether a paragraph has a digit or a number word (if not, it has no figure), and,
    when it has no digit, its words: the matcher then runs only the finders whose words
    it has.

    Cheapest first: a digit, then whether any word of the paragraph can start a
    number phrase (a set lookup), and only then the number-word regex, which
    tries every position of the paragraph.
    """
    if _DIGIT.search(text):
        return True, None
    words = frozenset(_WORD_RUN.findall(text.lower()))
    if lang.precheck_words is not None and lang.precheck_words.isdisjoint(words):
        return False, words
    return lang.precheck.search(text) is not None, words


def needs_tagging(text: str, language: str) -> bool:
    """Whether `find_figures` may read parts of speech, morphology or lemmas for `text`.

    Where this is False, find_figures returns no figure without looking at the doc's
    tags, so the caller may run the model without its tagging components (see
    pipeline.extract). `text` is the string the doc is made from.
    """
    return _may_have_figures(text, _lang("fr" if language == "fr" else "en"))[0]


def find_figures(
    doc: Doc, language: str, exclude: Sequence[tuple[int, int]] = (), text: str | None = None
) -> list[FigureMatch]:
    """Figures of a paragraph parsed by spaCy (parser not needed).

    language is "fr" or "en" (anything else is read as English). `exclude` are char spans
    (e.g. recognised dates) whose numbers are not figures. `text` is the paragraph as written,
    of the same length as ``doc.text`` (the model may have read it with typographic spaces and
    apostrophes made plain): its no-break spaces tell a grouped "1 250" from two table cells,
    and ``doc.text`` rebuilds the string token by token, which costs more than most
    paragraphs' rules. Non-overlapping, sorted by start.
    """
    lang = _lang("fr" if language == "fr" else "en")
    if text is None:
        text = doc.text
    maybe, words = _may_have_figures(text, lang)
    if not maybe:
        return []
    return _Matcher(doc, text, lang, exclude, words).run()
