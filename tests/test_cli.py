"""The command line a user meets: status, summary, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import ROOT, folders, run_cli


def test_status_shows_new_changed_removed_and_errors(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(
        "L'Association Les Amis de Bukavu aide 40 familles.", encoding="utf-8"
    )
    (raw / "b.txt").write_text(
        "The Green Valley Trust planted 300 trees in 2021.", encoding="utf-8"
    )
    (raw / "empty.txt").write_bytes(b"")
    assert run_cli("ingest", *folders(tmp_path)).returncode == 0
    (raw / "b.txt").write_text(
        "The Green Valley Trust planted 500 trees in 2022.", encoding="utf-8"
    )
    os.utime(raw / "b.txt", (1, 1))
    (raw / "c.txt").write_text("Nouvelle page.", encoding="utf-8")
    (raw / "a.txt").unlink()
    result = run_cli("status", *folders(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 files: 1 new, 1 changed, 1 removed, 1 processed" in out
    assert "new: c.txt" in out and "changed: b.txt" in out and "removed: a.txt" in out
    assert "errors: 1" in out and "empty.txt: empty file" in out
    assert "last run:" in out


def test_a_missing_model_says_how_to_install_it(sample_run, tmp_path):
    env = {**os.environ, "PIPELINE_FR_MODEL": "fr_core_news_absent"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "run",
            *folders(tmp_path, raw=sample_run / "raw"),
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "fr_core_news_absent" in result.stderr and "make install" in result.stderr
    assert "Traceback" not in result.stderr


def test_summary_lists_documents_mentions_and_time(sample_run):
    result = run_cli("summary", *folders(sample_run), "--since", "0")
    assert result.returncode == 0
    assert "documents: 6 read, 6 ok, 0 errors" in result.stdout
    assert "ORG" in result.stdout and "DATE" in result.stdout and "FIGURE" in result.stdout
    assert "time:" in result.stdout


def test_make_help_lists_the_targets():
    result = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    for target in (
        "ingest",
        "language",
        "extract",
        "normalise",
        "test",
        "eval",
        "bench",
        "clean",
        "status",
    ):
        assert f"\n{target} " in "\n" + result.stdout, target


def test_eval_scores_a_gold_folder_laid_out_as_raw_and_gold(sample_run, tmp_path):
    # A set laid out like ../shared/gold/dev2: DIR/raw and DIR/gold; GOLD=DIR is enough.
    gold = tmp_path / "set" / "gold"
    gold.mkdir(parents=True)
    for path in (ROOT / "eval" / "gold" / "dev").glob("*.json"):
        shutil.copy(path, gold)
    result = run_cli("eval", *folders(sample_run), "--gold", str(tmp_path / "set"), "--json")
    assert result.returncode == 0, result.stderr
    micro = json.loads(result.stdout)["micro"]
    assert micro["all"]["f1"] >= 0.95


def test_eval_says_plainly_when_no_gold_file_names_a_processed_document(sample_run, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "x.json").write_text(json.dumps({"doc": "elsewhere.txt", "organisations": []}))
    result = run_cli("eval", *folders(sample_run), "--gold", str(gold))
    assert result.returncode == 2
    assert "none of the 1 gold files" in result.stderr and "elsewhere.txt" in result.stderr
    assert "precision" not in result.stdout  # no table of zeros

    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("eval", *folders(sample_run), "--gold", str(empty))
    assert result.returncode == 2 and "no gold files" in result.stderr


def test_file_names_cannot_drive_the_terminal(tmp_path):
    """A name holding an escape sequence is printed with the sequence spelled out, not sent."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "\x1b]0;pwned\x07\x1b[2Jrouge\u202etxt.exe").write_bytes(b"")
    args = ["--raw", str(raw), "--interim", str(tmp_path / "i"), "--processed", str(tmp_path / "p")]
    for command in ("ingest", "status"):
        result = run_cli(command, *args)
        assert result.returncode == 0, result.stderr
        assert "\\x1b]0;pwned\\x07\\x1b[2Jrouge\\u202etxt.exe" in result.stdout, command
        assert not any(c in result.stdout for c in "\x1b\x07\u202e"), command
