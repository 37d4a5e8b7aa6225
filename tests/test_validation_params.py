"""Params files are validated too: unknown, missing and ill-typed keys, dates, and periods on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from bad_returns import good
from scwres.intake.params import load_params
from scwres.problems import ReturnError
from scwres.validate.validation import validate_return

FILE = f"params/{good.LA}.yml"


def params_problems(tmp_path: Path, text: str) -> list[tuple[str, int | None, str | None]]:
    (tmp_path / f"{good.LA}.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ReturnError) as caught:
        load_params(good.LA, tmp_path)
    assert all(p.severity == "error" and p.file == FILE and p.message.endswith(".") for p in caught.value.problems)
    return [(p.file, p.line, p.column) for p in caught.value.problems]


FAULTS = [
    ("unknown key", ("region: Nowhere\n", "region: Nowhere\ncolour: blue\n"), 4, "colour"),
    ("missing key", ("region: Nowhere\n", ""), None, "region"),
    ("ill-typed threshold", ("suppression_threshold: 1", "suppression_threshold: ten"), 11, "suppression_threshold"),
    ("leaver base not allowed", ("suppression_threshold: 1", "leaver_base: sometimes"), 11, "leaver_base"),
    ("missing people role", ("  staff_voice_lead: Staff Network Chair\n", ""), 4, "people.staff_voice_lead"),
    ("not a date", ("snapshot_date: 2024-09-30", "snapshot_date: 2024-13-01"), 14, "periods.2024.snapshot_date"),
    ("window the wrong way round", ("window_start: 2023-10-01", "window_start: 2024-10-01"), 15,
     "periods.2024.window_start"),
    ("direct_employees not a number", ("direct_employees: 138", "direct_employees: many"), 17,
     "periods.2024.direct_employees"),
    ("unknown period key", ("    illustrative: true", "    illustrative: true\n    notes: x"), 20,
     "periods.2024.notes"),
    ("period not a year", ('"2024":', '"24":'), 13, "periods.24"),
]


@pytest.mark.parametrize("name,change,line,column", FAULTS, ids=[f[0] for f in FAULTS])
def test_params_fault_names_the_key_and_line(tmp_path: Path, name: str, change: tuple[str, str],
                                             line: int | None, column: str) -> None:
    assert change[0] in good.PARAMS_YAML
    found = params_problems(tmp_path, good.PARAMS_YAML.replace(change[0], change[1], 1))
    assert (FILE, line, column) in found


def test_unreadable_yaml_gives_the_line(tmp_path: Path) -> None:
    found = params_problems(tmp_path, good.PARAMS_YAML.replace("region: Nowhere", "region: [Nowhere"))
    assert len(found) == 1 and found[0][0] == FILE and found[0][1] is not None


def test_good_params_load(tmp_path: Path) -> None:
    (tmp_path / f"{good.LA}.yml").write_text(good.PARAMS_YAML, encoding="utf-8")
    assert load_params(good.LA, tmp_path)["pay_bands"] == ["low", "high"]


def test_period_folders_and_params_must_agree(tmp_path: Path) -> None:
    good.write_csv_return(tmp_path, good.tables())
    good.write_csv_return(tmp_path, good.tables(), period="2023")  # on disk, not in params
    (tmp_path / good.LA / "action_plan.csv").write_text("not a period\n")  # a file beside the periods: ignored
    (tmp_path / good.LA / "notes").mkdir()  # not a period-shaped folder: ignored
    params = good.params()
    params["periods"]["2025"] = dict(params["periods"]["2024"])  # in params, not on disk
    problems = validate_return(good.LA, good.PERIOD, params, tmp_path)
    assert [(p.severity, p.file, p.column, p.value) for p in problems] == [
        ("error", FILE, "periods", "2023"), ("warning", FILE, "periods.2025", "2025")]
    assert "add it under periods:" in problems[0].message
    assert problems[1].message == (f"{FILE} lists period 2025 but there is no return in data/raw/tiny/2025 yet; "
                                   "that period cannot be built until its return is added.")
