"""Reading a return from a folder of CSVs or one Excel workbook into the same tables.

Two steps, on purpose: ``read_return`` keeps every cell as the text the council
typed (with the file line or spreadsheet row it came from), so validation can
quote the exact value and place; ``typed_tables`` turns a validated return
into whole-number counts for the metrics.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .limits import (
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
from .problems import Problem, ReturnError
from .schema import TABLES

LINE = "__line__"  # CSV line / spreadsheet row of each record
LISTS_SHEET = "lists"  # hidden sheet of drop-down values in the blank return template


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


def read_return(la: str, period: str, raw_dir: Path | None = None) -> RawReturn:
    """Read a return as text; unreadable or missing files become problems, not exceptions."""
    location = return_location(la, str(period), raw_dir)
    raw = RawReturn(la, str(period), location)
    if location.suffix == ".xlsx":
        _read_workbook(raw, location)
    elif location.is_dir():
        _read_folder(raw, location)
    else:
        raw.problems.append(Problem("error", f"{la}/{period}", None, None, None,
                                    f"There is no return for {la} {period}: expected CSV files or an .xlsx "
                                    f"workbook in {location}."))
    if not raw.source_files:
        if not raw.problems:  # an empty period folder
            raw.problems.append(Problem("error", f"{la}/{period}", None, None, None,
                                        f"The folder for {la} {period} holds no return; add "
                                        f"{', '.join(t.filename for t in TABLES.values() if t.required)} "
                                        "(and population.csv if you have it), or one .xlsx workbook."))
        return raw  # nothing to read: the problem says so; "missing table" would only repeat it
    for name, table in TABLES.items():
        if table.required and name not in raw.tables and name not in raw.unreadable:
            what = f"a sheet called {name}" if location.suffix == ".xlsx" else table.filename
            raw.problems.append(raw.problem(name, None, None, None,
                                            f"The required table '{name}' is missing; add {what}."))
    return raw


def _read_folder(raw: RawReturn, folder: Path) -> None:
    for name in TABLES:
        path = folder / f"{name}.csv"
        raw.files[name] = path.name
        if not (path.exists() or path.is_symlink()):  # a broken link is there, and unreadable: say so
            continue
        raw.source_files.append(path)
        frame = read_csv_text(path, raw.problems)
        if frame is not None:
            raw.tables[name] = frame
        else:
            raw.unreadable.add(name)
    for path in sorted(folder.glob("*.csv")):
        if path.stem not in TABLES and path.stem != "action_plan":
            raw.problems.append(Problem("warning", path.name, None, None, path.name,
                                        f"{path.name} is not a table of the return and was ignored; "
                                        f"tables are {', '.join(t.filename for t in TABLES.values())}."))


def read_csv_text(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
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
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                problems.append(Problem("error", path.name, len(rows), None, None,
                                        f"The file has more than {MAX_ROWS:,} lines; check that it is the right "
                                        "file (a return has one line per group of staff)."))
                return None
    except csv.Error as exc:
        why = (f"A cell holds more than {csv.field_size_limit():,} characters; the limit is {MAX_CELL_CHARS:,}. "
               "Check that a whole file or column was not pasted into one cell."
               if "field larger than field limit" in str(exc) else
               f"The file cannot be read as a CSV ({shown(exc)}); save it as 'CSV UTF-8 (comma delimited)'.")
        problems.append(Problem("error", path.name, len(rows) + 1, None, None, why))
        return None
    return rows_to_frame(rows, path.name, None, problems)


def rows_to_frame(rows: list[list[str]], filename: str, sheet: str | None,
                  problems: list[Problem]) -> pd.DataFrame | None:
    """Header row + data rows into a text frame; ragged rows and bad delimiters become problems."""
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not numbered:
        problems.append(Problem("error", filename, None, None, None,
                                "The table is empty: it needs a header row and at least one data row.", sheet))
        return None
    width = max(len(r) for _, r in numbered)
    while width > 1 and all(len(r) < width or not r[width - 1].strip() for _, r in numbered):
        width -= 1  # trailing empty columns (a formatted but empty spreadsheet area, a trailing comma)
    start = 0
    while start < width - 1 and all(len(r) <= start or not r[start].strip() for _, r in numbered):
        start += 1  # leading empty columns (a table that starts in column B of a sheet)
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
    records = []
    for line, row in numbered[1:]:
        if len(row) != len(header):
            problems.append(Problem("error", filename, line, None, shown(",".join(row)),
                                    f"This row has {len(row)} cells but the header has {len(header)}; "
                                    "check for a stray comma or a missing value.", sheet))
            continue
        if line in suspect:
            bad = next((j, why) for j, why in ((j, text_problem(c)) for j, c in enumerate(row)) if why)
            problems.append(Problem("error", filename, line, header[bad[0]], shown(row[bad[0]]), bad[1], sheet))
            continue
        records.append([c.strip() for c in row] + [line])
    frame = pd.DataFrame(records, columns=[*header, LINE]) if records else pd.DataFrame(columns=[*header, LINE])
    frame = frame.astype({c: "object" for c in header}).astype({LINE: "int64"})
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
        rows.append(["" if v is None else _cell_text(v) for v in row[:MAX_COLUMNS]])
    return rows


def _read_workbook(raw: RawReturn, path: Path) -> None:
    from openpyxl import load_workbook

    raw.source_files.append(path)
    for name in TABLES:
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
    for sheet in book.worksheets:
        try:
            rows = _sheet_rows(sheet)
        except Exception as exc:  # a damaged sheet part: openpyxl and the XML parser raise many types
            rows = f"The sheet cannot be read ({type(exc).__name__}); save the workbook again in Excel."
        if isinstance(rows, str):
            raw.problems.append(Problem("error", path.name, None, None, None, rows, sheet.title))
            if sheet.title in TABLES:
                raw.unreadable.add(sheet.title)
            continue
        if sheet.title in TABLES:
            frame = rows_to_frame(rows, path.name, sheet.title, raw.problems)
            if frame is not None:
                raw.tables[sheet.title] = frame
            else:
                raw.unreadable.add(sheet.title)
        elif sheet.title == LISTS_SHEET:
            continue  # the blank template's hidden drop-down lists
        elif sheet.title == "actions":
            frame = rows_to_frame(rows, path.name, sheet.title, raw.problems)
            if frame is not None:
                raw.extra_sheets["actions"] = frame
        else:
            hint = sheet.title.strip().lower()
            advice = (f"rename it '{hint}' if it holds that table" if hint in TABLES
                      else f"tables are {', '.join(TABLES)}")
            raw.problems.append(Problem("warning", path.name, None, None, sheet.title,
                                        f"The sheet '{sheet.title}' is not a table of the return and was "
                                        f"ignored; {advice}.", sheet.title))
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


def load_return(la: str, period: str, raw_dir: Path | None = None,
                pay_bands: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read a return that validation passed and type it; raise ReturnError if it cannot be typed.

    Full validation (``scwres.validate``) runs once, in the validate step; this
    only guards the typing, so later steps do not pay for validation again.
    """
    from .checks import typing_problems

    raw = read_return(la, period, raw_dir)
    problems = typing_problems(raw, pay_bands=pay_bands)
    if problems:
        raise ReturnError(problems)
    return typed_tables(raw)
