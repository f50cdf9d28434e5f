"""Extract: entity spans tightened to their names."""

from __future__ import annotations

from pipeline.extract import trim_entity


def test_trim_entity():
    text = "selon l’Institut Pasteur (« IP ») et d'autres"
    start = text.index("l’Institut")
    assert text[slice(*trim_entity(text, start, text.index(" (") + 3))] == "Institut Pasteur"
    text = "des partenaires de Belgique."
    s = text.index("de Belgique")
    assert text[slice(*trim_entity(text, s, s + len("de Belgique.")))] == "Belgique"
    assert trim_entity("- 12 -", 0, 6) is None  # no letter
    assert trim_entity("line one\nline two", 5, 13) is None  # across lines


# Paragraphs of our own: some with figures (digits, number words, approximation
# nouns), some with names and no number at all.
PARAGRAPHS = {
    "fr": [
        "L'association Terre Solidaire a ouvert un bureau à Lyon avec Médecins du Monde.",
        "En 2021, près de 3 500 familles ont reçu une aide de la Croix-Rouge à Marseille.",
        "Neuf bénévoles et une vingtaine de salariés travaillent pour la Fondation Abbé Pierre.",
        "Le conseil d'administration s'est réuni à Bruxelles avec la Commission européenne.",
        "Des centaines de personnes ont manifesté devant la mairie de Toulouse le 4 mars.",
    ],
    "en": [
        "Save the Children opened a new office in Manchester with the Red Cross.",
        "The Oxfam project reached 12,000 people in Kenya and cost $2.5 million.",
        "Twenty-one volunteers joined the Salvation Army in Leeds last spring.",
        "The board of Amnesty International met in London with the European Union.",
        "Thousands of families in Glasgow were helped by the Trussell Trust.",
    ],
}


def _extract(language: str) -> list[dict]:
    from pipeline.extract import extract_documents

    rows = []
    for i, text in enumerate(PARAGRAPHS[language]):
        doc = {"doc_id": f"{language}{i}", "text": text, "published": None}
        segment = {"doc_id": doc["doc_id"], "segment": 0, "start": 0, "end": len(text)}
        segment |= {"language": language, "part": None}
        rows.extend(next(extract_documents([doc], {doc["doc_id"]: [segment]})).rows)
    return rows


def test_segments_without_figures_skip_the_tagging_and_keep_their_mentions(monkeypatch):
    """NER alone where no figure rule reads tags: the same mentions as every component."""
    from pipeline import extract
    from pipeline.rules.figures import needs_tagging

    for language, paragraphs in PARAGRAPHS.items():
        skipped = extract.ner_only(language)
        assert "ner" not in skipped
        assert {"tok2vec", "lemmatizer", "attribute_ruler"} <= set(skipped)
        flags = [needs_tagging(p, language) for p in paragraphs]
        assert flags == [False, True, True, False, True]
        selective = _extract(language)
        with monkeypatch.context() as m:
            m.setattr(extract, "ner_only", lambda language: ())
            everything = _extract(language)
        assert selective == everything
        labels = {r["label"] for r in selective}
        assert {"ORG", "LOC", "FIGURE"} <= labels
        # names come from segments with and without figures
        named = {r["doc_id"] for r in selective if r["label"] in ("ORG", "LOC", "PER")}
        assert {f"{language}0", f"{language}3"} <= named


def test_a_mention_row_has_the_columns_of_the_extract_table():
    from pipeline.mentions import Mention
    from pipeline.schemas import MENTIONS_RAW

    mention = Mention("d", 0, 4, 9, "Goma.", "LOC", "fr", "spacy:test", model_label="LOC")
    assert sorted(mention.row()) == sorted(MENTIONS_RAW.names)
    assert Mention.from_row({**mention.row(), "other": 1}) == mention
    assert mention.relabelled("ORG", "rule:x").extractor == "spacy:test+rule:x"
    cut = mention.respanned("Vers Goma.", 5, 9)
    assert (cut.text, cut.extractor, mention.text) == ("Goma", "spacy:test", "Goma.")


def test_figures_across_segments_counters_and_contents():
    """The document-level pass adds counters read over two segments and drops the page
    numbers of a table of contents (pipeline.rules.figures_lines)."""
    from pipeline.extract import extract_documents

    text = (
        "Rapport annuel\nSommaire\nNotre histoire 2\nNos actions 3\nNos partenaires 5\n"
        "Nos comptes 8\nChiffres clés\n800+\nbénéficiaires\n17\nséances\n49\nménages"
    )
    segments, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        segments.append(
            {"doc_id": "d", "segment": i, "start": pos, "end": pos + len(line)}
            | {"language": "fr", "part": None}
        )
        pos += len(line) + 1
    doc = {"doc_id": "d", "text": text, "published": None}
    rows = next(extract_documents([doc], {"d": segments})).rows
    figures = [(r["value"], r["unit"]) for r in rows if r["label"] == "FIGURE"]
    assert figures == [(800.0, None), (17.0, "séance"), (49.0, "ménage")]
    counter = next(r for r in rows if r.get("value") == 17.0)
    assert counter["extractor"].startswith("rule:figures.counter@")
    assert text[counter["start"] : counter["end"]] == counter["text"] == "17\nséances"
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
