"""Shared fixtures: one set of built reports for every end-to-end test.

The pipeline is run once per test session, through the real command line
(papermill and nbconvert), into a temporary tree, for every illustrative
council and period. Tests that use it are grouped onto one xdist worker
(``pytest.mark.xdist_group("pipeline")``) so the build happens once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COUNCILS = ("bexley", "leeds", "norfolk")
PERIODS = ("2022", "2023", "2024")
INTERNAL = (("norfolk", "2024"), ("bexley", "2024"))


@dataclass
class Built:
    """Where a session's pipeline runs wrote their outputs."""

    root: Path
    build: Path
    reports: Path
    env: dict[str, str]

    def metrics(self, la: str, period: str) -> Path:
        return self.build / la / period / "metrics.csv"

    def report(self, la: str, period: str, audience: str = "public") -> Path:
        name = "report.html" if audience == "public" else "report-internal.html"
        return self.reports / la / period / name


def pipeline_env(tmp: Path) -> dict[str, str]:
    """Environment that points the pipeline's outputs at ``tmp`` (inputs stay the shipped ones)."""
    env = dict(os.environ)
    env.update({"SCWRES_BUILD_DIR": str(tmp / "build"), "SCWRES_REPORTS_DIR": str(tmp / "reports"),
                "PYTHONHASHSEED": "0"})
    return env


def run_cli(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    """``python -m scwres.run ...`` as a user would run it."""
    proc = subprocess.run([sys.executable, "-m", "scwres.run", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"scwres.run {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Every illustrative council and period built once (public), plus two internal reports."""
    tmp = tmp_path_factory.mktemp("pipeline")
    env = pipeline_env(tmp)
    for la in COUNCILS:
        for period in PERIODS:
            run_cli(["report", "--la", la, "--period", period], env)
    for la, period in INTERNAL:
        run_cli(["report", "--la", la, "--period", period, "--audience", "internal"], env)
    return Built(tmp, tmp / "build", tmp / "reports", env)


@pytest.fixture
def scratch_tree(tmp_path) -> Path:
    """A private copy of params and data/raw that a test may break freely."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    return tmp_path
