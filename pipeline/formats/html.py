"""Web page (HTML/XHTML bytes) -> main text, reader comments and stated metadata.

Main text comes from trafilatura (the best open extractor on the two benchmarks in
``bench/html``, see ``pipeline/bench_html.py``); reader comments are extracted by trafilatura too
but kept apart, as the part ``"comments"`` of the text: they are real content for us (partner
NGOs often answer in comments) yet must not be mistaken for the page's own statements.  When
trafilatura finds nothing, a BeautifulSoup fallback keeps the visible text minus page chrome.

Safety: the document type declaration (where XML entity definitions live) is removed before any
parsing, so entity-expansion bombs and external entities are never seen by a parser; lxml's HTML
parser runs without network access and with its default size/depth limits.  A page nested more
deeply than lxml accepts (it silently cuts the tree at depth 256) goes to the fallback, which
reads the whole text without recursion.
"""

from __future__ import annotations

import codecs
import datetime
import email.utils
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import lxml.html
import trafilatura
from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from charset_normalizer import from_bytes
from lxml import etree

from pipeline.formats.text import (
    DATA_DIR,
    FormatError,
    clean_text,
    plausible_western,
    sniff_binary,
)

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 32 * 1024 * 1024
# How trafilatura is run: "hybrid", "precision" or "balanced" (see _trafilatura; the bench
# runner can switch it to compare).
MODE = "hybrid"
RECALL_RESCUE = 0.3

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-zA-Z0-9._-]+)""", re.I)
# Labels that browsers (WHATWG Encoding standard) read as windows-1252.
_AS_CP1252 = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252", "iso8859-15"})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# A DOCTYPE with an internal subset [...] (entity definitions) or a plain one.
_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^\[>]*\[.*?\]\s*>|[^>]*>)", re.I | re.S)
_EXCESSIVE_DEPTH = "Excessive depth"
_WORD = re.compile(r"[^\W_]")  # a page whose "text" has no letter or digit has no text
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.I | re.S)

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "head", "object", "embed", "canvas", "dialog",
)  # fmt: skip
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "tr", "table", "blockquote", "pre", "figure", "figcaption",
    "address", "details", "summary", "caption", "hr",
)  # fmt: skip
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")  # HTML's white space (not the no-break space)
_BREAK_SPACE = re.compile(r" *\n *")


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    text: str  # main text, then the comments (if any), paragraphs separated by blank lines
    title: str | None
    language: str | None  # "fr", "en", ... from <html lang>, og:locale, content-language
    canonical_url: str | None
    site_name: str | None
    published: datetime.date | None  # stated publication date, never guessed
    encoding: str
    parts: list[tuple[int, int, str]]  # (start, end, "main" | "comments") spans into text


@cache
def _meta_names() -> dict[str, Any]:
    return json.loads((DATA_DIR / "html_meta.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- decoding


def _codec(label: bytes | str) -> str | None:
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if codec in _AS_CP1252 else codec


def _declared_encoding(raw: bytes) -> str | None:
    head = raw[:8192]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    codec = _codec(match.group(1))
    # An ASCII-compatible page cannot really be UTF-16 (WHATWG: read it as UTF-8).
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def decode_html(raw: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then the declared charset, then detection.

    One exception to trusting the declaration: a page declared in a single-byte charset whose
    bytes are valid UTF-8 with multi-byte sequences is UTF-8 (legacy 8-bit text practically never
    forms valid UTF-8 by chance, while mis-declared UTF-8 pages are common).
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace"), codec
    declared = _declared_encoding(raw)
    try:
        as_utf8 = raw.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    if as_utf8 is not None and (declared in (None, "utf-8") or not as_utf8.isascii()):
        return as_utf8, "utf-8"
    if declared:
        return raw.decode(declared, "replace"), declared
    text = raw.decode("cp1252", "replace")
    if plausible_western(_MARKUP.sub(" ", text)):  # judge the words, not the ASCII markup
        return text, "cp1252"
    best = from_bytes(raw).best()
    if best is None:
        return raw.decode("utf-8", "replace"), "utf-8"
    return str(best), best.encoding.replace("_", "-")


def _defang(html: str) -> str:
    """Remove the XML declaration and the DOCTYPE (with any entity definitions in it)."""
    html = _XML_DECL.sub("", html, count=1)
    return _DOCTYPE.sub("", html, count=1)


# --------------------------------------------------------------------------- metadata


def _norm_language(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    value = value.strip()
    match = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value) or re.match(
        r"(\d{4})(\d{2})(\d{2})(?:\D|$)", value
    )
    try:
        if match:
            day = datetime.date(*(int(g) for g in match.groups()))
        else:
            day = email.utils.parsedate_to_datetime(value).date()
    except (ValueError, TypeError, IndexError):
        return None
    return day if 1900 <= day.year <= 2100 else None


def _meta_values(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _first(values: dict[str, list[str]], names: list[str]) -> str | None:
    for name in names:
        if values.get(name):
            return values[name][0]
    return None


def _jsonld_objects(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(objects) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    return objects


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _published(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> datetime.date | None:
    names = _meta_names()
    for name in names["published"]:
        for value in meta.get(name, []):
            if day := _parse_date(value):
                return day
    article_types = set(names["jsonld_article_types"])
    objects = _jsonld_objects(tree)
    for obj in sorted(objects, key=lambda o: not (_types(o) & article_types)):
        if isinstance(obj.get("datePublished"), str) and (day := _parse_date(obj["datePublished"])):
            return day
    marked = tree.xpath(
        '//*[@itemprop="datePublished"]|//time[@pubdate]|//article//header//time[@datetime]'
    )
    for element in marked:
        value = element.get("datetime") or element.get("content") or element.text_content()
        if day := _parse_date(value):
            return day
    times = tree.xpath("//time[@datetime]")
    if len(times) == 1:  # a single dated <time> on the page is the page's date
        return _parse_date(times[0].get("datetime"))
    return None


def _site_name(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> str | None:
    if name := _first(meta, _meta_names()["site_name"]):
        return name
    for obj in _jsonld_objects(tree):
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return publisher["name"].strip() or None
        if "WebSite" in _types(obj) and isinstance(obj.get("name"), str):
            return obj["name"].strip() or None
    return None


def _title(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> str | None:
    title = _first(meta, _meta_names()["title"])
    if not title:
        for xpath in ("//title", "//h1"):
            found = tree.xpath(xpath)
            if found and found[0].text_content().strip():
                title = found[0].text_content()
                break
    return " ".join(title.split()) if title else None


def _without_site(title: str | None, site: str | None) -> str | None:
    """ "Article | Site" -> "Article" when the site name is known."""
    if title and site:
        for sep in (" | ", " - ", " – ", " — ", " · ", " :: ", " » "):
            if title.endswith(sep + site) and len(title) > len(sep + site):
                return title[: -len(sep + site)].strip()
            if title.startswith(site + sep) and len(title) > len(site + sep):
                return title[len(site + sep) :].strip()
    return title


def _canonical(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> str | None:
    candidates = [link.get("href") for link in tree.xpath('//link[@rel="canonical"][@href]')]
    candidates += meta.get("og:url", [])
    for url in candidates:
        if url and re.match(r"https?://", url.strip(), re.I):
            return url.strip()
    return None


def _language(tree: lxml.html.HtmlElement, meta: dict[str, list[str]]) -> str | None:
    root_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    return _norm_language(root_lang) or _norm_language(_first(meta, _meta_names()["language"]))


# --------------------------------------------------------------------------- text


def _paragraphs(text: str | None) -> str:
    """trafilatura's text output has one block per line: make each a paragraph."""
    if not text:
        return ""
    lines = [line.strip() for line in clean_text(text).split("\n")]
    return "\n\n".join(line for line in lines if line)


