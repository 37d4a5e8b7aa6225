"""The report's sections, in the order docs/report.md gives, each one HTML string.

Each function takes the ``ReportContext`` and returns HTML for one notebook
cell, so the notebook stays one call per section. Every figure goes through
the disclosure plan (``[c]`` for the public audience), every outside string
through ``esc``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from ...catalogue import ADVERSE_BELOW_ONE, PERCENT_METRICS, RL_METRICS, suppression_threshold
from ...disclosure.suppression import extra_key, row_key
from ...intake.ethnicity_labels import PUBLIC_NAMES
from ...intake.params import pay_band_label
from ...intake.provenance import git_commit, input_files, versions
from ...metrics.stats import wilson
from ...schema import BROAD_CODES, DETAILED_CODES, ethnic_group
from .. import charts
from ..pages import illustrative_banner
from ..words import (
    ASSESSMENT_SHORT,
    C_KEY,
    DASH,
    EVENT_NOUN,
    METRIC_SHORT,
    METRIC_TITLES,
    SERVICE_WORDS,
    SUBGROUP_WORDS,
    SUPPRESSED,
    TREND_WORDS,
    WITHHELD,
    capital,
    esc,
    interval,
    missing,
    percent,
    ratio,
    rl_headline,
    rl_summary,
    rl_value,
    share_relation,
)
from .context import ReportContext
from .markup import count_span, derived, figure, table

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
# Every <h2> of the report, in order, for the contents list (the action plan section is written by
# scwres.actions.report_html with the same anchor).
# Short labels keep the list to a few lines on a phone.
CONTENTS = (("at-a-glance", "At a glance"), ("about", "About this report"),
            *((f"theme-{anchor}", short) for (anchor, *_), short in
              zip(THEMES, ("Leadership", "Progression", "Recruitment", "Fairness", "Staff voice"), strict=True)),
            ("trend", "Trend"), ("subgroups", "Ethnic sub-groups"), ("action-plan", "Action plan"),
            ("data-quality", "Data quality"), ("methods", "Methods"))
UNKNOWN_SOURCES = (("workforce.headcount", "Staff (workforce)"), ("recruitment.shortlisted", "Shortlisted applicants"),
                   ("survey.respondents", "Survey respondents"))


def long_date(value: Any) -> str:
    """'30 September 2024' (no locale, no clock)."""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return esc(value)


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{esc(title)}</h2>\n{body}</section>'


# 1. Title and banners ----------------------------------------------------------------------------------

def banners(ctx: ReportContext) -> str:
    out = []
    if ctx.spec.get("illustrative"):
        out.append(illustrative_banner())
    if not ctx.public:
        out.append('<p class="banner internal">INTERNAL - not for publication. This version shows small numbers '
                   "that the public report hides.</p>")
    return "\n".join(out)


def title_section(ctx: ReportContext) -> str:
    """Skip link, title, snapshot date, the illustrative / internal banners and the contents list."""
    spec = ctx.spec
    return (f'<header><a class="skip-link" href="#at-a-glance">Skip to the summary</a>'
            f"<h1>{esc(ctx.params['name'])}: Social Care Workforce Race Equality Standard report "
            f"{esc(ctx.period)}</h1>\n<p class=\"lede\">Staff numbers at {long_date(spec['snapshot_date'])}. "
            f"Recruitment, disciplinary, training, leavers and survey figures for the 12 months from "
            f"{long_date(spec['window_start'])} to {long_date(spec['window_end'])}.</p>\n{banners(ctx)}</header>\n"
            f"{contents_nav()}")


def measure_order() -> list[str]:
    """Every measure once, in the order the findings show them (m2 is under progression first)."""
    seen: list[str] = []
    for _, _, metrics, _ in THEMES:
        seen += [m for m in metrics if m not in seen]
    return seen


def contents_nav() -> str:
    """A link to every section (every <h2>) and every measure, so one tap reaches any of them."""
    sections = "".join(f'<li><a href="#{anchor}">{esc(title)}</a></li>' for anchor, title in CONTENTS)
    measures = "".join(f'<li><a href="#{m}">{esc(METRIC_SHORT[m])}</a></li>' for m in measure_order())
    return ('<nav class="contents" aria-label="Contents"><p class="contents-title">Contents</p>'
            f'<ol class="inline">{sections}</ol><p class="contents-title">Findings for each measure</p>'
            f'<ul class="inline">{measures}</ul></nav>')


# 2. At a glance ----------------------------------------------------------------------------------------

def national_text(ctx: ReportContext, metric: str) -> str:
    """'0.52 (Skills for Care, 2024)' or a dash."""
    fig = ctx.national.get(metric)
    if fig is None:
        return DASH
    value = percent(fig.value) if fig.kind == "share_me" else ratio(fig.value)
    return f"{value} ({esc(fig.source)}, {esc(fig.year)})"


def _top_band(ctx: ReportContext) -> str:
    return str(ctx.params["pay_bands"][-1])


def change_cell(ctx: ReportContext, r: Any, metric: str, service: str, breakdown: str = "overall") -> str:
    """The change since the previous period: "No earlier period" wherever there is none, even on a row
    whose figures are hidden (nothing is derived from counts then), else [c] when either period hides it."""
    if ctx.previous is None or r["trend"] == "no_previous_period":
        return TREND_WORDS["no_previous_period"]
    if ctx.trend_hidden(metric, service, breakdown):
        return derived(SUPPRESSED)
    return derived(TREND_WORDS.get(r["trend"], DASH))


def measure_link(metric: str, text: str | None = None) -> str:
    """A link to a measure's findings; the text is the measure's short name (never its code)."""
    return f'<a href="#{metric}">{esc(text or METRIC_SHORT[metric])}</a>'


def _names(metrics: list[str]) -> str:
    links = [measure_link(m, METRIC_SHORT[m] if METRIC_SHORT[m].isupper() else METRIC_SHORT[m].lower())
             for m in metrics]
    return links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]


def _m1_finding(ctx: ReportContext) -> str:
    """The top pay band's share against the whole workforce, in words that follow the band's interval."""
    top = _top_band(ctx)
    if ctx.row_hidden("m1", "all", top) or ctx.row_hidden("m1", "all", "overall"):
        return ""
    band, overall = ctx.row("m1", "all", top), ctx.row("m1", "all", "overall")
    if missing(band["value"]) or missing(overall["value"]):
        return ""
    relation = share_relation(band["ci_low"], band["ci_high"], overall["value"])
    words = {"lower": "lower than", "higher": "higher than", "similar": "not significantly different from"}[relation]
    return (f"{measure_link('m1', 'Pay bands')}: {esc(ctx.group)} staff are "
            f"{derived(percent(band['value']), f'm1|all|{top}')} of the highest pay band, "
            f"{words} their {derived(percent(overall['value']), 'm1|all|overall')} share of the whole workforce.")


def key_findings(ctx: ReportContext) -> list[str]:
    """Three to five findings in words for all staff: the first thing a board member reads."""
    group = esc(ctx.group)
    shown = [m for m in RL_METRICS if not ctx.row_hidden(m, "all")]
    withheld = [m for m in RL_METRICS if ctx.row_hidden(m, "all")]
    by = {a: [m for m in shown if ctx.row(m, "all")["assessment"] == a] for a in ASSESSMENT_SHORT}
    items = []
    adverse = sorted(by["adverse"], key=lambda m: -abs(math.log(ctx.row(m, "all")["value"]))
                     if not missing(ctx.row(m, "all")["value"]) and ctx.row(m, "all")["value"] > 0 else 0)
    if adverse:
        first = adverse[0]
        items.append(f"{measure_link(first)}: "
                     f"{derived(rl_summary(first, ctx.row(first, 'all'), ctx.group), f'{first}|all|overall')}")
        items.append(f"A statistically significant difference unfavourable to {group} staff on "
                     f"{len(adverse)} of {len(RL_METRICS)} measures: {_names(adverse)}.")
    else:
        items.append(f"No measure shows a statistically significant difference unfavourable to {group} staff.")
    m1 = _m1_finding(ctx)
    if m1:
        items.append(m1)
    rest = []
    if by["favourable"]:
        rest.append(f"favourable to {group} staff on {_names(by['favourable'])}")
    if by["no_significant_difference"]:
        rest.append(f"no statistically significant difference on {_names(by['no_significant_difference'])}")
    if by["insufficient_data"]:
        rest.append(f"too little data to say on {_names(by['insufficient_data'])}")
    if withheld and ctx.public:
        rest.append(f"figures for all staff {WITHHELD} on {_names(withheld)}")
    if rest:
        items.append(capital("; ".join(rest)) + ".")
    if ctx.previous is None:
        items.append("This is the first period held for the council, so there is no earlier period to compare "
                     "with.")
    else:
        moved = {t: [m for m in shown if not ctx.trend_hidden(m, "all") and ctx.row(m, "all")["trend"] == t]
                 for t in ("improved", "worsened")}
        parts = [f"{t} on {_names(ms)}" for t, ms in moved.items() if ms]
        items.append(f"Since {esc(ctx.previous)}: " + ("; ".join(parts) + "; no significant change on the others."
                                                      if parts else "no statistically significant change on any "
                                                      "measure that can be compared."))
    return items[:5]


def glance_section(ctx: ReportContext) -> str:
    """Key findings in words, then one table: every measure and service, value, interval, assessment,
    change and national figure; each row links to its measure."""
    prev = ctx.previous
    headers = ["Measure", "Service", "Value", "95% interval", "Assessment",
               f"Change since {prev}" if prev else "Change since last period", "National figure"]
    rows = []
    top = _top_band(ctx)
    for service in SERVICES:
        r = ctx.row("m1", service, top)
        hide = ctx.row_hidden("m1", service, top)
        overall = ctx.row("m1", service, "overall")
        whole = SUPPRESSED if ctx.row_hidden("m1", service, "overall") else percent(overall["value"])
        cells = [f"{measure_link('m1')}: {esc(ctx.group)} share of the highest band",
                 SERVICE_WORDS[service],
                 derived(SUPPRESSED if hide else percent(r["value"])),
                 derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"], percent)),
                 f"Whole workforce: {derived(whole, f'm1|{service}|overall')}", DASH,
                 _m1_national(ctx) if service == "all" else DASH]
        rows.append((f"m1|{service}|{top}", cells))
    for metric in RL_METRICS:
        for service in SERVICES:
            r = ctx.row(metric, service)
            hide = ctx.row_hidden(metric, service)
            cells = [measure_link(metric), SERVICE_WORDS[service],
                     derived(SUPPRESSED if hide else rl_value(r["value"], r["ci_low"])),
                     derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
                     derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH)),
                     change_cell(ctx, r, metric, service),
                     national_text(ctx, metric) if service == "all" else DASH]
            rows.append((f"{metric}|{service}|overall", cells))
    findings = "".join(f"<li>{item}</li>" for item in key_findings(ctx))
    intro = (f"<h3 id=\"key-findings\">Key findings</h3><ul class=\"findings\">{findings}</ul>"
             f"<p>Each measure compares {esc(ctx.group)} staff with white staff. For most measures the value is a "
             f"<strong>relative likelihood</strong>: how likely {esc(ctx.group)} staff are to experience something "
             "compared with white staff. 1 means equally likely; below 1, less likely; above 1, more likely. "
             "Whether that is good or bad depends on the measure: being appointed is good, being disciplined is "
             "not. The assessment says which." + (f" {C_KEY}" if ctx.public else "") + "</p>")
    overview = ctx.commentary.get("overview", "")
    if overview:
        overview = f'<div class="commentary"><h3>Analyst\'s summary</h3>{overview}</div>'
    return _section("at-a-glance", "At a glance",
                    intro + table(f"At a glance: every measure, {ctx.period}", headers, rows) + overview)


def _m1_national(ctx: ReportContext) -> str:
    fig = ctx.national.get("m1_band_70k_plus")
    if fig is None:
        return DASH
    return f"{percent(fig.value)} at £70,000 and over ({esc(fig.source)}, {esc(fig.year)})"


# 3. About this report ----------------------------------------------------------------------------------

def _people(ctx: ReportContext) -> str:
    people = ctx.params.get("people") or {}
    labels = {"sponsors": "Sponsors", "programme_lead": "Programme lead", "staff_voice_lead": "Staff voice lead",
              "principal_social_workers": "Principal social workers"}
    items = []
    for key, label in labels.items():
        value = people.get(key)
        if not value:
            continue
        text = "; ".join(esc(v) for v in value) if isinstance(value, list) else esc(value)
        items.append(f"<li>{label}: {text}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No roles are recorded in the council's params.</p>"


def mapping_sentence(ctx: ReportContext) -> str:
    if ctx.params.get("white_minorities_as_minority_ethnic"):
        return ("White Irish, Gypsy or Irish Traveller, Roma and any other White background are counted as "
                f"{esc(ctx.group)}; only White British staff are counted as white.")
    return (f"All five White census categories are counted as white; every Mixed, Asian, Black and Other category "
            f"is counted as {esc(ctx.group)} (the NHS Workforce Race Equality Standard convention).")


def headcount_table(ctx: ReportContext) -> str:
    rows = []
    for service in SERVICES:
        src = "workforce.headcount"
        rows.append(("", [SERVICE_WORDS[service],
                          count_span(ctx, extra_key("total", src, service),
                                     ctx.plan.values[extra_key("total", src, service)]),
                          count_span(ctx, row_key("m1", service, "overall", "events_me"),
                                     ctx.row("m1", service)["events_me"]),
                          count_span(ctx, row_key("m1", service, "overall", "events_white"),
                                     ctx.row("m1", service)["events_white"]),
                          count_span(ctx, extra_key("unknown", src, service),
                                     ctx.plan.values[extra_key("unknown", src, service)])]))
    return table(f"Headcount at {long_date(ctx.spec['snapshot_date'])}",
                 ["Service", "All staff", capital(ctx.group), "White", "Ethnicity not known"], rows,
                 numeric=(1, 2, 3, 4))


def unknown_table(ctx: ReportContext) -> str:
    """Per table and service: records with unknown ethnicity and their share, flagged above the threshold."""
    limit = float(ctx.params.get("unknown_share_warning", 0.1))
    rows = []
    for source, label in UNKNOWN_SOURCES:
        for service in SERVICES:
            uk, tk = extra_key("unknown", source, service), extra_key("total", source, service)
            unknown, total = ctx.plan.values[uk], ctx.plan.values[tk]
            hide = ctx.hidden(uk) or ctx.hidden(tk)
            share = unknown / total if total else None
            flag = "" if hide or share is None or share <= limit else " (above the council's threshold)"
            rows.append(("", [f"{esc(label)}: {SERVICE_WORDS[service]}", count_span(ctx, uk, unknown),
                              count_span(ctx, tk, total),
                              derived(SUPPRESSED if hide else percent(share) + flag, f"share|{source}|{service}")]))
    return table("Records with ethnicity not known", ["Table and service", "Not known", "All records",
                                                       "Share not known"], rows, numeric=(1, 2, 3))


def about_section(ctx: ReportContext) -> str:
    """Scope, dates, sources, people by role, headcount, ethnicity grouping and unknowns."""
    spec = ctx.spec
    sources = "".join(f"<li>{esc(s)}</li>" for s in spec.get("sources") or []) or "<li>Not recorded</li>"
    limit = float(ctx.params.get("unknown_share_warning", 0.1))
    body = (
        f"<p>This report covers staff directly employed in {esc(ctx.params['name'])}'s adults' and children's "
        "social care services. It follows the Social Care Workforce Race Equality Standard (SC-WRES), Skills for "
        f"Care's improvement programme, which compares the experience of {esc(ctx.group)} staff with white staff "
        "on nine measures.</p>"
        f"<p>Staff numbers are at {long_date(spec['snapshot_date'])}. Everything that happened over time "
        f"(recruitment, disciplinary cases, fitness to practise referrals, training, leavers and the staff survey) "
        f"covers {long_date(spec['window_start'])} to {long_date(spec['window_end'])}.</p>"
        f"<h3>Where the data come from</h3><ul>{sources}</ul>"
        f"<h3>Who is responsible</h3>{_people(ctx)}"
        f"<h3>Headcount</h3>{headcount_table(ctx)}"
        f"<h3>How ethnicity was grouped</h3><p>Staff record their ethnicity using the 2021 Census categories. "
        f"{mapping_sentence(ctx)} This report calls the group \"{esc(ctx.group)}\". Records whose ethnicity is not "
        f"known are left out of every comparison; the table shows how many there were. A share above "
        f"{percent(limit)} is flagged, because it could change the findings.</p>{unknown_table(ctx)}"
    )
    return _section("about", "About this report", body)


# 4. Findings by theme ----------------------------------------------------------------------------------

def _commentary(ctx: ReportContext, key: str) -> str:
    text = ctx.commentary.get(key)
    if not text:
        return ""
    return f'<div class="commentary"><h4>Analyst\'s commentary</h4>{text}</div>'


def _national_line(ctx: ReportContext, metric: str) -> str:
    fig = ctx.national.get(metric)
    if fig is None:
        return "<p class=\"national\">No national figure has been published for this measure.</p>"
    link = esc(f"{fig.source} {fig.year}")
    if fig.url.startswith("https://"):
        link = f'<a href="{esc(fig.url)}">{link}</a>'
    return (f"<p class=\"national\">National figure for comparison: <strong>{ratio(fig.value)}</strong> "
            f"({link}, {esc(fig.councils)} councils). The national figure comes from a different year and set of "
            "councils, so it is context, not a target.</p>")


def rl_table(ctx: ReportContext, metric: str) -> str:
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

        def pair(group: str, r=r, hide=hide, service=service) -> str:
            a = count_span(ctx, row_key(metric, service, "overall", f"events_{group}"), r[f"events_{group}"])
            n = count_span(ctx, row_key(metric, service, "overall", f"base_{group}"), r[f"base_{group}"])
            rate = rate_cell(ctx, r, metric, service, "overall", group)
            return f"{a} of {n} ({rate})"

        rows.append((f"{metric}|{service}|overall", [
            SERVICE_WORDS[service], pair("me"), pair("white"),
            derived(SUPPRESSED if hide else rl_value(r["value"], r["ci_low"])),
            derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
            derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH)),
            change_cell(ctx, r, metric, service)]))
    return table(f"{METRIC_TITLES[metric]}: figures by service, {ctx.period}", headers, rows, numeric=(1, 2, 3))


def group_hidden(ctx: ReportContext, metric: str, service: str, breakdown: str, group: str) -> bool:
    """One group's rate rests only on its own two counts, so it is shown whenever both are."""
    return ctx.hidden(row_key(metric, service, breakdown, f"events_{group}")) or ctx.hidden(
        row_key(metric, service, breakdown, f"base_{group}"))


