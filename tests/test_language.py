"""Segmentation and per-segment language detection."""

import pytest

from pipeline.language import UNDETERMINED, document_languages, segment_document
from pipeline.segment import segment_text

MIXED = (
    "Nos actions sur le terrain\n\n"
    "L'association accompagne les femmes victimes de violences depuis plusieurs années "
    "et organise des formations pour les travailleurs sociaux de la région.\n\n"
    "Commentaires (1)\n\n"
    "Thank you for this page. Our organisation has been working with survivors in the "
    "eastern provinces for many years and we would welcome a partnership with you.\n"
)


def test_segments_cover_paragraphs_with_exact_offsets():
    spans = segment_text(MIXED)
    texts = [MIXED[s.start : s.end] for s in spans]
    assert texts[0] == "Nos actions sur le terrain"
    assert texts[2] == "Commentaires (1)"
    assert all(t == t.strip() for t in texts)
    assert len(spans) == 4


def test_hard_wrapped_lines_are_joined_but_headings_are_not():
    text = "Titre du rapport\nLe projet a permis de former les\nanimateurs de quartier.\nSuite"
    texts = [text[s.start : s.end] for s in segment_text(text)]
    assert texts == [
        "Titre du rapport",
        "Le projet a permis de former les\nanimateurs de quartier.",
        "Suite",
    ]


def test_long_paragraph_is_cut_at_sentence_ends():
    sentence = "Le projet forme des animateurs dans chaque village de la province. "
    text = sentence * 60
    spans = segment_text(text, max_chars=300)
    assert len(spans) > 5
    assert all(s.end - s.start <= 300 for s in spans)
    assert all(text[s.start : s.end].endswith(".") for s in spans)


def test_each_segment_gets_its_own_language():
    segs = segment_document(MIXED)
    langs = [s.language for s in segs]
    assert langs[0] == "fr"
    assert langs[1] == "fr"
    assert langs[3] == "en"
    main, languages = document_languages(segs)
    assert languages == ["en", "fr"]
    assert main in ("fr", "en")


def test_too_short_or_other_language_is_und():
    segs = segment_document(
        "OK\n\nDer Verein unterstützt seit vielen Jahren Familien in der ganzen Region."
    )
    assert [s.language for s in segs] == [UNDETERMINED, UNDETERMINED]


def test_detection_is_deterministic():
    a = segment_document(MIXED)
    b = segment_document(MIXED)
    assert a == b


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ("Nos partenaires", "fr"),
        ("Ajouter un commentaire", "fr"),
        ("Read more about our partners", "en"),
        ("The Letter of Interest", "en"),
    ],
)
def test_short_snippets(snippet, expected):
    assert segment_document(snippet)[0].language == expected


def test_langdetect_stays_selectable():
    segs = segment_document(MIXED, "langdetect")
    assert segs[1].language == "fr"
    assert segs[3].language == "en"


def test_document_language_falls_back_to_the_page_hint():
    main, languages = document_languages([], hint="fr")
    assert (main, languages) == ("fr", ["fr"])


def _py3langid_one_by_one(detector, text):
    """The decision made with py3langid's own `classify`, one text at a time."""
    from pipeline import language as lang

    if len(lang._WORD.findall(text, 0, lang.CLASSIFY_CHARS)) < lang.MIN_WORDS:
        return UNDETERMINED, 0.0
    text = text[: lang.CLASSIFY_CHARS]
    best, prob = detector._fr_en.classify(text)
    if len(text) >= lang.OTHER_LANGUAGE_MIN_CHARS and lang._few_function_words(text):
        other, other_prob = detector._any.classify(text)
        if other not in lang.LANGUAGES and other_prob >= lang.OTHER_LANGUAGE_CONFIDENCE:
            return UNDETERMINED, other_prob
    return (best, prob) if prob >= lang.MIN_CONFIDENCE else (UNDETERMINED, prob)


def test_batch_classifier_agrees_with_py3langid_on_the_sample_pages():
    """The batch walk is py3langid's model, not an approximation of it."""
    from pipeline.config import ROOT
    from pipeline.language import get_detector

    detector = get_detector("py3langid")
    texts = []
    for path in sorted((ROOT / "raw").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts += [text[s.start : s.end] for s in segment_text(text)]
    # and texts with what the walk must get right: capitals only, accents, other scripts
    texts += [
        "NOS PARTENAIRES EN AFRIQUE",
        "Ça résonne — été 2019",
        "Москва и Киев",
        "日本語のテキスト",
    ]
    assert len(texts) > 300
    batch = detector.detect_many(texts)
    for text, (language, score) in zip(texts, batch, strict=True):
        expected, expected_score = _py3langid_one_by_one(detector, text)
        assert language == expected, text
        assert score == pytest.approx(expected_score, abs=1e-5), text
    assert {language for language, _ in batch} == {"fr", "en", UNDETERMINED}
