"""The report's "Data quality": what affects the reading of the figures, in a reader's words.

Never a file name, params key, code or line number: the analyst's list (every
validation warning, commentary and action plan problem) is on the data-quality
page and the console. A note that would need a hidden count is worded without
it. Template: ``templates/pages/report/data-quality.html.j2``.
"""

from __future__ import annotations

from markupsafe import Markup

from ...catalogue import suppression_threshold
from ...disclosure.suppression import extra_key
from ..pages import Derived, Inline, join
from ..words import SERVICE_WORDS, WITHHELD, percent
from .common import SERVICES, section
from .context import ReportContext

# What each required table holds, in a reader's words (for "no figures were provided for ...").
TABLE_WORDS = {"workforce": "staff", "recruitment": "recruitment", "events": "disciplinary, fitness to practise, "
               "training and leavers", "survey": "staff survey"}
UNKNOWN_WHO = {"workforce.headcount": "staff", "recruitment.shortlisted": "shortlisted applicants",
               "survey.respondents": "survey respondents"}
HEADCOUNT_TOLERANCE = 0.02
YEAR_ON_YEAR_LIMIT = 0.25


def _service_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def unknown_notes(ctx: ReportContext) -> list[Inline]:
    """Shares of records with ethnicity not known above the council's threshold, where the report shows them.

    Only a share the "About this report" table also shows is quoted: where that table hides the
    count, the sentence says nothing at all (even "above 10%" would bound a hidden count).
    """
    limit = float(ctx.params.get("unknown_share_warning", 0.1))
    out: list[Inline] = []
    for source, who in UNKNOWN_WHO.items():
        parts: list[Inline] = []
        for service in SERVICES:
            uk, tk = extra_key("unknown", source, service), extra_key("total", source, service)
            unknown, total = ctx.plan.values.get(uk), ctx.plan.values.get(tk)
            if not total or unknown is None or ctx.hidden(uk) or ctx.hidden(tk) or unknown / total <= limit:
                continue
            where = "all services together" if service == "all" else SERVICE_WORDS[service].lower()
            # "15.0% of survey respondents in adults' services, 25.0% in children's services": the group is
            # named once, after the first share (not after the last place, which read as garbled English).
            of = f" of {who}" if not parts else ""
            parts.append([Derived(percent(unknown / total), f"share|{source}|{service}"), f"{of} in {where}"])
        if parts:
            out.append(["Ethnicity is not known for ", join(parts), ", so the figures that rest on "
                        f"{who} may change when it is recorded."])
    return out


def headcount_notes(ctx: ReportContext) -> list[Inline]:
    """The return's headcount against the council's declared number of staff; services with no rows;
    a big change in headcount since the previous period. Worded without any count."""
    out: list[Inline] = []
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
                out.append(f"The number of {who} changed by more than a quarter since {earlier.period}, so "
                           f"compare the {earlier.period} figures with care.")
    return out


def data_quality_section(ctx: ReportContext) -> Markup:
    """What affects the reading of the figures; the internal version links the full data quality page."""
    notes = unknown_notes(ctx) + headcount_notes(ctx)
    if ctx.public and ctx.plan.hidden_keys:
        notes.append(f"Some groups are small, so some figures are shown as [c]: {WITHHELD}.")
    elif not ctx.public:
        threshold = suppression_threshold(ctx.params)
        notes.append(f"The public version of this report hides figures that rest on fewer than {threshold} people; "
                     "this internal version shows them all.")
    return section("data-quality.html.j2", notes=notes, public=ctx.public)
