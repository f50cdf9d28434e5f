"""Normalise: from mentions to the tables users open in a notebook.

Per document, mentions become entities: organisations (acronyms linked to long
forms, one label per name, junk dropped), places (resolved in the offline
gazetteer, local places kept without coordinates), dates (ISO start and end at
their granularity) and figures (value, unit, approximation; a range gives a row
per end). Across documents, an organisation gets one `org_id` wherever it is
named by the same long name or by an acronym that stands for one organisation
only. The stage is cheap (no model), so it is recomputed from the interim
tables on each run; `processed/` is always consistent with `interim/`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .config import Paths
from .language import Segment, document_languages
from .rules import org_junk, org_names
from .rules import organisations as org_rules
from .rules import places as place_rules
from .runner import StageReport
from .schemas import (
    DOCUMENTS,
    DOCUMENTS_RAW,
    MENTIONS_RAW,
    ORGANISATION_INDEX,
    PROCESSED_TABLES,
    SEGMENTS,
)
from .storage import StreamWriter, atomic_bytes, state_path, touch, write_rows
from .tables import documents_dataset, mentions_dataset, segments_dataset

log = logging.getLogger(__name__)

NAME_LABELS = ("ORG", "LOC", "PER", "MISC")
ACRONYM_RULE = f"rule:organisations.acronym@{org_rules.RULES_VERSION}"
CUE_RULE = f"rule:organisations.consistency@{org_rules.RULES_VERSION}"
LIST_RULE = f"rule:organisations.list_item@{org_rules.RULES_VERSION}"
ENUMERATION_RULE = f"rule:organisations.enumeration@{org_rules.RULES_VERSION}"
APPOSITION_RULE = f"rule:organisations.apposition@{org_rules.RULES_VERSION}"
JUNK_RULE = f"rule:organisations.junk@{org_junk.JUNK_VERSION}"
# Generic words that an organisation's name carries or drops from one mention
# to the next ("COPERMA NGO", "COPERMA"): ignored when grouping names.
_GENERIC_AFFIX = re.compile(
    r"^(?:ngo|ong|ongd|asbl|aisbl|association)\s+|\s+(?:ngo|ong|ongd|asbl|aisbl)$"
)


def stable_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


def group_key(name: str) -> str:
    return _GENERIC_AFFIX.sub("", org_rules.fold(name)) or org_rules.fold(name)


@dataclass(slots=True)
class OrgEntity:
    """One organisation within one document."""

    forms: list[str] = field(default_factory=list)  # every surface form, with repeats
    acronym: str | None = None
    long_form: str | None = None
    mentions: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.long_form:
            return org_rules.strip_article(self.long_form)
        return org_rules.canonical_name(self.forms)

    def aliases(self) -> list[str]:
        return _aliases(self.name, [*self.forms, *([self.acronym] if self.acronym else [])])


def _overlaps(a: dict, start: int, end: int) -> bool:
    return a["start"] < end and start < a["end"]


@lru_cache(maxsize=200_000)
def lookup_place(name: str, language: str | None, country_hint: str | None = None):
    """The gazetteer, remembered: the same names come back in every document."""
    return place_rules.lookup(name, language, country_hint=country_hint)


def _gazetteer_kind(name: str, language: str) -> str | None:
    place = lookup_place(name, language)
    return place.kind if place else None


class _Spans:
    """Rule mentions claimed so far, highest priority first: later rules never overlap them."""

    def __init__(self) -> None:
        self.mentions: list[dict] = []

    def free(self, start: int, end: int) -> bool:
        return not any(m["start"] < end and start < m["end"] for m in self.mentions)

    def claim(self, mention: dict) -> None:
        self.mentions.append(mention)


def _common_noun(name: str, lower_words: set[str]) -> bool:
    """A single capitalised word that the text also uses in lower case is a common noun.

    "Centers", "Kidnappings", "Region": capitalised by a heading or a writer's
    habit, written in lower case elsewhere in the same document.
    `lower_words` are the words the document writes in lower case.
    """
    if " " in name or org_rules.is_acronym(name) or not name[:1].isupper():
        return False
    lower = name.lower()
    if lower in lower_words:
        return True
    return lower.endswith("s") and len(lower) > 3 and lower[:-1] in lower_words


_LOWER_WORD = re.compile(r"(?<![\w-])[a-zà-öø-ÿ][\w'’]*(?![\w-])")


def lower_case_words(text: str) -> set[str]:
    """Words written in lower case, outside web addresses (kuwasha.net is no common noun)."""
    return set(_LOWER_WORD.findall(org_names.without_web_addresses(text)))


_ORG_OF_PLACE = re.compile(r"^[ \t]+(?:de|du|des|de la|de l'|de l’|d'|d’)[ \t]*$")


def _merge_org_of_place(names: list[dict], text: str) -> list[dict]:
    """French names that carry their place: "FGTB" + " de " + "Liège-Huy-Waremme" is one organisation."""
    names = sorted(names, key=lambda m: m["start"])
    out: list[dict] = []
    for m in names:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev["label"] == "ORG"
            and m["label"] in ("LOC", "ORG")
            and (prev.get("language") or "fr") == "fr"
            and _ORG_OF_PLACE.match(text[prev["end"] : m["start"]])
        ):
            prev["end"] = m["end"]
            prev["text"] = text[prev["start"] : prev["end"]]
            prev["extractor"] = f"{prev['extractor']}+{CUE_RULE}"
            continue
        out.append(m)
    return out


def resolve_labels(
    doc_id: str,
    mentions: list[dict],
    text: str,
    segments: list[dict],
    language: str,
    definitions: list | None = None,
) -> list[dict]:
    """A document's name mentions with one label per name, rule names added, junk dropped.

    In order of trust: acronym definitions and their later uses, bullet items of
    partner lists, enumerations after a plural organisation noun, appositions
    ("l'asbl X"), then the model's own entities, relabelled by evidence.
    """
    names = [dict(m) for m in mentions if m["label"] in NAME_LABELS]
    rules = _Spans()

    def add(start: int, end: int, extractor: str, short: str | None = None) -> None:
        if rules.free(start, end):
            rules.claim(_rule_mention(doc_id, segments, start, end, text, "ORG", extractor, short))

    # 1. Acronym definitions: organisation, place, or neither, by evidence.
    place_acronyms: set[str] = set()
    org_definitions = []
    if definitions is None:
        definitions = org_rules.find_acronym_definitions(text)
    for d in definitions:
        inside = [m for m in names if _overlaps(m, d.long_start, d.long_end)]
        org_evidence = (
            org_rules.has_org_cue(d.long)
            or any(m["label"] == "ORG" for m in inside)
            or any(m["label"] == "ORG" and m["text"] == d.short for m in names)
        )
        if _gazetteer_kind(d.long, language) and not org_rules.has_org_cue(d.long):
            place_acronyms.add(d.short)
        elif org_evidence:
            org_definitions.append(d)
    for d in org_definitions:
        add(d.long_start, d.long_end, ACRONYM_RULE, d.short)
        add(d.short_start, d.short_end, ACRONYM_RULE, d.short)
    for d in org_definitions:
        for s, e in org_rules.find_occurrences(text, d.short):
            add(s, e, ACRONYM_RULE, d.short)

    # 2. Names the model misses or cuts: partner lists, enumerations, appositions.
    tagged = [(m["start"], m["end"]) for m in names if m["label"] in ("ORG", "MISC")]
    for s, e in org_rules.find_list_item_names(text, tagged):
        add(s, e, LIST_RULE)
    for s, e in org_rules.find_enumerated_names(text):
        add(s, e, ENUMERATION_RULE)
    terms = org_rules.find_term_acronyms(text)
    lower_words = lower_case_words(text)
    for s, e in org_rules.find_apposition_names(text):
        if not _common_noun(text[s:e], lower_words) and text[s:e] not in terms:
            add(s, e, APPOSITION_RULE)
    is_place = lambda n: _gazetteer_kind(n, language) is not None  # noqa: E731
    for s, e, signal in org_names.find_names(text, tagged, is_place):
        add(s, e, f"rule:organisations.{signal}@{org_names.NAMES_VERSION}")
    names = [m for m in names if rules.free(m["start"], m["end"])]

    # 3. Junk out: function words, page furniture, common nouns with a capital,
    # acronyms of terms.
    for m in names:
        bare = org_rules.footnote_stripped(m["text"], text)
        if bare:  # "IRFAM1": a footnote marker glued to the name
            m["end"] = m["start"] + len(bare)
            m["text"] = bare
    names = [
        m
        for m in names
        if not org_rules.is_junk(m["text"])
        and not _common_noun(m["text"], lower_words)
        and m["text"] not in terms
        and not org_rules.is_generic_body(m["text"])
        and not (m["label"] != "LOC" and org_rules.is_cited_author(text, m["end"]))
    ]

    # 4. One label per name: votes, with organisation nouns and the gazetteer as evidence.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in names:
        votes[org_rules.fold(m["text"])][m["label"]] += 1
    # a name a rule found as an organisation is one everywhere in the document
    rule_orgs = org_names.organisation_evidence([r["text"] for r in rules.mentions], names, text)
    for m in names:
        if org_rules.has_org_cue(m["text"]) or org_rules.fold(m["text"]) in rule_orgs:
            label = "ORG"
        elif m["text"] in place_acronyms:
            label = "LOC"
        else:
            counts = votes[org_rules.fold(m["text"])]
            kind = _gazetteer_kind(m["text"], language) if m["label"] != "PER" else None
            if kind in ("country", "region", "continent", "city"):
                counts = counts + Counter({"LOC": 2})
            label = max(counts, key=lambda lab: (counts[lab], lab == "ORG"))
            if label == "MISC" and org_rules.is_name_like_acronym_or_brand(m["text"]):
                label = "ORG"  # the French model files most acronyms and brand names as MISC
        if label != m["label"]:
            m["label"] = label
            m["extractor"] = f"{m['extractor']}+{CUE_RULE}"
    names = _merge_org_of_place(names, text)
    names = org_junk.drop_junk_organisations(
        names, text, rule_orgs, lambda n: _gazetteer_kind(n, language), JUNK_RULE
    )
    out = names + rules.mentions
    out.sort(key=lambda m: (m["start"], m["end"]))
    return out


def _rule_mention(doc_id, segments, start, end, text, label, extractor, short=None) -> dict:
    seg = next((s for s in segments if s["start"] <= start < s["end"]), None)
    return {
        "doc_id": doc_id,
        "segment": seg["segment"] if seg else -1,
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": label,
        "language": seg["language"] if seg else None,
        "extractor": extractor,
        "acronym": short,
    }


def organisations_of(names: list[dict]) -> list[OrgEntity]:
    """Group a document's ORG mentions into organisations."""
    entities: list[OrgEntity] = []
    by_key: dict[str, OrgEntity] = {}
    for m in names:
        if m["label"] != "ORG":
            continue
        short = m.get("acronym")
        keys = [group_key(m["text"])]
        if short:
            keys.append(group_key(short))
        entity = next((by_key[k] for k in keys if k in by_key), None)
        if entity is None:
            entity = OrgEntity()
            entities.append(entity)
        entity.forms.append(m["text"])
        entity.mentions.append(m)
        if short:
            entity.acronym = short
            if m["text"] != short:
                entity.long_form = m["text"]
        for k in keys:
            by_key.setdefault(k, entity)
    return entities


