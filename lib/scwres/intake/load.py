"""Reading a return from a folder of CSVs or one Excel workbook into the same tables.

Two steps, on purpose: ``read_return`` keeps every cell as the text the council
typed (with the file line or spreadsheet row it came from), so validation can
quote the exact value and place; ``typed_tables`` turns a validated return
into whole-number counts for the metrics.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, TextRefused, read_text, shown
from ..problems import Problem
from ..schema import RECORD_TABLES, TABLES
from .raw_return import RETURN_NAMES, RawReturn, no_gc, rows_to_frame
from .xlsx import find_workbook, read_workbook, workbooks


def return_location(la: str, period: str, raw_dir: Path | None = None) -> Path:
    """Folder of CSVs, or the workbook, that holds this return."""
    folder = paths.return_dir(la, period, raw_dir)
    if folder.is_dir() and csv_files(folder):
        return folder
    return find_workbook(folder) or folder


def csv_files(folder: Path) -> list[Path]:
    """The folder's CSV files, ``.csv`` in any case ("Survey.CSV" saved by another system is one too)."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv") if folder.is_dir() else []


def _named(folder: Path) -> dict[str, list[Path]]:
    """The folder's CSV files by table name, matched without regard to case (``Survey.csv`` is survey)."""
    out: dict[str, list[Path]] = {}
    for path in csv_files(folder):
        out.setdefault(path.stem.lower(), []).append(path)
    return out


def _form_clash(la: str, period: str, raw_dir: Path | None) -> Problem | None:
    """A folder holding both a workbook and CSVs of the return (or two workbooks): name both, choose neither."""
    folder = paths.return_dir(la, period, raw_dir)
    csvs = [p.name for p in csv_files(folder) if p.stem.lower() in RETURN_NAMES]
    books = [p.name for p in workbooks(folder)]
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
    if location.suffix.lower() == ".xlsx":
        read_workbook(raw, location)
    elif location.is_dir():
        _read_folder(raw, location)
    else:
        raw.problems.append(Problem("error", f"{la}/{period}", None, None, None,
                                    f"There is no return for {la} {period}: expected CSV files or an .xlsx "
                                    f"workbook in data/raw/{la}/{period}."))
    if not raw.source_files:
        # no table of the return at all: an error, even when the folder holds other files (each a warning)
        if not any(p.severity == "error" for p in raw.problems):
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
    book = raw.location.suffix.lower() == ".xlsx"

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
    if any(p.severity == "error" for p in found) or set(raw.records) != set(RECORD_TABLES):  # blanks only warn
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
    named = _named(folder)
    for name in RETURN_NAMES:
        path = folder / f"{name}.csv"
        raw.files[name] = path.name
        found = named.get(name, [])
        if len(found) > 1:  # survey.csv and Survey.csv: name both, choose neither
            raw.problems.append(Problem("error", found[0].name, None, None, found[1].name,
                                        f"{' and '.join(p.name for p in found)} are both read as the {name} table "
                                        "(file names are matched without regard to case); keep one of them."))
            raw.unreadable.add(name)
            continue
        if found and found[0].name != path.name:
            path = found[0]
            raw.files[name] = path.name
            raw.problems.append(Problem("warning", path.name, None, None, path.name,
                                        f"{path.name} was read as {name}.csv; rename it {name}.csv (file names "
                                        "are lower case)."))
        if not (path.exists() or path.is_symlink()):  # a broken link is there, and unreadable: say so
            continue
        raw.source_files.append(path)
        expected = TABLES[name].columns if name in TABLES else RECORD_TABLES[name].columns
        raw.keep(name, read_csv_text(path, raw.problems, expected))
    for path in csv_files(folder):
        if path.stem.lower() not in RETURN_NAMES and path.stem.lower() != "action_plan":
            raw.problems.append(Problem("warning", path.name, None, None, path.name,
                                        f"{path.name} is not a table of the return and was ignored; "
                                        f"tables are {', '.join(t.filename for t in TABLES.values())} (or the "
                                        f"extracts {', '.join(t.filename for t in RECORD_TABLES.values())})."))


def read_csv_text(path: Path, problems: list[Problem], expected: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """A CSV as text cells with line numbers; BOM and CRLF are fine, other faults are problems."""
    try:
        text = read_text(path, MAX_FILE_BYTES, save_as="'CSV UTF-8 (comma delimited)' from Excel")
    except TextRefused as exc:  # a folder, a pipe, too large, not UTF-8: said before anything is parsed
        problems.append(Problem("error", path.name, exc.line, None, None, exc.message))
        return None
    if text.count(",") > MAX_COLUMNS * (text.count("\n") + 1):  # one huge row would cost gigabytes to split
        problems.append(Problem("error", path.name, None, None, None,
                                f"The lines of the file hold more than {MAX_COLUMNS} cells each on average; a "
                                "table of the return has at most 15 columns. Check that it is the right file."))
        return None
    rows: list[list[str]] = []
    try:
        with no_gc():
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


def count_digits(column: pd.Series) -> pd.Series:
    """Whole counts as written ("007", "12.0") reduced to their digits ("7", "12") before any conversion.

    Why: a valid count may carry any number of leading zeros, and Python refuses to convert integer
    text of more than 4,300 digits, so "000...0" (5,000 zeros) crashed the conversion though it is 0.
    Text that is not a count is left as it is, for the checks to report.
    """
    text = column.astype(str).str.replace(r"\.0*$", "", regex=True).str.lstrip("0")
    return text.where(text != "", "0")


def typed_tables(raw: RawReturn) -> dict[str, pd.DataFrame]:
    """Validated text tables -> typed tables (counts as int64), columns in schema order."""
    out: dict[str, pd.DataFrame] = {}
    for name, frame in raw.tables.items():
        table = TABLES[name]
        typed = frame[list(table.columns)].copy()
        for col in table.counts:
            typed[col] = pd.to_numeric(count_digits(typed[col])).astype("int64")
        for col in table.columns:
            if col not in table.counts:
                typed[col] = typed[col].astype(str)
        out[name] = typed.sort_values(list(table.keys)).reset_index(drop=True)
    return out
