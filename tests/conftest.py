"""Shared fixtures: one set of built reports for every end-to-end test.

The pipeline is run once per test session, through papermill and nbconvert,
into a temporary tree, for every illustrative council and period, by the batch
runner (``python -m scwres reports``, two workers with warm kernels) as
``make reports`` would. pytest-xdist's ``loadgroup`` does not group tests
under pytest 9 (its node-id suffix is ignored), so the xdist workers share one
build through a file lock in their common temporary folder instead: the first
worker to need it builds, the other waits and reuses it. Single-report runs
through ``python -m scwres report`` (``make report``) are exercised by the
validation, determinism and safety tests.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the code reads from the build folder changes what it computes: the counts a national run asked a
# council's report to hide (build/rollup-requests/, ``disclosure.rollup_requests``). A developer's own
# ``make national`` must not change the tests' figures, so in-process runs get a build folder of their own.
if "SCWRES_BUILD_DIR" not in os.environ:
    os.environ["SCWRES_BUILD_DIR"] = tempfile.mkdtemp(prefix="scwres-tests-build-")
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
    """``python -m scwres report ...`` as a user would run it."""
    proc = subprocess.run([sys.executable, "-m", "scwres", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"scwres {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def run_batch(args: list[str], env: dict[str, str]) -> None:
    """``python -m scwres reports ...`` (the engine of ``make reports``); fail loudly with its output."""
    proc = subprocess.run([sys.executable, "-m", "scwres", "reports", "--quiet", "--no-index", "--jobs", "2", *args],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise AssertionError(f"scwres reports {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n"
                             f"{proc.stderr}")


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id) -> Built:
    """Every illustrative council and period built once (public), plus the INTERNAL ones."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # xdist workers share the parent
    tmp = shared / "pipeline"
    env = pipeline_env(tmp)
    with open(shared / "pipeline.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (tmp / "built.ok").exists():
            run_batch(["--las", " ".join(COUNCILS), "--periods", " ".join(PERIODS), "--force"], env)
            for la, period in INTERNAL:
                run_batch(["--las", la, "--periods", period, "--audience", "internal", "--force"], env)
            (tmp / "built.ok").write_text("ok\n")
    return Built(tmp, tmp / "build", tmp / "reports", env)


WORLD_PATHS = ("RAW_DIR", "PARAMS_DIR", "BUILD_DIR", "REPORTS_DIR")


@pytest.fixture(scope="session")
def small_world(tmp_path_factory, worker_id):
    """Small generated councils (two periods, a region of two) published once per session (``published``).

    Built in process, shared by the xdist workers through a file lock like ``built``; use it inside
    ``world_paths`` so ``scwres.paths`` points at it.
    """
    import published

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base
    root = shared / "small-world"
    with open(shared / "small-world.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with world_paths(root):
            if not (root / "built.ok").exists():
                published.build_world(root)
                (root / "built.ok").write_text("ok\n")
    return published.World(root, [f"synthetic-{i:03d}" for i in range(1, len(published.SHAPES) + 1)],
                           published.PERIODS, "London")


def world_paths(root: Path):
    """``scwres.paths`` pointed at a tree with raw/, params/, build/ and reports/ (a context manager)."""
    from contextlib import contextmanager

    from scwres import paths

    @contextmanager
    def patched():
        with pytest.MonkeyPatch.context() as mp:
            for name, folder in zip(WORLD_PATHS, ("raw", "params", "build", "reports"), strict=True):
                mp.setattr(paths, name, root / folder)
            yield root

    return patched()


@pytest.fixture
def scratch_tree(tmp_path) -> Path:
    """A private copy of params and data/raw that a test may break freely."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    return tmp_path
