"""Relations: the organisation a page speaks for, its owner.

Part of the relations rule (pipeline/relations.py, whose version hashes this
file). "We", "nous" and what no sentence attaches to anyone go to the page's
owner: found by the page's structure (about line, copyright, site name, header,
domain) before counts, with a default score that grows with the owner's share
of the page.
"""

from __future__ import annotations

import re

from .relations_structure import Mention, cues
from .text import fold

# The owner's default score, from a page that names many others to one that
# speaks only of and for its owner (see owner_default_score).
OWNER_DEFAULT_MIN = 0.3
OWNER_DEFAULT_MAX = 0.7


# How strongly each place on a page says which organisation the page speaks for.
OWNER_SIGNALS = {"about": 5, "copyright": 4, "site_name": 3, "title": 3, "header": 2, "domain": 1}
_HEADER_LINES = 15
_EMAIL_OR_URL = re.compile(r"[\w.+-]+@([\w.-]+\.[a-z]{2,})|https?://(?:www\.)?([\w.-]+)", re.I)


def _names(row: dict) -> set[str]:
    """Every folded name of an organisation row: its name, its aliases, its acronym."""
    names = [row.get("name") or "", *(row.get("aliases") or []), row.get("acronym") or ""]
    return {fold(n) for n in names} - {""}


def _initials(text: str) -> set[str]:
    """The acronyms the capitalised words of each piece of a text spell
    ("© 2021 African Vision Malawi" → "avm"), pieces cut at dashes and bars."""
    out = set()
    for piece in re.split(r"[-–—|,;:]", text):
        words = [w for w in re.findall(r"[^\W\d_][\w'’]*", piece) if w[0].isupper()]
        if len(words) >= 2:
            out.add("".join(w[0] for w in words).lower())
    return out


def _named_in(names: set[str], folded: str, initials: set[str]) -> bool:
    """Whether a text (folded, and the acronyms it spells) names one of `names`."""
    padded = f" {folded} "
    return any(f" {n} " in padded for n in names) or bool(names & initials)


def page_owner(orgs: list[Mention], text: str = "", meta: dict | None = None) -> str | None:
    """The organisation the page speaks for ("we", "nous").

    Structure first: a line that says what the page is about ("About X", "À propos
    de X"), the copyright notice ("© 2021 X", also by X's acronym), the site name
    and title, a line of the page's header that is X's name, the domain of an
    e-mail or web address (the strongest wins; the one named most on ties); the
    one it names most (twice at least, and more than any other) otherwise. A page
    that names one partner once, and itself only in its chrome, has no owner
    rather than the partner as its owner.
    """
    if not orgs:
        return None
    counts: dict[str, int] = {}
    names: dict[str, set[str]] = {}
    for m in orgs:
        counts[m.key] = counts.get(m.key, 0) + 1
        names.setdefault(m.key, _names(m.row))
    weight = dict.fromkeys(counts, 0)
    c = cues()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    signals: list[tuple[str, str]] = []
    for line in lines:
        about = c["about"].match(line)
        if about and len(line) < 120:
            signals.append(("about", line[about.end() :]))
        signals += [("copyright", m.group(1)) for m in c["copyright"].finditer(line)]
    signals += [(k, (meta or {}).get(k) or "") for k in ("site_name", "title")]
    # the page's header: its first lines, before the first line of prose
    prose = next((i for i, line in enumerate(lines) if len(line.split()) >= 8), len(lines))
    signals += [("header", line) for line in lines[: min(prose, _HEADER_LINES)]]
    # each signal folded once, not once per organisation
    readings = [(kind, fold(signal), _initials(signal)) for kind, signal in signals if signal]
    address = text + " " + ((meta or {}).get("canonical_url") or "")
    domains = [
        set(re.split(r"[.-]", (match.group(1) or match.group(2)).lower()))
        for match in _EMAIL_OR_URL.finditer(address)
    ]
    for key, found in names.items():
        for kind, folded, initials in readings:
            if kind == "header":
                # the whole line is the name (a site's name atop its pages)
                if folded not in found and not any(
                    n in folded and len(n) >= 0.6 * len(folded) for n in found
                ):
                    continue
            elif not _named_in(found, folded, initials):
                continue
            weight[key] = max(weight[key], OWNER_SIGNALS[kind])
        squashed = {n.replace(" ", "") for n in found}
        if any(labels & squashed for labels in domains):
            weight[key] = max(weight[key], OWNER_SIGNALS["domain"])
    best = max(counts, key=lambda k: (weight[k], counts[k]))  # first seen on ties
    if weight[best] == 0:
        # counts alone: the organisation named most, twice at least and more than any
        # other (two named as often are two subjects of the page, neither its voice)
        runner_up = max((n for k, n in counts.items() if k != best), default=0)
        if counts[best] < 2 or counts[best] == runner_up:
            return None
    return best


def owner_default_score(
    text: str, orgs: list[Mention], owner: str | None, first_person: re.Pattern
) -> float:
    """How sure "what no organisation takes is the owner's" is on this page.

    A page that speaks mostly of and for its owner (its name, "we") gives the
    owner what its sentences leave unsaid; a report on others (a city's vote, a
    list of partners' projects) names its owner among many. The score grows with
    the owner's share of the page's organisation mentions and first-person words,
    from OWNER_DEFAULT_MIN to OWNER_DEFAULT_MAX.
    """
    if owner is None:
        return 0.0
    own = sum(m.key == owner for m in orgs)
    voice = len(first_person.findall(text))
    share = (own + voice) / (len(orgs) + voice) if orgs else 0.0
    return round(OWNER_DEFAULT_MIN + (OWNER_DEFAULT_MAX - OWNER_DEFAULT_MIN) * share, 2)
