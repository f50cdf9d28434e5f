"""Tests for pipeline.rules.dates: recognition, normalisation and yearless resolution."""

from __future__ import annotations

import datetime
import itertools
import logging
import re
from pathlib import Path

import pytest

from pipeline.config import code_version
from pipeline.rules import dates
from pipeline.rules.dates import RULES_VERSION, DateMatch, find_dates, resolve_yearless


def iso(m: DateMatch) -> str | None:
    """Same rendering as the reference scorer (eval/score.py)."""
    if m.value_start is None:
        return None
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(m.granularity, "%Y-%m-%d")
    a, b = m.value_start.strftime(fmt), m.value_end.strftime(fmt)
    return a if a == b else f"{a}/{b}"


def values(text: str, language: str) -> list[str | None]:
    return [iso(m) for m in find_dates(text, language)]


def texts(text: str, language: str) -> list[str]:
    return [m.text for m in find_dates(text, language)]


# --------------------------------------------------------------------------- single dates

SINGLE_CASES = [
    # French day dates
    (
        "fr",
        "La convention a été signée le 12 septembre 2015 à Namur.",
        "12 septembre 2015",
        "2015-09-12",
    ),
    ("fr", "Rendez-vous le 1er avril 2021 devant la mairie.", "1er avril 2021", "2021-04-01"),
    ("fr", "Assemblée générale : mardi 5 mars 2024, 18 h.", "mardi 5 mars 2024", "2024-03-05"),
    ("fr", "La lettre datée du 07/11/2016 est arrivée.", "07/11/2016", "2016-11-07"),
    ("fr", "Le registre du 30.09.2011 mentionne l'asso.", "30.09.2011", "2011-09-30"),
    ("fr", "Version publiée le 2019-12-02 sur le site.", "2019-12-02", "2019-12-02"),
    ("fr", "Le bilan du 4 févr. 2020 est positif.", "4 févr. 2020", "2020-02-04"),
    ("fr", "Un courrier du 15 aout 2009 sans accent.", "15 aout 2009", "2009-08-15"),
    # English day dates
    (
        "en",
        "The agreement was signed on 3 February 2017 in Accra.",
        "3 February 2017",
        "2017-02-03",
    ),
    ("en", "It opened on March 14, 2012 with forty guests.", "March 14, 2012", "2012-03-14"),
    ("en", "Our office closed on 20th April 2018 for good.", "20th April 2018", "2018-04-20"),
    ("en", "Signed on the 2nd of June 2010 by both parties.", "2nd of June 2010", "2010-06-02"),
    ("en", "Monday, October 5th, 2015 was the launch.", "Monday, October 5th, 2015", "2015-10-05"),
    ("en", "The form dated 11/12/2019 was lost.", "11/12/2019", "2019-12-11"),
    # Months
    ("fr", "Les travaux ont commencé en novembre 2008.", "novembre 2008", "2008-11"),
    ("fr", "Le décret de juillet 1999 reste en vigueur.", "juillet 1999", "1999-07"),
    ("en", "In September 2014, the clinic moved.", "September 2014", "2014-09"),
    ("en", "The board met in August of 2003.", "August of 2003", "2003-08"),
    ("fr", "Échéance : 09/2025 au plus tard.", "09/2025", "2025-09"),
    # Years in context
    ("fr", "L'association existe depuis 1996 dans le quartier.", "1996", "1996"),
    ("fr", "Créée en 2005, elle regroupe des bénévoles.", "2005", "2005"),
    ("fr", "L'histoire remonte à 1974, lorsque tout a commencé.", "1974", "1974"),
    ("fr", "Le chantier reprendra début 2026.", "début 2026", "2026"),
    ("fr", "Les premiers contacts datent de fin 2012.", "fin 2012", "2012"),
    ("fr", "Un bilan est prévu à la mi-2027.", "mi-2027", "2027"),
    ("fr", "La mission de printemps 2021 a été annulée.", "printemps 2021", "2021"),
    ("fr", "L'an 2000 a marqué les esprits.", "2000", "2000"),
    ("en", "The group has been active since 1979 in the valley.", "1979", "1979"),
    ("en", "In 2016 we opened a second school.", "2016", "2016"),
    ("en", "A new plan is expected by 2030.", "2030", "2030"),
    ("en", "The shelter was rebuilt in early 2011.", "early 2011", "2011"),
    ("en", "Fieldwork resumed in the summer of 2022.", "summer of 2022", "2022"),
    # Citation years
    ("fr", "Comme le montre Martin (2014), la méthode varie.", "2014", "2014"),
    ("fr", "Une synthèse récente (Leroy et Diallo, 2019) le confirme.", "2019", "2019"),
]


