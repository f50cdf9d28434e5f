"""The mention: a span of a document that a model or a rule named, as extract writes it and
resolve reads it.

A mention never changes: a rule that relabels it, cuts it or widens it makes a new one
(``relabelled``, ``respanned``), with the rule's name appended to its ``extractor``, so a
row in the tables says every rule that touched it. What resolve learns about a mention
afterwards (its entity, its organisation's link key) goes beside it, not into it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Mention:
    doc_id: str
    segment: int  # -1 for a rule's mention outside every segment
    start: int  # offsets into the document's text; text == document text[start:end]
    end: int
    text: str
    label: str  # ORG | LOC | PER | MISC | DATE | FIGURE
    language: str | None
    extractor: str  # spacy:<model>==<version> or rule:<name>@<version>, then "+rule..." added
    model_label: str | None = None  # the label as the model gave it (GPE, PERSON...)
    # dates
    date_start: datetime.date | None = None
    date_end: datetime.date | None = None
    granularity: str | None = None
    day: int | None = None
    month: int | None = None
    # figures
    value: float | None = None
    upper: float | None = None
    unit: str | None = None
    approximate: bool | None = None
    # an organisation a rule found with its acronym: that acronym (resolve only)
    acronym: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> Mention:
        """A mention from a row of the extract stage's table (extra columns ignored)."""
        return cls(**{name: row.get(name) for name in _FIELDS})

    def row(self) -> dict:
        """The row of the extract stage's table."""
        return {name: getattr(self, name) for name in _ROW_FIELDS}

    def relabelled(self, label: str, rule: str) -> Mention:
        """The mention with another label, `rule` added to its extractor."""
        return replace(self, label=label, extractor=f"{self.extractor}+{rule}")

    def respanned(self, document: str, start: int, end: int, rule: str | None = None) -> Mention:
        """The mention over document[start:end] (cut or widened), `rule` added to its
        extractor when given."""
        extractor = f"{self.extractor}+{rule}" if rule else self.extractor
        return replace(self, start=start, end=end, text=document[start:end], extractor=extractor)


_FIELDS = tuple(f.name for f in fields(Mention))
# The columns of the extract stage's table (schemas.MENTIONS_RAW): all but what resolve adds.
_ROW_FIELDS = tuple(name for name in _FIELDS if name != "acronym")
