"""Command line: one subcommand per stage, plus run, status, summary and eval.

    python -m pipeline run        every stage, incrementally, then a summary
    python -m pipeline STAGE      STAGE and the stages it needs before it
                                  (ingest, language, extract, resolve, link)
    python -m pipeline run --retry-errors / --force STAGE
    python -m pipeline status     what is in raw/ against what has been processed
    python -m pipeline summary    documents, errors, mentions per kind
    python -m pipeline eval       score processed/ against the development gold
    python -m pipeline export     processed/ as CSV files and one XLSX workbook (exports/)

A bad argument or a missing directory is a non-zero exit with a message that
says what to do; a bad input file never is (it becomes an error row).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import unicodedata
from pathlib import Path

from .config import ROOT, Paths

try:
    import resource
except ImportError:  # Windows: no peak memory figure in the run log
    resource = None

log = logging.getLogger("pipeline")

STAGES = ("ingest", "language", "extract", "resolve", "link")


def _paths(args) -> Paths:
    return Paths.from_args(args.raw, args.interim, args.processed, args.corrections)


def _options(args):
    from .runner import Options

    return Options(
        retry_errors=getattr(args, "retry_errors", False),
        force=frozenset(getattr(args, "force", None) or ()),
        detector=args.detector,
    )


def shown(text: object) -> str:
    """Text from a file name or a page, safe to print: control and format characters
    (escape sequences, bell, bidirectional overrides) are spelled out as \\xNN or \\uNNNN,
    so that a name can neither drive the terminal nor disguise itself."""
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if unicodedata.category(c) in ("Cc", "Cf")
        else c
        for c in str(text)
    )


def run_pipeline(target: str, paths: Paths, args) -> None:
    """`target` and the stages it needs, under the run lock; prints each stage's report."""
    from .runner import run_stages
    from .stages import up_to

    def make_executor():
        from .executors import make_executor

        return make_executor(args.executor, args.workers, args.scheduler, args.dask_dashboard)

    for report in run_stages(up_to(target), paths, _options(args), make_executor):
        _log_stage(paths, report)
        for note in report.notes:
            print(f"  note: {note}", flush=True)
        print(report.line(), flush=True)
        for source, error in report.errors[:20]:
            print(f"  error: {shown(source)}: {shown(error)}", flush=True)
        if len(report.errors) > 20:
            print(f"  ... and {len(report.errors) - 20} more (see `pipeline status`)", flush=True)


def _scheduler_address(value: str) -> str:
    from .executors import ClusterSetupError, scheduler_address

    try:
        return scheduler_address(value)
    except ClusterSetupError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def peak_memory_mb() -> float | None:
    """Peak memory of this process so far, in MB; None where the system does not give it."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)  # bytes on macOS


def _log_stage(paths: Paths, report) -> None:
    """Append the stage's figures to interim/runs.jsonl (read by status and the benchmark)."""
    entry = {
        "stage": report.stage,
        "finished": time.time(),
        "seconds": round(report.seconds, 3),
        "new": report.plan.new,
        "changed": report.plan.changed,
        "removed": len(report.plan.removed),
        "skipped": report.plan.skipped,
        "rows": report.rows,
        "errors": len(report.errors),
        # peak memory of this process so far: which stage raised it
        "max_rss_mb": peak_memory_mb(),
        # sections timed for the benchmark (pipeline.timing), summed over workers
        **{name: round(seconds, 3) for name, seconds in report.timings.items()},
    }
    with open(paths.interim / "runs.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


def run_log(paths: Paths) -> list[dict]:
    """The entries of interim/runs.jsonl; lines that cannot be read are skipped."""
    try:
        lines = (paths.interim / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("finished"), int | float):
            entries.append(entry)
    return entries


def _check_raw(paths: Paths) -> None:
    if not paths.raw.is_dir():
        raise SystemExit(
            f"pipeline: raw directory {paths.raw} does not exist: "
            "create it and put pages in it, or pass --raw DIR"
        )


def cmd_summary(paths: Paths, started: float | None) -> int:
    import pyarrow.compute as pc

    from .schemas import DOCUMENTS, MENTIONS
    from .storage import read_table

    docs = read_table(
        paths.processed / "documents.parquet", DOCUMENTS, ["status", "source", "error"]
    )
    mentions = read_table(paths.processed / "mentions.parquet", MENTIONS, ["label"])
    statuses = {
        r["values"]: r["counts"] for r in pc.value_counts(docs.column("status")).to_pylist()
    }
    labels = {
        r["values"]: r["counts"] for r in pc.value_counts(mentions.column("label")).to_pylist()
    }
    tables = {
        name: read_table(paths.processed / f"{name}.parquet", schema, ["doc_id"]).num_rows
        for name, schema in _processed_schemas().items()
        if name in ("organisations", "places", "dates", "figures")
    }
    print(
        f"documents: {docs.num_rows} read, {statuses.get('ok', 0)} ok, "
        f"{statuses.get('error', 0)} errors, {statuses.get('duplicate', 0)} duplicates"
    )
    print(
        "mentions: " + ", ".join(f"{k} {labels[k]}" for k in sorted(labels))
        if labels
        else "mentions: none"
    )
    print("tables: " + ", ".join(f"{k} {v} rows" for k, v in tables.items()))
    errors = (
        docs.filter(pc.equal(docs.column("status"), "error"))
        .select(["source", "error"])
        .to_pylist()
    )
    for row in errors[:20]:
        print(f"  error: {shown(row['source'])}: {shown(row['error'])}")
    if started is not None:
        print(f"time: {time.time() - started:.1f}s")
    return 0


def _processed_schemas():
    from .schemas import PROCESSED_TABLES

    return PROCESSED_TABLES


def cmd_status(paths: Paths) -> int:
    """What is in raw/ against what each stage has done; never fails on damaged files."""
    import pyarrow as pa

    from .storage import DamagedTable

    _check_raw(paths)
    try:
        complete = _status_files(paths) & _status_stages(paths)
    except (DamagedTable, OSError, pa.ArrowException) as exc:
        print(f"damaged: {exc}: `pipeline run` (or make) repairs it and redoes what it held")
        complete = False
    if not complete:
        print("incomplete: run `make` (or `pipeline run`) to finish")
    _status_corrections(paths)
    entries = run_log(paths)
    if entries:
        last = entries[-1]
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(last["finished"]))
        print(f"last run: {when} ({last.get('stage')})")
    else:
        print("last run: never")
    return 0


