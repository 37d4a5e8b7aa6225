"""The corpus of bad returns: one fault per case, each must be reported exactly where it is.

Every case starts from the small good return in ``bad_returns/good.py`` and
changes one cell or file; the test asserts the severity, file (and sheet),
line and column of every error reported, and that the message is a sentence.
Cell-level faults run for both formats (CSV folder and .xlsx workbook).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bad_returns import good
from scwres.problems import Problem
from scwres.validate.validation import validate_return

Rows = good.Rows
Expected = tuple[str, str, int | None, str | None]  # severity, table, line, column


def set_cell(table: str, line: int, column: str, value: str) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        rows = tables[table]
        rows[line - 1][rows[0].index(column)] = value
    return mutate


def rename_column(table: str, old: str, new: str) -> Callable[[dict[str, Rows]], None]:
    return set_cell(table, 1, old, new)


def drop_column(table: str, column: str) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        index = tables[table][0].index(column)
        tables[table] = [r[:index] + r[index + 1:] for r in tables[table]]
    return mutate


def add_column(table: str, column: str, value: str) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        tables[table] = [tables[table][0] + [column]] + [r + [value] for r in tables[table][1:]]
    return mutate


def append_copy(table: str, line: int) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        tables[table].append(list(tables[table][line - 1]))
    return mutate


def drop_table(table: str) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        del tables[table]
    return mutate


def header_only(table: str) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        tables[table] = tables[table][:1]
    return mutate


def ragged(table: str, line: int) -> Callable[[dict[str, Rows]], None]:
    def mutate(tables: dict[str, Rows]) -> None:
        tables[table][line - 1].append("7")
    return mutate


@dataclass
class Case:
    name: str
    mutate: Callable[[dict[str, Rows]], None]
    expected: list[Expected]


E = "error"
CELL_CASES = [
    Case("unknown service", set_cell("workforce", 3, "service", "adult"), [(E, "workforce", 3, "service")]),
    Case("unknown ethnicity code", set_cell("recruitment", 4, "ethnicity", "indain"),
         [(E, "recruitment", 4, "ethnicity")]),
    Case("pay band not in params", set_cell("workforce", 5, "pay_band", "mid"), [(E, "workforce", 5, "pay_band")]),
    Case("yes/no not yes or no", set_cell("workforce", 4, "senior_manager", "Y"),
         [(E, "workforce", 4, "senior_manager")]),
    Case("empty regulated", set_cell("workforce", 2, "regulated", ""), [(E, "workforce", 2, "regulated")]),
    Case("upper-case code", set_cell("survey", 7, "service", "Children"), [(E, "survey", 7, "service")]),
    Case("negative count", set_cell("events", 3, "cpd", "-1"), [(E, "events", 3, "cpd")]),
    Case("decimal count", set_cell("survey", 5, "respondents", "20.5"), [(E, "survey", 5, "respondents")]),
    Case("text in a count", set_cell("recruitment", 6, "shortlisted", "eight"),
         [(E, "recruitment", 6, "shortlisted")]),
    Case("empty count", set_cell("population", 3, "population", ""), [(E, "population", 3, "population")]),
    Case("thousands separator", set_cell("population", 2, "population", "5,000"),
         [(E, "population", 2, "population")]),
    Case("appointed above shortlisted", set_cell("recruitment", 3, "appointed", "11"),
         [(E, "recruitment", 3, "appointed")]),
    Case("disciplinary above headcount plus leavers", set_cell("events", 4, "disciplinary", "12"),
         [(E, "events", 4, "disciplinary")]),
    Case("ftp above regulated headcount plus leavers", set_cell("events", 4, "ftp", "2"), [(E, "events", 4, "ftp")]),
    Case("cpd above headcount plus leavers", set_cell("events", 7, "cpd", "13"), [(E, "events", 7, "cpd")]),
    Case("leavers above headcount", set_cell("events", 6, "leavers", "16"), [(E, "events", 6, "leavers")]),
    Case("respondents above headcount", set_cell("survey", 3, "respondents", "21"),
         [(E, "survey", 3, "respondents")]),
    Case("hba_public above respondents", set_cell("survey", 4, "hba_public", "7"), [(E, "survey", 4, "hba_public")]),
    Case("hba_managers above respondents", set_cell("survey", 6, "hba_managers", "11"),
         [(E, "survey", 6, "hba_managers")]),
    Case("duplicated workforce key", append_copy("workforce", 2), [(E, "workforce", 9, "ethnicity")]),
    Case("duplicated recruitment key", append_copy("recruitment", 2), [(E, "recruitment", 8, "ethnicity")]),
    Case("missing column", drop_column("survey", "hba_managers"), [(E, "survey", 1, "hba_managers")]),
    Case("extra column", add_column("events", "notes", "x"), [(E, "events", 1, "notes")]),
    Case("misspelt column", rename_column("recruitment", "shortlisted", "Shortlisted"),
         [(E, "recruitment", 1, "shortlisted"), (E, "recruitment", 1, "Shortlisted")]),
    Case("missing required table", drop_table("survey"), [(E, "survey", None, None)]),
    Case("empty required table", header_only("events"), [(E, "events", None, None)]),
    Case("broad and detailed codes mixed", set_cell("population", 4, "ethnicity", "asian"),
         [(E, "population", 4, "ethnicity")]),
    Case("ragged row", ragged("workforce", 6), [(E, "workforce", 6, None)]),
]


def where(problem: Problem) -> Expected:
    return (problem.severity, problem.sheet or problem.file.removesuffix(".csv"), problem.line, problem.column)


def check(problems: list[Problem], case: Case, xlsx: bool) -> None:
    errors = [p for p in problems if p.severity == "error"]
    assert sorted(map(where, errors), key=str) == sorted(case.expected, key=str), [str(p) for p in problems]
    for p in errors:
        assert p.file == ("return.xlsx" if xlsx else f"{p.sheet or where(p)[1]}.csv")
        assert p.message.endswith(".") and len(p.message) > 20


@pytest.mark.parametrize("case", CELL_CASES, ids=[c.name for c in CELL_CASES])
def test_csv_fault_is_reported_exactly(case: Case, tmp_path: Path) -> None:
    tables = good.tables()
    case.mutate(tables)
    good.write_csv_return(tmp_path, tables)
    check(validate_return(good.LA, good.PERIOD, good.params(), tmp_path), case, xlsx=False)


XLSX_CASES = [c for c in CELL_CASES if c.name in {
    "unknown service", "pay band not in params", "text in a count", "decimal count", "appointed above shortlisted",
    "ftp above regulated headcount plus leavers", "hba_public above respondents", "duplicated workforce key",
    "missing column",
    "extra column", "missing required table", "empty required table", "broad and detailed codes mixed",
}]


@pytest.mark.parametrize("case", XLSX_CASES, ids=[c.name for c in XLSX_CASES])
def test_xlsx_fault_is_reported_with_sheet_and_row(case: Case, tmp_path: Path) -> None:
    tables = good.tables()
    case.mutate(tables)
    good.write_xlsx_return(tmp_path, tables)
    check(validate_return(good.LA, good.PERIOD, good.params(), tmp_path), case, xlsx=True)


def test_the_good_return_has_no_problems(tmp_path: Path) -> None:
    good.write_csv_return(tmp_path, good.tables())
    assert validate_return(good.LA, good.PERIOD, good.params(), tmp_path) == []


def test_the_sentence_names_both_figures_and_the_key(tmp_path: Path) -> None:
    tables = good.tables()
    set_cell("recruitment", 7, "appointed", "12")(tables)
    set_cell("recruitment", 7, "shortlisted", "9")(tables)
    good.write_csv_return(tmp_path, tables)
    [problem] = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert str(problem) == ("ERROR recruitment.csv line 7: appointed (12) is more than shortlisted (9) for "
                            "children / asian_indian; correct whichever figure is wrong.")


def test_leavers_against_headcount_plus_leavers(tmp_path: Path) -> None:
    tables = good.tables()
    set_cell("events", 6, "leavers", "16")(tables)  # above the snapshot headcount (15), within 15 + 16
    good.write_csv_return(tmp_path, tables)
    params = {**good.params(), "leaver_base": "snapshot_plus_leavers"}
    assert validate_return(good.LA, good.PERIOD, params, tmp_path) == []


# File-level faults: bytes on disk, one file format each.
def _csv_case(tmp_path: Path, table: str, data: bytes) -> list[Problem]:
    folder = good.write_csv_return(tmp_path, good.tables())
    (folder / f"{table}.csv").write_bytes(data)
    return [p for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path) if p.severity == "error"]


def test_not_utf8_is_an_error_on_its_line(tmp_path: Path) -> None:
    data = good.csv_bytes(good.GOOD["workforce"]).replace(b"black_african,20", b"black_african\xa0,20", 1)
    [problem] = _csv_case(tmp_path, "workforce", data)
    assert where(problem) == ("error", "workforce", 3, None) and "UTF-8" in problem.message


def test_wrong_delimiter_is_an_error(tmp_path: Path) -> None:
    data = good.csv_bytes(good.GOOD["recruitment"]).replace(b",", b";")
    [problem] = _csv_case(tmp_path, "recruitment", data)
    assert where(problem) == ("error", "recruitment", 1, None) and "comma" in problem.message


def test_binary_file_is_not_a_csv(tmp_path: Path) -> None:
    [problem] = _csv_case(tmp_path, "survey", b"PK\x03\x04\x00\x00binary")
    # the whole file is refused, not one of its lines: a file-level problem has no line
    assert where(problem) == ("error", "survey", None, None)
    assert "binary data" in problem.message and "not a text file" in problem.message


def test_unreadable_workbook_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / good.LA / good.PERIOD
    folder.mkdir(parents=True)
    (folder / "return.xlsx").write_text("this is not a workbook")
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [(p.severity, p.file, p.line) for p in problems] == [("error", "return.xlsx", None)]
    assert "cannot be opened" in problems[0].message


@pytest.mark.parametrize("title", ["Survey", "survey ", " SURVEY"])
def test_misnamed_sheet_is_matched_with_a_warning(tmp_path: Path, title: str) -> None:
    tables = good.tables()
    good.write_xlsx_return(tmp_path, {(title if k == "survey" else k): v for k, v in tables.items()})
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [where(p) for p in problems] == [("warning", title, None, None)]
    assert problems[0].message == (f"The sheet '{title}' was read as the survey table; rename it 'survey' "
                                   "(sheet names are exact and lower case).")


def test_two_sheets_read_as_one_table_is_an_error_naming_both(tmp_path: Path) -> None:
    tables = good.tables()
    good.write_xlsx_return(tmp_path, {**tables, "Survey ": tables["survey"]})
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    errors = [p for p in problems if p.severity == "error"]
    assert [p.message for p in errors] == [
        "The sheets 'survey' and 'Survey ' are both read as the survey table; keep one of them."]


@pytest.mark.parametrize("transform", [
    pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="utf8-bom"),
    pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
    pytest.param(lambda b: b + b"\n\n", id="trailing-blank-lines"),
    pytest.param(lambda b: b.replace(b",40\n", b",40.0\n"), id="whole-number-as-decimal"),
    pytest.param(lambda b: b.replace(b"adults,low", b" adults ,low"), id="spaces-around-values"),
])
def test_awkward_but_valid_csv(transform: Callable[[bytes], bytes], tmp_path: Path) -> None:
    assert _csv_case(tmp_path, "workforce", transform(good.csv_bytes(good.GOOD["workforce"]))) == []


def test_columns_in_another_order_are_fine(tmp_path: Path) -> None:
    tables = good.tables()
    tables["survey"] = [list(reversed(row)) for row in tables["survey"]]
    good.write_csv_return(tmp_path, tables)
    assert validate_return(good.LA, good.PERIOD, good.params(), tmp_path) == []


def test_xlsx_good_return_has_no_problems(tmp_path: Path) -> None:
    good.write_xlsx_return(tmp_path, good.tables())
    assert validate_return(good.LA, good.PERIOD, good.params(), tmp_path) == []


def test_all_problems_at_once(tmp_path: Path) -> None:
    tables = good.tables()
    for case in CELL_CASES[:12]:
        case.mutate(tables)
    good.write_csv_return(tmp_path, tables)
    found = {where(p) for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path)}
    assert {e for case in CELL_CASES[:12] for e in case.expected} <= found


def test_xlsx_table_away_from_a1_keeps_its_row_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    folder = tmp_path / good.LA / good.PERIOD
    folder.mkdir(parents=True)
    book = Workbook()
    book.remove(book.active)
    for name, rows in good.tables().items():
        sheet = book.create_sheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                sheet.cell(row=i + 3, column=j + 2, value=int(value) if value.isdigit() else value)
    book["recruitment"].cell(row=5, column=5, value=99)  # data line 3 (adults / black_african) -> row 5
    book.save(folder / "return.xlsx")
    [problem] = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert where(problem) == ("error", "recruitment", 5, "appointed")


def test_a_column_named_twice_is_an_error_on_the_header(tmp_path: Path) -> None:
    tables = good.tables()
    rename_column("events", "ftp", "cpd")(tables)
    good.write_csv_return(tmp_path, tables)
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [where(p) for p in problems] == [("error", "events", 1, "cpd")]
    assert "appears twice" in problems[0].message


def test_an_empty_period_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / good.LA / good.PERIOD).mkdir(parents=True)
    [problem] = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert (problem.severity, problem.file) == ("error", f"{good.LA}/{good.PERIOD}")
    assert "workforce.csv" in problem.message


def test_a_bad_count_does_not_hide_bounds_on_other_keys(tmp_path: Path) -> None:
    """Text in one workforce headcount makes only that key's sums unknown: a disciplinary count
    above the headcount of another service and ethnicity is still reported in the same run."""
    tables = good.tables()
    tables["workforce"][2][5] = "2O"  # adults / black_african headcount: letter O, not zero
    tables["events"][4][2] = "45"  # children / white_british disciplinary, headcount 30
    tables["events"][2][2] = "99"  # adults / black_african disciplinary: its headcount is unknown
    good.write_csv_return(tmp_path, tables)
    found = {where(p) for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
             if p.severity == "error"}
    assert ("error", "workforce", 3, "headcount") in found
    assert ("error", "events", 5, "disciplinary") in found
    assert not any(w[1:] == ("events", 3, "disciplinary") for w in found)  # no blame on an unknown sum


def test_mixed_codes_point_at_the_odd_row_and_advice_fits_the_table(tmp_path: Path) -> None:
    tables = good.tables()
    for row in tables["survey"][1:]:  # the survey uses the five broad groups...
        row[1] = {"white_british": "white", "black_african": "black", "asian_indian": "asian"}[row[1]]
    tables["survey"][6][1] = "asian_indian"  # ...except line 7
    tables["recruitment"][1:] = [r for r in tables["recruitment"][1:] if r[1] != "asian_indian"]
    for row in tables["events"][1:]:
        row[1] = {"white_british": "white", "black_african": "black", "asian_indian": "asian"}[row[1]]
    tables["events"][3][1] = "martian"  # line 4: unknown, in a table of broad groups
    good.write_csv_return(tmp_path, tables)
    problems = [p for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path) if p.severity == "error"]
    mixed = [p for p in problems if "mixes" in p.message]
    assert [(p.file, p.line, p.value) for p in mixed] == [("survey.csv", 7, "asian_indian")]
    unknown = [p for p in problems if p.value == "martian"]
    assert len(unknown) == 1 and unknown[0].line == 4 and "broad groups" in unknown[0].message


def test_white_minorities_flag_needs_detailed_white_codes(tmp_path: Path) -> None:
    tables = good.tables()
    tables["survey"][1][1] = "white"  # line 2 of a table that is otherwise detailed... and broad 'white'
    tables["survey"][1:] = [tables["survey"][1]] + [r for r in tables["survey"][2:] if r[1] != "white_british"]
    good.write_csv_return(tmp_path, tables)
    params = {**good.params(), "white_minorities_as_minority_ethnic": True}
    found = [p for p in validate_return(good.LA, good.PERIOD, params, tmp_path) if "cannot be split" in p.message]
    assert [(p.file, p.line, p.column, p.value) for p in found] == [("survey.csv", 2, "ethnicity", "white")]
    assert not [p for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
                if "cannot be split" in p.message]  # with the default mapping 'white' is fine
