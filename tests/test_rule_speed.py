"""The rules' faster forms give what their plain forms give.

Resolve's rules remember what they computed for a text, find a name with
`str.find` instead of a pattern per name, and classify each distinct word
once. Each test here compares the fast form with the plain one, written out
as it was, on sentences in French and English, including the cases where the
two could part (overlapping occurrences, a name glued to a word, repeats).
"""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

import pytest

from pipeline import resolve
from pipeline.rules import (
    lexicon,
    org_junk,
    org_names,
    org_products,
    organisations,
    spans,
    textscan,
)
from pipeline.rules.organisations import fold


def _followed_by_product_noun_plain(text: str, name: str) -> bool:
    """The pattern-per-name form: every match of "name, blanks, word[, blanks, word]"."""
    pattern = rf"(?<![\w-]){re.escape(name)}[ \t]+([a-zà-ÿ][\w-]*)(?:[ \t]+([\w'’]+))?"
    for m in re.finditer(pattern, text):
        if fold(m.group(1)) in org_products._nouns() and (m.group(2) or "") not in (
            "à",
            "au",
            "aux",
        ):
            return True
    return False


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("We gave the teachers 100 Lenovo tablets.", "Lenovo", True),
        ("The Kobo suite collects the survey data.", "Kobo", True),
        ("Nous utilisons le Kobo logiciel libre.", "Kobo", True),
        ("Oxfam suite à l'appel des partenaires.", "Oxfam", False),
        ("Oxfam suites de l'appel.", "Oxfam", True),
        ("Oxfam works with Oxfam partners.", "Oxfam", False),
        # the second "Lenovo" is the word after the first match's word: never read alone
        ("Lenovo la Lenovo tablets", "Lenovo", False),
        ("Lenovo Lenovo tablets", "Lenovo", True),
        ("iKobo suite and pre-Kobo suite", "Kobo", False),
        ("Kobo\tsuite", "Kobo", True),
        ("Kobo\nsuite", "Kobo", False),
        ("Kobo", "Kobo", False),
        ("Open Data Kit (ODK) tools", "(ODK)", True),
        ("l'ONG a.b. kit a.b. kits", "a.b.", True),
    ],
)
def test_a_name_before_a_product_noun_is_found_as_the_pattern_finds_it(text, name, expected):
    assert _followed_by_product_noun_plain(text, name) is expected
    assert org_products._followed_by_product_noun(text, name) is expected


def test_product_names_remembered_for_a_text_are_those_computed_afresh():
    text = (
        "Les élèves utilisent des logiciels comme GCompris et TuxMath. "
        "The GNU General Public License (GPL) covers the Kobo suite. "
        "Le Kobo suite à l'appel de Caritas Kobo.\n"
        "Partners: Caritas, Oxfam Foundation."
    )
    names = ["GCompris", "TuxMath", "GPL", "Kobo", "Caritas", "Oxfam Foundation", "Kobo"]
    org_products._named_products.cache_clear()
    fresh = org_products.product_names(text, names)
    assert fresh == {"gcompris", "tuxmath", "gpl", "kobo"}
    # asked again, per name and in another order: the remembered lists give the same
    assert org_products.product_names(text, names[::-1]) == fresh
    assert set().union(*(org_products.product_names(text, [n]) for n in names)) == fresh
    assert org_products._named_products(text) == org_products._named_products.__wrapped__(text)


def _head_names_plain(text: str) -> list[tuple[int, int]]:
    """find_head_names as it was: every token of the text made, every word classified afresh."""
    toks = []
    for m in org_names._TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            word = m.group()
            cls = "x" if word[:1].isdigit() else org_names._classify.__wrapped__(word.rstrip("."))
        elif kind == "elision" or m.group() == "&":
            cls = "J"
        else:
            cls = "n" if kind == "newline" else "x"
        word = m.group()
        if (
            cls == "J"
            and toks
            and word[:1].isupper()
            and not word.isupper()
            and toks[-1].cls == "J"
            and toks[-1].text.islower()
        ):
            cls = "C"  # "San Juan del Sur"
        toks.append(org_names.Token(m.group(), m.start(), m.end(), cls))
    classes = "".join(t.cls for t in toks)
    pattern = re.compile(org_names._patterns()["patterns"]["head_name"])
    spans = []
    for m in pattern.finditer(classes):
        for part in org_names._split_coordination(toks[m.start() : m.end()]):
            found = org_names._trimmed(part)
            words = [t for t in found if t.cls in "CHA"]
            if len(words) < org_names._patterns()["patterns"]["min_words"] or not any(
                t.cls == "H" for t in words
            ):
                continue
            start, end = found[0].start, found[-1].end
            possessive = org_names._POSSESSIVE.search(text[start:end])
            if possessive:
                end = start + possessive.start()
            spans.append((start, end))
    return spans


