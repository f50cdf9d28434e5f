"""The place signals (pipeline.rules.places) on sentences written for these tests, in
French and English: which spans end up as places, whatever the model said."""

from __future__ import annotations

import pytest

from pipeline.mentions import Mention
from pipeline.rules import lexicon
from pipeline.rules.gazetteer import lookup
from pipeline.rules.places import (
    context_of,
    inside_organisation,
    reconcile,
    split_run_together,
)
from pipeline.text import fold_word


def _mention(text: str, surface: str, label: str, language: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention("d", 0, start, start + len(surface), surface, label, language, "spacy:test")


def _places(text: str, tagged: list[tuple[str, str]], language: str) -> list[str]:
    """The LOC spans after reconcile, given the model's (surface, label) mentions."""
    names = [_mention(text, surface, label, language) for surface, label in tagged]

    def new(start: int, end: int, rule: str) -> Mention:
        return Mention("d", 0, start, end, text[start:end], "LOC", language, rule)

    out = reconcile(text, names, language, new)
    return [m.text for m in out if m.label == "LOC"]


# ------------------------------------------------------------------ run-together spans


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Namur (Wallonie)\tGoma, RDC", ["Namur (Wallonie)", "Goma, RDC"]),
        ("Dinant | Huy | Ciney", ["Dinant", "Huy", "Ciney"]),
        ("Thiès • Kaolack", ["Thiès", "Kaolack"]),
        ("Lyon\nGrenoble", ["Lyon", "Grenoble"]),
        ("Saint-Jean-de-Luz", ["Saint-Jean-de-Luz"]),
        ("Kindu – Kasongo", ["Kindu", "Kasongo"]),
        ("Rennes - Projet de jumelage", ["Rennes", "Projet de jumelage"]),
        ("Sud – Kivu", ["Sud – Kivu"]),
        ("Bobo-Dioulasso", ["Bobo-Dioulasso"]),
    ],
)
def test_spans_are_cut_at_cells_bullets_line_breaks_and_spaced_dashes(
    text: str, parts: list[str]
) -> None:
    assert [text[s:e] for s, e in split_run_together(text, 0, len(text))] == parts


def test_a_model_span_across_table_cells_gives_one_place_per_cell() -> None:
    text = "Nos bureaux :\nLiège\tKinshasa\tGoma"
    assert _places(text, [("Liège\tKinshasa\tGoma", "LOC")], "fr") == ["Liège", "Kinshasa", "Goma"]
    text = "Offices: Leeds | Nairobi | Arusha"
    assert _places(text, [("Leeds | Nairobi | Arusha", "LOC")], "en") == [
        "Leeds",
        "Nairobi",
        "Arusha",
    ]


# ------------------------------------------------------------- known places, any label


def test_a_country_the_model_calls_a_person_or_an_organisation_is_a_place() -> None:
    text = "Les bénévoles sont rentrés du Burkina Faso. Le Burkina Faso manque de médecins."
    names = [("Burkina Faso", "PER")]
    assert _places(text, names, "fr") == ["Burkina Faso", "Burkina Faso"]
    text = "Our nurses came back from Malawi last week."
    assert _places(text, [("Malawi", "ORG")], "en") == ["Malawi"]


def test_known_places_the_model_missed_are_found_in_the_text() -> None:
    assert _places("Nous travaillons au Niger et au Tchad depuis 2010.", [], "fr") == [
        "Niger",
        "Tchad",
    ]
    assert _places("The programme runs in Zambia and Mozambique.", [], "en") == [
        "Zambia",
        "Mozambique",
    ]


def test_a_compass_word_and_a_country_name_one_region() -> None:
    assert _places("Les pluies ont frappé le Nord Cameroun.", [], "fr") == ["Nord Cameroun"]
    assert _places("Violence goes on in Eastern Congo.", [], "en") == ["Eastern Congo"]


# ------------------------------------------------------------ organisation names


