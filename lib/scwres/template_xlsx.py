"""A blank return workbook for one council: ``make template LA=<la>``.

Written from ``schema.py`` (the same contract validation checks) and the
council's params (its pay bands), so the template cannot drift from what is
accepted. One sheet per table with the exact headers; drop-down lists for
services, ethnicity codes, yes/no and pay bands, and whole-number checks on
counts, so many faults are stopped while typing rather than at validation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .load import LISTS_SHEET
from .params import load_params
from .problems import ReturnError, UnknownCouncilError
from .schema import ETHNICITY_CODES, SERVICES, TABLES, YES_NO

ROWS = 1000  # rows of each sheet that carry the drop-downs and checks


def template_path(la: str, build_root: Path | None = None) -> Path:
    """Where ``make template`` writes: ``build/templates/<la>-return-template.xlsx``."""
    return (build_root or paths.BUILD_DIR) / "templates" / f"{la}-return-template.xlsx"


def code_lists(pay_bands: list[str]) -> dict[str, tuple[str, ...]]:
    """Allowed values of each code column, the same ones validation accepts."""
    return {"service": SERVICES, "ethnicity": ETHNICITY_CODES, "senior_manager": YES_NO, "regulated": YES_NO,
            "pay_band": tuple(str(b) for b in pay_bands)}


def build_workbook(pay_bands: list[str]):  # -> openpyxl.Workbook
    """The template as an openpyxl workbook (not saved)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    lists = code_lists(pay_bands)
    for name, table in TABLES.items():
        sheet = book.create_sheet(name)
        sheet.append(list(table.columns))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            sheet[f"{letter}1"].font = Font(bold=True)
            sheet.column_dimensions[letter].width = max(14, len(column) + 4)
            cells = f"{letter}2:{letter}{ROWS + 1}"
            if column in lists:
                rule = DataValidation(type="list", formula1=f"{column}_codes", allow_blank=True,
                                      showErrorMessage=True, errorTitle="Not an allowed code",
                                      error=f"Choose a {column} from the list.")
            elif column in table.counts:
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


def write_template(la: str, out: Path | None = None, params_dir: Path | None = None) -> Path:
    """Write the council's blank return and return its path."""
    params = load_params(la, params_dir)
    target = out or template_path(la)
    target.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(params["pay_bands"]).save(target)
    return target


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres template`` (``make template``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk (its pay bands fill the lists)")
    parser.add_argument("--out", default=None, help="file to write (default build/templates/<la>-return-template.xlsx)")


def command(args: argparse.Namespace) -> int:
    """Write the workbook, or say plainly why not."""
    try:
        target = write_template(args.la, Path(args.out) if args.out else None)
    except (UnknownCouncilError, ReturnError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, ReturnError) else 2
    print(f"Blank return written to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m scwres.template_xlsx ...``: kept as an alias of ``python -m scwres template``."""
    from .cli import main as cli_main

    return cli_main(["template", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
