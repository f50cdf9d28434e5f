"""Word, OpenDocument and RTF files: text, parts and tables, bad files, and every stage after.

The files are written by ``office_files`` (the same short report in each format); the hostile
ones (a decompression bomb, damaged, encrypted or macro-enabled files) are built here.
"""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib

import pyarrow.parquet as pq
import pytest
from conftest import folders, run_cli
from office_files import (
    FOOTER,
    FOOTNOTE,
    HEADING,
    TABLE,
    make_docx,
    make_odt,
    make_rtf,
    odf_zip,
)

from pipeline import ingest
from pipeline.formats import office
from pipeline.formats.office import extract_office
from pipeline.formats.text import FormatError

MAKERS = {"docx": make_docx, "odt": make_odt, "rtf": make_rtf}
ROWS = [" | ".join(row) for row in TABLE]
EXPECTED = "\n\n".join(
    [
        HEADING,
        "L'association Solidarité Kasaï a ouvert un centre de santé à Tshikapa le 12 mars 2021.",
        "Les équipes ont accueilli 340 familles déplacées venues de Kananga.",
        "\n".join(ROWS),
        FOOTNOTE,
        FOOTER,
    ]
)
LABELS = ["heading", "main", "table-header", "table", "notes", "chrome"]


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")  # the RTF report writes its amounts with \~


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_the_report_reads_the_same_in_every_format(fmt):
    doc = extract_office(MAKERS[fmt](), fmt)
    assert _plain(doc.text) == EXPECTED
    assert [label for _, _, label in doc.parts] == LABELS
    spans = {label: doc.text[s:e] for s, e, label in doc.parts}
    assert spans["heading"] == HEADING
    assert _plain(spans["table-header"]) == ROWS[0]
    assert _plain(spans["table"]).split("\n") == ROWS[1:]
    assert (spans["notes"], spans["chrome"]) == (FOOTNOTE, FOOTER)
    assert doc.title == HEADING


def test_stated_title_and_language():
    assert extract_office(make_docx(title="Rapport 2021 de l'asbl"), "docx").title == (
        "Rapport 2021 de l'asbl"
    )
    assert extract_office(make_odt(), "odt").language == "fr"  # dc:language fr-BE
    assert extract_office(make_rtf(), "rtf").language == "fr"  # \deflang1036


@pytest.mark.parametrize(
    ("table", "mark", "labels"),
    [
        (TABLE, False, ["table-header", "table"]),  # a first row of labels
        ([["2020", "2021"], ["45 000", "12"]], False, ["table"]),  # a first row of data
        ([["2020", "2021"], ["45 000", "12"]], True, ["table-header", "table"]),  # marked
    ],
)
def test_the_header_row_is_known(table, mark, labels):
    doc = extract_office(make_docx(table, mark_header=mark), "docx")
    assert [p for _, _, p in doc.parts if p.startswith("table")] == labels


def _rtf(body: str, header: str = "\\ansi\\ansicpg1252") -> bytes:
    return ("{\\rtf1" + header + " " + body + "\\par}").encode("latin-1")


@pytest.mark.parametrize(
    ("rtf", "expected"),
    [
        (_rtf("Esp\\'e9rance \\u233? \\uc0\\u233 x"), "Espérance é éx"),
        (_rtf("Kr\\'f3l Pi\\'e6"), "Król Piæ"),  # cp1252, the default
        (_rtf("Kr\\'f3l Pi\\'e6", "\\ansi\\ansicpg1250"), "Król Pić"),  # the file's code page
        (  # the font's character set
            _rtf(
                "{\\fonttbl{\\f0\\fcharset0 Arial;}{\\f1\\fcharset238 Arial CE;}}\\f1 \\'e6\\f0 \\'e9"
            ),
            "\u0107\u00e9",
        ),
        (b"{\\rtf1\\ansi Caf\xe9 \\'e0 Li\\'e8ge\\par}", "Café à Liège"),  # raw 8-bit cp1252
        (_rtf("Terre \\u-10179?\\u-8435? fin"), "Terre \U0001f70d fin"),  # a surrogate pair
        (_rtf("Mon \\u57600?code"), "Mon \ufffdcode"),  # a private-use character of the file
        (
            _rtf(
                "{\\*\\generator Writer;}{\\pict\\pngblip 89504e47}Texte{\\object{\\*\\objdata 01}}"
            ),
            "Texte",
        ),
    ],
)
def test_rtf_characters_and_code_pages(rtf, expected):
    text = extract_office(rtf, "rtf").text
    assert text == expected
    text.encode("utf-8")  # no lone surrogate left


