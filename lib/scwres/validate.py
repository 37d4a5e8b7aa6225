"""Validation of one return against its params: every problem, errors and warnings.

The notebooks and the batch runner call ``validate_return``; how the checks
are done (pandas checks, great-expectations suites) stays behind this module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .checks import check_return
from .load import read_return
from .problems import Problem, ReturnError


def validate_return(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> list[Problem]:
    """Every problem in the return for ``la`` and ``period``."""
    raw = read_return(la, period, raw_dir)
    return check_return(raw, pay_bands=params["pay_bands"])


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


def raise_on_errors(problems: list[Problem]) -> None:
    """Stop the run (and papermill) when the return has errors."""
    if any(p.severity == "error" for p in problems):
        raise ReturnError(problems)
