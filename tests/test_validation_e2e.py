"""End to end through the command line: ten faults, one run, nothing published, the last good report kept.

Runs the real CLI (papermill) on a private copy of params and data, so it is
slow-ish: one good build, one failing build, and a params failure that stops
before any notebook.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import pipeline_env, run_cli

LA, PERIOD = "bexley", "2024"


def edit_csv(path: Path, edit) -> None:
    """Change the rows of a CSV in place (``edit`` gets the rows, header first)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(rows: list[list[str]], line: int, column: str, value: str) -> None:
    rows[line - 1][rows[0].index(column)] = value


def cell(rows: list[list[str]], line: int, column: str) -> str:
    return rows[line - 1][rows[0].index(column)]


def break_return(folder: Path) -> set[tuple[str, int, str]]:
    """Ten faults in four files; returns where each must be reported."""
    def workforce(rows):
        set_cell(rows, 2, "service", "adult")
        set_cell(rows, 3, "pay_band", "band_z")
        set_cell(rows, 4, "regulated", "maybe")
        set_cell(rows, 5, "headcount", "-3")

    def recruitment(rows):
        set_cell(rows, 2, "ethnicity", "martian")
        set_cell(rows, 3, "appointed", str(int(cell(rows, 3, "shortlisted")) + 1))

    def survey(rows):
        set_cell(rows, 4, "hba_public", str(int(cell(rows, 4, "respondents")) + 1))
        set_cell(rows, 5, "respondents", "many")

    def population(rows):
        rows[0].append("notes")
        for row in rows[1:]:
            row.append("")

    edit_csv(folder / "workforce.csv", workforce)
    edit_csv(folder / "recruitment.csv", recruitment)
    edit_csv(folder / "events.csv", lambda rows: set_cell(rows, 2, "cpd", "2.5"))
    edit_csv(folder / "survey.csv", survey)
    edit_csv(folder / "population.csv", population)
    return {("workforce.csv", 2, "service"), ("workforce.csv", 3, "pay_band"), ("workforce.csv", 4, "regulated"),
            ("workforce.csv", 5, "headcount"), ("recruitment.csv", 2, "ethnicity"),
            ("recruitment.csv", 3, "appointed"), ("events.csv", 2, "cpd"), ("survey.csv", 4, "hba_public"),
            ("survey.csv", 5, "respondents"), ("population.csv", 1, "notes")}


@pytest.fixture
def env(scratch_tree: Path) -> dict[str, str]:
    out = pipeline_env(scratch_tree)
    out.update(SCWRES_RAW_DIR=str(scratch_tree / "raw"), SCWRES_PARAMS_DIR=str(scratch_tree / "params"))
    return out


@pytest.mark.xdist_group("pipeline")
def test_ten_faults_in_one_run_and_the_last_good_report_stays(scratch_tree: Path, env: dict[str, str]) -> None:
    reports, build = scratch_tree / "reports" / LA / PERIOD, scratch_tree / "build" / LA / PERIOD
    run_cli(["report", "--la", LA, "--period", PERIOD], env)
    published = (reports / "report.html").read_bytes()
    assert "passed" in (reports / "data-quality.html").read_text(encoding="utf-8")
    assert (build / "metrics.csv").exists()

    expected = break_return(scratch_tree / "raw" / LA / PERIOD)
    proc = run_cli(["report", "--la", LA, "--period", PERIOD], env, check=False)

    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [p for p in json.loads((build / "problems.json").read_text()) if p["severity"] == "error"]
    assert {(p["file"], p["line"], p["column"]) for p in errors} == expected
    for p in errors:
        assert p["where"] in proc.stderr
    assert (reports / "report.html").read_bytes() == published
    assert not (build / "metrics.csv").exists()
    page = (reports / "data-quality.html").read_text(encoding="utf-8")
    assert "10 errors" in page and "recruitment.csv line 3" in page


def test_broken_params_are_reported_on_the_page_and_the_command_line(scratch_tree: Path,
                                                                      env: dict[str, str]) -> None:
    params = scratch_tree / "params" / f"{LA}.yml"
    params.write_text(params.read_text(encoding="utf-8").replace("name:", "nmae:", 1), encoding="utf-8")
    proc = run_cli(["report", "--la", LA, "--period", PERIOD], env, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"params/{LA}.yml line 2" in proc.stderr and "'nmae' is not a params key" in proc.stderr
    page = (scratch_tree / "reports" / LA / PERIOD / "data-quality.html").read_text(encoding="utf-8")
    assert "nmae" in page and "cannot be used yet" in page