def rate_cell(ctx: ReportContext, r: Any, metric: str, service: str, breakdown: str, group: str) -> str:
    hide = group_hidden(ctx, metric, service, breakdown, group)
    return derived(SUPPRESSED if hide else percent(r[f"rate_{group}"]), f"{metric}|{service}|{breakdown}|{group}")


def _points(ctx: ReportContext, metric: str) -> tuple[list[dict], list[str]]:
    points, missing_labels = [], []
    for service in SERVICES:
        r = ctx.row(metric, service)
        hide = ctx.row_hidden(metric, service)
        ok = not hide and not missing(r["ci_low"])  # no upper bound (no white cases) is still drawn: an arrow
        points.append({"label": CHART_SERVICE[service], "service": service,
                       "value": None if not ok or missing(r["value"]) else float(r["value"]),
                       "low": float(r["ci_low"]) if ok else None,
                       "high": None if not ok or missing(r["ci_high"]) else float(r["ci_high"])})
        if not ok:
            missing_labels.append(SERVICE_WORDS[service] + (f" ({WITHHELD})" if hide else " (too little data)"))
    return points, missing_labels


def chart_title(ctx: ReportContext, metric: str) -> str:
    """The active headline for a chart: the finding for all staff, in a few words."""
    r = ctx.row(metric, "all")
    if ctx.row_hidden(metric, "all"):  # hidden to protect individuals, not because the evidence is weak
        return f"{METRIC_TITLES[metric]}: the figure for all staff is {WITHHELD}"
    if r["assessment"] not in ("adverse", "favourable", "no_significant_difference"):
        return f"{METRIC_TITLES[metric]}: too few cases for a firm finding"
    group = ctx.group
    verdict = {"adverse": "a significant gap, unfavourable to", "favourable": "a significant gap, favourable to",
               "no_significant_difference": "no significant difference for"}[r["assessment"]]
    return f"{METRIC_TITLES[metric]}: {verdict} {group} staff"[:110]


