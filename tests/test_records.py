"""Record-level returns: checked as records, counted into the count tables, and giving the same metrics.

The small good return (``bad_returns/good.py``) is expanded here, by hand and
independently of ``lib/``, into the records that count back to it, so every
test knows the exact answer: the count tables themselves.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bad_returns import good
from scwres.dev.illustrative import COUNCILS, generate
from scwres.disclosure.metrics_table import calculate, write_metrics_csv
from scwres.intake.ethnicity_labels import NHS, NHS_LETTERS, ONS
from scwres.intake.load import read_return, typed_tables
from scwres.intake.params import load_params
from scwres.render.quality_page import intake_lines, render
from scwres.schema import DETAILED_CODES
from scwres.validate.validation import read_intake, validate_return

Rows = good.Rows
STAFF = ["staff_id", "service", "pay_band", "senior_manager", "regulated", "ethnicity", "status", "disciplinary",
         "ftp", "cpd"]
NHS_OF = {code: letter for letter, code in NHS_LETTERS.items()}
ONS_OF = {code: label for code, (label, _, _) in DETAILED_CODES.items()}
COUNCIL_LABEL = {"black_african": "Black or Black British - African"}  # mapped in params, used in the survey


def records_from_counts(tables: dict[str, Rows], staff_label=NHS_OF.get, applicant_label=ONS_OF.get,
                        survey_label=lambda c: COUNCIL_LABEL.get(c, c)) -> dict[str, Rows]:
    """The records that count back to ``tables`` (data-return.md's counting rules, written out by hand)."""
    def frame(name: str) -> list[dict[str, str]]:
        header, *rows = tables[name]
        return [dict(zip(header, row, strict=True)) for row in rows]

    staff: list[list[str]] = []
    events = {(r["service"], r["ethnicity"]): r for r in frame("events")}
    for group in events:
        people = [r for r in frame("workforce") if (r["service"], r["ethnicity"]) == group]
        flags = {k: int(events[group][k]) for k in ("disciplinary", "ftp", "cpd", "leavers")}
        rows = []
        for r in people:
            rows += [[r["service"], r["pay_band"], r["senior_manager"], r["regulated"]]] * int(r["headcount"])
        for i, row in enumerate(rows):
            regulated_before = sum(1 for x in rows[:i] if x[3] == "yes")
            ftp = row[3] == "yes" and regulated_before < flags["ftp"]
            staff.append([*row, staff_label(group[1]), "in_post", "yes" if i < flags["disciplinary"] else "no",
                          "yes" if ftp else "no", "yes" if i < flags["cpd"] else "no"])
        for _ in range(flags["leavers"]):
            staff.append([*rows[0], staff_label(group[1]), "left", "no", "no", "no"])
    staff = [STAFF] + [[f"S{i:04d}", *row] for i, row in enumerate(staff, start=1)]
    applicants = [["applicant_id", "service", "ethnicity", "appointed"]]
    for r in frame("recruitment"):
        for i in range(int(r["shortlisted"])):
            applicants.append([f"A{len(applicants):04d}", r["service"], applicant_label(r["ethnicity"]),
                               "yes" if i < int(r["appointed"]) else "no"])
    responses = [["response_id", "service", "ethnicity", "hba_public", "hba_colleagues", "hba_managers"]]
    for r in frame("survey"):
        for i in range(int(r["respondents"])):
            responses.append([f"R{len(responses):04d}", r["service"], survey_label(r["ethnicity"]),
                              *("yes" if i < int(r[c]) else "no" for c in ("hba_public", "hba_colleagues",
                                                                          "hba_managers"))])
    return {"staff": staff, "applicants": applicants, "survey_responses": responses,
            "population": copy.deepcopy(tables["population"])}


def labelled_params() -> dict:
    params = good.params()
    params["ethnicity_labels"] = {label: code for code, label in COUNCIL_LABEL.items()}
    return params


def earlier(tables: dict[str, Rows]) -> dict[str, Rows]:
    """The 2023 return: the same council a year before, with some figures moved so the trend has work to do."""
    out = copy.deepcopy(tables)
    out["recruitment"][2][3] = "4"  # adults black_african appointed 2 -> 4
    out["events"][2][2] = "0"  # adults black_african disciplinary 1 -> 0
    return out


def two_periods(params: dict) -> dict:
    params["periods"]["2023"] = {**params["periods"]["2024"]}
    return params


def test_records_count_back_to_exactly_the_count_tables(tmp_path: Path) -> None:
    good.write_csv_return(tmp_path / "records", records_from_counts(good.tables()))
    good.write_csv_return(tmp_path / "counts", good.tables())
    params = labelled_params()
    raw = read_return(good.LA, good.PERIOD, tmp_path / "records", params)
    assert raw.problems == [] and raw.form == "records"
    from_records = typed_tables(raw)
    from_counts = typed_tables(read_return(good.LA, good.PERIOD, tmp_path / "counts", params))
    for name, frame in from_counts.items():
        pd.testing.assert_frame_equal(from_records[name], frame, obj=name)
    intake = raw.intake()
    assert intake["records"] == {"staff.csv": 138 + 13, "applicants.csv": 61, "survey_responses.csv": 86}
    assert intake["rows"] == {"workforce": 7, "events": 6, "recruitment": 6, "survey": 6}
    assert set(intake["label_sets"]) == {NHS, ONS, "the council's own labels (params ethnicity_labels)",
                                         "ethnicity codes"}


def test_council_with_records_2024_and_counts_2023_gets_the_count_tables_metrics(tmp_path: Path) -> None:
    """NHS letters in staff.csv, ONS names in applicants.csv, a params-mapped label in the survey; trend included."""
    params = two_periods(labelled_params())
    good.write_csv_return(tmp_path / "records", records_from_counts(good.tables()))
    good.write_csv_return(tmp_path / "records", earlier(good.tables()), period="2023")
    good.write_csv_return(tmp_path / "counts", good.tables())
    good.write_csv_return(tmp_path / "counts", earlier(good.tables()), period="2023")
    assert not (tmp_path / "records" / good.LA / "2024" / "workforce.csv").exists()
    problems = validate_return(good.LA, "2024", params, tmp_path / "records", build=tmp_path / "build")
    assert [p for p in problems if p.severity == "error"] == []
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    from_records = calculate(good.LA, "2024", params, tmp_path / "records")
    write_metrics_csv(from_records, a)
    write_metrics_csv(calculate(good.LA, "2024", params, tmp_path / "counts"), b)
    assert a.read_bytes() == b.read_bytes()
    assert from_records["trend"].fillna("").astype(str).str.len().gt(0).any()  # the trend compares the two forms
    counted = pd.read_csv(tmp_path / "build" / "return" / "recruitment.csv", dtype=str)
    assert counted.to_numpy().tolist() == sorted(good.tables()["recruitment"][1:])
    assert read_intake(tmp_path / "build")["form"] == "records"


def test_illustrative_council_shipped_as_records_gives_the_metrics_of_its_counts(tmp_path: Path) -> None:
    leeds = tuple(c for c in COUNCILS if c.records_periods)
    assert [c.slug for c in leeds] == ["leeds"]
    generate(tmp_path / "records" / "raw", tmp_path / "records" / "params", leeds, ("2023", "2024"))
    generate(tmp_path / "counts" / "raw", tmp_path / "counts" / "params", leeds, ("2023", "2024"), records=False)
    assert (tmp_path / "records" / "raw" / "leeds" / "2024" / "staff.csv").exists()
    assert (tmp_path / "counts" / "raw" / "leeds" / "2024" / "workforce.csv").exists()
    params = load_params("leeds", tmp_path / "records" / "params")
    out = []
    for form in ("records", "counts"):
        metrics = calculate("leeds", "2024", params, tmp_path / form / "raw")
        write_metrics_csv(metrics, tmp_path / f"{form}.csv")
        out.append((tmp_path / f"{form}.csv").read_bytes())
    assert out[0] == out[1]
    shipped = Path(__file__).resolve().parents[1] / "data" / "raw" / "leeds" / "2024" / "staff.csv"
    assert shipped.read_bytes() == (tmp_path / "records" / "raw" / "leeds" / "2024" / "staff.csv").read_bytes()


# --- record-level faults: file, line, column, value --------------------------------------------------------


def faults(tmp_path: Path, mutate, params: dict | None = None) -> list[tuple]:
    records = records_from_counts(good.tables())
    mutate(records)
    good.write_csv_return(tmp_path, records)
    problems = validate_return(good.LA, good.PERIOD, params or labelled_params(), tmp_path)
    return [(p.file, p.line, p.column, p.value, p.message) for p in problems if p.severity == "error"]


def test_record_faults_are_located_and_grouped_by_value(tmp_path: Path) -> None:
    def mutate(records: dict[str, Rows]) -> None:
        staff = records["staff"]
        staff[5][0] = staff[2][0]  # line 6 repeats line 3's id
        for line in (4, 9, 12):
            staff[line - 1][STAFF.index("cpd")] = "Yes"
        staff[20][STAFF.index("status")] = "leaver"  # line 21
        staff[30][STAFF.index("pay_band")] = "band 9"  # line 31
        records["applicants"][7][2] = "Martian"  # line 8
        records["survey_responses"][0].append("comment")  # an extra column

    found = faults(tmp_path, mutate)
    by_column = {(f[0], f[2]): f for f in found}
    assert by_column[("staff.csv", "staff_id")][:4] == ("staff.csv", 3, "staff_id", "S0002")
    assert "is on 2 rows (line 3, again on line 6)" in by_column[("staff.csv", "staff_id")][4]
    assert by_column[("staff.csv", "cpd")][1:] == (
        4, "cpd", "Yes", "'Yes' should be written 'yes' (3 rows, first line 4; values are exact and lower case).")
    assert by_column[("staff.csv", "status")][1:4] == (21, "status", "leaver")
    assert "use one of in_post, left" in by_column[("staff.csv", "status")][4]
    assert by_column[("staff.csv", "pay_band")][1:4] == (31, "pay_band", "band 9")
    assert by_column[("applicants.csv", "ethnicity")][1:4] == (8, "ethnicity", "Martian")
    assert "did you mean" in by_column[("applicants.csv", "ethnicity")][4]
    assert by_column[("survey_responses.csv", "comment")][1:3] == (1, "comment")
    assert not any("counted from" in f[0] for f in found)  # records with errors are not counted


def test_ftp_only_when_regulated(tmp_path: Path) -> None:
    def mutate(records: dict[str, Rows]) -> None:
        for row in records["staff"][1:]:
            if row[STAFF.index("regulated")] == "no":
                row[STAFF.index("ftp")] = "yes"

    found = faults(tmp_path, mutate)
    assert len(found) == 1
    file, line, column, value, message = found[0]
    assert (file, column, value) == ("staff.csv", "ftp", "yes") and line > 1
    assert message.startswith("ftp is yes but regulated is no in ") and "only to regulated professionals" in message


def test_a_missing_extract_is_named(tmp_path: Path) -> None:
    found = faults(tmp_path, lambda records: records.pop("applicants"))
    assert found == [("applicants.csv", None, None, None,
                      "The record-level extract 'applicants' is missing; add applicants.csv (a record-level return "
                      "needs staff.csv, applicants.csv, survey_responses.csv).")]


def test_counted_tables_are_validated_again_by_the_count_rules(tmp_path: Path) -> None:
    """A group whose staff all left: leavers (1) above headcount (0), reported on the counted table."""
    def mutate(records: dict[str, Rows]) -> None:
        records["staff"].append(["S9999", "children", "low", "no", "no", "B", "left", "no", "no", "no"])

    found = faults(tmp_path, mutate)
    assert [(f[0], f[2], f[3]) for f in found] == [("events.csv (counted from staff.csv)", "leavers", "1")]
    assert "leavers (1) is more than headcount" in found[0][4] and "children / white_irish" in found[0][4]


def test_records_in_one_workbook(tmp_path: Path) -> None:
    good.write_xlsx_return(tmp_path, records_from_counts(good.tables()))
    params = labelled_params()
    problems = validate_return(good.LA, good.PERIOD, params, tmp_path)
    assert [p for p in problems if p.severity == "error"] == []
    raw = read_return(good.LA, good.PERIOD, tmp_path, params)
    assert raw.files["workforce"] == "workforce.csv (counted from sheet staff)"
    good.write_csv_return(tmp_path / "csv", good.tables())
    pd.testing.assert_frame_equal(typed_tables(raw)["survey"],
                                  typed_tables(read_return(good.LA, good.PERIOD, tmp_path / "csv", params))["survey"])


# --- the data-quality page says how many records became how many rows --------------------------------------


def test_data_quality_page_says_what_came_in(tmp_path: Path) -> None:
    good.write_csv_return(tmp_path / "raw", records_from_counts(good.tables()))
    problems = validate_return(good.LA, good.PERIOD, labelled_params(), tmp_path / "raw", build=tmp_path / "b")
    intake = read_intake(tmp_path / "b")
    lines = intake_lines(good.LA, good.PERIOD, intake)
    assert lines[0] == ("The return was handed in as record-level extracts: 298 records (151 in staff.csv, 61 in "
                        "applicants.csv, 86 in survey_responses.csv).")
    assert lines[1].startswith("They were counted into 7 rows of workforce.csv, 6 rows of events.csv, 6 rows of "
                               "recruitment.csv, 6 rows of survey.csv, written to build/tiny/2024/return/")
    html = render(problems, la=good.LA, period=good.PERIOD, intake=intake)
    assert "298 records (151 in staff.csv" in html and "NHS Data Dictionary ethnic category letters" in html
    assert sorted(p.name for p in (tmp_path / "b" / "return").iterdir()) == [
        "events.csv", "recruitment.csv", "survey.csv", "workforce.csv"]


@pytest.mark.parametrize("form", ["counts", "records"])
def test_a_rerun_does_not_leave_old_counted_tables(tmp_path: Path, form: str) -> None:
    good.write_csv_return(tmp_path / "raw", records_from_counts(good.tables()))
    validate_return(good.LA, good.PERIOD, labelled_params(), tmp_path / "raw", build=tmp_path / "b")
    if form == "counts":
        shutil.rmtree(tmp_path / "raw")
        good.write_csv_return(tmp_path / "raw", good.tables())
    validate_return(good.LA, good.PERIOD, labelled_params(), tmp_path / "raw", build=tmp_path / "b")
    left = sorted(p.name for p in (tmp_path / "b" / "return").glob("*.csv"))
    assert left == ([] if form == "counts" else ["events.csv", "recruitment.csv", "survey.csv", "workforce.csv"])


# --- the built reports: how the return came in, in the methods section and on the data-quality page --------


@pytest.mark.xdist_group("pipeline")
def test_reports_say_how_the_return_came_in_and_which_labels_it_used(built) -> None:
    records = built.report("leeds", "2024").read_text(encoding="utf-8")
    assert "came as records (one row per member of staff, shortlisted applicant and survey response)" in records
    assert "the ONS 2021 Census category names" in records and "each mapped to a census category" in records
    # no params keys and no input file names on a public page: the files and their hashes are internal only,
    # the public methods give one fingerprint of everything the report rests on
    assert "ethnicity_labels" not in records and "staff.csv" not in records and "sha-256" not in records.lower()
    assert "Fingerprint of everything this report rests on" in records
    assert len(set(re.findall(r"\b[0-9a-f]{64}\b", records))) == 1
    counts = built.report("leeds", "2023").read_text(encoding="utf-8")
    assert "came as the SC-WRES count tables. Its ethnicity values were written as the workbook" in counts
    page = (built.reports / "leeds" / "2024" / "data-quality.html").read_text(encoding="utf-8")
    assert "The return was handed in as record-level extracts: 11,752 records" in page
    assert sorted(p.name for p in (built.build / "leeds" / "2024" / "return").iterdir()) == [
        "events.csv", "recruitment.csv", "survey.csv", "workforce.csv"]
