"""The report's "At a glance": key findings in words, then every measure and service in one table.

The first thing a board member reads. Every figure is a view-data piece
(``common.py``) with its ``[c]`` decided by the publication layer; the template
``templates/pages/report/glance.html.j2`` lays it out.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from ...catalogue import RL_METRICS
from ..pages import Derived, Inline, Row, Table, join
from ..words import (
    ASSESSMENT_SHORT,
    C_KEY,
    DASH,
    METRIC_SHORT,
    SERVICE_WORDS,
    SUBJECT,
    SUPPRESSED,
    TREND_MOVES,
    WITHHELD,
    capital,
    interval,
    missing,
    percent,
    ratio,
    ratio_places,
    rl_summary,
    rl_value,
    share_relation,
    trend_phrase,
)
from .common import SERVICES, change_cell, commentary, measure_link, names, of_cell, rate_cell, section
from .context import ReportContext
from .evidence import TESTED_TRENDS, Evidence, evidence, few_cases, previous_value


def national_text(ctx: ReportContext, metric: str) -> str:
    """'0.52 (Skills for Care, 2024)' or a dash."""
    fig = ctx.national.get(metric)
    if fig is None:
        return DASH
    value = percent(fig.value) if fig.kind == "share_me" else ratio(fig.value)
    return f"{value} ({fig.citation})"


def m1_national(ctx: ReportContext) -> str:
    fig = ctx.national.get("m1_band_70k_plus")
    if fig is None:
        return DASH
    return f"{percent(fig.value)} at £70,000 and over ({fig.citation})"


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


def measures(n: int, word: str = "measure") -> str:
    """'1 measure', '3 measures'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def caveats(ctx: ReportContext, ev: Evidence, metric: str, kind: str = "assessment") -> str:
    """What weakens a significant finding, said in its own bullet: few cases, or not surviving the check."""
    out = ""
    if kind == "assessment" and few_cases(ctx.row(metric, "all")):
        out += " It rests on few cases (fewer than 5 in a group), so read it with care."
    if not ev.survives_check(metric, kind=kind):
        out += (f" This could be chance: it does not survive the check for the {ev.count} comparisons this "
                "report makes (see Methods).")
    return out


def sturdy(ctx: ReportContext, ev: Evidence, metric: str) -> bool:
    return not few_cases(ctx.row(metric, "all")) and ev.survives_check(metric)


def numbers(ctx: ReportContext, metric: str) -> list[Inline]:
    """The finding's figures: both groups' counts and rates (as published), the RL and its interval."""
    r = ctx.row(metric, "all")
    subject = SUBJECT[metric]
    if missing(r["value"]) or r["value"] == 0:
        return []  # the sentence already gives the counts and the interval (no cases in one group)
    return [" In numbers: ", *of_cell(ctx, metric, "all", "overall", "me", r), f" {ctx.group} {subject} (",
            rate_cell(ctx, r, metric, "all", "overall", "me"), ") against ",
            *of_cell(ctx, metric, "all", "overall", "white", r), f" white {subject} (",
            rate_cell(ctx, r, metric, "all", "overall", "white"), "); relative likelihood ",
            Derived(ratio(r["value"], ratio_places(r["ci_low"], r["ci_high"])), f"{metric}|all|overall"),
            ", 95% interval ", Derived(interval(r["ci_low"], r["ci_high"]), f"{metric}|all|overall"), "."]


def lead_finding(ctx: ReportContext, ev: Evidence, metric: str) -> list[Inline]:
    """One key finding: the sentence, its numbers and what weakens it."""
    r = ctx.row(metric, "all")
    return [measure_link(metric), ": ", Derived(rl_summary(metric, r, ctx.group), f"{metric}|all|overall"),
            *numbers(ctx, metric), caveats(ctx, ev, metric)]


def count_sentence(ctx: ReportContext, adverse: list[str], shown: list[str], withheld: list[str]) -> list[Inline]:
    """How many of the measures that can be published are unfavourable, and how many are withheld."""
    group = ctx.group
    if not shown:
        return [f"No measure for all staff can be published: all {len(withheld)} are {WITHHELD}."]
    scope = (f"Of the {measures(len(shown))} that can be published for all staff, " if withheld
             else f"Of the {measures(len(shown))} for all staff, ")
    if len(shown) == 1:
        scope = "Of the 1 measure that can be published for all staff, " if withheld else "Of the 1 measure, "
    if adverse:
        verb = "shows" if len(adverse) == 1 else "show"
        out: list[Inline] = [scope, f"{len(adverse)} {verb} a statistically significant difference unfavourable "
                                    f"to {group} staff (", names(adverse), ")"]
    else:
        out = [scope, f"none shows a statistically significant difference unfavourable to {group} staff"]
    if withheld:
        out += [f"; {len(withheld)} {is_are(len(withheld))} {WITHHELD} (", names(withheld), ")"]
    return [*out, "."]


