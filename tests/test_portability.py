"""Where users are: each call that Linux alone has comes with a fallback, and the fallback runs.

The fallbacks are forced here on Linux: the Windows lock through a stand-in for `msvcrt` built
on POSIX byte-range locks (which, like Windows', are released when their holder dies), the
publication without renameat2, the run log without `resource`, and the worker pool started
with spawn (macOS, Windows) instead of fork.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import ROOT, folders

from pipeline import cli, storage
from pipeline.storage import RunLocked, run_lock

TESTS = Path(__file__).resolve().parent


# --- the run lock -----------------------------------------------------------------------------


def windows_lock(set_attribute=setattr) -> None:
    """Make pipeline.storage take the Windows path: no fcntl, an msvcrt.

    The stand-in's `locking(fd, mode, nbytes)` locks `nbytes` from the file's current
    position and raises OSError when another process holds them, as msvcrt's does. Windows'
    locks also keep other processes from reading the locked bytes: the lock must lie past
    the pid that a second run reads to name the holder.
    """

    def locking(fd: int, mode: int, nbytes: int) -> None:
        start = os.lseek(fd, 0, os.SEEK_CUR)
        assert start >= 64, "a Windows lock here would hide the holder's pid"
        operation = fcntl.LOCK_UN if mode == 0 else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.lockf(fd, operation, nbytes, start)
        except BlockingIOError:
            raise PermissionError(13, "Permission denied") from None

    set_attribute(storage, "fcntl", None)
    set_attribute(storage, "msvcrt", types.SimpleNamespace(LK_UNLCK=0, LK_NBLCK=2, locking=locking))


_HOLD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
if {windows!r}:
    from test_portability import windows_lock
    windows_lock()
from pipeline import storage
with storage.run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("windows", [False, True], ids=["flock", "msvcrt-fallback"])
def test_the_run_lock_stops_a_second_run_and_goes_with_its_holder(tmp_path, monkeypatch, windows):
    """Another process holds interim/.lock: a run here stops at once with its pid; once
    the holder is killed (no chance to release anything), the lock is free."""
    if windows:
        windows_lock(monkeypatch.setattr)
    interim = tmp_path / "interim"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD.format(tests=str(TESTS), windows=windows), str(interim)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        held = rf"another pipeline run \(pid {holder.pid}\) is using"
        with pytest.raises(RunLocked, match=held), run_lock(interim):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    with run_lock(interim):
        assert (interim / ".lock").read_text() == str(os.getpid())
        with run_lock(interim):  # re-entrant within a process
            pass


# --- the run log without `resource` -----------------------------------------------------------


def test_the_run_log_has_no_memory_figure_where_the_system_gives_none(tmp_path, monkeypatch):
    assert cli.peak_memory_mb() > 10  # MB on Linux (the figure is in kB there, bytes on macOS)
    monkeypatch.setattr(cli, "resource", None)  # Windows has no `resource` module
    assert cli.peak_memory_mb() is None
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_text("La Croix-Rouge française agit à Lyon.", encoding="utf-8")
    assert cli.main(["ingest", *folders(tmp_path)]) == 0
    entry = json.loads((tmp_path / "interim" / "runs.jsonl").read_text(encoding="utf-8"))
    assert entry["stage"] == "ingest" and entry["max_rss_mb"] is None
    assert cli.main(["status", *folders(tmp_path)]) == 0


# --- processed/ published without renameat2 ---------------------------------------------------


def _staged(target: Path, content: bytes) -> None:
    staging = storage.staging_folder(target)
    staging.mkdir()
    (staging / "documents.parquet").write_bytes(content)
    (staging / storage.COMPLETE).write_text("{}")


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "rename-fallback"])
def test_processed_is_published_with_or_without_an_exchange_in_one_step(
    tmp_path, monkeypatch, exchange
):
    target = tmp_path / "processed"
    if not exchange:
        monkeypatch.setattr(storage, "_exchange", lambda a, b: False)
    elif sys.platform != "linux":
        pytest.skip("renameat2 is Linux's")
    _staged(target, b"first")  # no processed/ yet
    storage.publish_folder(target, keep={"documents.parquet", storage.COMPLETE})
    (target / "my-notes.txt").write_text("mine")
    _staged(target, b"second")
    storage.publish_folder(target, keep={"documents.parquet", storage.COMPLETE})
    assert (target / "documents.parquet").read_bytes() == b"second"
    assert (target / "my-notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]  # nothing left over


def test_renameat2_swaps_two_folders_on_linux(tmp_path):
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux's")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    assert storage._exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "x").read_text() == "a" and not (tmp_path / "a" / "x").exists()
