"""A return loads to the same tables, and the same metrics, from CSVs and from a workbook."""

from __future__ import annotations

import shutil

import pandas as pd
from openpyxl import Workbook

from scwres.disclosure.metrics_table import calculate, write_metrics_csv
from scwres.intake.load import read_return, return_location, typed_tables
from scwres.intake.params import load_params
from scwres.schema import TABLES


def csv_folder_to_workbook(folder, target) -> None:
    """Write each CSV of a return as a sheet of one .xlsx, numbers as numbers (as Excel would)."""
    book = Workbook()
    book.remove(book.active)
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            cells = zip(frame.columns, record, strict=True)
            sheet.append([int(v) if c in TABLES[name].counts else v for c, v in cells])
    book.save(target)


def test_csv_and_xlsx_give_identical_metrics(scratch_tree, tmp_path):
    params = load_params("bexley", scratch_tree / "params")
    xlsx_raw = tmp_path / "xlsx_raw"
    shutil.copytree(scratch_tree / "raw" / "bexley", xlsx_raw / "bexley")
    for period in ("2023", "2024"):
        folder = xlsx_raw / "bexley" / period
        csv_folder_to_workbook(scratch_tree / "raw" / "bexley" / period, tmp_path / "book.xlsx")
        shutil.rmtree(folder)
        folder.mkdir()
        shutil.move(tmp_path / "book.xlsx", folder / "return.xlsx")
    assert return_location("bexley", "2024", xlsx_raw).suffix == ".xlsx"
    from_csv = calculate("bexley", "2024", params, scratch_tree / "raw")
    from_xlsx = calculate("bexley", "2024", params, xlsx_raw)
    pd.testing.assert_frame_equal(from_csv, from_xlsx)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_metrics_csv(from_csv, a)
    write_metrics_csv(from_xlsx, b)
    assert a.read_bytes() == b.read_bytes()
    raw_csv, raw_xlsx = read_return("bexley", "2024", scratch_tree / "raw"), read_return("bexley", "2024", xlsx_raw)
    for name in TABLES:
        pd.testing.assert_frame_equal(typed_tables(raw_csv)[name], typed_tables(raw_xlsx)[name])
    assert raw_xlsx.files["workforce"] == "return.xlsx" and raw_xlsx.sheets["workforce"] == "workforce"
