"""Corrections a user writes: `corrections.csv`, applied to the tables at the last stage.

When an extraction is wrong (a city as an organisation, a given name as a
place, one foundation under two ids), the user should not have to edit the
pipeline's rule data. They write one line per fix in a CSV file kept with the
project (`action,kind,name,target`):

    drop,organisation,Goma,                          this name is never an organisation
    merge,organisation,Fondation Panzi,Panzi Foundation   one org_id; the first is an alias
    relabel,place,Kamilombe,organisation             a name of one kind is of another kind
    alias,place,RDC Est,Nord-Kivu                    this name is that place, wherever it occurs
    add,organisation,Caritas Congo,                  find this name wherever it occurs

Names match after the reference scorer's folding (case, accents, punctuation,
a leading article). The corrections are applied after the entities of every
document are resolved and before organisations are indexed and relations
built, so a fix shows in every processed table and in relations, and editing
the file re-runs no model stage. Within a document they apply in this order:
relabel, merge and alias, add, drop (a dropped name wins over everything).
A bad line is reported with its number and skipped; the others apply.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .rules.organisations import fold

ACTIONS = ("drop", "merge", "relabel", "alias", "add")
KINDS = ("organisation", "place")
LABELS = {"organisation": "ORG", "place": "LOC"}
HEADER = ["action", "kind", "name", "target"]


@dataclass(frozen=True, slots=True)
class Correction:
    """One line of the file."""

    line: int
    action: str
    kind: str
    name: str
    target: str

    @property
    def key(self) -> str:
        return fold(self.name)

    @property
    def extractor(self) -> str:
        return f"correction:line {self.line}"


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    text: str
    message: str


def parse(text: str) -> tuple[list[Correction], list[BadLine]]:
    """The corrections of a CSV text, and the lines that are not corrections."""
    good: list[Correction] = []
    bad: list[BadLine] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if [c.lower() for c in cells[:4]] == HEADER:
            continue
        raw = ",".join(row)
        cells += [""] * (4 - len(cells))
        action, kind, name, target = (c for c in cells[:4])
        action, kind = action.lower(), kind.lower()
        message = _check(action, kind, name, target, len(row))
        if message:
            bad.append(BadLine(number, raw, message))
        else:
            good.append(Correction(number, action, kind, name, target))
    return good, bad


def _check(action: str, kind: str, name: str, target: str, n_cells: int) -> str | None:
    if n_cells > 4:
        return f"{n_cells} cells: expected action,kind,name,target (quote a name that has a comma)"
    if action not in ACTIONS:
        return f"unknown action {action!r}: use one of {', '.join(ACTIONS)}"
    if kind not in KINDS:
        return f"unknown kind {kind!r}: use organisation or place"
    if not fold(name):
        return "missing name"
    if action in ("merge", "alias") and not fold(target):
        return f"{action} needs a target: the name to {action} into"
    if action == "relabel" and (target.lower() not in KINDS or target.lower() == kind):
        return f"relabel needs the other kind as target ({'place' if kind == 'organisation' else 'organisation'})"
    if action in ("drop", "add") and target:
        return f"{action} takes no target (found {target!r})"
    return None


def read(path: Path | None) -> tuple[list[Correction], list[BadLine]]:
    """The file's corrections; none when there is no file."""
    if path is None or not path.is_file():
        return [], []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [BadLine(0, "", f"cannot read {path}: {exc}")]
    return parse(text)


# --------------------------------------------------------------------- applying


def _names(row: dict) -> set[str]:
    return {fold(n) for n in [row["name"], *(row.get("aliases") or [])]} - {""}


def _pattern(name: str) -> re.Pattern:
    """The name as written, with any run of spaces and either apostrophe."""

    def word(w: str) -> str:
        return "".join("['’]" if c in "'’" else re.escape(c) for c in w)

    body = r"\s+".join(word(w) for w in name.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.I)


@dataclass(slots=True)
class Entities:
    """One document's organisation and place rows and mention rows, as the tables hold them."""

    organisations: list[dict]
    places: list[dict]
    mentions: list[dict]

    def rows(self, kind: str) -> list[dict]:
        return self.organisations if kind == "organisation" else self.places