@pytest.mark.parametrize(("lang", "sentence", "span", "value"), SINGLE_CASES)
def test_single_dates(lang: str, sentence: str, span: str, value: str) -> None:
    found = find_dates(sentence, lang)
    assert [m.text for m in found] == [span]
    assert iso(found[0]) == value
    m = found[0]
    assert sentence[m.start : m.end] == m.text


def test_granularity_and_bounds() -> None:
    (day,) = find_dates("Le 29 février 2020 était un samedi.", "fr")
    assert (day.granularity, day.value_start, day.value_end) == (
        "day",
        datetime.date(2020, 2, 29),
        datetime.date(2020, 2, 29),
    )
    assert (day.day, day.month) == (29, 2)
    (month,) = find_dates("Depuis février 2024, rien.", "fr")
    assert month.granularity == "month"
    assert (month.value_start, month.value_end) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )
    (year,) = find_dates("Ouverte en 1987.", "fr")
    assert year.granularity == "year"
    assert (year.value_start, year.value_end) == (
        datetime.date(1987, 1, 1),
        datetime.date(1987, 12, 31),
    )


def test_rules_are_named() -> None:
    rules = {
        m.rule for m in find_dates("Le 3 mai 2019, en 2015, de 2001 à 2004, en mars 2008.", "fr")
    }
    assert rules == {
        "dates.day_month_year",
        "dates.year_in_context",
        "dates.year_range",
        "dates.month_year",
    }


def test_rules_version_is_the_hash_of_the_rule_modules_and_data() -> None:
    module = Path(dates.__file__)
    assert {module, module.parent / "data" / "dates"} <= set(dates.SOURCES)
    assert code_version(*dates.SOURCES) == RULES_VERSION
    assert re.fullmatch(r"[0-9a-f]{12}", RULES_VERSION)


def test_debug_log_names_the_rule_that_fires_or_rejects(caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="pipeline.rules.dates"):
        find_dates("Fondée en 2003, elle compte 2000 membres.", "fr")
    messages = [r.getMessage() for r in caplog.records]
    assert "dates.year_in_context fired: '2003'" in messages
    assert "dates.year_without_context rejected: '2000'" in messages


def test_english_month_needs_capital() -> None:
    assert values("They may march 12 miles in may 2013.", "en") == []
    assert values("They left in May 2013.", "en") == ["2013-05"]


def test_french_abbreviation_needs_full_stop() -> None:
    # "sept" alone is the number seven in French.
    assert values("Les sept 2014 dossiers.", "fr") == []
    assert values("Réunion le 3 sept. 2014.", "fr") == ["2014-09-03"]


def test_numeric_month_first_only_when_day_first_impossible() -> None:
    assert values("Signed 05/04/2019.", "en") == ["2019-04-05"]
    assert values("Signed 04/25/2019.", "en") == ["2019-04-25"]
    assert values("Daté du 22/06/18.", "fr") == ["2018-06-22"]


def test_typographic_characters() -> None:
    sentence = (
        "Fondée en\u00a02003, l\u2019ONG agit depuis le 2\u202fmai\u00a02004 "
        "(mai\u00a02004\u2009\u2013\u2009juin 2006)."
    )
    assert values(sentence, "fr") == ["2003", "2004-05-02", "2004-05/2006-06"]
    assert values("Jusqu\u2019en 2010, rien.", "fr") == ["2010"]


