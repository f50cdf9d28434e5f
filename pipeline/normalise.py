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
import logging
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .config import Paths
from .language import Segment, document_languages
from .rules import organisations as org_rules
from .rules import places as place_rules
from .runner import StageReport
from .schemas import (
    DATES,
    DOCUMENTS,
    DOCUMENTS_RAW,
    FIGURES,
    MENTIONS,
    MENTIONS_RAW,
    ORGANISATION_INDEX,
    ORGANISATIONS,
    PLACES,
    SEGMENTS,
)
from .storage import read_table, write_rows

log = logging.getLogger(__name__)

NAME_LABELS = ("ORG", "LOC", "PER", "MISC")
ACRONYM_RULE = f"rule:organisations.acronym@{org_rules.RULES_VERSION}"
CUE_RULE = f"rule:organisations.consistency@{org_rules.RULES_VERSION}"
LIST_RULE = f"rule:organisations.list_item@{org_rules.RULES_VERSION}"
ENUMERATION_RULE = f"rule:organisations.enumeration@{org_rules.RULES_VERSION}"
APPOSITION_RULE = f"rule:organisations.apposition@{org_rules.RULES_VERSION}"
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
        name = self.name
        seen = {org_rules.fold(name)}
        out = []
        for form in sorted(set(self.forms) | ({self.acronym} if self.acronym else set())):
            shown = org_rules.strip_article(form)
            key = org_rules.fold(shown)
            if key and key not in seen:
                seen.add(key)
                out.append(shown)
        return out

    def keys(self) -> set[str]:
        """Names that identify it across documents (acronyms only with their long form)."""
        keys = {group_key(f) for f in self.forms if not org_rules.is_acronym(f)}
        if self.long_form:
            keys.add(group_key(self.long_form))
        return {k for k in keys if k}


def _overlaps(a: dict, start: int, end: int) -> bool:
    return a["start"] < end and start < a["end"]


def _gazetteer_kind(name: str, language: str) -> str | None:
    place = place_rules.lookup(name, language)
    return place.kind if place else None


class _Spans:
    """Rule mentions claimed so far, highest priority first: later rules never overlap them."""

    def __init__(self) -> None:
        self.mentions: list[dict] = []

    def free(self, start: int, end: int) -> bool:
        return not any(m["start"] < end and start < m["end"] for m in self.mentions)

    def claim(self, mention: dict) -> None:
        self.mentions.append(mention)


def _common_noun(name: str, text: str) -> bool:
    """A single capitalised word that the text also uses in lower case is a common noun.

    "Centers", "Kidnappings", "Region": capitalised by a heading or a writer's
    habit, written in lower case elsewhere in the same document.
    """
    if " " in name or org_rules.is_acronym(name) or not name[:1].isupper():
        return False
    lower = name.lower()
    forms = {lower, lower[:-1]} if lower.endswith("s") and len(lower) > 3 else {lower}
    return any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text) for f in forms)


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
    doc_id: str, mentions: list[dict], text: str, segments: list[dict], language: str
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
    for d in org_rules.find_acronym_definitions(text):
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
    for s, e in org_rules.find_apposition_names(text):
        if not _common_noun(text[s:e], text) and text[s:e] not in terms:
            add(s, e, APPOSITION_RULE)
    names = [m for m in names if rules.free(m["start"], m["end"])]

    # 3. Junk out: function words, page furniture, common nouns with a capital,
    # acronyms of terms.
    names = [
        m
        for m in names
        if not org_rules.is_junk(m["text"])
        and not _common_noun(m["text"], text)
        and m["text"] not in terms
    ]

    # 4. One label per name: votes, with organisation nouns and the gazetteer as evidence.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in names:
        votes[org_rules.fold(m["text"])][m["label"]] += 1
    for m in names:
        if org_rules.has_org_cue(m["text"]):
            label = "ORG"
        elif m["text"] in place_acronyms:
            label = "LOC"
        else:
            counts = votes[org_rules.fold(m["text"])]
            kind = _gazetteer_kind(m["text"], language) if m["label"] != "PER" else None
            if kind in ("country", "region", "continent"):
                counts = counts + Counter({"LOC": 2})
            label = max(counts, key=lambda lab: (counts[lab], lab == "ORG"))
            if label == "MISC" and org_rules.is_name_like_acronym_or_brand(m["text"]):
                label = "ORG"  # the French model files most acronyms and brand names as MISC
        if label != m["label"]:
            m["label"] = label
            m["extractor"] = f"{m['extractor']}+{CUE_RULE}"
    names = _merge_org_of_place(names, text)
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
    """A document's places: gazetteer entries where known, local names otherwise."""
    locs = [m for m in names if m["label"] == "LOC"]
    resolved = [(m, place_rules.lookup(m["text"], m.get("language") or language)) for m in locs]
    countries = Counter(p.country_code for _, p in resolved if p and p.country_code)
    hint = countries.most_common(1)[0][0] if countries else None
    places: dict[str, dict] = {}
    for m, place in resolved:
        if place is None and hint:
            place = place_rules.lookup(m["text"], m.get("language") or language, country_hint=hint)
        if place is not None:
            key = place.place_id
            entry = places.setdefault(
                key,
                {
                    "place_id": place.place_id,
                    "name": place.name,
                    "kind": place.kind,
                    "country_code": place.country_code,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                    "forms": [],
                    "mentions": [],
                },
            )
        else:
            name = org_rules.strip_article(m["text"])
            key = "local-" + org_rules.fold(name)
            entry = places.setdefault(
                key,
                {
                    "place_id": stable_id("local", org_rules.fold(name)),
                    "name": name,
                    "kind": "local",
                    "country_code": None,
                    "latitude": None,
                    "longitude": None,
                    "forms": [],
                    "mentions": [],
                },
            )
        entry["forms"].append(m["text"])
        entry["mentions"].append(m)
    return list(places.values())


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
    seen = {org_rules.fold(name)}
    out = []
    for form in sorted(set(forms)):
        shown = org_rules.strip_article(form)
        key = org_rules.fold(shown)
        if key and key not in seen:
            seen.add(key)
            out.append(shown)
    return out


