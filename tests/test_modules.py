"""The code stays in modules a reader can take in: none of pipeline/ is over 800 lines.

A module that grows past that mixes several ideas; split it into siblings named for what
each part does (as dates.py, dates_grammar.py and dates_values.py are), and add the new
files to the rule's SOURCES so that its version still hashes all of it (test_config.py).
"""

from __future__ import annotations

from pipeline.config import PACKAGE

MAX_LINES = 800


def test_no_module_is_over_800_lines():
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 20  # the package was found
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
