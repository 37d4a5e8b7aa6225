"""The progress update page and the annual report's action plan HTML: content, escaping, CLI, accessibility."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser import axe_violations, browser_session, describe, open_page
from scwres.actions.register import COLUMNS
from scwres.actions.report_html import action_plan_section, analyst_problems, metric_actions_html
from scwres.actions.update_page import add_months, update_html, write_update
from scwres.intake.params import load_params

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2023, 2, 28)
HOSTILE_TITLE = "<script>alert('t')</script> Fair panels"
HOSTILE_NOTE = "<img src=x onerror=alert('n')> progress"


@pytest.fixture(scope="module")
def norfolk() -> dict:
    return load_params("norfolk")


@pytest.fixture(scope="module")
def page(norfolk) -> str:
    return update_html("norfolk", AS_OF, norfolk)


def sections(html: str) -> dict[str, str]:
    """The page cut at each <h2>: heading text -> the HTML up to the next <h2>."""
    parts = re.split(r"<h2>(.*?)</h2>", html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def ids(fragment: str) -> list[str]:
    return re.findall(r"<strong>(N\d+)</strong>", fragment)


def test_cycle_dates_clamp_to_month_end():
    assert add_months(dt.date(2023, 5, 31), -3) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 2, 28), 3) == dt.date(2023, 5, 28)


def test_update_shows_what_changed_this_quarter(page):
    s = sections(page)
    assert ids(s["Completed since the last update"]) == ["N1", "N6", "N10", "N12"]  # N9 closed last quarter
    assert "Dropped" in s["Completed since the last update"]
    assert ids(s["Newly overdue"]) == ["N3"]
    assert ids(s["New progress notes on actions under way"]) == ["N2", "N4", "N5", "N7", "N8"]
    assert ids(s["Due before the next update"]) == ["N7"]
    assert "Action N3 has been overdue since 10 February 2023" in s["Needs attention"]
    for analyst_words in ("action_plan.csv", "line", "add a progress note"):  # public page: no register places
        assert analyst_words not in s["Needs attention"]
    assert "No success measure became met" in s["Success measures"]
    assert "The 2023 data (snapshot 30 September 2023)" in s["Success measures"]
    assert "previous update was on 28 November 2022 and the next is due on 28 May 2023" in page
    assert ids(page).count("N13") == 0  # not started: only in the full table, never as a change


def test_update_page_shape(page):
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert page.count("<h1>") == 1 and page.count("<main") == 1
    assert 'class="banner">Illustrative data' in page
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.count("<table>") == page.count("<caption>") > 0
    for forbidden in ("<script", "http://", "https://", "<link", "@import"):
        assert forbidden not in page


def test_measures_newly_met_when_new_data_arrive(norfolk):
    s = sections(update_html("norfolk", dt.date(2024, 10, 31), norfolk))
    met = s["Success measures"].split("<h3>Every success measure</h3>")[0]
    assert "N9" in ids(met)  # adults' CPD ratio passed 1.0 in the 2024 data
    assert "N14" not in ids(met)  # 0.76 against a target of 0.80


def test_update_is_byte_identical(tmp_path):
    first = write_update("norfolk", "2023-02-28", reports_root=tmp_path / "a").read_bytes()
    second = write_update("norfolk", "2023-02-28", reports_root=tmp_path / "b").read_bytes()
    assert first == second
    assert (tmp_path / "a" / "norfolk" / "updates" / "2023-02-28.html").exists()


def hostile_tree(scratch: Path) -> Path:
    """A copy of the data whose Norfolk plan has markup in a title, an objective, a lead and a note."""
    path = scratch / "raw" / "norfolk" / "action_plan.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0].update(action=HOSTILE_TITLE, last_update=HOSTILE_NOTE, lead="Head of <b>HR</b>")
    rows[1].update(objective="<i>Objective</i> & more")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return scratch / "raw"


def test_markup_in_the_register_is_only_text(scratch_tree, norfolk):
    raw = hostile_tree(scratch_tree)
    pages = [update_html("norfolk", AS_OF, norfolk, raw),
             action_plan_section("norfolk", "2023", norfolk, raw_dir=raw),
             metric_actions_html("norfolk", "m6", "2023", norfolk, raw_dir=raw)]
    for html in pages:
        assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Fair panels" in pages[0]
    assert "&lt;img src=x onerror=alert(&#39;n&#39;)&gt; progress" in pages[0]
    assert "&lt;i&gt;Objective&lt;/i&gt; &amp; more" in pages[1]
    assert "&lt;script&gt;" in pages[2]


def test_annual_section_groups_by_objective(norfolk):
    html = action_plan_section("norfolk", "2024", norfolk)
    assert html.startswith('<h2 id="action-plan">Action plan progress</h2>')
    assert re.findall(r"<h3>(.*?)</h3>", html) == [
        "1. A workplace free from bullying, harassment and discrimination", "2. Inclusive recruitment and selection",
        "3. Every colleague reaching their potential"]
    assert "as at 30 September 2024 (the snapshot date of this report)" in html
    assert html.count("<caption>") == html.count("<table>") == 4
    assert '<th scope="row">N5</th>' in html and '<th scope="col">Status</th>' in html
    assert "Appointment: 0.36 in 2022, 0.76 in 2024" in html  # before (plan period) and now
    assert "<strong>Met (Appointment 0.76 in 2024)</strong>" in html
    assert not re.search(r"\bm[1-9]\b|m7_", re.sub(r"<[^>]+>", " ", html)), "metric codes are for analysts"


def test_annual_section_leaves_out_later_plans(norfolk):
    html = action_plan_section("norfolk", "2022", norfolk)
    assert "N1" in html and "N14" not in html and "N15" not in html


def test_metric_note_lists_the_actions_on_that_metric(norfolk):
    html = metric_actions_html("norfolk", "m2", "2024", norfolk)
    # a note inside the metric's section: no heading of its own, folded away for phones under a summary that counts
    assert re.search(r"<h\d", html) is None
    assert html.startswith('<details class="fold"><summary>What is being done: 3 actions</summary>')
    assert html.endswith("</details>")
    assert re.findall(r"<li>(N\d+):", html) == ["N5", "N6", "N14"]
    assert metric_actions_html("norfolk", "m3", "2024", norfolk) == ""


def test_a_broken_plan_does_not_stop_the_report(scratch_tree, norfolk):
    path = scratch_tree / "raw" / "norfolk" / "action_plan.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",culture,", ",kulture,", 1), encoding="utf-8")
    html = action_plan_section("norfolk", "2023", norfolk, raw_dir=scratch_tree / "raw")
    assert html.startswith('<h2 id="action-plan">Action plan progress</h2>')
    assert "could not be read" in html and "not affected" in html
    assert "action_plan.csv" not in html and "line 2" not in html and "theme" not in html  # the analyst's, not readers'
    assert "could not be read" in metric_actions_html("norfolk", "m6", "2023", norfolk, raw_dir=scratch_tree / "raw")
    found = analyst_problems("norfolk", norfolk, raw_dir=scratch_tree / "raw")
    assert [(p.where(), p.column) for p in found if p.severity == "error"] == [("action_plan.csv line 2", "theme")]


def test_no_plan_says_so(scratch_tree, norfolk):
    (scratch_tree / "raw" / "norfolk" / "action_plan.csv").unlink()
    html = action_plan_section("norfolk", "2023", norfolk, raw_dir=scratch_tree / "raw")
    assert "No action plan has been recorded for Norfolk County Council" in html and "action_plan.csv" not in html
    assert metric_actions_html("norfolk", "m2", "2023", norfolk, raw_dir=scratch_tree / "raw") == ""


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scwres", "update", *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=300)


def test_cli_writes_the_update(tmp_path):
    env = {**os.environ, "SCWRES_REPORTS_DIR": str(tmp_path)}
    proc = cli("--la", "norfolk", "--as-of", "2023-02-28", env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "norfolk" / "updates" / "2023-02-28.html").exists()


@pytest.mark.parametrize("la,as_of,words", [
    ("norfolk", "28/02/2023", "AS_OF must be a date written yyyy-mm-dd"),
    ("norfolk", "2023-02-30", "not a day in the calendar"),
    ("nowhere", "2023-02-28", "no council called 'nowhere'"),
    # make update without AS_OF: what to type, not "...not ''."
    ("norfolk", "", "AS_OF is missing: give the date the progress update is for, written yyyy-mm-dd, e.g. make "
                    "update LA=<council> AS_OF=2023-02-28"),
    # before any action joined the plan: a note, not a page of zeros
    ("norfolk", "2010-01-01", "note: nothing to report on 1 January 2010: no action of Norfolk County Council's "
                              "plan had begun (the first joins the plan with the 2022 data, snapshot 30 September "
                              "2022), so no update was written. Give an AS_OF on or after 2022-09-30."),
])
def test_cli_refuses_plainly(tmp_path, la, as_of, words):
    proc = cli("--la", la, "--as-of", as_of, env={**os.environ, "SCWRES_REPORTS_DIR": str(tmp_path)})
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr
    assert "not ''" not in proc.stderr
    assert not (tmp_path / la).exists()


def test_cli_lists_plan_errors_and_publishes_nothing(scratch_tree, tmp_path):
    path = scratch_tree / "raw" / "norfolk" / "action_plan.csv"
    text = path.read_text(encoding="utf-8").replace("2023-01-31,complete,2023-01-20", "2023-01-31,complete,", 1)
    path.write_text(text.replace("m6 <= 1.1", "m6 <== 1.1", 1), encoding="utf-8")
    env = {**os.environ, "SCWRES_RAW_DIR": str(scratch_tree / "raw"), "SCWRES_REPORTS_DIR": str(tmp_path)}
    proc = cli("--la", "norfolk", "--as-of", "2023-02-28", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert ("action_plan.csv line 2, column completed_on: The action is complete but completed_on is empty"
            in proc.stderr)
    assert ("action_plan.csv line 3, column success_measure, value 'm6 <== 1.1': The success measure cannot be read"
            in proc.stderr)
    assert not (tmp_path / "norfolk").exists()


@pytest.mark.browser
def test_update_page_has_no_axe_violations(tmp_path):
    path = write_update("norfolk", "2023-02-28", reports_root=tmp_path)
    with browser_session() as browser:  # skips (or, in CI, fails) without Debian's chromium
        page = open_page(browser, path)
        try:
            violations = axe_violations(page)
        finally:
            page.close()
    assert violations == [], describe(violations)


def test_annual_section_names_stale_actions_in_readers_words(norfolk):
    """Overdue with no note for 90 days: the action and dates, never the register's file, line or a fix-it."""
    html = action_plan_section("norfolk", "2023", norfolk)
    fold = re.search(r"<summary>Overdue actions with no progress note for more than 90 days \((\d+)\)</summary>"
                     r"(.*?)</details>", html, re.S)
    assert fold is not None, "the overdue actions are not listed under their own fold"
    listing = fold.group(2)
    assert listing.count("<li>") == int(fold.group(1))  # the summary counts what the fold lists
    assert "N3: Offer bystander and allyship training" in listing and "overdue since 10 February 2023" in listing
    assert "action_plan.csv" not in listing and "line" not in listing and "add a progress note" not in listing
