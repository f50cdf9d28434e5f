"""Patterns that can match only where one of their words starts, searched from there only.

A regular expression that opens with a long alternation of words ("village|ville|
province|...", "app|software|logiciel|..."), all the more a case-insensitive one, is
slow in Python's engine: it tries every word at every character of the page. The
places where one of the words starts are found with `str.find` instead, and the pattern
is matched at those places only. `WordStarts.finditer` gives the matches that
``pattern.finditer(text)`` gives (tests/test_rule_speed.py compares them).

The condition, which the caller guarantees: every match of the pattern starts with the
leading letters of one of `words` (compared case-insensitively with `ignore_case`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_LEADING_LETTERS = re.compile(r"[^\W\d_]+")
# Characters that a case-insensitive pattern matches to a Latin letter although their
# lower case is another character (dotless i, long s) or two characters (dotted capital
# I): a text that holds one is read with the pattern alone.
_OTHER_CASES = frozenset("ıſİ")


class WordStarts:
    """`pattern`, searched only where one of `words` starts in the text."""

    def __init__(self, pattern: re.Pattern[str], words: Iterable[str], ignore_case: bool) -> None:
        self.pattern = pattern
        self.ignore_case = ignore_case
        leads = set()
        for word in words:
            lead = _LEADING_LETTERS.match(word)
            if lead is None:
                raise ValueError(f"{word!r} does not start with a letter")
            leads.add(lead.group().lower() if ignore_case else lead.group())
        # a word that starts with another is found where the other is
        self.leads = sorted(w for w in leads if not any(o != w and w.startswith(o) for o in leads))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        searched = text
        if self.ignore_case:
            searched = text.lower()
            if len(searched) != len(text) or not _OTHER_CASES.isdisjoint(text):
                yield from self.pattern.finditer(text)
                return
        starts: set[int] = set()
        for lead in self.leads:
            i = searched.find(lead)
            while i >= 0:
                starts.add(i)
                i = searched.find(lead, i + 1)
        end = 0
        for i in sorted(starts):
            if i < end:  # inside the last match: finditer goes on from its end
                continue
            m = self.pattern.match(text, i)
            if m is not None:  # never empty: it holds a word
                yield m
                end = m.end()
