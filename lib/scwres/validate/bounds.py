"""The checks' second pass: every count beside its upper bound, and what a valid count looks like.

``appointed`` may not exceed ``shortlisted``, nor ``disciplinary`` the
headcount plus leavers of the same service and ethnicity (headcount from
another table, leavers from the same row: a member of staff who left during
the window can have been disciplined, referred or trained before leaving, so a
group whose only staff left is a valid return). The bounds are
checked only on the rows and tables that passed the first pass (``checks``),
so one bad headcount does not hide, or fake, a problem elsewhere: a sum that
includes a cell which is not a valid count is unknown, not zero.
"""

from __future__ import annotations

import pandas as pd

from ..catalogue import LEAVERS, adds_leavers
from ..intake.load import count_digits
from ..intake.raw_return import LINE, RawReturn
from ..limits import MAX_COUNT
from ..problems import Problem
from ..schema import ETHNICITY_CODES, SERVICES, TABLES, Bound
from .gx_checks import Failure

# A whole count from 0 to MAX_COUNT (10,000,000); "12.0" is allowed because Excel and some exports
# write whole numbers that way. The bound is in the pattern, so a 5,000-digit cell is refused as text
# and never reaches a numeric conversion (no backtracking: each part matches one kind of character).
COUNT_PATTERN = r"^0*(?:[0-9]{1,7}|10000000)(?:\.0*)?$"
assert MAX_COUNT == 10_000_000, "COUNT_PATTERN spells out MAX_COUNT"


def numbers(column: pd.Series) -> pd.Series:
    """Text counts as floats; anything that is not a valid count becomes NaN (and is reported elsewhere)."""
    valid = column.astype(str).str.match(COUNT_PATTERN)
    return pd.to_numeric(count_digits(column).where(valid), errors="coerce").astype("float64")


def _valid_keys(frame: pd.DataFrame) -> pd.Series:
    return frame["service"].isin(SERVICES) & frame["ethnicity"].isin(ETHNICITY_CODES)


def bound_frame(raw: RawReturn, failed: set[str], leaver_base: str) -> pd.DataFrame:
    """Every bounded count beside its upper bound, one row per cell (``value`` <= ``bound``).

    Bounds from another table are summed to the row's service and ethnicity;
    a sum that includes a cell which is not a valid count is unknown (null),
    and a table from which reading dropped rows is not used at all, because a
    sum over broken cells would blame the wrong file. Cells that are not
    valid counts, or rows whose key is not valid, get a null and are skipped
    (they are reported already).
    """
    parts = []
    for name, frame in raw.tables.items():
        table = TABLES[name]
        if not table.bounds or not {"service", "ethnicity"} <= set(frame.columns):
            continue
        valid = _valid_keys(frame)
        for bound in table.bounds:
            other = raw.tables.get(bound.other_table)
            if bound.column not in frame or other is None or bound.other_column not in other:
                continue
            if bound.other_table != name and (bound.other_table in failed
                                              or not {"service", "ethnicity"} <= set(other.columns)):
                continue
            value = numbers(frame[bound.column])
            plus = pd.Series(float("nan"), index=frame.index)
            if bound.other_table == name:
                limit = numbers(frame[bound.other_column])
            else:
                limit = _summed_bound(frame, other, bound).where(valid)
                if bound.plus is not None:
                    plus = numbers(frame[bound.plus]) if bound.plus in frame else limit * float("nan")
                    limit = limit + plus
                if bound.column == LEAVERS.column and adds_leavers(leaver_base):
                    limit = limit + value
            parts.append(pd.DataFrame({
                LINE: frame[LINE].to_numpy(), "table": name, "column": bound.column,
                "service": frame["service"].to_numpy(), "ethnicity": frame["ethnicity"].to_numpy(),
                "value": value.to_numpy(), "bound": limit.to_numpy(), "plus": plus.to_numpy(),
            }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _summed_bound(frame: pd.DataFrame, other: pd.DataFrame, bound: Bound) -> pd.Series:
    """``other_column`` of the other table summed to each row's service and ethnicity (0 if none)."""
    picked = other
    for key, value in bound.where:
        picked = picked[picked[key] == value] if key in picked else picked.iloc[0:0]
    counts = numbers(picked[bound.other_column])
    keys = [picked["service"], picked["ethnicity"]]
    sums = counts.groupby(keys).sum().mask(counts.isna().groupby(keys).any())  # a bad cell: sum unknown
    index = pd.MultiIndex.from_arrays([frame["service"], frame["ethnicity"]])
    return pd.Series(sums.reindex(index, fill_value=0.0).to_numpy(), index=frame.index)


def _where(raw: RawReturn, table: str) -> str:
    """Where a reader finds a table: its sheet in a workbook, else its file."""
    return f"sheet {raw.sheets[table]}" if raw.sheets.get(table) else raw.files.get(table, f"{table}.csv")


def explain_bounds(raw: RawReturn, bounds: pd.DataFrame, failure: Failure, leaver_base: str) -> list[Problem]:
    """``appointed (12) is more than shortlisted (9) for children / black_african; ...``."""
    records = bounds.to_dict("records")
    by_cell = {(int(r[LINE]), r["table"], r["column"]): r for r in records}  # one lookup per failing cell
    out = []
    for row in failure.rows:
        name, col, line = row["table"], row["column"], int(row[LINE])
        cell = by_cell[(line, name, col)]
        bound = next(b for b in TABLES[name].bounds if b.column == col)
        label = bound.description or bound.other_column
        hint = "correct whichever figure is wrong."
        if col == LEAVERS.column and adds_leavers(leaver_base):
            label = "headcount plus leavers"
        elif col == LEAVERS.column:
            hint = ("correct whichever figure is wrong; if both are right (staff of a group with few in post left "
                    "during the year), set leaver_base: snapshot_plus_leavers in params, so the leavers are counted "
                    "against the headcount plus the leavers.")
        if bound.other_table != name:
            label += f" in {_where(raw, bound.other_table)}"
        value, limit = int(cell["value"]), int(cell["bound"])
        if bound.plus is not None and cell["plus"] == cell["plus"]:  # not NaN: say both parts of the bound
            plus = int(cell["plus"])
            label = f"{label} ({limit - plus}) plus the {bound.plus} in {_where(raw, name)} ({plus}), {limit} in all,"
        else:
            label = f"{label} ({limit})"
        out.append(raw.problem(
            name, line, col, str(value),
            f"{col} ({value}) is more than {label} for {cell['service']} / {cell['ethnicity']}; {hint}"))
    return out
