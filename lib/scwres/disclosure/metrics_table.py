"""One council's workbook: the periods it holds and its metrics for any of them.

Joins params and returns so the notebooks, the batch runner and the tests
compute a period's metrics the same way, trend included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..intake.params import previous_period
from ..problems import ReturnError
from ..validate.validation import load_return
from .metrics_table import metrics_table


def previous_tables(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None
                    ) -> dict[str, pd.DataFrame] | None:
    """The previous period's return (for trends), or None when there is none or it has errors."""
    before = previous_period(params, period)
    if before is None:
        return None
    try:
        return load_return(la, before, raw_dir, params=params)
    except ReturnError:
        return None


def calculate(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> pd.DataFrame:
    """The metrics table for one council and period, trend against the previous period.

    Kept (``memo``) while this period's and the previous period's return files and the params are
    unchanged: one report asks for the same periods' metrics several times (trend, action plan).
    """
    from .. import memo
    from ..paths import return_dir

    folders = [return_dir(la, p, raw_dir) for p in (period, previous_period(params, period)) if p is not None]
    key = ("calculate", la, str(period), tuple(str(f.resolve()) for f in folders),
           memo.files_digest([x for f in folders for x in (f, f.with_suffix(".xlsx"))]), memo.canonical(params))
    return memo.cached(key, lambda: _calculate(la, period, params, raw_dir))


def _calculate(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> pd.DataFrame:
    """``calculate`` without the cache."""
    tables = load_return(la, period, raw_dir, params=params)
    return metrics_table(la, period, tables, params, previous_tables(la, period, params, raw_dir))
