"""Spans of a page's text: where a literal stands as a whole word, sets of spans that
never overlap, and which of many spans overlap a range.

The organisation rules ask these questions once per name, per acronym and per card on
pages of any length; written as a pattern compiled per name, or as a scan of every span,
they made resolve quadratic on long pages. Here each answer is a `str.find` or a
bisection.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from functools import cache


@cache
def _edge(assertion: str) -> re.Pattern[str]:
    return re.compile(assertion)


def find_literal(
    text: str, literal: str, not_before: str = r"\w-", not_after: str = r"\w-"
) -> Iterator[tuple[int, int]]:
    """Where `literal` stands in `text` with no character of the class `not_before`
    just before it and none of `not_after` just after it.

    The spans of ``re.finditer(rf"(?<![{not_before}]){re.escape(literal)}(?![{not_after}])",
    text)``, found with `str.find`: a pattern compiled and run over the whole text
    for each name made resolve quadratic on long pages (a name per acronym, per
    card, per mention).
    """
    if not literal:
        yield from (
            (m.start(), m.end())
            for m in re.finditer(rf"(?<![{not_before}])(?![{not_after}])", text)
        )
        return
    before, after = _edge(rf"(?<![{not_before}])"), _edge(rf"(?![{not_after}])")
    size = len(literal)
    pos = text.find(literal)
    while pos >= 0:
        if before.match(text, pos) and after.match(text, pos + size):
            yield pos, pos + size
            pos = text.find(literal, pos + size)
        else:
            pos = text.find(literal, pos + 1)


class DisjointSpans:
    """Spans that never overlap one another (each added only where it is free), kept
    sorted: sorted by start, their ends rise too, so the one span that can overlap a
    new one is the last that starts before the new one ends, found by bisection where
    a scan of every span made long pages quadratic."""

    def __init__(self) -> None:
        self._sorted: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        """No span overlaps [start, end)."""
        i = bisect.bisect_left(self._sorted, (end, -1)) - 1  # the last span starting before end
        return i < 0 or self._sorted[i][1] <= start

    def add(self, start: int, end: int) -> None:
        assert self.free(start, end)
        bisect.insort(self._sorted, (start, end))


class SpanIndex:
    """Which of some spans overlap a range, asked for many ranges: starts sorted, with
    the greatest end so far beside each (the spans may overlap one another)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._max_end = list(itertools.accumulate((e for _, e in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Some span overlaps [start, end): it starts before `end` and ends after `start`."""
        k = bisect.bisect_left(self._starts, end)
        return k > 0 and self._max_end[k - 1] > start

    def holds(self, pos: int) -> bool:
        """Some span holds the position: it starts at or before it and ends after it."""
        return self.overlaps(pos, pos + 1)

    def covers(self, start: int, end: int) -> bool:
        """Some span covers [start, end): it starts at or before `start` and ends at or
        after `end`."""
        k = bisect.bisect_right(self._starts, start)
        return k > 0 and self._max_end[k - 1] >= end