HEAD_NAME_TEXTS = [
    "L'Association des Femmes de Kolwezi et le Conseil Provincial de la Jeunesse travaillent "
    "avec la Fondation Roi Baudouin.\nFonds des Nations Unies\npour l'Enfance (UNICEF).",
    "The Kasese District Local Government and Save the Children Fund met the Baylor "
    "Hospital of San Juan del Sur and the Fondation de La Salle; "
    "Foundation and UPMB; the Foundation's Annual Report of the Foundation is out. "
    "Offene Arme e.V. and the Ministry of Health's team.",
]


@pytest.mark.parametrize("text", HEAD_NAME_TEXTS)
def test_head_names_from_tokens_made_where_the_pattern_matched(text):
    org_names._classify.cache_clear()
    first = org_names.find_head_names(text)
    assert first  # the texts hold head-noun names
    assert first == _head_names_plain(text)
    assert org_names.find_head_names(text) == first  # with every word's class remembered


@pytest.mark.parametrize(
    ("text", "literal", "not_before", "not_after"),
    [
        ("L'UNICEF et l'UNICEF-Kivu, UNICEF. UNICEFS (UNICEF)", "UNICEF", r"\w-", r"\w-"),
        ("AMSS AMSSAMSS AMSS AMSS", "AMSS", r"\w-", r"\w-"),
        ("ANSSANSS ANSS", "ANSS", r"\w", r"\w"),
        ("C.A.C.A. C.A. &C.A. .C.A. C.A.-x C.A.&", "C.A.", r"\w&.-", r"\w&-"),
        ("aaaa aa aaa aa", "aa", r"\w-", r"\w-"),
        ("Kivu Relief\nKivu Relief's team, Kivu Reliefs", "Kivu Relief", r"\w-", r"\w-"),
        (
            "Éducation Sans Frontières à Éducation Sans Frontières",
            "Éducation Sans Frontières",
            r"\w-",
            r"\w-",
        ),
        ("no such name here", "UNICEF", r"\w-", r"\w-"),
    ],
)
def test_a_literal_is_found_where_the_bounded_pattern_finds_it(
    text, literal, not_before, not_after
):
    pattern = rf"(?<![{not_before}]){re.escape(literal)}(?![{not_after}])"
    expected = [m.span() for m in re.finditer(pattern, text)]
    assert list(spans.find_literal(text, literal, not_before, not_after)) == expected


def test_acronym_occurrences_and_the_place_an_acronym_spells():
    text = "Le CMDS (Coopérative Minière) et la CMDS-Kivu; CMDS. Secours Populaire à Paris (SPP)"
    last = text.index("CMDS.")
    # "CMDS-Kivu" is another name
    assert list(organisations.find_occurrences(text, "CMDS")) == [(3, 7), (last, last + 4)]
    kind = {"Paris": "city", "Goma": "city"}.get
    # the page spells the place in the acronym: the place is part of the name
    assert org_junk._without_place_tail("Secours Populaire à Paris", kind, text) == (
        "Secours Populaire à Paris"
    )
    assert org_junk._without_place_tail("Secours Populaire à Goma", kind, text) == (
        "Secours Populaire"
    )


def test_claimed_spans_answer_as_a_scan_of_every_claimed_span():
    rng = random.Random(7)
    spans = resolve._Spans()
    plain: list[tuple[int, int]] = []
    for _ in range(3000):
        start = rng.randrange(0, 2000)
        end = start + rng.choice([0, 1, 2, 5, 20, 60])
        free = not any(s < end and start < e for s, e in plain)
        assert spans.free(start, end) is free
        if free:
            spans.claim(SimpleNamespace(start=start, end=end))
            plain.append((start, end))
    assert [(m.start, m.end) for m in spans.mentions] == plain  # claim order kept


