"""Organisation names from head nouns, labels and name-and-address lines, on sentences of our own."""

from pipeline.mentions import Mention
from pipeline.rules.org_names import (
    find_head_names,
    find_label_values,
    find_name_url_lines,
    find_names,
    tokens,
)
from pipeline.rules.organisations import find_acronym_definitions, has_org_cue


def _texts(text, spans):
    return [text[s:e] for s, e, *_ in spans]


def test_tokens_carry_class_letters():
    text = "l'Association des Femmes de Kolwezi (AFK)"
    assert "".join(t.cls for t in tokens(text)) == "JHJCJCxAx"


def test_head_first_names_in_french():
    text = "Nous remercions l'Association des Femmes de Kolwezi et la Fondation Roi Baudouin."
    assert _texts(text, find_head_names(text)) == [
        "Association des Femmes de Kolwezi",
        "Fondation Roi Baudouin",
    ]


def test_head_last_names_in_english():
    text = "Thanks to the Kasese District Local Government and the Save the Children Fund."
    assert _texts(text, find_head_names(text)) == [
        "Kasese District Local Government",
        "Save the Children Fund",
    ]
    # a head after "of the" alone is a heading, not a name
    assert find_head_names("Annual Report of the Foundation") == []


def test_upper_case_names_and_coordinations():
    text = "MUTUELLE DES PÊCHEURS ET DES AGRICULTEURS DU LAC\nwith Bright Futures Trust and UPMB"
    assert _texts(text, find_head_names(text)) == [
        "MUTUELLE DES PÊCHEURS ET DES AGRICULTEURS DU LAC",
        "Bright Futures Trust",
    ]
    text = "le Conseil Régional d'Occitanie et la Caisse Centrale de Kindu"
    assert _texts(text, find_head_names(text)) == [
        "Conseil Régional d'Occitanie",
        "Caisse Centrale de Kindu",
    ]


def test_a_name_runs_on_across_a_line_break_at_a_joining_word():
    text = "grâce au Fonds des Nations Unies\npour l'Enfance et à d'autres."
    assert _texts(text, find_head_names(text)) == ["Fonds des Nations Unies\npour l'Enfance"]
    text = "funded by the Lake Victoria Basin Fund for\nRural Schools this year"
    assert _texts(text, find_head_names(text)) == ["Lake Victoria Basin Fund for\nRural Schools"]


def test_a_possessive_is_not_part_of_the_name():
    text = "the Green Hills Foundation’s volunteers"
    assert _texts(text, find_head_names(text)) == ["Green Hills Foundation"]


def test_form_labels_and_glued_labels():
    text = (
        "Partenaire : Caritas Développement (Bukavu)\n"
        "Bailleur de fonds: Union Européenne\n"
        "Implementing Partner: Mountain Schools Society, Gilgit\n"
        "FunderHighland Relief Fund\n"
        "Partner | Oxfam\n"
    )
    assert _texts(text, find_label_values(text)) == [
        "Caritas Développement",
        "Union Européenne",
        "Mountain Schools Society",
        "Highland Relief Fund",
    ]
    assert find_label_values("Date : 12 mars 2021\nStructure : 25/03") == []


def test_lines_that_give_a_name_and_its_web_site():
    text = (
        "Centre Culturel Kwetu : www.kwetu.example\n"
        "Réseau des Jardins Partagés – https://jardins.example/fr/\n"
        "Consult the report of the working group for all details: https://x.example/r\n"
    )
    assert _texts(text, find_name_url_lines(text)) == [
        "Centre Culturel Kwetu",
        "Réseau des Jardins Partagés",
    ]


def test_find_names_leaves_covered_names_to_the_model_and_drops_junk_and_places():
    text = "Partner: Nairobi\nPartenaire : Voir plus\nwith the Lake Kivu Basin Authority here"
    start = text.index("the Lake")
    found = find_names(text, [], lambda n: n == "Nairobi")
    assert [(text[s:e], k) for s, e, k in found] == [("Lake Kivu Basin Authority", "head")]
    assert find_names(text, [(start, start + 29)], lambda n: n == "Nairobi") == []
    # a generic body of common words is no name: "Conseil d'Administration"
    assert find_names("Le Conseil d'Administration a voté.", [], lambda n: False) == []


