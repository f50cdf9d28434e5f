"""Extract: named entities from spaCy, dates and figures from rules.

Each segment goes to the spaCy model of its language (a segment too short to
have a language takes its neighbours'). Only the components that NER and the
figure rules need are loaded (no parser), and segments are batched with
`nlp.pipe`: every segment goes through NER, and only those where a figure rule
may read parts of speech or lemmas go through the tagging components too. The
French models have no DATE or number labels and the English model's are loose,
so dates and figures come from the rules in `pipeline.rules` for both languages.

Every mention keeps its document offsets and the extractor that produced it:
``spacy:<model>==<version>`` for NER, ``rule:<rule name>@<rules version>`` for
rules. The work is a pure function from rows to rows (`extract_documents`), so
it runs the same in this process, in a pool of workers or on Dask.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from . import timing
from .config import BATCH_SIZE, MODELS, NER_DISABLE, ModelMissing
from .language import UNDETERMINED
from .mentions import Mention
from .rules import dates as date_rules
from .rules import figures as figure_rules
from .rules import figures_lines
from .rules.spans import SpanIndex
from .runner import DocResult, one_by_one_on_failure
from .textnorm import normalise_for_model

if TYPE_CHECKING:
    from spacy.tokens import Token

log = logging.getLogger(__name__)

# Model labels mapped to the pipeline's kinds. English number and date labels
# are left to the rules, which treat both languages alike.
LABELS = {
    "ORG": "ORG",
    "LOC": "LOC",
    "GPE": "LOC",
    "PER": "PER",
    "PERSON": "PER",
    "MISC": "MISC",
    "NORP": "MISC",
    "FAC": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}

# An entity that starts with an elided article or preposition ("l'", "d'",
# "qu'") starts after it: the French model often includes them.
_LEADING_ELISION = re.compile(r"^(?:[lLdDjJnNsStTmMcC]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)'\s*")
# A lower-case preposition before a capitalised word is not part of the name:
# "de Belgique", "du Nord", "in Kinshasa".
_LEADING_PREPOSITION = re.compile(
    r"^(?:de la|de|du|des|à|au|aux|en|of|in|at|from|to)\s+(?=[A-ZÀ-Ý])"
)
_TRIM_CHARS = " \t\n-–—•·*,;:.!?()[]{}«»\"'/|"
_HAS_LETTER = re.compile(r"[^\W\d_]")
_NAME_STOP = re.compile(r"\s*[“”«»\"]|\s+\(")


@cache
def load_model(language: str):
    """The spaCy model for `language`, loaded once per process."""
    import spacy

    spec = MODELS[language]
    try:
        nlp = spacy.load(spec.package, exclude=list(NER_DISABLE))
    except OSError as exc:
        raise ModelMissing(
            f"spaCy model {spec.package}=={spec.version} is not installed: run `make install` "
            f"(it installs the pinned models from requirements.lock)"
        ) from exc
    installed = nlp.meta.get("version")
    if installed != spec.version:
        log.warning("%s is version %s, expected %s", spec.package, installed, spec.version)
    return nlp


@cache
def ner_only(language: str) -> tuple[str, ...]:
    """The components of `language`'s model that a segment without a figure candidate skips.

    NER runs on every segment; the tagging components (tok2vec, morphologizer or tagger,
    attribute ruler, lemmatizer) serve only the figure rules. A component NER listens to
    (a shared tok2vec) is never skipped: the stock models' NER has its own.
    """
    nlp = load_model(language)
    needed = {"ner"} | {
        name for name, pipe in nlp.pipeline if "ner" in getattr(pipe, "listening_components", ())
    }
    return tuple(name for name in nlp.pipe_names if name not in needed)


def lemma_reader(language: str) -> Callable[[Token], str]:
    """A token's lemma as the model's lemmatizer would set it, computed when a rule asks.

    The figure rules read the lemma of a few counted nouns; the lemmatizer component
    would compute one for every token of every tagged segment. It sets a token's lemma
    from the token alone (its text, part of speech and morphology), and leaves alone one
    that the attribute ruler has set: so does this.
    """
    nlp = load_model(language)
    if "lemmatizer" not in nlp.pipe_names:
        return lambda token: token.lemma_
    lemmatizer = nlp.get_pipe("lemmatizer")
    if lemmatizer.overwrite:  # pragma: no cover - the stock models do not overwrite
        return lambda token: lemmatizer.lemmatize(token)[0]
    return lambda token: token.lemma_ if token.lemma else lemmatizer.lemmatize(token)[0]


def _parse(nlp, texts: list[str], language: str) -> Iterator:
    """spaCy docs of `texts`, in order: NER on all, the tagging components where needed.

    A segment in which the figure rules find no candidate (no digit, no number word)
    goes through NER alone; its entities are the same, as NER reads none of the tags.
    No segment goes through the lemmatizer: the figure rules compute the lemmas they
    read (`lemma_reader`). The two streams are read in step, so memory holds one batch
    of each.
    """
    tagged = [figure_rules.needs_tagging(text, language) for text in texts]
    full = nlp.pipe(
        [t for t, f in zip(texts, tagged, strict=True) if f],
        batch_size=BATCH_SIZE,
        disable=[name for name in ("lemmatizer",) if name in nlp.pipe_names],
    )
    plain = nlp.pipe(
        [t for t, f in zip(texts, tagged, strict=True) if not f],
        batch_size=BATCH_SIZE,
        disable=list(ner_only(language)),
    )
    return (next(full) if f else next(plain) for f in tagged)


def release_models() -> None:
    """Forget the models this process loaded, and give their memory back.

    A run in one process calls this once extract is done, so that the stages after it
    do not carry several hundred megabytes of weights they never use.
    """
    import gc

    load_model.cache_clear()
    ner_only.cache_clear()
    gc.collect()


def trim_entity(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Tighten an entity span: no elided article, no surrounding punctuation.

    A name stops at an opening quote or bracket: what follows is a gloss
    ("Maison Kwetu – « notre maison » en swahili"). Returns None for spans that
    cannot be names: no letter, a single letter, or a line break inside.
    """
    stop = _NAME_STOP.search(text, start, end)
    if stop and stop.start() - start >= 2:
        end = stop.start()
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    m = _LEADING_ELISION.match(text[start:end].replace("\u2019", "'"))
    if m and m.end() < end - start:
        start += m.end()
    m = _LEADING_PREPOSITION.match(text[start:end])
    if m:
        start += m.end()
    while end > start and text[end - 1] in _TRIM_CHARS and text[end - 1] not in ").":
        end -= 1
    # keep a closing bracket or a final dot only when it closes something inside the span
    while end > start and text[end - 1] == ")" and "(" not in text[start : end - 1]:
        end -= 1
    while end > start and text[end - 1] == "." and not re.search(r"\b\w\.\w\.?$", text[start:end]):
        end -= 1
    span = text[start:end]
    if end - start < 2 or "\n" in span or not _HAS_LETTER.search(span):
        return None
    return start, end


