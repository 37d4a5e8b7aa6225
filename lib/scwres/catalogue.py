"""The metric catalogue: one record per SC-WRES metric, read by every stage.

Why one record: a metric's definition used to be written out in several
places (the calculation, disclosure control's atoms, the small-base warnings,
the report's six word tables and the index page's column titles), and the
copies could drift apart without any test noticing. Here each metric says once
where its events and base come from (the leaver base included), which side of
1 is adverse, and every reader-facing word about it; the calculation
(``metrics``), disclosure control, the return warnings, the report's words and
charts, the open data, the index and the national page all read it.

This module is plain data: it imports nothing heavier than ``schema`` so the
words can be used (by the index page, say) without loading pandas or
matplotlib. ``docs/methods.md`` describes the measures for readers;
``tests/test_docs.py`` fails when its measures table and this catalogue
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .schema import PARAMS_DEFAULTS

# The default suppression threshold (docs/params.md); a params file may set its own.
DEFAULT_THRESHOLD: int = int(PARAMS_DEFAULTS["suppression_threshold"])  # type: ignore[call-overload]
PLUS_LEAVERS = "snapshot_plus_leavers"  # the leaver_base that adds the leavers to m8's base


def suppression_threshold(params: Mapping[str, Any]) -> int:
    """The council's suppression threshold: counts from 1 to this minus 1 are never published."""
    return int(params.get("suppression_threshold", DEFAULT_THRESHOLD))


def adds_leavers(params: Mapping[str, Any] | str | None) -> bool:
    """True when the leavers join the leaver base (``leaver_base: snapshot_plus_leavers``).

    Takes the params, or the ``leaver_base`` value itself (validation has only that).
    """
    value = params if isinstance(params, str) or params is None else params.get("leaver_base")
    return value == PLUS_LEAVERS


@dataclass(frozen=True)
class Count:
    """One count column of the return, summed over the rows that match ``where`` (workforce flags).

    ``who`` names the people the count is made of, for sentences about a base.
    """

    table: str
    column: str
    where: tuple[tuple[str, str], ...] = ()
    who: str = ""

    @property
    def source(self) -> str:
        """``table.column``, the name disclosure control gives the count's cells."""
        return f"{self.table}.{self.column}"


HEADCOUNT = Count("workforce", "headcount", who="staff")
REGULATED = Count("workforce", "headcount", (("regulated", "yes"),), who="regulated staff")
SENIOR = Count("workforce", "headcount", (("senior_manager", "yes"),), who="senior managers")
SHORTLISTED = Count("recruitment", "shortlisted", who="shortlisted candidates")
APPOINTED = Count("recruitment", "appointed", who="appointed candidates")
RESPONDENTS = Count("survey", "respondents", who="survey respondents")
LEAVERS = Count("events", "leavers", who="leavers")


def _events(column: str) -> Count:
    return Count("events", column)


def _survey(column: str) -> Count:
    return Count("survey", column)


@dataclass(frozen=True)
class Metric:
    """Everything the workbook knows about one metric.

    ``events`` over ``base`` is the rate compared between the groups (for m1, the pay band's
    headcount over the whole workforce's). ``leaver_base``: the leavers join the base when params say
    ``leaver_base: snapshot_plus_leavers`` (see ``base_counts``). The words:

    - ``title``: the metric's heading in the report, the spreadsheet, open data and roll-ups;
    - ``short``: its name where space is tight (contents, at-a-glance table, trend chart, action plan,
      the index page's columns);
    - ``subject``: who is compared ("applicants"); ``event_phrase``: "to be appointed from shortlisting";
    - ``event_done``: "appointed from shortlisting" ("were recorded as ...");
    - ``event_noun``/``base_noun``: the figure table's column words ("appointed" of "shortlisted");
    - ``topic``: what a small-base warning calls the metric.
    """

    id: str
    events: Count
    base: Count
    title: str
    short: str
    topic: str
    relative_likelihood: bool = True
    adverse_below_one: bool = False
    leaver_base: bool = False
    percent: bool = False  # also shown as the percentage of each group answering yes (the survey metrics)
    extra_tables: tuple[str, ...] = ()  # tables read besides the events' and base's (m9's population share)
    subject: str = ""
    event_phrase: str = ""
    event_done: str = ""
    event_noun: str = ""
    base_noun: str = ""

    def base_counts(self, plus_leavers: bool) -> tuple[Count, ...]:
        """The counts the base adds up: the one place the leaver base is built.

        ``plus_leavers`` is ``adds_leavers(params)``: the leavers join m8's base, since staff who left
        during the window were not in the snapshot headcount.
        """
        return (self.base, LEAVERS) if self.leaver_base and plus_leavers else (self.base,)

    @property
    def tables(self) -> tuple[str, ...]:
        """The return's tables this metric reads, events' first."""
        names = (self.events.table, self.base.table, *(("events",) if self.leaver_base else ()), *self.extra_tables)
        return tuple(dict.fromkeys(names))


