"""Shared fixtures: the sample corpus run once through the whole pipeline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def folders(base: Path, raw: Path | None = None) -> list[str]:
    """--raw/--interim/--processed for a run in `base` (raw/ inside it unless given)."""
    return [
        "--raw",
        str(raw or base / "raw"),
        "--interim",
        str(base / "interim"),
        "--processed",
        str(base / "processed"),
    ]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """raw/ copied to a temporary folder and run through all four stages."""
    base = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "raw", base / "raw")
    result = run_cli("run", *folders(base))
    assert result.returncode == 0, result.stderr
    return base
