"""Products, software and devices: names that the model tags ORG but that no one runs.

Pages about projects name the tools they use ("QGIS", "LibreOffice", "Open
Data Kit (ODK)", "HP TouchPad tablets"), and the NER models tag most of them
as organisations. Language says which they are, from words any page has
(`data/organisations/products.json`), never from the names themselves:

* **the name's last word** is a product noun in title case: "Open Data Kit",
  "GNU General Public License", "Java OpenStreetMap Editor";
* **a product noun next to the name** in lower case: after it ("the Kobo
  suite", "100 Lenovo tablets") or before it ("le logiciel Kobo", "an app
  called Kobo");
* **a list after a plural product noun** and a word that introduces examples:
  "apps like X, Y and Z", "des logiciels comme X et Y", "tools including X
  (X), Y and Z": every item of the list is a product.

A name with an organisation head noun ("Kobo Foundation") is never a product.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from ..config import code_version
from ..text import fold
from . import organisations
from .organisations import DATA, find_acronym_definitions, has_org_cue
from .textscan import WordStarts

# this module and what it builds on: the extractor column changes with any of them
SOURCES = (Path(__file__), *organisations.SOURCES)
PRODUCTS_VERSION = code_version(*SOURCES)


@cache
def _data() -> dict:
    return json.loads((DATA / "products.json").read_text(encoding="utf-8"))


@cache
def _nouns() -> frozenset[str]:
    return frozenset(fold(w) for w in _data()["nouns"]["words"])


@cache
def _head_last() -> frozenset[str]:
    return frozenset(fold(w) for w in _data()["head_last"]["words"])


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> tuple[WordStarts, WordStarts]:
    """The two patterns, each searched where a product noun starts (textscan)."""
    nouns = _alternation(_data()["nouns"]["words"])
    intro = _alternation(_data()["introducers"]["words"])
    # "apps like X, Y, and Z" / "tools including X" / "logiciels comme X": the list runs to
    # the end of the sentence or line
    listing = re.compile(
        rf"(?<![\w-])(?:{nouns})[ \t]+(?:{intro})[ \t]*(?P<items>[^\n.;!?]+)", re.I
    )
    # "an app called X", "le logiciel X", "l'application X"
    before = re.compile(
        rf"(?<![\w-])(?:{nouns})(?:[ \t]+(?:{intro}))?[ \t]+(?P<name>[A-ZÀ-Ý][\w.+-]*(?:[ \t]+[A-ZÀ-Ý][\w.+-]*)*)"
    )
    words = _data()["nouns"]["words"]
    return WordStarts(listing, words, ignore_case=True), WordStarts(
        before, words, ignore_case=False
    )


_ITEM_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|un|une|a|an)\s+|l['’]\s*)", re.I)
_BRACKET = re.compile(r"\s*\(([^()]*)\)\s*$")


def _list_items(items: str) -> list[str]:
    """The names of a list, up to the first item that is not a name ("…, to collect")."""
    out = []
    for part in re.split(r",|\s+(?:and|et|or|ou|&)\s+", items):
        part = _ITEM_ARTICLE.sub("", part.strip())
        if not part:
            continue
        if not part[:1].isupper():
            break
        bracket = _BRACKET.search(part)
        if bracket:
            out.append(bracket.group(1).strip())
            part = part[: bracket.start()]
        # "GCompris are installed": the name is the run of capitalised words
        out.append(re.match(r"[^\s]+(?:\s+[A-ZÀ-Ý0-9][^\s]*)*", part.strip()).group())
    return out


def is_product_name(name: str) -> bool:
    """The name ends with a product noun in title case: "Open Data Kit"."""
    words = name.split()
    return (
        len(words) >= 2
        and words[-1][:1].isupper()
        and fold(words[-1]) in _head_last()
        and not has_org_cue(name)
    )


# what follows a name in "the Kobo suite": a lower-case word, and the word after it
_AFTER_NAME = re.compile(r"[ \t]+([a-zà-ÿ][\w-]*)(?:[ \t]+([\w'’]+))?")
_NAME_START = re.compile(r"(?<![\w-])")


def _followed_by_product_noun(text: str, name: str) -> bool:
    """ "the Kobo suite", "Lenovo tablets": the name modifies a product noun.

    The name's occurrences are found with `str.find` and what follows each is
    matched where it ends: the matches of the regular expression "name, blanks,
    word[, blanks, word]" read left to right without overlap, as `re.finditer`
    would find them, without a pattern compiled and run over the text per name.
    """
    nouns = _nouns()
    pos = text.find(name)
    while pos >= 0:
        m = _NAME_START.match(text, pos) and _AFTER_NAME.match(text, pos + len(name))
        if not m:
            pos = text.find(name, pos + 1)
            continue
        # "Oxfam suite à l'appel": the French preposition "suite à" is no product
        if fold(m.group(1)) in nouns and (m.group(2) or "") not in ("à", "au", "aux"):
            return True
        pos = text.find(name, m.end())
    return False


@lru_cache(maxsize=4)
def _named_products(text: str) -> frozenset[str]:
    """The folded names the text itself calls products: list items after "apps like",
    names after "le logiciel", and the acronyms of product names it defines.

    Remembered for the last few texts: resolve asks once per acronym definition
    and once for all the organisations of the same document.
    """
    listing, before = _patterns()
    named: set[str] = set()
    for m in listing.finditer(text):
        named.update(fold(item) for item in _list_items(m.group("items")))
    for m in before.finditer(text):
        named.add(fold(m.group("name")))
    for d in find_acronym_definitions(text):  # "General Public License (GPL)": GPL too
        if is_product_name(d.long) or fold(d.long) in named:
            named.add(fold(d.short))
    return frozenset(named)


def product_names(text: str, names: Iterable[str]) -> set[str]:
    """The folded names, among `names`, that the document uses as products."""
    named = _named_products(text)
    out = set()
    for name in dict.fromkeys(names):  # each name once: a document repeats its names
        folded = fold(name)
        if has_org_cue(name) or not folded:
            continue
        if folded in named or is_product_name(name) or _followed_by_product_noun(text, name):
            out.add(folded)
    return out
