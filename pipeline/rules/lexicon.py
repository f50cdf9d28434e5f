"""General word lists the place rules consult, all from installed packages.

* First names: the `nomquamgender` table (MIT), which counts how often a first name is
  seen in 36 name sources of many countries. A name counts as a first name here when at
  least 10 sources and 1,000 people carry it: "Victoria", "Bintou", "Tenzin" are in,
  while town names that some parent once gave ("Dakar": 2 sources, 29 people) are not.
* Word frequencies: `wordfreq` (Zipf scale: 6 is "the", 3 is a word seen once per
  million words). A capitalised word whose lower-case form is frequent in the page's
  language is probably that word at a sentence start or in a heading ("Ceux",
  "Solidarité", "Service").
* Language names: pycountry's ISO 639 languages with a two-letter code or a
  macrolanguage scope (the languages a page is likely to name), in English and, from
  pycountry's gettext catalogue, in French. A language or the people who speak it
  ("Swahili", "Hmong", "Wolof") is not a place.

None of these lists decides alone: the place rules weigh them against the gazetteer and
the context (see places.py).
"""

from __future__ import annotations

import functools
import json
import re
from importlib import metadata
from pathlib import Path

from ..text import fold_word
from .cache import cached, source_digest

# The code the cached lists are built with (their keys carry its digest).
_CODE = (Path(__file__), Path(__file__).parent.parent / "text.py")
_FIRST_NAME_MIN_SOURCES = 10
_FIRST_NAME_MIN_PEOPLE = 1_000
# Zipf frequency from which a word is "common": about 3 uses per million words
# ("parrainage" 3.4, "brique" 3.7, "soutien" 4.9; "kora" 2.5, "goudrin" 0).
COMMON_WORD_ZIPF = 3.4


def _build_first_names() -> frozenset[str]:
    path = metadata.distribution("nomquamgender").locate_file("nomquamgender/name_data.json")
    table = json.loads(Path(str(path)).read_text(encoding="utf-8"))
    return frozenset(
        fold_word(name)
        for name, row in table.items()
        if row[0] >= _FIRST_NAME_MIN_SOURCES
        and row[1] >= _FIRST_NAME_MIN_PEOPLE
        and name.replace("-", "").isalpha()
    )


@functools.cache
def first_names() -> frozenset[str]:
    key = (
        f"{metadata.version('nomquamgender')}:{_FIRST_NAME_MIN_SOURCES}:"
        f"{_FIRST_NAME_MIN_PEOPLE}:{source_digest(*_CODE)}"
    )
    return cached("first-names", key, _build_first_names)


def is_first_name(word: str) -> bool:
    """A single word that is a common given name somewhere ("Victoria", "Bintou")."""
    return " " not in word.strip() and fold_word(word) in first_names()


def _build_common_words(language: str) -> frozenset[str]:
    from wordfreq import get_frequency_dict, zipf_frequency

    # the dictionary's values are frequencies; the Zipf value is log10(frequency * 1e9)
    threshold = 10 ** (COMMON_WORD_ZIPF - 9)
    common = {word for word, freq in get_frequency_dict(language).items() if freq >= threshold}
    # wordfreq folds case and some accents the same way for lookups: keep its own keys,
    # and check the cut with its public function on one word
    assert zipf_frequency("maison" if language == "fr" else "house", language) >= COMMON_WORD_ZIPF
    return frozenset(common)


@functools.cache
def common_words(language: str) -> frozenset[str]:
    """The words of `language` ("fr" or "en") at or above COMMON_WORD_ZIPF."""
    language = language if language in ("fr", "en") else "fr"
    key = f"{metadata.version('wordfreq')}:{language}:{COMMON_WORD_ZIPF}:{source_digest(*_CODE)}"
    return cached(f"common-words-{language}", key, lambda: _build_common_words(language))


def is_common_word(word: str, language: str) -> bool:
    """One word whose lower-case form is a frequent word of the page's language."""
    word = word.strip()
    return " " not in word and word.lower() in common_words(language)


@functools.cache
def language_names() -> frozenset[str]:
    """Folded English and French names of the major languages ("swahili", "peul"), built
    once per machine (pycountry's tables take a fifth of a second to load)."""
    key = f"{metadata.version('pycountry')}:{source_digest(Path(__file__))}"
    return cached("language-names", key, _build_language_names)


def _build_language_names() -> frozenset[str]:
    import gettext

    import pycountry

    try:
        french = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - the catalogue ships with pycountry
        french = gettext.NullTranslations()
    names = set()
    for language in pycountry.languages:
        if not (hasattr(language, "alpha_2") or getattr(language, "scope", "") == "M"):
            continue
        for name in (language.name, french.gettext(language.name)):
            for part in name.split(";"):  # "Fulah; Peul"
                base = part.split("(")[0].strip()
                if base:
                    names.add(fold_word(base))
    return frozenset(names)


def is_language_name(name: str) -> bool:
    return fold_word(name) in language_names()


__all__ = [
    "COMMON_WORD_ZIPF",
    "common_words",
    "first_names",
    "is_common_word",
    "is_first_name",
    "is_language_name",
    "language_names",
]


# A word that wordfreq reads as itself: lower-case Latin letters, composed, nothing else
# (no digit, apostrophe, hyphen or combining mark, which its tokenizer would split or fold).
_PLAIN_WORD = re.compile(r"[a-zà-öø-ÿœ]+")


def _build_zipf_words(zipf: float, languages: tuple[str, ...]) -> frozenset[str]:
    from wordfreq import get_frequency_dict, zipf_frequency

    # the dictionary's values are frequencies (Zipf = log10(frequency * 1e9)); those well
    # below the cut are skipped, and the cut itself is wordfreq's own rounded Zipf value
    floor = 10 ** (zipf - 0.1 - 9)
    return frozenset(
        word
        for language in languages
        for word, freq in get_frequency_dict(language).items()
        if freq >= floor and _PLAIN_WORD.fullmatch(word) and zipf_frequency(word, language) >= zipf
    )


@functools.cache
def zipf_words(zipf: float, languages: tuple[str, ...]) -> frozenset[str]:
    """The plain words (`_PLAIN_WORD`) whose wordfreq Zipf value is at least `zipf` in
    one of `languages`, built once per machine (wordfreq's import and tables cost
    about half a second in each process)."""
    key = f"{metadata.version('wordfreq')}:{zipf}:{','.join(languages)}:{source_digest(Path(__file__))}"
    return cached(
        f"zipf-words-{zipf}-{'-'.join(languages)}", key, lambda: _build_zipf_words(zipf, languages)
    )


def zipf_at_least(word: str, zipf: float, languages: tuple[str, ...]) -> bool:
    """``max(wordfreq.zipf_frequency(word, l) for l in languages) >= zipf``, exactly.

    A plain word is looked up in `zipf_words`: wordfreq reads it as one token, itself,
    so its value is that of the same key in the list. Any other word (an apostrophe,
    a digit, a capital) is left to wordfreq.
    """
    if _PLAIN_WORD.fullmatch(word):
        return word in zipf_words(zipf, languages)
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, language) for language in languages) >= zipf
