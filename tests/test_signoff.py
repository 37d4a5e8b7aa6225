"""Review and sign-off: the fingerprint, the sign-off record, the changes page, and the whole workflow.

Unit tests use a scratch copy of one council's inputs; the end-to-end test starts from the session's
built Bexley 2024 report (copied, so the shared build is untouched), signs it off, rebuilds it, edits
its commentary, rebuilds, undoes the edit and rebuilds, in one warm kernel rerunning only the report
notebook (as ``make preview`` does for a commentary edit or a sign-off).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from scwres import paths
from scwres.disclosure import rollup_requests
from scwres.intake import signoff
from scwres.intake.provenance import fingerprint, input_files
from scwres.render import review

LA, PERIOD = "bexley", "2024"
PATHS = {"RAW_DIR": "raw", "PARAMS_DIR": "params", "COMMENTARY_DIR": "params/commentary", "BUILD_DIR": "build",
         "REPORTS_DIR": "reports"}


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """One council's inputs in a scratch tree, with ``scwres.paths`` (and any kernel) pointed at it."""
    shutil.copytree(ROOT / "data" / "raw" / LA, tmp_path / "raw" / LA)
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / f"{LA}.yml", tmp_path / "params")
    for name, folder in PATHS.items():
        monkeypatch.setattr(paths, name, tmp_path / folder)
        monkeypatch.setenv(f"SCWRES_{name}", str(tmp_path / folder))
    return tmp_path


def sign(tree: Path, by: str = "Ann Example, Director of Adult Social Services", on: str = "2025-01-31") -> Path:
    """A sign-off record for the inputs as they are now (what ``make signoff`` writes)."""
    record = signoff.record_file(LA, PERIOD)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(signoff.record_text(LA, PERIOD, by, dt.date.fromisoformat(on), fingerprint(LA, PERIOD)),
                      encoding="utf-8")
    return record


# --- the fingerprint -------------------------------------------------------------------------------------------


def test_the_fingerprint_moves_with_every_input_and_only_with_them(tree):
    first = fingerprint(LA, PERIOD)
    assert fingerprint(LA, PERIOD) == first, "the same inputs give the same fingerprint"
    assert fingerprint(LA, "2023") != first, "each period has its own"
    edits = [tree / "raw" / LA / PERIOD / "workforce.csv", tree / "raw" / LA / "2022" / "survey.csv",
             tree / "raw" / LA / "action_plan.csv", tree / "params" / f"{LA}.yml"]
    for path in edits:
        before = path.read_bytes()
        path.write_bytes(before + b"\n")
        assert fingerprint(LA, PERIOD) != first, f"a change to {path.name} changes the fingerprint"
        path.write_bytes(before)
        assert fingerprint(LA, PERIOD) == first, f"undoing the change to {path.name} restores it"
    notes = tree / "params" / "commentary" / LA / f"{PERIOD}.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("## overview\n\nA sentence.\n", encoding="utf-8")
    assert fingerprint(LA, PERIOD) != first, "adding commentary changes it"
    notes.unlink()
    assert fingerprint(LA, PERIOD) == first
    asked = {LA: {"m2|all|overall|events_me"}}  # the roll-up asks this report to hide one more count
    rollup_requests.write(PERIOD, asked, [LA])
    assert fingerprint(LA, PERIOD) != first, "a roll-up's request changes the public report, so the fingerprint"
    rollup_requests.write(str(int(PERIOD) + 1), asked, [LA])
    rollup_requests.write(PERIOD, {}, [LA])
    assert fingerprint(LA, PERIOD) == first, "a later period's request is not an input of this one"
    (tree / "raw" / LA / "2025").mkdir()  # a later period is not an input of 2024's report
    assert fingerprint(LA, PERIOD) == first


# --- the record and the status ---------------------------------------------------------------------------------


