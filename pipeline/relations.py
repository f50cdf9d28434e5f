"""Relations: which organisation a place, a date, a figure or another organisation belongs to.

A researcher asks "which organisations work where, since when, with how much
money". The entity tables answer "what is mentioned"; this module links each
place, date, figure and organisation mention to the organisation the text
attaches it to, with the evidence (the sentence, table row or list item) and the
method that made the link, so that every row can be checked by reading it.

Attachment follows the document's structure before its sentences:

1. the unit of evidence is a table row ("Fondation X | Belgique | 45 000"), a
   list item or a form field ("Partenaire : X") when the target sits on such a
   line, else the sentence;
2. a unit that starts with an organisation is about it: every target of the
   unit goes to that organisation (`table_row`, `list_item`, `form_field`), and
   the other organisations of the unit are linked to it;
3. a sentence whose subject stands for an organisation ("L'association a
   atteint 5 000 bénéficiaires", "It works in three districts", "Elle …") goes
   to the organisation of the section it sits in, the one named by the heading
   above it (`section`), or else to the subject of the sentence before it in
   the same paragraph (`coreference`);
4. otherwise a sentence with organisations gives each target to the nearest
   organisation before it, or after it when none precedes (`sentence`); a
   sentence with none, under a heading that names one, goes to it (`section`).

The label (`based_in`, `works_in`, `founded`, `amount`, `beneficiaries`,
`funded_by`, `partner_of`, else `mentioned_with`) comes from cue words in the
evidence (`rules/data/relations/cues.json`, French and English) and, for
figures, from the unit: a currency is an `amount`, a count of people helped is
`beneficiaries`. The score says how direct the attachment is: a one-organisation
table row or list item is surer than the nearest organisation of a long
sentence. Limits: no dependency parse, so "X and Y work in Z" gives Z to Y
only; a heading's organisation rules its section until the next heading.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from .config import PACKAGE, code_version

DATA = PACKAGE / "rules" / "data" / "relations"


@cache
def version() -> str:
    """Hash of this module and its cue words: changes exactly when the rules do."""
    return code_version(PACKAGE / "relations.py", DATA)


def extractor(method: str) -> str:
    return f"rule:relations.{method}@{version()}"


# Scores: how direct each kind of attachment is (checked against the gold of
# eval/gold/tune; a row's score orders rows, it is not a probability).
SCORES = {
    "table_row": 0.9,
    "list_item": 0.85,
    "form_field": 0.85,
    "sentence": 0.8,
    "sentence_nearest": 0.6,
    "section": 0.7,
    "coreference": 0.6,
    "owner": 0.6,
}

_TABLE_ROW = re.compile(r"\t|\s\|\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-•*·–—▪►✓➢○◦]|\(?\d{1,2}[.)]|[a-z][.)])\s+")
_FORM_FIELD = re.compile(r"^\s*[A-ZÀ-Ý][\w'’ /-]{1,30}?\s?:\s+\S")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\"'’)\]]*\s+(?=[«\"(\[]?[A-ZÀ-ÖØ-Þ0-9•\-–])|\n")
_HEADING_END = re.compile(r"[.!?;,:]\s*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Between two items of one list of targets: commas, "et", "and".
_COORDINATION = re.compile(r"^[\s,;/]*(?:(?:et|and|ou|or|&)\s+)?(?:(?:à|a|en|au|aux|in|at)\s+)?$")
_ABBREVIATION = re.compile(r"(?:\b\w\.){2,}$")
# How far before a place or a date its cue may stand ("basée en RDC et opérant dans …").
_CUE_WINDOW = 80


@dataclass(frozen=True, slots=True)
class Unit:
    """A span of the text that is read as one piece of evidence."""

    start: int
    end: int
    method: str  # sentence | table_row | list_item | form_field
    segment: int


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
        "organisation": {label: alternation(w) for label, w in raw["organisation"].items()},
        "first_person": re.compile(
            r"(?<!\w)(?:" + "|".join(raw["subject"]["first_person"]) + r")(?!\w)", re.I
        ),
        "subject": re.compile(
            r"^\W*(?:" + "|".join(raw["subject"]["fr"] + raw["subject"]["en"]) + r")(?!\w)", re.I
        ),
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
            if _TABLE_ROW.search(content):
                units.append(Unit(a, b, "table_row", seg["segment"]))
            elif _LIST_ITEM.match(content):
                units.append(Unit(a, b, "list_item", seg["segment"]))
            elif _FORM_FIELD.match(content) and len(content) < 200:
                units.append(Unit(a, b, "form_field", seg["segment"]))
            else:
                pos = 0
                for end in _SENTENCE_END.finditer(content):
                    if content[pos : end.start()].strip():
                        units.append(Unit(a + pos, a + end.start(), "sentence", seg["segment"]))
                    pos = end.end()
                if content[pos:].strip():
                    units.append(Unit(a + pos, b, "sentence", seg["segment"]))
    return units


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


def section_orgs(
    text: str, segments: list[dict], orgs: list[Mention]
) -> list[tuple[int, str | None]]:
    """(start offset, org_id or None) for each section: the organisation its heading names.

    A heading that names no organisation closes the section before it, so that
    "Our projects" after a partner's paragraph does not inherit that partner.
    """
    out: list[tuple[int, str | None]] = []
    for i, seg in enumerate(segments):
        if not is_heading(text, seg, segments[i + 1] if i + 1 < len(segments) else None):
            continue
        named = [m for m in orgs if seg["start"] <= m.start and m.end <= seg["end"]]
        out.append((seg["start"], named[0].key if named else None))
    return out


def _section_org(sections: list[tuple[int, str | None]], offset: int) -> str | None:
    i = bisect_right([s for s, _ in sections], offset) - 1
    return sections[i][1] if i >= 0 else None


# --------------------------------------------------------------------- labels


def relation_label(kind: str, target: Mention, unit_text: str, before: str) -> str:
    """The verb-like label the evidence states, else `mentioned_with`."""
    c = cues()
    if kind == "place":
        # the cue nearest the place: "basée en RDC et opérant dans le Lualaba"
        last = {
            label: max((m.end() for m in pattern.finditer(before)), default=-1)
            for label, pattern in c["place"].items()
        }
        label, end = max(last.items(), key=lambda item: item[1])
        if end >= 0:
            return label
    elif kind == "date":
        if c["founded"].search(before):
            return "founded"
    elif kind == "figure":
        unit = (target.row.get("unit") or "").lower()
        if _CURRENCY.match(target.row.get("unit") or ""):
            return "amount"
        # people counted by a verb of helping: "a atteint 5 000 bénéficiaires", "helped 300 families"
        if unit in c["people"] and (
            unit.startswith(("bénéf", "benef")) or c["beneficiaries"].search(unit_text)
        ):
            return "beneficiaries"
    elif kind == "organisation":
        for label in ("funded_by", "partner_of"):
            if c["organisation"][label].search(unit_text):
                return label
    return "mentioned_with"


# --------------------------------------------------------------------- attachment


def _target_fields(target: Mention) -> dict:
    row = target.row
    if target.kind == "place":
        return {"target": row["name"], "target_id": target.key}
    if target.kind == "organisation":
        return {"target": row["name"], "target_id": target.key}
    if target.kind == "date":
        return {
            "target": _iso(row),
            "start": row["start"],
            "end": row["end"],
            "granularity": row["granularity"],
        }
    return {"target": row["text"], "value": row["value"], "unit": row["unit"]}


def _iso(row: dict) -> str | None:
    start, end, granularity = row["start"], row["end"], row["granularity"]
    if start is None:
        return None
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(granularity or "day", "%Y-%m-%d")
    a, b = start.strftime(fmt), (end or start).strftime(fmt)
    return a if a == b else f"{a}/{b}"


OWNER_DEFAULT = True


def page_owner(orgs: list[Mention]) -> str | None:
    """The organisation the page speaks for ("we", "nous"): the one it names most,
    the first named on ties (site chrome and titles come first)."""
    if not orgs:
        return None
    counts: dict[str, int] = {}
    for m in orgs:
        counts[m.key] = counts.get(m.key, 0) + 1
    return max(counts, key=lambda k: counts[k])  # dicts keep first-seen order on ties


def _subject(unit, unit_text, head, unit_orgs, sections, previous_subject):
    """The organisation a unit is about, with the method and score that found it."""
    if unit.method != "sentence" and head is not None:
        return head.key, unit.method, SCORES[unit.method]
    if unit.method == "sentence" and cues()["subject"].match(unit_text):
        section = _section_org(sections, unit.start)
        if section is not None:
            return section, "section", SCORES["section"]
        if previous_subject and previous_subject[0] == unit.segment:
            return previous_subject[1], "coreference", SCORES["coreference"]
    if not unit_orgs and unit.method == "sentence":
        section = _section_org(sections, unit.start)
        if section is not None:
            return section, "section", SCORES["section"]
    if len({o.key for o in unit_orgs}) == 1 and unit.method != "sentence":
        return unit_orgs[0].key, unit.method, SCORES[unit.method] - 0.1
    if len({o.key for o in unit_orgs}) == 1:
        return unit_orgs[0].key, "sentence", SCORES["sentence"]
    return None, unit.method, 0.0


def relations_for_document(
    doc_id: str,
    text: str,
    segments: list[dict],
    mentions: list[Mention],
    org_names: dict[str, str],
) -> list[dict]:
    """Every link of one document, one row per (organisation, target mention)."""
    segments = sorted(segments, key=lambda s: s["start"])
    orgs = sorted((m for m in mentions if m.kind == "organisation"), key=lambda m: m.start)
    targets = sorted(mentions, key=lambda m: m.start)
    sections = section_orgs(text, segments, orgs)
    rows: list[dict] = []
    seen: set[tuple] = set()
    previous_subject: tuple[int, str] | None = None  # (segment, org_id) of the last sentence
    previous_end = [0]  # where the last target emitted ends

    def emit(org_id: str, target: Mention, unit: Unit, method: str, score: float) -> None:
        if target.kind == "organisation" and target.key == org_id:
            return
        unit_text = text[unit.start : unit.end]
        before = text[max(unit.start, target.start - _CUE_WINDOW) : target.start]
        key = (org_id, target.kind, target.key, unit.start)
        if key in seen:
            return
        seen.add(key)
        label = relation_label(target.kind, target, unit_text, before)
        previous = rows[-1] if rows else None
        if (
            label == "mentioned_with"
            and previous is not None
            and previous["evidence_start"] == unit.start
            and (previous["org_id"], previous["kind"]) == (org_id, target.kind)
            and _COORDINATION.match(text[previous_end[0] : target.start])
        ):
            label = previous["relation"]  # "opérant à Fungurume, Kolwezi et Sakania"
        previous_end[0] = target.end
        rows.append(
            {
                "doc_id": doc_id,
                "org_id": org_id,
                "organisation": org_names.get(org_id, ""),
                "kind": target.kind,
                "target": None,
                "target_id": None,
                "value": None,
                "unit": None,
                "start": None,
                "end": None,
                "granularity": None,
                **_target_fields(target),
                "relation": label,
                "evidence_start": unit.start,
                "evidence_end": unit.end,
                "evidence": unit_text.strip(),
                "method": method,
                "score": score,
                "extractor": extractor(method),
            }
        )

    owner = page_owner(orgs)
    first_person = cues()["first_person"]
    for unit in units_of(text, segments):
        inside = [t for t in targets if unit.start <= t.start and t.end <= unit.end]
        if not inside:
            continue
        unit_orgs = [t for t in inside if t.kind == "organisation"]
        unit_text = text[unit.start : unit.end]
        lead = unit_text[: len(unit_text) - len(unit_text.lstrip(" \t-•*·–—▪►✓➢○◦0123456789.)("))]
        head = (
            unit_orgs[0] if unit_orgs and unit_orgs[0].start <= unit.start + len(lead) + 2 else None
        )
        subject, method, score = _subject(
            unit, unit_text, head, unit_orgs, sections, previous_subject
        )
        speaks = owner is not None and first_person.search(unit_text)
        if speaks and (subject is None or (method == "section" and not unit_orgs)):
            # "we" is the page's own organisation, even under a partner's heading
            subject, method, score = owner, "owner", SCORES["owner"]
        elif subject is None and owner is not None and not unit_orgs and OWNER_DEFAULT:
            subject, method, score = owner, "owner", SCORES["owner"] - 0.2
        if subject is not None:
            for target in inside:
                emit(subject, target, unit, method, score)
            previous_subject = (unit.segment, subject)
        # the organisations the unit names take what stands near them too
        for target in inside:
            if target.kind == "organisation":
                continue
            before = [o for o in unit_orgs if o.end <= target.start and o.key != subject]
            after = [o for o in unit_orgs if o.start >= target.end and o.key != subject]
            if before:
                emit(before[-1].key, target, unit, unit.method, SCORES["sentence_nearest"])
            elif after and subject is None:
                emit(after[0].key, target, unit, unit.method, SCORES["sentence_nearest"] - 0.1)
        if unit_orgs and subject is None:
            first = unit_orgs[0]
            for other in unit_orgs[1:]:
                emit(first.key, other, unit, unit.method, SCORES["sentence_nearest"])
            previous_subject = (unit.segment, first.key)
    return rows


def mentions_of(
    mentions: list[dict],
    places: dict[str, dict],
    dates: list[dict],
    figures: list[dict],
    orgs: dict[str, dict],
) -> list[Mention]:
    """The document's entity mentions as Mentions, from the processed tables' rows."""
    out = []
    for m in mentions:
        if m["label"] == "ORG" and m["entity_id"] in orgs:
            out.append(
                Mention(
                    m["start_offset"],
                    m["end_offset"],
                    "organisation",
                    m["entity_id"],
                    orgs[m["entity_id"]],
                )
            )
        elif m["label"] == "LOC" and m["entity_id"] in places:
            out.append(
                Mention(
                    m["start_offset"],
                    m["end_offset"],
                    "place",
                    m["entity_id"],
                    places[m["entity_id"]],
                )
            )
    out += [
        Mention(r["start_offset"], r["end_offset"], "date", f"date-{i}", r)
        for i, r in enumerate(dates)
    ]
    out += [
        Mention(r["start_offset"], r["end_offset"], "figure", f"figure-{i}", r)
        for i, r in enumerate(figures)
    ]
    return out


# --------------------------------------------------------------------- tables


def build(processed, interim) -> list[dict]:
    """Relations of every document, from the processed entity tables and the texts."""
    import pyarrow.parquet as pq

    from .schemas import DOCUMENTS_RAW, SEGMENTS
    from .storage import Dataset
    from .tables import ByDoc

    def table(name: str, columns: list[str] | None = None):
        return ByDoc(pq.read_table(processed / f"{name}.parquet", columns=columns))

    mentions = table("mentions", ["doc_id", "start_offset", "end_offset", "label", "entity_id"])
    organisations = table("organisations", ["doc_id", "org_id", "name"])
    places = table("places", ["doc_id", "place_id", "name"])
    dates = table("dates")
    figures = table("figures")
    segments = ByDoc(
        Dataset(interim / "segments.parquet", SEGMENTS).read(["doc_id", "segment", "start", "end"])
    )
    wanted = set(organisations.spans)
    documents = Dataset(interim / "documents.parquet", DOCUMENTS_RAW, key="doc_id")
    rows: list[dict] = []
    for batch in documents.iter_batches(["doc_id", "text", "status"]):
        for doc in batch.to_pylist():
            doc_id = doc["doc_id"]
            if doc_id not in wanted or doc["status"] != "ok":
                continue
            orgs = {r["org_id"]: r for r in organisations.rows(doc_id)}
            doc_places = {r["place_id"]: r for r in places.rows(doc_id)}
            found = mentions_of(
                mentions.rows(doc_id), doc_places, dates.rows(doc_id), figures.rows(doc_id), orgs
            )
            names = {org_id: r["name"] for org_id, r in orgs.items()}
            rows += relations_for_document(doc_id, doc["text"], segments.rows(doc_id), found, names)
            wanted.discard(doc_id)  # a duplicate row of the same doc_id is not read twice
    return rows
