"""The annual report's "Action plan progress" section and the per-metric "what is being done" note.

Both return HTML strings with every register and params string escaped; the
report notebook only places them. Which date the annual report uses: unless
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
from .progress import Progress, plan_progress
from .register import Register, read_register
from .render import ACTION_HEADERS, SERVICE_WORDS, action_rows, esc, long_date, measure_cell, status_cell, table
from .status import STATUS_ORDER, STATUS_WORDS, is_stale

HEADING = '<h2 id="action-plan">Action plan progress</h2>'  # the report's contents list links here


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


def errors_note(register: Register, audience: str = "public") -> str:
    """A reader's sentence: the plan could not be read. Where the errors are (file, line, column) is for
    the analyst, on the data-quality page and the console (``analyst_problems``), never on this page."""
    where = (" The council's data team has the list of what to correct on the data quality page."
             if audience == "internal" else "")
    return ("<p>The action plan could not be read, so its progress is not shown in this report. The figures in "
            f"this report are not affected.{where}</p>")


def no_plan_note(la: str, params: dict[str, Any]) -> str:
    return f"<p>No action plan has been recorded for {esc(params.get('name', la))} with this report.</p>"


def analyst_problems(la: str, params: dict[str, Any], raw_dir: Path | None = None) -> list[Problem]:
    """The register's errors, with file, line and column, for the data-quality page and the console."""
    register = read_register(la, params, raw_dir)
    return list(register.problems) if register.exists else []


def summary_table(items: list[Progress], day: dt.date) -> str:
    counts = {s: sum(1 for p in items if p.status == s) for s in STATUS_ORDER}
    rows = [[esc(STATUS_WORDS[s]), str(counts[s])] for s in STATUS_ORDER if counts[s]]
    rows.append(["All actions", str(len(items))])
    return table(f"Actions by status on {long_date(day)}", ("Status", "Actions"), rows, numeric=(1,))


def action_plan_section(la: str, period: str, params: dict[str, Any], as_of: dt.date | None = None,
                        audience: str = "public", raw_dir: Path | None = None) -> str:
    """``<h2>Action plan progress</h2>``, a summary, then one ``<h3>`` and table per objective."""
    register, items, day = _load(la, str(period), params, as_of, audience, raw_dir)
    if not register.exists:
        return HEADING + no_plan_note(la, params)
    if register.errors:
        return HEADING + errors_note(register, audience)
    if not items:
        return HEADING + (f"<p>No actions in the action plan respond to the {esc(period)} data or earlier "
                          "yet.</p>")
    plans = sorted({p.action.plan_period for p in items})
    which = plans[0] if len(plans) == 1 else ", ".join(plans[:-1]) + " and " + plans[-1]
    why = " (the snapshot date of this report)" if as_of is None else ""
    intro = (f"<p>Progress on {len(items)} action{'s' if len(items) != 1 else ''} from the action plan "
             f"responding to the {esc(which)} data, as at {esc(long_date(day))}{why}. "
             "Status is worked out from each action's dates: <strong>overdue</strong> means past "
             "its due date and not complete; <strong>due soon</strong> means due within 30 days. A success "
             "measure is judged only on data collected after the plan was made.</p>")
    parts = [HEADING, intro, summary_table(items, day)]
    stale = [p for p in items if is_stale(p.action, day)]
    if stale:  # a reader's sentence; the register's file and line are for the data-quality page
        parts.append("<p>Overdue actions with no progress note for more than 90 days:</p><ul>" + "".join(
            f"<li>{esc(p.action.id)}: {esc(p.action.action)} (overdue since {esc(long_date(p.action.due))}; "
            + (f"last note {esc(long_date(p.note[1]))}" if p.note else "no progress note yet") + ").</li>"
            for p in stale) + "</ul>")
    for objective in register.objectives:
        group = [p for p in items if p.action.objective == objective]
        if not group:
            continue
        parts.append(f"<h3>{esc(objective)}</h3>")
        parts.append(table(f"Actions for the objective: {objective}", ACTION_HEADERS, action_rows(group)))
    return "".join(parts)


def metric_actions_html(la: str, metric: str, period: str, params: dict[str, Any], as_of: dt.date | None = None,
                        audience: str = "public", raw_dir: Path | None = None) -> str:
    """A short ``<p>`` and ``<ul>`` of the actions that target ``metric``; "" when there are none."""
    register, items, _ = _load(la, str(period), params, as_of, audience, raw_dir)
    if not register.exists:
        return ""
    if register.errors:
        return ("<p>The action plan could not be read, so the actions on this measure are not shown; see "
                '<a href="#action-plan">Action plan progress</a>.</p>')
    targeting = [p for p in items if metric in p.action.metrics]
    if not targeting:
        return ""
    lines = []
    for p in targeting:
        service = SERVICE_WORDS.get(p.action.service, p.action.service).lower()
        text = f"{esc(p.action.id)}: {esc(p.action.action)} ({esc(service)}). {status_cell(p)}."
        if p.action.success_measure is not None:
            text += f" Success measure: {measure_cell(p)}."
        lines.append(f"<li>{text}</li>")
    return (f"<p>What is being done about this ({len(targeting)} action{'s' if len(targeting) != 1 else ''} "
            f"in the action plan):</p><ul>{''.join(lines)}</ul>")
