"""Word, OpenDocument and RTF files written by the tests: the same short report in each format.

The report has a heading, two paragraphs (an organisation, a place, a date, accents), a table of
donors and amounts with a header row, a footnote and a page footer.  ``make_docx`` writes it
with python-docx (the footnote part is added through python-docx's package API, which has no
footnote call); ``make_odt`` and ``make_rtf`` write the files' XML and RTF by hand.
"""

from __future__ import annotations

import io
import zipfile

HEADING = "Rapport d'activité 2021"
PARAGRAPHS = [
    "L'association Solidarité Kasaï a ouvert un centre de santé à Tshikapa le 12 mars 2021.",
    "Les équipes ont accueilli 340 familles déplacées venues de Kananga.",
]
TABLE = [
    ["Partenaire", "Pays", "Montant (€)"],
    ["Fondation Roi Baudouin", "Belgique", "45 000"],
    ["Enabel", "Belgique", "12"],
    ["Fondation de France", "France", "8 500"],
]
FOOTNOTE = "Montants versés entre janvier et décembre 2021."
FOOTER = "Solidarité Kasaï – rapport annuel"

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_XMLNS = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items())


def make_docx(table=TABLE, *, mark_header: bool = False, title: str | None = None) -> bytes:
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_heading(HEADING, level=1)
    first = document.add_paragraph(PARAGRAPHS[0])
    document.add_paragraph(PARAGRAPHS[1])
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for row, values in zip(grid.rows, table, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    if mark_header:
        tr_pr = grid.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
    document.sections[0].footer.paragraphs[0].text = FOOTER
    # a footnote: its part, its relationship and a reference in the first paragraph
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (
        f'<w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{FOOTNOTE}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, notes, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    run = first.add_run()
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    run._r.append(reference)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt_cell(value: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def make_odt(table=TABLE) -> bytes:
    header = "".join(_odt_cell(v) for v in table[0])
    rows = "".join(
        "<table:table-row>" + "".join(_odt_cell(v) for v in row) + "</table:table-row>"
        for row in table[1:]
    )
    note = (
        '<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1'
        f"</text:note-citation><text:note-body><text:p>{FOOTNOTE}</text:p></text:note-body>"
        "</text:note>"
    )
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_XMLNS} office:version="1.3"><office:body><office:text>
<text:h text:outline-level="1">{HEADING}</text:h>
<text:p>{PARAGRAPHS[0]}{note}</text:p>
<text:p>{PARAGRAPHS[1]}</text:p>
<table:table table:name="Dons"><table:table-column table:number-columns-repeated="{len(table[0])}"/>
<table:table-header-rows><table:table-row>{header}</table:table-row></table:table-header-rows>
{rows}</table:table>
</office:text></office:body></office:document-content>"""
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_XMLNS} office:version="1.3"><office:master-styles>
<style:master-page style:name="Standard"><style:footer><text:p>{FOOTER}</text:p></style:footer>
</style:master-page></office:master-styles></office:document-styles>"""
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {_XMLNS} office:version="1.3"><office:meta>
<dc:title>{HEADING}</dc:title><dc:language>fr-BE</dc:language></office:meta></office:document-meta>"""
    files = {"content.xml": content, "styles.xml": styles, "meta.xml": meta}
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.text"/>'
        + "".join(
            f'<manifest:file-entry manifest:full-path="{n}" manifest:media-type="text/xml"/>'
            for n in files
        )
        + "</manifest:manifest>"
    )
    return odf_zip({**files, "META-INF/manifest.xml": manifest})


def odf_zip(
    files: dict[str, str | bytes], mimetype: str = "application/vnd.oasis.opendocument.text"
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def rtf_escape(text: str) -> str:
    """RTF for `text`: cp1252 letters as \\'xx escapes, other characters as \\uN?."""
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:
            try:
                out.append(f"\\'{char.encode('cp1252')[0]:02x}")
            except UnicodeEncodeError:
                code = ord(char)
                if code > 0xFFFF:  # a surrogate pair, as Word writes it
                    code -= 0x10000
                    pair = (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))
                    out.extend(f"\\u{c - 0x10000}?" for c in pair)
                else:
                    out.append(f"\\u{code if code < 0x8000 else code - 0x10000}?")
    return "".join(out)


def make_rtf(table=TABLE, *, extra: str = "") -> bytes:
    cells = "".join(f"\\cellx{2500 * (i + 1)}" for i in range(len(table[0])))
    rows = []
    for i, row in enumerate(table):
        definition = "\\trowd" + ("\\trhdr" if i == 0 else "") + cells
        text = "".join(
            (rtf_escape(v).replace(" ", "\\~") if v[:1].isdigit() else rtf_escape(v)) + "\\cell "
            for v in row
        )
        rows.append(f"{definition}\n\\pard\\intbl {text}\\row\n")
    rtf = (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1036{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}\n"
        f"{{\\info{{\\title {rtf_escape(HEADING)}}}}}\n"
        f"{{\\footer\\pard\\plain {rtf_escape(FOOTER)}\\par}}\n"
        f"\\pard\\plain\\s1\\outlinelevel0 {rtf_escape(HEADING)}\\par\n"
        f"\\pard\\plain {rtf_escape(PARAGRAPHS[0])}{{\\super\\chftn}}"
        f"{{\\footnote\\pard\\plain{{\\super\\chftn}} {rtf_escape(FOOTNOTE)}\\par}}\\par\n"
        f"\\pard\\plain {rtf_escape(PARAGRAPHS[1])}\\par\n"
        + "".join(rows)
        + f"\\pard\\plain {extra}\\par\n}}"
    )
    return rtf.encode("ascii")
