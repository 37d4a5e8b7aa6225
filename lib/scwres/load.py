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
        if not path.exists():
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
    data = path.read_bytes()
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
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(Problem("error", path.name, None, None, None,
                                f"The file cannot be read as a CSV ({exc}); save it as 'CSV UTF-8 (comma delimited)'."))
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
            problems.append(Problem("error", filename, line, None, ",".join(row),
                                    f"This row has {len(row)} cells but the header has {len(header)}; "
                                    "check for a stray comma or a missing value.", sheet))
            continue
        records.append([c.strip() for c in row] + [line])
    frame = pd.DataFrame(records, columns=[*header, LINE]) if records else pd.DataFrame(columns=[*header, LINE])
    frame = frame.astype({c: "object" for c in header}).astype({LINE: "int64"})
    frame.attrs["header_line"] = header_line  # where "missing column" problems point
    return frame


def _read_workbook(raw: RawReturn, path: Path) -> None:
    from openpyxl import load_workbook

    raw.source_files.append(path)
    for name in TABLES:
        raw.files[name] = path.name
        raw.sheets[name] = name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raw.problems.append(Problem("error", path.name, None, None, None,
                                    f"The workbook cannot be opened ({type(exc).__name__}); save it again "
                                    "as an Excel .xlsx workbook."))
        raw.files = {n: path.name for n in TABLES}
        raw.sheets = {}
        raw.unreadable.update(TABLES)
        return
    for sheet in book.worksheets:
        rows = [["" if v is None else _cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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