def places_of(names: list[dict], language: str) -> list[dict]:
    """A document's places: gazetteer entries where known, local names otherwise.

    The document's own countries break ties between homonyms: "Beni" in a page
    about North Kivu is the Congolese town, not the Bolivian department.
    """
    locs = [m for m in names if m["label"] == "LOC"]
    first = [lookup_place(m["text"], m.get("language") or language) for m in locs]
    countries = Counter(p.country_code for p in first if p and p.country_code)
    hint = countries.most_common(1)[0][0] if countries else None
    places: dict[str, dict] = {}
    for m, place in zip(locs, first, strict=True):
        if hint:
            place = lookup_place(m["text"], m.get("language") or language, hint)
        if place is not None:
            key, name, values = (
                place.place_id,
                place.name,
                {
                    "kind": place.kind,
                    "country_code": place.country_code,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                },
            )
        else:
            name = local_place_name(m["text"])
            key = stable_id("local", org_rules.fold(name))
            values = {"kind": "local", "country_code": None, "latitude": None, "longitude": None}
        entry = places.setdefault(
            key, {"place_id": key, "name": name, **values, "forms": [], "mentions": []}
        )
        entry["forms"].append(m["text"])
        entry["mentions"].append(m)
    return list(places.values())


_LOCAL_HEAD = re.compile(
    r"^(?:(?:le|la|les|l['’])\s*)?(?:quartier|village|localité|localite|communauté|communaute|cité|"
    r"cite|commune|territoire|secteur|groupement|chefferie|district|province|région|region|ville|"
    r"town|village of|city of|district of|province of)(?:\s+(?:de la|de l['’]|du|des|de|d['’]|of))?\s+",
    re.I,
)


