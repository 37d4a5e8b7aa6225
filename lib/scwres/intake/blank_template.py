"""A blank return workbook for one council: ``make template LA=<la>``.

Written from ``schema.py`` (the same contract validation checks) and the
council's params (its pay bands), so the template cannot drift from what is
accepted. An instructions sheet says what each table and column means; then
one sheet per table with the exact headers; drop-down lists for services,
ethnicity codes, yes/no and pay bands (showing the council's own labels, which
the loader reads as the bands), and whole-number checks on counts, so many
faults are stopped while typing rather than at validation. ``--form records``
writes the record-level variant (staff, applicants, survey_responses).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths
from ..problems import ReturnError, UnknownCouncilError
from ..schema import ETHNICITY_CODES, RECORD_TABLES, SERVICES, STAFF_STATUSES, TABLES, YES_NO
from .params import load_params
from .xlsx import INSTRUCTIONS_SHEET, LISTS_SHEET

ROWS = 1000  # rows of each sheet that carry the drop-downs and checks
FORMS = ("counts", "records")

# What each table and column means (docs/data-return.md), for the instructions sheet.
TABLE_NOTES: dict[str, str] = {
    "workforce": "Headcount of directly employed staff at the snapshot date, one row per service, pay band, "
                 "senior manager, regulated and ethnicity.",
    "recruitment": "Shortlisting and appointments in the 12-month window, one row per service and ethnicity.",
    "events": "Disciplinary, fitness to practise, funded CPD and leavers in the 12-month window, one row per "
              "service and ethnicity.",
    "survey": "Staff survey in the 12-month window: respondents and harassment, bullying or abuse, one row per "
              "service and ethnicity.",
    "population": "Optional: Census 2021 usual residents of the council area, one row per ethnicity.",
    "staff": "One row per person: everyone directly employed at the snapshot date, and everyone who left during "
             "the window.",
    "applicants": "One row per shortlisted applicant in the window.",
    "survey_responses": "One row per staff survey response in the window.",
}
COLUMN_NOTES: dict[str, str] = {
    "service": "adults or children.",
    "pay_band": "The council's pay band (choose from the list; the council's own labels are accepted).",
    "senior_manager": "yes if in the council's senior management (as its params define it), else no.",
    "regulated": "yes if registered with a professional regulator (Social Work England, HCPC, NMC), else no.",
    "ethnicity": "An ethnicity code from the list, an ONS 2021 category name (such as 'Asian: Indian'), an NHS "
                 "ethnic category letter (A-Z), or a label the council maps in params under ethnicity_labels.",
    "headcount": "Number of directly employed staff (a whole number, 0 or more).",
    "shortlisted": "Number of applicants shortlisted.",
    "appointed": "Number appointed from shortlisting; must not exceed shortlisted.",
    "disciplinary": "Number who entered the formal disciplinary process; must not exceed headcount.",
    "ftp": "Number of regulated professionals referred into fitness to practise; must not exceed regulated "
           "headcount.",
    "cpd": "Number who accessed funded non-mandatory CPD; must not exceed headcount.",
    "leavers": "Number who left the organisation; must not exceed headcount.",
    "respondents": "Number of survey respondents; must not exceed headcount.",
    "hba_public": "Respondents who experienced harassment, bullying or abuse from people who use services, "
                  "relatives or the public; must not exceed respondents.",
    "hba_colleagues": "... from colleagues; must not exceed respondents.",
    "hba_managers": "... from managers; must not exceed respondents.",
    "population": "Census 2021 usual residents of the council area.",
    "staff_id": "A unique pseudonymised id (never a name or a payroll number).",
    "status": "in_post if in post at the snapshot date, left if they left during the window.",
    "applicant_id": "A unique pseudonymised id.",
    "response_id": "A unique id for the response.",
}
RECORD_NOTES: dict[str, str] = {  # yes/no columns of the extracts mean a person, not a count
    "disciplinary": "yes if they entered the formal disciplinary process during the window, else no.",
    "ftp": "yes if referred into fitness to practise during the window; yes only when regulated is yes.",
    "cpd": "yes if they accessed funded non-mandatory CPD during the window, else no.",
    "appointed": "yes if appointed, else no.",
    "hba_public": "yes if they experienced harassment, bullying or abuse from people who use services, relatives "
                  "or the public, else no.",
    "hba_colleagues": "yes if from colleagues, else no.",
    "hba_managers": "yes if from managers, else no.",
}


def template_path(la: str, build_root: Path | None = None, form: str = "counts") -> Path:
    """Where ``make template`` writes: ``build/templates/<la>-return-template.xlsx`` (``-records-`` for records)."""
    kind = "return" if form == "counts" else "records"
    return (build_root or paths.BUILD_DIR) / "templates" / f"{la}-{kind}-template.xlsx"


def band_choices(pay_bands: list[str], labels: dict[str, str] | None = None) -> tuple[str, ...]:
    """What the pay-band drop-down shows: the council's label for each band (the loader reads it as the
    band), or the code where params give no label."""
    labels = labels or {}
    return tuple(str(labels.get(b, b)) for b in pay_bands)


def code_lists(pay_bands: list[str], labels: dict[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Allowed values of each code column, the same ones validation accepts."""
    return {"service": SERVICES, "ethnicity": ETHNICITY_CODES, "senior_manager": YES_NO, "regulated": YES_NO,
            "pay_band": band_choices(pay_bands, labels), "status": STAFF_STATUSES, "yes_no": YES_NO}