def test_line_break_inside_date() -> None:
    assert values("Le rapport du 14 mars\n2017 et la période (2003-\n2005).", "fr") == [
        "2017-03-14",
        "2003/2005",
    ]


def test_year_lists_and_headings() -> None:
    assert values("Les éditions ont eu lieu en 2017, 2018 et 2019.", "fr") == [
        "2017",
        "2018",
        "2019",
    ]
    assert values("Activities ran in 2004, 2005 and 2006.", "en") == ["2004", "2005", "2006"]
    assert values("Historique\n2009 : création du réseau\n2012 : premier projet", "fr") == [
        "2009",
        "2012",
    ]


def test_und_tries_both_languages() -> None:
    sentence = "Le 14 juin 2016 the team met; since June 2015 and en octobre 2010."
    assert values(sentence, "und") == ["2016-06-14", "2015-06", "2010-10"]


def test_a_date_in_the_other_language() -> None:
    # Pages quote documents and partners in the other language.
    assert values("The partner's letter was signed le 12 mars 2021 in Lyon.", "en") == [
        "2021-03-12"
    ]
    assert values("Le rapport anglais est daté du 3 February 2020.", "fr") == ["2020-02-03"]
    # each vocabulary keeps its spelling rules: "may" stays a verb, "sept" a number
    assert values("Les sept 2014 dossiers, they may 2013 do.", "en") == []
    # and month-first order stays English: "juin 5" is June, then a count
    assert values("En juin 5 personnes sont venues.", "fr") == []


# --------------------------------------------------------------------------- bare years

BARE_YEAR_CASES = [
    # a year after a noun that names a dated thing (report, assembly, census, edition...)
    ("fr", "Le rapport 2018 de l'association est en ligne.", "2018", "dates.year_after_noun"),
    ("fr", "Le rapport d'activité 2021 détaille nos actions.", "2021", "dates.year_after_noun"),
    ("fr", "Le bilan financier 2019 est positif.", "2019", "dates.year_after_noun"),
    ("fr", "Lors de l'assemblée générale ordinaire 2024, on a voté.", "2024", None),
    ("fr", "Pour l'année scolaire 2023, rien ne change.", "2023", "dates.year_after_noun"),
    ("fr", "L'édition 2017 du festival a attiré du monde.", "2017", "dates.year_after_noun"),
    ("fr", "Les élections 2020 ont été reportées.", "2020", "dates.year_after_noun"),
    ("en", "See the Annual Report 2018 for details.", "2018", "dates.year_after_noun"),
    ("en", "Census 2011 results are public.", "2011", "dates.year_after_noun"),
    # a label: "Year: 2021"
    ("en", "Year: 2021\nBudget: 400", "2021", "dates.year_in_context"),
    ("fr", "Année : 2019", "2019", "dates.year_in_context"),
    # English: a year between a determiner and a singular noun modifies it
    ("en", "The 2016 census counted every household.", "2016", "dates.year_before_noun"),
    ("en", "Our 2021 beneficiary list is longer.", "2021", "dates.year_before_noun"),
    ("en", "Its 2019 annual report came out late.", "2019", "dates.year_before_noun"),
    ("en", "The 2020 elections were postponed.", "2020", "dates.year_before_noun"),
    ("en", "A 2015 study found the same.", "2015", "dates.year_before_noun"),
    # copyright notices
    ("en", "Copyright © 2025 Friends of the Valley", "2025", "dates.year_copyright"),
    ("fr", "© 2019 Les Amis du Quartier", "2019", "dates.year_copyright"),
]


@pytest.mark.parametrize(("lang", "sentence", "value", "rule"), BARE_YEAR_CASES)
def test_bare_years_from_context(lang: str, sentence: str, value: str, rule: str | None) -> None:
    found = find_dates(sentence, lang)
    assert [iso(m) for m in found] == [value]
    assert found[0].text == value
    if rule:
        assert found[0].rule == rule


