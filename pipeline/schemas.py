"""The pyarrow schema of every table the pipeline writes.

Each table is defined once, here. Writers build tables with
`pa.Table.from_pylist(rows, schema=...)`, so an empty table still has its
columns and a column's type never depends on the data it happens to hold.
The columns that `eval/score.py` reads are part of the contract and do not change.
"""

from __future__ import annotations

import pyarrow as pa

_string_list = pa.list_(pa.string())

# --- interim/ ---------------------------------------------------------------

DOCUMENTS_RAW = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),  # sha256 of the raw bytes, 16 hex digits
        pa.field("source", pa.string(), nullable=False),  # path relative to raw/
        pa.field(
            "format", pa.string()
        ),  # text | markdown | html | pdf | pdf-text | docx | odt | rtf
        pa.field("encoding", pa.string()),
        pa.field("bytes", pa.int64()),
        pa.field("mtime_ns", pa.int64()),
        pa.field("title", pa.string()),
        pa.field("text", pa.large_string()),
        pa.field("n_chars", pa.int64()),
        pa.field("lang_hint", pa.string()),  # <html lang> and the like
        pa.field("canonical_url", pa.string()),
        pa.field("site_name", pa.string()),
        pa.field("published", pa.date32()),
        pa.field(
            "parts",
            pa.list_(
                pa.struct([("start", pa.int32()), ("end", pa.int32()), ("part", pa.string())])
            ),
        ),
        pa.field(
            "pages",
            pa.list_(pa.struct([("start", pa.int32()), ("end", pa.int32()), ("page", pa.int32())])),
        ),
        pa.field("status", pa.string(), nullable=False),  # ok | error | duplicate
        pa.field("error", pa.string()),
        pa.field("version", pa.string(), nullable=False),  # ingest stage version
    ]
)

SEGMENTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("segment", pa.int32(), nullable=False),  # order in the document
        pa.field("start", pa.int32(), nullable=False),  # offsets into documents.text
        pa.field("end", pa.int32(), nullable=False),
        pa.field("language", pa.string(), nullable=False),  # fr | en | und
        pa.field("score", pa.float32()),  # detector confidence, 0..1
        # main | comments | heading | table | table-header | notes | chrome (docs/formats.md)
        pa.field("part", pa.string()),
        pa.field("page", pa.int32()),  # PDF page, when known
    ]
)

MENTIONS_RAW = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("segment", pa.int32(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),  # offsets into documents.text
        pa.field("end", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),  # ORG | LOC | PER | MISC | DATE | FIGURE
        pa.field("model_label", pa.string()),  # the label as the model gave it (GPE, PERSON...)
        pa.field("language", pa.string(), nullable=False),
        pa.field("extractor", pa.string(), nullable=False),  # spacy:<model>==<version> or rule name
        # dates
        pa.field("date_start", pa.date32()),
        pa.field("date_end", pa.date32()),
        pa.field("granularity", pa.string()),
        pa.field("day", pa.int8()),
        pa.field("month", pa.int8()),
        # figures
        pa.field("value", pa.float64()),
        pa.field("upper", pa.float64()),
        pa.field("unit", pa.string()),
        pa.field("approximate", pa.bool_()),
    ]
)

STAGE_STATE = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("version", pa.string(), nullable=False),
        pa.field("n_rows", pa.int64(), nullable=False),
        pa.field("status", pa.string(), nullable=False),  # ok | error
        pa.field("error", pa.string()),
        pa.field("seconds", pa.float64()),
        # when the rows were committed (a token, new at each commit), and the token
        # of the stage before when it was read: a document whose upstream rows were
        # made again since is redone
        pa.field("made", pa.string()),
        pa.field("input", pa.string()),
        # for an error due to the machine (a missing module or model): the
        # environment it failed in, so that it is retried once that changes
        pa.field("environment", pa.string()),
    ]
)

# --- processed/ -------------------------------------------------------------

# Where in the document a row's text stands: its segment, its PDF page and its
# part (main, comments, chrome...), as in `mentions`.
_WHERE = [
    pa.field("segment", pa.int32()),
    pa.field("page", pa.int32()),
    pa.field("part", pa.string()),
]

DOCUMENTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("format", pa.string()),
        pa.field("encoding", pa.string()),
        pa.field("bytes", pa.int64()),
        pa.field("title", pa.string()),
        pa.field("language", pa.string()),  # main language: fr | en | und
        pa.field("languages", _string_list),  # every language with a real share of the text
        pa.field("n_chars", pa.int64()),
        pa.field("n_segments", pa.int32()),
        pa.field("canonical_url", pa.string()),
        pa.field("site_name", pa.string()),
        pa.field("published", pa.date32()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("error", pa.string()),
    ]
)

ORGANISATIONS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("org_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("aliases", _string_list),
        pa.field("acronym", pa.string()),
        pa.field("n_mentions", pa.int32(), nullable=False),
        pa.field("first_offset", pa.int32()),
    ]
)

