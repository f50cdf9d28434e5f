"""Language of each segment, and of each document as a whole.

Pages mix languages: a French partner page carries long English comments, an
English article sits in French site chrome. So the language is decided per
segment, and a document gets a main language (the largest share of its text)
and the list of languages that make up a real part of it.

The default detector is py3langid restricted to French and English: it is
deterministic, loads in half a second and classifies about 20,000 paragraphs a
second, where langdetect manages about 130 and is erratic on short text (so it
would cost about 40% of a run). langdetect, seeded, stays selectable with
``--detector langdetect``. A segment is `und` when it is too short to tell, or
when the unrestricted model is sure it is some other language.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial

from .config import PACKAGE, Paths, stage_versions
from .runner import DocResult, StageReport, in_chunks, one_by_one_on_failure, run_incremental
from .schemas import SEGMENTS
from .segment import segment_text
from .tables import documents_dataset, segments_dataset

LANGUAGES = ("fr", "en")
UNDETERMINED = "und"

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 2  # fewer letters-only words than this: too short to tell
CLASSIFY_CHARS = 200
_TOKEN = re.compile(r"[^\W\d_]+")
FUNCTION_WORD_SHARE = 0.12  # below this share of fr/en function words, check other languages
MIN_CONFIDENCE = 0.70  # restricted fr/en probability below this: und
OTHER_LANGUAGE_CONFIDENCE = 0.95  # unrestricted model this sure of a third language: und
OTHER_LANGUAGE_MIN_CHARS = 40
# A language is listed for a document when it covers this share of the
# classified characters, or at least this many characters.
MIN_SHARE = 0.10
MIN_CHARS = 400


@dataclass(frozen=True, slots=True)
class Segment:
    segment: int
    start: int
    end: int
    language: str
    score: float


@cache
def _function_words() -> frozenset[str]:
    data = json.loads((PACKAGE / "data" / "function_words.json").read_text(encoding="utf-8"))
    return frozenset(w for lang in LANGUAGES for w in data[lang])


def _few_function_words(text: str) -> bool:
    """French and English text is about a third function words; another language is not."""
    words = _TOKEN.findall(text.lower())
    if not words:
        return True
    share = sum(1 for w in words if w in _function_words()) / len(words)
    return share < FUNCTION_WORD_SHARE


class Py3LangidDetector:
    name = "py3langid"

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._any = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        # the same model restricted to French and English: a shallow copy shares its
        # arrays, where loading the file again would decompress it a second time
        self._fr_en = copy.copy(self._any)
        self._fr_en.set_languages(list(LANGUAGES))

    def detect(self, text: str) -> tuple[str, float]:
        if len(_WORD.findall(text, 0, 200)) < MIN_WORDS:
            return UNDETERMINED, 0.0
        # The first few hundred characters decide as well as the whole paragraph,
        # at a fraction of the cost (the model's time grows with the length).
        text = text[:CLASSIFY_CHARS]
        lang, prob = self._fr_en.classify(text)
        if len(text) >= OTHER_LANGUAGE_MIN_CHARS and _few_function_words(text):
            other, other_prob = self._any.classify(text)
            if other not in LANGUAGES and other_prob >= OTHER_LANGUAGE_CONFIDENCE:
                return UNDETERMINED, float(other_prob)
        if prob < MIN_CONFIDENCE:
            return UNDETERMINED, float(prob)
        return lang, float(prob)


class LangdetectDetector:
    """The named baseline: seeded for determinism, slower and weaker on short text."""

    name = "langdetect"

    def __init__(self) -> None:
        from langdetect import DetectorFactory, detector_factory

        DetectorFactory.seed = 0
        detector_factory.init_factory()
        self._factory = detector_factory._factory

    def detect(self, text: str) -> tuple[str, float]:
        if len(_WORD.findall(text)) < MIN_WORDS:
            return UNDETERMINED, 0.0
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return UNDETERMINED, 0.0
        if best.lang not in LANGUAGES or best.prob < MIN_CONFIDENCE:
            return UNDETERMINED, float(best.prob)
        return best.lang, float(best.prob)


DETECTORS = {"py3langid": Py3LangidDetector, "langdetect": LangdetectDetector}


@cache
def get_detector(name: str = "py3langid"):
    try:
        return DETECTORS[name]()
    except KeyError:
        raise ValueError(
            f"unknown language detector {name!r}; choose from {sorted(DETECTORS)}"
        ) from None


def segment_document(text: str, detector_name: str = "py3langid") -> list[Segment]:
    """Segments of a document with the language of each."""
    detector = get_detector(detector_name)
    out = []
    for i, span in enumerate(segment_text(text)):
        lang, score = detector.detect(text[span.start : span.end])
        out.append(Segment(i, span.start, span.end, lang, score))
    return out


def document_languages(
    segments: Iterable[Segment], hint: str | None = None
) -> tuple[str, list[str]]:
    """Main language and the list of languages of a document, from its segments.

    Shares are counted in characters, so a long comment weighs more than a menu.
    `hint` (from <html lang>) decides only when no segment could be classified.
    """
    chars: Counter[str] = Counter()
    for s in segments:
        if s.language != UNDETERMINED:
            chars[s.language] += s.end - s.start
    total = sum(chars.values())
    if not total:
        main = hint if hint in LANGUAGES else UNDETERMINED
        return main, [main] if main != UNDETERMINED else []
    main = chars.most_common(1)[0][0]
    languages = sorted(
        lang for lang, n in chars.items() if n >= MIN_CHARS or n / total >= MIN_SHARE
    )
    return main, languages


def _span_label(spans, start: int, key: str):
    """The label of the span (part or page) that contains offset `start`."""
    for span in spans or ():
        if span["start"] <= start < span["end"]:
            return span[key]
    return None


def language_chunk(docs: list[dict], detector_name: str = "py3langid") -> list[DocResult]:
    """Segment rows for each document (doc_id, text, parts, pages). Pure."""
    return one_by_one_on_failure(partial(_language_rows, detector_name=detector_name), docs)


def _language_rows(docs: list[dict], detector_name: str) -> list[DocResult]:
    results = []
    for doc in docs:
        started = time.perf_counter()
        segments = segment_document(doc["text"], detector_name)
        rows = [
            {
                "doc_id": doc["doc_id"],
                "segment": s.segment,
                "start": s.start,
                "end": s.end,
                "language": s.language,
                "score": s.score,
                "part": _span_label(doc["parts"], s.start, "part") or "main",
                "page": _span_label(doc["pages"], s.start, "page"),
            }
            for s in segments
        ]
        results.append(
            DocResult(doc["doc_id"], rows, seconds=time.perf_counter() - started, units=len(rows))
        )
    return results


def run(paths: Paths, detector_name: str = "py3langid", executor=None) -> StageReport:
    """Segment and label the documents that are new or changed since the last run."""
    from .executors import LocalExecutor

    version = stage_versions()["language"]
    if detector_name != "py3langid":
        version += f"+{detector_name}"
    return run_incremental(
        "language",
        version,
        documents_dataset(paths),
        ready=lambda index: index,
        doc_columns=["doc_id", "status", "text", "parts", "pages"],
        payloads=lambda docs: in_chunks(docs.to_pylist(), 64),
        work=partial(language_chunk, detector_name=detector_name),
        output=segments_dataset(paths),
        state_dir=paths.state,
        executor=executor or LocalExecutor(),
        schema=SEGMENTS,
    )
