"""HR data as HR systems write it (issue 24): real labels, blanks, leavers' events, lookalike ids, clashes, names.

The labels come from ``hr_labels.py``, written from the published NHS Data
Dictionary and ONS 2011/2021 classifications, not from ``lib/``; the record
returns are the small good return expanded by ``test_records.records_from_counts``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

import hr_labels
from bad_returns import good
from scwres.intake.ethnicity_labels import LabelMap, builtin_clashes, nearest_code
from scwres.intake.load import read_return, typed_tables
from scwres.intake.params import check_params
from scwres.validate.validation import validate_return
from test_records import Rows, records_from_counts


def problems_of(tmp_path: Path, records: dict[str, Rows], params: dict | None = None, severity: str = "error"
                ) -> list[tuple]:
    good.write_csv_return(tmp_path, records)
    found = validate_return(good.LA, good.PERIOD, params or good.params(), tmp_path)
    return [(p.file, p.line, p.column, p.value, p.message) for p in found if p.severity == severity]


# --- the label table ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("label,code", hr_labels.ALL)
def test_every_published_label_is_read_as_its_code(label: str, code: str) -> None:
    assert LabelMap.build().resolve(pd.Series([label, label.upper(), f"  {label.lower()} "]))[0].tolist() == [code] * 3


def test_no_two_built_in_labels_read_alike_but_mean_different_codes() -> None:
    assert builtin_clashes() == []


def test_british_or_other_alone_is_not_guessed() -> None:
    """A word that could name more than one category ("British", "Other") is not taken on its own."""
    codes = LabelMap.build().resolve(pd.Series(["British", "Any other", "Other White Asian"]))[0]
    assert codes.isna().all()


def test_the_councils_own_map_wins_over_the_table() -> None:
    mapped = LabelMap.build({"Unknown": "other_any"}).resolve(pd.Series(["Unknown", "Not known"]))[0]
    assert mapped.tolist() == ["other_any", "not_stated"]


# --- a record-level return written with real labels ---------------------------------------------------------


def labelled(code: str, i: int) -> str:
    """The i-th real-world label of ``code`` (cycling), so one extract mixes every published form."""
    labels = [x for x in hr_labels.labels_for(code) if x]  # blanks are tested on their own
    return labels[i % len(labels)]


def real_records(blank_not_stated: int = 0) -> dict[str, Rows]:
    """The good return as records whose ethnicity is written as NHS, 2011 and 2021 labels and words; the
    counts keep ``not_stated`` rows out, so ``blank_not_stated`` staff with a blank ethnicity can be added."""
    counter = iter(range(10**6))
    records = records_from_counts(good.tables(), staff_label=lambda c: labelled(c, next(counter)),
                                  applicant_label=lambda c: labelled(c, next(counter)),
                                  survey_label=lambda c: labelled(c, next(counter)))
    for i in range(blank_not_stated):
        records["staff"].append([f"B{i:03d}", "adults", "low", "no", "no", "", "in_post", "no", "no", "no"])
    return records


def test_a_return_in_hr_system_labels_counts_to_the_count_tables(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "r", real_records()) == []
    raw = read_return(good.LA, good.PERIOD, tmp_path / "r", good.params())
    good.write_csv_return(tmp_path / "c", good.tables())
    counts = typed_tables(read_return(good.LA, good.PERIOD, tmp_path / "c", good.params()))
    for name, frame in counts.items():
        pd.testing.assert_frame_equal(typed_tables(raw)[name], frame, obj=name)


def test_blank_ethnicity_is_not_stated_with_a_warning_that_counts_the_rows(tmp_path: Path) -> None:
    records = real_records(blank_not_stated=3)
    records["staff"][5][5] = " \u200b"  # a cell that only looks empty is blank too
    assert problems_of(tmp_path, records) == []
    [warning] = [w for w in problems_of(tmp_path, records, severity="warning") if w[2] == "ethnicity"]
    assert warning[:4] == ("staff.csv", 6, "ethnicity", "")
    assert "blank in 4 rows (first line 6)" in warning[4] and "counted as not stated" in warning[4]
    workforce = typed_tables(read_return(good.LA, good.PERIOD, tmp_path, good.params()))["workforce"]
    assert workforce.loc[workforce["ethnicity"] == "not_stated", "headcount"].sum() == 4


def test_a_misspelt_label_suggests_a_detailed_code_and_following_it_gives_no_new_error(tmp_path: Path) -> None:
    records = real_records()
    rows = [r for r in records["staff"][1:] if r[5] and "Indian" in r[5]]
    for row in rows:
        row[5] = "Asian or Asian British - Indain"
    [(file, line, column, value, message)] = problems_of(tmp_path, records)
    assert (file, column, value) == ("staff.csv", "ethnicity", "Asian or Asian British - Indain")
    assert f"({len(rows)} rows, first line" in message and "did you mean asian_indian?" in message
    for row in rows:
        row[5] = "asian_indian"  # what the analyst does next
    assert problems_of(tmp_path, records) == []


def test_suggestion_in_a_broad_table_is_a_broad_group(tmp_path: Path) -> None:
    assert nearest_code("Asian or Asian British - Indain") == "asian_indian"
    assert nearest_code("Asian or Asian British - Indain", broad=True) == "asian"
    assert nearest_code("White - Irsh", broad=True) == "white"


def test_a_broad_group_among_detailed_labels_is_reported_on_the_extract_not_the_counted_table(tmp_path: Path
                                                                                               ) -> None:
    records = real_records()
    records["staff"][3][5] = "Asian"
    found = problems_of(tmp_path, records)
    assert [(f[0], f[1], f[2], f[3]) for f in found] == [("staff.csv", 4, "ethnicity", "Asian")]
    assert "broad group asian" in found[0][4] and "asian_indian" in found[0][4]
    assert "counted from" not in found[0][0]


# --- leavers' events --------------------------------------------------------------------------------------


def leavers_only_group(records: dict[str, Rows]) -> None:
    """Two Roma staff who both left during the year, one after funded CPD and a disciplinary."""
    records["staff"].append(["L1", "adults", "low", "no", "no", "Roma", "left", "yes", "no", "yes"])
    records["staff"].append(["L2", "adults", "low", "no", "no", "White: Roma", "left", "no", "no", "yes"])


def test_a_group_whose_only_staff_left_is_accepted(tmp_path: Path) -> None:
    records = real_records()
    leavers_only_group(records)
    params = {**good.params(), "leaver_base": "snapshot_plus_leavers"}
    assert problems_of(tmp_path, records, params) == []
    events = typed_tables(read_return(good.LA, good.PERIOD, tmp_path, params))["events"]
    roma = events[events["ethnicity"] == "white_roma"].iloc[0]
    assert (roma["cpd"], roma["disciplinary"], roma["leavers"]) == (2, 1, 2)


def test_leavers_above_the_snapshot_headcount_say_how_to_count_them(tmp_path: Path) -> None:
    """With leaver_base: snapshot the leavers bound still holds (data-return.md), and says what to change."""
    records = real_records()
    leavers_only_group(records)
    [found] = problems_of(tmp_path, records)
    assert found[2] == "leavers" and "leavers (2) is more than headcount" in found[4]
    assert "(0) for adults / white_roma" in found[4]
    assert "leaver_base: snapshot_plus_leavers" in found[4]


def test_cpd_above_headcount_plus_leavers_is_still_refused(tmp_path: Path) -> None:
    tables = good.tables()
    tables["events"][3][4] = "12"  # adults asian_indian: headcount 10 + 1 leaver = 11
    found = problems_of(tmp_path, tables)
    assert [(f[0], f[1], f[2]) for f in found] == [("events.csv", 4, "cpd")]
    assert found[0][4] == ("cpd (12) is more than headcount in workforce.csv (10) plus the leavers in events.csv (1), "
                           "11 in all, for adults / asian_indian; correct whichever figure is wrong.")
    tables["events"][3][4] = "11"
    assert problems_of(tmp_path, tables) == []


def test_ftp_is_bounded_by_regulated_headcount_plus_leavers(tmp_path: Path) -> None:
    tables = good.tables()
    tables["events"][3][3] = "2"  # adults asian_indian: 0 regulated in post + 1 leaver
    found = problems_of(tmp_path, tables)
    assert "ftp (2) is more than regulated headcount in workforce.csv (0) plus the leavers in events.csv (1), 1 in " \
           "all, for adults / asian_indian" in found[0][4]


# --- ids ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("copy_id", ["S0001\u200b", "\ufeffS0001", "Ｓ０００１", "s0001", " S0001 ", "S0001\u2060",
                                     "\u200eS0001"])
def test_a_record_repeated_under_a_lookalike_id_is_found(tmp_path: Path, copy_id: str) -> None:
    records = real_records()
    records["staff"].append([copy_id, *records["staff"][1][1:]])
    [(file, line, column, _, message)] = problems_of(tmp_path, records)
    assert (file, line, column) == ("staff.csv", 2, "staff_id")
    assert f"is on 2 rows (line 2, again on line {len(records['staff'])})" in message
    assert ("same id" in message) == (copy_id.strip() != "S0001")  # the reader strips surrounding spaces


def test_long_numeric_ids_in_a_workbook_are_not_collapsed_into_false_repeats(tmp_path: Path) -> None:
    """Ids stored as text keep every digit; ids a workbook rounded are named as rounded, not as repeats."""
    records = real_records()
    for i, row in enumerate(records["staff"][1:]):
        row[0] = f"t{12345678901234567 + i}"  # text ids: the writer must not store them as numbers
    good.write_xlsx_return(tmp_path, records)
    book = tmp_path / good.LA / good.PERIOD / "return.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(book)
    for i, row in enumerate(wb["staff"].iter_rows(min_row=2)):
        row[0].value = str(12345678901234567 + i)  # 17 digits, as text
    wb.save(book)
    params = good.params()
    assert [p for p in validate_return(good.LA, good.PERIOD, params, tmp_path) if p.severity == "error"] == []
    wb = load_workbook(book)
    for i, row in enumerate(wb["staff"].iter_rows(min_row=2)):
        row[0].value = 12345678901234567 + i  # 17 digits as numbers: Excel keeps 15
    wb.save(book)
    errors = [p for p in validate_return(good.LA, good.PERIOD, params, tmp_path) if p.severity == "error"]
    assert [(p.sheet, p.line, p.column) for p in errors] == [("staff", 2, "staff_id")]
    assert "too long for a spreadsheet to hold exactly" in errors[0].message and "as Text" in errors[0].message
    assert "is on" not in errors[0].message


# --- clashing labels ----------------------------------------------------------------------------------------


def test_two_ethnicity_labels_that_read_alike_are_an_error_naming_both() -> None:
    data = yaml.safe_load(good.PARAMS_YAML)
    data["ethnicity_labels"] = {"White British": "white_british", "white-british": "white_irish",
                                "WB": "white_british", "wb ": "white_british"}  # same code: harmless
    found = [(p.column, p.value, p.message) for p in check_params(data, "params/tiny.yml")]
    assert len(found) == 1 and found[0][:2] == ("ethnicity_labels", "white-british")
    assert "'White British' (-> white_british) and 'white-british' (-> white_irish)" in found[0][2]


def test_two_pay_bands_with_the_same_label_are_an_error_naming_both() -> None:
    data = yaml.safe_load(good.PARAMS_YAML)
    data["pay_band_labels"] = {"low": "Under £25,000", "high": "under £25,000"}
    found = [(p.column, p.message) for p in check_params(data, "params/tiny.yml")]
    assert len(found) == 1 and found[0][0] == "pay_band_labels"
    assert "gives 'low' and 'high' the same label" in found[0][1]
    data["pay_band_labels"] = {"low": "Under £25,000", "high": "£25,000 and over"}
    assert check_params(data, "params/tiny.yml") == []


# --- file names --------------------------------------------------------------------------------------------


def test_a_file_name_in_another_case_is_read_with_a_warning(tmp_path: Path) -> None:
    folder = good.write_csv_return(tmp_path, good.tables())
    (folder / "survey.csv").rename(folder / "Survey.csv")
    found = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [p for p in found if p.severity == "error"] == []
    [warning] = [p for p in found if p.severity == "warning" and p.file == "Survey.csv"]
    assert "Survey.csv was read as survey.csv; rename it survey.csv" in warning.message
    (folder / "SURVEY.CSV").write_bytes((folder / "Survey.csv").read_bytes())
    errors = [p for p in validate_return(good.LA, good.PERIOD, good.params(), tmp_path) if p.severity == "error"]
    assert any("are both read as the survey table" in p.message for p in errors)
    assert not any("add survey.csv" in p.message for p in errors)


def test_records_without_their_count_tables_still_need_every_extract(tmp_path: Path) -> None:
    records = copy.deepcopy(real_records())
    folder = good.write_csv_return(tmp_path, records)
    (folder / "applicants.csv").rename(folder / "Applicants.csv")
    assert problems_of(tmp_path, {}) == []


def test_workbook_numbers_are_never_passed_through_a_float() -> None:
    """An integer the file stores exactly keeps every digit; a float too large to be exact stays visibly rounded."""
    from scwres.intake.xlsx import _cell_text

    assert _cell_text(12345678901234567) == "12345678901234567"
    assert _cell_text(12345678901234568) == "12345678901234568"
    assert _cell_text(12.0) == "12" and _cell_text(2.0**53 - 1) == "9007199254740991"
    assert _cell_text(12345678901234567.0) == "1.2345678901234568e+16"


def test_the_methods_sentence_says_when_values_were_read_as_not_stated() -> None:
    """Read back: the report names the label sets used, and only claims "one census category" when true."""
    from types import SimpleNamespace

    from scwres.intake import ethnicity_labels as el
    from scwres.render.report.methods import intake_sentences

    def sentence(*sets: str) -> str:
        return intake_sentences(SimpleNamespace(intake={"form": "records", "label_sets": list(sets)}))[1]

    assert sentence(el.CODES, el.NAMES, el.NOT_STATED, el.BLANK) == (
        " Its ethnicity values were written as the workbook's ethnicity codes, the NHS Data Dictionary and ONS "
        "Census category labels that HR systems and surveys print, wordings such as 'prefer not to say' and blank "
        "entries; each was read as one census category, or as not stated.")
    assert sentence(el.NHS, el.BLANK).endswith("letters and blank entries; each was read as one census category, "
                                               "or as not stated.")
    assert sentence(el.CODES, el.NAMES).endswith("print; each was read as one census category.")


def test_a_blank_ethnicity_in_a_count_table_is_still_an_error(tmp_path: Path) -> None:
    """Only a record is one person who did not say; a row of counts needs its key (data-return.md)."""
    tables = good.tables()
    tables["recruitment"][2][1] = ""
    found = problems_of(tmp_path, tables)
    assert [(f[0], f[1], f[2]) for f in found] == [("recruitment.csv", 3, "ethnicity")]
    assert "ethnicity is empty in 1 row (first line 3)" in found[0][4]


def test_a_workbook_whose_extension_is_in_capitals_is_read(tmp_path: Path) -> None:
    """RETURN.XLSX, as some systems save it, is the same workbook: read, not "there is no return"."""
    good.write_xlsx_return(tmp_path, good.tables())
    folder = tmp_path / good.LA / good.PERIOD
    (folder / "return.xlsx").rename(folder / "RETURN.XLSX")
    found = validate_return(good.LA, good.PERIOD, good.params(), tmp_path)
    assert [p for p in found if p.severity == "error"] == []
