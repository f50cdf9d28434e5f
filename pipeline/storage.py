"""Parquet tables on disk: atomic writes, schema-checked reads, and what changed.

Every write goes to a temporary file in the destination folder and is renamed
over the old table once complete (``os.replace`` is atomic on POSIX), so a run
killed at any moment leaves the tables of the last complete run readable.

A stage keeps, per document, the version of the code that produced its rows
(`interim/state/<stage>.parquet`); `pipeline.runner` reads it to decide what to
redo. A processed/ folder is published as a whole (`publish_folder`).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .schemas import STAGE_STATE

try:  # POSIX: the run lock is an flock
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
try:  # Windows: the run lock is a byte-range lock
    import msvcrt
except ImportError:
    msvcrt = None

# A row group is the unit a streaming reader holds in memory: bounded in rows
# and in bytes, so that a table of long texts streams as well as one of numbers.
ROW_GROUP_ROWS = 50_000
ROW_GROUP_BYTES = 32 * 2**20
# A part that compaction writes holds at most this much (uncompressed).
PART_BYTES = 256 * 2**20


def row_group_rows(table: pa.Table) -> int:
    """Rows per row group for `table`: ROW_GROUP_ROWS, fewer when its rows are large."""
    if not table.num_rows:
        return ROW_GROUP_ROWS
    per_row = max(1, table.nbytes // table.num_rows)
    return max(1, min(ROW_GROUP_ROWS, ROW_GROUP_BYTES // per_row))


def write_table(table: pa.Table, path: Path, schema: pa.Schema | None = None) -> None:
    """Write `table` to `path` atomically (temporary file, fsync, rename)."""
    if schema is not None:
        table = conform(table, schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as fh:
        pq.write_table(table, fh, compression="zstd", row_group_size=row_group_rows(table))


def _file_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp makes files 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _temporary(path: Path) -> tuple[int, str]:
    """A temporary file beside `path`, readable as the umask allows, like any new file.

    Its name (``.<name>.<random>.tmp``) is what `sweep_temporary` removes after a kill.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, _file_mode())
    return fd, tmp