def no_chart(what: str, reasons: list[str]) -> str:
    """The sentence that replaces a chart with nothing to draw (no empty axes with "not shown" labels)."""
    why = "; ".join(reasons) if reasons else "there is nothing to draw"
    return f'<p class="no-chart">There is no chart of {esc(what)}: {esc(why)}. The table below gives the figures.</p>'


def rl_figure(ctx: ReportContext, metric: str) -> str:
    points, not_drawn = _points(ctx, metric)
    national = ctx.national.get(metric)
    if not charts.drawable(points):
        every = all(ctx.row_hidden(metric, service) for service in SERVICES)
        return no_chart(METRIC_TITLES[metric].lower(),
                        [f"the figures for every service are {WITHHELD}"] if every else not_drawn)
    svg = charts.forest(points, chart_title(ctx, metric),
                        f"Relative likelihood, {ctx.group} ÷ white, by service, {ctx.period}",
                        metric in ADVERSE_BELOW_ONE, national.value if national else None)
    r = ctx.row(metric, "all")
    if ctx.row_hidden(metric, "all") or missing(r["ci_low"]):
        summary = "the figure for all staff is not shown"
    else:
        if missing(r["value"]):
            value = "not defined, as no white staff had the event"
        elif r["value"] == 0:
            value = f"0, as no {ctx.group} staff had the event"
        else:
            value = ratio(r["value"])
        summary = (f"all staff {value} (interval {interval(r['ci_low'], r['ci_high'])}), "
                   f"{ASSESSMENT_SHORT.get(r['assessment'], '').lower()}")
    alt = f"Dot and interval chart of the relative likelihood by service: {summary}."
    caption = (f"Relative likelihood of {ctx.group} staff compared with white staff, with 95% intervals, by service "
               f"(circle: adults, square: children, diamond: all staff; log scale). Dashed line at 1: equally "
               f"likely. Shaded side: worse for {ctx.group} staff.")
    if national:
        caption += f" Dotted line: national figure {ratio(national.value)}."
    caption += charts.forest_notes(points)
    if not_drawn:
        caption += f" Not drawn: {'; '.join(not_drawn)}."
    return figure(svg, alt, caption)


