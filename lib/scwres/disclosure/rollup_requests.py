"""The counts a roll-up asks a council's public report to hide, kept between the two runs that use them.

Why: a national or regional pooled figure is hidden when taking away the
councils that show a count leaves one council's withheld count exposed. One
more hidden cell in another council's report (``least_loss``) often covers it
for a far smaller loss. That decision is made by ``make national``, but it
changes the council's own report, so it is written down here (one small JSON
file per council and period under the build folder), read back by every later
build of that council (``disclosure.metrics_table``), and counted among the
report's inputs, so the batch rebuilds the report and a sign-off made before the
request no longer matches.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from .. import paths

WHY = ("Counts this council's public report hides so that a national or regional pooled figure can be "
       "published without revealing another council's withheld count (make national decides them).")


def read(la: str, period: str, build_root: Path | None = None) -> set[str]:
    """The keys asked of ``la`` for ``period``; none when there is no file. A file that cannot be read
    asks for nothing: the roll-up is decided again from the plans as published, so it stays safe."""
    path = paths.rollup_requests_file(la, period, build_root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k) for k in data["hide"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def write(period: str, requests: dict[str, set[str]], councils: Iterable[str],
          build_root: Path | None = None) -> list[str]:
    """Make the files for ``period`` say exactly ``requests`` for every one of ``councils`` (a council
    with none has its file removed); returns the councils whose requests changed, to rebuild."""
    changed = []
    for la in sorted(set(councils)):
        keys = sorted(requests.get(la, set()))
        path = paths.rollup_requests_file(la, period, build_root)
        if set(keys) == read(la, period, build_root) and (path.is_file() or not keys):
            continue
        changed.append(la)
        if keys:  # each file whole or not at all: written aside, then renamed over the old one
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(f".{path.name}.part")
            part.write_text(json.dumps({"why": WHY, "period": str(period), "hide": keys}, indent=1) + "\n",
                            encoding="utf-8")
            os.replace(part, path)
        else:
            path.unlink(missing_ok=True)
    return changed