def _status_files(paths: Paths) -> bool:
    from .ingest import raw_files
    from .tables import documents_dataset

    docs = documents_dataset(paths).read(
        ["source", "bytes", "mtime_ns", "status", "error", "doc_id"]
    )
    known = {r["source"]: r for r in docs.to_pylist()}
    new, changed, unchanged = [], [], 0
    seen = set()
    for f in raw_files(paths):
        seen.add(f.source)
        row = known.get(f.source)
        if row is None:
            new.append(f.source)
        elif (row["bytes"], row["mtime_ns"]) != (f.size, f.mtime_ns) and row["status"] != "error":
            changed.append(f.source)
        else:
            unchanged += 1
    removed = sorted(set(known) - seen)
    errors = [(r["source"], r["error"]) for r in known.values() if r["status"] == "error"]
    print(
        f"raw/: {len(seen)} files: {len(new)} new, {len(changed)} changed, "
        f"{len(removed)} removed, {unchanged} processed"
    )
    for label, items in (("new", new), ("changed", changed), ("removed", removed)):
        for source in items[:10]:
            print(f"  {label}: {shown(source)}")
    print(f"errors: {len(errors)}")
    for source, error in errors[:20]:
        print(f"  {shown(source)}: {shown(error)}")
    return not (new or changed or removed)


def _status_stages(paths: Paths) -> bool:
    """Each stage against the one before: what a run would do (interrupted work shows here)."""
    import pyarrow.compute as pc

    from .runner import Options, StageReport, load_state, published, stage_plan
    from .stages import STAGES

    complete = True
    options = Options()
    for stage in STAGES.values():
        if stage.scope == "documents":
            report = StageReport(stage.name)
            state = load_state(paths, stage.name, report)
            todo, _ = stage_plan(stage, paths, options, state)
            for dataset in stage.outputs(paths).values():
                report.notes.extend(dataset.problems()[1])
            if todo.skipped and not any(d.exists() for d in stage.outputs(paths).values()):
                report.notes.append(f"{stage.name}: its tables are missing")
            errors = pc.sum(pc.equal(state.column("status"), "error")).as_py() or 0
            print(
                f"{stage.name}: {todo.skipped} documents up to date, {todo.new} not done yet, "
                f"{todo.changed} to redo, {len(todo.removed)} to remove, {errors} in error"
            )
            for note in report.notes:
                print(f"  {note}")
            complete &= todo.nothing_to_do and not report.notes
        elif stage.scope == "corpus":
            manifest = published(paths)
            current = stage.fingerprint(paths, stage.version(options))
            if manifest is None:
                print(f"{stage.name}: {paths.processed} not published yet")
                complete = False
            elif manifest.get("fingerprint") != current:
                print(f"{stage.name}: {paths.processed} is older than the tables it is made from")
                complete = False
            else:
                print(f"{stage.name}: {paths.processed} up to date")
    return complete


