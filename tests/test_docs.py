"""The documentation holds together: a short README, every page reachable from it, no dead link."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
# [text](target) or [text](target#anchor); external addresses and bare anchors are left out
LINK = re.compile(r"\]\(([^)#\s:]+)(?:#([^)\s]+))?\)")


def _links(page: Path) -> list[tuple[Path, str | None]]:
    text = page.read_text(encoding="utf-8")
    return [((page.parent / target).resolve(), anchor) for target, anchor in LINK.findall(text)]


def _anchors(page: Path) -> set[str]:
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_the_readme_stays_short():
    assert README.stat().st_size <= 12 * 1024


def test_every_link_between_pages_leads_somewhere():
    dead = []
    for page in [README, *DOCS]:
        for target, anchor in _links(page):
            if not target.exists():
                dead.append(f"{page.name} -> {target.name}")
            elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
                dead.append(f"{page.name} -> {target.name}#{anchor}")
    assert not dead


def test_every_docs_page_is_reachable_from_the_readme():
    seen, todo = {README.resolve()}, [README]
    while todo:
        for target, _ in _links(todo.pop()):
            if target.suffix == ".md" and target.exists() and target not in seen:
                seen.add(target)
                todo.append(target)
    assert [p.name for p in DOCS if p.resolve() not in seen] == []
