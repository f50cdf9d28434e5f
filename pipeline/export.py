"""Exports for people who open tables in a spreadsheet: one CSV per table and one XLSX.

`processed/*.parquet` is the pipeline's output; colleagues who do not write
Python need files a spreadsheet opens as they are:

- one CSV per processed table, UTF-8 with a byte-order mark (without it, Excel
  reads UTF-8 as the local code page and breaks accented names), lists joined
  with "; ", dates in ISO form;
- `tables.xlsx`, one sheet per table, header row frozen, column widths that
  fit the first rows, an autofilter; written with XlsxWriter in its
  constant-memory mode, so a large table streams row by row.

Page text is data, never a formula: a CSV cell that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a leading apostrophe (the usual
CSV-injection guard, which spreadsheets show as text), and the XLSX writer
stores every string as a string (`strings_to_formulas` off), so nothing from a
page can run when the file is opened. A table longer than a sheet (1,048,575
rows) continues on sheets named `table (2)`, `table (3)` …

Every file is written under a temporary name and renamed into place, so an
interrupted export leaves the previous files whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq

from .schemas import PROCESSED_TABLES

XLSX_NAME = "tables.xlsx"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_ROWS = 1_048_575  # Excel's rows per sheet, less the header
_WIDTH_SAMPLE = 2_000  # rows read to size the columns
_MAX_WIDTH = 60
_BATCH = 10_000


def cell(value: object) -> object:
    """A Parquet value as a spreadsheet cell: lists joined, dates in ISO form."""
    if isinstance(value, list):
        return "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def csv_cell(value: object) -> object:
    """A cell for CSV, where a leading =, +, -, @ would make a formula."""
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def tables(processed: Path) -> list[str]:
    """The processed tables that exist, in the order of the schemas."""
    return [name for name in PROCESSED_TABLES if (processed / f"{name}.parquet").exists()]


def _rows(path: Path) -> Iterator[dict]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH):
        yield from batch.to_pylist()


def write_csv(source: Path, target: Path) -> int:
    columns = pq.ParquetFile(source).schema_arrow.names
    tmp = target.with_name(target.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in _rows(source):
            writer.writerow([csv_cell(row[c]) for c in columns])
            n += 1
    os.replace(tmp, target)
    return n


def _widths(source: Path, columns: list[str]) -> list[int]:
    widths = [len(c) for c in columns]
    for i, row in enumerate(_rows(source)):
        if i >= _WIDTH_SAMPLE:
            break
        for j, c in enumerate(columns):
            value = cell(row[c])
            widths[j] = max(widths[j], len(str(value)) if value is not None else 0)
    return [min(_MAX_WIDTH, w + 2) for w in widths]


def write_xlsx(processed: Path, names: list[str], target: Path) -> None:
    import xlsxwriter

    tmp = target.with_name(target.name + ".tmp")
    workbook = xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    try:
        for name in names:
            source = processed / f"{name}.parquet"
            columns = pq.ParquetFile(source).schema_arrow.names
            widths = _widths(source, columns)
            sheet, n, part = None, _SHEET_ROWS, 0
            for row in _rows(source):
                if n == _SHEET_ROWS:
                    part += 1
                    sheet = workbook.add_worksheet(name if part == 1 else f"{name} ({part})")
                    _start_sheet(sheet, columns, widths, header)
                    n = 0
                n += 1
                for j, c in enumerate(columns):
                    value = cell(row[c])
                    if value is not None:
                        sheet.write(n, j, value)
            if sheet is None:  # an empty table still shows its columns
                _start_sheet(workbook.add_worksheet(name), columns, widths, header)
            elif n:
                sheet.autofilter(0, 0, n, len(columns) - 1)
        workbook.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)


def _start_sheet(sheet, columns: list[str], widths: list[int], header) -> None:
    for j, (c, w) in enumerate(zip(columns, widths, strict=True)):
        sheet.set_column(j, j, w)
        sheet.write_string(0, j, c, header)
    sheet.freeze_panes(1, 0)


def export(processed: Path, out: Path) -> dict[str, int]:
    """Write the CSVs and the XLSX of every processed table; rows per table."""
    names = tables(processed)
    if not names:
        raise FileNotFoundError(f"no tables in {processed}: run make first")
    out.mkdir(parents=True, exist_ok=True)
    counts = {name: write_csv(processed / f"{name}.parquet", out / f"{name}.csv") for name in names}
    write_xlsx(processed, names, out / XLSX_NAME)
    return counts