def _trafilatura(html: str) -> tuple[str, str]:
    """(main text, comments) from trafilatura; raises on parser trouble (caught by the caller).

    ``MODE`` "hybrid" (the default) runs trafilatura twice: with favor_precision (which also
    yields the comments; its main text is the same with comments on or off) and in its balanced
    mode.  The precise text is kept unless it is under ``RECALL_RESCUE`` of the balanced one's
    length, i.e. precision mode threw away most of the article.  Measured with
    ``pipeline/bench_html.py`` (F1 aeb / trafilatura_fr_en / its French pages):
    balanced 0.960 / 0.931 / 0.931, precision 0.964 / 0.927 / 0.941, hybrid 0.967 / 0.931 / 0.941.
    """
    precise = balanced = None
    if MODE in ("hybrid", "precision"):
        precise = trafilatura.bare_extraction(html, include_comments=True, favor_precision=True)
    if MODE in ("hybrid", "balanced"):
        balanced = trafilatura.bare_extraction(html, include_comments=MODE == "balanced")
    with_comments = precise if MODE != "balanced" else balanced
    comments = _paragraphs(getattr(with_comments, "comments", None))
    precise_text = _paragraphs(getattr(precise, "text", None))
    balanced_text = _paragraphs(getattr(balanced, "text", None))
    if MODE == "precision" or (
        MODE == "hybrid" and len(precise_text) >= RECALL_RESCUE * len(balanced_text)
    ):
        return precise_text, comments
    return balanced_text, comments


