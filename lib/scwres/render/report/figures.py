"""The findings' charts as view data: an SVG with its alt text and caption, or the sentence that replaces it.

Why apart from the findings' words: what a chart may draw (nothing hidden, no
empty axes) and how it is described to a screen reader are rules of their own.
Each function returns a ``Figure`` (``render/pages.py``) or a ``NoChart``; the
templates lay them out.
"""

from __future__ import annotations

from typing import Any

from ...catalogue import ADVERSE_BELOW_ONE
from ...intake.params import pay_band_label
from ...metrics.stats import wilson
from .. import charts
from ..pages import Figure
from ..words import (
    ASSESSMENT_SHORT,
    METRIC_TITLES,
    SERVICE_WORDS,
    WITHHELD,
    capital,
    interval,
    missing,
    percent,
    ratio,
)
from .common import CHART_SERVICE, SERVICES, NoChart, group_hidden
from .context import ReportContext


def figure(svg: str, alt: str, caption: str) -> Figure:
    return Figure(charts.data_uri(svg), alt, caption)


def no_chart(what: str, reasons: list[str]) -> NoChart:
    """The sentence that replaces a chart with nothing to draw (no empty axes with "not shown" labels)."""
    why = "; ".join(reasons) if reasons else "there is nothing to draw"
    return NoChart(f"There is no chart of {what}: {why}. The table below gives the figures.")


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


def rl_figure(ctx: ReportContext, metric: str) -> Figure | NoChart:
    """The relative likelihood by service, with intervals, on a log scale."""
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


def percent_figure(ctx: ReportContext, metric: str) -> Figure | NoChart:
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


def band_figure(ctx: ReportContext, shares: list[float | None], overall: float | None,
                population: float | None, title: str) -> Figure | NoChart:
    """m1: the group's share of each pay band, lowest first, with the workforce and population lines."""
    labels = [pay_band_label(ctx.params, str(b)) for b in ctx.params["pay_bands"]]
    if not any(x is not None for x in shares):
        return no_chart("the share of each pay band", [f"the share of every band is {WITHHELD}"])
    alt = "Bar chart of the " + ctx.group + " share of each pay band, lowest first: " + "; ".join(
        f"{lbl} {percent(s) if s is not None else 'not shown'}" for lbl, s in zip(labels, shares, strict=True))
    caption = (f"Bars: share of staff in each pay band who are {ctx.group} (all staff). Dashed line: whole workforce"
               + ("; dotted line: local population (Census 2021)" if population is not None else "") + ".")
    hidden = [lbl for lbl, s in zip(labels, shares, strict=True) if s is None]
    if hidden:
        caption += f" Not drawn ({'; '.join(hidden)}): {WITHHELD} ([c])."
    svg = charts.band_shares(labels, shares, overall, population, title,
                             f"{capital(ctx.group)} share of staff in each pay band, lowest first, all staff, "
                             f"{ctx.period}")
    return figure(svg, alt, caption)
