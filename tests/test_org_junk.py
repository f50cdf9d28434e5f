"""The organisation junk filter: topics, chrome, roles, people, money, on sentences of our own."""

from pipeline.mentions import Mention
from pipeline.rules.org_junk import (
    drop_junk_organisations,
    in_prose,
    is_first_name,
    junk_reason,
)


def _org_mentions(text: str, *surfaces: str) -> list[Mention]:
    """The model's ORG mentions of `surfaces` (first occurrence of each) in `text`."""
    out = []
    for surface in surfaces:
        start = text.index(surface)
        out.append(Mention("d", 0, start, start + len(surface), surface, "ORG", "fr", "m"))
    return out


def test_topics_are_phrases_of_common_words_without_an_organisation_head():
    assert junk_reason("Gestion des Déchets") == "topic"
    assert junk_reason("Droits des Femmes") == "topic"
    assert junk_reason("Water Management") == "topic"
    assert junk_reason("Climate Resilience") == "topic"
    # an organisation head noun, a coinage or an acronym makes it a name
    assert junk_reason("Fondation pour la Gestion des Déchets") is None
    assert junk_reason("Water Management Trust") is None
    assert junk_reason("Oxfam") is None
    assert junk_reason("Kivutech Solidarité") is None
    assert junk_reason("ONU") is None
    assert junk_reason("Article 19") is None


def test_site_chrome_in_both_languages():
    for chrome in ["ACCUEIL", "Voir plus", "En savoir plus", "Share this page", "Read more"]:
        assert junk_reason(chrome) == "chrome", chrome
    assert junk_reason("Accueil | Qui sommes-nous | Contact") == "chrome"
    assert junk_reason("Home · About us · Donate") == "chrome"


def test_titles_and_roles():
    assert junk_reason("Présidente") == "role"
    assert junk_reason("Coordinatrice Nationale") == "role"
    assert junk_reason("Director of Programs") == "role"
    assert junk_reason("Chef de Projet Senior") == "role"
    # a post inside an organisation's name is not a role
    assert junk_reason("Conseil des Directeurs d'École") is None


def test_people_from_a_first_names_list():
    assert is_first_name("Aminata") and is_first_name("Veronica")
    assert junk_reason("Aminata Koné") == "person"
    assert junk_reason("Margaret Okello") == "person"
    assert junk_reason("Margaret Okello Outreach") == "person"  # a name run into a heading
    assert junk_reason("Margaret Okello Foundation") is None  # head noun: an organisation


def test_money_units_and_table_rows():
    assert junk_reason("XOF") == "money-or-unit"
    assert junk_reason("EUR 12.500,00") == "money-or-unit"
    assert junk_reason("INR 1,250") == "money-or-unit"
    assert junk_reason("Kofi Mensah 3 1 2") == "money-or-unit"
    assert junk_reason("km2") == "money-or-unit"
    assert junk_reason("G20") is None


def test_a_common_phrase_inside_a_sentence_is_a_name():
    text = (
        "Water Quality\n"
        "The clinic was built in 2019 with the help of Green Valley, a charity from the region.\n"
    )
    heading = text.index("Water Quality")
    prose = text.index("Green Valley")
    assert not in_prose(text, heading, heading + 13)
    assert in_prose(text, prose, prose + 12)
    names = [
        Mention("d", 0, heading, heading + 13, "Water Quality", "ORG", "en", "m"),
        Mention("d", 0, prose, prose + 12, "Green Valley", "ORG", "en", "m"),
    ]
    kept = drop_junk_organisations(names, text, set(), lambda n: None, "rule:junk")
    assert [m.text for m in kept] == ["Green Valley"]


def test_places_become_places_and_evidence_wins():
    text = "Réunion à Dakar. Le Secours Populaire aussi."
    names = [
        Mention("d", 0, 10, 15, "Dakar", "ORG", "fr", "m"),
        Mention("d", 0, 20, 37, "Secours Populaire", "ORG", "fr", "m"),
    ]
    kinds = {"Dakar": "city"}
    kept = drop_junk_organisations(names, text, set(), kinds.get, "rule:junk")
    assert [(m.text, m.label) for m in kept] == [
        ("Dakar", "LOC"),
        ("Secours Populaire", "ORG"),
    ]
    assert kept[0].extractor == "m+rule:junk"
    names = [Mention("d", 0, 0, 9, "Voir Plus", "ORG", "fr", "m")]
    assert drop_junk_organisations(names, "Voir Plus", {"voir plus"}, kinds.get, "r") == names