def percent_figure(ctx: ReportContext, metric: str) -> str:
    """m6/m7: the share answering yes in each group, with Wilson intervals."""
    rows, not_drawn = [], []
    for service in SERVICES:
        r = ctx.row(metric, service)
        item: dict[str, Any] = {"label": CHART_SERVICE[service]}
        for group, word in (("me", ctx.group), ("white", "white")):
            span = wilson(int(r[f"events_{group}"]), int(r[f"base_{group}"]))
            hidden = group_hidden(ctx, metric, service, "overall", group)
            item[group] = None if hidden or span is None else (r[f"rate_{group}"], span[0], span[1])
            if hidden:
                not_drawn.append(f"{SERVICE_WORDS[service]}, {word} ({WITHHELD})")
        rows.append(item)
    r = ctx.row(metric, "all")
    if ctx.row_hidden(metric, "all"):
        title = f"{METRIC_TITLES[metric]}: figures for all staff {WITHHELD}"
        alt_tail = "figures for all staff not shown"
    else:
        title = (f"{percent(r['rate_me'])} of {ctx.group} and {percent(r['rate_white'])} of white respondents "
                 "said yes")
        alt_tail = f"all staff {percent(r['rate_me'])} {ctx.group}, {percent(r['rate_white'])} white"
    if not charts.pairs_drawable(rows):
        return no_chart(METRIC_TITLES[metric].lower(), [f"figures for every service are {WITHHELD}"])
    svg = charts.percent_pairs(rows, title, f"Survey respondents answering yes, by service, {ctx.period}",
                               capital(ctx.group))
    alt = f"Chart of the percentage answering yes, {ctx.group} and white, by service: {alt_tail}."
    caption = (f"Percentage of survey respondents who said yes, {ctx.group} (square) and white (circle), with 95% "
               "Wilson intervals, by service.")
    if not_drawn:
        caption += f" Not drawn: {'; '.join(not_drawn)}."
    return figure(svg, alt, caption)