def test_acronyms_of_sentence_case_names_and_open_brackets():
    text = "L’association des parents d’élèves du lycée (APEL) organise la fête."
    assert [(d.short, d.long) for d in find_acronym_definitions(text)] == [
        ("APEL", "L’association des parents d’élèves du lycée")
    ]
    text = "GREEN VALLEY WATER TRUST (GVWT\nAnnual report"
    assert [(d.short, d.long) for d in find_acronym_definitions(text)] == [
        ("GVWT", "GREEN VALLEY WATER TRUST")
    ]
    # a term in lower case is still no definition
    assert find_acronym_definitions("les organisations de base communautaire (OBC)") == []


def _m(text, name, label):
    start = text.index(name)
    return Mention("d", 0, start, start + len(name), name, label, "fr", "m")


def test_a_name_is_one_organisation_everywhere_in_its_document():
    from pipeline.rules.org_names import organisation_evidence

    text = "Terrafix ASBL recrute. Terrafix forme des jeunes à Liège."
    names = [_m(text, "Terrafix ASBL", "ORG"), _m(text, "Terrafix forme", "PER")]
    assert "terrafix" in organisation_evidence([], names, text)
    en = "Send a cheque to Amani Wells (see https://www.amaniwells.example/donate)."
    assert "amani wells" in organisation_evidence([], [_m(en, "Amani Wells", "LOC")], en)
    # a platform's address says nothing about the names on the page
    fb = "Follow Facebook: https://facebook.com/somepage"
    assert "facebook" not in organisation_evidence([], [_m(fb, "Facebook", "ORG")], fb)
    # what a rule found is evidence too, with its legal form off
    assert "kivu relief" in organisation_evidence(["Kivu Relief Ltd"], [], "")


def test_web_addresses_are_not_lower_case_words():
    from pipeline.resolve import lower_case_words

    assert "amaniwells" not in lower_case_words(
        "visit www.amaniwells.example or mail info@amaniwells.example"
    )
    assert "visit" in lower_case_words("visit www.amaniwells.example")


def test_possessives_and_places_are_cut_off_organisation_mentions():
    from pipeline.rules.org_junk import drop_junk_organisations

    text = "Le siège du Secours Mutuel à Lyon. The Amani Trust’s volunteers came."
    names = [_m(text, "Secours Mutuel à Lyon", "ORG"), _m(text, "Amani Trust’s", "ORG")]
    kept = drop_junk_organisations(names, text, set(), {"Lyon": "city"}.get, "r")
    assert [m.text for m in kept] == ["Secours Mutuel", "Amani Trust"]
    assert [text[m.start : m.end] for m in kept] == ["Secours Mutuel", "Amani Trust"]


def test_legal_forms_of_other_languages_make_a_name_in_any_case():
    # a German e.V. and a Dutch stichting on French and English pages
    fr = "Nos partenaires :\nKinderhilfe Nord e.V.\nStichting Groene Akker\n"
    assert _texts(fr, find_head_names(fr)) == ["Kinderhilfe Nord e.V.", "Stichting Groene Akker"]
    en = "The clinic was funded by Freunde der Bergdörfer e.V. in 2019."
    assert _texts(en, find_head_names(en)) == ["Freunde der Bergdörfer e.V."]
    assert has_org_cue("Kinderhilfe Nord e.V.") and has_org_cue("Stichting Groene Akker")
    assert not has_org_cue("Kinderhilfe Nord")


def test_years_and_people_nouns_are_cut_off_organisation_mentions():
    from pipeline.rules.org_junk import drop_junk_organisations

    text = "La Chorale Kora Jazz 2019 a réuni les Bénévoles. Five Amani Corps Volunteers came."
    names = [_m(text, "Chorale Kora Jazz 2019", "ORG"), _m(text, "Amani Corps Volunteers", "ORG")]
    kept = drop_junk_organisations(names, text, set(), lambda n: None, "r")
    assert [m.text for m in kept] == ["Chorale Kora Jazz", "Amani Corps"]
    text = "Nos bénévoles rejoignent Amis de Kindu Membres."
    kept = drop_junk_organisations(
        [_m(text, "Amis de Kindu Membres", "ORG")], text, set(), lambda n: None, "r"
    )
    assert [m.text for m in kept] == ["Amis de Kindu"]


