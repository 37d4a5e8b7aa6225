"""Checks on a return read as text: every error, with file, line, column, value and a sentence.

The rules come from ``schema.py`` (the contract) and the council's params;
great-expectations runs them (via ``gx_checks``, the only module that knows
GX) and this module turns each failing row into a sentence a council analyst
can act on. Two passes: each table on its own (columns, codes, counts, keys),
then the cross-table upper bounds on the rows and tables that passed, so one
bad headcount does not hide, or fake, a problem elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..intake.ethnicity_labels import LabelMap, nearest_code, unknown_sentence
from ..intake.raw_return import LINE, RawReturn
from ..limits import MAX_COUNT, MAX_TOTAL, count_too_large, shown
from ..problems import Problem
from ..schema import BROAD_CODES, DETAILED_CODES, ETHNICITY_CODES, SERVICES, TABLES, YES_NO
from .bounds import COUNT_PATTERN, bound_frame, explain_bounds, numbers
from .gx_checks import Failure, Rule, run_rules

CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "service": SERVICES, "ethnicity": ETHNICITY_CODES, "senior_manager": YES_NO, "regulated": YES_NO,
}


def allowed_codes(pay_bands: list[str] | None) -> dict[str, tuple[str, ...]]:
    """Allowed values of each code column; pay bands come from the council's params."""
    allowed = dict(CODE_COLUMNS)
    if pay_bands is not None:
        allowed["pay_band"] = tuple(str(b) for b in pay_bands)
    return allowed


def check_return(raw: RawReturn, pay_bands: list[str] | None = None,
                 params: dict[str, Any] | None = None) -> list[Problem]:
    """All errors in a return: what reading found, each table's own rules, then the cross-table rules.

    GX runs each rule once over a long frame holding the cells of every
    table (one row per cell), rather than once per column: the same checks,
    but a fraction of GX's per-expectation cost.
    """
    problems = list(raw.problems)
    allowed = allowed_codes(pay_bands)
    suites: dict[str, tuple[pd.DataFrame, list[Rule]]] = {
        name: (frame, shape_rules(name)) for name, frame in raw.tables.items()}
    suites[CELLS] = (cell_frame(raw, allowed), [
        Rule("in_set", column="code", values=tuple(f"{col}={v}" for col, vals in allowed.items() for v in vals)),
        Rule("regex", column="count", pattern=COUNT_PATTERN),
    ])
    suites[KEYS] = (key_frame(raw), [Rule("compound_unique", columns=("table", "key"))])
    failures = run_rules(suites)
    found: dict[str, list[Problem]] = {name: [] for name in raw.tables}
    for name, frame in raw.tables.items():
        for failure in failures.get(name, []):
            found[name].extend(explain_shape(raw, name, frame, failure))
        found[name].extend(_mixed_codes(raw, name, frame))
        found[name].extend(_unsplittable_white(raw, name, frame, params))
    cell_text = {name: frame.set_index(LINE) for name, frame in raw.tables.items()}  # once, not per failing cell
    unlisted = dict.fromkeys(raw.tables, 0)
    unknown_ethnicity: dict[tuple[str, str], list[int]] = {}  # (table, value) -> lines: one problem per value
    for failure in failures.get(CELLS, []):
        for row in failure.rows:
            name, col, line = row["table"], row["column"], int(row[LINE])
            if failure.rule.kind == "in_set" and col == "ethnicity":
                value = str(cell_text[name].at[line, col])
                unknown_ethnicity.setdefault((name, value), []).append(line)
                continue
            if len(found[name]) >= MAX_LISTED:  # the first ones say what to fix; the rest are counted
                unlisted[name] += 1
                continue
            value = str(cell_text[name].at[line, col])
            if failure.rule.kind == "in_set":
                sentence = _unknown_code_sentence(col, value, allowed.get(col, ()), _uses_broad(raw.tables[name]))
            else:
                sentence = count_problem(value) or f"'{value}' is not a whole number of 0 or more."
            found[name].append(raw.problem(name, line, col, shown(value), sentence))
    if unknown_ethnicity:
        labels = LabelMap.build((params or {}).get("ethnicity_labels") or {})
        for (name, value), lines in unknown_ethnicity.items():
            if len(found[name]) >= MAX_LISTED:
                unlisted[name] += 1
                continue
            first = min(lines)
            broad = _uses_broad(raw.tables[name])
            sentence = unknown_sentence(shown(value), len(lines), first, nearest_code(value[:200], labels, broad),
                                        broad=broad)
            found[name].append(raw.problem(name, first, "ethnicity", shown(value), sentence))
    for failure in failures.get(KEYS, []):
        for name in sorted({row["table"] for row in failure.rows}):
            lines = sorted(int(row[LINE]) for row in failure.rows if row["table"] == name)
            room = max(0, MAX_LISTED - len(found[name]))
            repeats = _duplicates(raw, name, raw.tables[name], lines[:room + 1])[:room]
            found[name].extend(repeats)
            unlisted[name] += max(0, len(lines) - (room + 1))  # "at least": some of these are first rows
    # Cross-table sums are skipped for a table whose rows reading dropped or whose key cells
    # (service, ethnicity, flags) are wrong, since a row may then count under the wrong key; a
    # bad count makes just the sums it is part of unknown (see _summed_bound), so one run
    # still reports every bound it can check.
    failed_tables = {name for name in raw.tables
                     if _has_reading_error(raw, name) or any(p.column in SUM_KEYS for p in found[name])}
    for name, frame in raw.tables.items():
        found[name].extend(_implausible_totals(raw, name, frame))
        if unlisted[name]:
            found[name].append(raw.problem(name, None, None, None,
                                           f"There are more problems in this table than the {MAX_LISTED:,} listed "
                                           f"(at least {unlisted[name]:,} more); fix these and run again to see "
                                           "the rest."))
        problems.extend(found[name])
    leaver_base = (params or {}).get("leaver_base", "snapshot")
    bounds = bound_frame(raw, failed_tables, leaver_base)
    if not bounds.empty:
        rules = [Rule("a_at_most_b", column="value", other="bound")]
        for failure in run_rules({BOUNDS: (bounds, rules)}).get(BOUNDS, []):
            problems.extend(explain_bounds(raw, bounds, failure, leaver_base))
    return problems


