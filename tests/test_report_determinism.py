"""Reproducibility: the same inputs and code give a byte-identical report.html."""

from __future__ import annotations

import re

import pytest

from conftest import pipeline_env, run_cli
from scwres.render import open_data

COMMIT = re.compile(r"<code>[0-9a-f]{40}</code>")


@pytest.mark.slow
@pytest.mark.xdist_group("pipeline")
def test_a_second_build_is_byte_identical(built, tmp_path):
    env = {**pipeline_env(tmp_path), "PYTHONHASHSEED": "1"}  # the shared build used 0: order must not matter
    run_cli(["report", "--la", "norfolk", "--period", "2024"], env)
    first = built.report("norfolk", "2024").read_bytes()
    second = (tmp_path / "reports" / "norfolk" / "2024" / "report.html").read_bytes()
    if first != second:
        # Other work may have been committed between the two builds: the commit is the only thing allowed to move.
        a, b = (COMMIT.sub("<code>commit</code>", x.decode("utf-8")) for x in (first, second))
        assert a == b, "two builds from the same inputs differ"
        assert COMMIT.search(first.decode("utf-8")).group(0) != COMMIT.search(second.decode("utf-8")).group(0)
    # The spreadsheet and CSV carry no commit: they must match byte for byte.
    for name in open_data.file_names(open_data.council_stem("norfolk", "2024")):
        again = tmp_path / "reports" / "norfolk" / "2024" / name
        assert again.read_bytes() == (built.reports / "norfolk" / "2024" / name).read_bytes(), name


@pytest.mark.xdist_group("pipeline")
def test_report_carries_no_clock_time_and_full_provenance(built):
    """The public report: no clock time. The internal one: every input's hash and the software versions
    (the public one shows one fingerprint instead: tests/test_signoff.py)."""
    assert "<dc:date>" not in built.report("norfolk", "2024").read_text(encoding="utf-8")
    text = built.report("norfolk", "2024", "internal").read_text(encoding="utf-8")
    assert "<dc:date>" not in text and "Date</" not in text
    for name in ("data/raw/norfolk/2024/workforce.csv", "data/raw/norfolk/2022/survey.csv",  # trends read 2022-23
                 "data/raw/norfolk/action_plan.csv", "params/norfolk.yml", "params/commentary/norfolk/2024.md",
                 "data/reference/national-headlines.csv"):
        assert re.search(re.escape(name) + r"</th><td><code>[0-9a-f]{64}</code>", text), name
    for package in ("Python", "pandas", "matplotlib", "papermill", "nbconvert", "great-expectations"):
        assert re.search(rf"<th scope=\"row\">{re.escape(package)}</th><td>\d", text), package