def test_signed_off_only_while_the_recomputed_fingerprint_matches(tree):
    assert not signoff.status(LA, PERIOD).signed and not signoff.status(LA, PERIOD).changed, "no record: a draft"
    sign(tree)
    assert signoff.status(LA, PERIOD).signed
    notes = tree / "params" / "commentary" / LA / f"{PERIOD}.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("## overview\n\nAdded after sign-off.\n", encoding="utf-8")
    now = signoff.status(LA, PERIOD)
    assert not now.signed and now.changed, "an input changed after sign-off: a draft again, with changes"
    notes.unlink()
    assert signoff.status(LA, PERIOD).signed, "undoing the change restores the sign-off"


def test_editing_the_signoff_file_cannot_carry_it_to_other_inputs(tree):
    record = sign(tree)
    text = record.read_text(encoding="utf-8")
    (tree / "params" / f"{LA}.yml").write_text((tree / "params" / f"{LA}.yml").read_text() + "\n", encoding="utf-8")
    changed = fingerprint(LA, PERIOD)
    # whatever else the file says, the old fingerprint in it does not match the new inputs
    for forged in (text.replace("council: bexley", "council: other"), text + "signed: true\nstatus: signed off\n",
                   text.replace("2025-01-31", "2026-01-31"), text.replace("workbook_version", "# workbook_version")):
        record.write_text(forged, encoding="utf-8")
        assert not signoff.status(LA, PERIOD).signed, forged
    # a record copied from another period (or council) is for other inputs
    record.write_text(signoff.record_text(LA, PERIOD, "Someone", dt.date(2025, 1, 1), fingerprint(LA, "2023")))
    assert not signoff.status(LA, PERIOD).signed
    # it can fail: only the fingerprint of these inputs signs them off
    record.write_text(signoff.record_text(LA, PERIOD, "Someone", dt.date(2025, 1, 1), changed))
    assert signoff.status(LA, PERIOD).signed


def test_a_broken_signoff_file_is_a_draft_with_a_problem_named(tree):
    record = sign(tree)
    for text, key in (("signed_off_by: ''\nsigned_off_on: 2025-01-31\nfingerprint: " + "a" * 64, "signed_off_by"),
                      ("signed_off_by: A\nsigned_off_on: 31/01/2025\nfingerprint: " + "a" * 64, "signed_off_on"),
                      ("signed_off_by: A\nsigned_off_on: 2025-01-31\nfingerprint: abc", "fingerprint")):
        record.write_text(text, encoding="utf-8")
        found, problems = signoff.read(LA, PERIOD)
        assert found is None and [p.column for p in problems] == [key]
        assert not signoff.status(LA, PERIOD).signed
    record.write_text("signed_off_by: [unclosed\n", encoding="utf-8")
    found, problems = signoff.read(LA, PERIOD)
    assert found is None and problems and "could not be read" in problems[0].message