def percent_table(ctx: ReportContext, metric: str) -> str:
    """The numbers behind the percentage chart: yes of respondents, percentage and Wilson interval."""
    rows = []
    for service in SERVICES:
        r = ctx.row(metric, service)
        cells = [SERVICE_WORDS[service]]
        for group in ("me", "white"):
            span = wilson(int(r[f"events_{group}"]), int(r[f"base_{group}"]))
            a = count_span(ctx, row_key(metric, service, "overall", f"events_{group}"), r[f"events_{group}"])
            n = count_span(ctx, row_key(metric, service, "overall", f"base_{group}"), r[f"base_{group}"])
            cells.append(f"{a} of {n}")
            hidden = group_hidden(ctx, metric, service, "overall", group)
            cells.append(rate_cell(ctx, r, metric, service, "overall", group))
            cells.append(derived(SUPPRESSED if hidden or span is None else interval(span[0], span[1], percent),
                                 f"{metric}|{service}|overall|{group}"))
        rows.append((f"{metric}|{service}|overall", cells))
    group = capital(ctx.group)
    return table(f"{METRIC_TITLES[metric]}: percentage answering yes, {ctx.period}",
                 ["Service", f"{group}: yes of respondents", f"{group}: %", f"{group}: 95% interval",
                  "White: yes of respondents", "White: %", "White: 95% interval"], rows,
                 numeric=(1, 2, 3, 4, 5, 6))


def _survey_sentence(ctx: ReportContext, metric: str) -> str:
    if ctx.row_hidden(metric, "all"):
        return ""
    r = ctx.row(metric, "all")
    return (f" In all, {percent(r['rate_me'])} of {esc(ctx.group)} respondents and {percent(r['rate_white'])} of "
            "white respondents said yes.")


