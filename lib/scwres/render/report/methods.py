"""The report's "Methods and provenance": formulas, intervals, assessment and disclosure rules, how
ethnicity was grouped, one fingerprint of everything the report rests on and the workbook's version.

The words are in ``templates/pages/report/methods.html.j2``; this module gives
it the few facts that vary (the group's name, the threshold, the audience, the
form of the return, the fingerprint) and the tables. The input files' names
and per-file SHA-256, the git commit and library versions are for the data
team: only the internal report lists them (and the data-quality page). On a
public page a hash of one file holding a withheld count would let anyone who
can guess the file's layout test candidate values.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ...catalogue import suppression_threshold
from ...disclosure import rollup_requests
from ...intake.ethnicity_labels import BLANK, NOT_STATED, PUBLIC_NAMES
from ...intake.provenance import WORKBOOK_VERSION, fingerprint
from ...schema import BROAD_CODES, DETAILED_CODES, ethnic_group
from ..pages import Row, Table
from ..quality_page import files_table, software_table
from ..words import capital
from .common import section
from .context import ReportContext
from .evidence import evidence as report_evidence
from .evidence import significant_keys


def intake_sentences(ctx: ReportContext) -> tuple[str, str] | None:
    """How the return came in and which ethnicity label sets its values were read from (docs/data-return.md)."""
    if not ctx.intake:
        return None
    form = ("as records (one row per member of staff, shortlisted applicant and survey response), which the "
            "workbook counted into the SC-WRES tables" if ctx.intake.get("form") == "records"
            else "as the SC-WRES count tables")
    sets = [PUBLIC_NAMES[s] for s in ctx.intake.get("label_sets", []) if s in PUBLIC_NAMES]
    used = ""
    if sets:
        joined = sets[0] if len(sets) == 1 else ", ".join(sets[:-1]) + " and " + sets[-1]
        read = ("one census category, or as not stated" if {NOT_STATED, BLANK} & set(ctx.intake.get("label_sets", []))
                else "one census category")
        used = f" Its ethnicity values were written as {joined}; each was read as {read}."
    return form, used


def comparison_facts(ctx: ReportContext) -> dict[str, int]:
    """How many comparisons the report makes, how many are significant and how many pass Benjamini-Hochberg."""
    ev = report_evidence(ctx)
    significant = significant_keys(ctx, ev)
    survivors = sum(1 for k in significant if ev.survives[k])
    return {"comparisons": ev.count, "significant": len(significant), "survivors": survivors}


def methods_section(ctx: ReportContext) -> Markup:
    """Formulas, intervals, assessment and suppression rules, ethnicity mapping, the fingerprint and version;
    for the internal audience also the files, their hashes and the software versions."""
    wm = bool(ctx.params.get("white_minorities_as_minority_ethnic"))
    codes = {**DETAILED_CODES, **BROAD_CODES}
    words = {"white": "White", "minority_ethnic": capital(ctx.group), "unknown": "Not known (left out)"}
    mapping = [Row([label, words[ethnic_group(code, wm)]]) for code, (label, _, _) in codes.items()]
    tables: dict[str, Table | None] = {
        "mapping": Table("How each census ethnicity category was grouped", ["Census category", "Group in this report"],
                         mapping), "files": None, "software": None}
    if not ctx.public:  # the data team's detail: never on a public page
        tables.update(files=files_table(ctx.la, ctx.period), software=software_table())
    print_ = ctx.signoff.fingerprint if ctx.signoff is not None else fingerprint(ctx.la, ctx.period)
    view: dict[str, Any] = {"group": ctx.group, "public": ctx.public,
                            "threshold": suppression_threshold(ctx.params),
                            "intake": intake_sentences(ctx), "previous": ctx.previous,
                            "requested": bool(rollup_requests.read(ctx.la, ctx.period)),
                            "fingerprint": print_, "version": WORKBOOK_VERSION, **comparison_facts(ctx)}
    return section("methods.html.j2", **view, **tables)

