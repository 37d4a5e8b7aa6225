"""A report's open-data files: the spreadsheet and the CSV as bytes, and where a run builds them.

Kept apart from ``open_data`` (which decides the figures and writes the CSV)
and ``spreadsheet`` (which lays them out with gptables) because it needs both:
with it in either one, the two would import each other.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .. import memo, paths
from .open_data import Published, csv_bytes, file_names, published_figures
from .spreadsheet import workbook_bytes


def files(published: Published) -> dict[str, bytes]:
    """File name -> bytes for the spreadsheet and the CSV of one published set of figures."""
    xlsx, csv_name = file_names(published.meta.stem, published.meta.audience)
    # gptables takes about a second per workbook; an unchanged one is read from disk (``memo.on_disk``)
    book = memo.on_disk("spreadsheets", dataclasses.asdict(published), lambda: workbook_bytes(published))
    return {xlsx: book, csv_name: csv_bytes(published)}


def write_build_files(ctx: Any) -> list[Path]:
    """Write a council report's open-data files into its build folder (the report notebook calls this).

    ``run.build_report`` publishes them next to the HTML only when the whole run succeeded.
    """
    folder = build_folder(ctx.la, ctx.period, ctx.audience)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    written = []
    for name, data in files(published_figures(ctx)).items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written


def build_folder(la: str, period: str, audience: str = "public") -> Path:
    """Where a run writes a report's open-data files before they are published with the report."""
    return paths.build_dir(la, period) / ("open-data" if audience == "public" else f"open-data-{audience}")
