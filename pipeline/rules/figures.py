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
``RULES_VERSION``, a hash of the rule's modules (this one, ``figures_vocab.py``: the
vocabularies, ``figures_reject.py``: the rejections) and its data, and the debug log says which
rule fired or refused which span. docs/rules-dates-figures.md lists them with their limits.

All vocabularies live in ``data/figures/`` (per-language and common JSON, currencies and units
TSV) and are compiled once per language; a cheap pre-check returns early on paragraphs with no
digit and no number word, and a paragraph without digits runs only the finders whose words it
has, since this runs on every paragraph of large corpora.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from text_to_num import text2num

from ..config import code_version
from .figures_reject import _blocked_spans, rejection
from .figures_vocab import (
    _BLANKS,
    _DATA_DIR,
    _GROUP_SP,
    _LETTER,
    _SP,
    _Lang,
    _lang,
    _may_have_figures,
    _Multiplier,
)

if TYPE_CHECKING:  # spaCy itself is imported where the model loads: a re-run with
    # nothing to do never needs it
    from spacy.tokens import Doc, Token

# The files of the figures rule: this module, its vocabularies and rejections, what the lines
# around a number show (figures_lines.py, called by the extract stage), the text helpers they
# call and its data.
SOURCES = (
    Path(__file__),
    Path(__file__).parent / "figures_vocab.py",
    Path(__file__).parent / "figures_reject.py",
    Path(__file__).parent / "figures_lines.py",
    Path(__file__).parent.parent / "text.py",
    _DATA_DIR,
)
# The version in every figure mention's extractor column: a hash of the rule's code and data.
RULES_VERSION = code_version(*SOURCES)

log = logging.getLogger(__name__)


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


# A number with thousands groups or a decimal comma is an amount ("133,000", "3 400,00").
_GROUPED = re.compile(r"\d[ \u00a0\u202f\u2009,.]\d{3}(?!\d)|,\d")
# compiled once: these run for every candidate
_GROUP_SP_RE = re.compile(_GROUP_SP)
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_GROUPS_2 = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_HYPHEN_WORD = re.compile(r"-(" + _LETTER + r"+)")
_HYPHEN_WORDS = re.compile(r"(?:[-‐‑]" + _LETTER + r"+)+")
_DIGIT_BEFORE = re.compile(r"\d" + _SP + r"*\Z")
_WORDLIKE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_DIGIT_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,2})/(\d{1,2})(?![\d/])")
# "1/16 inch": a larger denominator is a score or a share ("23/43 membres")
_MAX_DENOMINATOR = 16
# the whole number of "1 1/2 cups"
_WHOLE_BEFORE = re.compile(r"(?<![\w.,/])(\d{1,3})[ \u00a0]\Z")
# The rejections that say a number belongs to a name; the numbers listed after it do too.
_NAME_REJECTIONS = frozenset({"figures.reject.in_name", "figures.reject.acronym_label"})


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
        lemma_of: Callable[[Token], str] | None = None,
    ) -> None:
        self.doc = doc
        self.text = text
        self.L = lang
        self.lemma_of = lemma_of or _token_lemma
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
        if tail and tail.group(1).lower().endswith(L.hyphen_tails):
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
                        cand.value = _scale(cand.value, v2)
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
        # start, end, share, written in digits, the whole number before ("1 1/2")
        found: list[tuple[int, int, float, bool, re.Match[str] | None]] = []
        for m in L.fraction.finditer(text):
            s, e = m.span()
            share = L.fraction_values[m.group().lower()]
            if num := L.fraction_numerator.search(text, max(0, s - 25), s):
                s = num.start()
                with contextlib.suppress(ValueError):  # an article: "la moitié", "a quarter"
                    share *= float(text2num(num.group().strip(" -\t\n").lower(), L.code))
            elif self.before(s, 12).rstrip()[-1:].isalpha():
                continue  # "the second half", "en quart de finale": an ordinal, a word
            found.append((s, e, share, False, None))
        if "/" in text:
            for m in _DIGIT_FRACTION.finditer(text):
                share = int(m.group(1)) / int(m.group(2))
                if 0 < share < 1 and int(m.group(2)) <= _MAX_DENOMINATOR:
                    whole = _WHOLE_BEFORE.search(text, max(0, m.start() - 5), m.start())
                    found.append((m.start(), m.end(), share, True, whole))
        for s, e, share, digits, whole in found:
            if self.blocked_at(s, e):
                continue
            if lk := L.fraction_article_link.match(text, e):
                cand = _Cand(s, e, s, e, share * 100, "figures.fraction", unit="percent")
            elif lk := L.fraction_unit_link.match(text, e):
                unit = _singularise(lk.group("unit").lower(), L.code)
                cand = _Cand(s, lk.end(), s, lk.end(), share, "figures.fraction", unit=unit)
            elif (
                digits
                and text[e : e + 1].isspace()
                and (tok := self.noun_after(e)) is not None
                and (whole is not None or "Plur" not in tok.morph.get("Number"))
            ):
                # digits before what they measure: "1/2 teaspoon", "1 1/2 cups", "3/4 litre";
                # before a plural "15/20 lignes", "23/43 membres" are a range, a share
                if whole is not None:
                    s, share = whole.start(), share + int(whole.group(1))
                end = tok.idx + len(tok.text)
                cand = _Cand(s, end, s, end, share, "figures.fraction", unit=self.unit_lemma(tok))
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
            c.value = _scale(c.value, mult.factor)
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
        if c.multiplier is None and L.street_after.match(text, c.end):
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
        lemma = self.lemma_of(tok).lower()
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
            low = _scale(low, b.multiplier)
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

    def listed_with_name(self, c: _Cand, name_end: int) -> bool:
        """Whether `c` continues a list of numbers that started inside a name: only a comma,
        "and"/"et"/"or"/"ou" between, and nothing counted after it."""
        return (
            c.rule == "figures.digits"
            and c.multiplier is None
            and not c.grouped
            and (c.unit is None or (c.unit_kind == "noun" and not c.plural_noun))
            and self.L.name_list_gap.fullmatch(self.text, name_end, c.core_start) is not None
        )

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
        name_end = -1  # end of the last number read as part of a name ("Windows 10")
        for c in cands:
            if c.start < last_end:
                continue  # e.g. "cent" already read as the unit of "20 pour cent"
            reason = rejection(self, c)
            if reason is None and name_end >= 0 and self.listed_with_name(c, name_end):
                reason = "figures.reject.in_name"  # "Windows 10, 8.1 and 7", "Linux 7 et 6"
            name_end = c.core_end if reason in _NAME_REJECTIONS else -1
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