def test_make_signoff_refuses_a_blank_name_or_a_bad_date(tree):
    for extra, words in ((["--by", ""], "say who signs off"), (["--by", "A, B", "--on", "31/01/2025"], "yyyy-mm-dd")):
        proc = subprocess.run([sys.executable, "-m", "scwres", "signoff", "--la", LA, "--period", PERIOD, *extra],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1 and words in proc.stderr and "Traceback" not in proc.stderr
    assert not signoff.record_file(LA, PERIOD).exists()


def test_the_batch_says_how_many_drafts_it_built_and_which_reports_are_signed_off(tree):
    from scwres.pipeline.batch import Result, Summary, format_summary
    from scwres.pipeline.inputs import Job

    for period, signs in (("2023", True), ("2024", False)):
        print_ = fingerprint(LA, period)  # a state counts as signed only for the inputs as they are now
        signed = signoff.SignOff("Ann Example, Director", dt.date(2025, 1, 31), print_) if signs else None
        path = signoff.state_path(LA, period)
        path.parent.mkdir(parents=True)
        path.write_text(signoff.state_text(signed, print_), encoding="utf-8")
    results = [Result(Job(LA, "2022"), "built"), Result(Job(LA, "2023"), "built"), Result(Job(LA, "2024"), "built"),
               Result(Job(LA, "2024", "internal"), "built")]
    text = format_summary(Summary(results))
    assert "2 of the 3 public reports built are drafts" in text, text  # 2022 has no state: a draft
    assert "Signed off:\n  - bexley 2023: Signed off by Ann Example, Director on 31 January 2025" in text
    assert "bexley 2024:" not in text and "internal" not in text


# --- what changed ----------------------------------------------------------------------------------------------

PAGE = """<main><header><h1>T</h1><p class="banner draft">DRAFT</p></header><nav><a href="#a">A</a></nav>
<section aria-labelledby="a"><h2 id="a">At a glance</h2><p>First finding.</p><p>Second finding.</p>
<div class="commentary"><p>Old commentary.</p></div>
<table><caption>Figures</caption><thead><tr><th>Measure</th><th>Value</th></tr></thead>
<tbody><tr><th>Appointment</th><td>0.52</td></tr><tr><th>CPD</th><td>[c]</td></tr></tbody></table></section>
<h2 id="action-plan">Action plan progress</h2><table><caption>Actions</caption><thead><tr><th>Action</th>
<th>Status</th></tr></thead><tbody><tr><th>B1</th><td>Overdue</td></tr></tbody></table>
<section aria-labelledby="methods"><h2 id="methods">Methods</h2><p>Fingerprint <code class="fingerprint">ab</code>.</p>
</section></main>"""


def test_changes_lists_each_figure_sentence_paragraph_and_action_before_and_after():
    before = review.items(PAGE)
    kinds = {i.kind for i in before}
    assert kinds == {"sentence", "commentary", "figure", "action"}
    assert not [i for i in before if "DRAFT" in i.text or "Fingerprint" in i.text], "banner and fingerprint skipped"
    assert review.changes(before, review.items(PAGE)) == []
    after = review.items(PAGE.replace("0.52", "0.61").replace("Old commentary.", "New commentary.")
                         .replace("<p>Second finding.</p>", "<p>Second finding.</p><p>Third finding.</p>")
                         .replace("Overdue", "Complete").replace(">ab<", ">cd<"))
    found = {(c.kind, c.before, c.after) for c in review.changes(before, after)}
    assert found == {("figure", "0.52", "0.61"), ("commentary", "Old commentary.", "New commentary."),
                     ("sentence", None, "Third finding."), ("action", "B1 | Overdue", "B1 | Complete")}


# --- the public methods section --------------------------------------------------------------------------------


def leaks(methods_html: str, la: str, period: str) -> list[str]:
    """File names, paths or per-file hashes a methods section shows."""
    text = BeautifulSoup(methods_html, "html.parser").get_text(" ")
    found = [f.sha256 for f in input_files(la, period) if f.sha256 in text]
    found += re.findall(r"\S+\.(?:csv|yml|md|xlsx)\b|data/raw/\S*|params/\S*", text)
    return found


def methods_of(report: Path) -> str:
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    return str(soup.find(id="methods").find_parent("section"))


@pytest.mark.xdist_group("pipeline")
def test_no_public_methods_section_shows_a_file_name_path_or_per_file_hash(built, monkeypatch):
    monkeypatch.setattr(paths, "BUILD_DIR", built.build)  # the fingerprint counts the roll-up's requests there
    reports = sorted(built.reports.glob("*/*/report.html"))
    assert len(reports) >= 9
    for report in reports:
        la, period = report.parent.parent.name, report.parent.name
        methods = methods_of(report)
        assert leaks(methods, la, period) == [], report
        shown = re.search(r'class="fingerprint">([0-9a-f]{64})<', methods)
        assert shown and shown.group(1) == fingerprint(la, period), "the one fingerprint a sign-off uses"
    # it can fail: the internal report's methods list the files and their hashes, and the check sees them
    internal = methods_of(built.report("norfolk", "2024", "internal"))
    assert len(leaks(internal, "norfolk", "2024")) >= 10


# --- the whole workflow ----------------------------------------------------------------------------------------


def draft_marks(html: str) -> bool:
    return "DRAFT - not signed off" in html


@pytest.mark.slow
@pytest.mark.xdist_group("pipeline")
def test_draft_signoff_edit_and_undo_end_to_end(built, tree):
    from scwres.pipeline.run import build_report, one_kernel
    from scwres.pipeline.signoff import sign_off
    from scwres.render import changes_page, index_page

    for folder, copy in ((built.build, tree / "build"), (built.reports, tree / "reports")):
        shutil.copytree(folder / LA, copy / LA)  # every period: the trend reads the earlier ones
    report = tree / "reports" / LA / PERIOD / "report.html"
    csv = next(report.parent.glob("*.csv"))
    assert draft_marks(report.read_text(encoding="utf-8")), "unsigned: a draft"
    assert "DRAFT - not signed off" in csv.read_text(encoding="utf-8")
    assert signoff.read_state(LA, PERIOD)["signed"] is False

    sign_off(LA, PERIOD, "Ann Example, Director of Adult Social Services", "2025-01-31")  # the built one is current
    notes = tree / "params" / "commentary" / LA / f"{PERIOD}.md"
    with one_kernel() as km:
        build_report(LA, PERIOD, km=km, start=2)
        signed = report.read_text(encoding="utf-8")
        assert not draft_marks(signed) and not draft_marks(csv.read_text(encoding="utf-8"))
        assert "Signed off by Ann Example, Director of Adult Social Services on 31 January 2025" in signed
        assert not changes_page.path(LA, PERIOD).exists()

        notes.parent.mkdir(parents=True)
        notes.write_text("## overview\n\nThe project group added this sentence after sign-off.\n", encoding="utf-8")
        build_report(LA, PERIOD, km=km, start=2)
        assert draft_marks(report.read_text(encoding="utf-8")), "edited after sign-off: a draft again"
        page = changes_page.path(LA, PERIOD).read_text(encoding="utf-8")
        assert "The project group added this sentence after sign-off." in page and "INTERNAL" in page
        (tree / "changes.html").write_text(page, encoding="utf-8")  # for the accessibility check below
        index_page.write_index()
        public = (tree / "reports" / "index.html").read_text(encoding="utf-8")
        internal = (tree / "reports" / index_page.INTERNAL_NAME).read_text(encoding="utf-8")
        assert changes_page.PAGE not in public and changes_page.PAGE in internal
        assert "DRAFT - not signed off" in public

        notes.unlink()
        build_report(LA, PERIOD, km=km, start=2)
    assert report.read_text(encoding="utf-8") == signed, "undone: signed off again, byte for byte"
    assert not changes_page.path(LA, PERIOD).exists()
    index_page.write_index()
    assert "Signed off by Ann Example" in (tree / "reports" / "index.html").read_text(encoding="utf-8")
    check_accessible([report, tree / "changes.html", tree / "reports" / "index.html"])


def check_accessible(pages: list[Path]) -> None:
    """axe-core finds nothing on the signed-off report, the changes page and the index (its Sign-off column)."""
    from browser import axe_violations, browser_session, describe, open_page, require_browser

    require_browser()
    with browser_session() as browser:
        for path in pages:
            page = open_page(browser, path)
            try:
                violations = axe_violations(page)
            finally:
                page.close()
            assert violations == [], f"{path.name}:\n{describe(violations)}"


def test_a_published_state_says_signed_only_while_the_inputs_are_the_ones_signed(tree):
    """The index, batch and national page read the published state; an input edited since (whose figures an
    internal build or the national page may already use) must not keep the council listed as signed off."""
    sign(tree)
    state = signoff.state_path(LA, PERIOD)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(signoff.state_text(signoff.read(LA, PERIOD)[0], fingerprint(LA, PERIOD)), encoding="utf-8")
    assert signoff.read_state(LA, PERIOD)["signed"] is True
    assert signoff.state_words(signoff.read_state(LA, PERIOD)).startswith("Signed off by Ann Example")
    survey = tree / "raw" / LA / PERIOD / "survey.csv"
    before = survey.read_bytes()
    survey.write_bytes(before + b"\n")
    assert signoff.read_state(LA, PERIOD)["signed"] is False
    assert signoff.state_words(signoff.read_state(LA, PERIOD)) == signoff.DRAFT_MARK
    survey.write_bytes(before)
    assert signoff.read_state(LA, PERIOD)["signed"] is True, "undoing the edit restores the sign-off"
