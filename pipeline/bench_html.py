"""Benchmark of ``extract_html`` on the HTML main-text benchmarks in ``bench/html``.

Runs the extractor over every page of a set, keeps the ``"main"`` part of the text (the gold
has no reader comments), writes the predictions as JSON and scores them with the benchmark's own
``score.py`` (run as a subprocess, so the metric is exactly the one its README documents)::

    python -m pipeline.bench_html                       # both sets, French rows with --by-lang
    python -m pipeline.bench_html --sets aeb --limit 40 # quick look on the first 40 pages
    python -m pipeline.bench_html --mode balanced       # trafilatura's default balance

Pages the extractor rejects (FormatError) count as empty predictions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.formats import html as html_format
from pipeline.formats.text import FormatError

REPO_ROOT = Path(__file__).resolve().parent.parent
SETS = ("aeb", "trafilatura_fr_en")


def main_text(raw: bytes) -> str:
    """The "main" part of extract_html's text, or "" when the page is rejected."""
    try:
        doc = html_format.extract_html(raw)
    except FormatError:
        return ""
    return "\n\n".join(doc.text[start:end] for start, end, part in doc.parts if part == "main")


def predict(set_dir: Path, limit: int | None) -> tuple[dict[str, str], float]:
    """{page id: main text} for the pages of one set, and the median milliseconds per page."""
    paths = sorted((set_dir / "html").glob("*.html.gz"))[:limit]
    preds: dict[str, str] = {}
    times: list[float] = []
    for path in paths:
        raw = gzip.decompress(path.read_bytes())
        start = time.perf_counter()
        preds[path.name.removesuffix(".html.gz")] = main_text(raw)
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return preds, times[len(times) // 2] if times else 0.0


def subset_gold(set_dir: Path, ids: set[str], out: Path) -> Path:
    """Gold restricted to ``ids`` (with language tags inlined), for runs with --limit."""
    gold = json.loads(gzip.decompress((set_dir / "ground-truth.json.gz").read_bytes()))
    lang_path = set_dir / "lang.json"
    langs = json.loads(lang_path.read_text(encoding="utf-8")) if lang_path.exists() else {}
    subset = {
        k: {**v, "lang": v.get("lang") or langs.get(k, "")} for k, v in gold.items() if k in ids
    }
    out.write_text(json.dumps(subset, ensure_ascii=False), encoding="utf-8")
    return out


def run(bench_dir: Path, sets: list[str], out_dir: Path, limit: int | None, by_lang: bool) -> int:
    status = 0
    for name in sets:
        set_dir = bench_dir / name
        preds, median_ms = predict(set_dir, limit)
        pred_path = out_dir / f"{name}.json"
        pred_path.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
        empty = sum(1 for text in preds.values() if not text)
        print(f"== {name}: {len(preds)} pages, {empty} empty, median {median_ms:.0f} ms/page")
        cmd = [sys.executable, str(bench_dir / "score.py")]
        if limit is None:
            cmd += ["--set", name]
        else:
            cmd += ["--gold", str(subset_gold(set_dir, set(preds), out_dir / f"{name}.gold.json"))]
        if by_lang:
            cmd.append("--by-lang")
        cmd.append(f"extract_html={pred_path}")
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        print(result.stdout, end="")
        if result.returncode:
            print(result.stderr, file=sys.stderr, end="")
            status = result.returncode
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bench-dir", type=Path, default=REPO_ROOT / "bench" / "html", help="default: bench/html"
    )
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--out", type=Path, help="folder for the predictions (default: temporary)")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    parser.add_argument("--no-by-lang", action="store_true", help="no per-language rows")
    parser.add_argument(
        "--mode",
        choices=("hybrid", "precision", "balanced"),
        default=html_format.MODE,
        help="how trafilatura is run (see pipeline.formats.html._trafilatura)",
    )
    args = parser.parse_args(argv)
    html_format.MODE = args.mode
    bench_dir = args.bench_dir.resolve()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        return run(bench_dir, args.sets, args.out, args.limit, not args.no_by_lang)
    with tempfile.TemporaryDirectory() as tmp:
        return run(bench_dir, args.sets, Path(tmp), args.limit, not args.no_by_lang)


if __name__ == "__main__":
    sys.exit(main())