ORGANISATION_INDEX = pa.schema(
    [
        pa.field("org_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("aliases", _string_list),
        pa.field("acronym", pa.string()),
        pa.field("n_documents", pa.int32(), nullable=False),
        pa.field("n_mentions", pa.int32(), nullable=False),
    ]
)

PLACES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("place_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("aliases", _string_list),
        pa.field("kind", pa.string()),  # country | region | city | continent | local
        pa.field("country_code", pa.string()),
        pa.field("latitude", pa.float64()),
        pa.field("longitude", pa.float64()),
        pa.field("n_mentions", pa.int32(), nullable=False),
        pa.field("first_offset", pa.int32()),
    ]
)

DATES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("start", pa.date32()),  # null when a day and month have no certain year
        pa.field("end", pa.date32()),
        pa.field("granularity", pa.string(), nullable=False),  # day | month | year
        pa.field("start_offset", pa.int32(), nullable=False),
        pa.field("end_offset", pa.int32(), nullable=False),
        pa.field("language", pa.string()),
        pa.field("extractor", pa.string(), nullable=False),
        *_WHERE,
    ]
)

FIGURES = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("unit", pa.string()),  # ISO 4217 code, percent, or the counted noun's lemma
        pa.field("approximate", pa.bool_(), nullable=False),
        pa.field("bound", pa.string()),  # null, or lower/upper for the two ends of a range
        pa.field("start_offset", pa.int32(), nullable=False),
        pa.field("end_offset", pa.int32(), nullable=False),
        pa.field("language", pa.string()),
        pa.field("extractor", pa.string(), nullable=False),
        *_WHERE,
    ]
)

MENTIONS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("start_offset", pa.int32(), nullable=False),
        pa.field("end_offset", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),  # ORG | LOC | PER | MISC | DATE | FIGURE
        pa.field("language", pa.string()),
        pa.field("extractor", pa.string(), nullable=False),
        pa.field("entity_id", pa.string()),  # org_id / place_id; null for other labels
        *_WHERE,
    ]
)

RELATIONS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("org_id", pa.string(), nullable=False),
        pa.field("organisation", pa.string(), nullable=False),  # display name
        pa.field("kind", pa.string(), nullable=False),  # place | date | figure | organisation
        pa.field("target", pa.string()),  # place name, ISO date, figure text, organisation name
        pa.field("target_id", pa.string()),  # place_id or org_id; null for dates and figures
        pa.field("value", pa.float64()),  # figures
        pa.field("unit", pa.string()),
        pa.field("start", pa.date32()),  # dates
        pa.field("end", pa.date32()),
        pa.field("granularity", pa.string()),
        pa.field("relation", pa.string(), nullable=False),  # based_in | works_in | founded | ...
        pa.field("evidence_start", pa.int32(), nullable=False),
        pa.field("evidence_end", pa.int32(), nullable=False),
        pa.field("evidence", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),  # table_row | list_item | section | ...
        pa.field("score", pa.float32(), nullable=False),
        pa.field("extractor", pa.string(), nullable=False),
    ]
)

CORRECTIONS = pa.schema(
    [
        pa.field("line", pa.int32(), nullable=False),  # line number in corrections.csv
        pa.field("action", pa.string()),  # drop | merge | relabel | alias | add
        pa.field("kind", pa.string()),  # organisation | place
        pa.field("name", pa.string()),
        pa.field("target", pa.string()),
        pa.field("status", pa.string(), nullable=False),  # applied | no match | error
        pa.field("error", pa.string()),
        pa.field("matches", pa.int64(), nullable=False),
    ]
)

# --- interim/resolved/: one document's entities, before linking -------------
# Organisations and their mentions carry the key their corpus-wide org_id is
# made from (see pipeline.resolve.link_key) instead of the id.

_LINK_KEY = [
    pa.field("org_key", pa.string()),  # folded long name, or name, or acronym
    pa.field("org_short", pa.string()),  # the acronym to look up, for an acronym used alone
]

RESOLVED_DOCUMENTS = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("language", pa.string()),  # main language of the text (no page hint)
        pa.field("languages", _string_list),
        pa.field("n_segments", pa.int32()),
        # the document's acronym definitions: short form and folded long form
        pa.field("acronyms", pa.list_(pa.struct([("short", pa.string()), ("long", pa.string())]))),
    ]
)

RESOLVED_ORGANISATIONS = pa.schema([f for f in ORGANISATIONS if f.name != "org_id"] + _LINK_KEY)

RESOLVED_MENTIONS = pa.schema([*MENTIONS, *_LINK_KEY])

RESOLVED_TABLES = {
    "documents": RESOLVED_DOCUMENTS,
    "organisations": RESOLVED_ORGANISATIONS,
    "places": PLACES,
    "dates": DATES,
    "figures": FIGURES,
    "mentions": RESOLVED_MENTIONS,
}

INTERIM_TABLES = {
    "documents": DOCUMENTS_RAW,
    "segments": SEGMENTS,
    "mentions": MENTIONS_RAW,
}

PROCESSED_TABLES = {
    "documents": DOCUMENTS,
    "organisations": ORGANISATIONS,
    "organisation_index": ORGANISATION_INDEX,
    "places": PLACES,
    "dates": DATES,
    "figures": FIGURES,
    "mentions": MENTIONS,
    "relations": RELATIONS,
    "corrections": CORRECTIONS,
}
