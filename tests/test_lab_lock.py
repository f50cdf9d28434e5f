"""The optional JupyterLab extra (make lab): pinned like the base install, and it serves the
notebooks with the project's kernel."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT


def _pins(path):
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text)
    return {
        b.split("==")[0].lower().replace("_", "-"): b
        for b in blocks
        if re.match(r"^[A-Za-z0-9_.\-]+==", b)
    }


def test_lab_lock_pins_every_package_with_hashes_and_repeats_none_of_the_base():
    lab = _pins(ROOT / "requirements-lab.lock")
    base = _pins(ROOT / "requirements.lock")
    assert "jupyterlab" in lab and "ipykernel" in base
    for name, block in lab.items():
        assert re.match(r"^[A-Za-z0-9_.\-]+==[\w.]+ \\", block), name
        assert "--hash=sha256:" in block, name
    assert not set(lab) & set(base), "a lab package repeats a base pin"


def test_make_lab_serves_the_notebooks_with_the_projects_kernel(tmp_path):
    """Issue 16: the notebooks could not be opened in Jupyter from the project's
    environment (no Jupyter in it). `make lab` starts JupyterLab on 127.0.0.1 over
    notebooks/, with a kernel that runs this environment's Python."""
    venv = Path(sys.prefix)
    if not (venv / "bin" / "jupyter-lab").exists():
        pytest.skip("the optional lab extra is not installed (make lab installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "t" * 32
    isolated = {  # nothing read from or written to the user's own Jupyter folders
        name: str(tmp_path / name.lower())
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR")
    }
    lab = subprocess.Popen(
        [
            *("make", "-s", "-o", f"{venv}/.installed", "-o", f"{venv}/.lab-installed", "lab"),
            f"VENV={venv}",
            f"LAB_ARGS=--no-browser --port={port} --IdentityProvider.token={token}",
        ],
        cwd=ROOT,
        env={**os.environ, **isolated, "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        specs = _get(port, token, "/api/kernelspecs", lab)
        contents = _get(port, token, "/api/contents", lab)
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
    kernel = specs["kernelspecs"]["ngo-pages-pipeline"]["spec"]
    assert Path(kernel["argv"][0]).parent.parent.resolve() == venv.resolve()  # this venv
    names = {item["name"] for item in contents["content"]}
    assert {"01-explore.ipynb", "02-document.ipynb"} <= names


def _get(port: int, token: str, path: str, lab: subprocess.Popen) -> dict:
    """The server's JSON answer at `path`, once it answers (on 127.0.0.1: where make lab listens)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"}
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        assert lab.poll() is None, lab.stderr.read().decode(errors="replace")[-2000:]
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.5)
    pytest.fail("make lab: no answer from the server")