def test_overlapping_spans_found_as_by_a_scan_even_when_they_overlap_each_other():
    rng = random.Random(11)
    ranges = [(s, s + rng.choice([0, 1, 3, 40])) for s in (rng.randrange(500) for _ in range(200))]
    index = spans.SpanIndex(ranges)
    for start in range(0, 560, 3):
        for width in (0, 1, 7, 30):
            end = start + width
            assert index.overlaps(start, end) is any(s < end and start < e for s, e in ranges)
        assert index.holds(start) is any(s <= start < e for s, e in ranges)
        for width in (0, 1, 7, 30):
            end = start + width
            assert index.covers(start, end) is any(s <= start and end <= e for s, e in ranges)
    assert not spans.SpanIndex([]).overlaps(0, 10)


@pytest.mark.parametrize("ordered", [True, False])
def test_the_segment_of_a_position_is_the_first_that_holds_it(ordered):
    segments = [
        {"segment": i, "start": s, "end": e}
        for i, (s, e) in enumerate([(0, 10), (10, 10), (10, 25), (30, 31), (31, 50)])
    ]
    if not ordered:  # a list out of order is scanned, first holder wins
        segments = [segments[2], {"segment": 9, "start": 12, "end": 40}, *segments]
    find = resolve._segment_finder(segments)
    for pos in range(-1, 52):
        expected = next((s for s in segments if s["start"] <= pos < s["end"]), None)
        assert find(pos) is expected


def test_common_words_from_the_cached_list_are_those_wordfreq_gives():
    settings = org_junk._data()["common_word"]
    words = [
        # plain words, common or not, in both languages
        "water", "Management", "violence", "médecins", "santé", "Éducation", "oxfam",
        "caritas", "kolwezi", "œuvre", "cœur", "solidarité", "zzzz", "a",
        # words wordfreq splits or folds: apostrophes, digits, a capital inside, ß
        "women's", "d’etudes", "l'eau", "2024", "covid19", "straße", "McDonald", "e.v",
    ]  # fmt: skip
    for word in words:
        exact = org_junk.word_zipf(word.lower()) >= settings["zipf"]
        assert org_junk.is_common_word(word) is exact, word
        assert lexicon.zipf_at_least(word.lower(), settings["zipf"], ("fr", "en")) is exact
    assert org_junk.is_common_word("Violence") and not org_junk.is_common_word("Kolwezi")


def test_the_plain_words_list_is_built_from_wordfreqs_own_values():
    # built afresh (not read from the machine's cache) on a short list: English at 6+
    built = lexicon._build_zipf_words(6.0, ("en",))
    assert {"the", "and", "of"} <= built and "water" not in built
    from wordfreq import get_frequency_dict, zipf_frequency

    top = [w for w, _ in zip(get_frequency_dict("en"), range(300), strict=False)]
    for word in top:
        plain = lexicon._PLAIN_WORD.fullmatch(word) is not None
        assert (word in built) is (plain and zipf_frequency(word, "en") >= 6.0), word


WEB_TEXTS = [
    "Voir https://www.kuwasha.net/projets et WWW.Kids-On-Computers.org, ou http://a.b.c.org.",
    "Contact: info@kuwasha.net, jean.dupont+ong@mail.kids-on-computers.org; www.site.be",
    "No address here, only words_with_underscores and e.g. a.b.c and x+y-z.",
]


@pytest.mark.parametrize("text", WEB_TEXTS)
def test_web_names_found_as_by_the_pattern_with_its_e_mail_branch(text):
    names = {
        part
        for m in org_names._WEB.finditer(text)
        for label in m.group(1).lower().split(".")[:-1]
        for part in {label.replace("-", ""), label.split("-")[0]}
        if len(part) >= 3
    }
    platforms = set(org_names._patterns()["web_platforms"]["words"])
    assert org_names.web_names(text) == names - platforms


def test_acronym_definitions_remembered_are_those_found_afresh_and_a_new_list_each_time():
    text = (
        "La Coopérative Minière pour le Développement Social (CMDS) et GAMS : Groupe pour "
        "l'Abolition des Mutilations Sexuelles. The World Health Organization (WHO)."
    )
    first = organisations.find_acronym_definitions(text)
    assert [d.short for d in first] == ["CMDS", "WHO", "GAMS"]
    first.clear()  # a caller's list is its own
    again = organisations.find_acronym_definitions(text)
    assert again == list(organisations._acronym_definitions.__wrapped__(text))
    assert [d.short for d in again] == ["CMDS", "WHO", "GAMS"]


