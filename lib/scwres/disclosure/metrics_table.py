"""One council's metrics table for a period, as ``metrics.csv`` holds it: figures, trend and ``[c]`` flags.

Joins params and returns so the notebooks, the batch runner and the tests
compute a period's metrics the same way, trend included. The figures come from
``metrics.calculate`` (which knows nothing of publication); which rows a public
report hides is decided here by ``disclosure.suppression``, after the
calculation, so dependencies run one way down the flow. The plan is kept with
the table (``frame.attrs``) and written beside ``metrics.csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..intake.params import previous_period
from ..metrics.calculate import COLUMNS, add_trends, metric_rows
from ..problems import ReturnError
from ..validate.validation import load_return, trend_refusal
from . import rollup_requests
from .suppression import PlanRef, report_plan, row_flags, write_plan

FLOAT_COLUMNS = ("rate_me", "rate_white", "value", "ci_low", "ci_high", "p_value")  # blank where undefined


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
    from ..paths import return_dir, rollup_requests_file

    folders = [return_dir(la, p, raw_dir) for p in (period, previous_period(params, period)) if p is not None]
    requests = rollup_requests_file(la, period)  # what the roll-up asked this report to hide changes the plan
    key = ("calculate", la, str(period), tuple(str(f.resolve()) for f in folders),
           memo.files_digest([x for f in folders for x in (f, f.with_suffix(".xlsx"))] + [requests]),
           memo.canonical(params))
    return memo.cached(key, lambda: _calculate(la, period, params, raw_dir))


def _calculate(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> pd.DataFrame:
    """``calculate`` without the cache."""
    tables = load_return(la, period, raw_dir, params=params)
    refused = trend_refusal(la, period, params, raw_dir)  # the earlier return is checked like this one
    earlier = None if refused else previous_tables(la, period, params, raw_dir)
    return metrics_table(la, period, tables, params, earlier, trend_refused=refused)


def metrics_table(la: str, period: str, tables: dict[str, pd.DataFrame], params: dict[str, Any],
                  previous_tables: dict[str, pd.DataFrame] | None = None, trend_refused: str | None = None
                  ) -> pd.DataFrame:
    """The metrics table for one council and period, sorted and with every contract column.

    ``trend_refused``: why the previous period's return cannot be used (it fails its checks); every
    trend is then ``not_assessed``, never a trend computed from a return that failed.
    """
    rows = metric_rows(tables, params)
    previous = metric_rows(previous_tables, params) if previous_tables is not None else None
    add_trends(rows, previous)
    if trend_refused:
        for row in rows:
            if row["_rl"] is not None:
                row["trend"] = "not_assessed"
    frame = pd.DataFrame(rows).drop(columns="_rl")
    frame.insert(0, "la", la)
    frame.insert(1, "period", str(period))
    plan = report_plan(frame, params, tables, rollup_requests.read(la, str(period)))
    frame["suppressed"] = row_flags(frame, plan)
    frame = frame.sort_values(["service", "metric", "breakdown"], kind="stable").reset_index(drop=True)[COLUMNS]
    frame.attrs["disclosure_plan"] = PlanRef(plan)  # written beside metrics.csv for roll-ups and later periods
    return frame


def write_metrics_csv(frame: pd.DataFrame, path, with_plan: bool = True) -> None:
    """Byte-stable CSV: full float precision, blanks for undefined, ``true``/``false`` flags.

    ``with_plan``: also write the disclosure plan beside it (``disclosure-plan.json``), which later
    periods and the national and regional pages build on.
    """
    ref = frame.attrs.get("disclosure_plan")
    if with_plan and ref is not None and isinstance(path, (str, Path)):  # beside a file, not a buffer
        write_plan(ref.plan, Path(path).parent)
    out = frame.copy()
    out.attrs = {}
    out["suppressed"] = out["suppressed"].map({True: "true", False: "false"})
    for col in FLOAT_COLUMNS:
        out[col] = [("" if v is None or v != v else repr(float(v))) for v in out[col]]
    out.to_csv(path, index=False, lineterminator="\n")


def read_metrics_csv(path) -> pd.DataFrame:
    """Read a metrics table back with the types the report needs."""
    frame = pd.read_csv(path, dtype={"period": str, "assessment": str, "trend": str}, keep_default_na=False,
                        na_values={c: [""] for c in FLOAT_COLUMNS})
    frame["suppressed"] = frame["suppressed"].map({"true": True, "false": False, True: True, False: False})
    return frame