@pytest.mark.parametrize(
    ("text", "org", "language"),
    [
        ("Elle enseigne à l'Université de Liège.", "Université de Liège", "fr"),
        ("Un don du Secours populaire de Belgique.", "Secours populaire de Belgique", "fr"),
        ("She studied at the University of Nairobi.", "University of Nairobi", "en"),
    ],
)
def test_a_place_inside_an_organisation_name_is_not_a_place(
    text: str, org: str, language: str
) -> None:
    place = org.split()[-1]
    # tagged as a place inside an untagged organisation name
    assert _places(text, [(place, "LOC")], language) == []
    # or not tagged at all: the text scan does not add it either
    assert _places(text, [], language) == []
    # or inside a tagged organisation
    assert _places(text, [(org, "ORG")], language) == []


def test_an_organisation_noun_in_lower_case_before_the_name_makes_it_an_organisation() -> None:
    text = "Les élèves de l'école Saint Joseph ont couru."
    start = text.index("Saint")
    assert inside_organisation(text, start, start + len("Saint Joseph"), [])
    text = "Pupils of the Kasese District Local Government school"
    start = text.index("Kasese")
    assert inside_organisation(text, start, start + len("Kasese"), [])  # "... Government"
    text = "Pupils of Kasese went back to school"
    assert not inside_organisation(text, start - 4, start - 4 + len("Kasese"), [])


# ----------------------------------------------------- model places that need context


def test_an_unknown_model_place_without_context_is_dropped() -> None:
    assert _places("Teranga Lab organise un atelier.", [("Teranga Lab", "LOC")], "fr") == []
    assert _places("Then Brightwave Hub opened.", [("Brightwave Hub", "LOC")], "en") == []


@pytest.mark.parametrize(
    ("text", "name", "language"),
    [
        ("Le puits a été creusé à Kabwelu l'an dernier.", "Kabwelu", "fr"),
        ("Les familles de Kabwelu ont reçu des semences.", "Kabwelu", "fr"),
        ("The well was dug near Kabwelu last year.", "Kabwelu", "en"),
        ("Families from Kabwelu received seeds.", "Kabwelu", "en"),
    ],
)
def test_an_unknown_model_place_with_a_preposition_of_place_stays(
    text: str, name: str, language: str
) -> None:
    assert _places(text, [(name, "LOC")], language) == [name]


@pytest.mark.parametrize(
    ("text", "name", "label", "language"),
    [
        ("Une case de santé au village de Kabwelu 2.", "Kabwelu 2", "MISC", "fr"),
        ("La commune de Mutanda compte trois écoles.", "Mutanda", "PER", "fr"),
        ("The clinic serves Mutanda District.", "Mutanda", "PER", "en"),
        ("a health post in the village of Kabwelu", "Kabwelu", "ORG", "en"),
    ],
)
def test_a_kind_of_place_noun_makes_a_place_of_any_name(
    text: str, name: str, label: str, language: str
) -> None:
    assert context_of(text, text.index(name), text.index(name) + len(name)) == "designator"
    assert _places(text, [(name, label)], language) == [name]
    # untagged: found beside the noun ("Mutanda District" is named so in the table)
    (found,) = _places(text, [], language)
    assert found in (name, f"{name} District")


def test_names_enumerated_with_a_place_are_places() -> None:
    text = "Les équipes ont visité Goma, Kabwelu et Mutanda en mai."
    assert _places(text, [("Goma", "LOC")], "fr") == ["Goma", "Kabwelu", "Mutanda"]
    text = "The teams visited Kampala, Kabwelu and Mutanda in May."
    assert _places(text, [("Kampala", "LOC"), ("Kabwelu", "PER")], "en") == [
        "Kampala",
        "Kabwelu",
        "Mutanda",
    ]


def test_a_list_of_place_lines_confirms_its_items() -> None:
    text = "Nos pays\nSénégal\nMali\nKabwelu\nTogo\n"
    tagged = [("Sénégal", "LOC"), ("Mali", "LOC"), ("Kabwelu", "LOC"), ("Togo", "LOC")]
    assert _places(text, tagged, "fr") == ["Sénégal", "Mali", "Kabwelu", "Togo"]


# -------------------------------------------------------- first names, words, languages


