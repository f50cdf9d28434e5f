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
from score import gold_items, norm_name, prf, system_items  # noqa: E402

KINDS = ("place", "date", "figure", "organisation")
# The pipeline's default threshold (pipeline.relations.MIN_SCORE; a test keeps them equal):
# written here so that the scorer needs only pyarrow.
MIN_SCORE = 0.5


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


def system_pairs(processed: Path, min_score: float = 0.0) -> dict[str, list]:
    """Source file name -> (organisation names, kind, target, relation, method, score) per row."""
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
        out.setdefault(docs.get(r["doc_id"], r["doc_id"]), []).append(
            (org, kind, target, r["relation"], r["method"], round(float(r["score"]), 2))
        )
    return out


# --------------------------------------------------------------------- ends
# A pair needs both its ends in the entity tables before it can be attached: the
# gold pairs whose organisation or target the tables lack are extraction's misses,
# and the system's pairs whose organisation or target is no gold entity are
# extraction's errors. What remains measures attachment alone.

ENTITY_KIND = {"place": "places", "date": "dates", "figure": "figures", "organisation": "organisations"}


def _entity_in(kind: str, end, items) -> bool:
    """Whether one end of a pair (names, ISO date or value) is among entity items."""
    if kind in ("organisations", "places"):
        return any(end & item for item in items)
    if kind == "dates":
        return end in items
    return any(abs(float(v) - end) <= 1e-6 * max(1.0, abs(end)) for v in items)


def system_entities(processed: Path) -> dict[str, dict[str, list]]:
    """Source file name -> the entity tables' items, as the reference scorer reads them."""
    return {
        doc: {
            kind: [v[0] if kind == "figures" else v for v in values]
            for kind, values in found.items()
        }
        for doc, found in system_items(processed).items()
    }


def gold_entities(gold: dict) -> dict[str, list]:
    """Every gold entity, optional ones included (an optional end is a real one)."""
    return {kind: [key for key, _ in gold_items(gold, kind)] for kind in ENTITY_KIND.values()}


def ends_in(pair, entities: dict[str, list]) -> tuple[bool, bool]:
    """(organisation found, target found) of a pair among `entities`."""
    org = _entity_in("organisations", pair[0], entities["organisations"])
    return org, _entity_in(ENTITY_KIND[pair[1]], pair[2], entities[ENTITY_KIND[pair[1]]])


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


def score_doc(system: list, gold: list, found: dict | None = None, truth: dict | None = None):
    """tp, fp, fn, right labels, missed and spurious pairs of one document and kind.

    With the document's entities (`found`: the system's, `truth`: the gold's), also
    the attachment counts: (true positives, gold pairs whose both ends the entity
    tables hold, spurious pairs whose both ends are gold entities).
    """
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
    attachment = (0, 0, 0)
    if found is not None and truth is not None:
        reachable = [all(ends_in(g, found)) for g in gold]
        attachment = (
            sum(u and r for u, r in zip(used, reachable, strict=True)),
            sum(reachable),
            sum(all(ends_in(s, truth)) for s in spurious),
        )
    return tp, fp, len(missed), labels_right, missed, spurious, attachment


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def evaluate(golds: list[dict], system: dict, entities: dict, min_score: float = 0.0, method=None, verbose=False):
    """Totals per kind, [tp, fp, fn, right labels, attachment tp, reachable gold, attachable fp],
    and the ends of the gold pairs: [pairs, both ends found, organisation missing, target missing]."""
    totals = {k: [0] * 7 for k in KINDS}
    ends = {k: [0] * 4 for k in KINDS}
    for gold in golds:
        pairs = gold_pairs(gold)
        found = [
            s for s in system.get(gold["doc"], []) if s[5] >= min_score and (method is None or s[4] == method)
        ]
        mine = entities.get(gold["doc"], {k: [] for k in ENTITY_KIND.values()})
        truth = gold_entities(gold)
        for kind in KINDS:
            wanted = [g for g in pairs if g[1] == kind]
            tp, fp, fn, right, missed, spurious, attach = score_doc(
                [s for s in found if s[1] == kind], wanted, mine, truth
            )
            for i, v in enumerate((tp, fp, fn, right, *attach)):
                totals[kind][i] += v
            for g in wanted:
                org, target = ends_in(g, mine)
                for i, v in enumerate((1, org and target, not org, not target)):
                    ends[kind][i] += v
            if verbose:
                show = lambda x: (sorted(x[0])[0], sorted(x[2])[0] if isinstance(x[2], frozenset) else x[2], x[3])
                print(f"{gold['doc']} {kind}: missed {[show(m) for m in missed]}")
                print(f"{gold['doc']} {kind}: spurious {[show(s) for s in spurious]}")
    return totals, ends


