"""The report's trend across periods and its ethnic sub-groups: how the findings move, and what one overall
figure can hide.

Each figure of an earlier period goes through the publication layer with that
period's own plan (``ctx.pub``), so a figure hidden in an earlier report stays
hidden here. Templates: ``trend.html.j2`` and ``subgroups.html.j2``.
"""

from __future__ import annotations

from markupsafe import Markup

from ...catalogue import ADVERSE_BELOW_ONE, RL_METRICS
from .. import charts
from ..pages import Derived, Figure, Inline, Row, Table
from ..words import (
    ASSESSMENT_SHORT,
    DASH,
    METRIC_SHORT,
    METRIC_TITLES,
    SUBGROUP_WORDS,
    SUPPRESSED,
    WITHHELD,
    capital,
    interval,
    missing,
    rl_value,
)
from .common import NoChart, of_cell, rate_cell, section
from .context import ReportContext
from .figures import figure, no_chart


def trend_chart(ctx: ReportContext, series: list[dict]) -> Figure | NoChart:
    """Small multiples, one per measure, of every period's relative likelihood for all staff."""
    periods = [p.period for p in ctx.history]
    drawn = [item for item in series if charts.trend_drawable(item)]
    empty = [item["title"].lower() for item in series if not charts.trend_drawable(item)]
    every = [{"value": v, "low": lo, "high": hi} for item in series for (_, v, lo, hi) in item["points"]]
    if len(periods) < 2:
        return NoChart(f"There is no trend chart: {periods[0]} is the only period held for the council so far, so "
                       "there is no earlier period to compare with. The table below gives this period's figures.")
    if not drawn:
        return no_chart("the trend", [f"no period has a figure that can be drawn ({WITHHELD}, or too little data)"])
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
    return figure(svg, alt, caption)


def trend_section(ctx: ReportContext) -> Markup:
    """Every RL for all staff across every period the workbook holds."""
    periods = [p.period for p in ctx.history]
    series, rows = [], []
    for metric in RL_METRICS:
        points, marks = [], {}
        cells: list[Inline] = [METRIC_SHORT[metric]]
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
            cells.append(Derived(SUPPRESSED if hide else shown, f"trend|{data.period}|{metric}"))
        series.append({"title": METRIC_SHORT[metric], "adverse_below_one": metric in ADVERSE_BELOW_ONE,
                       "points": points, "marks": marks})
        rows.append(Row(cells))
    return section("trend.html.j2", chart=trend_chart(ctx, series), data=Table(
        f"Relative likelihood (95% interval) for all staff, {periods[0]} to {periods[-1]}",
        ["Measure", *periods], rows, numeric=tuple(range(1, len(periods) + 1))))


def subgroups_section(ctx: ReportContext) -> Markup:
    """Each broad sub-group against white staff, for all staff, where disclosure control allows."""
    subs = sorted({b.split(":", 1)[1] for b in ctx.metrics["breakdown"] if b.startswith("subgroup:")},
                  key=list(SUBGROUP_WORDS).index)
    rows, groups = [], []
    for metric in RL_METRICS:
        for sub in subs:
            b = f"subgroup:{sub}"
            r = ctx.row(metric, "all", b)
            hide = ctx.row_hidden(metric, "all", b)
            rows.append(Row([
                SUBGROUP_WORDS[sub], [*of_cell(ctx, metric, "all", b, "me", r), " (",
                                      rate_cell(ctx, r, metric, "all", b, "me"), ")"],
                Derived(SUPPRESSED if hide else rl_value(r["value"], r["ci_low"])),
                Derived(SUPPRESSED if hide else interval(r["ci_low"], r["ci_high"])),
                Derived(SUPPRESSED if hide else ASSESSMENT_SHORT.get(r["assessment"], DASH))], f"{metric}|all|{b}"))
        groups.append((METRIC_TITLES[metric], len(subs)))
    return section("subgroups.html.j2", group=ctx.group, public=ctx.public, data=Table(
        f"Each ethnic sub-group compared with white staff, all staff, {ctx.period}",
        ["Sub-group", "Cases of base (rate)", "Relative likelihood", "95% interval", "Assessment"],
        rows, numeric=(1, 2, 3), groups=groups))
