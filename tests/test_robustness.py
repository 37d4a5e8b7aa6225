"""Inputs that used to crash or hang the pipeline are refused at the door, each with file, line, column and value.

Each test plants one fault of a class the fuzzer found (issue 17) in the small
good return, params or action plan, and checks the problem that names it. The
corpus replay (``tests/test_fuzz.py``) covers the same classes through the
entry points; these say precisely what the analyst is told.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from bad_returns import good
from scwres import limits, safe_yaml
from scwres.actions.measures import MeasureSyntaxError, parse_measure
from scwres.actions.register import check_frame
from scwres.intake.load import read_return
from scwres.intake.params import load_params
from scwres.intake.raw_return import rows_to_frame
from scwres.problems import ReturnError
from scwres.validate.checks import check_return, count_problem

FILE = f"params/{good.LA}.yml"


def problems_of(tmp_path: Path, tables: dict) -> list:
    good.write_csv_return(tmp_path, tables)
    return check_return(read_return(good.LA, good.PERIOD, tmp_path), pay_bands=["low", "high"], params=good.params())


def cell(table: str, line: int, column: str, value: str) -> dict:
    tables = good.tables()
    rows = tables[table]
    rows[line - 1][rows[0].index(column)] = value
    return tables


@pytest.mark.parametrize("value", ["9" * 5000, "1" + "0" * 400, "9223372036854775807", "10000001"])
def test_a_count_above_ten_million_is_refused_on_its_text(value: str) -> None:
    start = time.perf_counter()
    message = count_problem(value)
    assert time.perf_counter() - start < 0.1  # no conversion of thousands of digits
    assert message is not None and "more than 10,000,000" in message
    assert len(message) < 300  # the value is quoted cut short


def test_ten_million_is_still_a_count() -> None:
    assert count_problem("10000000") is None and count_problem("0010000000.00") is None


def test_huge_counts_and_totals_in_a_return_name_line_and_column(tmp_path: Path) -> None:
    """One validation (it runs GX) for three faults: a 5,000-digit count, int64's largest value twice (whose
    sum used to wrap to a small positive total), and ordinary counts that add up past any workforce."""
    tables = good.tables()
    tables["workforce"][2][-1] = "9" * 5000
    tables["workforce"][3][-1] = tables["workforce"][4][-1] = "9223372036854775807"
    tables["recruitment"][1][2] = tables["recruitment"][2][2] = "9999999"
    found = [p for p in problems_of(tmp_path, tables) if p.severity == "error"]
    cells = {(p.file, p.line, p.column): p for p in found if p.line is not None}
    for line in (3, 4, 5):
        p = cells[("workforce.csv", line, "headcount")]
        assert "more than 10,000,000" in p.message and len(p.value) < 100
    [total] = [p for p in found if p.line is None]
    assert (total.file, total.column) == ("recruitment.csv", "shortlisted")
    assert "add up to 20,000,029, more than 10,000,000" in total.message


@pytest.mark.parametrize("char", ["\x1b", "\x00", "\x7f", "\x85", "\ufffe"])
def test_control_characters_in_a_cell_are_refused_with_the_place(char: str) -> None:
    problems: list = []
    frame = rows_to_frame([["service", "ethnicity"], ["adults", f"white{char}british"], ["children", "black_african"]],
                          "survey.csv", None, problems)
    assert frame is not None and list(frame["ethnicity"]) == ["black_african"]  # the bad row is held back
    [p] = problems
    assert (p.file, p.line, p.column) == ("survey.csv", 2, "ethnicity")
    assert f"U+{ord(char):04X}" in p.message and limits.bad_character(p.value) is None


def test_a_lone_surrogate_from_a_workbook_cell_is_refused() -> None:
    problems: list = []
    rows_to_frame([["service", "ethnicity"], ["adults", "a\ud800b"]], "return.xlsx", "survey", problems)
    assert "lone surrogate" in problems[0].message
    problems[0].value.encode("utf-8")  # printable: the page that quotes it can be saved


def test_an_over_long_cell_is_refused() -> None:
    problems: list = []
    rows_to_frame([["service"], ["x" * (limits.MAX_CELL_CHARS + 1)]], "survey.csv", None, problems)
    assert "10,001 characters" in problems[0].message and len(problems[0].value) < 100


@pytest.mark.parametrize("name", ["recruitment", "events", "population"])
def test_a_folder_where_a_table_belongs_is_a_problem(tmp_path: Path, name: str) -> None:
    folder = good.write_csv_return(tmp_path, good.tables())
    (folder / f"{name}.csv").unlink()
    (folder / f"{name}.csv").mkdir()
    raw = read_return(good.LA, good.PERIOD, tmp_path)
    assert any(p.file == f"{name}.csv" and "is a folder" in p.message for p in raw.problems)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    folder = good.write_csv_return(tmp_path, good.tables())
    with open(folder / "events.csv", "wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: costs nothing to make
    raw = read_return(good.LA, good.PERIOD, tmp_path)
    assert any(p.file == "events.csv" and "too large" in p.message for p in raw.problems)


def test_a_workbook_that_unpacks_past_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("scwres.intake.xlsx.MAX_XLSX_UNPACKED", 1000)
    good.write_xlsx_return(tmp_path, good.tables())
    raw = read_return(good.LA, good.PERIOD, tmp_path)
    assert any("unpacks to" in p.message for p in raw.problems)


# ------------------------------------------------------------------ params YAML

def params_error(tmp_path: Path, text: str) -> list:
    (tmp_path / f"{good.LA}.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ReturnError) as caught:
        load_params(good.LA, tmp_path)
    return caught.value.problems


YAML_FAULTS = [
    ("deep nesting", "deep: " + "[" * 5000 + "]" * 5000, "nested more than 20 levels"),
    ("billion laughs", "\n".join(['a: &a [x, x, x, x, x, x, x, x, x, x]']
                                 + [f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]"
                                    for p, c in zip("abcdefgh", "bcdefghi", strict=True)]), "expand to more than"),
    ("an alias inside its own anchor", "loop: &x [*x]", "refers to the anchor it is inside"),
    ("a huge integer", "suppression_threshold: " + "9" * 5000, "far too large"),
    ("infinity", "unknown_share_warning: .inf", "not a finite number"),
    ("not a number", 'unknown_share_warning: !!float "x"', "is not a number"),
    ("a lone surrogate", 'region: "\\ud800"', "lone surrogate"),
    ("an escape character", 'region: "\\x1b[31m"', "control character"),
]


@pytest.mark.parametrize("name,extra,words", YAML_FAULTS, ids=[f[0] for f in YAML_FAULTS])
def test_params_yaml_limits_name_the_line(tmp_path: Path, name: str, extra: str, words: str) -> None:
    key = extra.split(":", 1)[0]  # the good params' own line for the key goes, so the fault is the only cause
    text = "".join(line for line in good.PARAMS_YAML.splitlines(keepends=True)
                   if not line.startswith(f"{key}:")) + extra + "\n"
    start = time.perf_counter()
    [p] = params_error(tmp_path, text)
    assert time.perf_counter() - start < 30  # no hang (the machine may be busy; unguarded, these take minutes)
    assert p.file == FILE and p.line is not None and words in p.message


def test_duplicate_keys_are_an_error(tmp_path: Path) -> None:
    [p] = params_error(tmp_path, good.PARAMS_YAML + "region: Elsewhere\n")
    assert "'region' appears twice" in p.message and p.line == good.PARAMS_YAML.count("\n") + 1


def test_a_year_written_with_and_without_quotes_is_one_period_twice(tmp_path: Path) -> None:
    block = good.PARAMS_YAML.split('"2024":\n', 1)[1]
    [p] = params_error(tmp_path, good.PARAMS_YAML + "  2024:\n" + block)
    assert "'2024' appears twice" in p.message and "in quotes" in p.message


def test_a_timestamp_beside_a_date_is_reported_not_compared(tmp_path: Path) -> None:
    text = good.PARAMS_YAML.replace("window_start: 2023-10-01", "window_start: 2023-10-01 10:00:00")
    found = params_error(tmp_path, text)
    assert [(p.column, "yyyy-mm-dd" in p.message) for p in found] == [("periods.2024.window_start", True)]


def test_a_folder_where_params_belong_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / f"{good.LA}.yml").mkdir()
    with pytest.raises(ReturnError) as caught:
        load_params(good.LA, tmp_path)
    assert "is a folder" in caught.value.problems[0].message


def test_yaml_merge_keys_and_plain_files_still_load() -> None:
    merged = safe_yaml.load("base: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n")
    assert merged == {"base": {"a": 1}, "other": {"a": 1, "c": 2}}
    assert safe_yaml.load(good.PARAMS_YAML)["periods"]["2024"]["snapshot_date"] == dt.date(2024, 9, 30)


# ------------------------------------------------------------------ action plans and success measures

def test_a_long_success_measure_is_refused_at_once() -> None:
    start = time.perf_counter()
    with pytest.raises(MeasureSyntaxError) as caught:
        parse_measure("m2 >= 0.8 and " * 9000 + "m2 <= 1")
    assert time.perf_counter() - start < 0.1 and "keep it under 300" in str(caught.value)


def test_measure_parsing_time_grows_with_length_not_faster() -> None:
    """Every prefix-heavy measure up to the limit parses in well under a millisecond per character."""
    for text in ("m1[" + "x" * 290, "m2 " + " " * 290 + ">= 1", "m2 >= 0.8 and " * 21):
        start = time.perf_counter()
        try:
            parse_measure(text, ["low", "high"])
        except MeasureSyntaxError:
            pass
        assert time.perf_counter() - start < 0.05


def plan_frame(rows: list[list[str]]):
    from fuzz.fuzz import ACTION_COLUMNS, csv_text

    problems: list = []
    text = csv_text([ACTION_COLUMNS, *rows])
    frame = rows_to_frame([r.split(",") for r in text.strip().split("\n")], "action_plan.csv", None, problems)
    assert not problems
    return frame


def test_many_bad_action_rows_are_checked_in_linear_time() -> None:
    from fuzz.fuzz import ACTION_ROWS

    params = {"periods": {"2023": {}, "2024": {}}, "pay_bands": ["low", "high"]}
    timings = []
    for n in (250, 1000):
        rows = [[f"B{i}", *ACTION_ROWS[0][1:9], "2023-02-30", *ACTION_ROWS[0][10:]] for i in range(n)]
        frame = plan_frame(rows)
        start = time.perf_counter()
        actions, problems = check_frame(frame, "action_plan.csv", None, params)
        timings.append(time.perf_counter() - start)
        assert not actions and len(problems) == n
    assert timings[1] < 8 * timings[0] + 0.5  # 4x the rows: about 4x the time, never 16x


def test_a_register_of_thousands_of_actions_is_refused_once() -> None:
    from fuzz.fuzz import ACTION_ROWS

    rows = [[f"B{i}", *ACTION_ROWS[0][1:]] for i in range(1500)]
    actions, problems = check_frame(plan_frame(rows), "action_plan.csv", None, {"periods": {"2023": {}},
                                                                                "pay_bands": ["low"]})
    [p] = problems
    assert not actions and p.line == 1002 and "at most 1,000" in p.message


def test_a_cell_of_thousands_of_metric_ids_gives_one_problem() -> None:
    from fuzz.fuzz import ACTION_ROWS

    row = list(ACTION_ROWS[0])
    row[3] = ";".join(f"x{i}" for i in range(1500))
    actions, problems = check_frame(plan_frame([row]), "action_plan.csv", None,
                                    {"periods": {"2023": {}}, "pay_bands": ["low"]})
    [p] = [p for p in problems if p.column == "metrics"]
    assert "1499 more in this cell" in p.message


def test_make_update_messages_name_column_and_value() -> None:
    from scwres.actions.register import ActionPlanError
    from scwres.problems import Problem

    error = ActionPlanError([Problem("error", "action_plan.csv", 3, "due", "2023-02-30", "Not a date.")])
    assert "action_plan.csv line 3, column due, value '2023-02-30': Not a date." in str(error)


def test_os_level_oddities_are_problems_not_exceptions(tmp_path: Path) -> None:
    folder = good.write_csv_return(tmp_path, good.tables())
    (folder / "events.csv").unlink()
    os.symlink("/dev/zero", folder / "events.csv")
    (folder / "survey.csv").unlink()
    os.symlink("survey.csv", folder / "survey.csv")  # a loop
    raw = read_return(good.LA, good.PERIOD, tmp_path)
    messages = {p.file: p.message for p in raw.problems}
    assert "not an ordinary file" in messages["events.csv"] and "cannot be read" in messages["survey.csv"]
