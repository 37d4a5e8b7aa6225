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
from scwres.render.words import ASSESSMENT_SHORT, METRIC_SHORT

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
    assert f'<td data-label="{METRIC_SHORT["m2"]}">{expected}</td>' in first_row
    assert html.count("<h1>") == 1 and '<html lang="en">' in html and "<script" not in html
    assert "Illustrative data" in html
    assert index_page.write_index() is None  # unchanged: not rewritten


def test_index_writes_its_counts_in_words(index_tree):
    """"4 reports from 3 councils", "1 report from 1 council": never "report(s)"."""
    entries, updates = index_page.collect()
    html = index_page.render(entries, updates, [])
    assert "2 reports from 2 councils." in html
    one = index_page.render(entries[:1], {}, [])
    assert "1 report from 1 council." in one
    extra = index_page.Entry("synthetic-001", "2023", entries[0].name, True)
    assert "3 reports from 2 councils." in index_page.render([extra, *entries], {}, [])
    assert "(s)" not in html + one


def test_index_gives_each_council_one_row_group_and_each_link_its_own_item(index_tree):
    """One <tbody> per council (a card on a phone), whatever its number of periods; links as list items."""
    entries, _ = index_page.collect()
    extra = index_page.Entry("synthetic-001", "2023", entries[0].name, True, downloads=[("x.csv", "More")])
    html = index_page.render([extra, *entries], {}, [])
    body = html[html.index("<table"):html.index("</table>")]
    assert body.count("<tbody>") == 2 and body.count("<tr>") == 3 + 1  # the header row and three reports
    links = body.count("<a ")
    assert links == body.count("<li><a ") and links >= 3
    assert "</a><a" not in body and "</a><br>" not in body


@pytest.mark.browser
def test_index_passes_axe(index_tree):
    from browser import DESKTOP, PHONE, axe_violations, browser_session, describe, open_page

    target = index_page.write_index()
    with browser_session() as browser:
        for viewport in (PHONE, DESKTOP):
            page = open_page(browser, target, viewport)
            violations = axe_violations(page)
            page.close()
            assert not violations, (viewport, describe(violations))


LAYOUT = """() => {
  const wrap = document.querySelector('.table-wrap');
  const cards = [...document.querySelectorAll('table.council-cards tbody')];
  const links = [...document.querySelectorAll('table.council-cards td.links a')].map(a => a.getBoundingClientRect());
  return {page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
          wrap: [wrap.scrollWidth, wrap.clientWidth], display: cards.map(c => getComputedStyle(c).display),
          header: document.querySelector('table.council-cards thead').getBoundingClientRect().height,
          links: links.map(r => [r.left, r.top, r.bottom])};
}"""


def measured_index(target, viewport, css_off: bool = False):
    from browser import browser_session, open_page

    with browser_session() as browser:
        page = open_page(browser, target, viewport)
        if css_off:  # the card rules switched off: the phone gets the desktop table
            page.evaluate("document.querySelector('style').textContent = document.querySelector('style')"
                          ".textContent.replaceAll('table.council-cards', 'table.no-such-class')")
        found = page.evaluate(LAYOUT)
        page.close()
    return found


def stacked(links) -> bool:
    """Every link below the one before it, with a gap: no two run together on a line or touch."""
    return len(links) >= 2 and all(b[1] >= a[2] + 4 for a, b in zip(links, links[1:], strict=False))


@pytest.mark.browser
def test_index_is_one_card_per_council_on_a_phone(index_tree):
    from browser import DESKTOP, PHONE

    target = index_page.write_index()
    phone = measured_index(target, PHONE)
    assert phone["display"] == ["block", "block"], phone  # one card per council
    assert phone["page"][0] <= phone["page"][1] and phone["wrap"][0] <= phone["wrap"][1], phone  # no sideways scroll
    assert phone["header"] <= 1, phone  # the column headers are labels on each cell instead
    assert stacked(phone["links"]), phone["links"]
    desktop = measured_index(target, DESKTOP)
    assert desktop["display"] == ["table-row-group"] * 2 and desktop["header"] > 10, desktop
    plain = measured_index(target, PHONE, css_off=True)  # the check can fail: without the rules, a wide table
    assert plain["display"] == ["table-row-group"] * 2 and plain["wrap"][0] > plain["wrap"][1], plain


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


def test_a_failed_councils_reason_lists_its_errors_below_not_above(tmp_path, monkeypatch):
    """`make national` / `make reports` print the reason with the errors under it: "fix the errors above"
    (the words make report prints under its own list) pointed the wrong way."""
    from scwres.pipeline import run
    from scwres.pipeline.inputs import Job
    from scwres.problems import Problem
    from scwres.validate.validation import write_problems

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    found = [Problem("error", "recruitment.csv", 2, "service", "martians", "Not a service."),
             Problem("error", "recruitment.csv", 5, "band", "Z", "Not a pay band.")]
    stray = Problem("error", "action_plan.csv", 3, "due", "x", "Not a date.")
    write_problems(found, paths.build_dir("synthetic-002", PERIOD), analyst=[stray])
    failure = run.ReturnFailed(2, tmp_path / "reports" / "synthetic-002" / PERIOD / "data-quality.html")
    assert "above" in str(failure)  # make report's own console, where the list comes first
    reason = batch._reason(Job("synthetic-002", PERIOD, "public"), failure).splitlines()
    assert "above" not in reason[0] and reason[0].startswith("the return has 2 errors, the first listed below")
    assert reason[1:] == [f"{p.where()}: {p.message}" for p in found]  # the return's, not the action plan's
