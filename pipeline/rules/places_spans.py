"""Where place names start and end: spans cut at breaks, capitalised runs, enumerations.

Part of the place rules (``places.py`` decides which spans are places). The names that start
with an underscore are shared by the places modules only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from .places_evidence import _EDGE, _compass_words, _lookup, sureness

# ------------------------------------------------------------------- run-together spans

# Where one name cannot go on: a line break, a tab, a cell bar, a bullet, a middle dot.
_BREAK = re.compile(r"\s*(?:\n|\t|\s\|\s|\|\s|\s\||[•·▪●◦])\s*")


# A dash with a space on each side separates two names or a name and a title ("Beni –
# Lubero", "Argenteuil - Projet de chantier"); a hyphen inside a word never does.
_SPACED_DASH = re.compile(r"\s+[-–—]\s+")


def split_run_together(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a span at line breaks, tabs, " | " cell separators, list bullets and spaced
    dashes.

    "Namur (Wallonie)\\tGoma, RDC" -> "Namur (Wallonie)", "Goma, RDC"; "Beni – Lubero" ->
    "Beni", "Lubero". A hyphen inside a word is not a break ("Saint-Jean-de-Luz"), nor
    a dash after a compass word ("North – Kivu"). A part keeps a bracket only when it
    holds both ends of it. Parts with no letter are dropped.
    """
    parts = []
    cursor = start
    breaks = [*_BREAK.finditer(text, start, end), *_SPACED_DASH.finditer(text, start, end)]
    for m in sorted(breaks, key=lambda m: m.start()):
        if m.start() < cursor:
            continue
        dash = "\n" not in m.group(0) and m.group(0).strip() in "-–—"
        if dash and text[cursor : m.start()].strip(_EDGE).lower() in _compass_words():
            continue  # "North – Kivu"
        parts.append((cursor, m.start()))
        cursor = m.end()
    parts.append((cursor, end))
    out = []
    for s, e in parts:
        while s < e and text[s] in _EDGE and not (text[s] == "(" and ")" in text[s:e]):
            s += 1
        while e > s and text[e - 1] in _EDGE and not (text[e - 1] == ")" and "(" in text[s:e]):
            e -= 1
        if e > s and any(ch.isalpha() for ch in text[s:e]):
            out.append((s, e))
    return out


# A capital preposition the model took into the span: "A Goudrin", "Au Burkina".
_LEADING_PREPOSITION = re.compile(r"^(?:À|A|Au|Aux|En|In|At|From|Dans)\s+(?=[A-ZÀ-Ý])")


# A distance the model took into the span: "Km de Dilafata", "5 miles from Gulu".
_LEADING_DISTANCE = re.compile(
    r"^(?:\d[\d.,]*\s*)?(?i:km|kms|kilom[eè]tres?|kilometers?|miles?)\s+"
    r"(?i:de|du|d['’]|from|of|outside)\s*(?=[A-ZÀ-Ý])"
)


def strip_leading_preposition(text: str, start: int, end: int) -> int:
    m = _LEADING_PREPOSITION.match(text[start:end]) or _LEADING_DISTANCE.match(text[start:end])
    return start + m.end() if m else start


_NAME_WORD = r"[A-ZÀ-ÖØ-Ý][\w'’&\-]*"


_WRAPPED_NAME = re.compile(
    r"[ \t]*\n?[ \t]*(?P<name>[A-ZÀ-ÖØ-Ý][\w'’\-]*(?:[ \t]+[A-ZÀ-ÖØ-Ý][\w'’\-]*)*)"
)


_COMPASS_BEFORE = re.compile(r"(?<![\w-])(?P<word>[A-Z][a-z]+)[ \t]*\n?[ \t]*$")


# A compass part written in lower case after the name: "l'Afrique de l'ouest",
# "Afrique centrale", "la Corne de l'Afrique" is found whole by the scan.
_LOWER_TAIL = re.compile(
    r"[ \t]+(?:de[ \t]+l['’]|du[ \t]+)?(?:ouest|est|nord|sud|centre|centrale|occidentale|"
    r"orientale|australe|septentrionale|méridionale|subsaharienne|sub-saharienne)\b"
)


def _with_tail(text: str, start: int, end: int) -> int:
    """The end of the place at text[start:end] with a lower-case compass part after it
    when the gazetteer knows the longer name as another place ("Afrique de l'ouest")."""
    tail = _LOWER_TAIL.match(text, end)
    if tail:
        longer = _lookup(text[start : tail.end()])
        if longer is not None and longer != _lookup(text[start:end]):
            return tail.end()
    return end