def sweep_temporary(folder: Path) -> int:
    """Remove the temporary files that runs killed while writing left under `folder`.

    Called under the run lock, so no other run is writing them. Returns how many.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.rglob(".*.tmp"):
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
    return removed


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator:
    """A binary file handle whose content replaces `path` only once complete.

    Written to a temporary file in the same folder, flushed to disk, then
    renamed over `path`: readers see the old file or the new one, never half.
    """
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_rows(rows: list[dict], path: Path, schema: pa.Schema) -> pa.Table:
    table = pa.Table.from_pylist(rows, schema=schema)
    write_table(table, path)
    return table


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Select and cast `table` to `schema`; missing nullable columns become nulls."""
    columns = []
    for f in schema:
        if f.name in table.column_names:
            columns.append(table.column(f.name).cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def read_table(path: Path, schema: pa.Schema, columns: list[str] | None = None) -> pa.Table:
    """Read a table, or an empty one with `schema` if it does not exist yet.

    A table written by an older version of the pipeline with other columns is
    conformed to the current schema, so readers never see a type they did not expect.
    """
    if not path.exists():
        empty = schema.empty_table()
        return empty.select(columns) if columns else empty
    available = pq.read_schema(path).names
    wanted = columns or schema.names
    table = pq.read_table(path, columns=[c for c in wanted if c in available])
    conformed = conform(
        table, schema if columns is None else pa.schema([schema.field(c) for c in columns])
    )
    return conformed


def drop_docs(table: pa.Table, doc_ids: Iterable[str]) -> pa.Table:
    """`table` without the rows of these documents."""
    ids = pa.array(sorted(set(doc_ids)), type=pa.string())
    if len(ids) == 0 or table.num_rows == 0:
        return table
    return table.filter(pc.invert(pc.is_in(table.column("doc_id"), value_set=ids)))


# --- per-stage state ----------------------------------------------------------


def state_path(state_dir: Path, stage: str) -> Path:
    return state_dir / f"{stage}.parquet"


def read_state(state_dir: Path, stage: str) -> pa.Table:
    """A stage's per-document state; raises DamagedTable if the file cannot be read."""
    path = state_path(state_dir, stage)
    try:
        return read_table(path, STAGE_STATE)
    except (OSError, pa.ArrowException) as exc:
        raise DamagedTable(path, f"the state of the {stage} stage is unreadable ({exc})") from None


# --- one run at a time ---------------------------------------------------------


class RunLocked(RuntimeError):
    pass


class DamagedTable(RuntimeError):
    """A table on disk that cannot be read: the message says which and what to do."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(f"{path}: {what}")
        self.path = path


_HELD: set[str] = set()

# Where the Windows lock is taken: a byte past the holder's pid, because a byte-range lock
# there also keeps other processes from reading the bytes it covers.
_LOCKED_BYTE = 1 << 20


def _try_lock(fh) -> bool:
    """Take the lock on the open file `fh` without waiting; False if another process has it.

    An flock where the system has one (Linux, macOS, the BSDs), else a one-byte
    `msvcrt.locking` (Windows). The system releases either when its holder dies.
    """
    if fcntl is not None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    fh.seek(_LOCKED_BYTE)
    try:
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    finally:
        fh.seek(0)
    return True


def _unlock(fh) -> None:
    """Release the lock before the file is closed (Windows asks for it; an flock goes with the file)."""
    if fcntl is None:
        fh.seek(_LOCKED_BYTE)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


@contextlib.contextmanager
def run_lock(interim: Path) -> Iterator[None]:
    """Hold `interim/.lock` for the duration of a stage.

    A second run started while one is going exits at once with the holder's pid
    instead of interleaving writes. The lock is the system's (`_try_lock`), so a
    killed run never leaves it held. Worker processes forked while it is held
    share an flock, so they are joined before it is released. Re-entrant within
    a process.
    """
    interim.mkdir(parents=True, exist_ok=True)
    path = interim / ".lock"
    key = str(path.resolve())
    if key in _HELD:  # already ours: `pipeline run` holds it across its stages
        yield
        return
    fh = open(path, "a+b")  # noqa: SIM115 - held for the whole block
    try:
        if not _try_lock(fh):
            fh.seek(0)
            holder = fh.read(64).decode("ascii", "replace").strip() or "unknown"
            raise RunLocked(
                f"another pipeline run (pid {holder}) is using {interim}; "
                "wait for it to finish or stop it"
            )
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()).encode("ascii"))
        fh.flush()
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            _unlock(fh)
    finally:
        fh.close()


# --- datasets: a table as part files behind a manifest --------------------------


class Dataset:
    """A table stored as Parquet part files in a folder, behind a manifest.

    ``interim/mentions.parquet/`` holds ``part-*.parquet`` files and
    ``_manifest.json``, the list of the parts that make up the table. A change
    writes new part files first, then replaces the manifest atomically, then
    deletes the parts it no longer lists. Readers go through the manifest, so a
    run killed at any point leaves the table as the last committed change made
    it; files of an interrupted change are swept up by the next one.

    Adding documents writes one new part per batch instead of rewriting the
    table, and removing documents rewrites only the parts that hold them: the
    cost of a change follows the size of the change, not of the corpus.
    `compact()` merges small parts so that their number stays bounded.
    """

    MANIFEST = "_manifest.json"

    def __init__(self, path: Path, schema: pa.Schema, key: str = "doc_id") -> None:
        self.path = path
        self.schema = schema
        self.key = key

    # reading

    def parts(self) -> list[str]:
        """The part files of the table; raises DamagedTable if the manifest is unreadable."""
        manifest = self.path / self.MANIFEST
        if not manifest.exists():
            return []
        try:
            parts = json.loads(manifest.read_text(encoding="utf-8"))["parts"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DamagedTable(self.path, f"its manifest is unreadable ({exc})") from None
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise DamagedTable(self.path, "its manifest does not list part files")
        return parts

    def problems(self) -> tuple[list[str], list[str]]:
        """(the readable parts, what is wrong with the others): reads footers only."""
        try:
            parts = self.parts()
        except DamagedTable as exc:
            return [], [str(exc)]
        good, problems = [], []
        for part in parts:
            try:
                names = pq.ParquetFile(self.path / part).schema_arrow.names
            except (OSError, pa.ArrowException) as exc:
                problems.append(f"{self.path}: part {part} is missing or damaged ({exc})")
                continue
            if self.key not in names:
                problems.append(f"{self.path}: part {part} has no {self.key} column")
                continue
            good.append(part)
        return good, problems

    def check(self) -> list[str]:
        """Repair the table if parts of it are missing or damaged; returns what was wrong.

        A part that is missing, unreadable or without the key column leaves the
        manifest (the rows it held are lost, and the stage's state is checked
        against what is left); an unreadable manifest leaves an empty table.
        """
        good, problems = self.problems()
        if problems:
            self._commit(good)
        return problems

    def counts(self) -> dict[str, int]:
        """Rows per key."""
        counts: dict[str, int] = {}
        for part in self.parts():
            keys = pq.read_table(self.path / part, columns=[self.key]).column(self.key)
            for r in pc.value_counts(keys).to_pylist():
                counts[r["values"]] = counts.get(r["values"], 0) + r["counts"]
        return counts

    def exists(self) -> bool:
        return (self.path / self.MANIFEST).exists()

    def _schema(self, columns: list[str] | None) -> pa.Schema:
        """The schema of `columns` (all when None), in that order."""
        return (
            self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])
        )

    def read(
        self,
        columns: list[str] | None = None,
        keys: Iterable[str] | None = None,
        key: str | None = None,
    ) -> pa.Table:
        """The table, or some of its columns, or the rows whose `key` column (the
        table's key by default) is in `keys`. Reads only what it needs."""
        schema = self._schema(columns)
        parts = [self.path / p for p in self.parts()]
        if not parts:
            return schema.empty_table()
        dataset = ds.dataset(parts, format="parquet", schema=self.schema)
        expression = None
        if keys is not None:
            expression = pc.field(key or self.key).isin(pa.array(sorted(set(keys)), pa.string()))
        return dataset.to_table(columns=schema.names, filter=expression)

    def iter_batches(self, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """Row group by row group: for streaming over a table larger than memory.

        A key's rows may be split between two batches.
        """
        schema = self._schema(columns)
        for part in self.parts():
            reader = pq.ParquetFile(self.path / part)
            for group in range(reader.num_row_groups):
                yield conform(reader.read_row_group(group, columns=columns), schema)

    def num_rows(self) -> int:
        return sum(pq.ParquetFile(self.path / p).metadata.num_rows for p in self.parts())

    def keys(self) -> list[str]:
        return self.read([self.key]).column(self.key).to_pylist()

    # writing

    def _new_part(self, table: pa.Table) -> str:
        name = f"part-{time.time_ns():x}-{os.getpid():x}-{secrets.token_hex(3)}.parquet"
        write_table(conform(table, self.schema), self.path / name)
        return name

    def _commit(self, parts: list[str]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"parts": parts}, indent=0).encode()
        atomic_bytes(self.path / self.MANIFEST, data)
        listed = set(parts)
        for f in self.path.glob("part-*.parquet"):
            if f.name not in listed:
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()

    def replace_rows(self, new: list[pa.Table], drop_keys: Iterable[str]) -> None:
        """Drop the rows of `drop_keys`, add `new` tables as parts; one commit."""
        self.path.mkdir(parents=True, exist_ok=True)
        drop = pa.array(sorted(set(drop_keys)), pa.string())
        parts = []
        for part in self.parts():
            if len(drop) == 0:
                parts.append(part)
                continue
            keys = pq.read_table(self.path / part, columns=[self.key]).column(self.key)
            hit = pc.is_in(keys, value_set=drop)
            if not pc.any(hit).as_py():
                parts.append(part)
                continue
            kept = pq.read_table(self.path / part, schema=self.schema).filter(pc.invert(hit))
            if kept.num_rows:
                parts.append(self._new_part(kept))
        added = [t for t in new if t.num_rows]
        if added:  # one part per change, however many batches it came in
            parts.append(self._new_part(pa.concat_tables(added)))
        self._commit(parts)

    def compact(
        self, max_parts: int = 32, target_rows: int = 500_000, target_bytes: int = PART_BYTES
    ) -> bool:
        """Merge small parts when there are more than `max_parts`. Returns True if it did.

        Parts are merged in order up to `target_rows` rows or `target_bytes`
        bytes, whichever comes first: a part of long texts stays small enough
        to hold in memory. Parts already that large are kept as they are.
        """
        parts = self.parts()
        if len(parts) <= max_parts:
            return False
        merged: list[str] = []
        batch: list[str] = []  # small parts to merge into one
        rows = size = 0

        def flush() -> None:
            nonlocal batch, rows, size
            if len(batch) == 1:  # nothing to merge it with: kept as it is
                merged.append(batch[0])
            elif batch:
                tables = [pq.read_table(self.path / p, schema=self.schema) for p in batch]
                merged.append(self._new_part(pa.concat_tables(tables)))
            batch, rows, size = [], 0, 0

        for part in parts:
            meta = pq.ParquetFile(self.path / part).metadata
            part_bytes = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
            if meta.num_rows >= target_rows or part_bytes >= target_bytes:
                flush()
                merged.append(part)
                continue
            if batch and (rows + meta.num_rows > target_rows or size + part_bytes > target_bytes):
                flush()
            batch.append(part)
            rows += meta.num_rows
            size += part_bytes
        flush()
        if merged == parts:
            return False
        self._commit(merged)
        return True


def atomic_bytes(path: Path, data: bytes) -> None:
    with atomic_file(path) as fh:
        fh.write(data)


class StreamWriter:
    """Write a table batch by batch into one Parquet file, atomically at `close()`.

    Normalise writes each processed table this way, so it never holds a whole
    table in memory, and readers see the old file until the new one is complete.
    """

    BUFFER_ROWS = 20_000

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = schema
        fd, self._tmp = _temporary(path)
        os.close(fd)
        self._writer = pq.ParquetWriter(self._tmp, schema, compression="zstd")
        self.rows = 0
        self._buffer: list[dict] = []

    def write_rows(self, rows: list[dict]) -> None:
        """Buffered: rows go out in row groups of BUFFER_ROWS, not one tiny group per call."""
        self._buffer.extend(rows)
        if len(self._buffer) >= self.BUFFER_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self.write(pa.Table.from_pylist(self._buffer, schema=self.schema))
            self._buffer = []

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._writer.write_table(conform(table, self.schema))
            self.rows += table.num_rows

    def close(self) -> None:
        self._flush()
        self._writer.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the file being written. A writer whose writes failed (a full disk) fails to
        close as well: it is marked closed, or it would try again, and print the error,
        when it is collected."""
        with contextlib.suppress(OSError, pa.ArrowException):
            self._writer.close()
        self._writer.is_open = False
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._tmp)

    def __enter__(self) -> StreamWriter:
        return self

    def __exit__(self, kind, *_) -> None:
        """Closed when the block ends normally, aborted when it raises."""
        if kind is None:
            self.close()
        else:
            self.abort()


@contextlib.contextmanager
def stream_writers(tables: dict[str, tuple[Path, pa.Schema]]) -> Iterator[dict[str, StreamWriter]]:
    """Several StreamWriters that are all closed when the block ends, or all aborted when
    it (or opening one of them) raises: no table is published without the others."""
    with contextlib.ExitStack() as stack:
        yield {
            name: stack.enter_context(StreamWriter(path, schema))
            for name, (path, schema) in tables.items()
        }


# --- a folder of tables published at once ---------------------------------------

COMPLETE = "_manifest.json"  # written last into a staging folder: the set is complete


def staging_folder(target: Path) -> Path:
    """Where the next set of tables for `target` is written before it is published."""
    return target.parent / f".{target.name}.staging"


def _old_folder(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def publish_folder(target: Path, keep: set[str]) -> None:
    """Put the complete staging folder in the place of `target`, all tables at once.

    Readers see the old set of tables or the new one, never a mix: on Linux the
    two folders are exchanged in one step; elsewhere `target` is renamed away and
    the new folder renamed in (a reader in between finds no folder, and a run
    killed in between is finished by `recover_folder`). Files in `target` that
    are not in `keep` (the pipeline's own) are the user's: they move along.
    """
    staging = staging_folder(target)
    if target.is_dir():
        for entry in target.iterdir():
            if entry.name not in keep and not (staging / entry.name).exists():
                os.rename(entry, staging / entry.name)
        if _exchange(staging, target):
            shutil.rmtree(staging)  # it holds the old tables now
            return
        old = _old_folder(target)
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, target)


def recover_folder(target: Path) -> str | None:
    """Finish or undo a publication a killed run left half-way; returns what was done."""
    staging, old = staging_folder(target), _old_folder(target)
    done = None
    if not target.exists():
        if (staging / COMPLETE).exists():
            os.rename(staging, target)
            done = f"{target}: published the tables a killed run had finished"
        elif old.is_dir():
            os.rename(old, target)
            done = f"{target}: put back the tables a killed run had moved away"
    for leftover in (staging, old):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    return done