def test_institutions_named_after_a_person_with_a_lower_case_noun():
    from pipeline.rules.org_names import find_named_after

    text = (
        "Les élèves du lycée Victor Hugo de Dakar et de l'école primaire Marie Curie "
        "ont visité la fondation Léopold Sédar Senghor, puis le lycée technique Saint Joseph. "
        "L'école de Goudrin, le centre du village Kivu et le collège Kaolack aussi."
    )
    places = {"Kaolack"}
    assert [text[s:e] for s, e in find_named_after(text, places.__contains__)] == [
        "lycée Victor Hugo",
        "école primaire Marie Curie",
        "fondation Léopold Sédar Senghor",
        "lycée technique Saint Joseph",
    ]
    # in English the noun comes after the name: "Victor Hugo School" is the head-noun rule's
    en = "The pupils of the school Victor visited went home."
    assert find_named_after(en, places.__contains__) == []


def test_a_place_tail_stays_when_the_page_acronym_spells_it():
    from pipeline.rules.org_junk import drop_junk_organisations

    text = "ACDK\nL'Association Culturelle pour le Développement au Kivu (siège à Goma).\n"
    names = [_m(text, "Association Culturelle pour le Développement au Kivu", "ORG")]
    kept = drop_junk_organisations(names, text, set(), {"Kivu": "region"}.get, "r")
    assert [m.text for m in kept] == ["Association Culturelle pour le Développement au Kivu"]
    text = "The Friends of Education Trust in Kenya runs two schools."
    names = [_m(text, "Friends of Education Trust in Kenya", "ORG")]
    kept = drop_junk_organisations(names, text, set(), {"Kenya": "country"}.get, "r")
    assert [m.text for m in kept] == ["Friends of Education Trust"]
    text = "FETK\nThe Friends of Education Trust in Kenya runs two schools."
    names = [_m(text, "Friends of Education Trust in Kenya", "ORG")]
    kept = drop_junk_organisations(names, text, set(), {"Kenya": "country"}.get, "r")
    assert [m.text for m in kept] == ["Friends of Education Trust in Kenya"]


def test_a_capitalised_administrative_noun_names_the_institution():
    from pipeline.rules.org_names import find_institution_names

    fr = "Avec le soutien de la VILLE DE NANTES et de la Commune d’Ixelles ; la ville de Lyon est belle."
    assert _texts(fr, find_institution_names(fr)) == ["VILLE DE NANTES", "Commune d’Ixelles"]
    en = "A grant from the Municipality of Gulu; the municipality of Lira is small."
    assert _texts(en, find_institution_names(en)) == ["Municipality of Gulu"]
    assert "Commune d’Ixelles" in _texts(fr, find_names(fr, [], lambda n: False))


def test_a_verb_after_a_clitic_pronoun_is_cut_off_organisation_mentions():
    from pipeline.rules.org_junk import drop_junk_organisations

    text = "La Fondation Kalao nous a aidés. Le Réseau Tilé s'est engagé. Amani Trust helped us."
    names = [
        _m(text, "Fondation Kalao nous a aidés", "ORG"),
        _m(text, "Réseau Tilé s'est engagé", "ORG"),
        _m(text, "Amani Trust", "ORG"),
    ]
    kept = drop_junk_organisations(names, text, set(), lambda n: None, "r")
    assert [m.text for m in kept] == ["Fondation Kalao", "Réseau Tilé", "Amani Trust"]


def test_libraries_and_a_capitalised_joining_word_after_one():
    fr = "La Bibliothèque de San Pedro del Norte nous a aidés."
    assert "Bibliothèque de San Pedro del Norte" in _texts(
        fr, [(s, e) for s, e, _ in find_names(fr, [], lambda n: False)]
    )
    en = "We thank the Public Library of Puerto del Rosario for the books."
    assert "Public Library of Puerto del Rosario" in _texts(
        en, [(s, e) for s, e, _ in find_names(en, [], lambda n: False)]
    )


def test_troupes_choirs_and_companies_named_after_their_noun():
    from pipeline.rules.organisations import find_apposition_names

    fr = "Cette année la troupe Les Baladins du Lac a joué, avec la chorale Voix Libres."
    assert _texts(fr, find_apposition_names(fr)) == ["Les Baladins du Lac", "Voix Libres"]
    en = "The choir Hope Singers and the orchestra Kivu Strings played."
    assert _texts(en, find_apposition_names(en)) == ["Hope Singers", "Kivu Strings"]