def test_a_first_name_tagged_as_a_place_needs_a_preposition() -> None:
    assert _places("Victoria a rejoint l'équipe en mars.", [("Victoria", "LOC")], "fr") == []
    assert _places("Victoria joined the team in March.", [("Victoria", "LOC")], "en") == []
    assert _places("Nous avons ouvert un bureau à Victoria.", [("Victoria", "LOC")], "fr") == [
        "Victoria"
    ]
    assert _places("We opened an office in Victoria.", [("Victoria", "LOC")], "en") == ["Victoria"]


def test_a_frequent_word_at_a_sentence_start_is_not_a_place() -> None:
    text = "Solidarité et partage sont nos valeurs. Ceux-ci nous guident."
    assert _places(text, [("Solidarité", "LOC"), ("Ceux", "LOC")], "fr") == []
    assert _places("Windows were broken.", [("Windows", "LOC")], "en") == []


def test_a_language_or_people_name_is_not_a_place() -> None:
    text = "Les cours sont donnés en Swahili et en Wolof."
    assert _places(text, [("Swahili", "LOC"), ("Wolof", "LOC")], "fr") == []
    assert _places("Classes are taught in Swahili.", [("Swahili", "LOC")], "en") == []


def test_small_towns_need_a_context_when_the_model_is_silent() -> None:
    assert lookup("Oyonnax") is not None  # a town of the gazetteer
    assert _places("Oyonnax a battu Brive dimanche.", [], "fr") == []
    assert _places("L'association est basée à Oyonnax.", [], "fr") == ["Oyonnax"]
    assert _places("The charity is based in Oyonnax.", [], "en") == ["Oyonnax"]


def test_a_short_name_in_capitals_is_an_acronym_not_a_town() -> None:
    assert _places("Data were collected in the AOI.", [("AOI", "ORG")], "en") == []


# ------------------------------------------------------------------------- the lists


def test_word_lists_come_from_the_data_packages() -> None:
    assert lexicon.is_first_name("Victoria") and lexicon.is_first_name("Bintou")
    assert not lexicon.is_first_name("Dakar")
    assert lexicon.is_common_word("Solidarité", "fr") and lexicon.is_common_word("Windows", "en")
    assert not lexicon.is_common_word("Kolwezi", "fr")
    assert lexicon.is_language_name("Swahili") and lexicon.is_language_name("peul")
    assert not lexicon.is_language_name("Sénégal")


# ------------------------------------------------------------------ the gazetteer tiers


@pytest.mark.parametrize(
    ("surface", "code"),
    [("Sokone", "SN"), ("Ngaparou", "SN"), ("Veyrier-du-Lac", "FR"), ("Nyons", "FR")],
)
def test_towns_below_fifteen_thousand_people_are_known(surface: str, code: str) -> None:
    place = lookup(surface)
    assert place is not None and place.kind == "city" and place.country_code == code


@pytest.mark.parametrize(
    "surface",
    [
        "Afrique de l'Ouest",
        "West Africa",
        "Moyen-Orient",
        "Sahel",
        "Afrique subsaharienne",
        "Great Lakes region",
    ],
)
def test_world_regions_in_both_languages(surface: str) -> None:
    place = lookup(surface)
    assert place is not None and place.kind == "region" and place.country_code is None


# ------------------------------------------------------------- places2: general signals


@pytest.mark.parametrize(
    ("text", "tagged", "language", "absent"),
    [
        (
            "Les Lyonnais et les Lyonnaises ont voté à Villeurbanne.",
            [("Lyonnais", "LOC"), ("Lyonnaises", "LOC"), ("Villeurbanne", "LOC")],
            "fr",
            ["Lyonnais", "Lyonnaises"],
        ),
        (
            "Une convention avec l'État Sénégalais a été signée à Thiès.",
            [("État Sénégalais", "LOC"), ("Thiès", "LOC")],
            "fr",
            ["État Sénégalais"],
        ),
        (
            "A camp for Kenyan girls was held in Nakuru.",
            [("Kenyan", "LOC"), ("Nakuru", "LOC")],
            "en",
            ["Kenyan"],
        ),
        (
            "Togolese and Ghanaian volunteers met in Lomé.",
            [("Togolese", "LOC"), ("Ghanaian", "LOC"), ("Lomé", "LOC")],
            "en",
            ["Togolese", "Ghanaian"],
        ),
    ],
)
def test_a_people_named_after_a_place_is_not_a_place(
    text: str, tagged: list[tuple[str, str]], language: str, absent: list[str]
) -> None:
    found = _places(text, tagged, language)
    assert not set(absent) & set(found)
    assert tagged[-1][0] in found