def m9_shares_table(ctx: ReportContext) -> str:
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
        rows.append((f"m9|{service}|senior_share", [
            SERVICE_WORDS[service],
            f"{count_span(ctx, row_key('m9', service, 'senior_share', 'events_me'), senior['events_me'])} "
            f"({derived(SUPPRESSED if senior_hide else percent(senior['value']))})",
            derived(SUPPRESSED if work_hide else percent(work["value"]), f"m9|{service}|workforce_share"),
            derived(SUPPRESSED if senior_hide or work_hide else gap),
            pop_text, derived(SUPPRESSED if senior_hide else pop_gap)]))
    return table(f"{capital(ctx.group)} share of senior managers, the workforce and the local population",
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


def rl_metric_section(ctx: ReportContext, metric: str, extra: str = "") -> str:
    """Headline, chart, table, national figure and commentary for one RL metric."""
    sentence = metric_headline(ctx, metric)
    if metric in PERCENT_METRICS:
        sentence += _survey_sentence(ctx, metric)
    parts = [f'<h3 id="{metric}">{esc(METRIC_TITLES[metric])}</h3>', f'<p class="headline">{sentence}</p>']
    if metric in PERCENT_METRICS:
        parts += [percent_figure(ctx, metric), percent_table(ctx, metric)]
    else:
        parts.append(rl_figure(ctx, metric))
    parts.append(rl_table(ctx, metric))
    if metric == "m9":
        parts.append(f"<p>Senior managers are: {esc(ctx.params.get('senior_manager_definition', ''))}.</p>")
        parts.append(m9_shares_table(ctx))
    parts.append(_national_line(ctx, metric))
    key = "m7" if metric == "m7_managers" and "m7" in ctx.commentary else metric
    parts.append(_commentary(ctx, key))
    parts.append(extra)
    return "\n".join(p for p in parts if p)


def m1_section(ctx: ReportContext, extra: str = "") -> str:
    """m1: the group's share of each pay band, low to high, with workforce and population lines."""
    bands = [str(b) for b in ctx.params["pay_bands"]]
    labels = [pay_band_label(ctx.params, b) for b in bands]
    overall = ctx.row("m1", "all")
    ov = None if ctx.row_hidden("m1", "all", "overall") else float(overall["value"])
    pop = ctx.row("m9", "all", "population_share") if ctx.has_row("m9", "all", "population_share") else None
    popv = None if pop is None or missing(pop["value"]) else float(pop["value"])
    shares = [None if ctx.row_hidden("m1", "all", b) or missing(ctx.row("m1", "all", b)["value"])
              else float(ctx.row("m1", "all", b)["value"]) for b in bands]
    top = shares[-1]
    group = esc(ctx.group)
    if top is not None and ov is not None:
        band = ctx.row("m1", "all", bands[-1])
        relation = share_relation(band["ci_low"], band["ci_high"], ov)
        verdict = {"lower": f"proportionally fewer {group} staff at the top",
                   "higher": f"proportionally more {group} staff at the top",
                   "similar": ("not a statistically significant difference (the whole-workforce share lies within "
                               "the band's 95% interval)")}[relation]
        headline = (f"{percent(top)} of staff in the highest pay band ({esc(labels[-1])}) are {group} (95% interval "
                    f"{interval(band['ci_low'], band['ci_high'], percent)}), against {percent(ov)} of the whole "
                    f"workforce: {verdict}.")
        title = f"{capital(ctx.group)} staff are {percent(top)} of the top pay band, {percent(ov)} of all staff"
    elif ctx.row_hidden("m1", "all", bands[-1]) or ov is None:
        headline = (f"The {group} share of the highest pay band is {WITHHELD}; the table shows the bands that can "
                    "be published.")
        title = f"{capital(ctx.group)} share of each pay band"
    else:
        headline = "There are no staff in the highest pay band to compare."
        title = f"{capital(ctx.group)} share of each pay band"
    alt = "Bar chart of the " + ctx.group + " share of each pay band, lowest first: " + "; ".join(
        f"{lbl} {percent(s) if s is not None else 'not shown'}" for lbl, s in zip(labels, shares, strict=True))
    caption = (f"Bars: share of staff in each pay band who are {ctx.group} (all staff). Dashed line: whole workforce"
               + ("; dotted line: local population (Census 2021)" if popv is not None else "") + ".")
    hidden = [lbl for lbl, s in zip(labels, shares, strict=True) if s is None]
    if hidden:
        caption += f" Not drawn ({'; '.join(hidden)}): {WITHHELD} ([c])."
    if any(x is not None for x in shares):
        chart = figure(charts.band_shares(labels, shares, ov, popv, title,
                                          f"{capital(ctx.group)} share of staff in each pay band, lowest first, all "
                                          f"staff, {ctx.period}"), alt, caption)
    else:
        chart = no_chart("the share of each pay band", [f"the share of every band is {WITHHELD}"])
    rows, groups = [], []
    for service in SERVICES:
        for b, lbl in zip([*bands, "overall"], [*labels, "All pay bands"], strict=True):
            r = ctx.row("m1", service, b)
            hide = ctx.row_hidden("m1", service, b)
            rows.append((f"m1|{service}|{b}", [
                esc(lbl), count_span(ctx, row_key("m1", service, b, "events_me"), r["events_me"]),
                count_span(ctx, row_key("m1", service, b, "events_white"), r["events_white"]),
                derived(SUPPRESSED if hide else percent(r["value"])),
                derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"], percent)),
                rate_cell(ctx, r, "m1", service, b, "me"), rate_cell(ctx, r, "m1", service, b, "white")]))
        groups.append((SERVICE_WORDS[service], len(bands) + 1))
    national = [ctx.national[k] for k in sorted(ctx.national) if k.startswith("m1_band_")]
    nat = ""
    if national:
        bits = ", ".join(f"{percent(f.value)} ({esc(f.metric.removeprefix('m1_band_').replace('_', ' '))})"
                         for f in national)
        nat = (f"<p class=\"national\">National figures for comparison ({esc(national[0].source)}, "
               f"{esc(national[0].year)}): {group} share of staff by national pay band: {bits}. National bands "
               "differ from the council's, so compare with care.</p>")
    table_html = table(f"{capital(ctx.group)} and white staff in each pay band, {ctx.period}",
                       ["Pay band", capital(ctx.group), "White", f"{capital(ctx.group)} share", "95% interval",
                        f"Share of all {ctx.group} staff in this band", "Share of all white staff in this band"],
                       rows, numeric=(1, 2, 3, 4, 5, 6), groups=groups)
    return "\n".join(p for p in [f'<h3 id="m1">{esc(METRIC_TITLES["m1"])}</h3>',
                                 f'<p class="headline">{headline}</p>', chart, table_html, nat,
                                 _commentary(ctx, "m1"), extra] if p)


def findings_sections(ctx: ReportContext, metric_extra: Callable[[str], str] | None = None) -> str:
    """Findings by SC-WRES theme; m2 is shown in full once and referred to the second time.

    ``metric_extra(metric)`` may add HTML after a metric (e.g. the action plan's note on it).
    """
    shown: set[str] = set()
    out = []
    for anchor, title, metrics, intro in THEMES:
        body = [f"<p>{esc(intro.format(group=ctx.group))}</p>"]
        for metric in metrics:
            extra = metric_extra(metric) if metric_extra else ""
            if metric in shown:
                sentence = metric_headline(ctx, metric)
                body.append(f"<h3>{esc(METRIC_TITLES[metric])}</h3><p>{sentence} "
                            f'<a href="#{metric}">See the full figures for {esc(METRIC_TITLES[metric].lower())} '
                            "above</a>.</p>")
                continue
            shown.add(metric)
            body.append(m1_section(ctx, extra) if metric == "m1" else rl_metric_section(ctx, metric, extra))
        out.append(_section(f"theme-{anchor}", f"Findings: {title.lower()}", "\n".join(body)))
    return "\n".join(out)


# 5. Trend ----------------------------------------------------------------------------------------------

def trend_section(ctx: ReportContext) -> str:
    """Every RL for all staff across every period the workbook holds."""
    periods = [p.period for p in ctx.history]
    series, rows = [], []
    for metric in RL_METRICS:
        points, cells, marks = [], [esc(METRIC_SHORT[metric])], {}
        for x, data in enumerate(ctx.history):
            frame = data.metrics
            hit = frame[(frame["metric"] == metric) & (frame["service"] == "all") & (frame["breakdown"] == "overall")]
            if hit.empty:
                points.append((data.period, None, None, None))
                marks[x] = DASH
                cells.append(DASH)
                continue
            r = hit.iloc[0]
            hide = ctx.pub.row_hidden(metric, "all", "overall", data.period)
            ok = not hide and not missing(r["ci_low"])
            if not hide:
                marks[x] = DASH
            points.append((data.period, None if not ok or missing(r["value"]) else float(r["value"]),
                           float(r["ci_low"]) if ok else None,
                           None if not ok or missing(r["ci_high"]) else float(r["ci_high"])))
            shown = f"{rl_value(r['value'], r['ci_low'])} ({interval(r['ci_low'], r['ci_high'])})"
            cells.append(derived(SUPPRESSED if hide else shown, f"trend|{data.period}|{metric}"))
        series.append({"title": METRIC_SHORT[metric], "adverse_below_one": metric in ADVERSE_BELOW_ONE,
                       "points": points, "marks": marks})
        rows.append(("", cells))
    drawn = [item for item in series if charts.trend_drawable(item)]
    empty = [item["title"].lower() for item in series if not charts.trend_drawable(item)]
    every = [{"value": v, "low": lo, "high": hi} for item in series for (_, v, lo, hi) in item["points"]]
    intro = ("<p>How each relative likelihood for all staff has moved across every period held for the council. "
             "The change column in each finding says whether the latest move is statistically significant.</p>")
    if len(periods) < 2:
        chart = (f"<p class=\"no-chart\">There is no trend chart: {esc(periods[0])} is the only period held for the "
                 "council so far, so there is no earlier period to compare with. The table below gives this "
                 "period's figures.</p>")
    elif not drawn:
        chart = no_chart("the trend", [f"no period has a figure that can be drawn ({WITHHELD}, or too little data)"])
    else:
        svg = charts.trend_grid(drawn, f"Relative likelihoods for all staff, {periods[0]} to {periods[-1]}",
                                f"{capital(ctx.group)} ÷ white; dots: estimate, lines: 95% interval; dashed: "
                                "equally likely; shaded: worse for the group")
        alt = (f"Small multiple charts, one per measure, of the relative likelihood for all staff in each period "
               f"from {periods[0]} to {periods[-1]}; the table below gives every value.")
        caption = ("One panel per measure; each point is a period, with its 95% interval, on a log scale."
                   + (f" [c]: {WITHHELD}." if ctx.public else "") + f" {DASH}: too little data to draw."
                   + charts.forest_notes(every, "bottom"))
        if empty:
            caption += f" No panel for {', '.join(empty)}: no period can be drawn."
        chart = figure(svg, alt, caption)
    return _section("trend", "Trend", intro + chart + table(
        f"Relative likelihood (95% interval) for all staff, {periods[0]} to {periods[-1]}",
        ["Measure", *periods], rows, numeric=tuple(range(1, len(periods) + 1))))


# 6. Ethnic sub-groups ----------------------------------------------------------------------------------

def subgroups_section(ctx: ReportContext) -> str:
    """Each broad sub-group against white staff, for all staff, where disclosure control allows."""
    subs = sorted({b.split(":", 1)[1] for b in ctx.metrics["breakdown"] if b.startswith("subgroup:")},
                  key=list(SUBGROUP_WORDS).index)
    rows, groups = [], []
    for metric in RL_METRICS:
        for sub in subs:
            b = f"subgroup:{sub}"
            r = ctx.row(metric, "all", b)
            hide = ctx.row_hidden(metric, "all", b)
            a = count_span(ctx, row_key(metric, "all", b, "events_me"), r["events_me"])
            n = count_span(ctx, row_key(metric, "all", b, "base_me"), r["base_me"])
            rows.append((f"{metric}|all|{b}", [
                esc(SUBGROUP_WORDS[sub]), f"{a} of {n} ({rate_cell(ctx, r, metric, 'all', b, 'me')})",
                derived(SUPPRESSED if hide else rl_value(r["value"], r["ci_low"])),
                derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
                derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH))]))
        groups.append((METRIC_TITLES[metric], len(subs)))
    intro = (f"<p>The {esc(ctx.group)} group brings together people of many backgrounds, and one overall figure can "
             "hide large differences. This table compares each broad census group with white staff, for all "
             "staff. Many cells are small, so intervals are wide"
             + ("; more figures are shown as [c] here than elsewhere" if ctx.public else "") + ".</p>")
    return _section("subgroups", "Ethnic sub-groups", intro + table(
        f"Each ethnic sub-group compared with white staff, all staff, {ctx.period}",
        ["Sub-group", "Cases of base (rate)", "Relative likelihood", "95% interval", "Assessment"],
        rows, numeric=(1, 2, 3), groups=groups))


