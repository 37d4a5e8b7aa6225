"""Reading a return from a folder of CSVs or one Excel workbook into the same tables.

Two steps, on purpose: ``read_return`` keeps every cell as the text the council
typed (with the file line or spreadsheet row it came from), so validation can
quote the exact value and place; ``typed_tables`` turns a validated return
into whole-number counts for the metrics.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import paths
from ..limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_XLSX_BYTES,
    MAX_XLSX_UNPACKED,
    bad_character,
    read_limited,
    shown,
    text_problem,
)
from ..problems import Problem
from ..schema import RECORD_TABLES, TABLES

LINE = "__line__"  # CSV line / spreadsheet row of each record
LISTS_SHEET = "lists"  # hidden sheet of drop-down values in the blank return template
INSTRUCTIONS_SHEET = "instructions"  # the blank template's first sheet: what each table and column means


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

    def problem(self, table: str, line: int | None, column: str | None, value: object, message: str,
                severity: str = "error") -> Problem:
        """A problem located in ``table``, named the way the council sees the file."""
        return Problem(severity, self.files.get(table, f"{table}.csv"), line, column,
                       None if value is None else str(value), message, self.sheets.get(table))


def find_workbook(folder: Path) -> Path | None:
    """The one .xlsx in a return folder, or ``<period>.xlsx`` beside it."""
    books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$")) if folder.is_dir() else []
    if books:
        return books[0]
    sibling = folder.with_suffix(".xlsx")
    return sibling if sibling.exists() else None


def return_location(la: str, period: str, raw_dir: Path | None = None) -> Path:
    """Folder of CSVs, or the workbook, that holds this return."""
    folder = paths.return_dir(la, period, raw_dir)
    if folder.is_dir() and any(folder.glob("*.csv")):
        return folder
    return find_workbook(folder) or folder


RETURN_NAMES = (*TABLES, *RECORD_TABLES)  # the files (or sheets) a return may hold


def _form_clash(la: str, period: str, raw_dir: Path | None) -> Problem | None:
    """A folder holding both a workbook and CSVs of the return (or two workbooks): name both, choose neither."""
    folder = paths.return_dir(la, period, raw_dir)
    csvs = sorted(p.name for p in folder.glob("*.csv") if p.stem in RETURN_NAMES) if folder.is_dir() else []
    books = sorted(p.name for p in folder.glob("*.xlsx") if not p.name.startswith("~$")) if folder.is_dir() else []
    sibling = folder.with_suffix(".xlsx")
    if sibling.exists():
        books.append(f"../{sibling.name}")
    where = f"data/raw/{la}/{period}"
    if csvs and books:
        return Problem("error", f"{la}/{period}", None, None, None,
                       f"{where} holds both a workbook ({', '.join(books)}) and CSV files ({', '.join(csvs)}); "
                       "a return is one or the other, so move one of them out of the folder.")
    if len(books) > 1:
        return Problem("error", f"{la}/{period}", None, None, None,
                       f"{where} holds more than one workbook ({', '.join(books)}); keep only the return.")
    return None


def read_return(la: str, period: str, raw_dir: Path | None = None,
                params: dict[str, Any] | None = None) -> RawReturn:
    """Read a return as text; unreadable or missing files become problems, not exceptions.

    ``params`` (when given) supply the council's ethnicity labels and pay bands: ethnicity values are
    mapped to codes here, and a return handed in as record-level extracts is checked as records and
    counted into the count tables here, so every later step sees the same four tables either way.
    """
    location = return_location(la, str(period), raw_dir)
    raw = RawReturn(la, str(period), location)
    clash = _form_clash(la, str(period), raw_dir)
    if clash is not None:
        raw.problems.append(clash)
        raw.unreadable.update(RETURN_NAMES)
        return raw
    if location.suffix == ".xlsx":
        _read_workbook(raw, location)
    elif location.is_dir():
        _read_folder(raw, location)
    else:
        raw.problems.append(Problem("error", f"{la}/{period}", None, None, None,
                                    f"There is no return for {la} {period}: expected CSV files or an .xlsx "
                                    f"workbook in data/raw/{la}/{period}."))
    if not raw.source_files:
        if not raw.problems:  # an empty period folder
            raw.problems.append(Problem("error", f"{la}/{period}", None, None, None,
                                        f"The folder for {la} {period} holds no return; add "
                                        f"{', '.join(t.filename for t in TABLES.values() if t.required)} "
                                        "(and population.csv if you have it), or one .xlsx workbook."))
        return raw  # nothing to read: the problem says so; "missing table" would only repeat it
    _intake(raw, params or {})
    return raw


def _intake(raw: RawReturn, params: dict[str, Any]) -> None:
    """Decide the form (count tables or records), report a missing or doubled form, map labels, count records."""
    from .ethnicity_labels import LabelMap
    from .records import as_text, check_records, count_records

    labels = LabelMap.build(params.get("ethnicity_labels") or {})
    counts = [n for n in TABLES if n != "population" and (n in raw.tables or n in raw.unreadable)]
    records = [n for n in RECORD_TABLES if n in raw.records or n in raw.unreadable]
    book = raw.location.suffix == ".xlsx"

    def shown(names: list[str]) -> str:
        return ", ".join(f"sheet {n}" if book else f"{n}.csv" for n in names)

    if counts and records:
        raw.problems.append(Problem("error", raw.location.name if book else f"{raw.la}/{raw.period}", None, None,
                                    None, f"The return holds both count tables ({shown(counts)}) and record-level "
                                    f"extracts ({shown(records)}); hand in one form for a period, not both, so "
                                    "remove one set."))
        raw.tables = {n: f for n, f in raw.tables.items() if n == "population"}
        raw.records = {}
        return
    for frame in [*raw.tables.values(), *raw.records.values()]:
        if "pay_band" in frame:
            frame["pay_band"] = band_codes(frame["pay_band"], params)
    for frame in raw.tables.values():
        if "ethnicity" in frame:
            codes, sets = labels.resolve(frame["ethnicity"])
            raw.label_sets.update(sets.dropna().unique())
            frame["ethnicity"] = codes.where(codes.notna(), frame["ethnicity"])
    if not records:
        for name, table in TABLES.items():
            if table.required and name not in raw.tables and name not in raw.unreadable:
                what = f"a sheet called {name}" if book else table.filename
                raw.problems.append(raw.problem(name, None, None, None,
                                                f"The required table '{name}' is missing; add {what} (or give "
                                                "the period as record-level extracts: staff, applicants and "
                                                "survey_responses)."))
        return
    for name, record in RECORD_TABLES.items():
        if name not in raw.records and name not in raw.unreadable:
            what = f"a sheet called {name}" if book else record.filename
            raw.problems.append(raw.problem(name, None, None, None,
                                            f"The record-level extract '{name}' is missing; add {what} (a "
                                            f"record-level return needs {shown(list(RECORD_TABLES))})."))
    found = check_records(raw, labels, params.get("pay_bands"))
    raw.problems.extend(found)
    if found or set(raw.records) != set(RECORD_TABLES):
        raw.unreadable.update(n for n in TABLES if n != "population")  # not counted: "missing table" would repeat
        return
    raw.counted = count_records(raw.records)
    sources = {"workforce": "staff", "events": "staff", "recruitment": "applicants", "survey": "survey_responses"}
    for name, frame in raw.counted.items():
        raw.tables[name] = as_text(frame)
        source = sources[name]
        origin = f"sheet {raw.sheets[source]}" if book else raw.files[source]
        raw.files[name] = f"{name}.csv (counted from {origin})"
        raw.sheets.pop(name, None)


def band_codes(values: pd.Series, params: dict[str, Any]) -> pd.Series:
    """Pay bands written as the council's labels ("Under £25,000", as the template's drop-down shows them)
    read as their codes; codes and anything else are left as they are for validation to judge."""
    from .ethnicity_labels import normalise

    labels = params.get("pay_band_labels") or {}
    if not labels:
        return values
    codes = {str(b) for b in params.get("pay_bands") or []}
    lookup = {normalise(label): str(code) for code, label in labels.items() if normalise(label)}
    found = {v: lookup[normalise(v)] for v in values.unique() if v not in codes and normalise(v) in lookup}
    return values.map(lambda v: found.get(v, v)) if found else values


def _read_folder(raw: RawReturn, folder: Path) -> None:
    for name in RETURN_NAMES:
        path = folder / f"{name}.csv"
        raw.files[name] = path.name
        if not (path.exists() or path.is_symlink()):  # a broken link is there, and unreadable: say so
            continue
        raw.source_files.append(path)
        expected = TABLES[name].columns if name in TABLES else RECORD_TABLES[name].columns
        frame = read_csv_text(path, raw.problems, expected)
        if frame is None:
            raw.unreadable.add(name)
        elif name in TABLES:
            raw.tables[name] = frame
        else:
            raw.records[name] = frame
    for path in sorted(folder.glob("*.csv")):
        if path.stem not in RETURN_NAMES and path.stem != "action_plan":
            raw.problems.append(Problem("warning", path.name, None, None, path.name,
                                        f"{path.name} is not a table of the return and was ignored; "
                                        f"tables are {', '.join(t.filename for t in TABLES.values())} (or the "
                                        f"extracts {', '.join(t.filename for t in RECORD_TABLES.values())})."))


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects (cells) are made: none are cycles,
    and the collector's repeated passes over them otherwise cost more than the parsing itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_csv_text(path: Path, problems: list[Problem], expected: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """A CSV as text cells with line numbers; BOM and CRLF are fine, other faults are problems."""
    data = read_limited(path, MAX_FILE_BYTES)
    if isinstance(data, str):  # a folder, too large, unreadable: said before anything is parsed
        problems.append(Problem("error", path.name, None, None, None, data))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem("error", path.name, line, None, repr(data[exc.start:exc.start + 1]),
                                "The file is not UTF-8 text; save it from Excel as 'CSV UTF-8 (comma delimited)'."))
        return None
    if "\x00" in text:
        problems.append(Problem("error", path.name, None, None, None,
                                "The file is not a CSV (it holds binary data); save it as 'CSV UTF-8'."))
        return None
    if text.count(",") > MAX_COLUMNS * (text.count("\n") + 1):  # one huge row would cost gigabytes to split
        problems.append(Problem("error", path.name, None, None, None,
                                f"The lines of the file hold more than {MAX_COLUMNS} cells each on average; a "
                                "table of the return has at most 15 columns. Check that it is the right file."))
        return None
    rows: list[list[str]] = []
    try:
        with _no_gc():
            for row in csv.reader(io.StringIO(text, newline="")):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    problems.append(Problem("error", path.name, len(rows), None, None,
                                            f"The file has more than {MAX_ROWS:,} lines; check that it is the "
                                            "right file."))
                    return None
    except csv.Error as exc:
        why = (f"A cell holds more than {csv.field_size_limit():,} characters; the limit is {MAX_CELL_CHARS:,}. "
               "Check that a whole file or column was not pasted into one cell."
               if "field larger than field limit" in str(exc) else
               f"The file cannot be read as a CSV ({shown(exc)}); save it as 'CSV UTF-8 (comma delimited)'.")
        problems.append(Problem("error", path.name, len(rows) + 1, None, None, why))
        return None
    return rows_to_frame(rows, path.name, None, problems, expected)


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
        problems.append(Problem("error", filename, line, None, text,
                                f"The header must be in row 1; row {line} holds '{text}'. Delete the "
                                f"row{'s' if skip > 1 else ''} above the header (row {numbered[skip][0]}).", sheet))
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
    with _no_gc():
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


def _unreadable_workbook(path: Path) -> str | None:
    """Why a workbook must not be opened (a folder, too large, too large once unpacked), or None."""
    import zipfile

    data = read_limited(path, MAX_XLSX_BYTES)
    if isinstance(data, str):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # not a zip at all: openpyxl says so below, in the usual words
    if unpacked > MAX_XLSX_UNPACKED:
        return (f"{path.name} unpacks to {unpacked / 1048576:,.0f} MB, more than the limit of "
                f"{MAX_XLSX_UNPACKED / 1048576:,.0f} MB; save the return again in Excel as an .xlsx workbook.")
    return None


def _sheet_rows(sheet) -> list[list[str]] | str:
    """A read-only sheet's rows as text, or why it is refused (too many rows or columns).

    The sheet's stated size is ignored (a file may claim A1:XFD1048576 and make
    openpyxl pad every row to 16,384 cells): rows are read as stored, at most
    MAX_COLUMNS + 1 wide, so a value just past the limit is refused without
    reading further (one much further right is not read at all).
    """
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
        if len(row) > MAX_COLUMNS and row[MAX_COLUMNS] is not None:
            return f"The sheet has a value beyond column {MAX_COLUMNS}; a table of the return has at most 15 columns."
        if len(rows) >= MAX_ROWS:
            return f"The sheet has more than {MAX_ROWS:,} rows; check that it is the right workbook."
        if row.count(None) == len(row):  # an empty row (openpyxl pads every gap): one shared list, no cells
            rows.append(_NO_CELLS)  # a value at A1048576 made a million rows of a hundred cells each: minutes
            continue
        rows.append(["" if v is None else _cell_text(v) for v in row[:MAX_COLUMNS]])
    return rows


_NO_CELLS: list[str] = []  # shared by every empty row of a sheet; never changed


def _read_workbook(raw: RawReturn, path: Path) -> None:
    from openpyxl import load_workbook

    raw.source_files.append(path)
    for name in RETURN_NAMES:
        raw.files[name] = path.name
        raw.sheets[name] = name
    refused = _unreadable_workbook(path)
    try:
        if refused:
            raise ValueError(refused)
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raw.problems.append(Problem("error", path.name, None, None, None, refused or
                                    f"The workbook cannot be opened ({type(exc).__name__}); save it again "
                                    "as an Excel .xlsx workbook."))
        raw.files = {n: path.name for n in TABLES}
        raw.sheets = {}
        raw.unreadable.update(TABLES)
        return
    matched: dict[str, str] = {}  # table -> the sheet title it was read from
    for sheet in book.worksheets:
        title = sheet.title
        if title == LISTS_SHEET or title.strip().lower() in (LISTS_SHEET, INSTRUCTIONS_SHEET):
            continue  # the blank template's hidden drop-down lists and its instructions
        name = title.strip().lower()
        if name not in (*RETURN_NAMES, "actions"):
            raw.problems.append(Problem("warning", path.name, None, None, title,
                                        f"The sheet '{title}' is not a table of the return and was ignored; "
                                        f"tables are {', '.join(TABLES)} (or the extracts "
                                        f"{', '.join(RECORD_TABLES)}).", title))
            continue
        if name in matched:
            raw.problems.append(Problem("error", path.name, None, None, title,
                                        f"The sheets '{matched[name]}' and '{title}' are both read as the {name} "
                                        "table; keep one of them.", title))
            raw.unreadable.add(name)
            raw.tables.pop(name, None)
            raw.records.pop(name, None)
            continue
        matched[name] = title
        if title != name:
            raw.problems.append(Problem("warning", path.name, None, None, title,
                                        f"The sheet '{title}' was read as the {name} table; rename it '{name}' "
                                        "(sheet names are exact and lower case).", title))
        raw.sheets[name] = title
        try:
            rows = _sheet_rows(sheet)
        except Exception as exc:  # a damaged sheet part: openpyxl and the XML parser raise many types
            rows = f"The sheet cannot be read ({type(exc).__name__}); save the workbook again in Excel."
        if isinstance(rows, str):
            raw.problems.append(Problem("error", path.name, None, None, None, rows, title))
            raw.unreadable.add(name)
            continue
        expected = TABLES[name].columns if name in TABLES else (
            RECORD_TABLES[name].columns if name in RECORD_TABLES else ())
        frame = rows_to_frame(rows, path.name, title, raw.problems, expected)
        if name == "actions":
            if frame is not None:
                raw.extra_sheets["actions"] = frame
        elif frame is None:
            raw.unreadable.add(name)
        elif name in TABLES:
            raw.tables[name] = frame
        else:
            raw.records[name] = frame
    book.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (12.0 -> '12')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def typed_tables(raw: RawReturn) -> dict[str, pd.DataFrame]:
    """Validated text tables -> typed tables (counts as int64), columns in schema order."""
    out: dict[str, pd.DataFrame] = {}
    for name, frame in raw.tables.items():
        table = TABLES[name]
        typed = frame[list(table.columns)].copy()
        for col in table.counts:
            typed[col] = pd.to_numeric(typed[col]).astype("int64")
        for col in table.columns:
            if col not in table.counts:
                typed[col] = typed[col].astype(str)
        out[name] = typed.sort_values(list(table.keys)).reset_index(drop=True)
    return out