def local_place_name(text: str) -> str:
    """A place the gazetteer does not know, named without its kind word.

    "quartier de Kapata" and "communauté Kapata" are both Kapata.
    """
    stripped = _LOCAL_HEAD.sub("", text.strip())
    stripped = re.sub(
        r"\s+(?:city|town|village|district|territory|province)$", "", stripped, flags=re.I
    )
    return org_rules.strip_article(stripped if stripped[:1].isupper() else text.strip())


def date_rows(mentions: list[dict]) -> list[dict]:
    return [
        {
            "doc_id": m["doc_id"],
            "text": m["text"],
            "start": m["date_start"],
            "end": m["date_end"],
            "granularity": m["granularity"] or "day",
            "start_offset": m["start"],
            "end_offset": m["end"],
            "language": m["language"],
            "extractor": m["extractor"],
        }
        for m in mentions
        if m["label"] == "DATE"
    ]


def figure_rows(mentions: list[dict]) -> list[dict]:
    rows = []
    for m in mentions:
        if m["label"] != "FIGURE" or m["value"] is None:
            continue
        base = {
            "doc_id": m["doc_id"],
            "text": m["text"],
            "unit": m["unit"],
            "approximate": bool(m["approximate"]),
            "start_offset": m["start"],
            "end_offset": m["end"],
            "language": m["language"],
            "extractor": m["extractor"],
        }
        if m["upper"] is None:
            rows.append({**base, "value": m["value"], "bound": None})
        else:
            rows.append({**base, "value": m["value"], "bound": "lower"})
            rows.append({**base, "value": m["upper"], "bound": "upper"})
    return rows


