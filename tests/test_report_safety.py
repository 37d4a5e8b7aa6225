"""Safety: markup planted in every outside string reaches the report only as text; analysts' problems
reach only the data-quality page and the console.

A ``<script>`` and an ``<img onerror>`` go into the params (name, people,
sources, group label, senior manager definition, a pay band code and a pay
band label), the analyst commentary and the return's pay band column; the
report is built through the real command line and must contain no script, no
event-handler attribute and no image that is not our own embedded chart, while
the planted text is visible as text.

The same build (one pipeline run for both, to keep the suite fast) also plants
what only an analyst can act on: a commentary section for no measure, a faulty
action plan, and params that make validation warn (declared staff far from the
return's headcount, an unknown-ethnicity threshold every table exceeds). None of
their file names, settings, codes or line numbers may reach the public report;
all of them must be on the data-quality page, and the console must end with
"N errors, M warnings: see <path>".
"""

from __future__ import annotations

import os

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import pipeline_env, run_cli

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"
LA, PERIOD = "bexley", "2024"


def plant(tree) -> None:
    """Put both payloads into every string a council controls."""
    path = tree / "params" / f"{LA}.yml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["name"] = f"Bexley {SCRIPT} Council"
    params["group_label"] = f"Global Majority {IMG}"
    params["senior_manager_definition"] = f"Directors {SCRIPT}"
    params["people"]["programme_lead"] = f"Lead {IMG}"
    params["people"]["sponsors"] = [f"Sponsor {SCRIPT}"]
    old = params["pay_bands"][-1]
    new = f"top{IMG}"
    params["pay_bands"][-1] = new
    params["pay_band_labels"].pop(old, None)  # the code itself becomes the label readers see
    params["pay_band_labels"][params["pay_bands"][0]] = f"Lowest {SCRIPT}"
    for spec in params["periods"].values():
        spec["sources"] = [f"HR system {SCRIPT}", f"Survey {IMG}"]
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for period_dir in (tree / "raw" / LA).iterdir():
        workforce = period_dir / "workforce.csv"
        if workforce.exists():
            workforce.write_text(workforce.read_text(encoding="utf-8").replace(f",{old},", f",{new},"),
                                 encoding="utf-8")
    notes = tree / "params" / "commentary" / LA
    notes.mkdir(parents=True, exist_ok=True)
    (notes / f"{PERIOD}.md").write_text(
        f"## overview\n\nSummary {SCRIPT} and {IMG}.\n\n## m2\n\nText with <b onclick=alert(1)>bold</b> {IMG} "
        f"and [a link](javascript:alert(1)).\n\n## m9\n\n{SCRIPT}\n", encoding="utf-8")


def plant_analyst_problems(tree) -> None:
    """Problems for the analyst: a stray commentary section, a bad action plan row, params that warn."""
    notes = tree / "params" / "commentary" / LA / f"{PERIOD}.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n## m10\n\nA section for a measure that does not exist.\n",
                     encoding="utf-8")
    plan = tree / "raw" / LA / "action_plan.csv"
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].split(",")  # line 2 of the file
    row[header.index("theme")] = "kulture"
    lines[1] = ",".join(row)
    plan.write_text("".join(lines), encoding="utf-8")
    path = tree / "params" / f"{LA}.yml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["unknown_share_warning"] = 0.001
    params["periods"][PERIOD]["direct_employees"] = 5000
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """One build of bexley 2024 with every plant: (tree, the command's output)."""
    import shutil

    from conftest import ROOT

    tree = tmp_path_factory.mktemp("planted")
    shutil.copytree(ROOT / "params", tree / "params")
    shutil.copytree(ROOT / "data" / "raw", tree / "raw")
    plant(tree)
    plant_analyst_problems(tree)
    env = pipeline_env(tree)
    env.update({"SCWRES_PARAMS_DIR": str(tree / "params"), "SCWRES_RAW_DIR": str(tree / "raw"),
                "SCWRES_COMMENTARY_DIR": str(tree / "params" / "commentary")})
    return tree, run_cli(["report", "--la", LA, "--period", PERIOD], env)


