"""Extract: entity spans tightened to their names."""

from __future__ import annotations

from pipeline.extract import trim_entity


def test_trim_entity():
    text = "selon l’Institut Pasteur (« IP ») et d'autres"
    start = text.index("l’Institut")
    assert text[slice(*trim_entity(text, start, text.index(" (") + 3))] == "Institut Pasteur"
    text = "des partenaires de Belgique."
    s = text.index("de Belgique")
    assert text[slice(*trim_entity(text, s, s + len("de Belgique.")))] == "Belgique"
    assert trim_entity("- 12 -", 0, 6) is None  # no letter
    assert trim_entity("line one\nline two", 5, 13) is None  # across lines
