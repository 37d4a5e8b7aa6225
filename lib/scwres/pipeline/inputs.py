"""Which report to build, and the content hash of its inputs that decides whether to build it again.

A report is rebuilt only when something it reads has changed: the council's
raw folder, params and commentary, the notebooks, the package's code and
templates, the reference data and the pinned versions. The key is a SHA-256
over those files' contents (never their times: a checkout or a copy changes
times without changing anything else), stored next to the build only after a
successful run. ``run.build_report`` removes and rewrites it; the batch reads it.
A report whose key matches is still rebuilt when one of its outputs (``outputs``)
has gone, say a spreadsheet deleted by hand.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import memo, paths
from ..intake import signoff
from ..render.open_data import council_stem, file_names

KEY_VERSION = "scwres-inputs-1"  # bump to invalidate every stored key at once


@dataclass(frozen=True, order=True)
class Job:
    """One report to build."""

    la: str
    period: str
    audience: str = "public"

    @property
    def label(self) -> str:
        suffix = "" if self.audience == "public" else f" ({self.audience})"
        return f"{self.la} {self.period}{suffix}"


def _file_digest(path: Path) -> str:
    """In chunks; a stray file larger than any return file is counted by its size (``memo.update_with_file``)."""
    return memo.file_sha256(path, memo.RETURN_FILE_LIMIT)


def _tree(root: Path, label: str) -> list[tuple[str, Path]]:
    """Every file under ``root`` (hidden files and caches left out), labelled relative to it."""
    if not root.is_dir():
        return []
    out = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            out.append((f"{label}/{rel.as_posix()}", path))
    return out


def code_inputs() -> list[tuple[str, Path]]:
    """Inputs every report shares: notebooks, the package's code and templates, pinned versions, reference data."""
    return sorted(
        _tree(paths.NOTEBOOKS_DIR, "notebooks") + _tree(paths.PACKAGE_DIR, "lib/scwres")
        + _tree(paths.REFERENCE_DIR, "reference") + [("constraints.txt", paths.ROOT / "constraints.txt")]
    )


def council_inputs(la: str, period: str) -> list[tuple[str, Path]]:
    """Inputs of one council's report.

    The whole council folder counts, not only this period's return: the trend
    and previous-period comparisons read the other periods, and the action
    plan (``data/raw/<la>/action_plan.csv``) lives there too. So do the
    sign-off and what it kept (``params/signoff/<la>/<period>.*``): a sign-off
    changes the report from a draft to signed off. So do the counts the
    national and regional pages asked it to hide (``disclosure.rollup_requests``).
    """
    return sorted(
        _tree(paths.RAW_DIR / la, "raw")
        + [(f"rollup-requests/{p.name}", p) for p in requests_up_to(la, period)]
        + [("params.yml", paths.params_file(la)),
           ("commentary.md", paths.COMMENTARY_DIR / la / f"{period}.md"),
           ("signoff.yml", signoff.record_file(la, period)),
           ("signed-off.json", signoff.snapshot_file(la, period))]
    )


def requests_up_to(la: str, period: str) -> list[Path]:
    """The roll-up's requests of ``la`` for ``period`` and earlier periods (a report quotes the plans its
    earlier periods were published with); a later period's request changes nothing here."""
    folder = paths.rollup_requests_file(la, period).parent
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.json") if p.stem.isdigit() and p.stem <= str(period))


def digest_lines(files: Iterable[tuple[str, Path]]) -> list[str]:
    """``label<TAB>sha256`` per file, ``missing`` for a file that does not exist (its absence is an input too)."""
    return [f"{label}\t{_file_digest(path) if path.is_file() else 'missing'}" for label, path in files]


def inputs_key(job: Job, shared: list[str] | None = None) -> str:
    """The content hash deciding whether ``job`` must be rebuilt.

    ``shared`` (the digests of ``code_inputs``) may be passed in so a batch of
    150 councils hashes the code once, not 150 times.
    """
    lines = [KEY_VERSION, f"audience\t{job.audience}", f"period\t{job.period}", f"la\t{job.la}",
             f"python\t{sys.version_info.major}.{sys.version_info.minor}"]
    lines += shared if shared is not None else digest_lines(code_inputs())
    lines += digest_lines(council_inputs(job.la, job.period))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def key_path(job: Job) -> Path:
    """Where the key of the last successful build is stored: next to the build."""
    name = "inputs.sha256" if job.audience == "public" else f"inputs-{job.audience}.sha256"
    return paths.build_dir(job.la, job.period) / name


# --- what a build leaves: a missing one forces a rebuild, whatever the key says --------------------------------


def report_path(job: Job) -> Path:
    name = "report.html" if job.audience == "public" else f"report-{job.audience}.html"
    return paths.report_dir(job.la, job.period) / name


def outputs(job: Job) -> list[Path]:
    """The files a successful build of ``job`` leaves: the report, its spreadsheet and CSV, the data-quality
    page, and the metrics, disclosure plan and (public) sign-off state that the index and the national page read."""
    folder, build = paths.report_dir(job.la, job.period), paths.build_dir(job.la, job.period)
    spreadsheet, csv = file_names(council_stem(job.la, job.period), job.audience)
    state = [signoff.state_path(job.la, job.period)] if job.audience == "public" else []
    return [report_path(job), folder / spreadsheet, folder / csv, folder / "data-quality.html",
            build / "metrics.csv", build / paths.PLAN_FILE, *state]


def outputs_present(job: Job) -> bool:
    """Every output of ``job`` is on disk (``make reports`` rebuilds a report whose spreadsheet was deleted)."""
    return all(path.is_file() for path in outputs(job))
