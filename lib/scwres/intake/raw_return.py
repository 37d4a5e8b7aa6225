"""A return as the council typed it: every cell as text, with the line or row it came from.

``load`` reads CSV files and ``xlsx`` reads a workbook; both turn rows of text
into the same frames here (``rows_to_frame``), so a slip such as a title row
above the header, a ragged row or a cell no input may hold is found and worded
the same way whichever form the return came in.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..limits import MAX_CELL_CHARS, MAX_COLUMNS, bad_character, shown, text_problem
from ..problems import Problem
from ..schema import RECORD_TABLES, TABLES

LINE = "__line__"  # CSV line / spreadsheet row of each record


@dataclass
class RawReturn:
    """Every table of a return as text, with where each row came from."""

    la: str
    period: str
    location: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # table -> file name shown to readers
    sheets: dict[str, str] = field(default_factory=dict)  # table -> sheet (xlsx only)
    source_files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    extra_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)  # e.g. an 'actions' sheet
    unreadable: set[str] = field(default_factory=set)  # tables present but not readable (already a problem)
    records: dict[str, pd.DataFrame] = field(default_factory=dict)  # record-level extracts (staff, ...), as text
    counted: dict[str, pd.DataFrame] = field(default_factory=dict)  # count tables counted from the records (typed)
    label_sets: set[str] = field(default_factory=set)  # ethnicity label sets the return's values came from

    @property
    def form(self) -> str:
        """``records`` when the return was handed in as record-level extracts, else ``counts``."""
        return "records" if self.records else "counts"

    def intake(self) -> dict[str, object]:
        """What came in and what it became, for the data-quality page and the report's methods section."""
        from .ethnicity_labels import LABEL_SETS

        return {"form": self.form,
                "records": {self.files.get(n, n): len(f) for n, f in self.records.items()},
                "rows": {n: len(f) for n, f in self.counted.items()},
                "label_sets": [s for s in LABEL_SETS if s in self.label_sets]}

    def keep(self, name: str, frame: pd.DataFrame | None) -> None:
        """File a table or extract as read (``None``: it could not be read, which is already a problem)."""
        if frame is None:
            self.unreadable.add(name)
        elif name in TABLES:
            self.tables[name] = frame
        else:
            self.records[name] = frame

    def problem(self, table: str, line: int | None, column: str | None, value: object, message: str,
                severity: str = "error") -> Problem:
        """A problem located in ``table``, named the way the council sees the file."""
        return Problem(severity, self.files.get(table, f"{table}.csv"), line, column,
                       None if value is None else str(value), message, self.sheets.get(table))


RETURN_NAMES = (*TABLES, *RECORD_TABLES)  # the files (or sheets) a return may hold


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects (cells) are made: none are cycles,
    and the collector's repeated passes over them otherwise cost more than the parsing itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _title_rows(numbered: list[tuple[int, list[str]]], expected: tuple[str, ...]) -> int:
    """How many rows above the header hold a title rather than column names (0 when row 1 is the header).

    A spreadsheet often has "SC-WRES return 2024" in A1 and the header below: that is recognised by the
    first row naming none of the table's columns while a row just below names most of them.
    """
    if not expected:
        return 0
    wanted = set(expected)

    def names(row: list[str]) -> int:
        return len({c.strip().lower() for c in row} & wanted)

    if names(numbered[0][1]):
        return 0
    for skip, (_, row) in enumerate(numbered[1:6], start=1):
        if names(row) * 2 >= len(wanted):
            return skip
    return 0


