"""The return's checks, kept on disk by content, so rebuilding an unchanged return skips great-expectations.

Why: an analyst runs ``make report`` many times while the return stays the
same (a sentence of commentary, a params caption, the action plan). Checking
the return again gives the same problems, yet importing great-expectations and
running its rules was the largest single cost of a warm ``make report``
(issue #16). The checks' result is stored beside the build
(``build/<la>/<period>/validated.json``) with a key, and reused only when the
key matches.

Why it is safe: the key is a SHA-256 over everything the checks read and the
code that runs them, never over file times:

- every return of the council (each period folder and ``<period>.xlsx``, names
  and bytes: the year-on-year warning reads the previous period too);
- the params, as canonical JSON, with the council and period;
- the package's code and the pinned versions (``memo.code_digest``), so new
  code or a new great-expectations checks again.

Reading the return (and writing what came in, ``intake.json``) is not stored:
it is cheap and its outputs must be fresh on every run. A stored file that is
missing, unreadable or from another key is simply a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import memo, paths
from ..problems import Problem

STORED = "validated.json"
VERSION = "scwres-validated-1"  # bump to invalidate every stored result at once


def checks_key(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> str:
    """The content key of one return's checks (see the module docstring for what goes in)."""
    folder = (raw_dir or paths.RAW_DIR) / la
    entries = sorted(folder.iterdir()) if folder.is_dir() else []
    returns = [p for p in entries if p.is_dir() or p.suffix.lower() == ".xlsx"]  # not the action plan beside them
    lines = [VERSION, f"la\t{la}", f"period\t{period}", f"params\t{memo.typed_canonical(params)}",
             f"entries\t{[p.name for p in entries]}",  # the period check reads names, empty folders too
             f"returns\t{memo.files_digest(returns or [folder])}", f"code\t{memo.code_digest()}"]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def stored_checks(key: str, build: Path, compute: Callable[[], list[Problem]]) -> list[Problem]:
    """The problems stored under ``key`` in ``build``, or ``compute()``'s, which are then stored."""
    path = build / STORED
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["key"] == key:
            return [Problem(**item) for item in data["problems"]]
    except (OSError, ValueError, KeyError, TypeError):  # missing, half-written or from older code: a miss
        pass
    problems = compute()
    build.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{STORED}.", suffix=".tmp", dir=build)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"key": key, "problems": [p.as_dict() for p in problems]}, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return problems
