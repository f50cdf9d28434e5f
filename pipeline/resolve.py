"""Resolve: one document's mentions become its entities, document by document.

Per document, mentions become entities: organisations (acronyms linked to long
forms, one label per name, junk dropped), places (resolved in the offline
gazetteer, local places kept without coordinates), dates (ISO start and end at
their granularity) and figures (value, unit, approximation; a range gives a row
per end). Everything here depends on one document only, so the stage is
incremental like extract: a run resolves the documents that are new or whose
mentions changed, and keeps the others' rows.

What needs the whole corpus (one `org_id` for an organisation wherever it is
named, the organisation index) is `pipeline.link`'s. An organisation leaves
this stage with its link key (`link_key`): the folded name its id is made from,
and the acronym to look up when it is named by an acronym alone.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .language import Segment, document_languages
from .mentions import Mention
from .rules import org_context, org_junk, org_names, org_products
from .rules import organisations as org_rules
from .rules import places as place_rules
from .rules.spans import DisjointSpans, SpanIndex
from .runner import DocResult, one_by_one_on_failure

NAME_LABELS = ("ORG", "LOC", "PER", "MISC")
ACRONYM_RULE = f"rule:organisations.acronym@{org_rules.RULES_VERSION}"
CUE_RULE = f"rule:organisations.consistency@{org_rules.RULES_VERSION}"
LIST_RULE = f"rule:organisations.list_item@{org_rules.RULES_VERSION}"
ENUMERATION_RULE = f"rule:organisations.enumeration@{org_rules.RULES_VERSION}"
APPOSITION_RULE = f"rule:organisations.apposition@{org_rules.RULES_VERSION}"
DESCRIBED_RULE = f"rule:organisations.described@{org_rules.RULES_VERSION}"
JUNK_RULE = f"rule:organisations.junk@{org_junk.JUNK_VERSION}"
CARD_RULE = f"rule:organisations.card@{org_context.CONTEXT_VERSION}"
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
    mentions: list[Mention] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.long_form:
            return org_rules.strip_article(self.long_form)
        return org_rules.canonical_name(self.forms)

    def aliases(self) -> list[str]:
        return aliases_of(self.name, [*self.forms, *([self.acronym] if self.acronym else [])])


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
        self.mentions: list[Mention] = []
        self._spans = DisjointSpans()

    def free(self, start: int, end: int) -> bool:
        return self._spans.free(start, end)

    def claim(self, mention: Mention) -> None:
        self._spans.add(mention.start, mention.end)
        self.mentions.append(mention)


def _segment_finder(segments: list[dict]):
    """The first segment, in the list's order, that holds a position (or None).

    Segments in order of their starts, each ending before the next starts, are
    searched by bisection; any other list is scanned as it is.
    """
    starts = [s["start"] for s in segments]
    ordered = all(
        a["start"] <= b["start"] and a["end"] <= b["start"] for a, b in itertools.pairwise(segments)
    )

    def find(pos: int) -> dict | None:
        if not ordered:
            return next((s for s in segments if s["start"] <= pos < s["end"]), None)
        i = bisect.bisect_right(starts, pos) - 1
        return segments[i] if i >= 0 and pos < segments[i]["end"] else None

    return find


def _common_noun(name: str, lower_words: set[str]) -> bool:
    """A single capitalised word that the text also uses in lower case is a common noun.

    "Centers", "Kidnappings", "Region": capitalised by a heading or a writer's
    habit, written in lower case elsewhere in the same document.
    `lower_words` are the words the document writes in lower case.
    """
    if len(name.split()) > 1 or org_rules.is_acronym(name) or not name[:1].isupper():
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


def _merge_org_of_place(names: list[Mention], text: str) -> list[Mention]:
    """French names that carry their place: "FGTB" + " de " + "Liège-Huy-Waremme" is one organisation."""
    names = sorted(names, key=lambda m: m.start)
    out: list[Mention] = []
    for m in names:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.label == "ORG"
            and m.label in ("LOC", "ORG")
            and (prev.language or "fr") == "fr"
            and _ORG_OF_PLACE.match(text[prev.end : m.start])
        ):
            out[-1] = prev.respanned(text, prev.start, m.end, CUE_RULE)
            continue
        out.append(m)
    return out


def resolve_labels(
    doc_id: str,
    mentions: list[Mention],
    text: str,
    segments: list[dict],
    language: str,
    definitions: list | None = None,
) -> list[Mention]:
    """A document's name mentions with one label per name, rule names added, junk dropped.

    In order of trust: acronym definitions and their later uses, bullet items of
    partner lists, enumerations after a plural organisation noun, appositions
    ("l'asbl X"), then the model's own entities, relabelled by evidence.
    """
    names = [m for m in mentions if m.label in NAME_LABELS]
    rules = _Spans()
    segment_at = _segment_finder(segments)

    def add(start: int, end: int, extractor: str, short: str | None = None) -> None:
        if rules.free(start, end):
            rules.claim(
                _rule_mention(doc_id, segment_at, start, end, text, "ORG", extractor, short)
            )

    # 1. Acronym definitions: organisation, place, or neither, by evidence.
    place_acronyms: set[str] = set()
    org_definitions = []
    if definitions is None:
        definitions = org_rules.find_acronym_definitions(text)
    model_orgs = SpanIndex((m.start, m.end) for m in names if m.label == "ORG")
    model_org_texts = {m.text for m in names if m.label == "ORG"}
    for d in definitions:
        org_evidence = (
            org_rules.has_org_cue(d.long)
            or model_orgs.overlaps(d.long_start, d.long_end)
            or d.short in model_org_texts
        )
        if _gazetteer_kind(d.long, language) and not org_rules.has_org_cue(d.long):
            place_acronyms.add(d.short)
        elif org_evidence and not org_products.product_names(text, [d.long, d.short]):
            org_definitions.append(d)
    for d in org_definitions:
        add(d.long_start, d.long_end, ACRONYM_RULE, d.short)
        add(d.short_start, d.short_end, ACRONYM_RULE, d.short)
    # each acronym once: a second pass over the same occurrences would find them taken
    for short in dict.fromkeys(d.short for d in org_definitions):
        for s, e in org_rules.find_occurrences(text, short):
            add(s, e, ACRONYM_RULE, short)

    # 2. Names the model misses or cuts: partner lists, enumerations, appositions.
    tagged = [(m.start, m.end) for m in names if m.label in ("ORG", "MISC")]
    for s, e in org_rules.find_list_item_names(text, tagged):
        add(s, e, LIST_RULE)
    is_place = lambda n: _gazetteer_kind(n, language) is not None  # noqa: E731
    for s, e in org_rules.find_enumerated_names(text):
        name = text[s:e]
        # "nos membres Aminata et Moussa", "partners in Mali and Niger"
        # an acronym listed with organisations is one: "ILO" is no Ilo, a town of Peru
        written = not org_rules.is_acronym(name)
        place = written and is_place(name)
        if not (place or (written and org_junk.is_first_name(name)) or org_junk.is_person(name)):
            add(s, e, ENUMERATION_RULE)
    for s, e in org_names.find_named_after(text, is_place):
        add(s, e, f"rule:organisations.named_after@{org_names.NAMES_VERSION}")
    terms = org_rules.find_term_acronyms(text)
    lower_words = lower_case_words(text)
    for s, e in org_rules.find_apposition_names(text):
        name = text[s:e]
        # "un club Madagascar": a country after the noun names the club's subject
        known_place = _gazetteer_kind(name, language) in ("country", "region", "continent")
        if not _common_noun(name, lower_words) and name not in terms and not known_place:
            add(s, e, APPOSITION_RULE)
    for s, e in org_rules.find_described_names(text):
        name = text[s:e]
        if not is_place(name) and org_junk.junk_reason(name) in (None, "topic"):
            add(s, e, DESCRIBED_RULE)
    for s, e, signal in org_names.find_names(text, tagged, is_place):
        add(s, e, f"rule:organisations.{signal}@{org_names.NAMES_VERSION}")
    names = [m for m in names if rules.free(m.start, m.end)]

    # 3. Junk out: function words, page furniture, common nouns with a capital,
    # acronyms of terms.
    names = [_without_footnote(m, text) for m in names]
    for i, m in enumerate(names):
        start, end = org_rules.whole_words(text, m.start, m.end)
        if (start, end) != (m.start, m.end) and rules.free(start, end):
            names[i] = m.respanned(text, start, end)
    names = [
        m
        for m in names
        if not org_rules.is_junk(m.text)
        and not _common_noun(m.text, lower_words)
        and m.text not in terms
        and not org_rules.is_generic_body(m.text)
        and not org_junk.names_no_organisation(m.text)
        and not (m.label != "LOC" and org_rules.is_cited_author(text, m.end))
    ]

    # a name a rule found as an organisation is one everywhere in the document
    rule_orgs = org_names.organisation_evidence([r.text for r in rules.mentions], names, text)
    names = _card_organisations(names, rules, rule_orgs, text, is_place, add)

    # 4. One label per name: votes, with organisation nouns and the gazetteer as evidence.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in names:
        votes[org_rules.fold(m.text)][m.label] += 1
    names = [_voted(m, votes, rule_orgs, place_acronyms, language) for m in names]
    names = _merge_org_of_place(names, text)
    names = org_junk.drop_junk_organisations(
        names, text, rule_orgs, lambda n: _gazetteer_kind(n, language), JUNK_RULE
    )
    out = place_rules.reconcile(
        text,
        names + rules.mentions,
        language,
        lambda s, e, rule: _rule_mention(doc_id, segment_at, s, e, text, "LOC", rule),
    )
    out.sort(key=lambda m: (m.start, m.end))
    return out


def _without_footnote(m: Mention, text: str) -> Mention:
    """ "IRFAM1": the name without a footnote marker glued to it."""
    bare = org_rules.footnote_stripped(m.text, text)
    return m.respanned(text, m.start, m.start + len(bare)) if bare else m


def _voted(
    m: Mention,
    votes: dict[str, Counter[str]],
    rule_orgs: set[str],
    place_acronyms: set[str],
    language: str,
) -> Mention:
    """The mention with the label its name gets: an organisation noun or a rule makes it an
    organisation, else the votes of its name's mentions, the gazetteer weighing for a place."""
    if org_rules.has_org_cue(m.text) or org_rules.fold(m.text) in rule_orgs:
        label = "ORG"
    elif m.text in place_acronyms:
        label = "LOC"
    else:
        counts = votes[org_rules.fold(m.text)]
        kind = _gazetteer_kind(m.text, language) if m.label != "PER" else None
        if kind in ("country", "region", "continent", "city"):
            counts = counts + Counter({"LOC": 2})
        label = max(counts, key=lambda lab: (counts[lab], lab == "ORG"))
        if label == "MISC" and org_rules.is_name_like_acronym_or_brand(m.text):
            label = "ORG"  # the French model files most acronyms and brand names as MISC
    return m if label == m.label else m.relabelled(label, CUE_RULE)