def test_demonyms_come_from_the_gazetteer_names() -> None:
    from pipeline.rules.gazetteer import demonym_place

    assert demonym_place("Rwandais").name == "Rwanda"
    assert demonym_place("Congolese").country_code == "CD"
    assert demonym_place("Parisiennes").name == "Paris"
    # a place's own name is never a demonym, and an unknown stem gives nothing
    assert demonym_place("Berlin") is None
    assert demonym_place("Jordan") is None
    assert demonym_place("Kabarole") is None


@pytest.mark.parametrize(
    ("text", "tagged", "language", "absent", "present"),
    [
        (
            "Écrire à B.P. 1234, Ouagadougou.",
            [("B.P. 1234", "LOC"), ("Ouagadougou", "LOC")],
            "fr",
            "B.P. 1234",
            "Ouagadougou",
        ),
        (
            "Post: P.O. Box 4521, Kampala, Uganda.",
            [("P.O. Box 4521", "LOC"), ("Kampala", "LOC")],
            "en",
            "P.O. Box 4521",
            "Kampala",
        ),
        (
            "Entre Mars 2019 et Juin, au Niger.",
            [("Mars 2019", "LOC"), ("Niger", "LOC")],
            "fr",
            "Mars 2019",
            "Niger",
        ),
    ],
)
def test_postal_boxes_and_years_are_not_places(
    text: str, tagged: list[tuple[str, str]], language: str, absent: str, present: str
) -> None:
    found = _places(text, tagged, language)
    assert absent not in found and present in found


def test_a_dash_cuts_a_title_from_a_place_and_joins_two_known_places() -> None:
    text = "Rennes - Atelier de couture\nLes équipes de Kindu – Kasongo sont arrivées."
    found = _places(text, [("Rennes - Atelier de couture", "LOC"), ("Kindu", "LOC")], "fr")
    assert "Rennes" in found and "Kasongo" in found
    assert not [f for f in found if "Atelier" in f]
    text = "Our teams in Goma – Monday and Tuesday."
    assert _places(text, [("Goma", "LOC")], "en") == ["Goma"]


@pytest.mark.parametrize(
    ("text", "tagged", "language", "absent", "present"),
    [
        ("Accueil\nA Propos\nContact", [("Propos", "LOC")], "fr", "Propos", None),
        (
            "Appel à Dons\nNous travaillons sur le Burkina.",
            [("Dons", "LOC"), ("Burkina", "LOC")],
            "fr",
            "Dons",
            "Burkina",
        ),
        (
            "Home\nAt Home With Us\nWe work in Zomba.",
            [("Home With Us", "LOC"), ("Zomba", "LOC")],
            "en",
            "Home With Us",
            "Zomba",
        ),
    ],
)
def test_a_frequent_word_after_a_preposition_in_a_title_is_not_a_place(
    text: str, tagged: list[tuple[str, str]], language: str, absent: str, present: str | None
) -> None:
    found = _places(text, tagged, language)
    assert absent not in found
    assert present is None or present in found


@pytest.mark.parametrize(
    ("text", "tagged", "language", "absent"),
    [
        ("Programme\nCamp Sky aide les filles.", [("Camp Sky", "LOC")], "en", "Camp Sky"),
        (
            "Quartier Projet Montant Votes\nMosson 20",
            [("Quartier Projet Montant Votes", "LOC")],
            "fr",
            "Quartier Projet Montant Votes",
        ),
    ],
)
def test_a_place_noun_before_a_frequent_word_is_a_title(
    text: str, tagged: list[tuple[str, str]], language: str, absent: str
) -> None:
    assert absent not in _places(text, tagged, language)


def test_a_place_noun_before_a_name_still_makes_a_place() -> None:
    text = "Le camp Kakuma accueille des familles."
    assert "camp Kakuma" in _places(text, [("camp Kakuma", "LOC")], "fr")