def apply(
    doc_id: str,
    text: str,
    segments: list[dict],
    entities: Entities,
    corrections: list[Correction],
    new_id,
) -> Counter:
    """Apply the corrections to one document's rows, in place; matches per line.

    `new_id(kind, name)` gives the (id, row fields) of an entity the corrections
    create, so that ids agree with the ones the pipeline gives across documents.
    """
    hits: Counter = Counter()
    order = {"relabel": 0, "merge": 1, "alias": 1, "add": 2, "drop": 3}
    for c in sorted(corrections, key=lambda c: (order[c.action], c.line)):
        if c.action == "relabel":
            hits[c.line] += _relabel(doc_id, entities, c, new_id)
        elif c.action in ("merge", "alias"):
            hits[c.line] += _rename(doc_id, entities, c, new_id)
            if c.action == "alias":
                hits[c.line] += _add(doc_id, text, segments, entities, c, c.target, new_id)
        elif c.action == "add":
            hits[c.line] += _add(doc_id, text, segments, entities, c, c.name, new_id)
        else:
            hits[c.line] += _drop(entities, c)
    _recount(entities)
    return hits


def _matching(rows: list[dict], key: str) -> list[dict]:
    return [r for r in rows if key in _names(r)]


def _id_field(kind: str) -> str:
    return "org_id" if kind == "organisation" else "place_id"


def _entity(doc_id: str, kind: str, name: str, aliases: list[str], new_id) -> dict:
    entity_id, fields = new_id(kind, name)
    return {
        "doc_id": doc_id,
        _id_field(kind): entity_id,
        "name": name,
        "aliases": aliases,
        "n_mentions": 0,
        "first_offset": None,
        **fields,
    }


def _relabel(doc_id: str, e: Entities, c: Correction, new_id) -> int:
    to = c.target.lower()
    found = _matching(e.rows(c.kind), c.key)
    for row in found:
        e.rows(c.kind).remove(row)
        old_id = row[_id_field(c.kind)]
        into = _find_or_make(
            doc_id, e, to, row["name"], [a for a in row.get("aliases") or []], new_id
        )
        for m in e.mentions:
            if m["entity_id"] == old_id and m["label"] == LABELS[c.kind]:
                m.update(label=LABELS[to], entity_id=into[_id_field(to)])
    return len(found)


def _find_or_make(
    doc_id: str, e: Entities, kind: str, name: str, aliases: list[str], new_id
) -> dict:
    existing = _matching(e.rows(kind), fold(name))
    if existing:
        row = existing[0]
        row["aliases"] = _merge_aliases(row["name"], row.get("aliases") or [], aliases)
        return row
    row = _entity(doc_id, kind, name, _merge_aliases(name, [], aliases), new_id)
    e.rows(kind).append(row)
    return row


def _merge_aliases(name: str, aliases: list[str], more: list[str]) -> list[str]:
    seen = {fold(name)}
    out = []
    for a in [*aliases, *more]:
        if fold(a) and fold(a) not in seen:
            seen.add(fold(a))
            out.append(a)
    return out


def _rename(doc_id: str, e: Entities, c: Correction, new_id) -> int:
    """merge/alias: the rows named `name` become the entity named `target`."""
    found = [r for r in _matching(e.rows(c.kind), c.key) if fold(c.target) not in _names(r)]
    if not found:
        return 0
    into = _find_or_make(doc_id, e, c.kind, c.target, [], new_id)
    into_id = into[_id_field(c.kind)]
    for row in found:
        e.rows(c.kind).remove(row)
        into["aliases"] = _merge_aliases(
            into["name"], into["aliases"], [row["name"], *(row.get("aliases") or [])]
        )
        for m in e.mentions:
            if m["entity_id"] == row[_id_field(c.kind)]:
                m["entity_id"] = into_id
    return len(found)


def _add(
    doc_id: str, text: str, segments: list[dict], e: Entities, c: Correction, canonical: str, new_id
) -> int:
    """Every occurrence of the name becomes a mention of the entity it names."""
    label = LABELS[c.kind]
    spans = [(m.start(), m.end()) for m in _pattern(c.name).finditer(text)]
    if not spans:
        return 0
    row = _find_or_make(
        doc_id, e, c.kind, canonical, [c.name] if fold(c.name) != fold(canonical) else [], new_id
    )
    entity_id = row[_id_field(c.kind)]
    added = 0
    for start, end in spans:
        same = [m for m in e.mentions if m["start_offset"] < end and start < m["end_offset"]]
        if any(m["label"] == label and m["entity_id"] == entity_id for m in same):
            continue
        for m in same:  # the user's word wins over the model's span
            e.mentions.remove(m)
        seg = next((s for s in segments if s["start"] <= start < s["end"]), {})
        e.mentions.append(
            {
                "doc_id": doc_id,
                "start_offset": start,
                "end_offset": end,
                "text": text[start:end],
                "label": label,
                "language": None,
                "extractor": c.extractor,
                "entity_id": entity_id,
                "segment": seg.get("segment"),
                "page": seg.get("page"),
                "part": seg.get("part"),
            }
        )
        added += 1
    e.mentions.sort(key=lambda m: (m["start_offset"], m["end_offset"]))
    return max(added, 1)