def summary(totals: dict) -> dict:
    out = {}
    for kind in (*KINDS, "all"):
        t = totals[kind] if kind != "all" else [sum(v[i] for v in totals.values()) for i in range(7)]
        p, r, f = prf(*t[:3])
        out[kind] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "label_accuracy": _ratio(t[3], t[0]),
            "gold": t[0] + t[2],
            "pairs": t[0] + t[1],
            # attachment alone: gold pairs whose both ends the tables hold, and the
            # system's pairs between two gold entities
            "attachment_precision": _ratio(t[4], t[4] + t[6]),
            "attachment_recall": _ratio(t[4], t[5]),
            "attachable_gold": t[5],
        }
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processed", type=Path, default=Path("processed"))
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument(
        "--min-score",
        type=float,
        default=MIN_SCORE,
        help=f"keep relations scored at least this (default {MIN_SCORE}, the pipeline's; 0 for all)",
    )
    ap.add_argument("--curve", action="store_true", help="precision and recall at every score threshold")
    ap.add_argument("--methods", action="store_true", help="precision of each attachment method")
    args = ap.parse_args(argv)
    gold_dir = args.gold / "gold" if not any(args.gold.glob("*.json")) else args.gold
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]
    golds = [g for g in golds if "relations" in g]
    system = system_pairs(args.processed)
    entities = system_entities(args.processed)
    totals, ends = evaluate(golds, system, entities, args.min_score, verbose=args.verbose)
    report = {"documents": len(golds), "min_score": args.min_score, "micro": summary(totals)}
    all_ends = [sum(v[i] for v in ends.values()) for i in range(4)]
    report["ends"] = {
        kind: dict(zip(("pairs", "both_found", "organisation_missing", "target_missing"), v, strict=True))
        for kind, v in [*ends.items(), ("all", all_ends)]
    }
    if args.methods:
        methods = sorted({s[4] for pairs in system.values() for s in pairs})
        report["methods"] = {
            m: summary(evaluate(golds, system, entities, args.min_score, method=m)[0])["all"] for m in methods
        }
    if args.curve:
        scores = sorted({s[5] for pairs in system.values() for s in pairs})
        report["curve"] = [
            {"min_score": t, **summary(evaluate(golds, system, entities, t)[0])["all"]} for t in scores
        ]
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"relations on {len(golds)} documents, score >= {args.min_score}")
    head = f"{'':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'labels':>8}{'gold':>6}{'pairs':>7}{'att. P':>8}{'att. R':>8}"
    line = lambda name, m: (
        f"{name:<14}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['label_accuracy']:>8.3f}"
        f"{m['gold']:>6}{m['pairs']:>7}{m['attachment_precision']:>8.3f}{m['attachment_recall']:>8.3f}"
    )
    print(head)
    for kind, m in report["micro"].items():
        print(line(kind, m))
    e = report["ends"]["all"]
    print(
        f"gold pairs {e['pairs']}: both ends in the entity tables {e['both_found']}, "
        f"organisation missing {e['organisation_missing']}, target missing {e['target_missing']}"
    )
    print("att. P / att. R: attachment alone (pairs between two gold entities / gold pairs whose ends were found)")
    if args.methods:
        print("\nper method (score threshold as above)")
        print(head)
        for m, v in report["methods"].items():
            print(line(m, v))
    if args.curve:
        print("\nby score threshold")
        print(f"{'min score':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'pairs':>7}{'att. P':>8}{'att. R':>8}")
        for v in report["curve"]:
            print(
                f"{v['min_score']:<14}{v['precision']:>10.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}{v['pairs']:>7}"
                f"{v['attachment_precision']:>8.3f}{v['attachment_recall']:>8.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
