"""Provenance for the methods section: what went in and which code made the report.

Why: a published statistic must be reproducible. The public report shows one
fingerprint of everything it rests on (``fingerprint``: the returns, params,
commentary, action plan, national figures and the workbook's version) - the
same fingerprint a sign-off records (``intake.signoff``). The internal report
and the data-quality page list the SHA-256 of every input file, the git commit
and the versions of the main libraries: a hash of one file that holds a
withheld count would let anyone who can guess the file's layout test candidate
values, so per-file hashes never go on a public page. Nothing here reads the
clock, so the same inputs and code give a byte-identical report. Versions are
read with importlib.metadata, never by importing the package
(great-expectations takes seconds to import).
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .. import __version__, memo, paths
from .commentary import commentary_file

FINGERPRINT_VERSION = "scwres-fingerprint-1"  # changing how the fingerprint is made changes every fingerprint
WORKBOOK_VERSION = __version__  # the workbook's release: a new release is a new fingerprint, to be signed off again

PACKAGES = ("pandas", "numpy", "matplotlib", "papermill", "nbconvert", "great-expectations", "markdown-it-py",
            "scwres")


@dataclass(frozen=True)
class InputFile:
    """One input: the name readers see (relative, machine-independent) and its SHA-256."""

    name: str
    sha256: str


def sha256(path: Path) -> str:
    """In fixed-size chunks, opened without blocking (a named pipe is named, never read: ``memo``)."""
    return memo.file_sha256(path)


def input_files(la: str, period: str) -> list[InputFile]:
    """Every file the report depends on, named relative to its folder so names do not vary by machine.

    That includes the returns of earlier periods: the trend section and the trend of each metric are
    computed from them, so the same report needs the same files for every period up to this one.
    """
    found: list[tuple[str, Path]] = []
    council = paths.return_dir(la, period).parent
    periods = sorted({p.stem for p in council.glob("[0-9][0-9][0-9][0-9]*")
                      if p.stem.isdigit() and len(p.stem) == 4 and p.stem <= str(period)})
    for each in periods:
        raw = paths.return_dir(la, each)
        if raw.is_dir():
            found += [(f"data/raw/{la}/{each}/{p.name}", p) for p in sorted(raw.iterdir()) if p.is_file()]
        book = raw.with_suffix(".xlsx")
        if book.exists():
            found.append((f"data/raw/{la}/{book.name}", book))
    plan = council / "action_plan.csv"
    if plan.exists():
        found.append((f"data/raw/{la}/{plan.name}", plan))
    found.append((f"params/{la}.yml", paths.params_file(la)))
    notes = commentary_file(la, period)
    if notes.exists():
        found.append((f"params/commentary/{la}/{period}.md", notes))
    for each in periods:  # the counts the national and regional pages asked this report to hide
        found.append((f"roll-up requests {each}", paths.rollup_requests_file(la, each)))
    found.append(("data/reference/national-headlines.csv", paths.NATIONAL_FIGURES))
    return [InputFile(name, sha256(path)) for name, path in found if path.exists()]


def fingerprint(la: str, period: str, files: list[InputFile] | None = None) -> str:
    """One SHA-256 of everything the report for ``la`` and ``period`` rests on, and the workbook's version.

    Made from each input's name and content hash (``input_files``), so a changed, added or removed
    file changes it; the council and period are part of it, so no two reports share one by chance.
    The git commit is left out on purpose: committing a sign-off must not change what it signed.
    """
    lines = [FINGERPRINT_VERSION, f"workbook\t{WORKBOOK_VERSION}", f"la\t{la}", f"period\t{period}"]
    lines += [f"{f.name}\t{f.sha256}" for f in (input_files(la, str(period)) if files is None else files)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def git_commit(root: Path | None = None) -> str:
    """The checked-out commit, or 'not in a git checkout'."""
    try:
        out = subprocess.run(["git", "-C", str(root or paths.ROOT), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not in a git checkout"


def versions() -> dict[str, str]:
    """Python and library versions, without importing the libraries."""
    out = {"Python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
