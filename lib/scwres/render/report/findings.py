"""The report's findings by SC-WRES theme: for each measure a headline, its chart, its tables, the national
figure and the analyst's commentary.

``findings_sections`` builds one ``Measure`` view per measure (m2 is shown in
full once and referred to the second time) and renders
``templates/pages/report/findings.html.j2``. Charts come from ``figures.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from ...catalogue import PERCENT_METRICS
from ...disclosure.suppression import row_key
from ...intake.params import pay_band_label
from ...metrics.stats import wilson
from ..pages import Derived, Figure, Inline, Link, Row, Strong, Table
from ..words import (
    ASSESSMENT_SHORT,
    DASH,
    EVENT_NOUN,
    METRIC_TITLES,
    SERVICE_WORDS,
    SUPPRESSED,
    WITHHELD,
    capital,
    interval,
    missing,
    percent,
    ratio,
    rl_headline,
    rl_value,
    share_relation,
)
from .common import (
    SERVICES,
    THEMES,
    NoChart,
    Para,
    change_cell,
    commentary,
    count_cell,
    group_hidden,
    of_cell,
    rate_cell,
)
from .common import section as render_section
from .context import ReportContext
from .figures import band_figure, percent_figure, rl_figure

Block = Figure | NoChart | Table | Para


@dataclass(frozen=True)
class Measure:
    """One measure's findings: ``blocks`` (charts, tables, paragraphs) under its headline, then the
    analyst's commentary and ``extra`` (the action plan's note on it). ``repeat``: shown in full under an
    earlier theme, so only the headline and a link back."""

    metric: str
    title: str
    headline: Inline
    blocks: Sequence[Block] = ()
    commentary: Markup | None = None
    extra: Markup | str = ""  # Markup is placed as it is; a plain str is text, escaped like any other
    repeat: bool = False


@dataclass(frozen=True)
class Theme:
    anchor: str
    title: str
    intro: str
    measures: list[Measure] = field(default_factory=list)


def national_line(ctx: ReportContext, metric: str) -> Para:
    fig = ctx.national.get(metric)
    if fig is None:
        return Para("No national figure has been published for this measure.", "national")
    name = fig.citation
    link: Inline = Link(name, href=fig.url) if fig.url.startswith("https://") else name
    return Para(["National figure for comparison: ", Strong(ratio(fig.value)), " (", link,
                 f", {fig.councils} councils). The national figure comes from a different year and set of "
                 "councils, so it is context, not a target."], "national")


def rl_table(ctx: ReportContext, metric: str) -> Table:
    """Counts, rates, RL, interval, assessment and change per service for one RL metric."""
    events, base = EVENT_NOUN[metric]
    prev = ctx.previous
    headers = ["Service", f"{capital(ctx.group)}: {events} of {base}", f"White: {events} of {base}",
               "Relative likelihood", "95% interval", "Assessment",
               f"Change since {prev}" if prev else "Change since last period"]
    rows = []
    for service in SERVICES:
        r = ctx.row(metric, service)
        hide = ctx.row_hidden(metric, service)
        pair = {g: [*of_cell(ctx, metric, service, "overall", g, r), " (",
                    rate_cell(ctx, r, metric, service, "overall", g), ")"] for g in ("me", "white")}
        rows.append(Row([
            SERVICE_WORDS[service], pair["me"], pair["white"],
            Derived(SUPPRESSED if hide else rl_value(r["value"], r["ci_low"])),
            Derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
            Derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH)),
            change_cell(ctx, r, metric, service)], f"{metric}|{service}|overall"))
    return Table(f"{METRIC_TITLES[metric]}: figures by service, {ctx.period}", headers, rows, numeric=(1, 2, 3))


def percent_table(ctx: ReportContext, metric: str) -> Table:
    """The numbers behind the percentage chart: yes of respondents, percentage and Wilson interval."""
    rows = []
    for service in SERVICES:
        r = ctx.row(metric, service)
        cells: list[Inline] = [SERVICE_WORDS[service]]
        for group in ("me", "white"):
            span = wilson(int(r[f"events_{group}"]), int(r[f"base_{group}"]))
            cells.append(of_cell(ctx, metric, service, "overall", group, r))
            hidden = group_hidden(ctx, metric, service, "overall", group)
            cells.append(rate_cell(ctx, r, metric, service, "overall", group))
            cells.append(Derived(SUPPRESSED if hidden or span is None else interval(span[0], span[1], percent),
                                 f"{metric}|{service}|overall|{group}"))
        rows.append(Row(cells, f"{metric}|{service}|overall"))
    group = capital(ctx.group)
    return Table(f"{METRIC_TITLES[metric]}: percentage answering yes, {ctx.period}",
                 ["Service", f"{group}: yes of respondents", f"{group}: %", f"{group}: 95% interval",
                  "White: yes of respondents", "White: %", "White: 95% interval"], rows,
                 numeric=(1, 2, 3, 4, 5, 6))


def survey_sentence(ctx: ReportContext, metric: str) -> str:
    if ctx.row_hidden(metric, "all"):
        return ""
    r = ctx.row(metric, "all")
    return (f" In all, {percent(r['rate_me'])} of {ctx.group} respondents and {percent(r['rate_white'])} of "
            "white respondents said yes.")


def m9_shares_table(ctx: ReportContext) -> Table:
    rows = []
    for service in SERVICES:
        senior_hide = ctx.row_hidden("m9", service, "senior_share")
        senior = ctx.row("m9", service, "senior_share")
        work = ctx.row("m9", service, "workforce_share")
        work_hide = ctx.row_hidden("m9", service, "workforce_share")
        pop = ctx.row("m9", service, "population_share") if ctx.has_row("m9", service, "population_share") else None
        gap = DASH if senior_hide or work_hide else f"{(senior['value'] - work['value']) * 100:+.1f}"
        pop_text = percent(pop["value"]) if pop is not None else "Not given"
        pop_gap = (DASH if pop is None or senior_hide else f"{(senior['value'] - pop['value']) * 100:+.1f}")
        rows.append(Row([
            SERVICE_WORDS[service],
            [count_cell(ctx, row_key("m9", service, "senior_share", "events_me"), senior["events_me"]), " (",
             Derived(SUPPRESSED if senior_hide else percent(senior["value"])), ")"],
            Derived(SUPPRESSED if work_hide else percent(work["value"]), f"m9|{service}|workforce_share"),
            Derived(SUPPRESSED if senior_hide or work_hide else gap),
            pop_text, Derived(SUPPRESSED if senior_hide else pop_gap)], f"m9|{service}|senior_share"))
    return Table(f"{capital(ctx.group)} share of senior managers, the workforce and the local population",
                 ["Service", f"{capital(ctx.group)} senior managers (share)", "Share of whole workforce",
                  "Gap, percentage points", "Share of local population (Census 2021)", "Gap, percentage points"],
                 rows, numeric=(1, 2, 3, 4, 5))


def metric_headline(ctx: ReportContext, metric: str) -> str:
    """The headline for all staff; when that row is hidden, the services the table does show, so the
    headline never says "withheld" about a figure printed just below it."""
    if not ctx.row_hidden(metric, "all"):
        return rl_headline(metric, ctx.row(metric, "all"), ctx.group, False)
    shown = [s for s in ("adults", "children") if not ctx.row_hidden(metric, s)]
    if not shown:
        return rl_headline(metric, ctx.row(metric, "all"), ctx.group, True)
    parts = [f"{SERVICE_WORDS[s]}: {rl_headline(metric, ctx.row(metric, s), ctx.group, False)}" for s in shown]
    return f"The figure for all staff is {WITHHELD} ([c]). " + " ".join(parts)


def rl_measure(ctx: ReportContext, metric: str, extra: Markup | str = "") -> Measure:
    """Headline, chart, table, national figure and commentary for one RL metric."""
    sentence = metric_headline(ctx, metric)
    blocks: list[Block] = []
    if metric in PERCENT_METRICS:
        sentence += survey_sentence(ctx, metric)
        blocks += [percent_figure(ctx, metric), percent_table(ctx, metric)]
    else:
        blocks.append(rl_figure(ctx, metric))
    blocks.append(rl_table(ctx, metric))
    if metric == "m9":
        blocks += [Para(f"Senior managers are: {ctx.params.get('senior_manager_definition', '')}."),
                   m9_shares_table(ctx)]
    blocks.append(national_line(ctx, metric))
    key = "m7" if metric == "m7_managers" and "m7" in ctx.commentary else metric
    return Measure(metric, METRIC_TITLES[metric], sentence, blocks, commentary(ctx, key), extra)


def m1_measure(ctx: ReportContext, extra: Markup | str = "") -> Measure:
    """m1: the group's share of each pay band, low to high, with workforce and population lines."""
    bands = [str(b) for b in ctx.params["pay_bands"]]
    labels = [pay_band_label(ctx.params, b) for b in bands]
    ov = None if ctx.row_hidden("m1", "all", "overall") else float(ctx.row("m1", "all")["value"])
    pop = ctx.row("m9", "all", "population_share") if ctx.has_row("m9", "all", "population_share") else None
    popv = None if pop is None or missing(pop["value"]) else float(pop["value"])
    shares = [None if ctx.row_hidden("m1", "all", b) or missing(ctx.row("m1", "all", b)["value"])
              else float(ctx.row("m1", "all", b)["value"]) for b in bands]
    top = shares[-1]
    group = ctx.group
    title = f"{capital(group)} share of each pay band"
    if top is not None and ov is not None:
        band = ctx.row("m1", "all", bands[-1])
        relation = share_relation(band["ci_low"], band["ci_high"], ov)
        verdict = {"lower": f"proportionally fewer {group} staff at the top",
                   "higher": f"proportionally more {group} staff at the top",
                   "similar": ("not a statistically significant difference (the whole-workforce share lies within "
                               "the band's 95% interval)")}[relation]
        headline = (f"{percent(top)} of staff in the highest pay band ({labels[-1]}) are {group} (95% interval "
                    f"{interval(band['ci_low'], band['ci_high'], percent)}), against {percent(ov)} of the whole "
                    f"workforce: {verdict}.")
        title = f"{capital(group)} staff are {percent(top)} of the top pay band, {percent(ov)} of all staff"
    elif ctx.row_hidden("m1", "all", bands[-1]) or ov is None:
        headline = (f"The {group} share of the highest pay band is {WITHHELD}; the table shows the bands that can "
                    "be published.")
    else:
        headline = "There are no staff in the highest pay band to compare."
    rows, groups = [], []
    for service in SERVICES:
        for b, lbl in zip([*bands, "overall"], [*labels, "All pay bands"], strict=True):
            r = ctx.row("m1", service, b)
            hide = ctx.row_hidden("m1", service, b)
            rows.append(Row([
                lbl, count_cell(ctx, row_key("m1", service, b, "events_me"), r["events_me"]),
                count_cell(ctx, row_key("m1", service, b, "events_white"), r["events_white"]),
                Derived(SUPPRESSED if hide else percent(r["value"])),
                Derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"], percent)),
                rate_cell(ctx, r, "m1", service, b, "me"), rate_cell(ctx, r, "m1", service, b, "white")],
                f"m1|{service}|{b}"))
        groups.append((SERVICE_WORDS[service], len(bands) + 1))
    blocks: list[Block] = [band_figure(ctx, shares, ov, popv, title), Table(
        f"{capital(group)} and white staff in each pay band, {ctx.period}",
        ["Pay band", capital(group), "White", f"{capital(group)} share", "95% interval",
         f"Share of all {group} staff in this band", "Share of all white staff in this band"],
        rows, numeric=(1, 2, 3, 4, 5, 6), groups=groups)]
    national = [ctx.national[k] for k in sorted(ctx.national) if k.startswith("m1_band_")]
    if national:
        bits = ", ".join(f"{percent(f.value)} ({f.metric.removeprefix('m1_band_').replace('_', ' ')})"
                         for f in national)
        blocks.append(Para(f"National figures for comparison ({national[0].citation}): {group} "
                           f"share of staff by national pay band: {bits}. National bands differ from the "
                           "council's, so compare with care.", "national"))
    return Measure("m1", METRIC_TITLES["m1"], headline, blocks, commentary(ctx, "m1"), extra)


def findings_sections(ctx: ReportContext, metric_extra: Callable[[str], Markup | str] | None = None) -> Markup:
    """Findings by SC-WRES theme; m2 is shown in full once and referred to the second time.

    ``metric_extra(metric)`` may add to a metric (e.g. the action plan's note on it): a template's
    ``Markup`` (``actions/report_html.py``) is placed as it is; a plain string is escaped as text.
    """
    shown: set[str] = set()
    themes = []
    for anchor, title, metrics, intro in THEMES:
        theme = Theme(f"theme-{anchor}", f"Findings: {title.lower()}", intro.format(group=ctx.group))
        for metric in metrics:
            extra = metric_extra(metric) if metric_extra else ""
            if metric in shown:
                theme.measures.append(Measure(metric, METRIC_TITLES[metric], metric_headline(ctx, metric),
                                              repeat=True))
                continue
            shown.add(metric)
            theme.measures.append(m1_measure(ctx, extra) if metric == "m1" else rl_measure(ctx, metric, extra))
        themes.append(theme)
    return render_section("findings.html.j2", themes=themes)
