"""Generated hostile input through every stage and the reports: no crash, nothing live.

A seeded generator writes a small corpus of pages that try what a scraped page or an
unlucky folder can: markup meant to run in the reports (in titles, sentences, names),
odd encodings and byte order marks, NUL bytes, one enormous line, deep nesting, and file
names with spaces, quotes, backticks, control characters and bytes that are not UTF-8.
The corpus goes through `pipeline run` (all four stages, models included) and the reports.

Bounded in time: a fixed seed and a small count, so the run is the same every time and
takes well under a minute of pipeline work; change SEED locally to explore further.
"""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import folders, live_markup, run_cli, text_of

from pipeline import ingest, reports

SEED = 16
COUNT = 20

# Markup that would run in a browser if a report let it through; {n} tells them apart.
MARKUP = [
    "<script>alert({n})</script>",
    "<img src=x onerror=alert({n})>",
    "<svg onload=alert({n})>",
    "[clic](javascript:alert({n}))",
    "<iframe src=javascript:alert({n})></iframe>",
    "<a href='javascript:alert({n})'>lien</a>",
    "`</code><b onmouseover=alert({n})>`",
    "<style>body{{display:none}}</style>",
    "$x^$ $\\frac{{1}}{{0}}$",
    "<!-- ]]> <![CDATA[",
]
SENTENCES = [
    "L'association Terre Solidaire {m} a versé 3 000 euros à Lyon en mai 2021.",
    "The Green Valley Trust {m} trained 40 volunteers in Nairobi in 2019.",
    "Environ 12 % des familles de Dakar {m} ont reçu une aide de la Croix-Rouge.",
    "In March 2020 the Ocean Care Foundation {m} gave $2.5 million to schools in Lima.",
]
ODD_NAMES = [
    "une page",
    "«guillemets»",
    "`backtick`",
    "<b onclick=alert(1)>",
    "\x1b[31mrouge",
    "-rf",
    "tab\there",
    "\u202etxt.exe",
    "日本語",
    "x" * 150,
    "quote'\"",
]
# Files whose row must be an error, whatever the generator put around them.
MUST_FAIL = {
    "empty": b"",
    "blank": b" \n\t \n",
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "nuls": b"texte \x00\x00\x00 avec des NUL\x00" * 50,
}


def _markup(rng: random.Random, n: int) -> str:
    return rng.choice(MARKUP).format(n=n)


def _sentences(rng: random.Random, n: int, count: int) -> list[str]:
    return [rng.choice(SENTENCES).format(m=_markup(rng, n * 100 + k)) for k in range(count)]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html(rng: random.Random, n: int) -> tuple[str, bytes]:
    title = _escaped(_markup(rng, n))  # decodes to a tag: the title is markup as text
    body = "".join(f"<p>{_escaped(s)}</p>" for s in _sentences(rng, n, 4))
    nest = rng.choice([0, 50, 3000])
    page = (
        f"<!doctype html><html lang=fr><head><title>{title}</title>"
        f"<script>alert('real {n}')</script></head><body>"
        + "<div>" * nest
        + f"<article><h1>Rapport {n}</h1>{body}</article>"
        + "</div>" * nest
        + f"<img src=x onerror=alert('real-{n}')></body></html>"
    )
    return ".html", page.encode(rng.choice(["utf-8", "cp1252"]), "xmlcharrefreplace")