NOT_YEAR_CASES = [
    # counts: a plural noun follows, or the noun before is no dated thing
    ("en", "The 2000 volunteers arrived at dawn."),
    ("en", "The 2000 new members signed up."),
    ("en", "Our 2000 people came, and its 1990 children."),
    ("en", "The report lists 2019 names."),
    ("en", "The 2000 or so volunteers left."),
    ("fr", "Le rapport compte 2000 pages."),
    ("fr", "La campagne a touché 2019 familles."),
    ("fr", "Un budget de 2000 euros."),
    ("fr", "Le rapport sur 2000 familles."),
    # identifiers and programme names
    ("fr", "La salle 2018 du bâtiment B."),
    ("en", "Take route 2018 to the village."),
]


@pytest.mark.parametrize(("lang", "sentence"), NOT_YEAR_CASES)
def test_not_bare_years(lang: str, sentence: str) -> None:
    assert texts(sentence, lang) == []


def test_count_and_year_after_a_noun_in_one_sentence() -> None:
    assert texts("Ils ont vendu 2010 exemplaires du rapport 2009.", "fr") == ["2009"]


def test_years_as_table_column_headers() -> None:
    table = "Indicateur 2019 2020 2021\nÉlèves 120 135 150\nEnseignants 4 5 5"
    assert values(table, "fr") == ["2019", "2020", "2021"]
    assert {m.rule for m in find_dates(table, "fr")} == {"dates.year_columns"}
    tabbed = "Service\t2019\t2020\nPatients\t812\t907"
    assert values(tabbed, "en") == ["2019", "2020"]
    # not ordered like years, or not ending the line: counts
    assert values("Totaux 2030 2010 1990\n", "fr") == []
    assert values("We counted 2019 2020 times.", "en") == []


# --------------------------------------------------------------------------- written formats

FORMAT_CASES = [
    ("en", "Submitted on 07 /21/ 2023 by the field team.", "07 /21/ 2023", "2023-07-21"),
    ("fr", "Reçu le 15 / 03 / 2021 au siège.", "15 / 03 / 2021", "2021-03-15"),
    ("en", "Invoice dated 12-Jan-2022 was paid.", "12-Jan-2022", "2022-01-12"),
    ("en", "Log entry 03/Mar/2021 closed.", "03/Mar/2021", "2021-03-03"),
    ("fr", "Facture du 15-mars-2021 réglée.", "15-mars-2021", "2021-03-15"),
    ("en", "Last change: 2022 Mar 02", "2022 Mar 02", "2022-03-02"),
    ("fr", "Mise à jour : 2021 mars 15", "2021 mars 15", "2021-03-15"),
    ("en", "Closing balance Jan-2020 was positive.", "Jan-2020", "2020-01"),
]


@pytest.mark.parametrize(("lang", "sentence", "span", "value"), FORMAT_CASES)
def test_written_formats(lang: str, sentence: str, span: str, value: str) -> None:
    found = find_dates(sentence, lang)
    assert [(m.text, iso(m)) for m in found] == [(span, value)]


def test_year_month_day_needs_a_date_like_follower() -> None:
    assert "2019-05-05" not in values("In 2019 May 5 people came.", "en")


def test_separated_month_year_needs_a_date_like_follower() -> None:
    assert values("Fin mai - 2000 personnes ont défilé.", "fr") == []


RANGE_OF_DATES_CASES = [
    ("en", "Valid 03/Mar/2021 – 30/November/2021 only.", "2021-03-03/2021-11-30"),
    ("en", "The project ran April – 2019 to March – 2020.", "2019-04/2020-03"),
    ("fr", "Le projet court d'avril – 2019 à mars – 2020.", "2019-04/2020-03"),
    ("en", "Period: 2019-01-01 – 2019-06-30.", "2019-01-01/2019-06-30"),
    ("en", "Summer 1994 to summer 1995 I spent a year there.", "1994/1995"),
    ("fr", "De l'automne 2019 au printemps 2020, le local a fermé.", "2019/2020"),
    ("en", "From 2013 to late 2015 the school grew.", "2013/2015"),
]


