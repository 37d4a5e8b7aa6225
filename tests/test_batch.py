"""Batch runs: which reports to build, the incremental content hash, isolation of failures, the index page.

The end-to-end test runs the real command line over two generated councils
(one period each), one with a broken return; everything else is in process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scwres import paths
from scwres.dev.synthetic import write_synthetic
from scwres.disclosure.metrics_table import calculate, read_metrics_csv, write_metrics_csv
from scwres.intake.params import load_params
from scwres.pipeline import batch, inputs
from scwres.render import index_page
from scwres.render.words import ASSESSMENT_SHORT

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2024"


# --- discovery ------------------------------------------------------------------------------------------------


def test_discover_finds_every_council_and_period_and_filters(tmp_path):
    for la, period in (("leeds", "2023"), ("leeds", "2024"), ("norfolk", "2024"), ("norfolk", "notes")):
        (tmp_path / la / period).mkdir(parents=True)
    (tmp_path / "README.txt").write_text("not a council", encoding="utf-8")
    jobs = batch.discover(raw_dir=tmp_path)
    assert [(j.la, j.period) for j in jobs] == [("leeds", "2023"), ("leeds", "2024"), ("norfolk", "2024")]
    assert [(j.la, j.period) for j in batch.discover(["norfolk"], ["2024"], raw_dir=tmp_path)] == [("norfolk", "2024")]
    assert [j.period for j in batch.discover(periods=["2023"], raw_dir=tmp_path)] == ["2023"]
    # a council asked for by name but absent is still a job, so it fails with the pipeline's own message
    assert ("york", "") in [(j.la, j.period) for j in batch.discover(["york"], raw_dir=tmp_path)]


# --- the incremental key ---------------------------------------------------------------------------------------


@pytest.fixture
def hash_tree(tmp_path, monkeypatch):
    """A private copy of every input of a report, with the paths pointed at it."""
    raw, params = write_synthetic(tmp_path / "syn", 2, (PERIOD,), seed=5)
    shutil.copytree(paths.NOTEBOOKS_DIR, tmp_path / "notebooks")
    shutil.copytree(paths.PACKAGE_DIR, tmp_path / "lib" / "scwres", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "reference").mkdir()
    if paths.REFERENCE_DIR.is_dir():
        shutil.copytree(paths.REFERENCE_DIR, tmp_path / "reference", dirs_exist_ok=True)
    shutil.copy(ROOT / "constraints.txt", tmp_path / "constraints.txt")
    for name, value in (("RAW_DIR", raw), ("PARAMS_DIR", params), ("COMMENTARY_DIR", tmp_path / "commentary"),
                        ("NOTEBOOKS_DIR", tmp_path / "notebooks"), ("REFERENCE_DIR", tmp_path / "reference"),
                        ("ROOT", tmp_path), ("PACKAGE_DIR", tmp_path / "lib" / "scwres")):
        monkeypatch.setattr(paths, name, value)
    return tmp_path


def _append(path: Path, text: str = "\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


CHANGES = {
    "return file": lambda t: _append(t / "syn/raw/synthetic-001" / PERIOD / "survey.csv"),
    "another period of the same council": lambda t: _append(t / "syn/raw/synthetic-001/2023/workforce.csv", "x"),
    "action plan": lambda t: _append(t / "syn/raw/synthetic-001/action_plan.csv", "id\n"),
    "params": lambda t: _append(t / "syn/params/synthetic-001.yml", "# edited\n"),
    "commentary": lambda t: _append(t / "commentary/synthetic-001" / f"{PERIOD}.md", "## m2\nWords.\n"),
    "notebook": lambda t: _append(t / "notebooks/2_calculate_metrics.ipynb", " "),
    "lib code": lambda t: _append(t / "lib/scwres/metrics/calculate.py", "# edited\n"),
    "template": lambda t: _append(t / "lib/scwres/templates/scwres/scwres.css", "/* edited */\n"),
    "pinned versions": lambda t: _append(t / "constraints.txt", "newpackage==1.0\n"),
    "reference data": lambda t: _append(t / "reference/national-headlines.csv", "\n"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changing_any_one_input_changes_the_key(hash_tree, change):
    job = batch.Job("synthetic-001", PERIOD)
    before = batch.inputs_key(job)
    CHANGES[change](hash_tree)
    assert batch.inputs_key(job) != before


def test_unchanged_content_keeps_the_key_whatever_the_file_times(hash_tree):
    job = batch.Job("synthetic-001", PERIOD)
    before = batch.inputs_key(job)
    for path in hash_tree.rglob("*"):
        if path.is_file():
            os.utime(path, (1_000_000_000, 1_000_000_000))
    _append(hash_tree / "syn/raw/synthetic-002" / PERIOD / "survey.csv")  # another council's return
    _append(hash_tree / "commentary/synthetic-001/2023.md", "another period's words")
    assert batch.inputs_key(job) == before
    assert batch.inputs_key(batch.Job("synthetic-001", PERIOD, "internal")) != before


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_job_is_up_to_date_only_with_the_same_key_and_all_its_outputs(tmp_path, monkeypatch, audience):
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    job = batch.Job("norfolk", PERIOD, audience)
    batch.key_path(job).parent.mkdir(parents=True)
    batch.key_path(job).write_text("abc\n", encoding="utf-8")
    assert not batch.up_to_date(job, "abc")  # nothing built
    outputs = inputs.outputs(job)
    suffix = "" if audience == "public" else "-internal"
    assert {p.relative_to(tmp_path).as_posix() for p in outputs} == {
        f"reports/norfolk/{PERIOD}/{name}" for name in (
            f"report{suffix}.html", f"sc-wres-norfolk-{PERIOD}{suffix}.xlsx", f"sc-wres-norfolk-{PERIOD}{suffix}.csv",
            "data-quality.html")} | {f"build/norfolk/{PERIOD}/{name}" for name in (
                "metrics.csv", paths.PLAN_FILE, *(["signoff.json"] if audience == "public" else []))}
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    assert batch.up_to_date(job, "abc")
    assert not batch.up_to_date(job, "abd")
    for path in outputs:  # any one output deleted by hand (the spreadsheet, say) means build it again
        path.unlink()
        assert not batch.up_to_date(job, "abc"), path.name
        path.write_text("x", encoding="utf-8")


def test_summary_names_each_failure_and_says_when_nothing_was_done():
    ok = batch.Result(batch.Job("leeds", PERIOD), "skipped")
    bad = batch.Result(batch.Job("york", PERIOD), "failed", reason="1_validate_return failed\nworkforce.csv: bad")
    assert batch.format_summary(batch.Summary([ok])).startswith("Nothing to do: all 1 report(s) are up to date")
    text = batch.format_summary(batch.Summary([ok, bad]))
    assert "0 built, 1 up to date, 1 failed." in text and "york 2024: 1_validate_return failed" in text
    assert batch.Summary([ok, bad]).failed and not batch.Summary([ok]).failed


# --- the index page --------------------------------------------------------------------------------------------


@pytest.fixture
def index_tree(tmp_path, monkeypatch):
    """Two generated councils with metrics and stand-in published pages."""
    raw, params = write_synthetic(tmp_path / "syn", 2, (PERIOD,), seed=9)
    data = yaml.safe_load((params / "synthetic-002.yml").read_text(encoding="utf-8"))
    data["name"] = "Evil <b>council</b> & co"
    (params / "synthetic-002.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for name, value in (("RAW_DIR", raw), ("PARAMS_DIR", params), ("BUILD_DIR", tmp_path / "build"),
                        ("REPORTS_DIR", tmp_path / "reports")):
        monkeypatch.setattr(paths, name, value)
    for la in ("synthetic-001", "synthetic-002"):
        frame = calculate(la, PERIOD, load_params(la), raw)
        paths.build_dir(la, PERIOD).mkdir(parents=True)
        write_metrics_csv(frame, paths.build_dir(la, PERIOD) / "metrics.csv")
        paths.report_dir(la, PERIOD).mkdir(parents=True)
        (paths.report_dir(la, PERIOD) / "report.html").write_text("<p>r</p>", encoding="utf-8")
    (paths.report_dir("synthetic-001", PERIOD) / "data-quality.html").write_text("<p>dq</p>", encoding="utf-8")
    (paths.REPORTS_DIR / "synthetic-002" / "updates").mkdir()
    (paths.REPORTS_DIR / "synthetic-002" / "updates" / "2024-12-31.html").write_text("<p>u</p>", encoding="utf-8")
    (paths.REPORTS_DIR / "national" / PERIOD).mkdir(parents=True)
    (paths.REPORTS_DIR / "national" / PERIOD / "report.html").write_text("<p>n</p>", encoding="utf-8")
    return tmp_path


def test_index_lists_reports_with_assessments_and_links(index_tree):
    target = index_page.write_index()
    html = target.read_text(encoding="utf-8")
    assert '<a href="synthetic-001/2024/report.html">Synthetic council 001 2024 report</a>' in html
    assert "data-quality.html" not in html  # the public index links no data-team page
    internal = (index_tree / "reports" / index_page.INTERNAL_NAME).read_text(encoding="utf-8")
    assert "INTERNAL - not for publication" in internal and "INTERNAL" not in html
    assert ('<a href="synthetic-001/2024/data-quality.html">Synthetic council 001 2024 data quality (data team '
            'only)</a>') in internal
    assert "synthetic-002/2024/data-quality.html" not in internal  # not written, so not linked
    assert '<a href="synthetic-002/updates/2024-12-31.html">' in html
    assert '<a href="national/2024/report.html">National report 2024</a>' in html
    assert "Evil &lt;b&gt;council&lt;/b&gt; &amp; co" in html and "<b>council" not in html
    metrics = read_metrics_csv(paths.build_dir("synthetic-001", PERIOD) / "metrics.csv")
    row = metrics[(metrics["metric"] == "m2") & (metrics["service"] == "all") & (metrics["breakdown"] == "overall")]
    expected = "[c]" if bool(row["suppressed"].iloc[0]) else ASSESSMENT_SHORT[row["assessment"].iloc[0]]
    first_row = html[html.index('<th scope="row">Synthetic council 001</th>'):]
    first_row = first_row[:first_row.index("</tr>")]
    assert first_row.split("<td>")[4].startswith(expected)  # period, links, m2
    assert html.count("<h1>") == 1 and '<html lang="en">' in html and "<script" not in html
    assert "Illustrative data" in html
    assert index_page.write_index() is None  # unchanged: not rewritten


@pytest.mark.browser
def test_index_passes_axe(index_tree):
    from browser import axe_violations, browser_session, describe, open_page

    target = index_page.write_index()
    with browser_session() as browser:
        page = open_page(browser, target)
        violations = axe_violations(page)
        page.close()
    assert not violations, describe(violations)


# --- end to end: two councils, one broken, then a no-op -------------------------------------------------------


def _batch(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scwres", "reports", "--jobs", "2", "--quiet"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_batch_isolates_a_broken_return_and_then_does_nothing(tmp_path):
    raw, params = write_synthetic(tmp_path / "syn", 2, (PERIOD,), seed=21)
    # A snapshot of the code, so edits to the working tree during the test cannot change the inputs' key.
    project = tmp_path / "project"
    shutil.copytree(paths.PACKAGE_DIR, project / "lib" / "scwres",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.NOTEBOOKS_DIR, project / "notebooks")
    if paths.REFERENCE_DIR.is_dir():
        shutil.copytree(paths.REFERENCE_DIR, project / "data" / "reference")
    shutil.copy(ROOT / "constraints.txt", project / "constraints.txt")
    env = {**os.environ, "SCWRES_ROOT": str(project), "PYTHONPATH": str(project / "lib"),
           "SCWRES_RAW_DIR": str(raw), "SCWRES_PARAMS_DIR": str(params),
           "SCWRES_BUILD_DIR": str(tmp_path / "build"), "SCWRES_REPORTS_DIR": str(tmp_path / "reports"),
           "SCWRES_COMMENTARY_DIR": str(tmp_path / "commentary"), "PYTHONHASHSEED": "0"}
    broken = raw / "synthetic-002" / PERIOD / "recruitment.csv"
    good = broken.read_text(encoding="utf-8")
    lines = good.splitlines()
    lines[1] = lines[1].replace("adults", "martians", 1)
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    first = _batch(env)
    assert first.returncode == 1, first.stderr
    assert "1 built, 0 up to date, 1 failed." in first.stdout
    failure = first.stdout[first.stdout.index("Failed:"):]
    assert "synthetic-002 2024" in failure and "recruitment.csv" in failure
    assert (tmp_path / "reports/synthetic-001" / PERIOD / "report.html").is_file()
    assert (tmp_path / "build/synthetic-001" / PERIOD / "inputs.sha256").is_file()
    assert not (tmp_path / "reports/synthetic-002" / PERIOD / "report.html").exists()
    assert not (tmp_path / "build/synthetic-002" / PERIOD / "inputs.sha256").exists()

    broken.write_text(good, encoding="utf-8")
    second = _batch(env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "1 built, 1 up to date, 0 failed." in second.stdout
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Synthetic council 002 2024 report" in index

    third = _batch(env)
    assert third.returncode == 0
    assert third.stdout.startswith("Nothing to do: all 2 report(s) are up to date")
    assert "Index written" not in third.stdout