def _card_organisations(names, rules, evidence, text, is_place, add) -> list[Mention]:
    """Titles of cards whose siblings are organisations, and the owner named by the
    copyright notice, become organisations, and so does every other place the page
    writes them (org_context); `evidence` gains them."""
    org_spans = [(m.start, m.end) for m in names if m.label == "ORG"]
    org_spans += [(r.start, r.end) for r in rules.mentions]
    org_folds = {org_rules.fold(text[s:e]) for s, e in org_spans} | evidence

    def is_organisation(start: int, end: int) -> bool:
        name = text[start:end]
        return (
            org_context.covers(org_spans, start, end)
            or org_rules.fold(name) in org_folds
            or org_rules.has_org_cue(name)
        )

    def refused(name: str) -> bool:
        return (
            is_place(name)
            or org_rules.is_junk(name)
            or org_junk.junk_reason(name) not in (None, "topic")
        )

    found = org_context.card_organisations(text, is_organisation, refused)
    found += [
        span
        for span in org_context.record_organisations(text, is_organisation, refused)
        if span not in found
    ]
    rule_spans = [(r.start, r.end) for r in rules.mentions]

    def named_by_rule(start: int, end: int) -> bool:
        # stronger than the model's ORG, which also tags bridges and tools in lists
        name = text[start:end]
        return org_context.covers(rule_spans, start, end) or (
            org_rules.has_org_cue(name) or org_rules.fold(name) in evidence
        )

    listed = org_context.coordinated_organisations(
        text, named_by_rule, lambda name: refused(name) or org_junk.is_single_common_word(name)
    )
    found += [span for span in listed if span not in found]
    owners = org_context.owner_names(text, refused)
    if not found and not owners:
        return names
    taken = [(r.start, r.end) for r in rules.mentions]
    found += org_context.repeated_mentions(
        text, [text[s:e] for s, e in found] + owners, taken + found
    )
    kept = []
    for m in names:
        inside = [(s, e) for s, e in found if s < m.end and m.start < e]
        same = (m.start, m.end) in inside and m.label == "ORG"
        if inside and not same and all(s <= m.start and m.end <= e for s, e in inside):
            continue  # the model's other label or piece of it ("Up" of "Banlieue Up") gives way
        kept.append(m)
    for s, e in found:
        if not any(m.start < e and s < m.end for m in kept):
            add(s, e, CARD_RULE)
        evidence.add(org_rules.fold(text[s:e]))
    return kept