def _model_languages(segments: list[dict], main: str) -> list[str]:
    """The model to use for each segment: its language, else its nearest neighbour's."""
    langs = [s["language"] for s in segments]
    out = []
    for i, lang in enumerate(langs):
        if lang in MODELS:
            out.append(lang)
            continue
        before = next((langs[j] for j in range(i - 1, -1, -1) if langs[j] in MODELS), None)
        after = next((langs[j] for j in range(i + 1, len(langs)) if langs[j] in MODELS), None)
        out.append(before or after or (main if main in MODELS else "fr"))
    return out


def _entity_mentions(
    doc, doc_id: str, segment: dict, language: str, text: str
) -> Iterator[Mention]:
    extractor = MODELS[language].extractor
    base = segment["start"]
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        span = trim_entity(text, base + ent.start_char, base + ent.end_char)
        if span is None:
            continue
        yield Mention(
            doc_id=doc_id,
            segment=segment["segment"],
            start=span[0],
            end=span[1],
            text=text[span[0] : span[1]],
            label=label,
            model_label=ent.label_,
            language=language,
            extractor=extractor,
        )


def _date_mention(m, doc_id: str, segment: int, language: str) -> Mention:
    return Mention(
        doc_id=doc_id,
        segment=segment,
        start=m.start,
        end=m.end,
        text=m.text,
        label="DATE",
        language=language,
        extractor=f"rule:{m.rule}@{date_rules.RULES_VERSION}",
        date_start=m.value_start,
        date_end=m.value_end,
        granularity=m.granularity,
        day=m.day,
        month=m.month,
    )


def _figure_mention(f, doc_id: str, segment: dict, language: str, text: str) -> Mention:
    start, end = segment["start"] + f.start, segment["start"] + f.end
    return Mention(
        doc_id=doc_id,
        segment=segment["segment"],
        start=start,
        end=end,
        text=text[start:end],
        label="FIGURE",
        language=language,
        extractor=f"rule:{f.rule}@{figure_rules.RULES_VERSION}",
        value=f.value,
        upper=f.upper,
        unit=f.unit,
        approximate=f.approximate,
    )


def _shift(match, offset: int):
    """A rule match moved from segment offsets to document offsets."""
    from dataclasses import replace

    return replace(match, start=match.start + offset, end=match.end + offset)