def test_acronyms_and_short_particles_are_not_topics_or_people():
    # an acronym in capitals is no common word, however frequent it is in text
    assert junk_reason("UNICEF") is None
    assert junk_reason("ACCUEIL") == "chrome"
    # "Al", "El" are particles of names before a name, not first names
    assert junk_reason("Al Noor") is None


def test_governing_bodies_and_meetings_are_parts_of_an_organisation():
    for organ in ["Assemblée Générale", "le C.A.", "l'AG", "Bureau Exécutif", "Board of Directors"]:
        assert junk_reason(organ) == "organ", organ
    assert junk_reason("Steering Committee") == "organ"
    # a body with a name of its own is an organisation
    assert junk_reason("Assemblée Générale des Nations Unies") is None
    assert junk_reason("Board of Trustees of the Kivu Fund") is None


def test_titles_and_lists_of_actors_are_not_names():
    from pipeline.rules.org_junk import names_no_organisation

    assert junk_reason("Project Title: Furniture for the Primary School") == "title"
    assert junk_reason("Intitulé : Réhabilitation du Puits") == "title"
    assert names_no_organisation("Government, Academy, Private Sector")
    assert names_no_organisation("Gouvernement, Université, Société Civile")
    assert not names_no_organisation("Fondation Kivu, Goma")
    assert not names_no_organisation("Union Européenne")


def test_a_list_is_no_acronym_definition():
    from pipeline.rules.organisations import find_acronym_definitions

    text = "Training for Government, International Bodies, Academy (GIBA) staff."
    assert find_acronym_definitions(text) == []
    text = "Formation pour Gouvernement, Universités, Entreprises (GUE) à Dakar."
    assert find_acronym_definitions(text) == []


def test_products_software_and_devices_are_not_organisations():
    from pipeline.rules.org_products import is_product_name, product_names

    en = (
        "The lab runs apps like KiwiMath, Typist and ChalkBoard, and the Kobo suite. "
        "We received 40 Lenovo tablets and an app called Maji Yetu. "
        "Data were collected with the Field Data Kit (FDK). Oxfam funded the lab."
    )
    names = ["KiwiMath", "Typist", "ChalkBoard", "Kobo", "Lenovo", "Maji Yetu", "FDK", "Oxfam"]
    assert product_names(en, names) == {
        "kiwimath",
        "typist",
        "chalkboard",
        "kobo",
        "lenovo",
        "maji yetu",
        "fdk",
    }
    fr = (
        "Les élèves utilisent des logiciels comme QuizPro et Atelier Carto. "
        "L'application Mon Puits est libre. Oxfam suite à la crise a aidé la Fondation Kobo."
    )
    names = ["QuizPro", "Atelier Carto", "Mon Puits", "Oxfam", "Fondation Kobo"]
    assert product_names(fr, names) == {"quizpro", "atelier carto", "mon puits"}
    assert is_product_name("Open Mapping Kit") and is_product_name("Kivu Public License")
    assert not is_product_name("Kivu Software Foundation")


def test_code_identifiers_are_not_names():
    assert junk_reason("MAX_USERS") == "code"
    assert junk_reason("NOM_DU_PROJET") == "code"


def test_a_name_with_no_break_spaces_inside_a_sentence_is_kept():
    # web pages join the words of a name with no-break spaces (U+00A0)
    for name, sentence in [
        (
            "Eau\xa0Claire\xa0Partage",
            "Depuis 2021 nous travaillons en partenariat avec {} dans les écoles du district.",
        ),
        (
            "Green\xa0Valley",
            "The clinic was built in 2019 with the help of {} and the families of the village.",
        ),
    ]:
        text = "Nos actualités\n" + sentence.format(name) + "\n"
        names = _org_mentions(text, name)
        kept = drop_junk_organisations(names, text, set(), lambda n: None, "rule:junk")
        assert [m.text for m in kept] == [name]


def test_acronyms_of_everyday_terms_are_not_organisations():
    for term in ["VPN", "CE2", "B.E.P.C", "HIV", "COVID-19", "IBAN", "TVA", "STEM", "ONG"]:
        assert junk_reason(term) == "term", term
    # a common phrase built on a term's acronym is a topic
    assert junk_reason("HIV Testing Days") == "topic"
    assert junk_reason("Formation TIC") == "topic"
    # organisations' acronyms are not terms
    for name in ["UNICEF", "OMS", "AMREF", "MSF"]:
        assert junk_reason(name) is None, name


