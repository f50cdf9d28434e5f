"""Organisation rules: acronym definitions, junk, cue words, label consistency."""

from pipeline.rules.organisations import (
    canonical_name,
    find_acronym_definitions,
    fold,
    has_org_cue,
    is_junk,
    match_long_form,
)


def _pairs(text):
    return [(d.short, d.long) for d in find_acronym_definitions(text)]


def test_long_form_then_acronym_in_brackets():
    text = "Le projet est porté par l'Union Nationale des Éleveurs Transhumants (UNET) depuis peu."
    assert _pairs(text) == [("UNET", "Union Nationale des Éleveurs Transhumants")]
    d = find_acronym_definitions(text)[0]
    assert text[d.long_start : d.long_end] == d.long
    assert text[d.short_start : d.short_end] == "UNET"


def test_acronym_then_long_form():
    assert _pairs("Members of the WRC (Water Research Council) met in June.") == [
        ("WRC", "Water Research Council")
    ]
    assert _pairs("- ADEL : Association pour le Développement Local\n") == [
        ("ADEL", "Association pour le Développement Local")
    ]


def test_head_noun_skipped_by_the_acronym_is_part_of_the_name():
    text = "avec la Société Nationale des Chemins de Fer (SNCF) et d'autres."
    assert _pairs(text) == [("SNCF", "Société Nationale des Chemins de Fer")]


def test_dotted_acronym():
    assert _pairs("the Friends of Rural Schools (F.R.S.) network") == [
        ("F.R.S.", "Friends of Rural Schools")
    ]


def test_lower_case_phrases_and_non_matching_letters_are_not_definitions():
    assert _pairs("Cela concerne les organisations de base communautaire (OBC) du pays.") == []
    assert _pairs("Le budget total (USD) a augmenté.") == []
    assert match_long_form("XYZ", "Banque Mondiale") is None


def test_fold_matches_the_reference_scorer():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "eval"))
    from score import norm_name

    for name in [
        "L’Office National",
        "The Red Cross",
        "Université d'Ottawa",
        "l'asbl Sida Sol",
        "Les Amis",
    ]:
        assert fold(name) == norm_name(name)
    assert fold("The Red Cross") == "red cross"


def test_junk():
    assert is_junk("Commentaires")
    assert is_junk("l'")
    assert is_junk("qu")
    assert is_junk("les partenaires")  # no capital: not a name
    assert not is_junk("Caritas")
    assert not is_junk("Médecins du Monde")


def test_org_cue_words_in_both_languages():
    assert has_org_cue("Fondation pour l'Enfance")
    assert has_org_cue("Lutheran Relief Foundation")
    assert has_org_cue("Ministère de la Santé")
    assert has_org_cue("la Ville de Namur")  # the municipality, capitalised
    assert not has_org_cue("ville de Namur")
    assert not has_org_cue("Namur")


def test_canonical_name_prefers_the_long_form_without_article():
    assert (
        canonical_name(["UNET", "l'Union Nationale des Éleveurs", "UNET"])
        == "Union Nationale des Éleveurs"
    )
    assert canonical_name(["Caritas", "Caritas"]) == "Caritas"