def _scale(value: float, factor: float) -> float:
    """value * factor in decimal: "16.6 million" is 16600000, not 16600000.000000002."""
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


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


def needs_tagging(text: str, language: str) -> bool:
    """Whether `find_figures` may read parts of speech, morphology or lemmas for `text`.

    Where this is False, find_figures returns no figure without looking at the doc's
    tags, so the caller may run the model without its tagging components (see
    pipeline.extract). `text` is the string the doc is made from.
    """
    return _may_have_figures(text, _lang("fr" if language == "fr" else "en"))[0]


def _token_lemma(tok: Token) -> str:
    return tok.lemma_


def find_figures(
    doc: Doc,
    language: str,
    exclude: Sequence[tuple[int, int]] = (),
    text: str | None = None,
    lemma_of: Callable[[Token], str] | None = None,
) -> list[FigureMatch]:
    """Figures of a paragraph parsed by spaCy (parser not needed).

    language is "fr" or "en" (anything else is read as English). `exclude` are char spans
    (e.g. recognised dates) whose numbers are not figures. `text` is the paragraph as written,
    of the same length as ``doc.text`` (the model may have read it with typographic spaces and
    apostrophes made plain): its no-break spaces tell a grouped "1 250" from two table cells,
    and ``doc.text`` rebuilds the string token by token, which costs more than most
    paragraphs' rules. `lemma_of` gives a token's lemma (by default its ``lemma_``; the
    extract stage computes the few that a rule reads instead of running the lemmatizer on
    every token). Non-overlapping, sorted by start.
    """
    lang = _lang("fr" if language == "fr" else "en")
    if text is None:
        text = doc.text
    maybe, words = _may_have_figures(text, lang)
    if not maybe:
        return []
    return _Matcher(doc, text, lang, exclude, words, lemma_of).run()
