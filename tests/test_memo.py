"""The warm-kernel cache (``scwres.memo``): reused only while files and arguments are unchanged."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import ROOT
from scwres import memo
from scwres.disclosure.metrics_table import calculate
from scwres.intake.params import load_params
from scwres.render import charts


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    """An empty warm cache and an empty store on disk (``build/.cache`` in a folder of this test's own)."""
    monkeypatch.setattr(memo.paths, "BUILD_DIR", tmp_path / "build")
    memo.clear()
    yield
    memo.clear()


def test_a_changed_file_is_a_miss_and_an_unchanged_one_a_hit(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    calls = []

    def compute():
        calls.append(1)
        return {"rows": [1]}

    key = lambda: ("t", memo.files_digest([tmp_path]))  # noqa: E731
    assert memo.cached(key(), compute) == {"rows": [1]}
    assert memo.cached(key(), compute) == {"rows": [1]}
    assert len(calls) == 1
    (tmp_path / "a.csv").write_text("x\n2\n")  # same size, new bytes: a file time is never the test
    memo.cached(key(), compute)
    assert len(calls) == 2
    (tmp_path / "b.csv").write_text("")  # a new file in the folder counts too
    memo.cached(key(), compute)
    assert len(calls) == 3


def test_callers_get_copies():
    first = memo.cached(("frame",), lambda: pd.DataFrame({"a": [1, 2]}))
    first.loc[0, "a"] = 99
    assert memo.cached(("frame",), lambda: pd.DataFrame({"a": [0]}))["a"].tolist() == [1, 2]


def test_the_cache_is_bounded():
    for i in range(memo.MAX_ENTRIES + 10):
        memo.cached(("n", i), lambda i=i: i)
    assert memo.size() == memo.MAX_ENTRIES
    assert memo.cached(("n", 0), lambda: "recomputed") == "recomputed"  # the oldest went first


def test_an_exception_is_not_stored():
    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.cached(("e",), fail)
    assert memo.cached(("e",), lambda: "ok") == "ok"


def test_calculate_reads_an_edited_return_afresh(tmp_path):
    """The metrics after an edit equal a cold calculation on the edited return, never the cached ones."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "bexley", raw / "bexley")
    params = load_params("bexley")
    before = calculate("bexley", "2024", params, raw)
    again = calculate("bexley", "2024", params, raw)
    pd.testing.assert_frame_equal(before, again)
    recruitment = raw / "bexley" / "2024" / "recruitment.csv"
    lines = recruitment.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    column = header.index("appointed")
    row[column] = str(int(row[column]) + 1)
    recruitment.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    after = calculate("bexley", "2024", params, raw)
    memo.clear()
    cold = calculate("bexley", "2024", params, raw)
    pd.testing.assert_frame_equal(after, cold)
    assert not after.equals(before)


def test_a_chart_is_drawn_once_per_distinct_arguments(monkeypatch):
    points = [{"label": "All staff", "service": "all", "value": 1.2, "low": 0.9, "high": 1.6}]
    drawn = []
    real = charts.to_svg
    monkeypatch.setattr(charts, "to_svg", lambda fig: drawn.append(1) or real(fig))
    first = charts.forest(points, "Title", "Subtitle", False, None)
    assert charts.forest(points, "Title", "Subtitle", False, None) == first
    assert len(drawn) == 1
    changed = charts.forest(points, "Title", "Subtitle", False, 0.8)  # a national line: another chart
    assert len(drawn) == 2 and changed != first


def test_a_new_process_finds_an_unchanged_chart_on_disk(monkeypatch, tmp_path):
    """``make report`` is a new process each time: the SVG of an unchanged chart is read, not drawn."""
    points = [{"label": "All staff", "service": "all", "value": 1.2, "low": 0.9, "high": 1.6}]
    drawn = []
    real = charts.to_svg
    monkeypatch.setattr(charts, "to_svg", lambda fig: drawn.append(1) or real(fig))
    first = charts.forest(points, "Title", "Subtitle", False, None)
    memo.clear()  # as a new process starts
    assert charts.forest(points, "Title", "Subtitle", False, None) == first and len(drawn) == 1
    memo.clear()
    monkeypatch.setattr(memo, "code_digest", lambda: "other code")  # new code: drawn again, the same SVG
    assert charts.forest(points, "Title", "Subtitle", False, None) == first and len(drawn) == 2


def test_the_store_on_disk_keys_types_and_is_bounded(monkeypatch):
    import datetime as dt

    calls = []

    def make(value):
        return lambda: calls.append(value) or str(value).encode()

    assert memo.on_disk("t", {"d": dt.date(2024, 9, 30)}, make(1)) == b"1"
    assert memo.on_disk("t", {"d": "2024-09-30"}, make(2)) == b"2"  # a date and its text are different keys
    assert memo.on_disk("t", {"d": dt.date(2024, 9, 30)}, make(3)) == b"1" and calls == [1, 2]
    import numpy as np

    with pytest.raises(TypeError):  # str() of an array leaves values out: never a key
        memo.on_disk("t", np.zeros(2000), make(0))
    assert memo.typed_canonical(np.float64(0.5)) == memo.typed_canonical(0.5)
    monkeypatch.setattr(memo, "MAX_FILES", 2)
    memo.on_disk("t", 4, make(4))
    memo.on_disk("t", 5, make(5))
    assert len(list((memo.paths.BUILD_DIR / ".cache" / "t").iterdir())) == 2
    assert memo.on_disk("t", 5, make(6)) == b"5"  # the newest stayed


def test_an_empty_file_in_the_store_is_a_miss_and_a_killed_write_leaves_nothing_behind(monkeypatch):
    import os

    assert memo.on_disk("t", 1, lambda: b"one") == b"one"
    [stored] = (memo.paths.BUILD_DIR / ".cache" / "t").iterdir()
    stored.write_bytes(b"")  # as a crash before the data reached the disk could leave it
    assert memo.on_disk("t", 1, lambda: b"again") == b"again"

    def killed(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", killed)
    assert memo.on_disk("t", 2, lambda: b"two") == b"two"  # still the right result, only not kept
    assert sorted(p.name for p in stored.parent.iterdir()) == [stored.name]
