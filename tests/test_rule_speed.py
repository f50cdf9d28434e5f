"""The rules' faster forms give what their plain forms give.

Resolve's rules remember what they computed for a text, find a name with
`str.find` instead of a pattern per name, and classify each distinct word
once. Each test here compares the fast form with the plain one, written out
as it was, on sentences in French and English, including the cases where the
two could part (overlapping occurrences, a name glued to a word, repeats).
"""

from __future__ import annotations

import re

import pytest

from pipeline.rules import org_products
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
