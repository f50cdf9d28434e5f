"""Relations: the units of evidence of a page and the cue words that read them.

Part of the relations rule (pipeline/relations.py, whose version hashes this
file): how a page is cut into units of evidence (table rows, list items, form
fields, sentences), which of its lines are menus or headings, which organisation
each table row is about, and which organisations a "Nos partenaires" / "Our
funders:" list names. The cue words (`rules/data/relations/cues.json`) are read
here once for the whole rule.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from .config import PACKAGE
from .segment import SENTENCE_END

DATA = PACKAGE / "rules" / "data" / "relations"

_TABLE_ROW = re.compile(r"\t|\s\|\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-•*·–—▪►✓➢○◦]|\(?\d{1,2}[.)]|[a-z][.)])\s+")
_FORM_FIELD = re.compile(r"^\s*[A-ZÀ-Ý][\w'’ /-]{1,30}?\s?:\s+\S")
# the segmenter's sentence end, or a line break (a unit never runs across lines)
_SENTENCE_END = re.compile(SENTENCE_END.pattern + r"|\n")
# A "row" longer than this is a page flattened around a stray bar, not a table row.
_ROW_CHARS = 300
_HEADING_END = re.compile(r"[.!?;,:]\s*$")
_ABBREVIATION = re.compile(r"(?:\b\w\.){2,}$")


@dataclass(frozen=True, slots=True)
class Unit:
    """A span of the text that is read as one piece of evidence."""

    start: int
    end: int
    method: str  # sentence | table_row | list_item | form_field
    segment: int
    part: str | None = None  # the segment's part: main, comments, chrome, table...


@dataclass(frozen=True, slots=True)
class Mention:
    """An organisation, place, date or figure at its offsets, with what it refers to."""

    start: int
    end: int
    kind: str  # organisation | place | date | figure
    key: str  # org_id, place_id, or an index into the date/figure rows
    row: dict


@cache
def cues() -> dict:
    raw = json.loads((DATA / "cues.json").read_text(encoding="utf-8"))

    def alternation(words: list[str]) -> re.Pattern:
        return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.I)

    return {
        "place": {label: alternation(words) for label, words in raw["place"].items()},
        "founded": alternation(raw["date"]["founded"]),
        "beneficiaries": alternation(raw["figure"]["beneficiaries"]),
        "people": frozenset(w.lower() for w in raw["figure"]["beneficiaries_units"]),
        "measures": frozenset(w.lower() for w in raw["figure"]["measures"]),
        # a clause starts after ; : ( ) [ ] a dash between spaces, a comma, or at a
        # relative pronoun (which stays at the start of its clause)
        "clause": re.compile(
            r"[;:()\[\]]|\s[—–-]\s|,\s|(?<=\s)(?=(?:"
            + "|".join(raw["clause"]["relative"])
            + r")(?!\w))",
            re.I,
        ),
        "relative": re.compile(r"^\W*(?:" + "|".join(raw["clause"]["relative"]) + r")(?!\w)", re.I),
        # the object words right before an organisation: "avec l'", "funded by the"
        "object": re.compile(
            r"(?<!\w)(?:" + "|".join(raw["clause"]["object"]) + r")\s+"
            r"(?:(?:l['’]|le|la|les|du|des|de|d['’]|the|an?)\s*)?(?:\w+\s+)?$",
            re.I,
        ),
        # what may stand between two organisations that are one subject: "X et l'ONG Y"
        "conjunction": re.compile(
            r"^\s*,?\s*(?:" + "|".join(raw["clause"]["conjunction"]) + r")\s+"
            r"(?:(?:l['’]|le|la|les|the)\s*)?(?:\w+\s+)?$",
            re.I,
        ),
        "organisation_column": re.compile(
            r"^\W*(?:" + "|".join(raw["table"]["organisation_column"]) + r")\W*$", re.I
        ),
        "organisation": {label: alternation(w) for label, w in raw["organisation"].items()},
        "first_person": re.compile(
            r"(?<!\w)(?:" + "|".join(raw["subject"]["first_person"]) + r")(?!\w)", re.I
        ),
        "first_person_object": frozenset(w.lower() for w in raw["subject"]["first_person_object"]),
        "pronoun": re.compile(
            r"\W*(?:" + "|".join(raw["subject"]["fr"] + raw["subject"]["en"]) + r")(?!\w)", re.I
        ),
        "about": re.compile(r"^\W*(?:" + "|".join(raw["owner"]["about"]) + r")(?!\w)", re.I),
        "copyright": re.compile(
            r"(?:" + "|".join(raw["owner"]["copyright"]) + r")\s*(?:\d{4}\s*[-–]\s*)?(?:\d{4})?"
            r"\s*[-–,]?\s*([^\n.|]{2,80})",
            re.I,
        ),
        "copyright_line": re.compile(r"^\W*(?:" + "|".join(raw["owner"]["copyright"]) + r")", re.I),
        "partner_list": {
            label: alternation(words)
            for label, words in raw["partner_list"].items()
            if not label.startswith("_")
        },
    }


# --------------------------------------------------------------------- structure


def units_of(text: str, segments: list[dict]) -> list[Unit]:
    """The units of evidence of a document, in order: rows, items, fields, sentences."""
    units: list[Unit] = []
    for seg in segments:
        start = seg["start"]
        for line in re.finditer(r"[^\n]+", text[seg["start"] : seg["end"]]):
            a, b = start + line.start(), start + line.end()
            content = line.group()
            if not content.strip():
                continue
            where = (seg["segment"], seg.get("part"))
            if _TABLE_ROW.search(content) and len(content) <= _ROW_CHARS:
                units.append(Unit(a, b, "table_row", *where))
            elif _LIST_ITEM.match(content):
                units.append(Unit(a, b, "list_item", *where))
            elif _FORM_FIELD.match(content) and len(content) < 200:
                units.append(Unit(a, b, "form_field", *where))
            else:
                pos = 0
                for end in _SENTENCE_END.finditer(content):
                    if content[pos : end.start()].strip():
                        units.append(Unit(a + pos, a + end.start(), "sentence", *where))
                    pos = end.end()
                if content[pos:].strip():
                    units.append(Unit(a + pos, b, "sentence", *where))
    return units


# A line of a site's menu: a few words from a letter on, no sentence punctuation
# ("Projets", "Le mot du président - octobre 2020"; not "30+", a figure's line).
_MENU_LINE = re.compile(r"^[^\W\d_][^.,;:|\t•]{0,60}$")
_MENU_RUN = 4


def navigation(text: str) -> list[tuple[int, int]]:
    """The spans of a page's menus: runs of at least four short lines in a row
    ("Accueil / Qui sommes-nous / Nos actions au Sénégal / Faire un don"), each a
    link's label, not a statement ("Holiday in France for us" says nothing of
    where the page's owner works). A run right after a line that ends with a colon
    is the list that line introduces ("Nous intervenons dans ces régions :")."""
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    introduced = False
    previous = ""
    offset = 0
    for line in [*text.split("\n"), ""]:  # a blank line at the end closes the last run
        content = line.strip()
        if content and len(content.split()) <= 8 and _MENU_LINE.match(content):
            if not run:
                introduced = previous.endswith(":")
            run.append((offset, offset + len(line)))
        else:  # any other line, a blank one too, ends the run
            if len(run) >= _MENU_RUN and not introduced:
                out.append((run[0][0], run[-1][1]))
            run = []
        previous = content or previous
        offset += len(line) + 1
    return out


def _within(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect_right([a for a, _ in spans], offset) - 1
    return i >= 0 and offset < spans[i][1]


def is_heading(text: str, seg: dict, next_seg: dict | None) -> bool:
    """A short line without final punctuation, followed by more text: a heading."""
    content = text[seg["start"] : seg["end"]].strip()
    if not content or "\n" in content or next_seg is None:
        return False
    words = content.split()
    if len(content) > 100 or len(words) > 12:
        return False
    # final punctuation ends a sentence, except after an abbreviation ("A.F.A.")
    if _HEADING_END.search(content) and not (len(words) <= 3 and _ABBREVIATION.search(content)):
        return False
    return not (_TABLE_ROW.search(content) or _FORM_FIELD.match(content))


class _Within:
    """The mentions that lie within a range, in their list's order, for many ranges: a
    binary search over their starts, where a scan of every mention per line, sentence
    or heading made a long page quadratic."""

    def __init__(self, mentions: list[Mention]) -> None:
        self._mentions = mentions
        self._order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self._starts = [mentions[i].start for i in self._order]

    def __call__(self, start: int, end: int) -> list[Mention]:
        """The mentions m with start <= m.start and m.end <= end."""
        lo, hi = bisect_left(self._starts, start), bisect_right(self._starts, end)
        picked = sorted(i for i in self._order[lo:hi] if self._mentions[i].end <= end)
        return [self._mentions[i] for i in picked]


_ITEM_LEAD = " \t-•*·–—▪►✓➢○◦0123456789.)("


# --------------------------------------------------------------------- tables


def _cells(text: str, unit: Unit) -> list[tuple[int, int]]:
    """The (start, end) of each cell of a table row."""
    out, start = [], unit.start
    for sep in _TABLE_ROW.finditer(text, unit.start, unit.end):
        out.append((start, sep.start()))
        start = sep.end()
    return [*out, (start, unit.end)]


def table_subjects(text: str, units: list[Unit], orgs: list[Mention]) -> dict[int, Mention | None]:
    """The organisation of each table row (by the row's start): one per row.

    A table is a run of rows with nothing but blank space between them. Its
    organisations stand in one column: the one whose header cell names it
    ("Asso", "Partner", "Donor"), else the one in which most rows name an
    organisation. A row's organisation is the one in that column: another cell's
    is a project or a place read as an organisation ("Jardin Solidaire"). In a
    table without such a column, a row that names a single organisation is
    that organisation's; one that names several, or none, is nobody's.
    """
    tables: list[list[Unit]] = []
    for unit in units:
        if unit.method != "table_row":
            continue
        last = tables[-1][-1] if tables else None
        if last is not None and not text[last.end : unit.start].strip():
            tables[-1].append(unit)
        else:
            tables.append([unit])
    header_cue = cues()["organisation_column"]
    out: dict[int, Mention | None] = {}
    for rows in tables:
        cells = [_cells(text, row) for row in rows]
        in_rows = [[m for m in orgs if row.start <= m.start and m.end <= row.end] for row in rows]

        def column(m: Mention, row_cells: list[tuple[int, int]]) -> int:
            return next((i for i, (a, b) in enumerate(row_cells) if a <= m.start < b), -1)

        named = (
            [i for i, (a, b) in enumerate(cells[0]) if header_cue.match(text[a:b])]
            if not in_rows[0]
            else []
        )
        counts: dict[int, int] = {}
        for row_orgs, row_cells in zip(in_rows, cells, strict=True):
            for col in {column(m, row_cells) for m in row_orgs}:
                counts[col] = counts.get(col, 0) + 1
        best = max(counts, key=counts.get) if counts else -1
        org_column = named[0] if named else (best if counts.get(best, 0) >= 2 else -1)
        for row, row_orgs, row_cells in zip(rows, in_rows, cells, strict=True):
            in_column = [m for m in row_orgs if column(m, row_cells) == org_column]
            if in_column:
                out[row.start] = in_column[0]
            elif org_column < 0 and len({m.key for m in row_orgs}) == 1:
                out[row.start] = row_orgs[0]
            else:
                out[row.start] = None
    return out


def partner_items(
    text: str, segments: list[dict], mentions: list[Mention]
) -> list[tuple[Mention, str, Unit]]:
    """(organisation, label, its line) for each organisation listed under a line that
    introduces partners or funders ("Nos partenaires", "Our funders:", "Thank you so
    much to:", "Partenaires : A, B").

    The list runs from the introducing line to the next heading that names no
    organisation and starts no record (a heading followed by a `Label: value` line
    or a card is one of the list's items even when its name was not recognised).
    An organisation belongs to the list when it heads a line of it; inline, every
    organisation after the colon does.
    """
    c = cues()["partner_list"]
    orgs = [m for m in mentions if m.kind == "organisation"]
    orgs_within = _Within(orgs)
    out: list[tuple[Mention, str, Unit]] = []
    label: str | None = None
    for i, seg in enumerate(segments):
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        content = text[seg["start"] : seg["end"]]
        heading = is_heading(text, seg, nxt)
        named = orgs_within(seg["start"], seg["end"])
        if label and heading and not named:
            after = text[nxt["start"] : nxt["end"]] if nxt else ""
            if not (_FORM_FIELD.match(after) or "\n" in after[:80]):
                label = None
        for line in re.finditer(r"[^\n]+", content):
            a, b = seg["start"] + line.start(), seg["start"] + line.end()
            opener = (
                line.group().rstrip().endswith(":") or heading or _FORM_FIELD.match(line.group())
            )
            found = next((lab for lab, cue in c.items() if cue.search(line.group()[:80])), None)
            if opener and found and len(line.group()) < 200:
                colon = line.group().find(":")
                label = found
                if colon >= 0 and line.group()[colon + 1 :].strip():
                    out += [
                        (m, found, Unit(a, b, "partner_list", seg["segment"]))
                        for m in orgs_within(a + colon + 1, b)
                    ]
                continue
            if label is None:
                continue
            lead = len(line.group()) - len(line.group().lstrip(_ITEM_LEAD))
            out += [
                (m, label, Unit(a, b, "partner_list", seg["segment"]))
                for m in orgs_within(a + lead, b)
                if m.start <= a + lead + 2
            ]
    return out
