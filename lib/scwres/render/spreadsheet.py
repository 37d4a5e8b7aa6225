"""The accessible spreadsheet of a report's tables, written with ``gptables``.

Why gptables: the Government Statistical Service's guidance on releasing
statistics in spreadsheets (a cover sheet, a contents sheet, a notes sheet,
one table per sheet marked as an Excel table, titles above the table starting
in A1, shorthand such as ``[c]`` explained, no merged cells, no colour as the
only cue) is what the Analysis Function's ``gptables`` writes by construction,
so the project lays out figures and gptables does the rest.

Every figure comes from ``open_data.Published`` (already resolved against the
disclosure decision the HTML uses): nothing here reads a count or the plan.
Cells the page shows as a dash (no figure can be calculated) are ``[x]``,
because the guidance asks for a symbol, not an empty cell.

Byte-identical output: the workbook is built in memory (XlsxWriter then gives
every zip entry the fixed 1980 timestamp) and its creation date is the
snapshot date (or 1 January of the period for a roll-up), never the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from typing import Any

import pandas as pd

from ..catalogue import PERCENT_METRICS, RL_METRICS
from .open_data import DRAFT_MARK, INTERNAL_MARK, ROLLUP_COLUMNS, SUPPRESSED, Published

NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
AUTHOR = "SC-WRES reporting workbook"
NOTES = {
    "c": "[c] means withheld so that no one can be identified. Any count from 1 to {small} is shown as [c], with "
         "every rate, ratio, interval, assessment and change that rests on it; further figures are withheld where a "
         "withheld one could otherwise be worked out from figures published anywhere in the report (for example "
         "all staff minus adults' services gives children's services). Zero is shown.",
    "x": "[x] means not available: the figure cannot be calculated (for example a relative likelihood when no "
         "white staff had the event, or an interval when a group had no cases), or none has been published.",
    "z": "[z] means not applicable: for example an assessment of a share, or a national figure for one service.",
    "methods": "For each measure the rate for a group is its number of cases divided by the number of people it "
               "could happen to (for example appointed ÷ shortlisted). The relative likelihood is the {group} "
               "rate divided by the white rate: 1 means equally likely. Adults' and children's services are added "
               "together for all staff; ratios are never averaged. Each relative likelihood and share has a 95% "
               "confidence interval, as described in the report's methods section.",
    "assessment": "The assessment says whether the whole 95% interval lies on one side of 1 (a statistically "
                  "significant difference) and whether that side is unfavourable or favourable to {group} staff. "
                  "When a group has fewer than 5 cases, Fisher's exact test must also agree. A significant "
                  "difference does not show what causes it.",
    "trend": "Change since the previous period: whether the relative likelihood moved significantly since the "
             "council's previous return, and if so whether it moved closer to equality (a relative likelihood "
             "of 1) or further from it, whichever side of 1 it lies on.",
    "ethnicity": "How ethnicity was grouped: {grouping} Records whose ethnicity is not known are left out of every "
                 "comparison.",
    "rounding": "Figures are rounded as in the published report: relative likelihoods to 2 decimal places, "
                "percentages to 1. Percentages are written as percentages (12.3 means 12.3%).",
}
ROLLUP_NOTES = {
    "pooled": "Pooled figures add up every included council's counts before dividing, for each service; no counts "
              "are published. A pooled figure is [c] when it rests on a small count or when taking away the "
              "councils whose own figures are shown would leave a withheld council's small counts.",
    "funnel": "People compared is the base of both groups together; comparable size is the base a council with "
              "the pooled share of minority ethnic staff would need for the same precision; the funnel position "
              "says whether the council lies outside the 95% or 99.8% limits around the pooled figure.",
}


def _cell(value: Any) -> Any:
    """None (the page shows a dash) becomes [x]; everything else is written as it is."""
    if value is None or (isinstance(value, float) and value != value):
        return NOT_AVAILABLE
    return value


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """A table of plain Python values (numbers stay numbers, [c] and [x] stay text)."""
    frame = pd.DataFrame([{k: _cell(v) for k, v in r.items()} for r in records], dtype=object)
    return frame.reset_index(drop=True)


def _words(mapping: dict[str, str], code: Any) -> Any:
    if code == SUPPRESSED:
        return SUPPRESSED
    if code is None:
        return NOT_AVAILABLE
    return mapping.get(str(code), str(code))


def _national(text: str | None, service: str) -> str:
    """The national figure beside the all-staff row, as the report shows it; [z] for the other services."""
    if service != "all":
        return NOT_APPLICABLE
    return NOT_AVAILABLE if not text or text in ("–", "-") else text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Book:
    """Collects the table sheets in order, numbering them Table_1, Table_2, ..."""

    def __init__(self, published: Published) -> None:
        self.published = published
        self.sheets: dict[str, Any] = {}
        meta = published.meta
        self.banner = []
        if not meta.public:
            self.banner.append(f"{INTERNAL_MARK}: this version shows figures that the public version withholds.")
        if meta.public and meta.draft:
            self.banner.append(f"{DRAFT_MARK}: the council's senior sponsors have not yet signed off these figures; "
                               "they may still change.")
        if meta.illustrative:
            self.banner.append("Illustrative data: these figures were generated to show how the report works; they "
                               "are not real workforce data.")

    def add(self, title: str, frame: pd.DataFrame, subtitles: list[str], notes: str = "$$c$$$$x$$",
            units: dict[str, str] | None = None) -> None:
        import gptables as gpt

        if frame.empty:
            return
        number = len(self.sheets) + 1
        self.sheets[f"Table_{number}"] = gpt.GPTable(
            table=frame, table_name=f"table_{number}", title=f"{title}{notes}",
            subtitles=[*self.banner, *subtitles], units=units or None, index_columns={2: 0},
            instructions="This worksheet contains one table. Some cells refer to notes, which can be found on the "
                         "Notes worksheet.",
            source=f"Source: {'; '.join(self.published.meta.sources) or 'SC-WRES return'}")


def _rl_records(pub: Published, metric: str, previous: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    from .words import ASSESSMENT_SHORT, EVENT_NOUN, SERVICE_WORDS, TREND_WORDS

    group = _capital(pub.meta.group)
    events, base = EVENT_NOUN[metric]
    survey = metric in PERCENT_METRICS
    out, units = [], {}
    by_key = {(r["measure"], r["service"], r["breakdown"]): r for r in pub.rows}
    for service in ("adults", "children", "all"):
        row = by_key[(metric, service, "overall")]
        rec = {"Service": SERVICE_WORDS[row["service"]]}
        for key, who in (("me", group), ("white", "White")):
            rec[f"{who}: {events}"] = row[f"events_{key}"]
            rec[f"{who}: {base}"] = row[f"base_{key}"]
            rec[f"{who}: rate"] = row[f"rate_{key}"]
            units.update({f"{who}: {events}": "number", f"{who}: {base}": "number", f"{who}: rate": "%"})
            if survey:
                rec[f"{who}: rate, lower 95% limit"] = row[f"rate_{key}_ci_low"]
                rec[f"{who}: rate, upper 95% limit"] = row[f"rate_{key}_ci_high"]
                units[f"{who}: rate, lower 95% limit"] = units[f"{who}: rate, upper 95% limit"] = "%"
        rec["Relative likelihood"] = row["value"]
        rec["Lower 95% limit"] = row["ci_low"]
        rec["Upper 95% limit"] = row["ci_high"]
        rec["Assessment"] = _words(ASSESSMENT_SHORT, row["assessment"])
        rec[f"Change since {previous}"] = _words({**TREND_WORDS, "not_assessed": TREND_WORDS[""]}, row["trend"])
        out.append(rec)
    units.update(dict.fromkeys(("Relative likelihood", "Lower 95% limit", "Upper 95% limit"), "ratio"))
    return out, units


def _council_sheets(book: _Book) -> None:
    from .words import ASSESSMENT_SHORT, METRIC_SHORT, METRIC_TITLES, SERVICE_WORDS, TREND_WORDS

    pub, meta = book.published, book.published.meta
    group = _capital(meta.group)
    periods = sorted({t["period"] for t in pub.trend})
    earlier = [p for p in periods if p < meta.period]
    previous = earlier[-1] if earlier else "the previous period"
    trend_words = {**TREND_WORDS, "not_assessed": TREND_WORDS[""]}
    by_key = {(r["measure"], r["service"], r["breakdown"]): r for r in pub.rows}
    services = ("adults", "children", "all")
    top = pub.pay_bands[-1][0] if pub.pay_bands else None

    glance = []
    for service in services:
        r = by_key.get(("m1", service, top))
        if r is not None:
            glance.append({"Measure": f"{METRIC_SHORT['m1']}: {meta.group} share of the highest band",
                           "Service": SERVICE_WORDS[service], "Value": r["value"], "Units": "percent",
                           "Lower 95% limit": r["ci_low"], "Upper 95% limit": r["ci_high"],
                           "Assessment": NOT_APPLICABLE, f"Change since {previous}": NOT_APPLICABLE,
                           "National figure": NOT_APPLICABLE})
    for metric in RL_METRICS:
        for service in services:
            r = by_key[(metric, service, "overall")]
            glance.append({"Measure": METRIC_SHORT[metric], "Service": SERVICE_WORDS[service], "Value": r["value"],
                           "Units": "ratio", "Lower 95% limit": r["ci_low"], "Upper 95% limit": r["ci_high"],
                           "Assessment": _words(ASSESSMENT_SHORT, r["assessment"]),
                           f"Change since {previous}": _words(trend_words, r["trend"]),
                           "National figure": _national(pub.national.get(metric), service)})
    book.add(f"At a glance: every measure, {meta.period}", _frame(glance),
             [f"Each measure compares {meta.group} staff with white staff. For most measures the value is a relative "
              "likelihood: 1 means equally likely$$methods$$",
              "Units: ratio (relative likelihood) or % (share of the highest pay band)"],
             notes="$$c$$$$x$$$$z$$$$assessment$$$$trend$$")

    head = []
    for service in services:
        m1 = by_key[("m1", service, "overall")]
        total = by_key[("ethnicity_not_known", service, "workforce")]
        head.append({"Service": SERVICE_WORDS[service], "All staff": total["records_all"],
                     group: m1["events_me"], "White": m1["events_white"],
                     "Ethnicity not known": total["records_not_known"]})
    book.add(f"Headcount at the snapshot date, {meta.period}", _frame(head),
             ["Units: number of staff"], notes="$$c$$$$ethnicity$$",
             units=dict.fromkeys(("All staff", group, "White", "Ethnicity not known"), "number"))

    unknown = []
    for r in pub.rows:
        if r["measure"] == "ethnicity_not_known":
            unknown.append({"Table and service": f"{r['breakdown_name']}: {SERVICE_WORDS[r['service']]}",
                            "Not known": r["records_not_known"], "All records": r["records_all"],
                            "Share not known": r["value"]})
    book.add("Records with ethnicity not known", _frame(unknown), ["Units: number of records, and %"],
             notes="$$c$$$$x$$$$ethnicity$$",
             units={"Not known": "number", "All records": "number", "Share not known": "%"})

    bands = []
    in_band_me, in_band_white = f"Share of all {meta.group} staff in this band", "Share of all white staff in this band"
    for service in services:
        for band, label in [*pub.pay_bands, ("overall", "All pay bands")]:
            r = by_key[("m1", service, band)]
            bands.append({"Service": SERVICE_WORDS[service], "Pay band": label, group: r["events_me"],
                          "White": r["events_white"], f"{group} share": r["value"], "Lower 95% limit": r["ci_low"],
                          "Upper 95% limit": r["ci_high"], in_band_me: r["rate_me"], in_band_white: r["rate_white"]})
    book.add(f"{METRIC_TITLES['m1']}: {meta.group} and white staff in each pay band, {meta.period}", _frame(bands),
             ["Measure m1: the share of each pay band who are " + meta.group, "Units: number of staff, and %"],
             units={group: "number", "White": "number", **dict.fromkeys(
                 (f"{group} share", "Lower 95% limit", "Upper 95% limit", in_band_me, in_band_white), "%")})

    for metric in RL_METRICS:
        records, units = _rl_records(pub, metric, previous)
        book.add(f"{METRIC_TITLES[metric]}: figures by service, {meta.period}", _frame(records),
                 [f"Measure {metric}: relative likelihood, {meta.group} rate ÷ white rate$$methods$$",
                  "Units: number of people, % (rates), ratio (relative likelihood)"],
                 notes="$$c$$$$x$$$$assessment$$$$trend$$", units=units)

    shares = []
    for service in services:
        senior = by_key[("m9", service, "senior_share")]
        work = by_key[("m9", service, "workforce_share")]
        pop = by_key.get(("m9", service, "population_share"))
        gap, pop_gap = pub.extra["m9_gaps"][service]
        shares.append({"Service": SERVICE_WORDS[service], f"{group} senior managers": senior["events_me"],
                       "Share of senior managers": senior["value"], "Lower 95% limit": senior["ci_low"],
                       "Upper 95% limit": senior["ci_high"], "Share of whole workforce": work["value"],
                       "Gap to the workforce": gap,
                       "Share of local population (Census 2021)": pop["value"] if pop else None,
                       "Gap to the local population": pop_gap})
    book.add(f"{meta.group[:1].upper() + meta.group[1:]} share of senior managers, the workforce and the local "
             "population", _frame(shares), ["Measure m9, shares", "Units: number of staff, and %"],
             units={f"{group} senior managers": "number", **dict.fromkeys(
                 ("Share of senior managers", "Lower 95% limit", "Upper 95% limit", "Share of whole workforce",
                  "Share of local population (Census 2021)"), "%"),
                    "Gap to the workforce": "percentage points", "Gap to the local population": "percentage points"})

    if pub.trend:
        trend = [{"Measure": METRIC_SHORT[t["measure"]], "Period": t["period"], "Relative likelihood": t["value"],
                  "Lower 95% limit": t["ci_low"], "Upper 95% limit": t["ci_high"]} for t in pub.trend]
        book.add(f"Relative likelihood for all staff, {periods[0]} to {periods[-1]}", _frame(trend),
                 ["Every period the council's returns hold; each period follows its own disclosure decision",
                  "Units: ratio"],
                 units=dict.fromkeys(("Relative likelihood", "Lower 95% limit", "Upper 95% limit"), "ratio"))

    subs = []
    for metric in RL_METRICS:
        for r in pub.rows:
            if r["measure"] == metric and r["service"] == "all" and r["breakdown"].startswith("subgroup:"):
                subs.append({"Measure": METRIC_SHORT[metric], "Sub-group": r["breakdown_name"],
                             "Cases": r["events_me"], "Base": r["base_me"], "Rate": r["rate_me"],
                             "Relative likelihood": r["value"], "Lower 95% limit": r["ci_low"],
                             "Upper 95% limit": r["ci_high"], "Assessment": _words(ASSESSMENT_SHORT, r["assessment"])})
    book.add(f"Each ethnic sub-group compared with white staff, all staff, {meta.period}", _frame(subs),
             ["Units: number of people, % (rate), ratio (relative likelihood)"],
             notes="$$c$$$$x$$$$assessment$$",
             units={"Cases": "number", "Base": "number", "Rate": "%",
                    **dict.fromkeys(("Relative likelihood", "Lower 95% limit", "Upper 95% limit"), "ratio")})

    if pub.mapping:
        book.add("How each census ethnicity category was grouped",
                 _frame([{"Census category": a, "Group in this report": b} for a, b in pub.mapping]),
                 ["The 2021 Census categories and the broad groups a council may use instead"],
                 notes="$$ethnicity$$")


def _rollup_sheets(book: _Book) -> None:
    from .words import ASSESSMENT_SHORT, METRIC_TITLES, SERVICE_WORDS

    pub = book.published
    pooled = [{"Measure": r["measure_name"], "Service": SERVICE_WORDS[r["service"]], "Value": r["value"],
               "Units": r["units"], "Lower 95% limit": r["ci_low"],
               "Upper 95% limit": r["ci_high"], "Assessment": _words(ASSESSMENT_SHORT, r["assessment"])}
              for r in pub.rows if not r["la"]]
    book.add(f"Pooled figures, {pub.meta.area}, {pub.meta.period}", _frame(pooled),
             ["Each council's counts added up, then divided once$$pooled$$", "Units: ratio or %"],
             notes="$$c$$$$x$$$$assessment$$")
    tallies = pub.extra.get("tallies") or {}
    tally = [{"Measure": METRIC_TITLES[m], "Unfavourable (significant)": t["adverse"],
              "Favourable (significant)": t["favourable"], "No significant difference": t["no_significant_difference"],
              "Too little data": t["insufficient_data"], "Withheld ([c])": t["hidden"]}
             for m, t in tallies.items() if m in RL_METRICS]
    book.add("Number of councils by assessment, all staff", _frame(tally), ["Units: number of councils"],
             notes="$$assessment$$", units={k: "councils" for k in (
                 "Unfavourable (significant)", "Favourable (significant)", "No significant difference",
                 "Too little data", "Withheld ([c])")})
    councils = [{"Measure": r["measure_name"], "Council": r["council"], "People compared": r["people_compared"],
                 "Comparable size": r["comparable_size"], "Relative likelihood": r["value"],
                 "Lower 95% limit": r["ci_low"], "Upper 95% limit": r["ci_high"],
                 "Assessment": _words(ASSESSMENT_SHORT, r["assessment"]), "Funnel position": r["funnel_position"]}
                for r in pub.rows if r["la"]]
    book.add("Every council, every measure, all staff", _frame(councils),
             ["Units: number of people, ratio (relative likelihood)$$funnel$$"], notes="$$c$$$$x$$$$assessment$$",
             units={"People compared": "number", "Comparable size": "number",
                    **dict.fromkeys(("Relative likelihood", "Lower 95% limit", "Upper 95% limit"), "ratio")})
    excluded = pub.extra.get("excluded") or []
    book.add("Councils not included", _frame([{"Council": n, "Reason": why} for n, why in excluded]),
             ["Councils with no validated return for the period"], notes="")


def _cover(published: Published, book: _Book) -> Any:
    import gptables as gpt

    meta = published.meta
    title = f"{INTERNAL_MARK}: {meta.title}" if not meta.public else (
        f"{DRAFT_MARK}: {meta.title}" if meta.draft else meta.title)
    intro = list(book.banner)
    if meta.snapshot_date is not None and meta.window:
        intro.append(f"Staff numbers at {_long(meta.snapshot_date)}. Recruitment, disciplinary, training, leavers "
                     f"and survey figures for the 12 months from {_long(meta.window[0])} to {_long(meta.window[1])}.")
    intro.append(f"Period: {meta.period}. This workbook holds every table of the published report, with the same "
                 "figures; a tidy CSV file of the same figures is published beside it.")
    about = [f"Source: {'; '.join(meta.sources) or 'SC-WRES return'}.",
             "Measures compare minority ethnic staff (called here " + meta.group + ") with white staff, following "
             "the Social Care Workforce Race Equality Standard (SC-WRES) of Skills for Care.",
             "[c] means withheld so that no one can be identified; [x] means not available; [z] means not "
             "applicable. The Notes sheet explains them, the methods in brief and how ethnicity was grouped."]
    contact = meta.contacts or ["The council's SC-WRES programme lead"]
    return gpt.Cover(title=title, intro=intro, about=about, contact=contact)


def _long(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _notes(published: Published, rollup: bool) -> pd.DataFrame:
    meta = published.meta
    texts = {k: v.format(small=meta.threshold - 1, group=meta.group, grouping=meta.grouping)
             for k, v in NOTES.items()}
    if rollup:
        texts.update(ROLLUP_NOTES)
    return pd.DataFrame({"Note reference": list(texts), "Note text": list(texts.values())})


def _created(meta: Any) -> dt.datetime:
    """The workbook's creation date: the snapshot date (a roll-up: 1 January of its period), never the clock."""
    if isinstance(meta.snapshot_date, dt.date):
        return dt.datetime(meta.snapshot_date.year, meta.snapshot_date.month, meta.snapshot_date.day)
    year = int(meta.period) if str(meta.period).isdigit() else 2000
    return dt.datetime(year, 1, 1)


def workbook_bytes(published: Published) -> bytes:
    """The whole accessible workbook, in memory, byte-identical for the same figures."""
    import gptables as gpt

    rollup = published.columns == ROLLUP_COLUMNS
    book = _Book(published)
    (_rollup_sheets if rollup else _council_sheets)(book)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gptables warns about unreferenced notes; every note is still listed
        wb = gpt.produce_workbook(buffer, book.sheets, cover=_cover(published, book),
                                  notes_table=_notes(published, rollup),
                                  workbook_options={"in_memory": True, "strings_to_formulas": False,
                                                    "strings_to_urls": False})
    meta = published.meta
    wb.set_properties({"title": meta.title, "subject": "Social Care Workforce Race Equality Standard",
                       "author": AUTHOR, "company": "", "comments": meta.publication,
                       "keywords": "SC-WRES, " + ("illustrative" if meta.illustrative else meta.area),
                       "created": _created(meta)})
    wb.close()
    return buffer.getvalue()
