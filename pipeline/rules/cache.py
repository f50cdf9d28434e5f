"""A compact form of a large data file, built once per machine.

Some rules read big files that installed packages ship (GeoNames towns: 60 MB of
JSON; a first-names table: 22 MB) and keep a small part of them. Reading the file
takes seconds, the part kept loads in a fraction of that, so the part is pickled into
a cache folder the first time and read back from there afterwards.

The file name carries a digest of everything the value depends on (the package
versions and the source of the code that builds it): a new version builds a new file,
so a stale one is never read. The folder is ``$PIPELINE_CACHE_DIR`` when set, else
``$XDG_CACHE_HOME/ngo-pages-pipeline`` (``~/.cache/ngo-pages-pipeline``). When it
cannot be written the value is simply rebuilt in each process.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def cache_dir() -> Path:
    explicit = os.environ.get("PIPELINE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ngo-pages-pipeline"


def source_digest(*files: Path) -> str:
    """A short digest of files' bytes: the code and data a cached value is built from."""
    digest = hashlib.blake2b(digest_size=8)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: building or loading a value makes hundreds
    of thousands of objects and no garbage, which the collector would otherwise walk
    again and again (it takes two thirds of the time of loading the gazetteer)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``, or its pickled result from an earlier process with the same key."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    path = cache_dir() / f"{name}-{digest}.pickle"
    try:
        data = path.read_bytes()
        with _no_collection():
            return pickle.loads(data)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: rebuild it
        log.warning("ignoring unreadable cache file %s: %s", path, exc)
    with _no_collection():
        value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)
    except OSError as exc:
        log.info("cache %s not written (%s): rebuilt in each process", path, exc)
    return value
