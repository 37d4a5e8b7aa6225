"""Open data: every figure a report publishes, as a tidy CSV and an accessible spreadsheet.

Why one function decides the figures: the CSV and the spreadsheet must show
exactly what the HTML report shows and nothing it hides (docs/methods.md,
"Disclosure control": a reader may hold every published file at once). So
neither file builder looks at counts or at the disclosure plan itself:
``published_figures`` (a council report) and ``published_rollup`` (a national
or regional page) resolve every figure once - the number as the page shows it,
``[c]`` where the page shows ``[c]``, ``None`` where the page shows a dash -
and the builders only lay those figures out. The decisions come from the same
calls the HTML makes (``ReportContext.hidden`` / ``row_hidden`` /
``trend_hidden``, the roll-up's ``pooled`` and ``council_points``), so
routing them through another publication layer is a change here alone.

Numbers are the report's own, parsed back from the report's formatting
functions (ratios to 2 decimal places, percentages to 1, intervals as the
report words them), so the files carry no more precision than the page.
Percentages are written as percentages (12.3 means 12.3%).

Files are byte-identical for the same inputs: the CSV has fixed column and row
order and ``\\n`` line ends; the spreadsheet's creation date is the snapshot
date and its zip entries carry XlsxWriter's fixed 1980 timestamp.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from ..catalogue import PERCENT_METRICS, RL_METRICS, suppression_threshold

SUPPRESSED = "[c]"
PUBLIC_MARK = "public"
INTERNAL_MARK = "INTERNAL - not for publication"
DRAFT_MARK = "DRAFT - not signed off"  # a public report with no sign-off matching its inputs (intake.signoff)

# The council CSV: one row per council, period, service, measure and breakdown.
CSV_COLUMNS = (
    "la", "council", "period", "service", "measure", "measure_name", "breakdown", "breakdown_name", "units",
    "value", "ci_low", "ci_high", "assessment", "trend", "p_value",
    "events_me", "base_me", "rate_me", "rate_me_ci_low", "rate_me_ci_high",
    "events_white", "base_white", "rate_white", "rate_white_ci_low", "rate_white_ci_high",
    "records_not_known", "records_all", "illustrative", "publication",
)
# The national / regional CSV: pooled figures and every council's figure for all staff.
ROLLUP_COLUMNS = (
    "area", "period", "la", "council", "service", "measure", "measure_name", "units", "value", "ci_low", "ci_high",
    "assessment", "people_compared", "comparable_size", "funnel_position", "illustrative", "publication",
)
COUNT_COLUMNS = ("events_me", "base_me", "events_white", "base_white")
UNKNOWN_BREAKDOWN = {"workforce.headcount": "workforce", "recruitment.shortlisted": "recruitment",
                     "survey.respondents": "survey"}


@dataclass
class Meta:
    """What the cover and notes say about one published set of figures."""

    title: str
    area: str
    period: str
    audience: str
    illustrative: bool
    threshold: int
    group: str = "minority ethnic"
    snapshot_date: Any = None
    window: tuple[Any, Any] | None = None
    sources: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    grouping: str = ""
    stem: str = ""
    draft: bool = False  # public figures not (or no longer) signed off: every file says DRAFT

    @property
    def public(self) -> bool:
        return self.audience != "internal"

    @property
    def publication(self) -> str:
        return (DRAFT_MARK if self.draft else PUBLIC_MARK) if self.public else INTERNAL_MARK


@dataclass
class Published:
    """Every figure of one page, already resolved against its disclosure decision."""

    meta: Meta
    rows: list[dict[str, Any]]
    columns: tuple[str, ...] = CSV_COLUMNS
    trend: list[dict[str, Any]] = field(default_factory=list)
    national: dict[str, str] = field(default_factory=dict)
    mapping: list[tuple[str, str]] = field(default_factory=list)
    pay_bands: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# --- reading the report's own formatted figures back as numbers ----------------------------------------------


def shown_number(text: str) -> float | None:
    """'0.52' -> 0.52, '12.3%' -> 12.3, '1,234' -> 1234.0, a dash -> None."""
    text = str(text).strip()
    if not text or text in ("–", "-"):
        return None
    return float(text.replace(",", "").rstrip("%"))


def shown_interval(text: str) -> tuple[float | None, float | None]:
    """'0.40 to 0.66' -> (0.4, 0.66); 'from 4.37, no upper limit' -> (4.37, None); a dash -> (None, None)."""
    if str(text).startswith("from ") and str(text).endswith(", no upper limit"):
        return shown_number(str(text)[5:-len(", no upper limit")]), None
    if " to " not in str(text):
        return None, None
    low, high = str(text).split(" to ", 1)
    return shown_number(low), shown_number(high)


# --- a council report ------------------------------------------------------------------------------------------


def published_figures(ctx: Any) -> Published:
    """Every figure the council's report shows, resolved exactly as its HTML resolves it.

    ``ctx`` is the report's own ``ReportContext`` (audience included): public
    figures follow its disclosure plan, internal ones show everything.
    """
    from ..disclosure.suppression import extra_key, row_key
    from ..intake.params import pay_band_label
    from ..metrics.stats import wilson
    from ..schema import BROAD_CODES, DETAILED_CODES, ethnic_group
    from .report.front import UNKNOWN_SOURCES, mapping_sentence
    from .report.glance import national_text
    from .words import METRIC_TITLES, SUBGROUP_WORDS, interval, percent, ratio

    params, spec = ctx.params, ctx.spec
    illustrative = bool(spec.get("illustrative"))
    meta = Meta(
        title=f"{params['name']}: Social Care Workforce Race Equality Standard {ctx.period}",
        area=str(params["name"]), period=str(ctx.period), audience=ctx.audience, illustrative=illustrative,
        threshold=suppression_threshold(params), group=ctx.group,
        snapshot_date=spec.get("snapshot_date"), window=(spec.get("window_start"), spec.get("window_end")),
        sources=[str(s) for s in spec.get("sources") or []], contacts=_contacts(params),
        grouping=mapping_sentence(ctx), stem=council_stem(ctx.la, ctx.period), draft=bool(ctx.draft))
    band_names = {str(b): pay_band_label(params, str(b)) for b in params["pay_bands"]}

    def count(metric: str, service: str, breakdown: str, column: str, value: Any) -> Any:
        return SUPPRESSED if ctx.hidden(row_key(metric, service, breakdown, column)) else int(value)

    def group_hidden(metric: str, service: str, breakdown: str, group: str) -> bool:
        return ctx.hidden(row_key(metric, service, breakdown, f"events_{group}")) or ctx.hidden(
            row_key(metric, service, breakdown, f"base_{group}"))

    rows: list[dict[str, Any]] = []
    for r in ctx.metrics.itertuples(index=False):
        metric, service, breakdown = str(r.metric), str(r.service), str(r.breakdown)
        if breakdown.startswith("subgroup:") and service != "all":
            continue  # the report publishes sub-groups for all staff only; so do the files
        row: dict[str, Any] = dict.fromkeys(CSV_COLUMNS)
        row.update(la=ctx.la, council=meta.area, period=meta.period, service=service, measure=metric,
                   measure_name=METRIC_TITLES[metric], breakdown=breakdown,
                   breakdown_name=_breakdown_name(metric, breakdown, band_names, SUBGROUP_WORDS),
                   illustrative=illustrative, publication=meta.publication)
        if metric == "m9" and breakdown == "population_share":  # census figure, not controlled; counts not shown
            row.update(units="percent", value=shown_number(percent(r.value)))
            rows.append(row)
            continue
        hide = ctx.row_hidden(metric, service, breakdown)
        share = metric == "m1" or breakdown in ("senior_share", "workforce_share")
        fmt = percent if share else ratio
        row["units"] = "percent" if share else "ratio"
        row["value"] = SUPPRESSED if hide else shown_number(fmt(r.value))
        low, high = (SUPPRESSED, SUPPRESSED) if hide else shown_interval(interval(r.ci_low, r.ci_high, fmt))
        row.update(ci_low=low, ci_high=high)
        if not share and metric in RL_METRICS:
            row["assessment"] = SUPPRESSED if hide else (str(r.assessment) or None)
            # The test behind the assessment (score test, or Fisher's with small counts), to 4 significant
            # figures: it rests on the same four counts as the ratio, so it is shown exactly when they are.
            p = getattr(r, "p_value", None)
            row["p_value"] = SUPPRESSED if hide else (None if p is None or p != p else float(f"{float(p):.4g}"))
            if breakdown == "overall":
                row["trend"] = SUPPRESSED if ctx.trend_hidden(metric, service, breakdown) else (
                    str(r.trend) or "not_assessed")
        for column in COUNT_COLUMNS:
            row[column] = count(metric, service, breakdown, column, getattr(r, column))
        for group in ("me", "white"):
            ghide = group_hidden(metric, service, breakdown, group)
            row[f"rate_{group}"] = SUPPRESSED if ghide else shown_number(percent(getattr(r, f"rate_{group}")))
            if metric in PERCENT_METRICS and breakdown == "overall":
                span = wilson(int(getattr(r, f"events_{group}")), int(getattr(r, f"base_{group}")))
                low, high = (SUPPRESSED, SUPPRESSED) if ghide else (
                    shown_interval(interval(span[0], span[1], percent)) if span else (None, None))
                row.update({f"rate_{group}_ci_low": low, f"rate_{group}_ci_high": high})
        rows.append(row)
    for source, _label in UNKNOWN_SOURCES:
        for service in ("adults", "children", "all"):
            uk, tk = extra_key("unknown", source, service), extra_key("total", source, service)
            unknown, total = ctx.plan.values[uk], ctx.plan.values[tk]
            hide = ctx.hidden(uk) or ctx.hidden(tk)
            row = dict.fromkeys(CSV_COLUMNS)
            row.update(la=ctx.la, council=meta.area, period=meta.period, service=service,
                       measure="ethnicity_not_known", measure_name="Records with ethnicity not known",
                       breakdown=UNKNOWN_BREAKDOWN[source], breakdown_name=_label, units="percent",
                       value=SUPPRESSED if hide else shown_number(percent(unknown / total if total else None)),
                       records_not_known=SUPPRESSED if ctx.hidden(uk) else int(unknown),
                       records_all=SUPPRESSED if ctx.hidden(tk) else int(total),
                       illustrative=illustrative, publication=meta.publication)
            rows.append(row)
    trend = []
    for data in ctx.history:
        frame = data.metrics
        for metric in RL_METRICS:
            hit = frame[(frame["metric"] == metric) & (frame["service"] == "all") & (frame["breakdown"] == "overall")]
            if hit.empty:
                continue
            r = hit.iloc[0]
            hide = ctx.pub.row_hidden(metric, "all", "overall", data.period)  # that period's published plan
            low, high = (SUPPRESSED, SUPPRESSED) if hide else shown_interval(interval(r["ci_low"], r["ci_high"]))
            trend.append({"period": str(data.period), "measure": metric, "measure_name": METRIC_TITLES[metric],
                          "value": SUPPRESSED if hide else shown_number(ratio(r["value"])),
                          "ci_low": low, "ci_high": high})
    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    words = {"white": "White", "minority_ethnic": ctx.group[:1].upper() + ctx.group[1:],
             "unknown": "Not known (left out)"}
    mapping = [(label, words[ethnic_group(code, wm)]) for code, (label, _, _) in {**DETAILED_CODES,
                                                                                   **BROAD_CODES}.items()]
    national = {m: national_text(ctx, m) for m in RL_METRICS}
    return Published(meta, rows, CSV_COLUMNS, trend, national, mapping, list(band_names.items()),
                     extra={"m9_gaps": _m9_gaps(ctx)})


def _m9_gaps(ctx: Any) -> dict[str, tuple[Any, Any]]:
    """m9's gaps in percentage points (senior share minus workforce and population shares), as the report
    computes and hides them: from unrounded shares, [c] when a share they rest on is hidden."""
    out = {}
    for service in ("adults", "children", "all"):
        senior, work = ctx.row("m9", service, "senior_share"), ctx.row("m9", service, "workforce_share")
        senior_hide = ctx.row_hidden("m9", service, "senior_share")
        work_hide = ctx.row_hidden("m9", service, "workforce_share")
        pop = ctx.row("m9", service, "population_share") if ctx.has_row("m9", service, "population_share") else None
        gap = SUPPRESSED if senior_hide or work_hide else _points(senior["value"] - work["value"])
        pop_gap = None if pop is None else SUPPRESSED if senior_hide else _points(senior["value"] - pop["value"])
        out[service] = (gap, pop_gap)
    return out


def _points(difference: float) -> float | None:
    """A difference of shares in percentage points, to 1 decimal place as the report prints it."""
    return None if difference != difference else shown_number(f"{difference * 100:+.1f}")


def _contacts(params: dict[str, Any]) -> list[str]:
    """People responsible, by role (never names), as the report's 'About' section lists them."""
    people = params.get("people") or {}
    labels = {"programme_lead": "Programme lead", "sponsors": "Sponsors", "staff_voice_lead": "Staff voice lead",
              "principal_social_workers": "Principal social workers"}
    out = []
    for key, label in labels.items():
        value = people.get(key)
        if value:
            out.append(f"{label}: {'; '.join(map(str, value)) if isinstance(value, list) else value}")
    return out


