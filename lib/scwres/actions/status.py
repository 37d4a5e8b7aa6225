"""An action's status as of a date: computed from its dates, never typed.

A typed "on track" goes stale the day it is written; dates do not. So the
register records only facts (start, due, completed_on, the last note) and the
status is derived for whatever date a page is written for. Anything dated
after ``as_of`` is treated as not yet known, so an update for an earlier date
shows the plan as it stood then.

Rules (``as_of`` inclusive):

- ``complete``: status complete and ``completed_on <= as_of``;
- ``dropped``: status dropped, recorded by a note on or before ``as_of`` (a
  dropped action with no note date counts as dropped from its start);
- ``not_started``: ``start`` is after ``as_of``;
- ``overdue``: ``due`` is before ``as_of`` and the action is not complete;
- ``due_soon``: due within the next 30 days (0 to 30 days ahead);
- ``on_track``: otherwise.

An overdue action whose last note is more than 90 days before ``as_of`` (or
that has no note) is a warning: nobody has said what is happening.
"""

from __future__ import annotations

import datetime as dt

from ..problems import Problem
from .register import Action, Register

COMPLETE, DROPPED, NOT_STARTED, OVERDUE, DUE_SOON, ON_TRACK = (
    "complete", "dropped", "not_started", "overdue", "due_soon", "on_track")
STATUS_ORDER: tuple[str, ...] = (OVERDUE, DUE_SOON, ON_TRACK, NOT_STARTED, COMPLETE, DROPPED)
STATUS_WORDS: dict[str, str] = {
    COMPLETE: "Complete", DROPPED: "Dropped", NOT_STARTED: "Not started yet", OVERDUE: "Overdue",
    DUE_SOON: "Due soon", ON_TRACK: "On track",
}
DUE_SOON_DAYS = 30
STALE_DAYS = 90
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(day: dt.date) -> str:
    """``28 February 2023``: plain English, independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def status(action: Action, as_of: dt.date) -> str:
    """The computed status of one action on ``as_of`` (see the module docstring for the rules)."""
    if action.status == "complete" and action.completed_on is not None and action.completed_on <= as_of:
        return COMPLETE
    if action.status == "dropped" and (action.updated_on or action.start) <= as_of:
        return DROPPED
    if action.start > as_of:
        return NOT_STARTED
    days = (action.due - as_of).days
    if days < 0:
        return OVERDUE
    if days <= DUE_SOON_DAYS:
        return DUE_SOON
    return ON_TRACK


def note_on(action: Action, as_of: dt.date) -> tuple[str, dt.date] | None:
    """The latest progress note known on ``as_of`` (a note dated later was not written yet)."""
    if action.last_update and action.updated_on is not None and action.updated_on <= as_of:
        return action.last_update, action.updated_on
    return None


def is_stale(action: Action, as_of: dt.date) -> bool:
    """Overdue with no note in the last 90 days (a note exactly 90 days old still counts)."""
    if status(action, as_of) != OVERDUE:
        return False
    note = note_on(action, as_of)
    return note is None or (as_of - note[1]).days > STALE_DAYS


def stale_sentence(action: Action, as_of: dt.date) -> str:
    """A reader's sentence for an overdue action nobody has updated: no register file, line or fix-it."""
    note = note_on(action, as_of)
    since = f"since {long_date(note[1])}" if note else "at all"
    return f"Action {action.id} has been overdue since {long_date(action.due)} and has not been updated {since}."


def stale_warnings(register: Register, as_of: dt.date) -> list[Problem]:
    """Warnings, located like validation problems, for overdue actions nobody has updated (for the analyst)."""
    out = []
    for action in register.actions:
        if is_stale(action, as_of):
            note = note_on(action, as_of)
            out.append(Problem("warning", register.file, action.line, "updated_on",
                               note[1].isoformat() if note else "",
                               f"{stale_sentence(action, as_of)[:-1]}; add a progress note or a new due date.",
                               register.sheet))
    return out