def test_a_compass_word_wrapped_before_a_country_makes_one_region() -> None:
    text = "Our second warehouse opened near Larissa in Central\nGreece last spring."
    found = _places(text, [("Central", "LOC"), ("Greece", "LOC")], "en")
    assert found == ["Larissa", "Central\nGreece"]
    text = "L'entrepôt est dans le Nord\nCameroun depuis mai."
    assert _places(text, [("Cameroun", "LOC")], "fr") == ["Nord\nCameroun"]


def test_a_compass_word_alone_is_not_a_place() -> None:
    text = "The Western region of Kenya had floods."
    assert _places(text, [("Western", "MISC"), ("Kenya", "LOC")], "en") == ["Kenya"]


@pytest.mark.parametrize(
    ("text", "tagged", "language", "expected"),
    [
        (
            "Partenaire : Les Amis du Puits\nLieu : Kongoussi (depuis 2019), Tikaré",
            [("Tikaré", "PER")],
            "fr",
            ["Kongoussi", "Tikaré"],
        ),
        (
            "Partner: Open Hands\nLocations: Mytilene (since May 2018), Ioannina",
            [("Ioannina", "PER")],
            "en",
            ["Mytilene", "Ioannina"],
        ),
    ],
)
def test_a_location_field_names_places(
    text: str, tagged: list[tuple[str, str]], language: str, expected: list[str]
) -> None:
    assert _places(text, tagged, language) == expected


def test_a_ward_is_a_kind_of_place() -> None:
    text = "The clinic at Kamwokya Ward in Kampala opened."
    assert "Kamwokya Ward" in _places(text, [("Kamwokya Ward", "MISC")], "en")
    text = "Le dispensaire du ward Kisenyi est ouvert."
    assert "Kisenyi" in _places(text, [], "fr")


def test_a_person_enumerated_with_a_designated_place_is_a_place() -> None:
    text = "Training took place in two sub-counties (Kyamuhunga and Kitagata) this year."
    assert _places(text, [("Kitagata", "PER")], "en") == ["Kyamuhunga", "Kitagata"]
    text = "Les forages des villages (Gourcy et Boussou) sont finis."
    assert _places(text, [("Boussou", "PER")], "fr") == ["Gourcy", "Boussou"]


def test_two_names_side_by_side_are_not_an_enumeration() -> None:
    text = "Le spectacle a eu lieu à Paris XIVème.\n"
    assert _places(text, [("XIVème", "MISC")], "fr") == ["Paris"]
    text = "A concert in Boston Tuesday."
    assert _places(text, [("Boston", "LOC"), ("Tuesday", "MISC")], "en") == ["Boston"]


@pytest.mark.parametrize(
    ("text", "tagged", "language"),
    [
        ("Les relevés seront faits dans la ZIP du projet.", [("ZIP", "LOC")], "fr"),
        ("Data will be collected in AOR before the rains.", [("AOR", "LOC")], "en"),
        ("Funds were sent to KCDA, Kampala.", [("Kampala", "LOC")], "en"),
    ],
)
def test_an_acronym_the_gazetteer_does_not_know_is_not_a_place(
    text: str, tagged: list[tuple[str, str]], language: str
) -> None:
    found = _places(text, tagged, language)
    assert not [f for f in found if f.isupper()]


def test_a_union_of_states_is_not_a_region() -> None:
    assert lookup("European Union") is None
    assert lookup("EU") is None
    text = "The school was funded by the European Union (EU) in Malawi."
    assert _places(text, [("EU", "ORG"), ("Malawi", "LOC")], "en") == ["Malawi"]


def test_a_heading_line_does_not_give_its_context_to_the_next_line() -> None:
    text = "Toutes les régions\nLire la suite\n"
    assert _places(text, [], "fr") == []
    text = "Our districts\nRead more about Kasese.\n"
    assert _places(text, [("Kasese", "LOC")], "en") == ["Kasese"]
    # a sentence wrapped at a line end keeps its context
    text = "La pirogue a été remise au village\nde Mbam hier.\n"
    assert _places(text, [], "fr") == ["Mbam"]


