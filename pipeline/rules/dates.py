"""Rule-based recognition and normalisation of calendar dates in French and English text.

Why rules: the French spaCy models have no DATE label and the English one tags durations
("22 years") and counts as dates, so the extract stage finds dates here, with regular expressions
over month/weekday vocabularies kept in ``data/dates/*.json``. Every pattern is compiled once;
``find_dates`` runs on every paragraph of large corpora, so digits and month names are found
once per paragraph and each pattern is tried only where it can start.

Every rule has a name (``DateMatch.rule``: "dates.day_month_year", "dates.year_after_noun"...)
that goes into the mention's ``extractor`` column with ``RULES_VERSION``, a hash of this module
and its data; the debug log says which rule fired or refused which span. The rules, their names
and their limits are listed in docs/rules-dates-figures.md.

What is a date (and the choices made where the text is ambiguous):

* Day dates: "25 mai 2018", "le 1er mars 2019", "jeudi 13 octobre 2016", "May 25, 2013",
  "20th April 2018", "20th of April", numeric "22/06/2018", "22.06.2018", "22-06-2018",
  "22/06/18" (two-digit years only with "/": 00-49 -> 20xx, 50-99 -> 19xx), ISO "2018-05-25",
  "07 /21/ 2023", "03/Mar/2021", "12-Jan-2022", year first "2022 Mar 02".
  Numeric dates are read day first in both languages (the order of French and of most
  English outside the United States, the usual one on international NGO pages); only when that
  reading is impossible and the month-first one is valid ("06/22/2018") is the month-first
  reading taken. Impossible dates (31/02/2018, 30 février 2019) are dropped, span and all.
* Months: "octobre 2007", "May 2013", "May of 2013", numeric "06/2018", "Jan-2020",
  "April – 2019"; months listed before a month and year share its year ("en mars et novembre
  2025" is two months).
* Years: a 4-digit number (1800-2100) is a year only in context: after a cue word ("en 2013",
  "depuis 2001", "since 1983", "fin 2010", "printemps 2020"), in a citation ("(2010)",
  "(Dupont, 2010)"), in a list that started with a year ("en 2019, 2020 et 2021"), as a
  heading ("2013 : ..."), after a noun that names a dated thing ("le rapport 2018",
  "l'assemblée générale ordinaire 2026", "Census 2011"), in English between a determiner and a
  singular noun ("the 2016 census", "our 2021 beneficiary list"; "the 2000 volunteers" is a
  count), after a copyright sign, or as table column headers ("Indicateur 2019 2020 2021" ending
  its line); and never when the next word is an ordinary word that makes it a count
  ("en 2000 exemplaires", "2013 participants"), nor after a quantity/reference cue ("près de",
  "p.", "n°") or next to a currency or unit ("2018 €"). Seasons and "fin/début/mi-" keep the
  whole year as value (a season straddles months and hemispheres); the modifier is in the span.
* Ranges are one match: "mai 2022 – avril 2024" (month granularity), "entre 2010 et 2012",
  "from 2013 to 2021", "2007-2010", "2010/2011" (consecutive years only), "du 3 au 5 juin 2019",
  "1st March until 20th April 2018" (a start without a year takes the end's year, or the year
  before when its month comes later: "décembre – février 2019" starts in 2018). Word connectors
  between bare years need a start cue ("de", "from"...), "et"/"and" need "entre"/"between".
  Two dates of the same granularity joined by a dash or "to"/"au" are one range whatever
  their format ("03/Mar/2021 – 30/November/2021", "April – 2019 to March – 2020", "Summer 1994
  to summer 1995"; bare years only when the second has its own modifier).
* Decades: "années 90", "les années 1990", "the 1990s", "the '90s", "the nineties",
  "au début des années 2000" -> the whole decade, year granularity (two-digit "années 00/10"
  are read 2000s/2010s, 20-90 as 19xx).
* Day+month without a year ("le 3 mars", "on 20th April") are returned with value None and
  day/month kept; ``resolve_yearless`` gives them a year only when the document makes it
  certain (see there). Nothing is ever filled from today's date.
* Not dates: times ("14h30", "10:30"), durations ("depuis 22 ans"), phone numbers, numbers inside
  URLs and e-mail addresses, page numbers, ISBNs, amounts.

Languages: both vocabularies are used whatever the paragraph's language, since pages quote
dates in the other one ("signé le 12 mars 2021" in an English report). Textual month-first
order ("May 25, 2013") is English only; English month names count only capitalised ("may",
"march" are verbs) and French abbreviations only with their full stop ("sept" is seven).

Known limits: weak cues ("de 2006", "of 2019") are not cues, since "de 2000 personnes" has the
same shape; a year after a noun that the data does not list ("la fête 2019"), or before a noun
in French, is not taken; programme names with a year (Horizon 2020, Agenda 2030) are not dates.

dateparser is not used: all the spans are found and parsed by the patterns below, which is
faster and never fills missing parts from the clock.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime
import functools
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import code_version

_DATA_DIR = Path(__file__).parent / "data" / "dates"
# The version in every date mention's extractor column: a hash of this module and its data.
RULES_VERSION = code_version(Path(__file__), _DATA_DIR)

log = logging.getLogger(__name__)
_LANGS = ("fr", "en")

# Bare years accepted from context; explicit calendar forms (with a month) accept 1000-2100.
_YEAR_MIN, _YEAR_MAX = 1800, 2100
_CAL_YEAR_MIN = 1000
# resolve_yearless: a yearless date is given the year of its anchor only if it falls at most
# this many days before the anchor (a past reference in the post); later dates stay unresolved.
_RESOLVE_WINDOW_DAYS = 183
_DATELINE_MAX_LINE = 80
# Years in a table header row (see _year_columns): blanks between them, then the line ends.
_BLANKS_RE = re.compile(r"[ \t\u00a0]+")
_ROW_END_RE = re.compile(r"[ \t\u00a0]*(?:\n|\t|\Z)")
_DIGIT_START_RE = re.compile(r"(?<!\d)\d")


@dataclass(frozen=True, slots=True)
class DateMatch:
    start: int  # char offset into the text given (inclusive)
    end: int  # exclusive; text[start:end] == self.text
    text: str
    value_start: datetime.date | None  # first day covered; None while unresolved
    value_end: datetime.date | None  # last day covered (inclusive)
    granularity: str  # "day" | "month" | "year"
    rule: str  # which rule produced it
    day: int | None = None  # kept so that a yearless date can be resolved later
    month: int | None = None


# --------------------------------------------------------------------------- building blocks

_SP = r"[^\S\n]"  # inline whitespace, including no-break and narrow no-break spaces
_S = rf"(?:{_SP}+\n?{_SP}*|\n{_SP}*)"  # at least one space, at most one line break
_OS = rf"(?:{_S})?"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH = f"[{_DASHES}]"
_APOS = "['\u2019\u02bc]"
# A number starting a date must not continue another number, a URL path, a phone number...
_NUM_LEFT = rf"(?=\d)(?<![\w./:+,{_DASHES}])"
_NUM_RIGHT = rf"(?!\w|[./:,{_DASHES}]\d)"

# Small patterns used by the context checks (compiled once).
_NEXT_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['\u2019\u02bc])?|\S")
_HYPHENS_RE = re.compile(r"[\s\-\u2010\u2011]+")
_WORD_AFTER_RE = re.compile(r"[^\S\n]+([^\W\d_][\w'\u2019\-]*)")
_LINE_START_RE = re.compile(r"(?:^|\n)[^\S\n]*(?:[-\u2022*\u2013][^\S\n]*)?\Z")
_HEADING_TAIL_RE = re.compile(rf"{_SP}*(?::|{_DASH}{_SP})")
_LINE_END_RE = re.compile(rf"{_SP}*(?:\n|\Z)")
_DASH_BEFORE_RE = re.compile(rf"[^\W\d_]{_SP}+[\u2013\u2014]{_SP}+\Z")
_YEARS_TO_EOL_RE = re.compile(rf"(?:{_SP}*,{_SP}*(?:1[89]\d\d|20\d\d))*{_SP}*(?:\n|\Z)")
_CITATION_TAIL_RE = re.compile(r"(?:[)\],;:]|(?:et|and|&|p\.|pp\.)(?!\w))", re.IGNORECASE)
_OPEN_PAREN_RE = re.compile(r"[(\[][^\S\n]*\Z")
_AUTHOR_COMMA_RE = re.compile(r"([^\W\d_][\w'\u2019.\-]*)[^\S\n]*,[^\S\n]*\Z")
# What may follow a dateline on its line: a time ("à 04:00", "at 10:30 am", "| 14h05").
_TIME_TAIL_RE = re.compile(
    r"[^\S\n]*(?:[,\-\u2013|@]?[^\S\n]*(?:à|at|@)?[^\S\n]*\d{1,2}[:h]\d{2}"
    r"(?:[^\S\n]*[ap]\.?m\.?)?)?[^\S\n]*",
    re.IGNORECASE,
)


_APOS_RE = re.compile(_APOS)


def _key(s: str) -> str:
    """Fold a vocabulary token or matched word for dictionary lookup."""
    s = unicodedata.normalize("NFC", s).lower()
    s = _APOS_RE.sub("'", s)
    return " ".join(s.split())


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of vocabulary entries, longest first, tolerant of spaces/apostrophes."""
    out = []
    for w in sorted({_key(w) for w in words}, key=len, reverse=True):
        esc = re.escape(w).replace("'", _APOS).replace("\\ ", _S)
        esc = esc.replace("\\-", f"[{_DASHES}\\s]")
        out.append(esc)
    return "|".join(out)


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
                self.month_reqs.setdefault(_key(w), []).append(_MonthReq(m, english, False, lang))
            for w, m in d["month_abbreviations"].items():
                abbrevs.add(_key(w))
                self.month_reqs.setdefault(_key(w), []).append(
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
        self.weekday_index = {_key(w): i for d in data for i, w in enumerate(d["weekdays"])}
        self.weekday_re = re.compile(rf"(?<!\w)(?:{self._weekday_alt})(?!\w)", re.IGNORECASE)
        self._ord_alt = _alt(merged("ordinal_suffixes"))
        self.follow_words = {_key(w) for w in merged("follow_words")}
        self.units = {_key(w) for w in common["amount_units"]}
        symbols = "".join(re.escape(c) for c in common["currency_symbols"])
        self.range_and_cues = {_key(w) for w in merged("range_and_cues")}
        self.decade_words = {_key(w): v for d in data for w, v in d.get("decade_words", {}).items()}

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
        self.copyright_re = re.compile(
            rf"(?<!\w)(?:{_alt(common['copyright_cues'])}){_OS}\Z", flags
        )
        self.year_det_re = re.compile(
            rf"(?<!\w)(?:{_alt(merged('year_determiners'))}){_S}\Z", flags
        )
        self.dated_plurals = {_key(w) for w in merged("dated_plurals")}
        self.plurals_without_s = {_key(w) for w in merged("plurals_without_s")}
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
        self.enum_re = re.compile(rf"(\d{{4}})(?:{_OS},{_OS}|{_S}(?:et|and|ou|or|&){_S})\Z", flags)
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
            rf"(?:{_OS},{_OS}|{_S}(?:et|and|ou|or|&){_S}))+\Z",
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
        k = _key(token).rstrip(".")
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
        k = _key(word).rstrip("'")
        if k in self.units or _key(word) in self.units:
            return False
        if not word[0].isalpha():
            return not word.isdigit()
        if word[0].isupper():
            return True
        if "'" in _key(word):
            return True  # elided article or pronoun: l', d', qu'...
        return _key(word) in self.follow_words

    def not_counted(self, text: str, end: int) -> bool:
        """True unless the word after a number is a unit or looks like a counted plural: after
        a noun that names a dated thing, a verb may follow the year ("le rapport 2021
        détaille...", "Census 2011 results")."""
        m = _WORD_AFTER_RE.match(text, end)
        if m is None:
            return False
        w = _key(m.group(1))
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
            w = _key(m.group(1))
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
        return bool(tok) and _key(tok.group(0)).rstrip("'") in self.units


@functools.cache
def _grammar(langs: tuple[str, ...]) -> _Grammar:
    return _Grammar(langs)


def _langs(language: str) -> tuple[str, ...]:
    """Both vocabularies whatever the language: pages quote dates in the other language
    ("signé le 12 mars 2021" in an English report), and each vocabulary keeps its own
    spelling rules (capitalised English months, French abbreviations with their full stop)."""
    return _LANGS


# --------------------------------------------------------------------------- value helpers


def _mk_date(y: int, m: int, d: int) -> datetime.date | None:
    if not (1 <= m <= 12) or not (1 <= d <= calendar.monthrange(y, m)[1]):
        return None
    return datetime.date(y, m, d)


def _month_end(y: int, m: int) -> datetime.date:
    return datetime.date(y, m, calendar.monthrange(y, m)[1])


def _cal_year(s: str | None) -> int | None:
    if s is None:
        return None
    y = int(s)
    return y if _CAL_YEAR_MIN <= y <= _YEAR_MAX else None


def _numeric_year(s: str, sep: str) -> int | None:
    if len(s) == 2:
        if sep != "/":
            return None
        y = int(s)
        return 2000 + y if y < 50 else 1900 + y
    y = int(s)
    return y if 1900 <= y <= _YEAR_MAX else None


def _day_month_numeric(a: int, b: int, y: int) -> tuple[int, int] | None:
    """Day first; month first only when day first is impossible and month first is not."""
    if _mk_date(y, b, a):
        return a, b
    if _mk_date(y, a, b):
        return b, a
    return None


def _match(
    text: str,
    s: int,
    e: int,
    start: datetime.date | None,
    end: datetime.date | None,
    gran: str,
    rule: str,
    day: int | None = None,
    month: int | None = None,
) -> DateMatch:
    return DateMatch(s, e, text[s:e], start, end, gran, rule, day, month)


# --------------------------------------------------------------------------- validators
# Each takes (grammar, text, match, rule, range cue found before the match or None) and returns
# a DateMatch, None (not a date) or _IMPOSSIBLE: a well-formed day date that does not exist
# ("31/02/2018", "30 février 2019"), whose span then blocks shorter readings ("février 2019").
_DAY_RANGE_RULES = frozenset({"dates.day_range", "dates.month_day_range"})
_RANGE_RULES = _DAY_RANGE_RULES | {
    "dates.year_range",
    "dates.year_range_short",
    "dates.month_range",
    "dates.numeric_range",
    "dates.range_of_dates",
}
_MONTH_FIRST_RULES = frozenset({"dates.month_day_year", "dates.month_day_range"})
_IMPOSSIBLE = DateMatch(0, 0, "", None, None, "day", "dates.impossible")


def _range_cue_ok(g: _Grammar, m: re.Match, cue: str | None, *, words_need_cue: bool) -> bool:
    if m.group("cand"):
        return cue is not None and _key(cue) in g.range_and_cues
    if m.group("cw") and words_need_cue:
        return cue is not None
    return True


def _v_year_range(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if not (_YEAR_MIN <= y1 < y2 <= _YEAR_MAX):
        return None
    if not _range_cue_ok(g, m, cue, words_need_cue=True):
        return None
    dash = m.group("dash")
    if dash == "/" and y2 != y1 + 1:
        return None
    if dash and y2 - y1 > 100:
        return None
    if cue is None and g.count_cue_re.search(text, max(0, m.start() - 40), m.start()):
        return None
    if dash and g.unit_follows(text, m.end()):
        return None
    if not dash and not g.follows_ok(text, m.end()):
        return None
    return _match(
        text,
        m.start(),
        m.end(),
        datetime.date(y1, 1, 1),
        datetime.date(y2, 12, 31),
        "year",
        rule,
    )


def _v_year_range_short(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    y1 = int(m.group("y1"))
    y2 = y1 - y1 % 100 + int(m.group("y2s"))
    if y2 <= y1:
        y2 += 100  # "1999-00"
    if not (y1 >= _YEAR_MIN and y2 <= _YEAR_MAX and y2 - y1 <= 10):
        return None
    if m.group("dash") == "/" and y2 != y1 + 1:
        return None  # "2010/11" is a school or fiscal year; "2010/15" is not a range
    if cue is None and g.count_cue_re.search(text, max(0, m.start() - 40), m.start()):
        return None
    if g.unit_follows(text, m.end()):
        return None
    return _match(
        text, m.start(), m.end(), datetime.date(y1, 1, 1), datetime.date(y2, 12, 31), "year", rule
    )


def _v_month_range(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    mo1, mo2 = g.month_value(m.group("mo1")), g.month_value(m.group("mo2"))
    y2 = _cal_year(m.group("y2"))
    if (
        mo1 is None
        or mo2 is None
        or y2 is None
        or not _range_cue_ok(g, m, cue, words_need_cue=False)
    ):
        return None
    y1 = _cal_year(m.group("y1")) if m.group("y1") else (y2 if mo1 <= mo2 else y2 - 1)
    if y1 is None or (y1, mo1) >= (y2, mo2):
        return None
    return _match(
        text,
        m.start(),
        m.end(),
        datetime.date(y1, mo1, 1),
        _month_end(y2, mo2),
        "month",
        rule,
    )


def _day_range_parts(
    g: _Grammar, m: re.Match, rule: str
) -> tuple[int, int, int | None, int, int, int | None] | None:
    """(d1, m1, y1, d2, m2, y2) of a day range; years may be None (yearless range)."""
    # Day-first ranges may omit the first month ("du 3 au 5 juin"), month-first ones the
    # second ("June 3-5, 2019").
    lang = "en" if rule in _MONTH_FIRST_RULES else None
    mo1 = g.month_value(m.group("mo1"), lang) if m.group("mo1") else None
    mo2 = g.month_value(m.group("mo2"), lang) if m.group("mo2") else mo1
    mo1 = mo1 if m.group("mo1") else mo2
    if mo1 is None or mo2 is None:
        return None
    d1, d2 = int(m.group("d1")), int(m.group("d2"))
    y1 = _cal_year(m.group("y1")) if m.group("y1") else None
    y2 = _cal_year(m.group("y2")) if m.group("y2") else None
    if (m.group("y1") and y1 is None) or (m.group("y2") and y2 is None):
        return None
    if not (m.group("mo1") and m.group("mo2")) and d1 >= d2:
        return None  # one shared month: "3-5 juin", never "5-3 juin"
    if y2 is None and y1 is not None:
        y2 = y1 if (mo1, d1) <= (mo2, d2) else y1 + 1
    elif y1 is None and y2 is not None:
        y1 = y2 if (mo1, d1) <= (mo2, d2) else y2 - 1
    return d1, mo1, y1, d2, mo2, y2


def _v_day_range(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    if not _range_cue_ok(g, m, cue, words_need_cue=False):
        return None
    parts = _day_range_parts(g, m, rule)
    if parts is None:
        return None
    d1, mo1, y1, d2, mo2, y2 = parts
    if y1 is None or y2 is None:
        # Yearless: check the day/month pairs against a leap year, resolve later.
        if _mk_date(2000, mo1, d1) is None or _mk_date(2000, mo2, d2) is None:
            return None
        if (mo1, d1) == (mo2, d2):
            return None
        return _match(text, m.start(), m.end(), None, None, "day", rule, d1, mo1)
    a, b = _mk_date(y1, mo1, d1), _mk_date(y2, mo2, d2)
    if a is None or b is None or a >= b:
        return None
    return _match(text, m.start(), m.end(), a, b, "day", rule, d1, mo1)


def _v_numeric_range(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    if not _range_cue_ok(g, m, cue, words_need_cue=False):
        return None
    ends = []
    for i in (1, 2):
        y = _numeric_year(m.group(f"y{i}"), m.group(f"s{i}"))
        if y is None:
            return None
        dm = _day_month_numeric(int(m.group(f"a{i}")), int(m.group(f"b{i}")), y)
        if dm is None:
            return None
        ends.append(datetime.date(y, dm[1], dm[0]))
    if ends[0] >= ends[1]:
        return None
    return _match(
        text, m.start(), m.end(), ends[0], ends[1], "day", rule, ends[0].day, ends[0].month
    )


def _v_day(g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None) -> DateMatch | None:
    mo = g.month_value(m.group("mo1"), "en" if rule in _MONTH_FIRST_RULES else None)
    if mo is None:
        return None
    d = int(m.group("d1"))
    ystr = m.group("y1")
    y = _cal_year(ystr) if ystr else None
    comma = m.groupdict().get("comma")
    if ystr and (y is None or (comma and not g.follows_ok(text, m.end()))):
        # "le 3 mars, 2000 personnes": the number is not the date's year.
        end = m.start("y1")
        while end > m.start() and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        y = None
        e = end
    else:
        e = m.end()
    if y is None:
        if _mk_date(2000, mo, d) is None:
            return _IMPOSSIBLE
        return _match(text, m.start(), e, None, None, "day", "dates.day_month", d, mo)
    value = _mk_date(y, mo, d)
    if value is None:
        return _IMPOSSIBLE
    return _match(text, m.start(), e, value, value, "day", rule, d, mo)


def _v_year_month_day(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    if not g.follows_ok(text, m.end()):
        return None  # "in 2019 May 5 people came": the day is a count
    return _v_day(g, text, m, rule, cue)


def _v_numeric(g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None) -> DateMatch | None:
    y = _numeric_year(m.group("y1"), m.group("s1"))
    if y is None:
        return None
    dm = _day_month_numeric(int(m.group("a1")), int(m.group("b1")), y)
    if dm is None:
        return _IMPOSSIBLE
    value = datetime.date(y, dm[1], dm[0])
    return _match(text, m.start(), m.end(), value, value, "day", rule, dm[0], dm[1])


def _v_iso(g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None) -> DateMatch | None:
    y = int(m.group("y1"))
    if not (1900 <= y <= _YEAR_MAX):
        return None
    value = _mk_date(y, int(m.group("b1")), int(m.group("a1")))
    if value is None:
        return _IMPOSSIBLE
    return _match(text, m.start(), m.end(), value, value, "day", rule, value.day, value.month)


def _v_month(g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None) -> DateMatch | None:
    mo, y = g.month_value(m.group("mo1")), _cal_year(m.group("y1"))
    if mo is None or y is None:
        return None
    if (m.groupdict().get("comma") or rule == "dates.month_year_separated") and not g.follows_ok(
        text, m.end()
    ):
        return None  # "en mars, 2000 personnes"
    return _match(
        text, m.start(), m.end(), datetime.date(y, mo, 1), _month_end(y, mo), "month", rule
    )


def _v_numeric_month(
    g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None
) -> DateMatch | None:
    y = int(m.group("y1"))
    if not (1900 <= y <= _YEAR_MAX):
        return None
    if g.count_cue_re.search(text, max(0, m.start() - 40), m.start()):
        return None  # "loi n° 04/2018", "p. 12/2018"
    mo = int(m.group("b1"))
    return _match(
        text, m.start(), m.end(), datetime.date(y, mo, 1), _month_end(y, mo), "month", rule
    )


def _v_decade(g: _Grammar, text: str, m: re.Match, rule: str, cue: str | None) -> DateMatch | None:
    gd = m.groupdict()
    if gd.get("word"):
        first = g.decade_words.get(_HYPHENS_RE.sub("-", _key(gd["word"])))
        if first is None:
            return None
    elif gd.get("cent"):
        first = int(gd["cent"]) * 100 + int(gd["dec"]) * 10
    else:
        dec = gd.get("dec") or gd.get("dec2") or gd.get("dec3")
        if dec is None:
            return None
        first = (2000 if dec in "01" else 1900) + int(dec) * 10
    if not (_YEAR_MIN <= first <= _YEAR_MAX - 9):
        return None
    return _match(
        text,
        m.start(),
        m.end(),
        datetime.date(first, 1, 1),
        datetime.date(first + 9, 12, 31),
        "year",
        rule,
    )


# --------------------------------------------------------------------------- bare years


def _year_candidates(g: _Grammar, text: str, digit_starts: list[int]) -> list[DateMatch]:
    """4-digit numbers that context makes years (see module docstring)."""
    out: list[DateMatch] = []
    accepted_ends: set[int] = set()
    years: list[tuple[int, int, int]] = []
    for p in digit_starts:
        m = g.year_re.match(text, p)
        if m is None:
            continue
        s, e = m.span()
        y = int(m.group("y"))
        years.append((s, e, y))
        lo = max(0, s - 40)
        prev = text[lo:s]
        # "the 2016 census", "our 2021 beneficiary list" (before the count cues: "our", "its")
        if g.year_det_re.search(prev) and g.modifies_singular_noun(text, e):
            accepted_ends.add(e)
            out.append(_year_match(text, s, e, y, "dates.year_before_noun"))
            continue
        if g.count_cue_re.search(prev):
            _rejected("dates.year_after_count_cue", text, s, e)
            continue
        if g.unit_follows(text, e):
            _rejected("dates.year_before_unit", text, s, e)
            continue
        if g.failed_range_re.match(text, e):
            # "de 1500 à 2000": the range rule has refused it, so must we
            _rejected("dates.year_in_failed_range", text, s, e)
            continue
        follows = g.follows_ok(text, e)
        start, rule = None, None
        mod = g.year_mod_re.search(prev)
        # "mi-2015", "mid-2019 models": a hyphenated modifier makes a year whatever follows.
        if mod and (follows or prev.rstrip()[-1:] in _DASHES):
            start, rule = lo + mod.start(), "dates.year_with_modifier"
        elif g.year_cue_re.search(prev) and follows:
            start, rule = s, "dates.year_in_context"
        elif g.copyright_re.search(prev) and follows:
            start, rule = s, "dates.year_copyright"
        elif g.year_head_re.search(text, max(0, s - 60), s) and (follows or g.not_counted(text, e)):
            start, rule = s, "dates.year_after_noun"
        elif follows and g.year_head_of_re.search(text, max(0, s - 60), s):
            start, rule = s, "dates.year_after_noun"  # "l'assemblée générale de 2008"
        elif follows and _is_citation(text, s, e, prev):
            start, rule = s, "dates.year_citation"
        elif follows and (em := g.enum_re.search(prev)) and lo + em.end(1) in accepted_ends:
            start, rule = s, "dates.year_list"
        elif _LINE_START_RE.search(prev) and (
            _HEADING_TAIL_RE.match(text, e) or _LINE_END_RE.match(text, e)
        ):
            start, rule = s, "dates.year_heading"  # "2013 : création", a year alone on a line
        elif _DASH_BEFORE_RE.search(prev) and _YEARS_TO_EOL_RE.match(text, e):
            start, rule = s, "dates.year_heading"  # "Camp Sky — 2015", "Rwanda — 2013, 2014"
        if rule is None:
            _rejected("dates.year_without_context", text, s, e)
            continue
        accepted_ends.add(e)
        out.append(_year_match(text, start, e, y, rule))
    if len(years) > 1:
        out += _year_columns(g, text, years)
    return out


def _year_match(text: str, start: int, end: int, y: int, rule: str) -> DateMatch:
    return _match(text, start, end, datetime.date(y, 1, 1), datetime.date(y, 12, 31), "year", rule)


def _year_columns(g: _Grammar, text: str, years: list[tuple[int, int, int]]) -> list[DateMatch]:
    """Years as the column headers of a table row: "Indicateur 2019 2020 2021" at the end of
    its line (or of a tab-separated cell run). Two or more years that go up by one to five,
    separated by blanks only, are a header row; counts are neither ordered nor year-sized."""
    out: list[DateMatch] = []
    runs: list[list[tuple[int, int, int]]] = [[years[0]]]
    for prev, cur in itertools.pairwise(years):
        joined = 0 < cur[2] - prev[2] <= 5 and _BLANKS_RE.fullmatch(text, prev[1], cur[0])
        if joined:
            runs[-1].append(cur)
        else:
            runs.append([cur])
    for run in runs:
        if len(run) < 2 or not _ROW_END_RE.match(text, run[-1][1]):
            continue
        if g.count_cue_re.search(text, max(0, run[0][0] - 40), run[0][0]):
            continue
        out += [_year_match(text, s, e, y, "dates.year_columns") for s, e, y in run]
    return out


def _is_citation(text: str, s: int, e: int, prev: str) -> bool:
    """ "(2010)", "(Dupont, 2010)", "Dupont et Durand, 2010 et ...": author-year references."""
    nxt = text[e : e + 6].lstrip(" \t\u00a0\u202f")
    if not _CITATION_TAIL_RE.match(nxt):
        return False
    if _OPEN_PAREN_RE.search(prev):
        return True
    w = _AUTHOR_COMMA_RE.search(prev)
    return bool(w) and (w.group(1)[0].isupper() or w.group(1) == "al.")


# --------------------------------------------------------------------------- public API

# Only decades written in words ("les années soixante", "the nineties") have no digit.
_NO_DIGIT_HINT_RE = re.compile(r"ann[ée]es|ties\b", re.IGNORECASE)
_DECADE_HINT_RE = re.compile(r"ann[ée]es|\d0['\u2019]?s\b|ties\b", re.IGNORECASE)
_URL_RE = re.compile(r"(?=[hHwW])(?:\bhttps?://|\bwww\.)\S+")
_EMAIL_AT_RE = re.compile(r"(?<=\w)@(?=\w)")


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses: numbers inside them are never dates."""
    spans = [m.span() for m in _URL_RE.finditer(text)]
    if "@" in text:
        for m in _EMAIL_AT_RE.finditer(text):
            s = e = m.start()
            while s > 0 and not text[s - 1].isspace():
                s -= 1
            while e < len(text) and not text[e].isspace():
                e += 1
            spans.append((s, e))
    return spans


def _extend_left(g: _Grammar, text: str, start: int, kind: str) -> tuple[int, str | None]:
    """Start of the match once a weekday (and, for ranges, a cue like "du", "entre le",
    "from") before it is included, and that cue."""
    lo = max(0, start - 40)
    wd = g.left_weekday_re.search(text, lo, start)
    if wd:
        start = wd.start()
        lo = max(0, start - 40)
    if kind != "range":
        return start, None
    cm = g.left_cue_re.search(text, lo, start)
    if cm is None:
        return start, None
    return cm.start(), cm.group("cue") or (cm.group("el") + "'")


def _candidates(
    g: _Grammar, text: str, blocked: list[tuple[int, int]]
) -> list[tuple[DateMatch, int]]:
    """All validated matches; spans of impossible dates are appended to blocked."""
    cands: list[tuple[DateMatch, int]] = []
    starts = {
        "digit": [m.start() for m in _DIGIT_START_RE.finditer(text)],
        "month": [m.start() for m in g.month_scan_re.finditer(text)],
    }
    present = {
        "": True,
        "month": bool(starts["month"]),
        "decade": _DECADE_HINT_RE.search(text) is not None,
    }
    for prio, (rule, pat, validate, kind) in enumerate(g.patterns):
        if not present[g.needs[prio]]:
            continue
        where = g.starts[prio]
        if where == "any":
            found: Iterable[re.Match] = pat.finditer(text)
        else:
            found = [m for p in starts[where] if (m := pat.match(text, p))]
        for m in found:
            start, cue = _extend_left(g, text, m.start(), kind)
            dm = validate(g, text, m, rule, cue)
            if dm is None:
                _rejected(rule, text, *m.span())
                continue
            if dm is _IMPOSSIBLE:
                _rejected("dates.impossible", text, *m.span())
                blocked.append(m.span())
                continue
            if start < dm.start:
                dm = dataclasses.replace(dm, start=start, text=text[start : dm.end])
            cands.append((dm, prio))
    n = len(g.patterns)
    cands += [(dm, n) for dm in _month_lists(g, text, [c for c, _ in cands])]
    cands += [(dm, n) for dm in _year_candidates(g, text, starts["digit"])]
    return cands


def _month_lists(g: _Grammar, text: str, found: list[DateMatch]) -> list[DateMatch]:
    """The months listed before a month and year, each with that year: "en mars et novembre
    2025", "in May, June and July 2019" (a range needs "entre"/"between" or a dash)."""
    out: list[DateMatch] = []
    for dm in found:
        if dm.rule != "dates.month_year" or dm.value_start is None:
            continue
        lm = g.month_list_re.search(text, max(0, dm.start - 80), dm.start)
        if lm is None:
            continue
        y = dm.value_start.year
        for mm in g.month_scan_re.finditer(text, lm.start(), lm.end()):
            mo = g.month_value(mm.group())
            if mo is None:
                break
            out.append(
                _match(
                    text,
                    mm.start(),
                    mm.end(),
                    datetime.date(y, mo, 1),
                    _month_end(y, mo),
                    "month",
                    "dates.month_list",
                )
            )
    return out


def _range_of(g: _Grammar, text: str, a: DateMatch, b: DateMatch) -> DateMatch | None:
    """Two dates of the same granularity joined by a dash or "to"/"au" ("between ... and"),
    as one range: formats that no range pattern spells out ("03/Mar/2021 – 30/Nov/2021",
    "April – 2019 to March – 2020"). Bare years only when the second carries its own
    modifier ("Summer 1994 to summer 1995"): "2010 to 2012" needs a cue (see year_range)."""
    if a.value_start is None or b.value_start is None or a.value_end is None:
        return None
    if a.granularity != b.granularity or a.rule in _RANGE_RULES or b.rule in _RANGE_RULES:
        return None
    if a.granularity == "year" and b.rule != "dates.year_with_modifier":
        return None
    gap = g.range_gap_re.fullmatch(text, a.end, b.start)
    if gap is None or not (a.value_start < b.value_start and a.value_end < b.value_end):
        return None
    start, cue = _extend_left(g, text, a.start, "range")
    if gap.group("cand") and (cue is None or _key(cue) not in g.range_and_cues):
        return None
    return DateMatch(
        start,
        b.end,
        text[start : b.end],
        a.value_start,
        b.value_end,
        a.granularity,
        "dates.range_of_dates",
        a.day,
        a.month,
    )


def _join_ranges(g: _Grammar, text: str, chosen: list[DateMatch]) -> list[DateMatch]:
    out: list[DateMatch] = []
    i = 0
    while i < len(chosen):
        joined = _range_of(g, text, chosen[i], chosen[i + 1]) if i + 1 < len(chosen) else None
        out.append(joined or chosen[i])
        i += 2 if joined else 1
    return out


def _select(
    text: str, cands: list[tuple[DateMatch, int]], blocked: list[tuple[int, int]]
) -> list[DateMatch]:
    """Longest match first, then pattern priority; matches never overlap."""
    taken = bytearray(len(text))
    for s, e in blocked:
        taken[s:e] = b"\x01" * (e - s)
    chosen: list[DateMatch] = []
    for dm, _ in sorted(cands, key=lambda c: (-(c[0].end - c[0].start), c[1], c[0].start)):
        if taken.find(1, dm.start, dm.end) != -1:
            continue
        chosen.append(dm)
        taken[dm.start : dm.end] = b"\x01" * (dm.end - dm.start)
    chosen.sort(key=lambda d: d.start)
    return chosen


_DIGIT_RE = re.compile(r"\d")


def find_dates(text: str, language: str) -> list[DateMatch]:
    """language is "fr", "en" or "und" (try both). Non-overlapping, sorted by start.

    Any other language code is treated as "und".
    """
    if not text or (not _DIGIT_RE.search(text) and not _NO_DIGIT_HINT_RE.search(text)):
        return []
    g = _grammar(_langs(language))
    blocked = _blocked_spans(text)
    cands = _candidates(g, text, blocked)
    chosen = _join_ranges(g, text, _select(text, cands, blocked))
    if log.isEnabledFor(logging.DEBUG):
        for m in chosen:
            log.debug("%s fired: %r", m.rule, m.text)
    return chosen


def _rejected(rule: str, text: str, start: int, end: int) -> None:
    """Say in the debug log which rule refused which span (a no-op unless debugging)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s rejected: %r", rule, text[start:end])


# --------------------------------------------------------------------------- yearless dates


def _is_dateline(g: _Grammar, text: str, m: DateMatch) -> bool:
    """A full day date that dates the page/post/comment it heads: introduced by a publication
    cue ("Publié le", "Posted on") or closing a short line ("Jean Dupont | 22/06/2018")."""
    if m.value_start is None or m.value_start != m.value_end or m.granularity != "day":
        return False
    if g.dateline_cue_re.search(text, max(0, m.start - 40), m.start):
        return True
    ls = text.rfind("\n", 0, m.start) + 1
    le = text.find("\n", m.end)
    le = len(text) if le < 0 else le
    if len(text[ls:le].strip()) > _DATELINE_MAX_LINE:
        return False
    tail = text[m.end : le]
    return _TIME_TAIL_RE.fullmatch(tail) is not None


def _place_in_year(
    d: int, mo: int, anchor: datetime.date, weekday: int | None = None
) -> datetime.date | None:
    """The year-complete date for (d, mo) relative to anchor, or None when not certain.

    Without a weekday: the latest (d, mo) not after the anchor, if within the window before it.
    With a weekday ("mardi 10 septembre"): the only occurrence within the window on either side
    of the anchor that falls on that weekday (the weekday pins the year; a mismatch means the
    anchor is not the right one, so nothing is resolved).
    """
    window = _RESOLVE_WINDOW_DAYS
    if weekday is not None:
        hits = [
            c
            for y in (anchor.year - 1, anchor.year, anchor.year + 1)
            if (c := _mk_date(y, mo, d)) is not None
            and abs((c - anchor).days) <= window
            and c.weekday() == weekday
        ]
        return hits[0] if len(hits) == 1 else None
    for y in (anchor.year, anchor.year - 1):
        cand = _mk_date(y, mo, d)
        if cand is not None and cand <= anchor:
            return cand if (anchor - cand).days <= window else None
    return None


def _yearless_range_parts(m: DateMatch) -> tuple[int, int, int, int] | None:
    g = _grammar(_LANGS)
    for rule, pat, validate, _ in g.patterns:
        if validate is not _v_day_range:
            continue
        if (
            rule == m.rule
            and (rm := pat.search(m.text))
            and (parts := _day_range_parts(g, rm, rule))
        ):
            d1, mo1, _, d2, mo2, _ = parts
            return d1, mo1, d2, mo2
    return None


def resolve_yearless(
    text: str, matches: list[DateMatch], published: datetime.date | None = None
) -> list[DateMatch]:
    """Give a year to day+month dates only when the document makes it certain.

    The anchor of a yearless date is the nearest preceding dateline (the date heading the page,
    post or comment it sits in, see ``_is_dateline``); without one, the ``published`` date of the
    page metadata; without that, the document's datelines when they all carry the same date.
    The date then takes the anchor's year, or the year before when its day/month comes later in
    the year than the anchor ("on 20 December" in a post of 10 January) -- but only if it falls
    within about six months before the anchor. Later dates may be upcoming events and stay
    unresolved (value None), as do dates with no anchor -- unless a weekday written with the
    date ("mardi 10 septembre") confirms one occurrence within six months on either side.
    Never filled from today's date.
    """
    g = _grammar(_LANGS)
    datelines = sorted((m for m in matches if _is_dateline(g, text, m)), key=lambda m: m.end)
    dateline_ends = [m.end for m in datelines]
    distinct = {m.value_start for m in datelines}
    fallback = published or (distinct.pop() if len(distinct) == 1 else None)
    out: list[DateMatch] = []
    for m in matches:
        if m.value_start is not None or m.day is None or m.month is None:
            out.append(m)
            continue
        i = bisect.bisect_right(dateline_ends, m.start)
        anchor = datelines[i - 1].value_start if i else fallback
        how = "dateline" if i or not published else "published"
        resolved = None
        if anchor is not None:
            if m.rule in _DAY_RANGE_RULES:
                parts = _yearless_range_parts(m)
                if parts:
                    d1, mo1, d2, mo2 = parts
                    b = _place_in_year(d2, mo2, anchor)
                    if b is not None:
                        a = _mk_date(b.year if (mo1, d1) <= (mo2, d2) else b.year - 1, mo1, d1)
                        if a is not None:
                            resolved = (a, b)
            else:
                wd = g.weekday_re.search(m.text)
                weekday = g.weekday_index.get(_key(wd.group(0))) if wd else None
                v = _place_in_year(m.day, m.month, anchor, weekday)
                if v is not None:
                    resolved = (v, v)
        if resolved is None:
            out.append(m)
        else:
            out.append(
                dataclasses.replace(
                    m,
                    value_start=resolved[0],
                    value_end=resolved[1],
                    rule=f"{m.rule}+year_from_{how}",
                )
            )
    return out