_HBA = "harassment, bullying or abuse from"
CATALOGUE: tuple[Metric, ...] = (
    Metric("m1", HEADCOUNT, HEADCOUNT, "Staff in each pay band", "Pay bands", "pay bands",
           relative_likelihood=False),
    Metric("m2", APPOINTED, SHORTLISTED, "Appointment from shortlisting", "Appointment",
           "appointment from shortlisting", adverse_below_one=True,
           subject="applicants", event_phrase="to be appointed from shortlisting",
           event_done="appointed from shortlisting", event_noun="appointed", base_noun="shortlisted"),
    Metric("m3", _events("disciplinary"), HEADCOUNT, "Entering the formal disciplinary process", "Disciplinary",
           "disciplinary", subject="staff",
           event_phrase="to enter the formal disciplinary process",
           event_done="entering the formal disciplinary process", event_noun="entered the disciplinary process",
           base_noun="staff"),
    Metric("m4", _events("ftp"), REGULATED, "Referral into fitness to practise", "Fitness to practise",
           "fitness to practise", subject="registered professionals",
           event_phrase="to be referred into fitness to practise", event_done="referred into fitness to practise",
           event_noun="referred", base_noun="registered professionals"),
    Metric("m5", _events("cpd"), HEADCOUNT, "Access to funded non-mandatory training (CPD)", "CPD", "CPD",
           adverse_below_one=True, subject="staff",
           event_phrase="to access funded non-mandatory training",
           event_done="accessing funded non-mandatory training", event_noun="accessed CPD", base_noun="staff"),
    Metric("m6", _survey("hba_public"), RESPONDENTS,
           f"{_HBA.capitalize()} people who use services, their relatives or the public", "Abuse from the public",
           "abuse from the public", percent=True,
           subject="survey respondents",
           event_phrase=f"to report {_HBA} people who use services, their relatives or the public",
           event_done=f"reporting {_HBA} the public", event_noun="said yes", base_noun="respondents"),
    Metric("m7_colleagues", _survey("hba_colleagues"), RESPONDENTS, f"{_HBA.capitalize()} colleagues",
           "Abuse from colleagues", "abuse from colleagues", percent=True,
           subject="survey respondents",
           event_phrase=f"to report {_HBA} colleagues", event_done=f"reporting {_HBA} colleagues",
           event_noun="said yes", base_noun="respondents"),
    Metric("m7_managers", _survey("hba_managers"), RESPONDENTS, f"{_HBA.capitalize()} managers",
           "Abuse from managers", "abuse from managers", percent=True,
           subject="survey respondents", event_phrase=f"to report {_HBA} managers",
           event_done=f"reporting {_HBA} managers", event_noun="said yes", base_noun="respondents"),
    Metric("m8", LEAVERS, HEADCOUNT, "Leaving the organisation", "Leaving", "leaving", leaver_base=True,
           subject="staff", event_phrase="to leave the organisation", event_done="leaving",
           event_noun="left", base_noun="staff"),
    Metric("m9", SENIOR, HEADCOUNT, "Senior management", "Senior managers", "senior managers",
           adverse_below_one=True, extra_tables=("population",), subject="staff",
           event_phrase="to be senior managers", event_done="senior managers", event_noun="senior managers",
           base_noun="staff"),
)

METRICS: dict[str, Metric] = {m.id: m for m in CATALOGUE}
METRIC_IDS: tuple[str, ...] = tuple(METRICS)
# The relative likelihoods, in report order, and those where a ratio below 1 is the adverse side.
RL_METRICS: tuple[str, ...] = tuple(m.id for m in CATALOGUE if m.relative_likelihood)
ADVERSE_BELOW_ONE: frozenset[str] = frozenset(m.id for m in CATALOGUE if m.adverse_below_one)
PERCENT_METRICS: tuple[str, ...] = tuple(m.id for m in CATALOGUE if m.percent)


def metric(metric_id: str) -> Metric:
    """The record for ``metric_id`` (a KeyError names an id the catalogue does not have)."""
    return METRICS[metric_id]
