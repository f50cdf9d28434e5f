"""Markdown to plain text: keep the words, drop the markup.

Only what changes what NER sees is removed: heading and list markers, emphasis,
link and image syntax (the link text stays, the address goes), HTML comments
and fenced-code fences. Paragraph breaks are kept.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"^```.*$", re.M), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image: keep its alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # link: keep its text
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.M), ""),  # heading markers
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.M), ""),  # horizontal rules
]


def markdown_to_text(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