def _drop(e: Entities, c: Correction) -> int:
    found = _matching(e.rows(c.kind), c.key)
    ids = {r[_id_field(c.kind)] for r in found}
    for row in found:
        e.rows(c.kind).remove(row)
    before = len(e.mentions)
    e.mentions[:] = [
        m
        for m in e.mentions
        if not (
            m["entity_id"] in ids or (m["label"] == LABELS[c.kind] and fold(m["text"]) == c.key)
        )
    ]
    return len(found) or int(len(e.mentions) < before)


def _recount(e: Entities) -> None:
    """n_mentions and first_offset from the mentions, and rows left with none dropped."""
    by_id: dict[str, list[int]] = {}
    for m in e.mentions:
        if m["entity_id"]:
            by_id.setdefault(m["entity_id"], []).append(m["start_offset"])
    for kind in KINDS:
        rows = e.rows(kind)
        field = _id_field(kind)
        kept = []
        for row in rows:
            offsets = by_id.get(row[field])
            if offsets:
                row["n_mentions"], row["first_offset"] = len(offsets), min(offsets)
                kept.append(row)
        rows[:] = kept


# --------------------------------------------------------------------- tables


def apply_tables(processed: Path, interim: Path, corrections: list[Correction], new_id) -> Counter:
    """Rewrite processed organisations, places and mentions with the corrections applied."""
    import pyarrow.parquet as pq

    from .schemas import DOCUMENTS_RAW, MENTIONS, ORGANISATIONS, PLACES, SEGMENTS
    from .storage import Dataset, stream_writers
    from .tables import ByDoc

    schemas = {"organisations": ORGANISATIONS, "places": PLACES, "mentions": MENTIONS}
    tables = {name: ByDoc(pq.read_table(processed / f"{name}.parquet")) for name in schemas}
    segments = ByDoc(
        Dataset(interim / "segments.parquet", SEGMENTS).read(
            ["doc_id", "segment", "start", "end", "part", "page"]
        )
    )
    needs_text = any(c.action in ("add", "alias") for c in corrections)
    hits: Counter = Counter()
    seen: set[str] = set()
    tables_out = {name: (processed / f"{name}.parquet", schema) for name, schema in schemas.items()}
    with stream_writers(tables_out) as writers:
        documents = Dataset(interim / "documents.parquet", DOCUMENTS_RAW, key="doc_id")
        columns = ["doc_id", "status", *(["text"] if needs_text else [])]
        for batch in documents.iter_batches(columns):
            for doc in batch.to_pylist():
                doc_id = doc["doc_id"]
                if doc_id in seen or doc["status"] != "ok":
                    continue
                seen.add(doc_id)
                entities = Entities(*(tables[name].rows(doc_id) for name in schemas))
                hits += apply(
                    doc_id,
                    doc.get("text") or "",
                    segments.rows(doc_id),
                    entities,
                    corrections,
                    new_id,
                )
                writers["organisations"].write_rows(entities.organisations)
                writers["places"].write_rows(entities.places)
                writers["mentions"].write_rows(entities.mentions)
    return hits


def report_rows(corrections: list[Correction], bad: list[BadLine], hits: Counter) -> list[dict]:
    """One row per line of the file: applied, matched nothing, or an error that says why."""
    rows = [
        {
            "line": c.line,
            "action": c.action,
            "kind": c.kind,
            "name": c.name,
            "target": c.target or None,
            "status": "applied" if hits[c.line] else "no match",
            "error": None,
            "matches": hits[c.line],
        }
        for c in corrections
    ]
    rows += [
        {
            "line": b.line,
            "action": None,
            "kind": None,
            "name": b.text,
            "target": None,
            "status": "error",
            "error": b.message,
            "matches": 0,
        }
        for b in bad
    ]
    return sorted(rows, key=lambda r: r["line"])