def _aliases(name: str, forms: list[str]) -> list[str]:
    """The other forms of a name, without articles, each once (as the scorer folds them)."""
    seen = {org_rules.fold(name)}
    out = []
    for form in sorted(set(forms)):
        shown = org_rules.strip_article(form)
        key = org_rules.fold(shown)
        if key and key not in seen:
            seen.add(key)
            out.append(shown)
    return out


def org_id_for(entity: OrgEntity, acronyms: dict[str, set[str]]) -> str:
    """The same organisation gets the same id in every document.

    The id is a hash of the folded long name. An acronym used alone takes the
    id of its long name when the corpus defines it for a single long name.
    """
    if entity.long_form:
        return stable_id("org", group_key(entity.long_form))
    if entity.acronym or all(org_rules.is_acronym(f) for f in entity.forms):
        short = entity.acronym or entity.forms[0]
        longs = acronyms.get(short, set())
        if len(longs) == 1:
            return stable_id("org", next(iter(longs)))
        return stable_id("org", group_key(short))
    return stable_id("org", group_key(entity.name))


# Documents normalised together: each group's texts, segments and mentions are
# in memory at once, so memory follows this number, not the size of the corpus.
GROUP_DOCS = 500
MAX_GROUPS = 256  # scratch files open at once while partitioning a table


def group_of(doc_id: str, n_groups: int) -> int:
    """The group of a document: a stable hash of its id."""
    return zlib.crc32(doc_id.encode()) % n_groups


