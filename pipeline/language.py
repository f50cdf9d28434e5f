"""Language of each segment, and of each document as a whole.

Pages mix languages: a French partner page carries long English comments, an
English article sits in French site chrome. So the language is decided per
segment, and a document gets a main language (the largest share of its text)
and the list of languages that make up a real part of it.

The default detector is py3langid restricted to French and English: it is
deterministic, loads in half a second and, run here on whole batches of
segments (`Py3LangidDetector.detect_many`), classifies 20,000 to 30,000
segments a second, where langdetect manages about 130 and is erratic on short
text (so it would cost about 40% of a run). langdetect, seeded, stays
selectable with ``--detector langdetect``. A segment is `und` when it is too short to tell, or
when the unrestricted model is sure it is some other language.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from .config import PACKAGE
from .runner import DocResult, one_by_one_on_failure
from .segment import segment_text

LANGUAGES = ("fr", "en")
UNDETERMINED = "und"

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 2  # fewer letters-only words than this: too short to tell
CLASSIFY_CHARS = 200
BATCH_TEXTS = 4096  # texts walked together by the batch classifier (bounds its memory)
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
    share = sum(map(_function_words().__contains__, words)) / len(words)
    return share < FUNCTION_WORD_SHARE


def _enough_words(text: str) -> bool:
    """At least MIN_WORDS words of letters in the part that is classified."""
    end = 0
    for _ in range(MIN_WORDS):
        m = _WORD.search(text, end, CLASSIFY_CHARS)
        if m is None:
            return False
        end = m.end()
    return True


class Py3LangidDetector:
    """py3langid's model, run on a whole batch of segments at once.

    py3langid walks its byte automaton in a Python loop, one segment at a time,
    which made it most of the language stage. `detect_many` walks the automaton
    for all the segments of a batch together, one numpy step per byte position,
    and scores them with one weighted count per language: the same model, the
    same features and the same probabilities (to float rounding) as
    ``LanguageIdentifier.classify``, about eight times faster on the benchmark
    corpus (segments of a few hundred bytes, about 1,300 per batch).
    """

    name = "py3langid"

    def __init__(self) -> None:
        import numpy as np
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._any = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        # the same model restricted to French and English: a shallow copy shares its
        # arrays, where loading the file again would decompress it a second time
        self._fr_en = copy.copy(self._any)
        self._fr_en.set_languages(list(LANGUAGES))
        model = self._fr_en
        # a view of py3langid's own transition table (40 MB), not a copy
        self._next = np.frombuffer(model.tk_nextmove, dtype=np.uint32)
        self._rowbase = np.asarray(model._rowbase, dtype=np.int32)
        self._output = np.asarray(model.tk_output, dtype=np.int32)
        self._ptc = np.asarray(model.nb_ptc, dtype=np.float32)
        self._pc = np.asarray(model.nb_pc, dtype=np.float64)
        self._labels = list(model.nb_classes)

    def detect(self, text: str) -> tuple[str, float]:
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(language, confidence) of each text, in order."""
        import numpy as np

        out: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
        # The first few hundred characters decide as well as the whole paragraph,
        # at a fraction of the cost (the model's time grows with the length).
        todo = [(i, text[:CLASSIFY_CHARS]) for i, text in enumerate(texts) if _enough_words(text)]
        if not todo:
            return out
        probabilities = np.concatenate(
            [
                self._fr_en_probabilities([text for _, text in todo[at : at + BATCH_TEXTS]])
                for at in range(0, len(todo), BATCH_TEXTS)
            ]
        )
        best = probabilities.argmax(axis=1)
        for (i, text), row, b in zip(todo, probabilities.tolist(), best.tolist(), strict=True):
            lang, prob = self._labels[b], row[b]
            if len(text) >= OTHER_LANGUAGE_MIN_CHARS and _few_function_words(text):
                other, other_prob = self._any.classify(text)
                if other not in LANGUAGES and other_prob >= OTHER_LANGUAGE_CONFIDENCE:
                    out[i] = (UNDETERMINED, float(other_prob))
                    continue
            out[i] = (lang, prob) if prob >= MIN_CONFIDENCE else (UNDETERMINED, prob)
        return out

    def _fr_en_probabilities(self, texts: list[str]):
        """Normalised French/English probabilities, one row per text, as py3langid's."""
        import numpy as np

        encoded = [self._fr_en._encode(text) for text in texts]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        # longest first, so that the texts still being walked are always a prefix
        order = np.argsort(-lengths, kind="stable")
        width = int(lengths.max())
        data = np.zeros((len(encoded), width), dtype=np.uint8)
        for row, i in enumerate(order.tolist()):
            data[row, : lengths[i]] = np.frombuffer(encoded[i], dtype=np.uint8)
        sorted_lengths = lengths[order]
        state = np.zeros(len(encoded), dtype=np.int32)
        rows_hit, features_hit = [], []
        for position in range(width):
            n = int(np.searchsorted(-sorted_lengths, -position, side="left"))
            active = state[:n]
            active[:] = self._next[self._rowbase[active] + data[:n, position]]
            feature = self._output[active]
            hit = np.flatnonzero(feature >= 0)
            rows_hit.append(hit)
            features_hit.append(feature[hit])
        rows = np.concatenate(rows_hit)
        features = np.concatenate(features_hit)
        # how often each (text, feature) pair was seen: py3langid's Counter
        keys, counts = np.unique(rows * len(self._ptc) + features, return_counts=True)
        rows, features = keys // len(self._ptc), keys % len(self._ptc)
        weights = np.log1p(counts.astype(np.float32))[:, None] * self._ptc[features]
        scores = np.empty((len(encoded), len(self._labels)), dtype=np.float64)
        for column in range(len(self._labels)):
            scores[:, column] = np.bincount(
                rows, weights=weights[:, column], minlength=len(encoded)
            )
        seen = np.bincount(rows, minlength=len(encoded)) > 0
        scores = np.where(seen[:, None], scores + self._pc, 0.0)
        # T = sqrt(bytes), then softmax: py3langid's calibration
        scores /= np.sqrt(np.maximum(sorted_lengths, 1))[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        result = np.empty_like(scores)
        result[order] = scores
        return result


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

    def detect_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        return [self.detect(text) for text in texts]


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
    return segment_documents([text], detector_name)[0]


def segment_documents(
    texts: Sequence[str], detector_name: str = "py3langid"
) -> list[list[Segment]]:
    """Segments of each document with their languages, classified in one batch."""
    spans = [segment_text(text) for text in texts]
    pieces = [text[s.start : s.end] for text, doc in zip(texts, spans, strict=True) for s in doc]
    labels = iter(get_detector(detector_name).detect_many(pieces))
    return [[Segment(i, s.start, s.end, *next(labels)) for i, s in enumerate(doc)] for doc in spans]


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


def language_chunk(payload, detector_name: str = "py3langid") -> list[DocResult]:
    """One task: (documents with doc_id, text, parts, pages; {}) -> segment rows. Pure."""
    docs, _ = payload
    return one_by_one_on_failure(partial(_language_rows, detector_name=detector_name), docs)


def _language_rows(docs: list[dict], detector_name: str) -> list[DocResult]:
    started = time.perf_counter()
    segmented = segment_documents([doc["text"] for doc in docs], detector_name)
    # the batch is classified at once: each document gets its share of the time
    seconds = (time.perf_counter() - started) / max(1, len(docs))
    results = []
    for doc, segments in zip(docs, segmented, strict=True):
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
        results.append(DocResult(doc["doc_id"], rows, seconds=seconds))
    return results