def _text(rng: random.Random, n: int) -> tuple[str, bytes]:
    text = f"Titre {_markup(rng, n)}\n\n" + "\n\n".join(_sentences(rng, n, 3)) + "\n"
    codec = rng.choice(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
    data = text.encode(codec, "replace")
    if codec == "utf-16-le":
        data = b"\xff\xfe" + data  # a BOM written by hand, as some editors do
    return ".txt", data


def _markdown(rng: random.Random, n: int) -> tuple[str, bytes]:
    depth = rng.choice([10, 300, 2000])
    nested = "".join(">" * k + " " + s + "\n" for k, s in enumerate(_sentences(rng, n, 2)))
    text = (
        f"# {_markup(rng, n)}\n\n"
        + nested
        + "\n"
        + "".join("  " * k + f"- niveau {k}\n" for k in range(depth))
        + "\n"
        + f"[lien]({_markup(rng, n)}) et `code {_markup(rng, n)}`\n"
    )
    return ".md", text.encode("utf-8")


def _huge_line(rng: random.Random, n: int) -> tuple[str, bytes]:
    """One line of about 100,000 characters (no paragraph, no line break)."""
    words = " ".join(rng.choice(["mot", "word", "Lyon", "2021", "€", "<b>"]) for _ in range(25_000))
    return ".txt", (" ".join(_sentences(rng, n, 2)) + " " + words + "\n").encode("utf-8")


def _stray_nul(rng: random.Random, n: int) -> tuple[str, bytes]:
    text = "\n\n".join(_sentences(rng, n, 3))
    cut = rng.randrange(len(text))
    return ".txt", (text[:cut] + "\x00" + text[cut:]).encode("utf-8")


KINDS = [_html, _text, _markdown, _stray_nul]


def _corpus(raw: Path, rng: random.Random) -> dict[bytes, str]:
    """Write the corpus; returns {file name as bytes: kind} (must-fail kinds included)."""
    raw.mkdir()
    written: dict[bytes, str] = {}
    for n in range(COUNT):
        kind = _huge_line if n == COUNT - 1 else KINDS[n % len(KINDS)]
        suffix, data = kind(rng, n)
        name = f"{n:02d} {rng.choice(ODD_NAMES)}{suffix}".encode()
        if n % 7 == 3:
            name = b"\xff\xfe-" + name  # not UTF-8: shown as \xNN
        written[name] = kind.__name__
        (raw / os.fsdecode(name)).write_bytes(data)
    for kind, data in MUST_FAIL.items():
        name = f"{kind} {rng.choice(ODD_NAMES)}.txt".encode()
        written[name] = kind
        (raw / os.fsdecode(name)).write_bytes(data)
    return written


def _fingerprint(raw: Path) -> dict[str, str]:
    return {
        os.fsdecode(p.relative_to(raw)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in raw.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory) -> tuple[Path, dict[bytes, str]]:
    base = tmp_path_factory.mktemp("fuzz")
    written = _corpus(base / "raw", random.Random(SEED))
    before = _fingerprint(base / "raw")
    result = run_cli("run", *folders(base))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert _fingerprint(base / "raw") == before, "raw/ was written to"
    return base, written


def test_every_generated_file_is_one_row_and_bad_ones_are_errors(fuzz_run) -> None:
    base, written = fuzz_run
    rows = pq.read_table(base / "processed" / "documents.parquet").to_pylist()
    assert len(rows) == len(written) and len({r["source"] for r in rows}) == len(written)
    by_name = {r["source"]: r for r in rows}
    for name, kind in written.items():
        row = by_name[ingest.display_name(os.fsdecode(name))]
        assert row["status"] in ("ok", "error", "duplicate"), row
        if row["status"] == "error":
            assert row["error"] and "\n" not in row["error"], row
        if kind in MUST_FAIL:
            assert row["status"] == "error", (kind, row)
        elif kind in ("_html", "_text", "_markdown"):
            assert row["status"] == "ok", (kind, row["error"])
    mentions = pq.read_table(base / "processed" / "mentions.parquet")
    assert mentions.num_rows > COUNT  # the sentences' organisations, places, dates, figures


def test_nothing_from_the_pages_is_live_in_the_reports(fuzz_run) -> None:
    base, _ = fuzz_run
    processed, interim = base / "processed", base / "interim"
    out = base / "reports"
    report = reports.run_notebook("01-explore", processed, interim, out)
    assert report.ok, report.error
    assert live_markup(report.html.read_text(encoding="utf-8")) == []
    documents = pq.read_table(processed / "documents.parquet").to_pylist()
    titled = [d for d in documents if d["status"] == "ok" and d["title"]]
    odd = [d for d in documents if "\\x" in d["source"] or "`" in d["source"]]
    for doc in titled[:2] + odd[:1]:
        report = reports.run_notebook(
            "02-document",
            processed,
            interim,
            out / doc["doc_id"],
            parameters={"DOCUMENT": doc["doc_id"]},
        )
        assert report.ok, report.error
        html = report.html.read_text(encoding="utf-8")
        assert live_markup(html) == [], doc["source"]
        shown = text_of(html)
        assert doc["source"] in shown
        assert doc["title"] is None or " ".join(doc["title"].split()) in " ".join(shown.split())
