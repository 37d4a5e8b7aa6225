"""The action plan register: reading ``data/raw/<la>/action_plan.csv`` (or an ``actions`` sheet) and checking it.

The register is held next to the data so the report can say, for each
metric, what is being done about it. It is checked the way a return is - every
fault collected, each with file, line, column, value and a sentence saying what
to change - because the same analyst fixes both. It is a separate register: a
fault here never stops the annual report of the return.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..intake.load import read_csv_text, read_return
from ..intake.params import period_list
from ..intake.raw_return import LINE
from ..intake.xlsx import find_workbook
from ..limits import shown
from ..problems import Problem
from .measures import METRIC_IDS, Measure, MeasureSyntaxError, parse_measure

FILENAME = "action_plan.csv"
SHEET = "actions"
COLUMNS: tuple[str, ...] = (
    "id", "objective", "action", "metrics", "theme", "service", "lead", "plan_period", "start", "due",
    "status", "completed_on", "success_measure", "last_update", "updated_on",
)
REQUIRED: tuple[str, ...] = ("id", "objective", "action", "theme", "service", "lead", "plan_period", "start",
                             "due", "status")
DATE_COLUMNS: tuple[str, ...] = ("start", "due", "completed_on", "updated_on")
THEMES: tuple[str, ...] = ("leadership", "staff_voice", "culture", "progression", "recruitment_retention",
                           "performance_fairness", "community")
SERVICES: tuple[str, ...] = ("adults", "children", "all")
STATUSES: tuple[str, ...] = ("not_started", "in_progress", "complete", "dropped")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MAX_ACTIONS = 1000  # real plans hold tens of actions


class ActionPlanError(Exception):
    """The register has errors; carries every problem so the update command can list them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        listed = "\n".join(f"  {p.described()}" for p in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"The action plan has {len(errors)} error(s); nothing was published:\n{listed}{more}")


class NoActionPlanError(Exception):
    """The council has no action plan register."""


@dataclass(frozen=True)
class Action:
    """One row of the register, typed; ``line`` is where it sits in the file for messages."""

    id: str
    objective: str
    action: str
    metrics: tuple[str, ...]
    theme: str
    service: str
    lead: str
    plan_period: str
    start: dt.date
    due: dt.date
    status: str
    completed_on: dt.date | None
    success_measure: Measure | None
    last_update: str
    updated_on: dt.date | None
    line: int


@dataclass
class Register:
    """A council's action plan as read: actions that passed, every problem, and where it came from."""

    la: str
    source: Path | None
    file: str
    sheet: str | None = None
    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def exists(self) -> bool:
        return self.source is not None

    @property
    def objectives(self) -> list[str]:
        """Objectives in the order the register first names them (the plan's own order)."""
        return list(dict.fromkeys(a.objective for a in self.actions))


def register_path(la: str, raw_dir: Path | None = None) -> Path:
    """``data/raw/<la>/action_plan.csv``: beside the period folders, since a plan spans periods."""
    return (raw_dir or paths.RAW_DIR) / la / FILENAME


def read_register(la: str, params: dict[str, Any], raw_dir: Path | None = None) -> Register:
    """Read and check the council's register; a missing register gives ``exists == False``, not an error.

    The CSV wins; otherwise the newest period workbook with an ``actions`` sheet
    is used (the loader keeps that sheet in ``RawReturn.extra_sheets``).
    """
    path = register_path(la, raw_dir)
    if path.exists():
        register = Register(la, path, path.name)
        frame = read_csv_text(path, register.problems)
    else:
        register, frame = _from_workbook(la, params, raw_dir)
        if frame is None and not register.problems:
            return register
    if frame is not None:
        actions, problems = check_frame(frame, register.file, register.sheet, params)
        register.actions = actions
        register.problems.extend(problems)
    return register


def _from_workbook(la: str, params: dict[str, Any], raw_dir: Path | None) -> tuple[Register, pd.DataFrame | None]:
    for period in reversed(period_list(params)):
        book = find_workbook(paths.return_dir(la, period, raw_dir))
        if book is None:
            continue
        raw = read_return(la, period, raw_dir)
        if SHEET in raw.extra_sheets:
            sheet_problems = [p for p in raw.problems if p.sheet == SHEET]
            return Register(la, book, book.name, SHEET, problems=sheet_problems), raw.extra_sheets[SHEET]
    return Register(la, None, FILENAME), None


