"""View data shared by the annual report's action plan section and the progress update page.

Cells are plain text or ``pages`` pieces (a line break, a quiet aside, a strong verdict); the templates lay
them out and escape every string from the register or params. Tables follow the report's rules: a caption,
``th scope="col"`` headers and a ``th scope="row"`` per action.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..render.pages import BR, Inline, Meta, Row, Strong, Table, join
from ..render.words import METRIC_SHORT
from .measures import OPERATOR_WORDS, Measure, format_value
from .progress import Progress
from .status import STATUS_WORDS, long_date

SERVICE_WORDS = {"adults": "Adults", "children": "Children", "all": "Both services"}
THEME_WORDS = {
    "leadership": "Leadership", "staff_voice": "Staff voice", "culture": "Culture", "progression":
    "Progression and development", "recruitment_retention": "Recruitment and retention",
    "performance_fairness": "Performance and fairness", "community": "Community impact",
}


def table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Inline]], numeric: Sequence[int] = ()
          ) -> Table:
    """A captioned table; the first cell of each row is its header."""
    return Table(caption, headers, [Row(list(r)) for r in rows], numeric)


def metric_name(metric: str, breakdown: str | None = None) -> str:
    """A measure's short name for readers (``Appointment``), never its code; m1 names its pay band."""
    name = METRIC_SHORT.get(metric, metric)
    if metric == "m1":
        return f"{name}: share of {'the top band' if breakdown is None else 'band ' + breakdown}"
    return name


def measure_words(measure: Measure) -> str:
    """``Appointment at least 0.80 and Leaving at most 1.25``."""
    parts = []
    for c in measure.comparisons:
        name = metric_name(c.metric, c.breakdown)
        target = f"{c.target * 100:.1f}%" if c.metric == "m1" else f"{c.target:.2f}"
        parts.append(f"{name} {OPERATOR_WORDS[c.op]} {target}")
    return " and ".join(parts)


def status_cell(p: Progress) -> str:
    """Status word plus the date that matters for it."""
    words = STATUS_WORDS[p.status]
    a = p.action
    if p.status == "complete" and a.completed_on:
        return f"{words} ({long_date(a.completed_on)})"
    if p.status == "not_started":
        return f"{words} (starts {long_date(a.start)})"
    if p.status == "dropped":
        return words
    return f"{words} (due {long_date(a.due)})"


def values_cell(p: Progress) -> Inline:
    """Each named metric before (plan period) and now, one a line: ``Appointment: 0.36 in 2022, 0.50 in 2023``."""
    if not p.action.metrics:
        return "No metric named"
    items = []
    for i, metric in enumerate(p.action.metrics):
        before = p.before[i] if i < len(p.before) else None
        now = p.now[i] if i < len(p.now) else None
        text = f"{metric_name(metric)}: {format_value(metric, before)} in {p.action.plan_period}"
        if p.now_period:
            text += f", {format_value(metric, now)} in {p.now_period}"
        items.append(text)
    return join(items, BR, BR)


def measure_cell(p: Progress) -> Inline:
    """The target in words and whether it is met, with the value it was judged on."""
    if p.measure is None or p.action.success_measure is None:
        return "No measure set"
    return [measure_words(p.action.success_measure), ": ", verdict_cell(p)]


def verdict_cell(p: Progress) -> Inline:
    """Met / not met / not yet measurable, with the value it was judged on or the reason."""
    if p.measure is None:
        return "No measure set"
    verdict = p.measure.words.capitalize()
    if p.measure.state == "not_measurable" and p.measure.reason:
        verdict += f" ({p.measure.reason})"
    elif p.measure.values:
        shown = ", ".join(f"{metric_name(v.metric)} {format_value(v.metric, v)}" for v in p.measure.values)
        verdict += f" ({shown} in {p.now_period})"
    return Strong(verdict)


def note_cell(p: Progress) -> str:
    if p.note is None:
        return "No note yet"
    text, day = p.note
    return f"{text} ({long_date(day)})"


def action_cell(p: Progress) -> Inline:
    """What will be done, by whom, for which service."""
    a = p.action
    return [a.action, BR, Meta(f"Lead: {a.lead}. {SERVICE_WORDS.get(a.service, a.service)}; "
                               f"{THEME_WORDS.get(a.theme, a.theme)}.")]


ACTION_HEADERS = ("Action", "What will be done", "Status", "Metric before and now", "Success measure",
                  "Latest progress note")


def action_rows(items: Sequence[Progress]) -> list[list[Inline]]:
    return [[p.action.id, action_cell(p), status_cell(p), values_cell(p), measure_cell(p), note_cell(p)]
            for p in items]