@pytest.mark.parametrize(("lang", "sentence", "value"), RANGE_OF_DATES_CASES)
def test_two_dates_joined_into_a_range(lang: str, sentence: str, value: str) -> None:
    assert values(sentence, lang) == [value]


def test_dates_that_do_not_make_a_range() -> None:
    # backwards, or "and" without "between"
    assert values("Le 3 mars 2021 - le 1 mars 2021.", "fr") == ["2021-03-03", "2021-03-01"]
    assert values("In May 2019 and June 2019 we met.", "en") == ["2019-05", "2019-06"]
    # two bare years need a range cue or a modifier on the second
    assert values("En 2010 à 2012 personnes.", "fr") == ["2010"]


def test_months_listed_before_a_year_share_it() -> None:
    assert values("2 fois, en mars et novembre 2025, on a envoyé de l'argent.", "fr") == [
        "2025-03",
        "2025-11",
    ]
    assert values("Visits in May, June and July 2019.", "en") == ["2019-05", "2019-06", "2019-07"]
    assert values("Mai/Juin 2022 — deux missions.", "fr") == ["2022-05/2022-06"]
    # "entre ... et" is a range, "may" is a verb
    assert values("Entre mars et novembre 2025.", "fr") == ["2025-03/2025-11"]
    assert values("They may and will visit in June 2019.", "en") == ["2019-06"]


# --------------------------------------------------------------------------- ranges

RANGE_CASES = [
    ("fr", "Le programme couvre la période janvier 2019 – décembre 2021.", "2019-01/2021-12"),
    ("fr", "Un projet financé de mars à juin 2020 par la région.", "2020-03/2020-06"),
    ("fr", "La campagne novembre – février 2023 a bien marché.", "2022-11/2023-02"),
    ("fr", "Les données recueillies entre 2014 et 2016 sont publiques.", "2014/2016"),
    ("fr", "Elle a dirigé le centre de 1998 à 2007.", "1998/2007"),
    ("fr", "La phase pilote (2011-2013) est terminée.", "2011/2013"),
    ("fr", "Le plan 2015–2020 arrive à son terme.", "2015/2020"),
    ("fr", "L'année scolaire 2022/2023 commence.", "2022/2023"),
    ("fr", "Depuis 2005 jusqu'en 2009, le local était fermé.", "2005/2009"),
    ("fr", "La formation a lieu du 12 au 16 octobre 2020 à Dakar.", "2020-10-12/2020-10-16"),
    ("fr", "Fermeture du 24 décembre 2020 au 4 janvier 2021.", "2020-12-24/2021-01-04"),
    ("fr", "Exposition du 28 février au 2 mars 2019.", "2019-02-28/2019-03-02"),
    ("fr", "Le séminaire se tiendra entre le 3 et le 6 mai 2022.", "2022-05-03/2022-05-06"),
    ("fr", "Congés : 15/07/2021 - 15/08/2021.", "2021-07-15/2021-08-15"),
    ("en", "The survey ran from May 2016 to April 2017.", "2016-05/2017-04"),
    ("en", "Results gathered between 2008 and 2010 were shared.", "2008/2010"),
    ("en", "He chaired it from 2001 to 2006.", "2001/2006"),
    ("en", "The trial ran from 2nd May until 30th June 2019.", "2019-05-02/2019-06-30"),
    ("en", "Applications open June 3–7, 2024 only.", "2024-06-03/2024-06-07"),
    ("en", "The window is April 28 – May 2, 2023.", "2023-04-28/2023-05-02"),
    ("en", "Held 10–12 September 2018 in Kigali.", "2018-09-10/2018-09-12"),
]


