"""`make bench`: throughput, memory and re-run cost of the whole pipeline.

Builds a corpus from the sample pages (paragraphs drawn with a fixed seed into
documents of a few paragraphs, at least 1,000 documents and 2 MB of text), runs
the pipeline on it in a fresh folder, and prints one JSON line with:

* words/s of the whole pipeline (ingest to link, one worker and N workers),
* words/s of the plain spaCy script on the same segments (each language's stock
  model with every component, ``nlp.pipe`` with its defaults, one process, its
  model loading not timed), and the one-worker pipeline (its loading timed)
  against it: ``ratio_pipeline_to_naive_spacy``,
* words/s of a bare `nlp.pipe` over the same segments with the same models and
  components as the extract stage, and the ratio of the two: one worker against
  one process, and N workers (the default: one per core) against
  ``nlp.pipe(n_process=N)``, spaCy's own way of using the whole machine,
* the same split measured inside the one-worker run: the share of its time spent
  outside `nlp.pipe` (and outside loading the models). Two runs in a row differ
  by a few percent on a shared machine; this share does not depend on that drift,
* peak memory (RSS of the run and its worker processes),
* the time of a re-run with nothing changed, and its ratio to the full run,
* the time of each stage,
* peak memory again at 10 times the corpus (``--scale 10``), and the ratio.

Timings are measurements, never assertions: the tests do not depend on them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from .cli import STAGES
from .config import BATCH_SIZE, ROOT

SEED = 13


def build_corpus(raw: Path, n_docs: int, seed: int = SEED, source: Path = ROOT / "raw") -> int:
    """Write `n_docs` documents of 2 to 6 sample paragraphs each; returns the bytes written."""
    paragraphs = []
    for path in sorted(source.glob("*.txt")):
        paragraphs.extend(
            p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 40
        )
    rng = random.Random(seed)
    raw.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n_docs):
        chosen = rng.sample(paragraphs, rng.randint(4, 9))
        text = f"Document {i}\n\n" + "\n\n".join(chosen) + "\n"
        data = text.encode("utf-8")
        (raw / f"bench-{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


class PeakRSS:
    """Peak resident memory of a process and its children, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self._process = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self._process, *self._process.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_pipeline(base: Path, workers: int, extra: list[str] | None = None) -> dict:
    """`pipeline run` in a subprocess; returns wall time, peak RSS and stage times."""
    args = [
        sys.executable,
        "-m",
        "pipeline",
        "run",
        "--raw",
        str(base / "raw"),
        "--interim",
        str(base / "interim"),
        "--processed",
        str(base / "processed"),
        "--workers",
        str(workers),
        *(extra or []),
    ]
    started = time.perf_counter()
    # the run times its model sections for us (pipeline.timing)
    env = {**os.environ, "PIPELINE_TIMINGS": "1"}
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = PeakRSS(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    rss = peak.stop()
    if proc.returncode != 0:
        raise SystemExit(f"bench: pipeline failed:\n{err}")
    stages = {}
    model = {}
    runs = (base / "interim" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    for line in runs[-len(STAGES) :]:
        entry = json.loads(line)
        stages[entry["stage"]] = entry["seconds"]
        if entry["stage"] == "extract":
            model = {k: entry.get(k, 0.0) for k in ("model_seconds", "model_load_seconds")}
    return {"seconds": seconds, "peak_rss_mb": rss / 2**20, "stages": stages, **model}


def segment_texts(base: Path) -> dict[str, list[str]]:
    """The strings the extract stage gives each model: every segment, by model language."""
    from .config import MODELS, Paths
    from .extract import _main_language, _model_languages
    from .tables import documents_dataset, segments_dataset
    from .textnorm import normalise_for_model

    paths = Paths(base / "raw", base / "interim", base / "processed")
    texts = {
        r["doc_id"]: r["text"]
        for r in documents_dataset(paths).read(["doc_id", "text", "status"]).to_pylist()
        if r["status"] == "ok"
    }
    by_doc: dict[str, list[dict]] = {}
    for s in segments_dataset(paths).read().to_pylist():
        by_doc.setdefault(s["doc_id"], []).append(s)
    jobs: dict[str, list[str]] = {lang: [] for lang in MODELS}
    for doc_id, segs in by_doc.items():
        segs.sort(key=lambda s: s["segment"])
        for seg, lang in zip(segs, _model_languages(segs, _main_language(segs)), strict=True):
            jobs[lang].append(normalise_for_model(texts[doc_id][seg["start"] : seg["end"]]))
    return jobs


def bare_nlp_pipe(jobs: dict[str, list[str]], n_process: tuple[int, ...] = (1,)) -> dict:
    """nlp.pipe alone over the same segments, models and components as the extract stage.

    As in extract, the segments where a figure rule reads tags go through every
    loaded component and the others through NER alone. Timed once per process count
    in `n_process` (spaCy's own multiprocessing, which forks the loaded model):
    ``seconds[n]`` is the time of the nlp.pipe loops alone.
    """
    from .extract import load_model, ner_only, release_models
    from .rules.figures import needs_tagging

    seconds = dict.fromkeys(n_process, 0.0)
    load = 0.0
    for lang, items in jobs.items():
        started = time.perf_counter()
        nlp = load_model(lang)
        skipped = list(ner_only(lang))
        load += time.perf_counter() - started
        tagged = [needs_tagging(text, lang) for text in items]
        streams = (
            ([t for t, f in zip(items, tagged, strict=True) if f], []),
            ([t for t, f in zip(items, tagged, strict=True) if not f], skipped),
        )
        for n in n_process:
            started = time.perf_counter()
            for texts, disable in streams:
                for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=n, disable=disable):
                    pass
            seconds[n] += time.perf_counter() - started
        del nlp
        release_models()
    return {"seconds": seconds, "model_load_seconds": load}


def naive_spacy(jobs: dict[str, list[str]]) -> dict:
    """The script a user would write with spaCy alone, on the same segments.

    Each language's stock model with every component (`spacy.load` excluding nothing),
    `nlp.pipe` with its defaults, one process; the loading is timed apart. Also
    counts the words (outside the timed loop, with the model's own tokenizer).
    """
    import spacy

    from .config import MODELS

    seconds = load = 0.0
    words = 0
    for lang, items in jobs.items():
        started = time.perf_counter()
        nlp = spacy.load(MODELS[lang].package)
        load += time.perf_counter() - started
        started = time.perf_counter()
        for _ in nlp.pipe(items):
            pass
        seconds += time.perf_counter() - started
        for doc in nlp.tokenizer.pipe(items):
            words += sum(1 for t in doc if not (t.is_punct or t.is_space))
        del nlp
    return {"seconds": seconds, "words": words, "model_load_seconds": load}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--scale",
        type=int,
        default=10,
        help="multiply the corpus by this for the memory figure (0: skip)",
    )
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    args = parser.parse_args(argv)

    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        # tables left by an earlier run would turn the full run into a partial one
        raise SystemExit(f"bench: {args.keep} is not empty: give --keep a new folder")
    base = args.keep or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        result: dict = {"docs": args.docs, "seed": SEED}
        one = base / "one"
        result["bytes"] = build_corpus(one / "raw", args.docs)
        full1 = run_pipeline(one, workers=1)
        processes = (1, args.workers) if args.workers > 1 else (1,)
        jobs = segment_texts(one)
        naive = naive_spacy(jobs)
        bare = bare_nlp_pipe(jobs, processes)
        words = naive["words"]
        extract_seconds = full1["stages"]["extract"]
        result.update(
            words=words,
            pipeline_words_per_s=round(words / full1["seconds"], 1),
            model_load_seconds=round(bare["model_load_seconds"], 2),
            pipeline_words_per_s_excluding_model_load=round(
                words / (full1["seconds"] - bare["model_load_seconds"]), 1
            ),
            bare_nlp_pipe_words_per_s=round(words / bare["seconds"][1], 1),
            extract_stage_words_per_s=round(words / extract_seconds, 1),
            stages_seconds_1_worker={k: round(v, 2) for k, v in full1["stages"].items()},
            full_run_seconds_1_worker=round(full1["seconds"], 2),
            peak_rss_mb_1_worker=round(full1["peak_rss_mb"], 1),
        )
        # against the plain spaCy script: every component, loading left out of its side only
        result["naive_spacy_words_per_s"] = round(words / naive["seconds"], 1)
        result["naive_spacy_model_load_seconds"] = round(naive["model_load_seconds"], 2)
        result["ratio_pipeline_to_naive_spacy"] = round(naive["seconds"] / full1["seconds"], 3)
        result["ratio_pipeline_to_bare"] = round(
            result["pipeline_words_per_s"] / result["bare_nlp_pipe_words_per_s"], 3
        )
        # a bare script loads the same models too: the same ratio with loading on both sides
        result["ratio_pipeline_to_bare_both_loading_models"] = round(
            (bare["seconds"][1] + bare["model_load_seconds"]) / full1["seconds"], 3
        )

        # The same split measured inside the one-worker run itself, free of the
        # machine's drift between two runs: the time in nlp.pipe (and in loading the
        # models) against the whole run. What is left is ingest, language, the rules,
        # resolve, link, Parquet writing and start-up: the pipeline's own cost.
        in_model = full1["model_seconds"]
        result["in_run_nlp_pipe_seconds"] = round(in_model, 2)
        result["in_run_model_load_seconds"] = round(full1["model_load_seconds"], 2)
        result["in_run_share_outside_nlp_pipe"] = round(1 - in_model / full1["seconds"], 3)
        result["in_run_share_outside_nlp_pipe_and_loading"] = round(
            1 - (in_model + full1["model_load_seconds"]) / full1["seconds"], 3
        )
        # throughput of the run against that of its own nlp.pipe, loading on neither side
        result["in_run_ratio_pipeline_to_nlp_pipe_excluding_loading"] = round(
            in_model / (full1["seconds"] - full1["model_load_seconds"]), 3
        )

        rerun = run_pipeline(one, workers=1)
        result["rerun_unchanged_seconds"] = round(rerun["seconds"], 2)
        result["rerun_ratio"] = round(rerun["seconds"] / full1["seconds"], 4)

        many = base / "many"
        shutil.copytree(one / "raw", many / "raw")
        fulln = run_pipeline(many, workers=args.workers)
        result.update(
            workers=args.workers,
            full_run_seconds_n_workers=round(fulln["seconds"], 2),
            pipeline_words_per_s_n_workers=round(words / fulln["seconds"], 1),
            speedup_n_workers=round(full1["seconds"] / fulln["seconds"], 3),
            peak_rss_mb_n_workers=round(fulln["peak_rss_mb"], 1),
            stages_seconds_n_workers={k: round(v, 2) for k, v in fulln["stages"].items()},
        )
        if args.workers > 1:
            # the same comparison on the whole machine: nlp.pipe(n_process=N) against N workers
            result["bare_nlp_pipe_words_per_s_n_process"] = round(
                words / bare["seconds"][args.workers], 1
            )
            result["ratio_pipeline_to_bare_n_workers"] = round(
                bare["seconds"][args.workers] / fulln["seconds"], 3
            )
        if args.scale > 1:
            big = base / "big"
            build_corpus(big / "raw", args.docs * args.scale)
            scaled = run_pipeline(big, workers=1)
            result.update(
                scale=args.scale,
                peak_rss_mb_scaled=round(scaled["peak_rss_mb"], 1),
                peak_rss_ratio_scaled=round(scaled["peak_rss_mb"] / full1["peak_rss_mb"], 3),
                full_run_seconds_scaled=round(scaled["seconds"], 2),
            )
        print(json.dumps(result), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