@pytest.mark.slow
def test_planted_markup_appears_only_as_text(planted):
    scratch_tree, _ = planted
    html = (scratch_tree / "reports" / LA / PERIOD / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all("script")
    assert not soup.find_all("b"), "raw HTML in commentary must not become markup"
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag.name
        for attr in ("href", "src"):
            assert not str(tag.get(attr, "")).lower().startswith("javascript:"), tag
    assert all(img["src"].startswith("data:image/svg+xml") for img in soup.find_all("img"))
    text = soup.get_text()
    for where in ("Bexley <script>", "Global Majority <img", "Lead <img", "Sponsor <script>", "HR system <script>",
                  "Survey <img", "Directors <script>", "Lowest <script>", "top<img", "Summary <script>",
                  "<b onclick=alert(1)>bold</b>"):
        assert where in text, f"{where!r} should be shown as text"
    assert os.path.getsize(scratch_tree / "reports" / LA / PERIOD / "report.html") > 10_000


@pytest.mark.slow
def test_analysts_problems_reach_only_the_data_quality_page_and_the_console(planted):
    import re

    tree, proc = planted
    folder = tree / "reports" / LA / PERIOD
    public = BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser")
    # No file name may appear, not even in the methods (one fingerprint there; the files are internal).
    # What a reader can see or hear: the text, alt text and labels.
    assert not [c for c in public.find_all("caption") if c.get_text().startswith("Input files")]
    shown = public.get_text(" ") + " ".join(str(t.get(a, "")) for t in public.find_all(True)
                                            for a in ("alt", "aria-label", "title"))
    page = BeautifulSoup((folder / "data-quality.html").read_text(encoding="utf-8"), "html.parser").get_text(" ")
    planted_words = ["m10", f"{PERIOD}.md", "action_plan.csv", "kulture", "line 2", "column theme",
                     "direct_employees", f"{LA}.yml", "unknown_share_warning", "not_stated"]
    for word in planted_words:
        assert word in page, f"{word!r} should be on the data-quality page"
        assert word not in shown, f"{word!r} is for the analyst, not the public report"
    commentary_line = next(i for i, line in enumerate(
        (tree / "params" / "commentary" / LA / f"{PERIOD}.md").read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith("## m10"))
    assert f"{PERIOD}.md line {commentary_line}" in page
    assert f"line {commentary_line}" not in shown
    assert not re.search(r"\bm[1-9]\b|m7_(colleagues|managers)", shown), "metric codes are for analysts"
    assert "Ethnicity is not known for" in shown  # the reader still learns what affects the figures
    assert "could not be read" in shown  # ... and that the action plan is missing
    last = proc.stdout.strip().splitlines()[-1]
    found = re.fullmatch(r"(\d+) errors?, (\d+) warnings?: see (.+)", last)
    assert found, last
    assert int(found.group(1)) >= 1 and int(found.group(2)) >= 3, last
    assert found.group(3).endswith(f"{LA}/{PERIOD}/data-quality.html")


@pytest.mark.slow
def test_a_misnamed_commentary_section_warns_on_the_console_and_in_problems_json(planted):
    """problems.json lists what the data-quality page and the summary line count: the return's problems
    and the commentary's and action plan's (it used to stay [] while the page listed warnings)."""
    import json
    import re

    tree, proc = planted
    assert re.search(rf"^warning: \S*{PERIOD}\.md line \d+, value 'm10': The commentary section \"## m10\"",
                     proc.stderr, re.MULTILINE), proc.stderr
    problems = json.loads((tree / "build" / LA / PERIOD / "problems.json").read_text(encoding="utf-8"))
    assert [p["value"] for p in problems if p["source"] == "analyst" and p["severity"] == "warning"] == ["m10"]
    found = re.fullmatch(r"(\d+) errors?, (\d+) warnings?: see .+", proc.stdout.strip().splitlines()[-1])
    assert found and (int(found.group(1)), int(found.group(2))) == (
        sum(p["severity"] == "error" for p in problems), sum(p["severity"] == "warning" for p in problems))
    page = (tree / "reports" / LA / PERIOD / "data-quality.html").read_text(encoding="utf-8")
    assert all(p["message"].split(" (")[0][:40] in page.replace("&#34;", '"').replace("&#39;", "'")
               for p in problems)