@pytest.mark.parametrize(("lang", "sentence", "value"), RANGE_CASES)
def test_ranges_are_one_match(lang: str, sentence: str, value: str) -> None:
    found = find_dates(sentence, lang)
    assert len(found) == 1, [m.text for m in found]
    assert found[0].rule.endswith("_range")
    assert iso(found[0]) == value


def test_range_keeps_its_cue_in_the_span() -> None:
    assert texts("Ils sont arrivés entre 2013 et 2015.", "fr") == ["entre 2013 et 2015"]


def test_range_words_need_a_cue() -> None:
    # "et"/"and" between two numbers make a range only after "entre"/"between".
    assert values("En 2010 et 2012, deux rapports.", "fr") == ["2010", "2012"]
    assert values("Nous comptions 2010 et 2012 dossiers.", "fr") == []


def test_range_end_must_follow_start() -> None:
    assert values("Le code 2016-2012 est inversé.", "fr") == []


def test_yearless_range() -> None:
    (m,) = find_dates("Le marché aura lieu du 3 au 5 juin.", "fr")
    assert m.value_start is None and m.rule == "dates.day_range"
    assert (m.day, m.month) == (3, 6)


# --------------------------------------------------------------------------- decades

DECADE_CASES = [
    ("fr", "Dans les années 80, le quartier a changé.", "1980/1989"),
    ("fr", "Les années 1970 ont vu naître le mouvement.", "1970/1979"),
    ("fr", "Au début des années 2000, la coopérative s'est formée.", "2000/2009"),
    ("fr", "Un phénomène de la fin des années soixante.", "1960/1969"),
    ("fr", "La mode des années quatre-vingt-dix.", "1990/1999"),
    ("en", "Migration grew in the 1960s and slowed later.", "1960/1969"),
    ("en", "It was a hit in the '90s.", "1990/1999"),
    ("en", "Back in the eighties it was different.", "1980/1989"),
    ("en", "Founded in the mid-1950s by teachers.", "1950/1959"),
]


@pytest.mark.parametrize(("lang", "sentence", "value"), DECADE_CASES)
def test_decades(lang: str, sentence: str, value: str) -> None:
    found = find_dates(sentence, lang)
    assert [iso(m) for m in found] == [value]
    assert found[0].granularity == "year"
    assert found[0].rule == "dates.decade"


# --------------------------------------------------------------------------- not dates

NOT_DATE_CASES = [
    ("fr", "Le réseau réunit 2000 personnes et 1500 familles."),
    ("fr", "Près de 2019 dossiers ont été traités cette année."),
    ("fr", "Nous avons distribué 2016 colis alimentaires."),
    ("fr", "En 2000 exemplaires, le livre s'est vendu."),
    ("fr", "La subvention s'élève à 2018 € pour le local."),
    ("fr", "Un don de 2015 euros a été reçu."),
    ("fr", "Rendez-vous à 14h30 ou à 10:30 selon les cas."),
    ("fr", "Elle y travaille depuis 22 ans et pendant 10 années."),
    ("fr", "Appelez le 04 78 12 34 56 ou le +243-997-04-5380."),
    ("fr", "Écrivez à info2019@exemple.org ou voyez https://exemple.org/2020/03/15/page."),
    ("fr", "Voir p. 2012 de l'ouvrage et pp. 1990-2005."),
    ("fr", "ISBN 978-2-07-036822-8 et ISBN 2-07-036822-X."),
    ("fr", "Le 31/02/2018 n'existe pas, ni le 30 février 2019."),
    ("fr", "La loi n° 04/2018 encadre le secteur."),
    ("fr", "Le score fut de 3-1 puis la version 1.2.10 est sortie."),
    ("fr", "Norme ISO 9001:2015 appliquée."),
    ("en", "Over 2000 volunteers and some 1990 donors joined."),
    ("en", "We have worked for 10 years with 2012 families."),
    ("en", "The fee is $2020 or 2021 USD."),
    ("en", "Call 2017 now or wait 2018 minutes."),
    ("en", "The grant grew from 1500 to 2000 people."),
]


