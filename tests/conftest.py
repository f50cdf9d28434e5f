"""Shared fixtures: the sample corpus run once through the whole pipeline."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted((ROOT / "raw").glob("00[0-3]_*.txt"))


def folders(base: Path, raw: Path | None = None) -> list[str]:
    """--raw/--interim/--processed for a run in `base` (raw/ inside it unless given)."""
    return [
        "--raw",
        str(raw or base / "raw"),
        "--interim",
        str(base / "interim"),
        "--processed",
        str(base / "processed"),
    ]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def paragraph_corpus(raw: Path, n: int) -> None:
    """n small documents made of the sample pages' paragraphs (each file distinct)."""
    paragraphs = [
        p.strip()
        for path in SAMPLE
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if len(p.strip()) > 200
    ]
    raw.mkdir(parents=True)
    for i in range(n):
        text = "\n\n".join(paragraphs[(i + k) % len(paragraphs)] for k in range(3))
        (raw / f"doc{i:03d}.txt").write_text(f"Document {i}\n\n{text}\n", encoding="utf-8")


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """raw/ copied to a temporary folder and run through all four stages."""
    base = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "raw", base / "raw")
    result = run_cli("run", *folders(base))
    assert result.returncode == 0, result.stderr
    return base


# Markup a browser would run or load: the reports' template has none, so any is the data's.
LIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "base", "form", "svg", "math"}
LIVE_URL = re.compile(r"\s*(javascript|vbscript|data:text)", re.I)


def live_markup(html: str) -> list[str]:
    """Elements and attributes that would run or load something, as BeautifulSoup parses them.

    Independent of `pipeline.reports.active_content`, so that the tests do not check the
    reports with the reports' own code.
    """
    from bs4 import BeautifulSoup

    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name in LIVE_TAGS:
            found.append(f"<{element.name}> {element.get_text()[:60]!r}")
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on") or LIVE_URL.match(value):
                found.append(f"{element.name} {attribute}={value!r}")
    return found


def text_of(html: str) -> str:
    """What a reader sees of an HTML page: its text, entities decoded."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text()
