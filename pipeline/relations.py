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
2. a record is about the organisation it names: a table row goes to the
   organisation of its table's organisation column, a list item or form field
   to the one it starts with, and every target of the record is its
   (`table_row`, `list_item`, `form_field`);
3. a sentence is cut into clauses (no dependency parse: punctuation and
   relative pronouns stand for syntax); its anchors are the organisations it
   names (two joined by "et"/"and" are one), "we" (the page's owner) and a
   pronoun-like subject ("L'association", "It", "Elle": the organisation of the
   section's heading, or the subject of the sentence before). A target goes to
   the anchor before it in its clause, a relative clause to the name it
   follows, else to the sentence's subject; an organisation after "avec",
   "with", "funded by" is an object and scores less (`sentence`, `owner`,
   `section`, `coreference`);
4. a unit that names no one goes to the organisation of its section or card
   (`section`), else to the page's owner (`owner`), found by the page's
   structure (about line, copyright, site name, header) before counts, with a
   score that grows with the owner's share of the page; organisations listed
   under "Nos partenaires", "Our funders:" are the owner's partners or funders
   (`partner_list`);
5. chrome, menus, copyright notices state nothing; a reader's comment is not
   the owner's voice.

The label (`based_in`, `works_in`, `founded`, `amount`, `beneficiaries`,
`funded_by`, `partner_of`, else `mentioned_with`) comes from cue words in the
evidence (`rules/data/relations/cues.json`, French and English) and, for
figures, from the unit: a currency is an `amount`, a count of people helped is
`beneficiaries`. The score says how sure the attachment is (MIN_SCORE is the
default threshold the reports keep); docs/relations.md has the rules' figures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .config import PACKAGE, code_version
from .relations_owner import (
    _names,
    owner_default_score,
    page_owner,
)
from .relations_structure import (
    _HEADING_END,
    _ITEM_LEAD,
    DATA,
    Mention,
    Unit,
    _Within,
    _within,
    cues,
    is_heading,
    navigation,
    partner_items,
    table_subjects,
    units_of,
)
from .text import fold

# Every file of the rule: this module, the parts split out of it, the text helpers they
# call and the cue words. The link stage hashes the same (config.stage_inputs).
SOURCES = (
    PACKAGE / "relations.py",
    PACKAGE / "relations_structure.py",
    PACKAGE / "relations_owner.py",
    PACKAGE / "text.py",
    PACKAGE / "segment.py",
    DATA,
)


@cache
def version() -> str:
    """Hash of the rule's modules, the text helpers they call and its cue words: changes
    exactly when the rules do."""
    return code_version(*SOURCES)


def extractor(method: str) -> str:
    return f"rule:relations.{method}@{version()}"


# The default threshold: rows scored at least this are the relations the reports
# show and eval/relations_score.py scores by default (on the tune set it is the
# best balance of precision and recall; docs/relations.md has the curve). Every
# row stays in the table: a lower threshold trades precision for recall.
MIN_SCORE = 0.5

# Scores: how direct each kind of attachment is (checked against the gold of
# eval/gold/tune; a row's score orders rows, it is not a probability).
SCORES = {
    "table_row": 0.9,
    "list_item": 0.85,
    "form_field": 0.85,
    "partner_list": 0.8,
    "section": 0.75,
    "sentence": 0.7,
    "owner": 0.65,
    "clause": 0.6,
    "coreference": 0.45,
    "object": 0.4,
}
# An organisation the page names once is more often a passing mention or an
# extraction error than one it names again: its links score this much less.
ONCE = 0.2
# A sentence longer than this is a run-on sentence or a list flattened into one
# line: which of its names a target belongs to is a guess (on the tune set, 13 %
# of such links were right, against 59 % for shorter units).
LONG_UNIT = 300
LONG = 0.2
# A figure in a unit of measure or of time ("40 km", "250 L", "6 ans") describes
# a thing or a delay more often than what an organisation has or gives.
MEASURE = 0.2

_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Between two items of one list of targets: commas, "et", "and".
_COORDINATION = re.compile(r"^[\s,;/]*(?:(?:et|and|ou|or|&)\s+)?(?:(?:à|a|en|au|aux|in|at)\s+)?$")
# How far before a place or a date its cue may stand ("basée en RDC et opérant dans …").
_CUE_WINDOW = 80


def _ruled_by(text: str, start: int, end: int, mentions: list[Mention] | _Within) -> str | None:
    """The organisation a heading line is about: one it names that takes most of the
    line, the rest being places, dates, figures, punctuation or "about"
    ("Camp Lumière - Rwanda", "À propos de l'AMSS"), not a topic that happens to
    contain a name ("Résultats des votes au Centre")."""
    within = mentions if isinstance(mentions, _Within) else _Within(mentions)
    inside = within(start, end)
    orgs = [m for m in inside if m.kind == "organisation"]
    if not orgs:
        return None
    line = text[start:end]
    about = cues()["about"].match(line)
    covered = [False] * len(line)
    for m in inside:
        covered[m.start - start : m.end - start] = [True] * (m.end - m.start)
    if about:
        covered[: about.end()] = [True] * about.end()
    letters = [ch.isalnum() for ch in line]
    rest = sum(1 for ch, c in zip(letters, covered, strict=True) if ch and not c)
    return orgs[0].key if rest <= sum(letters) / 3 else None


def section_orgs(
    text: str, segments: list[dict], mentions: list[Mention]
) -> list[tuple[int, str | None]]:
    """(start offset, org_id or None) for each section: the organisation its heading is about.

    A heading that is about no organisation closes the section before it (None), so that
    "Our projects" after a partner's paragraph does not inherit that partner. A
    card, a paragraph whose first line is an organisation's name and whose next
    line goes on in lower case ("Aqua Trust\nhas worked with us since 2010"), is
    a section of its own about that organisation.
    """
    out: list[tuple[int, str | None]] = []
    mentions = _Within(mentions)
    for i, seg in enumerate(segments):
        if is_heading(text, seg, segments[i + 1] if i + 1 < len(segments) else None):
            out.append((seg["start"], _ruled_by(text, seg["start"], seg["end"], mentions)))
            continue
        content = text[seg["start"] : seg["end"]]
        first, _, body = content.partition("\n")
        if body[:1].islower() and len(first.split()) <= 8 and not _HEADING_END.search(first):
            # a card whose title was not recognised is about someone unknown (UNKNOWN):
            # the organisations its body names are objects, not its subject
            org = _ruled_by(text, seg["start"], seg["start"] + len(first), mentions)
            out += [(seg["start"], UNKNOWN if org is None else org), (seg["end"], None)]
    return _Sections(out)


class _Sections(list):
    """section_orgs' (start, org_id) pairs, with their starts kept for bisection."""

    def __init__(self, pairs: list[tuple[int, str | None]]) -> None:
        super().__init__(pairs)
        self.starts = [s for s, _ in pairs]


UNKNOWN = ""  # the section of a card whose title names no known organisation


def _section_org(sections: list[tuple[int, str | None]], offset: int) -> str | None:
    starts = sections.starts if isinstance(sections, _Sections) else [s for s, _ in sections]
    i = bisect_right(starts, offset) - 1
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


# A table row or a form's fields are a record about what they name: when they
# name no known organisation they are about an unknown one, not the page's owner.
_RECORDS = ("form_field", "table_row")


def _inside_name(target: Mention, names: set[str] | None) -> bool:
    """Whether an organisation's name is part of another's: two names of one body
    that resolution kept apart. (A place in a name, "Clean Water for Malawi", is
    kept: the name states where the organisation works.)"""
    folded = f" {fold(target.row.get('name') or '')} "
    return folded.strip() != "" and any(folded in f" {n} " for n in names or ())


@dataclass(frozen=True, slots=True)
class Anchor:
    """Who a sentence names, where: an organisation (two joined by "et", "and" are
    one anchor), "we" (the page's owner), or a pronoun-like subject ("L'association",
    "It") that stands for the organisation of its section or of the sentence before."""

    start: int
    end: int
    keys: tuple[str, ...]
    method: str  # sentence | owner | section | coreference
    obj: bool = False  # after an object word: "avec X", "funded by X"
    also: str | None = None  # the page's owner, for "we" in a partner's section


def anchors_of(
    text: str,
    unit: Unit,
    unit_orgs: list[Mention],
    owner: str | None,
    sections: list[tuple[int, str | None]],
    previous_subject: tuple[int, str] | None,
) -> list[Anchor]:
    """The anchors of a unit, in order."""
    c = cues()
    unit_text = text[unit.start : unit.end]

    def is_object(start: int) -> bool:
        return bool(c["object"].search(text[max(unit.start, start - 40) : start]))

    out: list[Anchor] = []
    section = _section_org(sections, unit.start)
    if section and unit_text[:1].islower():
        # a card's body goes on from its title: "has given us desks" is the title's
        out.append(Anchor(unit.start, unit.start, (section,), "section"))
    # a pronoun-like subject at the start of the sentence or of a clause after a comma
    # ("L'association a atteint…", "After the grant, they built…"): the section's
    # organisation, else the subject of the sentence before in the same paragraph
    starts = [unit.start] + [
        m.end() for m in c["clause"].finditer(text, unit.start, unit.end) if m.group()[:1] in ",;"
    ]
    for start in starts:
        subject = c["pronoun"].match(text, start, unit.end)
        if subject and section:
            out.append(Anchor(start, subject.end(), (section,), "section"))
        elif subject and previous_subject and previous_subject[0] == unit.segment:
            out.append(Anchor(start, subject.end(), (previous_subject[1],), "coreference"))
    for m in unit_orgs:
        last = out[-1] if out else None
        if (
            last is not None
            and last.method == "sentence"
            and c["conjunction"].match(text[last.end : m.start])
        ):
            out[-1] = Anchor(last.start, m.end, (*last.keys, m.key), "sentence", last.obj)
        else:
            out.append(Anchor(m.start, m.end, (m.key,), "sentence", is_object(m.start)))
    if owner is not None:
        # under a partner's heading, "we" tells what the page's owner does with that
        # partner: the section's story is the partner's, the owner's only in second
        partner = section if section not in (None, UNKNOWN, owner) else None
        for word in c["first_person"].finditer(text, unit.start, unit.end):
            obj = word.group().lower() in c["first_person_object"] or is_object(word.start())
            if partner is not None:
                out.append(Anchor(word.start(), word.end(), (partner,), "section", obj, owner))
            else:
                out.append(Anchor(word.start(), word.end(), (owner,), "owner", obj))
    return sorted(out, key=lambda a: a.start)


def attach(
    text: str, unit: Unit, target: Mention, anchors: list[Anchor]
) -> list[tuple[Anchor, float]]:
    """The anchors a target of a sentence goes to, with their scores.

    Without a parse, clauses stand for syntax: the target goes to the anchor
    before it in its own clause; a relative clause ("qui", "which") to the anchor
    it follows; else to the sentence's subject, its first anchor. An anchor after
    an object word ("avec X", "funded by X") is the clause's object: the subject
    keeps the target, the object gets it with a lower score. An organisation
    target is linked to the sentence's subject, or to its first anchor.
    """
    c = cues()
    bounds = [unit.start] + [
        m.start()
        for m in c["clause"].finditer(text, unit.start, unit.end)
        if m.start() > unit.start
    ]

    def clause(pos: int) -> int:
        return bisect_right(bounds, pos) - 1

    keys = {k for a in anchors for k in a.keys}
    single = len(keys) == 1
    primary = SCORES["sentence"] if single else SCORES["clause"]
    subject = anchors[0] if not anchors[0].obj else None
    if target.kind == "organisation":
        own = next((a for a in anchors if a.start <= target.start and target.end <= a.end), None)
        if own is not None and len(own.keys) > 1:
            return [(own, primary)]  # "L'UNESCO et l'AMSS": one subject of two
        chosen = subject if subject is not None and subject is not own else anchors[0]
        return (
            [] if chosen is own else [(chosen, primary if chosen is subject else SCORES["object"])]
        )
    where = clause(target.start)
    before = [
        a for a in anchors if a.end <= target.start and clause(max(a.start, a.end - 1)) == where
    ]
    if before:
        nearest = before[-1]
        if nearest.obj and subject is not None and subject.start < nearest.start:
            return [(subject, primary), (nearest, SCORES["object"])]
        return [(nearest, SCORES["sentence"] if single else primary)]
    if where > 0 and c["relative"].match(text[bounds[where] : target.start]):
        # the name right before the relative pronoun, a comma apart at most
        antecedent = [a for a in anchors if a.end <= bounds[where]]
        if antecedent and not re.search(r"\w", text[antecedent[-1].end : bounds[where]]):
            return [(antecedent[-1], primary)]
    if subject is not None:
        return [(subject, primary)]
    after = [a for a in anchors if a.start >= target.end and clause(a.start) == where]
    return [(after[0], SCORES["object"])] if after else []


def relations_for_document(
    doc_id: str,
    text: str,
    segments: list[dict],
    mentions: list[Mention],
    org_names: dict[str, str],
    meta: dict | None = None,
) -> list[dict]:
    """Every link of one document, one row per (organisation, target mention).

    `meta` holds what the page says about itself (`title`, `site_name`,
    `canonical_url`): signals of the organisation it speaks for.
    """
    segments = sorted(segments, key=lambda s: s["start"])
    orgs = sorted((m for m in mentions if m.kind == "organisation"), key=lambda m: m.start)
    targets = sorted(mentions, key=lambda m: m.start)
    targets_within = _Within(targets)
    sections = section_orgs(text, segments, mentions)
    names = {m.key: _names(m.row) for m in orgs}
    named = Counter(m.key for m in orgs)
    rows: list[dict] = []
    seen: set[tuple] = set()
    previous_subject: tuple[int, str] | None = None  # (segment, org_id) of the last sentence
    previous_end = [0]  # where the last target emitted ends

    def emit(
        org_id: str, target: Mention, unit: Unit, method: str, score: float, label: str = ""
    ) -> None:
        if target.kind == "organisation" and target.key == org_id:
            return
        if target.kind == "organisation" and _inside_name(target, names.get(org_id)):
            return  # "Camp Lumière" is not a partner of "Camp Lumière Kigali"
        unit_text = text[unit.start : unit.end]
        before = text[max(unit.start, target.start - _CUE_WINDOW) : target.start]
        key = (org_id, target.kind, target.key, unit.start)
        if key in seen:
            return
        seen.add(key)
        label = label or relation_label(target.kind, target, unit_text, before)
        if named.get(org_id, 0) < 2 and org_id != owner:
            score -= ONCE
        if unit.end - unit.start > LONG_UNIT and unit.method not in _RECORDS:
            score -= LONG
        if target.kind == "figure" and (target.row.get("unit") or "").lower() in cues()["measures"]:
            score -= MEASURE
        score = round(max(score, 0.05), 2)
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

    owner = page_owner(orgs, text, meta)
    first_person = cues()["first_person"]
    units = units_of(text, segments)
    menus = navigation(text)
    default = owner_default_score(text, orgs, owner, first_person)
    copyright_line = cues()["copyright_line"]
    row_orgs = table_subjects(text, units, orgs)
    record: str | None = None  # the organisation of the form's fields read so far
    for unit in units:
        inside = targets_within(unit.start, unit.end)
        if unit.method != "form_field":
            record = None
        if not inside or unit.part == "chrome" or _within(menus, unit.start):
            continue  # a page's header, footer or menu states nothing about anyone
        unit_text = text[unit.start : unit.end]
        if copyright_line.match(unit_text):
            continue  # "© 2021 X": the year of the page, not of its owner
        unit_orgs = [t for t in inside if t.kind == "organisation"]
        lead = len(unit_text) - len(unit_text.lstrip(_ITEM_LEAD))
        if unit.method == "form_field":
            # a field's value is what it is about: "Partenaire : Aqua Trust"
            lead = unit_text.index(":") + 1
            lead += len(unit_text[lead:]) - len(unit_text[lead:].lstrip())
        head = unit_orgs[0] if unit_orgs and unit_orgs[0].start <= unit.start + lead + 2 else None
        if unit.method == "table_row":
            head = row_orgs.get(unit.start)
        # a reader's comment speaks for its writer, not for the page's owner
        voice = owner if unit.part != "comments" else None
        if _section_org(sections, unit.start) == UNKNOWN and not first_person.search(unit_text):
            continue  # a card about an organisation that was not recognised
        if unit.method in _RECORDS or (unit.method == "list_item" and head is not None):
            # a record is about the organisation it names: every target is its
            if unit.method == "form_field" and head is None:
                head_key = record  # "Location: Kisumu" under "Partner: Aqua Trust"
            else:
                head_key = head.key if head is not None else None
            if unit.method == "form_field" and head is not None:
                record = head.key
            method = unit.method
            if head_key is None and unit.method == "form_field" and not unit_orgs:
                # a field under a heading about an organisation: "Location: Chios"
                head_key, method = _section_org(sections, unit.start) or None, "section"
            if head_key is not None:
                for target in inside:
                    emit(head_key, target, unit, method, SCORES[method])
                previous_subject = (unit.segment, head_key)
            elif unit.method == "table_row":
                # a row of several organisations and no organisation column: they share
                # the record (speakers of one session), its other cells are nobody's
                for other in unit_orgs[1:]:
                    emit(unit_orgs[0].key, other, unit, "table_row", SCORES["object"])
            continue
        anchors = anchors_of(text, unit, unit_orgs, voice, sections, previous_subject)
        if not anchors:
            # nothing in the unit names who: the section's organisation, else the owner
            section = _section_org(sections, unit.start)
            if section:
                subject, method, score = section, "section", SCORES["section"]
            elif voice is not None:
                subject, method, score = voice, "owner", default
            else:
                continue
            for target in inside:
                emit(subject, target, unit, method, score)
            previous_subject = (unit.segment, subject)
            continue
        for target in inside:
            for anchor, score in attach(text, unit, target, anchors):
                if anchor.method == "coreference":
                    score = min(score, SCORES["coreference"])  # a guess at who "it" is
                for key in anchor.keys:
                    emit(key, target, unit, anchor.method, score)
                if anchor.also is not None:
                    emit(anchor.also, target, unit, "owner", min(score, SCORES["object"]))
        subject = anchors[0] if not anchors[0].obj else None
        previous_subject = (unit.segment, (subject or anchors[0]).keys[0])
    if owner is not None:
        owner_mention = next(m for m in orgs if m.key == owner)
        for partner, label, unit in partner_items(text, segments, mentions):
            # the funded organisation is the subject of funded_by
            if label == "funded_by":
                emit(owner, partner, unit, "partner_list", SCORES["partner_list"], label)
            else:
                emit(
                    partner.key, owner_mention, unit, "partner_list", SCORES["partner_list"], label
                )
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


def build(processed, interim) -> Iterator[dict]:
    """Relations of every document, from the processed entity tables and the texts.

    Yielded document by document: the caller streams them to their table, so that
    memory does not grow with the corpus (a page has dozens of relations).
    """
    import pyarrow.parquet as pq

    from .schemas import DOCUMENTS_RAW, SEGMENTS
    from .storage import Dataset
    from .tables import ByDoc

    def table(name: str, columns: list[str] | None = None):
        return ByDoc(pq.read_table(processed / f"{name}.parquet", columns=columns))

    mentions = table("mentions", ["doc_id", "start_offset", "end_offset", "label", "entity_id"])
    organisations = table("organisations", ["doc_id", "org_id", "name", "aliases", "acronym"])
    places = table("places", ["doc_id", "place_id", "name"])
    dates = table("dates")
    figures = table("figures")
    segments = ByDoc(
        Dataset(interim / "segments.parquet", SEGMENTS).read(
            ["doc_id", "segment", "start", "end", "part"]
        )
    )
    wanted = set(organisations.spans)
    documents = Dataset(interim / "documents.parquet", DOCUMENTS_RAW, key="doc_id")
    meta = ["title", "site_name", "canonical_url"]
    for batch in documents.iter_batches(["doc_id", "text", "status", *meta]):
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
            yield from relations_for_document(
                doc_id,
                doc["text"],
                segments.rows(doc_id),
                found,
                names,
                {k: doc[k] for k in meta},
            )
            wanted.discard(doc_id)  # a duplicate row of the same doc_id is not read twice
