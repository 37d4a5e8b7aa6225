"""Validation of one return against its params: every problem, errors and warnings.

The notebooks and the batch runner call ``validate_return``; how the checks
are done (pandas checks, great-expectations suites) stays behind this module.
Errors come first from reading and the rules; warnings are only worked out
for a return without errors, because they need its figures as numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .checks import check_return
from .load import read_return, typed_tables
from .params import check_period_folders
from .problems import Problem, ReturnError
from .return_warnings import return_warnings
from .schema import TABLES

_FILE_ORDER = {table.filename: i for i, table in enumerate(TABLES.values())}


def validate_return(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> list[Problem]:
    """Every problem in the return for ``la`` and ``period`` (and in the periods params list)."""
    period = str(period)
    problems = check_period_folders(la, params, raw_dir)
    raw = read_return(la, period, raw_dir)
    problems += check_return(raw, pay_bands=params["pay_bands"], params=params)
    if not any(p.severity == "error" for p in problems):
        problems += return_warnings(raw, typed_tables(raw), params, raw_dir)
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Params first, then the tables in contract order, each by line: the order an analyst fixes them."""
    def key(p: Problem) -> tuple[int, str, str, int, str]:
        rank = -1 if p.file.startswith("params/") else _FILE_ORDER.get(p.file, len(_FILE_ORDER))
        sheet_rank = str(list(TABLES).index(p.sheet)) if p.sheet in TABLES else (p.sheet or "")
        return (rank, p.file, sheet_rank, p.line or 0, p.column or "")

    return sorted(problems, key=key)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table for the notebook and the data quality page."""
    columns = ["severity", "file", "sheet", "line", "column", "value", "message"]
    return pd.DataFrame([p.as_dict() for p in problems], columns=columns)


def write_problems(problems: list[Problem], build: Path) -> Path:
    """problems.json in the build folder, read by the command line to explain a failure."""
    build.mkdir(parents=True, exist_ok=True)
    path = build / "problems.json"
    data = [{**p.as_dict(), "where": p.where()} for p in problems]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def read_problems(build: Path) -> list[Problem] | None:
    """The problems a run wrote, or None when validation did not get that far."""
    path = build / "problems.json"
    if not path.exists():
        return None
    fields = Problem.__dataclass_fields__
    return [Problem(**{k: v for k, v in item.items() if k in fields})
            for item in json.loads(path.read_text(encoding="utf-8"))]


def raise_on_errors(problems: list[Problem]) -> None:
    """Stop the run (and papermill) when the return has errors."""
    if any(p.severity == "error" for p in problems):
        raise ReturnError(problems)