def assign_org_ids(per_doc: dict[str, list[OrgEntity]]) -> dict[int, str]:
    """One org_id per organisation across documents (keyed by id(entity)).

    Entities that share a long name are one; an acronym alone joins the entity
    it was defined for only where it was defined for a single long name.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    entities = [e for ents in per_doc.values() for e in ents]
    for e in entities:
        parent[id(e)] = id(e)
    owner: dict[str, int] = {}
    acronym_longs: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        if e.acronym and e.long_form:
            acronym_longs[group_key(e.acronym)].add(group_key(e.long_form))
    for e in entities:
        keys = e.keys()
        if e.acronym and len(acronym_longs.get(group_key(e.acronym), ())) == 1:
            keys.add(next(iter(acronym_longs[group_key(e.acronym)])))
        if not keys and e.acronym:
            keys = {group_key(e.acronym)}
        for k in keys:
            if k in owner:
                parent[find(id(e))] = find(owner[k])
            else:
                owner[k] = id(e)
    clusters: dict[int, list[OrgEntity]] = defaultdict(list)
    for e in entities:
        clusters[find(id(e))].append(e)
    ids = {}
    for members in clusters.values():
        names = Counter(org_rules.fold(e.name) for e in members)
        key = max(names, key=lambda n: (names[n], len(n)))
        org_id = stable_id("org", key)
        for e in members:
            ids[id(e)] = org_id
    return ids


def run(paths: Paths) -> StageReport:
    started = time.perf_counter()
    report = StageReport("normalise")
    documents = read_table(paths.interim / "documents.parquet", DOCUMENTS_RAW).to_pylist()
    segments = read_table(paths.interim / "segments.parquet", SEGMENTS).to_pylist()
    mentions = read_table(paths.interim / "mentions.parquet", MENTIONS_RAW).to_pylist()
    segs_by_doc: dict[str, list[dict]] = defaultdict(list)
    for s in segments:
        segs_by_doc[s["doc_id"]].append(s)
    mentions_by_doc: dict[str, list[dict]] = defaultdict(list)
    for m in mentions:
        mentions_by_doc[m["doc_id"]].append(m)

    doc_rows, place_rows, all_dates, all_figures = [], [], [], []
    mention_rows: list[dict] = []
    orgs_by_doc: dict[str, list[OrgEntity]] = {}
    segment_info: dict[tuple[str, int], dict] = {}
    for doc in documents:
        doc_id = doc["doc_id"]
        segs = (
            sorted(segs_by_doc.get(doc_id, []), key=lambda s: s["segment"])
            if doc["status"] == "ok"
            else []
        )
        for s in segs:
            segment_info[(doc_id, s["segment"])] = s
        language, languages = document_languages(
            [
                Segment(s["segment"], s["start"], s["end"], s["language"], s["score"] or 0.0)
                for s in segs
            ],
            doc["lang_hint"],
        )
        doc_rows.append(
            {
                **{k: doc[k] for k in ("doc_id", "source", "format", "encoding", "bytes", "title")},
                **{
                    k: doc[k]
                    for k in ("canonical_url", "site_name", "published", "status", "error")
                },
                "language": language if doc["status"] == "ok" else None,
                "languages": languages,
                "n_chars": len(doc["text"]) if doc["text"] else 0,
                "n_segments": len(segs),
            }
        )
        if doc["status"] != "ok":
            continue
        doc_mentions = mentions_by_doc.get(doc_id, [])
        names = resolve_labels(doc_id, doc_mentions, doc["text"], segs, language)
        orgs_by_doc[doc_id] = organisations_of(names)
        for place in places_of(names, language):
            place_rows.append(
                {
                    "doc_id": doc_id,
                    **{
                        k: place[k]
                        for k in (
                            "place_id",
                            "name",
                            "kind",
                            "country_code",
                            "latitude",
                            "longitude",
                        )
                    },
                    "aliases": _aliases(place["name"], place["forms"]),
                    "n_mentions": len(place["mentions"]),
                    "first_offset": min(m["start"] for m in place["mentions"]),
                }
            )
            for m in place["mentions"]:
                m["entity_id"] = place["place_id"]
        all_dates.extend(date_rows(doc_mentions))
        all_figures.extend(figure_rows(doc_mentions))
        mention_rows.extend(names)
        mention_rows.extend(m for m in doc_mentions if m["label"] in ("DATE", "FIGURE"))

    org_ids = assign_org_ids(orgs_by_doc)
    org_rows = []
    index: dict[str, dict] = {}
    for doc_id, entities in orgs_by_doc.items():
        for e in entities:
            org_id = org_ids[id(e)]
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
            entry = index.setdefault(
                org_id,
                {
                    "org_id": org_id,
                    "names": Counter(),
                    "forms": set(),
                    "acronym": None,
                    "docs": set(),
                    "n": 0,
                },
            )
            entry["names"][e.name] += 1
            entry["forms"].update(e.aliases())
            entry["acronym"] = entry["acronym"] or e.acronym
            entry["docs"].add(doc_id)
            entry["n"] += len(e.mentions)
    index_rows = []
    for entry in index.values():
        name = max(entry["names"], key=lambda n: (entry["names"][n], len(n)))
        forms = set(entry["forms"]) | set(entry["names"])
        index_rows.append(
            {
                "org_id": entry["org_id"],
                "name": name,
                "aliases": _aliases(name, sorted(forms)),
                "acronym": entry["acronym"],
                "n_documents": len(entry["docs"]),
                "n_mentions": entry["n"],
            }
        )
    index_rows.sort(key=lambda r: (-r["n_documents"], -r["n_mentions"], r["name"]))

    processed_mentions = []
    for m in sorted(mention_rows, key=lambda m: (m["doc_id"], m["start"], m["end"])):
        seg = segment_info.get((m["doc_id"], m["segment"]), {})
        processed_mentions.append(
            {
                "doc_id": m["doc_id"],
                "start_offset": m["start"],
                "end_offset": m["end"],
                "text": m["text"],
                "label": m["label"],
                "language": m["language"],
                "extractor": m["extractor"],
                "entity_id": m.get("entity_id"),
                "segment": m["segment"],
                "page": seg.get("page"),
                "part": seg.get("part"),
            }
        )

    out = paths.processed
    # Written in an order where each table is complete on its own; every write is atomic.
    write_rows(doc_rows, out / "documents.parquet", DOCUMENTS)
    write_rows(org_rows, out / "organisations.parquet", ORGANISATIONS)
    write_rows(index_rows, out / "organisation_index.parquet", ORGANISATION_INDEX)
    write_rows(place_rows, out / "places.parquet", PLACES)
    write_rows(all_dates, out / "dates.parquet", DATES)
    write_rows(all_figures, out / "figures.parquet", FIGURES)
    write_rows(processed_mentions, out / "mentions.parquet", MENTIONS)
    report.rows = len(processed_mentions)
    report.plan.skipped = len(doc_rows)
    report.seconds = time.perf_counter() - started
    return report
