"""The report's "At a glance": key findings in words, then every measure and service in one table.

The first thing a board member reads. Every figure is a view-data piece
(``common.py``) with its ``[c]`` decided by the publication layer; the template
``templates/pages/report/glance.html.j2`` lays it out.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from ...catalogue import RL_METRICS
from ..pages import Derived, Inline, Row, Table
from ..words import (
    ASSESSMENT_SHORT,
    C_KEY,
    DASH,
    SERVICE_WORDS,
    SUPPRESSED,
    WITHHELD,
    capital,
    interval,
    missing,
    percent,
    ratio,
    rl_summary,
    rl_value,
    share_relation,
)
from .common import SERVICES, change_cell, commentary, measure_link, names, section
from .context import ReportContext


def national_text(ctx: ReportContext, metric: str) -> str:
    """'0.52 (Skills for Care, 2024)' or a dash."""
    fig = ctx.national.get(metric)
    if fig is None:
        return DASH
    value = percent(fig.value) if fig.kind == "share_me" else ratio(fig.value)
    return f"{value} ({fig.source}, {fig.year})"


def m1_national(ctx: ReportContext) -> str:
    fig = ctx.national.get("m1_band_70k_plus")
    if fig is None:
        return DASH
    return f"{percent(fig.value)} at £70,000 and over ({fig.source}, {fig.year})"


def top_band(ctx: ReportContext) -> str:
    return str(ctx.params["pay_bands"][-1])


def m1_finding(ctx: ReportContext) -> list[Inline]:
    """The top pay band's share against the whole workforce, in words that follow the band's interval."""
    top = top_band(ctx)
    if ctx.row_hidden("m1", "all", top) or ctx.row_hidden("m1", "all", "overall"):
        return []
    band, overall = ctx.row("m1", "all", top), ctx.row("m1", "all", "overall")
    if missing(band["value"]) or missing(overall["value"]):
        return []
    relation = share_relation(band["ci_low"], band["ci_high"], overall["value"])
    words = {"lower": "lower than", "higher": "higher than", "similar": "not significantly different from"}[relation]
    return [measure_link("m1", "Pay bands"), f": {ctx.group} staff are ",
            Derived(percent(band["value"]), f"m1|all|{top}"), f" of the highest pay band, {words} their ",
            Derived(percent(overall["value"]), "m1|all|overall"), " share of the whole workforce."]


def key_findings(ctx: ReportContext) -> list[Inline]:
    """Three to five findings in words for all staff: the first thing a board member reads."""
    group = ctx.group
    shown = [m for m in RL_METRICS if not ctx.row_hidden(m, "all")]
    withheld = [m for m in RL_METRICS if ctx.row_hidden(m, "all")]
    by = {a: [m for m in shown if ctx.row(m, "all")["assessment"] == a] for a in ASSESSMENT_SHORT}
    items: list[Inline] = []
    adverse = sorted(by["adverse"], key=lambda m: -abs(math.log(ctx.row(m, "all")["value"]))
                     if not missing(ctx.row(m, "all")["value"]) and ctx.row(m, "all")["value"] > 0 else 0)
    if adverse:
        first = adverse[0]
        items.append([measure_link(first), ": ",
                      Derived(rl_summary(first, ctx.row(first, "all"), ctx.group), f"{first}|all|overall")])
        items.append([f"A statistically significant difference unfavourable to {group} staff on "
                      f"{len(adverse)} of {len(RL_METRICS)} measures: ", names(adverse), "."])
    else:
        items.append(f"No measure shows a statistically significant difference unfavourable to {group} staff.")
    m1 = m1_finding(ctx)
    if m1:
        items.append(m1)
    rest: list[list[Inline]] = []
    if by["favourable"]:
        rest.append([f"favourable to {group} staff on ", names(by["favourable"])])
    if by["no_significant_difference"]:
        rest.append(["no statistically significant difference on ", names(by["no_significant_difference"])])
    if by["insufficient_data"]:
        rest.append(["too little data to say on ", names(by["insufficient_data"])])
    if withheld and ctx.public:
        rest.append([f"figures for all staff {WITHHELD} on ", names(withheld)])
    if rest:
        rest[0][0] = capital(str(rest[0][0]))
        items.append([*sum(([part, "; "] for part in rest), [])[:-1], "."])
    if ctx.trend_refused:
        items.append(f"No change since {ctx.trend_refused[0]} is assessed: {ctx.trend_refused[1]}, so it is not "
                     "compared with this period.")
    elif ctx.previous is None:
        items.append("This is the first period held for the council, so there is no earlier period to compare "
                     "with.")
    else:
        moved = {t: [m for m in shown if not ctx.trend_hidden(m, "all") and ctx.row(m, "all")["trend"] == t]
                 for t in ("improved", "worsened")}
        parts = [[f"{t} on ", names(ms)] for t, ms in moved.items() if ms]
        since: list[Inline] = [f"Since {ctx.previous}: "]
        if parts:
            since += [*sum(([part, "; "] for part in parts), []), "no significant change on the others."]
        else:
            since.append("no statistically significant change on any measure that can be compared.")
        items.append(since)
    return items[:5]


def glance_table(ctx: ReportContext) -> Table:
    """Every measure and service: value, interval, assessment, change and national figure; each row links
    to its measure."""
    prev = ctx.previous
    headers = ["Measure", "Service", "Value", "95% interval", "Assessment",
               f"Change since {prev}" if prev else "Change since last period", "National figure"]
    rows = []
    top = top_band(ctx)
    for service in SERVICES:
        r = ctx.row("m1", service, top)
        hide = ctx.row_hidden("m1", service, top)
        overall = ctx.row("m1", service, "overall")
        whole = SUPPRESSED if ctx.row_hidden("m1", service, "overall") else percent(overall["value"])
        cells: list[Inline] = [
            [measure_link("m1"), f": {ctx.group} share of the highest band"], SERVICE_WORDS[service],
            Derived(SUPPRESSED if hide else percent(r["value"])),
            Derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"], percent)),
            ["Whole workforce: ", Derived(whole, f"m1|{service}|overall")], DASH,
            m1_national(ctx) if service == "all" else DASH]
        rows.append(Row(cells, f"m1|{service}|{top}"))
    for metric in RL_METRICS:
        for service in SERVICES:
            r = ctx.row(metric, service)
            hide = ctx.row_hidden(metric, service)
            cells = [measure_link(metric), SERVICE_WORDS[service],
                     Derived(SUPPRESSED if hide else rl_value(r["value"], r["ci_low"])),
                     Derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
                     Derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH)),
                     change_cell(ctx, r, metric, service),
                     national_text(ctx, metric) if service == "all" else DASH]
            rows.append(Row(cells, f"{metric}|{service}|overall"))
    return Table(f"At a glance: every measure, {ctx.period}", headers, rows)


def glance_section(ctx: ReportContext) -> Markup:
    """Key findings in words, then one table of every measure, then the analyst's summary if any."""
    return section("glance.html.j2", findings=key_findings(ctx), group=ctx.group, c_key=C_KEY if ctx.public else "",
                   every=glance_table(ctx), overview=commentary(ctx, "overview"))
