"""HTML pages and PDF files through every stage: parts, pages and metadata reach the tables."""

from __future__ import annotations

import datetime

import pyarrow.parquet as pq
import pytest
from conftest import folders, run_cli
from test_formats_pdf import make_pdf

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="windows-1252">
<title>Nos partenaires au Burkina Faso | Réseau Sahel Vert</title>
<link rel="canonical" href="https://example.org/partenaires">
<meta property="og:site_name" content="Réseau Sahel Vert">
<meta property="article:published_time" content="2019-06-14T10:00:00Z">
</head><body>
<nav><a href="/">Accueil</a> | <a href="/dons">Faire un don</a> | Fondation Menu Fantôme</nav>
<div class="cookie-banner">Ce site utilise des cookies. Accepter</div>
<article>
<h1>Nos partenaires au Burkina Faso</h1>
<p>Depuis 2011, le Réseau Sahel Vert travaille avec l'Association Wend Panga à Ouagadougou.
Le 3 mai, une délégation de la Fondation Terre Solidaire a visité les jardins de Koudougou.</p>
<p>En 2018, près de 1 200 familles ont reçu des semences, pour un budget de 45 000 euros.
La coopérative Faso Jigi a formé une cinquantaine de productrices.</p>
<p>Le projet s'étend désormais au Mali, avec le soutien de la commune de Ségou.</p>
</article>
<section class="comments"><h2>Commentaires</h2>
<div class="comment"><p>Bravo ! L'ONG Tiipaalga de Ouahigouya aimerait rejoindre le réseau.</p></div>
</section>
<footer>© 2019 Réseau Sahel Vert – Mentions légales – Partager sur Facebook</footer>
</body></html>
""".encode("cp1252")


@pytest.fixture(scope="module")
def formats_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("formats")
    raw = base / "raw"
    raw.mkdir()
    (raw / "partenaires.html").write_bytes(PAGE)
    lines_1 = [
        "Rapport annuel 2020 - Association Kasai Espoir",
        "L'Association Kasai Espoir accompagne depuis 2009 les agricul-",
        "trices de la province du Kasaï, en République démocratique du",
        "Congo. En 2020, elle a soutenu 340 familles à Tshikapa.",
        "1",
    ]
    lines_2 = [
        "Rapport annuel 2020 - Association Kasai Espoir",
        "Le partenariat avec la Fondation Roi Baudouin a permis de financer",
        "douze puits pour un montant de 85 000 dollars.",
        "2",
    ]
    (raw / "rapport.pdf").write_bytes(make_pdf([lines_1, lines_2]))
    result = run_cli("run", *folders(base))
    assert result.returncode == 0, result.stderr
    return base


def _table(base, name):
    return pq.read_table(base / "processed" / f"{name}.parquet").to_pandas()


def test_html_metadata_and_main_text(formats_run):
    docs = _table(formats_run, "documents").set_index("source")
    page = docs.loc["partenaires.html"]
    assert page.status == "ok"
    assert page.format == "html"
    assert page.title.startswith("Nos partenaires au Burkina Faso")
    assert page.canonical_url == "https://example.org/partenaires"
    assert page.site_name == "Réseau Sahel Vert"
    assert page.published == datetime.date(2019, 6, 14)
    assert page.language == "fr"


def test_html_boilerplate_is_not_extracted_and_comments_are_marked(formats_run):
    doc_id = _table(formats_run, "documents").set_index("source").loc["partenaires.html", "doc_id"]
    mentions = _table(formats_run, "mentions")
    mine = mentions[mentions.doc_id == doc_id]
    assert not mine.text.str.contains("Menu Fantôme").any()  # navigation
    assert not mine.text.str.contains("Facebook").any()  # footer
    orgs = _table(formats_run, "organisations")
    names = set(orgs[orgs.doc_id == doc_id].name)
    assert "Association Wend Panga" in names
    comment = mine[mine.text.str.contains("Tiipaalga")]
    assert len(comment) and set(comment.part) == {"comments"}
    assert set(mine[mine.text.str.contains("Wend Panga")].part) == {"main"}


def test_html_day_and_month_take_the_year_of_publication(formats_run):
    doc_id = _table(formats_run, "documents").set_index("source").loc["partenaires.html", "doc_id"]
    dates = _table(formats_run, "dates")
    may = dates[(dates.doc_id == doc_id) & (dates.text.str.contains("3 mai"))]
    assert may.start.item() == datetime.date(2019, 5, 3)
    assert may.part.item() == "main"


def test_pdf_flows_through_every_stage_with_pages(formats_run):
    docs = _table(formats_run, "documents").set_index("source")
    pdf = docs.loc["rapport.pdf"]
    assert pdf.status == "ok" and pdf.format == "pdf"
    mentions = _table(formats_run, "mentions")
    mine = mentions[mentions.doc_id == pdf.doc_id]
    fondation = mine[mine.text.str.contains("Fondation Roi Baudouin")]
    assert set(fondation.page) == {2}
    figures = _table(formats_run, "figures")
    pages = figures[figures.doc_id == pdf.doc_id].set_index("value").page
    assert {340.0, 12.0, 85000.0} <= set(pages.index)
    assert (pages[340.0], pages[85000.0]) == (1, 2)  # each figure on the page it is printed on
    # running header removed, hyphenated word rejoined
    texts = pq.read_table(
        formats_run / "interim" / "documents.parquet", columns=["source", "text"]
    ).to_pydict()
    text = dict(zip(texts["source"], texts["text"], strict=True))["rapport.pdf"]
    assert "agricultrices" in text
    assert text.count("Rapport annuel 2020") <= 1