def since_sentence(ctx: ReportContext, ev: Evidence, shown: list[str]) -> list[Inline]:
    """Changes since the previous period, read against equality, counting only what can be compared."""
    if ctx.trend_refused:
        return [f"No change since {ctx.trend_refused[0]} is assessed: {ctx.trend_refused[1]}, so it is not "
                "compared with this period."]
    if ctx.previous is None:
        return ["This is the first period held for the council, so there is no earlier period to compare with."]
    hidden = [m for m in RL_METRICS if ctx.public and ctx.trend_hidden(m, "all")]
    compared = [m for m in shown if m not in hidden and ctx.row(m, "all")["trend"] in TESTED_TRENDS]
    moved = [m for m in compared if ctx.row(m, "all")["trend"] in TREND_MOVES]
    others = [m for m in RL_METRICS if m not in hidden and m not in compared]
    out: list[Inline] = [f"Since {ctx.previous}: "]
    if compared:
        out.append(f"of the {measures(len(compared))} that can be compared for all staff, ")
        bits: list[Inline] = []
        for m in moved:
            t = ctx.row(m, "all")["trend"]
            phrase = trend_phrase(m, previous_value(ctx, m), float(ctx.row(m, "all")["value"]), ctx.group)
            chance = "" if ev.survives_check(m, kind="trend") else "; this could be chance"
            bits.append([measure_link(m, METRIC_SHORT[m] if METRIC_SHORT[m].isupper() else METRIC_SHORT[m].lower()),
                         f" {TREND_MOVES[t]} (", Derived(phrase + chance, f"{m}|all|overall"), ")"])
        if bits:
            out += join(bits, "; ", "; ")
            rest = len(compared) - len(moved)
            if rest:
                out.append(f"; the other {rest} show no statistically significant change" if rest > 1 else
                           "; the other shows no statistically significant change")
        else:
            out.append("none changed significantly" if len(compared) > 1 else "it did not change significantly")
    if hidden:
        n = len(hidden)
        changes = "the change on 1 measure is" if n == 1 else f"the changes on {n} measures are"
        out.append(f"{'; ' if compared else ''}{changes} {WITHHELD}")
    if others:
        lead = "; " if compared or hidden else ""
        out.append(f"{lead}{measures(len(others))} cannot be compared (a group had no cases, or there is no "
                   "figure for the earlier period)")
    return [*out, "."]


def key_findings(ctx: ReportContext) -> list[Inline]:
    """Three to five findings in words for all staff: the first thing a board member reads.

    Every count here is of what can be published, and says how many are withheld (docs/report.md,
    "Findings must be true of everything"). The lead finding is the sturdiest unfavourable one; one
    resting on few cases or not surviving the check for many comparisons says so in its own bullet.
    """
    group = ctx.group
    ev = evidence(ctx)
    shown = [m for m in RL_METRICS if not ctx.row_hidden(m, "all")]
    withheld = [m for m in RL_METRICS if ctx.row_hidden(m, "all")]
    by = {a: [m for m in shown if ctx.row(m, "all")["assessment"] == a] for a in ASSESSMENT_SHORT}
    items: list[Inline] = []

    def strength(m: str) -> tuple[bool, float]:
        value = ctx.row(m, "all")["value"]
        size = abs(math.log(value)) if not missing(value) and value > 0 else 0.0
        return (not sturdy(ctx, ev, m), -size)

    adverse = sorted(by["adverse"], key=strength)
    if adverse:
        items.append(lead_finding(ctx, ev, adverse[0]))
    items.append(count_sentence(ctx, adverse, shown, withheld))
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
    if rest:
        rest[0][0] = capital(str(rest[0][0]))
        items.append([*sum(([part, "; "] for part in rest), [])[:-1], "."])
    items.append(since_sentence(ctx, ev, shown))
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