# 8. Data quality ---------------------------------------------------------------------------------------

# What each required table holds, in a reader's words (for "no figures were provided for ...").
TABLE_WORDS = {"workforce": "staff", "recruitment": "recruitment", "events": "disciplinary, fitness to practise, "
               "training and leavers", "survey": "staff survey"}
UNKNOWN_WHO = {"workforce.headcount": "staff", "recruitment.shortlisted": "shortlisted applicants",
               "survey.respondents": "survey respondents"}
HEADCOUNT_TOLERANCE = 0.02
YEAR_ON_YEAR_LIMIT = 0.25


def _service_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def unknown_notes(ctx: ReportContext) -> list[str]:
    """Shares of records with ethnicity not known above the council's threshold, where the report shows them.

    Only a share the "About this report" table also shows is quoted: where that table hides the
    count, the sentence says nothing at all (even "above 10%" would bound a hidden count).
    """
    limit = float(ctx.params.get("unknown_share_warning", 0.1))
    out = []
    for source, who in UNKNOWN_WHO.items():
        parts = []
        for service in SERVICES:
            uk, tk = extra_key("unknown", source, service), extra_key("total", source, service)
            unknown, total = ctx.plan.values.get(uk), ctx.plan.values.get(tk)
            if not total or unknown is None or ctx.hidden(uk) or ctx.hidden(tk) or unknown / total <= limit:
                continue
            where = "all services" if service == "all" else SERVICE_WORDS[service].lower()
            parts.append(f"{derived(percent(unknown / total), f'share|{source}|{service}')} in {where}")
        if parts:
            out.append(f"Ethnicity is not known for {_service_list(parts)} of {who}, so the figures that rest on "
                       f"{who} may change when it is recorded.")
    return out


def headcount_notes(ctx: ReportContext) -> list[str]:
    """The return's headcount against the council's declared number of staff; services with no rows;
    a big change in headcount since the previous period. Worded without any count."""
    out = []
    workforce = ctx.tables.get("workforce")
    declared = ctx.spec.get("direct_employees")
    if workforce is not None and isinstance(declared, int) and declared > 0:
        if abs(int(workforce["headcount"].sum()) - declared) / declared > HEADCOUNT_TOLERANCE:
            out.append("The number of staff in the return differs by more than 2% from the council's own count of "
                       "its directly employed staff, so some staff may be missing from these figures.")
    for name, words in TABLE_WORDS.items():
        frame = ctx.tables.get(name)
        if frame is None or "service" not in frame:
            continue
        absent = [SERVICE_WORDS[s].lower() for s in ("adults", "children") if not (frame["service"] == s).any()]
        if absent:
            out.append(f"No {words} figures were provided for {_service_list(absent)}, so those figures are "
                       "missing from this report.")
    before = [p for p in ctx.history if p.period < ctx.period]
    if before:
        earlier, now = before[-1], ctx.history[-1]
        for service in SERVICES:
            key = extra_key("total", "workforce.headcount", service)
            old, new = earlier.plan.values.get(key), now.plan.values.get(key)
            # Both headcounts through the publication layer, each with the plan its report was published with.
            if not old or new is None or ctx.pub.hidden(key, earlier.period) or ctx.pub.hidden(key):
                continue
            if abs(new - old) / old > YEAR_ON_YEAR_LIMIT:
                who = "all staff" if service == "all" else f"staff in {SERVICE_WORDS[service].lower()}"
                out.append(f"The number of {who} changed by more than a quarter since {esc(earlier.period)}, so "
                           f"compare the {esc(earlier.period)} figures with care.")
    return out


def data_quality_section(ctx: ReportContext) -> str:
    """What affects the reading of the figures, in a reader's words.

    Never a file name, params key, code or line number: the analyst's list (every validation
    warning, commentary and action plan problem) is on the data-quality page and the console.
    """
    notes = unknown_notes(ctx) + headcount_notes(ctx)
    if ctx.public and ctx.plan.hidden_keys:
        notes.append(f"Some groups are small, so some figures are shown as [c]: {WITHHELD}.")
    elif not ctx.public:
        threshold = suppression_threshold(ctx.params)
        notes.append(f"The public version of this report hides figures that rest on fewer than {threshold} people; "
                     "this internal version shows them all.")
    listing = ("<p>What to bear in mind when reading these figures:</p><ul>" + "".join(f"<li>{n}</li>" for n in notes)
               + "</ul>") if notes else "<p>Nothing in the return affects how these figures should be read.</p>"
    body = ("<p>Every return is checked before any figure is calculated: missing or extra columns, unknown codes, "
            "counts that do not add up, and figures that look unusual. A return with errors is not published.</p>"
            + listing + "<p>Records whose ethnicity is not known are left out of every comparison; the tables under "
            "<a href=\"#about\">About this report</a> show how many there were.</p>" + (
                "" if ctx.public else
                "<p><a href=\"data-quality.html\">Read the full data quality report for this return</a> (for the "
                "council's data team: it is not subject to disclosure control).</p>"))
    return _section("data-quality", "Data quality", body)