def test_rtf_control_words_never_reach_the_text():
    text = extract_office(make_rtf(), "rtf").text
    assert "\\" not in text and "fonttbl" not in text and "{" not in text


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_an_embedded_image_is_ignored():
    import docx

    document = docx.Document(io.BytesIO(make_docx()))
    document.add_picture(io.BytesIO(_png()))
    out = io.BytesIO()
    document.save(out)
    assert _plain(extract_office(out.getvalue(), "docx").text) == EXPECTED


# --------------------------------------------------------------------------- bad files


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict | None = None) -> bytes:
    """A copy of a ZIP document with some entries replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info.filename)))
        for name, content in add.items():
            dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A .docx whose document expands 20 MB from a few kilobytes."""
    return _rezip(make_docx(), add={"word/padding.xml": b" " * (20 * 2**20)})


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _ole(stream_name: str) -> bytes:
    """The start of an OLE compound file naming one stream, as Office writes them."""
    return office.OLE_MAGIC + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


def _corrupt(data: bytes, name: str) -> bytes:
    """The ZIP with a byte of `name`'s compressed data changed (its CRC no longer matches)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    return data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1 :]


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
)
ODF_MANIFEST_ENCRYPTED = (
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    b'<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
    b"</manifest:file-entry></manifest:manifest>"
)


@pytest.mark.parametrize(
    ("fmt", "make", "fragment"),
    [
        ("docx", zip_bomb, "decompression bomb"),
        ("docx", lambda: _truncated(make_docx()), "damaged"),
        ("docx", lambda: _corrupt(make_docx(), "word/document.xml"), "damaged"),
        ("docx", lambda: _rezip(make_docx(), {"word/document.xml": ENTITY_BOMB}), "document type"),
        (
            "docx",
            lambda: _rezip(make_docx(), {"word/document.xml": b"<w:document><w:body>"}),
            "xml",
        ),
        ("docx", lambda: _rezip(make_docx(), add={"word/vbaProject.bin": b"\x00" * 64}), "macro"),
        ("docx", lambda: _ole("EncryptedPackage"), "password-protected"),
        ("docx", lambda: _ole("WordDocument"), "97-2003"),
        ("odt", lambda: _truncated(make_odt()), "damaged"),
        (
            "odt",
            lambda: _rezip(make_odt(), {"META-INF/manifest.xml": ODF_MANIFEST_ENCRYPTED}),
            "password",
        ),
        ("odt", lambda: _rezip(make_odt(), add={"Basic/Standard/Module1.xml": b"<x/>"}), "macros"),
        (
            "odt",
            lambda: odf_zip(
                {"content.xml": "<x/>"}, "application/vnd.oasis.opendocument.spreadsheet"
            ),
            "spreadsheet",
        ),
        ("rtf", lambda: make_rtf()[:-40], "damaged rtf"),
        ("rtf", lambda: b"{\\pard not rtf}", "not an rtf"),
    ],
)
def test_bad_files_are_refused_with_a_reason(fmt, make, fragment):
    with pytest.raises(FormatError) as caught:
        extract_office(make(), fmt)
    message = str(caught.value)
    assert fragment in message.lower()
    assert "\n" not in message


def test_an_archive_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(office, "MAX_UNCOMPRESSED_BYTES", 4096)
    with pytest.raises(FormatError, match="uncompressed, over the limit"):
        extract_office(make_docx(), "docx")


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("name", "make", "fmt"),
    [
        ("rapport", make_docx, "docx"),
        ("rapport.txt", make_docx, "docx"),
        ("rapport.docx", make_odt, "odt"),
        ("rapport", make_odt, "odt"),
        ("notes.txt", make_rtf, "rtf"),
        ("notes.pdf", make_rtf, "rtf"),
    ],
)
def test_the_content_decides_the_format(tmp_path, name, make, fmt):
    path = tmp_path / name
    path.write_bytes(make())
    raw_file = ingest.RawFile(name, path, path.stat().st_size, path.stat().st_mtime_ns)
    row = ingest.read_document(raw_file, tmp_path, "v")
    assert (row["status"], row["format"]) == ("ok", fmt)
    assert row["parts"][0]["part"] == "heading"


# --------------------------------------------------------------------------- every stage


@pytest.fixture(scope="module")
def office_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("office")
    raw = base / "raw"
    raw.mkdir()
    for fmt, make in MAKERS.items():
        (raw / f"rapport.{fmt}").write_bytes(make())
    (raw / "bomb.docx").write_bytes(zip_bomb())
    (raw / "damaged.odt").write_bytes(_truncated(make_odt()))
    result = run_cli("run", *folders(base))
    assert result.returncode == 0, result.stderr
    return base


def _table(base, name):
    return pq.read_table(base / "processed" / f"{name}.parquet").to_pandas()


def _doc_ids(base) -> dict[str, str]:
    docs = _table(base, "documents")
    return dict(zip(docs.source, docs.doc_id, strict=True))


def test_documents_and_error_rows(office_run):
    docs = _table(office_run, "documents").set_index("source")
    for fmt in MAKERS:
        row = docs.loc[f"rapport.{fmt}"]
        assert (row.status, row.format, row.title, row.language) == ("ok", fmt, HEADING, "fr")
    assert docs.loc["bomb.docx", "status"] == "error"
    assert "decompression bomb" in docs.loc["bomb.docx", "error"]
    assert docs.loc["damaged.odt", "status"] == "error"
    assert "damaged" in docs.loc["damaged.odt", "error"]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_each_row_is_one_segment_with_its_part(office_run, fmt):
    doc_id = _doc_ids(office_run)[f"rapport.{fmt}"]
    texts = pq.read_table(office_run / "interim" / "documents.parquet").to_pandas()
    text = texts.set_index("doc_id").loc[doc_id, "text"]
    segments = pq.read_table(office_run / "interim" / "segments.parquet").to_pandas()
    mine = segments[segments.doc_id == doc_id].sort_values("segment")
    found = [
        (_plain(text[s:e]), part)
        for s, e, part in zip(mine.start, mine.end, mine.part, strict=True)
    ]
    assert found == [
        (HEADING, "heading"),
        (EXPECTED.split("\n\n")[1], "main"),
        (EXPECTED.split("\n\n")[2], "main"),
        (ROWS[0], "table-header"),
        *[(row, "table") for row in ROWS[1:]],
        (FOOTNOTE, "notes"),
        (FOOTER, "chrome"),
    ]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_organisations_places_dates_and_figures_of_the_report(office_run, fmt):
    doc_id = _doc_ids(office_run)[f"rapport.{fmt}"]

    def mine(name):
        table = _table(office_run, name)
        return table[table.doc_id == doc_id]

    orgs = set(mine("organisations").name)
    assert {"Solidarité Kasaï", "Fondation Roi Baudouin", "Enabel", "Fondation de France"} <= orgs
    assert not any("|" in name for name in orgs)  # no name runs from one cell into the next
    places = mine("places").set_index("name")
    assert not {"Partenaire", "Pays", "Montant"} & (orgs | set(places.index))  # column labels
    assert places.loc["Tshikapa", "country_code"] == "CD"
    assert {"BE", "FR"} <= set(places.country_code)  # Belgique, France, in the table's cells
    dates = mine("dates")
    assert datetime.date(2021, 3, 12) in set(dates.start)
    figures = mine("figures")
    values = sorted(figures.value)
    assert values == [12.0, 340.0, 8500.0, 45000.0]  # each amount once, none glued to the next
    assert figures.set_index("value").loc[340.0, "unit"] == "famille"
    mentions = mine("mentions")
    assert set(mentions[mentions.text == "Enabel"].part) == {"table"}
    assert "chrome" in set(mentions[mentions.text == "Solidarité Kasaï"].part)


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_dates_and_figures_say_where_they_stand(office_run, fmt):
    """A date of the heading, of a paragraph and of a footnote, a figure of a paragraph
    and of a table row: each row carries its segment and part, as its mention does."""
    doc_id = _doc_ids(office_run)[f"rapport.{fmt}"]

    def mine(name):
        table = _table(office_run, name)
        return table[table.doc_id == doc_id]

    def where(row):
        return (int(row.segment), row.part)

    dates = {row.text: where(row) for row in mine("dates").itertuples()}
    assert dates["2021"] == (0, "heading")  # "Rapport d'activité 2021"
    assert dates["12 mars 2021"] == (1, "main")
    assert [part for text, (_, part) in dates.items() if "décembre" in text] == ["notes"]
    figures = {row.value: where(row) for row in mine("figures").itertuples()}
    assert figures[340.0] == (2, "main")
    assert figures[45000.0] == (4, "table")  # the first row under the header row
    assert figures[8500.0] == (6, "table")
    assert mine("figures").page.isna().all()  # no pages outside a PDF
    # the same place as the mentions table gives
    mentions = mine("mentions")
    figure_mentions = mentions[mentions.label == "FIGURE"]
    assert set(zip(figure_mentions.segment, figure_mentions.part, strict=True)) == set(
        figures.values()
    )


# --------------------------------------------------------------------------- figures in rows


@pytest.mark.parametrize(
    ("lang", "rows", "values"),
    [
        (
            "fr",
            [
                "Fondation Roi Baudouin | Belgique | 45 000 | 12",
                "Enabel | Kinshasa | 8 500 | 2 000",
            ],
            [45000.0, 12.0, 8500.0, 2000.0],
        ),
        (
            "en",
            ["Ford Foundation | United States | 45,000 | 12", "Oxfam | Nairobi | 8,500 | 2,000"],
            [45000.0, 12.0, 8500.0, 2000.0],
        ),
    ],
)
def test_figures_of_a_table_row_stay_in_their_cells(lang, rows, values):
    """Through the language and extract stages: one figure per amount, never two cells glued
    ("45 000 | 12" is not 4500012), and no name running across a cell separator."""
    from pipeline.extract import extract_documents
    from pipeline.language import language_chunk

    text = (
        "Montants des partenaires en 2021.\n\n" if lang == "fr" else "Partner grants in 2021.\n\n"
    )
    text += "\n".join(rows)
    doc = {"doc_id": "d", "text": text, "parts": None, "pages": None, "published": None}
    segments = language_chunk(([doc], {}))[0].rows
    for segment in segments:
        segment["language"] = lang  # short rows: the language is the test's, not a guess
    result = next(extract_documents([doc], {"d": segments}))
    figures = [m for m in result.rows if m["label"] == "FIGURE"]
    assert [f["value"] for f in figures] == values
    assert all("|" not in f["text"] for f in figures)
    names = [m["text"] for m in result.rows if m["label"] in ("ORG", "LOC", "PER", "MISC")]
    assert names and not any("|" in name for name in names)


def test_a_table_row_is_never_joined_to_the_next():
    """A row ending in a word followed by one starting in lower case is not a wrapped line."""
    from pipeline.segment import segment_text

    text = "Partenaire | Pays\nasbl Kwetu | belgique\nla suite du texte"
    assert [text[s.start : s.end] for s in segment_text(text)] == text.split("\n")