def _rule_mention(doc_id, segment_at, start, end, text, label, extractor, short=None) -> Mention:
    seg = segment_at(start)
    return Mention(
        doc_id=doc_id,
        segment=seg["segment"] if seg else -1,
        start=start,
        end=end,
        text=text[start:end],
        label=label,
        language=seg["language"] if seg else None,
        extractor=extractor,
        acronym=short,
    )


def organisations_of(names: list[Mention]) -> list[OrgEntity]:
    """Group a document's ORG mentions into organisations."""
    entities: list[OrgEntity] = []
    by_key: dict[str, OrgEntity] = {}
    for m in names:
        if m.label != "ORG":
            continue
        short = m.acronym
        keys = [group_key(m.text)]
        if short:
            keys.append(group_key(short))
        entity = next((by_key[k] for k in keys if k in by_key), None)
        if entity is None:
            entity = OrgEntity()
            entities.append(entity)
        entity.forms.append(m.text)
        entity.mentions.append(m)
        if short:
            entity.acronym = short
            if m.text != short:
                entity.long_form = m.text
        for k in keys:
            by_key.setdefault(k, entity)
    return entities


def places_of(names: list[Mention], language: str) -> list[dict]:
    """A document's places: gazetteer entries where known, local names otherwise.

    The document's own countries break ties between homonyms: "Beni" in a page
    about North Kivu is the Congolese town, not the Bolivian department.
    """
    locs = [m for m in names if m.label == "LOC"]
    first = [lookup_place(m.text, m.language or language) for m in locs]
    countries = Counter(p.country_code for p in first if p and p.country_code)
    hint = countries.most_common(1)[0][0] if countries else None
    places: dict[str, dict] = {}
    for m, place in zip(locs, first, strict=True):
        if hint:
            place = lookup_place(m.text, m.language or language, hint)
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
            name = local_place_name(m.text)
            key = stable_id("local", org_rules.fold(name))
            values = {"kind": "local", "country_code": None, "latitude": None, "longitude": None}
        entry = places.setdefault(
            key, {"place_id": key, "name": name, **values, "forms": [], "mentions": []}
        )
        entry["forms"].append(m.text)
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
    text = " ".join(text.split())  # a name wrapped at a line end ("Northern\nGreece")
    stripped = _LOCAL_HEAD.sub("", text)
    stripped = re.sub(
        r"\s+(?:city|town|village|district|territory|province)$", "", stripped, flags=re.I
    )
    return org_rules.strip_article(stripped if stripped[:1].isupper() else text.strip())