def _status_corrections(paths: Paths) -> None:
    """How many of the user's corrections apply, which match nothing, which are wrong."""
    from .corrections import parse

    path = paths.corrections
    if path is None or not path.is_file():
        print(f"corrections: none ({path} does not exist)")
        return
    report = paths.processed / "corrections.parquet"
    if not report.exists() or report.stat().st_mtime < path.stat().st_mtime:
        good, bad = parse(path.read_text(encoding="utf-8-sig"))
        print(
            f"corrections: {len(good) + len(bad)} lines, {len(bad)} errors; "
            f"{path} changed since the last run: run make to apply it"
        )
        for b in bad:
            print(f"  line {b.line}: {b.message}")
        return
    import pyarrow.parquet as pq

    rows = pq.read_table(report).to_pylist()
    by_status = {s: [r for r in rows if r["status"] == s] for s in ("applied", "no match", "error")}
    print(
        f"corrections: {len(rows)} lines, {len(by_status['applied'])} applied, "
        f"{len(by_status['no match'])} match nothing, {len(by_status['error'])} errors".replace(
            " 1 errors", " 1 error"
        )
    )
    for r in by_status["no match"]:
        print(f"  line {r['line']}: {r['action']} {r['kind']} {r['name']!r} matches nothing")
    for r in by_status["error"]:
        print(f"  line {r['line']}: {r['error']}")


def gold_folder(gold: Path) -> Path:
    """The folder of gold JSON files: GOLD itself, or GOLD/gold (a set laid out as raw/ + gold/)."""
    if not any(gold.glob("*.json")) and any((gold / "gold").glob("*.json")):
        return gold / "gold"
    return gold


def unmatched_gold(gold: Path, processed: Path) -> tuple[list[str], list[str]]:
    """Gold documents found in processed/documents, and those that are not (by file name)."""
    import pyarrow.parquet as pq

    table = processed / "documents.parquet"
    sources = pq.read_table(table, columns=["source"]).column("source").to_pylist()
    names = {Path(s).name for s in sources}
    found, missing = [], []
    for path in sorted(gold.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))["doc"]
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise SystemExit(f"pipeline eval: {path} is not a gold file ({exc})") from None
        (found if doc in names else missing).append(doc)
    return found, missing


def cmd_eval(paths: Paths, gold: Path, verbose: bool, as_json: bool) -> int:
    """Score processed/ with the reference scorer, after checking that the gold fits it.

    A gold folder that names none of the processed documents would score zeros,
    which reads like a broken pipeline: say what is wrong instead.
    """
    gold = gold_folder(gold)
    if not any(gold.glob("*.json")):
        print(f"pipeline eval: no gold files (*.json) in {gold}", file=sys.stderr)
        return 2
    if not (paths.processed / "documents.parquet").exists():
        print(
            f"pipeline eval: no {paths.processed}/documents.parquet: run make first",
            file=sys.stderr,
        )
        return 2
    found, missing = unmatched_gold(gold, paths.processed)
    if not found:
        print(
            f"pipeline eval: none of the {len(missing)} gold files in {gold} names a document of "
            f"{paths.processed} (they name {', '.join(missing[:3])}…). Process the pages they "
            "annotate first: make eval GOLD=DIR RAW=PAGES",
            file=sys.stderr,
        )
        return 2
    if missing:
        print(
            f"pipeline eval: {len(missing)} gold file(s) name documents that are not processed "
            f"({', '.join(missing)}): they count as all missed",
            file=sys.stderr,
        )
    sys.path.insert(0, str(ROOT / "eval"))
    import score  # the reference scorer, vendored unchanged in eval/

    argv = ["--processed", str(paths.processed), "--gold", str(gold)]
    if verbose:
        argv.append("--verbose")
    if as_json:
        argv.append("--json")
    return score.main(argv)