def parse_date(text: str) -> dt.date | None:
    """``yyyy-mm-dd`` only: one unambiguous form (01/02/2023 means different days to different people)."""
    if not DATE_PATTERN.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_frame(frame: pd.DataFrame, file: str, sheet: str | None, params: dict[str, Any]
                ) -> tuple[list[Action], list[Problem]]:
    """Every fault in a text frame of the register, and the actions of the rows without errors."""
    problems: list[Problem] = []
    n_errors = 0  # kept as a count: rescanning the problems per row made many bad rows quadratic

    def add(line: int | None, column: str | None, value: object, message: str, severity: str = "error") -> None:
        nonlocal n_errors
        n_errors += severity == "error"
        problems.append(Problem(severity, file, line, column, None if value is None else shown(value), message,
                                sheet))

    header = [c for c in frame.columns if c != LINE]
    for column in COLUMNS:
        if column not in header:
            add(1, column, None, f"The column '{column}' is missing; the register needs the columns "
                                 f"{', '.join(COLUMNS)}.")
    for column in header:
        if column not in COLUMNS:
            add(1, column, column, f"'{column}' is not a column of the action plan; check the spelling or "
                                   "remove it.")
    if problems:
        return [], problems
    if len(frame) > MAX_ACTIONS:  # every page judges every action: a register this long is not a plan
        add(int(frame[LINE].iloc[MAX_ACTIONS]), None, None,
            f"The action plan has {len(frame):,} actions; it may have at most {MAX_ACTIONS:,}. Check that it is the "
            "right file, or split the plan.")
        return [], problems
    periods = period_list(params)
    bands = list(params.get("pay_bands", []))
    seen: dict[str, int] = {}
    actions: list[Action] = []
    for record in frame.to_dict("records"):
        line = int(record[LINE])
        row = {c: str(record[c]).strip() for c in COLUMNS}
        before = n_errors
        for column in REQUIRED:
            if not row[column]:
                add(line, column, "", f"{column} is empty; every action needs one.")
        ident = row["id"]
        if ident and not ID_PATTERN.match(ident):
            add(line, "id", ident, "An id is a short code of letters, digits, '.', '-' or '_' (e.g. A3).")
        elif ident in seen:
            add(line, "id", ident, f"The id '{ident}' is already used on line {seen[ident]}; ids must be unique.")
        elif ident:
            seen[ident] = line
        for column, allowed in (("theme", THEMES), ("service", SERVICES), ("status", STATUSES)):
            if row[column] and row[column] not in allowed:
                add(line, column, row[column],
                    f"'{shown(row[column])}' is not a {column}; use one of {', '.join(allowed)}.")
        metric_ids = tuple(dict.fromkeys(m.strip() for m in row["metrics"].split(";") if m.strip()))
        unknown = [m for m in metric_ids if m not in METRIC_IDS]
        if unknown:  # the first one, and how many more: one cell must not make thousands of problems
            more = f" ({len(unknown) - 1} more in this cell are not metric ids either)" if len(unknown) > 1 else ""
            add(line, "metrics", unknown[0], f"'{shown(unknown[0])}' is not a metric id{more}; use "
                                             f"{', '.join(METRIC_IDS)}, separated by ';'.")
        if row["plan_period"] and row["plan_period"] not in periods:
            add(line, "plan_period", row["plan_period"],
                f"The plan period '{shown(row['plan_period'])}' is not a period in params ({', '.join(periods)}).")
        dates: dict[str, dt.date | None] = {}
        for column in DATE_COLUMNS:
            dates[column] = parse_date(row[column]) if row[column] else None
            if row[column] and dates[column] is None:
                add(line, column, row[column], f"'{shown(row[column])}' is not a date; write it as yyyy-mm-dd "
                                               "(e.g. 2023-03-31).")
        if dates["start"] and dates["due"] and dates["due"] < dates["start"]:
            add(line, "due", row["due"], f"The due date {row['due']} is before the start {row['start']}.")
        if row["status"] == "complete" and not row["completed_on"]:
            add(line, "completed_on", "", "The action is complete but completed_on is empty; add the date it "
                                          "was completed.")
        if row["completed_on"] and row["status"] and row["status"] != "complete":
            add(line, "completed_on", row["completed_on"],
                f"completed_on is filled in but the status is {shown(row['status'])}; clear it or set the status "
                "to complete.", "warning")
        if dates["completed_on"] and dates["start"] and dates["completed_on"] < dates["start"]:
            add(line, "completed_on", row["completed_on"],
                f"The action was completed ({row['completed_on']}) before it started ({row['start']}).")
        if row["last_update"] and not row["updated_on"]:
            add(line, "updated_on", "", "There is a progress note but no updated_on date; add the date of "
                                        "the note so updates can show what is new.")
        if row["updated_on"] and not row["last_update"]:
            add(line, "last_update", "", "updated_on is filled in but there is no note in last_update.",
                "warning")
        measure: Measure | None = None
        if row["success_measure"]:
            try:
                measure = parse_measure(row["success_measure"], bands or None)  # linear, length-limited
            except MeasureSyntaxError as exc:
                add(line, "success_measure", row["success_measure"],
                    f"The success measure cannot be read: {exc}. Write it like m2 >= 0.8 or m8 <= 1.25.")
            else:
                missing = [m for m in measure.metrics if m not in metric_ids]
                if missing:
                    add(line, "success_measure", row["success_measure"],
                        f"The success measure uses {', '.join(missing)}, which the action does not list in "
                        "metrics; add it there too.")
        if n_errors == before:
            actions.append(Action(
                id=ident, objective=row["objective"], action=row["action"], metrics=metric_ids,
                theme=row["theme"], service=row["service"], lead=row["lead"], plan_period=row["plan_period"],
                start=dates["start"], due=dates["due"], status=row["status"],  # type: ignore[arg-type]
                completed_on=dates["completed_on"], success_measure=measure, last_update=row["last_update"],
                updated_on=dates["updated_on"], line=line,
            ))
    return actions, problems
