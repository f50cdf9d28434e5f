"""Resolve: one label per name, organisations with their acronyms, places, per document."""

from __future__ import annotations

import shutil
from dataclasses import replace

from conftest import folders, run_cli

from pipeline.config import Paths
from pipeline.mentions import Mention
from pipeline.resolve import (
    local_place_name,
    organisations_of,
    places_of,
    resolve_document,
    resolve_labels,
)
from pipeline.tables import resolved_datasets


def _mention(text, name, label, nth=0, language="fr"):
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Mention("d", 0, start, start + len(name), name, label, language, "spacy:test")


SEGMENTS = [{"segment": 0, "start": 0, "end": 10_000, "language": "fr"}]


def test_one_label_per_name_by_votes_and_evidence():
    text = "Kivu Solidarité aide les familles. Kivu Solidarité est basée à Goma. Kivu Solidarité recrute."
    mentions = [
        _mention(text, "Kivu Solidarité", "ORG", 0),
        _mention(text, "Kivu Solidarité", "LOC", 1),
        _mention(text, "Kivu Solidarité", "ORG", 2),
        _mention(text, "Goma", "LOC"),
    ]
    names = resolve_labels("d", mentions, text, SEGMENTS, "fr")
    labels = {(m.text, m.label) for m in names}
    assert labels == {("Kivu Solidarité", "ORG"), ("Goma", "LOC")}
    relabelled = next(m for m in names if m.start == mentions[1].start)
    assert "organisations.consistency" in relabelled.extractor


def test_acronym_definition_links_later_uses():
    text = (
        "L'Union des Femmes Rurales (UFR) forme des animatrices. En 2020, l'UFR a ouvert un centre."
    )
    mentions = [_mention(text, "Union des Femmes Rurales", "ORG"), _mention(text, "UFR", "MISC", 1)]
    names = resolve_labels("d", mentions, text, SEGMENTS, "fr")
    orgs = organisations_of(names)
    assert len(orgs) == 1
    assert orgs[0].name == "Union des Femmes Rurales"
    assert orgs[0].acronym == "UFR"
    assert len(orgs[0].mentions) == 3  # long form, the acronym in brackets, the later use


def test_a_place_acronym_is_a_place():
    text = "La République démocratique du Congo (RDC) compte 26 provinces. La RDC est vaste."
    mentions = [
        _mention(text, "République démocratique du Congo", "LOC"),
        _mention(text, "RDC", "ORG", 1),
    ]
    names = resolve_labels("d", mentions, text, SEGMENTS, "fr")
    assert {m.label for m in names} == {"LOC"}
    places = places_of(names, "fr")
    assert [p["country_code"] for p in places] == ["CD"]


def test_an_organisation_carries_its_place_in_french():
    text = "- La Maison des Jeunes de Tournai\n"
    mentions = [_mention(text, "Maison des Jeunes", "ORG"), _mention(text, "Tournai", "LOC")]
    names = resolve_labels("d", mentions, text, SEGMENTS, "fr")
    assert [(m.text, m.label) for m in names] == [("Maison des Jeunes de Tournai", "ORG")]


def test_common_nouns_and_generic_bodies_are_dropped():
    text = "Our Centers are open. The centers welcome families. The Comité de direction met."
    mentions = [
        _mention(text, "Centers", "ORG", language="en"),
        _mention(text, "Comité de direction", "ORG"),
    ]
    assert resolve_labels("d", mentions, text, SEGMENTS, "en") == []


def test_places_resolved_with_the_document_country():
    text = "Beni et Butembo sont au Nord-Kivu, en RDC."
    mentions = [_mention(text, n, "LOC") for n in ("Beni", "Butembo", "Nord-Kivu", "RDC")]
    places = {p["name"]: p for p in places_of(mentions, "fr")}
    assert all(p["country_code"] == "CD" for p in places.values())
    assert places["Beni"]["latitude"] is not None


def test_local_places_lose_their_kind_word():
    assert local_place_name("quartier de Kapeta") == "Kapeta"
    assert local_place_name("communauté Mbanza") == "Mbanza"
    assert local_place_name("Lukala village") == "Lukala"
    assert local_place_name("Mont Ngafula") == "Mont Ngafula"


def test_a_document_resolved_gives_its_rows_per_table():
    text = (
        "L'Union des Femmes Rurales (UFR) forme 40 animatrices à Goma depuis mars 2021. "
        "L'UFR recrute."
    )
    figure = replace(_mention(text, "40 animatrices", "FIGURE"), value=40.0, unit="animatrice")
    date = replace(_mention(text, "mars 2021", "DATE"), granularity="month")
    mentions = [
        m.row()  # as the extract stage's table gives them
        for m in [
            _mention(text, "Union des Femmes Rurales", "ORG"),
            _mention(text, "Goma", "LOC"),
            replace(figure, approximate=False),
            date,
        ]
    ]
    segments = [{**SEGMENTS[0], "end": len(text), "score": 0.99, "part": "main", "page": None}]
    tables = resolve_document({"doc_id": "d", "text": text}, segments, mentions)
    (doc,) = tables["documents"]
    assert doc["language"] == "fr" and doc["n_segments"] == 1
    assert {"short": "UFR", "long": "union des femmes rurales"} in doc["acronyms"]
    (org,) = tables["organisations"]
    assert (org["name"], org["acronym"], org["n_mentions"]) == (
        "Union des Femmes Rurales",
        "UFR",
        3,
    )
    # the organisation leaves with the key its corpus-wide id is made from, not an id
    assert (org["org_key"], org["org_short"]) == ("union des femmes rurales", None)
    assert [p["name"] for p in tables["places"]] == ["Goma"]
    assert [d["granularity"] for d in tables["dates"]] == ["month"]
    assert [f["value"] for f in tables["figures"]] == [40.0]
    ufr = [m for m in tables["mentions"] if m["label"] == "ORG"]
    assert len(ufr) == 3 and all(m["org_key"] == org["org_key"] for m in ufr)


def test_a_document_without_mentions_has_a_row_and_no_entities():
    text = "La Coopérative Minière pour le Développement Social (CMDS) est à Kolwezi."
    tables = resolve_document({"doc_id": "d", "text": text}, [], [])
    assert tables["documents"][0]["language"] is None
    assert tables["documents"][0]["acronyms"]  # still counted for the corpus's acronyms
    assert all(not tables[name] for name in ("organisations", "places", "mentions"))


def test_resolve_is_incremental(sample_run, tmp_path):
    """A second run resolves nothing; a document removed upstream leaves the resolved tables."""
    shutil.copytree(sample_run / "interim", tmp_path / "interim")
    shutil.copytree(sample_run / "raw", tmp_path / "raw")
    result = run_cli("resolve", *folders(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "0 new, 0 changed, 0 removed, 6 up to date" in result.stdout
    gone = next(tmp_path.joinpath("raw").glob("002_*"))
    gone.unlink()
    for stage in ("ingest", "language", "extract", "resolve"):
        result = run_cli(stage, *folders(tmp_path))
        assert result.returncode == 0, result.stderr
    assert "0 new, 0 changed, 1 removed, 5 up to date" in result.stdout
    paths = Paths(tmp_path / "raw", tmp_path / "interim", tmp_path / "processed")
    for name, dataset in resolved_datasets(paths).items():
        assert len(set(dataset.read(["doc_id"]).column("doc_id").to_pylist())) <= 5, name