class Partitions:
    """The interim tables cut into groups of documents, in scratch files.

    The documents, segments and mentions tables are each in their own order
    (the history of incremental runs decides it), so looking up a batch of
    documents' rows in another table would read that table whole for every
    batch: quadratic time, and memory that follows the corpus. Instead each
    table is streamed once and each row goes to the file of its document's
    group; a group then holds everything its documents need.
    """

    def __init__(self, folder: Path, n_groups: int) -> None:
        self.folder = folder
        self.n_groups = n_groups
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str, group: int) -> Path:
        return self.folder / f"{name}-{group:04d}.parquet"

    def split(self, name: str, batches: Iterable[pa.Table]) -> None:
        writers: dict[int, pq.ParquetWriter] = {}
        try:
            for batch in batches:
                if not batch.num_rows:
                    continue
                keys = batch.column("doc_id").to_pylist()
                groups = pa.array([group_of(k, self.n_groups) for k in keys], pa.int32())
                for group in pc.unique(groups).to_pylist():
                    rows = batch.filter(pc.equal(groups, group))
                    if group not in writers:
                        writers[group] = pq.ParquetWriter(
                            self._path(name, group), rows.schema, compression="none"
                        )
                    writers[group].write_table(rows)
        finally:
            for writer in writers.values():
                writer.close()

    def read(self, name: str, group: int) -> list[dict]:
        path = self._path(name, group)
        return pq.read_table(path).to_pylist() if path.exists() else []


def _with_definitions(
    batches: Iterable[pa.Table], acronyms: dict[str, set[str]]
) -> Iterator[pa.Table]:
    """Documents with their acronym definitions (JSON), found once per document.

    The corpus-wide acronym map needs every document's definitions before the
    first document is normalised: it is filled here, while the documents are
    partitioned, and each document carries its own definitions to its group.
    """
    for batch in batches:
        found = []
        for r in batch.select(["status", "text"]).to_pylist():
            definitions = (
                org_rules.find_acronym_definitions(r["text"]) if r["status"] == "ok" else []
            )
            for d in definitions:
                acronyms[d.short].add(group_key(d.long))
            found.append(json.dumps([astuple(d) for d in definitions]) if definitions else None)
        yield batch.append_column("definitions", pa.array(found, pa.string()))


def normalise_document(
    doc: dict, segments: list[dict], mentions: list[dict], language: str, acronyms, definitions=None
):
    """Entities of one document: (org rows, place rows, date rows, figure rows, mention rows)."""
    doc_id = doc["doc_id"]
    names = resolve_labels(doc_id, mentions, doc["text"], segments, language, definitions)
    org_rows, place_rows = [], []
    for e in organisations_of(names):
        org_id = org_id_for(e, acronyms)
        for m in e.mentions:
            m["entity_id"] = org_id
        org_rows.append(
            {
                "doc_id": doc_id,
                "org_id": org_id,
                "name": e.name,
                "aliases": e.aliases(),
                "acronym": e.acronym,
                "n_mentions": len(e.mentions),
                "first_offset": min(m["start"] for m in e.mentions),
            }
        )
    for place in places_of(names, language):
        place_rows.append(
            {
                "doc_id": doc_id,
                **{
                    k: place[k]
                    for k in ("place_id", "name", "kind", "country_code", "latitude", "longitude")
                },
                "aliases": _aliases(place["name"], place["forms"]),
                "n_mentions": len(place["mentions"]),
                "first_offset": min(m["start"] for m in place["mentions"]),
            }
        )
        for m in place["mentions"]:
            m["entity_id"] = place["place_id"]
    seg_info = {s["segment"]: s for s in segments}
    kept = names + [m for m in mentions if m["label"] in ("DATE", "FIGURE")]
    mention_rows = [
        {
            "doc_id": doc_id,
            "start_offset": m["start"],
            "end_offset": m["end"],
            "text": m["text"],
            "label": m["label"],
            "language": m["language"],
            "extractor": m["extractor"],
            "entity_id": m.get("entity_id"),
            "segment": m["segment"],
            "page": seg_info.get(m["segment"], {}).get("page"),
            "part": seg_info.get(m["segment"], {}).get("part"),
        }
        for m in sorted(kept, key=lambda m: (m["start"], m["end"]))
    ]
    return org_rows, place_rows, date_rows(mentions), figure_rows(mentions), mention_rows


