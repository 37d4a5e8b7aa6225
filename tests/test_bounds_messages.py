"""The sentence for a count above its bound names the right bound, worked out by hand from the good return."""

from __future__ import annotations

from pathlib import Path

from bad_returns import good
from scwres.validate.validation import validate_return


def errors(tmp_path: Path, table: str, line: int, column: str, value: str, **params) -> list[str]:
    """The error sentences for the good return with one cell changed; each error is placed at that cell."""
    tables = good.tables()
    tables[table][line - 1][good.GOOD[table][0].index(column)] = value
    good.write_csv_return(tmp_path, tables)
    problems = [p for p in validate_return(good.LA, good.PERIOD, {**good.params(), **params}, tmp_path)
                if p.severity == "error"]
    assert {(p.file, p.line, p.column, p.value) for p in problems} == {(f"{table}.csv", line, column, value)}
    return [p.message for p in problems]


def test_ftp_is_bounded_by_the_regulated_headcount_and_says_so(tmp_path: Path) -> None:
    """Line 4 is adults / asian_indian: 10 staff, none regulated (workforce line 5), so 1 FtP case is over 0."""
    assert errors(tmp_path, "events", 4, "ftp", "1") == [
        "ftp (1) is more than regulated headcount in workforce.csv (0) for adults / asian_indian; "
        "correct whichever figure is wrong."]


def test_only_leavers_are_bounded_by_headcount_plus_leavers(tmp_path: Path) -> None:
    """With leaver_base snapshot_plus_leavers, disciplinary cases are still bounded by the headcount (10)."""
    assert errors(tmp_path, "events", 4, "disciplinary", "11", leaver_base="snapshot_plus_leavers") == [
        "disciplinary (11) is more than headcount in workforce.csv (10) for adults / asian_indian; "
        "correct whichever figure is wrong."]


def test_in_a_workbook_the_bound_is_named_by_its_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = good.write_xlsx_return(tmp_path, good.tables())
    book = load_workbook(path)
    book["events"].cell(row=4, column=good.GOOD["events"][0].index("ftp") + 1, value=1)
    book.save(path)
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [p.message for p in problems if p.severity == "error"] == [
        "ftp (1) is more than regulated headcount in sheet workforce (0) for adults / asian_indian; "
        "correct whichever figure is wrong."]
