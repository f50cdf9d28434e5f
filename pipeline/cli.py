"""Command line: one subcommand per stage, plus run, status, summary and eval.

    python -m pipeline ingest|language|extract|normalise [--raw DIR --interim DIR --processed DIR]
    python -m pipeline run        all four stages, incrementally
    python -m pipeline status     what is in raw/ against what has been processed
    python -m pipeline summary    documents, errors, mentions per kind
    python -m pipeline eval       score processed/ against the development gold

A bad argument or a missing directory is a non-zero exit with a message that
says what to do; a bad input file never is (it becomes an error row).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import time
import unicodedata
from pathlib import Path

from .config import ROOT, Paths

log = logging.getLogger("pipeline")

STAGES = ("ingest", "language", "extract", "normalise")


def _paths(args) -> Paths:
    return Paths.from_args(args.raw, args.interim, args.processed)


def _check_raw(paths: Paths) -> None:
    if not paths.raw.is_dir():
        raise SystemExit(
            f"pipeline: raw directory {paths.raw} does not exist: "
            "create it and put pages in it, or pass --raw DIR"
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


def run_stage(stage: str, paths: Paths, args, executor=None) -> None:
    """One stage under the run lock; language and extract use `executor` (made here if None)."""
    from .storage import RunLocked, run_lock

    own = executor is None and stage in ("language", "extract")
    try:
        with run_lock(paths.interim):
            if own:
                executor = _executor(args)
            try:
                report = _stage(stage, paths, args, executor)
            finally:
                if own:
                    executor.close()  # workers share the lock: joined before it is released
    except RunLocked as exc:
        raise SystemExit(f"pipeline: {exc}") from None
    _log_stage(paths, report)
    print(report.line(), flush=True)
    for source, error in report.errors[:20]:
        print(f"  error: {shown(source)}: {shown(error)}", flush=True)
    if len(report.errors) > 20:
        print(f"  ... and {len(report.errors) - 20} more (see `pipeline status`)", flush=True)


def _stage(stage: str, paths: Paths, args, executor):
    if stage == "ingest":
        from . import ingest

        _check_raw(paths)
        return ingest.run(paths)
    if stage == "language":
        from . import language

        return language.run(paths, detector_name=args.detector, executor=executor)
    if stage == "extract":
        from . import extract

        return extract.run(paths, executor=executor)
    from . import normalise

    return normalise.run(paths)


def _executor(args):
    from .executors import make_executor

    return make_executor(args.executor, args.workers, args.scheduler, args.dask_dashboard)


def _scheduler_address(value: str) -> str:
    from .executors import ClusterSetupError, scheduler_address

    try:
        return scheduler_address(value)
    except ClusterSetupError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _log_stage(paths: Paths, report) -> None:
    """Append the stage's figures to interim/runs.jsonl (read by status and summary)."""
    paths.interim.mkdir(parents=True, exist_ok=True)
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
        # peak memory of this process so far (kB on Linux): which stage raised it
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if report.model_seconds or report.model_load_seconds:
        # summed over workers: with one worker, the share of the run spent in the model
        entry["model_seconds"] = round(report.model_seconds, 3)
        entry["model_load_seconds"] = round(report.model_load_seconds, 3)
    with open(paths.interim / "runs.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


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
    from .ingest import raw_files
    from .storage import read_state
    from .tables import documents_dataset

    _check_raw(paths)
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
        f"raw/: {len(seen)} files: {len(new)} new, {len(changed)} changed, {len(removed)} removed, {unchanged} processed"
    )
    for label, items in (("new", new), ("changed", changed), ("removed", removed)):
        for source in items[:10]:
            print(f"  {label}: {shown(source)}")
    print(f"errors: {len(errors)}")
    for source, error in errors[:20]:
        print(f"  {shown(source)}: {shown(error)}")
    from .config import stage_versions

    versions = stage_versions()
    for stage in ("language", "extract"):
        state = read_state(paths.state, stage)
        outdated = sum(1 for v in state.column("version").to_pylist() if v != versions[stage])
        print(
            f"{stage}: {state.num_rows} documents, {outdated} made by an older version (version {versions[stage]})"
        )
    runs = paths.interim / "runs.jsonl"
    if runs.exists():
        last = json.loads(runs.read_text(encoding="utf-8").strip().splitlines()[-1])
        print(
            f"last run: {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(last['finished']))} ({last['stage']})"
        )
    else:
        print("last run: never")
    return 0


def cmd_eval(paths: Paths, gold: Path, verbose: bool, as_json: bool) -> int:
    sys.path.insert(0, str(ROOT / "eval"))
    import score  # the reference scorer, vendored unchanged in eval/

    argv = ["--processed", str(paths.processed), "--gold", str(gold)]
    if verbose:
        argv.append("--verbose")
    if as_json:
        argv.append("--json")
    return score.main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--raw", help="input pages (default: raw/ or $PIPELINE_RAW)")
    common.add_argument("--interim", help="intermediate tables (default: interim/)")
    common.add_argument("--processed", help="output tables (default: processed/)")
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
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("ingest", parents=[common], help="raw pages into clean text with provenance")
    sub.add_parser("language", parents=[common], help="segments and their languages")
    sub.add_parser("extract", parents=[common], help="spaCy NER plus date and figure rules")
    sub.add_parser(
        "normalise", parents=[common], help="entities, ISO dates, figures into processed/"
    )
    sub.add_parser("run", parents=[common], help="all four stages, incrementally")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    from .config import ModelMissing
    from .executors import ClusterSetupError

    try:
        return _main(argv)
    except (ModelMissing, ClusterSetupError) as exc:
        raise SystemExit(f"pipeline: {exc}") from None


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    paths = _paths(args)
    if args.command in STAGES:
        run_stage(args.command, paths, args)
        return 0
    if args.command == "run":
        from .extract import release_models
        from .storage import RunLocked, run_lock

        started = time.time()
        try:
            with run_lock(paths.interim):
                executor = _executor(args)
                try:
                    for stage in STAGES:
                        run_stage(stage, paths, args, executor)
                        if stage == "extract":
                            # the last stage with a model: normalise runs without the
                            # workers' and this process's models, so its memory is its own
                            executor.close()
                            release_models()
                finally:
                    executor.close()
        except RunLocked as exc:
            raise SystemExit(f"pipeline: {exc}") from None
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
    raise AssertionError(args.command)
