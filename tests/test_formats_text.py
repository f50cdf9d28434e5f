"""Plain-text decoding (pipeline.formats.text) and PDF-text clean-up (pipeline.formats.pdftext)."""

from __future__ import annotations

import re

import pytest

from pipeline.formats.pdftext import clean_pdf_text, looks_like_pdf_text, split_pages
from pipeline.formats.text import FormatError, clean_text, decode_text

FR = "Le comité régional a élu sa présidente. Ça coûte 12 € par mois, « cœur » compris."
EN = "The cooperative’s naïve façade hid a thriving rénovation business."


# --------------------------------------------------------------------------- decode_text


def test_utf8_plain() -> None:
    decoded = decode_text(FR.encode("utf-8"))
    assert decoded.text == FR
    assert decoded.encoding == "utf-8"


def test_cp1252_with_euro_and_curly_quotes() -> None:
    decoded = decode_text(FR.encode("cp1252"))
    assert decoded.text == FR
    assert decoded.encoding == "cp1252"


def test_cp1252_english_with_apostrophe() -> None:
    assert decode_text(EN.encode("cp1252")).text == EN


def test_latin1_short_text() -> None:
    # Short texts are where charset detectors fail (this one reads as cp1006 otherwise).
    decoded = decode_text("Déjà vu à Liège".encode("latin-1"))
    assert decoded.text == "Déjà vu à Liège"
    assert decoded.encoding in ("cp1252", "latin-1")


def test_cyrillic_legacy_encoding_is_not_forced_to_cp1252() -> None:
    text = "Наша организация работает с партнёрами в Африке с 2001 года."
    decoded = decode_text(text.encode("cp1251"))
    assert decoded.text == text


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("utf-16", "utf-16"), ("utf-32", "utf-32"), ("utf-8-sig", "utf-8-sig")],
)
def test_byte_order_marks(codec: str, expected: str) -> None:
    decoded = decode_text(FR.encode(codec))
    assert decoded.text == FR  # the BOM itself is not part of the text
    assert decoded.encoding == expected


def test_utf16_without_bom() -> None:
    decoded = decode_text(EN.encode("utf-16-le"))
    assert decoded.text == EN
    assert decoded.encoding == "utf-16-le"


def test_invalid_bytes_inside_utf8_are_replaced_and_reported() -> None:
    good = "Rapport d’activité : réhabilitation des écoles à Bukavu.".encode()
    cut = good.index(b" : ")
    raw = good[:cut] + b"\xe9\xff" + good[cut:]
    decoded = decode_text(raw)
    assert decoded.encoding.startswith("utf-8 (with 2 invalid bytes replaced")
    assert "réhabilitation des écoles à Bukavu" in decoded.text
    assert "\ufffd" in decoded.text


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
    ],
)
def test_binary_magic_numbers_are_named(raw: bytes, label: str) -> None:
    with pytest.raises(FormatError, match=label):
        decode_text(raw)


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(FormatError, match="NUL"):
        decode_text(b"some header\x00\x01\x02\x00\x00 more \x00 bytes\x07\x00")


def test_control_characters_mean_binary() -> None:
    with pytest.raises(FormatError, match="control characters"):
        decode_text(bytes(range(1, 9)) * 40 + b"abc")


def test_empty_and_whitespace_only() -> None:
    with pytest.raises(FormatError, match=r"^empty file$"):
        decode_text(b"")
    with pytest.raises(FormatError, match="only whitespace"):
        decode_text(b"  \r\n\t \n  ")
    with pytest.raises(FormatError, match="empty file"):
        decode_text(b"\xef\xbb\xbf")


def test_format_error_is_a_value_error() -> None:
    assert issubclass(FormatError, ValueError)


# --------------------------------------------------------------------------- clean_text


def test_clean_text_normalises_newlines_nfc_and_controls() -> None:
    raw = "Re\u0301union a\u0300 Lie\u0300ge\r\nsecond line  \rthird\x07 line\u200b\t\n"
    assert clean_text(raw) == "Réunion à Liège\nsecond line\nthird line"


def test_clean_text_keeps_paragraph_breaks_and_collapses_long_gaps() -> None:
    raw = "\n\nFirst paragraph.\n\nSecond paragraph.\n\n\n\n\n\n\nThird, after a gap.\n\n"
    cleaned = clean_text(raw)
    assert cleaned == "First paragraph.\n\nSecond paragraph.\n\n\nThird, after a gap."


def test_clean_text_keeps_non_breaking_spaces_and_indentation() -> None:
    raw = "  • Budget : 981\u202f528 USD, soit 100\u00a0%  \n"
    assert clean_text(raw) == "  • Budget : 981\u202f528 USD, soit 100\u00a0%"


def test_clean_text_removes_soft_hyphens() -> None:
    assert clean_text("dévelop\u00adpement durable") == "développement durable"


# --------------------------------------------------------------------------- pdftext

WEB_PAGE = """Our partners

We work with local organisations in each region where our programmes run.

The cooperative in the north manages the seed bank and trains about forty farmers each year in soil conservation.

Contact us

- Annual report 2021

- Volunteer with us

Comments (1)

Great work, keep it up! We visited the project in May and met the whole team."""

HARD_WRAPPED = """Evaluation of the water programme
The programme started in 2015 with three partner organisations working in
the eastern provinces, where access to drinking water was the main concern
raised by the communities during the first consultation round. Each partner
was responsible for a group of villages and reported to a steering committee
that met every quarter in the provincial capital. The committee reviewed
the budget, the progress of the works and the complaints received from the
population, and it decided on the priorities for the following quarter.
During the second phase the programme extended its activities to hygiene
education in primary schools and to the maintenance of existing pumps, which
had often been abandoned after a few years for lack of spare parts and of
trained technicians in the villages concerned by the first phase."""


