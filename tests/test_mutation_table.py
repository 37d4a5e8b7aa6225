"""`make mutate`'s table (lib/scwres/dev/mutation.py) on hand-made mutmut results: no mutmut run here."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from scwres.dev import mutation

ROOT = Path(__file__).resolve().parents[1]
STATS = "scwres/metrics/stats.py"


def write_meta(work: Path, target: str, codes: dict[str, int | None]) -> None:
    meta = work / "mutants" / f"{target}.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")


def test_the_modules_that_decide_figures_are_listed_once_in_pyproject():
    """The issue's seven first, then those the findings and protection work added; each once, each a file,
    each with its own unit tests."""
    assert mutation.targets() == ["scwres/metrics/stats.py", "scwres/metrics/calculate.py",
                                  "scwres/disclosure/suppression.py", "scwres/disclosure/span.py",
                                  "scwres/disclosure/publication.py", "scwres/validate/bounds.py",
                                  "scwres/intake/ethnicity_labels.py",
                                  "scwres/metrics/multiplicity.py", "scwres/metrics/meta.py",
                                  "scwres/disclosure/audit.py", "scwres/disclosure/weights.py",
                                  "scwres/disclosure/least_loss.py", "scwres/disclosure/rollup_requests.py",
                                  "scwres/disclosure/rollup_summary.py"]
    assert all((ROOT / "lib" / t).is_file() for t in mutation.targets())
    by_module = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"][
        "test_selection_by_module"]
    assert set(by_module) == set(mutation.targets())
    assert all((ROOT / f).is_file() for files in by_module.values() for f in files)


def test_modules_are_picked_by_short_or_full_path_and_an_unknown_one_is_refused():
    listed = mutation.targets()
    assert mutation.pick("metrics/stats.py scwres/validate/bounds.py", listed) == [STATS, "scwres/validate/bounds.py"]
    assert mutation.pick("", listed) == listed
    with pytest.raises(SystemExit, match="metrics/statz.py"):
        mutation.pick("metrics/statz.py", listed)


def test_kill_rate_leaves_out_equivalents_and_counts_no_tests_as_not_killed():
    # mutmut's exit codes: 1 killed, 0 survived, 33 no tests, 36 timeout (a kill)
    found = {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "timeout", "m.x_f__mutmut_3": "survived",
             "m.x_f__mutmut_4": "survived", "m.x_f__mutmut_5": "no tests"}
    counts = mutation.tally(found, {"m.x_f__mutmut_4": "cannot change output"})
    assert counts == Counter({"killed": 2, "survived": 1, "no tests": 1, "equivalent": 1})
    assert mutation.kill_rate(counts) == pytest.approx(2 / 4)
    assert mutation.kill_rate(Counter()) is None


def test_report_lists_survivors_and_stale_equivalents(tmp_path):
    write_meta(tmp_path, STATS, {"scwres.metrics.stats.x_assess__mutmut_1": 1,
                                 "scwres.metrics.stats.x_assess__mutmut_2": 0,
                                 "scwres.metrics.stats.x_assess__mutmut_3": 0,
                                 "scwres.metrics.stats.x_wilson__mutmut_1": 1,
                                 "scwres.metrics.stats.x_wilson__mutmut_2": None})  # not run: not in the rate
    argued = {"scwres.metrics.stats.x_assess__mutmut_3": "same output", "scwres.metrics.stats.x_gone__mutmut_9": "x",
              "scwres.metrics.stats.x_wilson__mutmut_1": "wrongly argued: it was killed"}
    text = mutation.report([STATS], tmp_path, argued)
    header, line = text.splitlines()[:2]
    assert header.split()[:6] == ["module", "killed", "survived", "no", "tests", "equivalent"]
    assert line.split() == ["metrics/stats.py", "2", "1", "0", "1", "0", "1", "66.7%"]
    assert "  scwres.metrics.stats.x_assess__mutmut_2  (survived)" in text
    assert "x_assess__mutmut_3  (" not in text and "x_wilson__mutmut_2" not in text  # equivalent; not run
    stale = text[text.index("Stale"):]
    assert "x_gone__mutmut_9" in stale and "x_wilson__mutmut_1" in stale


def test_a_module_not_run_says_so(tmp_path):
    assert "(not run)" in mutation.report([STATS], tmp_path, {})


def test_staging_links_the_code_and_keeps_only_the_chosen_modules(tmp_path):
    work = tmp_path / "mutation"
    mutation.stage([STATS], work)
    assert (work / "scwres").resolve() == (ROOT / "lib" / "scwres").resolve()
    assert (work / "mutants" / "data").resolve() == (ROOT / "data").resolve()
    config = tomllib.loads((work / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert config["only_mutate"] == [STATS] and config["source_paths"] == ["scwres"]
    assert config["pytest_add_cli_args_test_selection"] == ["tests/test_stats.py", "tests/test_stats_boundaries.py",
                                                         "tests/test_stats_edges.py"]


def test_the_test_selection_is_the_union_of_the_chosen_modules_lists_or_all_of_it():
    text = """[tool.mutmut]
pytest_add_cli_args_test_selection = ["tests/all.py"]
[tool.mutmut.test_selection_by_module]
"scwres/a.py" = ["tests/a.py", "tests/shared.py"]
"scwres/b.py" = ["tests/shared.py", "tests/b.py"]
"""
    assert mutation.selection(["scwres/a.py", "scwres/b.py"], text) == ["tests/a.py", "tests/shared.py", "tests/b.py"]
    assert mutation.selection(["scwres/a.py", "scwres/c.py"], text) == ["tests/all.py"]  # c has no list of its own


def test_every_module_has_its_own_test_files():
    by_module = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"][
        "test_selection_by_module"]
    assert sorted(by_module) == sorted(mutation.targets())
    assert all((ROOT / f).is_file() for files in by_module.values() for f in files)


def test_every_equivalent_entry_has_an_argument():
    for name, why in mutation.equivalents().items():
        assert name.startswith(tuple(f"{mutation.module_name(t)}." for t in mutation.targets())), name
        assert "__mutmut_" in name and len(why.split()) >= 4, name
