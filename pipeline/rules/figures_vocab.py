"""The figures rule's vocabularies: each language's number words and units compiled once.

Part of the figures rule (``figures.py`` reads the figures; ``figures_reject.py`` says which
numbers are none). The words live in ``data/figures/`` (per-language and common JSON,
currencies and units TSV). The names that start with an underscore are shared by the figures
modules only.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..text import alternation, phrase

_DATA_DIR = Path(__file__).parent / "data" / "figures"

_SP = r"[ \t\u00a0\u202f\u2009]"  # blanks inside a line (no newline)
_GROUP_SP = r"[ \u00a0\u202f\u2009]"  # thousands separators written as spaces
_LETTER = r"[^\W\d_]"
_BLANKS = " \t\u00a0\u202f\u2009"

# A number must not continue a word, a code or another number: not glued after a letter
# (footnote markers "étude2", "G7"), after letter+hyphen ("COVID-19"), after a decimal
# separator, a slash, a colon or "@#°" (dates, times, ratios, references, "n°12"), nor after
# letter+punctuation with no space ("durable.3", footnote calls) or a percent sign ("40 %1").
_NUM_BEFORE = r"(?<![\w@#/:°.,%‰])(?<!\d[.,])(?<!" + _LETTER + r"-)(?<!" + _LETTER + r"[.;:»”’)])"
_DIGIT = re.compile(r"\d")
_WORD_RUN = re.compile(r"\w+")


# --------------------------------------------------------------------------- vocabularies


def _cue_before(phrases: Sequence[str], quoted: bool = False) -> re.Pattern[str]:
    """End-anchored pattern: one of the phrases right before the number (then blanks); with
    `quoted`, an opening quote may stand between them ("la section « 37 »")."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        tail = r"\s*" if not p[-1].isalnum() else r"\s+"
        head = r"(?<!\w)" if p[0].isalnum() else ""
        parts.append(head + phrase(p) + tail)
    quote = r"(?:[«\"“‘]\s*)?" if quoted else ""
    return re.compile("(?:" + "|".join(parts) + r")" + quote + r"\Z", re.IGNORECASE)


def _cue_after(phrases: Sequence[str]) -> re.Pattern[str]:
    """Start-anchored pattern: blanks then one of the phrases right after the number."""
    return re.compile(r"\s+(?:" + alternation(phrases) + r")(?![^\W_])", re.IGNORECASE)