def cmd_export(paths: Paths, out: Path) -> int:
    from .export import XLSX_NAME, export

    try:
        counts = export(paths.processed, out)
    except FileNotFoundError as exc:
        print(f"pipeline export: {exc}", file=sys.stderr)
        return 2
    for name, n in counts.items():
        print(f"{out / name}.csv: {n} rows")
    print(f"{out / XLSX_NAME}: {len(counts)} sheets")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--raw", help="input pages (default: raw/ or $PIPELINE_RAW)")
    common.add_argument("--interim", help="intermediate tables (default: interim/)")
    common.add_argument("--processed", help="output tables (default: processed/)")
    common.add_argument(
        "--corrections",
        help="the user's corrections, action,kind,name,target (default: corrections.csv)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    common.add_argument(
        "--workers",
        type=int,
        help="extract in this many worker processes (default: the machine's cores)",
    )
    common.add_argument(
        "--executor",
        default="local",
        choices=["local", "dask"],
        help="local processes, or a Dask cluster (LocalCluster unless --scheduler)",
    )
    common.add_argument(
        "--scheduler",
        type=_scheduler_address,
        help="address of a running Dask scheduler, tcp://HOST:PORT or tls://HOST:PORT "
        "(TLS certificates from Dask's configuration: docs/security.md)",
    )
    common.add_argument(
        "--dask-dashboard",
        nargs="?",
        const="127.0.0.1:8787",
        default=None,
        metavar="HOST:PORT",
        help="show the LocalCluster's dashboard (needs bokeh) at this address "
        "(default 127.0.0.1:8787); without this option there is none",
    )
    common.add_argument(
        "--detector",
        default="py3langid",
        choices=["py3langid", "langdetect"],
        help="language detector",
    )
    from .stages import STAGES as DECLARED

    running = argparse.ArgumentParser(add_help=False)
    running.add_argument(
        "--retry-errors", action="store_true", help="process the documents in error again"
    )
    running.add_argument(
        "--force",
        action="append",
        choices=list(DECLARED),
        metavar="STAGE",
        help="redo STAGE for every document (repeatable); the stages after it follow",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for stage in DECLARED.values():
        sub.add_parser(
            stage.name,
            parents=[common, running],
            help=f"{stage.help} (and the stages before it)",
        )
    sub.add_parser("normalise", parents=[common, running], help="the same as link")
    sub.add_parser("run", parents=[common, running], help="every stage, incrementally")
    sub.add_parser("status", parents=[common], help="raw/ against what has been processed")
    summary = sub.add_parser(
        "summary", parents=[common], help="documents, errors and mentions per kind"
    )
    summary.add_argument(
        "--since", type=float, help="start time (epoch seconds) to report the time taken"
    )
    ev = sub.add_parser(
        "eval", parents=[common], help="score processed/ against the development gold"
    )
    ev.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold" / "dev")
    ev.add_argument("--json", action="store_true")
    ev.add_argument(
        "--details", action="store_true", help="list missed and spurious items (as --verbose)"
    )
    export = sub.add_parser(
        "export", parents=[common], help="processed/ as CSV files and one XLSX workbook"
    )
    export.add_argument("--out", type=Path, default=Path("exports"), help="default: exports/")
    return parser


def main(argv: list[str] | None = None) -> int:
    from .config import ModelMissing
    from .executors import ClusterSetupError
    from .runner import RunError
    from .storage import DamagedTable, RunLocked

    try:
        return _main(argv)
    except (ModelMissing, RunError, RunLocked, ClusterSetupError) as exc:
        raise SystemExit(f"pipeline: {exc}") from None
    except DamagedTable as exc:
        raise SystemExit(
            f"pipeline: {exc}: run again to repair it (the stage that wrote it redoes "
            "what it held), or delete it"
        ) from None
    except KeyboardInterrupt:
        print(
            "pipeline: interrupted; the work committed so far is kept: run again to finish",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:  # the machine's: a full disk, a file held open (Windows)
        log.debug("the run stopped", exc_info=True)
        raise SystemExit(
            f"pipeline: {exc}; the work committed so far is kept and processed/ is as it "
            "was: fix this and run again (--verbose shows where it happened)"
        ) from None


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    paths = _paths(args)
    if args.command in STAGES or args.command == "normalise":
        run_pipeline("link" if args.command == "normalise" else args.command, paths, args)
        return 0
    if args.command == "run":
        started = time.time()
        run_pipeline("link", paths, args)
        return cmd_summary(paths, started)
    if args.command == "status":
        return cmd_status(paths)
    if args.command == "summary":
        since = args.since
        if since is None and os.environ.get("PIPELINE_STARTED"):
            since = float(os.environ["PIPELINE_STARTED"])
        return cmd_summary(paths, since)
    if args.command == "eval":
        return cmd_eval(paths, args.gold, args.details or args.verbose, args.json)
    if args.command == "export":
        return cmd_export(paths, args.out)
    raise AssertionError(args.command)
