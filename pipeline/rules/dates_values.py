"""The dates rule's values: what a match is and how a pattern's match becomes a date.

Part of the dates rule (``dates.py`` says what a date is; ``dates_grammar.py`` builds the
patterns). Each validator takes (grammar, text, match, rule, range cue found before the match
or None) and returns a ``DateMatch``, None (not a date) or ``_IMPOSSIBLE``. The names that
start with an underscore are shared by the dates modules only.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..text import fold_case

if TYPE_CHECKING:
    from .dates_grammar import _Grammar


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


# Bare years accepted from context; explicit calendar forms (with a month) accept 1000-2100.
_YEAR_MIN, _YEAR_MAX = 1800, 2100
_CAL_YEAR_MIN = 1000
_APOS = "['\u2019\u02bc]"
_HYPHENS_RE = re.compile(r"[\s\-\u2010\u2011]+")


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
        return cue is not None and fold_case(cue) in g.range_and_cues
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
        first = g.decade_words.get(_HYPHENS_RE.sub("-", fold_case(gd["word"])))
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
