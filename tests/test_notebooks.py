"""Notebooks are committed clean, with a parameters cell that runs as it stands."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def committed(path: Path) -> nbformat.NotebookNode:
    """The notebook as git holds it (falls back to the working copy outside git)."""
    rel = path.relative_to(ROOT).as_posix()
    proc = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True, text=True)
    text = proc.stdout if proc.returncode == 0 else path.read_text(encoding="utf-8")
    return nbformat.reads(text, as_version=4)


def test_there_are_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["1_validate_return.ipynb", "2_calculate_metrics.ipynb",
                                           "3_publish_report.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
@pytest.mark.parametrize("source", [committed, lambda p: nbformat.read(p, as_version=4)], ids=["git", "disk"])
def test_no_outputs_and_a_parameters_cell(path, source):
    nb = source(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; strip them before committing"
            assert cell.execution_count is None, f"{path.name}: execution counts committed"
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    names = {}
    exec(tagged[0].source, {}, names)  # the defaults must be plain, runnable assignments
    assert {"la", "period"} <= set(names)
    assert nb.metadata["kernelspec"]["language"] == "python"
