"""HTML main-text extraction (pipeline.formats.html) on pages generated here."""

from __future__ import annotations

import datetime
import time

import pytest

from pipeline.formats import html as html_module
from pipeline.formats.html import HtmlDocument, extract_html
from pipeline.formats.text import FormatError

ARTICLE_FR = """<!DOCTYPE html>
<html lang="fr-BE"><head><meta charset="windows-1252">
<title>Un partenariat pour l'eau à Kindu | Réseau Solidaire</title>
<meta property="og:site_name" content="Réseau Solidaire">
<meta property="article:published_time" content="2019-03-14T09:30:00+01:00">
<link rel="canonical" href="https://reseau-solidaire.example.org/actualites/eau-kindu">
</head><body>
<div id="cookie-banner" class="cookie-consent">Nous utilisons des cookies pour améliorer votre
expérience de navigation. <button>Accepter</button></div>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/projets">Nos projets</a></li>
<li><a href="/dons">Faire un don</a></li></ul></nav></header>
<main><article>
<h1>Un partenariat pour l'eau à Kindu</h1>
<p>Depuis septembre 2017, notre association travaille avec une coopérative de femmes de Kindu
pour réhabiliter douze puits dans les quartiers périphériques de la ville.</p>
<p>Le projet, financé à hauteur de 45 000 euros par la province, prévoit aussi la formation de
vingt techniciennes chargées de l'entretien des pompes.</p>
<p>Les premiers résultats sont encourageants : la distance moyenne parcourue pour chercher de
l'eau a été divisée par trois.</p>
<div class="share-buttons"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur
Twitter</a></div>
</article>
<section id="comments" class="comments-area"><h2>3 commentaires</h2>
<ol class="comment-list">
<li class="comment"><div class="comment-body"><p class="comment-author">Marie</p>
<p>Bravo pour ce travail remarquable, nous suivons le projet depuis Bruxelles avec beaucoup
d'intérêt.</p></div></li>
<li class="comment"><div class="comment-body"><p class="comment-author">Joseph</p>
<p>Est-ce que la coopérative accueille aussi des bénévoles venus de l'étranger pendant
l'été ?</p></div></li>
</ol></section>
</main>
<aside><h3>Articles récents</h3><ul><li>Assemblée générale 2018</li><li>Rapport annuel</li>
</ul></aside>
<footer><p>© 2019 Réseau Solidaire — Mentions légales — Politique de confidentialité</p></footer>
</body></html>"""

ARTICLE_EN = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<meta property="og:locale" content="en_GB">
<meta property="og:title" content="Seed banks in the highlands">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Seed banks in the highlands", "datePublished": "2021-11-02",
 "publisher": {"@type": "Organization", "name": "Field Notes Weekly"}}</script>
