"""Normalise: one label per name, organisations with their acronyms, places, ids across documents."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import normalise
from pipeline.config import Paths
from pipeline.extract import trim_entity
from pipeline.normalise import (
    OrgEntity,
    local_place_name,
    org_id_for,
    organisations_of,
    places_of,
    resolve_labels,
)
from pipeline.schemas import PROCESSED_TABLES
from pipeline.storage import read_state, state_path, write_table
from pipeline.tables import documents_dataset


def _mention(text, name, label, nth=0, language="fr"):
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return {
        "doc_id": "d",
        "segment": 0,
        "start": start,
        "end": start + len(name),
        "text": name,
        "label": label,
        "language": language,
        "extractor": "spacy:test",
    }


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
    labels = {(m["text"], m["label"]) for m in names}
    assert labels == {("Kivu Solidarité", "ORG"), ("Goma", "LOC")}
    relabelled = next(m for m in names if m["start"] == mentions[1]["start"])
    assert "organisations.consistency" in relabelled["extractor"]


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
    assert {m["label"] for m in names} == {"LOC"}
    places = places_of(names, "fr")
    assert [p["country_code"] for p in places] == ["CD"]


def test_an_organisation_carries_its_place_in_french():
    text = "- La Maison des Jeunes de Tournai\n"
    mentions = [_mention(text, "Maison des Jeunes", "ORG"), _mention(text, "Tournai", "LOC")]
    names = resolve_labels("d", mentions, text, SEGMENTS, "fr")
    assert [(m["text"], m["label"]) for m in names] == [("Maison des Jeunes de Tournai", "ORG")]


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


def test_org_ids_are_shared_across_documents():
    acronyms = {"UFR": {"union des femmes rurales"}}
    long_form = OrgEntity(
        forms=["Union des Femmes Rurales", "UFR"],
        acronym="UFR",
        long_form="Union des Femmes Rurales",
    )
    acronym_only = OrgEntity(forms=["UFR"])
    same_name = OrgEntity(forms=["l'Union des Femmes Rurales"])
    ids = {org_id_for(e, acronyms) for e in (long_form, acronym_only, same_name)}
    assert len(ids) == 1
    # an acronym defined for two different long names stays on its own
    ambiguous = {"UFR": {"union des femmes rurales", "union francaise de rugby"}}
    assert org_id_for(acronym_only, ambiguous) != org_id_for(long_form, ambiguous)


def test_trim_entity():
    text = "selon l’Institut Pasteur (« IP ») et d'autres"
    start = text.index("l’Institut")
    assert text[slice(*trim_entity(text, start, text.index(" (") + 3))] == "Institut Pasteur"
    text = "des partenaires de Belgique."
    s = text.index("de Belgique")
    assert text[slice(*trim_entity(text, s, s + len("de Belgique.")))] == "Belgique"
    assert trim_entity("- 12 -", 0, 6) is None  # no letter
    assert trim_entity("line one\nline two", 5, 13) is None  # across lines


def _sorted_table(path):
    table = pq.read_table(path)
    keys = [f.name for f in table.schema if not pa.types.is_list(f.type)]
    return table.sort_by([(k, "ascending") for k in keys]).to_pylist()


def test_documents_in_many_groups_give_the_same_tables(sample_run, tmp_path, monkeypatch):
    """Normalise works group by group (memory follows the group, not the corpus):
    cutting the sample corpus into one group per document changes nothing."""
    shutil.copytree(sample_run / "interim", tmp_path / "interim")
    paths = Paths(sample_run / "raw", tmp_path / "interim", tmp_path / "processed")
    monkeypatch.setattr(normalise, "GROUP_DOCS", 1)
    report = normalise.run(paths)
    assert report.plan.new == 5
    for name in PROCESSED_TABLES:
        assert _sorted_table(paths.processed / f"{name}.parquet") == _sorted_table(
            sample_run / "processed" / f"{name}.parquet"
        ), name
    assert not (paths.interim / "normalise-scratch").exists()


def test_the_fingerprint_ignores_row_order_but_not_versions(sample_run, tmp_path):
    shutil.copytree(sample_run / "interim", tmp_path / "interim")
    paths = Paths(sample_run / "raw", tmp_path / "interim", tmp_path / "processed")
    before = normalise._fingerprint(paths)
    documents = documents_dataset(paths)
    table = documents.read()
    reordered = table.take(list(reversed(range(table.num_rows))))
    documents.replace_rows([reordered], table.column(documents.key).to_pylist())
    assert documents.read().column("doc_id").to_pylist() != table.column("doc_id").to_pylist()
    assert normalise._fingerprint(paths) == before
    state = read_state(paths.state, "extract")
    versions = ["older", *state.column("version").to_pylist()[1:]]
    state = state.set_column(state.schema.get_field_index("version"), "version", pa.array(versions))
    write_table(state, state_path(paths.state, "extract"))
    assert normalise._fingerprint(paths) != before
