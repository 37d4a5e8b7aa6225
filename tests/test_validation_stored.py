"""The return's checks are stored by content: an unchanged return is not checked again, any change is.

Each test calls ``validate_return`` twice on one build folder. To see whether
the second call checked the return, ``check_return`` is replaced by one that
fails loudly: a stored result must not need it, a changed input must call it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bad_returns import good
from scwres.validate import stored, validation
from scwres.validate.validation import validate_return


class Checked(Exception):
    """The return was checked again."""


def first_run(tmp_path: Path) -> tuple[Path, Path, list]:
    raw, build = tmp_path / "raw", tmp_path / "build"
    tables = good.tables()
    tables["workforce"][1][-1] = "3"  # a small count: the run has a warning to store, not only an empty list
    good.write_csv_return(raw, tables)
    return raw, build, validate_return(good.LA, good.PERIOD, good.params(), raw, build=build)


def refuse_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def check_return(*args, **kwargs):
        raise Checked

    monkeypatch.setattr(validation, "check_return", check_return)


def test_an_unchanged_return_is_not_checked_again_and_gives_the_same_problems(tmp_path, monkeypatch) -> None:
    raw, build, problems = first_run(tmp_path)
    assert problems and (build / stored.STORED).is_file()
    refuse_checks(monkeypatch)
    assert validate_return(good.LA, good.PERIOD, good.params(), raw, build=build) == problems


@pytest.mark.parametrize("change", ["a cell", "a new file", "an empty period folder", "params", "the code",
                                    "a broken store", "another key"])
def test_any_change_checks_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    raw, build, _ = first_run(tmp_path)
    params = good.params()
    folder = raw / good.LA / good.PERIOD
    if change == "a cell":
        path = folder / "workforce.csv"
        path.write_bytes(path.read_bytes().replace(b",3\n", b",4\n", 1))
    elif change == "a new file":
        (folder / "notes.csv").write_text("x\n", encoding="utf-8")
    elif change == "an empty period folder":
        (raw / good.LA / "2019").mkdir()
    elif change == "params":
        params["suppression_threshold"] = 5
    elif change == "the code":
        monkeypatch.setattr(stored.memo, "code_digest", lambda: "other code")
    elif change == "a broken store":
        (build / stored.STORED).write_text('{"key": ', encoding="utf-8")
    else:
        stored_file = build / stored.STORED
        stored_file.write_text(stored_file.read_text(encoding="utf-8").replace('"key": "', '"key": "0'),
                               encoding="utf-8")
    refuse_checks(monkeypatch)
    with pytest.raises(Checked):
        validate_return(good.LA, good.PERIOD, params, raw, build=build)


def test_the_action_plan_beside_the_returns_is_not_part_of_the_key(tmp_path, monkeypatch) -> None:
    """Editing the action plan (``data/raw/<la>/action_plan.csv``) changes the report, not the return's checks."""
    raw, build, problems = first_run(tmp_path)
    plan = raw / good.LA / "action_plan.csv"
    plan.write_text("id,action\n1,first\n", encoding="utf-8")
    key = stored.checks_key(good.LA, good.PERIOD, good.params(), raw)
    plan.write_text("id,action\n1,second\n", encoding="utf-8")
    assert stored.checks_key(good.LA, good.PERIOD, good.params(), raw) == key


def test_without_a_build_folder_nothing_is_stored_and_the_return_is_checked(tmp_path, monkeypatch) -> None:
    raw, build, _ = first_run(tmp_path)
    refuse_checks(monkeypatch)
    with pytest.raises(Checked):
        validate_return(good.LA, good.PERIOD, good.params(), raw)


def test_the_intake_record_is_written_on_every_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the checks are stored; what came in is read and written again, so it is never stale."""
    raw, build, problems = first_run(tmp_path)
    (build / validation.INTAKE).unlink()
    refuse_checks(monkeypatch)
    validate_return(good.LA, good.PERIOD, good.params(), raw, build=build)
    assert validation.read_intake(build) is not None


def test_problems_json_keeps_the_commentary_apart_from_the_return(tmp_path):
    """The file lists both; a rebuild reads back only the return's, and finds the commentary's afresh."""
    import json

    from scwres.problems import Problem
    from scwres.validate.validation import read_problems, write_problems

    mine = Problem("warning", "workforce.csv", 3, "band", "x", "A band not in params.")
    stray = Problem("warning", "params/commentary/norfolk/2024.md", 9, None, "m99", "No such measure.")
    write_problems([mine], tmp_path, analyst=[stray])
    assert [p["source"] for p in json.loads((tmp_path / "problems.json").read_text(encoding="utf-8"))] == \
        ["return", "analyst"]
    assert read_problems(tmp_path) == [mine]
