"""The blank return template: exact headers, drop-downs from the schema, and a filled copy validates."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bad_returns import good
from scwres.load import LISTS_SHEET
from scwres.schema import ETHNICITY_CODES, TABLES
from scwres.template_xlsx import build_workbook, main
from scwres.validate import validate_return

ONE_ROW = {
    "workforce": ["adults", "low", "no", "yes", "white_british", 20],
    "recruitment": ["adults", "white_british", 5, 2],
    "events": ["adults", "white_british", 1, 0, 2, 1],
    "survey": ["adults", "white_british", 10, 1, 1, 1],
    "population": ["white_british", 100],
}


def test_template_has_exact_headers_and_schema_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    build_workbook(["low", "high"]).save(path)
    book = load_workbook(path)
    assert book.sheetnames == [*TABLES, LISTS_SHEET] and book[LISTS_SHEET].sheet_state == "hidden"
    for name, table in TABLES.items():
        assert [c.value for c in book[name][1]] == list(table.columns)
    rules = {str(dv.sqref).split(":")[0]: dv for dv in book["workforce"].data_validations.dataValidation}
    assert rules["B2"].formula1 == "pay_band_codes" and rules["F2"].type == "whole"
    lists = book[LISTS_SHEET]
    columns = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)]
               for c in range(1, lists.max_column + 1)}
    assert [v for v in columns["ethnicity"] if v] == list(ETHNICITY_CODES)
    assert [v for v in columns["pay_band"] if v] == ["low", "high"]
    assert book.defined_names["ethnicity_codes"].attr_text == f"{LISTS_SHEET}!$B$2:$B${len(ETHNICITY_CODES) + 1}"


def test_filled_template_validates(tmp_path: Path) -> None:
    folder = tmp_path / good.LA / good.PERIOD
    folder.mkdir(parents=True)
    book = build_workbook(["low", "high"])
    for name, row in ONE_ROW.items():
        book[name].append(row)
    book.save(folder / "return.xlsx")
    problems = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [p for p in problems if p.severity == "error"] == []
    assert {p.sheet for p in problems} <= set(TABLES)  # the hidden lists sheet is not "ignored"


def test_command_writes_the_council_template(tmp_path: Path) -> None:
    out = tmp_path / "norfolk.xlsx"
    assert main(["--la", "norfolk", "--out", str(out)]) == 0
    book = load_workbook(out)
    bands = [c.value for c in book[LISTS_SHEET]["E"][1:] if c.value]
    assert bands and bands[0] == "under_25k"