def test_a_distance_is_cut_from_the_place_after_it() -> None:
    text = "Situé à une vingtaine de Km de Tahoua, le village a reçu de la pluie."
    assert _places(text, [("Km de Tahoua", "LOC")], "fr") == ["Tahoua"]
    text = "The clinic is 5 km from Gulu town."
    assert "Gulu" in _places(text, [("km from Gulu", "LOC")], "en")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The Open Roads Africa programme trains drivers.", "en"),
        ("Le réseau Jeunesse Afrique tient son forum.", "fr"),
    ],
)
def test_a_continent_ending_a_programme_name_is_not_a_place(text: str, language: str) -> None:
    assert _places(text, [], language) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We work across Sub-Saharan Africa.", ["Sub-Saharan Africa"]),
        ("Nous travaillons en Afrique.", ["Afrique"]),
        ("Projects in West Africa and Asia.", ["West Africa", "Asia"]),
    ],
)
def test_a_continent_after_a_compass_word_or_a_preposition_stays(
    text: str, expected: list[str]
) -> None:
    assert _places(text, [], "en") == expected


def test_a_country_named_like_a_common_word_opening_a_line_is_that_word() -> None:
    text = "Programme\n• Réunion avec les maires\n• Visite à La Réunion en mai"
    assert _places(text, [("Réunion", "LOC")], "fr") == ["La Réunion"]
    text = "Agenda:\nTurkey dinner with the donors.\nWe also work in Turkey."
    assert _places(text, [("Turkey", "LOC")], "en") == ["Turkey"]


def test_an_organisation_named_without_its_noun_is_not_a_place() -> None:
    text = "Tsekela Academy opened in 2015. Tsekela now teaches 300 pupils in Mbale."
    tagged = [("Tsekela Academy", "ORG"), ("Tsekela", "LOC"), ("Mbale", "LOC")]
    assert _places(text, tagged, "en") == ["Mbale"]
    text = "Le Collège Kassoum a ouvert. Les élèves de Kassoum habitent à Dori."
    tagged = [("Collège Kassoum", "ORG"), ("Kassoum", "LOC"), ("Dori", "LOC")]
    assert _places(text, tagged, "fr") == ["Dori"]


def test_a_lower_case_compass_part_belongs_to_the_region() -> None:
    text = "Une ONG active dans une grande partie de l'Afrique de l'ouest."
    assert _places(text, [("Afrique", "LOC")], "fr") == ["Afrique de l'ouest"]
    text = "Elle travaille en Afrique centrale depuis 2001."
    assert _places(text, [], "fr") == ["Afrique centrale"]


@pytest.mark.parametrize(
    ("forms", "language"),
    [
        (["RDC", "République démocratique du Congo"], "fr"),
        (["Nord-Kivu", "North Kivu"], "en"),
        (["Tombouctou", "Timbuktu"], "fr"),
        (["village de Sikoro", "Sikoro"], "fr"),
    ],
)
def test_two_names_of_one_place_make_one_place_row_with_both(
    forms: list[str], language: str
) -> None:
    from pipeline.resolve import aliases_of, places_of

    text = " ; ".join(forms)
    names = [_mention(text, form, "LOC", language) for form in forms]
    places = places_of(names, language)
    assert len(places) == 1
    shown = {places[0]["name"], *aliases_of(places[0]["name"], places[0]["forms"])}
    folded = {fold_word(n) for n in shown}
    assert all(fold_word(f.replace("village de ", "")) in folded for f in forms)


def test_an_institution_named_by_its_capitalised_noun_is_no_place() -> None:
    # the organisation rules made "Ville de Nantes" an institution; its noun is no designator
    fr = "Nous remercions la VILLE DE NANTES et la Ville de Lyon ; la ville de Lille est loin."
    tagged = [("VILLE DE NANTES", "ORG"), ("Ville de Lyon", "ORG"), ("Lille", "LOC")]
    assert _places(fr, tagged, "fr") == ["Lille"]
    en = "A grant from the Municipality of Kampala helped the school in Jinja."
    assert _places(en, [("Municipality of Kampala", "ORG"), ("Jinja", "LOC")], "en") == ["Jinja"]
