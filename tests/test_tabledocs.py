"""docs/tables.md is the schemas, rendered: it cannot drift from them."""

import pyarrow as pa

from pipeline import tabledocs


def test_every_column_of_every_table_has_a_meaning():
    assert tabledocs.problems() == []


def test_docs_tables_md_is_what_the_schemas_render():
    assert tabledocs.DOC_PATH.read_text(encoding="utf-8") == tabledocs.render(), (
        "docs/tables.md is out of date: run python -m pipeline.tabledocs"
    )


def test_a_column_added_to_a_schema_without_a_meaning_is_reported(monkeypatch):
    schema = tabledocs.PROCESSED_TABLES["places"].append(pa.field("elevation", pa.float64()))
    monkeypatch.setitem(tabledocs.PROCESSED_TABLES, "places", schema)
    assert tabledocs.problems() == ["processed/places.elevation has no description"]
    assert "| `elevation` | double |  |" in tabledocs.render()
