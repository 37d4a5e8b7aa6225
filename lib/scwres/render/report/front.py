"""The report's front matter: the title with its banners and contents list, and "About this report".

Each function returns one notebook cell's HTML, rendered from its template in
``templates/pages/report/`` with view data built here (``common.py``).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ...disclosure.suppression import extra_key, row_key
from ..pages import Derived, Inline, Row, Table
from ..words import METRIC_SHORT, SERVICE_WORDS, SUPPRESSED, capital, percent
from .common import SERVICES, THEMES, count_cell, long_date, section
from .context import ReportContext

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
PEOPLE = {"sponsors": "Sponsors", "programme_lead": "Programme lead", "staff_voice_lead": "Staff voice lead",
          "principal_social_workers": "Principal social workers"}


def measure_order() -> list[str]:
    """Every measure once, in the order the findings show them (m2 is under progression first)."""
    seen: list[str] = []
    for _, _, metrics, _ in THEMES:
        seen += [m for m in metrics if m not in seen]
    return seen


def title_section(ctx: ReportContext) -> Markup:
    """Skip link, title, snapshot date, the illustrative / internal / draft banners (or who signed the report
    off and when) and the contents list.

    The contents list links every section (every <h2>) and every measure, so one tap reaches any of them.
    """
    spec = ctx.spec
    record = ctx.signoff.record if ctx.signoff is not None and ctx.signoff.signed else None
    signed = (record.by, long_date(record.on)) if ctx.public and record is not None else None
    return section("title.html.j2", name=ctx.params["name"], period=ctx.period,
                   snapshot=long_date(spec["snapshot_date"]), start=long_date(spec["window_start"]),
                   end=long_date(spec["window_end"]), illustrative=bool(spec.get("illustrative")),
                   internal=not ctx.public, draft=ctx.draft, signed=signed, contents=CONTENTS,
                   measures=[(m, METRIC_SHORT[m]) for m in measure_order()])


def people(ctx: ReportContext) -> list[str]:
    """'Sponsors: A; B' per role the params record."""
    given = ctx.params.get("people") or {}
    out = []
    for key, label in PEOPLE.items():
        value = given.get(key)
        if value:
            out.append(f"{label}: " + ("; ".join(str(v) for v in value) if isinstance(value, list) else str(value)))
    return out


def mapping_sentence(ctx: ReportContext) -> str:
    if ctx.params.get("white_minorities_as_minority_ethnic"):
        return ("White Irish, Gypsy or Irish Traveller, Roma and any other White background are counted as "
                f"{ctx.group}; only White British staff are counted as white.")
    return (f"All five White census categories are counted as white; every Mixed, Asian, Black and Other category "
            f"is counted as {ctx.group} (the NHS Workforce Race Equality Standard convention).")


def headcount_table(ctx: ReportContext) -> Table:
    rows = []
    src = "workforce.headcount"
    for service in SERVICES:
        m1 = ctx.row("m1", service)
        rows.append(Row([SERVICE_WORDS[service],
                         count_cell(ctx, extra_key("total", src, service),
                                    ctx.plan.values[extra_key("total", src, service)]),
                         count_cell(ctx, row_key("m1", service, "overall", "events_me"), m1["events_me"]),
                         count_cell(ctx, row_key("m1", service, "overall", "events_white"), m1["events_white"]),
                         count_cell(ctx, extra_key("unknown", src, service),
                                    ctx.plan.values[extra_key("unknown", src, service)])]))
    return Table(f"Headcount at {long_date(ctx.spec['snapshot_date'])}",
                 ["Service", "All staff", capital(ctx.group), "White", "Ethnicity not known"], rows,
                 numeric=(1, 2, 3, 4))


def unknown_table(ctx: ReportContext) -> Table:
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
            cells: list[Inline] = [f"{label}: {SERVICE_WORDS[service]}", count_cell(ctx, uk, unknown),
                                   count_cell(ctx, tk, total),
                                   Derived(SUPPRESSED if hide else percent(share) + flag, f"share|{source}|{service}")]
            rows.append(Row(cells))
    return Table("Records with ethnicity not known", ["Table and service", "Not known", "All records",
                                                       "Share not known"], rows, numeric=(1, 2, 3))


def about_section(ctx: ReportContext) -> Markup:
    """Scope, dates, sources, people by role, headcount, ethnicity grouping and unknowns."""
    spec = ctx.spec
    view: dict[str, Any] = {
        "name": ctx.params["name"], "group": ctx.group, "snapshot": long_date(spec["snapshot_date"]),
        "start": long_date(spec["window_start"]), "end": long_date(spec["window_end"]),
        "sources": [str(s) for s in spec.get("sources") or []], "people": people(ctx),
        "headcount": headcount_table(ctx), "mapping": mapping_sentence(ctx),
        "limit": percent(float(ctx.params.get("unknown_share_warning", 0.1))), "unknown": unknown_table(ctx)}
    return section("about.html.j2", **view)
