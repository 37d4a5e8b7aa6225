"""What every report section shares: the services and themes, and figures as view data.

Why one module: a count, a derived figure or a link to a measure must look and
behave the same in every section (the disclosure and readers' tests find them by
``data-count``, ``data-row`` and class ``derived``). Each helper here returns a
view-data piece (``render/pages.py``) with its ``[c]`` already decided through the
publication layer (``ctx.pub``); the templates in ``templates/pages/report/``
lay the pieces out and escape every string.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ...disclosure.suppression import row_key
from ..pages import Count, Derived, Inline, Link, Piece, join, render
from ..words import DASH, METRIC_SHORT, SUPPRESSED, TREND_WORDS, count, percent
from .context import ReportContext

SERVICES = ("adults", "children", "all")
CHART_SERVICE = {"adults": "Adults", "children": "Children", "all": "All staff"}
THEMES = (
    ("leadership", "Leadership", ("m1", "m9"),
     "Whether {group} staff are represented at every level, up to senior management."),
    ("progression", "Progression and development", ("m2", "m5"),
     "Whether {group} staff are appointed and developed as often as white staff."),
    ("recruitment", "Recruitment and retention", ("m2", "m8"),
     "Whether {group} applicants are appointed, and {group} staff stay, as often as white colleagues."),
    ("fairness", "Performance and fairness", ("m3", "m4"),
     "Whether {group} staff enter formal disciplinary and fitness to practise processes more often."),
    ("voice", "Staff voice", ("m6", "m7_colleagues", "m7_managers"),
     "What staff told the survey about harassment, bullying or abuse."),
)


@dataclass(frozen=True)
class Para(Piece):
    """A paragraph between a section's tables and charts; ``cls`` is its class ("headline", "national")."""

    kind: ClassVar[str] = "para"
    cls: str = ""


@dataclass(frozen=True)
class NoChart(Piece):
    """The sentence that stands where a chart has nothing to draw (never empty axes)."""

    kind: ClassVar[str] = "no-chart"


def section(template: str, **view: Any) -> Markup:
    """One report section: ``templates/pages/report/<template>`` filled with its view data."""
    return render(f"report/{template}", **view)


def long_date(value: Any) -> str:
    """'30 September 2024' (no locale, no clock)."""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def count_cell(ctx: ReportContext, key: str, value: Any) -> Count:
    """A published count, or ``[c]`` when the publication layer hides it; keyed for readers' tools and tests."""
    return Count(str(ctx.pub.figure(lambda: count(value), [key])), key=key)


def commentary(ctx: ReportContext, key: str) -> Markup | None:
    """The analyst's commentary for ``key``: HTML that markdown-it rendered with raw HTML switched off
    (``intake/commentary.py``), so it is placed as it is; None when there is none."""
    text = ctx.commentary.get(key)
    return Markup(text) if text else None


def measure_link(metric: str, text: str | None = None) -> Link:
    """A link to a measure's findings; the text is the measure's short name (never its code)."""
    return Link(text or METRIC_SHORT[metric], href=f"#{metric}")


def names(metrics: list[str]) -> list[Inline]:
    """'pay bands, appointment and CPD' as links to the measures (short names, lower case unless an acronym)."""
    return join([measure_link(m, METRIC_SHORT[m] if METRIC_SHORT[m].isupper() else METRIC_SHORT[m].lower())
                 for m in metrics])


def change_cell(ctx: ReportContext, r: Any, metric: str, service: str, breakdown: str = "overall") -> Inline:
    """The change since the previous period: "No earlier period" wherever there is none, even on a row
    whose figures are hidden (nothing is derived from counts then), else [c] when either period hides it."""
    if ctx.previous is None or r["trend"] == "no_previous_period":
        return TREND_WORDS["no_previous_period"]
    if ctx.trend_refused:  # words resting on no count: the earlier return failed its checks
        return f"Not assessed ({ctx.trend_refused[1]})"
    if ctx.trend_hidden(metric, service, breakdown):
        return Derived(SUPPRESSED)
    return Derived(TREND_WORDS.get(r["trend"], DASH))


def group_hidden(ctx: ReportContext, metric: str, service: str, breakdown: str, group: str) -> bool:
    """One group's rate rests only on its own two counts, so it is shown whenever both are."""
    return ctx.hidden(row_key(metric, service, breakdown, f"events_{group}")) or ctx.hidden(
        row_key(metric, service, breakdown, f"base_{group}"))


def rate_cell(ctx: ReportContext, r: Any, metric: str, service: str, breakdown: str, group: str) -> Derived:
    hide = group_hidden(ctx, metric, service, breakdown, group)
    return Derived(SUPPRESSED if hide else percent(r[f"rate_{group}"]), f"{metric}|{service}|{breakdown}|{group}")


def of_cell(ctx: ReportContext, metric: str, service: str, breakdown: str, group: str, r: Any,
            base: str = "base") -> list[Inline]:
    """'12 of 340': one group's events and base as published counts."""
    return [count_cell(ctx, row_key(metric, service, breakdown, f"events_{group}"), r[f"events_{group}"]), " of ",
            count_cell(ctx, row_key(metric, service, breakdown, f"{base}_{group}"), r[f"{base}_{group}"])]
