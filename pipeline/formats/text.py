"""Plain-text decoding and clean-up: raw bytes of a ``.txt`` file -> clean Unicode text.

Decoding order (``decode_text``), and why:

1. Binary sniffing first (file signatures from ``data/magic_numbers.json``), so that a PNG or a
   ZIP renamed ``.txt`` gives a message saying so instead of a page of mojibake.
2. Byte-order mark: UTF-32 before UTF-16 (the UTF-32-LE BOM starts with the UTF-16-LE one), and
   UTF-8 with BOM.  A BOM is the author's explicit statement; it wins.
3. UTF-16 without BOM, recognised by NUL bytes at every other position (what Windows tools write).
4. Any other NUL byte means binary data.
5. Strict UTF-8.  Bytes from a legacy 8-bit encoding almost never form valid multi-byte UTF-8
   sequences by chance, so a file that decodes is UTF-8.
6. Mostly-valid UTF-8: when the valid non-ASCII UTF-8 sequences are at least as many as the invalid
   bytes, the file is UTF-8 damaged in places (a truncated copy, one pasted cp1252 character...).
   It is decoded as UTF-8 with U+FFFD for each bad spot and the encoding is reported as
   ``"utf-8 (with N invalid bytes replaced)"`` so that the damage stays visible downstream.
7. cp1252 (the Windows superset of latin-1) when the result is plausible Western-European text:
   our documents are French and English, and charset-normalizer is unreliable on short Western
   texts (it reads a short French cp1252 text as mac_latin2 or cp1006).  "Plausible" means few
   non-ASCII letters and no symbol glued between two letters (``Za¿ó³æ`` is Polish cp1250 read as
   cp1252).  It is reported as ``"cp1252"`` (latin-1 files decode identically unless they contain
   C1 control bytes, which real latin-1 text does not).
8. charset-normalizer for everything else (Cyrillic, Central European, ...).

``clean_text`` then normalises what every later stage expects: NFC, ``\\n`` newlines, no control
characters, no trailing spaces, paragraphs separated by blank lines.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from charset_normalizer import from_bytes

DATA_DIR = Path(__file__).parent / "data"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# Python codec names for the BOM encodings (the -le/-be codecs would keep the BOM as U+FEFF).
_BOM_CODEC = {
    "utf-32-be": "utf-32",
    "utf-32-le": "utf-32",
    "utf-16-be": "utf-16",
    "utf-16-le": "utf-16",
}

# Share of control characters (other than tab/newline/CR/FF/VT) above which decoded content is
# not text but binary data that happened to decode.
_MAX_CONTROL_SHARE = 0.05
# In plausible French/English cp1252 text, non-ASCII letters are a minority of letters.
_MAX_NON_ASCII_LETTER_SHARE = 0.5
# Non-ASCII non-letters that legitimately sit between two letters in French/English text.
_INWORD_PUNCT_OK = frozenset("’‘·‐‑–—")
# Control characters that make a file binary; tab, newlines, form and line feeds excepted.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


# Titles that authoring tools write instead of the real one.
_TOOL_TITLE = re.compile(r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b)", re.I)
_FILE_NAME = re.compile(r"\.(?:docx?|odt|rtf|pdf|pptx?|xlsx?|indd|qxp|tex|txt)$", re.I)


class FormatError(ValueError):
    """A raw file that cannot be turned into text; the message is one line meant for a person."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: (
        str  # "utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-8 (with N invalid bytes replaced)"
    )


@cache
def _signatures() -> tuple[tuple[int, bytes, str], ...]:
    data = json.loads((DATA_DIR / "magic_numbers.json").read_text(encoding="utf-8"))
    return tuple((s["offset"], bytes.fromhex(s["hex"]), s["label"]) for s in data["signatures"])


def sniff_binary(raw: bytes) -> str | None:
    """Name of the binary format ``raw`` starts like (``"PNG image"``), or None."""
    for offset, magic, label in _signatures():
        if raw[offset : offset + len(magic)] == magic:
            return label
    return None


def _bom_encoding(raw: bytes) -> str | None:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    return None