def sheets_of(form: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Sheet -> (columns, yes/no columns) of a blank return in ``form``."""
    if form == "records":
        out = {name: (t.columns, t.flags) for name, t in RECORD_TABLES.items()}
        out["population"] = (TABLES["population"].columns, ())
        return out
    return {name: (t.columns, ()) for name, t in TABLES.items()}


def build_workbook(pay_bands: list[str], labels: dict[str, str] | None = None, form: str = "counts"):
    """The template as an openpyxl workbook (not saved): instructions first, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    lists = code_lists(pay_bands, labels)
    sheets = sheets_of(form)
    _instructions(book, sheets, form, Font, Alignment)
    for name, (columns, flags) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        sheet.freeze_panes = "A2"
        counts = TABLES[name].counts if name in TABLES else ()
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet[f"{letter}1"].font = Font(bold=True)
            sheet.column_dimensions[letter].width = max(14, len(column) + 4)
            cells = f"{letter}2:{letter}{ROWS + 1}"
            listed = "yes_no" if column in flags else column
            if listed in lists:
                rule = DataValidation(type="list", formula1=f"{listed}_codes", allow_blank=True,
                                      showErrorMessage=True, errorTitle="Not an allowed value",
                                      error=f"Choose a {column} from the list.")
                if column == "ethnicity":  # labels are accepted too, so warn rather than refuse
                    rule.errorStyle = "warning"
                    rule.error = ("Not a code from the list: an ONS name, NHS letter or a label mapped in params "
                                  "is fine.")
            elif column in counts:
                rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                      allow_blank=True, showErrorMessage=True, errorTitle="Not a count",
                                      error="Counts are whole numbers of 0 or more.")
            else:
                continue
            rule.add(cells)
            sheet.add_data_validation(rule)
    # Lists live on a hidden sheet behind named ranges: an inline list is limited to 255 characters,
    # which the ethnicity codes exceed. The loader skips this sheet.
    hidden = book.create_sheet(LISTS_SHEET)
    hidden.sheet_state = "hidden"
    for index, (column, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        hidden.cell(row=1, column=index, value=column)
        for row, value in enumerate(values, start=2):
            hidden.cell(row=row, column=index, value=value)
        ref = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        book.defined_names[f"{column}_codes"] = DefinedName(f"{column}_codes", attr_text=ref)
    return book


def _instructions(book, sheets: dict[str, tuple[tuple[str, ...], tuple[str, ...]]], form: str, font, align) -> None:
    """The first sheet: how to fill the workbook in, and what every table and column means."""
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    intro = [
        "SC-WRES return: how to fill in this workbook",
        ("Record-level form: one row per person (staff), per shortlisted applicant (applicants) and per survey "
         "response (survey_responses); the workbook counts them into the SC-WRES tables." if form == "records" else
         "Count form: one row per combination of the key columns, with whole-number counts."),
        "Keep the header in row 1 of each sheet and the sheet names as they are. Use the drop-down lists. "
        "This instructions sheet is ignored when the return is read.",
        "Save the workbook as data/raw/<council>/<period>/return.xlsx, then run: make report LA=<council>.",
        "",
    ]
    for line in intro:
        sheet.append([line])
    sheet["A1"].font = font(bold=True, size=14)
    sheet.append(["Table", "Column", "What it means"])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = font(bold=True)
    for name, (columns, flags) in sheets.items():
        sheet.append([name, "", TABLE_NOTES[name]])
        for column in columns:
            note = RECORD_NOTES.get(column) if column in flags else None
            sheet.append(["", column, note or COLUMN_NOTES.get(column, "")])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 110
    for row in sheet.iter_rows(min_row=header_row + 1):
        row[2].alignment = align(wrap_text=True, vertical="top")


def write_template(la: str, out: Path | None = None, params_dir: Path | None = None, form: str = "counts") -> Path:
    """Write the council's blank return (count tables or record-level extracts) and return its path."""
    params = load_params(la, params_dir)
    target = out or template_path(la, form=form)
    target.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(params["pay_bands"], params.get("pay_band_labels") or {}, form).save(target)
    return target


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres template`` (``make template``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk (its pay bands fill the lists)")
    parser.add_argument("--out", default=None, help="file to write (default build/templates/<la>-return-template.xlsx)")
    parser.add_argument("--form", default="counts", help="counts (the four count tables) or records (extracts)")


def command(args: argparse.Namespace) -> int:
    """Write the workbook, or say plainly why not."""
    if args.form not in FORMS:
        print(f"error: FORM must be one of {', '.join(FORMS)}, not '{args.form}'.", file=sys.stderr)
        return 2
    try:
        target = write_template(args.la, Path(args.out) if args.out else None, form=args.form)
    except (UnknownCouncilError, ReturnError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, ReturnError) else 2
    print(f"Blank return written to {target}")
    return 0