BROAD_ONLY = frozenset(BROAD_CODES) - frozenset(DETAILED_CODES)  # white, mixed, asian, black, other
DETAILED_ONLY = frozenset(DETAILED_CODES) - frozenset(BROAD_CODES)
SUM_KEYS = frozenset({"service", "ethnicity", "regulated", "senior_manager"})  # decide which sum a row is in
CELLS, KEYS, BOUNDS = "__cells__", "__keys__", "__bounds__"  # names of the long frames (not table names)
MAX_LISTED = 1000  # problems listed per table: enough to act on; 200,000 would swamp the page and the console


def _has_reading_error(raw: RawReturn, name: str) -> bool:
    """Whether reading dropped rows of this table (e.g. a ragged line), so its sums are incomplete."""
    return any(p.severity == "error" and p.file == raw.files.get(name) and p.sheet == raw.sheets.get(name)
               for p in raw.problems)


def shape_rules(name: str) -> list[Rule]:
    """Rules on a table as a whole: exactly its columns, and rows when it is required."""
    rules = [Rule("columns", values=TABLES[name].columns)]
    if TABLES[name].required:
        rules.append(Rule("not_empty"))
    return rules


def cell_frame(raw: RawReturn, allowed: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Every code and count cell of every table, one row each: ``code`` is ``column=value`` for code
    cells, ``count`` the text of count cells (the other is null, so each rule sees only its cells)."""
    parts = []
    for name, frame in raw.tables.items():
        table = TABLES[name]
        for col in table.columns:
            if col not in frame or (col not in table.counts and col not in allowed):
                continue
            values = frame[col].astype(str)
            is_count = col in table.counts
            parts.append(pd.DataFrame({
                LINE: frame[LINE].to_numpy(), "table": name, "column": col,
                "code": None if is_count else (col + "=" + values).to_numpy(),
                "count": values.to_numpy() if is_count else None,
            }))
    columns = [LINE, "table", "column", "code", "count"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return out.astype({"code": "object", "count": "object"})


def key_frame(raw: RawReturn) -> pd.DataFrame:
    """The key of every row of every table whose key columns are all there, as one text per row."""
    parts = []
    for name, frame in raw.tables.items():
        keys = list(TABLES[name].keys)
        if all(k in frame for k in keys):
            joined = frame[keys[0]].astype(str)
            for key in keys[1:]:  # column by column: a row-wise join took seconds per 20,000 rows
                joined = joined + "\x1f" + frame[key].astype(str)
            parts.append(pd.DataFrame({LINE: frame[LINE].to_numpy(), "table": name, "key": joined.to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[LINE, "table", "key"])


def explain_shape(raw: RawReturn, name: str, frame: pd.DataFrame, failure: Failure) -> list[Problem]:
    """Missing or extra columns (on the header line), or a required table with no rows."""
    table = TABLES[name]
    header_line = int(frame.attrs.get("header_line", 1))
    if failure.rule.kind == "not_empty":
        return [raw.problem(name, None, None, None,
                            f"The {name} table has no rows; it is required, so add its data.")]
    present = [c for c in frame.columns if c != LINE]
    out = [raw.problem(name, header_line, col, None, f"The column '{col}' is missing; add it to the header.")
           for col in table.columns if col not in present]
    for col in present:
        if col not in table.columns:
            out.append(raw.problem(name, header_line, col, col, _extra_column_sentence(name, col)))
    return out


def _extra_column_sentence(name: str, col: str) -> str:
    columns = ", ".join(TABLES[name].columns)
    if col.strip() == "":
        return f"A column has no header; name it or delete it (the columns of {name} are {columns})."
    lower = col.strip().lower()
    if lower in TABLES[name].columns:
        return f"'{col}' should be written '{lower}' (column names are exact and lower case)."
    return f"'{col}' is not a column of {name}; check the spelling or remove it (columns are {columns})."


def _uses_broad(frame: pd.DataFrame) -> bool:
    """Whether a table's ethnicity codes are the five broad groups (so advice should name those)."""
    if "ethnicity" not in frame:
        return False
    values = set(frame["ethnicity"])
    return bool(values & BROAD_ONLY) and not values & DETAILED_ONLY


def _unknown_code_sentence(col: str, value: str, codes: tuple[str, ...], broad: bool = False) -> str:
    if value == "":
        return f"{col} is empty; fill it in with one of {', '.join(codes)}."
    if value.strip().lower() in codes and value != value.strip().lower():
        return f"'{value}' should be written '{value.strip().lower()}' (codes are exact and lower case)."
    if col == "pay_band":
        return f"'{value}' is not one of the council's pay bands ({', '.join(codes)}) in params; use one of them."
    if col == "ethnicity":
        if broad:
            return (f"'{value}' is not an ethnicity code; this table uses the broad groups white, mixed, asian, "
                    "black, other (or not_stated).")
        return f"'{value}' is not an ethnicity code; use a code from docs/data-return.md such as white_british."
    return f"'{value}' is not allowed in {col}; use one of {', '.join(codes)}."


def count_problem(value: str) -> str | None:
    """Why a text cell is not a whole count from 0 to MAX_COUNT, or None when it is."""
    if re.match(COUNT_PATTERN, value):
        return None
    quoted = shown(value)
    if value == "":
        return "The count is empty; enter 0 if there were none."
    if re.fullmatch(r"[0-9]+(?:\.0*)?", value) and count_too_large(value):
        return (f"'{quoted}' is more than {MAX_COUNT:,}, which is more people than any council employs; "
                "check the figure (a date or a code pasted into a count looks like this).")
    if re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?", value):
        return f"'{quoted}' has a thousands separator; write the number without commas."
    try:
        number = float(value)
    except ValueError:
        return f"'{quoted}' is not a number; enter the count as digits, such as 12."
    if number != number or number in (float("inf"), float("-inf")):
        return f"'{quoted}' is not a number; enter the count as digits, such as 12."
    if number < 0:
        return f"'{quoted}' is negative; enter the count of people, 0 or more."
    if not number.is_integer():
        return f"'{quoted}' is not a whole number; enter a whole count of people, without decimals."
    if number > MAX_COUNT:
        return (f"'{quoted}' is more than {MAX_COUNT:,}, which is more people than any council employs; "
                "check the figure.")
    return f"'{quoted}' is not written as a plain whole number; write it as digits only, such as {int(number)}."


def _implausible_totals(raw: RawReturn, name: str, frame: pd.DataFrame) -> list[Problem]:
    """A count column whose valid cells add up to more than MAX_TOTAL: no council has that many people.

    Each cell is at most MAX_COUNT, so the sum (in float64, exact far beyond
    this) cannot overflow; the check keeps a return of many large cells from
    publishing figures no council could have.
    """
    out = []
    for col in TABLES[name].counts:
        if col in frame:
            total = numbers(frame[col]).sum()
            if total > MAX_TOTAL:
                out.append(raw.problem(name, None, col, f"{total:,.0f}",
                                       f"The {col} figures add up to {total:,.0f}, more than {MAX_TOTAL:,}, which is "
                                       "more people than any council has; check the figures in this column."))
    return out


def _duplicates(raw: RawReturn, name: str, frame: pd.DataFrame, lines: list[int]) -> list[Problem]:
    """Every repeat of a key after its first row, pointing back to that first row."""
    keys = list(TABLES[name].keys)
    rows = frame[frame[LINE].isin(lines)].sort_values(LINE)
    out = []
    for _, group in rows.groupby(keys, sort=False):
        first = int(group[LINE].iloc[0])
        for _, row in group.iloc[1:].iterrows():
            key = " / ".join(str(row[k]) for k in keys)
            out.append(raw.problem(name, int(row[LINE]), keys[-1], key,
                                   f"The row for {key} repeats line {first}; keep one row per "
                                   f"{' / '.join(keys)} (add the counts together if both are right)."))
    return out


def _unsplittable_white(raw: RawReturn, name: str, frame: pd.DataFrame,
                        params: dict[str, Any] | None) -> list[Problem]:
    """The broad code 'white' cannot be split when params count White minorities as minority ethnic."""
    if not (params or {}).get("white_minorities_as_minority_ethnic") or "ethnicity" not in frame:
        return []
    rows = frame[frame["ethnicity"] == "white"]
    if rows.empty:
        return []
    first = rows.iloc[0]
    return [raw.problem(name, int(first[LINE]), "ethnicity", "white",
                        "params count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) as "
                        "minority ethnic, but the broad group 'white' cannot be split that way; use the detailed "
                        "white_* codes in this table, or set white_minorities_as_minority_ethnic: false.")]


def _mixed_codes(raw: RawReturn, name: str, frame: pd.DataFrame) -> list[Problem]:
    """A table may use detailed or broad ethnicity codes, not both."""
    if "ethnicity" not in frame:
        return []
    values = set(frame["ethnicity"])
    if values & BROAD_ONLY and values & DETAILED_ONLY:
        broad = frame["ethnicity"].isin(BROAD_ONLY)
        detailed = frame["ethnicity"].isin(DETAILED_ONLY)
        # Point at the odd one out: the first row of whichever style fewer rows use.
        odd, usual = (broad, "detailed census codes") if broad.sum() <= detailed.sum() else (detailed, "broad groups")
        first = frame[odd].iloc[0]
        return [raw.problem(name, int(first[LINE]), "ethnicity", first["ethnicity"],
                            f"This table mixes the five broad ethnicity groups with detailed census codes; the "
                            f"other rows use {usual}, so write this one the same way.")]
    return []