# 9. Methods and provenance -----------------------------------------------------------------------------

def intake_paragraph(ctx: ReportContext) -> str:
    """How the return came in and which ethnicity label sets its values were read from (docs/data-return.md)."""
    if not ctx.intake:
        return ""
    form = ("as records (one row per member of staff, shortlisted applicant and survey response), which the "
            "workbook counted into the SC-WRES tables" if ctx.intake.get("form") == "records"
            else "as the SC-WRES count tables")
    sets = [PUBLIC_NAMES[s] for s in ctx.intake.get("label_sets", []) if s in PUBLIC_NAMES]
    used = ""
    if sets:
        joined = sets[0] if len(sets) == 1 else ", ".join(sets[:-1]) + " and " + sets[-1]
        used = f" Its ethnicity values were written as {joined}; each was read as one census category."
    return f"<p>The council's data for this period came {esc(form)}.{esc(used)}</p>"


def methods_section(ctx: ReportContext) -> str:
    """Formulas, intervals, assessment and suppression rules, ethnicity mapping, file hashes, versions."""
    threshold = suppression_threshold(ctx.params)
    wm = bool(ctx.params.get("white_minorities_as_minority_ethnic"))
    codes = {**DETAILED_CODES, **BROAD_CODES}
    words = {"white": "White", "minority_ethnic": capital(ctx.group), "unknown": "Not known (left out)"}
    mapping = [("", [esc(label), esc(words[ethnic_group(code, wm)])]) for code, (label, _, _) in codes.items()]
    files = [("", [esc(f.name), f"<code>{f.sha256}</code>"]) for f in input_files(ctx.la, ctx.period)]
    soft = [("", [esc(k), esc(v)]) for k, v in versions().items()]
    soft.insert(0, ("", ["Project version (git commit)", f"<code>{esc(git_commit())}</code>"]))
    audience = ("This is the public version. Any count from 1 to "
                f"{threshold - 1} is shown as [c], and so is every rate, ratio, interval, assessment, sentence and "
                "chart mark that rests on it. Further counts are hidden wherever a hidden one could otherwise be "
                "worked out from what is published, read together: this report, the council's reports for other "
                "years and its progress updates, and the national and regional pages. That covers adding or "
                "subtracting figures (for example all staff minus adults' services gives children's services), "
                "using the fact that every count is a whole number between 0 and the number it is out of, and "
                "working back from a rounded percentage or ratio. A figure hidden in an earlier year's report stays "
                "hidden wherever this report quotes it, and a warning that would need a hidden figure is worded "
                "without it. Zero is shown.") if ctx.public else (
        "This is the internal version: nothing is hidden. Do not publish it; publish the public version.")
    body = (
        "<h3>How the figures are calculated</h3>"
        f"<p>For each measure, the rate for a group is the number of cases divided by the number of people it could "
        f"happen to (for example, appointed ÷ shortlisted). The <strong>relative likelihood</strong> is the "
        f"{esc(ctx.group)} rate divided by the white rate. Adults' and children's services are added together for "
        "all staff; ratios are never averaged. The pay bands measure is the share of each pay band who are "
        f"{esc(ctx.group)}: {esc(ctx.group)} ÷ ({esc(ctx.group)} + white). Ratios are shown to 2 decimal places and "
        "percentages to 1; calculations use unrounded figures.</p>"
        "<h3>Intervals and significance</h3>"
        "<p>Each relative likelihood has a 95% confidence interval by the Koopman score method (Koopman 1984), "
        "the interval Fagerland, Lydersen and Laake (2015) recommend for comparing two rates in small and "
        "moderate groups. It needs no adjustment when a group has no cases. When no "
        f"{esc(ctx.group)} staff had the event the relative likelihood is 0 and its interval starts at 0. When no "
        "white staff had it the relative likelihood cannot be calculated (it is shown as not defined), but the "
        "interval still has a lower limit, so the report can say, for example, that a group was at least 4 times "
        "as likely; it has no upper limit. Shares and percentages use the Wilson score interval (Wilson 1927). "
        "When a group has no staff, or neither group had the event, there is too little data to say.</p>"
        "<p>A difference is called statistically significant when the whole interval lies on one side of 1 (for "
        "a pay band's share: when the band's interval does not include the whole workforce's share); whether "
        "that side is unfavourable depends on the measure. Where rounding to 2 decimal places would show an "
        "interval ending at 1.00, 3 decimal places are shown so the numbers agree with the words.</p>"
        "<p>The change since the last period is tested on the logarithm of the relative likelihood, with the "
        "standard error of each period's log ratio (the Katz formula); it is significant when the difference is "
        "more than 1.96 standard errors. When either period has a group with no cases the log ratio is not "
        "defined, so the change is not assessed.</p>"
        "<p>A statistically significant difference shows that a gap is unlikely to be chance alone; it does not "
        "show what causes it. And each comparison has about a one in twenty chance of coming out "
        "\"significant\" when there is no real difference: this report makes about thirty comparisons, so one or "
        "two such chance findings are to be expected. Read a single significant result with care, and look for "
        "the same pattern across years and measures.</p>"
        f"<h3>Disclosure control</h3><p>{audience}</p>"
        "<h3>Ethnicity groups</h3>"
        + intake_paragraph(ctx)
        + table("How each census ethnicity category was grouped", ["Census category", "Group in this report"],
                mapping)
        + "<h3>Input files</h3><p>The SHA-256 fingerprint of every file this report was made from: the same files "
        "and code give the same report, byte for byte.</p>"
        + table("Input files and their SHA-256 fingerprints", ["File", "SHA-256"], files)
        + "<h3>Software</h3>"
        + table("Code and software versions used", ["Component", "Version"], soft)
    )
    return _section("methods", "Methods and provenance", body)