@pytest.mark.parametrize(("lang", "sentence"), NOT_DATE_CASES)
def test_not_dates(lang: str, sentence: str) -> None:
    assert texts(sentence, lang) == []


def test_count_next_to_a_date() -> None:
    assert values("En 2013, 2000 personnes ont participé.", "fr") == ["2013"]
    assert values("Le 3 mars, 2000 personnes ont défilé.", "fr") == [None]


def test_non_overlapping_sorted() -> None:
    found = find_dates(
        "Du 1er au 3 mars 2018, puis en 2019 ; mai 2020 – juin 2021 ; depuis 1990.", "fr"
    )
    starts = [m.start for m in found]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert [iso(m) for m in found] == ["2018-03-01/2018-03-03", "2019", "2020-05/2021-06", "1990"]


def test_empty_and_digitless_text() -> None:
    assert find_dates("", "fr") == []
    assert find_dates("Aucune date ici, seulement des mots.", "und") == []


# --------------------------------------------------------------------------- yearless dates


def test_yearless_left_unresolved_by_find_dates() -> None:
    (m,) = find_dates("The workshop took place on 14 November.", "en")
    assert m.value_start is None and m.value_end is None
    assert (m.day, m.month, m.granularity, m.rule) == (14, 11, "day", "dates.day_month")
    (m,) = find_dates("Le 2 octobre, la salle était pleine.", "fr")
    assert (m.day, m.month) == (2, 10)


def test_yearless_impossible_day() -> None:
    assert find_dates("Le 31 avril, rien.", "fr") == []


def _resolve(text: str, lang: str, published: datetime.date | None = None) -> list[str | None]:
    return [iso(m) for m in resolve_yearless(text, find_dates(text, lang), published)]


def test_resolve_from_comment_dateline() -> None:
    text = (
        "Great work!\n"
        "  • 3. Marie K. (website) | 15/09/2019\n"
        "On 2nd September the volunteers painted the school."
    )
    assert _resolve(text, "en") == ["2019-09-15", "2019-09-02"]


def test_resolve_uses_nearest_preceding_dateline() -> None:
    text = (
        "Commentaire de Paul | 10/05/2016\nLe 1er mai, la marche a réuni du monde.\n\n"
        "Commentaire de Léa | 12/05/2017\nLe 1er mai, il a plu."
    )
    assert _resolve(text, "fr") == ["2016-05-10", "2016-05-01", "2017-05-12", "2017-05-01"]


def test_resolve_from_publication_cue_and_previous_year() -> None:
    text = "Publié le 8 janvier 2021\n\nLe 18 décembre, les bénévoles ont distribué des colis."
    found = resolve_yearless(text, find_dates(text, "fr"))
    assert [iso(m) for m in found] == ["2021-01-08", "2020-12-18"]
    assert found[1].rule.endswith("year_from_dateline")


def test_resolve_from_published_metadata() -> None:
    text = "On 20 March the clinic reopened."
    found = resolve_yearless(text, find_dates(text, "en"), datetime.date(2022, 4, 2))
    assert [iso(m) for m in found] == ["2022-03-20"]
    assert found[0].rule == "dates.day_month+year_from_published"


def test_resolve_yearless_range() -> None:
    text = "Mis en ligne le 10 janvier 2020\nDu 20 au 23 décembre, un atelier a eu lieu."
    assert _resolve(text, "fr") == ["2020-01-10", "2019-12-20/2019-12-23"]


def test_unresolved_without_anchor() -> None:
    # A full date inside running text is not the date of the page.
    text = "Dans un rapport du 3 mars 2019, on lit que le 14 février tout a changé."
    assert _resolve(text, "fr") == ["2019-03-03", None]
    assert _resolve("On 20 March the clinic reopened.", "en") == [None]