LEMMA_TEXTS = {
    "fr": "En 2023, l'association a aidé 121 garçons et 300 familles ; 45 enseignants "
    "formés, 12 écoles rénovées et près de 2 000 bénéficiaires dans 3 villages.",
    "en": "In 2023 we helped 45 children, 12 women's groups and about 2,000 families; "
    "the 3 schools we've built host 250 pupils and 14 teachers.",
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_lemmas_computed_when_asked_are_the_lemmatizers(language):
    from pipeline import extract
    from pipeline.rules import figures

    nlp = extract.load_model(language)
    text = LEMMA_TEXTS[language]
    with_component = nlp(text)
    without = next(nlp.pipe([text], disable=["lemmatizer"]))
    lemma_of = extract.lemma_reader(language)
    assert [t.lemma_ for t in with_component] == [lemma_of(t) for t in without]
    assert any(t.lemma_ != t.text.lower() for t in with_component)  # the lemmatizer did work
    assert figures.find_figures(with_component, language) == figures.find_figures(
        without, language, lemma_of=lemma_of
    )


SCAN_TEXTS = [
    "Les villages de Kasangali et Kaghando, VILLAGE DE BOSSINKANG ; sous-préfecture de "
    "Diadiem (Diadiem 3), la Communauté  rurale de Ndiob. Location: Kisumu. Basé à Goma.",
    "Sub counties (Bwesumba and Buhuhira), the Mutanda District, Lake Bunyonyi; a "
    "Neighbourhood of Kampala; the Parc National des Virunga; préVillage Goma; villageois.",
    # characters that a case-insensitive pattern reads as other letters: the pattern alone
    "Sſub counties (Bwesumba), dıstrict of Kasese, İle de Gorée, the ﬁeld of Kisumu",
    "We used apps like GCompris, TuxMath and Scratch; le logiciel QGIS, des outils comme "
    "Kobo et ODK; an APP called Kobo; Software such as LibreOffice; the operating system Linux.",
    "L'association « Les Amis du Lac », l'ASBL Sida Sol et nos partenaires (Oxfam, Caritas); "
    "the charity “Hope Wells”, our partner, Kalao Santé, and NOTRE PARTENAIRE, Aqua Trust.",
    "",
]


def _organisation_scans() -> list[textscan.WordStarts]:
    return [organisations._cue_patterns()[1], organisations._quoted_apposition()]


@pytest.mark.parametrize("text", SCAN_TEXTS)
def test_patterns_searched_from_their_words_find_what_they_find_over_the_text(text):
    from pipeline.rules.places_context import _after_designator

    scans = [_after_designator(), *org_products._patterns(), *_organisation_scans()]
    found = 0
    for scan in scans:
        expected = [(m.span(), m.groupdict()) for m in scan.pattern.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in scan.finditer(text)] == expected
        found += len(expected)
    assert found or text in (SCAN_TEXTS[2], "")


def test_patterns_searched_from_their_words_on_pages_cut_anywhere():
    from pipeline.rules.places_context import _after_designator

    rng = random.Random(3)
    pages = "\n".join(SCAN_TEXTS).split(" ")
    for _ in range(200):
        text = " ".join(rng.sample(pages, rng.randint(1, len(pages))))
        text = text[rng.randrange(len(text) + 1) :]
        for scan in [_after_designator(), *org_products._patterns(), *_organisation_scans()]:
            assert [m.span() for m in scan.finditer(text)] == [
                m.span() for m in scan.pattern.finditer(text)
            ]


def test_a_case_insensitive_scan_knows_the_letters_python_reads_as_others():
    import re._casefix  # the engine's table of extra case equivalences

    latin = set("abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ")
    others = {
        chr(o)
        for k, v in re._casefix._EXTRA_CASES.items()
        if chr(k) in latin
        for o in v
        if chr(o).lower() not in latin
    }
    assert others <= textscan._OTHER_CASES


def test_mentions_within_a_range_in_their_order_as_a_scan_finds_them():
    from pipeline.relations import Mention, _Within

    rng = random.Random(5)
    mentions = []
    for i in range(300):  # in no order, some nested, some empty
        start = rng.randrange(1000)
        mentions.append(Mention(start, start + rng.choice([0, 3, 12, 80]), "place", f"p{i}", {}))
    within = _Within(mentions)
    for start in range(-5, 1100, 7):
        for width in (0, 5, 40, 300):
            end = start + width
            assert within(start, end) == [m for m in mentions if start <= m.start and m.end <= end]


def test_word_lists_read_from_the_machines_cache_are_those_built_from_their_packages():
    assert lexicon.language_names() == lexicon._build_language_names()
    assert {"swahili", "wolof", "peul"} <= lexicon.language_names()