def where(mention: Mention, segments: dict[int, dict]) -> dict:
    """Where a mention stands: its segment, that segment's PDF page and part."""
    seg = segments.get(mention.segment, {})
    return {"segment": mention.segment, "page": seg.get("page"), "part": seg.get("part")}


def date_rows(mentions: list[Mention], segments: dict[int, dict]) -> list[dict]:
    """One row per date mention; `segments` by number, for where each stands."""
    return [
        {
            "doc_id": m.doc_id,
            "text": m.text,
            "start": m.date_start,
            "end": m.date_end,
            "granularity": m.granularity or "day",
            "start_offset": m.start,
            "end_offset": m.end,
            "language": m.language,
            "extractor": m.extractor,
            **where(m, segments),
        }
        for m in mentions
        if m.label == "DATE"
    ]


def figure_rows(mentions: list[Mention], segments: dict[int, dict]) -> list[dict]:
    """One row per figure mention, two for a range; `segments` by number."""
    rows = []
    for m in mentions:
        if m.label != "FIGURE" or m.value is None:
            continue
        base = {
            "doc_id": m.doc_id,
            "text": m.text,
            "unit": m.unit,
            "approximate": bool(m.approximate),
            "start_offset": m.start,
            "end_offset": m.end,
            "language": m.language,
            "extractor": m.extractor,
            **where(m, segments),
        }
        if m.upper is None:
            rows.append({**base, "value": m.value, "bound": None})
        else:
            rows.append({**base, "value": m.value, "bound": "lower"})
            rows.append({**base, "value": m.upper, "bound": "upper"})
    return rows


def aliases_of(name: str, forms: list[str]) -> list[str]:
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


def link_key(entity: OrgEntity) -> tuple[str, str | None]:
    """What an organisation's corpus-wide id is made from: (folded name, acronym or None).

    The id is a hash of the folded long name. An organisation named by an
    acronym alone carries the acronym too: `pipeline.link` gives it the id of
    the acronym's long name when the corpus defines the acronym for a single
    long name, and the hash of the acronym otherwise.
    """
    if entity.long_form:
        return group_key(entity.long_form), None
    if entity.acronym or all(org_rules.is_acronym(f) for f in entity.forms):
        short = entity.acronym or entity.forms[0]
        return group_key(short), short
    return group_key(entity.name), None


