"""The quarterly progress update: a short, self-contained HTML page of what changed since the last one.

Councils report their plan every three months (Norfolk publishes a "winter
update", Bexley reviews at six months). The rule here is the simplest one a
reader can check: an update on ``AS_OF`` covers the three months before it -
the previous update is ``AS_OF`` minus 3 months, the next is due ``AS_OF``
plus 3 months (a month end that does not exist, e.g. 31 November, falls back
to the last day of the month). Params are unchanged: the cycle is a property
of the update, not of the council.

"What changed" compares the plan as it stood on the previous update date with
the plan on ``AS_OF`` (facts dated after a date are not known on it):
completed (or dropped), newly overdue, progress notes dated in the window, and
success measures met now that were not met then. The page uses only the
register, params and the metrics, never the clock, so the same inputs and date
give the same bytes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from typing import Any

from .. import paths
from ..intake.params import load_params
from ..limits import shown
from ..locks import remove_stale_temporaries, run_lock
from ..render import pages
from ..render.export import write_atomic
from ..render.pages import Inline, Meta
from .progress import Progress, next_period, periods_known, plan_progress, snapshot
from .register import ActionPlanError, NoActionPlanError, Register, read_register
from .render import (
    ACTION_HEADERS,
    SERVICE_WORDS,
    action_rows,
    long_date,
    measure_cell,
    measure_words,
    note_cell,
    status_cell,
    table,
    verdict_cell,
)
from .status import COMPLETE, DROPPED, OVERDUE, STATUS_ORDER, STATUS_WORDS, is_stale, stale_sentence

CYCLE_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 May - 3 months = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def previous_update(as_of: dt.date) -> dt.date:
    return add_months(as_of, -CYCLE_MONTHS)


def next_update(as_of: dt.date) -> dt.date:
    return add_months(as_of, CYCLE_MONTHS)


class NothingToReportError(ValueError):
    """The update is dated before any action entered the plan: a note, not a page of zeros."""


def parse_as_of(text: str) -> dt.date:
    """``yyyy-mm-dd`` to a date; anything else is a ValueError with a sentence a person can act on."""
    if isinstance(text, str) and not text.strip():
        raise ValueError("AS_OF is missing: give the date the progress update is for, written yyyy-mm-dd, "
                         "e.g. make update LA=<council> AS_OF=2023-02-28 (usually the last day of a quarter).")
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"AS_OF must be a date written yyyy-mm-dd (e.g. 2023-02-28), not '{shown(text)}'.")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"AS_OF '{text}' is not a day in the calendar; check the month and day.") from None
    if not 1900 <= day.year <= 9000:  # the update looks 3 months either side: keep well inside the calendar
        raise ValueError(f"AS_OF '{text}' is not a plausible date for a progress update; check the year.")
    return day


def update_path(la: str, as_of: dt.date, reports_root: Path | None = None) -> Path:
    """``reports/<la>/updates/<yyyy-mm-dd>.html``."""
    return (reports_root or paths.REPORTS_DIR) / la / "updates" / f"{as_of.isoformat()}.html"


def _item(p: Progress, extra: Inline) -> dict[str, Inline]:
    """One action in a "what changed" list: who and what, then what changed (``extra``)."""
    a = p.action
    return {"id": a.id, "action": a.action, "objective": a.objective, "lead": a.lead,
            "service": SERVICE_WORDS.get(a.service, a.service).lower(), "extra": extra}


def _illustrative(params: dict[str, Any]) -> bool:
    return any(bool(spec.get("illustrative")) for spec in params["periods"].values())


def update_html(la: str, as_of: dt.date, params: dict[str, Any], raw_dir: Path | None = None,
                register: Register | None = None) -> str:
    """The whole update page; raises NoActionPlanError / ActionPlanError when there is nothing sound to show."""
    register = register or read_register(la, params, raw_dir)
    if not register.exists:
        raise NoActionPlanError(f"There is no action plan for {la}: add {register.file} to data/raw/{la}/.")
    if register.errors:
        raise ActionPlanError(register.problems)
    before_day = previous_update(as_of)
    now = plan_progress(register, params, as_of, raw_dir=raw_dir)
    if register.actions and not now:
        first = min(snapshot(params, a.plan_period) for a in register.actions)
        raise NothingToReportError(
            f"nothing to report on {long_date(as_of)}: no action of {params.get('name', la)}'s plan had begun (the "
            f"first joins the plan with the {min(a.plan_period for a in register.actions)} data, snapshot "
            f"{long_date(first)}), so no update was written. Give an AS_OF on or after {first.isoformat()}.")
    then = {p.action.id: p for p in plan_progress(register, params, before_day, raw_dir=raw_dir)}

    def was(p: Progress) -> Progress | None:
        return then.get(p.action.id)

    name = str(params.get("name", la))
    completed = [_item(p, f"{status_cell(p)}. {note_cell(p)}") for p in now
                 if p.status in (COMPLETE, DROPPED) and (was(p) is None or was(p).status != p.status)]
    overdue = [_item(p, f"Was due {long_date(p.action.due)}. Latest note: {note_cell(p)}") for p in now
               if p.status == OVERDUE and (was(p) is None or was(p).status != OVERDUE)]
    notes = [_item(p, [note_cell(p), " ", Meta(f"Status: {status_cell(p)}.")]) for p in now
             if p.note is not None and p.note[1] > before_day
             and not (p.status in (COMPLETE, DROPPED) and (was(p) is None or was(p).status != p.status))]
    newly_met = [_item(p, measure_cell(p)) for p in now
                 if p.measure is not None and p.measure.state == "met"
                 and (was(p) is None or was(p).measure is None or was(p).measure.state != "met")]
    coming = [_item(p, f"{status_cell(p)}.") for p in now
              if p.status not in (COMPLETE, DROPPED, OVERDUE) and as_of < p.action.due <= next_update(as_of)]
    listed = {p.action.id for p in now}  # a public page: the reader's sentence, not the register's file and line
    warnings = [stale_sentence(a, as_of) for a in register.actions if a.id in listed and is_stale(a, as_of)]

    known = periods_known(params, as_of)
    upcoming = next_period(params, as_of)
    data_note = (f"The latest SC-WRES data on {long_date(as_of)} are for {known[-1]} "
                 f"(snapshot {long_date(snapshot(params, known[-1]))})." if known else
                 "No SC-WRES data had been collected by this date.")
    if upcoming:
        data_note += (f" The {upcoming} data (snapshot {long_date(snapshot(params, upcoming))}) will show whether "
                      "the success measures are being met.")
    else:
        data_note += " The next data return will show whether the measures still hold."
    measured = [p for p in now if p.action.success_measure is not None]
    measures_rows = [[p.action.id, measure_words(p.action.success_measure), verdict_cell(p)]
                     for p in measured if p.action.success_measure is not None]

    counts_now = {s: sum(1 for p in now if p.status == s) for s in STATUS_ORDER}
    counts_then = {s: sum(1 for p in then.values() if p.status == s) for s in STATUS_ORDER}
    glance = table(f"Actions by status on {long_date(as_of)} and at the previous update ({long_date(before_day)})",
                   ("Status", f"On {long_date(as_of)}", f"On {long_date(before_day)}"),
                   [[STATUS_WORDS[s], str(counts_now[s]), str(counts_then[s])] for s in STATUS_ORDER]
                   + [["All actions in the plan", str(len(now)), str(len(then))]], numeric=(1, 2))
    objectives = []
    for objective in register.objectives:
        group = [p for p in now if p.action.objective == objective]
        if group:
            objectives.append((objective, table(f"Actions for the objective: {objective}", ACTION_HEADERS,
                                                action_rows(group))))
    return pages.render(
        "update.html.j2", title=f"{name}: race equality action plan progress update, {long_date(as_of)}",
        illustrative=_illustrative(params), name=name, as_of=long_date(as_of),
        since=long_date(before_day + dt.timedelta(days=1)), previous=long_date(before_day),
        next=long_date(next_update(as_of)), glance=glance, completed=completed, overdue=overdue, notes=notes,
        newly_met=newly_met, coming=coming, warnings=warnings, data_note=data_note,
        measures=table(f"Success measures on {long_date(as_of)}", ("Action", "Target", "Result"), measures_rows)
        if measures_rows else None, objectives=objectives)


def write_update(la: str, as_of: dt.date | str, params_dir: Path | None = None, raw_dir: Path | None = None,
                 reports_root: Path | None = None) -> Path:
    """Build and publish ``reports/<la>/updates/<as_of>.html`` atomically; return its path."""
    day = parse_as_of(as_of) if isinstance(as_of, str) else as_of
    params = load_params(la, params_dir)
    target = update_path(la, day, reports_root)
    with run_lock(paths.BUILD_DIR / la / "updates", f"{la} progress updates"):
        remove_stale_temporaries(target.parent)  # left by a run that was killed while writing
        write_atomic(target, update_html(la, day, params, raw_dir))
    return target


def update_command(la: str, as_of: str) -> int:
    """``python -m scwres update``: write the page, or say plainly what is wrong; returns the exit code."""
    import sys

    from ..problems import ReturnError, UnknownCouncilError

    try:
        day = parse_as_of(as_of)
        target = write_update(la, day)
    except NothingToReportError as exc:
        print(f"note: {exc}", file=sys.stderr)
        return 2
    except (ValueError, UnknownCouncilError, NoActionPlanError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ActionPlanError, ReturnError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    shown = target.relative_to(paths.ROOT) if target.is_relative_to(paths.ROOT) else target
    print(f"Progress update written to {shown}")
    return 0
