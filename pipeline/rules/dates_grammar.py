"""The dates rule's grammar: month and weekday vocabularies compiled into patterns.

Part of the dates rule (``dates.py`` finds dates with these patterns; ``dates_values.py``
turns a match into a date). A pattern is added in ``_Grammar._build`` (the list ``pats``);
the words come from ``data/dates/*.json``. The names that start with an underscore are
shared by the dates modules only.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..text import alternation, fold_case
from .dates_values import (
    _APOS,
    _v_day,
    _v_day_range,
    _v_decade,
    _v_iso,
    _v_month,
    _v_month_range,
    _v_numeric,
    _v_numeric_month,
    _v_numeric_range,
    _v_year_month_day,
    _v_year_range,
    _v_year_range_short,
)

_DATA_DIR = Path(__file__).parent / "data" / "dates"
_LANGS = ("fr", "en")

# --------------------------------------------------------------------------- building blocks

_SP = r"[^\S\n]"  # inline whitespace, including no-break and narrow no-break spaces
_S = rf"(?:{_SP}+\n?{_SP}*|\n{_SP}*)"  # at least one space, at most one line break
_OS = rf"(?:{_S})?"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH = f"[{_DASHES}]"
# A number starting a date must not continue another number, a URL path, a phone number...
_NUM_LEFT = rf"(?=\d)(?<![\w./:+,{_DASHES}])"
_NUM_RIGHT = rf"(?!\w|[./:,{_DASHES}]\d)"

# Small patterns used by the context checks (compiled once).
_NEXT_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['\u2019\u02bc])?|\S")
_WORD_AFTER_RE = re.compile(r"[^\S\n]+([^\W\d_][\w'\u2019\-]*)")


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of vocabulary entries, the longest where several fit, tolerant of
    spaces (one line break), apostrophes and dashes."""
    return alternation(
        (fold_case(w) for w in words), blank=_S, apostrophe=_APOS, hyphen=f"[{_DASHES}\\s]"
    )


