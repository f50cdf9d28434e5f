#!/usr/bin/env python3
"""Score processed/relations.parquet against the `relations` of gold files.

Usage:
    relations_score.py --processed processed/ --gold GOLD_DIR [--json] [--verbose] [--min-score S]

Gold files that have a "relations" key are scored (others are skipped): a list of
{"organisation": name, "kind": "place"|"date"|"figure"|"organisation",
 "target": name | ISO date | number, "relation": label}.
A pair is (organisation, kind, target); the relation label is reported apart
(accuracy on matched pairs), as the issue asks for pair precision and recall.

Matching, per document, on distinct pairs:
  - organisation: any name of the system's organisation (its `organisation`
    name, and the names and aliases of its org_id in organisations.parquet)
    equals, after the reference scorer's folding, the gold organisation's name
    or an alias of the gold organisation entry of that name;
  - place and organisation targets: the same, with the target's names; two
    organisations match in either order (the gold writes partner_of both ways);
  - date targets: the ISO strings are equal;
  - figure targets: the values are equal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score import norm_name, prf  # noqa: E402

KINDS = ("place", "date", "figure", "organisation")


def _gold_names(gold: dict, kind: str) -> dict[str, set[str]]:
    """Folded name -> every folded name of that gold entity (name and aliases)."""
    out: dict[str, set[str]] = {}
    for entry in gold.get(kind, []):
        names = {norm_name(n) for n in [entry["name"], *entry.get("aliases", [])]} - {""}
        for n in names:
            out.setdefault(n, set()).update(names)
    return out


def _key(kind: str, target) -> object:
    if kind == "figure":
        return round(float(target), 6)
    if kind == "date":
        return str(target)
    return norm_name(str(target))


def gold_pairs(gold: dict) -> list[tuple[frozenset, str, object, str]]:
    orgs = _gold_names(gold, "organisations")
    places = _gold_names(gold, "places")
    out = []
    for r in gold.get("relations", []):
        org = orgs.get(norm_name(r["organisation"]), {norm_name(r["organisation"])})
        kind = r["kind"]
        if kind == "place":
            target = frozenset(places.get(_key(kind, r["target"]), {_key(kind, r["target"])}))
        elif kind == "organisation":
            target = frozenset(orgs.get(_key(kind, r["target"]), {_key(kind, r["target"])}))
        else:
            target = _key(kind, r["target"])
        out.append((frozenset(org), kind, target, r.get("relation", "mentioned_with")))
    return out


def system_pairs(processed: Path, min_score: float) -> dict[str, list]:
    docs = {
        r["doc_id"]: Path(r["source"]).name
        for r in pq.read_table(processed / "documents.parquet", columns=["doc_id", "source"]).to_pylist()
    }
    names: dict[tuple[str, str], set[str]] = {}
    for table, id_col in (("organisations", "org_id"), ("places", "place_id")):
        for r in pq.read_table(processed / f"{table}.parquet", columns=["doc_id", id_col, "name", "aliases"]).to_pylist():
            names.setdefault((r["doc_id"], r[id_col]), set()).update(
                norm_name(n) for n in [r["name"], *(r["aliases"] or [])]
            )
    out: dict[str, list] = {}
    path = processed / "relations.parquet"
    if not path.exists():
        sys.exit(f"relations_score: missing table {path}")
    for r in pq.read_table(path).to_pylist():
        if r["score"] < min_score:
            continue
        org = frozenset(names.get((r["doc_id"], r["org_id"]), set()) | {norm_name(r["organisation"])})
        kind = r["kind"]
        if kind in ("place", "organisation"):
            target = frozenset(names.get((r["doc_id"], r["target_id"]), set()) | {norm_name(r["target"] or "")})
        elif kind == "figure":
            target = _key(kind, r["value"])
        else:
            target = r["target"]
        out.setdefault(docs.get(r["doc_id"], r["doc_id"]), []).append((org, kind, target, r["relation"]))
    return out


def _match(s, g) -> bool:
    if s[1] != g[1]:
        return False
    if s[1] == "organisation" and s[0] & g[2] and s[2] & g[0]:
        # a link between two organisations is one pair whichever the gold names
        # first: partner_of and mentioned_with have no direction, and the gold
        # writes them both ways ("partner → owner" on one page, "owner → partner"
        # on another); a funded_by the wrong way round counts as a wrong label
        return True
    if not (s[0] & g[0]):
        return False
    if s[1] in ("place", "organisation"):
        return bool(s[2] & g[2])
    return s[2] == g[2]


def score_doc(system: list, gold: list):
    # distinct pairs on each side
    sys_items = []
    for s in system:
        if not any(_match(s, t) and _match(t, s) for t in sys_items):
            sys_items.append(s)
    tp = fp = 0
    used = [False] * len(gold)
    labels_right = 0
    spurious = []
    for s in sys_items:
        hit = next((i for i, g in enumerate(gold) if not used[i] and _match(s, g)), None)
        if hit is None:
            if not any(_match(s, g) for g in gold):
                fp += 1
                spurious.append(s)
            continue
        used[hit] = True
        tp += 1
        g = gold[hit]
        backwards = s[1] == "organisation" and not (s[0] & g[0] and s[2] & g[2])
        labels_right += s[3] == g[3] and not (backwards and s[3] == "funded_by")
    missed = [g for i, g in enumerate(gold) if not used[i]]
    return tp, fp, len(missed), labels_right, missed, spurious


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processed", type=Path, default=Path("processed"))
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--min-score", type=float, default=0.0, help="keep relations scored at least this")
    args = ap.parse_args(argv)
    gold_dir = args.gold / "gold" if not any(args.gold.glob("*.json")) else args.gold
    system = system_pairs(args.processed, args.min_score)
    totals = {k: [0, 0, 0, 0] for k in KINDS}
    n_docs = 0
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "relations" not in gold:
            continue
        n_docs += 1
        pairs = gold_pairs(gold)
        found = system.get(gold["doc"], [])
        for kind in KINDS:
            tp, fp, fn, right, missed, spurious = score_doc(
                [s for s in found if s[1] == kind], [g for g in pairs if g[1] == kind]
            )
            for i, v in enumerate((tp, fp, fn, right)):
                totals[kind][i] += v
            if args.verbose:
                show = lambda x: (sorted(x[0])[0], sorted(x[2])[0] if isinstance(x[2], frozenset) else x[2], x[3])
                print(f"{gold['doc']} {kind}: missed {[show(m) for m in missed]}")
                print(f"{gold['doc']} {kind}: spurious {[show(s) for s in spurious]}")
    report = {"documents": n_docs, "micro": {}}
    for kind in (*KINDS, "all"):
        t = totals[kind] if kind != "all" else [sum(v[i] for v in totals.values()) for i in range(4)]
        p, r, f = prf(*t[:3])
        report["micro"][kind] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "label_accuracy": round(t[3] / t[0], 4) if t[0] else 0.0,
            "gold": t[0] + t[2],
        }
    if args.json:
        print(json.dumps(report))
    else:
        print(f"relations on {n_docs} documents")
        print(f"{'kind':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'labels':>10}{'gold':>8}")
        for kind, m in report["micro"].items():
            print(
                f"{kind:<14}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}"
                f"{m['label_accuracy']:>10.3f}{m['gold']:>8}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