def _stage_errors(paths: Paths) -> dict[str, str]:
    """Documents a later stage could not process, with the stage's message."""
    from .storage import read_state

    errors: dict[str, str] = {}
    for stage in ("language", "extract"):
        state = read_state(paths.state, stage)
        for r in state.filter(pc.equal(state.column("status"), "error")).to_pylist():
            errors.setdefault(r["doc_id"], f"{stage} failed: {r['error']}")
    return errors


def organisation_index(organisations: Path) -> list[dict]:
    """One row per org_id across the corpus: its most frequent name, all aliases, counts.

    Streams the organisations table; memory follows the number of organisations.
    """
    columns = ["org_id", "doc_id", "name", "aliases", "acronym", "n_mentions"]
    entries: dict[str, dict] = {}
    for batch in pq.ParquetFile(organisations).iter_batches(batch_size=50_000, columns=columns):
        for r in batch.to_pylist():
            e = entries.setdefault(
                r["org_id"],
                {
                    "names": Counter(),
                    "forms": set(),
                    "acronym": None,
                    "last": None,
                    "docs": 0,
                    "n": 0,
                },
            )
            e["names"][r["name"]] += 1
            e["forms"].update(r["aliases"] or [])
            e["acronym"] = e["acronym"] or r["acronym"]
            if r["doc_id"] != e["last"]:  # rows come document by document
                e["docs"] += 1
                e["last"] = r["doc_id"]
            e["n"] += r["n_mentions"]
    rows = []
    for org_id, e in entries.items():
        name = max(e["names"], key=lambda n: (e["names"][n], len(n)))
        rows.append(
            {
                "org_id": org_id,
                "name": name,
                "aliases": _aliases(name, sorted(e["forms"] | set(e["names"]))),
                "acronym": e["acronym"],
                "n_documents": e["docs"],
                "n_mentions": e["n"],
            }
        )
    rows.sort(key=lambda r: (-r["n_documents"], -r["n_mentions"], r["name"]))
    return rows


def _fingerprint(paths: Paths) -> str:
    """What normalise's output depends on: which documents, made by which stage
    versions, and normalise's own code and data. A file touched but unchanged
    leaves it the same, so normalise is skipped.

    The tables are read batch by batch into an order-free digest (a sum of row
    hashes), so neither the order of their rows nor the size of the corpus matters.
    """
    from .config import _fingerprint as fingerprint

    def digest(name: str, batches: Iterable[pa.Table | pa.RecordBatch]) -> str:
        total = 0
        for batch in batches:
            for row in batch.to_pylist():
                line = f"{name}:{json.dumps(row, sort_keys=True, default=str)}"
                total += int.from_bytes(hashlib.blake2b(line.encode(), digest_size=16).digest())
        return f"{name}={total % 2**128:032x}"

    meta = ["source", "doc_id", "status", "error", "version"]
    tables = [digest("documents", documents_dataset(paths).iter_batches(meta))]
    for stage in ("language", "extract"):
        path = state_path(paths.state, stage)
        batches = (
            pq.ParquetFile(path).iter_batches(columns=["doc_id", "version"])
            if path.exists()
            else []
        )
        tables.append(digest(stage, batches))
    return fingerprint(
        *tables,
        Path(__file__),
        Path(org_rules.__file__),
        Path(org_junk.__file__),
        Path(org_names.__file__),
        Path(place_rules.__file__),
        Path(org_rules.__file__).parent / "data" / "organisations",
        Path(org_rules.__file__).parent / "data" / "places",
        str(paths.processed.resolve()),
    )


ENTITY_TABLES = ("organisations", "places", "dates", "figures", "mentions")