@functools.cache
def _load(name: str) -> dict:
    with open(_DATA_DIR / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class _MonthReq:
    month: int
    need_capital: bool
    need_dot: bool
    lang: str


class _Grammar:
    """Compiled patterns and vocabularies for one set of languages."""

    def __init__(self, langs: tuple[str, ...]) -> None:
        self.langs = langs
        data = [_load(lang) for lang in langs]
        common = _load("common")

        def merged(field: str) -> list[str]:
            return [w for d in data for w in d.get(field, [])]

        self.month_reqs: dict[str, list[_MonthReq]] = {}
        abbrevs: set[str] = set()
        for lang, d in zip(langs, data, strict=True):
            english = lang == "en"
            for w, m in d["months"].items():
                self.month_reqs.setdefault(fold_case(w), []).append(
                    _MonthReq(m, english, False, lang)
                )
            for w, m in d["month_abbreviations"].items():
                abbrevs.add(fold_case(w))
                self.month_reqs.setdefault(fold_case(w), []).append(
                    _MonthReq(m, english, not english, lang)
                )
        month_alts = []
        for w in sorted(self.month_reqs, key=len, reverse=True):
            esc = re.escape(w)
            month_alts.append(esc + (r"\.?" if w in abbrevs else ""))
        self._month_alt = "|".join(month_alts)
        initials = sorted({w[0] for w in self.month_reqs} | {w[0].upper() for w in self.month_reqs})
        self._month_first = "[" + re.escape("".join(initials)) + "]"
        self._weekday_alt = _alt(merged("weekdays"))
        # Weekday lists are Monday first, like datetime.date.weekday().
        self.weekday_index = {fold_case(w): i for d in data for i, w in enumerate(d["weekdays"])}
        self.weekday_re = re.compile(rf"(?<!\w)(?:{self._weekday_alt})(?!\w)", re.IGNORECASE)
        self._ord_alt = _alt(merged("ordinal_suffixes"))
        self.follow_words = {fold_case(w) for w in merged("follow_words")}
        self.units = {fold_case(w) for w in common["amount_units"]}
        symbols = "".join(re.escape(c) for c in common["currency_symbols"])
        self.range_and_cues = {fold_case(w) for w in merged("range_and_cues")}
        self.decade_words = {
            fold_case(w): v for d in data for w, v in d.get("decade_words", {}).items()
        }

        flags = re.IGNORECASE
        # A nominal cue may be a label: "Année : 2021", "Year: 2021".
        colon = rf"(?:{_SP}*:)?{_S}"
        self.year_cue_re = re.compile(rf"(?<!\w)(?:{_alt(merged('year_cues'))}){colon}\Z", flags)
        head_mods = _alt(merged("year_head_modifiers"))
        self.year_head_re = re.compile(
            rf"(?<!\w)(?:{_alt(merged('year_heads'))})(?:{_S}(?:{head_mods})){{0,3}}{colon}\Z",
            flags,
        )
        self.year_head_of_re = re.compile(
            rf"(?<!\w)(?:{_alt(merged('year_head_definite'))}){_OS}(?:{_alt(merged('year_heads'))})"
            rf"(?:{_S}(?:{head_mods})){{0,3}}{_S}(?:de|of){_S}\Z",
            flags,
        )
        self.year_event_of_re = re.compile(  # "la crise financière de 2008", "the war of 1812"
            rf"(?<!\w)(?:{_alt(merged('year_event_heads'))})"
            rf"(?:{_S}(?:{head_mods})){{0,3}}{_S}(?:de|of){_S}\Z",
            flags,
        )
        self.copyright_re = re.compile(
            rf"(?<!\w)(?:{_alt(common['copyright_cues'])}){_OS}\Z", flags
        )
        self.year_det_re = re.compile(
            rf"(?<!\w)(?:{_alt(merged('year_determiners'))}){_S}\Z", flags
        )
        self.dated_plurals = {fold_case(w) for w in merged("dated_plurals")}
        self.plurals_without_s = {fold_case(w) for w in merged("plurals_without_s")}
        self.year_mod_re = re.compile(
            rf"(?<!\w)(?:{_alt(merged('year_modifiers'))})(?:{_S}|[{_DASHES}]{_OS})\Z", flags
        )
        self.count_cue_re = re.compile(
            rf"(?:(?<!\w)(?:{_alt(merged('count_cues'))})(?:{_SP}*:)?|[{symbols}]"
            rf"|(?<!\d)\d{{1,3}}[.,]?){_OS}\Z",
            flags,
        )
        self.dateline_cue_re = re.compile(
            rf"(?<!\w)(?:{_alt(merged('dateline_cues'))})\s*:?\s*\Z", flags
        )
        joiner = _alt(merged("list_joiners") + common["list_joiners"])
        self.enum_re = re.compile(rf"(\d{{4}})(?:{_OS},{_OS}|{_S}(?:{joiner}){_S})\Z", flags)
        conn_alt = _alt(merged("range_connectors"))
        and_alt = _alt(merged("range_and"))
        self.failed_range_re = re.compile(
            rf"^(?:{_OS}{_DASH}{_OS}|{_S}(?:{conn_alt}){_S})\d", flags
        )
        self.patterns = self._build(merged, conn_alt, and_alt)
        # What may join two dates into a range ("3/Mar/2021 – 30/Nov/2021", "April – 2019 to
        # March – 2020", "Summer 1994 to summer 1995").
        self.range_gap_re = re.compile(
            rf"(?:{_SP}*{_DASH}{_OS}|{_S}(?P<cw>{conn_alt}){_S}|{_S}(?P<cand>{and_alt}){_S})",
            flags,
        )
        # Months listed before a month and year share its year: "en mars et novembre 2025".
        self.month_list_re = re.compile(
            rf"(?<![^\W\d_])(?:(?:{self._month_alt})"
            rf"(?:{_OS},{_OS}|{_S}(?:{joiner}){_S}))+\Z",
            flags,
        )
        # Cheap pre-scans: most paragraphs have no month name and no decade, so the patterns
        # that need one are skipped there.
        self.month_scan_re = re.compile(
            rf"(?={self._month_first})(?<![^\W\d_])(?:{self._month_alt})(?![^\W\d_])", flags
        )
        self.needs = [
            "decade" if rule == "dates.decade" else "month" if "(?P<mo1>" in p.pattern else ""
            for rule, p, _, _ in self.patterns
        ]
        # Where each pattern can start: at a digit or at a month name (both found once per
        # text, then each pattern is tried only there), or anywhere (decades).
        self.starts = [
            "digit"
            if p.pattern.startswith(_NUM_LEFT)
            else "month"
            if p.pattern.startswith("(?P<mo1>")
            else "any"
            for _, p, _, _ in self.patterns
        ]

    # -- pattern construction -------------------------------------------------------------
    def _month(self, i: int) -> str:
        return rf"(?P<mo{i}>(?={self._month_first})(?<![^\W\d_])(?:{self._month_alt})(?![^\W\d_]))"

    def _day(self, i: int) -> str:
        return rf"(?P<d{i}>3[01]|[12]\d|0?[1-9])(?:{self._ord_alt})?(?!\w)"

    @staticmethod
    def _year(i: int) -> str:
        return rf"(?P<y{i}>\d{{4}})(?!\d)"

    def _build(self, merged: Callable[[str], list[str]], conn_alt: str, and_alt: str):
        # Patterns start at the first digit or month name, which keeps the regex engine fast;
        # a weekday, "le"/"the" or a range cue ("du", "entre", "from") before a match is added
        # afterwards by looking back (see _extend_left).
        wd = rf"(?:(?<!\w)(?:{self._weekday_alt})\.?,?{_S})?"
        the = rf"(?:(?:le|the){_S})?"
        of = rf"(?:of{_S})?"
        self.left_cue_re = re.compile(
            rf"(?:(?<!\w)(?P<cue>{_alt(merged('range_start_cues'))}){_S}|(?<!\w)(?P<el>d){_APOS})"
            rf"(?:(?:le|the){_S})?\Z",
            re.IGNORECASE,
        )
        self.left_weekday_re = re.compile(
            rf"(?<!\w)(?:{self._weekday_alt})\.?,?{_S}\Z", re.IGNORECASE
        )
        # A line break may follow a dash (hyphenation, "2007-\n2010") but not precede it: a dash
        # at the start of a line is a list bullet.
        conn = (
            rf"(?:{_SP}*(?P<dash>{_DASH}){_OS}|{_S}(?P<cw>{conn_alt}){_S}"
            rf"|{_S}(?P<cand>{and_alt}){_S})"
        )
        conn_y = (
            rf"(?:{_SP}*(?P<dash>{_DASH}|/){_OS}|{_S}(?P<cw>{conn_alt}){_S}"
            rf"|{_S}(?P<cand>{and_alt}){_S})"
        )
        m1, m2 = self._month(1), self._month(2)
        d1, d2 = self._day(1), self._day(2)
        y1, y2 = self._year(1), self._year(2)
        left = _NUM_LEFT

        def num(i: int) -> str:
            return (
                rf"{_NUM_LEFT}(?P<a{i}>\d{{1,2}})(?P<s{i}>[/.{_DASHES}])(?P<b{i}>\d{{1,2}})"
                rf"(?P=s{i})(?P<y{i}>\d{{4}}|\d{{2}}){_NUM_RIGHT}"
            )

        f = re.IGNORECASE
        rng, one = "range", "single"
        pats: list[tuple[str, re.Pattern, Callable, str]] = [
            (
                "dates.year_range",
                re.compile(rf"{left}{y1}{conn_y}{y2}{_NUM_RIGHT}", f),
                _v_year_range,
                rng,
            ),
            (
                # "2020/21", "2019-20", "2011-13": the second year by its last two digits
                "dates.year_range_short",
                re.compile(rf"{left}{y1}(?P<dash>[/{_DASHES}])(?P<y2s>\d{{2}}){_NUM_RIGHT}"),
                _v_year_range_short,
                rng,
            ),
            (
                "dates.month_range",
                re.compile(rf"{m1}(?:{_S}{y1})?{conn_y}{m2}(?:{_S}(?:of|de){_S}|,?{_S}){y2}", f),
                _v_month_range,
                rng,
            ),
            (
                "dates.day_range",
                re.compile(
                    rf"{left}{d1}(?:{_S}{of}{m1}(?:,?{_S}{y1})?)?{conn}{the}{wd}"
                    rf"{d2}{_S}{of}{m2}(?:,?{_S}{y2})?",
                    f,
                ),
                _v_day_range,
                rng,
            ),
            (
                "dates.numeric_range",
                re.compile(rf"{num(1)}{conn}{num(2)}", f),
                _v_numeric_range,
                rng,
            ),
            (
                "dates.day_month_year",
                re.compile(rf"{left}{d1}{_S}{of}{m1}(?:(?P<comma>,)?{_S}{y1})?", f),
                _v_day,
                one,
            ),
            ("dates.numeric", re.compile(num(1), f), _v_numeric, one),
            (
                # "07 /21/ 2023": slashes with blanks around them (four-digit years only)
                "dates.numeric_spaced",
                re.compile(
                    rf"{_NUM_LEFT}(?P<a1>\d{{1,2}}){_SP}*(?P<s1>/){_SP}*(?P<b1>\d{{1,2}})"
                    rf"{_SP}*/{_SP}*(?P<y1>\d{{4}}){_NUM_RIGHT}"
                ),
                _v_numeric,
                one,
            ),
            (
                # "03/Mar/2021", "12-janv.-2022", "15-March-2019"
                "dates.day_month_year_separated",
                re.compile(rf"{left}{d1}(?P<sep>[/{_DASHES}]){m1}(?P=sep){y1}", f),
                _v_day,
                one,
            ),
            (
                # "2022 Mar 02" (year first, as in logs and some English styles)
                "dates.year_month_day",
                re.compile(rf"{left}{y1}{_S}{m1}{_S}{d1}", f),
                _v_year_month_day,
                one,
            ),
            (
                "dates.iso",
                re.compile(
                    rf"{_NUM_LEFT}(?P<y1>\d{{4}})(?P<s1>[-/.])(?P<b1>\d{{1,2}})(?P=s1)"
                    rf"(?P<a1>\d{{1,2}}){_NUM_RIGHT}"
                ),
                _v_iso,
                one,
            ),
            (
                "dates.month_year",
                re.compile(rf"{m1}(?:{_S}(?:of|de){_S}|(?P<comma>,)?{_S}){y1}", f),
                _v_month,
                one,
            ),
            (
                # "Jan-2020", "April – 2019", "Mar/2021"
                "dates.month_year_separated",
                re.compile(rf"{m1}{_SP}*[/{_DASHES}]{_SP}*{y1}", f),
                _v_month,
                one,
            ),
            (
                "dates.numeric_month_year",
                re.compile(rf"{_NUM_LEFT}(?P<b1>0[1-9]|1[0-2])/(?P<y1>\d{{4}}){_NUM_RIGHT}"),
                _v_numeric_month,
                one,
            ),
        ]
        if "en" in self.langs:  # month-first order is English only
            pats += [
                (
                    "dates.month_day_range",
                    re.compile(
                        rf"{m1}{_S}{d1}(?:,?{_S}{y1})?{conn}(?:{m2}{_S})?{d2}(?:,?{_S}{y2})?", f
                    ),
                    _v_day_range,
                    rng,
                ),
                (
                    "dates.month_day_year",
                    re.compile(rf"{m1}{_S}{d1}(?:,?{_S}{y1})?", f),
                    _v_day,
                    one,
                ),
            ]
        # decades
        dec_words = _alt(self.decade_words) or "(?!)"
        if "fr" in self.langs:
            fr = _load("fr")
            pats.append(
                (
                    "dates.decade",
                    re.compile(
                        rf"(?<!\w)(?:(?:{_alt(fr['decade_modifiers'])}){_S})?"
                        rf"{_alt([fr['decade_word']])}"
                        rf"{_S}(?:(?P<cent>19|20)?(?P<dec>\d)0|(?P<word>{dec_words}))(?!\w)",
                        f,
                    ),
                    _v_decade,
                    one,
                )
            )
        if "en" in self.langs:
            en = _load("en")
            mods = rf"(?:(?:{_alt(en['decade_modifiers'])})(?:[{_DASHES}]|{_S}))?"
            pats += [
                (
                    "dates.decade",
                    re.compile(
                        rf"(?<![\w'\u2019]){mods}"
                        rf"(?:(?P<cent>1[5-9]|20)(?P<dec>\d)0|{_APOS}(?P<dec2>\d)0)"
                        rf"{_APOS}?s(?!\w)",
                        f,
                    ),
                    _v_decade,
                    one,
                ),
                (
                    "dates.decade",
                    re.compile(
                        rf"(?<!\w)the{_S}{mods}"
                        rf"(?:(?P<dec3>\d)0{_APOS}?s|(?P<word>{dec_words}))(?!\w)",
                        f,
                    ),
                    _v_decade,
                    one,
                ),
            ]
        # A bare year may follow a hyphen after a word ("mi-2015"), not after a number.
        self.year_re = re.compile(
            rf"(?=\d)(?<![\w./:+,])(?<!\d[{_DASHES}])(?P<y>1[89]\d\d|20\d\d|2100){_NUM_RIGHT}"
        )
        return pats

    # -- helpers used by validators -------------------------------------------------------
    def month_value(self, token: str | None, lang: str | None = None) -> int | None:
        """The month a token names, under its language's spelling rules; `lang` restricts
        the vocabulary (month-first dates, "May 25", are English only)."""
        if not token:
            return None
        k = fold_case(token).rstrip(".")
        for req in self.month_reqs.get(k, ()):
            if lang is not None and req.lang != lang:
                continue
            if req.need_capital and not token[0].isupper():
                continue
            if req.need_dot and not token.endswith("."):
                continue
            return req.month
        return None

    def follows_ok(self, text: str, end: int) -> bool:
        """True when what follows a number lets it be a year rather than a count or amount."""
        rest = text[end : end + 40]
        stripped = rest.lstrip(" \t\u00a0\u202f\u2009")
        if not stripped or stripped[0] == "\n":
            return True
        tok = _NEXT_TOKEN_RE.match(stripped)
        assert tok is not None
        word = tok.group(0)
        k = fold_case(word).rstrip("'")
        if k in self.units or fold_case(word) in self.units:
            return False
        if not word[0].isalpha():
            return not word.isdigit()
        if word[0].isupper():
            return True
        if "'" in fold_case(word):
            return True  # elided article or pronoun: l', d', qu'...
        return fold_case(word) in self.follow_words

    def not_counted(self, text: str, end: int) -> bool:
        """True unless the word after a number is a unit or looks like a counted plural: after
        a noun that names a dated thing, a verb may follow the year ("le rapport 2021
        détaille...", "Census 2011 results")."""
        m = _WORD_AFTER_RE.match(text, end)
        if m is None:
            return False
        w = fold_case(m.group(1))
        if w in self.units:
            return False
        return w in self.dated_plurals or not self._looks_plural(w)

    def _looks_plural(self, w: str) -> bool:
        return w in self.plurals_without_s or (
            w.endswith("s") and not w.endswith(("ss", "us", "is")) and w not in self.follow_words
        )

    def modifies_singular_noun(self, text: str, end: int) -> bool:
        """True when a number is followed by a singular noun phrase ("2016 census", "2021
        beneficiary list"): a count above one takes a plural ("2000 volunteers"), so the number
        is a year used as a modifier. Nouns in the plural that name dated events ("the 2020
        elections") count as singular here."""
        pos, words = end, 0
        for _ in range(3):
            m = _WORD_AFTER_RE.match(text, pos)
            if m is None:
                break
            w = fold_case(m.group(1))
            if w in self.units:
                return False
            if w in self.dated_plurals:
                return True
            if w in self.follow_words:
                break  # a function word ends the noun phrase
            if self._looks_plural(w):
                return False
            words += 1
            pos = m.end()
        return words > 0

    def unit_follows(self, text: str, end: int) -> bool:
        stripped = text[end : end + 20].lstrip(" \t\u00a0\u202f\u2009")
        tok = _NEXT_TOKEN_RE.match(stripped)
        return bool(tok) and fold_case(tok.group(0)).rstrip("'") in self.units


@functools.cache
def _grammar(langs: tuple[str, ...]) -> _Grammar:
    return _Grammar(langs)


def _langs(language: str) -> tuple[str, ...]:
    """Both vocabularies whatever the language: pages quote dates in the other language
    ("signé le 12 mars 2021" in an English report), and each vocabulary keeps its own
    spelling rules (capitalised English months, French abbreviations with their full stop)."""
    return _LANGS


# --------------------------------------------------------------------------- value helpers
