"""The user's corrections.csv: each action, bad lines, and a re-run that touches no model stage."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter

import pyarrow.parquet as pq
from conftest import ROOT

from pipeline.corrections import Entities, apply, parse


def test_parse_reads_good_lines_and_names_each_bad_one():
    text = (
        "\ufeffaction,kind,name,target\n"
        "drop,organisation,Goma,\n"
        "merge,organisation,Fondation Panzi,Panzi Foundation\n"
        "relabel,place,Kamilombe,organisation\n"
        "\n"
        "# a comment\n"
        "alias,place,RDC Est,Nord-Kivu\n"
        'add,organisation,"Caritas Congo, Asbl",\n'
        "delete,organisation,X,\n"
        "drop,person,Y,\n"
        "merge,organisation,Z,\n"
        "relabel,place,W,place\n"
        "drop,place,,\n"
        "add,place,V,extra\n"
        "drop,place,A,,,\n"
    )
    good, bad = parse(text.lstrip("\ufeff"))
    assert [(c.line, c.action, c.name) for c in good] == [
        (2, "drop", "Goma"),
        (3, "merge", "Fondation Panzi"),
        (4, "relabel", "Kamilombe"),
        (7, "alias", "RDC Est"),
        (8, "add", "Caritas Congo, Asbl"),
    ]
    messages = {b.line: b.message for b in bad}
    assert set(messages) == {9, 10, 11, 12, 13, 14, 15}
    assert "unknown action 'delete'" in messages[9]
    assert "unknown kind 'person'" in messages[10]
    assert "merge needs a target" in messages[11]
    assert "relabel needs the other kind" in messages[12]
    assert messages[13] == "missing name"
    assert "add takes no target" in messages[14]
    assert "6 cells" in messages[15]


def _ids(kind, name):
    return (
        f"{kind[:3]}-{name.lower().replace(' ', '-')}",
        {"acronym": None}
        if kind == "organisation"
        else {"kind": "local", "country_code": None, "latitude": None, "longitude": None},
    )


def _doc():
    text = "L'ONG Amani travaille à Goma avec Fondation Panzi. Panzi Foundation aide Kamilombe et Caritas Congo."

    def m(surface, label, entity_id):
        start = text.index(surface)
        return {
            "doc_id": "d",
            "start_offset": start,
            "end_offset": start + len(surface),
            "text": surface,
            "label": label,
            "language": "fr",
            "extractor": "spacy",
            "entity_id": entity_id,
            "segment": 0,
            "page": None,
            "part": "main",
        }

    orgs = [
        {
            "doc_id": "d",
            "org_id": "o1",
            "name": "Amani",
            "aliases": [],
            "acronym": None,
            "n_mentions": 1,
            "first_offset": 6,
        },
        {
            "doc_id": "d",
            "org_id": "o2",
            "name": "Fondation Panzi",
            "aliases": [],
            "acronym": None,
            "n_mentions": 1,
            "first_offset": 0,
        },
        {
            "doc_id": "d",
            "org_id": "o3",
            "name": "Panzi Foundation",
            "aliases": [],
            "acronym": None,
            "n_mentions": 1,
            "first_offset": 0,
        },
        {
            "doc_id": "d",
            "org_id": "o4",
            "name": "Goma",
            "aliases": [],
            "acronym": None,
            "n_mentions": 1,
            "first_offset": 0,
        },
    ]
    places = [
        {
            "doc_id": "d",
            "place_id": "p1",
            "name": "Kamilombe",
            "aliases": [],
            "kind": "local",
            "country_code": None,
            "latitude": None,
            "longitude": None,
            "n_mentions": 1,
            "first_offset": 0,
        }
    ]
    mentions = [
        m("Amani", "ORG", "o1"),
        m("Goma", "ORG", "o4"),
        m("Fondation Panzi", "ORG", "o2"),
        m("Panzi Foundation", "ORG", "o3"),
        m("Kamilombe", "LOC", "p1"),
    ]
    return text, Entities(orgs, places, mentions)


def test_each_action_on_one_document():
    good, bad = parse(
        "drop,organisation,goma,\n"
        "merge,organisation,Fondation Panzi,Panzi Foundation\n"
        "relabel,place,Kamilombe,organisation\n"
        "add,organisation,Caritas Congo,\n"
        "alias,place,goma,Goma Ville\n"
        "add,organisation,Nowhere,\n"
    )
    assert not bad
    text, e = _doc()
    hits = apply("d", text, [{"segment": 0, "start": 0, "end": len(text)}], e, good, _ids)
    orgs = {r["name"]: r for r in e.organisations}
    assert "Goma" not in orgs  # dropped, with its mention
    assert not any(m["text"] == "Goma" and m["label"] == "ORG" for m in e.mentions)
    assert orgs["Panzi Foundation"]["aliases"] == ["Fondation Panzi"]  # merged: one id
    assert orgs["Panzi Foundation"]["n_mentions"] == 2
    assert ("Kamilombe" in orgs and not e.places) or all(p["name"] != "Kamilombe" for p in e.places)
    assert orgs["Caritas Congo"]["org_id"] == "org-caritas-congo"
    added = [m for m in e.mentions if m["text"] == "Caritas Congo"]
    assert added and added[0]["extractor"] == "correction:line 4" and added[0]["label"] == "ORG"
    # "goma" as a place: the alias finds it wherever it occurs, as Goma Ville
    assert [p["name"] for p in e.places] == ["Goma Ville"] and e.places[0]["aliases"] == ["goma"]
    assert hits == Counter({1: 1, 2: 1, 3: 1, 4: 1, 5: 1})


def _make(base, *extra):
    return subprocess.run(
        [
            "make",
            "-s",
            f"RAW={base / 'raw'}",
            f"INTERIM={base / 'interim'}",
            f"PROCESSED={base / 'processed'}",
            f"CORRECTIONS={base / 'corrections.csv'}",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _table(base, name):
    return pq.read_table(base / "processed" / f"{name}.parquet").to_pylist()


def test_editing_corrections_changes_every_table_and_reruns_no_model_stage(sample_run, tmp_path):
    base = tmp_path / "run"
    shutil.copytree(sample_run, base, symlinks=True)
    (base / "corrections.csv").write_text("action,kind,name,target\n", encoding="utf-8")
    first = _make(base)
    assert first.returncode == 0, first.stderr
    mentions_manifest = (base / "interim" / "mentions.parquet" / "_manifest.json").read_bytes()
    extract_state = (base / "interim" / "state" / "extract.parquet").read_bytes()
    orgs = {r["name"] for r in _table(base, "organisations")}
    assert {"Province de Liège", "AFA", "Alternatives for Actions"} <= orgs

    (base / "corrections.csv").write_text(
        "action,kind,name,target\n"
        "drop,organisation,Province de Liège,\n"
        "merge,organisation,AFA,Alternatives for Actions\n"
        "relabel,place,Kamilombe,organisation\n"
        "alias,place,la périphérie ouest de Kolwezi,Kolwezi\n"
        "add,organisation,Nos partenaires,\n"
        "oops,organisation,X,\n",
        encoding="utf-8",
    )
    second = _make(base)
    assert second.returncode == 0, second.stderr
    assert "line 7: unknown action 'oops'" in second.stderr
    # no model stage ran: extract's output and state are the bytes they were
    assert (
        base / "interim" / "mentions.parquet" / "_manifest.json"
    ).read_bytes() == mentions_manifest
    assert (base / "interim" / "state" / "extract.parquet").read_bytes() == extract_state
    assert "pipeline extract" not in second.stdout

    orgs = _table(base, "organisations")
    names = {r["name"] for r in orgs}
    assert "Province de Liège" not in names
    afa = [r for r in orgs if r["name"] == "Alternatives for Actions"]
    assert len(afa) == 1 and "AFA" in afa[0]["aliases"]
    assert "Kamilombe" in names and "Kamilombe" not in {r["name"] for r in _table(base, "places")}
    kolwezi = [
        r
        for r in _table(base, "places")
        if r["name"] == "Kolwezi" and r["doc_id"] == afa[0]["doc_id"]
    ]
    assert "la périphérie ouest de Kolwezi" in kolwezi[0]["aliases"]
    assert any(r["name"] == "Nos partenaires" for r in orgs)
    index = {r["name"]: r for r in _table(base, "organisation_index")}
    assert (
        "Province de Liège" not in index and "AFA" in index["Alternatives for Actions"]["aliases"]
    )
    mentions = _table(base, "mentions")
    assert any(m["text"] == "Kamilombe" and m["label"] == "ORG" for m in mentions)
    relations = _table(base, "relations")
    assert any(r["organisation"] == "Kamilombe" for r in relations)
    assert not any(r["organisation"] == "AFA" for r in relations)
    report = {r["line"]: r for r in _table(base, "corrections")}
    assert [report[i]["status"] for i in range(2, 8)] == ["applied"] * 5 + ["error"]

    status = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "status",
            "--raw",
            str(base / "raw"),
            "--interim",
            str(base / "interim"),
            "--processed",
            str(base / "processed"),
            "--corrections",
            str(base / "corrections.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "corrections: 6 lines, 5 applied, 0 match nothing, 1 error" in status.stdout
    assert "line 7: unknown action 'oops'" in status.stdout


def test_a_name_with_an_apostrophe_is_found_with_either_apostrophe():
    good, _ = parse("add,organisation,L'Arche de Kigali,\n")
    text = "L’Arche de Kigali accueille 40 enfants. L'Arche de Kigali recrute."
    e = Entities([], [], [])
    hits = apply("d", text, [{"segment": 0, "start": 0, "end": len(text)}], e, good, _ids)
    assert hits == Counter({1: 2})
    assert [m["text"] for m in e.mentions] == ["L’Arche de Kigali", "L'Arche de Kigali"]