def rows_to_frame(rows: list[list[str]], filename: str, sheet: str | None,
                  problems: list[Problem], expected: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """Header row + data rows into a text frame; ragged rows and bad delimiters become problems."""
    numbered = [(i + 1, r) for i, r in enumerate(rows) if r and (r[0].strip() or "".join(r).strip())]
    if not numbered:
        problems.append(Problem("error", filename, None, None, None,
                                "The table is empty: it needs a header row and at least one data row.", sheet))
        return None
    skip = _title_rows(numbered, expected)
    if skip:
        line, title = numbered[0]
        text = " ".join(c.strip() for c in title if c.strip())
        header_row = numbered[skip][0]
        above = "row 1" if header_row == 2 else f"rows 1 to {header_row - 1}"
        problems.append(Problem("error", filename, line, None, text,
                                f"The header must be in row 1; row {line} holds '{text}'. Delete {above}, so that "
                                f"the header (now in row {header_row}) is the first row.", sheet))
        numbered = numbered[skip:]
    width = max(len(r) for _, r in numbered)
    while width > 1 and all(len(r) < width or not r[width - 1].strip() for _, r in numbered):
        width -= 1  # trailing empty columns (a formatted but empty spreadsheet area, a trailing comma)
    start = 0
    while start < width - 1 and all(len(r) <= start or not r[start].strip() for _, r in numbered):
        start += 1  # leading empty columns (a table that starts in column B of a sheet)
    if start or any(len(r) > width for _, r in numbered):
        numbered = [(i, r[start:width]) for i, r in numbered]
    header_line, header = numbered[0]
    header = [h.strip() for h in header]
    for j, name in enumerate(header):
        why = text_problem(name)
        if why:
            problems.append(Problem("error", filename, header_line, shown(name), shown(name),
                                    f"The header of column {j + 1}: {why}", sheet))
            return None
    if len(header) > MAX_COLUMNS:
        problems.append(Problem("error", filename, header_line, None, None,
                                f"The header has {len(header)} columns; a table of the return has at most 15.",
                                sheet))
        return None
    suspect = _rows_with_bad_text(numbered[1:])
    if len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
        problems.append(Problem("error", filename, header_line, None, header[0],
                                "The columns are not separated by commas; save the file as 'CSV UTF-8 "
                                "(comma delimited)'.", sheet))
        return None
    if LINE in header:
        problems.append(Problem("error", filename, header_line, LINE, LINE,
                                f"'{LINE}' is not a column of any table; remove it.", sheet))
        return None
    seen = [h for i, h in enumerate(header) if h and h in header[:i]]
    if seen:
        problems.append(Problem("error", filename, header_line, seen[0], seen[0],
                                f"The column '{seen[0]}' appears twice in the header; keep one.", sheet))
        return None
    # Whole columns at a time (200,000-row HR extracts): ragged rows are found in one pass, the cells are
    # stripped per column, and the cyclic garbage collector is paused while millions of cells are made.
    body = numbered[1:]
    width = len(header)
    for line, row in (item for item in body if len(item[1]) != width):
        problems.append(Problem("error", filename, line, None, shown(",".join(row)),
                                f"This row has {len(row)} cells but the header has {width}; "
                                "check for a stray comma or a missing value.", sheet))
    for line, row in (item for item in body if item[0] in suspect and len(item[1]) == width):
        bad = next((j, why) for j, why in ((j, text_problem(c)) for j, c in enumerate(row)) if why)
        problems.append(Problem("error", filename, line, header[bad[0]], shown(row[bad[0]]), bad[1], sheet))
    body = [item for item in body if len(item[1]) == width and item[0] not in suspect]
    with no_gc():
        frame = pd.DataFrame([row for _, row in body], columns=header, dtype=object) if body else \
            pd.DataFrame(columns=header, dtype=object)
        for k in range(width if len(frame) else 0):  # strip each distinct value once, not every cell
            values = frame.iloc[:, k]
            padded = {v: v.strip() for v in pd.unique(values.to_numpy()) if v != v.strip()}
            if padded:
                frame.iloc[:, k] = values.map(lambda v, padded=padded: padded.get(v, v))
        frame[LINE] = np.fromiter((line for line, _ in body), dtype="int64", count=len(body))
    frame.attrs["header_line"] = header_line  # where "missing column" problems point
    return frame


def _rows_with_bad_text(numbered: list[tuple[int, list[str]]]) -> set[int]:
    """Lines holding a cell that no input may hold (see ``limits.text_problem``).

    One scan of all the text first: almost every file is clean, and then no
    cell is looked at on its own.
    """
    cells = [c for _, row in numbered for c in row]
    if not cells or (bad_character("".join(cells)) is None and max(map(len, cells)) <= MAX_CELL_CHARS):
        return set()
    return {line for line, row in numbered if any(text_problem(c) for c in row)}
