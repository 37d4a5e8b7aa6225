"""The action plan register is checked like a return: every fault with file, line and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from scwres.actions.register import COLUMNS, read_register
from scwres.intake.params import load_params

GOOD = {
    "id": "A1", "objective": "Fair recruitment", "action": "Anonymise shortlisting", "metrics": "m2",
    "theme": "recruitment_retention", "service": "all", "lead": "Head of HR", "plan_period": "2022",
    "start": "2022-10-01", "due": "2023-03-31", "status": "in_progress", "completed_on": "",
    "success_measure": "m2 >= 0.8", "last_update": "Testing with two teams.", "updated_on": "2023-01-10",
}


@pytest.fixture(scope="module")
def params() -> dict:
    return load_params("norfolk")


def write_plan(raw: Path, rows: list[dict[str, str]], columns: tuple[str, ...] | list[str] = COLUMNS) -> Path:
    """A register with a good first action (line 2) and the given rows from line 3."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in [GOOD, *rows]:
        writer.writerow({c: row.get(c, "") for c in columns})
    path = raw / "norfolk" / "action_plan.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("la", ["norfolk", "leeds", "bexley"])
def test_shipped_plans_are_clean_and_sized(la):
    register = read_register(la, load_params(la))
    assert register.exists and register.problems == []
    assert 8 <= len(register.actions) <= 15
    assert {a.status for a in register.actions} >= {"complete", "in_progress", "dropped"}


def test_no_register_is_not_an_error(tmp_path, params):
    register = read_register("norfolk", params, tmp_path)
    assert not register.exists and register.problems == []


FAULTS = [
    ("unknown metric", {"metrics": "m2;m10"}, "metrics", "'m10' is not a metric id"),
    ("unparseable start", {"start": "31/03/2023"}, "start", "is not a date"),
    ("impossible due date", {"due": "2023-02-30"}, "due", "is not a date"),
    ("due before start", {"start": "2023-04-01", "due": "2023-03-01"}, "due", "before the start"),
    ("complete without date", {"status": "complete"}, "completed_on", "completed_on is empty"),
    ("completed before start", {"status": "complete", "completed_on": "2022-09-01"}, "completed_on",
     "before it started"),
    ("duplicate id", {"id": "A1"}, "id", "already used on line 2"),
    ("bad id", {"id": "A 1"}, "id", "short code"),
    ("bad theme", {"theme": "diversity"}, "theme", "'diversity' is not a theme"),
    ("bad service", {"service": "both"}, "service", "'both' is not a service"),
    ("bad status", {"status": "done"}, "status", "'done' is not a status"),
    ("bad measure", {"success_measure": "m2 => 0.8"}, "success_measure", "at character 4"),
    ("measure on an unlisted metric", {"success_measure": "m8 <= 1.25"}, "success_measure",
     "does not list in metrics"),
    ("unknown plan period", {"plan_period": "2019"}, "plan_period", "not a period in params"),
    ("empty lead", {"lead": ""}, "lead", "lead is empty"),
    ("note without a date", {"updated_on": ""}, "updated_on", "no updated_on date"),
]


@pytest.mark.parametrize("name,change,column,words", FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_names_file_line_and_column(tmp_path, params, name, change, column, words):
    write_plan(tmp_path, [{**GOOD, "id": "A2", **change}])
    register = read_register("norfolk", params, tmp_path)
    errors = register.errors
    assert len(errors) == 1, errors
    problem = errors[0]
    assert (problem.file, problem.line, problem.column) == ("action_plan.csv", 3, column)
    assert words in problem.message
    assert [a.id for a in register.actions] == ["A1"]  # the faulty row is left out, the good one kept


def test_missing_and_extra_columns_point_at_the_header(tmp_path, params):
    columns = [c for c in COLUMNS if c != "lead"] + ["owner"]
    write_plan(tmp_path, [], columns)
    found = {(p.line, p.column, p.message.split(";")[0]) for p in read_register("norfolk", params, tmp_path).errors}
    assert (1, "lead", "The column 'lead' is missing") in found
    assert any(line == 1 and column == "owner" and "not a column" in msg for line, column, msg in found)


def test_a_ragged_row_is_located(tmp_path, params):
    path = write_plan(tmp_path, [])
    path.write_text(path.read_text(encoding="utf-8") + "A3,too,few,cells\n", encoding="utf-8")
    errors = read_register("norfolk", params, tmp_path).errors
    assert [(p.file, p.line) for p in errors] == [("action_plan.csv", 3)]
    assert "cells" in errors[0].message


def test_completed_on_for_an_unfinished_action_is_a_warning(tmp_path, params):
    write_plan(tmp_path, [{**GOOD, "id": "A2", "completed_on": "2023-01-01"}])
    register = read_register("norfolk", params, tmp_path)
    assert register.errors == []
    assert [(p.severity, p.line, p.column) for p in register.problems] == [("warning", 3, "completed_on")]


def test_actions_sheet_in_a_workbook_is_read_and_located(tmp_path, params):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "actions"
    sheet.append(list(COLUMNS))
    sheet.append([GOOD[c] for c in COLUMNS])
    sheet.append([{**GOOD, "id": "A2", "theme": "vibes"}[c] for c in COLUMNS])
    folder = tmp_path / "norfolk" / "2024"
    folder.mkdir(parents=True)
    book.save(folder / "return.xlsx")
    register = read_register("norfolk", params, tmp_path)
    assert register.exists and [a.id for a in register.actions] == ["A1"]
    assert [(p.file, p.sheet, p.line, p.column) for p in register.errors] == [("return.xlsx", "actions", 3, "theme")]
