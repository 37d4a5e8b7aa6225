"""The good return every bad one is made from, and writers for both file formats."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import yaml

LA = "tiny"
PERIOD = "2024"
Rows = list[list[str]]

# Line numbers in comments: line 1 is the header.
GOOD: dict[str, Rows] = {
    "workforce": [
        ["service", "pay_band", "senior_manager", "regulated", "ethnicity", "headcount"],
        ["adults", "low", "no", "yes", "white_british", "40"],      # 2
        ["adults", "low", "no", "yes", "black_african", "20"],      # 3
        ["adults", "high", "yes", "no", "white_british", "12"],     # 4
        ["adults", "high", "no", "no", "asian_indian", "10"],       # 5
        ["children", "low", "no", "yes", "white_british", "30"],    # 6
        ["children", "low", "no", "yes", "black_african", "15"],    # 7
        ["children", "high", "yes", "no", "asian_indian", "11"],    # 8
    ],
    "recruitment": [
        ["service", "ethnicity", "shortlisted", "appointed"],
        ["adults", "white_british", "20", "5"],
        ["adults", "black_african", "10", "2"],
        ["adults", "asian_indian", "6", "1"],
        ["children", "white_british", "12", "3"],
        ["children", "black_african", "8", "2"],
        ["children", "asian_indian", "5", "1"],
    ],
    "events": [
        ["service", "ethnicity", "disciplinary", "ftp", "cpd", "leavers"],
        ["adults", "white_british", "2", "1", "10", "4"],
        ["adults", "black_african", "1", "1", "5", "2"],
        ["adults", "asian_indian", "0", "0", "3", "1"],
        ["children", "white_british", "1", "1", "8", "3"],
        ["children", "black_african", "1", "0", "4", "2"],
        ["children", "asian_indian", "0", "0", "2", "1"],
    ],
    "survey": [
        ["service", "ethnicity", "respondents", "hba_public", "hba_colleagues", "hba_managers"],
        ["adults", "white_british", "30", "5", "4", "3"],
        ["adults", "black_african", "12", "3", "2", "2"],
        ["adults", "asian_indian", "6", "1", "1", "0"],
        ["children", "white_british", "20", "4", "3", "2"],
        ["children", "black_african", "10", "2", "2", "1"],
        ["children", "asian_indian", "8", "1", "1", "1"],
    ],
    "population": [
        ["ethnicity", "population"],
        ["white_british", "5000"],
        ["black_african", "800"],
        ["asian_indian", "600"],
    ],
}
TOTAL_HEADCOUNT = 138

PARAMS_YAML = """\
name: Tiny Test Council
ons_code: E00000000
region: Nowhere
people:
  sponsors: [Director of Adult Social Services]
  programme_lead: EDI Lead
  staff_voice_lead: Staff Network Chair
  principal_social_workers: [Principal Social Worker]
pay_bands: [low, high]
senior_manager_definition: Heads of service and above
suppression_threshold: 1
periods:
  "2024":
    snapshot_date: 2024-09-30
    window_start: 2023-10-01
    window_end: 2024-09-30
    direct_employees: 138
    sources: [HR system]
    illustrative: true
"""


def tables() -> dict[str, Rows]:
    """A fresh, mutable copy of the good return."""
    return copy.deepcopy(GOOD)


def params() -> dict[str, Any]:
    """The good params as ``load_params`` would give them (defaults applied)."""
    from scwres.schema import PARAMS_DEFAULTS

    data = yaml.safe_load(PARAMS_YAML)
    merged = {**PARAMS_DEFAULTS, **data, "la": LA}
    merged["periods"] = {str(k): v for k, v in data["periods"].items()}
    return merged


def csv_bytes(rows: Rows, newline: str = "\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_csv_return(raw_dir: Path, return_tables: dict[str, Rows], period: str = PERIOD) -> Path:
    """``raw_dir/<la>/<period>/<table>.csv`` for each table given."""
    folder = raw_dir / LA / period
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in return_tables.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(rows))
    return folder


def write_xlsx_return(raw_dir: Path, return_tables: dict[str, Rows], period: str = PERIOD) -> Path:
    """``raw_dir/<la>/<period>/return.xlsx``, one sheet per table; digit cells stored as numbers like Excel."""
    from openpyxl import Workbook

    folder = raw_dir / LA / period
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for name, rows in return_tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([int(c) if c.isdigit() else c for c in row])
    path = folder / "return.xlsx"
    book.save(path)
    return path