</head><body>
<div class="menu"><a href="/">Home</a> | <a href="/about">About</a></div>
<div class="content">
<h2>Seed banks in the highlands</h2>
<p>Farmers' groups in three districts now run their own seed banks, an initiative started by a
small cooperative with the support of a regional agronomy school.</p>
<p>Each bank stores about two tonnes of maize and bean seed, lent to members at planting time and
paid back after the harvest with a modest premium that funds the caf\u00e9 where they meet.</p>
</div></body></html>"""


def _part(doc: HtmlDocument, name: str) -> str:
    return "\n\n".join(doc.text[s:e] for s, e, part in doc.parts if part == name)


def test_french_article_main_text_comments_and_metadata() -> None:
    doc = extract_html(ARTICLE_FR.encode("cp1252"))
    main, comments = _part(doc, "main"), _part(doc, "comments")
    assert "réhabiliter douze puits dans les quartiers périphériques" in main
    assert "financé à hauteur de 45 000 euros" in main
    for chrome in ("cookies", "Faire un don", "Partager sur", "Mentions légales", "récents"):
        assert chrome not in doc.text
    # comments are kept, but only in their own part
    assert "Bravo pour ce travail remarquable" in comments
    assert "Bravo" not in main
    assert "accueille aussi des bénévoles" in comments
    # parts are spans into the text, main first, then comments
    assert [part for _, _, part in doc.parts] == ["main", "comments"]
    assert doc.parts[0][0] == 0 and doc.parts[-1][1] == len(doc.text)
    # paragraphs are separated by blank lines
    assert "\n\nLe projet, financé" in main
    assert doc.encoding == "cp1252"
    assert doc.language == "fr"
    assert doc.title == "Un partenariat pour l'eau à Kindu"
    assert doc.site_name == "Réseau Solidaire"
    assert doc.canonical_url == "https://reseau-solidaire.example.org/actualites/eau-kindu"
    assert doc.published == datetime.date(2019, 3, 14)


def test_latin1_declared_page_and_json_ld_metadata() -> None:
    doc = extract_html(ARTICLE_EN.encode("latin-1"))
    assert "funds the café where they meet" in doc.text
    assert "Home" not in doc.text
    assert doc.encoding == "cp1252"  # browsers read a latin-1 label as windows-1252
    assert doc.language == "en"
    assert doc.title == "Seed banks in the highlands"
    assert doc.published == datetime.date(2021, 11, 2)
    assert doc.site_name == "Field Notes Weekly"
    assert doc.canonical_url is None
    assert [part for _, _, part in doc.parts] == ["main"]


def test_utf8_page_declared_latin1_is_read_as_utf8() -> None:
    doc = extract_html(ARTICLE_EN.encode("utf-8"))
    assert "funds the café where they meet" in doc.text
    assert doc.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_byte_order_mark_wins(codec: str) -> None:
    page = ARTICLE_FR.replace('<meta charset="windows-1252">', "")
    doc = extract_html(page.encode(codec))
    assert "coopérative de femmes de Kindu" in doc.text


def test_no_date_is_invented() -> None:
    page = ARTICLE_FR.replace("article:published_time", "article:section")
    assert extract_html(page.encode("cp1252")).published is None


def test_malformed_html() -> None:
    page = (
        "<html><head><title>Broken page</title><body><div><p>The association was founded in "
        "Lyon in 1998 by a group of nurses returning from the field.<p>It now supports "
        "<b><i>eleven health centres</b></i> in rural areas, with a team of forty"
        "</div></div></span> volunteers.<table><tr><td>unclosed cell<div class=x y='z>"
        "<p>Its budget relies mostly on private donations and on a few municipal grants."
    )
    doc = extract_html(page.encode())
    assert "founded in Lyon in 1998" in doc.text
    assert "eleven health centres" in doc.text


def test_deep_nesting_does_not_crash_and_keeps_the_text() -> None:
    page = (
        "<html><body><p>The first paragraph explains how the network of partners was built "
        "over the years.</p>"
        + "<div>" * 10_000
        + "Deeply nested statement about the training of community health workers."
        + "</div>" * 10_000
        + "<p>The closing paragraph lists the next steps of the programme.</p></body></html>"
    )
    doc = extract_html(page.encode())
    assert "network of partners was built" in doc.text
    assert "training of community health workers" in doc.text
    assert "next steps of the programme" in doc.text


def test_entity_bomb_is_not_expanded() -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [\n'
        + "\n".join(entities)
        + '\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Bomb</title></head><body>'
        "<p>Before &lol9; after: this paragraph describes a school garden project run by "
        "parents and teachers.</p><p>&xxe;</p></body></html>"
    )
    started = time.monotonic()
    doc = extract_html(page.encode())
    assert time.monotonic() - started < 30  # a generous bound: expansion would never finish
    assert "school garden project" in doc.text
    assert "lollol" not in doc.text
    assert "root:" not in doc.text


def test_script_only_page_is_an_error() -> None:
    page = "<html><head><script>var a = 1;</script></head><body><script>init();</script></body>"
    with pytest.raises(FormatError, match="no text in HTML page"):
        extract_html(page.encode())


def test_empty_page_is_an_error() -> None:
    with pytest.raises(FormatError, match="empty"):
        extract_html(b"  \n ")


def test_fallback_drops_chrome_and_keeps_paragraph_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_module.trafilatura, "bare_extraction", lambda *a, **k: None)
    page = (
        "<html><body><header>Site title</header><nav><a>Home</a><a>Donate</a></nav>"
        "<div><h2>Annual meeting</h2><p>The members met\n   in <b>Namur</b> on 4 May.</p>"
        "<ul><li>Budget approved</li><li>New board elected</li></ul></div>"
        "<script>track();</script><aside>Related posts</aside><form>Search</form>"
        "<footer>Legal notice</footer></body></html>"
    )
    doc = extract_html(page.encode())
    assert doc.text == (
        "Annual meeting\n\nThe members met in Namur on 4 May.\n\nBudget approved\n\n"
        "New board elected"
    )
    assert doc.parts == [(0, len(doc.text), "main")]


def test_single_time_element_gives_the_date() -> None:
    page = (
        "<html lang='en-US'><body><article><h1>New partner in Gao</h1>"
        "<p class='byline'>Posted on <time datetime='2018-06-05'>5 June 2018</time></p>"
        "<p>We are glad to welcome a women's association from Gao that runs literacy classes "
        "for about two hundred adults every year in four neighbourhoods.</p>"
        "</article></body></html>"
    )
    doc = extract_html(page.encode())
    assert doc.published == datetime.date(2018, 6, 5)
    assert doc.language == "en"
    assert "literacy classes" in doc.text