def _normalise_group(
    partitions: Partitions,
    group: int,
    acronyms: dict[str, set[str]],
    stage_errors: dict[str, str],
    writers: dict[str, StreamWriter],
) -> int:
    """Normalise one group of documents; returns how many had mentions to normalise."""
    segments: dict[str, list[dict]] = defaultdict(list)
    for seg in partitions.read("segments", group):
        segments[seg["doc_id"]].append(seg)
    mentions: dict[str, list[dict]] = defaultdict(list)
    for m in partitions.read("mentions", group):
        mentions[m["doc_id"]].append(m)
    done = 0
    for doc in partitions.read("documents", group):
        doc_id = doc["doc_id"]
        readable = doc["status"] == "ok"
        if readable and doc_id in stage_errors:
            doc["status"], doc["error"] = "error", stage_errors[doc_id]
        segs = sorted(segments.pop(doc_id, []), key=lambda seg: seg["segment"])
        main, languages = None, []
        if segs:
            main, languages = document_languages(
                Segment(s["segment"], s["start"], s["end"], s["language"], s["score"] or 0.0)
                for s in segs
            )
        model_language = main or "und"  # what the text says, before any page hint
        ok = doc["status"] == "ok"  # readable, and no later stage failed on it
        if ok and main == "und" and doc["lang_hint"] in ("fr", "en"):
            main, languages = doc["lang_hint"], [doc["lang_hint"]]
        writers["documents"].write_rows(
            [
                {
                    **{k: doc[k] for k in DOCUMENTS.names if k in doc},
                    "language": main if ok else None,
                    "languages": languages if ok else [],
                    "n_segments": len(segs),
                }
            ]
        )
        doc_mentions = mentions.pop(doc_id, None)
        if not readable or not doc_mentions:
            continue
        definitions = [
            org_rules.AcronymDefinition(*d) for d in json.loads(doc["definitions"] or "[]")
        ]
        rows = normalise_document(doc, segs, doc_mentions, model_language, acronyms, definitions)
        for name, table_rows in zip(ENTITY_TABLES, rows, strict=True):
            writers[name].write_rows(table_rows)
        done += 1
    return done


def run(paths: Paths) -> StageReport:
    """Rebuild processed/ from interim/, group of documents by group of documents.

    Skipped when neither the interim tables nor this stage's code changed since
    the tables in processed/ were written.
    """
    started = time.perf_counter()
    report = StageReport("normalise")
    out = paths.processed
    stamp = out / "_normalise.json"
    fingerprint = _fingerprint(paths)
    if (
        stamp.exists()
        and json.loads(stamp.read_text())["fingerprint"] == fingerprint
        and all((out / f"{name}.parquet").exists() for name in PROCESSED_TABLES)
    ):
        for name in PROCESSED_TABLES:
            touch(out / f"{name}.parquet")
        report.plan.skipped = 1
        report.seconds = time.perf_counter() - started
        return report

    documents = documents_dataset(paths)
    n_groups = min(MAX_GROUPS, max(1, -(-documents.num_rows() // GROUP_DOCS)))
    scratch = paths.interim / "normalise-scratch"  # under the run lock: no one else uses it
    shutil.rmtree(scratch, ignore_errors=True)  # left by a killed run
    partitions = Partitions(scratch, n_groups)
    acronyms: dict[str, set[str]] = defaultdict(set)
    writers: dict[str, StreamWriter] = {}
    try:
        partitions.split(
            "documents", _with_definitions(documents.iter_batches(DOCUMENTS_RAW.names), acronyms)
        )
        partitions.split("segments", segments_dataset(paths).iter_batches(SEGMENTS.names))
        partitions.split("mentions", mentions_dataset(paths).iter_batches(MENTIONS_RAW.names))
        writers = {
            name: StreamWriter(out / f"{name}.parquet", PROCESSED_TABLES[name])
            for name in (*ENTITY_TABLES, "documents")
        }
        stage_errors = _stage_errors(paths)
        done = 0
        for group in range(n_groups):
            done += _normalise_group(partitions, group, acronyms, stage_errors, writers)
        for writer in writers.values():
            writer.close()
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    write_rows(
        organisation_index(out / "organisations.parquet"),
        out / "organisation_index.parquet",
        ORGANISATION_INDEX,
    )
    atomic_bytes(stamp, json.dumps({"fingerprint": fingerprint}).encode())
    report.rows = writers["mentions"].rows
    report.plan.new = done
    report.seconds = time.perf_counter() - started
    return report
