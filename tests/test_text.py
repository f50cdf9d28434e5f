"""The shared text helpers (pipeline.text) on names and sentences written for these tests,
in French and English."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import ROOT

from pipeline.text import (
    alternation,
    blank_spans,
    email_spans,
    fold,
    fold_case,
    fold_place,
    fold_word,
    phrase,
    strip_accents,
    strip_article,
    strip_folded_article,
    url_spans,
    web_address_spans,
)


def _scorer():
    spec = importlib.util.spec_from_file_location("score", ROOT / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAMES = [
    "L’Agence française de développement",
    "L'Agence Française de Développement",
    "The Ocean Cleanup",
    "Œuvre d'Orient",
    "Straße der Kinder e.V.",
    "Médecins·Sans·Frontières",
    "les Amis de la Terre",
    "ONG Жанна",
    "Ørsted Foundation",
    "  Caritas   Internationalis ",
]


@pytest.mark.parametrize("name", NAMES)
def test_fold_is_the_reference_scorers_folding(name):
    assert fold(name) == _scorer().norm_name(name)


def test_fold_drops_the_article_after_a_typographic_apostrophe():
    assert fold("L’Agence") == fold("L'Agence") == "agence"
    assert fold("The Ocean Cleanup") == "ocean cleanup"


def test_the_foldings_differ_where_their_uses_do():
    # the scorer drops a letter with no ASCII form; the gazetteer spells it out
    assert fold("Œuvre") == "uvre"
    assert fold_place("Œuvre") == "oeuvre"
    # word lists keep the signs inside a word
    assert fold_word(" Aujourd’hui ") == "aujourd'hui"
    assert fold_word("Peut-Être") == "peut-etre"
    # date vocabularies keep accents: "fevrier" is looked up on its own
    assert fold_case("Février") == "février"
    assert fold_case("jusqu’ au") == "jusqu' au"


def test_fold_place_spells_out_abbreviations_and_drops_dots():
    assert fold_place("St. Louis") == "saint louis"
    assert fold_place("U.S.A.") == "usa"
    assert fold_place("Nord-Kivu") == "nord kivu"
    assert fold_place("Liège") == "liege"
    assert strip_folded_article(fold_place("l'Ouganda")) == "ouganda"
    assert strip_folded_article(fold_place("La Paz")) == "paz"


def test_strip_accents_keeps_letters_without_a_decomposition():
    assert strip_accents("Liège, Sénégal, ﬁn") == "Liege, Senegal, fin"
    assert strip_accents("œ ø ł") == "œ ø ł"


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("la RDC", "RDC"),
        ("l'Ouganda", "Ouganda"),
        ("d’Haïti", "Haïti"),
        ("The Gambia", "Gambia"),
        ("Le Havre", "Havre"),
        ("Lesotho", "Lesotho"),
        ("Laos", "Laos"),
    ],
)
def test_strip_article(name, stripped):
    assert strip_article(name) == stripped


def test_web_addresses_in_french_and_english():
    fr = "Écrivez à contact@ong-exemple.org ou voyez www.ong-exemple.org/rapport-2019 avant mars."
    en = "See HTTPS://example.org/2019/report or mail info.team@example.co.uk by 12 May."
    assert [fr[s:e] for s, e in web_address_spans(fr)] == [
        "www.ong-exemple.org/rapport-2019",
        "contact@ong-exemple.org",
    ]
    assert [en[s:e] for s, e in url_spans(en)] == ["HTTPS://example.org/2019/report"]
    assert [en[s:e] for s, e in email_spans(en)] == ["info.team@example.co.uk"]
    assert web_address_spans("Le 12 mai 2019, @ongexemple a publié ceci.") == []


def test_blank_spans_keeps_offsets():
    text = "Site : www.example.org, 2019"
    blanked = blank_spans(text, web_address_spans(text))
    assert len(blanked) == len(text)
    assert blanked == "Site : " + " " * len("www.example.org,") + " 2019"


def test_alternation_matches_the_longest_phrase():
    pattern = re.compile(rf"(?:{alternation(['cinq', 'cinquante', 'cinquante-deux'])})")
    assert pattern.match("cinquante-deux ans").group() == "cinquante-deux"
    assert pattern.match("cinquante ans").group() == "cinquante"
    assert pattern.match("cinq ans").group() == "cinq"
    assert pattern.match("six ans") is None


def test_alternation_reads_blanks_apostrophes_and_hyphens_as_told():
    words = alternation(["près de", "jusqu'à"])
    default = re.compile(rf"(?:{words})\Z", re.I)
    assert default.match("près  de") and default.match("jusqu’à")
    dashed = alternation(["mi-2015"], hyphen="[-–]")
    dashes = re.compile(rf"(?:{dashed})\Z")
    assert dashes.match("mi–2015") and not dashes.match("mi 2015")
    assert phrase("l'an", blank=" ", apostrophe="'") == "l'an"
    assert alternation([]) == ""
