"""One run at a time per council and period, and no leftovers from a run that was killed.

Why: two ``make report LA=norfolk`` at once (two terminals, a scheduled batch
beside a person) would write the same ``metrics.csv``, ``problems.json`` and
pages in turn, and either could publish the other's half. An ``fcntl`` lock
on a file in the build folder serialises them: the second waits, then runs on
what the first left. The kernel drops the lock when its process ends however it
ends (even SIGKILL), so a killed run never leaves a stale lock to clear by hand.

Pages are written to a temporary file and renamed into place
(``publish.write_atomic``), so a kill never leaves a half-written page, but it
can leave the temporary file. Holding the lock, no other run can be writing
one, so any found is stale and is removed.
"""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import paths

LOCK_NAME = ".run.lock"


@contextmanager
def run_lock(folder: Path, what: str) -> Iterator[None]:
    """Hold the lock of ``folder`` (made if needed) for the ``with`` block; say so when waiting for it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Another run for {what} is in progress; waiting for it to finish...", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def report_lock(la: str, period: str) -> Iterator[None]:
    """The lock of one council and period's build; stale temporary pages are cleared once it is held."""
    with run_lock(paths.build_dir(la, period), f"{la} {period}"):
        remove_stale_temporaries(paths.report_dir(la, period))
        yield


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete ``.<page>.<random>.tmp`` files that ``write_atomic`` leaves when killed; call only under the lock."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.glob(".*.tmp")):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