def _breakdown_name(metric: str, breakdown: str, bands: dict[str, str], subgroups: dict[str, str]) -> str:
    if breakdown == "overall":
        return "All pay bands" if metric == "m1" else "Overall"
    if breakdown.startswith("subgroup:"):
        return subgroups.get(breakdown.split(":", 1)[1], breakdown)
    if metric == "m1":
        return bands.get(breakdown, breakdown)
    return {"senior_share": "Share of senior managers", "workforce_share": "Share of the whole workforce",
            "population_share": "Share of the local population (Census 2021)"}.get(breakdown, breakdown)


# --- a national or regional page -------------------------------------------------------------------------------


def published_rollup(rollup: Any, audience: str = "public") -> Published:
    """Every figure of the national or regional page, resolved by the page's own functions."""
    from . import funnel, national
    from .words import METRIC_TITLES, interval, ratio

    area = f"{rollup.region} region" if rollup.region else "England"
    illustrative = any(c.illustrative for c in rollup.councils)
    meta = Meta(title=rollup.title, area=area, period=str(rollup.period), audience=audience,
                illustrative=illustrative, threshold=national.POOLED_THRESHOLD,
                grouping=("Each council groups ethnicity as its own report says; by default the five White census "
                          "categories count as white and every Mixed, Asian, Black and Other category as minority "
                          "ethnic."),
                sources=["Each council's validated SC-WRES return for the period"],
                stem=rollup_stem(rollup.period, national.region_slug(rollup.region) if rollup.region else None),
                draft=bool(national.signoff_view(rollup)["drafts"]))  # it pools a report not signed off
    base = dict.fromkeys(ROLLUP_COLUMNS)
    base.update(area=area, period=meta.period, illustrative=illustrative, publication=meta.publication)
    rows: list[dict[str, Any]] = []
    if rollup.councils:
        share, span = national.pooled_share(rollup.councils)
        hidden = national.pooled_hidden(rollup, "m1", "all")
        rows.append({**base, "la": "", "council": f"All councils ({area})", "service": "all", "measure": "m1",
                     "measure_name": "Minority ethnic share of the pooled workforce", "units": "percent",
                     "value": SUPPRESSED if hidden else _pct(share),
                     "ci_low": SUPPRESSED if hidden else (_pct(span[0]) if span else None),
                     "ci_high": SUPPRESSED if hidden else (_pct(span[1]) if span else None)})
        for metric in RL_METRICS:
            for service in ("all", "adults", "children"):
                p = national.pooled(rollup, metric, service)
                low, high = shown_interval(interval(p["ci_low"], p["ci_high"]))
                rows.append({**base, "la": "", "council": f"All councils ({area})", "service": service,
                             "measure": metric, "measure_name": METRIC_TITLES[metric], "units": "ratio",
                             "value": SUPPRESSED if p["hidden"] else shown_number(ratio(p["value"])),
                             "ci_low": SUPPRESSED if p["hidden"] else low,
                             "ci_high": SUPPRESSED if p["hidden"] else high,
                             "assessment": SUPPRESSED if p["hidden"] else p["assessment"]})
    tallies = {}
    for metric in RL_METRICS:
        if not rollup.councils:
            break
        a, n1, c, n2 = national.pooled_counts(rollup.councils, metric, "all")
        # As on the page: comparable size and funnel position rest on the pooled rates, so only when published.
        basis = None if national.pooled_hidden(rollup, metric, "all") else funnel.basis(a, n1, c, n2)
        points = national.council_points(rollup.councils, metric, basis)
        tallies[metric] = national.tally(points)
        for p in points:
            row = {**base, "la": p["la"], "council": p["label"], "service": "all", "measure": metric,
                   "measure_name": METRIC_TITLES[metric], "units": "ratio"}
            if p["hidden"]:
                row.update({k: SUPPRESSED for k in ("value", "ci_low", "ci_high", "assessment", "people_compared",
                                                     "comparable_size", "funnel_position")})
            else:
                low, high = shown_interval(interval(p["ci_low"], p["ci_high"]))
                where = national.POSITION_WORDS[p["position"]] + (f", {p['side']}" if p["side"] else "")
                row.update(value=shown_number(ratio(p["rl"])), ci_low=low, ci_high=high,
                           assessment=p["assessment"] or None, people_compared=int(p["base"]),
                           comparable_size=int(round(p["n_eff"])) if p["n_eff"] else None,
                           funnel_position=where)
            rows.append(row)
    return Published(meta, rows, ROLLUP_COLUMNS, extra={"tallies": tallies, "excluded": list(rollup.excluded)})


