"""Reading a return handed in as one Excel workbook: a sheet per table, cells as the text a CSV would hold.

Kept apart from ``load`` (the folder of CSVs, and what both forms share) because
a workbook has its own faults: a file too large once unpacked, a sheet named
``Workforce `` or twice, a value far to the right, dates and 12.0 where text
is expected. The blank template's own sheets (instructions, hidden lists) are
skipped by name.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..limits import MAX_COLUMNS, MAX_ROWS, MAX_XLSX_BYTES, MAX_XLSX_UNPACKED, read_limited
from ..problems import Problem
from ..schema import RECORD_TABLES, TABLES
from .raw_return import RETURN_NAMES, RawReturn, rows_to_frame

LISTS_SHEET = "lists"  # hidden sheet of drop-down values in the blank return template


INSTRUCTIONS_SHEET = "instructions"  # the blank template's first sheet: what each table and column means


def workbooks(folder: Path) -> list[Path]:
    """The folder's workbooks: ``.xlsx`` in any case ("RETURN.XLSX" from another system is one too), without
    Excel's own lock files (``~$...``)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))


def find_workbook(folder: Path) -> Path | None:
    """The one .xlsx in a return folder, or ``<period>.xlsx`` beside it."""
    books = workbooks(folder)
    if books:
        return books[0]
    sibling = folder.with_suffix(".xlsx")
    return sibling if sibling.exists() else None


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


def read_workbook(raw: RawReturn, path: Path) -> None:
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
        else:
            raw.keep(name, frame)
    book.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (12.0 -> '12').

    A whole number is written out digit for digit only while a float holds it exactly (below 2**53); a
    larger one (a 17-digit id typed into Excel, which keeps 15 digits) stays in scientific form
    ('1.234567890123457e+16'), so it is reported as rounded rather than read as a different, made-up id.
    Integers the file stores exactly (openpyxl reads them as int) are never passed through a float.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 2**53 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
