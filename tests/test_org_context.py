"""Organisations from the page's layout and from the rest of the document, on pages of our own."""

from __future__ import annotations

from test_resolve import SEGMENTS, _mention

from pipeline.resolve import resolve_labels
from pipeline.rules.org_context import card_organisations, card_runs, repeated_mentions

MEMBERS_FR = """Nos membres

Fondation Kalao
Santé · Éducation
La fondation soutient les centres de santé de la région depuis 2004.

Jigiya
Agriculture · Environnement
Jigiya accompagne les groupements de maraîchères dans leurs projets.

Sahel Horizons
Éducation
Un collectif de jeunes qui ouvre des bibliothèques dans les villages.

Association Tilé
Culture
L'association organise chaque année un festival de contes pour enfants.
"""

THANKS_EN = """We would like to thank:

Green Pastures Trust
funds our school meals programme in the two districts every year.

Bright Wells
has drilled eleven boreholes with us since the project began in 2015.

Paper Kites
are a small charity who send books and pencils to our schools.

Martha Kellow
(photography) has given us her pictures of the project for free.
"""


def _orgs(text, mentions):
    names = resolve_labels("d", mentions, text, SEGMENTS, "fr")
    return {m.text for m in names if m.label == "ORG"}


def test_card_titles_are_found_in_runs_of_paragraphs():
    runs = card_runs(MEMBERS_FR)
    assert [[MEMBERS_FR[c.start : c.end] for c in run] for run in runs] == [
        ["Fondation Kalao", "Jigiya", "Sahel Horizons", "Association Tilé"]
    ]
    en = card_runs(THANKS_EN)[0]
    assert [THANKS_EN[c.start : c.end] for c in en][:2] == ["Green Pastures Trust", "Bright Wells"]
    assert all(c.continues for c in en[:3])  # "has drilled …": the title is the subject


def test_card_titles_whose_siblings_are_organisations_become_organisations_in_french():
    mentions = [
        _mention(MEMBERS_FR, "Jigiya", "LOC"),
        _mention(MEMBERS_FR, "Jigiya", "PER", 1),
        _mention(MEMBERS_FR, "Horizons", "MISC"),
    ]
    orgs = _orgs(MEMBERS_FR, mentions)
    assert {"Fondation Kalao", "Jigiya", "Sahel Horizons", "Association Tilé"} <= orgs
    names = resolve_labels("d", mentions, MEMBERS_FR, SEGMENTS, "fr")
    # the second mention of Jigiya, in the card's body, is the organisation too
    assert sum(1 for m in names if m.text == "Jigiya" and m.label == "ORG") == 2


def test_card_titles_that_go_on_as_a_subject_in_english_but_not_people():
    mentions = [
        _mention(THANKS_EN, "Green Pastures Trust", "ORG"),
        _mention(THANKS_EN, "Bright Wells", "LOC"),
        _mention(THANKS_EN, "Paper Kites", "ORG"),
        _mention(THANKS_EN, "Martha Kellow", "PER"),
    ]
    orgs = _orgs(THANKS_EN, mentions)
    assert {"Green Pastures Trust", "Bright Wells", "Paper Kites"} <= orgs
    assert "Martha Kellow" not in orgs


def test_no_organisation_from_cards_without_organisations_among_them():
    news = """Nouvelles du chantier

La saison des pluies
Les travaux ont pris du retard à cause des pluies de juillet et août.

Une nouvelle classe
La troisième classe de l'école a ouvert ses portes en octobre dernier.

Merci aux donateurs
Grâce à vous, nous avons acheté les tables et les bancs de la classe.
"""
    assert card_organisations(news, lambda s, e: False, lambda n: False) == []
    assert _orgs(news, []) == set()


def test_a_team_page_is_not_a_list_of_organisations():
    team = """Notre équipe

Fatoumata Keïta
Présidente
Ancienne institutrice, elle a fondé l'association avec des parents d'élèves.

Issa Traoré
Directeur des Programmes
Ingénieur agronome, il suit les projets agricoles depuis dix ans déjà.

Amadou Diallo
Trésorier
Comptable de métier, il tient les comptes de l'association depuis 2012.
"""
    assert card_runs(team) == []