def _pct(value: float | None) -> float | None:
    return None if value is None else shown_number(f"{value * 100:.1f}")


# --- the files ---------------------------------------------------------------------------------------------------


def council_stem(la: str, period: str) -> str:
    """File names start with what they hold, so a downloaded file still says whose it is."""
    return f"sc-wres-{la}-{period}"


def rollup_stem(period: str, region_slug: str | None = None) -> str:
    return f"sc-wres-{region_slug}-{period}" if region_slug else f"sc-wres-england-{period}"


def file_names(stem: str, audience: str = "public") -> tuple[str, str]:
    """(spreadsheet, CSV) file names; the internal audience's carry '-internal'."""
    suffix = "" if audience == "public" else f"-{audience}"
    return f"{stem}{suffix}.xlsx", f"{stem}{suffix}.csv"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Text that a spreadsheet program would run as a formula (a council name '=HYPERLINK(...)') gets a
    leading apostrophe, so opening the CSV in Excel shows it as text (OWASP's advice on CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return text_cell(value)
    return str(value)


def csv_bytes(published: Published) -> bytes:
    """The tidy CSV: a header row, then one row per figure, in a fixed order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(published.columns)
    for row in published.rows:
        writer.writerow([_csv_cell(row.get(c)) for c in published.columns])
    return out.getvalue().encode("utf-8")