def _bomless_utf16(raw: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NULs sit at every other byte, as in ASCII-heavy UTF-16."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) >= 0.7 * half and even.count(0) <= 0.05 * half:
        return "utf-16-le"
    if even.count(0) >= 0.7 * half and odd.count(0) <= 0.05 * half:
        return "utf-16-be"
    return None


def plausible_western(text: str) -> bool:
    """True when ``text`` reads like French/English (or other Western European) text."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    non_ascii = sum(1 for c in letters if not c.isascii())
    if non_ascii > max(3, _MAX_NON_ASCII_LETTER_SHARE * len(letters)):
        return False
    for i in range(1, len(text) - 1):
        c = text[i]
        if c.isascii() or c.isalpha() or c in _INWORD_PUNCT_OK:
            continue
        if text[i - 1].isalpha() and text[i + 1].isalpha():
            return False
    return True


def _check_text(text: str, encoding: str, raw_len: int) -> Decoded:
    if not text:
        raise FormatError("empty file" if raw_len == 0 else "empty file (only a byte-order mark)")
    controls = len(_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise FormatError(
            f"binary file ({100 * controls // len(text)}% control characters), not text"
        )
    if not text.strip() or not text.replace("\ufeff", "").strip():
        raise FormatError("only whitespace")
    return Decoded(text, encoding)


def decode_text(raw: bytes) -> Decoded:
    """Decode the bytes of a text file; raise FormatError for empty, blank or binary content.

    See the module docstring for the order of the attempts and the reason for each.
    """
    if not raw:
        raise FormatError("empty file")
    label = sniff_binary(raw)
    if label:
        raise FormatError(f"binary file ({label}), not text")

    bom = _bom_encoding(raw)
    if bom:
        codec = _BOM_CODEC.get(bom, bom)
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"invalid {bom} text after its byte-order mark: {exc.reason}"
            ) from None
        return _check_text(text, codec, len(raw))

    utf16 = _bomless_utf16(raw)
    if utf16:
        try:
            return _check_text(raw.decode(utf16), utf16, len(raw))
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise FormatError("binary file (contains NUL bytes), not text")

    try:
        return _check_text(raw.decode("utf-8"), "utf-8", len(raw))
    except UnicodeDecodeError:
        pass

    escaped = raw.decode("utf-8", "surrogateescape")
    invalid = sum(1 for c in escaped if "\udc80" <= c <= "\udcff")
    valid_non_ascii = sum(1 for c in escaped if c > "\x7f" and not ("\udc80" <= c <= "\udcff"))
    if valid_non_ascii and invalid <= valid_non_ascii:
        text = raw.decode("utf-8", "replace")
        plural = "s" if invalid > 1 else ""
        return _check_text(text, f"utf-8 (with {invalid} invalid byte{plural} replaced)", len(raw))

    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and plausible_western(text):
        return _check_text(text, "cp1252", len(raw))

    best = from_bytes(raw).best()
    if best is None:
        raise FormatError("binary file (no text encoding fits), not text")
    return _check_text(str(best), best.encoding.replace("_", "-"), len(raw))


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
# Invisible characters that only get in the way of matching: zero-width space, word joiner,
# stray BOMs and soft hyphens (a soft hyphen marks a possible break, it is not text).
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_TRAILING_SPACES = " \t\u00a0\u202f\u3000"  # stripped line by line: a regex tries every space
_BLANK_RUN = re.compile(r"\n{4,}")


# Control characters (Unicode category Cc), tab and newline excepted; a regex
# rather than a loop over characters, which costs more than the rest of ingest.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _drop_controls(text: str) -> str:
    return _CONTROL_CHARS.sub("", text)


def clean_text(text: str) -> str:
    """Normalise decoded text for the later stages.

    - Unicode NFC, so that ``é`` is one code point whatever the source wrote;
    - all newline conventions (CRLF, CR, U+2028/2029, NEL, VT, FF) become ``\\n``; a form feed is a
      page break, which here is a line break (use ``pdftext`` when the pages matter);
    - control characters and invisible zero-width/soft-hyphen characters are removed, tabs become
      spaces;
    - trailing whitespace is stripped from every line, whitespace-only lines become empty;
    - runs of more than two blank lines are collapsed to two: one blank line separates
      paragraphs (later stages split paragraphs on it), two mark a bigger section break;
    - leading and trailing blank lines of the whole text are removed.
    Leading indentation and non-breaking spaces are kept (they carry meaning in French
    typography, e.g. ``100 %`` or ``981 528``).
    """
    text = unicodedata.normalize("NFC", text)
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _drop_controls(text).replace("\t", " ")
    text = "\n".join(line.rstrip(_TRAILING_SPACES) for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n\n", text)
    return text.strip("\n")


def stated_title(title: str | None) -> str | None:
    """A title from a file's metadata, unless it is a tool's placeholder or a file name."""
    title = _TOOL_TITLE.sub("", " ".join((title or "").split())).strip()
    if not title or _FILE_NAME.search(title) or title.lower() == "untitled":
        return None
    return title
