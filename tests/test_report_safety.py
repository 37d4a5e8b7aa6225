"""Safety: markup planted in every outside string reaches the report only as text.

A ``<script>`` and an ``<img onerror>`` go into the params (name, people,
sources, group label, senior manager definition, a pay band code and a pay
band label), the analyst commentary and the return's pay band column; the
report is built through the real command line and must contain no script, no
event-handler attribute and no image that is not our own embedded chart, while
the planted text is visible as text.
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


@pytest.mark.slow
def test_planted_markup_appears_only_as_text(scratch_tree):
    plant(scratch_tree)
    env = pipeline_env(scratch_tree)
    env.update({"SCWRES_PARAMS_DIR": str(scratch_tree / "params"), "SCWRES_RAW_DIR": str(scratch_tree / "raw"),
                "SCWRES_COMMENTARY_DIR": str(scratch_tree / "params" / "commentary")})
    run_cli(["report", "--la", LA, "--period", PERIOD], env)
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