class _Spans:
    """Spans sorted by start, to look up those near an offset without a scan of all
    of them (a long page has thousands of names)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._items = sorted(spans)
        self._starts = [s for s, _ in self._items]
        self._longest = max((e - s for s, e in self._items), default=0)

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._items.insert(i, (start, end))
        self._longest = max(self._longest, end - start)

    def near(self, start: int, end: int, margin: int = 0) -> list[int]:
        """Indexes of the spans that may overlap [start - margin, end + margin)."""
        lo = bisect.bisect_left(self._starts, start - margin - self._longest)
        hi = bisect.bisect_right(self._starts, end + margin)
        return list(range(lo, hi))

    def overlaps(self, start: int, end: int) -> bool:
        return any(
            s < end and start < e for s, e in (self._items[i] for i in self.near(start, end))
        )

    def holds_more(self, start: int, end: int) -> bool:
        """Some span holds [start, end) and more: it covers it and is not the same span."""
        return any(
            s <= start and end <= e and (s, e) != (start, end)
            for s, e in (self._items[i] for i in self.near(start, end))
        )


# A name as the text writes it: capitalised words, with the connectors of place names
# ("Santa Maria de Jesus", "Delta du Saloum"), and a number or a capital letter that
# tells villages apart ("Diadiem 2", "Nam Chuey A").
_NAME_RUN = (
    rf"{_NAME_WORD}(?:[ \t]+(?:(?:de|du|des|del|la|le|of|the|d['’])[ \t]+)?{_NAME_WORD}){{0,5}}"
    r"(?:[ \t]+(?:\d{1,3}|[A-Z])\b)?"
)
_CAPITALISED_RUN = re.compile(_NAME_RUN)
_MAX_WORDS = 6


def scan(text: str) -> Iterator[tuple[int, int]]:
    """Candidate names in the text: runs of capitalised words on one line (with the
    connectors of place names), each cut into its sub-runs, longest first."""
    for m in _CAPITALISED_RUN.finditer(text):
        words = list(re.finditer(r"\S+", m.group(0)))
        n = len(words)
        for i in range(n):
            for j in range(min(n, i + _MAX_WORDS), i, -1):
                first, last = words[i].group(0), words[j - 1].group(0)
                if first[:1].isupper() and last[:1].isupper():
                    yield m.start() + words[i].start(), m.start() + words[j - 1].end()


def _compass_region(text: str, s: int, e: int) -> bool:
    """text[s:e] is a compass word then a known place: "Eastern Congo", "North Kivu"."""
    words = text[s:e].split(None, 1)
    return (
        len(words) == 2
        and words[0].lower() in _compass_words()
        and sureness(_lookup(words[1]), words[1], "en") == "sure"
    )


_JOINER = (
    r"[ \t]*(?:,|;|&|\bet\b|\band\b)[ \t\n]*(?:(?:et|and)[ \t]+)?"
    r"(?:(?:de|d['’]|du|des|à|au|aux|en|in|of)[ \t]*)?"
)
_JOINED_RIGHT = re.compile(rf"{_JOINER}(?P<name>{_NAME_RUN})")
_JOINED_LEFT = re.compile(rf"(?P<name>{_NAME_RUN}){_JOINER}$")


# A spaced dash joins two names ("Beni – Lubero") but also a name and a title
# ("Argenteuil - Projet"): only a name the gazetteer knows is taken across it.
_DASHED_RIGHT = re.compile(rf"[ \t]+[-–—][ \t]+(?P<name>{_NAME_RUN})")
_DASHED_LEFT = re.compile(rf"(?P<name>{_NAME_RUN})[ \t]+[-–—][ \t]+$")


def _joined_names(text: str, place: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """Capitalised names joined to a place by an enumeration: "Kasangali, Kaghando and
    Bughendero", "Diama, de Djoudj, et de Gandiole", and known places joined by a
    spaced dash ("Beni – Lubero")."""
    before = text[max(0, place[0] - 60) : place[0]]
    offset = place[0] - len(before)
    for pattern, known in ((_JOINED_RIGHT, False), (_DASHED_RIGHT, True)):
        right = pattern.match(text, place[1])
        if right and (not known or _lookup(right.group("name"))):
            yield right.start("name"), right.end("name")
    for pattern, known in ((_JOINED_LEFT, False), (_DASHED_LEFT, True)):
        left = pattern.search(before)
        if left and (not known or _lookup(left.group("name"))):
            yield offset + left.start("name"), offset + left.end("name")
