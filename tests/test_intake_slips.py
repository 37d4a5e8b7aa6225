"""The usual slips of a first return, each with the message it produces, and ethnicity labels in count tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bad_returns import good
from scwres.intake.ethnicity_labels import LabelMap, nearest_code, normalise
from scwres.intake.load import read_return, typed_tables
from scwres.intake.params import check_params
from scwres.validate.validation import validate_return
from test_records import records_from_counts


def errors(tmp_path: Path, params: dict | None = None, period: str = good.PERIOD) -> list:
    return [p for p in validate_return(good.LA, period, params or good.params(), tmp_path) if p.severity == "error"]


# --- slips ---------------------------------------------------------------------------------------------------


def test_folder_with_a_workbook_and_csvs_is_an_error_naming_both(tmp_path: Path) -> None:
    good.write_csv_return(tmp_path, good.tables())
    good.write_xlsx_return(tmp_path, good.tables())
    found = errors(tmp_path)
    assert [p.message for p in found] == [
        "data/raw/tiny/2024 holds both a workbook (return.xlsx) and CSV files (events.csv, population.csv, "
        "recruitment.csv, survey.csv, workforce.csv); a return is one or the other, so move one of them out of "
        "the folder."]


def test_folder_with_records_and_counts_is_an_error_naming_both(tmp_path: Path) -> None:
    records = records_from_counts(good.tables())
    good.write_csv_return(tmp_path, {"workforce": good.tables()["workforce"], **records})
    found = errors(tmp_path)
    assert [p.message for p in found] == [
        "The return holds both count tables (workforce.csv) and record-level extracts (staff.csv, applicants.csv, "
        "survey_responses.csv); hand in one form for a period, not both, so remove one set."]


def test_workbook_with_records_and_counts_sheets_is_an_error_naming_both(tmp_path: Path) -> None:
    records = records_from_counts(good.tables())
    good.write_xlsx_return(tmp_path, {**good.tables(), "staff": records["staff"]})
    found = errors(tmp_path)
    assert [(p.file, p.message) for p in found] == [(
        "return.xlsx", "The return holds both count tables (sheet workforce, sheet recruitment, sheet events, "
        "sheet survey) and record-level extracts (sheet staff); hand in one form for a period, not both, so "
        "remove one set.")]


def test_listed_period_without_data_warns_and_fails_only_itself(tmp_path: Path) -> None:
    good.write_csv_return(tmp_path, good.tables())
    params = good.params()
    params["periods"]["2025"] = dict(params["periods"]["2024"])
    problems = validate_return(good.LA, good.PERIOD, params, tmp_path)
    assert [(p.severity, p.column, p.message) for p in problems] == [(
        "warning", "periods.2025", "params/tiny.yml lists period 2025 but there is no return in data/raw/tiny/2025 "
        "yet; that period cannot be built until its return is added.")]
    own = errors(tmp_path, params, period="2025")
    assert [p.message for p in own] == ["There is no return for tiny 2025: expected CSV files or an .xlsx workbook "
                                        "in data/raw/tiny/2025."]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_title_row_above_the_header_is_reported_once(tmp_path: Path, fmt: str) -> None:
    tables = good.tables()
    tables["workforce"] = [["SC-WRES return 2024"], *tables["workforce"]]
    (good.write_csv_return if fmt == "csv" else good.write_xlsx_return)(tmp_path, tables)
    found = errors(tmp_path)
    assert [(p.line, p.column, p.value, p.message) for p in found] == [(
        1, None, "SC-WRES return 2024", "The header must be in row 1; row 1 holds 'SC-WRES return 2024'. Delete "
        "row 1, so that the header (now in row 2) is the first row.")]
    assert found[0].sheet == ("workforce" if fmt == "xlsx" else None)


def test_title_row_in_a_record_extract_too(tmp_path: Path) -> None:
    records = records_from_counts(good.tables())
    records["staff"] = [["HR extract", "", "run 2024-09-30"], [], *records["staff"]]
    good.write_csv_return(tmp_path, records)
    params = good.params()
    params["ethnicity_labels"] = {"Black or Black British - African": "black_african"}
    found = errors(tmp_path, params)
    assert [(p.file, p.line, p.message) for p in found] == [(
        "staff.csv", 1, "The header must be in row 1; row 1 holds 'HR extract run 2024-09-30'. Delete rows "
        "1 to 2, so that the header (now in row 3) is the first row.")]


def test_identical_messages_are_collapsed_with_a_count(tmp_path: Path) -> None:
    tables = good.tables()
    for line in (2, 3, 5):
        tables["survey"][line - 1][3] = ""  # hba_public empty on lines 2, 3 and 5
    good.write_csv_return(tmp_path, tables)
    found = errors(tmp_path)
    assert [(p.file, p.line, p.column, p.message) for p in found] == [(
        "survey.csv", 2, "hba_public", "The count is empty; enter 0 if there were none. The same in 2 more lines "
        "(3, 5).")]


# --- ethnicity labels in count tables -------------------------------------------------------------------------


def test_labels_of_every_set_are_read_as_codes_in_count_tables(tmp_path: Path) -> None:
    tables = good.tables()
    labels = {2: "White British", 3: "N", 4: "WHITE: English, Welsh, Scottish, Northern Irish or British",
              5: "Asian, Asian British or Asian Welsh: Indian", 6: "white-british", 7: "Black African (local)",
              8: "  asian_indian "}
    for line, label in labels.items():
        tables["workforce"][line - 1][4] = label
    good.write_csv_return(tmp_path, tables)
    params = good.params()
    params["ethnicity_labels"] = {"Black African (local)": "black_african"}
    assert errors(tmp_path, params) == []
    raw = read_return(good.LA, good.PERIOD, tmp_path, params)
    codes = [row[4] for row in good.tables()["workforce"][1:]]
    assert sorted(typed_tables(raw)["workforce"]["ethnicity"]) == sorted(codes)
    assert len(raw.intake()["label_sets"]) == 4


def test_unrecognised_value_is_one_error_per_distinct_value(tmp_path: Path) -> None:
    tables = good.tables()
    for line in (3, 5, 7):
        tables["recruitment"][line - 1][1] = "Blak African"
    tables["recruitment"][6][1] = "Prefer nto to say"  # line 7 again: a different value
    good.write_csv_return(tmp_path, tables)
    found = [(p.file, p.line, p.column, p.value, p.message) for p in errors(tmp_path)]
    assert found == [
        ("recruitment.csv", 3, "ethnicity", "Blak African",
         "'Blak African' is not a recognised ethnicity code or label (2 rows, first line 3); did you mean "
         "black_african? Use a code, an NHS Data Dictionary or ONS Census category label "
         "(docs/data-return.md lists those recognised), or map the council's own label to a code under "
         "ethnicity_labels in params."),
        ("recruitment.csv", 7, "ethnicity", "Prefer nto to say",
         "'Prefer nto to say' is not a recognised ethnicity code or label (1 row, first line 7); did you mean "
         "not_stated? Use a code, an NHS Data Dictionary or ONS Census category label "
         "(docs/data-return.md lists those recognised), or map the council's own label to a code under "
         "ethnicity_labels in params.")]


def test_params_labels_win_over_the_built_in_sets() -> None:
    import pandas as pd

    values = pd.Series(["A", "White British", "a"])
    assert LabelMap.build().resolve(values)[0].tolist() == ["white_british"] * 3
    mapped = LabelMap.build({"a": "asian_other"}).resolve(values)
    assert mapped[0].tolist() == ["asian_other", "white_british", "asian_other"]
    assert normalise("White - British") == normalise("white_british") == "whitebritish"
    assert nearest_code("Whte Irish") == "white_irish"


def test_params_ethnicity_labels_are_checked() -> None:
    data = yaml.safe_load(good.PARAMS_YAML)
    data["ethnicity_labels"] = {"Prefer not to say": "not_stated", "White - British": "whitebritish"}
    found = [(p.column, p.value, p.message) for p in check_params(data, "params/tiny.yml")]
    assert found == [("ethnicity_labels", "whitebritish",
                      "ethnicity_labels maps 'White - British' to 'whitebritish', which is not an ethnicity code "
                      "(did you mean white_british?); map it to a code such as white_british or not_stated.")]
    data["ethnicity_labels"] = ["Prefer not to say"]
    assert [p.column for p in check_params(data, "params/tiny.yml")] == ["ethnicity_labels"]
    del data["ethnicity_labels"]
    assert check_params(data, "params/tiny.yml") == []