def test_repeated_mentions_are_whole_words_outside_taken_spans():
    text = "Bright Wells drilled. Bright Wellsprings is another. Ask Bright Wells."
    spans = repeated_mentions(text, ["Bright Wells"], [(0, 12)])
    assert [text[s:e] for s, e in spans] == ["Bright Wells"]
    assert spans[0][0] == text.rindex("Bright Wells")


def test_the_owner_named_by_the_copyright_notice_is_an_organisation():
    en = (
        "Amani Wells\n\nAmani Wells volunteers drilled two boreholes in 2019.\n\n"
        "Copyright © 2025 Amani Wells\n"
    )
    mentions = [_mention(en, "Amani Wells", "PER", 1), _mention(en, "Amani Wells", "MISC", 2)]
    assert _orgs(en, mentions) == {"Amani Wells"}
    fr = "Les Amis du Lac ont planté 300 arbres.\n© 2016-2024 Les Amis du Lac | Mentions légales\n"
    assert _orgs(fr, []) == {"Les Amis du Lac"}


def test_no_owner_from_a_copyright_notice_named_once_or_a_person():
    from pipeline.rules.org_context import owner_names

    assert owner_names("Photos © 2023 Sunrise Studio.", lambda n: False) == []
    text = "Photos de Martha Kellow.\n© Martha Kellow 2023"
    assert "Martha Kellow" not in _orgs(text, [_mention(text, "Martha Kellow", "PER")])


def test_names_listed_with_organisations_are_organisations():
    en = (
        "The survey is run by the Kivu Health Network (KHN), Tumaini Data (TD) and "
        "the Goma Water Board, with partners including the Lake Institute of Science (LIS), "
        "Maji Meters, Tatu Labs and the Ruzizi Farmers Cooperative among others.\n"
    )
    mentions = [_mention(en, "Tumaini Data", "PER", language="en")]
    orgs = _orgs(en, mentions)
    assert {"Tumaini Data", "Maji Meters", "Tatu Labs"} <= orgs
    fr = (
        "Le projet réunit l'Association Kalao, la Fondation Sahel Vert, Jigiya et "
        "Tilé Production.\n"
    )
    assert {"Jigiya", "Tilé Production"} <= _orgs(fr, [_mention(fr, "Jigiya", "PER")])


def test_lists_of_places_people_or_words_make_no_organisations():
    fr = "Nous travaillons à Dakar, Thiès, Kaolack et Ziguinchor avec Aminata Diallo et Moussa Sow."
    assert _orgs(fr, []) == set()
    # one organisation among places and words is not enough; a cut name is no item
    en = (
        "Our teams visited the Goma Water Board, Bukavu, Education and Uvira, and the "
        "Kasese District Local government and Tumaini Data.\n"
    )
    assert "Tumaini Data" not in _orgs(en, [])
    assert "Education" not in _orgs(en, [])


def test_titles_of_records_with_one_field_label_are_one_list():
    en = (
        "The following organisations used our app in 2023:\n"
        "Kivu Relief Foundation\nLocation: Goma (since May 2021)\n"
        "Amani Wells Trust\nLocations: Bukavu, Uvira\n"
        "Tumaini\nLocation: Kigali (since June 2022)\n"
        "Paper Kites\nLocation: Kampala\n"
    )
    assert {"Tumaini", "Paper Kites"} <= _orgs(en, [])
    fr = (
        "Nos partenaires\nAssociation Kalao\nPays : Mali\nFondation Tilé\nPays : Niger\n"
        "Jigiya\nPays : Burkina Faso\n"
    )
    assert "Jigiya" in _orgs(fr, [])


def test_records_of_people_or_places_make_no_organisations():
    from pipeline.rules.org_context import record_organisations

    text = "Aminata Diallo\nRôle : trésorière\nMoussa Sow\nRôle : secrétaire\nKalao Santé\nRôle : partenaire\n"
    assert record_organisations(text, lambda s, e: False, lambda n: False) == []


def test_a_country_after_an_organisation_noun_is_no_organisation_s_name():
    fr = "Les élèves ont créé un club Sénégal au collège. Le club Kalaobo joue."
    orgs = _orgs(fr, [_mention(fr, "Sénégal", "LOC")])
    assert "Sénégal" not in orgs and "Kalaobo" in orgs
    en = "Pupils started a club Kenya at the school and the charity Amani Wells helped."
    orgs = _orgs(en, [_mention(en, "Kenya", "LOC", language="en")])
    assert "Kenya" not in orgs and "Amani Wells" in orgs