def test_web_page_text_is_not_pdf_text() -> None:
    assert looks_like_pdf_text(WEB_PAGE) is False


def test_hard_wrapped_text_is_pdf_text() -> None:
    assert looks_like_pdf_text(HARD_WRAPPED) is True


def _page(lines: list[str], number: int) -> str:
    header = "RAPPORT ANNUEL 2020 - Réseau des coopératives"
    return "\n".join([header, "", *lines, "", str(number)])


PAGE_1 = [
    "Introduction",
    "Le réseau regroupe aujourd’hui vingt-trois coopératives agricoles réparties",
    "dans quatre provinces. Son objectif principal est le renforcement des capa-",
    "cités de gestion des coopératives membres et la commercialisation groupée de",
    "leurs productions sur les marchés régionaux, en particulier le riz et le maïs.",
    "Les projets de co-",
]
PAGE_2 = [
    "construction menés avec les communes ont permis de bâtir six magasins de",
    "stockage. La co-construction reste cependant fragile sans appui technique.",
    "Les capacités des trésoriers ont été évaluées en fin d’année par l’équipe",
    "de suivi, qui a constaté une nette amélioration de la tenue des registres.",
    "Tableau 1. Production par province",
    "Province      Tonnes      Coopératives",
    "Nord          1 250       9",
    "Sud           830         14",
]


def test_clean_pdf_text_multi_page() -> None:
    text, spans = clean_pdf_text([_page(PAGE_1, 1), _page(PAGE_2, 2)])
    # running header and page numbers are gone
    assert "RAPPORT ANNUEL" not in text
    assert not re.search(r"(?m)^\s*[12]\s*$", text)
    # hyphenation: a typesetting break is joined, a compound keeps its hyphen (the document
    # writes "co-construction" elsewhere), even across the page break
    assert "renforcement des capacités de gestion" in text
    assert "Les projets de co-construction menés avec les communes" in text
    # wrapped lines are joined into one paragraph; the heading stays apart
    assert text.startswith(
        "Introduction\n\nLe réseau regroupe aujourd’hui vingt-trois coopératives"
    )
    assert "réparties dans quatre provinces" in text
    # a sentence ending the line followed by a capital starts a new paragraph
    assert "sans appui technique.\n\nLes capacités des trésoriers" in text
    # column-aligned table rows keep their cells on one line
    assert "Province | Tonnes | Coopératives\nNord | 1 250 | 9\nSud | 830 | 14" in text
    # page spans: ordered, non-overlapping, covering the text of each page
    assert [page for _, _, page in spans] == [1, 2]
    (s1, e1, _), (s2, e2, _) = spans
    assert 0 == s1 < e1 <= s2 < e2 == len(text)
    assert text[s1:e1].endswith("Les projets de co-")
    assert text[s2:e2].startswith("construction menés")


def test_hyphen_kept_for_capitalised_second_part_and_numbers() -> None:
    page = (
        "Cette étude sur la coopération entre les régions du Nord-\n"
        "Sud a été menée entre les années 2007-\n"
        "2010 par une équipe de chercheurs indépendants du projet."
    )
    text, _ = clean_pdf_text([page])
    assert "Nord-Sud a été menée entre les années 2007-2010 par" in text


def test_hyphen_removed_when_document_has_the_joined_word() -> None:
    page = (
        "The organisation supports small farmers through training and through the de-\n"
        "velopment of local markets. Rural development is the core of its mission."
    )
    text, _ = clean_pdf_text([page])
    assert "through the development of local markets" in text


def test_split_pages_on_form_feed_and_on_footer_numbers() -> None:
    assert split_pages("page one\fpage two\f") == ["page one", "page two"]
    body1 = "\n".join(["first page line"] * 5)
    body2 = "\n".join(["second page line"] * 5)
    dump = f"{body1}\n\n\n\n\nREPORT 2020\n\n7\n\n{body2}\n"
    pages = split_pages(dump)
    assert len(pages) == 2
    assert pages[0].rstrip().endswith("7")
    assert "second page line" in pages[1] and "first page line" not in pages[1]
    text, spans = clean_pdf_text(pages)
    assert "REPORT 2020" not in text and "7" not in text
    assert [p for _, _, p in spans] == [1, 2]


def test_split_pages_keeps_a_number_that_is_not_a_footer() -> None:
    text = "Number of partners:\n\n12\n\nThey all signed the charter."
    assert split_pages(text) == [text]


def test_one_wide_gap_in_a_sentence_is_not_a_table_row() -> None:
    page = (
        "The survey covered twelve villages and   about nine hundred households in the\n"
        "district, most of them living from rice farming and small trade."
    )
    text, _ = clean_pdf_text([page])
    assert "|" not in text
    assert "villages and about nine hundred households in the district, most" in text


def test_single_page_dump_after_clean_text_is_split_at_its_footer() -> None:
    body1 = "\n".join(["La première page du rapport décrit le contexte du projet"] * 6)
    body2 = "\n".join(["La seconde page présente les résultats obtenus sur le terrain"] * 6)
    dump = f"{body1}\n \n\n \n\n\n \nRAPPORT 2020 - RÉSEAU\n\n \n\n14\n\n{body2}\n"
    text, spans = clean_pdf_text([clean_text(dump)])
    assert "RAPPORT 2020" not in text
    assert "14" not in text
    assert [page for _, _, page in spans] == [1, 2]
    assert "seconde page" in text[spans[1][0] : spans[1][1]]
    assert "seconde page" not in text[spans[0][0] : spans[0][1]]
