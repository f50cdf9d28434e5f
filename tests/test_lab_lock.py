"""The optional JupyterLab extra (make lab) is pinned like the base install."""

import re

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
