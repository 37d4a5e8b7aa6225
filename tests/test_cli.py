"""The command line says plainly when a council or period does not exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scwres", *args], cwd=ROOT, capture_output=True, text=True)


def test_unknown_council_lists_the_councils():
    proc = run("report", "--la", "nowhere")
    assert proc.returncode != 0
    assert "no council called 'nowhere'" in proc.stderr
    assert "bexley, leeds, norfolk" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_period_lists_the_periods():
    proc = run("report", "--la", "norfolk", "--period", "1999")
    assert proc.returncode != 0
    assert "no period '1999'" in proc.stderr and "2022, 2023, 2024" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_make_help_lists_the_front_door_targets():
    proc = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    for target in ("report", "test", "lab", "clean"):
        assert f"make {target}" in proc.stdout