def _street_words(data: dict) -> str:
    """The street words after a house number. Where the data says so (English), only
    capitalised: "149 Main Street" is an address, "46 road junctions" and "2 million square
    kilometres" are counts."""
    words = data["street_words_after"]
    if not data.get("street_words_capitalised"):
        return r"(?i:" + alternation(words) + r")"
    title = [w[:1].upper() + w[1:] for w in words]
    return r"(?:" + alternation(title + [w.upper() for w in words]) + r")"


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
    weekdays: frozenset[str]
    contents_headings: frozenset[str]  # "sommaire", "contents"
    plural_determiners: frozenset[str]  # "nos", "our": a label that starts so is a heading
    name_list_gap: re.Pattern[str]  # ", ", " and ", ", et ": between numbers of one list
    list_hyphen_lowercase: bool  # "1-former ...": a lower-case word after the hyphen too
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
    hyphen_tails: tuple[str, ...]  # a number word then "-" and a word ending so is no count


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
    word_alt = "(?:" + alternation(words) + r")(?![^\W\d_])"
    joiners = "|".join(phrase(j) for j in data["number_joiners"])
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
    det_alt = "|".join(phrase(d) + (r"\s*" if not d[-1].isalnum() else r"\s+") for d in dets)
    approx_noun = re.compile(
        r"(?<!\w)(?P<det>(?:"
        + det_alt
        + r"))?(?P<noun>"
        + alternation(list(approx_values))
        + r")(?!\w)",
        re.IGNORECASE,
    )

    cur_rows = _currencies()
    sym_codes = [s for s, _, k in cur_rows if k in ("symbol", "code")]
    cur_words = [s for s, _, k in cur_rows if k == "word"]
    sym_alt = "|".join(re.escape(s) for s in sorted(sym_codes, key=len, reverse=True))
    sym_re = r"(?:" + sym_alt + r")(?![A-Za-z])"
    currency_after = re.compile(
        _SP + r"{0,2}(?:" + sym_re + r"|(?i:" + alternation(cur_words) + r")(?![^\W_]))"
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
        # a scale word may be joined by a hyphen ("13.8-billion-year"), a letter may not
        gap = _SP + r"?" if m.get("case") else r"(?:" + _SP + r"|-)?"
        pat = gap + re.escape(m["surface"]) + r"(?![^\W_])"
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
        phrase(w) for w in sorted(data["number_words"] + data["fraction_numerators"], key=len)[::-1]
    )
    frac_alt = alternation(list(fractions))
    mult_words = [m["surface"] for m in data["multipliers"] if not m.get("case")]

    mids = [phrase(c) for c in data["range_connectors"] if c[0].isalnum()]
    dashes = "".join(re.escape(c) for c in data["range_connectors"] if not c[0].isalnum())
    range_mid = re.compile(
        r"(?:\s*[" + dashes + r"]\s*|\s+(?:" + "|".join(mids) + r")\s+)\Z", re.IGNORECASE
    )
    pairs = tuple(
        (
            re.compile(
                r"(?<!\w)" + phrase(o) + (r"\s+" if o[-1].isalnum() else r"\s*") + r"\Z", re.I
            ),
            re.compile(r"\s+" + phrase(m) + r"\s+\Z", re.IGNORECASE),
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
    precheck = re.compile(r"(?<!\w)(?:" + alternation(all_words) + r")(?!\w)", re.IGNORECASE)
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
        link=re.compile(r"\s*(?:" + alternation(data["link_words"]) + r")(?:\s+|(?<=['’]))", re.I),
        partitive=re.compile(r"\s+(?:" + alternation(data["partitive_links"]) + r")\s+", re.I),
        percent=re.compile(
            _SP + r"?(?:%|(?i:" + alternation(data["percent_words"]) + r")(?![^\W_]))"
        ),
        currency_after=currency_after,
        currency_before=currency_before,
        currency_codes=codes,
        approx_before=_cue_before(data["approx_before"]),
        approx_after=_cue_after(data["approx_after"]),
        range_mid=range_mid,
        range_pairs=pairs,
        labels_before=_cue_before(data["labels_before"] + _common()["labels_before"], quoted=True),
        street_after=re.compile(  # "12 rue ...", "12, avenue ...", "149 Main Street"
            r"\s*,?(?:\s+[A-Z][\w'’-]*){0,3}\s*" + _street_words(data) + r"(?![^\W_])"
        ),
        temporal_before=_cue_before(data["temporal_before"] + data["months"]),
        months=frozenset(data["months"]),
        months_title_only=bool(data.get("months_title_case_only")),
        weekdays=frozenset(data["weekdays"]),
        contents_headings=frozenset(data["contents_headings"]),
        plural_determiners=frozenset(data["plural_determiners"]),
        name_list_gap=re.compile(  # a comma, a joiner or both: blanks alone separate cells
            r"[ \u00a0]*(?:,[ \u00a0]*(?:(?:" + alternation(data["list_joiners"]) + r")[ \u00a0]+)?"
            r"|(?:" + alternation(data["list_joiners"]) + r")[ \u00a0]+)"
        ),
        list_hyphen_lowercase=bool(data.get("list_hyphen_lowercase")),
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
            r"\s+(?:" + alternation(data["fraction_unit_links"]) + r")(?:\s+|(?<=['’]))"
            r"(?P<unit>" + alternation(data["fraction_units"]) + r")(?![^\W_])",
            re.IGNORECASE,
        ),
        half_after=re.compile(
            r"\s+(?:" + alternation(data["fraction_half_after"]) + r")(?![^\W_])", re.IGNORECASE
        ),
        half_multiplier=re.compile(
            r"(?<!\w)(?:" + alternation(data["half_multiplier_prefix"]) + r")\s*"
            r"(?P<mult>" + alternation(mult_words) + r")(?![^\W_])",
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
        hyphen_tails=tuple(_common()["ordinal_endings"] + _common()["fraction_endings"]),
        street_suffixes=tuple(street_suffixes),
        street_suffix_before=re.compile(
            r"(?<![^\W\d_])[A-ZÀ-ÖØ-Þ][^\W\d_]*(?i:"
            + "|".join(map(re.escape, street_suffixes))
            + r"),?"
            + _SP
            + r"+\Z"
        ),
    )


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
