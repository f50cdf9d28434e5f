#!/usr/bin/env python3
"""Scores of the pipeline and of spaCy alone on every gold set, per kind, as one table.

Each set is a folder of pages and a folder of gold files; the pipeline runs on
the pages from scratch into a temporary folder, `spacy_alone.py` too, and both
are scored with the reference scorer (`score.py`), relations with
`relations_score.py` where the gold has them::

    .venv/bin/python eval/quality_report.py                       # the sets below that exist
    .venv/bin/python eval/quality_report.py --set mine=PAGES:GOLD  # any other set
    .venv/bin/python eval/quality_report.py --markdown             # for docs/quality.md

The held-out set (eval/gold/heldout) is for reporting only: look at its
figures at the end of a change, never to tune a rule.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

EVAL = Path(__file__).resolve().parent
ROOT = EVAL.parent
SETS = {
    "dev": (ROOT / "raw", EVAL / "gold" / "dev"),
    "dev2": (ROOT.parent / "shared" / "gold" / "dev2" / "raw", ROOT.parent / "shared" / "gold" / "dev2" / "gold"),
    "tune": (EVAL / "gold" / "tune" / "raw", EVAL / "gold" / "tune" / "gold"),
    "heldout": (EVAL / "gold" / "heldout" / "raw", EVAL / "gold" / "heldout" / "gold"),
}
KINDS = ("all", "organisations", "places", "dates", "figures")


def _json(cmd: list[str]) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def score_set(pages: Path, gold: Path, work: Path, alone: bool) -> dict:
    py = sys.executable
    processed = work / "processed"
    subprocess.run(
        [py, "-m", "pipeline", "run", "--raw", str(pages), "--interim", str(work / "interim"),
         "--processed", str(processed), "--corrections", str(work / "none.csv")],
        check=True, capture_output=True, cwd=ROOT,
    )
    result = {"pipeline": _json([py, str(EVAL / "score.py"), "--processed", str(processed), "--gold", str(gold), "--json"])["micro"]}
    if any("relations" in json.loads(p.read_text(encoding="utf-8")) for p in gold.glob("*.json")):
        result["relations"] = _json(
            [py, str(EVAL / "relations_score.py"), "--processed", str(processed), "--gold", str(gold), "--json"]
        )["micro"]["all"]
    if alone:
        subprocess.run(
            [py, str(EVAL / "spacy_alone.py"), "--raw", str(pages), "--processed", str(work / "alone")],
            check=True, capture_output=True, cwd=ROOT,
        )
        result["spacy_alone"] = _json(
            [py, str(EVAL / "score.py"), "--processed", str(work / "alone"), "--gold", str(gold), "--json"]
        )["micro"]
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", action="append", default=[], help="NAME=PAGES:GOLD (default: the standard sets)")
    ap.add_argument("--no-spacy-alone", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    sets = dict(SETS)
    if args.set:
        sets = {}
        for spec in args.set:
            name, paths = spec.split("=", 1)
            pages, gold = paths.split(":", 1)
            sets[name] = (Path(pages), Path(gold))
    results = {}
    for name, (pages, gold) in sets.items():
        if not pages.is_dir() or not gold.is_dir():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            results[name] = score_set(pages, gold, Path(tmp), not args.no_spacy_alone)
    if not args.markdown:
        print(json.dumps(results, indent=1))
        return 0
    print("| set | system | " + " | ".join(KINDS) + " | relations P / R |")
    print("|---|---|" + "---|" * (len(KINDS) + 1))
    for name, r in results.items():
        for system in ("pipeline", "spacy_alone"):
            if system not in r:
                continue
            cells = [f"{r[system][k]['f1']:.3f}" for k in KINDS]
            rel = r.get("relations") if system == "pipeline" else None
            rel_cell = f"{rel['precision']:.2f} / {rel['recall']:.2f}" if rel else ""
            label = "pipeline" if system == "pipeline" else "spaCy alone"
            print(f"| {name} | {label} | " + " | ".join(cells) + f" | {rel_cell} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
