"""Joining the register to the metrics: which actions are in the plan on a date, and what the numbers say.

Rules, chosen so that "is it working?" is only answered by data collected
after the plan was made:

- an action belongs to the plan on ``as_of`` when the data it responds to
  existed then: its ``plan_period``'s snapshot date is on or before ``as_of``;
- the "before" value of a metric is the ``plan_period``'s value; the "now"
  value is the latest period *after* the plan period whose snapshot date is on
  or before ``as_of``. With no such period the measure is "not yet measurable"
  and the page says when the next data are due;
- values are for the action's service (``adults``, ``children`` or ``all``),
  breakdown ``overall`` (m1: the top pay band, see ``measures``);
- metrics come from ``scwres.disclosure.metrics_table.calculate`` (pure Python), kept while
  the return files and params are unchanged (``scwres.memo``); a period whose return has errors simply
  has no values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..disclosure.metrics_table import calculate
from ..intake.params import period_list
from ..problems import ReturnError
from .measures import MeasureResult, MetricValue, evaluate, metric_value
from .register import Action, Register
from .status import note_on, status


def metrics_for(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> pd.DataFrame | None:
    """The period's metrics table, or None when its return cannot be used.

    ``calculate`` keeps its results while the return files and params are unchanged (``scwres.memo``), so
    asking again costs a hash of the files, and an edited return (``make preview``) is read afresh.
    """
    try:
        return calculate(la, str(period), params, raw_dir)
    except (ReturnError, FileNotFoundError):
        return None


def clear_cache() -> None:
    """Forget computed metrics (tests that rewrite a return call this)."""
    from .. import memo

    memo.clear()


def snapshot(params: dict[str, Any], period: str) -> dt.date:
    return params["periods"][str(period)]["snapshot_date"]


def periods_known(params: dict[str, Any], as_of: dt.date) -> list[str]:
    """Periods whose snapshot date is on or before ``as_of``, oldest first."""
    return [p for p in period_list(params) if snapshot(params, p) <= as_of]


def next_period(params: dict[str, Any], as_of: dt.date) -> str | None:
    """The first period whose data are not in yet on ``as_of``."""
    later = [p for p in period_list(params) if snapshot(params, p) > as_of]
    return later[0] if later else None


def in_plan(action: Action, params: dict[str, Any], as_of: dt.date) -> bool:
    return snapshot(params, action.plan_period) <= as_of


@dataclass(frozen=True)
class Progress:
    """Everything a page shows about one action on one date."""

    action: Action
    as_of: dt.date
    status: str
    note: tuple[str, dt.date] | None
    now_period: str | None  # None: no data since the plan was made
    before: tuple[MetricValue, ...]  # each named metric at plan_period
    now: tuple[MetricValue, ...]  # each named metric at now_period (empty when none)
    measure: MeasureResult | None  # None when the action has no success measure


def progress(action: Action, params: dict[str, Any], as_of: dt.date, audience: str = "public",
             raw_dir: Path | None = None) -> Progress:
    """Status, latest note, before/now values and the measure verdict for one action on ``as_of``."""
    la, bands = params["la"], params["pay_bands"]
    later = [p for p in periods_known(params, as_of) if p > action.plan_period]
    now_period = later[-1] if later else None
    base = metrics_for(la, action.plan_period, params, raw_dir)
    now = metrics_for(la, now_period, params, raw_dir) if now_period else None
    before_values = tuple(metric_value(base, m, action.service, bands, audience=audience)
                          for m in action.metrics) if base is not None else ()
    now_values = tuple(metric_value(now, m, action.service, bands, audience=audience)
                       for m in action.metrics) if now is not None else ()
    result = None
    if action.success_measure is not None:
        if now_period is None:
            result = MeasureResult("not_measurable", (), "no data since the plan was made")
        else:
            result = evaluate(action.success_measure, now, action.service, bands, audience)
    return Progress(action, as_of, status(action, as_of), note_on(action, as_of), now_period,
                    before_values, now_values, result)


def plan_progress(register: Register, params: dict[str, Any], as_of: dt.date, audience: str = "public",
                  raw_dir: Path | None = None) -> list[Progress]:
    """Progress of every action in the plan on ``as_of``, in register order."""
    return [progress(a, params, as_of, audience, raw_dir) for a in register.actions if in_plan(a, params, as_of)]