def _fallback_text(html: str) -> str:
    """Visible text minus page chrome, with a paragraph break at every block element.

    The tree is walked with an explicit stack (no recursion, no tree edits), so a page nested
    10,000 levels deep costs the same as a flat one.
    """
    soup = BeautifulSoup(html, "lxml")
    drop, block = frozenset(_DROP_TAGS), frozenset(_BLOCK_TAGS)
    chunks: list[str] = []
    stack: list[PageElement | str] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            chunks.append(node)  # a break marker pushed below
        elif isinstance(node, Tag):
            if node.name in drop:
                continue
            if node.name == "br":
                chunks.append("\n")
            elif node.name in block:
                chunks.append("\n\n")
                stack.append("\n\n")
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString:  # not comments, doctypes, CDATA
            chunks.append(_HTML_SPACE.sub(" ", node))  # source line breaks are spaces in HTML
    text = _BREAK_SPACE.sub("\n", "".join(chunks))
    return re.sub(r"\n{3,}", "\n\n", clean_text(text)).strip()


def _parse_tree(html: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """(tree, too_deep): lxml tree for the metadata, and whether lxml had to cut the nesting."""
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None, False
    too_deep = any(_EXCESSIVE_DEPTH in entry.message for entry in parser.error_log)
    return tree, too_deep


def extract_html(raw: bytes) -> HtmlDocument:
    """Main text, comments and metadata of a web page; FormatError when it holds no text."""
    if len(raw) > MAX_HTML_BYTES:
        raise FormatError(f"HTML page too large ({len(raw) // 2**20} MB, limit 32 MB)")
    if not raw.strip():
        raise FormatError("empty file")
    if label := sniff_binary(raw):
        raise FormatError(f"binary file ({label}), not HTML")
    html, encoding = decode_html(raw)
    html = _defang(html)

    tree, too_deep = _parse_tree(html)
    main = comments = ""
    if not too_deep:
        try:
            main, comments = _trafilatura(html)
        except (RecursionError, ValueError, etree.LxmlError) as exc:
            log.warning("trafilatura failed (%s), using the fallback extractor", exc)
    if not main and not comments:
        try:
            main = _fallback_text(html)
        except RecursionError:
            raise FormatError("HTML page nested too deeply to read") from None
    if not _WORD.search(main) and not _WORD.search(comments):
        raise FormatError("no text in HTML page")

    parts: list[tuple[int, int, str]] = []
    text = main
    if main:
        parts.append((0, len(main), "main"))
    if comments:
        start = len(text) + 2 if text else 0
        text = f"{text}\n\n{comments}" if text else comments
        parts.append((start, len(text), "comments"))

    meta: dict[str, list[str]] = {}
    title = language = canonical = site = None
    published = None
    if tree is not None:
        try:
            meta = _meta_values(tree)
            site, language = _site_name(tree, meta), _language(tree, meta)
            title, canonical = _without_site(_title(tree, meta), site), _canonical(tree, meta)
            published = _published(tree, meta)
        except (ValueError, TypeError, RecursionError, etree.LxmlError) as exc:
            log.warning("HTML metadata unreadable (%s)", exc)  # the text is what matters
    return HtmlDocument(
        text=text,
        title=title,
        language=language,
        canonical_url=canonical,
        site_name=site,
        published=published,
        encoding=encoding,
        parts=parts,
    )
