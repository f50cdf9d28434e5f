"""Versions hash every file that decides an output (pipeline.config).

A rule split over several modules must hash all of them: otherwise editing one part would
leave the rule's ``extractor`` version and its stage's version unchanged, and the next run
would keep rows that the edited rule no longer produces.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline import relations
from pipeline.config import PACKAGE, stage_inputs, stage_versions
from pipeline.rules import (
    dates,
    figures,
    gazetteer,
    org_context,
    org_junk,
    org_names,
    org_products,
    organisations,
    places,
)

RULES = PACKAGE / "rules"
# Modules of pipeline/rules that decide no output: the package marker and the on-disk
# cache of built word lists (its key is the digest of the code that builds them).
NOT_RULES = {"__init__.py", "cache.py"}


def _files(parts) -> set[Path]:
    out: set[Path] = set()
    for part in parts:
        if isinstance(part, Path):
            out |= set(part.rglob("*.py")) if part.is_dir() else {part}
    return out


def _imported_modules(path: Path) -> set[Path]:
    """The pipeline modules a module imports (relative imports, at any depth of the file)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
        if node.module:
            target = base.joinpath(*node.module.split("."))
            out.add(target.with_suffix(".py") if not target.is_dir() else target / "__init__.py")
        else:  # from . import lexicon, organisations
            out |= {base / f"{alias.name}.py" for alias in node.names}
    return {p for p in out if p.exists()}


def test_every_rule_module_is_hashed_by_a_stage():
    hashed = set().union(*(_files(parts) for parts in stage_inputs().values()))
    modules = {p for p in RULES.glob("*.py") if p.name not in NOT_RULES}
    assert sorted(p.name for p in modules - hashed) == []


@pytest.mark.parametrize("rule", [dates, figures, places, gazetteer], ids=lambda m: m.__name__)
def test_a_rule_hashes_every_module_it_is_split_into(rule):
    """dates.py, dates_grammar.py and dates_values.py are one rule, as are figures_*,
    places_* and gazetteer_*: each part is in the rule's SOURCES."""
    stem = Path(rule.__file__).stem
    parts = set(RULES.glob(f"{stem}_*.py"))
    assert parts, "the rule has no split-out module: the test checks nothing"
    assert sorted(p.name for p in parts - set(rule.SOURCES)) == []


@pytest.mark.parametrize(
    "rule",
    [
        dates,
        figures,
        places,
        gazetteer,
        organisations,
        org_products,
        org_junk,
        org_names,
        org_context,
    ],
    ids=lambda m: m.__name__,
)
def test_a_rule_hashes_the_modules_its_code_imports(rule):
    """Code a rule calls decides its output as much as its own: a helper moved into another
    module must be added to SOURCES (config gives the hash function, cache keeps built word
    lists under the digest of the code that builds them)."""
    sources = _files(rule.SOURCES)
    imported = set().union(*(_imported_modules(p) for p in sources))
    tools = {PACKAGE / "config.py", RULES / "cache.py"}
    assert sorted(str(p.relative_to(PACKAGE)) for p in imported - sources - tools) == []


def test_the_relations_rule_hashes_every_module_it_is_split_into():
    """relations.py, relations_structure.py and relations_owner.py are one rule: each part
    is in relations.SOURCES (its ``extractor`` version) and in the link stage's inputs."""
    parts = set(PACKAGE.glob("relations_*.py"))
    assert parts, "relations has no split-out module: the test checks nothing"
    assert sorted(p.name for p in parts - set(relations.SOURCES)) == []
    assert sorted(p.name for p in parts - _files(stage_inputs()["link"])) == []


def test_the_relations_rule_hashes_the_modules_its_code_imports():
    """As for the rules above; build() alone reads the tables (schemas, storage, tables:
    input and output, not the rule), so those are the only modules left out."""
    sources = _files(relations.SOURCES)
    imported = set().union(*(_imported_modules(p) for p in sources))
    io = {PACKAGE / f"{name}.py" for name in ("config", "schemas", "storage", "tables")}
    assert sorted(str(p.relative_to(PACKAGE)) for p in imported - sources - io) == []


def test_a_stage_version_changes_with_the_stage_before_it():
    versions = stage_versions()
    assert list(versions) == ["ingest", "language", "extract", "resolve", "link"]
    assert len(set(versions.values())) == len(versions)