def test_an_everyday_term_in_a_sentence_is_dropped():
    for text, term in [
        ("Les élèves du CM1 et du CM2 ont reçu des livres neufs cette année scolaire.", "CM1"),
        (
            "Patients on ART receive their medicines at the clinic every month, said the nurse.",
            "ART",
        ),
    ]:
        names = _org_mentions(text, term)
        assert drop_junk_organisations(names, text, set(), lambda n: None, "r") == []


def test_a_spaced_dash_ends_a_name():
    text = (
        "Partenaires : Lycée Jean Moulin de Bamako - Projet Jardins\n"
        "Press: Kigali Daily Courier – Rwanda – Article on the camp.\n"
    )
    names = _org_mentions(
        text,
        "Lycée Jean Moulin de Bamako - Projet Jardins",
        "Kigali Daily Courier – Rwanda – Article",
    )
    kept = drop_junk_organisations(names, text, set(), lambda n: None, "r")
    assert [m.text for m in kept] == ["Lycée Jean Moulin de Bamako", "Kigali Daily Courier"]
    # a hyphen inside a word is no spaced dash
    assert junk_reason("Croix-Rouge de Goma") is None


def test_people_and_places_share_one_first_names_list():
    from pipeline.rules import lexicon

    # given names of many countries: Tibetan, Wolof
    for first in ["Tenzin", "Sonam", "Fatou"]:
        assert is_first_name(first) and lexicon.is_first_name(first), first
    assert junk_reason("Tenzin Norbuling") == "person"
    assert junk_reason("Fatou Ndiayelle") == "person"
    # a town some parent once gave as a name is no given name
    assert not is_first_name("Dakar")


def test_a_name_followed_by_a_post_is_a_person():
    text = (
        "Mot de la Présidente\n"
        "Ousmane Ag Kiyou — Directeur des Programmes\n"
        "Notre équipe\n\nNgozi Chukwuebuka\nHead of Finance\n"
        "Kalao Santé — Bamako\n"
    )
    names = _org_mentions(text, "Ousmane Ag Kiyou", "Ngozi Chukwuebuka", "Kalao Santé")
    kept = drop_junk_organisations(names, text, set(), lambda n: None, "r")
    assert [m.text for m in kept] == ["Kalao Santé"]


def test_events_diplomas_and_documents_are_not_organisations():
    # the head noun decides: first in French, last or before "of" in English
    for thing in [
        "Foire aux Associations",
        "Diplôme d'Études Universitaires",
        "Rapport d'Activité",
        "Nairobi Schools Debating Tournament",
        "Kenya Certificate Examination",
        "Theory of Change",
    ]:
        assert junk_reason(thing) == "thing", thing
    # an organisation noun at the head wins
    for name in ["Association du Festival de Kaolack", "Festival Foundation", "Ministry of Health"]:
        assert junk_reason(name) is None, name


def test_a_head_noun_inside_an_event_is_no_evidence():
    from pipeline.rules.org_names import organisation_evidence

    text = "Pupils sat the Kenya Secondary School Examination. Le Club Jeunesse joue."
    names = _org_mentions(text, "Kenya Secondary School Examination", "Club Jeunesse")
    assert organisation_evidence([], names, text) == {"club jeunesse"}


def test_a_second_given_name_is_part_of_a_person_s_name():
    assert junk_reason("Hans Peter Gürtnerberg") == "person"
    assert junk_reason("Marie Claire Kabongolo") == "person"
    # a name of common words with no given name first is no person
    assert junk_reason("Kalao Santé") is None


def test_bridges_roads_and_rivers_are_places_not_organisations():
    for place in ["Kigali Peace Bridge", "Pont des Martyrs", "Avenue de la Paix", "Lake Kivu Road"]:
        assert junk_reason(place) == "facility", place
    # French order: the head comes first, a river at the end is the complement
    assert junk_reason("Médecins du Fleuve") != "facility"
    assert junk_reason("Bridge Foundation") is None
    text = "Trucks cross the Kigali Peace Bridge every day."
    names = _org_mentions(text, "Kigali Peace Bridge")
    assert [m.label for m in drop_junk_organisations(names, text, set(), lambda n: None, "r")] == [
        "LOC"
    ]
