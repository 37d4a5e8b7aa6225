"""The sentence for a count above its bound names the right bound, worked out by hand from the good return."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    """Line 4 is adults / asian_indian: 10 staff, none regulated (workforce line 5), 1 leaver (events line 4).

    2 FtP cases are within the whole headcount plus leavers (11) but over the regulated headcount plus
    leavers (0 + 1), so only a bound on the regulated headcount catches them, and the message names it.
    """
    assert errors(tmp_path, "events", 4, "ftp", "2") == [
        "ftp (2) is more than regulated headcount in workforce.csv (0) plus the leavers in events.csv (1), "
        "1 in all, for adults / asian_indian; correct whichever figure is wrong."]


def test_ftp_up_to_the_regulated_headcount_plus_leavers_is_valid(tmp_path: Path) -> None:
    """1 FtP case in a group with no regulated staff but 1 leaver: the leaver can have been referred before leaving."""
    tables = good.tables()
    tables["events"][3][good.GOOD["events"][0].index("ftp")] = "1"
    good.write_csv_return(tmp_path, tables)
    assert [p.message for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
            if p.severity == "error"] == []


@pytest.mark.parametrize("leaver_base", ["snapshot", "snapshot_plus_leavers"])
@pytest.mark.parametrize("column", ["disciplinary", "cpd"])
def test_disciplinary_and_cpd_are_bounded_by_headcount_plus_leavers(
        tmp_path: Path, column: str, leaver_base: str) -> None:
    """adults / asian_indian has 10 staff and 1 leaver: 11 is allowed, 12 is not, whatever the leaver base."""
    assert errors(tmp_path, "events", 4, column, "12", leaver_base=leaver_base) == [
        f"{column} (12) is more than headcount in workforce.csv (10) plus the leavers in events.csv (1), "
        "11 in all, for adults / asian_indian; correct whichever figure is wrong."]


def test_leavers_are_bounded_by_headcount_plus_leavers_only_when_the_leaver_base_says_so(tmp_path: Path) -> None:
    """The leavers themselves are held to the headcount alone (10) unless the leaver base adds them."""
    assert errors(tmp_path, "events", 4, "leavers", "11") == [
        "leavers (11) is more than headcount in workforce.csv (10) for adults / asian_indian; correct whichever "
        "figure is wrong; if both are right (staff of a group with few in post left during the year), set "
        "leaver_base: snapshot_plus_leavers in params, so the leavers are counted against the headcount plus "
        "the leavers."]
    tables = good.tables()
    tables["events"][3][good.GOOD["events"][0].index("leavers")] = "11"
    good.write_csv_return(tmp_path, tables)
    params = {**good.params(), "leaver_base": "snapshot_plus_leavers"}
    assert [p.message for p in validate_return(good.LA, good.PERIOD, params, tmp_path)
            if p.severity == "error"] == []


def test_in_a_workbook_the_bound_is_named_by_its_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = good.write_xlsx_return(tmp_path, good.tables())
    book = load_workbook(path)
    book["events"].cell(row=4, column=good.GOOD["events"][0].index("ftp") + 1, value=2)
    book.save(path)
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [p.message for p in problems if p.severity == "error"] == [
        "ftp (2) is more than regulated headcount in sheet workforce (0) plus the leavers in sheet events (1), "
        "1 in all, for adults / asian_indian; correct whichever figure is wrong."]
