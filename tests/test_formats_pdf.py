"""PDF text extraction (pipeline.formats.pdf) on small PDFs written by hand in the test."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from pipeline.formats.pdf import extract_pdf
from pipeline.formats.text import FormatError


def _literal(line: str) -> bytes:
    raw = line.encode("cp1252")  # the font below uses WinAnsiEncoding
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(
    pages: list[list[str]], *, image_only: bool = False, title: str | None = None
) -> bytes:
    """A minimal PDF 1.4: one Helvetica text line per entry, or one small image per page."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in at the end
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    font_id = len(objects)
    kids = []
    for lines in pages:
        if image_only:
            objects.append(
                b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"
            )
            content = b"q 200 0 0 200 100 500 cm /Im1 Do Q"
            resources = b"<< /XObject << /Im1 %d 0 R >> >>" % len(objects)
        else:
            ops = [b"BT /F1 11 Tf 14 TL 72 770 Td"]
            ops += [_literal(line) + b" Tj T*" for line in lines]
            content = b"\n".join([*ops, b"ET"])
            resources = b"<< /Font << /F1 %d 0 R >> >>" % font_id
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
            % (resources, len(objects))
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    trailer_extra = b""
    if title:
        objects.append(b"<< /Title " + _literal(title) + b" >>")
        trailer_extra = b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


HEADER = "Rapport d’activité 2021 - Association Terre Vive"
PAGES = [
    [
        HEADER,
        "Le programme soutient depuis 2019 la production maraîchère de quarante",
        "familles. Il vise surtout le dévelop-",
        "pement des cultures vivrières autour des écoles de la commune.",
        "1",
    ],
    [
        HEADER,
        "Une deuxième phase commencera en janvier 2022 avec deux nouvelles",
        "coopératives partenaires et un budget de 30 000 euros.",
        "2",
    ],
]


def test_two_page_pdf() -> None:
    text, spans, title = extract_pdf(make_pdf(PAGES, title="Rapport annuel 2021"))
    assert title == "Rapport annuel 2021"
    assert "Association Terre Vive" not in text  # running header dropped
    assert "le développement des cultures vivrières" in text  # hyphenation undone
    assert "quarante familles" in text  # wrapped line joined
    assert not any(line.strip() in {"1", "2"} for line in text.split("\n"))  # page numbers
    assert [page for _, _, page in spans] == [1, 2]
    (s1, e1, _), (s2, e2, _) = spans
    assert text[s1:e1].startswith("Le programme soutient")
    assert text[s2:e2].startswith("Une deuxième phase")
    assert e1 <= s2 and e2 == len(text)


def test_image_only_pdf_is_a_scan() -> None:
    with pytest.raises(FormatError, match="scanned PDF with no text layer"):
        extract_pdf(make_pdf([[], []], image_only=True))


def test_pdf_without_text_or_images() -> None:
    with pytest.raises(FormatError, match="no text"):
        extract_pdf(make_pdf([[], []]))


def test_encrypted_pdf() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(PAGES)))
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(FormatError, match="encrypted PDF"):
        extract_pdf(buffer.getvalue())


def test_pdf_with_empty_user_password_is_read() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(PAGES)))
    writer.encrypt("", owner_password="owner-only", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    text, _, _ = extract_pdf(buffer.getvalue())
    assert "nouvelles coopératives partenaires" in text


def test_not_a_pdf_and_truncated_pdf() -> None:
    with pytest.raises(FormatError, match="not a PDF"):
        extract_pdf(b"<html>not a pdf</html>")
    with pytest.raises(FormatError):
        extract_pdf(make_pdf(PAGES)[:60])


def test_tool_generated_title_is_ignored() -> None:
    _, _, title = extract_pdf(make_pdf(PAGES, title="Microsoft Word - rapport_final_v3.docx"))
    assert title is None
