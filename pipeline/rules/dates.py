"""Rule-based recognition and normalisation of calendar dates in French and English text.

Why rules: the French spaCy models have no DATE label and the English one tags durations
("22 years") and counts as dates, so the extract stage finds dates here, with regular expressions
over month/weekday vocabularies kept in ``data/dates/*.json``. Every pattern is compiled once;
``find_dates`` runs on every paragraph of large corpora, so digits and month names are found
once per paragraph and each pattern is tried only where it can start.

Every rule has a name (``DateMatch.rule``: "dates.day_month_year", "dates.year_after_noun"...)
that goes into the mention's ``extractor`` column with ``RULES_VERSION``, a hash of the rule's
modules (this one, ``dates_grammar.py``: the patterns, ``dates_values.py``: from a match to a
date) and its data; the debug log says which rule fired or refused which span. The rules, their
names and their limits are listed in docs/rules-dates-figures.md.

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
same shape, except after a noun that names an event or a study ("la crise financière de 2008",
"une enquête de 2018", "the revolution of 2011": ``year_event_heads``) when the next word shows
no count; a year after a noun that the data does not list ("la fête 2019"), or before a noun
in French, is not taken; programme names with a year (Horizon 2020, Agenda 2030) are not dates.
A year in the possessive ("2016's film") is a year; "the 1990's" stays a decade.

dateparser is not used: all the spans are found and parsed by the patterns below, which is
faster and never fills missing parts from the clock.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import itertools
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from ..config import code_version
from ..text import fold_case, web_address_spans
from .dates_grammar import _DASH, _DASHES, _DATA_DIR, _LANGS, _SP, _Grammar, _grammar, _langs
from .dates_values import (
    _DAY_RANGE_RULES,
    _IMPOSSIBLE,
    _RANGE_RULES,
    DateMatch,
    _day_range_parts,
    _match,
    _mk_date,
    _month_end,
    _v_day_range,
)

# The files of the dates rule: this module, its grammar and values, the text helpers they
# call and its word lists.
SOURCES = (
    Path(__file__),
    Path(__file__).parent / "dates_grammar.py",
    Path(__file__).parent / "dates_values.py",
    Path(__file__).parent.parent / "text.py",
    _DATA_DIR,
)
# The version in every date mention's extractor column: a hash of the rule's code and data.
RULES_VERSION = code_version(*SOURCES)

log = logging.getLogger(__name__)

# resolve_yearless: a yearless date is given the year of its anchor only if it falls at most
# this many days before the anchor (a past reference in the post); later dates stay unresolved.
_RESOLVE_WINDOW_DAYS = 183
_DATELINE_MAX_LINE = 80
# Years in a table header row (see _year_columns): blanks between them, then the line ends.
_BLANKS_RE = re.compile(r"[ \t\u00a0]+")
_ROW_END_RE = re.compile(r"[ \t\u00a0]*(?:\n|\t|\Z)")
_DIGIT_START_RE = re.compile(r"(?<!\d)\d")

# Small patterns used by the context checks (compiled once).
_LINE_START_RE = re.compile(r"(?:^|\n)[^\S\n]*(?:[-\u2022*\u2013][^\S\n]*)?\Z")
_HEADING_TAIL_RE = re.compile(rf"{_SP}*(?::|{_DASH}{_SP})")
_LINE_END_RE = re.compile(rf"{_SP}*(?:\n|\Z)")
# "2016's film": a year in the possessive ("the 1990's" is a decade)
_POSSESSIVE_RE = re.compile(r"['\u2019]s(?=[ \t\u00a0]+[^\W\d_])")
_DECADE_DET_RE = re.compile(r"(?<!\w)the[ \t\u00a0]+\Z", re.IGNORECASE)
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
        elif follows and g.year_event_of_re.search(text, max(0, s - 60), s):
            start, rule = s, "dates.year_after_event"  # "la crise de 2008", "the war of 1812"
        elif _POSSESSIVE_RE.match(text, e) and not _DECADE_DET_RE.search(prev):
            start, rule = s, "dates.year_possessive"  # "2016's Star Trek Beyond"
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
    if gap.group("cand") and (cue is None or fold_case(cue) not in g.range_and_cues):
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
    blocked = web_address_spans(text)  # numbers inside them are never dates
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
                weekday = g.weekday_index.get(fold_case(wd.group(0))) if wd else None
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
