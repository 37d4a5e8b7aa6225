"""The annual report's "Action plan progress" section and the per-metric "what is being done" note.

Both are rendered from templates (``templates/pages/report/action-plan.html.j2``
and ``metric-actions.html.j2``), which escape every register and params string;
the report notebook only places them. Which date the annual report uses: unless
``as_of`` is given, the period's ``snapshot_date`` from params, because the
report describes the organisation at that date, and using it (never the
clock) keeps the report byte-identical from run to run. The plan shown is
every action whose ``plan_period`` is this period or earlier; "now" values
come from the latest period after the plan period up to ``as_of`` (see
``progress``).

A faulty register never stops the report of the return: the section becomes
a short note saying where the errors are, and the per-metric note points to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..problems import Problem
from ..render import pages
from ..render.pages import Inline, Table
from .progress import Progress, plan_progress
from .register import Register, read_register
from .render import ACTION_HEADERS, SERVICE_WORDS, action_rows, long_date, measure_cell, status_cell, table
from .status import STATUS_ORDER, STATUS_WORDS, is_stale

SECTION = "report/action-plan.html.j2"  # its <h2 id="action-plan"> is what the report's contents list links to


def report_as_of(period: str, params: dict[str, Any], as_of: dt.date | None = None) -> dt.date:
    """The date the annual report judges the plan on: ``as_of`` or the period's snapshot date."""
    return as_of or params["periods"][str(period)]["snapshot_date"]


def _load(la: str, period: str, params: dict[str, Any], as_of: dt.date | None, audience: str,
          raw_dir: Path | None) -> tuple[Register, list[Progress], dt.date]:
    """The register and each action's progress, worked out once per report, not once per measure.

    The report asks for it for each of its nine measures and for the section; it depends only on the
    council's folder (register and returns), the params and the date, so ``scwres.memo`` keeps it while
    those are unchanged.
    """
    from .. import memo
    from ..paths import RAW_DIR

    folder = (raw_dir or RAW_DIR) / la
    key = ("action_plan", la, str(period), str(as_of), audience, str(folder.resolve()),
           memo.files_digest([folder]), memo.canonical(params))
    return memo.cached(key, lambda: _load_fresh(la, period, params, as_of, audience, raw_dir))


def _load_fresh(la: str, period: str, params: dict[str, Any], as_of: dt.date | None, audience: str,
                raw_dir: Path | None) -> tuple[Register, list[Progress], dt.date]:
    """``_load`` without the cache."""
    day = report_as_of(period, params, as_of)
    register = read_register(la, params, raw_dir)
    items = [] if register.errors else [p for p in plan_progress(register, params, day, audience, raw_dir)
                                        if p.action.plan_period <= str(period)]
    return register, items, day


def analyst_problems(la: str, params: dict[str, Any], raw_dir: Path | None = None) -> list[Problem]:
    """The register's errors, with file, line and column, for the data-quality page and the console."""
    register = read_register(la, params, raw_dir)
    return list(register.problems) if register.exists else []


def summary_table(items: list[Progress], day: dt.date) -> Table:
    counts = {s: sum(1 for p in items if p.status == s) for s in STATUS_ORDER}
    rows: list[list[Inline]] = [[STATUS_WORDS[s], str(counts[s])] for s in STATUS_ORDER if counts[s]]
    rows.append(["All actions", str(len(items))])
    return table(f"Actions by status on {long_date(day)}", ("Status", "Actions"), rows, numeric=(1,))


def action_plan_section(la: str, period: str, params: dict[str, Any], as_of: dt.date | None = None,
                        audience: str = "public", raw_dir: Path | None = None) -> str:
    """``<h2>Action plan progress</h2>``, a summary, then one ``<h3>`` and table per objective.

    A plan that cannot be read gets a reader's sentence only: where the errors are (file, line, column)
    is for the analyst, on the data-quality page and the console (``analyst_problems``), never here.
    """
    register, items, day = _load(la, str(period), params, as_of, audience, raw_dir)
    view: dict[str, Any] = {"council": params.get("name", la), "period": period, "internal": audience == "internal"}
    if not register.exists:
        return pages.render(SECTION, state="no_plan", **view)
    if register.errors:
        return pages.render(SECTION, state="errors", **view)
    if not items:
        return pages.render(SECTION, state="empty", **view)
    plans = sorted({p.action.plan_period for p in items})
    objectives = []
    for objective in register.objectives:
        group = [p for p in items if p.action.objective == objective]
        if group:
            objectives.append((objective, table(f"Actions for the objective: {objective}", ACTION_HEADERS,
                                                action_rows(group))))
    return pages.render(
        SECTION, state="plan", **view, n=len(items), day=long_date(day), summary=summary_table(items, day),
        plans=plans[0] if len(plans) == 1 else ", ".join(plans[:-1]) + " and " + plans[-1],
        why=" (the snapshot date of this report)" if as_of is None else "", objectives=objectives,
        # a reader's words; the register's file and line are for the data-quality page
        stale=[(p.action.id, p.action.action, long_date(p.action.due), long_date(p.note[1]) if p.note else None)
               for p in items if is_stale(p.action, day)])


def metric_actions_html(la: str, metric: str, period: str, params: dict[str, Any], as_of: dt.date | None = None,
                        audience: str = "public", raw_dir: Path | None = None) -> str:
    """A short ``<p>`` and ``<ul>`` of the actions that target ``metric``; "" when there are none."""
    register, items, _ = _load(la, str(period), params, as_of, audience, raw_dir)
    if not register.exists:
        return ""
    if register.errors:
        return pages.render("report/metric-actions.html.j2", errors=True)
    targeting = [p for p in items if metric in p.action.metrics]
    if not targeting:
        return ""
    lines: list[Inline] = []
    for p in targeting:
        service = SERVICE_WORDS.get(p.action.service, p.action.service).lower()
        line: list[Inline] = [f"{p.action.id}: {p.action.action} ({service}). {status_cell(p)}."]
        if p.action.success_measure is not None:
            line += [" Success measure: ", measure_cell(p), "."]
        lines.append(line)
    return pages.render("report/metric-actions.html.j2", errors=False, items=lines)
