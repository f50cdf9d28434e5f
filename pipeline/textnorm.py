"""Typographic normalisation of the text that spaCy sees.

The French model was trained on text with straight apostrophes: given "qu’",
"d’" or "L’" with a typographic apostrophe it splits them badly and tags the
pieces as places. Non-breaking and narrow spaces confuse its tokenizer in the
same way, and the ``|`` between the cells of a table row lets names run from one
cell into the next. Every replacement here is one character for one character, so the
offset map back to the original text is the identity: a span found in the
normalised text has the same offsets in the original, and mention texts are
always taken from the original.
"""

from __future__ import annotations

_TABLE = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark, the usual typographic apostrophe
        "\u2018": "'",
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2032": "'",  # prime, used as an apostrophe by some keyboards
        "\u00b4": "'",  # acute accent used as an apostrophe
        "\u00a0": " ",  # no-break space (French typography before : ; ! ?)
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u00ad": "-",  # soft hyphen (invisible, but it splits tokens)
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        # The cell separator of table rows (``a | b | c``): the models read "Fondation X |
        # Belgique" as one name, a semicolon ends a name for them as it ends a clause.
        "|": ";",
    }
)


def normalise_for_model(text: str) -> str:
    """`text` with typographic apostrophes and spaces made plain; same length."""
    normalised = text.translate(_TABLE)
    assert len(normalised) == len(text)
    return normalised
