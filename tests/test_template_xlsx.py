"""The blank return template: exact headers, drop-downs from the schema, and a filled copy validates."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bad_returns import good
from scwres.cli import main as cli_main
from scwres.intake.blank_template import build_workbook
from scwres.intake.load import read_return, typed_tables
from scwres.intake.xlsx import INSTRUCTIONS_SHEET, LISTS_SHEET
from scwres.schema import ETHNICITY_CODES, RECORD_TABLES, TABLES
from scwres.validate.validation import validate_return

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
    assert book.sheetnames == [INSTRUCTIONS_SHEET, *TABLES, LISTS_SHEET] and book[LISTS_SHEET].sheet_state == "hidden"
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
    assert {p.sheet for p in problems} <= set(TABLES)  # the hidden lists and the instructions are not "ignored"


def test_command_writes_the_council_template(tmp_path: Path) -> None:
    out = tmp_path / "norfolk.xlsx"
    assert cli_main(["template", "--la", "norfolk", "--out", str(out)]) == 0
    book = load_workbook(out)
    bands = [c.value for c in book[LISTS_SHEET]["E"][1:] if c.value]
    assert bands[0] == "Under £25,000" and bands[-1] == "£70,000 and over"  # the council's labels
    assert cli_main(["template", "--la", "norfolk", "--out", str(out), "--form", "record"]) == 2


def test_instructions_say_what_every_table_and_column_means(tmp_path: Path) -> None:
    for form, sheets in (("counts", TABLES), ("records", {**RECORD_TABLES, "population": TABLES["population"]})):
        path = tmp_path / f"{form}.xlsx"
        build_workbook(["low", "high"], form=form).save(path)
        sheet = load_workbook(path)[INSTRUCTIONS_SHEET]
        rows = [tuple(c.value for c in row[:3]) for row in sheet.iter_rows()]
        start = rows.index(("Table", "Column", "What it means"))
        listed = [(t, c) for t, c, _ in rows[start + 1:]]
        expected = []
        for name, table in sheets.items():
            expected += [(name, None), *((None, c) for c in table.columns)]
        assert listed == expected
        assert all(note for _, _, note in rows[start + 1:])  # every table and column has its meaning
        notes = {c: n for _, c, n in rows[start + 1:] if c}
        assert "fitness to practise" in notes["ftp"]
        if form == "records":
            assert notes["ftp"].startswith("yes if referred") and notes["status"].startswith("in_post")


def test_filled_records_template_with_band_labels_validates(tmp_path: Path) -> None:
    folder = tmp_path / good.LA / good.PERIOD
    folder.mkdir(parents=True)
    labels = {"low": "Band A (up to £25k)", "high": "Band B"}
    book = build_workbook(["low", "high"], labels, form="records")
    assert book.sheetnames == [INSTRUCTIONS_SHEET, *RECORD_TABLES, "population", LISTS_SHEET]
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in book["staff"].data_validations.dataValidation}
    assert rules["C2"] == "pay_band_codes" and rules["G2"] == "status_codes" and rules["H2"] == "yes_no_codes"
    book["staff"].append(["S1", "adults", "Band A (up to £25k)", "no", "yes", "A", "in_post", "no", "yes", "yes"])
    book["staff"].append(["S2", "adults", "Band B", "yes", "no", "White: Irish", "in_post", "no", "no", "no"])
    book["applicants"].append(["A1", "adults", "white_british", "yes"])
    book["survey_responses"].append(["R1", "adults", "white_british", "no", "yes", "no"])
    book["population"].append(["white_british", 100])
    book.save(folder / "return.xlsx")
    params = {**good.params(), "pay_band_labels": labels}
    problems = validate_return(good.LA, good.PERIOD, params, tmp_path)
    assert [p for p in problems if p.severity == "error"] == []
    workforce = typed_tables(read_return(good.LA, good.PERIOD, tmp_path, params))["workforce"]
    assert workforce[["pay_band", "ethnicity", "headcount"]].to_numpy().tolist() == [
        ["high", "white_irish", 1], ["low", "white_british", 1]]
