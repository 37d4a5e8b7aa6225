"""Checks on a return read as text: every problem, with file, line, column and value.

Structural checks (columns, codes, counts, keys) come first because a table
whose columns are wrong cannot be cross-checked.
"""

from __future__ import annotations

import pandas as pd

from .load import LINE, RawReturn
from .problems import Problem
from .schema import BROAD_CODES, DETAILED_CODES, ETHNICITY_CODES, SERVICES, TABLES, YES_NO


def check_return(raw: RawReturn, pay_bands: list[str] | None = None) -> list[Problem]:
    """All problems in a return: what reading found, then each table's own checks."""
    problems = list(raw.problems)
    for name, frame in raw.tables.items():
        problems.extend(check_table(raw, name, frame, pay_bands))
    return problems


def check_table(raw: RawReturn, name: str, frame: pd.DataFrame, pay_bands: list[str] | None) -> list[Problem]:
    """Columns exactly, allowed codes, whole non-negative counts, unique keys, not empty."""
    table = TABLES[name]
    out: list[Problem] = []
    columns = [c for c in frame.columns if c != LINE]
    for col in table.columns:
        if col not in columns:
            out.append(raw.problem(name, 1, col, None, f"The column '{col}' is missing; add it to the header."))
    for col in columns:
        if col not in table.columns:
            out.append(raw.problem(name, 1, col, col, f"'{col}' is not a column of {name}; check the spelling "
                                                      f"or remove it (columns are {', '.join(table.columns)})."))
    if out:
        return out
    if frame.empty and table.required:
        return [raw.problem(name, None, None, None, f"The {name} table has no rows; it is required.")]
    allowed: dict[str, tuple[str, ...]] = {"service": SERVICES, "ethnicity": ETHNICITY_CODES,
                                           "senior_manager": YES_NO, "regulated": YES_NO}
    if pay_bands is not None:
        allowed["pay_band"] = tuple(pay_bands)
    for col, codes in allowed.items():
        if col not in table.columns:
            continue
        for line, value in zip(frame[LINE], frame[col]):
            if value not in codes:
                out.append(raw.problem(name, int(line), col, value, _unknown_code_sentence(col, value, codes)))
    for col in table.counts:
        for line, value in zip(frame[LINE], frame[col]):
            sentence = count_problem(value)
            if sentence:
                out.append(raw.problem(name, int(line), col, value, sentence))
    out.extend(_duplicate_keys(raw, name, frame))
    out.extend(_mixed_codes(raw, name, frame))
    return out


def _unknown_code_sentence(col: str, value: str, codes: tuple[str, ...]) -> str:
    if value == "":
        return f"{col} is empty; fill it in."
    if col == "pay_band":
        return f"'{value}' is not one of the council's pay bands ({', '.join(codes)}) in params."
    if col == "ethnicity":
        return f"'{value}' is not an ethnicity code; use a code from data-return.md such as white_british."
    return f"'{value}' is not allowed in {col}; use one of {', '.join(codes)}."


def count_problem(value: str) -> str | None:
    """Why a text cell is not a whole count >= 0, or None when it is."""
    if value == "":
        return "The count is empty; enter 0 if there were none."
    try:
        number = float(value.replace(",", "")) if "," not in value else None
    except ValueError:
        return f"'{value}' is not a number; counts must be whole numbers such as 12."
    if number is None:
        return f"'{value}' has a thousands separator; write the number without commas."
    if number != number or number in (float("inf"), float("-inf")):
        return f"'{value}' is not a number; counts must be whole numbers such as 12."
    if not number.is_integer():
        return f"'{value}' is not a whole number; counts of people cannot have decimals."
    if number < 0:
        return f"'{value}' is negative; counts cannot be below 0."
    return None


def _duplicate_keys(raw: RawReturn, name: str, frame: pd.DataFrame) -> list[Problem]:
    keys = list(TABLES[name].keys)
    dup = frame[frame.duplicated(keys, keep="first")]
    out = []
    for _, row in dup.iterrows():
        key = " / ".join(str(row[k]) for k in keys)
        first = frame[(frame[keys] == row[keys]).all(axis=1)][LINE].iloc[0]
        out.append(raw.problem(name, int(row[LINE]), keys[-1], key,
                               f"The row for {key} repeats line {first}; keep one row per {' / '.join(keys)}."))
    return out


def _mixed_codes(raw: RawReturn, name: str, frame: pd.DataFrame) -> list[Problem]:
    """A table may use detailed or broad ethnicity codes, not both."""
    if "ethnicity" not in frame:
        return []
    broad_only = set(BROAD_CODES) - set(DETAILED_CODES)
    detailed_only = set(DETAILED_CODES) - set(BROAD_CODES)
    values = set(frame["ethnicity"])
    if values & broad_only and values & detailed_only:
        first = frame[frame["ethnicity"].isin(broad_only)].iloc[0]
        return [raw.problem(name, int(first[LINE]), "ethnicity", first["ethnicity"],
                            "This table mixes the five broad ethnicity groups with detailed census codes; "
                            "use one or the other.")]
    return []
