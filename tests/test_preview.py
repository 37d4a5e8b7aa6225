"""``make preview``: which edit rebuilds what (no timing here: timings belong to ``make bench``)."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from scwres import paths
from scwres.pipeline.preview import PUBLISH_STEP, Rebuild, changed_labels, classify, rebuild_plan, snapshot


@pytest.mark.parametrize("label, kind", [
    ("commentary.md", "commentary"), ("params.yml", "params"), ("signoff.yml", "signoff"),
    ("signed-off.json", "signoff"), ("raw/action_plan.csv", "action_plan"),
    ("raw/2024/workforce.csv", "return"), ("raw/2022/return.xlsx", "return"),
    ("raw/2023/action_plan.csv", "return"),  # only the council's own register is the action plan
    ("lib/scwres/render/charts.py", "code"), ("notebooks/3_publish_report.ipynb", "code"),
    ("reference/national-headlines.csv", "code"), ("constraints.txt", "code"),
])
def test_classify(label, kind):
    assert classify(label) == kind


def test_nothing_changed_rebuilds_nothing():
    assert rebuild_plan(set(), last_ok=True) is None
    assert rebuild_plan(set(), last_ok=False) is None


def test_commentary_or_action_plan_alone_reruns_only_the_report_notebook():
    for changed in ({"commentary.md"}, {"raw/action_plan.csv"}, {"commentary.md", "raw/action_plan.csv"},
                    {"signoff.yml"}, {"signed-off.json", "commentary.md"}):
        assert rebuild_plan(changed, last_ok=True) == Rebuild(PUBLISH_STEP, False, tuple(sorted(
            classify(c) for c in changed)))


def test_a_figure_that_may_move_reruns_everything():
    for changed in ({"raw/2024/events.csv"}, {"params.yml"}, {"commentary.md", "raw/2022/survey.csv"}):
        plan = rebuild_plan(changed, last_ok=True)
        assert plan is not None and plan.start == 0 and not plan.new_kernel


def test_after_a_failure_even_commentary_reruns_everything():
    """metrics.csv may be missing or stale after a failed build: the report notebook alone cannot run."""
    assert rebuild_plan({"commentary.md"}, last_ok=False).start == 0


def test_code_needs_a_new_kernel():
    plan = rebuild_plan({"lib/scwres/render/report/sections.py", "commentary.md"}, last_ok=True)
    assert plan.start == 0 and plan.new_kernel


def test_changed_labels():
    assert changed_labels({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == {"b", "c"}
    assert changed_labels({"a": "1"}, {}) == {"a"}


def test_snapshot_sees_a_commentary_edit_by_content(tmp_path, monkeypatch):
    """The watcher's view of the files: a real edit shows as commentary; rewriting the same bytes shows nothing."""
    shutil.copytree(ROOT / "data" / "raw" / "bexley", tmp_path / "raw" / "bexley")
    shutil.copytree(ROOT / "params", tmp_path / "params")
    monkeypatch.setattr(paths, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(paths, "PARAMS_DIR", tmp_path / "params")
    monkeypatch.setattr(paths, "COMMENTARY_DIR", tmp_path / "params" / "commentary")
    before = snapshot("bexley", "2024")
    note = tmp_path / "params" / "commentary" / "bexley" / "2024.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    assert not note.exists() and before["commentary.md"] == "missing"  # its absence is watched too
    note.write_text("## m2\n\nA sentence.\n", encoding="utf-8")
    after = snapshot("bexley", "2024")
    assert rebuild_plan(changed_labels(before, after), last_ok=True).start == PUBLISH_STEP
    note.write_text("## m2\n\nA sentence.\n", encoding="utf-8")  # saved again, same words
    assert changed_labels(after, snapshot("bexley", "2024")) == set()
    workforce = tmp_path / "raw" / "bexley" / "2023" / "workforce.csv"
    workforce.write_text(workforce.read_text() + "\n")
    assert rebuild_plan(changed_labels(after, snapshot("bexley", "2024")), last_ok=True).start == 0


def test_the_preview_names_a_misnamed_commentary_section(monkeypatch):
    """A ``## appointment`` section is left out of the report: each rebuild says so on the console."""
    import io

    from scwres.pipeline import batch, run
    from scwres.pipeline.preview import Previewer
    from scwres.problems import Problem

    stray = Problem("warning", "params/commentary/norfolk/2024.md", 12, None, "appointment",
                    'The commentary section "## appointment" matches no measure, so it is not shown in the report.')

    def build_report(la, period, audience, km=None, start=0, progress=None, record=None):
        record.update(problems=[stray], analyst=[stray])
        return paths.REPORTS_DIR / la / period / "report.html"

    monkeypatch.setattr(run, "build_report", build_report)
    for name in ("warm_kernel", "reset_kernel", "drop_kernel"):
        monkeypatch.setattr(batch, name, lambda *args: None)
    monkeypatch.setattr(batch, "has_warm_kernel", lambda: True)
    stream = io.StringIO()
    assert Previewer("norfolk", "2024", stream=stream).build(Rebuild(PUBLISH_STEP, False, ("commentary",)))
    assert ("warning: params/commentary/norfolk/2024.md line 12, value 'appointment': The commentary section "
            '"## appointment" matches no measure') in stream.getvalue()