RESOLVED_TABLES = ("documents", "organisations", "places", "dates", "figures", "mentions")


def entities_of(
    doc_id: str,
    text: str,
    segments: list[dict],
    mentions: list[Mention],
    language: str,
    definitions: list | None = None,
) -> dict[str, list[dict]]:
    """Entities of one document: its organisation, place, date, figure and mention rows.

    Organisations and their mentions carry their link key (`org_key`,
    `org_short`) instead of an id; places and their mentions have their id.
    """
    names = resolve_labels(doc_id, mentions, text, segments, language, definitions)
    org_rows, place_rows = [], []
    # what each name mention belongs to, by the mention's identity
    link_keys: dict[int, tuple[str, str | None]] = {}
    entity_ids: dict[int, str] = {}
    for e in organisations_of(names):
        key, short = link_key(e)
        for m in e.mentions:
            link_keys[id(m)] = (key, short)
        org_rows.append(
            {
                "doc_id": doc_id,
                "org_key": key,
                "org_short": short,
                "name": e.name,
                "aliases": e.aliases(),
                "acronym": e.acronym,
                "n_mentions": len(e.mentions),
                "first_offset": min(m.start for m in e.mentions),
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
                "aliases": aliases_of(place["name"], place["forms"]),
                "n_mentions": len(place["mentions"]),
                "first_offset": min(m.start for m in place["mentions"]),
            }
        )
        for m in place["mentions"]:
            entity_ids[id(m)] = place["place_id"]
    seg_info = {s["segment"]: s for s in segments}
    kept = names + [m for m in mentions if m.label in ("DATE", "FIGURE")]
    mention_rows = [
        {
            "doc_id": doc_id,
            "start_offset": m.start,
            "end_offset": m.end,
            "text": m.text,
            "label": m.label,
            "language": m.language,
            "extractor": m.extractor,
            "entity_id": entity_ids.get(id(m)),
            "org_key": link_keys.get(id(m), (None, None))[0],
            "org_short": link_keys.get(id(m), (None, None))[1],
            **where(m, seg_info),
        }
        for m in sorted(kept, key=lambda m: (m.start, m.end))
    ]
    return {
        "organisations": org_rows,
        "places": place_rows,
        "dates": date_rows(mentions, seg_info),
        "figures": figure_rows(mentions, seg_info),
        "mentions": mention_rows,
    }


def resolve_document(
    doc: dict, segments: list[dict], mentions: list[dict]
) -> dict[str, list[dict]]:
    """Everything one document contributes to the processed tables, as rows per table.

    `doc` needs doc_id and text; `segments` and `mentions` are the document's
    rows from the language and extract stages. The document's row holds its
    languages and its acronym definitions (which `pipeline.link` gathers over
    the corpus). A document without mentions has no entities.
    """
    doc_id, text = doc["doc_id"], doc["text"]
    segments = sorted(segments, key=lambda s: s["segment"])
    main, languages = None, []
    if segments:
        main, languages = document_languages(
            Segment(s["segment"], s["start"], s["end"], s["language"], s["score"] or 0.0)
            for s in segments
        )
    definitions = org_rules.find_acronym_definitions(text)
    tables: dict[str, list[dict]] = {name: [] for name in RESOLVED_TABLES}
    tables["documents"] = [
        {
            "doc_id": doc_id,
            "language": main,
            "languages": languages,
            "n_segments": len(segments),
            "acronyms": [{"short": d.short, "long": group_key(d.long)} for d in definitions],
        }
    ]
    if mentions:
        # the language the text itself is in, before any page hint
        found = [Mention.from_row(m) for m in mentions]
        tables.update(entities_of(doc_id, text, segments, found, main or "und", definitions))
    return tables


def resolve_chunk(payload: tuple[list[dict], dict[str, dict[str, list[dict]]]]) -> list[DocResult]:
    """One task: (documents, {"segments": ..., "mentions": ...} by doc_id) -> results. Pure."""
    documents, upstream = payload
    segments, mentions = upstream["segments"], upstream["mentions"]

    def resolve(docs: list[dict]) -> list[DocResult]:
        return [
            DocResult(
                d["doc_id"],
                resolve_document(d, segments.get(d["doc_id"], []), mentions.get(d["doc_id"], [])),
            )
            for d in docs
        ]

    return one_by_one_on_failure(resolve, documents)
