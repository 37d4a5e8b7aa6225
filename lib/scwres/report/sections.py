"""The report's sections, in the order docs/report.md gives, each one HTML string.

Each function takes the ``ReportContext`` and returns HTML for one notebook
cell, so the notebook stays one call per section. Every figure goes through
the disclosure plan (``[c]`` for the public audience), every outside string
through ``esc``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .. import charts
from ..disclosure import extra_key, row_key
from ..params import pay_band_label
from ..provenance import git_commit, input_files, versions
from ..schema import BROAD_CODES, DETAILED_CODES, ethnic_group
from ..stats import ADVERSE_BELOW_ONE, RL_METRICS, wilson
from .context import ReportContext
from .markup import count_span, derived, figure, table
from .wording import (
    ASSESSMENT_SHORT,
    DASH,
    EVENT_NOUN,
    METRIC_SHORT,
    METRIC_TITLES,
    SERVICE_WORDS,
    SUBGROUP_WORDS,
    SUPPRESSED,
    TREND_WORDS,
    capital,
    esc,
    interval,
    missing,
    percent,
    ratio,
    rl_headline,
)

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
PERCENT_METRICS = ("m6", "m7_colleagues", "m7_managers")
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
        out.append('<p class="banner">Illustrative data: these figures were generated to show how the report '
                   "works. They are not the council's real workforce data.</p>")
    if not ctx.public:
        out.append('<p class="banner internal">INTERNAL - not for publication. This version shows small numbers '
                   "that the public report hides.</p>")
    return "\n".join(out)


def title_section(ctx: ReportContext) -> str:
    """Title, snapshot date and the illustrative / internal banners."""
    spec = ctx.spec
    return (f"<header><h1>{esc(ctx.params['name'])}: Social Care Workforce Race Equality Standard report "
            f"{esc(ctx.period)}</h1>\n<p class=\"lede\">Staff numbers at {long_date(spec['snapshot_date'])}. "
            f"Recruitment, disciplinary, training, leavers and survey figures for the 12 months from "
            f"{long_date(spec['window_start'])} to {long_date(spec['window_end'])}.</p>\n{banners(ctx)}</header>")


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


def glance_section(ctx: ReportContext) -> str:
    """One table: every metric and service, value, interval, assessment, change, national figure."""
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
        cells = [f"{esc(METRIC_SHORT['m1'])}: {esc(ctx.group)} share of the highest band",
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
            cells = [esc(METRIC_SHORT[metric]), SERVICE_WORDS[service],
                     derived(SUPPRESSED if hide else ratio(r["value"])),
                     derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
                     derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH)),
                     derived(SUPPRESSED if ctx.trend_hidden(metric, service) else TREND_WORDS.get(r["trend"], DASH)),
                     national_text(ctx, metric) if service == "all" else DASH]
            rows.append((f"{metric}|{service}|overall", cells))
    intro = (f"<p>Each measure compares {esc(ctx.group)} staff with white staff. For most measures the value is a "
             f"<strong>relative likelihood</strong>: how likely {esc(ctx.group)} staff are to experience something "
             "compared with white staff. 1 means equally likely; below 1, less likely; above 1, more likely. "
             "Whether that is good or bad depends on the measure: being appointed is good, being disciplined is "
             "not. The assessment says which. [c] means too few cases to publish.</p>")
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
            derived(SUPPRESSED if hide else ratio(r["value"])),
            derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
            derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH)),
            derived(SUPPRESSED if ctx.trend_hidden(metric, service) else TREND_WORDS.get(r["trend"], DASH))]))
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
        ok = not hide and not missing(r["ci_low"]) and not missing(r["ci_high"])
        points.append({"label": CHART_SERVICE[service], "service": service,
                       "value": None if not ok or missing(r["value"]) else float(r["value"]),
                       "low": float(r["ci_low"]) if ok else None, "high": float(r["ci_high"]) if ok else None})
        if not ok:
            missing_labels.append(SERVICE_WORDS[service] + (" (too few cases to publish)" if hide
                                                            else " (too little data)"))
    return points, missing_labels


def chart_title(ctx: ReportContext, metric: str) -> str:
    """The active headline for a chart: the finding for all staff, in a few words."""
    r = ctx.row(metric, "all")
    if ctx.row_hidden(metric, "all"):  # hidden to protect individuals, not because the evidence is weak
        return f"{METRIC_TITLES[metric]}: figures for all staff withheld to protect individuals"
    if missing(r["value"]) or r["assessment"] == "insufficient_data":
        return f"{METRIC_TITLES[metric]}: too few cases for a firm finding"
    group = ctx.group
    verdict = {"adverse": "a significant gap, unfavourable to", "favourable": "a significant gap, favourable to",
               "no_significant_difference": "no significant difference for"}[r["assessment"]]
    return f"{METRIC_TITLES[metric]}: {verdict} {group} staff"[:110]


def rl_figure(ctx: ReportContext, metric: str) -> str:
    points, not_drawn = _points(ctx, metric)
    national = ctx.national.get(metric)
    svg = charts.forest(points, chart_title(ctx, metric),
                        f"Relative likelihood, {ctx.group} ÷ white, by service, {ctx.period}",
                        metric in ADVERSE_BELOW_ONE, national.value if national else None)
    r = ctx.row(metric, "all")
    if ctx.row_hidden(metric, "all") or missing(r["value"]):
        summary = "the figure for all staff is not shown"
    else:
        summary = (f"all staff {ratio(r['value'])} (interval {interval(r['ci_low'], r['ci_high'])}), "
                   f"{ASSESSMENT_SHORT.get(r['assessment'], '').lower()}")
    alt = f"Dot and interval chart of the relative likelihood by service: {summary}."
    caption = (f"Relative likelihood of {ctx.group} staff compared with white staff, with 95% intervals, by service "
               f"(circle: adults, square: children, diamond: all staff; log scale). Dashed line at 1: equally "
               f"likely. Shaded side: worse for {ctx.group} staff.")
    if national:
        caption += f" Dotted line: national figure {ratio(national.value)}."
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
                not_drawn.append(f"{SERVICE_WORDS[service]}, {word} (too few cases to publish)")
        rows.append(item)
    r = ctx.row(metric, "all")
    if ctx.row_hidden(metric, "all"):
        title, alt_tail = f"{METRIC_TITLES[metric]}: too few cases to publish", "figures for all staff not shown"
    else:
        title = (f"{percent(r['rate_me'])} of {ctx.group} and {percent(r['rate_white'])} of white respondents "
                 "said yes")
        alt_tail = f"all staff {percent(r['rate_me'])} {ctx.group}, {percent(r['rate_white'])} white"
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


def rl_metric_section(ctx: ReportContext, metric: str, extra: str = "") -> str:
    """Headline, chart, table, national figure and commentary for one RL metric."""
    sentence = rl_headline(metric, ctx.row(metric, "all"), ctx.group, ctx.row_hidden(metric, "all"))
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
        relation = "fewer" if top < ov else "more"
        headline = (f"{percent(top)} of staff in the highest pay band ({esc(labels[-1])}) are {group}, against "
                    f"{percent(ov)} of the whole workforce: proportionally {relation} {group} staff at the top.")
        title = f"{capital(ctx.group)} staff are {percent(top)} of the top pay band, {percent(ov)} of all staff"
    else:
        headline = (f"The highest pay band has too few {group} staff to publish its share; the table shows the "
                    "bands that can be published.")
        title = f"{capital(ctx.group)} share of each pay band"
    svg = charts.band_shares(labels, shares, ov, popv, title,
                             f"{capital(ctx.group)} share of staff in each pay band, lowest first, all staff, "
                             f"{ctx.period}")
    alt = "Bar chart of the " + ctx.group + " share of each pay band, lowest first: " + "; ".join(
        f"{lbl} {percent(s) if s is not None else 'not shown'}" for lbl, s in zip(labels, shares, strict=True))
    caption = (f"Bars: share of staff in each pay band who are {ctx.group} (all staff). Dashed line: whole workforce"
               + ("; dotted line: local population (Census 2021)" if popv is not None else "") + ".")
    hidden = [lbl for lbl, s in zip(labels, shares, strict=True) if s is None]
    if hidden:
        caption += f" Not drawn ({'; '.join(hidden)}): too few staff to publish."
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
                                 f'<p class="headline">{headline}</p>', figure(svg, alt, caption), table_html, nat,
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
                sentence = rl_headline(metric, ctx.row(metric, "all"), ctx.group, ctx.row_hidden(metric, "all"))
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
        points, cells = [], [esc(METRIC_SHORT[metric])]
        for data in ctx.history:
            frame = data.metrics
            hit = frame[(frame["metric"] == metric) & (frame["service"] == "all") & (frame["breakdown"] == "overall")]
            if hit.empty:
                points.append((data.period, None, None, None))
                cells.append(DASH)
                continue
            r = hit.iloc[0]
            hide = ctx.public and data.plan.row_hidden(metric, "all", "overall")
            ok = not hide and not missing(r["ci_low"])
            points.append((data.period, None if not ok or missing(r["value"]) else float(r["value"]),
                           float(r["ci_low"]) if ok else None, float(r["ci_high"]) if ok else None))
            cells.append(derived(SUPPRESSED if hide else f"{ratio(r['value'])} ({interval(r['ci_low'], r['ci_high'])})",
                                 f"trend|{data.period}|{metric}"))
        series.append({"title": METRIC_SHORT[metric], "adverse_below_one": metric in ADVERSE_BELOW_ONE,
                       "points": points})
        rows.append(("", cells))
    svg = charts.trend_grid(series, f"Relative likelihoods for all staff, {periods[0]} to {periods[-1]}",
                            f"{capital(ctx.group)} ÷ white; dots: estimate, lines: 95% interval; dashed: equally "
                            "likely; shaded: worse for the group")
    alt = (f"Small multiple charts, one per measure, of the relative likelihood for all staff in each period from "
           f"{periods[0]} to {periods[-1]}; the table below gives every value.")
    caption = ("One panel per measure; each point is a period, with its 95% interval, on a log scale. Periods with "
               "too few cases to publish are marked \"not shown\".")
    intro = ("<p>How each relative likelihood for all staff has moved across every period held for the council. "
             "The change column in each finding says whether the latest move is statistically significant.</p>")
    return _section("trend", "Trend", intro + figure(svg, alt, caption) + table(
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
                derived(SUPPRESSED if hide else ratio(r["value"])),
                derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
                derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH))]))
        groups.append((METRIC_TITLES[metric], len(subs)))
    intro = (f"<p>The {esc(ctx.group)} group brings together people of many backgrounds, and one overall figure can "
             "hide large differences. This table compares each broad census group with white staff, for all "
             "staff. Many cells are small, so more are shown as [c] here than elsewhere; intervals are wide.</p>")
    return _section("subgroups", "Ethnic sub-groups", intro + table(
        f"Each ethnic sub-group compared with white staff, all staff, {ctx.period}",
        ["Sub-group", "Cases of base (rate)", "Relative likelihood", "95% interval", "Assessment"],
        rows, numeric=(1, 2, 3), groups=groups))


# 8. Data quality ---------------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?![\d.%])")
PERCENTAGE = re.compile(r"[+-]?\d+(?:\.\d+)?%")


WARNING_SOURCES = {f"{source.split('.')[0]}.csv": source for source, _ in UNKNOWN_SOURCES}  # file -> count


def _unknown_share_hidden(ctx: ReportContext, problem: dict, message: str) -> bool:
    """An unknown-ethnicity share whose count the report hides: share x shown total would give it back."""
    name = f"{problem['sheet']}.csv" if problem.get("sheet") else str(problem.get("file"))
    source = WARNING_SOURCES.get(name)
    if problem.get("column") != "ethnicity" or source is None:
        return False
    services = [s for s in ("adults", "children") if f" in {s} " in message] or ["all"]
    return any(ctx.plan.hidden(extra_key("unknown", source, s)) for s in services)


def _mask(ctx: ReportContext, text: str, problem: dict | None = None) -> str:
    """In a public report, a number in a validation message that equals a hidden count becomes [c].

    When anything is masked, every percentage in the message goes too, because a share next to a
    shown total would give the hidden count back; so does the share in an unknown-ethnicity warning
    whose count is hidden.
    """
    if not ctx.public:
        return text
    if problem is not None and _unknown_share_hidden(ctx, problem, text):
        return PERCENTAGE.sub(SUPPRESSED, text)
    hidden_values = {v for k, v in ctx.plan.values.items() if ctx.plan.hidden(k)}
    masked = NUMBER.sub(lambda m: SUPPRESSED if int(m.group().replace(",", "")) in hidden_values else m.group(),
                        text)
    return PERCENTAGE.sub(SUPPRESSED, masked) if masked != text else masked


def data_quality_section(ctx: ReportContext) -> str:
    """Validation warnings in plain words, and a link to the full data quality page."""
    warnings = [p for p in ctx.problems if p.get("severity") == "warning"]
    items = [f"<li><strong>{esc(str(p.get('where') or p.get('file') or ''))}</strong>: "
             f"{esc(_mask(ctx, str(p.get('message', '')), p))}</li>" for p in warnings]
    items += [f"<li>The commentary file has a section called \"{esc(k)}\", which matches no measure, so it is not "
              "shown.</li>" for k in ctx.commentary_unknown]
    listing = (f"<p>The checks found {len(items)} thing{'s' if len(items) != 1 else ''} to be aware of:</p>"
               f"<ul>{''.join(items)}</ul>") if items else "<p>The return passed every check with no warnings.</p>"
    body = (f"<p>Every return is checked before any figure is calculated: missing or extra columns, unknown codes, "
            "counts that do not add up, and figures that look unusual. Errors stop the report; warnings are listed "
            f"here.</p>{listing}" + (
                "<p>The council's data team also has a full data quality report for this return. It quotes the "
                "return's own figures, so it is not published.</p>" if ctx.public else
                "<p><a href=\"data-quality.html\">Read the full data quality report for this return</a> (for the "
                "council's data team: it is not subject to disclosure control).</p>"))
    return _section("data-quality", "Data quality", body)


# 9. Methods and provenance -----------------------------------------------------------------------------

def methods_section(ctx: ReportContext) -> str:
    """Formulas, intervals, assessment and suppression rules, ethnicity mapping, file hashes, versions."""
    threshold = int(ctx.params.get("suppression_threshold", 10))
    wm = bool(ctx.params.get("white_minorities_as_minority_ethnic"))
    codes = {**DETAILED_CODES, **BROAD_CODES}
    words = {"white": "White", "minority_ethnic": capital(ctx.group), "unknown": "Not known (left out)"}
    mapping = [("", [esc(label), esc(words[ethnic_group(code, wm)])]) for code, (label, _, _) in codes.items()]
    files = [("", [esc(f.name), f"<code>{f.sha256}</code>"]) for f in input_files(ctx.la, ctx.period)]
    soft = [("", [esc(k), esc(v)]) for k, v in versions().items()]
    soft.insert(0, ("", ["Project version (git commit)", f"<code>{esc(git_commit())}</code>"]))
    audience = ("This is the public version: any count from 1 to "
                f"{threshold - 1} is shown as [c], with every rate, ratio, interval and assessment that rests on it. "
                "Further counts are hidden where a hidden one could otherwise be worked out by adding or "
                "subtracting figures shown anywhere in this report (for example all staff minus adults' services "
                "gives children's services). Zero is shown.") if ctx.public else (
        "This is the internal version: nothing is hidden. Do not publish it; publish the public version.")
    body = (
        "<h3>How the figures are calculated</h3>"
        f"<p>For each measure, the rate for a group is the number of cases divided by the number of people it could "
        f"happen to (for example, appointed ÷ shortlisted). The <strong>relative likelihood</strong> is the "
        f"{esc(ctx.group)} rate divided by the white rate. Adults' and children's services are added together for "
        "all staff; ratios are never averaged. Measure m1 is the share of each pay band who are "
        f"{esc(ctx.group)}: {esc(ctx.group)} ÷ ({esc(ctx.group)} + white). Ratios are shown to 2 decimal places and "
        "percentages to 1; calculations use unrounded figures.</p>"
        "<h3>Intervals and significance</h3>"
        "<p>Each relative likelihood has a 95% confidence interval by the log (Katz) method; when a group has no "
        "cases, 0.5 is added to each count and 1 to each base for the interval (Haldane-Anscombe). Shares and "
        "percentages use the Wilson score interval. A difference is called statistically significant when the "
        "whole interval lies on one side of 1; whether that side is unfavourable depends on the measure. The "
        "change since the last period is significant when the difference in log relative likelihood is more than "
        "1.96 standard errors. A significant difference shows that a gap is unlikely to be chance; it does not "
        "show what causes it.</p>"
        f"<h3>Disclosure control</h3><p>{audience}</p>"
        "<h3>Ethnicity groups</h3>"
        + table("How each census ethnicity category was grouped", ["Census category", "Group in this report"],
                mapping)
        + "<h3>Input files</h3><p>The SHA-256 fingerprint of every file this report was made from: the same files "
        "and code give the same report, byte for byte.</p>"
        + table("Input files and their SHA-256 fingerprints", ["File", "SHA-256"], files)
        + "<h3>Software</h3>"
        + table("Code and software versions used", ["Component", "Version"], soft)
    )
    return _section("methods", "Methods and provenance", body)