def test_unresolved_when_later_than_dateline() -> None:
    # Possibly an upcoming event: neither this year's nor last year's date is certain.
    text = "Posted on 10/03/2019\nThe festival on 20 April will be huge."
    assert _resolve(text, "en") == ["2019-03-10", None]


def test_resolve_never_uses_today() -> None:
    text = "Le 5 juin, réunion."
    (m,) = resolve_yearless(text, find_dates(text, "fr"))
    assert m.value_start is None


def test_weekday_confirms_a_later_date() -> None:
    text = "Compte rendu du lundi 7 octobre 2019\nProchaine réunion le jeudi 17 octobre à 18 h."
    assert _resolve(text, "fr") == ["2019-10-07", "2019-10-17"]


def test_weekday_mismatch_stays_unresolved() -> None:
    # 17 October 2019 was a Thursday, not a Friday: the anchor is not trustworthy here.
    text = "Compte rendu du lundi 7 octobre 2019\nProchaine réunion le vendredi 17 octobre."
    assert _resolve(text, "fr") == ["2019-10-07", None]


def test_list_bullet_is_not_a_range_dash() -> None:
    text = "- 4 mars 2019 : Radio 2\n- 1er mars 2019 : Journal"
    assert values(text, "fr") == ["2019-03-04", "2019-03-01"]


def test_shared_month_range_must_go_forward() -> None:
    assert values("Les 9-4 avril 2019.", "fr") == ["2019-04"]
    assert values("Les 4-9 avril 2019.", "fr") == ["2019-04-04/2019-04-09"]


def test_hyphenated_modifier_makes_a_year() -> None:
    assert values("The mid-2019 models run hot.", "en") == ["2019"]
    assert texts("Les résultats de mi-2016 sont là.", "fr") == ["mi-2016"]


SHORT_RANGE_CASES = [
    ("en", "We raised funds throughout 2020/21 for the clinic.", "2020/2021"),
    ("en", "The accelerator in 2018/19 helped us.", "2018/2019"),
    ("fr", "L'exercice 2019-20 est clos.", "2019/2020"),
    ("fr", "Pendant la période 2011-13, le centre a grandi.", "2011/2013"),
    ("en", "Records from 1999-00 were lost.", "1999/2000"),
]


@pytest.mark.parametrize(("lang", "sentence", "value"), SHORT_RANGE_CASES)
def test_year_ranges_with_a_two_digit_end(lang: str, sentence: str, value: str) -> None:
    assert values(sentence, lang) == [value]


def test_two_digit_ends_that_are_not_ranges() -> None:
    # a slash joins consecutive years only; a reference after its cue is no date
    assert values("Les promotions 2010/15 et le décret 2019-20.", "fr") == []
    assert values("Phone: 2019-20 or fax 2019-21.", "en") == []


def test_planned_years() -> None:
    assert values("La construction est prévue pour 2016, dit-il.", "fr") == ["2016"]
    assert values("The new wing is scheduled for 2027.", "en") == ["2027"]
    assert values("Une salle prévue pour 2000 personnes.", "fr") == []


def test_year_after_a_definite_noun_and_de() -> None:
    assert values("Depuis l'assemblée générale de 2008, rien n'a changé.", "fr") == ["2008"]
    assert values("Since the elections of 2016 the board has met twice.", "en") == ["2016"]
    # an indefinite noun with "de" is followed by a quantity
    assert values("Une campagne de 2000 affiches, un rapport de 2019 pages.", "fr") == []


def test_years_as_headings_of_their_line() -> None:
    timeline = "Nos camps\nTogo — 2015\nBénin — 2013, 2014\n\n2016\nUn nouveau camp."
    assert values(timeline, "fr") == ["2015", "2013", "2014", "2016"]
    assert {m.rule for m in find_dates(timeline, "fr")} == {"dates.year_heading", "dates.year_list"}
    # a count alone on its line after a sentence, or a dash inside a sentence
    assert values("Participants — 2000 personnes.", "fr") == []
