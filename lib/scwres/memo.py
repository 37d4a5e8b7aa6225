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
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 96  # a council's periods (returns, metrics) and a report's charts, with room to spare
_CACHE: OrderedDict[tuple, Any] = OrderedDict()
STATS = {"hits": 0, "misses": 0}


def files_digest(roots: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of every file under ``roots`` (a missing path counts as missing)."""
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
            digest.update(path.read_bytes())
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
