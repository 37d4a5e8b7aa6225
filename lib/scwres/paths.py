"""The one place that knows where things live, so no module builds a path by hand.

Every path can be moved with an environment variable (``SCWRES_ROOT`` for the
whole tree, or one per folder) so tests and the batch runner can point the
pipeline at a temporary copy without touching the shipped data.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("SCWRES_ROOT", Path(__file__).resolve().parents[2]))
PACKAGE_DIR = Path(__file__).resolve().parent  # lib/scwres: the code that is running, whatever SCWRES_ROOT says
TEMPLATES_DIR = PACKAGE_DIR / "templates"  # the pages' templates and stylesheet, shared by every stage


def _dir(env: str, default: Path) -> Path:
    return Path(os.environ.get(env, default))


RAW_DIR = _dir("SCWRES_RAW_DIR", ROOT / "data" / "raw")
PARAMS_DIR = _dir("SCWRES_PARAMS_DIR", ROOT / "params")
COMMENTARY_DIR = _dir("SCWRES_COMMENTARY_DIR", PARAMS_DIR / "commentary")
BUILD_DIR = _dir("SCWRES_BUILD_DIR", ROOT / "build")
REPORTS_DIR = _dir("SCWRES_REPORTS_DIR", ROOT / "reports")
REFERENCE_DIR = ROOT / "data" / "reference"
NOTEBOOKS_DIR = ROOT / "notebooks"
NATIONAL_FIGURES = REFERENCE_DIR / "national-headlines.csv"


FOLDERS = {"SCWRES_RAW_DIR": "RAW_DIR", "SCWRES_PARAMS_DIR": "PARAMS_DIR", "SCWRES_COMMENTARY_DIR": "COMMENTARY_DIR",
           "SCWRES_BUILD_DIR": "BUILD_DIR", "SCWRES_REPORTS_DIR": "REPORTS_DIR"}


def environment_problems() -> list[str]:
    """What is wrong with the folders the environment points at, one sentence each (empty when all is well).

    Why at start: ``SCWRES_REPORTS_DIR`` naming a file, or ``SCWRES_ROOT`` naming nothing, otherwise
    surfaces minutes later as a traceback from deep inside a run. A folder that does not exist yet is
    fine (a run makes it); a file where a folder (or one of its parents) should be is not.
    """
    out = []
    if "SCWRES_ROOT" in os.environ and not ROOT.is_dir():
        what = "is not a folder" if ROOT.exists() else "does not exist"
        out.append(f"SCWRES_ROOT is set to {ROOT}, which {what}; set it to the project's folder (the one holding "
                   "params/ and data/) or unset it.")
    for env, name in FOLDERS.items():
        folder = globals()[name]
        blocker = next((p for p in (folder, *folder.parents) if p.exists() or p.is_symlink()), None)
        if blocker is not None and not blocker.is_dir():
            where = "" if blocker == folder else f" (its parent {blocker} is a file)"
            told = f"{env} is set to {folder}" if env in os.environ else f"The folder {folder}"
            out.append(f"{told}, which is not a folder{where}; point {env} at a folder, or move the file away.")
    return out


def return_dir(la: str, period: str, raw_dir: Path | None = None) -> Path:
    """Folder holding one council's return for one period."""
    return (raw_dir or RAW_DIR) / la / str(period)


def params_file(la: str, params_dir: Path | None = None) -> Path:
    """The council's params YAML."""
    return (params_dir or PARAMS_DIR) / f"{la}.yml"


def build_dir(la: str, period: str, build_root: Path | None = None) -> Path:
    """Where executed notebooks and intermediate tables for one run go."""
    return (build_root or BUILD_DIR) / la / str(period)


def report_dir(la: str, period: str, reports_root: Path | None = None) -> Path:
    """Where the published HTML for one council and period goes."""
    return (reports_root or REPORTS_DIR) / la / str(period)


# The disclosure plan a public report was built with, beside its metrics.csv (``disclosure.write_plan``).
PLAN_FILE = "disclosure-plan.json"


def rollup_requests_file(la: str, period: str, build_root: Path | None = None) -> Path:
    """The counts the national and regional pages asked one council's report to hide for one period
    (``disclosure.rollup_requests``): an input of that council's report, written by ``make national``."""
    return (build_root or BUILD_DIR) / "rollup-requests" / la / f"{period}.json"
