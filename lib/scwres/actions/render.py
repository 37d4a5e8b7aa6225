"""HTML pieces shared by the annual report's action plan section and the progress update page.

Every string that comes from the register or params goes through ``esc``;
the functions here return HTML fragments, so callers never escape twice and
never forget to escape once. Tables follow the report's rules: a caption,
``th scope="col"`` headers and a ``th scope="row"`` per action.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..render.page import esc  # noqa: F401  (the one escape for outside strings; re-exported)
from ..render.report.markup import scroll_hint
from ..render.words import METRIC_SHORT
from .measures import OPERATOR_WORDS, Measure, MetricValue, format_value
from .progress import Progress
from .status import STATUS_WORDS, long_date

SERVICE_WORDS = {"adults": "Adults", "children": "Children", "all": "Both services"}
THEME_WORDS = {
    "leadership": "Leadership", "staff_voice": "Staff voice", "culture": "Culture", "progression":
    "Progression and development", "recruitment_retention": "Recruitment and retention",
    "performance_fairness": "Performance and fairness", "community": "Community impact",
}


def table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """A captioned table; ``rows`` hold HTML cells (already escaped), the first is the row header."""
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = [f'<th scope="row">{row[0]}</th>']
        cells += [f'<td{num if i in numeric else ""}>{cell}</td>' for i, cell in enumerate(row[1:], 1)]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="table-wrap" role="region" aria-label="{esc(caption)}" tabindex="0">'
            f"{scroll_hint(len(headers))}<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def metric_name(metric: str, breakdown: str | None = None) -> str:
    """A measure's short name for readers (``Appointment``), never its code; m1 names its pay band."""
    name = METRIC_SHORT.get(metric, metric)
    if metric == "m1":
        return f"{name}: share of {'the top band' if breakdown is None else 'band ' + breakdown}"
    return name


def measure_words(measure: Measure) -> str:
    """``Appointment at least 0.80 and Leaving at most 1.25`` (escaped)."""
    parts = []
    for c in measure.comparisons:
        name = metric_name(c.metric, c.breakdown)
        target = f"{c.target * 100:.1f}%" if c.metric == "m1" else f"{c.target:.2f}"
        parts.append(f"{name} {OPERATOR_WORDS[c.op]} {target}")
    return esc(" and ".join(parts))


def status_cell(p: Progress) -> str:
    """Status word plus the date that matters for it."""
    words = esc(STATUS_WORDS[p.status])
    a = p.action
    if p.status == "complete" and a.completed_on:
        return f"{words} ({esc(long_date(a.completed_on))})"
    if p.status == "not_started":
        return f"{words} (starts {esc(long_date(a.start))})"
    if p.status == "dropped":
        return words
    return f"{words} (due {esc(long_date(a.due))})"


def values_cell(p: Progress) -> str:
    """Each named metric before (plan period) and now, e.g. ``m2: 0.36 in 2022, 0.50 in 2023``."""
    if not p.action.metrics:
        return "No metric named"
    items = []
    for i, metric in enumerate(p.action.metrics):
        before = p.before[i] if i < len(p.before) else None
        now = p.now[i] if i < len(p.now) else None
        text = f"{metric_name(metric)}: {format_value(metric, before)} in {p.action.plan_period}"
        if p.now_period:
            text += f", {format_value(metric, now)} in {p.now_period}"
        items.append(esc(text))
    return "<br>".join(items)


def measure_cell(p: Progress) -> str:
    """The target in words and whether it is met, with the value it was judged on."""
    if p.measure is None or p.action.success_measure is None:
        return "No measure set"
    return f"{measure_words(p.action.success_measure)}: {verdict_cell(p)}"


def verdict_cell(p: Progress) -> str:
    """Met / not met / not yet measurable, with the value it was judged on or the reason."""
    if p.measure is None:
        return "No measure set"
    verdict = esc(p.measure.words.capitalize())
    if p.measure.state == "not_measurable" and p.measure.reason:
        verdict += f" ({esc(p.measure.reason)})"
    elif p.measure.values:
        shown = ", ".join(f"{metric_name(v.metric)} {format_value(v.metric, v)}" for v in p.measure.values)
        verdict += f" ({esc(shown)} in {esc(p.now_period)})"
    return f"<strong>{verdict}</strong>"


def note_cell(p: Progress) -> str:
    if p.note is None:
        return "No note yet"
    text, day = p.note
    return f"{esc(text)} ({esc(long_date(day))})"


def action_cell(p: Progress) -> str:
    """What will be done, by whom, for which service."""
    a = p.action
    return (f"{esc(a.action)}<br><span class=\"meta\">Lead: {esc(a.lead)}. "
            f"{esc(SERVICE_WORDS.get(a.service, a.service))}; {esc(THEME_WORDS.get(a.theme, a.theme))}.</span>")


ACTION_HEADERS = ("Action", "What will be done", "Status", "Metric before and now", "Success measure",
                  "Latest progress note")


def action_rows(items: Sequence[Progress]) -> list[list[str]]:
    return [[esc(p.action.id), action_cell(p), status_cell(p), values_cell(p), measure_cell(p), note_cell(p)]
            for p in items]


def value_text(metric: str, value: MetricValue | None) -> str:
    return esc(format_value(metric, value))
