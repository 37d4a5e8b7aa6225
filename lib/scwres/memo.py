"""Results that depend only on file contents and arguments, kept while those are unchanged.

Why: one report reads and calculates the same returns several times (notebook 2
calculates this period; notebook 3 reads it again for the disclosure plan, reads
and calculates every earlier period for the trend, and the action plan asks for
the metrics of its plan periods). In a warm kernel (``make report``, each batch
worker, ``make preview``) those results are reused instead of recomputed.

Safety, so a cached result can never be a stale one:

- the key holds the SHA-256 of every input file's bytes (never file times) and
  the parameters as canonical JSON, so an edited return or params is a miss;
- callers get a copy, so no caller can change what the next one is given;
- the cache is bounded (least recently used entries go first), so a batch
  worker's memory stays flat over 150 councils.

The code itself is not part of the key: a kernel that has imported ``scwres``
keeps that code until it restarts, so its results match its code.

``on_disk`` keeps a second, smaller kind of result across processes: bytes
(a chart's SVG, a report's spreadsheet) made from plain data, under
``build/.cache/<kind>/``. A new ``make report`` process has no warm cache, so
without it every run drew every chart again. Its key adds what a new process
may have changed: the package's code and the pinned versions (``code_digest``).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from . import paths
from .limits import MAX_FILE_BYTES, MAX_XLSX_BYTES

T = TypeVar("T")
MAX_ENTRIES = 96  # a council's periods (returns, metrics) and a report's charts, with room to spare
MAX_FILES = 4000  # per kind on disk: every chart of 150 councils' reports; the least recently used go first
_CACHE: OrderedDict[tuple, Any] = OrderedDict()
STATS = {"hits": 0, "misses": 0}


CHUNK = 1 << 16  # bytes read at a time when hashing a file: memory stays flat however large the file
RETURN_FILE_LIMIT = max(MAX_FILE_BYTES, MAX_XLSX_BYTES)  # a larger file is refused by its size alone


def update_with_file(digest: Any, path: Path, limit: int | None = None) -> None:
    """Feed ``path``'s bytes to ``digest`` in fixed-size chunks, never the whole file at once.

    Opened without blocking and checked on the handle: a named pipe or a device adds a line saying so
    (reading one could block or never end). Over ``limit`` bytes, only the size is added: such a file
    is refused by its size alone (``limits``), so its bytes cannot change any result, and a 2 GB stray
    file beside a return costs nothing to fingerprint.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        digest.update(f"unreadable {exc.errno}\n".encode())
        return
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            digest.update(f"not an ordinary file {stat.S_IFMT(info.st_mode)}\n".encode())
            return
        if limit is not None and info.st_size > limit:
            digest.update(f"over the limit, {info.st_size} bytes\n".encode())
            return
        while chunk := os.read(fd, CHUNK):
            digest.update(chunk)
    finally:
        os.close(fd)


def file_sha256(path: Path, limit: int | None = None) -> str:
    """SHA-256 of one file, read in chunks (``update_with_file``)."""
    digest = hashlib.sha256()
    update_with_file(digest, path, limit)
    return digest.hexdigest()


def files_digest(roots: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of every file under ``roots`` (a missing path counts as missing).

    Read in chunks; a file larger than any return file may be is counted by its size (``update_with_file``).
    """
    digest = hashlib.sha256()
    for root in roots:
        root = Path(root)
        if root.is_file():
            files = [root]
        elif root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file())
        else:
            digest.update(f"missing {root}\n".encode())
            continue
        for path in files:
            digest.update(f"{path}\t{path.stat().st_size}\n".encode())
            update_with_file(digest, path, RETURN_FILE_LIMIT)
    return digest.hexdigest()


def canonical(value: Any) -> str:
    """Arguments as canonical JSON text (dates and paths as strings), for a key."""
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def cached(key: tuple, compute: Callable[[], T], copy_result: bool = True) -> T:
    """The value stored under ``key``, computing (and storing) it on a miss; a copy unless told otherwise.

    An exception from ``compute`` is not stored: the next call tries again.
    """
    if key in _CACHE:
        _CACHE.move_to_end(key)
        STATS["hits"] += 1
        value = _CACHE[key]
    else:
        STATS["misses"] += 1
        value = compute()
        _CACHE[key] = value
        while len(_CACHE) > MAX_ENTRIES:
            _CACHE.popitem(last=False)
    return copy.deepcopy(value) if copy_result else value


def clear() -> None:
    """Forget everything (tests that rewrite a file in place within one process may call it)."""
    _CACHE.clear()


def size() -> int:
    return len(_CACHE)


@cache
def code_digest() -> str:
    """SHA-256 over the package's code and templates, the pinned versions and Python's, once per process.

    Once per process: a process (or a warm kernel) runs the code it imported, whatever the files say
    later, and a new process hashes again. The one gap: a module first imported after the hash was
    taken (the charts, in the report notebook) and edited in between would store its output under the
    older code's key; editing the package during a run is not supported.
    """
    files = sorted(p for p in paths.PACKAGE_DIR.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return sys.version + "\n" + files_digest([*files, paths.ROOT / "constraints.txt"])


def _typed(value: Any) -> Any:
    """The JSON form of a non-JSON value in a key: its type and text; a numpy scalar as its number.

    An array or a frame is refused, never guessed: its ``str()`` leaves values out, so two different
    ones could share a key.
    """
    shape = getattr(value, "shape", None)
    if shape == () and hasattr(value, "item"):  # a numpy scalar
        return value.item()
    if shape is not None:
        raise TypeError(f"a key kept on disk cannot hold a {type(value).__name__}; pass its values")
    return [type(value).__name__, str(value)]  # a date stays apart from the text of that date


def typed_canonical(value: Any) -> str:
    """Like ``canonical``, but a date and the text of that date stay different: for keys kept on disk."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_typed)


def on_disk(kind: str, key: Any, compute: Callable[[], bytes]) -> bytes:
    """The bytes stored for ``key`` (plain data) under ``build/.cache/<kind>/``, or ``compute()``'s, then stored.

    The file name is a SHA-256 of the kind, ``key`` as typed canonical JSON and ``code_digest()``, so
    new code or new pins never read an old result. A file is written whole or not at all: to a
    temporary file, flushed to disk, then renamed into place, so a crash leaves the old state or the
    new one; an empty or unreadable file is a miss. The oldest files of a kind go when it holds more
    than ``MAX_FILES``; a temporary file a killed run left goes after an hour.
    """
    name = hashlib.sha256(f"{kind}\n{code_digest()}\n{typed_canonical(key)}".encode()).hexdigest()
    folder = paths.BUILD_DIR / ".cache" / kind
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if data:
        with contextlib.suppress(OSError):  # a read-only store still serves; it is only not reordered
            os.utime(path)  # recently used: the last to be pruned
        return data
    data = compute()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
        _prune(folder)
    except OSError:  # a read-only or full disk: the result is still right, only not kept
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return data


def _prune(folder: Path) -> None:
    """Remove the least recently used files of one kind beyond ``MAX_FILES``, and stale temporary files."""
    now = time.time()
    entries = []
    for entry in os.scandir(folder):
        if not entry.is_file():
            continue
        if entry.name.endswith(".tmp"):
            if now - entry.stat().st_mtime > 3600:  # a run killed while writing it
                Path(entry.path).unlink(missing_ok=True)
        else:
            entries.append(entry)
    if len(entries) <= MAX_FILES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for entry in entries[:len(entries) - MAX_FILES]:
        Path(entry.path).unlink(missing_ok=True)