def extract_documents(
    documents: list[dict], segments_by_doc: dict[str, list[dict]]
) -> Iterator[DocResult]:
    """Mentions for each document. Pure: rows in, rows out; models load once per process.

    `documents` rows need doc_id, text, published; `segments_by_doc` maps a
    doc_id to its segment rows in order.
    """
    # 1. Which model reads which segment.
    jobs: dict[str, list[tuple[int, dict]]] = {lang: [] for lang in MODELS}
    for d_index, doc in enumerate(documents):
        segs = segments_by_doc.get(doc["doc_id"], [])
        main = _main_language(segs)
        for seg, lang in zip(segs, _model_languages(segs, main), strict=True):
            jobs[lang].append((d_index, seg))

    found: list[list[Mention]] = [[] for _ in documents]
    dates: list[list] = [[] for _ in documents]
    languages: list[dict[int, str]] = [{} for _ in documents]  # segment -> model language
    seconds = [0.0 for _ in documents]
    # 2. One nlp.pipe per language, over all segments of these documents.
    for lang, items in jobs.items():
        if not items:
            continue
        with timing.section("model_load_seconds"):
            nlp = load_model(lang)
        # the strings given to the model are kept: spaCy's doc.text rebuilds them token by token
        model_texts = [
            normalise_for_model(documents[d]["text"][seg["start"] : seg["end"]]) for d, seg in items
        ]
        parsed = _parse(nlp, model_texts, lang)
        lemma_of = lemma_reader(lang)
        for d, seg in items:
            started = time.perf_counter()
            # the model's own time, for the benchmark: a segment that completes a
            # batch carries that batch's time, so only the sums are exact
            with timing.section("model_seconds"):
                spacy_doc = next(parsed)
            doc = documents[d]
            text = doc["text"]
            languages[d][seg["segment"]] = lang
            if seg.get("part") != "table-header":  # column labels, not names
                found[d].extend(_entity_mentions(spacy_doc, doc["doc_id"], seg, lang, text))
            # dates are matched on the original text (they need its dashes and spaces)
            seg_text = text[seg["start"] : seg["end"]]
            seg_dates = date_rules.find_dates(seg_text, lang)
            dates[d].extend((_shift(m, seg["start"]), seg["segment"], lang) for m in seg_dates)
            exclude = [(m.start, m.end) for m in seg_dates]
            # figures too: its no-break spaces tell grouped thousands from table cells
            for f in figure_rules.find_figures(spacy_doc, lang, exclude, seg_text, lemma_of):
                found[d].append(_figure_mention(f, doc["doc_id"], seg, lang, text))
            seconds[d] += time.perf_counter() - started
    # 3. Document-level pass: figures that the lines around them explain (counters, tables of
    # contents); a day and month get a year only where the document is certain.
    for d, doc in enumerate(documents):
        segs = segments_by_doc.get(doc["doc_id"], [])
        if segs:
            found[d] = _figures_across_lines(doc, segs, languages[d], found[d])
        if dates[d]:
            matches = [m for m, _, _ in dates[d]]
            resolved = date_rules.resolve_yearless(doc["text"], matches, doc.get("published"))
            for m, (_, segment, lang) in zip(resolved, dates[d], strict=True):
                found[d].append(_date_mention(m, doc["doc_id"], segment, lang))
        found[d].sort(key=lambda m: (m.start, m.end, m.label))
        yield DocResult(doc["doc_id"], [m.row() for m in found[d]], seconds=seconds[d])


def _figures_across_lines(
    doc: dict, segs: list[dict], languages: dict[int, str], found: list[Mention]
) -> list[Mention]:
    """The document's mentions once counters are added and the page numbers of a table of
    contents dropped (pipeline.rules.figures_lines)."""
    lines = [
        figures_lines.Line(s["start"], s["end"], languages.get(s["segment"], "en")) for s in segs
    ]
    figures = [(m.start, m.end) for m in found if m.label == "FIGURE"]
    added, pages = figures_lines.across_lines(doc["text"], lines, figures)
    if pages:
        contents = SpanIndex(pages)
        found = [m for m in found if m.label != "FIGURE" or not contents.overlaps(m.start, m.end)]
    for i, f in added:  # document offsets: moved to the offsets of their segment
        seg = segs[i]
        f = _shift(f, -seg["start"])
        found.append(_figure_mention(f, doc["doc_id"], seg, lines[i].language, doc["text"]))
    return found


def _main_language(segments: list[dict]) -> str:
    chars: dict[str, int] = {}
    for s in segments:
        if s["language"] != UNDETERMINED:
            chars[s["language"]] = chars.get(s["language"], 0) + s["end"] - s["start"]
    return max(chars, key=chars.__getitem__) if chars else UNDETERMINED


def extract_chunk(payload: tuple[list[dict], dict[str, dict[str, list[dict]]]]) -> list[DocResult]:
    """One task: (documents, {"segments": their segments by doc_id}) -> results. Pure."""
    documents, upstream = payload
    segments_by_doc = {
        doc_id: sorted(segments, key=lambda s: s["segment"])
        for doc_id, segments in upstream["segments"].items()
    }
    return one_by_one_on_failure(
        lambda docs: list(extract_documents(docs, segments_by_doc)), documents
    )
