"""A bound from another table, summed by hand: the regulated headcount behind the fitness-to-practise bound.

The return's own groups in tests/bad_returns have no regulated staff where FtP is tested, so a bound that
ignored ``regulated`` would give the same 0 there; these frames have regulated and unregulated staff in one
group, and a group whose regulated headcount holds a cell that is not a count.
"""

from __future__ import annotations

import math

import pandas as pd

from scwres.schema import TABLES
from scwres.validate.bounds import _summed_bound

FTP = next(b for b in TABLES["events"].bounds if b.column == "ftp")
DISCIPLINARY = next(b for b in TABLES["events"].bounds if b.column == "disciplinary")


def events() -> pd.DataFrame:
    # an index that is not 0..n-1, as after reading drops a row: the bound must stay beside its own row
    return pd.DataFrame({"service": ["adults", "children", "adults"],
                         "ethnicity": ["asian_indian", "white_british", "black_african"]}, index=[10, 11, 12])


def workforce(regulated: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame({
        "service": ["adults", "adults", "adults", "children", "children"],
        "ethnicity": ["asian_indian", "asian_indian", "asian_indian", "white_british", "white_british"],
        "regulated": ["yes", "no", "yes", "yes", "yes"],
        "headcount": ["4", "7", "2.0", "3", "three"],
    })
    return frame if regulated else frame.drop(columns="regulated")


def test_the_ftp_bound_sums_the_regulated_headcount_only():
    got = _summed_bound(events(), workforce(), FTP)
    assert list(got.index) == [10, 11, 12]
    # adults / asian_indian: regulated 4 + 2 = 6 (the 7 unregulated staff do not count); children /
    # white_british: one of its regulated cells is not a count, so the sum is unknown; adults / black_african
    # has no staff at all: 0
    assert got[10] == 6.0 and math.isnan(got[11]) and got[12] == 0.0


def test_a_bound_with_no_where_sums_every_row_of_the_group():
    got = _summed_bound(events(), workforce(), DISCIPLINARY)
    assert got[10] == 13.0 and math.isnan(got[11]) and got[12] == 0.0


def test_without_a_regulated_column_no_one_is_regulated():
    got = _summed_bound(events(), workforce(regulated=False), FTP)
    assert got.tolist() == [0.0, 0.0, 0.0] and list(got.index) == [10, 11, 12]



def test_a_bound_is_placed_in_the_file_or_sheet_the_council_has():
    """workforce.csv saved as Workforce.CSV is read (with a warning); the bound's sentence names the file the
    council has, not the name it should have had; in a workbook, the sheet."""
    from types import SimpleNamespace

    from scwres.validate.bounds import _where

    assert _where(SimpleNamespace(sheets={}, files={"workforce": "Workforce.CSV"}), "workforce") == "Workforce.CSV"
    assert _where(SimpleNamespace(sheets={"workforce": "Staff"}, files={"workforce": "r.xlsx"}), "workforce") == (
        "sheet Staff")


def raw_return(**tables: pd.DataFrame):
    from pathlib import Path

    from scwres.intake.raw_return import RawReturn

    return RawReturn("tiny", "2024", Path("."), tables=dict(tables), files={n: f"{n}.csv" for n in tables})


def survey(**columns: list[str]) -> pd.DataFrame:
    from scwres.intake.raw_return import LINE

    base = {LINE: [2], "service": ["adults"], "ethnicity": ["white_british"], "respondents": ["5"],
            "hba_public": ["7"], "hba_colleagues": ["1"], "hba_managers": ["0"]}
    return pd.DataFrame({**base, **columns})


def test_a_missing_table_skips_only_the_bounds_that_need_it():
    """No workforce table: the survey's respondents cannot be bounded, but its harassment counts still are,
    by the respondents in the same row (7 of 5 is caught)."""
    from scwres.validate.bounds import bound_frame

    got = bound_frame(raw_return(survey=survey()), set(), "snapshot")
    assert sorted(got["column"]) == ["hba_colleagues", "hba_managers", "hba_public"]
    public = got[got["column"] == "hba_public"].iloc[0]
    assert (public["value"], public["bound"]) == (7.0, 5.0)


def test_a_table_without_its_key_columns_is_left_to_the_first_pass():
    from scwres.intake.raw_return import LINE
    from scwres.validate.bounds import bound_frame

    recruitment = pd.DataFrame({LINE: [2], "service": ["adults"], "ethnicity": ["white_british"],
                                "shortlisted": ["3"], "appointed": ["4"]})
    got = bound_frame(raw_return(survey=survey().drop(columns="service"), recruitment=recruitment), set(), "snapshot")
    assert got[["table", "column", "value", "bound"]].values.tolist() == [["recruitment", "appointed", 4.0, 3.0]]


def test_a_failed_table_skips_only_the_bounds_that_need_it():
    """workforce.csv failed the first pass: respondents are not bounded by it, harassment counts still are."""
    from scwres.intake.raw_return import LINE
    from scwres.validate.bounds import bound_frame

    staff = pd.DataFrame({LINE: [2], "service": ["adults"], "pay_band": ["1"], "senior_manager": ["no"],
                          "regulated": ["no"], "ethnicity": ["white_british"], "headcount": ["x"]})
    got = bound_frame(raw_return(survey=survey(), workforce=staff), {"workforce"}, "snapshot")
    assert sorted(got["column"]) == ["hba_colleagues", "hba_managers", "hba_public"]


def test_without_a_leavers_column_the_headcount_plus_leavers_bound_is_unknown():
    """events.csv lacks its leavers column (reported by the first pass): disciplinary's bound, headcount plus
    leavers, cannot be worked out, so it is null and nothing is blamed on it."""
    from scwres.intake.raw_return import LINE
    from scwres.validate.bounds import bound_frame

    staff = pd.DataFrame({LINE: [2], "service": ["adults"], "pay_band": ["1"], "senior_manager": ["no"],
                          "regulated": ["no"], "ethnicity": ["white_british"], "headcount": ["10"]})
    events = pd.DataFrame({LINE: [2], "service": ["adults"], "ethnicity": ["white_british"],
                           "disciplinary": ["3"], "ftp": ["0"], "cpd": ["4"]})
    got = bound_frame(raw_return(events=events, workforce=staff), set(), "snapshot")
    disciplinary = got[got["column"] == "disciplinary"].iloc[0]
    assert disciplinary["value"] == 3.0 and math.isnan(disciplinary["bound"])
