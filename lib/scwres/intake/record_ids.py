"""Record ids (staff_id, applicant_id, response_id): empty, repeated, or numbers a spreadsheet has rounded.

A record copied twice must be found even when the copy's id only looks the
same: a zero-width space after it, a byte-order mark before it, fullwidth
digits, a different case or a trailing space. Ids are therefore compared after
Unicode NFKC normalisation, with invisible characters removed, case folded and
surrounding space stripped (``id_key``); the problem still quotes the id as
written. An id a workbook stored as a number too long for a spreadsheet to hold
exactly (Excel keeps 15 significant digits; ``xlsx`` reads such a cell as
``1.234567890123457e+16``) is refused on its own account, not reported as a
false repeat of a different id that rounded to the same number.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from ..problems import Problem
from .ethnicity_labels import INVISIBLE

LINE = "__line__"  # same as scwres.intake.raw_return.LINE
MAX_LISTED = 50  # distinct repeated ids listed one by one before the rest are summed up in one problem
# A number in scientific form, as a spreadsheet writes one too long for it ("1.23457E+16"): its digits are lost.
ROUNDED = re.compile(r"^[0-9]\.[0-9]+e\+[0-9]+$")


def id_key(value: object) -> str:
    """An id as it is compared: NFKC, invisible characters removed, case folded, surrounding space stripped."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value))).casefold().strip()


def id_keys(ids: pd.Series) -> pd.Series:
    """``id_key`` of every id; plain ASCII ids (almost every extract) take a vectorised path of the same result."""
    values = ids.astype(str).to_numpy()
    if "".join(values).isascii():  # NFKC leaves ASCII alone, and no invisible character is ASCII
        return pd.Series([v.lower().strip() for v in values], index=ids.index, dtype=object)
    return pd.Series([id_key(v) for v in values], index=ids.index, dtype=object)


def id_problems(raw: Any, name: str, frame: pd.DataFrame, col: str) -> list[Problem]:
    """Empty ids, ids rounded by a spreadsheet, and each repeated id once (pointing at its first line)."""
    keys = id_keys(frame[col])
    out = []
    empty = frame[keys == ""]
    if not empty.empty:
        n, first = len(empty), int(empty[LINE].min())
        out.append(raw.problem(name, first, col, None, (
            f"{col} is empty in {n} row{'s' if n != 1 else ''} (first line {first}); every row needs its own "
            "pseudonymised id.")))
    is_rounded = keys.str.contains("e+", regex=False)  # the cheap test first
    if is_rounded.any():
        is_rounded &= keys.str.match(ROUNDED)
    rounded = frame[is_rounded]
    if not rounded.empty:
        n, first = len(rounded), int(rounded[LINE].min())
        out.append(raw.problem(name, first, col, rounded[col].iloc[0], (
            f"{col} is a number too long for a spreadsheet to hold exactly in {n} row{'s' if n != 1 else ''} (first "
            f"line {first}): a workbook keeps 15 digits of a number, so longer ids lose their last digits and "
            f"different people can end up with the same id. Format the {col} column as Text and paste the ids "
            "again, or hand the extract in as a CSV file.")))
    given = frame.assign(__key__=keys)[(keys != "") & ~is_rounded]
    repeated = given[given["__key__"].duplicated(keep=False)]
    if repeated.empty:
        return out
    groups = sorted(repeated.groupby("__key__", sort=False), key=lambda g: int(g[1][LINE].min()))
    for _, group in groups[:MAX_LISTED]:
        group = group.sort_values(LINE)
        lines = [int(x) for x in group[LINE]]
        value = str(group[col].iloc[0])
        again = ", ".join(str(x) for x in lines[1:6]) + (" ..." if len(lines) > 6 else "")
        looks = ("" if group[col].nunique() == 1 else
                 " (written differently on some rows, by case, spacing or characters that look the same or cannot be "
                 "seen, but the same id)")
        out.append(raw.problem(name, lines[0], col, value,
                               f"{col} '{value}' is on {len(lines)} rows (line {lines[0]}, again on line {again})"
                               f"{looks}; each record must appear once: remove the copies or give each its own id."))
    if len(groups) > MAX_LISTED:
        rest = groups[MAX_LISTED:]
        first = min(int(g[LINE].min()) for _, g in rest)
        out.append(raw.problem(name, first, col, None,
                               f"{len(rest)} more {col} values repeat (first at line {first}); each record must "
                               "appear once."))
    return out
