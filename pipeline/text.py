"""Text helpers every rule shares: folding names, leading articles, web addresses, word
alternations as regular expressions.

Folding. Four keys, one per kind of comparison, all built on ``strip_accents``:

* ``fold``: names compared as the reference scorer compares them (``eval/score.py``):
  the typographic apostrophe becomes ``'`` *before* accents are dropped (so "L’Agence"
  loses its article like "L'Agence"), then everything that is not ASCII goes, a leading
  article goes, and any run of signs becomes one space. Organisation names, relations
  and reports use it, so that names that count as one in scoring are one in the tables.
* ``fold_word``: case and accents only, signs kept ("aujourd'hui", "peut-être"): how the
  word lists (first names, word frequencies, language names) are compared.
* ``fold_place``: case, accents and ligatures ("Œ" is "oe", where ``fold`` drops it), dots
  ("U.S.A." is "usa"), signs and the abbreviations of place names ("St" is "saint");
  articles kept, ``strip_folded_article`` removes them: the gazetteer's keys.
* ``fold_case``: case, apostrophes and blanks only, accents kept ("février"): vocabulary
  lookups of the date rules, whose words differ by their accents from other words.

They differ on purpose: the scorer drops letters that have no ASCII form and joins the
words around a non-ASCII sign ("a·b" is "ab"), which is right for comparing with the gold
and wrong for looking a word up in a list.

Everything here is a pure function of its text, and part of the version of every rule that
calls it (each rule's ``SOURCES`` lists this module).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# --------------------------------------------------------------------------- folding

# Signs that pages use as apostrophes (typographic, modifier letters, accents).
APOSTROPHES = "'’‘ʼʻ`´"
# The articles the reference scorer removes from the start of a folded name.
_SCORER_ARTICLES = ("the ", "le ", "la ", "les ", "l ", "l'")


def strip_accents(text: str) -> str:
    """`text` decomposed (NFKD) without its combining marks: "Liège" is "Liege", "ﬁ" is
    "fi"; letters that do not decompose stay ("œ", "ø", "ł")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """Case, accents, apostrophes, punctuation and a leading article folded away.

    The same folding as the reference scorer, so that names that count as one
    there are one here.
    """
    # The typographic apostrophe is not ASCII: it becomes ' before accents are
    # dropped, so that "L’Agence" loses its article like "L'Agence".
    s = name.replace("\u2019", "'")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    for article in _SCORER_ARTICLES:
        if s.startswith(article):
            s = s[len(article) :]
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


def fold_word(word: str) -> str:
    """Lower case, no accents: how the word lists compare words."""
    return strip_accents(word.strip().casefold()).replace("’", "'")


_PLACE_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
)
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")
_PLACE_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount"}
_PLACE_ABBREVIATION_RE = re.compile(r"\b(?:st|ste|mt)\b")
_FOLDED_ARTICLE_RE = re.compile(r"^(?:the|le|la|les|l|d)\s+(?=\S)")


def fold_place(name: str) -> str:
    """Case, accents, apostrophes, dots, hyphens and spacing folded; articles kept."""
    if name.isascii():
        text = name.lower()
    else:
        text = strip_accents(name).casefold().translate(_PLACE_LETTERS)
    # "U.S.A." -> "usa", "St. Louis" -> "st louis"; then any other sign is a space.
    text = _NON_WORD_RE.sub(" ", text.replace(".", "")).strip()
    if _PLACE_ABBREVIATION_RE.search(text):
        text = " ".join(_PLACE_ABBREVIATIONS.get(token, token) for token in text.split())
    return text


def strip_folded_article(folded: str) -> str:
    """A folded name without its leading French or English article ("l ouganda")."""
    return _FOLDED_ARTICLE_RE.sub("", folded, count=1)


_VOCABULARY_APOSTROPHE_RE = re.compile("['\u2019\u02bc]")


def fold_case(s: str) -> str:
    """Case, apostrophes and blanks folded, accents kept: a vocabulary token or a matched
    word ready for a dictionary lookup."""
    s = unicodedata.normalize("NFC", s).lower()
    s = _VOCABULARY_APOSTROPHE_RE.sub("'", s)
    return " ".join(s.split())


# --------------------------------------------------------------------------- articles

# A definite article or an elided "l'"/"d'" at the start of a name as written.
_LEADING_ARTICLE_RE = re.compile(
    r"^(?:(?:le|la|les|the)\s+|[ld][" + APOSTROPHES + r"]\s*)", re.IGNORECASE
)


def strip_article(name: str) -> str:
    """`name` without a leading article or elision, as written: "la RDC" is "RDC",
    "l'Ouganda" and "d’Ouganda" are "Ouganda"."""
    return _LEADING_ARTICLE_RE.sub("", name, count=1)


# ------------------------------------------------------------------ web addresses

# Both run over every paragraph: the URL pattern is tried only where an "h" or a "w"
# starts, the e-mail one only in a paragraph with an "@".
_URL_RE = re.compile(r"(?=[hHwW])(?:\bhttps?://|\bwww\.)\S+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of web addresses ("https://…", "www.…") up to the next blank."""
    return [m.span() for m in _URL_RE.finditer(text)]


def email_spans(text: str) -> list[tuple[int, int]]:
    """Spans of e-mail addresses ("contact@example.org")."""
    return [m.span() for m in _EMAIL_RE.finditer(text)] if "@" in text else []


def web_address_spans(text: str) -> list[tuple[int, int]]:
    """Spans of web and e-mail addresses, in that order: numbers and names inside them
    are neither dates, figures nor organisations."""
    return url_spans(text) + email_spans(text)


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span replaced by as many spaces (offsets unchanged)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# --------------------------------------------------------------------------- alternations


def phrase(words: str, *, blank: str = r"\s+", apostrophe: str = "['’]", hyphen: str = "") -> str:
    """Regex for a phrase as the word lists write it (lower case): a blank matches `blank`
    (any run of blanks by default), an apostrophe any of `apostrophe`, a hyphen `hyphen`
    when given; everything else itself."""
    return "".join(_piece(ch, blank, apostrophe, hyphen) for ch in words)


def _piece(ch: str, blank: str, apostrophe: str, hyphen: str) -> str:
    if ch == " ":
        return blank
    if ch in "'’":
        return apostrophe
    if ch == "-" and hyphen:
        return hyphen
    return re.escape(ch)


def alternation(
    phrases: Iterable[str], *, blank: str = r"\s+", apostrophe: str = "['’]", hyphen: str = ""
) -> str:
    """Regex matching any of the phrases, the longest where several fit (each phrase read
    as ``phrase`` reads it).

    Written as a trie ("cinq(?:uante)?" rather than "cinquante|cinq"): the regex
    engine tries each position of a text once against the first letters instead
    of once per phrase, and these alternations run over every paragraph.
    Depth first, a longer continuation is tried before the phrase ends, so the
    longest phrase matches, as with the phrases sorted longest first.
    """
    trie: dict = {}
    for p in set(phrases):
        node = trie
        for ch in p:
            node = node.setdefault("'" if ch in "'’" else ch, {})
        node[""] = {}  # a phrase ends here

    def branch(node: dict) -> str:
        parts = [
            _piece(ch, blank, apostrophe, hyphen) + branch(node[ch])
            for ch in sorted(k for k in node if k)
        ]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(trie)
